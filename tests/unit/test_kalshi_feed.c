/* test_kalshi_feed.c — the Kalshi market-data state machine driven by frames: the verbatim
 * demo capture builds the book the capture's own ticker frame reports; acks consume seq; a
 * gap, an inconsistent delta, a malformed frame, error 25 and a disconnect each make the books
 * stale and queue exactly the commands that rebuild them; both use_yes_price forms. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "util/log.h"
#include "venue/kalshi/feed.h"

#define GOLD "KXGOLDH-26AUG2711-T4615.99"
#define GOLD2 "KXGOLDH-26AUG2711-T4617.99"

static kalshi_feed *feed;

static int setup(void **state) {
    (void)state;
    const char *tickers[] = {GOLD, GOLD2};
    pm_err err;
    feed = kalshi_feed_new(tickers, 2, 0, &err);
    return feed ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    kalshi_feed_free(feed);
    return 0;
}

static void expect_cmd(const char *want) {
    size_t len;
    const char *c = kalshi_feed_next_command(feed, &len);
    if (!want) {
        if (c) fail_msg("unexpected command %s", c);
        return;
    }
    assert_non_null(c);
    assert_int_equal(len, strlen(want));
    assert_string_equal(c, want);
}

static kalshi_feed_event frame(const char *text) {
    kalshi_feed_result r;
    kalshi_feed_frame(feed, text, strlen(text), 1000, &r);
    return r.event;
}

static char *demo_line(int n) {
    char *all = pm_test_shared_data("kalshi-ws-verbatim/demo_2026-08-27_KXGOLDH.jsonl", NULL), *p = all;
    for (int i = 0; i < n; i++) p = strchr(p, '\n') + 1;
    char *line = strndup(p, strcspn(p, "\n"));
    free(all);
    return line;
}

static kalshi_feed_event demo(int n) {
    char *line = demo_line(n);
    kalshi_feed_event e = frame(line);
    free(line);
    return e;
}

static const pm_book *gold(void) { return kalshi_feed_book(feed, kalshi_feed_index(feed, GOLD, strlen(GOLD))); }

static void connect_and_subscribe(void) {
    kalshi_feed_connected(feed, 0);
    expect_cmd("{\"id\":1,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"orderbook_delta\"],\"market_tickers\":[\""
               GOLD "\",\"" GOLD2 "\"],\"use_yes_price\":false}}");
    expect_cmd("{\"id\":2,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"market_lifecycle_v2\"]}}");
    expect_cmd(NULL);
}

static void test_capture_builds_book(void **state) {
    (void)state;
    connect_and_subscribe();
    assert_int_equal(gold()->state, PM_BOOK_EMPTY);
    assert_false(kalshi_feed_ready(feed));
    assert_int_equal(demo(0), KALSHI_FEED_NONE); /* subscribed: sid 1 */
    assert_false(kalshi_feed_ready(feed)); /* the lifecycle subscription is not acknowledged yet */
    frame("{\"type\":\"subscribed\",\"id\":2,\"msg\":{\"channel\":\"market_lifecycle_v2\",\"sid\":2}}");
    assert_true(kalshi_feed_ready(feed));
    assert_int_equal(demo(1), KALSHI_FEED_BOOK);  /* snapshot, seq 1 */
    const pm_book *b = gold();
    assert_int_equal(b->state, PM_BOOK_LIVE);
    assert_int_equal(pm_book_best(&b->bid)->px, 10000);
    assert_int_equal(pm_book_best(&b->bid)->qty, 1410000000);
    /* NO bids 0.01 × 100 and 0.02 × 2500 are YES asks 0.99 and 0.98: the capture's own ticker
     * frame says yes_ask_dollars 0.9800 with yes_ask_size_fp 2500.00 */
    assert_int_equal(b->ask.n, 2);
    assert_int_equal(pm_book_best(&b->ask)->px, 980000);
    assert_int_equal(pm_book_best(&b->ask)->qty, 2500000000);
    assert_int_equal(pm_book_qty_at(&b->ask, 990000), 100000000);
    assert_int_equal(demo(2), KALSHI_FEED_BOOK); /* delta seq 2: +10 at YES 0.01 */
    assert_int_equal(pm_book_best(&b->bid)->qty, 1420000000);
    assert_int_equal(demo(3), KALSHI_FEED_NONE); /* ticker on another sid: not ours */
    kalshi_feed_stats st;
    kalshi_feed_get_stats(feed, &st);
    assert_int_equal(st.snapshots, 1);
    assert_int_equal(st.book_updates, 2);
    assert_int_equal(st.gaps, 0);
    assert_int_equal(st.unknown_type, 1);
}

static void test_ack_consumes_seq_and_gap_resyncs(void **state) {
    (void)state;
    connect_and_subscribe();
    demo(0);
    demo(1);
    demo(2); /* seq 2 */
    assert_int_equal(frame("{\"type\":\"ok\",\"id\":9,\"sid\":1,\"seq\":3,\"msg\":{\"market_tickers\":[]}}"), KALSHI_FEED_NONE);
    assert_int_equal(frame("{\"type\":\"orderbook_delta\",\"sid\":1,\"seq\":4,\"msg\":{\"market_ticker\":\"" GOLD
                           "\",\"price_dollars\":\"0.0100\",\"delta_fp\":\"-20.00\",\"side\":\"yes\"}}"),
                     KALSHI_FEED_BOOK);
    assert_int_equal(pm_book_best(&gold()->bid)->qty, 1400000000);
    /* seq 5 never arrives */
    assert_int_equal(frame("{\"type\":\"orderbook_delta\",\"sid\":1,\"seq\":6,\"msg\":{\"market_ticker\":\"" GOLD
                           "\",\"price_dollars\":\"0.0100\",\"delta_fp\":\"-20.00\",\"side\":\"yes\"}}"),
                     KALSHI_FEED_STALE);
    assert_int_equal(gold()->state, PM_BOOK_STALE);
    expect_cmd("{\"id\":4,\"cmd\":\"unsubscribe\",\"params\":{\"sids\":[1]}}");
    expect_cmd("{\"id\":3,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"orderbook_delta\"],\"market_tickers\":[\""
               GOLD "\",\"" GOLD2 "\"],\"use_yes_price\":false}}");
    expect_cmd(NULL);
    /* late frames of the old sid change nothing */
    assert_int_equal(frame("{\"type\":\"orderbook_delta\",\"sid\":1,\"seq\":7,\"msg\":{\"market_ticker\":\"" GOLD
                           "\",\"price_dollars\":\"0.0100\",\"delta_fp\":\"1.00\",\"side\":\"yes\"}}"),
                     KALSHI_FEED_NONE);
    assert_int_equal(frame("{\"type\":\"subscribed\",\"id\":3,\"msg\":{\"channel\":\"orderbook_delta\",\"sid\":7}}"),
                     KALSHI_FEED_NONE);
    assert_int_equal(frame("{\"type\":\"orderbook_delta\",\"sid\":7,\"seq\":1,\"msg\":{\"market_ticker\":\"" GOLD
                           "\",\"price_dollars\":\"0.0100\",\"delta_fp\":\"1.00\",\"side\":\"yes\"}}"),
                     KALSHI_FEED_NONE); /* a delta before the snapshot is not applied */
    assert_int_equal(gold()->state, PM_BOOK_STALE);
    assert_int_equal(frame("{\"type\":\"orderbook_snapshot\",\"sid\":7,\"seq\":2,\"msg\":{\"market_ticker\":\"" GOLD
                           "\",\"yes_dollars_fp\":[[\"0.5000\",\"3.00\"]]}}"),
                     KALSHI_FEED_BOOK);
    assert_int_equal(gold()->state, PM_BOOK_LIVE);
    assert_int_equal(gold()->ask.n, 0);
    assert_int_equal(pm_book_best(&gold()->bid)->px, 500000);
    kalshi_feed_stats st;
    kalshi_feed_get_stats(feed, &st);
    assert_int_equal(st.gaps, 1);
    assert_int_equal(st.resyncs, 1);
}

static void live_gold(void) {
    connect_and_subscribe();
    demo(0);
    demo(1);
}

static void test_inconsistent_delta(void **state) {
    (void)state;
    live_gold();
    assert_int_equal(frame("{\"type\":\"orderbook_delta\",\"sid\":1,\"seq\":2,\"msg\":{\"market_ticker\":\"" GOLD
                           "\",\"price_dollars\":\"0.0200\",\"delta_fp\":\"-2501.00\",\"side\":\"no\"}}"),
                     KALSHI_FEED_STALE);
    assert_int_equal(gold()->state, PM_BOOK_STALE);
    expect_cmd("{\"id\":4,\"cmd\":\"unsubscribe\",\"params\":{\"sids\":[1]}}");
    kalshi_feed_stats st;
    kalshi_feed_get_stats(feed, &st);
    assert_int_equal(st.inconsistent, 1);
}

static void test_malformed_and_errors(void **state) {
    (void)state;
    live_gold();
    assert_int_equal(frame("{\"type\":\"orderbook_delta\",\"sid\":1,\"seq\":2,\"msg\":{\"market_ticker\":\"" GOLD
                           "\",\"price_dollars\":\"7.0000\",\"delta_fp\":\"1.00\",\"side\":\"yes\"}}"),
                     KALSHI_FEED_STALE);
    assert_int_equal(gold()->state, PM_BOOK_STALE);
    expect_cmd("{\"id\":4,\"cmd\":\"unsubscribe\",\"params\":{\"sids\":[1]}}");
    expect_cmd("{\"id\":3,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"orderbook_delta\"],\"market_tickers\":[\""
               GOLD "\",\"" GOLD2 "\"],\"use_yes_price\":false}}");
    frame("{\"type\":\"subscribed\",\"id\":3,\"msg\":{\"channel\":\"orderbook_delta\",\"sid\":8}}");
    frame("{\"type\":\"orderbook_snapshot\",\"sid\":8,\"seq\":1,\"msg\":{\"market_ticker\":\"" GOLD "\"}}");
    assert_int_equal(gold()->state, PM_BOOK_LIVE);
    assert_int_equal(frame("{\"type\":\"error\",\"id\":0,\"sid\":8,\"msg\":{\"code\":25,\"msg\":\"Subscription buffer overflow\"}}"),
                     KALSHI_FEED_STALE);
    assert_int_equal(gold()->state, PM_BOOK_STALE);
    expect_cmd("{\"id\":6,\"cmd\":\"unsubscribe\",\"params\":{\"sids\":[8]}}");
    expect_cmd("{\"id\":5,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"orderbook_delta\"],\"market_tickers\":[\""
               GOLD "\",\"" GOLD2 "\"],\"use_yes_price\":false}}");
    /* invalid JSON with no sid to blame: every book subscription starts over */
    assert_int_equal(frame("{\"type\":\"orderbook_delta\",\"sid\":"), KALSHI_FEED_STALE);
    kalshi_feed_stats st;
    kalshi_feed_get_stats(feed, &st);
    assert_int_equal(st.malformed, 2);
    assert_int_equal(st.venue_errors, 1);
    /* an unknown ticker on our sid is counted and dropped */
    frame("{\"type\":\"subscribed\",\"id\":7,\"msg\":{\"channel\":\"orderbook_delta\",\"sid\":9}}");
    assert_int_equal(frame("{\"type\":\"orderbook_snapshot\",\"sid\":9,\"seq\":1,\"msg\":{\"market_ticker\":\"KXOTHER\"}}"),
                     KALSHI_FEED_NONE);
    kalshi_feed_get_stats(feed, &st);
    assert_int_equal(st.unknown_ticker, 1);
}

static void test_disconnect(void **state) {
    (void)state;
    live_gold();
    kalshi_feed_disconnected(feed);
    assert_int_equal(gold()->state, PM_BOOK_STALE);
    expect_cmd(NULL);
    kalshi_feed_connected(feed, 1);
    size_t len;
    int n = 0;
    while (kalshi_feed_next_command(feed, &len)) n++;
    assert_int_equal(n, 4); /* book, lifecycle, fill, user_orders */
}

static void test_yes_price_form_and_lifecycle(void **state) {
    (void)state;
    const char *tickers[] = {"T"};
    pm_err err;
    kalshi_feed *f = kalshi_feed_new(tickers, 1, 1, &err);
    kalshi_feed_connected(f, 0);
    size_t len;
    const char *c = kalshi_feed_next_command(f, &len);
    assert_non_null(strstr(c, "\"use_yes_price\":true"));
    kalshi_feed_result r;
    const char *sub = "{\"type\":\"subscribed\",\"id\":1,\"msg\":{\"channel\":\"orderbook_delta\",\"sid\":3}}";
    kalshi_feed_frame(f, sub, strlen(sub), 1, &r);
    /* YES-scale NO bid reported at 0.46 = NO bid 0.54 = YES ask 0.46 */
    const char *snap = "{\"type\":\"orderbook_snapshot\",\"sid\":3,\"seq\":1,\"msg\":{\"market_ticker\":\"T\","
                       "\"yes_dollars_fp\":[[\"0.4200\",\"13.00\"]],\"no_dollars_fp\":[[\"0.4600\",\"20.00\"]]}}";
    kalshi_feed_frame(f, snap, strlen(snap), 1, &r);
    assert_int_equal(r.event, KALSHI_FEED_BOOK);
    assert_int_equal(r.market, 0);
    const pm_book *b = kalshi_feed_book(f, 0);
    assert_int_equal(pm_book_best(&b->ask)->px, 460000);
    const char *delta = "{\"type\":\"orderbook_delta\",\"sid\":3,\"seq\":2,\"msg\":{\"market_ticker\":\"T\","
                        "\"price_dollars\":\"0.4500\",\"delta_fp\":\"5.00\",\"side\":\"no\"}}";
    kalshi_feed_frame(f, delta, strlen(delta), 2, &r);
    assert_int_equal(pm_book_best(&b->ask)->px, 450000);
    assert_int_equal(pm_book_best(&b->ask)->qty, 5000000);
    assert_int_equal(b->updated_ns, 2);
    const char *life = "{\"type\":\"market_lifecycle_v2\",\"sid\":4,\"seq\":1,\"msg\":{\"market_ticker\":\"T\","
                       "\"event_type\":\"determined\"}}";
    kalshi_feed_frame(f, life, strlen(life), 3, &r);
    assert_int_equal(r.event, KALSHI_FEED_MARKET);
    assert_int_equal(r.market, 0);
    assert_int_equal(r.msg->event_type.n, 10);
    kalshi_feed_free(f);
    const char *bad[] = {"BAD\"T"};
    assert_null(kalshi_feed_new(bad, 1, 1, &err));
    assert_string_equal(err.msg, "bad Kalshi ticker 'BAD\"T'");
}

#define NEWT "KXNEWT-26DEC-T1"

/* Tickers added on a live connection are subscribed at once on a subscription of their own, their
 * books EMPTY until its snapshot; the others keep their books and indexes. Added while down, they
 * are subscribed at the next connect with the rest. */
static void test_add_tickers(void **state) {
    (void)state;
    connect_and_subscribe();
    demo(0);
    frame("{\"type\":\"subscribed\",\"id\":2,\"msg\":{\"channel\":\"market_lifecycle_v2\",\"sid\":2}}");
    demo(1);
    assert_true(kalshi_feed_ready(feed));
    pm_err err;
    const char *add[] = {NEWT, GOLD, NEWT};
    assert_int_equal(kalshi_feed_add(feed, add, 3, &err), 0);
    assert_int_equal(kalshi_feed_count(feed), 3);
    assert_int_equal(kalshi_feed_index(feed, GOLD, strlen(GOLD)), 0);
    assert_int_equal(kalshi_feed_index(feed, NEWT, strlen(NEWT)), 2);
    assert_string_equal(kalshi_feed_ticker(feed, 2), NEWT);
    assert_int_equal(gold()->state, PM_BOOK_LIVE);
    assert_int_equal(kalshi_feed_book(feed, 2)->state, PM_BOOK_EMPTY);
    assert_false(kalshi_feed_ready(feed));
    expect_cmd("{\"id\":3,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"orderbook_delta\"],\"market_tickers\":[\""
               NEWT "\"],\"use_yes_price\":false}}");
    expect_cmd(NULL);
    assert_int_equal(frame("{\"type\":\"subscribed\",\"id\":3,\"msg\":{\"channel\":\"orderbook_delta\",\"sid\":3}}"),
                     KALSHI_FEED_NONE);
    assert_true(kalshi_feed_ready(feed));
    assert_int_equal(frame("{\"type\":\"orderbook_snapshot\",\"sid\":3,\"seq\":1,\"msg\":{\"market_ticker\":\"" NEWT
                           "\",\"yes_dollars_fp\":[[\"0.4200\",\"7.00\"]]}}"),
                     KALSHI_FEED_BOOK);
    assert_int_equal(kalshi_feed_book(feed, 2)->state, PM_BOOK_LIVE);
    assert_int_equal(pm_book_best(&kalshi_feed_book(feed, 2)->bid)->px, 420000);
    assert_int_equal(gold()->state, PM_BOOK_LIVE);

    /* a bad ticker adds nothing */
    const char *bad[] = {"KXOTHER-1", "has space"};
    assert_int_equal(kalshi_feed_add(feed, bad, 2, &err), -1);
    assert_non_null(strstr(err.msg, "bad Kalshi ticker"));
    assert_int_equal(kalshi_feed_count(feed), 3);

    /* added while disconnected: subscribed with the others at the next connect */
    kalshi_feed_disconnected(feed);
    const char *later[] = {"KXOTHER-1"};
    assert_int_equal(kalshi_feed_add(feed, later, 1, &err), 0);
    expect_cmd(NULL);
    kalshi_feed_connected(feed, 0);
    expect_cmd("{\"id\":4,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"orderbook_delta\"],\"market_tickers\":[\""
               GOLD "\",\"" GOLD2 "\"],\"use_yes_price\":false}}");
    expect_cmd("{\"id\":5,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"market_lifecycle_v2\"]}}");
    expect_cmd("{\"id\":6,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"orderbook_delta\"],\"market_tickers\":[\""
               NEWT "\"],\"use_yes_price\":false}}");
    expect_cmd("{\"id\":7,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"orderbook_delta\"],\"market_tickers\":[\""
               "KXOTHER-1\"],\"use_yes_price\":false}}");
    expect_cmd(NULL);
    assert_int_equal(kalshi_feed_book(feed, 3)->state, PM_BOOK_EMPTY);
}

int main(void) {
    pm_log_set_level(PM_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_capture_builds_book, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ack_consumes_seq_and_gap_resyncs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inconsistent_delta, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_and_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disconnect, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_tickers, setup, teardown),
        cmocka_unit_test(test_yes_price_form_and_lifecycle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
