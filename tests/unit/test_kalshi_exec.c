/* test_kalshi_exec.c — Kalshi's pm_exec_ops against `pmarb sim` over real sockets: a
 * fill-or-kill buy at the book's ask fills in full and its cash is exactly what the balance
 * lost (fees and cent rounding included); a fill-or-kill beyond the depth does nothing; an
 * immediate-or-cancel beyond the depth fills the best level only; selling what is held nets it
 * and credits its price; a refused order is REJECTED with the venue's words; a 500 is UNKNOWN
 * and the look-up by client_order_id tells the truth without resending; fills carry trade ids
 * summing to the fill; a resting order is cancelled by cancel_all; holdings per outcome. */
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

#include "net/http.h"
#include "testutil.h"
#include "util/log.h"
#include "util/uuid.h"
#include "venue/kalshi/exec.h"
#include "venue/kalshi/trading.h"

#define TICKER "KXINXY-26DEC31-A1"

typedef struct fixture {
    char *dir;
    pm_test_proc sim;
    kalshi_auth *auth;
    pm_config cfg;
    pm_exec_venue *v;
    kalshi_rest rest;
    char admin[256];
} fixture;

static int setup(void **state) {
    pm_log_set_level(PM_LOG_ERROR);
    fixture *f = calloc(1, sizeof *f);
    f->dir = pm_test_tmpdir();
    EVP_PKEY *key = EVP_RSA_gen(2048);
    char *pub = pm_test_pem(key, PM_TEST_PEM_PUBLIC), *priv = pm_test_pem(key, PM_TEST_PEM_PKCS8);
    char *pub_path = pm_test_path(f->dir, "k.pub");
    pm_test_write_file(pub_path, pub, 0644);
    pm_err err;
    assert_int_equal(kalshi_auth_new("kid", priv, strlen(priv), &f->auth, &err), 0);
    free(pub), free(priv);
    EVP_PKEY_free(key);
    pm_test_start(&f->sim, (const char *const[]){"sim", "--kalshi-public-key", pub_path, "--kalshi-key-id", "kid", NULL});
    free(pub_path);
    json_t *ready = json_loads(f->sim.line, 0, NULL);
    const char *rest = json_string_value(json_object_get(json_object_get(ready, "kalshi"), "rest"));
    pm_config_defaults(&f->cfg);
    snprintf(f->cfg.kalshi.rest_url, sizeof f->cfg.kalshi.rest_url, "%s", rest);
    snprintf(f->admin, sizeof f->admin, "%.*s/admin/faults", (int)(strstr(rest, "/trade-api") - rest), rest);
    assert_int_equal(kalshi_rest_init(&f->rest, rest, 0, 5000, f->auth, &err), 0);
    json_decref(ready);
    assert_int_equal(kalshi_exec_new(&f->cfg, f->auth, 0, &f->v, &err), 0);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    pm_exec_free(f->v);
    kalshi_rest_close(&f->rest);
    if (f->sim.pid) assert_int_equal(pm_test_stop(&f->sim), 0);
    kalshi_auth_free(f->auth);
    pm_test_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static void fault(fixture *f, const char *json) {
    pm_http *h;
    pm_http_response res = {0};
    pm_err err;
    assert_int_equal(pm_http_new(5000, &h, &err), 0);
    assert_int_equal(pm_http_do(h, "POST", f->admin, (const char *const[]){"Content-Type: application/json", NULL}, json, &res, &err), 0);
    assert_int_equal(res.status, 200);
    pm_http_response_free(&res);
    pm_http_free(h);
}

/* The best YES ask and its size (from the best NO bid). */
static void best_ask(fixture *f, pm_px_t *px, pm_qty_t *qty) {
    pm_book b;
    pm_err err;
    assert_int_equal(kalshi_get_orderbook(&f->rest, TICKER, &b, &err), 0);
    const pm_level *a = pm_book_best(&b.ask);
    assert_non_null(a);
    *px = a->px;
    *qty = a->qty;
}

static pm_exec_order order(pm_side side, pm_outcome o, pm_px_t px, pm_qty_t qty, pm_tif tif) {
    pm_exec_order x;
    memset(&x, 0, sizeof x);
    assert_int_equal(pm_uuid_v7(x.id), 0);
    snprintf(x.market_id, sizeof x.market_id, "%s", TICKER);
    x.side = side;
    x.outcome = o;
    x.price = px;
    x.qty = qty;
    x.tif = tif;
    return x;
}

static pm_usd_t balance(fixture *f) {
    pm_usd_t b;
    pm_err err;
    assert_int_equal(kalshi_get_balance(&f->rest, &b, &err), 0);
    return b;
}

/* Sends o as the executor does: prepare, send, settle. */
static int send(fixture *f, pm_exec_order *o, pm_exec_ack *a) {
    pm_err err;
    assert_int_equal(pm_exec_prepare(f->v, o, &err), 0);
    assert_string_equal(o->client_id, o->id);
    int rc = pm_exec_send(f->v, o, a, &err);
    if (!rc) assert_int_equal(pm_exec_settle(f->v, o, a, &err), 0);
    return rc;
}

static pm_qty_t held(fixture *f, pm_outcome o) {
    pm_exec_holding h = {.market_id = TICKER, .outcome = o, .qty = -1};
    pm_err err;
    assert_int_equal(pm_exec_holdings(f->v, &h, 1, &err), 0);
    return h.qty;
}

static void test_fok_ioc_and_sale(void **state) {
    fixture *f = *state;
    pm_px_t ask;
    pm_qty_t depth;
    best_ask(f, &ask, &depth);
    pm_usd_t before = balance(f);
    pm_exec_order o = order(PM_SIDE_BUY, PM_OUTCOME_YES, ask, 3 * PM_SCALE, PM_TIF_FOK);
    pm_exec_ack a;
    assert_int_equal(send(f, &o, &a), 0);
    assert_int_equal(a.status, PM_EXEC_FILLED);
    assert_int_equal(a.filled, 3 * PM_SCALE);
    assert_int_equal(a.delivered, 3 * PM_SCALE);
    assert_true(a.fee > 0);
    assert_int_equal(a.cash, before - balance(f));
    assert_true(a.cash >= 3 * ask);
    assert_true(a.wire_ns > 0 && a.ack_ns >= a.wire_ns);
    assert_int_equal(held(f, PM_OUTCOME_YES), 3 * PM_SCALE);
    assert_int_equal(held(f, PM_OUTCOME_NO), 0);
    pm_exec_fill fills[8];
    size_t n;
    pm_err err;
    assert_int_equal(pm_exec_fills(f->v, &o, &a, fills, 8, &n, &err), 0);
    pm_qty_t sum = 0;
    for (size_t i = 0; i < n; i++) sum += fills[i].qty, assert_true(fills[i].trade_id[0] != '\0');
    assert_int_equal(sum, a.filled);

    /* more than the whole ask side holds: fill-or-kill does nothing */
    best_ask(f, &ask, &depth);
    before = balance(f);
    o = order(PM_SIDE_BUY, PM_OUTCOME_YES, ask, depth + 1000 * PM_SCALE, PM_TIF_FOK);
    assert_int_equal(send(f, &o, &a), 0);
    assert_int_equal(a.status, PM_EXEC_UNFILLED);
    assert_int_equal(a.filled, 0);
    assert_int_equal(a.cash, 0);
    assert_int_equal(balance(f), before);

    /* immediate-or-cancel beyond the best level at its price: the best level only */
    best_ask(f, &ask, &depth);
    o = order(PM_SIDE_BUY, PM_OUTCOME_YES, ask, depth + 5 * PM_SCALE, PM_TIF_FAK);
    before = balance(f);
    assert_int_equal(send(f, &o, &a), 0);
    assert_int_equal(a.status, PM_EXEC_PARTIAL);
    assert_int_equal(a.filled, depth);
    assert_int_equal(a.cash, before - balance(f));

    /* selling 2 of what is held credits the balance: negative cash */
    pm_qty_t h = held(f, PM_OUTCOME_YES);
    before = balance(f);
    o = order(PM_SIDE_SELL, PM_OUTCOME_YES, PM_CENT, 2 * PM_SCALE, PM_TIF_FAK);
    assert_int_equal(send(f, &o, &a), 0);
    assert_int_equal(a.status, PM_EXEC_FILLED);
    assert_true(a.cash < 0);
    assert_int_equal(a.cash, before - balance(f));
    assert_int_equal(held(f, PM_OUTCOME_YES), h - 2 * PM_SCALE);
}

static void test_refused_unknown_found(void **state) {
    fixture *f = *state;
    pm_px_t ask;
    pm_qty_t depth;
    best_ask(f, &ask, &depth);
    fault(f, "{\"reject_orders\":true}");
    pm_exec_order o = order(PM_SIDE_BUY, PM_OUTCOME_YES, ask, PM_SCALE, PM_TIF_FOK);
    pm_exec_ack a;
    assert_int_equal(send(f, &o, &a), 0);
    assert_int_equal(a.status, PM_EXEC_REJECTED);
    assert_true(a.http_status >= 400 && a.http_status < 500);
    assert_true(a.error[0] != '\0');

    /* a 500: unknown; the venue never took it, and the look-up says so */
    fault(f, "{\"http_status\":500,\"count\":1}");
    o = order(PM_SIDE_BUY, PM_OUTCOME_YES, ask, PM_SCALE, PM_TIF_FOK);
    assert_int_equal(send(f, &o, &a), -1);
    assert_int_equal(a.status, PM_EXEC_UNKNOWN);
    assert_int_equal(a.http_status, 500);
    pm_err err;
    pm_exec_ack found;
    assert_int_equal(pm_exec_find(f->v, &o, &found, &err), 0);
    assert_int_equal(found.status, PM_EXEC_REJECTED);

    /* an order taken but not filled, looked up afterwards: the same order */
    o = order(PM_SIDE_BUY, PM_OUTCOME_NO, PM_CENT, PM_SCALE, PM_TIF_FAK); /* NO at 0.01: far below every NO ask */
    assert_int_equal(send(f, &o, &a), 0);
    assert_int_equal(a.status, PM_EXEC_UNFILLED);
    assert_int_equal(pm_exec_find(f->v, &o, &found, &err), 0);
    assert_int_equal(found.status, PM_EXEC_UNFILLED);
    assert_string_equal(found.venue_order_id, a.venue_order_id);
}

/* The venue is gone: the order connection cannot be reopened, so the order certainly never
 * left — refused at once with the reason, nothing to look up. */
static void test_unreachable_not_sent(void **state) {
    fixture *f = *state;
    assert_int_equal(pm_test_stop(&f->sim), 0);
    f->sim.pid = 0;
    pm_exec_order o = order(PM_SIDE_BUY, PM_OUTCOME_YES, 50 * PM_CENT, PM_SCALE, PM_TIF_FOK);
    pm_exec_ack a;
    pm_err err;
    assert_int_equal(pm_exec_prepare(f->v, &o, &err), 0);
    assert_int_equal(pm_exec_send(f->v, &o, &a, &err), 0);
    assert_int_equal(a.status, PM_EXEC_REJECTED);
    assert_int_equal(a.http_status, 0);
    assert_non_null(strstr(a.error, "not sent"));
}

static void test_cancel_all_and_balance(void **state) {
    fixture *f = *state;
    kalshi_order rest = {.ticker = TICKER, .side = PM_SIDE_BUY, .outcome = PM_OUTCOME_YES, .price = 2 * PM_CENT,
                         .count = PM_SCALE, .tif = KALSHI_TIF_GTC, .client_order_id = "0192f0c4-0000-7000-8000-00000000c0de"};
    kalshi_order_result r;
    pm_err err;
    assert_int_equal(kalshi_create_order(&f->rest, &rest, &r, &err), 0);
    int canceled = -1;
    assert_int_equal(pm_exec_cancel_all(f->v, &canceled, &err), 0);
    assert_int_equal(canceled, 1);
    assert_int_equal(pm_exec_cancel_all(f->v, &canceled, &err), 0);
    assert_int_equal(canceled, 0);
    pm_usd_t cash;
    assert_int_equal(pm_exec_balance(f->v, &cash, &err), 0);
    assert_int_equal(cash, balance(f));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fok_ioc_and_sale, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_unknown_found, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel_all_and_balance, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unreachable_not_sent, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
