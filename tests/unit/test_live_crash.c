/* test_live_crash.c — `pmarb run` in live mode killed with SIGKILL between the two legs of a
 * trade and started again, against `pmarb sim`. The first leg (Kalshi) fills on the venue but
 * its answer is held back, so the second leg (Polymarket) waits parked when the process dies;
 * the order journal is the only record of the first leg. The restart, with no manual step,
 * inserts the journalled order and looks it up on the venue (never sends it again), records
 * its real outcome, leaves the parked leg unsent, says so, reconciles equal with the venues
 * and trades on; the one-legged residual is visible. The invariants of a live run hold
 * (testutil.h pm_test_live_check) over both runs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"

#define INI                                                                                                            \
    "[strategy]\nmin_annualized_return = 0\nmin_profit = 0.01\nmax_size = 5\nmax_book_age_ms = 2000\nfirst_leg = kalshi\n" \
    "second_leg_timeout_ms = 8000\n"                                                                                   \
    "[risk]\nmax_contracts_per_pair = 20\nmax_notional_per_pair = 20\nmax_contracts_per_venue = 200\n"               \
    "max_notional_per_venue = 200\nmax_contracts_total = 400\nmax_notional_total = 400\nmax_orders_per_second = 50\n" \
    "max_one_legged = 100\n[log]\nrate_limit_ms = 0\n"

static const pm_test_limits limits = {20000000, 20000000, 200000000, 200000000, 400000000, 400000000, 2000};

static size_t seen_count(pm_test_live *f, const char *venue) {
    json_t *doc = pm_test_live_admin(f, venue, "GET", "orders", NULL);
    size_t n = json_array_size(json_object_get(doc, "orders"));
    json_decref(doc);
    return n;
}

static long long file_size(const char *path) {
    struct stat st;
    return stat(path, &st) ? -1 : (long long)st.st_size;
}

static void wait_started(pm_test_live *f, const char *what) {
    if (!pm_test_wait_text(f->err_path, what, 20000)) {
        char *err = pm_test_slurp(f->err_path);
        fail_msg("the live run did not get to '%s':\n%s", what, err);
    }
}

typedef struct crashed {
    long long cash[2];
    char cid[80];          /* the first leg's client_order_id */
    char *out, *err;       /* of the restarted run */
} crashed;

/* Trades pair 0 with Kalshi answering its first leg five seconds late, SIGKILLs the run once
 * the venue has taken that leg and the journal names it, checks what the venues saw, starts
 * the run again and stops it (SIGTERM) two seconds after it reconciled. */
static void crash_and_restart(pm_test_live *f, crashed *c) {
    pm_test_live_ini(f, "live", INI);
    assert_int_equal(pm_test_live_cash(f, c->cash), 0);
    pm_test_live_spawn(f, NULL);
    wait_started(f, "/ws/market\n");
    char journal[1200];
    snprintf(journal, sizeof journal, "%s.kalshi.journal", f->db_path);
    json_decref(pm_test_live_admin(f, "kalshi", "POST", "faults", "{\"delay_ms\":5000,\"count\":1,\"orders_only\":true}"));
    pm_test_live_dislocate(f, 0, 12, 100);
    /* the venue took the first leg, the journal names it and the writer stored the trade's
     * rows (both legs: the parked one as created), so that every order has its opportunity */
    const char *stored = "SELECT COUNT(*) FROM orders";
    for (int i = 0; (seen_count(f, "kalshi") < 1 || file_size(journal) <= 0 || pm_test_query_int(f->db_path, stored) < 2) && i < 100; i++)
        pm_test_nap_ms(30);
    if (seen_count(f, "kalshi") != 1) {
        char *err = pm_test_slurp(f->err_path);
        fail_msg("Kalshi saw %zu orders, not the first leg alone:\n%s", seen_count(f, "kalshi"), err);
    }
    assert_true(file_size(journal) > 0);
    assert_int_equal(pm_test_query_int(f->db_path, stored), 2);
    assert_int_equal(pm_test_live_wait(f, SIGKILL), 128 + SIGKILL);
    assert_int_equal(seen_count(f, "polymarket"), 0); /* the second leg was still parked */
    json_t *doc = pm_test_live_admin(f, "kalshi", "GET", "orders", NULL), *first = json_array_get(json_object_get(doc, "orders"), 0);
    snprintf(c->cid, sizeof c->cid, "%s", json_string_value(json_object_get(first, "client_order_id")));
    assert_string_equal(json_string_value(json_object_get(first, "status")), "executed");
    assert_string_equal(json_string_value(json_object_get(first, "fill_count_fp")), "5.00");
    json_decref(doc);
    /* the restart: no manual step */
    json_decref(pm_test_live_admin(f, "kalshi", "POST", "faults", "{\"orders_only\":false}"));
    pm_test_live_spawn(f, NULL);
    wait_started(f, "positions reconciled with the venues");
    pm_test_nap_ms(2000);
    int status = pm_test_live_wait(f, SIGTERM);
    c->out = pm_test_slurp(f->out_path);
    c->err = pm_test_slurp(f->err_path);
    if (status) fail_msg("the restarted run exited %d:\n%s\n%s", status, c->out, c->err);
}

static void crashed_free(crashed *c) {
    free(c->out);
    free(c->err);
}

static void test_sigkill_between_legs(void **state) {
    pm_test_live *f = *state;
    crashed c = {0};
    crash_and_restart(f, &c);
    /* the invariants over both runs; the venues' cash is test_recovered_order_cash's */
    char why[8192];
    if (pm_test_live_check(f, &limits, NULL, why, sizeof why)) fail_msg("%s\n--- stdout:\n%s--- stderr:\n%s", why, c.out, c.err);
    /* the journalled first leg is in the database with its real outcome, looked up (not
     * resent: the venue saw it once), and the parked second leg is recorded as never sent */
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM orders WHERE venue = 'kalshi' AND client_order_id = '%s' AND status = 'filled' "
                              "AND filled_qty = 5000000 AND delivered_qty = 5000000 AND role = 'first'", c.cid);
    assert_int_equal(pm_test_query_int(f->db_path, sql), 1);
    /* the parked second leg never went out: recorded as not_sent — or, when the process died
     * before the writer stored the trade's rows, not recorded at all (the journal names only
     * orders that were sent, and the first leg then has no opportunity) */
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM orders WHERE venue = 'polymarket' AND role = 'second' AND status != 'not_sent' AND "
                              "opportunity_id = (SELECT opportunity_id FROM orders WHERE client_order_id = '%s')", c.cid);
    assert_int_equal(pm_test_query_int(f->db_path, sql), 0);
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM orders WHERE venue = 'polymarket' AND role = 'second' AND status = 'not_sent' AND "
                              "opportunity_id = (SELECT opportunity_id FROM orders WHERE client_order_id = '%s')", c.cid);
    int recorded = (int)pm_test_query_int(f->db_path, sql);
    assert_non_null(strstr(c.err, "msg=\"looking up an order an earlier run left open\" order="));
    assert_non_null(strstr(c.err, "venue=kalshi status=sent"));
    if (recorded) assert_non_null(strstr(c.err, "venue=polymarket status=created"));
    /* the first run's position counts: the restart reconciled equal and traded on */
    assert_non_null(strstr(c.err, "msg=\"positions reconciled with the venues\" checked=80 differences=0 kalshi_cash=9995.51 "));
    assert_true(pm_test_query_int(f->db_path, "SELECT COUNT(*) FROM orders WHERE status = 'filled'") > 1);
    crashed_free(&c);
}

/* An order that filled before the restart is found with its real cash (from its fills, charged
 * as the venue charges them — the balance the restart read already held it), so the Kalshi
 * balance after the runs is the balance before less Σ orders.cash. */
static void test_recovered_order_cash(void **state) {
    pm_test_live *f = *state;
    crashed c = {0};
    crash_and_restart(f, &c);
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT cash FROM orders WHERE venue = 'kalshi' AND client_order_id = '%s'", c.cid);
    assert_int_equal(pm_test_query_int(f->db_path, sql), 4490000); /* 10000.00 − 9995.51 */
    char why[8192];
    if (pm_test_live_check(f, &limits, c.cash, why, sizeof why)) fail_msg("%s", why);
    crashed_free(&c);
}

/* A trade the crash left one-legged (first leg filled, second never sent) is compared leg
 * against leg after the look-up: leg_mismatch is recorded and the residual is resolved like
 * any other (hedged or unwound once the books are live). */
static void test_recovered_residual_said(void **state) {
    pm_test_live *f = *state;
    crashed c = {0};
    crash_and_restart(f, &c);
    char sql[512];
    /* by the pair: when the process died before the writer stored the trade, the journalled
     * leg has no opportunity to name */
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM events WHERE kind = 'leg_mismatch' "
                              "AND match_id = (SELECT match_id FROM orders WHERE client_order_id = '%s')", c.cid);
    if (pm_test_query_int(f->db_path, sql) < 1) fail_msg("the one-legged trade left by the crash is not said:\n%s", c.err);
    assert_non_null(strstr(c.err, "msg=\"an earlier run stopped between the legs of a trade: resolving its residual\""));
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM events WHERE kind IN ('hedge', 'unwind', 'residual_dust', 'residual_unresolved') "
                              "AND match_id = (SELECT match_id FROM orders WHERE client_order_id = '%s')", c.cid);
    if (pm_test_query_int(f->db_path, sql) < 1) fail_msg("the residual left by the crash was not resolved:\n%s", c.err);
    crashed_free(&c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sigkill_between_legs, pm_test_live_setup, pm_test_live_teardown),
        cmocka_unit_test_setup_teardown(test_recovered_order_cash, pm_test_live_setup, pm_test_live_teardown),
        cmocka_unit_test_setup_teardown(test_recovered_residual_said, pm_test_live_setup, pm_test_live_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
