/* test_spsc.c — the single-producer single-consumer queue: capacity, full and empty, order,
 * prefix pushes and pops (an order's body is left to the consumer), and a producer and a
 * consumer thread passing 200000 items in order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <string.h>

#include "engine/spsc.h"

typedef struct item {
    uint64_t seq;
    char tail[56];
} item;

static void test_basics(void **state) {
    (void)state;
    pm_spsc q;
    assert_int_equal(pm_spsc_init(&q, sizeof(item), 3), 0); /* rounded up to 4 */
    item in = {0}, out;
    for (int i = 0; i < 4; i++) {
        in.seq = (uint64_t)i;
        assert_int_equal(pm_spsc_push(&q, &in), 0);
    }
    assert_int_equal(pm_spsc_push(&q, &in), -1);
    assert_int_equal(pm_spsc_size(&q), 4);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pm_spsc_pop(&q, &out), 1);
        assert_int_equal(out.seq, (uint64_t)i);
    }
    assert_int_equal(pm_spsc_pop(&q, &out), 0);
    pm_spsc_destroy(&q);
}

static void test_prefix(void **state) {
    (void)state;
    pm_spsc q;
    assert_int_equal(pm_spsc_init(&q, sizeof(item), 2), 0);
    item a = {.seq = 1}, b = {.seq = 2}, out;
    memset(a.tail, 'a', sizeof a.tail);
    memset(b.tail, 'b', sizeof b.tail);
    assert_int_equal(pm_spsc_push(&q, &a), 0);
    assert_int_equal(pm_spsc_pop(&q, &out), 1);
    assert_int_equal(pm_spsc_push(&q, &a), 0); /* the second slot holds a's tail too */
    assert_int_equal(pm_spsc_pop(&q, &out), 1);
    /* only the first 8 bytes of b go: its slot keeps a's tail */
    assert_int_equal(pm_spsc_push_n(&q, &b, offsetof(item, tail)), 0);
    memset(&out, 'z', sizeof out);
    assert_int_equal(pm_spsc_pop(&q, &out), 1);
    assert_int_equal(out.seq, 2);
    assert_int_equal(out.tail[0], 'a');
    /* a prefix pop leaves the rest of out alone */
    assert_int_equal(pm_spsc_push(&q, &b), 0);
    memset(&out, 'z', sizeof out);
    assert_int_equal(pm_spsc_pop_n(&q, &out, offsetof(item, tail)), 1);
    assert_int_equal(out.seq, 2);
    assert_int_equal(out.tail[0], 'z');
    /* n beyond the item is cut to the item */
    assert_int_equal(pm_spsc_push_n(&q, &a, 4096), 0);
    assert_int_equal(pm_spsc_pop(&q, &out), 1);
    assert_int_equal(out.tail[55], 'a');
    pm_spsc_destroy(&q);
}

#define N 200000

static void *produce(void *arg) {
    pm_spsc *q = arg;
    item in = {0};
    for (uint64_t i = 0; i < N; i++) {
        in.seq = i;
        in.tail[0] = (char)i;
        while (pm_spsc_push(q, &in)) sched_yield();
    }
    return NULL;
}

static void test_threads(void **state) {
    (void)state;
    pm_spsc q;
    assert_int_equal(pm_spsc_init(&q, sizeof(item), 64), 0);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, produce, &q), 0);
    item out;
    for (uint64_t want = 0; want < N;) {
        if (!pm_spsc_pop(&q, &out)) {
            sched_yield();
            continue;
        }
        assert_int_equal(out.seq, want);
        assert_int_equal(out.tail[0], (char)want);
        want++;
    }
    pthread_join(t, NULL);
    assert_int_equal(pm_spsc_size(&q), 0);
    pm_spsc_destroy(&q);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_basics), cmocka_unit_test(test_prefix),
                                       cmocka_unit_test(test_threads)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
