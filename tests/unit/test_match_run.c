/* test_match_run.c — `pmarb match`'s judge-and-store step on hand-made candidates: review
 * threshold and automatic rejections, vetoes that no score or LLM answer lifts, cached LLM
 * verdicts (polarity disagreement noted, "not equivalent" stored as low confidence), a
 * person's decision kept across runs until a market's text changes, then back to review. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "match/cache.h"
#include "match/run.h"
#include "store/markets.h"
#include "store/matches.h"
#include "testutil.h"
#include "util/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fixture {
    char *dir, *path;
    pm_db *db;
} fixture;

static void upsert(pm_db *db, pm_venue v, const char *pid, const char *title, const char *rules) {
    pm_market m;
    pm_market_init(&m, v);
    m.platform_market_id = pid;
    m.title = title;
    m.rules = rules;
    m.status = PM_MARKET_ACTIVE;
    m.close_time = "2026-12-31T23:59:00.000Z";
    pm_upsert_result r;
    pm_err err;
    assert_int_equal(pm_store_upsert_market(db, &m, pm_wall_ns(), &r, &err), 0);
}

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    f->dir = pm_test_tmpdir();
    f->path = pm_test_path(f->dir, "m.db");
    pm_err err;
    assert_int_equal(pm_db_open(f->path, PM_DB_MIGRATE, 5000, &f->db, &err), 0);
    static const char *const kt[4] = {"Fed cut in December?", "BTC above 100k?", "BTC above 120k?", "Trump wins?"};
    static const char *const pt[4] = {"Fed decreases rates in December?", "Bitcoin above $100k on Dec 31?",
                                      "Bitcoin above $100k on Dec 31? (2)", "Trump loses?"};
    for (int i = 0; i < 4; i++) {
        char k[16], p[16];
        snprintf(k, sizeof k, "KX%d", i);
        snprintf(p, sizeof p, "0x%d", i);
        upsert(f->db, PM_VENUE_KALSHI, k, kt[i], "Kalshi rules v1.");
        upsert(f->db, PM_VENUE_POLYMARKET, p, pt[i], "Polymarket rules v1.");
    }
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    pm_db_close(f->db);
    pm_test_rmtree(f->dir);
    free(f->dir);
    free(f->path);
    free(f);
    return 0;
}

static pm_match_candidate cand(uint32_t i, int64_t score, int vetoed, const char *reason) {
    pm_match_candidate c = {.kalshi = i, .polymarket = i, .score = score, .polarity = PM_POLARITY_SAME, .vetoed = vetoed};
    snprintf(c.reason, sizeof c.reason, "%s", reason);
    return c;
}

static void run(fixture *f, const pm_match_candidate *c, size_t n, const pm_llm_config *llm, pm_match_run_stats *st) {
    pm_match_set k, p;
    pm_err err;
    assert_int_equal(pm_match_load(f->db, PM_VENUE_KALSHI, &k, &err), 0);
    assert_int_equal(pm_match_load(f->db, PM_VENUE_POLYMARKET, &p, &err), 0);
    assert_int_equal(k.n, 4);
    assert_int_equal(p.n, 4);
    pm_match_run_options opt = {.llm = llm, .review_threshold = 950000};
    assert_int_equal(pm_match_judge_and_store(f->db, &k, &p, c, n, &opt, st, &err), 0);
    pm_match_set_free(&k);
    pm_match_set_free(&p);
}

/* One line per stored match, in Kalshi ticker order. */
typedef struct seen {
    char text[4][1200];
    char id[4][PM_UUID_LEN];
} seen;

static int record(void *ctx, const pm_match_row *r) {
    seen *s = ctx;
    int i = r->kalshi.platform_market_id[2] - '0';
    snprintf(s->text[i], sizeof s->text[i], "%s %s %lld by=%s model=%s note=%s | %s", pm_match_status_name(r->status),
             pm_polarity_name(r->polarity), (long long)r->confidence, r->reviewed_by ? r->reviewed_by : "-",
             r->model ? r->model : "-", r->review_note ? r->review_note : "-", r->reason ? r->reason : "-");
    memcpy(s->id[i], r->id, PM_UUID_LEN);
    return 0;
}

static void stored(fixture *f, seen *s) {
    memset(s, 0, sizeof *s);
    pm_err err;
    assert_int_equal(pm_store_list_matches(f->db, -1, record, s, &err), 0);
}

static void test_heuristic_threshold_and_vetoes(void **state) {
    fixture *f = *state;
    pm_match_candidate c[3] = {cand(0, 970000, 0, "same entity FOMC, same month"),
                               cand(1, 600000, 0, "same entity BTC, dates differ by 0 h"),
                               cand(2, 990000, 1, "different thresholds: 120000 vs 100000")};
    pm_match_run_stats st;
    run(f, c, 3, NULL, &st);
    assert_int_equal(st.inserted, 3);
    assert_int_equal(st.pending, 1);
    assert_int_equal(st.rejected, 2);
    assert_int_equal(st.vetoed, 1);
    seen s;
    stored(f, &s);
    assert_string_equal(s.text[0], "pending_review same 970000 by=- model=- note=- | heuristics: same entity FOMC, same month");
    assert_string_equal(s.text[1],
                        "rejected same 600000 by=auto model=- note=- | heuristics: same entity BTC, dates differ by 0 h");
    assert_string_equal(s.text[2],
                        "rejected same 990000 by=auto model=- note=- | vetoed: different thresholds: 120000 vs 100000");
    /* Nothing new: nothing judged, nothing written. */
    run(f, c, 3, NULL, &st);
    assert_int_equal(st.unchanged, 3);
    assert_int_equal(st.inserted + st.updated, 0);
}

static void cache_answer(fixture *f, uint32_t i, const char *model, int equivalent, int64_t conf, pm_polarity pol,
                         const char *reason, const pm_match_candidate *c) {
    pm_match_set k, p;
    pm_err err;
    assert_int_equal(pm_match_load(f->db, PM_VENUE_KALSHI, &k, &err), 0);
    assert_int_equal(pm_match_load(f->db, PM_VENUE_POLYMARKET, &p, &err), 0);
    pm_judge_pair pair = {&k.m[i], &p.m[i], c};
    char key[PM_JUDGE_KEY_LEN];
    pm_judge_key(&pair, model, key);
    pm_judge_verdict v = {.answered = 1, .equivalent = equivalent, .confidence = conf, .polarity = pol,
                          .prompt_tokens = 900, .completion_tokens = 80, .batch_pairs = 4, .latency_ms = 1200};
    snprintf(v.reason, sizeof v.reason, "%s", reason);
    assert_int_equal(pm_cache_put_answer(f->db, key, model, &v, &err), 0);
    pm_match_set_free(&k);
    pm_match_set_free(&p);
}

static void test_cached_verdicts(void **state) {
    fixture *f = *state;
    pm_match_candidate c[4] = {cand(0, 800000, 0, "FOMC"), cand(1, 900000, 0, "BTC 100k"),
                               cand(2, 990000, 1, "different thresholds"), cand(3, 700000, 0, "Trump")};
    cache_answer(f, 0, "m1", 1, 990000, PM_POLARITY_SAME, "same meeting, same source", &c[0]);
    cache_answer(f, 1, "m1", 0, 900000, PM_POLARITY_SAME, "CF Benchmarks vs Binance", &c[1]);
    cache_answer(f, 2, "m1", 1, 999000, PM_POLARITY_SAME, "looks equal", &c[2]);
    cache_answer(f, 3, "m1", 1, 960000, PM_POLARITY_INVERTED, "win is the opposite of lose", &c[3]);
    /* Every answer is cached: the LLM (nothing listens on port 9) is never called. */
    pm_llm_config llm;
    pm_llm_config_defaults(&llm);
    llm.base_url = "http://127.0.0.1:9/v1";
    llm.model = "m1";
    llm.max_attempts = 1;
    pm_match_run_stats st;
    run(f, c, 4, &llm, &st);
    assert_int_equal(st.cached, 3);
    assert_int_equal(st.asked, 0);
    assert_int_equal(st.unanswered, 0);
    assert_int_equal(st.llm.calls, 0);
    seen s;
    stored(f, &s);
    assert_string_equal(s.text[0], "pending_review same 990000 by=- model=m1 note=- | LLM (equivalent): same meeting, "
                                   "same source | heuristics: FOMC");
    assert_string_equal(s.text[1], "rejected same 100000 by=auto model=m1 note=- | LLM (not equivalent): CF Benchmarks "
                                   "vs Binance | heuristics: BTC 100k");
    assert_string_equal(s.text[2], "rejected same 990000 by=auto model=- note=- | vetoed: different thresholds");
    assert_string_equal(s.text[3], "pending_review inverted 960000 by=- model=m1 note=- | polarity: LLM says inverted, "
                                   "heuristics say same; LLM (equivalent): win is the opposite of lose | heuristics: Trump");
}

static void test_unanswered_waits(void **state) {
    fixture *f = *state;
    pm_match_candidate c[1] = {cand(0, 990000, 0, "FOMC")};
    pm_llm_config llm;
    pm_llm_config_defaults(&llm);
    llm.base_url = "http://127.0.0.1:9/v1";
    llm.model = "m1";
    llm.max_attempts = 1;
    llm.timeout_ms = 2000;
    pm_match_run_stats st;
    run(f, c, 1, &llm, &st);
    assert_int_equal(st.asked, 1);
    assert_int_equal(st.unanswered, 1);
    assert_int_equal(st.inserted, 0);
    seen s;
    stored(f, &s);
    assert_string_equal(s.text[0], "");
}

static void test_person_decision_until_text_changes(void **state) {
    fixture *f = *state;
    pm_match_candidate c[2] = {cand(0, 970000, 0, "FOMC"), cand(1, 600000, 0, "BTC")};
    pm_match_run_stats st;
    run(f, c, 2, NULL, &st);
    seen s;
    stored(f, &s);
    pm_err err;
    assert_int_equal(pm_store_review_match(f->db, s.id[0], PM_MATCH_APPROVED, "alice", NULL, &err), 0);
    assert_int_equal(pm_store_review_match(f->db, s.id[1], PM_MATCH_APPROVED, "bob", "same index", &err), 0);
    /* New scores, same text: the people's decisions stay. */
    c[0].score = 500000;
    c[1].score = 400000;
    assert_int_equal(sqlite3_exec(pm_db_handle(f->db), "DELETE FROM match_basis", NULL, NULL, NULL), SQLITE_OK);
    run(f, c, 2, NULL, &st);
    assert_int_equal(st.kept, 2);
    stored(f, &s);
    assert_string_equal(s.text[0], "approved same 970000 by=alice model=- note=- | heuristics: FOMC");
    assert_string_equal(s.text[1], "approved same 600000 by=bob model=- note=same index | heuristics: BTC");
    /* The Kalshi rules change under both: back to review, or rejected when now vetoed. */
    upsert(f->db, PM_VENUE_KALSHI, "KX0", "Fed cut in December?", "Kalshi rules v2.");
    upsert(f->db, PM_VENUE_KALSHI, "KX1", "BTC above 100k?", "Kalshi rules v2.");
    c[1] = cand(1, 600000, 1, "different resolution sources: CF Benchmarks vs Binance");
    run(f, c, 2, NULL, &st);
    assert_int_equal(st.reopened, 2);
    stored(f, &s);
    assert_string_equal(s.text[0], "pending_review same 500000 by=- model=- note=market text changed after this pair "
                                   "was approved by a person: review it again | heuristics: FOMC");
    assert_string_equal(s.text[1], "rejected same 600000 by=auto model=- note=market text changed after this pair was "
                                   "approved by a person: review it again | vetoed: different resolution sources: CF "
                                   "Benchmarks vs Binance");
    run(f, c, 2, NULL, &st);
    assert_int_equal(st.unchanged, 2);
    /* Approved, then its text changes while the pair is no longer a candidate: back to review. */
    assert_int_equal(pm_store_review_match(f->db, s.id[0], PM_MATCH_APPROVED, "alice", NULL, &err), 0);
    upsert(f->db, PM_VENUE_POLYMARKET, "0x0", "Fed decreases rates in December?", "Polymarket rules v2.");
    run(f, c + 1, 1, NULL, &st);
    assert_int_equal(st.unchanged, 1);
    assert_int_equal(st.reopened, 1);
    stored(f, &s);
    assert_string_equal(s.text[0], "pending_review same 500000 by=- model=- note=market text changed after this pair "
                                   "was approved by a person, and it is no longer a candidate: review it again | "
                                   "heuristics: FOMC");
    run(f, c + 1, 1, NULL, &st);
    assert_int_equal(st.reopened, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_heuristic_threshold_and_vetoes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cached_verdicts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unanswered_waits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_person_decision_until_text_changes, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
