/* test_money.c — fixed-point money: decimal parsing (every accepted and rejected form), named
 * rounding on both signs, exact products with overflow detection, and formatting. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/money.h"

static int64_t px(const char *s) {
    pm_px_t v = -1;
    pm_err err;
    if (pm_px_parse(s, strlen(s), &v, &err)) fail_msg("'%s' rejected: %s", s, err.msg);
    return v;
}

static void px_bad(const char *s, const char *why) {
    pm_px_t v = 12345;
    pm_err err;
    assert_int_equal(pm_px_parse(s, strlen(s), &v, &err), -1);
    assert_int_equal(v, 12345); /* untouched on failure */
    if (!strstr(err.msg, why) || !strstr(err.msg, "price")) fail_msg("'%s': '%s' lacks '%s'", s, err.msg, why);
}

static void test_price_accepts(void **state) {
    (void)state;
    assert_int_equal(px("0.56"), 560000);
    assert_int_equal(px("0.5600"), 560000);
    assert_int_equal(px(".5"), 500000);
    assert_int_equal(px("1."), 1000000);
    assert_int_equal(px("1"), 1000000);
    assert_int_equal(px("1.000000"), 1000000);
    assert_int_equal(px("0"), 0);
    assert_int_equal(px("0.000001"), 1);
    assert_int_equal(px("00.5"), 500000);
    assert_int_equal(px("0.5600000000"), 560000); /* trailing zeros past 6 decimals are exact */
    assert_int_equal(px("0.0100"), 10000);
}

static void test_price_rejects(void **state) {
    (void)state;
    px_bad("", "empty");
    px_bad(".", "not a decimal");
    px_bad("-", "negative");
    px_bad("-0.5", "negative");
    px_bad("+1", "not a decimal");
    px_bad("1e3", "not a decimal");
    px_bad("nan", "not a decimal");
    px_bad("inf", "not a decimal");
    px_bad(" 1", "not a decimal");
    px_bad("1 ", "not a decimal");
    px_bad("1,5", "not a decimal");
    px_bad("0x1", "not a decimal");
    px_bad("1.2.3", "not a decimal");
    px_bad("0.0000001", "more than 6 decimal places");
    px_bad("1.01", "out of range");
    px_bad("2", "out of range");
    px_bad("99999999999999999999999", "out of range");
}

static void test_not_past_len(void **state) {
    (void)state;
    pm_px_t v;
    assert_int_equal(pm_px_parse("0.56999", 4, &v, NULL), 0);
    assert_int_equal(v, 560000);
    assert_int_equal(pm_px_parse("0.5x", 3, &v, NULL), 0);
    assert_int_equal(v, 500000);
}

static void test_other_fields(void **state) {
    (void)state;
    pm_err err;
    int64_t v;
    assert_int_equal(pm_px_parse_cents("56", 2, &v, &err), 0);
    assert_int_equal(v, 560000);
    assert_int_equal(pm_px_parse_cents("0.5", 3, &v, &err), 0);
    assert_int_equal(v, 5000);
    assert_int_equal(pm_px_parse_cents("100", 3, &v, &err), 0);
    assert_int_equal(v, 1000000);
    assert_int_equal(pm_px_parse_cents("100.01", 6, &v, &err), -1);
    assert_int_equal(pm_px_parse_cents("5.00001", 7, &v, &err), -1);
    assert_int_equal(pm_qty_parse("12.50", 5, &v, &err), 0);
    assert_int_equal(v, 12500000);
    assert_int_equal(pm_qty_parse("1410.00", 7, &v, &err), 0);
    assert_int_equal(v, 1410000000);
    assert_int_equal(pm_qty_parse("-1", 2, &v, &err), -1);
    assert_non_null(strstr(err.msg, "quantity"));
    assert_int_equal(pm_qty_parse("9223372036854.775807", 20, &v, &err), 0);
    assert_int_equal(v, INT64_MAX);
    assert_int_equal(pm_qty_parse("9223372036854.775808", 20, &v, &err), -1);
    assert_int_equal(pm_usd_parse("-3.25", 5, &v, &err), 0);
    assert_int_equal(v, -3250000);
    assert_int_equal(pm_usd_parse("-0", 2, &v, &err), 0);
    assert_int_equal(v, 0);
    assert_int_equal(pm_usd_parse("0.010000", 8, &v, &err), 0);
    assert_int_equal(v, 10000);
    assert_int_equal(pm_usd_parse("--1", 3, &v, &err), -1);
    pm_decimal_spec two = {6, 2, 0, 0, INT64_MAX, "count"};
    assert_int_equal(pm_decimal_parse("1.25", 4, &two, &v, &err), 0);
    assert_int_equal(v, 1250000);
    assert_int_equal(pm_decimal_parse("1.255", 5, &two, &v, &err), -1);
    assert_string_equal(err.msg, "count: '1.255' has more than 2 decimal places");
    assert_int_equal(pm_decimal_parse("1.250", 5, &two, &v, &err), 0);
    const char *longtext = "12345678901234567890123456789012345678901234567890";
    assert_int_equal(pm_decimal_parse(longtext, strlen(longtext), &two, &v, &err), -1);
    assert_string_equal(err.msg, "count: '1234567890123456789012345678901234567890'... is out of range");
}

static int64_t rnd(int64_t v, int64_t unit, pm_round mode) {
    int64_t out;
    if (pm_round_to(v, unit, mode, &out, NULL)) fail_msg("round failed");
    return out;
}

static void test_rounding(void **state) {
    (void)state;
    assert_int_equal(rnd(15, 10, PM_ROUND_FLOOR), 10);
    assert_int_equal(rnd(15, 10, PM_ROUND_CEIL), 20);
    assert_int_equal(rnd(15, 10, PM_ROUND_HALF_EVEN), 20);
    assert_int_equal(rnd(25, 10, PM_ROUND_HALF_EVEN), 20);
    assert_int_equal(rnd(26, 10, PM_ROUND_HALF_EVEN), 30);
    assert_int_equal(rnd(5, 10, PM_ROUND_HALF_EVEN), 0);
    assert_int_equal(rnd(-15, 10, PM_ROUND_HALF_EVEN), -20);
    assert_int_equal(rnd(-25, 10, PM_ROUND_HALF_EVEN), -20);
    assert_int_equal(rnd(-15, 10, PM_ROUND_FLOOR), -20);
    assert_int_equal(rnd(-15, 10, PM_ROUND_CEIL), -10);
    assert_int_equal(rnd(-10, 10, PM_ROUND_FLOOR), -10);
    assert_int_equal(rnd(20, 10, PM_ROUND_CEIL), 20);
    /* 0.175 → cents: ceil 0.18, floor 0.17, half-even 0.18 (0.175 is a tie, 17 is odd) */
    assert_int_equal(rnd(175000, PM_CENT, PM_ROUND_CEIL), 180000);
    assert_int_equal(rnd(175000, PM_CENT, PM_ROUND_FLOOR), 170000);
    assert_int_equal(rnd(175000, PM_CENT, PM_ROUND_HALF_EVEN), 180000);
    assert_int_equal(rnd(165000, PM_CENT, PM_ROUND_HALF_EVEN), 160000);
    int64_t out;
    pm_err err;
    assert_int_equal(pm_round_to(INT64_MAX, 10, PM_ROUND_CEIL, &out, &err), -1);
    assert_string_equal(err.msg, "fixed-point overflow");
    assert_int_equal(pm_round_to(INT64_MIN, 10, PM_ROUND_FLOOR, &out, &err), -1);
    assert_int_equal(pm_round_to(5, 0, PM_ROUND_CEIL, &out, &err), -1);
    assert_int_equal(pm_round_to(INT64_MAX, 1, PM_ROUND_CEIL, &out, &err), 0);
    assert_int_equal(out, INT64_MAX);
}

static void test_products(void **state) {
    (void)state;
    int64_t v;
    pm_err err;
    assert_int_equal(pm_notional(560000, 12500000, PM_ROUND_FLOOR, &v, &err), 0);
    assert_int_equal(v, 7000000); /* 0.56 × 12.5 = 7.00 */
    assert_int_equal(pm_notional(333333, 1, PM_ROUND_FLOOR, &v, &err), 0);
    assert_int_equal(v, 0); /* 0.333333 × 0.000001 contracts */
    assert_int_equal(pm_notional(333333, 1, PM_ROUND_CEIL, &v, &err), 0);
    assert_int_equal(v, 1);
    assert_int_equal(pm_notional(333333, 3000000, PM_ROUND_FLOOR, &v, &err), 0);
    assert_int_equal(v, 999999);
    assert_int_equal(pm_mul_div(7, 3, 2, PM_ROUND_HALF_EVEN, &v, &err), 0);
    assert_int_equal(v, 10); /* 10.5 → 10 */
    assert_int_equal(pm_mul_div(-7, 3, 2, PM_ROUND_FLOOR, &v, &err), 0);
    assert_int_equal(v, -11);
    assert_int_equal(pm_mul_div(INT64_MAX, INT64_MAX, INT64_MAX, PM_ROUND_FLOOR, &v, &err), 0);
    assert_int_equal(v, INT64_MAX); /* the intermediate exceeds 64 bits, the result does not */
    assert_int_equal(pm_mul_div(INT64_MAX, 2, 1, PM_ROUND_FLOOR, &v, &err), -1);
    assert_string_equal(err.msg, "fixed-point overflow");
    assert_int_equal(pm_mul_div(1, 1, 0, PM_ROUND_FLOOR, &v, &err), -1);
    assert_int_equal(pm_mul_div(1, 1, -5, PM_ROUND_FLOOR, &v, &err), -1);
    assert_int_equal(pm_add(INT64_MAX, 1, &v, &err), -1);
    assert_int_equal(pm_sub(INT64_MIN, 1, &v, &err), -1);
    assert_int_equal(pm_add(-5, 3, &v, &err), 0);
    assert_int_equal(v, -2);
}

static void fmt(int64_t v, int dec, pm_round mode, const char *want) {
    char buf[PM_FIXED_BUF];
    int n = pm_fixed_format(v, dec, mode, buf, sizeof buf);
    assert_int_equal(n, (int)strlen(want));
    assert_string_equal(buf, want);
}

static void exact(int64_t v, int min, const char *want) {
    char buf[PM_FIXED_BUF];
    assert_int_equal(pm_fixed_format_exact(v, min, buf, sizeof buf), (int)strlen(want));
    assert_string_equal(buf, want);
}

static void test_formatting(void **state) {
    (void)state;
    fmt(560000, 4, PM_ROUND_HALF_EVEN, "0.5600");
    fmt(-1250000, 2, PM_ROUND_HALF_EVEN, "-1.25");
    fmt(5, 0, PM_ROUND_HALF_EVEN, "0");
    fmt(175000, 2, PM_ROUND_CEIL, "0.18");
    fmt(175000, 2, PM_ROUND_FLOOR, "0.17");
    fmt(-1, 2, PM_ROUND_HALF_EVEN, "0.00"); /* never "-0.00" */
    fmt(-5001, 2, PM_ROUND_HALF_EVEN, "-0.01");
    fmt(999999, 2, PM_ROUND_CEIL, "1.00");
    fmt(INT64_MAX, 6, PM_ROUND_FLOOR, "9223372036854.775807");
    fmt(INT64_MIN, 6, PM_ROUND_FLOOR, "-9223372036854.775808");
    fmt(INT64_MAX, 0, PM_ROUND_CEIL, "9223372036855");
    exact(560000, 2, "0.56");
    exact(1, 2, "0.000001");
    exact(3000000, 0, "3");
    exact(3000000, 2, "3.00");
    exact(-1750000, 0, "-1.75");
    exact(INT64_MIN, 0, "-9223372036854.775808");
    char small[4];
    assert_int_equal(pm_fixed_format(560000, 4, PM_ROUND_FLOOR, small, sizeof small), -1);
    assert_int_equal(pm_fixed_format(560000, 7, PM_ROUND_FLOOR, small, sizeof small), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_price_accepts), cmocka_unit_test(test_price_rejects),
        cmocka_unit_test(test_not_past_len),  cmocka_unit_test(test_other_fields),
        cmocka_unit_test(test_rounding),      cmocka_unit_test(test_products),
        cmocka_unit_test(test_formatting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
