/* test_match_evaluate.c — pm_match_evaluate on a small hand-made store: exact precision,
 * recall, polarity accuracy and counts at two thresholds, and every malformed labels file
 * refused with its line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match/evaluate.h"
#include "store/matches.h"
#include "testutil.h"

typedef struct fixture {
    char *dir;
    pm_db *db;
    char kid[5][PM_UUID_LEN], pid[5][PM_UUID_LEN];
} fixture;

static void add_market(fixture *f, pm_venue v, int i) {
    pm_market m;
    pm_market_init(&m, v);
    char id[80], title[64];
    if (v == PM_VENUE_KALSHI) snprintf(id, sizeof id, "KXTEST-%d", i);
    else snprintf(id, sizeof id, "0x%064d", i);
    snprintf(title, sizeof title, "Question %d?", i);
    m.platform_market_id = id;
    m.title = title;
    m.status = PM_MARKET_ACTIVE;
    if (v == PM_VENUE_POLYMARKET) m.outcome_yes_id = "1", m.outcome_no_id = "2";
    pm_upsert_result res;
    pm_err err;
    if (pm_store_upsert_market(f->db, &m, 1, &res, &err)) fail_msg("%s", err.msg);
    memcpy(v == PM_VENUE_KALSHI ? f->kid[i] : f->pid[i], m.id, PM_UUID_LEN);
}

static void add_match(fixture *f, int k, int p, int64_t conf, pm_polarity pol) {
    pm_candidate c = {f->kid[k], f->pid[p], conf, pol, "test", NULL, NULL,
                      conf >= 950000 ? PM_MATCH_PENDING_REVIEW : PM_MATCH_REJECTED};
    char id[PM_UUID_LEN];
    pm_candidate_result res;
    pm_err err;
    if (pm_store_put_candidate(f->db, &c, id, &res, &err)) fail_msg("%s", err.msg);
}

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    f->dir = pm_test_tmpdir();
    char *path = pm_test_path(f->dir, "markets.db");
    pm_err err;
    if (pm_db_open(path, PM_DB_MIGRATE, 5000, &f->db, &err)) fail_msg("%s", err.msg);
    free(path);
    for (int i = 1; i <= 4; i++) add_market(f, PM_VENUE_KALSHI, i), add_market(f, PM_VENUE_POLYMARKET, i);
    add_match(f, 1, 1, 990000, PM_POLARITY_SAME);
    add_match(f, 2, 2, 970000, PM_POLARITY_INVERTED);
    add_match(f, 3, 3, 960000, PM_POLARITY_SAME);
    add_match(f, 4, 4, 500000, PM_POLARITY_INVERTED);
    add_match(f, 1, 2, 980000, PM_POLARITY_SAME);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    pm_db_close(f->db);
    pm_test_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

static char *labels(fixture *f, const char *text) {
    char *path = pm_test_path(f->dir, "labels.csv");
    pm_test_write_file(path, text, 0644);
    return path;
}

#define P(i) "0x00000000000000000000000000000000000000000000000000000000000000" #i
static const char good[] = "kalshi_ticker,polymarket_condition_id,equivalent,polarity\n"
                           "KXTEST-1," P(01) ",1,same\n"
                           "KXTEST-2," P(02) ",1,same\r\n"
                           "KXTEST-3," P(03) ",0,\n"
                           "KXTEST-4," P(04) ",1,inverted\n"
                           "KXTEST-2," P(03) ",0,\n"
                           "\n"
                           "KXTEST-9," P(09) ",0,\n";

static void test_counts_at_review_threshold(void **state) {
    fixture *f = *state;
    char *path = labels(f, good);
    pm_match_eval e;
    pm_err err;
    assert_int_equal(pm_match_evaluate(f->db, path, 950000, &e, &err), 0);
    assert_int_equal(e.threshold, 950000);
    assert_int_equal(e.labels, 6);
    assert_int_equal(e.labels_equivalent, 3);
    assert_int_equal(e.labels_unknown, 1);
    assert_int_equal(e.candidates, 5);
    assert_int_equal(e.predicted, 4);
    assert_int_equal(e.true_positive, 2);
    assert_int_equal(e.false_positive, 1);
    assert_int_equal(e.unlabelled, 1);
    assert_int_equal(e.false_negative, 1);
    assert_int_equal(e.true_negative, 2);
    assert_int_equal(e.polarity_correct, 1);
    assert_int_equal(e.precision, 666666);
    assert_int_equal(e.recall, 666666);
    assert_int_equal(e.polarity_accuracy, 500000);
    free(path);
}

static void test_counts_at_lower_threshold(void **state) {
    fixture *f = *state;
    char *path = labels(f, good);
    pm_match_eval e;
    pm_err err;
    assert_int_equal(pm_match_evaluate(f->db, path, 500000, &e, &err), 0);
    assert_int_equal(e.predicted, 5);
    assert_int_equal(e.true_positive, 3);
    assert_int_equal(e.false_positive, 1);
    assert_int_equal(e.false_negative, 0);
    assert_int_equal(e.polarity_correct, 2);
    assert_int_equal(e.precision, 750000);
    assert_int_equal(e.recall, 1000000);
    assert_int_equal(e.polarity_accuracy, 666666);
    /* nothing predicted: precision and polarity accuracy undefined */
    assert_int_equal(pm_match_evaluate(f->db, path, 999999, &e, &err), 0);
    assert_int_equal(e.predicted, 0);
    assert_int_equal(e.precision, -1);
    assert_int_equal(e.recall, 0);
    assert_int_equal(e.polarity_accuracy, -1);
    free(path);
}

static void expect_error(fixture *f, const char *text, const char *msg) {
    char *path = labels(f, text);
    pm_match_eval e;
    pm_err err;
    assert_int_equal(pm_match_evaluate(f->db, path, 950000, &e, &err), -1);
    if (!strstr(err.msg, msg)) fail_msg("expected '%s' in '%s'", msg, err.msg);
    free(path);
}

static void test_malformed_files(void **state) {
    fixture *f = *state;
    expect_error(f, "ticker,condition,eq,pol\n", "labels.csv:1: the header must be");
    expect_error(f, "", "empty file (no header)");
    expect_error(f, "kalshi_ticker,polymarket_condition_id,equivalent,polarity\nKXTEST-1," P(01) ",1\n",
                 "labels.csv:2: expected 4 columns");
    expect_error(f, "kalshi_ticker,polymarket_condition_id,equivalent,polarity\nKXTEST-1," P(01) ",1,same,x\n",
                 "labels.csv:2: expected 4 columns");
    expect_error(f, "kalshi_ticker,polymarket_condition_id,equivalent,polarity\nKXTEST-1," P(01) ",yes,same\n",
                 "labels.csv:2: equivalent must be 1 or 0, not 'yes'");
    expect_error(f, "kalshi_ticker,polymarket_condition_id,equivalent,polarity\nKXTEST-1," P(01) ",1,flipped\n",
                 "labels.csv:2: polarity must be same or inverted, not 'flipped'");
    expect_error(f, "kalshi_ticker,polymarket_condition_id,equivalent,polarity\nKXTEST-1," P(01) ",1,\n",
                 "labels.csv:2: an equivalent pair needs its polarity");
    expect_error(f, "kalshi_ticker,polymarket_condition_id,equivalent,polarity\n," P(01) ",0,\n",
                 "labels.csv:2: empty ticker or condition id");
    expect_error(f,
                 "kalshi_ticker,polymarket_condition_id,equivalent,polarity\nKXTEST-1," P(01) ",1,same\nKXTEST-1," P(
                     01) ",0,\n",
                 "the pair KXTEST-1, " P(01) " is labelled twice");
    char *missing = pm_test_path(f->dir, "none.csv");
    pm_match_eval e;
    pm_err err;
    assert_int_equal(pm_match_evaluate(f->db, missing, 950000, &e, &err), -1);
    assert_non_null(strstr(err.msg, "none.csv: No such file or directory"));
    free(missing);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_counts_at_review_threshold, setup, teardown),
        cmocka_unit_test_setup_teardown(test_counts_at_lower_threshold, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_files, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
