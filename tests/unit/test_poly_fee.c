/* test_poly_fee.c — Polymarket taker fees: exact values of C × rate × (p(1 − p))^e in pUSD
 * (rounded up to $0.00001) and in shares (fee / p, rounded up to 0.000001 share), the peak
 * at p = 0.5, symmetry in p and 1 − p, the old exponent-2 curve, and the bounds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/poly_fee.h"

#define SHARES(n) ((pm_qty_t)(n) * PM_SCALE)

static void test_exact_values(void **state) {
    (void)state;
    /* 100 × 0.03 × 0.5 × 0.5 = 0.75 pUSD = 1.5 shares at 0.5 */
    assert_int_equal(pm_poly_fee_usd(SHARES(100), 500000, 30000, 1), 750000);
    assert_int_equal(pm_poly_fee_shares(SHARES(100), 500000, 30000, 1), 1500000);
    /* 10 × 0.04 × 0.25 = 0.1 exactly: no rounding */
    assert_int_equal(pm_poly_fee_usd(SHARES(10), 500000, 40000, 1), 100000);
    /* 21.04 × 0.072 × 0.56 × 0.44 = 0.373266432 → 0.37327; / 0.56 = 0.6665472 → 0.666548 */
    assert_int_equal(pm_poly_fee_usd(21040000, 560000, 72000, 1), 373270);
    assert_int_equal(pm_poly_fee_shares(21040000, 560000, 72000, 1), 666548);
    /* 5 × 0.05 × 0.3 × 0.7 = 0.0525; / 0.3 = 0.175 */
    assert_int_equal(pm_poly_fee_usd(SHARES(5), 300000, 50000, 1), 52500);
    assert_int_equal(pm_poly_fee_shares(SHARES(5), 300000, 50000, 1), 175000);
}

static void test_rounds_up(void **state) {
    (void)state;
    /* one millionth of a share: 7.5e-9 pUSD → $0.00001; 1.5e-8 shares → 0.000001 */
    assert_int_equal(pm_poly_fee_usd(1, 500000, 30000, 1), PM_POLY_FEE_UNIT);
    assert_int_equal(pm_poly_fee_shares(1, 500000, 30000, 1), 1);
    /* 1 × 0.03 × 0.01 × 0.99 = 0.000297 → 0.0003 */
    assert_int_equal(pm_poly_fee_usd(SHARES(1), 10000, 30000, 1), 300);
    /* / 0.01 = 0.0297 shares, exact */
    assert_int_equal(pm_poly_fee_shares(SHARES(1), 10000, 30000, 1), 29700);
}

static void test_shape(void **state) {
    (void)state;
    pm_usd_t peak = pm_poly_fee_usd(SHARES(100), 500000, 30000, 1);
    for (pm_px_t p = 10000; p < PM_PX_ONE; p += 10000) {
        pm_usd_t f = pm_poly_fee_usd(SHARES(100), p, 30000, 1);
        assert_true(f <= peak);
        assert_int_equal(f, pm_poly_fee_usd(SHARES(100), PM_PX_ONE - p, 30000, 1));
    }
    /* the exponent-2 curve: 100 × 0.25 × 0.0625 = 1.5625 */
    assert_int_equal(pm_poly_fee_usd(SHARES(100), 500000, 250000, 2), 1562500);
    assert_int_equal(pm_poly_fee_shares(SHARES(100), 500000, 250000, 2), 3125000);
    /* exponent 0: a flat rate of the shares: 100 × 0.01 = 1 pUSD, 2 shares at 0.5 */
    assert_int_equal(pm_poly_fee_usd(SHARES(100), 500000, 10000, 0), 1000000);
    assert_int_equal(pm_poly_fee_shares(SHARES(100), 500000, 10000, 0), 2000000);
    /* the largest inputs do not overflow: 10^9 shares × rate 1 × 0.25^4 */
    assert_int_equal(pm_poly_fee_usd(PM_POLY_FEE_MAX_COUNT, 500000, PM_SCALE, 4), 3906250LL * PM_SCALE);
}

static void test_nil_and_bounds(void **state) {
    (void)state;
    assert_int_equal(pm_poly_fee_usd(0, 500000, 30000, 1), 0);
    assert_int_equal(pm_poly_fee_usd(SHARES(1), 0, 30000, 1), 0);
    assert_int_equal(pm_poly_fee_usd(SHARES(1), PM_PX_ONE, 30000, 1), 0);
    assert_int_equal(pm_poly_fee_usd(SHARES(1), 500000, 0, 1), 0);
    assert_int_equal(pm_poly_fee_shares(SHARES(1), 500000, 0, 1), 0);
    assert_int_equal(pm_poly_fee_usd(PM_POLY_FEE_MAX_COUNT + 1, 500000, 30000, 1), -1);
    assert_int_equal(pm_poly_fee_usd(SHARES(1), 500000, PM_SCALE + 1, 1), -1);
    assert_int_equal(pm_poly_fee_usd(SHARES(1), 500000, -1, 1), -1);
    assert_int_equal(pm_poly_fee_usd(SHARES(1), 500000, 30000, PM_POLY_FEE_MAX_EXPONENT + 1), -1);
    assert_int_equal(pm_poly_fee_shares(SHARES(1), 500000, 30000, -1), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_values),
        cmocka_unit_test(test_rounds_up),
        cmocka_unit_test(test_shape),
        cmocka_unit_test(test_nil_and_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
