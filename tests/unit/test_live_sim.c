/* test_live_sim.c — `pmarb run` with [run] mode = live over real sockets against `pmarb sim`:
 * both venues synced, the simulator's mirrored pairs approved, a Polymarket API key created on
 * the simulator; the run trades both legs through its executors for a few seconds under small
 * [risk] limits that bind, reconciling every two seconds, and stops on SIGTERM with exit 0.
 * Afterwards the invariants of a live run hold (testutil.h pm_test_live_check): every order
 * the simulator saw is in the database with the simulator's fill, none twice, positions and
 * cash equal the simulator's, no trade on a stale book, exposure within the limits — and the
 * trades are whole: every finished trade's record says what it held. A position that differs
 * from the venue's halts the next start, which says what to do; --accept-venue-positions
 * adopts the venue's figures and trading resumes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* Small limits so that they bind within seconds: $ figures in micro-dollars. */
#define RISK_INI                                                                                                         \
    "[strategy]\nmin_annualized_return = 0\nmin_profit = 0.01\nmax_size = 5\nmax_book_age_ms = 2000\n"              \
    "[risk]\nmax_contracts_per_pair = 8\nmax_notional_per_pair = 6\nmax_contracts_per_venue = 20\n"                  \
    "max_notional_per_venue = 12\nmax_contracts_total = 30\nmax_notional_total = 20\nmax_orders_per_second = 50\n"   \
    "reconcile_seconds = 2\n"

static const pm_test_limits limits = {8000000, 6000000, 20000000, 12000000, 30000000, 20000000, 2000};

static void test_live_run(void **state) {
    pm_test_live *f = *state;
    long long cash[2];
    pm_test_live_ini(f, "live", RISK_INI);
    assert_int_equal(pm_test_live_cash(f, cash), 0);
    assert_true(cash[0] > 0 && cash[1] > 0);
    pm_test_live_spawn(f, NULL);
    if (!pm_test_wait_text(f->err_path, "positions reconciled with the venues", 20000)) {
        char *err = pm_test_slurp(f->err_path);
        fail_msg("the live run did not start:\n%s", err);
    }
    for (int i = 0; i < 12; i++) { /* dislocations on demand, both ways: more than the limits allow */
        pm_test_live_dislocate(f, i, i % 2 ? -12 : 12, 100);
        pm_test_nap_ms(300);
    }
    pm_test_nap_ms(1500);
    int status = pm_test_live_wait(f, SIGTERM);
    char *out = pm_test_slurp(f->out_path), *err = pm_test_slurp(f->err_path);
    if (status) fail_msg("pmarb run exited %d:\n%s\n%s", status, out, err);
    long long traded = pm_test_query_int(f->db_path, "SELECT COUNT(*) FROM opportunities WHERE decision = 'traded'");
    char why[4096];
    if (pm_test_live_check(f, &limits, cash, why, sizeof why)) fail_msg("%s\n--- stderr:\n%s", why, err);
    /* the first two dislocations trade (5 contracts a leg), then the per-venue notional leaves
     * too little room for Polymarket's 5-share minimum: the limits bind */
    if (traded < 2) fail_msg("traded %lld:\n%s\n%s", traded, out, err);
    const char *small = strstr(out, " too_small ");
    assert_non_null(small);
    assert_true(strtoll(small + 11, NULL, 10) > 0);
    assert_int_equal(pm_test_query_int(f->db_path, "SELECT COUNT(*) FROM orders WHERE mode = 'live' AND status = 'filled'"),
                     2 * traded);
    assert_int_equal(pm_test_query_int(f->db_path, "SELECT COUNT(*) FROM events WHERE kind = 'trade_done'"), traded);
    assert_int_equal(pm_test_query_int(f->db_path, "SELECT COUNT(*) FROM events WHERE kind = 'reconcile_diff'"), 0);
    assert_non_null(strstr(out, "live trades "));
    free(out);
    free(err);
}

/* A position that differs from the venue's (a fill the database missed) halts trading at the
 * start and says what to do; nothing is traded while halted. `pmarb run
 * --accept-venue-positions` adopts the venue's figures, records it and trades again. */
static void test_reconcile_halt(void **state) {
    pm_test_live *f = *state;
    long long cash[2];
    pm_test_live_ini(f, "live", RISK_INI);
    assert_int_equal(pm_test_live_cash(f, cash), 0);
    pm_test_live_spawn(f, NULL);
    assert_true(pm_test_wait_text(f->err_path, "/ws/market\n", 20000));
    pm_test_live_dislocate(f, 0, 12, 100);
    pm_test_nap_ms(1500);
    assert_int_equal(pm_test_live_wait(f, SIGTERM), 0);
    assert_int_equal(pm_test_query_int(f->db_path, "SELECT COUNT(*) FROM positions WHERE mode = 'live' AND venue = 'kalshi'"), 1);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->db_path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "UPDATE positions SET qty = qty - 1000000 WHERE mode = 'live' AND venue = 'kalshi'", NULL, NULL,
                                  NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    long long orders = pm_test_query_int(f->db_path, "SELECT COUNT(*) FROM orders");

    /* halted, saying what to do; a dislocation is not traded */
    pm_test_live_spawn(f, NULL);
    assert_true(pm_test_wait_text(f->err_path, "/ws/market\n", 20000));
    pm_test_live_dislocate(f, 1, -12, 100);
    pm_test_nap_ms(1500);
    assert_int_equal(pm_test_live_wait(f, SIGTERM), 0);
    char *err = pm_test_slurp(f->err_path);
    if (!strstr(err, "msg=\"position differs from the venue\" venue=kalshi market=KXFEDDECISION-26DEC-H0 outcome=yes ours=4.00 "
                     "theirs=5.00") ||
        !strstr(err, "msg=\"trading halted: positions differ from the venues\" differences=1 ") ||
        !strstr(err, "restart with `pmarb run --accept-venue-positions` to adopt the venues' figures"))
        fail_msg("the halt does not say what to do:\n%s", err);
    free(err);
    assert_int_equal(pm_test_query_int(f->db_path, "SELECT COUNT(*) FROM orders"), orders);
    assert_int_equal(pm_test_query_int(f->db_path, "SELECT COUNT(*) FROM events WHERE kind = 'reconcile_diff'"), 1);
    pm_test_run_result r = pm_test_live_pmarb(f, (const char *const[]){"reconcile", "--json", NULL});
    assert_int_not_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\"equal\": false"));
    pm_test_run_free(&r);

    /* adopted: trading again */
    pm_test_live_spawn(f, (const char *const[]){"--accept-venue-positions", NULL});
    assert_true(pm_test_wait_text(f->err_path, "/ws/market\n", 20000));
    pm_test_live_dislocate(f, 2, 12, 100);
    pm_test_nap_ms(1500);
    assert_int_equal(pm_test_live_wait(f, SIGTERM), 0);
    err = pm_test_slurp(f->err_path);
    assert_non_null(strstr(err, "msg=\"adopting the venues' positions (--accept-venue-positions)\" differences=1"));
    assert_non_null(strstr(err, "msg=\"positions reconciled with the venues\" checked=80 differences=0 "));
    free(err);
    assert_int_equal(pm_test_query_int(f->db_path, "SELECT COUNT(*) FROM events WHERE kind = 'reconcile_adopt'"), 1);
    assert_true(pm_test_query_int(f->db_path, "SELECT COUNT(*) FROM orders") > orders);
    char why[4096];
    if (pm_test_live_check(f, &limits, cash, why, sizeof why)) fail_msg("%s", why);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_live_run, pm_test_live_setup, pm_test_live_teardown),
        cmocka_unit_test_setup_teardown(test_reconcile_halt, pm_test_live_setup, pm_test_live_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
