/* test_sim_kalshi.c — integration over real sockets: `pmarb sim` serves the Kalshi REST
 * catalogue; `pmarb sync --venue kalshi` stores it with rules, fees (series and event) and tick
 * sizes, reports unchanged markets on a second run and closes what vanished; /portfolio
 * endpoints accept pmarb's RSA-PSS signature and refuse a wrong key with 401. */
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

#include "store/markets.h"
#include "testutil.h"
#include "util/log.h"
#include "venue/kalshi/rest.h"

typedef struct fixture {
    char *dir, *ini, *pub, *priv;
    pm_test_proc sim;
    char rest[256], ws[256];
    EVP_PKEY *key;
} fixture;

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    f->dir = pm_test_tmpdir();
    f->key = EVP_RSA_gen(2048);
    f->pub = pm_test_path(f->dir, "kalshi.pub");
    char *pub = pm_test_pem(f->key, PM_TEST_PEM_PUBLIC);
    pm_test_write_file(f->pub, pub, 0644);
    free(pub);
    f->priv = pm_test_pem(f->key, PM_TEST_PEM_PKCS8);
    pm_test_start(&f->sim, (const char *const[]){"sim", "--seed", "3", "--kalshi-public-key", f->pub, "--kalshi-key-id",
                                                 "key-1", NULL});
    json_t *ready = json_loads(f->sim.line, 0, NULL);
    assert_non_null(ready);
    snprintf(f->rest, sizeof f->rest, "%s", json_string_value(json_object_get(json_object_get(ready, "kalshi"), "rest")));
    snprintf(f->ws, sizeof f->ws, "%s", json_string_value(json_object_get(json_object_get(ready, "kalshi"), "ws")));
    assert_int_equal(strncmp(f->rest, "http://127.0.0.1:", 17), 0);
    json_decref(ready);
    f->ini = pm_test_path(f->dir, "pmarb.ini");
    char text[512];
    snprintf(text, sizeof text, "[kalshi]\nrest_url = %s\n[db]\npath = %s/markets.db\n", f->rest, f->dir);
    pm_test_write_file(f->ini, text, 0644);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    assert_int_equal(pm_test_stop(&f->sim), 0); /* SIGTERM: clean exit */
    EVP_PKEY_free(f->key);
    pm_test_rmtree(f->dir);
    free(f->dir), free(f->ini), free(f->pub), free(f->priv);
    free(f);
    return 0;
}

static pm_test_run_result pmarb(fixture *f, const char *const *args) {
    const char *argv[16] = {"pmarb", "--config", f->ini};
    for (int i = 0; args[i]; i++) argv[3 + i] = args[i];
    return pm_test_exec(f->dir, NULL, getenv("PMARB_BIN"), argv);
}

typedef struct found {
    char fee_type[48];
    int64_t fee_multiplier, tick;
    char rules[512];
    char status[16];
} found;

static int grab(void *ctx, const pm_market *m) {
    found *x = ctx;
    snprintf(x->fee_type, sizeof x->fee_type, "%s", m->fee_type ? m->fee_type : "");
    x->fee_multiplier = m->fee_multiplier;
    x->tick = m->tick_size;
    snprintf(x->rules, sizeof x->rules, "%s", m->rules ? m->rules : "");
    snprintf(x->status, sizeof x->status, "%s", m->status);
    return 0;
}

static found lookup(fixture *f, const char *ticker) {
    char *path = pm_test_path(f->dir, "markets.db");
    pm_db *db;
    pm_err err;
    assert_int_equal(pm_db_open(path, PM_DB_MIGRATE, 5000, &db, &err), 0);
    found x = {0};
    assert_int_equal(pm_store_find_market(db, PM_VENUE_KALSHI, ticker, grab, &x, &err), 1);
    pm_db_close(db);
    free(path);
    return x;
}

static void test_sync(void **state) {
    fixture *f = *state;
    pm_test_run_result r = pmarb(f, (const char *const[]){"sync", "--venue", "kalshi", NULL});
    if (r.status) fail_msg("sync failed: %s", r.err);
    assert_string_equal(r.out, "kalshi: 25 markets (25 new, 0 updated, 0 unchanged), 0 closed; 8 events, 8 series, 2 pages; "
                               "rules fetched per event for 5\n");
    pm_test_run_free(&r);
    found x = lookup(f, "KXINXY-26DEC31-A1");
    assert_string_equal(x.fee_type, "quadratic");
    assert_int_equal(x.fee_multiplier, 500000); /* the series' 0.5, read exactly */
    assert_int_equal(x.tick, 10000);
    assert_string_equal(x.rules, "If the S&P 500 closes Above 7,000 on December 31, 2026, resolves Yes.\n\n"
                                 "The market closes early if the outcome is known before the close time.");
    x = lookup(f, "KXBTCMAXY-26-A0");
    assert_string_equal(x.fee_type, "quadratic_with_maker_fees");
    assert_int_equal(x.fee_multiplier, 1000000);
    x = lookup(f, "KXRECSSNBER-26-Y0"); /* the event's override beats its series (quadratic, 1) */
    assert_string_equal(x.fee_type, "quadratic_with_maker_fees");
    assert_int_equal(x.fee_multiplier, 500000);
    x = lookup(f, "KXOSCARPIC-27-S3"); /* listed without rules: fetched through its event */
    assert_string_equal(x.rules, "If Sinners wins Best Picture at the 99th Academy Awards, resolves Yes.\n\n"
                                 "The market closes early if the outcome is known before the close time.");

    /* a market the venue no longer lists is closed by the next complete sync */
    char *path = pm_test_path(f->dir, "markets.db");
    pm_db *db;
    pm_err err;
    assert_int_equal(pm_db_open(path, PM_DB_MIGRATE, 5000, &db, &err), 0);
    pm_market gone;
    pm_market_init(&gone, PM_VENUE_KALSHI);
    gone.platform_market_id = "KXGONE-26";
    gone.title = "Delisted";
    pm_upsert_result res;
    assert_int_equal(pm_store_upsert_market(db, &gone, 1000000000LL, &res, &err), 0);
    pm_db_close(db);
    free(path);
    r = pmarb(f, (const char *const[]){"sync", "--venue", "kalshi", NULL});
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "kalshi: 25 markets (0 new, 0 updated, 25 unchanged), 1 closed; 8 events, 8 series, 2 pages; "
                               "rules fetched per event for 5\n");
    pm_test_run_free(&r);
    assert_string_equal(lookup(f, "KXGONE-26").status, "closed");
    assert_string_equal(lookup(f, "KXINXY-26DEC31-A1").status, "active");
}

static void test_sync_failure_closes_nothing(void **state) {
    fixture *f = *state;
    char text[512];
    snprintf(text, sizeof text, "[kalshi]\nrest_url = http://127.0.0.1:1/trade-api/v2\ntimeout_ms = 500\n[db]\npath = %s/markets.db\n",
             f->dir);
    pm_test_write_file(f->ini, text, 0644);
    pm_test_run_result r = pmarb(f, (const char *const[]){"sync", "--venue", "kalshi", NULL});
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "kalshi sync failed (nothing was marked closed)"));
    assert_string_equal(r.out, "");
    pm_test_run_free(&r);
}

static void test_portfolio_auth(void **state) {
    fixture *f = *state;
    pm_log_set_level(PM_LOG_ERROR);
    kalshi_auth *auth;
    pm_err err;
    assert_int_equal(kalshi_auth_new("key-1", f->priv, strlen(f->priv), &auth, &err), 0);
    kalshi_rest rest;
    assert_int_equal(kalshi_rest_init(&rest, f->rest, 0, 5000, auth, &err), 0);
    pm_http_response res = {0};
    assert_int_equal(kalshi_rest_get(&rest, "/portfolio/balance", &res, &err), 0);
    assert_int_equal(res.status, 200);
    assert_non_null(strstr(res.body, "\"balance\":1000000"));
    kalshi_rest_close(&rest);
    kalshi_auth_free(auth);
    /* another key id, or another private key: 401 with Kalshi's error shape, not retried */
    EVP_PKEY *other = EVP_RSA_gen(2048);
    char *pem = pm_test_pem(other, PM_TEST_PEM_PKCS8);
    assert_int_equal(kalshi_auth_new("key-1", pem, strlen(pem), &auth, &err), 0);
    assert_int_equal(kalshi_rest_init(&rest, f->rest, 0, 5000, auth, &err), 0);
    assert_int_equal(kalshi_rest_get(&rest, "/portfolio/balance", &res, &err), -1);
    assert_int_equal(res.status, 401);
    assert_non_null(strstr(err.msg, "HTTP 401"));
    assert_non_null(strstr(res.body, "\"message\":\"invalid signature\""));
    kalshi_rest_close(&rest);
    kalshi_auth_free(auth);
    assert_int_equal(kalshi_rest_init(&rest, f->rest, 0, 5000, NULL, &err), 0);
    assert_int_equal(kalshi_rest_get(&rest, "/portfolio/balance", &res, &err), -1);
    assert_non_null(strstr(res.body, "missing KALSHI-ACCESS-KEY"));
    assert_int_equal(kalshi_rest_get(&rest, "/markets/KXNOPE", &res, &err), -1);
    assert_int_equal(res.status, 404);
    assert_int_equal(kalshi_rest_get(&rest, "/markets/KXFEDDECISION-26DEC-H0/orderbook", &res, &err), 0);
    if (!strstr(res.body, "\"orderbook_fp\":{\"yes_dollars\":[[")) fail_msg("orderbook: %s", res.body);
    kalshi_rest_close(&rest);
    pm_http_response_free(&res);
    EVP_PKEY_free(other);
    free(pem);
}

static const char scenario[] =
    "{\"kalshi\": {\"series\": [{\"ticker\": \"KXT\", \"title\": \"Test\", \"fee_type\": \"quadratic\", \"fee_multiplier\": \"0.25\"}],"
    " \"events\": [{\"ticker\": \"KXT-1\", \"series\": \"KXT\", \"title\": \"Test event\"}],"
    " \"markets\": [{\"ticker\": \"KXT-1-A\", \"event\": \"KXT-1\", \"title\": \"Will A happen?\", \"rules_primary\": \"A.\","
    "   \"close_time\": \"2027-01-01T00:00:00Z\", \"yes_bids\": [[\"0.40\", \"100\"], [\"0.39\", \"7.5\"]],"
    "   \"no_bids\": [[\"0.55\", \"50\"]]},"
    "  {\"ticker\": \"KXT-1-B\", \"event\": \"KXT-1\", \"title\": \"Will B happen?\", \"rules_primary\": \"B.\","
    "   \"close_time\": \"2027-01-01T00:00:00Z\"}]}}";

static void test_scenario_file(void **state) {
    fixture *f = *state;
    char *path = pm_test_path(f->dir, "scenario.json");
    pm_test_write_file(path, scenario, 0644);
    pm_test_proc sim;
    pm_test_start(&sim, (const char *const[]){"sim", "--scenario", path, NULL});
    assert_non_null(strstr(sim.line, "\"markets\":{\"kalshi\":2,\"polymarket\":"));
    json_t *ready = json_loads(sim.line, 0, NULL);
    kalshi_rest rest;
    pm_err err;
    const char *url = json_string_value(json_object_get(json_object_get(ready, "kalshi"), "rest"));
    assert_int_equal(kalshi_rest_init(&rest, url, 0, 5000, NULL, &err), 0);
    pm_http_response res = {0};
    assert_int_equal(kalshi_rest_get(&rest, "/markets/KXT-1-A/orderbook", &res, &err), 0);
    assert_string_equal(res.body, "{\"orderbook_fp\":{\"yes_dollars\":[[\"0.3900\",\"7.50\"],[\"0.4000\",\"100.00\"]],"
                                  "\"no_dollars\":[[\"0.5500\",\"50.00\"]]}}");
    assert_int_equal(kalshi_rest_get(&rest, "/series/KXT", &res, &err), 0);
    assert_non_null(strstr(res.body, "\"fee_multiplier\":0.25"));
    pm_http_response_free(&res);
    kalshi_rest_close(&rest);
    json_decref(ready);
    assert_int_equal(pm_test_stop(&sim), 0);

    /* a broken scenario is refused, naming the entry */
    pm_test_write_file(path, "{\"kalshi\": {\"series\": [], \"events\": [], \"markets\": [{\"ticker\": \"X\"}]}}", 0644);
    pm_test_run_result r = pm_test_exec(f->dir, NULL, getenv("PMARB_BIN"), (const char *const[]){"pmarb", "sim", "--scenario", path, NULL});
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "kalshi.markets[0]: \"event\" is missing or not a string"));
    pm_test_run_free(&r);
    free(path);
}

static void test_book_command(void **state) {
    fixture *f = *state;
    char *key = pm_test_path(f->dir, "kalshi.pem");
    pm_test_write_file(key, f->priv, 0600);
    char text[512], key_env[4200];
    snprintf(text, sizeof text, "[kalshi]\nws_url = %s\n", f->ws);
    pm_test_write_file(f->ini, text, 0644);
    snprintf(key_env, sizeof key_env, "KALSHI_PRIVATE_KEY_PATH=%s", key);
    const char *env[] = {"KALSHI_API_KEY_ID=key-1", key_env, NULL};
    pm_test_run_result r = pm_test_exec(f->dir, env, getenv("PMARB_BIN"),
                                        (const char *const[]){"pmarb", "--config", f->ini, "book", "kalshi",
                                                              "KXFEDDECISION-26DEC-H0", "--seconds", "1.6", NULL});
    assert_int_equal(r.status, 0);
    /* e.g. "KXFEDDECISION-26DEC-H0  YES bid 0.43 x 119.00 ask 0.45 x 356.00  NO bid 0.55 … age 12 ms" */
    assert_non_null(strstr(r.out, "KXFEDDECISION-26DEC-H0  YES bid 0."));
    assert_non_null(strstr(r.out, " NO bid 0."));
    assert_non_null(strstr(r.out, " age "));
    assert_non_null(strstr(r.err, "gaps 0, resyncs 0, malformed 0"));
    pm_test_run_free(&r);
    free(key);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sync, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sync_failure_closes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_portfolio_auth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scenario_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_book_command, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
