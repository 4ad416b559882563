/* test_kalshi_ws_msg.c — Kalshi WebSocket frames parsed into exact fixed-point values: the
 * frames captured verbatim from the demo and production exchanges, the documentation's
 * examples, both use_yes_price forms, own fills and orders, and malformed input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "venue/kalshi/ws_msg.h"

static kalshi_parser *parser;

static int setup(void **state) {
    (void)state;
    parser = malloc(sizeof *parser);
    return parser ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    free(parser);
    return 0;
}

/* Line `n` (0-based) of a shared data file. */
static char *line_of(const char *file, int n) {
    char *all = pm_test_shared_data(file, NULL);
    char *p = all;
    for (int i = 0; i < n; i++) {
        p = strchr(p, '\n');
        assert_non_null(p);
        p++;
    }
    size_t len = strcspn(p, "\n");
    char *line = strndup(p, len);
    free(all);
    return line;
}

static void parse_ok(const char *frame, int yes_scale, kalshi_msg *m) {
    pm_err err;
    if (kalshi_parse_frame(parser, frame, strlen(frame), yes_scale, m, &err)) fail_msg("%s: %s", err.msg, frame);
}

static void assert_str(kalshi_str s, const char *want) {
    assert_int_equal(s.n, strlen(want));
    assert_memory_equal(s.p, want, s.n);
}

#define DEMO "kalshi-ws-verbatim/demo_2026-08-27_KXGOLDH.jsonl"
#define PROD "kalshi-ws-verbatim/prod_2026-07-28_KXAAAGASD.jsonl"

static void test_demo_capture(void **state) {
    (void)state;
    kalshi_msg m;
    char *f = line_of(DEMO, 0);
    parse_ok(f, 0, &m);
    assert_int_equal(m.type, KALSHI_MSG_SUBSCRIBED);
    assert_int_equal(m.id, 1);
    assert_int_equal(m.sid, 1);
    assert_int_equal(m.seq, -1);
    assert_str(m.channel, "orderbook_delta");
    free(f);

    f = line_of(DEMO, 1);
    parse_ok(f, 0, &m);
    assert_int_equal(m.type, KALSHI_MSG_SNAPSHOT);
    assert_int_equal(m.sid, 1);
    assert_int_equal(m.seq, 1);
    assert_str(m.ticker, "KXGOLDH-26AUG2711-T4615.99");
    assert_int_equal(m.nyes, 1);
    assert_int_equal(m.yes[0].px, 10000);
    assert_int_equal(m.yes[0].qty, 1410000000);
    assert_int_equal(m.nno, 2);
    assert_int_equal(m.no[0].px, 10000);
    assert_int_equal(m.no[0].qty, 100000000);
    assert_int_equal(m.no[1].px, 20000);
    assert_int_equal(m.no[1].qty, 2500000000);
    free(f);

    f = line_of(DEMO, 2);
    parse_ok(f, 0, &m);
    assert_int_equal(m.type, KALSHI_MSG_DELTA);
    assert_int_equal(m.seq, 2);
    assert_int_equal(m.side, PM_OUTCOME_YES);
    assert_int_equal(m.px, 10000);
    assert_int_equal(m.delta, 10000000);
    assert_int_equal(m.ts_ms, 1787838983996LL);
    free(f);

    f = line_of(DEMO, 3);
    parse_ok(f, 0, &m);
    assert_int_equal(m.type, KALSHI_MSG_TICKER);
    assert_int_equal(m.sid, 4);
    free(f);

    f = line_of(DEMO, 4); /* an ok that consumes a seq on the data sid */
    parse_ok(f, 0, &m);
    assert_int_equal(m.type, KALSHI_MSG_OK);
    assert_int_equal(m.id, 2);
    assert_int_equal(m.sid, 1);
    assert_int_equal(m.seq, 108);
    free(f);

    f = line_of(DEMO, 5);
    parse_ok(f, 0, &m);
    assert_int_equal(m.type, KALSHI_MSG_ERROR);
    assert_int_equal(m.code, 8);
    assert_str(m.text, "Unknown channel name");
    free(f);

    f = line_of(DEMO, 6); /* empty snapshot: no depth arrays at all */
    parse_ok(f, 0, &m);
    assert_int_equal(m.type, KALSHI_MSG_SNAPSHOT);
    assert_str(m.ticker, "KXBTCD-25AUG2617-T112999.99");
    assert_int_equal(m.nyes, 0);
    assert_int_equal(m.nno, 0);
    free(f);
}

static void test_prod_capture(void **state) {
    (void)state;
    kalshi_msg m;
    char *f = line_of(PROD, 1);
    parse_ok(f, 0, &m);
    assert_int_equal(m.type, KALSHI_MSG_SNAPSHOT);
    assert_str(m.ticker, "KXAAAGASD-26JUL29-4.075");
    assert_int_equal(m.nyes, 2);
    assert_int_equal(m.yes[1].px, 20000);
    assert_int_equal(m.yes[1].qty, 5000000);
    free(f);
    f = line_of(PROD, 2);
    parse_ok(f, 0, &m);
    assert_int_equal(m.type, KALSHI_MSG_DELTA);
    assert_int_equal(m.seq, 9);
    assert_int_equal(m.px, 440000);
    assert_int_equal(m.delta, -5000000);
    free(f);
    f = line_of(PROD, 3);
    parse_ok(f, 0, &m);
    assert_int_equal(m.type, KALSHI_MSG_ERROR);
    assert_int_equal(m.code, 3);
    assert_str(m.text, "Channels required");
    free(f);
}

/* The docs' snapshot carries legacy cent fields next to the fixed-point ones: only _fp counts. */
static void test_docs_example_uses_fixed_point_fields(void **state) {
    (void)state;
    kalshi_msg m;
    char *f = line_of("docs-examples/kalshi_ws_docs_examples.jsonl", 0);
    parse_ok(f, 0, &m);
    assert_int_equal(m.type, KALSHI_MSG_SNAPSHOT);
    assert_int_equal(m.nyes, 2);
    assert_int_equal(m.yes[0].px, 80000);
    assert_int_equal(m.yes[0].qty, 300000000);
    assert_int_equal(m.nno, 2);
    assert_int_equal(m.no[1].px, 560000);
    assert_int_equal(m.no[1].qty, 146000000);
    free(f);
}

static void test_yes_price_form(void **state) {
    (void)state;
    kalshi_msg m;
    /* the same book in both forms: NO bid at 0.54 (NO price) is 0.46 on the YES scale */
    parse_ok("{\"type\":\"orderbook_snapshot\",\"sid\":3,\"seq\":1,\"msg\":{\"market_ticker\":\"T\","
             "\"yes_dollars_fp\":[[\"0.4200\",\"13.00\"]],\"no_dollars_fp\":[[\"0.5400\",\"20.00\"]]}}",
             0, &m);
    assert_int_equal(m.no[0].px, 540000);
    parse_ok("{\"type\":\"orderbook_snapshot\",\"sid\":3,\"seq\":1,\"msg\":{\"market_ticker\":\"T\","
             "\"yes_dollars_fp\":[[\"0.4200\",\"13.00\"]],\"no_dollars_fp\":[[\"0.4600\",\"20.00\"]]}}",
             1, &m);
    assert_int_equal(m.yes[0].px, 420000);
    assert_int_equal(m.no[0].px, 540000);
    parse_ok("{\"type\":\"orderbook_delta\",\"sid\":3,\"seq\":2,\"msg\":{\"market_ticker\":\"T\","
             "\"price_dollars\":\"0.4550\",\"delta_fp\":\"1.50\",\"side\":\"no\"}}",
             1, &m);
    assert_int_equal(m.side, PM_OUTCOME_NO);
    assert_int_equal(m.px, 545000);
    assert_int_equal(m.delta, 1500000);
    assert_int_equal(m.ts_ms, -1);
    parse_ok("{\"type\":\"orderbook_delta\",\"sid\":3,\"seq\":2,\"msg\":{\"market_ticker\":\"T\","
             "\"price_dollars\":\"0.4550\",\"delta_fp\":\"1.50\",\"side\":\"yes\"}}",
             1, &m);
    assert_int_equal(m.px, 455000); /* YES side is the same in both forms */
}

static void test_fill_and_user_order(void **state) {
    (void)state;
    kalshi_msg m;
    parse_ok("{\"type\":\"fill\",\"sid\":13,\"msg\":{\"trade_id\":\"d91bc706\",\"order_id\":\"ee2d3a49\","
             "\"client_order_id\":\"c1\",\"market_ticker\":\"T\",\"is_taker\":true,\"yes_price_dollars\":\"0.7500\","
             "\"count_fp\":\"3.00\",\"fee_cost\":\"0.0400\",\"outcome_side\":\"no\",\"book_side\":\"ask\","
             "\"post_position_fp\":\"-3.00\",\"ts_ms\":1700000000000}}",
             0, &m);
    assert_int_equal(m.type, KALSHI_MSG_FILL);
    assert_str(m.trade_id, "d91bc706");
    assert_str(m.order_id, "ee2d3a49");
    assert_str(m.client_order_id, "c1");
    assert_int_equal(m.outcome, PM_OUTCOME_NO);
    assert_int_equal(m.price, 250000); /* NO price = 1 − YES price */
    assert_int_equal(m.count, 3000000);
    assert_int_equal(m.fee, 40000);
    assert_true(m.is_taker);
    parse_ok("{\"type\":\"user_order\",\"sid\":14,\"msg\":{\"order_id\":\"ee2d3a49\",\"client_order_id\":\"c1\","
             "\"ticker\":\"T\",\"status\":\"executed\",\"outcome_side\":\"yes\",\"book_side\":\"bid\","
             "\"yes_price_dollars\":\"0.4200\",\"fill_count_fp\":\"10.00\",\"remaining_count_fp\":\"0.00\","
             "\"taker_fees_dollars\":\"0.1700\",\"maker_fees_dollars\":\"0.0000\"}}",
             0, &m);
    assert_int_equal(m.type, KALSHI_MSG_USER_ORDER);
    assert_str(m.status, "executed");
    assert_str(m.ticker, "T");
    assert_int_equal(m.price, 420000);
    assert_int_equal(m.count, 10000000);
    assert_int_equal(m.remaining, 0);
    assert_int_equal(m.fee, 170000);
}

static void test_lifecycle_and_fees(void **state) {
    (void)state;
    kalshi_msg m;
    parse_ok("{\"type\":\"market_lifecycle_v2\",\"sid\":5,\"seq\":3,\"msg\":{\"market_ticker\":\"T\","
             "\"event_type\":\"determined\",\"result\":\"yes\"}}",
             0, &m);
    assert_int_equal(m.type, KALSHI_MSG_LIFECYCLE);
    assert_str(m.event_type, "determined");
    assert_str(m.ticker, "T");
    parse_ok("{\"type\":\"event_fee_update\",\"sid\":5,\"seq\":4,\"msg\":{\"event_ticker\":\"E\","
             "\"fee_type_override\":\"quadratic_with_maker_fees\",\"fee_multiplier_override\":0.5}}",
             0, &m);
    assert_int_equal(m.type, KALSHI_MSG_EVENT_FEE);
    assert_str(m.fee_type, "quadratic_with_maker_fees");
    assert_int_equal(m.fee_multiplier, 500000);
    parse_ok("{\"type\":\"event_fee_update\",\"sid\":5,\"seq\":5,\"msg\":{\"event_ticker\":\"E\","
             "\"fee_type_override\":null,\"fee_multiplier_override\":null}}",
             0, &m);
    assert_int_equal(m.fee_multiplier, -1);
    assert_int_equal(m.fee_type.n, 0);
    parse_ok("{\"type\":\"multivariate_lookup\",\"sid\":9,\"msg\":{}}", 0, &m);
    assert_int_equal(m.type, KALSHI_MSG_UNKNOWN);
}

static void bad(const char *frame, const char *reason) {
    kalshi_msg m;
    pm_err err;
    assert_int_equal(kalshi_parse_frame(parser, frame, strlen(frame), 0, &m, &err), -1);
    if (!strstr(err.msg, reason)) fail_msg("'%s' does not mention '%s'", err.msg, reason);
}

static void test_malformed(void **state) {
    (void)state;
    bad("{\"type\":\"orderbook_delta\",\"sid\":1,\"seq\":2,\"msg\":{\"market_ticker\":\"T\"", "truncated");
    bad("{\"type\":\"orderbook_delta\",,}", "invalid JSON");
    bad("{\"type\":\"ok\"} trailing", "JSON");
    bad("[1,2]", "not a JSON object");
    bad("{\"sid\":1}", "without a type");
    bad("{\"type\":\"orderbook_delta\",\"sid\":1,\"seq\":2,\"msg\":{\"market_ticker\":\"T\",\"price_dollars\":\"1.5000\","
        "\"delta_fp\":\"1.00\",\"side\":\"yes\"}}",
        "price_dollars");
    bad("{\"type\":\"orderbook_delta\",\"sid\":1,\"seq\":2,\"msg\":{\"market_ticker\":\"T\",\"price_dollars\":\"0.50\","
        "\"delta_fp\":\"1.0000001\",\"side\":\"yes\"}}",
        "delta_fp");
    bad("{\"type\":\"orderbook_delta\",\"sid\":1,\"seq\":2,\"msg\":{\"market_ticker\":\"T\",\"price_dollars\":\"0.50\","
        "\"delta_fp\":\"1.00\",\"side\":\"maybe\"}}",
        "side must be yes or no");
    bad("{\"type\":\"orderbook_delta\",\"sid\":1,\"msg\":{\"market_ticker\":\"T\",\"price_dollars\":\"0.50\","
        "\"delta_fp\":\"1.00\",\"side\":\"yes\"}}",
        "without sid or seq");
    bad("{\"type\":\"orderbook_delta\",\"sid\":1,\"seq\":\"2\",\"msg\":{}}", "seq is not an integer");
    bad("{\"type\":\"orderbook_snapshot\",\"sid\":1,\"seq\":1,\"msg\":{\"market_ticker\":\"T\","
        "\"yes_dollars_fp\":[[\"0.50\"]]}}",
        "not [price, count]");
    bad("{\"type\":\"orderbook_snapshot\",\"sid\":1,\"seq\":1,\"msg\":{\"market_ticker\":\"T\","
        "\"yes_dollars_fp\":[[0.5,\"1.00\"]]}}",
        "not [price, count]");
    bad("{\"type\":\"orderbook_snapshot\",\"sid\":1,\"seq\":1,\"msg\":{\"yes_dollars_fp\":[]}}", "without market_ticker");
    bad("{\"type\":\"orderbook_delta\",\"sid\":1,\"seq\":1,\"msg\":{\"market_ticker\":\"T\",\"price_dollars\":\"0.50\","
        "\"delta_fp\":\"0.00\",\"side\":\"yes\"}}",
        "delta of zero");
    bad("{\"type\":\"error\",\"msg\":{\"msg\":\"x\"}}", "without a code");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_demo_capture),
        cmocka_unit_test(test_prod_capture),
        cmocka_unit_test(test_docs_example_uses_fixed_point_fields),
        cmocka_unit_test(test_yes_price_form),
        cmocka_unit_test(test_fill_and_user_order),
        cmocka_unit_test(test_lifecycle_and_fees),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
