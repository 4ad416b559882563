/* test_markets_import.c — `pmarb markets import`: the labelled fixture's Kalshi and Gamma files
 * stored as sync stores them, re-import unchanged, and bad files changing nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/markets.h"
#include "testutil.h"

typedef struct fixture {
    char *dir, *kalshi, *gamma;
} fixture;

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    f->dir = pm_test_tmpdir();
    f->kalshi = pm_test_source_path("tests/fixtures/match/kalshi_markets.json");
    f->gamma = pm_test_source_path("tests/fixtures/match/gamma_markets.json");
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    pm_test_rmtree(f->dir);
    free(f->dir), free(f->kalshi), free(f->gamma), free(f);
    return 0;
}

#define RUN(f, ...) pm_test_run((f)->dir, NULL, (const char *const[]){__VA_ARGS__, NULL})

static int count_cb(void *ctx, const pm_market *m) {
    (void)m;
    (*(int *)ctx)++;
    return 0;
}

static int count(fixture *f, int platform) {
    char *path = pm_test_path(f->dir, "markets.db");
    pm_db *db;
    pm_err err;
    if (pm_db_open(path, PM_DB_MIGRATE, 5000, &db, &err)) fail_msg("%s", err.msg);
    int n = 0;
    assert_int_equal(pm_store_list_markets(db, platform, NULL, count_cb, &n, &err), 0);
    pm_db_close(db);
    free(path);
    return n;
}

typedef struct found {
    char title[256], sub[64], rules[64], yes[64], no[64], close[32], status[16];
    int64_t tick;
} found;

static int keep_cb(void *ctx, const pm_market *m) {
    found *o = ctx;
    snprintf(o->title, sizeof o->title, "%s", m->title);
    snprintf(o->sub, sizeof o->sub, "%s", m->description ? m->description : "(null)");
    snprintf(o->rules, sizeof o->rules, "%s", m->rules ? m->rules : "(null)");
    snprintf(o->yes, sizeof o->yes, "%s", m->outcome_yes_name ? m->outcome_yes_name : "(null)");
    snprintf(o->no, sizeof o->no, "%s", m->outcome_no_name ? m->outcome_no_name : "(null)");
    snprintf(o->close, sizeof o->close, "%s", m->close_time ? m->close_time : "(null)");
    snprintf(o->status, sizeof o->status, "%s", m->status);
    o->tick = m->tick_size;
    return 0;
}

static found get(fixture *f, pm_venue v, const char *id) {
    char *path = pm_test_path(f->dir, "markets.db");
    pm_db *db;
    pm_err err;
    found o = {0};
    if (pm_db_open(path, PM_DB_MIGRATE, 5000, &db, &err)) fail_msg("%s", err.msg);
    assert_int_equal(pm_store_find_market(db, v, id, keep_cb, &o, &err), 1);
    pm_db_close(db);
    free(path);
    return o;
}

static void test_import_fixture(void **state) {
    fixture *f = *state;
    pm_test_run_result r = RUN(f, "markets", "import", "--venue", "kalshi", f->kalshi);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "kalshi: 2011 markets from 1 file (2011 new, 0 updated, 0 unchanged)\n");
    pm_test_run_free(&r);
    r = RUN(f, "markets", "import", "--venue", "polymarket", f->gamma);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "polymarket: 2060 markets from 1 file (2060 new, 0 updated, 0 unchanged)\n");
    pm_test_run_free(&r);
    assert_int_equal(count(f, PM_VENUE_KALSHI), 2011);
    assert_int_equal(count(f, PM_VENUE_POLYMARKET), 2060);
    found k = get(f, PM_VENUE_KALSHI, "KXNBAGAME-26JAN09MILLAL-MIL");
    assert_string_equal(k.title, "Milwaukee at Los Angeles L");
    assert_string_equal(k.sub, "Milwaukee");
    assert_string_equal(k.status, "active");
    found p = get(f, PM_VENUE_POLYMARKET, "0xf05b12027fc9a7874ad432b11d16f8176f5f7f0e202186e545c6c672c439a0f6");
    assert_string_equal(p.title, "Bucks vs. Lakers");
    assert_string_equal(p.yes, "Bucks");
    assert_string_equal(p.no, "Lakers");
    assert_string_equal(p.close, "2026-01-10T03:30:00Z");
    assert_int_equal(p.tick, 10000);
    assert_memory_equal(p.rules, "In the upcoming NBA game, scheduled for January 9", 49);
    found c = get(f, PM_VENUE_KALSHI, "KXPRESPERSON-28-JVAN");
    assert_string_equal(c.title, "Who will win the next presidential election?");
    assert_string_equal(c.sub, "J.D. Vance");
    assert_string_equal(c.close, "2029-11-07T15:00:00Z");
    /* the same files again: nothing changes, ids stay */
    r = RUN(f, "markets", "import", "--venue", "kalshi", f->kalshi, f->kalshi);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "kalshi: 4022 markets from 2 files (0 new, 0 updated, 4022 unchanged)\n");
    pm_test_run_free(&r);
}

static void test_bad_files_change_nothing(void **state) {
    fixture *f = *state;
    char *good = pm_test_path(f->dir, "good.json"), *bad = pm_test_path(f->dir, "bad.json"),
         *noarr = pm_test_path(f->dir, "noarr.json"), *nokey = pm_test_path(f->dir, "nokey.json");
    pm_test_write_file(good,
                       "{\"markets\":[{\"ticker\":\"KXA-1\",\"event_ticker\":\"KXA\",\"title\":\"Will A happen?\","
                       "\"status\":\"active\",\"rules_primary\":\"If A happens, Yes.\"}],\"cursor\":\"\"}",
                       0644);
    pm_test_write_file(bad, "{\"markets\":[{\"ticker\":\"KXB-1\",\"title\":\"B\",\"status\":\"active\"}", 0644);
    pm_test_write_file(noarr, "{\"cursor\":\"\"}", 0644);
    pm_test_write_file(nokey, "{\"markets\":[{\"ticker\":\"KXC-1\",\"status\":\"active\"}]}", 0644);
    /* a good file followed by a bad one: the good one is not kept either */
    pm_test_run_result r = RUN(f, "markets", "import", "--venue", "kalshi", good, bad);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "bad.json: truncated JSON response (nothing was imported)"));
    pm_test_run_free(&r);
    assert_int_equal(count(f, PM_VENUE_KALSHI), 0);
    r = RUN(f, "markets", "import", "--venue", "kalshi", noarr);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "noarr.json: response has no markets array"));
    pm_test_run_free(&r);
    r = RUN(f, "markets", "import", "--venue", "kalshi", nokey);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "nokey.json: market without ticker, title or status: KXC-1"));
    pm_test_run_free(&r);
    /* a Kalshi response given as Gamma: every object unusable */
    r = RUN(f, "markets", "import", "--venue", "polymarket", good);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "good.json: none of its 1 objects is a Gamma market pmarb can store"));
    pm_test_run_free(&r);
    char *missing = pm_test_path(f->dir, "missing.json");
    r = RUN(f, "markets", "import", "--venue", "kalshi", missing);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "missing.json: No such file or directory"));
    pm_test_run_free(&r);
    assert_int_equal(count(f, PM_VENUE_KALSHI), 0);
    assert_int_equal(count(f, PM_VENUE_POLYMARKET), 0);
    r = RUN(f, "markets", "import", "--venue", "kalshi", good);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "kalshi: 1 markets from 1 file (1 new, 0 updated, 0 unchanged)\n");
    pm_test_run_free(&r);
    free(good), free(bad), free(noarr), free(nokey), free(missing);
}

static void test_usage(void **state) {
    fixture *f = *state;
    pm_test_run_result r = RUN(f, "markets", "import", f->kalshi);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "import needs --venue kalshi|polymarket"));
    pm_test_run_free(&r);
    r = RUN(f, "markets", "import", "--venue", "kraken", f->kalshi);
    assert_int_equal(r.status, 2);
    pm_test_run_free(&r);
    r = RUN(f, "markets", "import", "--venue", "kalshi");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "import needs at least one FILE"));
    pm_test_run_free(&r);
    r = RUN(f, "markets", "--help");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "pmarb markets import --venue kalshi|polymarket FILE..."));
    pm_test_run_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_import_fixture, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_files_change_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_usage, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
