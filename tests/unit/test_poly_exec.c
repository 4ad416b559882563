/* test_poly_exec.c — Polymarket's pm_exec_ops against `pmarb sim` over real sockets: a FOK buy
 * filled in full (gross shares, shares delivered after the fee, cash = the balance's drop,
 * holdings, fills summing to the fill); a FOK that cannot fill (nothing changes); a FAK
 * partial; a buy whose qty × price is not whole cents (the signed shares matched); a sale of
 * held shares (cash negative after its fee); the simulator's refusal fault;
 * a 500 (unknown, then find: never taken); a response late beyond the timeout (unknown, then
 * find: the real fill); cancel-all of a resting GTC order placed directly; a fee-free market. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/config.h"
#include "config/secrets.h"
#include "core/poly_amount.h"
#include "core/poly_fee.h"
#include "net/http.h"
#include "testutil.h"
#include "util/log.h"
#include "venue/polymarket/clob_api.h"
#include "venue/polymarket/eip712.h"
#include "venue/polymarket/exec.h"
#include "venue/polymarket/order_build.h"
#include "venue/polymarket/wallet.h"

#define KEY_A "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"

typedef struct market {
    char cid[80], yes[80], no[80];
    int64_t fee_rate;           /* scale 6 */
} market;

typedef struct fixture {
    pm_test_proc sim;
    char clob[256], gamma[256];
    pm_http *http;
    poly_wallet *wallet;
    poly_rest rest;             /* the test's own client, with the same key */
    poly_creds creds;
    pm_config cfg;
    pm_secrets sec;
    pm_exec_venue *v;
    market m;
} fixture;

static void fault(fixture *f, const char *json) {
    char url[300];
    snprintf(url, sizeof url, "%s/admin/faults", f->clob);
    pm_http_response res = {0};
    assert_int_equal(pm_http_do(f->http, "POST", url, NULL, json, &res, NULL), 0);
    assert_int_equal(res.status, 200);
    pm_http_response_free(&res);
}

/* The first market accepting orders, on the 0.01 tick, plain (not neg-risk, Gamma "v1"), with
 * or without fees. */
static void find_market(fixture *f, int fees) {
    char url[512];
    snprintf(url, sizeof url, "%s/markets?limit=100&active=true&closed=false", f->gamma);
    pm_http_response res = {0};
    assert_int_equal(pm_http_do(f->http, "GET", url, NULL, NULL, &res, NULL), 0);
    json_t *list = json_loads(res.body, 0, NULL);
    pm_http_response_free(&res);
    memset(&f->m, 0, sizeof f->m);
    size_t i;
    json_t *m;
    json_array_foreach(list, i, m) {
        const char *version = json_string_value(json_object_get(m, "version"));
        if (json_is_true(json_object_get(m, "negRisk")) || !version || strcmp(version, "v1") ||
            !json_is_true(json_object_get(m, "acceptingOrders")) ||
            json_is_true(json_object_get(m, "feesEnabled")) != fees)
            continue;
        poly_market_info info;
        const char *cid = json_string_value(json_object_get(m, "conditionId"));
        assert_int_equal(poly_get_clob_market(&f->rest, cid, &info, NULL), 0);
        if (info.tick != PM_CENT) continue;
        json_t *ids = json_loads(json_string_value(json_object_get(m, "clobTokenIds")), 0, NULL);
        snprintf(f->m.cid, sizeof f->m.cid, "%s", cid);
        snprintf(f->m.yes, sizeof f->m.yes, "%s", json_string_value(json_array_get(ids, 0)));
        snprintf(f->m.no, sizeof f->m.no, "%s", json_string_value(json_array_get(ids, 1)));
        json_decref(ids);
        f->m.fee_rate = info.fee_rate;
        assert_int_equal(info.fee_exponent, fees ? 1 : info.fee_exponent);
        break;
    }
    json_decref(list);
    assert_true(f->m.cid[0]);
    assert_true(fees ? f->m.fee_rate > 0 : f->m.fee_rate == 0);
}

/* Best ask or bid of a token: price and size. */
static void best(fixture *f, const char *token, int ask, pm_px_t *px, pm_qty_t *qty) {
    poly_book b;
    assert_int_equal(poly_get_book(&f->rest, token, &b, NULL), 0);
    const pm_level *l = pm_book_best(ask ? &b.book.ask : &b.book.bid);
    assert_non_null(l);
    *px = l->px;
    *qty = l->qty;
}

static int64_t cash(fixture *f) {
    pm_usd_t c;
    assert_int_equal(pm_exec_balance(f->v, &c, NULL), 0);
    return c;
}

static pm_qty_t held(fixture *f, const char *token) {
    pm_exec_holding h;
    memset(&h, 0, sizeof h);
    snprintf(h.market_id, sizeof h.market_id, "%s", token);
    assert_int_equal(pm_exec_holdings(f->v, &h, 1, NULL), 0);
    return h.qty;
}

static void order(fixture *f, pm_exec_order *o, const char *token, pm_side side, pm_px_t px, pm_qty_t qty, pm_tif tif) {
    memset(o, 0, sizeof *o);
    snprintf(o->id, sizeof o->id, "0190b0c0-0000-7000-8000-000000000001");
    snprintf(o->market_id, sizeof o->market_id, "%s", token);
    o->side = side;
    o->outcome = PM_OUTCOME_YES;
    o->price = px;
    o->qty = qty;
    o->tif = tif;
    o->mkt.tick = PM_CENT;
    o->mkt.exchange_version = 2;
    snprintf(o->mkt.condition_id, sizeof o->mkt.condition_id, "%s", f->m.cid);
    pm_err err;
    assert_int_equal(pm_exec_prepare(f->v, o, &err), 0);
    assert_int_equal(strlen(o->client_id), 66);
    assert_int_equal(o->body_len, strlen(o->body));
    assert_true(o->prepared_unix_s > 0);
}

/* What a taker buy of q at px costs and delivers, by the venue's fee rule. */
static void expect_buy(const fixture *f, const pm_exec_ack *a, pm_qty_t q, pm_px_t px) {
    pm_usd_t n;
    assert_int_equal(pm_notional(px, q, PM_ROUND_CEIL, &n, NULL), 0);
    assert_int_equal(a->filled, q);
    assert_int_equal(a->delivered, q - pm_poly_fee_shares(q, px, f->m.fee_rate, 1));
    assert_int_equal(a->cash, n);
    assert_int_equal(a->fee, pm_poly_fee_usd(q, px, f->m.fee_rate, 1));
    assert_int_equal(a->avg_price, px);
}

static pm_exec_venue *venue(fixture *f, int64_t timeout_ms) {
    pm_exec_venue *v;
    pm_err err;
    assert_int_equal(poly_exec_new(&f->cfg, &f->sec, timeout_ms, &v, &err), 0);
    return v;
}

static int setup_with(void **state, int fees) {
    pm_log_set_level(PM_LOG_ERROR);
    fixture *f = calloc(1, sizeof *f);
    pm_test_start(&f->sim, (const char *const[]){"sim", NULL});
    json_t *ready = json_loads(f->sim.line, 0, NULL), *pm = json_object_get(ready, "polymarket");
    snprintf(f->clob, sizeof f->clob, "%s", json_string_value(json_object_get(pm, "clob")));
    snprintf(f->gamma, sizeof f->gamma, "%s", json_string_value(json_object_get(pm, "gamma")));
    json_decref(ready);
    assert_int_equal(pm_http_new(5000, &f->http, NULL), 0);
    assert_int_equal(poly_wallet_new(KEY_A, &f->wallet, NULL), 0);
    assert_int_equal(poly_rest_init(&f->rest, f->clob, 137, 5000, NULL), 0);
    assert_int_equal(poly_create_api_key(&f->rest, f->wallet, 0, &f->creds, NULL), 0);
    uint8_t addr[20];
    poly_wallet_address(f->wallet, addr);
    poly_rest_set_creds(&f->rest, &f->creds, addr);
    pm_config_defaults(&f->cfg);
    snprintf(f->cfg.polymarket.clob_url, sizeof f->cfg.polymarket.clob_url, "%s", f->clob);
    f->cfg.polymarket.chain_id = 137;
    f->cfg.polymarket.signature_type = PM_SIG_EOA;
    f->cfg.polymarket.timeout_ms = 5000;
    f->sec.value[PM_SECRET_POLY_PRIVATE_KEY] = KEY_A;
    f->sec.value[PM_SECRET_POLY_API_KEY] = f->creds.key;
    f->sec.value[PM_SECRET_POLY_API_SECRET] = f->creds.secret;
    f->sec.value[PM_SECRET_POLY_API_PASSPHRASE] = f->creds.passphrase;
    f->v = venue(f, 0);
    find_market(f, fees);
    *state = f;
    return 0;
}

static int setup(void **state) { return setup_with(state, 1); }
static int setup_free(void **state) { return setup_with(state, 0); }

static int teardown(void **state) {
    fixture *f = *state;
    pm_exec_free(f->v);
    poly_rest_close(&f->rest);
    pm_http_free(f->http);
    poly_wallet_free(f->wallet);
    if (f->sim.pid) assert_int_equal(pm_test_stop(&f->sim), 0);
    free(f);
    return 0;
}

/* Whole shares of the best ask, at most `most`. */
static pm_qty_t whole(pm_qty_t q, pm_qty_t most) {
    q -= q % PM_SCALE;
    return q < most ? q : most;
}

/* --- tests --- */

static void test_fok_buy_and_sell(void **state) {
    fixture *f = *state;
    pm_px_t px;
    pm_qty_t level;
    best(f, f->m.yes, 1, &px, &level);
    pm_qty_t q = whole(level, 10 * PM_SCALE);
    assert_true(q > 0);
    int64_t before = cash(f);
    pm_exec_order o;
    pm_exec_ack a;
    pm_err err;
    order(f, &o, f->m.yes, PM_SIDE_BUY, px, q, PM_TIF_FOK);
    assert_int_equal(pm_exec_send(f->v, &o, &a, &err), 0);
    assert_int_equal(pm_exec_settle(f->v, &o, &a, &err), 0); /* as the executor does after an answer */
    assert_int_equal(a.status, PM_EXEC_FILLED);
    assert_int_equal(a.http_status, 200);
    assert_string_equal(a.venue_order_id, o.client_id);
    expect_buy(f, &a, q, px);
    assert_true(a.delivered < a.filled); /* the fee is withheld in shares */
    assert_true(a.call_ns > 0 && a.wire_ns >= a.call_ns && a.ack_ns >= a.wire_ns);
    assert_int_equal(before - cash(f), a.cash);
    assert_int_equal(held(f, f->m.yes), a.delivered);
    /* its fills add up to it */
    pm_exec_fill fills[8];
    size_t n;
    assert_int_equal(pm_exec_fills(f->v, &o, &a, fills, 8, &n, &err), 0);
    assert_true(n >= 1);
    pm_qty_t sum = 0, delivered = 0;
    for (size_t i = 0; i < n; i++) {
        assert_true(fills[i].trade_id[0] && fills[i].is_taker && fills[i].ts_ns > 0);
        assert_int_equal(fills[i].price, px);
        sum += fills[i].qty;
        delivered += fills[i].delivered;
    }
    assert_int_equal(sum, a.filled);
    assert_int_equal(delivered, a.delivered);
    /* unwind: sell what is held, cut to whole hundredths */
    pm_px_t bid;
    best(f, f->m.yes, 0, &bid, &level);
    pm_qty_t s = a.delivered - a.delivered % PM_CENT;
    assert_true(level >= s);
    int64_t mid = cash(f);
    pm_exec_order so;
    pm_exec_ack sa;
    order(f, &so, f->m.yes, PM_SIDE_SELL, bid, a.delivered, PM_TIF_FOK);
    assert_int_equal(pm_exec_send(f->v, &so, &sa, &err), 0);
    assert_int_equal(pm_exec_settle(f->v, &so, &sa, &err), 0); /* as the executor does after an answer */
    assert_int_equal(sa.status, PM_EXEC_FILLED);
    pm_usd_t gross;
    assert_int_equal(pm_notional(bid, s, PM_ROUND_FLOOR, &gross, NULL), 0);
    pm_usd_t fee = pm_poly_fee_usd(s, bid, f->m.fee_rate, 1);
    assert_int_equal(sa.filled, s);
    assert_int_equal(sa.delivered, s);
    assert_int_equal(sa.fee, fee);
    assert_int_equal(sa.cash, -(gross - fee));
    assert_int_equal(mid - cash(f), sa.cash);
    assert_int_equal(held(f, f->m.yes), a.delivered - s);
}

static void test_fok_unfilled_and_fak_partial(void **state) {
    fixture *f = *state;
    pm_px_t px;
    pm_qty_t level;
    best(f, f->m.yes, 1, &px, &level);
    pm_qty_t q = level - level % PM_SCALE + 5 * PM_SCALE; /* more than the best level holds */
    int64_t before = cash(f);
    pm_exec_order o;
    pm_exec_ack a;
    pm_err err;
    order(f, &o, f->m.yes, PM_SIDE_BUY, px, q, PM_TIF_FOK);
    assert_int_equal(pm_exec_send(f->v, &o, &a, &err), 0);
    assert_int_equal(pm_exec_settle(f->v, &o, &a, &err), 0); /* as the executor does after an answer */
    assert_int_equal(a.status, PM_EXEC_UNFILLED);
    assert_int_equal(a.filled, 0);
    assert_int_equal(a.cash, 0);
    assert_string_equal(a.error, "order couldn't be fully filled. FOK orders are fully filled or killed.");
    assert_int_equal(cash(f), before);
    assert_int_equal(held(f, f->m.yes), 0);
    /* the same as FAK takes the whole level and no more */
    order(f, &o, f->m.yes, PM_SIDE_BUY, px, q, PM_TIF_FAK);
    assert_int_equal(pm_exec_send(f->v, &o, &a, &err), 0);
    assert_int_equal(pm_exec_settle(f->v, &o, &a, &err), 0); /* as the executor does after an answer */
    assert_int_equal(a.status, PM_EXEC_PARTIAL);
    expect_buy(f, &a, level, px);
    assert_int_equal(before - cash(f), a.cash);
    assert_int_equal(held(f, f->m.yes), a.delivered);
}

/* qty × price not whole cents: such a buy cannot be signed for what it says and is refused
 * before anything is built; the size pm_poly_buy_size gives instead (the least whole-cent
 * amount's shares) is signed, matched and recorded exactly */
static void test_inexact_buy(void **state) {
    fixture *f = *state;
    pm_px_t px;
    pm_qty_t level;
    best(f, f->m.yes, 1, &px, &level);
    pm_qty_t q = 1230000; /* 1.23 shares */
    assert_true(level >= 2 * q);
    pm_usd_t n;
    assert_int_equal(pm_notional(px, q, PM_ROUND_FLOOR, &n, NULL), 0);
    assert_true(n % PM_CENT != 0); /* the fixture's price makes 1.23 shares an inexact amount */
    pm_exec_order o;
    memset(&o, 0, sizeof o);
    snprintf(o.id, sizeof o.id, "0190b0c0-0000-7000-8000-000000000001");
    snprintf(o.market_id, sizeof o.market_id, "%s", f->m.yes);
    o.side = PM_SIDE_BUY;
    o.price = px;
    o.qty = q;
    o.tif = PM_TIF_FOK;
    o.mkt.tick = PM_CENT;
    o.mkt.exchange_version = 2;
    pm_err err;
    assert_int_equal(pm_exec_prepare(f->v, &o, &err), -1);
    assert_non_null(strstr(err.msg, "a market buy of 1.23 shares at"));
    assert_int_equal(o.body_len, 0);

    pm_usd_t amount;
    pm_qty_t s;
    assert_int_equal(pm_poly_buy_size(px, PM_CENT, q, &amount, &s), 0);
    assert_true(s > q && s < q + PM_CENT * PM_SCALE / px + 1);
    assert_int_equal(amount % PM_CENT, 0);
    poly_amounts am;
    assert_int_equal(poly_market_amounts(PM_SIDE_BUY, px, amount, PM_CENT, &am, NULL), 0);
    assert_int_equal(am.taker_amount, s);
    int64_t before = cash(f);
    pm_exec_ack a;
    order(f, &o, f->m.yes, PM_SIDE_BUY, px, s, PM_TIF_FOK);
    assert_int_equal(pm_exec_send(f->v, &o, &a, &err), 0);
    assert_int_equal(pm_exec_settle(f->v, &o, &a, &err), 0); /* as the executor does after an answer */
    assert_int_equal(a.status, PM_EXEC_FILLED);
    expect_buy(f, &a, s, px);
    assert_int_equal(before - cash(f), a.cash);
    assert_int_equal(held(f, f->m.yes), a.delivered);
}

static void test_reject_and_500(void **state) {
    fixture *f = *state;
    pm_px_t px;
    pm_qty_t level;
    best(f, f->m.yes, 1, &px, &level);
    int64_t before = cash(f);
    pm_exec_order o;
    pm_exec_ack a;
    pm_err err;
    fault(f, "{\"reject_orders\":true,\"count\":1}");
    order(f, &o, f->m.yes, PM_SIDE_BUY, px, PM_SCALE, PM_TIF_FOK);
    assert_int_equal(pm_exec_send(f->v, &o, &a, &err), 0);
    assert_int_equal(pm_exec_settle(f->v, &o, &a, &err), 0); /* as the executor does after an answer */
    assert_int_equal(a.status, PM_EXEC_REJECTED);
    assert_int_equal(a.http_status, 400);
    assert_string_equal(a.error, "order rejected by the simulator's fault switch");
    fault(f, "{\"http_status\":500,\"count\":1}");
    order(f, &o, f->m.yes, PM_SIDE_BUY, px, PM_SCALE, PM_TIF_FOK);
    assert_int_equal(pm_exec_send(f->v, &o, &a, &err), 0);
    assert_int_equal(pm_exec_settle(f->v, &o, &a, &err), 0); /* as the executor does after an answer */
    assert_int_equal(a.status, PM_EXEC_UNKNOWN);
    assert_int_equal(a.http_status, 500);
    assert_string_equal(a.error, "injected by the simulator");
    assert_int_equal(pm_exec_find(f->v, &o, &a, &err), 0);
    assert_int_equal(a.status, PM_EXEC_REJECTED); /* the 500 came before the venue took it */
    assert_int_equal(a.filled, 0);
    assert_int_equal(cash(f), before);
}

static void test_late_answer_then_find(void **state) {
    fixture *f = *state;
    pm_px_t px;
    pm_qty_t level;
    best(f, f->m.yes, 1, &px, &level);
    pm_qty_t q = whole(level, 3 * PM_SCALE);
    int64_t before = cash(f);
    pm_exec_venue *quick = venue(f, 300);
    pm_exec_order o;
    pm_exec_ack a;
    pm_err err;
    memset(&o, 0, sizeof o);
    pm_exec_venue *keep = f->v;
    f->v = quick;
    order(f, &o, f->m.yes, PM_SIDE_BUY, px, q, PM_TIF_FOK);
    fault(f, "{\"delay_ms\":1200,\"count\":1}");
    assert_int_equal(pm_exec_send(quick, &o, &a, &err), -1);
    assert_int_equal(a.status, PM_EXEC_UNKNOWN);
    assert_int_equal(a.http_status, 0);
    assert_int_equal(a.filled, 0);
    nanosleep(&(struct timespec){1, 300000000}, NULL); /* the venue has answered by now */
    assert_int_equal(pm_exec_find(quick, &o, &a, &err), 0);
    assert_int_equal(a.status, PM_EXEC_FILLED);
    expect_buy(f, &a, q, px);
    f->v = keep;
    pm_exec_free(quick);
    assert_int_equal(before - cash(f), a.cash);
    assert_int_equal(held(f, f->m.yes), a.delivered);
}

static void test_cancel_all_resting(void **state) {
    fixture *f = *state;
    poly_order_builder b;
    poly_builder_config bc = {f->wallet, 0, NULL, 137, f->creds.key, 0};
    assert_int_equal(poly_builder_init(&b, &bc, NULL), 0);
    poly_order_params p;
    poly_order_params_init(&p);
    p.token_id = f->m.yes;
    p.side = PM_SIDE_BUY;
    p.price = PM_CENT; /* far below the book: rests */
    p.size = 100 * PM_SCALE;
    p.tick = PM_CENT;
    poly_signed_order so;
    char body[POLY_ORDER_BODY_MAX], hash[67];
    assert_int_equal(poly_order_sign(&b, &p, &so, NULL), 0);
    assert_true(poly_order_body(&b, &p, &so, body, sizeof body, NULL) > 0);
    poly_hex(so.hash, 32, hash);
    poly_order_response r;
    assert_int_equal(poly_post_order(&f->rest, body, hash, &r, NULL), 0);
    assert_int_equal(r.status, POLY_STATUS_LIVE);
    int n = -1;
    pm_err err;
    assert_int_equal(pm_exec_cancel_all(f->v, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(pm_exec_cancel_all(f->v, &n, &err), 0);
    assert_int_equal(n, 0);
}

static void test_fee_free_market(void **state) {
    fixture *f = *state;
    pm_px_t px;
    pm_qty_t level;
    best(f, f->m.no, 1, &px, &level);
    pm_qty_t q = whole(level, 7 * PM_SCALE);
    int64_t before = cash(f);
    pm_exec_order o;
    pm_exec_ack a;
    pm_err err;
    order(f, &o, f->m.no, PM_SIDE_BUY, px, q, PM_TIF_FOK);
    assert_int_equal(pm_exec_send(f->v, &o, &a, &err), 0);
    assert_int_equal(pm_exec_settle(f->v, &o, &a, &err), 0); /* as the executor does after an answer */
    assert_int_equal(a.status, PM_EXEC_FILLED);
    expect_buy(f, &a, q, px);
    assert_int_equal(a.delivered, q);
    assert_int_equal(a.fee, 0);
    assert_int_equal(before - cash(f), a.cash);
    assert_int_equal(held(f, f->m.no), q);
}

/* The venue is gone: the order connection cannot be reopened, so the order certainly never
 * left — refused at once with the reason (the executor looks nothing up). */
static void test_unreachable_not_sent(void **state) {
    fixture *f = *state;
    pm_exec_order o;
    order(f, &o, f->m.yes, PM_SIDE_BUY, 500000, PM_SCALE, PM_TIF_FOK);
    assert_int_equal(pm_test_stop(&f->sim), 0);
    f->sim.pid = 0;
    pm_exec_ack a;
    pm_err err;
    assert_int_equal(pm_exec_send(f->v, &o, &a, &err), 0);
    assert_int_equal(a.status, PM_EXEC_REJECTED);
    assert_int_equal(a.http_status, 0);
    assert_non_null(strstr(a.error, "not sent"));
}

static void test_prepare_refuses(void **state) {
    fixture *f = *state;
    pm_exec_order o;
    memset(&o, 0, sizeof o);
    snprintf(o.market_id, sizeof o.market_id, "%s", f->m.yes);
    o.side = PM_SIDE_BUY;
    o.price = 500000;
    o.qty = PM_SCALE;
    o.mkt.exchange_version = 1;
    pm_err err;
    assert_int_equal(pm_exec_prepare(f->v, &o, &err), -1);
    o.mkt.exchange_version = 2;
    o.qty = 0;
    assert_int_equal(pm_exec_prepare(f->v, &o, &err), -1);
    o.qty = PM_SCALE;
    o.price = 505000; /* off the 0.01 grid */
    assert_int_equal(pm_exec_prepare(f->v, &o, &err), -1);
    pm_secrets none;
    memset(&none, 0, sizeof none);
    pm_exec_venue *v;
    assert_int_equal(poly_exec_new(&f->cfg, &none, 0, &v, &err), -1);
    assert_non_null(strstr(err.msg, "POLY_PRIVATE_KEY"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fok_buy_and_sell, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fok_unfilled_and_fak_partial, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inexact_buy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reject_and_500, setup, teardown),
        cmocka_unit_test_setup_teardown(test_late_answer_then_find, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel_all_resting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fee_free_market, setup_free, teardown),
        cmocka_unit_test_setup_teardown(test_prepare_refuses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unreachable_not_sent, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
