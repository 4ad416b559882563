/* test_hist.c — latency histograms: the 1-2-5 bounds from 1 µs to 5 s, values counted in the
 * first bucket whose bound holds them, exact Prometheus text (seconds from integer ns), exact
 * percentiles of the kept samples, and counts exact when two threads record at once. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <string.h>

#include "util/hist.h"

static void test_bounds(void **state) {
    (void)state;
    assert_int_equal(pm_hist_bound_ns(0), 1000);
    assert_int_equal(pm_hist_bound_ns(1), 2000);
    assert_int_equal(pm_hist_bound_ns(2), 5000);
    assert_int_equal(pm_hist_bound_ns(3), 10000);
    assert_int_equal(pm_hist_bound_ns(PM_HIST_BUCKETS - 1), 5000000000LL);
}

static void test_render_and_summary(void **state) {
    (void)state;
    static pm_hist h;
    pm_hist_init(&h);
    int64_t v[] = {-5, 1000, 1001, 2500, 50000, 7000000000LL};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) pm_hist_record(&h, v[i]);
    pm_hist_snap s;
    pm_hist_snapshot(&h, &s);
    assert_int_equal(s.count, 6);
    assert_int_equal(s.cumulative[0], 2);  /* 0 (from −5) and 1 µs */
    assert_int_equal(s.cumulative[1], 3);
    assert_int_equal(s.cumulative[2], 4);
    assert_int_equal(s.cumulative[5], 5);  /* ≤ 50 µs */
    assert_int_equal(s.cumulative[PM_HIST_BUCKETS - 1], 5);
    assert_int_equal(s.cumulative[PM_HIST_BUCKETS], 6);
    assert_int_equal(s.sum_ns, 7000054501LL);
    char buf[4096];
    int n = pm_hist_render(&s, "x_seconds", "venue=\"kalshi\"", buf, sizeof buf);
    assert_true(n > 0);
    assert_non_null(strstr(buf, "x_seconds_bucket{venue=\"kalshi\",le=\"0.000001\"} 2\n"));
    assert_non_null(strstr(buf, "x_seconds_bucket{venue=\"kalshi\",le=\"0.5\"} 5\n"));
    assert_non_null(strstr(buf, "x_seconds_bucket{venue=\"kalshi\",le=\"5\"} 5\n"));
    assert_non_null(strstr(buf, "x_seconds_bucket{venue=\"kalshi\",le=\"+Inf\"} 6\n"));
    assert_non_null(strstr(buf, "\nx_seconds_sum{venue=\"kalshi\"} 7.000054501\nx_seconds_count{venue=\"kalshi\"} 6\n"));
    assert_int_equal(pm_hist_render(&s, "x_seconds", "", buf, 64), -1);
    assert_true(pm_hist_render(&s, "x_seconds", "", buf, sizeof buf) > 0);
    assert_non_null(strstr(buf, "x_seconds_bucket{le=\"0.000002\"} 3\n"));
    assert_non_null(strstr(buf, "\nx_seconds_count 6\n"));
    int k;
    pm_latency l = pm_hist_summary(&h, &k);
    assert_int_equal(k, 6);
    assert_int_equal(l.p50, 2500); /* sorted: 0, 1000, 1001, 2500, 50000, 7e9; index 3 */
    assert_int_equal(l.p99, 7000000000LL); /* index 6 · 99 / 100 = 5 */
}

static void *recorder(void *arg) {
    for (int i = 0; i < 100000; i++) pm_hist_record(arg, 3000);
    return NULL;
}

static void test_threads(void **state) {
    (void)state;
    static pm_hist h;
    pm_hist_init(&h);
    pthread_t a, b;
    pthread_create(&a, NULL, recorder, &h);
    pthread_create(&b, NULL, recorder, &h);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    pm_hist_snap s;
    pm_hist_snapshot(&h, &s);
    assert_int_equal(s.count, 200000);
    assert_int_equal(s.cumulative[2] - s.cumulative[1], 200000);
    assert_int_equal(s.sum_ns, 600000000);
    int k;
    pm_hist_summary(&h, &k);
    assert_int_equal(k, PM_HIST_SAMPLES);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_render_and_summary),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
