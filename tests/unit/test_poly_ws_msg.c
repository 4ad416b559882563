/* test_poly_ws_msg.c — Polymarket WebSocket frame parsing against real and documented messages:
 * the captured 51-message crossing burst read as one array frame, the ssmd production book
 * and last_trade_price lines, nautilus captures (tick_size_change, best_bid_ask, new_market,
 * market_resolved), the docs' examples (prices like ".48", empty sides written "0"/"1"), the
 * legacy price_change shape (rejected), plain-text frames, arrays with a bad element, bad
 * prices, user-channel order and trade messages, and every prefix of a real frame. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "venue/polymarket/ws_msg.h"

#define YES_ID "76670567130917723816490572615540605537878462672464291990940067659127658071111"
#define NO_ID "54179564009642723353355316176091991063553046330768303687769988635499280029688"

static poly_parser *parser;

static int setup(void **state) {
    (void)state;
    parser = poly_parser_new(1 << 16);
    return parser ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    poly_parser_free(parser);
    return 0;
}

static int frame(const char *text) {
    pm_err err;
    return poly_parse_frame(parser, text, strlen(text), &err);
}

/* Parses a one-message frame into m; returns poly_parse_next's result. */
static int one(const char *text, poly_msg *m, pm_err *err) {
    assert_int_equal(poly_parse_frame(parser, text, strlen(text), err), POLY_FRAME_JSON);
    return poly_parse_next(parser, m, err);
}

static void test_burst_array(void **state) {
    (void)state;
    size_t len;
    char *all = pm_test_shared_data("nautilus-polymarket-captured/ws_market_price_change_crossing_burst.json", &len);
    pm_err err;
    assert_int_equal(poly_parse_frame(parser, all, len, &err), POLY_FRAME_JSON);
    poly_msg m;
    int n = 0, books = 0, changes = 0;
    while (poly_parse_next(parser, &m, &err) == 1) {
        if (n == 0) {
            assert_int_equal(m.type, POLY_MSG_BOOK);
            assert_true(poly_str_is(m.asset, YES_ID));
            assert_true(poly_str_is(m.market, "0x285746de0e4f751fd4dc8f9dc2cecd0101ba9ad0096a43145ed9643b09514f01"));
            assert_int_equal(m.ts_ms, 1790658661234LL);
            assert_int_equal(m.nbids, 24);
            assert_int_equal(m.nasks, 22);
            assert_int_equal(m.bids[0].px, 1000);           /* "0.001" */
            assert_int_equal(m.bids[0].qty, 220045000000LL); /* "220045" */
            assert_int_equal(m.bids[1].qty, 422690000LL);   /* "422.69" */
            assert_int_equal(m.asks[0].px, 999000);
        }
        if (n == 1) {
            assert_int_equal(m.type, POLY_MSG_PRICE_CHANGE);
            assert_int_equal(m.ts_ms, 1790658674035LL);
            assert_int_equal(m.nchanges, 2);
            assert_true(poly_str_is(m.changes[0].asset, YES_ID));
            assert_int_equal(m.changes[0].side, PM_BID);
            assert_int_equal(m.changes[0].px, 301000);
            assert_int_equal(m.changes[0].size, 1000000000LL);
            assert_int_equal(m.changes[0].best_bid, 301000);
            assert_int_equal(m.changes[0].best_ask, 397000);
            assert_true(poly_str_is(m.changes[1].asset, NO_ID));
            assert_int_equal(m.changes[1].side, PM_ASK);
            assert_int_equal(m.changes[1].px, 699000);
            assert_int_equal(m.changes[1].best_bid, 603000);
            assert_int_equal(m.changes[1].best_ask, 699000);
        }
        if (n == 3) assert_int_equal(m.changes[0].size, 0); /* "0": delete */
        if (n == 50) {
            assert_int_equal(m.type, POLY_MSG_BOOK);
            assert_int_equal(m.nbids, 23);
            assert_int_equal(m.nasks, 23);
            assert_int_equal(m.ts_ms, 1790658827000LL);
        }
        books += m.type == POLY_MSG_BOOK;
        changes += m.type == POLY_MSG_PRICE_CHANGE;
        n++;
    }
    assert_int_equal(n, 51);
    assert_int_equal(books, 2);
    assert_int_equal(changes, 49);
    free(all);
}

static void test_ssmd_books_and_trades(void **state) {
    (void)state;
    static const size_t want_bids[] = {10, 26, 63, 38, 28, 45, 8, 17, 17, 46};
    static const size_t want_asks[] = {38, 0, 3, 38, 13, 6, 27, 61, 31, 8};
    char *all = pm_test_shared_data("ssmd-captured/polymarket_book.jsonl", NULL), *line = all;
    pm_err err;
    poly_msg m;
    for (int k = 0; k < 10; k++) {
        char *nl = strchr(line, '\n');
        if (nl) *nl = '\0';
        assert_int_equal(one(line, &m, &err), 1);
        assert_int_equal(m.type, POLY_MSG_BOOK);
        assert_int_equal(m.nbids, want_bids[k]);
        assert_int_equal(m.nasks, want_asks[k]);
        assert_true(m.tick == 10000 || m.tick == 1000);
        assert_true(m.asset.n > 70);
        line = nl + 1;
    }
    free(all);
    all = pm_test_shared_data("ssmd-captured/polymarket_trade.jsonl", NULL);
    char *nl = strchr(all, '\n');
    *nl = '\0';
    assert_int_equal(one(all, &m, &err), 1);
    assert_int_equal(m.type, POLY_MSG_LAST_TRADE);
    assert_true(poly_str_is(m.asset, "1627500284739545390204314775735988068784669364445492030335161034375823784781"));
    assert_int_equal(m.px, 460000);
    assert_int_equal(m.size, 200000);
    assert_int_equal(m.side, PM_SIDE_SELL);
    assert_int_equal(m.fee_rate_bps, 0);
    assert_int_equal(m.ts_ms, 1770921571394LL);
    int lines = 1;
    for (char *p = nl + 1; *p; lines++) {
        char *e = strchr(p, '\n');
        if (e) *e = '\0';
        assert_int_equal(one(p, &m, &err), 1);
        assert_int_equal(m.type, POLY_MSG_LAST_TRADE);
        if (!e) break;
        p = e + 1;
    }
    assert_int_equal(lines, 10);
    free(all);
}

static void test_docs_examples(void **state) {
    (void)state;
    char *all = pm_test_shared_data("docs-examples/polymarket_ws_docs_examples.jsonl", NULL);
    char *l2 = strchr(all, '\n');
    *l2++ = '\0';
    char *l3 = strchr(l2, '\n');
    *l3++ = '\0';
    pm_err err;
    poly_msg m;
    assert_int_equal(one(all, &m, &err), 1);
    assert_int_equal(m.type, POLY_MSG_BOOK);
    assert_int_equal(m.nbids, 3);
    assert_int_equal(m.bids[0].px, 480000); /* ".48" */
    assert_int_equal(m.bids[0].qty, 30000000);
    assert_int_equal(m.asks[2].px, 540000);
    assert_int_equal(one(l2, &m, &err), 1);
    assert_int_equal(m.type, POLY_MSG_PRICE_CHANGE);
    assert_int_equal(m.nchanges, 2);
    assert_int_equal(m.changes[0].best_ask, PM_PX_ONE); /* "1": no asks */
    assert_int_equal(m.changes[1].best_bid, 0);         /* "0": no bids */
    assert_int_equal(m.changes[1].side, PM_ASK);
    assert_int_equal(one(l3, &m, &err), 1);
    assert_int_equal(m.type, POLY_MSG_LAST_TRADE);
    assert_int_equal(m.size, 219217767);
    free(all);
}

/* The message of a one-message file; its text stays valid until the next call. */
static void expect_file(const char *path, poly_msg_type type, poly_msg *m) {
    static char *text;
    free(text);
    size_t len;
    text = pm_test_shared_data(path, &len);
    pm_err err;
    assert_int_equal(poly_parse_frame(parser, text, len, &err), POLY_FRAME_JSON);
    int rc = poly_parse_next(parser, m, &err);
    if (rc != 1) fail_msg("%s: %s", path, err.msg);
    assert_int_equal(m->type, type);
}

static void test_nautilus_messages(void **state) {
    (void)state;
    poly_msg m;
    expect_file("nautilus-polymarket/ws_market_tick_size_msg.json", POLY_MSG_TICK_SIZE, &m);
    assert_int_equal(m.old_tick, 100000);
    assert_int_equal(m.new_tick, 10000);
    expect_file("nautilus-polymarket-py/ws_messages/tick_size_change.json", POLY_MSG_TICK_SIZE, &m);
    assert_int_equal(m.old_tick, 10000);
    assert_int_equal(m.new_tick, 1000);
    expect_file("nautilus-polymarket/ws_market_best_bid_ask_msg.json", POLY_MSG_BEST_BID_ASK, &m);
    assert_int_equal(m.best_bid, 730000);
    assert_int_equal(m.best_ask, 770000);
    expect_file("nautilus-polymarket/ws_market_new_market_msg.json", POLY_MSG_NEW_MARKET, &m);
    assert_int_equal(m.nids, 2);
    assert_true(poly_str_is(m.ids[1], "31690934263385727664202099278545688007799199447969475608906331829650099442770"));
    expect_file("nautilus-polymarket/ws_market_resolved_msg.json", POLY_MSG_RESOLVED, &m);
    assert_true(poly_str_is(m.winning_asset, "76043073756653678226373981964075571318267289248134717369284518995922789326425"));
    assert_true(poly_str_is(m.winning_outcome, "Yes"));
    assert_int_equal(m.nids, 2);
    expect_file("nautilus-polymarket/ws_market_price_change_msg.json", POLY_MSG_PRICE_CHANGE, &m);
    assert_int_equal(m.changes[0].size, 150000000);
    expect_file("nautilus-polymarket/ws_market_last_trade_msg.json", POLY_MSG_LAST_TRADE, &m);
    expect_file("nautilus-polymarket/ws_market_book_msg.json", POLY_MSG_BOOK, &m);
    expect_file("nautilus-polymarket-captured/ws_book_snapshot_captured.json", POLY_MSG_BOOK, &m);
    assert_int_equal(m.tick, 10000); /* "0.01" */
    expect_file("nautilus-polymarket-py/ws_messages/book.json", POLY_MSG_BOOK, &m);
    assert_int_equal(m.nbids, 76);
    assert_int_equal(m.nasks, 86);

    /* the pre-2025-09 per-asset price_change is refused with a reason naming it */
    size_t len;
    char *legacy = pm_test_shared_data("nautilus-polymarket-py/ws_messages/price_change.json", &len);
    pm_err err;
    assert_int_equal(poly_parse_frame(parser, legacy, len, &err), POLY_FRAME_JSON);
    assert_int_equal(poly_parse_next(parser, &m, &err), -1);
    assert_non_null(strstr(err.msg, "legacy"));
    assert_int_equal(m.type, POLY_MSG_PRICE_CHANGE);
    assert_true(poly_str_is(m.asset, "48331043336612883890938759509493159234755048973500640148014422747788308965732"));
    free(legacy);
}

static void test_text_frames(void **state) {
    (void)state;
    assert_int_equal(frame("PONG"), POLY_FRAME_PONG);
    assert_int_equal(frame("PONG\n"), POLY_FRAME_PONG);
    assert_int_equal(frame("NO NEW ASSETS"), POLY_FRAME_TEXT);
    assert_int_equal(frame("INVALID OPERATION"), POLY_FRAME_TEXT);
    assert_int_equal(frame(""), -1);
    assert_int_equal(frame("  \n"), -1);
    assert_int_equal(frame("{\"event_type\":\"book\""), -1);
    assert_int_equal(frame("[1,2]"), POLY_FRAME_JSON);
    pm_err err;
    poly_msg m;
    assert_int_equal(poly_parse_next(parser, &m, &err), -1); /* not objects */
    assert_int_equal(poly_parse_next(parser, &m, &err), -1);
    assert_int_equal(poly_parse_next(parser, &m, &err), 0);
    assert_int_equal(frame("\"text\""), POLY_FRAME_TEXT); /* not an object or array: plain text */
    assert_int_equal(frame("[]"), POLY_FRAME_JSON);
    assert_int_equal(poly_parse_next(parser, &m, &err), 0);
}

static void test_array_with_bad_element(void **state) {
    (void)state;
    const char *text =
        "[{\"event_type\":\"best_bid_ask\",\"asset_id\":\"1\",\"market\":\"0x1\",\"best_bid\":\"\",\"best_ask\":\"0.6\"},"
        "{\"event_type\":\"book\",\"asset_id\":\"2\",\"bids\":[{\"price\":\"1.5\",\"size\":\"1\"}],\"asks\":[]},"
        "{\"event_type\":\"something_new\",\"x\":1},"
        "{\"event_type\":\"book\",\"asset_id\":\"3\",\"bids\":[],\"asks\":[{\"price\":\"0.7\",\"size\":\"2.5\"}]}]";
    pm_err err;
    poly_msg m;
    assert_int_equal(poly_parse_frame(parser, text, strlen(text), &err), POLY_FRAME_JSON);
    assert_int_equal(poly_parse_next(parser, &m, &err), 1);
    assert_int_equal(m.type, POLY_MSG_BEST_BID_ASK);
    assert_int_equal(m.best_bid, POLY_PX_NONE); /* "" */
    assert_int_equal(m.best_ask, 600000);
    assert_int_equal(poly_parse_next(parser, &m, &err), -1);
    assert_int_equal(m.type, POLY_MSG_BOOK);
    assert_true(poly_str_is(m.asset, "2"));
    assert_non_null(strstr(err.msg, "price"));
    assert_int_equal(poly_parse_next(parser, &m, &err), 1);
    assert_int_equal(m.type, POLY_MSG_UNKNOWN);
    assert_true(poly_str_is(m.event_type, "something_new"));
    assert_int_equal(poly_parse_next(parser, &m, &err), 1);
    assert_int_equal(m.type, POLY_MSG_BOOK);
    assert_int_equal(m.nbids, 0);
    assert_int_equal(m.nasks, 1);
    assert_int_equal(m.asks[0].qty, 2500000);
    assert_int_equal(poly_parse_next(parser, &m, &err), 0);
}

static int change_rc(const char *price, const char *size, const char *side, const char *best_bid) {
    char text[512];
    snprintf(text, sizeof text,
             "{\"event_type\":\"price_change\",\"market\":\"0x1\",\"timestamp\":\"5\",\"price_changes\":[{\"asset_id\":\"9\","
             "\"price\":\"%s\",\"size\":\"%s\",\"side\":\"%s\",\"best_bid\":\"%s\",\"best_ask\":\"\"}]}",
             price, size, side, best_bid);
    pm_err err;
    poly_msg m;
    return one(text, &m, &err);
}

static void test_bad_values(void **state) {
    (void)state;
    assert_int_equal(change_rc("0.5", "10", "BUY", "0.5"), 1);
    assert_int_equal(change_rc(".5", "10", "SELL", ""), 1);
    assert_int_equal(change_rc("1.5", "10", "BUY", ""), -1);
    assert_int_equal(change_rc("0", "10", "BUY", ""), -1);
    assert_int_equal(change_rc("1", "10", "BUY", ""), -1);
    assert_int_equal(change_rc("-0.1", "10", "BUY", ""), -1);
    assert_int_equal(change_rc("0.1234567", "10", "BUY", ""), -1);
    assert_int_equal(change_rc("0.5", "-1", "BUY", ""), -1);
    assert_int_equal(change_rc("0.5", "1e3", "BUY", ""), -1);
    assert_int_equal(change_rc("0.5", "10", "buy", ""), -1);
    assert_int_equal(change_rc("0.5", "10", "BUY", "2"), -1);
    assert_int_equal(change_rc("0.5", "", "BUY", ""), -1);
    pm_err err;
    poly_msg m;
    assert_int_equal(one("{\"event_type\":\"price_change\",\"market\":\"0x1\",\"price_changes\":{}}", &m, &err), -1);
    assert_int_equal(one("{\"market\":\"0x1\"}", &m, &err), -1); /* no event_type */
    assert_int_equal(one("{\"event_type\":\"book\",\"asset_id\":\"1\",\"bids\":[]}", &m, &err), -1);
    assert_int_equal(one("{\"event_type\":\"book\",\"asset_id\":\"1\",\"bids\":[],\"asks\":[],\"timestamp\":\"12a\"}", &m, &err), -1);
}

static void test_user_channel(void **state) {
    (void)state;
    const char *order =
        "{\"event_type\":\"order\",\"id\":\"0xff354cd7ca7539dfa9c28d90943ab5779a4eac34b9b37a757d7b32bdfb11790b\","
        "\"owner\":\"9180014b-33c8-9240-a14b-bdca11c0a465\",\"market\":\"0xbd31dc8a20211944f6b70f31557f1001557b59905b7738480ca09bd4532f84af\","
        "\"asset_id\":\"52114319501245915516055106046884209969926127482827954674443846427813813222426\",\"side\":\"SELL\","
        "\"order_owner\":\"9180014b-33c8-9240-a14b-bdca11c0a465\",\"original_size\":\"10\",\"size_matched\":\"0\","
        "\"price\":\"0.57\",\"associate_trades\":null,\"outcome\":\"YES\",\"type\":\"PLACEMENT\",\"created_at\":\"1672290687\","
        "\"expiration\":\"1234567\",\"order_type\":\"GTD\",\"status\":\"LIVE\",\"timestamp\":\"1672290687\"}";
    pm_err err;
    poly_msg m;
    assert_int_equal(one(order, &m, &err), 1);
    assert_int_equal(m.type, POLY_MSG_ORDER);
    assert_int_equal(m.side, PM_SIDE_SELL);
    assert_int_equal(m.px, 570000);
    assert_int_equal(m.size, 10000000);
    assert_int_equal(m.size_matched, 0);
    assert_true(poly_str_is(m.status, "LIVE"));
    assert_true(poly_str_is(m.kind, "PLACEMENT"));
    const char *trade =
        "{\"asset_id\":\"52114319501245915516055106046884209969926127482827954674443846427813813222426\",\"event_type\":\"trade\","
        "\"id\":\"28c4d2eb-bbea-40e7-a9f0-b2fdb56b2c2e\",\"last_update\":\"1672290701\",\"maker_orders\":[{\"asset_id\":"
        "\"52114319501245915516055106046884209969926127482827954674443846427813813222426\",\"matched_amount\":\"10\",\"order_id\":"
        "\"0xff354cd7ca7539dfa9c28d90943ab5779a4eac34b9b37a757d7b32bdfb11790b\",\"outcome\":\"YES\",\"owner\":"
        "\"9180014b-33c8-9240-a14b-bdca11c0a465\",\"price\":\"0.57\"}],\"market\":\"0xbd31dc8a20211944f6b70f31557f1001557b59905b7738480ca09bd4532f84af\","
        "\"matchtime\":\"1672290701\",\"outcome\":\"YES\",\"owner\":\"9180014b-33c8-9240-a14b-bdca11c0a465\",\"price\":\"0.57\","
        "\"side\":\"BUY\",\"size\":\"10\",\"status\":\"MATCHED\",\"taker_order_id\":"
        "\"0x06bc63e346ed4ceddce9efd6b3af37c8f8f440c92fe7da6b2d0f9e4ccbc50c42\",\"timestamp\":\"1672290701\",\"trade_owner\":"
        "\"9180014b-33c8-9240-a14b-bdca11c0a465\",\"type\":\"TRADE\"}";
    assert_int_equal(one(trade, &m, &err), 1);
    assert_int_equal(m.type, POLY_MSG_TRADE);
    assert_int_equal(m.nmakers, 1);
    assert_int_equal(m.makers[0].qty, 10000000);
    assert_int_equal(m.makers[0].px, 570000);
    assert_true(poly_str_is(m.makers[0].owner, "9180014b-33c8-9240-a14b-bdca11c0a465"));
    assert_true(poly_str_is(m.taker_order_id, "0x06bc63e346ed4ceddce9efd6b3af37c8f8f440c92fe7da6b2d0f9e4ccbc50c42"));
    assert_true(poly_str_is(m.status, "MATCHED"));
}

/* Every proper prefix of a real frame fails cleanly; the whole frame parses. */
static void test_every_prefix(void **state) {
    (void)state;
    char *all = pm_test_shared_data("nautilus-polymarket-captured/ws_book_snapshot_captured.json", NULL);
    size_t len = strlen(all);
    while (len && (all[len - 1] == '\n' || all[len - 1] == ' ')) len--;
    pm_err err;
    poly_msg m;
    for (size_t n = 0; n < len; n++) {
        char *copy = malloc(n + 1); /* exactly n bytes of frame: ASan sees any over-read */
        memcpy(copy, all, n);
        copy[n] = '\0';
        int kind = poly_parse_frame(parser, copy, n, &err);
        if (kind == POLY_FRAME_JSON) assert_int_equal(poly_parse_next(parser, &m, &err), -1);
        else assert_int_equal(kind, -1);
        free(copy);
    }
    assert_int_equal(poly_parse_frame(parser, all, len, &err), POLY_FRAME_JSON);
    assert_int_equal(poly_parse_next(parser, &m, &err), 1);
    free(all);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_burst_array),      cmocka_unit_test(test_ssmd_books_and_trades),
        cmocka_unit_test(test_docs_examples),    cmocka_unit_test(test_nautilus_messages),
        cmocka_unit_test(test_text_frames),      cmocka_unit_test(test_array_with_bad_element),
        cmocka_unit_test(test_bad_values),       cmocka_unit_test(test_user_channel),
        cmocka_unit_test(test_every_prefix),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
