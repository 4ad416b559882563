/* test_sim_poly_rest.c — integration over real sockets: pmarb's Polymarket CLOB REST client
 * against `pmarb sim`. Public endpoints (books equal to what the simulator serves, POST /books,
 * tick size, neg-risk, fee rate, market info, time, version); L1 keys (create, derive twice to
 * the same key, a bad signature refused, `pmarb polymarket api-key`); L2 (a wrong secret refused
 * with the venue's error); orders signed with order_build.h (a marketable order filled with the
 * fee in shares, a resting order looked up, listed and cancelled, a batch); and the retry policy
 * (429/5xx retried for reads, never for an order POST; a timed-out POST whose fate is then
 * found by its hash, not by resending). */
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

#include "core/poly_fee.h"
#include "testutil.h"
#include "util/log.h"
#include "venue/polymarket/clob_api.h"
#include "venue/polymarket/eip712.h"
#include "venue/polymarket/order_build.h"

#define KEY "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
#define OTHER_KEY "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"

typedef struct fixture {
    pm_test_proc sim;
    char clob[256], gamma[256];
    poly_rest rest;
    poly_wallet *wallet;
    poly_creds creds;
    poly_order_builder builder;
    /* a v1 market, not neg-risk, 0.01 tick, accepting orders */
    char condition[POLY_ID_MAX], yes[POLY_ID_MAX], no[POLY_ID_MAX];
    pm_px_t tick;
} fixture;

static json_t *http_json(const char *method, const char *url, const char *body) {
    pm_http *h;
    pm_err err;
    pm_http_response res = {0};
    assert_int_equal(pm_http_new(5000, &h, &err), 0);
    if (pm_http_do(h, method, url, NULL, body, &res, &err)) fail_msg("%s", err.msg);
    assert_int_equal(res.status, 200);
    json_t *doc = json_loads(res.body, 0, NULL);
    assert_non_null(doc);
    pm_http_response_free(&res);
    pm_http_free(h);
    return doc;
}

static json_t *admin(fixture *f, const char *method, const char *what, const char *body) {
    char url[512];
    snprintf(url, sizeof url, "%s/admin/%s", f->clob, what);
    return http_json(method, url, body);
}

static int64_t stat_of(fixture *f, const char *name) {
    json_t *st = admin(f, "GET", "stats", NULL);
    int64_t v = json_integer_value(json_object_get(st, name));
    json_decref(st);
    return v;
}

/* The first Gamma market that is v1, not neg-risk, accepting orders and on the 0.01 tick. */
static void pick_market(fixture *f) {
    char url[512];
    snprintf(url, sizeof url, "%s/markets?limit=100", f->gamma);
    json_t *list = http_json("GET", url, NULL), *m;
    size_t i;
    json_array_foreach(list, i, m) {
        if (strcmp(json_string_value(json_object_get(m, "version")), "v1") || json_is_true(json_object_get(m, "negRisk")) ||
            !json_is_true(json_object_get(m, "acceptingOrders")))
            continue;
        json_t *ids = json_loads(json_string_value(json_object_get(m, "clobTokenIds")), 0, NULL);
        snprintf(f->condition, sizeof f->condition, "%s", json_string_value(json_object_get(m, "conditionId")));
        snprintf(f->yes, sizeof f->yes, "%s", json_string_value(json_array_get(ids, 0)));
        snprintf(f->no, sizeof f->no, "%s", json_string_value(json_array_get(ids, 1)));
        json_decref(ids);
        pm_err err;
        if (poly_get_tick_size(&f->rest, f->yes, &f->tick, &err)) fail_msg("%s", err.msg);
        if (f->tick == 10000) break;
        f->yes[0] = '\0';
    }
    json_decref(list);
    assert_true(f->yes[0] != '\0');
}

static int setup(void **state) {
    pm_log_set_level(PM_LOG_ERROR);
    fixture *f = calloc(1, sizeof *f);
    pm_test_start(&f->sim, (const char *const[]){"sim", NULL});
    json_t *ready = json_loads(f->sim.line, 0, NULL), *pm = json_object_get(ready, "polymarket");
    snprintf(f->clob, sizeof f->clob, "%s", json_string_value(json_object_get(pm, "clob")));
    snprintf(f->gamma, sizeof f->gamma, "%s", json_string_value(json_object_get(pm, "gamma")));
    json_decref(ready);
    pm_err err;
    assert_int_equal(poly_rest_init(&f->rest, f->clob, 137, 5000, &err), 0);
    f->rest.backoff_base_ms = 10; /* the policy, not the wait, is under test */
    f->rest.backoff_max_ms = 40;
    assert_int_equal(poly_wallet_new(KEY, &f->wallet, &err), 0);
    pick_market(f);
    *state = f;
    return 0;
}

/* setup, then an API key (created) and an order builder for it. */
static int setup_trading(void **state) {
    setup(state);
    fixture *f = *state;
    pm_err err;
    if (poly_create_api_key(&f->rest, f->wallet, 0, &f->creds, &err)) fail_msg("%s", err.msg);
    uint8_t a[20];
    poly_wallet_address(f->wallet, a);
    poly_rest_set_creds(&f->rest, &f->creds, a);
    poly_builder_config bc = {.wallet = f->wallet, .signature_type = 0, .chain_id = 137, .owner = f->creds.key};
    if (poly_builder_init(&f->builder, &bc, &err)) fail_msg("%s", err.msg);
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    poly_rest_close(&f->rest);
    assert_int_equal(pm_test_stop(&f->sim), 0);
    poly_wallet_free(f->wallet);
    free(f);
    return 0;
}

/* The book in a raw /book body, read with jansson, against the client's parse. */
static void expect_same_book(const json_t *raw, const poly_book *b) {
    assert_string_equal(b->asset_id, json_string_value(json_object_get(raw, "asset_id")));
    assert_string_equal(b->market, json_string_value(json_object_get(raw, "market")));
    static const char *const sides[] = {"bids", "asks"};
    for (int s = 0; s < 2; s++) {
        const json_t *arr = json_object_get(raw, sides[s]);
        const pm_book_side *side = s ? &b->book.ask : &b->book.bid;
        assert_int_equal(side->n, json_array_size(arr));
        for (size_t i = 0; i < json_array_size(arr); i++) {
            const char *ps = json_string_value(json_object_get(json_array_get(arr, i), "price"));
            const char *qs = json_string_value(json_object_get(json_array_get(arr, i), "size"));
            pm_px_t px;
            pm_qty_t q;
            assert_int_equal(pm_px_parse(ps, strlen(ps), &px, NULL), 0);
            assert_int_equal(pm_qty_parse(qs, strlen(qs), &q, NULL), 0);
            assert_int_equal(pm_book_qty_at(side, px), q);
        }
    }
}

static void test_public(void **state) {
    fixture *f = *state;
    pm_err err;
    char url[512];
    snprintf(url, sizeof url, "%s/book?token_id=%s", f->clob, f->yes);
    /* the simulator's books move: compare a fetch by the client with a raw one of the same book (same hash) */
    poly_book b;
    int same = 0;
    for (int tries = 0; tries < 200 && !same; tries++) {
        json_t *raw = http_json("GET", url, NULL);
        if (poly_get_book(&f->rest, f->yes, &b, &err)) fail_msg("%s", err.msg);
        if (!strcmp(b.hash, json_string_value(json_object_get(raw, "hash")))) {
            expect_same_book(raw, &b);
            same = 1;
        }
        json_decref(raw);
    }
    assert_true(same);
    assert_string_equal(b.market, f->condition);
    assert_int_equal(b.book.state, PM_BOOK_LIVE);
    assert_int_equal(b.tick, f->tick);
    assert_int_equal(b.neg_risk, 0);
    assert_int_equal(b.min_order_size, 5 * PM_SCALE);
    assert_true(pm_book_best(&b.book.bid)->px < pm_book_best(&b.book.ask)->px);

    const char *both[] = {f->yes, f->no};
    poly_book books[2];
    size_t n;
    if (poly_get_books(&f->rest, both, 2, books, &n, &err)) fail_msg("%s", err.msg);
    assert_int_equal(n, 2);
    assert_string_equal(books[0].asset_id, f->yes);
    assert_string_equal(books[1].asset_id, f->no);

    pm_px_t tick;
    int nr, version;
    int64_t bps, t;
    assert_int_equal(poly_get_tick_size(&f->rest, f->no, &tick, &err), 0);
    assert_int_equal(tick, f->tick);
    assert_int_equal(poly_get_neg_risk(&f->rest, f->yes, &nr, &err), 0);
    assert_int_equal(nr, 0);
    assert_int_equal(poly_get_fee_rate_bps(&f->rest, f->yes, &bps, &err), 0);
    poly_market_info m, legacy;
    if (poly_get_clob_market(&f->rest, f->condition, &m, &err)) fail_msg("%s", err.msg);
    assert_string_equal(m.condition_id, f->condition);
    assert_int_equal(m.ntokens, 2);
    assert_string_equal(m.token[0].token_id, f->yes);
    assert_string_equal(m.token[1].token_id, f->no);
    assert_int_equal(m.tick, f->tick);
    assert_int_equal(m.neg_risk, 0);
    assert_int_equal(bps, m.fee_rate ? 1000 : 0);
    if (poly_get_legacy_market(&f->rest, f->condition, &legacy, &err)) fail_msg("%s", err.msg);
    assert_string_equal(legacy.token[1].token_id, f->no);
    assert_int_equal(legacy.tick, f->tick);
    assert_int_equal(poly_get_version(&f->rest, &version, &err), 0);
    assert_int_equal(version, 2);
    assert_int_equal(poly_get_time(&f->rest, &t, &err), 0);
    assert_true(t > 1700000000);
    assert_int_equal(poly_rest_sync_time(&f->rest, &err), 0);

    /* an unknown token: the venue's error text, verbatim; a 404 is not retried */
    int64_t before = stat_of(f, "rest_requests");
    assert_int_equal(poly_get_book(&f->rest, "12345", &b, &err), -1);
    assert_non_null(strstr(err.msg, "GET /book: HTTP 404: "));
    assert_int_equal(stat_of(f, "rest_requests") - before, 1);
    assert_int_equal(poly_get_book(&f->rest, "12 34", &b, &err), -1); /* never sent */
    assert_int_equal(stat_of(f, "rest_requests") - before, 1);
}

static void test_keys(void **state) {
    fixture *f = *state;
    pm_err err;
    poly_creds created, d1, d2;
    /* nothing to derive before a key exists */
    assert_int_equal(poly_derive_api_key(&f->rest, f->wallet, 0, &d1, &err), -1);
    assert_non_null(strstr(err.msg, "HTTP 400: Could not derive api key!"));
    if (poly_create_api_key(&f->rest, f->wallet, 0, &created, &err)) fail_msg("%s", err.msg);
    if (poly_derive_api_key(&f->rest, f->wallet, 0, &d1, &err)) fail_msg("%s", err.msg);
    if (poly_derive_api_key(&f->rest, f->wallet, 0, &d2, &err)) fail_msg("%s", err.msg);
    assert_string_equal(d1.key, created.key);
    assert_string_equal(d1.secret, created.secret);
    assert_string_equal(d1.passphrase, created.passphrase);
    assert_string_equal(d2.key, d1.key);
    assert_string_equal(d2.secret, d1.secret);
    /* another nonce is another key */
    poly_creds other;
    if (poly_create_api_key(&f->rest, f->wallet, 7, &other, &err)) fail_msg("%s", err.msg);
    assert_string_not_equal(other.key, created.key);

    /* L1 headers whose signature is another wallet's: refused, for create and derive alike */
    poly_wallet *w2;
    assert_int_equal(poly_wallet_new(OTHER_KEY, &w2, &err), 0);
    poly_l1_headers mine, theirs;
    assert_int_equal(poly_l1_sign(f->wallet, 137, poly_rest_now_s(&f->rest), 0, &mine, &err), 0);
    assert_int_equal(poly_l1_sign(w2, 137, poly_rest_now_s(&f->rest), 0, &theirs, &err), 0);
    char h[4][256], url[512];
    snprintf(h[0], sizeof h[0], "POLY_ADDRESS: %s", mine.address);
    snprintf(h[1], sizeof h[1], "POLY_SIGNATURE: %s", theirs.signature);
    snprintf(h[2], sizeof h[2], "POLY_TIMESTAMP: %s", mine.timestamp);
    snprintf(h[3], sizeof h[3], "POLY_NONCE: %s", mine.nonce);
    const char *hdr[] = {h[0], h[1], h[2], h[3], NULL};
    static const char *const method[] = {"GET", "POST"}, *const path[] = {"/auth/derive-api-key", "/auth/api-key"};
    pm_http *http;
    assert_int_equal(pm_http_new(5000, &http, &err), 0);
    for (int i = 0; i < 2; i++) {
        pm_http_response res = {0};
        snprintf(url, sizeof url, "%s%s", f->clob, path[i]);
        assert_int_equal(pm_http_do(http, method[i], url, hdr, NULL, &res, &err), 0);
        assert_int_equal(res.status, 401);
        char text[128];
        poly_error_text(res.body, res.len, text, sizeof text);
        assert_string_equal(text, "Invalid L1 Request headers");
        pm_http_response_free(&res);
    }
    pm_http_free(http);
    /* the same wallet on the wrong chain: its signature does not verify either */
    poly_rest amoy;
    assert_int_equal(poly_rest_init(&amoy, f->clob, 80002, 5000, &err), 0);
    assert_int_equal(poly_derive_api_key(&amoy, f->wallet, 0, &d1, &err), -1);
    assert_non_null(strstr(err.msg, "HTTP 401: Invalid L1 Request headers"));
    poly_rest_close(&amoy);
    /* the second wallet has no key */
    assert_int_equal(poly_derive_api_key(&f->rest, w2, 0, &d1, &err), -1);
    poly_wallet_free(w2);
}

/* `pmarb polymarket api-key derive|create` against the simulator. */
static void test_keys_cli(void **state) {
    fixture *f = *state;
    char *dir = pm_test_tmpdir(), *ini = pm_test_path(dir, "pmarb.ini"), text[512];
    snprintf(text, sizeof text, "[polymarket]\nclob_url = %s\n", f->clob);
    pm_test_write_file(ini, text, 0644);
    static const char *const env[] = {"POLY_PRIVATE_KEY=" KEY, NULL};
    pm_test_run_result r = pm_test_run(dir, env, (const char *const[]){"polymarket", "api-key", "derive", NULL});
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "Could not derive api key!"));
    pm_test_run_free(&r);
    r = pm_test_run(dir, env, (const char *const[]){"polymarket", "api-key", "create", "--nonce", "3", NULL});
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "shown once"));
    pm_err err;
    poly_creds c;
    if (poly_derive_api_key(&f->rest, f->wallet, 3, &c, &err)) fail_msg("%s", err.msg);
    char want[1024];
    snprintf(want, sizeof want, "export POLY_API_KEY=%s\nexport POLY_API_SECRET=%s\nexport POLY_API_PASSPHRASE=%s\n", c.key,
             c.secret, c.passphrase);
    assert_string_equal(r.out, want);
    pm_test_run_free(&r);
    r = pm_test_run(dir, env, (const char *const[]){"polymarket", "api-key", "derive", "--nonce", "3", NULL});
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, want);
    pm_test_run_free(&r);
    r = pm_test_run(dir, env, (const char *const[]){"polymarket", "api-key", "create", "--nonce", "3", NULL});
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "creating API key at "));
    assert_non_null(strstr(r.err, "Could not create api key"));
    pm_test_run_free(&r);
    pm_test_rmtree(dir);
    free(dir), free(ini);
}

static void test_l2_auth(void **state) {
    fixture *f = *state;
    pm_err err;
    poly_balance bal;
    if (poly_get_balance_allowance(&f->rest, "COLLATERAL", NULL, 0, &bal, &err)) fail_msg("%s", err.msg);
    assert_int_equal(bal.balance, 10000LL * PM_SCALE);
    assert_int_equal(poly_update_balance_allowance(&f->rest, "COLLATERAL", NULL, 0, &err), 0);
    /* the right key with another secret: refused with the venue's error, and not retried */
    poly_creds wrong = f->creds;
    wrong.secret[0] = wrong.secret[0] == 'A' ? 'B' : 'A';
    poly_rest bad;
    uint8_t a[20];
    poly_wallet_address(f->wallet, a);
    assert_int_equal(poly_rest_fork(&f->rest, &bad, 5000, &err), 0);
    poly_rest_set_creds(&bad, &wrong, a);
    int64_t before = stat_of(f, "rest_requests");
    assert_int_equal(poly_get_balance_allowance(&bad, "COLLATERAL", NULL, 0, &bal, &err), -1);
    assert_string_equal(err.msg, "GET /balance-allowance: HTTP 401: Unauthorized/Invalid api key");
    assert_int_equal(stat_of(f, "rest_requests") - before, 1);
    /* an order POST with it is refused too (known: nothing happened) */
    poly_order_response o;
    assert_int_equal(poly_post_order(&bad, "{}", "0x01", &o, &err), -1);
    assert_int_equal(o.http_status, 401);
    assert_int_equal(o.known, 1);
    assert_string_equal(o.error, "Unauthorized/Invalid api key");
    poly_rest_close(&bad);
    /* no credentials at all: not sent */
    poly_rest none;
    assert_int_equal(poly_rest_init(&none, f->clob, 137, 5000, &err), 0);
    before = stat_of(f, "rest_requests");
    assert_int_equal(poly_post_order(&none, "{}", "0x01", &o, &err), -1);
    assert_int_equal(o.http_status, -1);
    assert_int_equal(o.known, 1);
    assert_int_equal(stat_of(f, "rest_requests") - before, 0);
    poly_rest_close(&none);
}

/* A signed order: body and hash. */
static void make_order(fixture *f, const char *token, pm_side side, pm_px_t px, pm_qty_t size, poly_order_type type,
                       char *body, size_t cap, char hash[67]) {
    poly_order_params p;
    poly_order_params_init(&p);
    p.token_id = token;
    p.side = side;
    p.price = px;
    p.size = size;
    p.tick = f->tick;
    p.order_type = type;
    poly_signed_order o;
    pm_err err;
    if (poly_order_sign(&f->builder, &p, &o, &err) || poly_order_body(&f->builder, &p, &o, body, cap, &err) < 0)
        fail_msg("%s", err.msg);
    poly_hex(o.hash, 32, hash);
}

typedef struct found_trades {
    const char *hash;
    int n;
    poly_trade t;
} found_trades;

static int find_trade(void *ctx, const poly_trade *t) {
    found_trades *s = ctx;
    if (strcasecmp(t->taker_order_id, s->hash)) return 0;
    s->n++;
    s->t = *t;
    s->t.maker_orders = NULL;
    return 0;
}

typedef struct found_orders {
    const char *hash;
    int n;
} found_orders;

static int find_order(void *ctx, const poly_open_order *o) {
    found_orders *s = ctx;
    s->n += !strcasecmp(o->id, s->hash);
    return 0;
}

static void best_ask(fixture *f, pm_px_t *px, pm_qty_t *qty) {
    poly_book b;
    pm_err err;
    if (poly_get_book(&f->rest, f->yes, &b, &err)) fail_msg("%s", err.msg);
    *px = pm_book_best(&b.book.ask)->px;
    *qty = pm_book_best(&b.book.ask)->qty;
}

static void test_orders(void **state) {
    fixture *f = *state;
    pm_err err;
    poly_market_info m;
    if (poly_get_clob_market(&f->rest, f->condition, &m, &err)) fail_msg("%s", err.msg);
    char body[POLY_ORDER_BODY_MAX], hash[67];

    /* a marketable GTC BUY of 5 YES at the best ask: matched at once, the fee taken in shares */
    pm_px_t ask;
    pm_qty_t avail;
    best_ask(f, &ask, &avail);
    assert_true(avail >= 5 * PM_SCALE);
    make_order(f, f->yes, PM_SIDE_BUY, ask, 5 * PM_SCALE, POLY_ORDER_GTC, body, sizeof body, hash);
    poly_order_response r;
    if (poly_post_order(&f->rest, body, hash, &r, &err)) fail_msg("%s", err.msg);
    assert_int_equal(r.http_status, 200);
    assert_int_equal(r.success, 1);
    assert_string_equal(r.order_id, hash);
    assert_int_equal(r.status, POLY_STATUS_MATCHED);
    pm_usd_t cost;
    assert_int_equal(pm_notional(ask, 5 * PM_SCALE, PM_ROUND_FLOOR, &cost, NULL), 0);
    assert_int_equal(r.making_amount, cost);
    assert_int_equal(r.taking_amount, 5 * PM_SCALE - pm_poly_fee_shares(5 * PM_SCALE, ask, m.fee_rate, m.fee_exponent));
    assert_int_equal(r.ntrade_ids, 1);
    found_trades ft = {.hash = hash};
    poly_trade_filter tf = {.asset_id = f->yes};
    if (poly_list_trades(&f->rest, &tf, find_trade, &ft, &err)) fail_msg("%s", err.msg);
    assert_int_equal(ft.n, 1);
    assert_string_equal(ft.t.id, r.trade_ids[0]);
    assert_int_equal(ft.t.size, 5 * PM_SCALE);
    assert_int_equal(ft.t.price, ask);
    assert_int_equal(ft.t.side, PM_SIDE_BUY);
    assert_int_equal(ft.t.is_taker, 1);
    poly_order_fate fate;
    assert_int_equal(poly_find_order_fate(&f->rest, hash, f->yes, 0, &fate, &err), 0);
    assert_int_equal(fate.fate, POLY_FATE_TRADED);
    assert_int_equal(fate.matched, 5 * PM_SCALE);
    poly_balance bal;
    assert_int_equal(poly_get_balance_allowance(&f->rest, "CONDITIONAL", f->yes, 0, &bal, &err), 0);
    assert_int_equal(bal.balance, r.taking_amount);

    /* a GTC bid far below the market rests: looked up, listed, cancelled, then gone */
    make_order(f, f->yes, PM_SIDE_BUY, 10000, 10 * PM_SCALE, POLY_ORDER_GTC, body, sizeof body, hash);
    if (poly_post_order(&f->rest, body, hash, &r, &err)) fail_msg("%s", err.msg);
    assert_int_equal(r.status, POLY_STATUS_LIVE);
    poly_open_order o;
    assert_int_equal(poly_get_order(&f->rest, hash, &o, &err), 1);
    assert_string_equal(o.id, hash);
    assert_int_equal(o.status, POLY_STATUS_LIVE);
    assert_int_equal(o.side, PM_SIDE_BUY);
    assert_int_equal(o.price, 10000);
    assert_int_equal(o.original_size, 10 * PM_SCALE);
    assert_int_equal(o.size_matched, 0);
    assert_string_equal(o.asset_id, f->yes);
    found_orders fo = {.hash = hash};
    if (poly_list_orders(&f->rest, f->condition, NULL, find_order, &fo, &err)) fail_msg("%s", err.msg);
    assert_int_equal(fo.n, 1);
    assert_int_equal(poly_find_order_fate(&f->rest, hash, f->yes, 0, &fate, &err), 0);
    assert_int_equal(fate.fate, POLY_FATE_OPEN);
    poly_cancel_result c;
    if (poly_cancel_order(&f->rest, hash, &c, &err)) fail_msg("%s", err.msg);
    assert_int_equal(c.ncanceled, 1);
    assert_string_equal(c.canceled[0], hash);
    poly_cancel_result_free(&c);
    assert_int_equal(poly_get_order(&f->rest, hash, &o, &err), 0);
    if (poly_cancel_order(&f->rest, hash, &c, &err)) fail_msg("%s", err.msg);
    assert_int_equal(c.ncanceled, 0);
    assert_int_equal(c.nnot_canceled, 1);
    assert_string_equal(c.not_canceled[0].id, hash);
    poly_cancel_result_free(&c);
    assert_int_equal(poly_find_order_fate(&f->rest, hash, f->yes, 0, &fate, &err), 0);
    assert_int_equal(fate.fate, POLY_FATE_NOT_FOUND);

    /* a batch of two resting bids, cancelled by id and by market */
    char b1[POLY_ORDER_BODY_MAX], b2[POLY_ORDER_BODY_MAX], b3[POLY_ORDER_BODY_MAX], h1[67], h2[67], h3[67];
    make_order(f, f->yes, PM_SIDE_BUY, 20000, 5 * PM_SCALE, POLY_ORDER_GTC, b1, sizeof b1, h1);
    make_order(f, f->yes, PM_SIDE_BUY, 30000, 5 * PM_SCALE, POLY_ORDER_GTC, b2, sizeof b2, h2);
    make_order(f, f->yes, PM_SIDE_BUY, 10000, 2000000 * PM_SCALE, POLY_ORDER_GTC, b3, sizeof b3, h3); /* unaffordable */
    const char *bodies[] = {b1, b2, b3}, *hashes[] = {h1, h2, h3};
    poly_order_response rs[3];
    if (poly_post_orders(&f->rest, bodies, hashes, 3, rs, &err)) fail_msg("%s", err.msg);
    assert_int_equal(rs[0].success && rs[1].success, 1);
    assert_string_equal(rs[0].order_id, h1);
    assert_string_equal(rs[1].order_id, h2);
    assert_int_equal(rs[1].status, POLY_STATUS_LIVE);
    assert_int_equal(rs[2].success, 0);
    assert_int_equal(rs[2].known, 1);
    assert_string_equal(rs[2].order_id, h3);
    assert_string_equal(rs[2].error, "not enough balance / allowance");
    assert_int_equal(poly_get_order(&f->rest, h3, &o, &err), 0);
    const char *one[] = {h1};
    if (poly_cancel_orders(&f->rest, one, 1, &c, &err)) fail_msg("%s", err.msg);
    assert_int_equal(c.ncanceled, 1);
    assert_string_equal(c.canceled[0], h1);
    poly_cancel_result_free(&c);
    if (poly_cancel_market_orders(&f->rest, f->condition, f->yes, &c, &err)) fail_msg("%s", err.msg);
    assert_int_equal(c.ncanceled, 1);
    assert_string_equal(c.canceled[0], h2);
    poly_cancel_result_free(&c);
    if (poly_cancel_all(&f->rest, &c, &err)) fail_msg("%s", err.msg);
    assert_int_equal(c.ncanceled, 0);
    poly_cancel_result_free(&c);

    /* an order the venue refuses (20,000 pUSD of bids on a 10,000 balance): its error, verbatim */
    make_order(f, f->yes, PM_SIDE_BUY, 10000, 2000000 * PM_SCALE, POLY_ORDER_GTC, body, sizeof body, hash);
    assert_int_equal(poly_post_order(&f->rest, body, hash, &r, &err), -1);
    assert_int_equal(r.known, 1);
    assert_int_equal(r.http_status, 400);
    assert_int_equal(r.success, 0);
    assert_string_equal(r.error, "not enough balance / allowance");
    assert_string_equal(err.msg, "POST /order: HTTP 400: not enough balance / allowance");
}

static void test_faults(void **state) {
    fixture *f = *state;
    pm_err err;
    char body[POLY_ORDER_BODY_MAX], hash[67];

    /* two 429s then success: a read is retried until it gets through */
    json_decref(admin(f, "POST", "faults", "{\"http_status\":429,\"count\":2}"));
    int64_t before = stat_of(f, "rest_requests");
    poly_book b;
    if (poly_get_book(&f->rest, f->yes, &b, &err)) fail_msg("%s", err.msg);
    assert_int_equal(stat_of(f, "rest_requests") - before, 3);
    /* 503s on every attempt: the read gives up after max_attempts */
    json_decref(admin(f, "POST", "faults", "{\"http_status\":503,\"count\":10}"));
    before = stat_of(f, "rest_requests");
    assert_int_equal(poly_get_tick_size(&f->rest, f->yes, &b.tick, &err), -1);
    assert_non_null(strstr(err.msg, "HTTP 503"));
    assert_int_equal(stat_of(f, "rest_requests") - before, f->rest.max_attempts);
    json_decref(admin(f, "POST", "faults", "{\"http_status\":503,\"count\":0}"));

    /* a 429 and a 500 on order POSTs: reported, never resent; the order did not happen */
    static const int statuses[] = {429, 500};
    for (int i = 0; i < 2; i++) {
        char fault[64];
        snprintf(fault, sizeof fault, "{\"http_status\":%d,\"count\":1}", statuses[i]);
        json_decref(admin(f, "POST", "faults", fault));
        make_order(f, f->yes, PM_SIDE_BUY, 10000, 5 * PM_SCALE, POLY_ORDER_GTC, body, sizeof body, hash);
        int64_t posts = stat_of(f, "order_posts");
        poly_order_response r;
        assert_int_equal(poly_post_order(&f->rest, body, hash, &r, &err), -1);
        assert_int_equal(r.http_status, statuses[i]);
        assert_int_equal(r.known, statuses[i] < 500); /* a 5xx may hide an accepted order */
        assert_int_equal(stat_of(f, "order_posts") - posts, 1);
        poly_order_fate fate;
        assert_int_equal(poly_find_order_fate(&f->rest, hash, f->yes, 0, &fate, &err), 0);
        assert_int_equal(fate.fate, POLY_FATE_NOT_FOUND);
    }

    /* a slow venue: the POST times out, its fate is unknown, and asking by hash (not resending)
     * shows the venue did take it — resting for a passive order, traded for a marketable one */
    poly_rest slow;
    assert_int_equal(poly_rest_fork(&f->rest, &slow, 300, &err), 0);
    for (int marketable = 0; marketable < 2; marketable++) {
        pm_px_t px = 10000;
        pm_qty_t avail;
        if (marketable) best_ask(f, &px, &avail);
        make_order(f, f->yes, PM_SIDE_BUY, px, 5 * PM_SCALE, POLY_ORDER_GTC, body, sizeof body, hash);
        json_decref(admin(f, "POST", "faults", "{\"delay_ms\":1500,\"count\":1}"));
        int64_t posts = stat_of(f, "order_posts");
        poly_order_response r;
        assert_int_equal(poly_post_order(&slow, body, hash, &r, &err), -1);
        assert_int_equal(r.http_status, 0);
        assert_int_equal(r.known, 0);
        assert_string_equal(r.order_id, hash);
        assert_int_equal(stat_of(f, "order_posts") - posts, 1);
        poly_order_fate fate;
        if (poly_find_order_fate(&f->rest, hash, f->yes, 0, &fate, &err)) fail_msg("%s", err.msg);
        assert_int_equal(fate.fate, marketable ? POLY_FATE_TRADED : POLY_FATE_OPEN);
        assert_int_equal(fate.matched, marketable ? 5 * PM_SCALE : 0);
        if (!marketable) assert_string_equal(fate.order.id, hash);
    }
    poly_rest_close(&slow);

    /* refused orders: the venue's words */
    json_decref(admin(f, "POST", "faults", "{\"reject_orders\":true,\"count\":1}"));
    make_order(f, f->yes, PM_SIDE_BUY, 10000, 5 * PM_SCALE, POLY_ORDER_GTC, body, sizeof body, hash);
    poly_order_response r;
    assert_int_equal(poly_post_order(&f->rest, body, hash, &r, &err), -1);
    assert_int_equal(r.known, 1);
    assert_string_equal(r.error, "order rejected by the simulator's fault switch");
    assert_non_null(strstr(err.msg, r.error));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_public, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keys_cli, setup, teardown),
        cmocka_unit_test_setup_teardown(test_l2_auth, setup_trading, teardown),
        cmocka_unit_test_setup_teardown(test_orders, setup_trading, teardown),
        cmocka_unit_test_setup_teardown(test_faults, setup_trading, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
