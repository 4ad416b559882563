/* test_engine.c — the engine on core events from both feeds, driven input by input through
 * pm_feeds (as links and replays do): the freshness gate follows the Polymarket connection
 * carrying a pair's tokens, a Kalshi event's fee override, once cleared, falls back to the
 * schedule the pair cache holds, and a reload subscribes a new pair's Kalshi ticker. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/risk.h"
#include "engine/engine.h"
#include "venue/polymarket/book_hash.h"
#include "venue/polymarket/feed.h"

#define TICKER "KXTEST-26DEC-T1"
#define YES "111"
#define NO "222"

static pm_config cfg;

static void add_pair(pm_pair_cache *c, const char *id, const char *ticker, const char *yes, const char *no,
                     const char *fee_type, int64_t fee_multiplier) {
    pm_match_row r;
    memset(&r, 0, sizeof r);
    snprintf(r.id, sizeof r.id, "%s", id);
    r.status = PM_MATCH_APPROVED;
    r.polarity = PM_POLARITY_SAME;
    pm_market_init(&r.kalshi, PM_VENUE_KALSHI);
    pm_market_init(&r.polymarket, PM_VENUE_POLYMARKET);
    snprintf(r.kalshi.id, sizeof r.kalshi.id, "k-%s", ticker);
    snprintf(r.polymarket.id, sizeof r.polymarket.id, "p-%s", yes);
    r.kalshi.platform_market_id = ticker;
    r.kalshi.close_time = "2027-12-31T23:59:00Z";
    r.kalshi.tick_size = -1;
    r.kalshi.min_order_size = -1;
    r.kalshi.fee_type = fee_type;
    r.kalshi.fee_multiplier = fee_multiplier;
    r.polymarket.platform_market_id = yes;
    r.polymarket.outcome_yes_id = yes;
    r.polymarket.outcome_no_id = no;
    r.polymarket.close_time = "2027-12-31T23:59:00Z";
    r.polymarket.tick_size = 10000;
    r.polymarket.min_order_size = 5000000;
    r.polymarket.fee_rate_bps = 0;
    pm_err err;
    assert_int_equal(pm_pair_cache_add(c, &r, &err), 0);
}

static pm_pair_cache *one_pair(const char *fee_type, int64_t fee_multiplier) {
    pm_pair_cache *c = pm_pair_cache_new(1);
    add_pair(c, "0192f0c4-0000-7000-8000-000000000001", TICKER, YES, NO, fee_type, fee_multiplier);
    pm_err err;
    assert_int_equal(pm_pair_cache_finish(c, &err), 0);
    return c;
}

static pm_engine *new_engine_room(pm_pair_cache *c, size_t max_tokens) {
    pm_config_defaults(&cfg);
    cfg.strategy.min_annualized_return = 0;
    cfg.strategy.max_book_age_ms = 3600000;
    pm_engine *e;
    pm_err err;
    assert_int_equal(pm_engine_new(&cfg, c, NULL, max_tokens, &e, &err), 0);
    pm_engine_set_clock_offset(e, 1790000000LL * 1000000000LL); /* late 2026 */
    return e;
}

static pm_engine *new_engine(pm_pair_cache *c) { return new_engine_room(c, 0); }

static void frame(pm_engine *e, pm_venue v, int conn, const char *text, int64_t now) {
    pm_feeds_frame(pm_engine_feeds(e), v, conn, text, strlen(text), now);
}

/* Polymarket NO asks at `no_ask` (YES asks 0.99): with Kalshi's YES ask 0.40 a cross-venue edge. */
static void poly_books(pm_engine *e, const char *no_ask, int64_t now) {
    char b[256];
    snprintf(b, sizeof b, "{\"event_type\":\"book\",\"asset_id\":\"" NO "\",\"bids\":[{\"price\":\"0.01\",\"size\":\"5\"}],"
             "\"asks\":[{\"price\":\"%s\",\"size\":\"50\"}]}", no_ask);
    frame(e, PM_VENUE_POLYMARKET, 0, "{\"event_type\":\"book\",\"asset_id\":\"" YES "\",\"bids\":[{\"price\":\"0.01\","
          "\"size\":\"5\"}],\"asks\":[{\"price\":\"0.99\",\"size\":\"50\"}]}", now);
    frame(e, PM_VENUE_POLYMARKET, 0, b, now);
}

/* Both feeds connected and subscribed; Kalshi's YES ask 0.40 × 50 (a NO bid of 0.60, in YES terms as
 * subscribed), YES bid 0.01. */
static void go_live(pm_engine *e, int64_t now) {
    pm_feeds *f = pm_engine_feeds(e);
    pm_feeds_connected(f, PM_VENUE_KALSHI, 0, now);
    pm_feeds_connected(f, PM_VENUE_POLYMARKET, 0, now);
    size_t len;
    while (pm_feeds_next_command(f, PM_VENUE_KALSHI, 0, &len)) {}
    while (pm_feeds_next_command(f, PM_VENUE_POLYMARKET, 0, &len)) {}
    frame(e, PM_VENUE_KALSHI, 0, "{\"type\":\"subscribed\",\"id\":1,\"msg\":{\"channel\":\"orderbook_delta\",\"sid\":1}}", now);
    frame(e, PM_VENUE_KALSHI, 0, "{\"type\":\"subscribed\",\"id\":2,\"msg\":{\"channel\":\"market_lifecycle_v2\",\"sid\":2}}", now);
    frame(e, PM_VENUE_KALSHI, 0, "{\"type\":\"orderbook_snapshot\",\"sid\":1,\"seq\":1,\"msg\":{\"market_ticker\":\"" TICKER
          "\",\"yes_dollars_fp\":[[\"0.0100\",\"5.00\"]],\"no_dollars_fp\":[[\"0.4000\",\"50.00\"]]}}", now);
    poly_books(e, "0.40", now);
}

static pm_engine_stats stats(const pm_engine *e) {
    pm_engine_stats st;
    pm_engine_get_stats(e, &st);
    return st;
}

static void test_polymarket_connection_down_closes_the_gate(void **state) {
    (void)state;
    pm_engine *e = new_engine(one_pair("quadratic", 1000000));
    go_live(e, 1000);
    pm_engine_stats st = stats(e);
    assert_int_equal(st.opportunities, 1);
    assert_int_equal(st.det[PM_DET_FOUND], 1);
    assert_int_equal(st.det[PM_DET_NOT_FRESH], 3); /* scans while a Polymarket book was still empty */

    /* the connection drops; a book message read before the drop still arrives and makes the
     * books LIVE again, but nothing on a connection that is down is fresh */
    pm_feeds_disconnected(pm_engine_feeds(e), PM_VENUE_POLYMARKET, 0, 2000);
    poly_books(e, "0.39", 3000);
    assert_int_equal(poly_feed_book(pm_feeds_poly(pm_engine_feeds(e)), 1)->state, PM_BOOK_LIVE);
    st = stats(e);
    assert_int_equal(st.opportunities, 1);
    assert_int_equal(st.det[PM_DET_FOUND], 1);
    assert_int_equal(st.det[PM_DET_SUPPRESSED], 0);
    assert_int_equal(st.det[PM_DET_NOT_FRESH], 3 + 2 * 2); /* two book updates, both directions */

    /* back up: tradable again on both books' updates (the NO ask still 0.39 on the first) */
    pm_feeds_connected(pm_engine_feeds(e), PM_VENUE_POLYMARKET, 0, 4000);
    poly_books(e, "0.38", 5000);
    st = stats(e);
    assert_int_equal(st.opportunities, 3);
    assert_int_equal(st.det[PM_DET_FOUND], 3);
    assert_int_equal(st.det[PM_DET_NOT_FRESH], 3 + 2 * 2);
    pm_engine_free(e);
}

/* An event_fee_update for the pair's event on the lifecycle subscription (sid 2). */
static void fee_update(pm_engine *e, int seq, const char *type, const char *mult, int64_t now) {
    char b[320];
    snprintf(b, sizeof b, "{\"type\":\"event_fee_update\",\"sid\":2,\"seq\":%d,\"msg\":{\"event_ticker\":"
             "\"KXTEST-26DEC\",\"fee_type_override\":%s,\"fee_multiplier_override\":%s}}", seq, type, mult);
    frame(e, PM_VENUE_KALSHI, 0, b, now);
}

static void test_cleared_fee_override_falls_back_to_the_cache(void **state) {
    (void)state;
    pm_engine *e = new_engine(one_pair("quadratic", 1000000));
    go_live(e, 1000);
    assert_int_equal(stats(e).opportunities, 1);
    fee_update(e, 1, "\"quadratic\"", "0.5", 2000);
    poly_books(e, "0.39", 3000); /* both books' updates price anew */
    assert_int_equal(stats(e).opportunities, 3);
    /* cleared: the cache's quadratic × 1.0 again, still tradable */
    fee_update(e, 2, "null", "null", 4000);
    poly_books(e, "0.38", 5000);
    pm_engine_stats st = stats(e);
    assert_int_equal(st.fee_events, 2);
    assert_int_equal(st.opportunities, 5);
    assert_int_equal(st.det[PM_DET_FOUND], 5);
    pm_engine_free(e);
}

static void test_cleared_fee_override_without_a_cached_schedule_stops_the_pair(void **state) {
    (void)state;
    pm_engine *e = new_engine(one_pair("", -1));
    go_live(e, 1000);
    assert_int_equal(stats(e).opportunities, 0); /* fees unknown from the start */
    fee_update(e, 1, "\"quadratic\"", "1", 2000);
    poly_books(e, "0.39", 3000);
    assert_int_equal(stats(e).opportunities, 2);
    fee_update(e, 2, "null", "null", 4000);
    poly_books(e, "0.38", 5000);
    pm_engine_stats st = stats(e);
    assert_int_equal(st.fee_events, 2);
    assert_int_equal(st.opportunities, 2);
    assert_int_equal(st.det[PM_DET_FOUND], 2);
    pm_engine_free(e);
}

static void expect_cmd(pm_engine *e, pm_venue v, const char *want) {
    size_t len;
    const char *c = pm_feeds_next_command(pm_engine_feeds(e), v, 0, &len);
    if (!want) {
        if (c) fail_msg("unexpected command %s", c);
        return;
    }
    assert_non_null(c);
    assert_string_equal(c, want);
}

/* A reload that approves a pair on a new Kalshi ticker subscribes it on the live connection;
 * the pair trades once its books have their snapshots. */
static void test_reload_subscribes_a_new_kalshi_ticker(void **state) {
    (void)state;
    pm_engine *e = new_engine_room(one_pair("quadratic", 1000000), 4);
    go_live(e, 1000);
    assert_int_equal(stats(e).opportunities, 1);
    pm_pair_cache *c = pm_pair_cache_new(2);
    add_pair(c, "0192f0c4-0000-7000-8000-000000000001", TICKER, YES, NO, "quadratic", 1000000);
    add_pair(c, "0192f0c4-0000-7000-8000-000000000002", "KXTEST-26DEC-T2", "333", "444", "quadratic", 1000000);
    pm_err err;
    assert_int_equal(pm_pair_cache_finish(c, &err), 0);
    pm_pair_slot_publish(pm_engine_slot(e), c);
    assert_int_equal(pm_engine_adopt(e), 1);
    kalshi_feed *kf = pm_feeds_kalshi(pm_engine_feeds(e));
    assert_int_equal(kalshi_feed_index(kf, "KXTEST-26DEC-T2", 15), 1);
    assert_int_equal(kalshi_feed_book(kf, 1)->state, PM_BOOK_EMPTY);
    expect_cmd(e, PM_VENUE_KALSHI, "{\"id\":3,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"orderbook_delta\"],"
               "\"market_tickers\":[\"KXTEST-26DEC-T2\"],\"use_yes_price\":true}}");
    expect_cmd(e, PM_VENUE_KALSHI, NULL);
    frame(e, PM_VENUE_KALSHI, 0, "{\"type\":\"subscribed\",\"id\":3,\"msg\":{\"channel\":\"orderbook_delta\",\"sid\":3}}", 2000);
    frame(e, PM_VENUE_KALSHI, 0, "{\"type\":\"orderbook_snapshot\",\"sid\":3,\"seq\":1,\"msg\":{\"market_ticker\":"
          "\"KXTEST-26DEC-T2\",\"yes_dollars_fp\":[[\"0.0100\",\"5.00\"]],\"no_dollars_fp\":[[\"0.4000\",\"50.00\"]]}}", 2000);
    frame(e, PM_VENUE_POLYMARKET, 0, "{\"event_type\":\"book\",\"asset_id\":\"333\",\"bids\":[{\"price\":\"0.01\","
          "\"size\":\"5\"}],\"asks\":[{\"price\":\"0.99\",\"size\":\"50\"}]}", 2000);
    frame(e, PM_VENUE_POLYMARKET, 0, "{\"event_type\":\"book\",\"asset_id\":\"444\",\"bids\":[{\"price\":\"0.01\","
          "\"size\":\"5\"}],\"asks\":[{\"price\":\"0.40\",\"size\":\"50\"}]}", 2000);
    pm_engine_stats st = stats(e);
    assert_int_equal(st.opportunities, 2);
    assert_int_equal(st.det[PM_DET_FOUND], 2);
    size_t total;
    assert_int_equal(pm_engine_books_stale(e, &total), 0);
    assert_int_equal(total, 6);
    pm_engine_free(e);
}

/* The NO token's book as a venue snapshot carrying its true hash: bids 0.01 × 5, asks 0.40 × 50. */
static void hashed_no_book(pm_engine *e, int64_t ts_ms, int64_t now) {
    pm_level bid = {10000, 5000000}, ask = {400000, 50000000};
    pm_book b;
    pm_book_init(&b);
    assert_int_equal(pm_book_snapshot(&b, &bid, 1, &ask, 1, 1), 0);
    poly_book_head h = {.market = "0xc1", .market_len = 4, .asset = NO, .asset_len = strlen(NO), .ts_ms = ts_ms,
                        .min_order_size = 5000000, .tick = 10000, .neg_risk = 0, .ltp = ""};
    char hex[POLY_BOOK_HASH_HEX + 1], text[512];
    assert_int_equal(poly_book_hash(&b, &h, hex), 0);
    snprintf(text, sizeof text, "{\"event_type\":\"book\",\"market\":\"0xc1\",\"asset_id\":\"" NO "\",\"timestamp\":\"%lld\","
             "\"hash\":\"%s\",\"bids\":[{\"price\":\"0.01\",\"size\":\"5\"}],\"asks\":[{\"price\":\"0.4\",\"size\":\"50\"}],"
             "\"tick_size\":\"0.01\"}", (long long)ts_ms, hex);
    frame(e, PM_VENUE_POLYMARKET, 0, text, now);
}

/* An opportunity on a Polymarket book whose venue hash no longer agrees with it (a lost
 * update below an agreeing top) is refused before any order, and the book is suspect. */
static void test_book_hash_difference_refuses_the_trade(void **state) {
    (void)state;
    pm_engine *e = new_engine(one_pair("quadratic", 1000000));
    go_live(e, 1000);
    hashed_no_book(e, 1790000000000, 2000); /* the venue's own hash reproduced: checked from now on */
    pm_engine_stats st0 = stats(e), st;
    assert_int_equal(st0.poly_hashes[0], 2); /* the snapshot, and the trade it brought checked again */
    assert_int_equal(st0.poly_hashes[1], 0);
    /* more at the best ask, the top unchanged; the venue's hash says the book is otherwise */
    frame(e, PM_VENUE_POLYMARKET, 0, "{\"event_type\":\"price_change\",\"market\":\"0xc1\",\"timestamp\":\"1790000000001\","
          "\"price_changes\":[{\"asset_id\":\"" NO "\",\"price\":\"0.40\",\"size\":\"60\",\"side\":\"SELL\","
          "\"hash\":\"0123456789012345678901234567890123456789\",\"best_bid\":\"0.01\",\"best_ask\":\"0.40\"}]}", 3000);
    st = stats(e);
    assert_int_equal(st.opportunities, st0.opportunities + 1);
    assert_int_equal(st.rejected, st0.rejected + 1);
    assert_int_equal(st.traded, st0.traded);
    assert_int_equal(st.poly_hashes[1], 1);
    int idx = poly_feed_index(pm_feeds_poly(pm_engine_feeds(e)), NO, strlen(NO));
    assert_true(poly_feed_book(pm_feeds_poly(pm_engine_feeds(e)), idx)->suspect);
    pm_engine_free(e);
}

static pm_qty_t room(const pm_risk *r, const pm_engine *e, const char *pair_id) {
    int slot = pm_engine_risk_slot(e, pair_id);
    assert_true(slot >= 0);
    pm_qty_t q;
    pm_usd_t c;
    pm_risk_room(r, (size_t)slot, &q, &c);
    return q;
}

/* A pair a person has not cleared from pair_halts is blacklisted when the gate is attached and
 * when a reload brings it in; a reload that no longer marks a pair halted does not clear it
 * (a halt this run made may not be stored yet). */
static void test_halted_pairs_are_blacklisted_at_start_and_on_reload(void **state) {
    (void)state;
    const char *id1 = "0192f0c4-0000-7000-8000-000000000001", *id2 = "0192f0c4-0000-7000-8000-000000000002",
               *id3 = "0192f0c4-0000-7000-8000-000000000003";
    pm_pair_cache *c = pm_pair_cache_new(2);
    add_pair(c, id1, TICKER, YES, NO, "quadratic", 1000000);
    add_pair(c, id2, "KXTEST-26DEC-T2", "333", "444", "quadratic", 1000000);
    pm_err err;
    assert_int_equal(pm_pair_cache_finish(c, &err), 0);
    pm_pair_cache_by_id(c, id2, strlen(id2))->halted = 1;
    pm_engine *e = new_engine_room(c, 8);
    pm_risk_limits lim = {
        .max_contracts_per_pair = 100000000, .max_contracts_per_venue = 100000000, .max_contracts_total = 100000000,
        .max_notional_per_pair = 100000000, .max_notional_per_venue = 100000000, .max_notional_total = 100000000,
        .max_open_orders = 10, .max_orders_per_second = 10, .daily_loss_limit = 1000000,
    };
    pm_risk *r = pm_risk_new(&lim, pm_engine_risk_slots(e));
    assert_non_null(r);
    pm_engine_set_live(e, NULL, r);
    assert_int_equal(room(r, e, id1), 100000000);
    assert_int_equal(room(r, e, id2), 0);

    pm_pair_cache *c2 = pm_pair_cache_new(3);
    add_pair(c2, id1, TICKER, YES, NO, "quadratic", 1000000);
    add_pair(c2, id2, "KXTEST-26DEC-T2", "333", "444", "quadratic", 1000000);
    add_pair(c2, id3, "KXTEST-26DEC-T3", "555", "666", "quadratic", 1000000);
    assert_int_equal(pm_pair_cache_finish(c2, &err), 0);
    pm_pair_cache_by_id(c2, id3, strlen(id3))->halted = 1;
    pm_pair_slot_publish(pm_engine_slot(e), c2);
    assert_int_equal(pm_engine_adopt(e), 1);
    assert_int_equal(pm_engine_risk_slots(e), 3);
    assert_int_equal(room(r, e, id1), 100000000);
    assert_int_equal(room(r, e, id2), 0); /* cleared in the database: from the next start */
    assert_int_equal(room(r, e, id3), 0);
    pm_engine_set_live(e, NULL, NULL);
    pm_risk_free(r);
    pm_engine_free(e);
}

int main(void) {
    pm_log_set_level(PM_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_polymarket_connection_down_closes_the_gate),
        cmocka_unit_test(test_cleared_fee_override_falls_back_to_the_cache),
        cmocka_unit_test(test_cleared_fee_override_without_a_cached_schedule_stops_the_pair),
        cmocka_unit_test(test_reload_subscribes_a_new_kalshi_ticker),
        cmocka_unit_test(test_halted_pairs_are_blacklisted_at_start_and_on_reload),
        cmocka_unit_test(test_book_hash_difference_refuses_the_trade),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
