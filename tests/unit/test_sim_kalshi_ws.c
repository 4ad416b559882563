/* test_sim_kalshi_ws.c — integration over real sockets: pmarb's Kalshi feed against `pmarb
 * sim`. Books built from the stream equal the simulator's own (REST) books; a dropped
 * connection, a skipped seq and a malformed frame each make the books stale and pmarb
 * rebuilds them from fresh snapshots without help; a wrong key never gets a live book. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "util/clock.h"
#include "util/log.h"
#include "venue/kalshi/catalog.h"
#include "venue/kalshi/rest.h"
#include "venue/kalshi/ws.h"

static const char *const tickers[] = {"KXFEDDECISION-26DEC-H0", "KXCPIYOY-26NOV-A1", "KXNBACHAMP-27-B0"};
#define NT 3

typedef struct fixture {
    char *dir, *pub;
    char *priv;
    pm_test_proc sim;
    char rest[256], ws[256];
    EVP_PKEY *key;
    kalshi_auth *auth;
    int stale_events;
} fixture;

static int setup(void **state) {
    pm_log_set_level(PM_LOG_ERROR);
    fixture *f = calloc(1, sizeof *f);
    f->dir = pm_test_tmpdir();
    f->key = EVP_RSA_gen(2048);
    f->pub = pm_test_path(f->dir, "k.pub");
    char *pub = pm_test_pem(f->key, PM_TEST_PEM_PUBLIC);
    pm_test_write_file(f->pub, pub, 0644);
    free(pub);
    f->priv = pm_test_pem(f->key, PM_TEST_PEM_PKCS8);
    pm_test_start(&f->sim, (const char *const[]){"sim", "--kalshi-public-key", f->pub, "--kalshi-key-id", "kid", NULL});
    json_t *ready = json_loads(f->sim.line, 0, NULL);
    json_t *k = json_object_get(ready, "kalshi");
    snprintf(f->rest, sizeof f->rest, "%s", json_string_value(json_object_get(k, "rest")));
    snprintf(f->ws, sizeof f->ws, "%s", json_string_value(json_object_get(k, "ws")));
    json_decref(ready);
    pm_err err;
    assert_int_equal(kalshi_auth_new("kid", f->priv, strlen(f->priv), &f->auth, &err), 0);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    assert_int_equal(pm_test_stop(&f->sim), 0);
    kalshi_auth_free(f->auth);
    EVP_PKEY_free(f->key);
    pm_test_rmtree(f->dir);
    free(f->dir), free(f->pub), free(f->priv);
    free(f);
    return 0;
}

static void on_event(void *user, const pm_event *ev) {
    fixture *f = user;
    if (ev->kind == PM_EV_STALE) f->stale_events++;
}

static int feed_ready(kalshi_ws *ws) { return kalshi_feed_ready(kalshi_ws_feed(ws)); }

static int all_live(kalshi_ws *ws) {
    for (int i = 0; i < NT; i++)
        if (kalshi_feed_book(kalshi_ws_feed(ws), i)->state != PM_BOOK_LIVE) return 0;
    return 1;
}

static int run_until(kalshi_ws *ws, int (*cond)(kalshi_ws *), int64_t ms) {
    int64_t end = pm_mono_ns() + ms * 1000000LL;
    while (pm_mono_ns() < end) {
        kalshi_ws_service(ws, 20);
        if (cond(ws)) return 1;
    }
    return 0;
}

/* The simulator's book of ticker i equals ours: YES bids, and YES asks from its NO bids. */
static int same_as_venue(fixture *f, kalshi_ws *ws, int i) {
    kalshi_rest rest;
    pm_err err;
    pm_http_response res = {0};
    char path[256];
    snprintf(path, sizeof path, "/markets/%s/orderbook", tickers[i]);
    assert_int_equal(kalshi_rest_init(&rest, f->rest, 0, 5000, NULL, &err), 0);
    int ok = kalshi_rest_get(&rest, path, &res, &err) == 0;
    kalshi_rest_close(&rest);
    json_t *doc = ok ? json_loads(res.body, 0, NULL) : NULL;
    pm_http_response_free(&res);
    json_t *fp = json_object_get(doc, "orderbook_fp");
    const pm_book *b = kalshi_feed_book(kalshi_ws_feed(ws), i);
    int same = fp != NULL && b->state == PM_BOOK_LIVE;
    json_t *yes = json_object_get(fp, "yes_dollars"), *no = json_object_get(fp, "no_dollars");
    same = same && json_array_size(yes) == b->bid.n && json_array_size(no) == b->ask.n;
    for (size_t k = 0; same && k < json_array_size(yes); k++) {
        pm_px_t px;
        pm_qty_t q;
        const char *ps = json_string_value(json_array_get(json_array_get(yes, k), 0));
        const char *qs = json_string_value(json_array_get(json_array_get(yes, k), 1));
        pm_px_parse(ps, strlen(ps), &px, NULL);
        pm_qty_parse(qs, strlen(qs), &q, NULL);
        same = pm_book_qty_at(&b->bid, px) == q;
    }
    for (size_t k = 0; same && k < json_array_size(no); k++) {
        pm_px_t px;
        pm_qty_t q;
        const char *ps = json_string_value(json_array_get(json_array_get(no, k), 0));
        const char *qs = json_string_value(json_array_get(json_array_get(no, k), 1));
        pm_px_parse(ps, strlen(ps), &px, NULL);
        pm_qty_parse(qs, strlen(qs), &q, NULL);
        same = pm_book_qty_at(&b->ask, PM_PX_ONE - px) == q;
    }
    json_decref(doc);
    return same;
}

/* Books move a couple of times a second: retry the comparison for a while. */
static void expect_same_books(fixture *f, kalshi_ws *ws) {
    for (int i = 0; i < NT; i++) {
        int same = 0;
        for (int tries = 0; tries < 40 && !same; tries++) {
            kalshi_ws_service(ws, 5);
            same = same_as_venue(f, ws, i);
        }
        if (!same) fail_msg("book of %s never matched the simulator's", tickers[i]);
    }
}

static void fault(fixture *f, const char *json) {
    char url[512];
    snprintf(url, sizeof url, "%s", f->rest);
    char *cut = strstr(url, "/trade-api");
    if (cut) strcpy(cut, "/admin/faults");
    pm_http *h;
    pm_err err;
    pm_http_response res = {0};
    assert_int_equal(pm_http_new(5000, &h, &err), 0);
    assert_int_equal(pm_http_do(h, "POST", url, NULL, json, &res, &err), 0);
    assert_int_equal(res.status, 200);
    pm_http_response_free(&res);
    pm_http_free(h);
}

static void test_stream_and_recover(void **state) {
    fixture *f = *state;
    kalshi_ws *ws;
    pm_err err;
    assert_int_equal(kalshi_ws_new(f->ws, f->auth, tickers, NT, 0, on_event, f, &ws, &err), 0);
    assert_true(run_until(ws, all_live, 5000));
    expect_same_books(f, ws);

    /* the connection drops: books go stale, pmarb reconnects and rebuilds them */
    fault(f, "{\"drop_connections\":true}");
    int stale_before = f->stale_events;
    int64_t end = pm_mono_ns() + 3000000000LL;
    while (f->stale_events == stale_before && pm_mono_ns() < end) kalshi_ws_service(ws, 20);
    assert_true(f->stale_events > stale_before);
    assert_false(all_live(ws));
    assert_true(run_until(ws, all_live, 15000));
    pm_ws_stats ws_st;
    pm_ws_get_stats(kalshi_ws_socket(ws), &ws_st);
    assert_int_equal(ws_st.connects, 2);
    assert_int_equal(ws_st.disconnects, 1);
    expect_same_books(f, ws);

    /* a skipped seq: a gap, a resubscription, fresh snapshots */
    kalshi_feed_stats st;
    fault(f, "{\"skip_seq\":true}");
    end = pm_mono_ns() + 5000000000LL;
    do {
        kalshi_ws_service(ws, 20);
        kalshi_feed_get_stats(kalshi_ws_feed(ws), &st);
    } while (st.gaps == 0 && pm_mono_ns() < end);
    assert_true(st.gaps >= 1);
    assert_true(st.resyncs >= 1);
    assert_true(run_until(ws, all_live, 5000));
    expect_same_books(f, ws);

    /* a malformed frame: counted, dropped, books rebuilt */
    fault(f, "{\"malformed\":true}");
    end = pm_mono_ns() + 5000000000LL;
    do {
        kalshi_ws_service(ws, 20);
        kalshi_feed_get_stats(kalshi_ws_feed(ws), &st);
    } while (st.malformed == 0 && pm_mono_ns() < end);
    assert_true(st.malformed >= 1);
    assert_true(run_until(ws, all_live, 5000));
    expect_same_books(f, ws);
    kalshi_ws_free(ws);
}

static void test_wrong_key_never_live(void **state) {
    fixture *f = *state;
    EVP_PKEY *other = EVP_RSA_gen(2048);
    char *pem = pm_test_pem(other, PM_TEST_PEM_PKCS8);
    kalshi_auth *auth;
    pm_err err;
    assert_int_equal(kalshi_auth_new("kid", pem, strlen(pem), &auth, &err), 0);
    kalshi_ws *ws;
    assert_int_equal(kalshi_ws_new(f->ws, auth, tickers, NT, 0, NULL, NULL, &ws, &err), 0);
    assert_false(run_until(ws, all_live, 1500));
    pm_ws_stats st;
    pm_ws_get_stats(kalshi_ws_socket(ws), &st);
    assert_int_equal(st.connects, 0);
    kalshi_ws_free(ws);
    kalshi_auth_free(auth);
    EVP_PKEY_free(other);
    free(pem);
}

typedef struct own {
    int fills, orders;
    pm_qty_t count;
    pm_px_t price;
    pm_order_state state;
} own;

static void on_own(void *user, const pm_event *ev) {
    own *o = user;
    assert_int_equal(ev->venue, PM_VENUE_KALSHI);
    if (ev->kind == PM_EV_FILL) {
        o->fills++;
        o->count = ev->qty;
        o->price = ev->price;
        assert_int_equal(ev->outcome, PM_OUTCOME_NO);
        assert_int_equal(ev->trade_id.n, 36);
        assert_true(ev->is_taker);
        assert_true(ev->fee > 0);
    } else if (ev->kind == PM_EV_ORDER) {
        o->orders++;
        o->state = ev->order_state;
        assert_int_equal(ev->client_order_id.n, 3); /* "c-1" */
    }
}

static own *watching;
static int got_fill_and_order(kalshi_ws *ws) {
    (void)ws;
    return watching->fills >= 1 && watching->orders >= 1;
}

static void test_user_channels(void **state) {
    fixture *f = *state;
    own seen = {0};
    watching = &seen;
    kalshi_ws *ws;
    pm_err err;
    assert_int_equal(kalshi_ws_new(f->ws, f->auth, tickers, NT, 1, on_own, &seen, &ws, &err), 0);
    assert_true(run_until(ws, all_live, 5000));
    assert_true(run_until(ws, feed_ready, 5000)); /* the fill and order channels are acknowledged */
    /* buy 2 NO at the best NO ask (1 − best YES bid) through REST; the stream reports it */
    const pm_book *b = kalshi_feed_book(kalshi_ws_feed(ws), 0);
    pm_px_t no_ask = PM_PX_ONE - pm_book_best(&b->bid)->px;
    kalshi_rest rest;
    assert_int_equal(kalshi_rest_init(&rest, f->rest, 0, 5000, f->auth, &err), 0);
    char body[512];
    snprintf(body, sizeof body,
             "{\"ticker\":\"%s\",\"side\":\"ask\",\"price\":\"0.%02lld00\",\"count\":\"2.00\",\"time_in_force\":"
             "\"immediate_or_cancel\",\"self_trade_prevention_type\":\"taker_at_cross\",\"client_order_id\":\"c-1\"}",
             tickers[0], (long long)((PM_PX_ONE - no_ask) / PM_CENT));
    pm_http_response res = {0};
    assert_int_equal(kalshi_rest_write(&rest, "POST", "/portfolio/events/orders", body, &res, &err), 0);
    pm_http_response_free(&res);
    kalshi_rest_close(&rest);
    assert_true(run_until(ws, got_fill_and_order, 5000));
    assert_int_equal(seen.count, 2 * PM_SCALE);
    assert_int_equal(seen.price, no_ask); /* the NO price, from the fill's YES price */
    assert_int_equal(seen.state, PM_ORD_EXECUTED);
    kalshi_ws_free(ws);
}

typedef struct lifecycle {
    int market;
    pm_market_state state;
    int seen;
} lifecycle;

static lifecycle *life;
static void on_life(void *user, const pm_event *ev) {
    (void)user;
    if (ev->kind != PM_EV_MARKET) return;
    life->market = ev->market;
    life->state = ev->market_state;
    life->seen++;
}
static int life_seen(kalshi_ws *ws) {
    (void)ws;
    return life->seen > 0;
}

static void test_lifecycle(void **state) {
    fixture *f = *state;
    lifecycle seen = {-1, PM_MKT_OPEN, 0};
    life = &seen;
    kalshi_ws *ws;
    pm_err err;
    assert_int_equal(kalshi_ws_new(f->ws, f->auth, tickers, NT, 0, on_life, NULL, &ws, &err), 0);
    assert_true(run_until(ws, all_live, 5000));
    fault(f, "{\"determine_market\":\"KXNBACHAMP-27-B0\"}");
    assert_true(run_until(ws, life_seen, 5000));
    assert_int_equal(seen.market, 2);
    assert_int_equal(seen.state, PM_MKT_DETERMINED);
    kalshi_ws_free(ws);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_stream_and_recover, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_key_never_live, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_channels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lifecycle, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
