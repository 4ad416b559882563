/* test_ledger.c — live positions: buys add what was delivered and its cash, Kalshi nets a
 * ticker's outcomes ($1 per netted pair, realized at once), sales take cost out in proportion
 * and realize the rest, Polymarket tokens never net, a full ledger refuses. Exact figures. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "engine/ledger.h"

#define Q(x) ((pm_qty_t)(x) * PM_SCALE)

static void test_kalshi_buy_net_sell(void **state) {
    (void)state;
    pm_ledger *l = pm_ledger_new(16);
    const pm_ledger_pos *ch[2];
    int n;
    pm_qty_t netted = -1;
    pm_err err;
    assert_int_equal(pm_ledger_apply(l, PM_VENUE_KALSHI, "KX-A", PM_OUTCOME_YES, PM_SIDE_BUY, Q(10), 4100000, ch, &n, &netted, &err), 0);
    assert_int_equal(netted, 0);
    assert_int_equal(n, 1);
    const pm_ledger_pos *yes = pm_ledger_get(l, PM_VENUE_KALSHI, "KX-A", PM_OUTCOME_YES);
    assert_int_equal(yes->qty, Q(10));
    assert_int_equal(yes->cost, 4100000);
    /* 4 NO at 0.62 charge 2.48; the venue nets 4 pairs and pays $4: cash −1.52 */
    assert_int_equal(pm_ledger_apply(l, PM_VENUE_KALSHI, "KX-A", PM_OUTCOME_NO, PM_SIDE_BUY, Q(4), -1520000, ch, &n, &netted, &err), 0);
    assert_int_equal(netted, Q(4));
    assert_int_equal(n, 2);
    assert_ptr_equal(ch[0], yes);
    assert_int_equal(yes->qty, Q(6));
    assert_int_equal(yes->cost, 2460000);      /* 4.10 × 6/10 */
    assert_int_equal(yes->realized, -120000);  /* 4 − 1.64 − 2.48 */
    const pm_ledger_pos *no = pm_ledger_get(l, PM_VENUE_KALSHI, "KX-A", PM_OUTCOME_NO);
    assert_int_equal(no->qty, 0);
    assert_int_equal(no->cost, 0);
    /* sell 3 YES for 1.50 */
    assert_int_equal(pm_ledger_apply(l, PM_VENUE_KALSHI, "KX-A", PM_OUTCOME_YES, PM_SIDE_SELL, Q(3), -1500000, ch, &n, NULL, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(yes->qty, Q(3));
    assert_int_equal(yes->cost, 1230000);
    assert_int_equal(yes->realized, -120000 + 270000);
    /* 5 NO (3 net, 2 new) at 0.50: charge 2.50, $3 back: cash −0.50 */
    assert_int_equal(pm_ledger_apply(l, PM_VENUE_KALSHI, "KX-A", PM_OUTCOME_NO, PM_SIDE_BUY, Q(5), -500000, ch, &n, &netted, &err), 0);
    assert_int_equal(netted, Q(3));
    assert_int_equal(yes->qty, 0);
    assert_int_equal(yes->cost, 0);
    assert_int_equal(yes->realized, 150000 + 3000000 - 1230000 - 1500000);
    assert_int_equal(no->qty, Q(2));
    assert_int_equal(no->cost, 1000000);
    pm_ledger_free(l);
}

static void test_polymarket_tokens_apart(void **state) {
    (void)state;
    pm_ledger *l = pm_ledger_new(16);
    const pm_ledger_pos *ch[2];
    int n;
    pm_err err;
    assert_int_equal(pm_ledger_apply(l, PM_VENUE_POLYMARKET, "111", PM_OUTCOME_NO, PM_SIDE_BUY, 9801000, 4950000, ch, &n, NULL, &err), 0);
    assert_int_equal(pm_ledger_apply(l, PM_VENUE_POLYMARKET, "222", PM_OUTCOME_YES, PM_SIDE_BUY, Q(2), 1000000, ch, &n, NULL, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(pm_ledger_get(l, PM_VENUE_POLYMARKET, "111", PM_OUTCOME_NO)->qty, 9801000);
    assert_int_equal(pm_ledger_get(l, PM_VENUE_POLYMARKET, "111", PM_OUTCOME_NO)->cost, 4950000);
    assert_int_equal(pm_ledger_get(l, PM_VENUE_POLYMARKET, "222", PM_OUTCOME_YES)->qty, Q(2));
    assert_null(pm_ledger_get(l, PM_VENUE_KALSHI, "111", PM_OUTCOME_NO));
    assert_int_equal(pm_ledger_count(l), 2);
    pm_ledger_clear(l);
    assert_int_equal(pm_ledger_count(l), 0);
    pm_ledger_free(l);
}

static void test_full_refuses(void **state) {
    (void)state;
    pm_ledger *l = pm_ledger_new(16);
    char id[8];
    pm_err err;
    for (int i = 0; i < 16; i++) {
        snprintf(id, sizeof id, "M%d", i);
        assert_int_equal(pm_ledger_set(l, PM_VENUE_KALSHI, id, PM_OUTCOME_YES, Q(1), 500000, 0, &err), 0);
    }
    const pm_ledger_pos *ch[2];
    int n;
    assert_int_equal(pm_ledger_apply(l, PM_VENUE_KALSHI, "M99", PM_OUTCOME_YES, PM_SIDE_BUY, Q(1), 1, ch, &n, NULL, &err), -1);
    assert_string_equal(err.msg, "the ledger is full (16 positions)");
    assert_int_equal(pm_ledger_apply(l, PM_VENUE_KALSHI, "M3", PM_OUTCOME_YES, PM_SIDE_BUY, Q(1), 400000, ch, &n, NULL, &err), 0);
    assert_int_equal(pm_ledger_get(l, PM_VENUE_KALSHI, "M3", PM_OUTCOME_YES)->cost, 900000);
    pm_ledger_free(l);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kalshi_buy_net_sell),
        cmocka_unit_test(test_polymarket_tokens_apart),
        cmocka_unit_test(test_full_refuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
