/* test_stats.c — latency summaries: exact percentiles and mean of known samples, sorted in place. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util/stats.h"

static void test_one_sample(void **state) {
    (void)state;
    int64_t ns[] = {42};
    pm_latency l = pm_latency_summarize(ns, 1);
    assert_int_equal(l.p50, 42);
    assert_int_equal(l.p99, 42);
    assert_int_equal(l.p999, 42);
    assert_int_equal(l.mean, 42);
}

/* 1000 values 1000, 999, ..., 1: sorted they are 1..1000, so index k holds k + 1. */
static void test_thousand_descending(void **state) {
    (void)state;
    int64_t ns[1000];
    for (int i = 0; i < 1000; i++) ns[i] = 1000 - i;
    pm_latency l = pm_latency_summarize(ns, 1000);
    assert_int_equal(l.p50, 501);   /* ns[500] */
    assert_int_equal(l.p99, 991);   /* ns[990] */
    assert_int_equal(l.p999, 1000); /* ns[999] */
    assert_int_equal(l.mean, 500);  /* 500500 / 1000, truncated */
    for (int i = 0; i < 1000; i++) assert_int_equal(ns[i], i + 1);
}

/* Ten samples: p99 and p99.9 are both index 9 (10·99/100 = 9, 10·999/1000 = 9); p50 index 5. */
static void test_ten_unsorted(void **state) {
    (void)state;
    int64_t ns[] = {70, 10, 100, 40, 20, 90, 30, 60, 50, 5000000000LL};
    pm_latency l = pm_latency_summarize(ns, 10);
    assert_int_equal(l.p50, 60);
    assert_int_equal(l.p99, 5000000000LL);
    assert_int_equal(l.p999, 5000000000LL);
    assert_int_equal(l.mean, 500000047); /* (470 + 5000000000) / 10 */
    assert_int_equal(ns[0], 10);
    assert_int_equal(ns[8], 100);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_sample),
        cmocka_unit_test(test_thousand_descending),
        cmocka_unit_test(test_ten_unsorted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
