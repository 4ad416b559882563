/* test_poly_feed.c — the Polymarket market-channel state machine driven by frames: the captured
 * crossing burst replayed message by message (and as one array frame) reproduces its final
 * book exactly for the YES token and, mirrored, for the NO token, with the three crossing
 * messages tolerated and no resync; disagreements that outlive their venue timestamp or the
 * grace period resync; tick_size_change starts a new epoch; malformed and truncated frames
 * (every prefix of a real one), bad prices, unknown assets and event types are counted and
 * resync what they touched; connections split by assets_per_connection with runtime add and
 * remove; disconnects; silent freezes; PING/PONG; market_resolved; the production ssmd books;
 * the venue's book hashes reproduced (ssmd books, the burst, checked as before pricing an
 * order), a trade's price entering them, and a lost update below the top found by them;
 * and the user channel's order and trade events. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "venue/polymarket/feed.h"
#include "venue/polymarket/user.h"

#define YES_ID "76670567130917723816490572615540605537878462672464291990940067659127658071111"
#define NO_ID "54179564009642723353355316176091991063553046330768303687769988635499280029688"
#define BURST "nautilus-polymarket-captured/ws_market_price_change_crossing_burst.json"
#define MS 1000000LL

static poly_feed *feed;
static json_t *burst;
static int n_book, n_stale, n_market;
static int verify_on_book, n_refused; /* check both tokens' hashes on each book event, as a scan does */
static pm_event last_market;

static void record(void *user, const pm_event *ev) {
    (void)user;
    assert_int_equal(ev->venue, PM_VENUE_POLYMARKET);
    if (ev->kind == PM_EV_BOOK) n_book++;
    if (ev->kind == PM_EV_BOOK && verify_on_book)
        for (int t = 0; t < 2; t++) n_refused += !poly_feed_verify(feed, t, ev->recv_ns);
    if (ev->kind == PM_EV_STALE) n_stale++;
    if (ev->kind == PM_EV_MARKET) {
        n_market++;
        last_market = *ev;
    }
}

static poly_feed *make(const poly_feed_config *cfg) {
    pm_err err;
    poly_feed *f = poly_feed_new(cfg, 16, &err);
    assert_non_null(f);
    n_book = n_stale = n_market = 0;
    verify_on_book = n_refused = 0;
    return f;
}

static int setup(void **state) {
    (void)state;
    size_t len;
    char *text = pm_test_shared_data(BURST, &len);
    json_error_t jerr;
    burst = json_loadb(text, len, 0, &jerr);
    free(text);
    return burst ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    json_decref(burst);
    return 0;
}

static int per_test_setup(void **state) {
    (void)state;
    poly_feed_config cfg;
    poly_feed_config_default(&cfg);
    feed = make(&cfg);
    return 0;
}

static int per_test_teardown(void **state) {
    (void)state;
    poly_feed_free(feed);
    feed = NULL;
    return 0;
}

static void expect_cmd_on(poly_feed *f, int conn, const char *want) {
    size_t len;
    const char *c = poly_feed_next_command(f, conn, &len);
    if (!want) {
        if (c) fail_msg("unexpected command %s", c);
        return;
    }
    if (!c) fail_msg("no command, wanted %s", want);
    assert_string_equal(c, want);
    assert_int_equal(len, strlen(want));
}
static void expect_cmd(const char *want) { expect_cmd_on(feed, 0, want); }

static void send_text(int conn, const char *text, int64_t now_ns) {
    poly_feed_frame(feed, conn, text, strlen(text), now_ns, record, NULL);
}

static void send_json(const json_t *msg, int64_t now_ns) {
    char *text = json_dumps(msg, JSON_COMPACT);
    send_text(0, text, now_ns);
    free(text);
}

/* Subscribes YES then NO and opens connection 0. */
static void open_yes_no(void) {
    pm_err err;
    assert_int_equal(poly_feed_add(feed, YES_ID, &err), 0);
    assert_int_equal(poly_feed_add(feed, NO_ID, &err), 1);
    poly_feed_connected(feed, 0, 0);
    expect_cmd("{\"assets_ids\":[\"" YES_ID "\",\"" NO_ID "\"],\"type\":\"market\",\"custom_feature_enabled\":true}");
    expect_cmd(NULL);
}

static pm_px_t px_of(const json_t *level) {
    const char *s = json_string_value(json_object_get(level, "price"));
    pm_px_t px;
    pm_err err;
    assert_int_equal(pm_px_parse(s, strlen(s), &px, &err), 0);
    return px;
}

static pm_qty_t qty_of(const json_t *level) {
    const char *s = json_string_value(json_object_get(level, "size"));
    pm_qty_t q;
    pm_err err;
    assert_int_equal(pm_qty_parse(s, strlen(s), &q, &err), 0);
    return q;
}

/* The book holds exactly these levels (mirror: the other token of the market — a YES bid at p is
 * a NO ask at 1 − p). */
static void assert_side(const pm_book_side *s, const json_t *levels, int mirror) {
    assert_int_equal(s->n, json_array_size(levels));
    assert_false(s->truncated);
    size_t i;
    const json_t *l;
    json_array_foreach(levels, i, l) {
        pm_px_t px = mirror ? PM_PX_ONE - px_of(l) : px_of(l);
        if (pm_book_qty_at(s, px) != qty_of(l)) fail_msg("level %lld: %lld, want %lld", (long long)px,
                                                        (long long)pm_book_qty_at(s, px), (long long)qty_of(l));
    }
}

static void assert_book(const pm_book *b, const json_t *book, int mirror) {
    assert_int_equal(b->state, PM_BOOK_LIVE);
    assert_side(&b->bid, json_object_get(book, mirror ? "asks" : "bids"), mirror);
    assert_side(&b->ask, json_object_get(book, mirror ? "bids" : "asks"), mirror);
}

/* The NO token's snapshot that matches a YES book (the venue's NO book is the YES book mirrored). */
static json_t *mirrored(const json_t *yes_book) {
    json_t *no = json_deep_copy(yes_book);
    json_object_set_new(no, "asset_id", json_string(NO_ID));
    const char *sides[2] = {"bids", "asks"};
    for (int k = 0; k < 2; k++) {
        json_t *out = json_array();
        size_t i;
        const json_t *l;
        json_array_foreach(json_object_get(yes_book, sides[1 - k]), i, l) {
            char px[PM_FIXED_BUF];
            pm_fixed_format_exact(PM_PX_ONE - px_of(l), 1, px, sizeof px);
            json_array_append_new(out, json_pack("{s:s,s:O}", "price", px, "size", json_object_get(l, "size")));
        }
        json_object_set_new(no, sides[k], out);
    }
    return no;
}

/* Both tokens subscribed and given the burst's first book (NO mirrored from YES). */
static void open_burst(void) {
    open_yes_no();
    json_t *first = json_array_get(burst, 0);
    send_json(first, 1 * MS);
    json_t *no = mirrored(first);
    send_json(no, 1 * MS);
    json_decref(no);
}

static void replay_burst(void) {
    open_burst();
    for (size_t k = 1; k + 1 < json_array_size(burst); k++) send_json(json_array_get(burst, k), (int64_t)(k + 1) * MS);
}

/* While the venue's top disagrees with the book (messages 47 and 48 of the burst), the book is
 * suspect and no order is priced on it; the next agreeing message clears it. */
static void test_disagreeing_book_is_suspect(void **state) {
    (void)state;
    open_burst();
    int suspect_at[64] = {0}, n = 0;
    for (size_t k = 1; k + 1 < json_array_size(burst); k++) {
        send_json(json_array_get(burst, k), (int64_t)(k + 1) * MS);
        const pm_book *b = poly_feed_book(feed, 0);
        assert_int_equal(b->suspect, !poly_feed_confirmed(feed, 0));
        assert_int_equal(pm_book_tradeable(b), b->state == PM_BOOK_LIVE && !b->suspect);
        if (b->suspect && n < 64) suspect_at[n++] = (int)k;
    }
    assert_int_equal(n, 2);
    assert_int_equal(suspect_at[0], 47);
    assert_int_equal(suspect_at[1], 48);
    assert_false(poly_feed_book(feed, 0)->suspect);
    assert_true(pm_book_tradeable(poly_feed_book(feed, 0)));
}

static void test_burst_replay_matches_final_book(void **state) {
    (void)state;
    replay_burst();
    json_t *final = json_array_get(burst, 50);
    assert_book(poly_feed_book(feed, 0), final, 0);
    assert_book(poly_feed_book(feed, 1), final, 1);
    poly_feed_stats st;
    poly_feed_get_stats(feed, &st);
    assert_int_equal(st.resyncs, 0);
    assert_int_equal(st.mismatches, 4); /* messages 47 and 48, both tokens: tolerated, same venue timestamp */
    assert_int_equal(st.deltas, 98);
    assert_int_equal(st.malformed, 0);
    assert_true(poly_feed_confirmed(feed, 0));
    assert_true(poly_feed_confirmed(feed, 1));
    assert_int_equal(n_book, 2 + 98);
    assert_int_equal(n_stale, 0);
    expect_cmd(NULL);
    /* the final snapshot agrees with the replay and changes nothing */
    send_json(final, 60 * MS);
    assert_book(poly_feed_book(feed, 0), final, 0);
    assert_int_equal(n_book, 101);
}

static void test_burst_as_one_array_frame(void **state) {
    (void)state;
    open_yes_no();
    json_t *first = json_array_get(burst, 0);
    json_t *frame = json_array();
    json_array_append(frame, first);
    json_array_append_new(frame, mirrored(first));
    for (size_t k = 1; k + 1 < json_array_size(burst); k++) json_array_append(frame, json_array_get(burst, k));
    send_json(frame, 5 * MS);
    json_decref(frame);
    assert_book(poly_feed_book(feed, 0), json_array_get(burst, 50), 0);
    assert_book(poly_feed_book(feed, 1), json_array_get(burst, 50), 1);
    poly_feed_stats st;
    poly_feed_get_stats(feed, &st);
    assert_int_equal(st.frames, 1);
    assert_int_equal(st.messages, 51);
    assert_int_equal(st.resyncs, 0);
}

/* A price_change for YES at venue time ts putting `size` at bid 0.2, reporting best_bid bb. */
static void yes_change(int64_t ts, const char *size, const char *bb, int64_t now_ns) {
    char text[512];
    snprintf(text, sizeof text,
             "{\"event_type\":\"price_change\",\"market\":\"0x28\",\"timestamp\":\"%lld\",\"price_changes\":[{\"asset_id\":\"" YES_ID
             "\",\"price\":\"0.2\",\"size\":\"%s\",\"side\":\"BUY\",\"hash\":\"x\",\"best_bid\":\"%s\",\"best_ask\":\"0.301\"}]}",
             (long long)ts, size, bb);
    send_text(0, text, now_ns);
}

static const char resync_yes[2][200] = {
    "{\"assets_ids\":[\"" YES_ID "\"],\"operation\":\"unsubscribe\",\"custom_feature_enabled\":true}",
    "{\"assets_ids\":[\"" YES_ID "\"],\"operation\":\"subscribe\",\"custom_feature_enabled\":true}",
};

static void expect_resync_yes(void) {
    expect_cmd(resync_yes[0]);
    expect_cmd(resync_yes[1]);
    expect_cmd(NULL);
}

static void test_disagreement_after_later_timestamp_resyncs(void **state) {
    (void)state;
    replay_burst(); /* YES top: 0.29 / 0.301 */
    yes_change(1790658828000, "7", "0.29", 100 * MS);  /* agrees */
    yes_change(1790658829000, "8", "0.35", 101 * MS);  /* disagrees: tolerated for now */
    assert_false(poly_feed_confirmed(feed, 0));
    assert_int_equal(poly_feed_book(feed, 0)->state, PM_BOOK_LIVE);
    yes_change(1790658829000, "9", "0.35", 102 * MS);  /* same timestamp: still tolerated */
    expect_cmd(NULL);
    yes_change(1790658830000, "10", "0.35", 103 * MS); /* later timestamp, still wrong: resync */
    assert_int_equal(poly_feed_book(feed, 0)->state, PM_BOOK_STALE);
    assert_int_equal(poly_feed_book(feed, 1)->state, PM_BOOK_LIVE);
    assert_int_equal(n_stale, 1);
    expect_resync_yes();
    poly_feed_stats st;
    poly_feed_get_stats(feed, &st);
    assert_int_equal(st.resyncs, 1);
    assert_int_equal(st.mismatches, 4 + 3);
    /* deltas wait for the snapshot the subscription brings */
    yes_change(1790658831000, "11", "0.29", 104 * MS);
    poly_feed_get_stats(feed, &st);
    assert_int_equal(st.ignored_deltas, 1);
    send_json(json_array_get(burst, 50), 105 * MS);
    assert_int_equal(poly_feed_book(feed, 0)->state, PM_BOOK_LIVE);
    assert_true(poly_feed_confirmed(feed, 0));
}

static void test_disagreement_past_grace_resyncs(void **state) {
    (void)state;
    replay_burst();
    yes_change(1790658829000, "8", "0.35", 100 * MS);
    assert_int_equal(poly_feed_tick(feed, 0, 100 * MS + 1999 * MS, record, NULL), POLY_FEED_OK);
    expect_cmd(NULL);
    assert_int_equal(poly_feed_tick(feed, 0, 100 * MS + 2000 * MS, record, NULL), POLY_FEED_OK);
    assert_int_equal(poly_feed_book(feed, 0)->state, PM_BOOK_STALE);
    expect_resync_yes();
    /* a disagreement that the next message settles costs nothing */
    send_json(json_array_get(burst, 50), 3000 * MS);
    yes_change(1790658829000, "8", "0.35", 3001 * MS);
    yes_change(1790658830000, "9", "0.29", 3002 * MS);
    assert_true(poly_feed_confirmed(feed, 0));
    assert_int_equal(poly_feed_tick(feed, 0, 9000 * MS, record, NULL), POLY_FEED_OK);
    expect_cmd(NULL);
}

static void test_tick_size_change_new_epoch(void **state) {
    (void)state;
    replay_burst();
    send_text(0,
              "{\"event_type\":\"tick_size_change\",\"asset_id\":\"" YES_ID "\",\"market\":\"0x28\",\"old_tick_size\":\"0.01\","
              "\"new_tick_size\":\"0.001\",\"timestamp\":\"1790658900000\"}",
              100 * MS);
    assert_int_equal(poly_feed_book(feed, 0)->state, PM_BOOK_STALE);
    assert_int_equal(poly_feed_book(feed, 0)->bid.n, 0);
    assert_int_equal(poly_feed_tick_size(feed, 0), 1000);
    assert_int_equal(n_market, 1);
    assert_int_equal(last_market.market_state, PM_MKT_CHANGED);
    assert_int_equal(last_market.market, 0);
    expect_resync_yes();
    yes_change(1790658900001, "5", "0.29", 101 * MS);
    poly_feed_stats st;
    poly_feed_get_stats(feed, &st);
    assert_int_equal(st.ignored_deltas, 1);
    assert_int_equal(st.tick_changes, 1);
    send_json(json_array_get(burst, 50), 102 * MS);
    assert_book(poly_feed_book(feed, 0), json_array_get(burst, 50), 0);
}

static void test_every_prefix_makes_the_book_stale(void **state) {
    (void)state;
    open_yes_no();
    char *full = json_dumps(json_array_get(burst, 0), JSON_COMPACT);
    size_t len = strlen(full);
    for (size_t n = 0; n < len; n++) {
        send_text(0, full, 0);
        assert_int_equal(poly_feed_book(feed, 0)->state, PM_BOOK_LIVE);
        while (poly_feed_next_command(feed, 0, &(size_t){0})) {}
        char *cut = strndup(full, n);
        poly_feed_frame(feed, 0, cut, n, 0, record, NULL);
        free(cut);
        assert_int_not_equal(poly_feed_book(feed, 0)->state, PM_BOOK_LIVE);
        size_t cl;
        const char *c = poly_feed_next_command(feed, 0, &cl);
        assert_non_null(c); /* the resync: an unsubscribe (then a subscribe) naming YES */
        assert_non_null(strstr(c, YES_ID));
        assert_non_null(strstr(c, "unsubscribe"));
    }
    poly_feed_stats st;
    poly_feed_get_stats(feed, &st);
    assert_int_equal(st.malformed, len);
    free(full);
}

static void test_bad_price_resyncs_only_its_asset(void **state) {
    (void)state;
    replay_burst();
    send_text(0,
              "{\"event_type\":\"price_change\",\"market\":\"0x28\",\"timestamp\":\"1790658900000\",\"price_changes\":[{\"asset_id\":\"" YES_ID
              "\",\"price\":\"1.2\",\"size\":\"5\",\"side\":\"BUY\",\"best_bid\":\"0.29\",\"best_ask\":\"0.301\"}]}",
              100 * MS);
    assert_int_equal(poly_feed_book(feed, 0)->state, PM_BOOK_STALE);
    assert_int_equal(poly_feed_book(feed, 1)->state, PM_BOOK_LIVE);
    expect_resync_yes();
    /* the legacy per-asset shape is refused the same way */
    send_json(json_array_get(burst, 50), 101 * MS);
    size_t len;
    char *legacy = pm_test_shared_data("nautilus-polymarket-py/ws_messages/price_change.json", &len);
    poly_feed_frame(feed, 0, legacy, len, 102 * MS, record, NULL);
    free(legacy);
    poly_feed_stats st;
    poly_feed_get_stats(feed, &st);
    assert_int_equal(st.malformed, 2);
    /* not one of ours: the whole connection is resynced, as nothing tells which book it hit */
    assert_int_equal(poly_feed_book(feed, 0)->state, PM_BOOK_STALE);
    assert_int_equal(poly_feed_book(feed, 1)->state, PM_BOOK_STALE);
}

static void test_unknown_asset_and_type(void **state) {
    (void)state;
    replay_burst();
    send_text(0,
              "[{\"event_type\":\"price_change\",\"market\":\"0x1\",\"timestamp\":\"1\",\"price_changes\":[{\"asset_id\":\"123\","
              "\"price\":\"0.5\",\"size\":\"5\",\"side\":\"BUY\",\"best_bid\":\"0.5\",\"best_ask\":\"\"}]},"
              "{\"event_type\":\"brand_new_event\",\"asset_id\":\"" YES_ID "\"}]",
              100 * MS);
    poly_feed_stats st;
    poly_feed_get_stats(feed, &st);
    assert_int_equal(st.unknown_asset, 1);
    assert_int_equal(st.unknown_type, 1);
    assert_int_equal(st.malformed, 0);
    send_text(0, "NO NEW ASSETS", 101 * MS);
    send_text(0, "PONG", 101 * MS);
    poly_feed_get_stats(feed, &st);
    assert_int_equal(st.texts, 1);
    assert_int_equal(st.pongs, 1);
    assert_int_equal(poly_feed_book(feed, 0)->state, PM_BOOK_LIVE);
    assert_int_equal(poly_feed_book(feed, 1)->state, PM_BOOK_LIVE);
    expect_cmd(NULL);
    /* an element that is not a message: nothing says which book it belonged to, so the
     * connection's books all resync */
    send_text(0, "[\"NO NEW ASSETS\"]", 102 * MS);
    poly_feed_get_stats(feed, &st);
    assert_int_equal(st.malformed, 1);
    assert_int_equal(poly_feed_book(feed, 0)->state, PM_BOOK_STALE);
    assert_int_equal(poly_feed_book(feed, 1)->state, PM_BOOK_STALE);
    expect_cmd("{\"assets_ids\":[\"" YES_ID "\",\"" NO_ID "\"],\"operation\":\"unsubscribe\",\"custom_feature_enabled\":true}");
    expect_cmd("{\"assets_ids\":[\"" YES_ID "\",\"" NO_ID "\"],\"operation\":\"subscribe\",\"custom_feature_enabled\":true}");
}

static void test_connections_and_runtime_changes(void **state) {
    (void)state;
    poly_feed_config cfg;
    poly_feed_config_default(&cfg);
    cfg.assets_per_connection = 2;
    poly_feed *f = make(&cfg);
    pm_err err;
    const char *ids[] = {"11", "22", "33", "44", "55"};
    for (int i = 0; i < 5; i++) assert_int_equal(poly_feed_add(f, ids[i], &err), i);
    assert_int_equal(poly_feed_add(f, "33", &err), 2); /* already there */
    assert_int_equal(poly_feed_connections(f), 3);
    assert_int_equal(poly_feed_conn_of(f, 4), 2);
    assert_int_equal(poly_feed_add(f, "bad id", &err), -1);
    poly_feed_connected(f, 0, 0);
    expect_cmd_on(f, 0, "{\"assets_ids\":[\"11\",\"22\"],\"type\":\"market\",\"custom_feature_enabled\":true}");
    expect_cmd_on(f, 1, NULL); /* not connected */
    assert_int_equal(poly_feed_remove(f, "11"), 0);
    assert_int_equal(poly_feed_remove(f, "11"), -1);
    expect_cmd_on(f, 0, "{\"assets_ids\":[\"11\"],\"operation\":\"unsubscribe\",\"custom_feature_enabled\":true}");
    assert_int_equal(poly_feed_add(f, "66", &err), 5); /* room on connection 0 again */
    assert_int_equal(poly_feed_conn_of(f, 5), 0);
    expect_cmd_on(f, 0, "{\"assets_ids\":[\"66\"],\"operation\":\"subscribe\",\"custom_feature_enabled\":true}");
    expect_cmd_on(f, 0, NULL);
    assert_int_equal(poly_feed_add(f, "77", &err), 6); /* joins "55" on connection 2, sent when it opens */
    assert_int_equal(poly_feed_conn_of(f, 6), 2);
    poly_feed_connected(f, 2, 0);
    expect_cmd_on(f, 2, "{\"assets_ids\":[\"55\",\"77\"],\"type\":\"market\",\"custom_feature_enabled\":true}");
    /* a removed asset no longer counts: its messages are dropped quietly */
    const char *late = "{\"event_type\":\"book\",\"asset_id\":\"11\",\"bids\":[],\"asks\":[{\"price\":\"0.6\",\"size\":\"1\"}]}";
    poly_feed_frame(f, 0, late, strlen(late), 0, record, NULL);
    poly_feed_stats st;
    poly_feed_get_stats(f, &st);
    assert_int_equal(st.unknown_asset, 0);
    assert_int_equal(poly_feed_index(f, "11", 2), -1);
    /* the free slots fill up, then the feed refuses */
    for (int i = 0; i < 9; i++) {
        char id[8];
        snprintf(id, sizeof id, "9%d", i);
        assert_true(poly_feed_add(f, id, &err) >= 0);
    }
    assert_int_equal(poly_feed_add(f, "12345", &err), 0); /* reuses the slot of "11" */
    assert_int_equal(poly_feed_add(f, "54321", &err), -1);
    poly_feed_free(f);
}

static void test_disconnect_and_reconnect(void **state) {
    (void)state;
    replay_burst();
    poly_feed_disconnected(feed, 0, 100 * MS, record, NULL);
    assert_int_equal(poly_feed_book(feed, 0)->state, PM_BOOK_STALE);
    assert_int_equal(poly_feed_book(feed, 1)->state, PM_BOOK_STALE);
    assert_int_equal(n_stale, 1);
    expect_cmd(NULL);
    poly_feed_connected(feed, 0, 200 * MS);
    expect_cmd("{\"assets_ids\":[\"" YES_ID "\",\"" NO_ID "\"],\"type\":\"market\",\"custom_feature_enabled\":true}");
    send_json(json_array_get(burst, 1), 201 * MS);
    poly_feed_stats st;
    poly_feed_get_stats(feed, &st);
    assert_int_equal(st.ignored_deltas, 2);
    send_json(json_array_get(burst, 50), 202 * MS);
    assert_int_equal(poly_feed_book(feed, 0)->state, PM_BOOK_LIVE);
}

static void trade_at(poly_feed *f, int64_t now_ns) {
    const char *t = "{\"event_type\":\"last_trade_price\",\"asset_id\":\"11\",\"market\":\"0x1\",\"price\":\"0.5\","
                    "\"side\":\"BUY\",\"size\":\"1\",\"fee_rate_bps\":\"0\",\"timestamp\":\"1\"}";
    poly_feed_frame(f, 0, t, strlen(t), now_ns, record, NULL);
}

static void test_silent_freeze(void **state) {
    (void)state;
    poly_feed_config cfg;
    poly_feed_config_default(&cfg);
    cfg.freeze_floor_ms = 1000;
    cfg.freeze_factor = 20;
    cfg.ping_interval_ms = 1000000;
    poly_feed *f = make(&cfg);
    pm_err err;
    poly_feed_add(f, "11", &err);
    poly_feed_connected(f, 0, 0);
    /* too few messages yet to call the market one that ticks: no verdict */
    for (int k = 1; k <= 10; k++) trade_at(f, k * 10 * MS);
    assert_int_equal(poly_feed_tick(f, 0, 500000 * MS, record, NULL), POLY_FEED_OK);
    for (int k = 11; k <= 20; k++) trade_at(f, k * 10 * MS);
    /* mean gap 10 ms: the floor (1 s) decides */
    assert_int_equal(poly_feed_tick(f, 0, 200 * MS + 1000 * MS, record, NULL), POLY_FEED_OK);
    assert_int_equal(poly_feed_tick(f, 0, 200 * MS + 1001 * MS, record, NULL), POLY_FEED_RECONNECT);
    poly_feed_stats st;
    poly_feed_get_stats(f, &st);
    assert_int_equal(st.freezes, 1);
    /* after the redial the clock restarts at the connect */
    poly_feed_disconnected(f, 0, 1300 * MS, record, NULL);
    poly_feed_connected(f, 0, 2000 * MS);
    assert_int_equal(poly_feed_tick(f, 0, 2900 * MS, record, NULL), POLY_FEED_OK);
    poly_feed_free(f);
    /* a slow market (a message every 5 s): 20 × 5 s decides, not the floor */
    f = make(&cfg);
    poly_feed_add(f, "11", &err);
    poly_feed_connected(f, 0, 0);
    for (int k = 1; k <= 20; k++) trade_at(f, k * 5000 * MS);
    int64_t last = 20 * 5000 * MS;
    assert_int_equal(poly_feed_tick(f, 0, last + 100000 * MS, record, NULL), POLY_FEED_OK);
    assert_int_equal(poly_feed_tick(f, 0, last + 100001 * MS, record, NULL), POLY_FEED_RECONNECT);
    poly_feed_free(f);
}

static void test_ping_pong(void **state) {
    (void)state;
    pm_err err;
    poly_feed_add(feed, "11", &err);
    poly_feed_connected(feed, 0, 0);
    expect_cmd("{\"assets_ids\":[\"11\"],\"type\":\"market\",\"custom_feature_enabled\":true}");
    assert_int_equal(poly_feed_tick(feed, 0, 9999 * MS, record, NULL), POLY_FEED_OK);
    expect_cmd(NULL);
    assert_int_equal(poly_feed_tick(feed, 0, 10000 * MS, record, NULL), POLY_FEED_OK);
    expect_cmd("PING");
    expect_cmd(NULL);
    send_text(0, "PONG", 10100 * MS);
    assert_int_equal(poly_feed_tick(feed, 0, 20000 * MS, record, NULL), POLY_FEED_OK);
    expect_cmd("PING");
    assert_int_equal(poly_feed_tick(feed, 0, 30000 * MS, record, NULL), POLY_FEED_OK);
    expect_cmd("PING");
    assert_int_equal(poly_feed_tick(feed, 0, 49999 * MS, record, NULL), POLY_FEED_OK);
    assert_int_equal(poly_feed_tick(feed, 0, 50000 * MS, record, NULL), POLY_FEED_RECONNECT); /* 30 s since 20 s */
    poly_feed_stats st;
    poly_feed_get_stats(feed, &st);
    assert_int_equal(st.pong_timeouts, 1);
}

static void test_market_resolved(void **state) {
    (void)state;
    pm_err err;
    poly_feed_add(feed, "76043073756653678226373981964075571318267289248134717369284518995922789326425", &err);
    poly_feed_connected(feed, 0, 0);
    size_t len;
    char *text = pm_test_shared_data("nautilus-polymarket/ws_market_resolved_msg.json", &len);
    poly_feed_frame(feed, 0, text, len, 5, record, NULL);
    free(text);
    assert_int_equal(n_market, 1);
    assert_int_equal(last_market.market, 0);
    assert_int_equal(last_market.market_state, PM_MKT_DETERMINED);
    text = pm_test_shared_data("nautilus-polymarket/ws_market_new_market_msg.json", &len);
    poly_feed_frame(feed, 0, text, len, 6, record, NULL);
    free(text);
    assert_int_equal(n_market, 2);
    assert_int_equal(last_market.market_state, PM_MKT_OPEN);
}

static void test_ssmd_books(void **state) {
    (void)state;
    char *all = pm_test_shared_data("ssmd-captured/polymarket_book.jsonl", NULL), *line = all;
    poly_feed_connected(feed, 0, 0);
    for (int k = 0; k < 10; k++) {
        char *nl = strchr(line, '\n');
        if (nl) *nl = '\0';
        json_error_t jerr;
        json_t *msg = json_loads(line, 0, &jerr);
        assert_non_null(msg);
        pm_err err;
        int i = poly_feed_add(feed, json_string_value(json_object_get(msg, "asset_id")), &err);
        assert_int_equal(i, k);
        poly_feed_set_market(feed, i, 5 * PM_SCALE, 0);
        send_text(0, line, 7);
        assert_book(poly_feed_book(feed, i), msg, 0);
        json_decref(msg);
        line = nl + 1;
    }
    assert_int_equal(poly_feed_book(feed, 1)->ask.n, 0); /* the book with no asks */
    assert_int_equal(poly_feed_tick_size(feed, 1), 1000);
    poly_feed_stats st;
    poly_feed_get_stats(feed, &st);
    assert_int_equal(st.hash_ok, 10); /* every venue hash reproduced from the book pmarb holds */
    assert_int_equal(st.hash_unproven, 0);
    free(all);
}

/* Both tokens' summaries described (min_order_size 5, not neg-risk), then the burst's first book. */
static void open_burst_hashed(void) {
    open_yes_no();
    poly_feed_set_market(feed, 0, 5 * PM_SCALE, 0);
    poly_feed_set_market(feed, 1, 5 * PM_SCALE, 0);
    json_t *first = json_array_get(burst, 0);
    send_json(first, 1 * MS);
    json_t *no = mirrored(first); /* carries the YES hash: never reproduced, so never a mismatch */
    send_json(no, 1 * MS);
    json_decref(no);
}

/* Both books checked as an order about to be priced on them would (1: may be traded). */
static int verify_both(int64_t now_ns) {
    int a = poly_feed_verify(feed, 0, now_ns), b = poly_feed_verify(feed, 1, now_ns);
    return a && b;
}

/* The venue's hash of every book state of the burst is reproduced: the YES snapshot and, checked
 * after every message, the 46 changes before the crossing on each token (the NO book, mirrored
 * from the YES snapshot, is exactly the venue's: its summaries even carry the YES token's last
 * trade, 0.255). The three crossing messages all carry the hash of the books after the whole
 * match, which includes its trade's price (0.301); the capture lacks that last_trade_price
 * message, so the third crossing message's hashes differ under agreeing tops: both books stay
 * suspect, and the final YES snapshot's hash differs too, which stops the check for it. */
static void test_burst_book_hashes(void **state) {
    (void)state;
    open_burst_hashed();
    for (size_t k = 1; k + 1 < json_array_size(burst); k++) {
        send_json(json_array_get(burst, k), (int64_t)(k + 1) * MS);
        assert_int_equal(verify_both((int64_t)(k + 1) * MS), k < 47);
        assert_int_equal(poly_feed_book(feed, 0)->suspect, k >= 47);
        assert_int_equal(poly_feed_book(feed, 1)->suspect, k >= 47);
    }
    poly_feed_stats st;
    poly_feed_get_stats(feed, &st);
    assert_int_equal(st.hash_ok, 1 + 2 * 46);
    assert_int_equal(st.hash_mismatches, 2 * 3 + 2); /* verified at 47, 48, 49; pending at 49 */
    assert_int_equal(st.hash_unproven, 1);          /* the mirrored NO snapshot carries the YES hash */
    assert_int_equal(st.resyncs, 0);
    send_json(json_array_get(burst, 50), 52 * MS);
    assert_false(poly_feed_book(feed, 0)->suspect);
    assert_true(poly_feed_verify(feed, 0, 52 * MS)); /* not reproduced: says nothing */
    poly_feed_get_stats(feed, &st);
    assert_int_equal(st.hash_unproven, 2);
}

/* A message touches both tokens: when the first one's update is announced (and its pair
 * scanned), the other token's book already holds the venue's hash of its new state. */
static void test_hashes_current_when_a_book_is_announced(void **state) {
    (void)state;
    open_burst_hashed();
    verify_on_book = 1;
    for (size_t k = 1; k < 47; k++) {
        send_json(json_array_get(burst, k), (int64_t)(k + 1) * MS);
        if (k == 10) { /* a trade reported after the hash: the book is still the one it describes */
            send_text(0, "{\"asset_id\":\"" YES_ID "\",\"event_type\":\"last_trade_price\",\"market\":"
                      "\"0x285746de0e4f751fd4dc8f9dc2cecd0101ba9ad0096a43145ed9643b09514f01\",\"price\":\"0.39\","
                      "\"side\":\"BUY\",\"size\":\"1\",\"timestamp\":\"1790658693120\"}", 11 * MS);
            assert_true(verify_both(11 * MS));
            break; /* the capture's later hashes know no such trade */
        }
    }
    assert_int_equal(n_refused, 0);
    poly_feed_stats st;
    poly_feed_get_stats(feed, &st);
    assert_int_equal(st.hash_mismatches, 0);
    assert_int_equal(st.hash_ok, 1 + 2 * 2 * 10 + 2); /* each token on both tokens' events, then after the trade */
}

/* With the crossing's trade seen (last_trade_price 0.301, which summaries write "0.301"), the
 * last crossing message and the final snapshot agree too, for both tokens. */
static void test_trade_price_enters_the_hash(void **state) {
    (void)state;
    open_burst_hashed();
    for (size_t k = 1; k + 1 < json_array_size(burst); k++) {
        if (k == 49)
            send_text(0, "{\"asset_id\":\"" YES_ID "\",\"event_type\":\"last_trade_price\",\"fee_rate_bps\":\"0\","
                      "\"market\":\"0x285746de0e4f751fd4dc8f9dc2cecd0101ba9ad0096a43145ed9643b09514f01\",\"price\":\"0.301\","
                      "\"side\":\"BUY\",\"size\":\"45.83\",\"timestamp\":\"1790658827000\"}", 50 * MS);
        send_json(json_array_get(burst, k), (int64_t)(k + 1) * MS);
        if (k < 47 || k == 49) assert_true(verify_both((int64_t)(k + 1) * MS));
    }
    assert_false(poly_feed_book(feed, 0)->suspect);
    assert_false(poly_feed_book(feed, 1)->suspect); /* the YES trade's price is the NO summary's too */
    send_json(json_array_get(burst, 50), 52 * MS);
    poly_feed_stats st;
    poly_feed_get_stats(feed, &st);
    assert_int_equal(st.hash_ok, (1 + 46 + 1 + 1) + (46 + 1));
    assert_int_equal(st.hash_mismatches, 0);
    assert_int_equal(st.hash_unproven, 1); /* the mirrored NO snapshot only */
}

/* A lost update below the top (message 5 adds a YES ask at 0.44 behind the best, 0.39, and the
 * mirrored NO bid): the tops the venue reports still agree, so without the hash nothing is
 * noticed; with it (the books checked after every message, as decisions would), they are found
 * to differ the moment an order would be priced on them after message 6: suspect at once, checked on every message from then on, and resynced after
 * the next later message (7). */
static void test_lost_update_below_the_top_resyncs(void **state) {
    (void)state;
    for (int hashed = 0; hashed < 2; hashed++) {
        if (hashed) {
            poly_feed_free(feed);
            per_test_setup(NULL);
            open_burst_hashed();
        } else
            open_burst();
        for (size_t k = 1; k <= 7; k++) {
            if (k == 5) continue;
            send_json(json_array_get(burst, k), (int64_t)(k + 1) * MS);
            if (k < 6) assert_true(verify_both((int64_t)(k + 1) * MS)); /* as each decision would */
            if (k == 6) {
                assert_int_equal(verify_both(7 * MS), !hashed);
                assert_int_equal(poly_feed_book(feed, 0)->suspect, hashed);
                assert_int_equal(poly_feed_book(feed, 1)->suspect, hashed);
            }
        }
        poly_feed_stats st;
        poly_feed_get_stats(feed, &st);
        assert_int_equal(st.mismatches, 0); /* the tops always agreed */
        assert_int_equal(st.hash_mismatches, hashed ? 2 * 2 : 0); /* verified at 6, pending at 7: both tokens */
        assert_int_equal(st.resyncs, hashed ? 2 : 0);
        for (int t = 0; t < 2; t++) assert_int_equal(poly_feed_book(feed, t)->state, hashed ? PM_BOOK_STALE : PM_BOOK_LIVE);
        if (hashed) {
            expect_cmd("{\"assets_ids\":[\"" YES_ID "\",\"" NO_ID "\"],\"operation\":\"unsubscribe\",\"custom_feature_enabled\":true}");
            expect_cmd("{\"assets_ids\":[\"" YES_ID "\",\"" NO_ID "\"],\"operation\":\"subscribe\",\"custom_feature_enabled\":true}");
            expect_cmd(NULL);
        }
    }
}

/* The docs' verbatim examples: the book (prices like ".48") goes live; the tick_size_change
 * example is invalid JSON (a stray backslash) and makes exactly that asset's book resync. */
static void test_docs_verbatim(void **state) {
    (void)state;
    char *all = pm_test_shared_data("docs-examples/polymarket_ws_docs_examples_verbatim.txt", NULL);
    char *book = all, *sep = strstr(book, "\n-----\n");
    *sep = '\0';
    char *change = sep + 7;
    sep = strstr(change, "\n-----\n");
    *sep = '\0';
    char *tick = sep + 7;
    sep = strstr(tick, "\n-----\n");
    *sep = '\0';
#define DOC_ID "65818619657568813474341868652308942079804919287380422192892211131408793125422"
    pm_err err;
    assert_int_equal(poly_feed_add(feed, DOC_ID, &err), 0);
    assert_int_equal(poly_feed_add(feed, "71321045679252212594626385532706912750332728571942532289631379312455583992563", &err), 1);
    poly_feed_connected(feed, 0, 0);
    while (poly_feed_next_command(feed, 0, &(size_t){0})) {}
    send_text(0, book, 1);
    const pm_book *b = poly_feed_book(feed, 0);
    assert_int_equal(b->state, PM_BOOK_LIVE);
    assert_int_equal(pm_book_best(&b->bid)->px, 500000);
    assert_int_equal(pm_book_best(&b->ask)->px, 520000);
    assert_int_equal(b->bid.n, 3);
    send_text(0, change, 2); /* for a token with no snapshot yet: waits */
    poly_feed_stats st;
    poly_feed_get_stats(feed, &st);
    assert_int_equal(st.ignored_deltas, 1);
    send_text(0, tick, 3);
    poly_feed_get_stats(feed, &st);
    assert_int_equal(st.malformed, 1);
    assert_int_equal(st.tick_changes, 0);
    assert_int_equal(b->state, PM_BOOK_STALE);
    assert_int_equal(poly_feed_book(feed, 1)->state, PM_BOOK_EMPTY);
    expect_cmd("{\"assets_ids\":[\"" DOC_ID "\"],\"operation\":\"unsubscribe\",\"custom_feature_enabled\":true}");
    expect_cmd("{\"assets_ids\":[\"" DOC_ID "\"],\"operation\":\"subscribe\",\"custom_feature_enabled\":true}");
    expect_cmd(NULL);
    free(all);
}

static int n_order, n_fill;
static pm_event last_user;
static void record_user(void *user, const pm_event *ev) {
    (void)user;
    if (ev->kind == PM_EV_ORDER) n_order++;
    if (ev->kind == PM_EV_FILL) n_fill++;
    last_user = *ev;
}

#define KEY "9180014b-33c8-9240-a14b-bdca11c0a465"
#define TRADE(owner, trader_side)                                                                                      \
    "{\"asset_id\":\"521\",\"event_type\":\"trade\",\"id\":\"28c4d2eb\",\"maker_orders\":[{\"asset_id\":\"521\","          \
    "\"matched_amount\":\"4\",\"order_id\":\"0xmaker\",\"outcome\":\"YES\",\"owner\":\"" owner "\",\"price\":\"0.57\"}],"  \
    "\"market\":\"0xbd\",\"outcome\":\"YES\",\"owner\":\"" KEY "\",\"price\":\"0.57\",\"side\":\"BUY\",\"size\":\"10\","    \
    "\"status\":\"MATCHED\",\"taker_order_id\":\"0xtaker\",\"timestamp\":\"1672290701\"" trader_side ",\"type\":\"TRADE\"}"

static void test_user_channel_events(void **state) {
    (void)state;
    pm_err err;
    const char *markets[] = {"0xbd"};
    poly_user *u = poly_user_new(KEY, "c2VjcmV0", "pass", markets, 1, &err);
    assert_non_null(u);
    size_t len;
    assert_string_equal(poly_user_subscription(u, &len),
                        "{\"auth\":{\"apiKey\":\"" KEY "\",\"secret\":\"c2VjcmV0\",\"passphrase\":\"pass\"},\"markets\":[\"0xbd\"],\"type\":\"user\"}");
    const char *order = "{\"event_type\":\"order\",\"id\":\"0xff\",\"owner\":\"" KEY "\",\"market\":\"0xbd\",\"asset_id\":\"521\","
                        "\"side\":\"SELL\",\"original_size\":\"10\",\"size_matched\":\"4\",\"price\":\"0.57\",\"outcome\":\"NO\","
                        "\"type\":\"UPDATE\",\"status\":\"LIVE\",\"timestamp\":\"1\"}";
    poly_user_frame(u, order, strlen(order), 9, record_user, NULL);
    assert_int_equal(n_order, 1);
    assert_int_equal(last_user.order_state, PM_ORD_RESTING);
    assert_int_equal(last_user.qty, 4000000);
    assert_int_equal(last_user.remaining, 6000000);
    assert_int_equal(last_user.price, 570000);
    assert_int_equal(last_user.outcome, PM_OUTCOME_NO);
    /* we are the maker: our maker order's part */
    const char *maker = TRADE(KEY, "");
    poly_user_frame(u, maker, strlen(maker), 9, record_user, NULL);
    assert_int_equal(n_fill, 1);
    assert_int_equal(last_user.qty, 4000000);
    assert_false(last_user.is_taker);
    assert_int_equal(last_user.order_id.n, 7);
    assert_int_equal(memcmp(last_user.detail.p, "MATCHED", 7), 0);
    /* we are the taker */
    const char *taker = TRADE("someone-else", ",\"trader_side\":\"TAKER\"");
    poly_user_frame(u, taker, strlen(taker), 9, record_user, NULL);
    assert_int_equal(n_fill, 2);
    assert_true(last_user.is_taker);
    assert_int_equal(last_user.qty, 10000000);
    assert_int_equal(memcmp(last_user.order_id.p, "0xtaker", 7), 0);
    poly_user_frame(u, "PONG", 4, 9, record_user, NULL);
    poly_user_frame(u, "{\"event_type\":", 14, 9, record_user, NULL);
    poly_user_stats st;
    poly_user_get_stats(u, &st);
    assert_int_equal(st.pongs, 1);
    assert_int_equal(st.malformed, 1);
    poly_user_free(u);
    assert_null(poly_user_new(KEY, "se\"cret", "pass", NULL, 0, &err));
}

int main(void) {
#define T(f) cmocka_unit_test_setup_teardown(f, per_test_setup, per_test_teardown)
    const struct CMUnitTest tests[] = {
        T(test_burst_replay_matches_final_book),
        T(test_disagreeing_book_is_suspect),
        T(test_burst_as_one_array_frame),
        T(test_disagreement_after_later_timestamp_resyncs),
        T(test_disagreement_past_grace_resyncs),
        T(test_tick_size_change_new_epoch),
        T(test_every_prefix_makes_the_book_stale),
        T(test_bad_price_resyncs_only_its_asset),
        T(test_unknown_asset_and_type),
        T(test_connections_and_runtime_changes),
        T(test_disconnect_and_reconnect),
        T(test_silent_freeze),
        T(test_ping_pong),
        T(test_market_resolved),
        T(test_ssmd_books),
        T(test_burst_book_hashes),
        T(test_hashes_current_when_a_book_is_announced),
        T(test_trade_price_enters_the_hash),
        T(test_lost_update_below_the_top_resyncs),
        T(test_docs_verbatim),
        T(test_user_channel_events),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
