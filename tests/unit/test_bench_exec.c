/* test_bench_exec.c — `pmarb bench-exec` runs its trades through the live order path and
 * reports one sample per trade for both spans, and the machine's send(2) floor beside them
 * (no timing asserted); bad arguments are refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

static void test_json(void **state) {
    (void)state;
    pm_test_run_result r = pm_test_run(NULL, NULL, (const char *const[]){"bench-exec", "--trades", "20", "--gap-us", "0", "--json", NULL});
    assert_int_equal(r.status, 0);
    json_t *doc = json_loads(r.out, 0, NULL);
    assert_non_null(doc);
    assert_int_equal(json_integer_value(json_object_get(doc, "trades")), 20);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "intent_to_wire"), "n")), 20);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "ack_to_second_wire"), "n")), 20);
    assert_true(json_integer_value(json_object_get(json_object_get(doc, "intent_to_wire"), "p50_ns")) > 0);
    json_t *floor = json_object_get(doc, "send_floor");
    assert_int_equal(json_integer_value(json_object_get(floor, "bytes")), 1024);
    assert_int_equal(json_integer_value(json_object_get(floor, "n")), 20);
    assert_true(json_integer_value(json_object_get(floor, "p50_ns")) > 0);
    assert_true(json_integer_value(json_object_get(floor, "p99_ns")) >= json_integer_value(json_object_get(floor, "p50_ns")));
    /* Linux stamps loopback TCP in software: every request gets its transmit timestamp */
    json_t *dev = json_object_get(floor, "to_device");
    assert_int_equal(json_integer_value(json_object_get(dev, "n")), 20);
    assert_true(json_integer_value(json_object_get(dev, "p50_ns")) > 0);
    /* spinning "auto": always with 4 or more CPUs, else 2 ms */
    assert_true(json_is_true(json_object_get(doc, "spin_auto")));
    assert_int_equal(json_integer_value(json_object_get(doc, "spin_us")), sysconf(_SC_NPROCESSORS_ONLN) >= 4 ? -1 : 2000);
    json_decref(doc);
    pm_test_run_free(&r);
    r = pm_test_run(NULL, NULL, (const char *const[]){"bench-exec", "--trades", "5", "--spin-us", "-1", "--json", NULL});
    assert_int_equal(r.status, 0);
    doc = json_loads(r.out, 0, NULL);
    assert_false(json_is_true(json_object_get(doc, "spin_auto")));
    assert_int_equal(json_integer_value(json_object_get(doc, "spin_us")), -1);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "send_floor"), "n")), 5);
    json_decref(doc);
    pm_test_run_free(&r);
    /* the floor takes at most 100 samples */
    r = pm_test_run(NULL, NULL, (const char *const[]){"bench-exec", "--trades", "150", "--gap-us", "0", "--json", NULL});
    assert_int_equal(r.status, 0);
    doc = json_loads(r.out, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "intent_to_wire"), "n")), 150);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "send_floor"), "n")), 100);
    json_decref(doc);
    pm_test_run_free(&r);
    r = pm_test_run(NULL, NULL, (const char *const[]){"bench-exec", "--trades", "0", NULL});
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "bad value for --trades"));
    pm_test_run_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_json)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
