/* test_kalshi_fee.c — Kalshi fees: every row of the fact sheet's table (taker, maker and the
 * 0.5 multiplier at 1, 10 and 100 contracts), its raw exact values, and sub-cent rounding. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/kalshi_fee.h"

/* P (cents) | taker C=1,10,100 | maker C=1,10,100 | 0.5× taker C=1,10,100 — in cents */
static const int table[][10] = {
    {1, 1, 1, 7, 1, 1, 2, 1, 1, 4},        {5, 1, 4, 34, 1, 1, 9, 1, 2, 17},
    {10, 1, 7, 63, 1, 2, 16, 1, 4, 32},    {25, 2, 14, 132, 1, 4, 33, 1, 7, 66},
    {33, 2, 16, 155, 1, 4, 39, 1, 8, 78},  {50, 2, 18, 175, 1, 5, 44, 1, 9, 88},
    {75, 2, 14, 132, 1, 4, 33, 1, 7, 66},  {90, 1, 7, 63, 1, 2, 16, 1, 4, 32},
    {99, 1, 1, 7, 1, 1, 2, 1, 1, 4},
};

static void test_published_table(void **state) {
    (void)state;
    const int counts[3] = {1, 10, 100};
    for (size_t r = 0; r < sizeof table / sizeof table[0]; r++) {
        pm_px_t p = table[r][0] * PM_CENT;
        for (int c = 0; c < 3; c++) {
            pm_qty_t n = counts[c] * PM_SCALE;
            pm_usd_t taker = pm_kalshi_balance_charge(pm_kalshi_fill_fee(PM_KFEE_QUADRATIC, PM_SCALE, n, p, 0));
            pm_usd_t maker = pm_kalshi_balance_charge(pm_kalshi_fill_fee(PM_KFEE_QUADRATIC_WITH_MAKER_FEES, PM_SCALE, n, p, 1));
            pm_usd_t half = pm_kalshi_balance_charge(pm_kalshi_fill_fee(PM_KFEE_QUADRATIC, PM_SCALE / 2, n, p, 0));
            if (taker != table[r][1 + c] * PM_CENT || maker != table[r][4 + c] * PM_CENT || half != table[r][7 + c] * PM_CENT)
                fail_msg("P=%d C=%d: got %lld/%lld/%lld", table[r][0], counts[c], (long long)taker, (long long)maker,
                         (long long)half);
        }
    }
}

static void test_raw_values(void **state) {
    (void)state;
    /* 0.07·100·0.5·0.5 = 1.75 exactly; 0.07·10·0.5·0.5 = 0.175; 0.0175·10·0.25 = 0.04375 → 0.0438 */
    assert_int_equal(pm_kalshi_fill_fee(PM_KFEE_QUADRATIC, PM_SCALE, 100 * PM_SCALE, 500000, 0), 1750000);
    assert_int_equal(pm_kalshi_fill_fee(PM_KFEE_QUADRATIC, PM_SCALE, 10 * PM_SCALE, 500000, 0), 175000);
    assert_int_equal(pm_kalshi_fill_fee(PM_KFEE_QUADRATIC_WITH_MAKER_FEES, PM_SCALE, 10 * PM_SCALE, 500000, 1), 43800);
    assert_int_equal(pm_kalshi_fill_fee(PM_KFEE_QUADRATIC, PM_SCALE, 100 * PM_SCALE, 250000, 0), 1312500);
    /* combo makers pay half the taker coefficient */
    assert_int_equal(pm_kalshi_fill_fee(PM_KFEE_QUADRATIC_WITH_COMBO_MAKER, PM_SCALE, 100 * PM_SCALE, 500000, 1), 875000);
    /* makers of a quadratic series pay nothing; degenerate inputs cost nothing */
    assert_int_equal(pm_kalshi_fill_fee(PM_KFEE_QUADRATIC, PM_SCALE, 100 * PM_SCALE, 500000, 1), 0);
    assert_int_equal(pm_kalshi_fill_fee(PM_KFEE_QUADRATIC, PM_SCALE, 0, 500000, 0), 0);
    assert_int_equal(pm_kalshi_fill_fee(PM_KFEE_QUADRATIC, PM_SCALE, PM_SCALE, PM_PX_ONE, 0), 0);
    /* sub-penny price, fractional count: 0.07·0.01·0.055·0.945 = 0.0000363825 → 0.0001; charged 0.01 */
    assert_int_equal(pm_kalshi_fill_fee(PM_KFEE_QUADRATIC, PM_SCALE, 10000, 55000, 0), 100);
    assert_int_equal(pm_kalshi_balance_charge(100), PM_CENT);
    assert_int_equal(pm_kalshi_balance_charge(0), 0);
    assert_int_equal(pm_kalshi_balance_charge(20000), 20000);
    /* bounds */
    assert_int_equal(pm_kalshi_fill_fee(PM_KFEE_QUADRATIC, PM_SCALE, PM_KALSHI_FEE_MAX_COUNT, 500000, 0),
                     (pm_usd_t)17500000000LL * PM_SCALE / 1000); /* 10^9 contracts at 0.5: $17,500,000 */
    assert_int_equal(pm_kalshi_fill_fee(PM_KFEE_QUADRATIC, PM_SCALE, PM_KALSHI_FEE_MAX_COUNT + 1, 500000, 0), -1);
    pm_kalshi_fee_type t;
    assert_int_equal(pm_kalshi_fee_type_parse("quadratic_with_combo_maker_fees", &t), 0);
    assert_int_equal(t, PM_KFEE_QUADRATIC_WITH_COMBO_MAKER);
    assert_int_equal(pm_kalshi_fee_type_parse("flat", &t), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_published_table),
        cmocka_unit_test(test_raw_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
