/* test_kalshi_order.c — Kalshi V2 order bodies: the YES-book conversion for every side and
 * outcome, exact price and count text, and refusal of anything that would need rounding. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "venue/kalshi/order.h"

static void test_book_side(void **state) {
    (void)state;
    kalshi_book_order b = kalshi_order_book_side(PM_SIDE_BUY, PM_OUTCOME_YES, 420000);
    assert_int_equal(b.ask, 0);
    assert_int_equal(b.yes_price, 420000);
    b = kalshi_order_book_side(PM_SIDE_BUY, PM_OUTCOME_NO, 400000); /* buy NO at 0.40 = ask at 0.60 */
    assert_int_equal(b.ask, 1);
    assert_int_equal(b.yes_price, 600000);
    b = kalshi_order_book_side(PM_SIDE_SELL, PM_OUTCOME_YES, 550000);
    assert_int_equal(b.ask, 1);
    assert_int_equal(b.yes_price, 550000);
    b = kalshi_order_book_side(PM_SIDE_SELL, PM_OUTCOME_NO, 300000); /* sell NO at 0.30 = bid at 0.70 */
    assert_int_equal(b.ask, 0);
    assert_int_equal(b.yes_price, 700000);
}

static void test_body(void **state) {
    (void)state;
    char buf[512];
    pm_err err;
    kalshi_order o = {"KXFOO-26JAN01-T1", PM_SIDE_BUY, PM_OUTCOME_NO, 400000, 10000000, KALSHI_TIF_FOK,
                      "0192f0c4-7d1e-7a5c-9b3f-2a1e4d5c6b7a"};
    int n = kalshi_order_body(&o, buf, sizeof buf, &err);
    assert_int_equal(n, (int)strlen(buf));
    assert_string_equal(buf, "{\"ticker\":\"KXFOO-26JAN01-T1\",\"side\":\"ask\",\"price\":\"0.6000\",\"count\":\"10.00\","
                             "\"time_in_force\":\"fill_or_kill\",\"self_trade_prevention_type\":\"taker_at_cross\","
                             "\"client_order_id\":\"0192f0c4-7d1e-7a5c-9b3f-2a1e4d5c6b7a\",\"post_only\":false,"
                             "\"reduce_only\":false}");
    o.side = PM_SIDE_BUY;
    o.outcome = PM_OUTCOME_YES;
    o.price = 55500; /* sub-penny: 0.0555 */
    o.count = 1250000;
    o.tif = KALSHI_TIF_IOC;
    assert_true(kalshi_order_body(&o, buf, sizeof buf, &err) > 0);
    assert_non_null(strstr(buf, "\"side\":\"bid\",\"price\":\"0.0555\",\"count\":\"1.25\",\"time_in_force\":\"immediate_or_cancel\""));
}

static void test_refusals(void **state) {
    (void)state;
    char buf[512];
    pm_err err;
    kalshi_order o = {"T", PM_SIDE_BUY, PM_OUTCOME_YES, 420050, 10000000, KALSHI_TIF_FOK, "c"};
    assert_int_equal(kalshi_order_body(&o, buf, sizeof buf, &err), -1);
    assert_string_equal(err.msg, "price 420050 micro-dollars has more than 4 decimals");
    o.price = 0;
    assert_int_equal(kalshi_order_body(&o, buf, sizeof buf, &err), -1);
    assert_string_equal(err.msg, "price outside 0.0001..0.9999");
    o.price = PM_PX_ONE;
    assert_int_equal(kalshi_order_body(&o, buf, sizeof buf, &err), -1);
    o.price = 420000;
    o.count = 1005000; /* 1.005 contracts */
    assert_int_equal(kalshi_order_body(&o, buf, sizeof buf, &err), -1);
    assert_string_equal(err.msg, "count must be positive in steps of 0.01");
    o.count = 0;
    assert_int_equal(kalshi_order_body(&o, buf, sizeof buf, &err), -1);
    o.count = 10000;
    o.ticker = "BAD\"TICKER";
    assert_int_equal(kalshi_order_body(&o, buf, sizeof buf, &err), -1);
    o.ticker = "T";
    o.client_order_id = "";
    assert_int_equal(kalshi_order_body(&o, buf, sizeof buf, &err), -1);
    o.client_order_id = "c";
    assert_int_equal(kalshi_order_body(&o, buf, 20, &err), -1);
    assert_string_equal(err.msg, "order body does not fit in 20 bytes");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_book_side),
        cmocka_unit_test(test_body),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
