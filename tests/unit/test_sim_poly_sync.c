/* test_sim_poly_sync.c — integration over real sockets: `pmarb sim` serves Gamma under /gamma;
 * `pmarb sync --venue polymarket` stores its open markets with token ids (checked against the
 * simulated CLOB's own market listing), outcome names, ticks and fee schedules, reports
 * unchanged and updated markets on later runs and closes what the venue closed; keyset
 * paging over several pages; retries after 5xx and a timeout; a failed sync closes nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/markets.h"
#include "testutil.h"
#include "util/log.h"
#include "venue/polymarket/sync.h"

typedef struct fixture {
    char *dir, *ini, *db_path;
    pm_test_proc sim;
    char gamma[256], clob[256];
} fixture;

static void write_ini(fixture *f, int64_t timeout_ms) {
    char text[1024];
    snprintf(text, sizeof text, "[polymarket]\ngamma_url = %s\ntimeout_ms = %lld\n[db]\npath = %s\n", f->gamma,
             (long long)timeout_ms, f->db_path);
    pm_test_write_file(f->ini, text, 0644);
}

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    f->dir = pm_test_tmpdir();
    pm_test_start(&f->sim, (const char *const[]){"sim", "--seed", "3", NULL});
    json_t *ready = json_loads(f->sim.line, 0, NULL);
    assert_non_null(ready);
    json_t *poly = json_object_get(ready, "polymarket");
    snprintf(f->gamma, sizeof f->gamma, "%s", json_string_value(json_object_get(poly, "gamma")));
    snprintf(f->clob, sizeof f->clob, "%s", json_string_value(json_object_get(poly, "clob")));
    json_decref(ready);
    assert_int_equal(strncmp(f->gamma, "http://127.0.0.1:", 17), 0);
    assert_non_null(strstr(f->gamma, "/gamma"));
    f->ini = pm_test_path(f->dir, "pmarb.ini");
    f->db_path = pm_test_path(f->dir, "markets.db");
    write_ini(f, 5000);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    assert_int_equal(pm_test_stop(&f->sim), 0);
    pm_test_rmtree(f->dir);
    free(f->dir), free(f->ini), free(f->db_path);
    free(f);
    return 0;
}

static pm_test_run_result sync_cli(fixture *f) {
    return pm_test_exec(f->dir, NULL, getenv("PMARB_BIN"),
                        (const char *const[]){"pmarb", "--config", f->ini, "sync", "--venue", "polymarket", NULL});
}

static void expect_sync(fixture *f, const char *out) {
    pm_test_run_result r = sync_cli(f);
    if (r.status) fail_msg("sync failed: %s", r.err);
    assert_string_equal(r.out, out);
    pm_test_run_free(&r);
}

/* GET or POST on the simulator's CLOB host (admin switches live there too). */
static json_t *clob(fixture *f, const char *method, const char *path, const char *body) {
    char url[512];
    snprintf(url, sizeof url, "%s%s", f->clob, path);
    pm_http *h;
    pm_err err;
    pm_http_response res = {0};
    assert_int_equal(pm_http_new(5000, &h, &err), 0);
    assert_int_equal(pm_http_do(h, method, url, NULL, body, &res, &err), 0);
    if (res.status != 200) fail_msg("%s %s: HTTP %ld %s", method, path, res.status, res.body);
    json_t *doc = json_loads(res.body, 0, NULL);
    assert_non_null(doc);
    pm_http_response_free(&res);
    pm_http_free(h);
    return doc;
}

typedef struct stored {
    char cid[72], yes[96], no[96], yes_name[16], no_name[16], status[16], version[8], fee_type[32], event[16];
    int64_t tick, min_size, rate, exponent, rebate;
    int fees_enabled, taker_only, neg_risk, accepting, book;
} stored;

static int grab(void *ctx, const pm_market *m) {
    stored *x = ctx;
    snprintf(x->cid, sizeof x->cid, "%s", m->platform_market_id);
    snprintf(x->yes, sizeof x->yes, "%s", m->outcome_yes_id);
    snprintf(x->no, sizeof x->no, "%s", m->outcome_no_id);
    snprintf(x->yes_name, sizeof x->yes_name, "%s", m->outcome_yes_name);
    snprintf(x->no_name, sizeof x->no_name, "%s", m->outcome_no_name);
    snprintf(x->status, sizeof x->status, "%s", m->status);
    snprintf(x->version, sizeof x->version, "%s", m->protocol_version ? m->protocol_version : "-");
    snprintf(x->fee_type, sizeof x->fee_type, "%s", m->fee_type ? m->fee_type : "-");
    snprintf(x->event, sizeof x->event, "%s", m->event_id ? m->event_id : "-");
    x->tick = m->tick_size, x->min_size = m->min_order_size, x->rate = m->fee_rate_bps;
    x->exponent = m->fee_exponent, x->rebate = m->fee_rebate_bps;
    x->fees_enabled = m->fees_enabled, x->taker_only = m->fee_taker_only, x->neg_risk = m->neg_risk;
    x->accepting = m->accepting_orders, x->book = m->order_book_enabled;
    return 0;
}

typedef struct by_gamma {
    const char *gamma_id;
    stored *out;
    int found;
} by_gamma;

static int match_gamma(void *ctx, const pm_market *m) {
    by_gamma *b = ctx;
    if (!m->gamma_id || strcmp(m->gamma_id, b->gamma_id)) return 0;
    b->found++;
    return grab(b->out, m);
}

static stored lookup(fixture *f, const char *gamma_id) {
    pm_db *db;
    pm_err err;
    assert_int_equal(pm_db_open(f->db_path, PM_DB_MIGRATE, 5000, &db, &err), 0);
    stored x;
    memset(&x, 0, sizeof x);
    by_gamma b = {gamma_id, &x, 0};
    assert_int_equal(pm_store_list_markets(db, PM_VENUE_POLYMARKET, NULL, match_gamma, &b, &err), 0);
    assert_int_equal(b.found, 1);
    pm_db_close(db);
    return x;
}

static int count_status(fixture *f, const char *status) {
    pm_db *db;
    pm_err err;
    assert_int_equal(pm_db_open(f->db_path, PM_DB_MIGRATE, 5000, &db, &err), 0);
    sqlite3_stmt *st;
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM markets WHERE platform = 'polymarket' AND status = '%s'", status);
    assert_int_equal(sqlite3_prepare_v2(pm_db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    pm_db_close(db);
    return n;
}

/* The token the simulated CLOB (GET /markets/{condition_id}, its own serializer) lists for outcome. */
static void clob_token(fixture *f, const char *cid, const char *outcome, char *out, size_t cap) {
    char path[128];
    snprintf(path, sizeof path, "/markets/%s", cid);
    json_t *doc = clob(f, "GET", path, NULL), *tokens = json_object_get(doc, "tokens"), *t;
    size_t i;
    out[0] = '\0';
    json_array_foreach(tokens, i, t) if (!strcmp(json_string_value(json_object_get(t, "outcome")), outcome))
        snprintf(out, cap, "%s", json_string_value(json_object_get(t, "token_id")));
    json_decref(doc);
    assert_true(out[0]);
}

static void test_sync(void **state) {
    fixture *f = *state;
    expect_sync(f, "polymarket: 25 markets (25 new, 0 updated, 0 unchanged), 0 closed; 1 pages\n");

    stored x = lookup(f, "560051"); /* S&P 500 above 7,500: a 0.005 tick in a 0.01 event */
    assert_string_equal(x.yes_name, "Yes");
    assert_string_equal(x.no_name, "No");
    assert_int_equal(x.tick, 5000);
    assert_int_equal(x.min_size, 5000000);
    assert_string_equal(x.fee_type, "finance_fees");
    assert_int_equal(x.rate, 400); /* 0.04 */
    assert_int_equal(x.exponent, 1);
    assert_int_equal(x.taker_only, 1);
    assert_int_equal(x.rebate, 2500);
    assert_int_equal(x.fees_enabled, 1);
    assert_string_equal(x.version, "v1");
    assert_int_equal(x.neg_risk, 0);
    assert_int_equal(x.accepting, 1);
    assert_int_equal(x.book, 1);
    assert_string_equal(x.status, PM_MARKET_ACTIVE);
    assert_string_equal(x.event, "31068");
    char tok[96];
    clob_token(f, x.cid, "Yes", tok, sizeof tok);
    assert_string_equal(x.yes, tok);
    clob_token(f, x.cid, "No", tok, sizeof tok);
    assert_string_equal(x.no, tok);

    x = lookup(f, "560030"); /* Protocol V2: the outcome ids are positionIds, not clobTokenIds */
    assert_string_equal(x.version, "v2");
    assert_int_equal(x.tick, 1000);
    assert_int_equal(x.rate, 720); /* crypto 0.072 */
    assert_int_equal(x.rebate, 2000);
    clob_token(f, x.cid, "Yes", tok, sizeof tok);
    assert_string_equal(x.yes, tok);

    x = lookup(f, "560000"); /* neg-risk event */
    assert_int_equal(x.neg_risk, 1);
    assert_int_equal(x.rate, 500);
    assert_string_equal(x.fee_type, "economics_fees");

    x = lookup(f, "560060"); /* fee-free */
    assert_int_equal(x.fees_enabled, 0);
    assert_int_equal(x.rate, 0);
    assert_int_equal(x.exponent, -1);
    assert_string_equal(x.fee_type, "-");
    char close_cid[72];
    snprintf(close_cid, sizeof close_cid, "%s", x.cid);

    expect_sync(f, "polymarket: 25 markets (0 new, 0 updated, 25 unchanged), 0 closed; 1 pages\n");

    /* the venue changes a tick size and closes a market: one update, one closed */
    x = lookup(f, "560045");
    char body[512];
    snprintf(body, sizeof body, "{\"tick_size_change\": {\"token\": \"%s\", \"tick\": \"0.001\"}, \"close_market\": \"%s\"}",
             x.yes, close_cid);
    json_decref(clob(f, "POST", "/admin/faults", body));
    expect_sync(f, "polymarket: 24 markets (0 new, 1 updated, 23 unchanged), 1 closed; 1 pages\n");
    assert_int_equal(lookup(f, "560045").tick, 1000);
    assert_string_equal(lookup(f, "560060").status, PM_MARKET_CLOSED);
    assert_int_equal(count_status(f, PM_MARKET_ACTIVE), 24);
}

/* Smaller pages than the venue's 100, in process: the cursor goes back as after_cursor. */
static void test_keyset_pages(void **state) {
    fixture *f = *state;
    pm_log_set_level(PM_LOG_ERROR);
    pm_db *db;
    pm_err err;
    assert_int_equal(pm_db_open(f->db_path, PM_DB_MIGRATE, 5000, &db, &err), 0);
    poly_gamma g;
    assert_int_equal(poly_gamma_init(&g, f->gamma, 5000, &err), 0);
    poly_sync_stats st;
    g.page_limit = 10;
    if (poly_sync(&g, db, NULL, &st, &err)) fail_msg("%s", err.msg);
    assert_int_equal(st.pages, 3);
    assert_int_equal(st.objects, 25);
    assert_int_equal(st.markets, 25);
    assert_int_equal(st.added, 25);
    assert_int_equal(st.skipped_total, 0);
    g.page_limit = 5;
    if (poly_sync(&g, db, NULL, &st, &err)) fail_msg("%s", err.msg);
    assert_int_equal(st.pages, 5);
    assert_int_equal(st.unchanged, 25);
    assert_int_equal(st.closed, 0);
    poly_gamma_close(&g);
    pm_db_close(db);
}

static void test_retries_and_failure(void **state) {
    fixture *f = *state;
    write_ini(f, 500);
    /* a response later than timeout_ms, then two 5xx: each retried */
    json_decref(clob(f, "POST", "/admin/faults", "{\"delay_ms\": 1500, \"count\": 1}"));
    expect_sync(f, "polymarket: 25 markets (25 new, 0 updated, 0 unchanged), 0 closed; 1 pages\n");
    json_decref(clob(f, "POST", "/admin/faults", "{\"http_status\": 503, \"count\": 2}"));
    expect_sync(f, "polymarket: 25 markets (0 new, 0 updated, 25 unchanged), 0 closed; 1 pages\n");

    /* the venue closes a market, but the next sync fails: nothing is marked closed */
    char body[256];
    snprintf(body, sizeof body, "{\"close_market\": \"%s\"}", lookup(f, "560060").cid);
    json_decref(clob(f, "POST", "/admin/faults", body));
    json_decref(clob(f, "POST", "/admin/faults", "{\"http_status\": 500, \"count\": 5}"));
    pm_test_run_result r = sync_cli(f);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out, "");
    assert_non_null(strstr(r.err, "polymarket sync failed (nothing was marked closed): "
                                  "GET /markets/keyset?limit=100&active=true&closed=false: HTTP 500"));
    pm_test_run_free(&r);
    assert_int_equal(count_status(f, PM_MARKET_ACTIVE), 25);
    expect_sync(f, "polymarket: 24 markets (0 new, 0 updated, 24 unchanged), 1 closed; 1 pages\n");
}

static void test_summary_line(void **state) {
    (void)state;
    poly_sync_stats st = {.pages = 3, .objects = 28, .markets = 25, .added = 2, .updated = 1, .unchanged = 22, .closed = 4};
    char line[512];
    poly_sync_summary(&st, line, sizeof line);
    assert_string_equal(line, "polymarket: 25 markets (2 new, 1 updated, 22 unchanged), 4 closed; 3 pages");
    st.skipped[POLY_SKIP_NO_TOKENS] = 1;
    st.skipped[POLY_SKIP_MALFORMED] = 2;
    st.skipped_total = 3;
    poly_sync_summary(&st, line, sizeof line);
    assert_string_equal(line, "polymarket: 25 markets (2 new, 1 updated, 22 unchanged), 4 closed; 3 pages; "
                              "3 skipped (1 no token ids, 2 malformed)");
    poly_sync_summary(&st, line, 20);
    assert_string_equal(line, "polymarket: 25 mark");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sync, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keyset_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retries_and_failure, setup, teardown),
        cmocka_unit_test(test_summary_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
