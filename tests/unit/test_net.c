/* test_net.c — the token bucket's exact refills and waits, and the retry policy's backoff
 * bounds and retryable statuses. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "net/http.h"
#include "net/ratelimit.h"

#define MS 1000000LL

static void test_bucket(void **state) {
    (void)state;
    pm_bucket b;
    pm_bucket_init(&b, 200, 200, 0); /* Kalshi Basic reads: 200 tokens/s, requests cost 10 */
    for (int i = 0; i < 20; i++) assert_int_equal(pm_bucket_take(&b, 10, 0), 0);
    assert_int_equal(pm_bucket_take(&b, 10, 0), 50 * MS); /* 10 tokens at 200/s: 50 ms */
    assert_int_equal(pm_bucket_take(&b, 10, 20 * MS), 30 * MS); /* 4 tokens back after 20 ms */
    assert_int_equal(pm_bucket_take(&b, 10, 50 * MS), 0);
    assert_int_equal(pm_bucket_take(&b, 10, 50 * MS), 50 * MS);
    /* a long idle period refills to capacity, never beyond */
    for (int i = 0; i < 20; i++) assert_int_equal(pm_bucket_take(&b, 10, 100000 * MS), 0);
    assert_true(pm_bucket_take(&b, 10, 100000 * MS) > 0);
    pm_bucket_init(&b, 3, 0, 0); /* capacity defaults to one second of budget */
    assert_int_equal(pm_bucket_take(&b, 3, 0), 0);
    assert_int_equal(pm_bucket_take(&b, 1, 0), 333333334); /* rounded up: never early */
}

static void test_retry_policy(void **state) {
    (void)state;
    assert_true(pm_http_retryable(0));
    assert_true(pm_http_retryable(429));
    assert_true(pm_http_retryable(500));
    assert_true(pm_http_retryable(503));
    assert_false(pm_http_retryable(400));
    assert_false(pm_http_retryable(401));
    assert_false(pm_http_retryable(404));
    assert_false(pm_http_retryable(409));
    for (int i = 0; i < 200; i++) {
        int64_t d1 = pm_http_backoff_ms(1, 250, 8000), d3 = pm_http_backoff_ms(3, 250, 8000),
                d9 = pm_http_backoff_ms(9, 250, 8000);
        assert_true(d1 >= 125 && d1 <= 250);
        assert_true(d3 >= 500 && d3 <= 1000);
        assert_true(d9 >= 4000 && d9 <= 8000); /* capped */
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bucket),
        cmocka_unit_test(test_retry_policy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
