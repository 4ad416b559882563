/* test_uuid.c — UUIDv7 ids: the layout (48-bit Unix milliseconds, version 7, variant 10, lower
 * case), and ids from a pool of bits drawn ahead: each draw used once, in order, kept across a
 * top-up, and every id distinct. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "util/uuid.h"

/* Checks the layout of id made between t0 and t1 (Unix ms). */
static void check(const char *id, uint64_t t0, uint64_t t1) {
    assert_int_equal(strlen(id), 36);
    assert_true(pm_uuid_valid(id));
    for (const char *c = id; *c; c++) assert_true(*c == '-' || (*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f'));
    assert_int_equal(id[14], '7');
    assert_non_null(strchr("89ab", id[19]));
    char hex[13];
    memcpy(hex, id, 8);
    memcpy(hex + 8, id + 9, 4);
    hex[12] = '\0';
    uint64_t ms = strtoull(hex, NULL, 16);
    assert_true(ms >= t0 && ms <= t1);
}

static uint64_t now_ms(void) { return (uint64_t)(pm_wall_ns() / 1000000); }

static void test_v7(void **state) {
    (void)state;
    char a[PM_UUID_LEN], b[PM_UUID_LEN];
    uint64_t t0 = now_ms();
    assert_int_equal(pm_uuid_v7(a), 0);
    assert_int_equal(pm_uuid_v7(b), 0);
    uint64_t t1 = now_ms();
    check(a, t0, t1);
    check(b, t0, t1);
    assert_string_not_equal(a, b);
}

static void test_pool(void **state) {
    (void)state;
    static pm_uuid_pool p;
    memset(&p, 0, sizeof p);
    assert_int_equal(pm_uuid_pool_fill(&p), 0);
    assert_int_equal(p.n, PM_UUID_POOL);
    static char ids[300][PM_UUID_LEN];
    uint64_t t0 = now_ms();
    for (int i = 0; i < 40; i++) assert_int_equal(pm_uuid_v7_pooled(&p, ids[i]), 0);
    assert_int_equal(p.n, PM_UUID_POOL - 40);
    /* the next draw, before a top-up: the top-up keeps it, and it is the next id's */
    uint8_t next[10];
    memcpy(next, p.bits[40], sizeof next);
    assert_int_equal(pm_uuid_pool_fill(&p), 0);
    assert_int_equal(p.n, PM_UUID_POOL);
    assert_memory_equal(p.bits[0], next, sizeof next);
    assert_int_equal(pm_uuid_v7_pooled(&p, ids[40]), 0);
    char tail[21];
    snprintf(tail, sizeof tail, "%02x%02x-%02x%02x%02x%02x%02x%02x", next[2], next[3], next[4], next[5], next[6], next[7],
             next[8], next[9]);
    assert_string_equal(ids[40] + 19 + 1, tail + 1); /* the variant's two bits aside */
    /* a pool left empty is drawn from again when needed */
    for (int i = 41; i < 300; i++) assert_int_equal(pm_uuid_v7_pooled(&p, ids[i]), 0);
    uint64_t t1 = now_ms();
    for (int i = 0; i < 300; i++) {
        check(ids[i], t0, t1);
        for (int j = 0; j < i; j++) assert_string_not_equal(ids[i], ids[j]);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_v7), cmocka_unit_test(test_pool)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
