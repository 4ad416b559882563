/* test_reconcile_sim.c — reconciliation over real sockets: the Polymarket venue is pmarb's own
 * execution client (poly_exec_new) against `pmarb sim`, Kalshi a fake venue holding nothing.
 * With an approved pair on one of the simulator's markets: nothing held → equal; a buy the
 * database does not know of → one difference on the pair's YES token (the shares the account
 * holds after the fee) and the balance's drop; adopting it → equal, the position row holds
 * exactly the venue's figure and the audit event is written. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/secrets.h"
#include "engine/reconcile.h"
#include "net/http.h"
#include "store/markets.h"
#include "store/matches.h"
#include "store/positions.h"
#include "testutil.h"
#include "util/log.h"
#include "venue/polymarket/clob_api.h"
#include "venue/polymarket/exec.h"
#include "venue/polymarket/wallet.h"

#define KEY_A "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"

/* A Kalshi venue with no holdings and a fixed cash balance. */
static int empty_holdings(pm_exec_venue *v, pm_exec_holding *h, size_t n, pm_err *err) {
    (void)v, (void)err;
    for (size_t i = 0; i < n; i++) h[i].qty = 0;
    return 0;
}
static int fixed_balance(pm_exec_venue *v, pm_usd_t *cash, pm_err *err) {
    (void)v, (void)err;
    *cash = 1000000000;
    return 0;
}
static const pm_exec_ops kalshi_ops = {.balance = fixed_balance, .holdings = empty_holdings};

typedef struct fixture {
    pm_test_proc sim;
    char clob[256], gamma[256], cid[80], yes[80], no[80];
    char *dir, *path;
    pm_http *http;
    poly_wallet *wallet;
    poly_rest rest;
    poly_creds creds;
    pm_config cfg;
    pm_secrets sec;
    pm_exec_venue kalshi;
    pm_exec_venue *venues[PM_VENUE_COUNT];
    pm_db *db;
} fixture;

/* The first plain market accepting orders on the 0.01 tick. */
static void find_market(fixture *f) {
    char url[512];
    snprintf(url, sizeof url, "%s/markets?limit=100&active=true&closed=false", f->gamma);
    pm_http_response res = {0};
    assert_int_equal(pm_http_do(f->http, "GET", url, NULL, NULL, &res, NULL), 0);
    json_t *list = json_loads(res.body, 0, NULL);
    pm_http_response_free(&res);
    size_t i;
    json_t *m;
    json_array_foreach(list, i, m) {
        const char *version = json_string_value(json_object_get(m, "version"));
        if (json_is_true(json_object_get(m, "negRisk")) || !version || strcmp(version, "v1") ||
            !json_is_true(json_object_get(m, "acceptingOrders")))
            continue;
        poly_market_info info;
        const char *cid = json_string_value(json_object_get(m, "conditionId"));
        assert_int_equal(poly_get_clob_market(&f->rest, cid, &info, NULL), 0);
        if (info.tick != PM_CENT) continue;
        json_t *ids = json_loads(json_string_value(json_object_get(m, "clobTokenIds")), 0, NULL);
        snprintf(f->cid, sizeof f->cid, "%s", cid);
        snprintf(f->yes, sizeof f->yes, "%s", json_string_value(json_array_get(ids, 0)));
        snprintf(f->no, sizeof f->no, "%s", json_string_value(json_array_get(ids, 1)));
        json_decref(ids);
        break;
    }
    json_decref(list);
    assert_true(f->cid[0]);
}

/* The database: KXSIM (a Kalshi market of our own) ↔ the simulator's market, approved. */
static void build_db(fixture *f) {
    pm_err err;
    f->dir = pm_test_tmpdir();
    f->path = pm_test_path(f->dir, "markets.db");
    assert_int_equal(pm_db_open(f->path, PM_DB_MIGRATE, 5000, &f->db, &err), 0);
    pm_market k, p;
    pm_market_init(&k, PM_VENUE_KALSHI);
    k.platform_market_id = "KXSIM";
    k.title = "k";
    pm_market_init(&p, PM_VENUE_POLYMARKET);
    p.platform_market_id = f->cid;
    p.title = "p";
    p.outcome_yes_id = f->yes;
    p.outcome_no_id = f->no;
    pm_upsert_result res;
    assert_int_equal(pm_store_upsert_market(f->db, &k, 1000, &res, &err), 0);
    assert_int_equal(pm_store_upsert_market(f->db, &p, 1000, &res, &err), 0);
    pm_candidate c = {.kalshi_market_id = k.id, .polymarket_market_id = p.id, .confidence = 990000,
                      .polarity = PM_POLARITY_SAME, .status = PM_MATCH_PENDING_REVIEW};
    char id[PM_UUID_LEN];
    pm_candidate_result cr;
    assert_int_equal(pm_store_put_candidate(f->db, &c, id, &cr, &err), 0);
    assert_int_equal(pm_store_review_match(f->db, id, PM_MATCH_APPROVED, "alice", NULL, &err), 0);
}

static int setup(void **state) {
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
    pm_config_defaults(&f->cfg);
    snprintf(f->cfg.polymarket.clob_url, sizeof f->cfg.polymarket.clob_url, "%s", f->clob);
    f->cfg.polymarket.chain_id = 137;
    f->cfg.polymarket.signature_type = PM_SIG_EOA;
    f->cfg.polymarket.timeout_ms = 5000;
    f->sec.value[PM_SECRET_POLY_PRIVATE_KEY] = KEY_A;
    f->sec.value[PM_SECRET_POLY_API_KEY] = f->creds.key;
    f->sec.value[PM_SECRET_POLY_API_SECRET] = f->creds.secret;
    f->sec.value[PM_SECRET_POLY_API_PASSPHRASE] = f->creds.passphrase;
    pm_err err;
    assert_int_equal(poly_exec_new(&f->cfg, &f->sec, 0, &f->venues[PM_VENUE_POLYMARKET], &err), 0);
    f->kalshi = (pm_exec_venue){.ops = &kalshi_ops, .venue = PM_VENUE_KALSHI};
    f->venues[PM_VENUE_KALSHI] = &f->kalshi;
    find_market(f);
    build_db(f);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    pm_exec_free(f->venues[PM_VENUE_POLYMARKET]);
    pm_db_close(f->db);
    poly_rest_close(&f->rest);
    pm_http_free(f->http);
    poly_wallet_free(f->wallet);
    assert_int_equal(pm_test_stop(&f->sim), 0);
    pm_test_rmtree(f->dir);
    free(f->dir), free(f->path);
    free(f);
    return 0;
}

/* A fill-or-kill buy of 5 YES shares at the best ask; its ack. */
static void buy_yes(fixture *f, pm_exec_ack *ack) {
    poly_book b;
    assert_int_equal(poly_get_book(&f->rest, f->yes, &b, NULL), 0);
    const pm_level *l = pm_book_best(&b.book.ask);
    assert_non_null(l);
    assert_true(l->qty >= 5 * PM_SCALE);
    pm_exec_order o;
    memset(&o, 0, sizeof o);
    snprintf(o.id, sizeof o.id, "0190b0c0-0000-7000-8000-000000000001");
    snprintf(o.market_id, sizeof o.market_id, "%s", f->yes);
    o.side = PM_SIDE_BUY;
    o.outcome = PM_OUTCOME_YES;
    o.price = l->px;
    o.qty = 5 * PM_SCALE;
    o.tif = PM_TIF_FOK;
    o.mkt.tick = PM_CENT;
    o.mkt.exchange_version = 2;
    snprintf(o.mkt.condition_id, sizeof o.mkt.condition_id, "%s", f->cid);
    pm_err err;
    pm_exec_venue *v = f->venues[PM_VENUE_POLYMARKET];
    assert_int_equal(pm_exec_prepare(v, &o, &err), 0);
    assert_int_equal(pm_exec_send(v, &o, ack, &err), 0);
    assert_int_equal(pm_exec_settle(v, &o, ack, &err), 0); /* as the executor does after the answer */
    assert_int_equal(ack->status, PM_EXEC_FILLED);
}

static void test_reconcile_against_sim(void **state) {
    fixture *f = *state;
    pm_recon r;
    pm_err err;
    assert_int_equal(pm_reconcile(f->db, f->venues, &r, &err), 0);
    assert_int_equal(r.checked, 4); /* KXSIM yes/no, both tokens */
    assert_int_equal(r.ndiffs_total, 0);
    pm_usd_t cash0 = r.venue_cash[PM_VENUE_POLYMARKET];
    assert_true(cash0 > 0);
    assert_int_equal(r.venue_cash[PM_VENUE_KALSHI], 1000000000);

    pm_exec_ack ack;
    buy_yes(f, &ack);
    assert_true(ack.delivered > 0 && ack.delivered <= 5 * PM_SCALE);
    assert_int_equal(pm_reconcile(f->db, f->venues, &r, &err), 0);
    assert_int_equal(r.checked, 4);
    assert_int_equal(r.ndiffs_total, 1);
    assert_int_equal(r.diff[0].venue, PM_VENUE_POLYMARKET);
    assert_string_equal(r.diff[0].market_id, f->yes);
    assert_int_equal(r.diff[0].outcome, PM_OUTCOME_YES);
    assert_int_equal(r.diff[0].ours, 0);
    assert_int_equal(r.diff[0].theirs, ack.delivered);
    assert_int_equal(r.venue_cash[PM_VENUE_POLYMARKET], cash0 - ack.cash);

    assert_int_equal(pm_reconcile_adopt(f->db, &r, 9000, &err), 0);
    pm_position_row p;
    assert_int_equal(pm_store_get_position(f->db, PM_VENUE_POLYMARKET, f->yes, PM_OUTCOME_YES, 1, &p, &err), 1);
    assert_int_equal(p.qty, ack.delivered);
    assert_int_equal(p.cost, 0);
    assert_int_equal(p.updated_ns, 9000);
    assert_int_equal(pm_reconcile(f->db, f->venues, &r, &err), 0);
    assert_int_equal(r.ndiffs_total, 0);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(pm_db_handle(f->db), "SELECT count(*) FROM events WHERE kind = 'reconcile_adopt'"
                                        " AND level = 'warn'", -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 1);
    sqlite3_finalize(st);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reconcile_against_sim, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
