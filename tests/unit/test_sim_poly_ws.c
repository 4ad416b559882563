/* test_sim_poly_ws.c — integration over real sockets: pmarb's Polymarket market channel against
 * `pmarb sim`. Books streamed for both tokens of several markets equal the simulator's REST
 * /book; after a dropped connection, a malformed frame, a tick size change, a wrong best_bid,
 * a lost price_change (skip_updates: seen when a later one's top disagrees) and a silent
 * freeze pmarb rebuilds them from fresh snapshots without help; with a small
 * assets_per_connection the assets spread over several connections, also when added and
 * removed at runtime; `pmarb book polymarket` prints the live top; the authenticated user
 * channel reports our orders (placed, matched, resting, cancelled) and our fills as core events. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/http.h"
#include "testutil.h"
#include "util/clock.h"
#include "util/log.h"
#include "venue/polymarket/clob_api.h"
#include "venue/polymarket/eip712.h"
#include "venue/polymarket/order_build.h"
#include "venue/polymarket/ws.h"

#define WALLET_KEY "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"

#define NM 3           /* markets streamed */
#define NA (2 * NM)    /* their YES and NO tokens */

typedef struct fixture {
    pm_test_proc sim;
    char gamma[256], clob[256], ws[256];
    char tokens[NA][96];
    char conditions[NM][67];
    const char *ids[NA];
    int stale_events;
    int stale_of[NA];  /* STALE events per feed index */
} fixture;

static json_t *get_json(const char *url) {
    pm_http *h;
    pm_err err;
    pm_http_response res = {0};
    assert_int_equal(pm_http_new(5000, &h, &err), 0);
    assert_int_equal(pm_http_do(h, "GET", url, NULL, NULL, &res, &err), 0);
    assert_int_equal(res.status, 200);
    json_t *doc = json_loads(res.body, 0, NULL);
    pm_http_response_free(&res);
    pm_http_free(h);
    assert_non_null(doc);
    return doc;
}

static int setup(void **state) {
    pm_log_set_level(PM_LOG_ERROR);
    fixture *f = calloc(1, sizeof *f);
    pm_test_start(&f->sim, (const char *const[]){"sim", NULL});
    json_t *ready = json_loads(f->sim.line, 0, NULL);
    json_t *p = json_object_get(ready, "polymarket");
    snprintf(f->gamma, sizeof f->gamma, "%s", json_string_value(json_object_get(p, "gamma")));
    snprintf(f->clob, sizeof f->clob, "%s", json_string_value(json_object_get(p, "clob")));
    snprintf(f->ws, sizeof f->ws, "%s", json_string_value(json_object_get(p, "ws")));
    json_decref(ready);
    char url[512];
    snprintf(url, sizeof url, "%s/markets?limit=%d&active=true&closed=false", f->gamma, NM);
    json_t *markets = get_json(url);
    assert_true(json_array_size(markets) >= NM);
    for (int m = 0; m < NM; m++) { /* clobTokenIds arrives as a JSON-encoded string */
        json_t *ids = json_loads(json_string_value(json_object_get(json_array_get(markets, m), "clobTokenIds")), 0, NULL);
        assert_int_equal(json_array_size(ids), 2);
        for (int o = 0; o < 2; o++) {
            snprintf(f->tokens[2 * m + o], sizeof f->tokens[0], "%s", json_string_value(json_array_get(ids, o)));
            f->ids[2 * m + o] = f->tokens[2 * m + o];
        }
        json_decref(ids);
        snprintf(f->conditions[m], sizeof f->conditions[m], "%s",
                 json_string_value(json_object_get(json_array_get(markets, m), "conditionId")));
    }
    json_decref(markets);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    assert_int_equal(pm_test_stop(&f->sim), 0);
    free(f);
    return 0;
}

static void on_event(void *user, const pm_event *ev) {
    fixture *f = user;
    assert_int_equal(ev->venue, PM_VENUE_POLYMARKET);
    if (ev->kind == PM_EV_STALE) f->stale_events++;
    if (ev->kind == PM_EV_STALE && ev->market >= 0 && ev->market < NA) f->stale_of[ev->market]++;
}

static int live(poly_ws *ws, int i) { return poly_feed_book(poly_ws_feed(ws), i)->state == PM_BOOK_LIVE; }

static int all_live(poly_ws *ws) {
    const poly_feed *feed = poly_ws_feed(ws);
    for (size_t i = 0; i < poly_feed_capacity(feed); i++)
        if (poly_feed_asset(feed, (int)i) && !live(ws, (int)i)) return 0;
    return 1;
}

static int run_until(poly_ws *ws, int (*cond)(poly_ws *), int64_t ms) {
    int64_t end = pm_mono_ns() + ms * 1000000LL;
    while (pm_mono_ns() < end) {
        poly_ws_service(ws, 20);
        if (cond(ws)) return 1;
    }
    return 0;
}

static int side_same(const pm_book_side *s, const json_t *levels) {
    if (json_array_size(levels) != s->n) return 0;
    size_t i;
    const json_t *l;
    json_array_foreach(levels, i, l) {
        const char *ps = json_string_value(json_object_get(l, "price")), *qs = json_string_value(json_object_get(l, "size"));
        pm_px_t px;
        pm_qty_t q;
        if (!ps || !qs || pm_px_parse(ps, strlen(ps), &px, NULL) || pm_qty_parse(qs, strlen(qs), &q, NULL)) return 0;
        if (pm_book_qty_at(s, px) != q) return 0;
    }
    return 1;
}

/* Our book of token id equals the simulator's GET /book?token_id=. */
static int same_as_venue(fixture *f, poly_ws *ws, const char *id) {
    char url[512];
    snprintf(url, sizeof url, "%s/book?token_id=%s", f->clob, id);
    json_t *doc = get_json(url);
    const poly_feed *feed = poly_ws_feed(ws);
    int i = poly_feed_index(feed, id, strlen(id));
    const pm_book *b = i >= 0 ? poly_feed_book(feed, i) : NULL;
    int same = b && b->state == PM_BOOK_LIVE && side_same(&b->bid, json_object_get(doc, "bids")) &&
               side_same(&b->ask, json_object_get(doc, "asks"));
    json_decref(doc);
    return same;
}

/* Books move a few times a second: retry the comparison for a while. */
static void expect_same_books(fixture *f, poly_ws *ws) {
    const poly_feed *feed = poly_ws_feed(ws);
    for (size_t i = 0; i < poly_feed_capacity(feed); i++) {
        const char *id = poly_feed_asset(feed, (int)i);
        if (!id) continue;
        int same = 0;
        for (int tries = 0; tries < 60 && !same; tries++) {
            poly_ws_service(ws, 5);
            same = same_as_venue(f, ws, id);
        }
        if (!same) fail_msg("book of token %s never matched the simulator's", id);
    }
}

static void fault(fixture *f, const char *json) {
    char url[512];
    snprintf(url, sizeof url, "%s/admin/faults", f->clob);
    pm_http *h;
    pm_err err;
    pm_http_response res = {0};
    assert_int_equal(pm_http_new(5000, &h, &err), 0);
    assert_int_equal(pm_http_do(h, "POST", url, NULL, json, &res, &err), 0);
    if (res.status != 200) fail_msg("fault %s: HTTP %ld %s", json, (long)res.status, res.body ? res.body : "");
    pm_http_response_free(&res);
    pm_http_free(h);
}

static poly_feed_stats stats_of(poly_ws *ws) {
    poly_feed_stats st;
    poly_feed_get_stats(poly_ws_feed(ws), &st);
    return st;
}

/* Services until the counter at offset `field` of the stats grows past before (or ms pass). */
static int wait_stat(poly_ws *ws, size_t field, uint64_t before, int64_t ms) {
    int64_t end = pm_mono_ns() + ms * 1000000LL;
    while (pm_mono_ns() < end) {
        poly_ws_service(ws, 20);
        poly_feed_stats st = stats_of(ws);
        if (*(const uint64_t *)((const char *)&st + field) > before) return 1;
    }
    return 0;
}
#define WAIT_STAT(ws, name, ms) wait_stat(ws, offsetof(poly_feed_stats, name), stats_of(ws).name, ms)

static poly_ws *open_ws(fixture *f, const poly_feed_config *cfg, size_t n, size_t max) {
    poly_ws *ws;
    pm_err err;
    if (poly_ws_new(f->ws, cfg, max, f->ids, n, NULL, on_event, f, &ws, &err)) fail_msg("%s", err.msg);
    return ws;
}

static void test_stream_and_recover(void **state) {
    fixture *f = *state;
    poly_feed_config cfg;
    poly_feed_config_default(&cfg);
    cfg.freeze_floor_ms = 1500;
    poly_ws *ws = open_ws(f, &cfg, NA, NA);
    assert_int_equal(poly_ws_sockets(ws), 1);
    assert_true(run_until(ws, all_live, 5000));
    expect_same_books(f, ws);
    poly_ws_service(ws, 1000);
    assert_int_equal(stats_of(ws).resyncs, 0); /* plain streaming never disagrees */
    assert_int_equal(stats_of(ws).malformed, 0);
    assert_true(stats_of(ws).deltas > 0);

    /* the connection drops: books go stale, pmarb redials and rebuilds them */
    int stale_before = f->stale_events;
    fault(f, "{\"drop_connections\":true}");
    int64_t end = pm_mono_ns() + 3000000000LL;
    while (f->stale_events == stale_before && pm_mono_ns() < end) poly_ws_service(ws, 20);
    assert_true(f->stale_events > stale_before);
    assert_true(run_until(ws, all_live, 15000));
    pm_ws_stats ws_st;
    pm_ws_get_stats(poly_ws_socket(ws, 0), &ws_st);
    assert_int_equal(ws_st.connects, 2);
    expect_same_books(f, ws);

    /* a malformed frame: counted, dropped, every book of the connection resubscribed */
    uint64_t resyncs = stats_of(ws).resyncs;
    fault(f, "{\"malformed\":true}");
    assert_true(WAIT_STAT(ws, malformed, 10000));
    assert_true(stats_of(ws).resyncs >= resyncs + 1);
    assert_true(run_until(ws, all_live, 5000));
    expect_same_books(f, ws);

    /* a tick size change: a new epoch for that token's book, rebuilt on the new grid */
    char tick[256];
    snprintf(tick, sizeof tick, "{\"tick_size_change\":{\"token\":\"%s\",\"tick\":\"0.001\"}}", f->ids[0]);
    fault(f, tick);
    assert_true(WAIT_STAT(ws, tick_changes, 5000));
    assert_true(run_until(ws, all_live, 5000));
    assert_int_equal(poly_feed_tick_size(poly_ws_feed(ws), 0), 1000);
    expect_same_books(f, ws);

    /* a wrong best_bid: the disagreement is seen; the books end up right either way */
    fault(f, "{\"bad_best\":true}");
    assert_true(WAIT_STAT(ws, mismatches, 10000));
    assert_true(run_until(ws, all_live, 8000));
    expect_same_books(f, ws);

    /* a lost price_change (the first market's dislocation): our books of it lag the venue's
     * until the next one (the dislocation a cent further) disagrees with them: resynced */
    const poly_feed *feed = poly_ws_feed(ws);
    int yes = poly_feed_index(feed, f->ids[0], strlen(f->ids[0])), no = poly_feed_index(feed, f->ids[1], strlen(f->ids[1]));
    int stale_yes = f->stale_of[yes], stale_no = f->stale_of[no];
    uint64_t mismatches = stats_of(ws).mismatches;
    char skip[512];
    snprintf(skip, sizeof skip, "{\"skip_updates\":{\"market\":\"%s\"},\"overshoot\":{\"market\":\"%s\",\"cents\":5,"
             "\"ticks\":100000}}", f->conditions[0], f->conditions[0]);
    fault(f, skip);
    poly_ws_service(ws, 200);
    assert_false(same_as_venue(f, ws, f->ids[0]));
    assert_int_equal(f->stale_of[yes], stale_yes); /* not seen yet */
    assert_int_equal(f->stale_of[no], stale_no);
    snprintf(skip, sizeof skip, "{\"overshoot\":{\"market\":\"%s\",\"cents\":6,\"ticks\":100000}}", f->conditions[0]);
    fault(f, skip);
    int64_t end_ns = pm_mono_ns() + 5000000000LL; /* the consistency grace is 2 s */
    while ((f->stale_of[yes] == stale_yes || f->stale_of[no] == stale_no) && pm_mono_ns() < end_ns) poly_ws_service(ws, 20);
    assert_true(f->stale_of[yes] > stale_yes && f->stale_of[no] > stale_no);
    assert_true(stats_of(ws).mismatches > mismatches);
    assert_true(run_until(ws, all_live, 5000));
    expect_same_books(f, ws);

    /* a silent freeze: the socket stays open (PINGs answered) but data stops */
    pm_ws_get_stats(poly_ws_socket(ws, 0), &ws_st);
    uint64_t connects = ws_st.connects;
    fault(f, "{\"freeze\":true}");
    assert_true(WAIT_STAT(ws, freezes, 20000));
    assert_true(run_until(ws, all_live, 15000));
    pm_ws_get_stats(poly_ws_socket(ws, 0), &ws_st);
    assert_true(ws_st.connects > connects);
    expect_same_books(f, ws);
    poly_ws_free(ws);
}

static int three_live_sockets(poly_ws *ws) {
    if (!all_live(ws)) return 0;
    for (size_t c = 0; c < poly_ws_sockets(ws); c++)
        if (!pm_ws_is_connected(poly_ws_socket(ws, (int)c))) return 0;
    return 1;
}

static void test_several_connections(void **state) {
    fixture *f = *state;
    poly_feed_config cfg;
    poly_feed_config_default(&cfg);
    cfg.assets_per_connection = 2;
    poly_ws *ws = open_ws(f, &cfg, NA - 2, NA);
    assert_int_equal(poly_ws_sockets(ws), 2);
    assert_true(run_until(ws, three_live_sockets, 8000));
    expect_same_books(f, ws);
    /* two more at runtime: a third connection opens for them */
    pm_err err;
    assert_int_equal(poly_ws_add(ws, f->ids[NA - 2], &err), 0);
    assert_int_equal(poly_ws_add(ws, f->ids[NA - 1], &err), 0);
    assert_int_equal(poly_ws_sockets(ws), 3);
    assert_true(run_until(ws, three_live_sockets, 8000));
    for (int c = 0; c < 3; c++) assert_int_equal(poly_feed_conn_assets(poly_ws_feed(ws), c), 2);
    expect_same_books(f, ws);
    /* one removed: unsubscribed on its connection, the rest keep streaming */
    assert_int_equal(poly_ws_remove(ws, f->ids[0]), 0);
    assert_int_equal(poly_feed_index(poly_ws_feed(ws), f->ids[0], strlen(f->ids[0])), -1);
    assert_int_equal(poly_feed_conn_assets(poly_ws_feed(ws), 0), 1);
    poly_ws_service(ws, 200);
    expect_same_books(f, ws);
    assert_int_equal(stats_of(ws).malformed, 0);
    poly_ws_free(ws);
}

static void test_book_command(void **state) {
    fixture *f = *state;
    char *dir = pm_test_tmpdir(), *ini = pm_test_path(dir, "pmarb.ini");
    char text[512];
    snprintf(text, sizeof text, "[polymarket]\nws_url = %s\n", f->ws);
    pm_test_write_file(ini, text, 0644);
    pm_test_run_result r = pm_test_exec(dir, NULL, getenv("PMARB_BIN"),
                                        (const char *const[]){"pmarb", "--config", ini, "book", "polymarket", f->ids[1],
                                                              "--seconds", "1.6", NULL});
    assert_int_equal(r.status, 0);
    /* e.g. "<token>  bid 0.44 x 120 ask 0.46 x 80  tick 0.01  age 12 ms" */
    char want[128];
    snprintf(want, sizeof want, "%s  bid 0.", f->ids[1]);
    assert_non_null(strstr(r.out, want));
    assert_non_null(strstr(r.out, " ask 0."));
    assert_non_null(strstr(r.out, " tick 0.0"));
    assert_non_null(strstr(r.out, " age "));
    assert_non_null(strstr(r.err, "resyncs 0, malformed 0"));
    pm_test_run_free(&r);
    pm_test_rmtree(dir);
    free(ini);
    free(dir);
}

typedef struct own {
    int orders, fills;
    pm_event order, fill;       /* the last of each */
    char order_id[80], fill_order_id[80];
    pm_order_state states[8];
    int nstates;
} own;

static void on_own(void *user, const pm_event *ev) {
    own *o = user;
    if (ev->kind == PM_EV_ORDER) {
        o->orders++;
        o->order = *ev;
        snprintf(o->order_id, sizeof o->order_id, "%.*s", (int)ev->order_id.n, ev->order_id.p);
        if (o->nstates < 8) o->states[o->nstates++] = ev->order_state;
    } else if (ev->kind == PM_EV_FILL) {
        o->fills++;
        o->fill = *ev;
        snprintf(o->fill_order_id, sizeof o->fill_order_id, "%.*s", (int)ev->order_id.n, ev->order_id.p);
    }
}

static own *seen_own;
static int user_ready(poly_ws *ws) {
    poly_user_stats st;
    poly_user_get_stats(poly_ws_user_feed(ws), &st);
    return all_live(ws) && st.pongs > 0;
}
static int got_fill(poly_ws *ws) {
    (void)ws;
    return seen_own->fills > 0;
}

/* A v1, not neg-risk market on the 0.01 tick that accepts orders: condition id and tokens. */
static void pick_market(fixture *f, poly_rest *rest, char *condition, char *yes, char *no) {
    char url[512];
    snprintf(url, sizeof url, "%s/markets?limit=100", f->gamma);
    json_t *list = get_json(url), *m;
    size_t i;
    yes[0] = '\0';
    json_array_foreach(list, i, m) {
        if (strcmp(json_string_value(json_object_get(m, "version")), "v1") || json_is_true(json_object_get(m, "negRisk")) ||
            !json_is_true(json_object_get(m, "acceptingOrders")))
            continue;
        json_t *ids = json_loads(json_string_value(json_object_get(m, "clobTokenIds")), 0, NULL);
        snprintf(condition, POLY_ID_MAX, "%s", json_string_value(json_object_get(m, "conditionId")));
        snprintf(yes, POLY_ID_MAX, "%s", json_string_value(json_array_get(ids, 0)));
        snprintf(no, POLY_ID_MAX, "%s", json_string_value(json_array_get(ids, 1)));
        json_decref(ids);
        pm_px_t tick;
        pm_err err;
        if (poly_get_tick_size(rest, yes, &tick, &err)) fail_msg("%s", err.msg);
        if (tick == 10000) break;
        yes[0] = '\0';
    }
    json_decref(list);
    assert_true(yes[0] != '\0');
}

static void sign(poly_order_builder *b, const char *token, pm_px_t px, pm_qty_t size, char *body, char hash[67]) {
    poly_order_params p;
    poly_order_params_init(&p);
    p.token_id = token;
    p.side = PM_SIDE_BUY;
    p.price = px;
    p.size = size;
    p.tick = 10000;
    p.order_type = POLY_ORDER_GTC;
    poly_signed_order o;
    pm_err err;
    if (poly_order_sign(b, &p, &o, &err) || poly_order_body(b, &p, &o, body, POLY_ORDER_BODY_MAX, &err) < 0)
        fail_msg("%s", err.msg);
    poly_hex(o.hash, 32, hash);
}

static void test_user_channel(void **state) {
    fixture *f = *state;
    pm_err err;
    poly_rest rest;
    poly_wallet *wallet;
    poly_creds creds;
    assert_int_equal(poly_rest_init(&rest, f->clob, 137, 5000, &err), 0);
    assert_int_equal(poly_wallet_new(WALLET_KEY, &wallet, &err), 0);
    if (poly_create_api_key(&rest, wallet, 0, &creds, &err)) fail_msg("%s", err.msg);
    uint8_t addr[20];
    poly_wallet_address(wallet, addr);
    poly_rest_set_creds(&rest, &creds, addr);
    poly_order_builder builder;
    poly_builder_config bc = {.wallet = wallet, .signature_type = 0, .chain_id = 137, .owner = creds.key};
    if (poly_builder_init(&builder, &bc, &err)) fail_msg("%s", err.msg);
    char condition[POLY_ID_MAX], yes[POLY_ID_MAX], no[POLY_ID_MAX];
    pick_market(f, &rest, condition, yes, no);

    own seen = {0};
    seen_own = &seen;
    const char *conds[] = {condition}, *tokens[] = {yes, no};
    poly_ws_user user = {creds.key, creds.secret, creds.passphrase, conds, 1};
    poly_feed_config cfg;
    poly_feed_config_default(&cfg);
    poly_ws *ws;
    if (poly_ws_new(f->ws, &cfg, 2, tokens, 2, &user, on_own, &seen, &ws, &err)) fail_msg("%s", err.msg);
    /* a PING answered on the user channel: the subscription before it has been read */
    int64_t end = pm_mono_ns() + 5000000000LL;
    while (!pm_ws_is_connected(poly_ws_user_socket(ws)) && pm_mono_ns() < end) poly_ws_service(ws, 20);
    assert_int_equal(pm_ws_send(poly_ws_user_socket(ws), "PING", 4), 0);
    assert_true(run_until(ws, user_ready, 5000));

    /* a marketable BUY of 5 YES at the best ask: our fill as taker */
    const pm_book *b = poly_feed_book(poly_ws_feed(ws), 0);
    pm_px_t ask = pm_book_best(&b->ask)->px;
    char body[POLY_ORDER_BODY_MAX], hash[67];
    sign(&builder, yes, ask, 5 * PM_SCALE, body, hash);
    poly_order_response r;
    if (poly_post_order(&rest, body, hash, &r, &err)) fail_msg("%s", err.msg);
    assert_int_equal(r.success, 1);
    assert_true(run_until(ws, got_fill, 5000));
    assert_int_equal(seen.fill.kind, PM_EV_FILL);
    assert_true(seen.fill.is_taker);
    assert_int_equal(seen.fill.qty, 5 * PM_SCALE);
    assert_int_equal(seen.fill.price, ask);
    assert_int_equal(strcasecmp(seen.fill_order_id, hash), 0);
    poly_ws_service(ws, 100);
    assert_int_equal(seen.fills, 1); /* the crowd's maker side is not ours */

    /* a bid far below the market rests, then is cancelled */
    seen.nstates = 0;
    sign(&builder, yes, 10000, 10 * PM_SCALE, body, hash);
    if (poly_post_order(&rest, body, hash, &r, &err)) fail_msg("%s", err.msg);
    poly_cancel_result cr;
    end = pm_mono_ns() + 5000000000LL;
    while (seen.nstates < 1 && pm_mono_ns() < end) poly_ws_service(ws, 20);
    assert_int_equal(seen.states[0], PM_ORD_RESTING);
    assert_int_equal(seen.order.remaining, 10 * PM_SCALE);
    assert_int_equal(seen.order.price, 10000);
    if (poly_cancel_order(&rest, hash, &cr, &err)) fail_msg("%s", err.msg);
    poly_cancel_result_free(&cr);
    end = pm_mono_ns() + 5000000000LL;
    while (seen.nstates < 2 && pm_mono_ns() < end) poly_ws_service(ws, 20);
    assert_int_equal(seen.nstates, 2);
    assert_int_equal(seen.states[1], PM_ORD_CANCELED);
    assert_int_equal(strcasecmp(seen.order_id, hash), 0);
    poly_user_stats st;
    poly_user_get_stats(poly_ws_user_feed(ws), &st);
    assert_int_equal(st.malformed, 0);
    poly_ws_free(ws);
    poly_rest_close(&rest);
    poly_wallet_free(wallet);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_stream_and_recover, setup, teardown),
        cmocka_unit_test_setup_teardown(test_several_connections, setup, teardown),
        cmocka_unit_test_setup_teardown(test_book_command, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_channel, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
