/* test_pair_cache.c — the approved-pair cache: lookups by ticker, token (with polarity) and
 * id, keys that are not NUL-terminated, markets in several pairs, closing markets, skipped
 * rows, loading from the database, the reload hand-over, and 10,000 pairs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/pair_cache.h"
#include "store/live_orders.h"
#include "store/markets.h"
#include "testutil.h"
#include "util/log.h"

typedef struct row_text {
    char id[40], ticker[40], cid[40], yes[40], no[40];
} row_text;

static pm_match_row row(row_text *t, int i, const char *ticker, pm_polarity pol) {
    snprintf(t->id, sizeof t->id, "pair-%d", i);
    snprintf(t->ticker, sizeof t->ticker, "%s", ticker);
    snprintf(t->cid, sizeof t->cid, "0xcond%d", i);
    snprintf(t->yes, sizeof t->yes, "%d1", 1000 + i);
    snprintf(t->no, sizeof t->no, "%d2", 1000 + i);
    pm_match_row r;
    memset(&r, 0, sizeof r);
    snprintf(r.id, sizeof r.id, "%.36s", t->id);
    r.status = PM_MATCH_APPROVED;
    r.polarity = pol;
    pm_market_init(&r.kalshi, PM_VENUE_KALSHI);
    pm_market_init(&r.polymarket, PM_VENUE_POLYMARKET);
    r.kalshi.platform_market_id = t->ticker;
    r.kalshi.close_time = "2026-12-31T00:00:00Z";
    r.kalshi.tick_size = 10000;
    r.kalshi.fee_type = "quadratic";
    r.kalshi.fee_multiplier = 1000000;
    r.polymarket.platform_market_id = t->cid;
    r.polymarket.outcome_yes_id = t->yes;
    r.polymarket.outcome_no_id = t->no;
    r.polymarket.tick_size = 1000;
    r.polymarket.fee_rate_bps = 400;
    r.polymarket.neg_risk = 1;
    r.polymarket.protocol_version = i == 1 ? "v2" : i == 2 ? "v1" : NULL;
    return r;
}

static pm_pair_cache *build3(void) {
    pm_pair_cache *c = pm_pair_cache_new(2);
    row_text t[3];
    pm_err err;
    pm_match_row r0 = row(&t[0], 0, "KXA", PM_POLARITY_SAME);
    pm_match_row r1 = row(&t[1], 1, "KXB", PM_POLARITY_INVERTED);
    pm_match_row r2 = row(&t[2], 2, "KXA", PM_POLARITY_SAME); /* KXA matched to a second market */
    assert_int_equal(pm_pair_cache_add(c, &r0, &err), 0);
    assert_int_equal(pm_pair_cache_add(c, &r1, &err), 0);
    assert_int_equal(pm_pair_cache_add(c, &r2, &err), 0);
    assert_int_equal(pm_pair_cache_finish(c, &err), 0);
    return c;
}

static void test_lookups(void **state) {
    (void)state;
    pm_pair_cache *c = build3();
    assert_int_equal(pm_pair_cache_count(c), 3);
    assert_int_equal(pm_pair_cache_active(c), 3);
    size_t n;
    const pm_pair_leg *l = pm_pair_cache_by_kalshi(c, "KXB", 3, &n);
    assert_int_equal(n, 1);
    assert_string_equal(l[0].pair->id, "pair-1");
    assert_int_equal(l[0].venue, PM_VENUE_KALSHI);
    assert_int_equal(l[0].outcome, PM_OUTCOME_YES);
    assert_int_equal(l[0].kalshi_outcome, PM_OUTCOME_YES);
    assert_int_equal(l[0].pair->kalshi.close_ns, 1798675200000000000LL);
    assert_int_equal(l[0].pair->kalshi.fee_multiplier, 1000000);
    assert_string_equal(l[0].pair->kalshi.fee_type, "quadratic");
    l = pm_pair_cache_by_kalshi(c, "KXA", 3, &n);
    assert_int_equal(n, 2);
    assert_string_equal(l[0].pair->id, "pair-0");
    assert_string_equal(l[1].pair->id, "pair-2");
    /* same polarity: the YES token pays with Kalshi YES */
    l = pm_pair_cache_by_token(c, "10001", 5, &n);
    assert_int_equal(n, 1);
    assert_int_equal(l[0].venue, PM_VENUE_POLYMARKET);
    assert_int_equal(l[0].outcome, PM_OUTCOME_YES);
    assert_int_equal(l[0].kalshi_outcome, PM_OUTCOME_YES);
    l = pm_pair_cache_by_token(c, "10002", 5, &n);
    assert_int_equal(l[0].outcome, PM_OUTCOME_NO);
    assert_int_equal(l[0].kalshi_outcome, PM_OUTCOME_NO);
    /* inverted: the YES token pays with Kalshi NO */
    l = pm_pair_cache_by_token(c, "10011", 5, &n);
    assert_int_equal(l[0].outcome, PM_OUTCOME_YES);
    assert_int_equal(l[0].kalshi_outcome, PM_OUTCOME_NO);
    l = pm_pair_cache_by_token(c, "10012", 5, &n);
    assert_int_equal(l[0].outcome, PM_OUTCOME_NO);
    assert_int_equal(l[0].kalshi_outcome, PM_OUTCOME_YES);
    assert_int_equal(l[0].pair->polymarket.neg_risk, 1);
    assert_int_equal(l[0].pair->polymarket.fee_rate_bps, 400);
    assert_int_equal(l[0].pair->polymarket.exchange_version, 3); /* pair-1: Gamma "v2" */
    assert_int_equal(pm_pair_cache_by_token(c, "10001", 5, &n)[0].pair->polymarket.exchange_version, 2); /* none */
    assert_int_equal(pm_pair_cache_by_token(c, "10021", 5, &n)[0].pair->polymarket.exchange_version, 2); /* "v1" */
    /* keys inside a larger buffer, as jsmn hands them over */
    const char *frame = "{\"market_ticker\":\"KXBTC\",\"asset_id\":\"100210\"}";
    assert_null(pm_pair_cache_by_kalshi(c, frame + 18, 4, &n)); /* "KXBT" */
    assert_int_equal(n, 0);
    l = pm_pair_cache_by_kalshi(c, frame + 18, 3, &n); /* "KXB" */
    assert_int_equal(n, 1);
    l = pm_pair_cache_by_token(c, frame + 37, 5, &n); /* "10021" */
    assert_int_equal(n, 1);
    assert_string_equal(l[0].pair->id, "pair-2");
    assert_null(pm_pair_cache_by_token(c, "999", 3, &n));
    pm_pair *p = pm_pair_cache_by_id(c, "pair-1", 6);
    assert_non_null(p);
    assert_int_equal(p->polarity, PM_POLARITY_INVERTED);
    assert_int_equal(p->index, 1);
    assert_ptr_equal(pm_pair_cache_at(c, 1), p);
    assert_null(pm_pair_cache_by_id(c, "pair-9", 6));
    assert_null(pm_pair_cache_at(c, 3));
    pm_pair_cache_free(c);
}

static void test_close_market(void **state) {
    (void)state;
    pm_pair_cache *c = build3();
    size_t n;
    assert_int_equal(pm_pair_cache_close_market(c, PM_VENUE_KALSHI, "KXA", 3), 2);
    assert_int_equal(pm_pair_cache_active(c), 1);
    assert_null(pm_pair_cache_by_kalshi(c, "KXA", 3, &n));
    assert_null(pm_pair_cache_by_token(c, "10001", 5, &n));
    assert_null(pm_pair_cache_by_token(c, "10022", 5, &n));
    pm_pair *p = pm_pair_cache_by_id(c, "pair-0", 6);
    assert_non_null(p);
    assert_int_equal(p->active, 0);
    assert_non_null(pm_pair_cache_by_kalshi(c, "KXB", 3, &n));
    assert_int_equal(pm_pair_cache_close_market(c, PM_VENUE_KALSHI, "KXA", 3), 0); /* again: nothing */
    assert_int_equal(pm_pair_cache_close_market(c, PM_VENUE_POLYMARKET, "0xcond1", 7), 1);
    assert_null(pm_pair_cache_by_kalshi(c, "KXB", 3, &n));
    assert_null(pm_pair_cache_by_token(c, "10011", 5, &n));
    assert_int_equal(pm_pair_cache_active(c), 0);
    assert_int_equal(pm_pair_cache_close_market(c, PM_VENUE_POLYMARKET, "0xnone", 6), 0);
    pm_pair_cache_free(c);
}

static void test_skipped_and_duplicates(void **state) {
    (void)state;
    pm_pair_cache *c = pm_pair_cache_new(4);
    row_text t;
    pm_err err;
    pm_match_row r = row(&t, 1, "KX", PM_POLARITY_SAME);
    r.polymarket.outcome_no_id = NULL;
    assert_int_equal(pm_pair_cache_add(c, &r, &err), 1);
    assert_string_equal(err.msg, "missing or over-long Polymarket token id");
    r = row(&t, 1, "KX", PM_POLARITY_SAME);
    r.polymarket.outcome_no_id = r.polymarket.outcome_yes_id;
    assert_int_equal(pm_pair_cache_add(c, &r, &err), 1);
    assert_string_equal(err.msg, "Polymarket YES and NO token ids are equal");
    r = row(&t, 1, "", PM_POLARITY_SAME);
    assert_int_equal(pm_pair_cache_add(c, &r, &err), 1);
    assert_string_equal(err.msg, "missing or over-long Kalshi ticker");
    r = row(&t, 1, "KX", PM_POLARITY_SAME);
    r.status = PM_MATCH_PENDING_REVIEW;
    assert_int_equal(pm_pair_cache_add(c, &r, &err), 1);
    assert_string_equal(err.msg, "not approved");
    r = row(&t, 1, "KX", PM_POLARITY_SAME);
    r.kalshi.close_time = "soon";
    assert_int_equal(pm_pair_cache_add(c, &r, &err), 1);
    assert_string_equal(err.msg, "unreadable close time");
    assert_int_equal(pm_pair_cache_skipped(c), 5);
    assert_int_equal(pm_pair_cache_count(c), 0);
    r = row(&t, 1, "KX", PM_POLARITY_SAME);
    assert_int_equal(pm_pair_cache_add(c, &r, &err), 0);
    assert_int_equal(pm_pair_cache_add(c, &r, &err), 0);
    assert_int_equal(pm_pair_cache_finish(c, &err), -1);
    assert_string_equal(err.msg, "pair pair-1 appears twice");
    pm_pair_cache_free(c);
    /* an empty cache answers lookups */
    c = pm_pair_cache_new(0);
    assert_int_equal(pm_pair_cache_finish(c, &err), 0);
    size_t n;
    assert_null(pm_pair_cache_by_kalshi(c, "KX", 2, &n));
    assert_null(pm_pair_cache_by_id(c, "x", 1));
    pm_pair_cache_free(c);
}

static void put_market(pm_db *db, pm_market *m, const char *status) {
    pm_err err;
    pm_upsert_result res;
    m->status = status;
    if (pm_store_upsert_market(db, m, 1000, &res, &err)) fail_msg("%s", err.msg);
}

static void test_load_from_database(void **state) {
    (void)state;
    char *dir = pm_test_tmpdir(), *path = pm_test_path(dir, "m.db");
    pm_db *db;
    pm_err err;
    assert_int_equal(pm_db_open(path, PM_DB_MIGRATE, 5000, &db, &err), 0);
    const char *status[] = {"approve", "approve-closed", "pending", "rejected"};
    for (int i = 0; i < 4; i++) {
        char ticker[16], cid[16], yes[16], no[16];
        snprintf(ticker, sizeof ticker, "K%d", i);
        snprintf(cid, sizeof cid, "0xc%d", i);
        snprintf(yes, sizeof yes, "%d1", i + 10);
        snprintf(no, sizeof no, "%d2", i + 10);
        pm_market k, p;
        pm_market_init(&k, PM_VENUE_KALSHI);
        k.platform_market_id = ticker;
        k.title = "k";
        pm_market_init(&p, PM_VENUE_POLYMARKET);
        p.platform_market_id = cid;
        p.title = "p";
        p.outcome_yes_id = yes;
        p.outcome_no_id = no;
        put_market(db, &k, "active");
        put_market(db, &p, i == 1 ? "closed" : "active");
        pm_candidate cand = {.kalshi_market_id = k.id, .polymarket_market_id = p.id, .confidence = 990000,
                             .polarity = i == 0 ? PM_POLARITY_INVERTED : PM_POLARITY_SAME,
                             .status = i == 3 ? PM_MATCH_REJECTED : PM_MATCH_PENDING_REVIEW};
        char id[PM_UUID_LEN];
        pm_candidate_result cr;
        assert_int_equal(pm_store_put_candidate(db, &cand, id, &cr, &err), 0);
        if (!strncmp(status[i], "approve", 7))
            assert_int_equal(pm_store_review_match(db, id, PM_MATCH_APPROVED, "alice", NULL, &err), 0);
    }
    pm_pair_cache *c;
    assert_int_equal(pm_pair_cache_load(db, &c, &err), 0);
    assert_int_equal(pm_pair_cache_count(c), 1);
    size_t n;
    const pm_pair_leg *l = pm_pair_cache_by_token(c, "101", 3, &n);
    assert_int_equal(n, 1);
    assert_string_equal(l[0].pair->kalshi.ticker, "K0");
    assert_int_equal(l[0].kalshi_outcome, PM_OUTCOME_NO);
    assert_true(pm_uuid_valid(l[0].pair->id));
    assert_true(pm_uuid_valid(l[0].pair->kalshi.market_id));
    assert_null(pm_pair_cache_by_kalshi(c, "K1", 2, &n));
    assert_false(l[0].pair->halted);
    char id[PM_UUID_LEN];
    snprintf(id, sizeof id, "%s", l[0].pair->id);
    pm_pair_cache_free(c);
    /* a halt a person has not cleared comes with the pair; a cleared one does not */
    pm_record h = {.kind = PM_REC_PAIR_HALT, .u.pair_halt = {.reason = "repeated one-legged fills", .created_ns = 5}};
    snprintf(h.u.pair_halt.match_id, sizeof h.u.pair_halt.match_id, "%s", id);
    assert_int_equal(pm_store_write_record(db, &h, NULL, &err), 0);
    assert_int_equal(pm_pair_cache_load(db, &c, &err), 0);
    assert_true(pm_pair_cache_by_id(c, id, strlen(id))->halted);
    pm_pair_cache_free(c);
    int cleared;
    assert_int_equal(pm_store_clear_pair_halt(db, id, "alice", 6, &cleared, &err), 0);
    assert_int_equal(cleared, 1);
    assert_int_equal(pm_pair_cache_load(db, &c, &err), 0);
    assert_false(pm_pair_cache_by_id(c, id, strlen(id))->halted);
    pm_pair_cache_free(c);
    pm_db_close(db);
    pm_test_rmtree(dir);
    free(path);
    free(dir);
}

static pm_pair_cache *tiny(const char *ticker) {
    pm_pair_cache *c = pm_pair_cache_new(1);
    row_text t;
    pm_err err;
    pm_match_row r = row(&t, 1, ticker, PM_POLARITY_SAME);
    assert_int_equal(pm_pair_cache_add(c, &r, &err), 0);
    assert_int_equal(pm_pair_cache_finish(c, &err), 0);
    return c;
}

static void test_slot(void **state) {
    (void)state;
    pm_pair_slot s;
    pm_pair_cache *first = tiny("A");
    pm_pair_slot_init(&s, first);
    assert_ptr_equal(pm_pair_slot_adopt(&s), first); /* nothing offered */
    assert_int_equal(pm_pair_slot_take_request(&s), 0);
    pm_pair_slot_request_reload(&s);
    assert_int_equal(pm_pair_slot_take_request(&s), 1);
    assert_int_equal(pm_pair_slot_take_request(&s), 0);
    pm_pair_slot_publish(&s, tiny("B"));
    pm_pair_cache *third = tiny("C");
    pm_pair_slot_publish(&s, third); /* B is displaced before adoption and freed */
    assert_ptr_equal(pm_pair_slot_adopt(&s), third);
    size_t n;
    assert_non_null(pm_pair_cache_by_kalshi(s.current, "C", 1, &n));
    pm_pair_slot_publish(&s, tiny("D"));
    pm_pair_slot_destroy(&s); /* frees current and the pending offer */
}

typedef struct publisher {
    pm_pair_slot *slot;
    int n;
} publisher;

static void *publish_many(void *arg) {
    publisher *p = arg;
    for (int i = 0; i < p->n; i++) pm_pair_slot_publish(p->slot, tiny(i == p->n - 1 ? "LAST" : "X"));
    return NULL;
}

static void test_slot_concurrent(void **state) {
    (void)state;
    pm_pair_slot s;
    pm_pair_slot_init(&s, tiny("FIRST"));
    publisher pub = {&s, 500};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, publish_many, &pub), 0);
    for (int i = 0; i < 2000; i++) {
        pm_pair_cache *c = pm_pair_slot_adopt(&s);
        assert_non_null(c);
        assert_int_equal(pm_pair_cache_count(c), 1);
    }
    pthread_join(t, NULL);
    pm_pair_cache *c = pm_pair_slot_adopt(&s);
    size_t n;
    assert_non_null(pm_pair_cache_by_kalshi(c, "LAST", 4, &n));
    pm_pair_slot_destroy(&s);
}

static void test_ten_thousand(void **state) {
    (void)state;
    enum { N = 10000 };
    pm_pair_cache *c = pm_pair_cache_new(16);
    pm_err err;
    for (int i = 0; i < N; i++) {
        row_text t;
        char ticker[32];
        snprintf(ticker, sizeof ticker, "KXT-%05d", i);
        pm_match_row r = row(&t, i, ticker, i % 2 ? PM_POLARITY_INVERTED : PM_POLARITY_SAME);
        assert_int_equal(pm_pair_cache_add(c, &r, &err), 0);
    }
    assert_int_equal(pm_pair_cache_finish(c, &err), 0);
    for (int i = 0; i < N; i++) {
        char ticker[32], yes[32], id[32];
        snprintf(ticker, sizeof ticker, "KXT-%05d", i);
        snprintf(yes, sizeof yes, "%d1", 1000 + i);
        snprintf(id, sizeof id, "pair-%d", i);
        size_t n;
        const pm_pair_leg *l = pm_pair_cache_by_kalshi(c, ticker, strlen(ticker), &n);
        assert_int_equal(n, 1);
        assert_int_equal(l[0].pair->index, (uint32_t)i);
        l = pm_pair_cache_by_token(c, yes, strlen(yes), &n);
        assert_int_equal(n, 1);
        assert_int_equal(l[0].kalshi_outcome, i % 2 ? PM_OUTCOME_NO : PM_OUTCOME_YES);
        assert_int_equal(pm_pair_cache_by_id(c, id, strlen(id))->index, (uint32_t)i);
    }
    pm_pair_cache_free(c);
}

int main(void) {
    pm_log_set_level(PM_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookups),          cmocka_unit_test(test_close_market),
        cmocka_unit_test(test_skipped_and_duplicates), cmocka_unit_test(test_load_from_database),
        cmocka_unit_test(test_slot),             cmocka_unit_test(test_slot_concurrent),
        cmocka_unit_test(test_ten_thousand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
