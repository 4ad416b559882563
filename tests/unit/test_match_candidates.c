/* test_match_candidates.c — candidate generation on the labelled fixture of real market pairs
 * (tests/fixtures/match, imported with `pmarb markets import`): every equivalent pair in its
 * Kalshi market's top K with the right polarity, every look-alike vetoed with its reason, no
 * false match at or above the review threshold (precision and recall through
 * pm_match_evaluate), determinism; and the vetoes and polarity rules on small cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match/candidates.h"
#include "match/evaluate.h"
#include "match/extract.h"
#include "match/run.h"
#include "match/veto.h"
#include "store/matches.h"
#include "testutil.h"

#define REVIEW 950000

typedef struct fixture {
    char *dir, *labels;
    pm_db *db;
    pm_match_set k, p;
    pm_match_candidate *c;
    size_t nc;
} fixture;

static const pm_match_options opts = {5, 24};

static int group_setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    f->dir = pm_test_tmpdir();
    f->labels = pm_test_source_path("tests/fixtures/match/labels.csv");
    char *kal = pm_test_source_path("tests/fixtures/match/kalshi_markets.json");
    char *gam = pm_test_source_path("tests/fixtures/match/gamma_markets.json");
    pm_test_run_result r = pm_test_run(f->dir, NULL, (const char *const[]){"markets", "import", "--venue", "kalshi", kal, NULL});
    assert_int_equal(r.status, 0);
    pm_test_run_free(&r);
    r = pm_test_run(f->dir, NULL, (const char *const[]){"markets", "import", "--venue", "polymarket", gam, NULL});
    assert_int_equal(r.status, 0);
    pm_test_run_free(&r);
    free(kal), free(gam);
    char *path = pm_test_path(f->dir, "markets.db");
    pm_err err;
    if (pm_db_open(path, PM_DB_MIGRATE, 5000, &f->db, &err)) fail_msg("%s", err.msg);
    free(path);
    if (pm_match_load(f->db, PM_VENUE_KALSHI, &f->k, &err) || pm_match_load(f->db, PM_VENUE_POLYMARKET, &f->p, &err))
        fail_msg("%s", err.msg);
    if (pm_match_candidates(f->k.m, f->k.n, f->p.m, f->p.n, &opts, &f->c, &f->nc, &err)) fail_msg("%s", err.msg);
    *state = f;
    return 0;
}

static int group_teardown(void **state) {
    fixture *f = *state;
    free(f->c);
    pm_match_set_free(&f->k);
    pm_match_set_free(&f->p);
    pm_db_close(f->db);
    pm_test_rmtree(f->dir);
    free(f->dir), free(f->labels), free(f);
    return 0;
}

static long find(const pm_match_set *s, const char *platform_id) {
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->m[i].platform_id, platform_id)) return (long)i;
    return -1;
}

typedef struct label {
    char kalshi[96], poly[80];
    int equivalent;
    pm_polarity polarity;
} label;

static size_t read_labels(const char *path, label *out, size_t cap) {
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    char line[512];
    size_t n = 0;
    assert_non_null(fgets(line, sizeof line, fp));
    while (n < cap && fgets(line, sizeof line, fp)) {
        char pol[16] = "";
        if (sscanf(line, "%95[^,],%79[^,],%d,%15s", out[n].kalshi, out[n].poly, &out[n].equivalent, pol) < 3) continue;
        out[n].polarity = !strcmp(pol, "inverted") ? PM_POLARITY_INVERTED : PM_POLARITY_SAME;
        n++;
    }
    fclose(fp);
    return n;
}

#define MAX_LABELS 2000

static void test_equivalent_pairs_found(void **state) {
    fixture *f = *state;
    static label l[MAX_LABELS];
    size_t n = read_labels(f->labels, l, MAX_LABELS), equivalent = 0, review = 0;
    for (size_t i = 0; i < n; i++) {
        if (!l[i].equivalent) continue;
        equivalent++;
        long k = find(&f->k, l[i].kalshi), p = find(&f->p, l[i].poly);
        assert_true(k >= 0 && p >= 0);
        const pm_match_candidate *hit = NULL;
        for (size_t c = 0; c < f->nc && !hit; c++)
            if (f->c[c].kalshi == (uint32_t)k && f->c[c].polymarket == (uint32_t)p) hit = &f->c[c];
        if (!hit) fail_msg("%s / %s not in the top %d", l[i].kalshi, l[i].poly, opts.top_k);
        if (hit->vetoed) fail_msg("%s / %s vetoed: %s", l[i].kalshi, l[i].poly, hit->reason);
        if (hit->polarity != l[i].polarity) fail_msg("%s / %s: wrong polarity (%s)", l[i].kalshi, l[i].poly, hit->reason);
        if (hit->score >= REVIEW) review++;
        else if (strncmp(l[i].kalshi, "KXPRES", 6)) fail_msg("%s / %s below review: %s", l[i].kalshi, l[i].poly, hit->reason);
    }
    assert_int_equal(equivalent, 58);
    assert_int_equal(review, 54); /* the four 2028 party/person pairs stay below: "next election" vs "2028", or wording */
}

static void test_lookalikes_vetoed(void **state) {
    fixture *f = *state;
    static label l[MAX_LABELS];
    size_t n = read_labels(f->labels, l, MAX_LABELS), negatives = 0;
    for (size_t i = 0; i < n; i++) {
        if (l[i].equivalent) continue;
        negatives++;
        long k = find(&f->k, l[i].kalshi), p = find(&f->p, l[i].poly);
        assert_true(k >= 0 && p >= 0);
        pm_features a, b;
        pm_extract(&f->k.m[k], &a);
        pm_extract(&f->p.m[p], &b);
        pm_match_verdict v;
        char reason[512];
        pm_match_compare(&a, &b, opts.date_tolerance_hours, &v, reason, sizeof reason);
        if (!v.vetoed) fail_msg("%s / %s not vetoed: %s", l[i].kalshi, l[i].poly, reason);
    }
    assert_int_equal(negatives, 1119);
}

/* The reasons of the look-alikes of pairs_candidates.md, one per failure class. */
static void expect_reason(fixture *f, const char *kt, const char *pc, const char *veto) {
    long k = find(&f->k, kt), p = find(&f->p, pc);
    assert_true(k >= 0 && p >= 0);
    pm_features a, b;
    pm_extract(&f->k.m[k], &a);
    pm_extract(&f->p.m[p], &b);
    pm_match_verdict v;
    char reason[512];
    pm_match_compare(&a, &b, opts.date_tolerance_hours, &v, reason, sizeof reason);
    assert_int_equal(v.vetoed, 1);
    if (!strstr(reason, veto)) fail_msg("%s / %s: '%s' not in '%s'", kt, pc, veto, reason);
}

static void test_lookalike_reasons(void **state) {
    fixture *f = *state;
    /* B06: the same teams the next day */
    expect_reason(f, "KXNBAGAME-26JAN11PHITOR-PHI", "0x3607142aa6f53613bb1391725ef723e2f89a60e0b7d2e867bc674708d61846de",
                  "veto: different dates (2026-01-11 vs 2026-01-12)");
    /* B07: first-half moneyline */
    expect_reason(f, "KXNBAGAME-26JAN09MILLAL-MIL", "0x087034677c2b217d944cdf39a74e24e30a660e08d2364ddc089574d7bdfce100",
                  "veto: different bet ( vs first half )");
    /* B08: a spread with the same outcome labels */
    expect_reason(f, "KXNBAGAME-26JAN09MILLAL-LAL", "0x466e0ec8cd0437949e2a0d78b68aac1a83b1819335dadc8a1a247eef8eacfe13",
                  "veto: threshold on one side only (none vs =-3.5)");
    /* B13: "next nominate" closing 2029 vs nominate as next chair by end of 2026 */
    expect_reason(f, "KXFEDCHAIRNOM-29-KW", "0x61b66d02793b4a68ab0cc25be60d65f517fe18c7d654041281bb130341244fcc",
                  "veto: different close dates (2029-01-20 vs 2026-12-31)");
    /* B14: before his term ends vs by Dec 31, 2026 */
    expect_reason(f, "KXTRUMPRESIGN", "0x448f73e89890ae9d0e42ad0b592f63b53c0ae05d1ca3fa8d80b30027781f1be7",
                  "veto: deadline 'end of term' vs '2026-12-31'");
    /* B15: before Jan 20, 2029 vs by end of 2026 */
    expect_reason(f, "KXIMPEACH-29-JAN20", "0x4c8ceef9b9c0a27b6b4efa7c398ece4a5eeda76502f722de398c232abefe2ede",
                  "veto: different dates (2029-01-19 vs 2026-12-31)");
    /* B18: before 2027 vs by June 30, 2026 */
    expect_reason(f, "KXRECOGSOMALI-29-27", "0xef771dfb0c0d08fe8814cf38109285e0defdd15590b8fdba8e4bb4fcf7053bc9",
                  "veto: different dates (2026-12-31 vs 2026-06-30)");
    /* B04: 87.99 or above (the subtitle) vs closes above $88 */
    expect_reason(f, "KXWTI-26JUN0814-T87.99", "0x36e5939802349d6940cf4abc7eb9408a9daad619d0f165a13c13ecfb67ab5736",
                  "veto: different thresholds (>=87.99 vs >88)");
    /* B27: a range bucket vs a threshold */
    expect_reason(f, "KXBTC-26JUN0717-B51375", "0xfcd4b56ad36f29bdfa108d7bad36e5e1abb230cdf6f15d216c91d1d0a3318335",
                  "veto: different thresholds (51250..51499.99 vs <64000)");
}

static void test_evaluation(void **state) {
    fixture *f = *state;
    pm_err err;
    assert_int_equal(pm_db_begin(f->db, &err), 0);
    size_t at_review = 0;
    for (size_t i = 0; i < f->nc; i++) {
        const pm_match_candidate *c = &f->c[i];
        assert_true(c->score >= 0 && c->score <= 1000000);
        if (c->vetoed) assert_true(c->score < 500000 + 1);
        int review = !c->vetoed && c->score >= REVIEW;
        at_review += review;
        pm_candidate pc = {f->k.m[c->kalshi].id, f->p.m[c->polymarket].id, c->score, c->polarity, c->reason, NULL, NULL,
                           review ? PM_MATCH_PENDING_REVIEW : PM_MATCH_REJECTED};
        char id[PM_UUID_LEN];
        pm_candidate_result res;
        if (pm_store_put_candidate(f->db, &pc, id, &res, &err)) fail_msg("%s", err.msg);
    }
    assert_int_equal(pm_db_commit(f->db, &err), 0);
    assert_int_equal(at_review, 54);
    pm_match_eval e;
    if (pm_match_evaluate(f->db, f->labels, REVIEW, &e, &err)) fail_msg("%s", err.msg);
    assert_int_equal(e.labels, 1177);
    assert_int_equal(e.labels_equivalent, 58);
    assert_int_equal(e.labels_unknown, 0);
    assert_int_equal(e.predicted, 54);
    assert_int_equal(e.true_positive, 54);
    assert_int_equal(e.false_positive, 0);
    assert_int_equal(e.unlabelled, 0);
    assert_int_equal(e.false_negative, 4);
    assert_int_equal(e.polarity_correct, 54);
    assert_int_equal(e.precision, 1000000);
    assert_int_equal(e.recall, 931034);
    assert_int_equal(e.polarity_accuracy, 1000000);
}

static void test_deterministic(void **state) {
    fixture *f = *state;
    pm_match_candidate *c;
    size_t n;
    pm_err err;
    if (pm_match_candidates(f->k.m, f->k.n, f->p.m, f->p.n, &opts, &c, &n, &err)) fail_msg("%s", err.msg);
    assert_int_equal(n, f->nc);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(c[i].kalshi, f->c[i].kalshi);
        assert_int_equal(c[i].polymarket, f->c[i].polymarket);
        assert_int_equal(c[i].score, f->c[i].score);
        assert_int_equal(c[i].polarity, f->c[i].polarity);
        assert_string_equal(c[i].reason, f->c[i].reason);
    }
    free(c);
}

/* One Kalshi and one Polymarket market, compared directly. */
static void pair(const char *kt, const char *ks, const char *kr, const char *kc, const char *pt, const char *pr, const char *pclose,
                 int64_t tol, pm_match_verdict *v, char *reason) {
    pm_match_market k = {"k", "KXTEST-1", kt, ks, kr, kc, NULL}, p = {"p", "0x1", pt, NULL, pr, pclose, NULL};
    pm_features a, b;
    pm_extract(&k, &a);
    pm_extract(&p, &b);
    pm_match_compare(&a, &b, tol, v, reason, 512);
}

static void test_vetoes_and_polarity(void **state) {
    (void)state;
    pm_match_verdict v;
    char r[512];
    /* resolution sources stated by both and different */
    pair("Will Bitcoin be above $100,000 on Dec 31, 2026?", NULL, "Settles on the CF Benchmarks Bitcoin Real Time Index.", NULL,
         "Will BTC be above $100k on December 31, 2026?", "Resolves using the Binance BTC/USDT 1m candle.", NULL, 24, &v, r);
    assert_int_equal(v.vetoed, 1);
    assert_non_null(strstr(r, "veto: different resolution sources"));
    pair("Will Bitcoin be above $100,000 on Dec 31, 2026?", NULL, "Settles on the CF Benchmarks index.", NULL,
         "Will BTC be above $100k on December 31, 2026?", "Per CF Benchmarks.", NULL, 24, &v, r);
    assert_int_equal(v.vetoed, 0);
    assert_int_equal(v.polarity, PM_POLARITY_SAME);
    assert_string_equal(r, "same date 2026-12-31; same threshold >100000; same resolution source");
    /* > vs ≥ is a different contract; > vs ≤ the same one inverted */
    pair("Will Bitcoin be above $100,000 on Dec 31, 2026?", NULL, NULL, NULL, "Will BTC be at least $100k on December 31, 2026?",
         NULL, NULL, 24, &v, r);
    assert_int_equal(v.vetoed, 1);
    assert_non_null(strstr(r, "veto: different thresholds (>100000 vs >=100000)"));
    pair("Will Bitcoin be above $100,000 on Dec 31, 2026?", NULL, NULL, NULL,
         "Will BTC be $100,000 or below on December 31, 2026?", NULL, NULL, 24, &v, r);
    assert_int_equal(v.vetoed, 0);
    assert_int_equal(v.polarity, PM_POLARITY_INVERTED);
    /* different measured quantity */
    pair("Will Bitcoin be above $4,000 on Dec 31, 2026?", NULL, NULL, NULL, "Will Ethereum be above $4,000 on December 31, 2026?",
         NULL, NULL, 24, &v, r);
    assert_int_equal(v.vetoed, 1);
    assert_non_null(strstr(r, "veto: different measured quantity"));
    /* units: °F vs °C */
    pair("Will the high temp in Miami be 80-81°F on Jul 4, 2026?", NULL, NULL, NULL,
         "Will the highest temperature in Miami be 80-81°C on July 4, 2026?", NULL, NULL, 24, &v, r);
    assert_int_equal(v.vetoed, 1);
    /* win vs lose, and negation: inverted */
    pair("Will the Lakers win against the Bucks on Jan 9, 2026?", NULL, NULL, NULL,
         "Will the Lakers lose to the Bucks on January 9, 2026?", NULL, NULL, 24, &v, r);
    assert_int_equal(v.vetoed, 0);
    assert_int_equal(v.polarity, PM_POLARITY_INVERTED);
    pair("Will the Fed cut rates in September 2026?", NULL, NULL, NULL, "Will the Fed NOT cut rates in September 2026?", NULL, NULL,
         24, &v, r);
    assert_int_equal(v.polarity, PM_POLARITY_INVERTED);
    assert_non_null(strstr(r, "one side negated"));
    /* instants: within, then beyond the tolerance */
    pair("Will X happen by Dec 31, 2026 at 10:00 AM?", NULL, NULL, NULL, "Will X happen by December 31, 2026 at 8:00 PM?", NULL, NULL,
         24, &v, r);
    assert_int_equal(v.vetoed, 0);
    pair("Will X happen by Dec 31, 2026 at 10:00 AM?", NULL, NULL, NULL, "Will X happen by December 31, 2026 at 8:00 PM?", NULL, NULL,
         6, &v, r);
    assert_int_equal(v.vetoed, 1);
    assert_non_null(strstr(r, "veto: times 10 h apart"));
    /* "before Mar 3" is "by Mar 2" */
    pair("Will Donald Trump endorse Ken Paxton before Mar 3, 2026?", NULL, NULL, NULL,
         "Will Donald Trump endorse Ken Paxton by March 2, 2026?", NULL, NULL, 24, &v, r);
    assert_int_equal(v.vetoed, 0);
    assert_non_null(strstr(r, "same date 2026-03-02"));
    /* a missing year is the close time's */
    pair("Will Solana be above $30 on Jun 7, 2026?", NULL, NULL, NULL, "Will the price of Solana be above $30 on June 7?", NULL,
         "2026-06-07T16:00:00Z", 24, &v, r);
    assert_int_equal(v.vetoed, 0);
    assert_string_equal(r, "same date 2026-06-07; same threshold >30");
    /* scores: agreements halve the distance to 1, weak pairs are capped, vetoes halve */
    pm_match_verdict s = {0, PM_POLARITY_SAME, 2, 0};
    assert_int_equal(pm_match_score(800000, &s), 950000);
    s.weak = 1;
    assert_int_equal(pm_match_score(990000, &s), PM_MATCH_WEAK_CAP);
    s.vetoed = 1;
    assert_int_equal(pm_match_score(990000, &s), 495000);
}

/* `pmarb bench-match` on a small generated universe: deterministic counts, no false match at
 * the review threshold (the time is printed, never asserted). */
static void test_bench_command(void **state) {
    fixture *f = *state;
    const char *const args[] = {"bench-match", "--kalshi", "2000", "--polymarket", "1500", "--json", NULL};
    pm_test_run_result r = pm_test_run(f->dir, NULL, args);
    assert_int_equal(r.status, 0);
    const char *tail = strstr(r.out, ",\"candidates\"");
    assert_non_null(tail);
    assert_string_equal(tail, ",\"candidates\":9942,\"vetoed\":6461,\"at_review_threshold\":625,"
                              "\"false_at_review_threshold\":0,\"twins\":750,\"twins_found\":608}\n");
    assert_memory_equal(r.out, "{\"kalshi\":2000,\"polymarket\":1500,\"top_k\":5,\"nanoseconds\":", 52);
    pm_test_run_free(&r);
    const char *const bad[] = {"bench-match", "--kalshi", "x", NULL};
    r = pm_test_run(f->dir, NULL, bad);
    assert_int_equal(r.status, 2);
    pm_test_run_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bench_command),
        cmocka_unit_test(test_equivalent_pairs_found),
        cmocka_unit_test(test_lookalikes_vetoed),
        cmocka_unit_test(test_lookalike_reasons),
        cmocka_unit_test(test_evaluation),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_vetoes_and_polarity),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
