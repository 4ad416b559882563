/* test_bench_stream.c — the benchmark's generated stream: the same seed gives the same bytes, and
 * every message goes through the real Kalshi and Polymarket feeds cleanly (no malformed frame,
 * no seq gap, no inconsistent delta, no top-of-book disagreement, no resync). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/bench_stream.h"
#include "venue/kalshi/feed.h"
#include "venue/polymarket/feed.h"

#define PAIRS 300 /* two Kalshi subscriptions of 200 and 100 tickers */
#define MESSAGES 20000

static void test_deterministic(void **state) {
    (void)state;
    pm_err err;
    pm_bench_gen *a = pm_bench_gen_new(PAIRS, 7, 1, &err), *b = pm_bench_gen_new(PAIRS, 7, 1, &err),
                 *c = pm_bench_gen_new(PAIRS, 8, 1, &err);
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    assert_int_equal(pm_bench_initial(a), 3 * PAIRS);
    assert_string_equal(pm_bench_ticker(a, 5), pm_bench_ticker(b, 5));
    assert_int_equal(strlen(pm_bench_token(a, 0, PM_OUTCOME_YES)), 77);
    assert_int_equal(strlen(pm_bench_condition(a, 0)), 66);
    pm_bench_batch x, y, z;
    assert_int_equal(pm_bench_batch_init(&x, 4096, 4096 * 1024), 0);
    assert_int_equal(pm_bench_batch_init(&y, 4096, 4096 * 1024), 0);
    assert_int_equal(pm_bench_batch_init(&z, 4096, 4096 * 1024), 0);
    for (int round = 0; round < 3; round++) {
        assert_int_equal(pm_bench_gen_fill(a, &x, 4000), 4000);
        assert_int_equal(pm_bench_gen_fill(b, &y, 4000), 4000);
        assert_int_equal(pm_bench_gen_fill(c, &z, 4000), 4000);
        assert_int_equal(x.text_len, y.text_len);
        assert_memory_equal(x.text, y.text, x.text_len);
        for (size_t k = 0; k < x.n; k++) {
            assert_int_equal(x.msg[k].kind, y.msg[k].kind);
            assert_int_equal(x.msg[k].pair, y.msg[k].pair);
            assert_int_equal(x.msg[k].len, y.msg[k].len);
        }
        assert_true(x.text_len != z.text_len || memcmp(x.text, z.text, x.text_len) != 0);
    }
    pm_bench_batch_free(&x);
    pm_bench_batch_free(&y);
    pm_bench_batch_free(&z);
    pm_bench_gen_free(a);
    pm_bench_gen_free(b);
    pm_bench_gen_free(c);
}

static void test_first_messages(void **state) {
    (void)state;
    pm_err err;
    pm_bench_gen *g = pm_bench_gen_new(PAIRS, 1, 0, &err);
    pm_bench_batch b;
    assert_int_equal(pm_bench_batch_init(&b, 3, 1 << 16), 0);
    assert_int_equal(pm_bench_gen_fill(g, &b, 10), 3); /* the batch's room */
    const char *k = "{\"type\":\"orderbook_snapshot\",\"sid\":1,\"seq\":1,\"msg\":{\"market_ticker\":\"";
    assert_memory_equal(b.text + b.msg[0].off, k, strlen(k));
    assert_int_equal(b.msg[0].kind, PM_BENCH_K_SNAPSHOT);
    assert_int_equal(b.msg[0].venue, PM_VENUE_KALSHI);
    assert_int_equal(b.msg[1].kind, PM_BENCH_P_BOOK);
    assert_int_equal(b.msg[1].token, 0);
    assert_int_equal(b.msg[2].kind, PM_BENCH_P_BOOK);
    assert_int_equal(b.msg[2].token, 1);
    assert_int_equal(b.msg[2].venue, PM_VENUE_POLYMARKET);
    char want[200];
    snprintf(want, sizeof want, "{\"market\":\"%s\",\"asset_id\":\"%s\",\"timestamp\":\"", pm_bench_condition(g, 0),
             pm_bench_token(g, 0, PM_OUTCOME_NO));
    assert_memory_equal(b.text + b.msg[2].off, want, strlen(want));
    assert_int_equal(pm_bench_gen_set_sid(g, 0, 0), -1);
    assert_int_equal(pm_bench_gen_set_sid(g, PAIRS, 1), -1);
    assert_int_equal(pm_bench_gen_set_sid(g, 0, 3), 0);
    pm_bench_batch_free(&b);
    pm_bench_gen_free(g);
}

static void run_through_feeds(int yes_price) {
    pm_err err;
    pm_bench_gen *g = pm_bench_gen_new(PAIRS, 42, yes_price, &err);
    assert_non_null(g);
    const char *tickers[PAIRS];
    for (size_t i = 0; i < PAIRS; i++) tickers[i] = pm_bench_ticker(g, i);
    kalshi_feed *kf = kalshi_feed_new(tickers, PAIRS, yes_price, &err);
    assert_non_null(kf);
    kalshi_feed_connected(kf, 0);
    size_t len;
    const char *cmd;
    char acks[4][160];
    int nacks = 0;
    while ((cmd = kalshi_feed_next_command(kf, &len)))
        if (strstr(cmd, "\"orderbook_delta\"") && nacks < 4) {
            long long id = strtoll(strstr(cmd, "\"id\":") + 5, NULL, 10);
            snprintf(acks[nacks], sizeof acks[nacks], "{\"type\":\"subscribed\",\"id\":%lld,\"msg\":{\"channel\":\"orderbook_delta\",\"sid\":%d}}",
                     id, nacks + 1);
            nacks++;
        }
    assert_int_equal(nacks, 2);
    kalshi_feed_result res;
    for (int k = 0; k < nacks; k++) kalshi_feed_frame(kf, acks[k], strlen(acks[k]), 0, &res);
    poly_feed_config pc;
    poly_feed_config_default(&pc);
    poly_feed *pf = poly_feed_new(&pc, 2 * PAIRS, &err);
    assert_non_null(pf);
    for (size_t i = 0; i < PAIRS; i++) {
        assert_true(poly_feed_add(pf, pm_bench_token(g, i, PM_OUTCOME_YES), &err) >= 0);
        assert_true(poly_feed_add(pf, pm_bench_token(g, i, PM_OUTCOME_NO), &err) >= 0);
    }
    for (size_t c = 0; c < poly_feed_connections(pf); c++) {
        poly_feed_connected(pf, (int)c, 0);
        while (poly_feed_next_command(pf, (int)c, &len)) {
        }
    }
    pm_bench_batch b;
    assert_int_equal(pm_bench_batch_init(&b, 4096, 4096 * 1024), 0);
    size_t kinds[PM_BENCH_KINDS] = {0}, done = 0;
    int64_t now = 1000;
    while (done < MESSAGES) {
        size_t n = pm_bench_gen_fill(g, &b, MESSAGES - done);
        assert_true(n > 0);
        for (size_t k = 0; k < n; k++, now += 1000) {
            const pm_bench_msg *m = &b.msg[k];
            assert_true(m->len < PM_BENCH_MSG_MAX);
            kinds[m->kind]++;
            if (m->venue == PM_VENUE_KALSHI) {
                kalshi_feed_frame(kf, b.text + m->off, m->len, now, &res);
                assert_int_equal(res.event, KALSHI_FEED_BOOK);
                assert_int_equal(res.market, (int)m->pair);
            } else {
                poly_feed_frame(pf, 0, b.text + m->off, m->len, now, NULL, NULL);
            }
        }
        done += n;
    }
    kalshi_feed_stats ks;
    poly_feed_stats ps;
    kalshi_feed_get_stats(kf, &ks);
    poly_feed_get_stats(pf, &ps);
    assert_int_equal(ks.malformed, 0);
    assert_int_equal(ks.gaps, 0);
    assert_int_equal(ks.inconsistent, 0);
    assert_int_equal(ks.resyncs, 0);
    assert_int_equal(ks.book_updates, kinds[PM_BENCH_K_SNAPSHOT] + kinds[PM_BENCH_K_DELTA]);
    assert_int_equal(ps.malformed, 0);
    assert_int_equal(ps.resyncs, 0);
    assert_int_equal(ps.mismatches, 0);
    assert_int_equal(ps.unknown_asset, 0);
    assert_int_equal(ps.ignored_deltas, 0);
    assert_int_equal(ps.snapshots, kinds[PM_BENCH_P_BOOK]);
    assert_int_equal(ps.deltas, 2 * kinds[PM_BENCH_P_CHANGE]);
    for (int k = 0; k < PM_BENCH_KINDS; k++) assert_true(kinds[k] > 0);
    assert_true(kinds[PM_BENCH_P_CHANGE] > kinds[PM_BENCH_K_DELTA]);
    for (size_t i = 0; i < PAIRS; i++) { /* every book live and uncrossed */
        const pm_book *k = kalshi_feed_book(kf, (int)i);
        assert_int_equal(k->state, PM_BOOK_LIVE);
        assert_true(pm_book_best(&k->bid)->px < pm_book_best(&k->ask)->px);
        const pm_book *y = poly_feed_book(pf, poly_feed_index(pf, pm_bench_token(g, i, PM_OUTCOME_YES), 77));
        const pm_book *n = poly_feed_book(pf, poly_feed_index(pf, pm_bench_token(g, i, PM_OUTCOME_NO), 77));
        assert_int_equal(y->state, PM_BOOK_LIVE);
        assert_int_equal(pm_book_best(&y->bid)->px + pm_book_best(&n->ask)->px, 1000000); /* NO mirrors YES */
        assert_int_equal(pm_book_best(&y->ask)->px + pm_book_best(&n->bid)->px, 1000000);
    }
    pm_bench_batch_free(&b);
    kalshi_feed_free(kf);
    poly_feed_free(pf);
    pm_bench_gen_free(g);
}

static void test_feeds_apply_cleanly(void **state) {
    (void)state;
    run_through_feeds(1);
}

static void test_feeds_apply_cleanly_no_prices(void **state) {
    (void)state;
    run_through_feeds(0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_first_messages),
        cmocka_unit_test(test_feeds_apply_cleanly),
        cmocka_unit_test(test_feeds_apply_cleanly_no_prices),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
