/* test_poly_amount.c — what a Polymarket market buy is signed for (core/poly_amount.h): exact
 * cases by hand, then every price of every tick against a spread of sizes: the amount is whole
 * cents and the least that covers the size without pricing below the limit, its shares sign
 * for themselves again, and the order builder (venue/polymarket/amounts.h) signs exactly them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/poly_amount.h"
#include "venue/polymarket/amounts.h"

static void expect(pm_px_t px, pm_px_t tick, pm_qty_t want, pm_usd_t amount, pm_qty_t shares) {
    pm_usd_t a;
    pm_qty_t s;
    assert_int_equal(pm_poly_buy_size(px, tick, want, &a, &s), 0);
    assert_int_equal(a, amount);
    assert_int_equal(s, shares);
}

static void test_by_hand(void **state) {
    (void)state;
    expect(530000, 10000, 10000000, 5300000, 10000000);  /* 10 × 0.53 = $5.30: exact */
    expect(530000, 10000, 10370000, 5500000, 10377300);  /* $5.4961 → $5.50 → 10.377358 → 10.3773 */
    expect(25000, 1000, 5260000, 140000, 5600000);       /* $0.1315 → $0.14 → 5.6 exactly */
    expect(495000, 1000, 5000000, 2480000, 5010100);     /* $2.475 → $2.48 → 5.010101 → 5.0101 (4 dp) */
    expect(500000, 0, 50770000, 25390000, 50780000);     /* no tick: 0.01 */
    expect(990000, 10000, 10000, 10000, 10100);           /* 0.01 share at 0.99 → $0.01 → 0.0101 */
    pm_usd_t a;
    pm_qty_t s;
    assert_int_equal(pm_poly_buy_size(500000, 3000, PM_SCALE, &a, &s), -1); /* not a Polymarket tick */
    assert_int_equal(pm_poly_buy_size(0, 10000, PM_SCALE, &a, &s), -1);
    assert_int_equal(pm_poly_buy_size(PM_PX_ONE, 10000, PM_SCALE, &a, &s), -1);
    assert_int_equal(pm_poly_buy_size(500000, 10000, 0, &a, &s), -1);
    assert_int_equal(pm_poly_buy_size(500000, 10000, INT64_MAX, &a, &s), -1);
    /* the client's own rounding, as its published vectors: $11.7824 is not cents, $11.78 at
     * 0.56 → 21.035714 → 21.0357; at 0.056 on 0.001 → 210.357142 → 210.3571 (trimmed) */
    int trimmed;
    assert_int_equal(pm_poly_buy_shares(11780000, 560000, 2, &trimmed), 21035700);
    assert_int_equal(trimmed, 0);
    assert_int_equal(pm_poly_buy_shares(11780000, 56000, 3, &trimmed), 210357100);
    assert_int_equal(trimmed, 1);
    assert_int_equal(pm_poly_buy_shares(0, 560000, 2, &trimmed), -1);
}

/* Sizes to try: every 0.01 share up to 3, then about 7 % apart, on odd hundredths. */
static pm_qty_t next_size(pm_qty_t q) {
    if (q < 3 * PM_SCALE) return q + 10000;
    q += q / 14;
    return q - q % 10000 + 10000 * (1 + (q / 10000) % 2);
}

static const pm_px_t ticks[] = {100000, 10000, 5000, 2500, 1000, 100};

static void test_every_price(void **state) {
    (void)state;
    long checked = 0;
    for (size_t t = 0; t < sizeof ticks / sizeof ticks[0]; t++) {
        pm_px_t tick = ticks[t];
        for (pm_px_t px = tick; px <= PM_PX_ONE - tick; px += tick * (tick >= 1000 ? 1 : 7)) {
            for (pm_qty_t want = 10000; want <= 2000 * PM_SCALE; want = next_size(want)) {
                pm_usd_t a, a2;
                pm_qty_t s, s2;
                assert_int_equal(pm_poly_buy_size(px, tick, want, &a, &s), 0);
                assert_int_equal(a % PM_CENT, 0);
                assert_true(s >= want);
                assert_int_equal(s % 100, 0);                                  /* ≤ 4 decimals */
                assert_true((__int128)s * px <= (__int128)a * PM_SCALE);       /* not below the limit */
                if (a > PM_CENT) {                                             /* the least such amount */
                    pm_qty_t less = pm_poly_buy_shares(a - PM_CENT, px, pm_poly_price_decimals(tick), NULL);
                    assert_true(less < want || (__int128)less * px > (__int128)(a - PM_CENT) * PM_SCALE);
                }
                assert_int_equal(pm_poly_buy_size(px, tick, s, &a2, &s2), 0); /* signs for itself */
                assert_int_equal(a2, a);
                assert_int_equal(s2, s);
                poly_amounts am;
                assert_int_equal(poly_market_amounts(PM_SIDE_BUY, px, a, tick, &am, NULL), 0);
                assert_int_equal(am.maker_amount, a);
                assert_int_equal(am.taker_amount, s);
                checked++;
            }
        }
    }
    assert_true(checked > 1000000);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_by_hand),
        cmocka_unit_test(test_every_price),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
