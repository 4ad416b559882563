/* test_sim_kalshi_orders.c — integration over real sockets: pmarb's Kalshi order client
 * against `pmarb sim`. An immediate-or-cancel buy fills at the book's price with Kalshi's fee
 * and the balance drops by exactly cost + fee rounded up to the cent; fill-or-kill does
 * nothing when the book is too thin; a resting order is found by client_order_id and
 * cancelled; duplicate ids and off-tick prices are refused. */
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

#include "core/kalshi_fee.h"
#include "testutil.h"
#include "util/log.h"
#include "util/uuid.h"
#include "venue/kalshi/trading.h"

#define TICKER "KXINXY-26DEC31-A1" /* series fee multiplier 0.5 */

typedef struct fixture {
    char *dir, *pub;
    pm_test_proc sim;
    kalshi_auth *auth;
    kalshi_rest rest;
} fixture;

static int setup(void **state) {
    pm_log_set_level(PM_LOG_ERROR);
    fixture *f = calloc(1, sizeof *f);
    f->dir = pm_test_tmpdir();
    EVP_PKEY *key = EVP_RSA_gen(2048);
    BIO *b = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(b, key);
    char *d;
    long n = BIO_get_mem_data(b, &d);
    char *pub = strndup(d, (size_t)n);
    BIO_free(b);
    f->pub = pm_test_path(f->dir, "k.pub");
    pm_test_write_file(f->pub, pub, 0644);
    free(pub);
    b = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0, NULL, NULL);
    n = BIO_get_mem_data(b, &d);
    pm_err err;
    assert_int_equal(kalshi_auth_new("kid", d, (size_t)n, &f->auth, &err), 0);
    BIO_free(b);
    EVP_PKEY_free(key);
    pm_test_start(&f->sim, (const char *const[]){"sim", "--kalshi-public-key", f->pub, "--kalshi-key-id", "kid", NULL});
    json_t *ready = json_loads(f->sim.line, 0, NULL);
    const char *rest = json_string_value(json_object_get(json_object_get(ready, "kalshi"), "rest"));
    assert_int_equal(kalshi_rest_init(&f->rest, rest, 0, 5000, f->auth, &err), 0);
    json_decref(ready);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    kalshi_rest_close(&f->rest);
    assert_int_equal(pm_test_stop(&f->sim), 0);
    kalshi_auth_free(f->auth);
    pm_test_rmtree(f->dir);
    free(f->dir), free(f->pub);
    free(f);
    return 0;
}

/* Best YES ask (from the best NO bid) and its size, read from the venue. */
static void best_ask(fixture *f, pm_px_t *px, pm_qty_t *qty) {
    pm_http_response res = {0};
    pm_err err;
    assert_int_equal(kalshi_rest_get(&f->rest, "/markets/" TICKER "/orderbook", &res, &err), 0);
    json_t *doc = json_loads(res.body, 0, NULL);
    json_t *no = json_object_get(json_object_get(doc, "orderbook_fp"), "no_dollars");
    json_t *last = json_array_get(no, json_array_size(no) - 1); /* ascending: best NO bid last */
    const char *p = json_string_value(json_array_get(last, 0)), *q = json_string_value(json_array_get(last, 1));
    pm_px_t nb;
    assert_int_equal(pm_px_parse(p, strlen(p), &nb, NULL), 0);
    assert_int_equal(pm_qty_parse(q, strlen(q), qty, NULL), 0);
    *px = PM_PX_ONE - nb;
    json_decref(doc);
    pm_http_response_free(&res);
}

typedef struct seen_rows {
    int positions, fills;
    pm_qty_t position;
    pm_usd_t fees_paid;
    kalshi_fill fill;
} seen_rows;

static int on_position(void *ctx, const kalshi_position *p) {
    seen_rows *s = ctx;
    s->positions++;
    s->position = p->position;
    s->fees_paid = p->fees_paid;
    assert_string_equal(p->ticker, TICKER);
    return 0;
}

static int on_fill(void *ctx, const kalshi_fill *f) {
    seen_rows *s = ctx;
    s->fills++;
    s->fill = *f;
    return 0;
}

static void test_orders(void **state) {
    fixture *f = *state;
    pm_err err;
    pm_usd_t bal0, bal1;
    assert_int_equal(kalshi_get_balance(&f->rest, &bal0, &err), 0);
    assert_int_equal(bal0, 10000LL * PM_SCALE);

    /* IOC buy 5 YES at the best ask: fills there, with the 0.5-multiplier taker fee */
    pm_px_t ask;
    pm_qty_t size;
    best_ask(f, &ask, &size);
    assert_true(size >= 5 * PM_SCALE);
    char cid[PM_UUID_LEN];
    pm_uuid_v7(cid);
    kalshi_order o = {TICKER, PM_SIDE_BUY, PM_OUTCOME_YES, ask, 5 * PM_SCALE, KALSHI_TIF_IOC, cid};
    kalshi_order_result r;
    if (kalshi_create_order(&f->rest, &o, &r, &err)) fail_msg("%s", err.msg);
    assert_int_equal(r.filled, 5 * PM_SCALE);
    assert_int_equal(r.remaining, 0);
    assert_int_equal(r.avg_price, ask);
    pm_usd_t fee = pm_kalshi_fill_fee(PM_KFEE_QUADRATIC, PM_SCALE / 2, 5 * PM_SCALE, ask, 0);
    assert_int_equal(r.fees, fee);
    assert_int_equal(kalshi_get_balance(&f->rest, &bal1, &err), 0);
    assert_int_equal(bal0 - bal1, pm_kalshi_balance_charge(ask * 5 + fee));
    kalshi_order_result found;
    assert_int_equal(kalshi_find_order(&f->rest, TICKER, cid, &found, &err), 1);
    assert_string_equal(found.status, "executed");
    assert_string_equal(found.order_id, r.order_id);
    assert_int_equal(found.filled, 5 * PM_SCALE);
    assert_int_equal(found.fees, fee);

    /* the venue's position, fill list and book agree */
    seen_rows rows = {0};
    assert_int_equal(kalshi_get_positions(&f->rest, on_position, &rows, &err), 0);
    assert_int_equal(rows.positions, 1);
    assert_int_equal(rows.position, 5 * PM_SCALE);
    assert_int_equal(rows.fees_paid, fee);
    assert_int_equal(kalshi_get_fills(&f->rest, on_fill, &rows, &err), 0);
    assert_int_equal(rows.fills, 1);
    assert_int_equal(rows.fill.count, 5 * PM_SCALE);
    assert_int_equal(rows.fill.price, ask);
    assert_int_equal(rows.fill.outcome, PM_OUTCOME_YES);
    assert_int_equal(rows.fill.fee, fee);
    assert_string_equal(rows.fill.order_id, r.order_id);
    pm_book book;
    assert_int_equal(kalshi_get_orderbook(&f->rest, TICKER, &book, &err), 0);
    assert_int_equal(book.state, PM_BOOK_LIVE);
    assert_int_equal(book.bid.n, 3);
    assert_true(pm_book_best(&book.ask)->px >= ask);

    /* the same client id again: refused, nothing sent twice */
    assert_int_equal(kalshi_create_order(&f->rest, &o, &r, &err), -1);
    assert_non_null(strstr(err.msg, "HTTP 409"));
    assert_int_equal(r.known, 1);

    /* fill-or-kill for more than the book has at that price: nothing fills */
    best_ask(f, &ask, &size);
    pm_uuid_v7(cid);
    o = (kalshi_order){TICKER, PM_SIDE_BUY, PM_OUTCOME_YES, ask, size + 1000 * PM_SCALE, KALSHI_TIF_FOK, cid}; /* ticks add ≤ 20 */
    assert_int_equal(kalshi_create_order(&f->rest, &o, &r, &err), 0);
    assert_int_equal(r.filled, 0);
    assert_int_equal(kalshi_find_order(&f->rest, TICKER, cid, &found, &err), 1);
    assert_string_equal(found.status, "canceled");

    /* a resting buy of NO far from the market, found by client id, then cancelled */
    pm_uuid_v7(cid);
    o = (kalshi_order){TICKER, PM_SIDE_BUY, PM_OUTCOME_NO, 50000, 7 * PM_SCALE, KALSHI_TIF_GTC, cid};
    assert_int_equal(kalshi_create_order(&f->rest, &o, &r, &err), 0);
    assert_int_equal(r.filled, 0);
    assert_int_equal(r.remaining, 7 * PM_SCALE);
    assert_int_equal(kalshi_find_order(&f->rest, TICKER, cid, &found, &err), 1);
    assert_string_equal(found.status, "resting");
    pm_qty_t reduced;
    assert_int_equal(kalshi_cancel_order(&f->rest, found.order_id, TICKER, &reduced, &err), 0);
    assert_int_equal(reduced, 7 * PM_SCALE);
    assert_int_equal(kalshi_find_order(&f->rest, TICKER, cid, &found, &err), 1);
    assert_string_equal(found.status, "canceled");
    assert_int_equal(kalshi_cancel_order(&f->rest, found.order_id, TICKER, &reduced, &err), -1);
    assert_int_equal(kalshi_find_order(&f->rest, TICKER, "no-such-client-id", &found, &err), 0);

    /* a price off the market's 0.01 grid is refused by the venue */
    pm_uuid_v7(cid);
    o = (kalshi_order){TICKER, PM_SIDE_BUY, PM_OUTCOME_YES, 425000, PM_SCALE, KALSHI_TIF_IOC, cid};
    assert_int_equal(kalshi_create_order(&f->rest, &o, &r, &err), -1);
    assert_non_null(strstr(err.msg, "HTTP 400"));
    assert_non_null(strstr(err.msg, "invalid_parameters"));
}

/* POST /admin/faults on the simulator; GET /admin/stats back as JSON. */
static json_t *admin(fixture *f, const char *method, const char *what, const char *body) {
    char url[512];
    snprintf(url, sizeof url, "%s", f->rest.base);
    char *cut = strstr(url, "/trade-api");
    snprintf(cut, sizeof url - (size_t)(cut - url), "/admin/%s", what);
    pm_http *h;
    pm_err err;
    pm_http_response res = {0};
    assert_int_equal(pm_http_new(5000, &h, &err), 0);
    assert_int_equal(pm_http_do(h, method, url, NULL, body, &res, &err), 0);
    assert_int_equal(res.status, 200);
    json_t *doc = json_loads(res.body, 0, NULL);
    pm_http_response_free(&res);
    pm_http_free(h);
    return doc;
}

static int64_t stat_of(fixture *f, const char *name) {
    json_t *st = admin(f, "GET", "stats", NULL);
    int64_t v = json_integer_value(json_object_get(st, name));
    json_decref(st);
    return v;
}

static void test_faults(void **state) {
    fixture *f = *state;
    pm_err err;
    f->rest.backoff_base_ms = 10; /* keep the test quick: the policy, not the wait, is under test */
    f->rest.backoff_max_ms = 40;

    /* two 429s then success: a read is retried until it gets through */
    json_decref(admin(f, "POST", "faults", "{\"http_status\":429,\"count\":2}"));
    int64_t before = stat_of(f, "rest_requests");
    pm_http_response res = {0};
    assert_int_equal(kalshi_rest_get(&f->rest, "/markets?limit=1", &res, &err), 0);
    assert_int_equal(res.status, 200);
    assert_int_equal(stat_of(f, "rest_requests") - before, 3);

    /* a 500 on an order POST: reported, never resent; the order did not happen */
    json_decref(admin(f, "POST", "faults", "{\"http_status\":500,\"count\":1}"));
    int64_t posts = stat_of(f, "order_posts");
    char cid[PM_UUID_LEN];
    pm_uuid_v7(cid);
    kalshi_order o = {TICKER, PM_SIDE_BUY, PM_OUTCOME_NO, 50000, PM_SCALE, KALSHI_TIF_GTC, cid};
    kalshi_order_result r;
    assert_int_equal(kalshi_create_order(&f->rest, &o, &r, &err), -1);
    assert_non_null(strstr(err.msg, "HTTP 500"));
    assert_int_equal(r.known, 1);
    assert_int_equal(stat_of(f, "order_posts") - posts, 1);
    kalshi_order_result found;
    assert_int_equal(kalshi_find_order(&f->rest, TICKER, cid, &found, &err), 0);

    /* a slow venue: the POST times out, its fate is unknown, and looking it up (not resending)
     * shows the venue did take it */
    kalshi_rest slow;
    assert_int_equal(kalshi_rest_init(&slow, f->rest.base, 0, 300, f->auth, &err), 0);
    json_decref(admin(f, "POST", "faults", "{\"delay_ms\":1500,\"count\":1}"));
    posts = stat_of(f, "order_posts");
    pm_uuid_v7(cid);
    o.client_order_id = cid;
    char slow_cid[PM_UUID_LEN];
    memcpy(slow_cid, cid, sizeof slow_cid);
    assert_int_equal(kalshi_create_order(&slow, &o, &r, &err), -1);
    assert_int_equal(r.known, 0);
    assert_int_equal(stat_of(f, "order_posts") - posts, 1);
    assert_int_equal(kalshi_find_order(&f->rest, TICKER, cid, &found, &err), 1);
    assert_string_equal(found.status, "resting");
    kalshi_rest_close(&slow);

    /* a refused order */
    json_decref(admin(f, "POST", "faults", "{\"reject_orders\":true}"));
    pm_uuid_v7(cid);
    o.client_order_id = cid;
    assert_int_equal(kalshi_create_order(&f->rest, &o, &r, &err), -1);
    assert_non_null(strstr(err.msg, "order_rejected"));
    pm_http_response_free(&res);

    /* every order post the venue looked at, in order: the slow one (taken, resting) and the
     * refused one; the one the injected 500 stopped never reached it */
    json_t *doc = admin(f, "GET", "orders", NULL), *seen = json_object_get(doc, "orders");
    assert_int_equal(json_array_size(seen), 2);
    json_t *e = json_array_get(seen, 0);
    assert_string_equal(json_string_value(json_object_get(e, "client_order_id")), slow_cid);
    assert_int_equal(json_integer_value(json_object_get(e, "http_status")), 201);
    assert_true(json_is_true(json_object_get(e, "accepted")));
    assert_string_equal(json_string_value(json_object_get(e, "status")), "resting");
    assert_string_equal(json_string_value(json_object_get(e, "fill_count_fp")), "0.00");
    e = json_array_get(seen, 1);
    assert_string_equal(json_string_value(json_object_get(e, "client_order_id")), cid);
    assert_int_equal(json_integer_value(json_object_get(e, "http_status")), 400);
    assert_true(json_is_false(json_object_get(e, "accepted")));
    assert_null(json_object_get(e, "status"));
    json_decref(doc);

    /* orders_only: the injected 500 passes reads by and hits the next order post */
    json_decref(admin(f, "POST", "faults", "{\"http_status\":500,\"count\":1,\"orders_only\":true}"));
    assert_int_equal(kalshi_rest_get(&f->rest, "/markets?limit=1", &res, &err), 0);
    assert_int_equal(res.status, 200);
    pm_http_response_free(&res);
    pm_uuid_v7(cid);
    o.client_order_id = cid;
    assert_int_equal(kalshi_create_order(&f->rest, &o, &r, &err), -1);
    assert_non_null(strstr(err.msg, "HTTP 500"));
    assert_int_equal(kalshi_create_order(&f->rest, &o, &r, &err), 0); /* the fault is spent: the same order goes in */
    json_decref(admin(f, "POST", "faults", "{\"orders_only\":false}"));

    /* partial_fill: the next orders match at most half their count in whole contracts; a
     * fill-or-kill one is killed */
    json_decref(admin(f, "POST", "faults", "{\"partial_fill\":true,\"count\":2}"));
    kalshi_order take = {TICKER, PM_SIDE_BUY, PM_OUTCOME_YES, 990000, 5 * PM_SCALE, KALSHI_TIF_IOC, cid};
    pm_uuid_v7(cid);
    assert_int_equal(kalshi_create_order(&f->rest, &take, &r, &err), 0);
    assert_int_equal(r.filled, 2 * PM_SCALE);
    assert_int_equal(r.remaining, 0);
    pm_uuid_v7(cid);
    take.tif = KALSHI_TIF_FOK;
    assert_int_equal(kalshi_create_order(&f->rest, &take, &r, &err), 0);
    assert_int_equal(r.filled, 0);
    pm_uuid_v7(cid);
    take.count = PM_SCALE;
    assert_int_equal(kalshi_create_order(&f->rest, &take, &r, &err), 0); /* spent: whole again */
    assert_int_equal(r.filled, PM_SCALE);

    /* lose_answers: the venue takes the order and answers 500; a look-up finds it executed */
    json_decref(admin(f, "POST", "faults", "{\"lose_answers\":true,\"count\":1}"));
    pm_uuid_v7(cid);
    assert_int_equal(kalshi_create_order(&f->rest, &take, &r, &err), -1);
    assert_non_null(strstr(err.msg, "HTTP 500"));
    assert_int_equal(kalshi_find_order(&f->rest, TICKER, cid, &found, &err), 1);
    assert_string_equal(found.status, "executed");
    assert_int_equal(found.filled, PM_SCALE);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_orders, setup, teardown),
        cmocka_unit_test_setup_teardown(test_faults, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
