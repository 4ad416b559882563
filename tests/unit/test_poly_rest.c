/* test_poly_rest.c — the Polymarket CLOB REST parsers against real captured responses
 * (../shared/research/data: a production /book with an empty ask side, a /book with unsorted
 * asks, a legacy /markets/{condition_id}), the official response shapes (order responses in
 * both error spellings, cancels, open orders, trade pages, balances, keys), exact fixed-point
 * values, and malformed or truncated input (an error, never a crash); plus the L1 headers
 * (EIP-55 address, ClobAuth signature) against the official vector. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testutil.h"
#include "util/log.h"
#include "venue/polymarket/clob_api.h"
#include "venue/polymarket/eip712.h"
#include "venue/polymarket/l2auth.h"

#define KEY "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
#define ADDRESS "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"

static void expect_level(const pm_book_side *s, int i, pm_px_t px, pm_qty_t qty) {
    assert_true(i < s->n);
    assert_int_equal(s->lv[i].px, px);
    assert_int_equal(s->lv[i].qty, qty);
}

static void test_book_empty_ask(void **state) {
    (void)state;
    size_t len;
    char *js = pm_test_shared_data("nautilus-polymarket-captured/clob_book_response_empty_ask.json", &len);
    poly_book b;
    pm_err err;
    if (poly_parse_book(js, len, &b, &err)) fail_msg("%s", err.msg);
    assert_string_equal(b.market, "0x9d839bf0aa31324b9848f5b89841b779238a7c07dee2f7fca675d934e8ab5bf2");
    assert_string_equal(b.asset_id, "72610532355343625199299853218161700546393390326785971247545541945337255643692");
    assert_string_equal(b.hash, "d7df883ae546b09533a4f485bfae0810da1af04e");
    assert_int_equal(b.timestamp_ms, 1785734468581LL);
    assert_int_equal(b.tick, 1000);
    assert_int_equal(b.min_order_size, 5000000);
    assert_int_equal(b.neg_risk, 1);
    assert_int_equal(b.last_trade_price, -1); /* "" */
    assert_int_equal(b.book.state, PM_BOOK_LIVE);
    assert_int_equal(b.book.bid.n, 2);
    expect_level(&b.book.bid, 0, 1000, 667120000);
    expect_level(&b.book.bid, 1, 2000, 6990000);
    assert_int_equal(b.book.ask.n, 0);
    assert_null(pm_book_best(&b.book.ask));
    assert_true(pm_book_side_known(&b.book.ask));
    free(js);
}

static void test_book_unsorted(void **state) {
    (void)state;
    size_t len;
    char *js = pm_test_shared_data("nautilus-polymarket-py/http_responses/book.json", &len);
    poly_book b;
    pm_err err;
    if (poly_parse_book(js, len, &b, &err)) fail_msg("%s", err.msg);
    assert_string_equal(b.asset_id, "23360939988679364027624185518382759743328544433592111535569478055890815567848");
    assert_string_equal(b.hash, "2fc4a3d6a98bc164e057589bcb74981852b87412");
    assert_int_equal(b.timestamp_ms, 1728799418260LL);
    assert_int_equal(b.tick, -1);
    assert_int_equal(b.min_order_size, -1);
    assert_int_equal(b.neg_risk, -1);
    assert_int_equal(b.last_trade_price, -1);
    assert_int_equal(b.book.bid.n, 5);
    expect_level(&b.book.bid, 0, 10000, 1000000000);
    expect_level(&b.book.bid, 4, 100000, 125000000); /* best bid 0.1 × 125 */
    assert_int_equal(b.book.ask.n, 7);
    static const pm_px_t asks[] = {980000, 500000, 470000, 460000, 380000, 200000, 140000};
    static const pm_qty_t sizes[] = {5000000000, 30000000, 50000000, 10000000, 192300000, 70000000, 705000000};
    for (int i = 0; i < 7; i++) expect_level(&b.book.ask, i, asks[i], sizes[i]);
    assert_int_equal(pm_book_best(&b.book.ask)->px, 140000);
    free(js);

    /* the documentation's own example has levels the other way round: same book after sorting */
    js = pm_test_shared_data("nautilus-polymarket/clob_book_response.json", &len);
    if (poly_parse_book(js, len, &b, &err)) fail_msg("%s", err.msg);
    assert_string_equal(b.hash, "0xabc123");
    expect_level(&b.book.bid, 2, 500000, 150000000);
    expect_level(&b.book.ask, 2, 510000, 120000000);
    expect_level(&b.book.ask, 0, 530000, 90000000);
    free(js);
}

static void test_book_lenient_and_batch(void **state) {
    (void)state;
    const char *js = "[{\"market\":\"0x1\",\"asset_id\":\"7\",\"bids\":[{\"price\":\".48\",\"size\":\"10\"},"
                     "{\"price\":\"0.47\",\"size\":\"0\"}],\"asks\":null,\"tick_size\":\"0.0025\","
                     "\"min_order_size\":\"5\",\"neg_risk\":false,\"last_trade_price\":\".5\",\"timestamp\":\"12\"},"
                     "{\"asset_id\":\"8\",\"bids\":[],\"asks\":[{\"price\":\"1\",\"size\":\"0.000001\"}]}]";
    poly_book b[3];
    size_t n;
    pm_err err;
    if (poly_parse_books(js, strlen(js), b, 3, &n, &err)) fail_msg("%s", err.msg);
    assert_int_equal(n, 2);
    assert_int_equal(b[0].book.bid.n, 1); /* a zero size is no level */
    expect_level(&b[0].book.bid, 0, 480000, 10000000);
    assert_int_equal(b[0].book.ask.n, 0);
    assert_int_equal(b[0].tick, 2500);
    assert_int_equal(b[0].neg_risk, 0);
    assert_int_equal(b[0].last_trade_price, 500000);
    assert_string_equal(b[1].asset_id, "8");
    expect_level(&b[1].book.ask, 0, PM_PX_ONE, 1);
    assert_int_equal(poly_parse_books(js, strlen(js), b, 1, &n, &err), -1); /* more books than asked for */
}

static void test_book_malformed(void **state) {
    (void)state;
    static const char *const bad[] = {
        "",
        "null",
        "[]",
        "{\"asset_id\":\"1\",\"bids\":[{\"price\":\"1.5\",\"size\":\"1\"}]}",           /* price above 1 */
        "{\"asset_id\":\"1\",\"bids\":[{\"price\":\"0.5\",\"size\":\"-1\"}]}",          /* negative size */
        "{\"asset_id\":\"1\",\"bids\":[{\"price\":\"0.5\",\"size\":\"1e3\"}]}",         /* exponent */
        "{\"asset_id\":\"1\",\"bids\":[{\"price\":\"0.5\",\"size\":\"1\"},{\"price\":\"0.50\",\"size\":\"2\"}]}",
        "{\"asset_id\":\"1\",\"bids\":[[\"0.5\",\"1\"]]}",                               /* Kalshi shape */
        "{\"asset_id\":\"1\",\"bids\":{}}",
        "{\"asset_id\":\"1\",\"bids\":[{\"price\":true,\"size\":\"1\"}]}",
        "{\"asset_id\":\"1\",\"bids\":[{\"size\":\"1\"}]}",
        "{\"asset_id\":\"1\",\"bids\":[],\"neg_risk\":\"maybe\"}",
        "{\"bids\":[],\"asks\":[]}",                                                      /* no asset id */
        "{\"asset_id\":\"1\",\"bids\":[],\"tick_size\":\"0.0000001\"}",
    };
    poly_book b;
    pm_err err;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (poly_parse_book(bad[i], strlen(bad[i]), &b, &err) != -1) fail_msg("accepted bad book %zu: %s", i, bad[i]);
        assert_true(err.msg[0] != '\0');
    }
    assert_int_equal(poly_parse_book(NULL, 0, &b, &err), -1);

    /* every truncation of a real response is refused (and read within bounds) */
    size_t len;
    char *js = pm_test_shared_data("nautilus-polymarket-captured/clob_book_response_empty_ask.json", &len);
    while (len > 0 && (js[len - 1] == '\n' || js[len - 1] == ' ')) len--;
    for (size_t cut = 0; cut < len; cut++) {
        char *part = malloc(cut + 1);
        memcpy(part, js, cut);
        part[cut] = '\0';
        assert_int_equal(poly_parse_book(part, cut, &b, &err), -1);
        free(part);
    }
    free(js);
}

static void test_market_info(void **state) {
    (void)state;
    size_t len;
    char *js = pm_test_shared_data("nautilus-polymarket/clob_market_closed_binary_accepting_true.json", &len);
    poly_market_info m;
    pm_err err;
    if (poly_parse_legacy_market(js, len, &m, &err)) fail_msg("%s", err.msg);
    assert_string_equal(m.condition_id, "0xd57eed0d44f5b8ca54925d8d6ff440b146b3e6e071da18136ee3ee572d34479e");
    assert_int_equal(m.ntokens, 2);
    assert_string_equal(m.token[0].token_id, "22978793223071892222859460592277435458011604214087068523744633723809814935807");
    assert_string_equal(m.token[0].outcome, "Yes");
    assert_string_equal(m.token[1].token_id, "108268928354766371660560153450121076545199284531791348447523752861907448942629");
    assert_string_equal(m.token[1].outcome, "No");
    assert_int_equal(m.tick, 10000);
    assert_int_equal(m.min_order_size, 5000000);
    assert_int_equal(m.neg_risk, 0);
    assert_int_equal(m.accepting_orders, 1);
    assert_int_equal(m.active, 1);
    assert_int_equal(m.closed, 1);
    assert_int_equal(m.maker_base_fee, 0);
    assert_int_equal(m.taker_base_fee, 0);
    free(js);

    /* V2 short keys (clob-client-v2 MarketDetails) */
    const char *v2 = "{\"c\":\"0xabc\",\"t\":[{\"t\":\"111\",\"o\":\"Yes\"},{\"t\":\"222\",\"o\":\"No\"}],\"mts\":0.001,"
                     "\"nr\":true,\"fd\":{\"r\":0.04,\"e\":1,\"to\":true},\"mbf\":0,\"tbf\":1000,\"mos\":5,\"ao\":true,"
                     "\"r\":null,\"sd\":0,\"rfqe\":false}";
    if (poly_parse_clob_market(v2, strlen(v2), &m, &err)) fail_msg("%s", err.msg);
    assert_string_equal(m.condition_id, "0xabc");
    assert_string_equal(m.token[1].token_id, "222");
    assert_int_equal(m.tick, 1000);
    assert_int_equal(m.neg_risk, 1);
    assert_int_equal(m.fee_rate, 40000);
    assert_int_equal(m.fee_exponent, 1);
    assert_int_equal(m.fee_taker_only, 1);
    assert_int_equal(m.taker_base_fee, 1000);
    assert_int_equal(m.min_order_size, 5000000);
    assert_int_equal(m.accepting_orders, 1);
    const char *plain = "{\"c\":\"0xabc\",\"t\":[{\"t\":\"111\",\"o\":\"Yes\"},null],\"mts\":0.01}";
    if (poly_parse_clob_market(plain, strlen(plain), &m, &err)) fail_msg("%s", err.msg);
    assert_int_equal(m.ntokens, 1);
    assert_int_equal(m.neg_risk, 0); /* nr omitted when false */
    assert_int_equal(m.fee_rate, 0);
    static const char *const bad[] = {"{\"c\":\"0xabc\",\"t\":[],\"mts\":0}", "{\"c\":\"0xabc\",\"mts\":0.01}",
                                      "{\"c\":\"0xabc\",\"t\":[],\"mts\":0.01,\"fd\":{\"r\":1.5}}",
                                      "{\"c\":\"0xabc\",\"t\":[{\"t\":5}],\"mts\":0.01}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) assert_int_equal(poly_parse_clob_market(bad[i], strlen(bad[i]), &m, &err), -1);
}

typedef struct seen_markets {
    int n, fine_tick, untradable;
    poly_market_info first;
} seen_markets;

static int on_market(void *ctx, const poly_market_info *m) {
    seen_markets *s = ctx;
    if (s->n++ == 0) s->first = *m;
    s->fine_tick += m->tick == 1000;
    s->untradable += m->ntokens == 0;
    return 0;
}

static void test_markets_page(void **state) {
    (void)state;
    size_t len;
    char *js = pm_test_shared_data("nautilus-polymarket-py/http_responses/markets.json", &len);
    seen_markets s;
    memset(&s, 0, sizeof s);
    char cursor[64];
    pm_err err;
    if (poly_parse_markets_page(js, len, on_market, &s, cursor, sizeof cursor, &err)) fail_msg("%s", err.msg);
    assert_int_equal(s.n, 100);
    assert_string_equal(cursor, "MTAw");
    assert_int_equal(s.fine_tick, 17);
    assert_int_equal(s.untradable, 1); /* tokens with empty ids are listed, not traded */
    assert_string_equal(s.first.condition_id, "0x12a0cb60174abc437bf1178367c72d11f069e1a3add20b148fb0ab4279b772b2");
    assert_string_equal(s.first.token[1].token_id, "80085489243215790077454313513728486445319747473476157602131800551595373270758");
    assert_string_equal(s.first.token[1].outcome, "No");
    assert_int_equal(s.first.accepting_orders, 0);
    assert_int_equal(s.first.closed, 1);
    assert_int_equal(s.first.min_order_size, 5000000);
    free(js);
}

static void test_small_endpoints(void **state) {
    (void)state;
    pm_px_t tick;
    int nr, v;
    int64_t bps;
    pm_err err;
    assert_int_equal(poly_parse_tick_size("{\"minimum_tick_size\": 0.01}", 27, &tick, &err), 0);
    assert_int_equal(tick, 10000);
    assert_int_equal(poly_parse_tick_size("{\"minimum_tick_size\":\"0.0025\"}", 30, &tick, &err), 0);
    assert_int_equal(tick, 2500);
    assert_int_equal(poly_parse_tick_size("{\"minimum_tick_size\":1e-2}", 26, &tick, &err), -1);
    assert_int_equal(poly_parse_tick_size("{}", 2, &tick, &err), -1);
    assert_int_equal(poly_parse_neg_risk("{\"neg_risk\": false}", 19, &nr, &err), 0);
    assert_int_equal(nr, 0);
    assert_int_equal(poly_parse_neg_risk("{\"neg_risk\":true}", 17, &nr, &err), 0);
    assert_int_equal(nr, 1);
    assert_int_equal(poly_parse_neg_risk("{\"neg_risk\":1}", 14, &nr, &err), -1);
    assert_int_equal(poly_parse_fee_rate("{\"base_fee\":\"150\"}", 18, &bps, &err), 0);
    assert_int_equal(bps, 150);
    assert_int_equal(poly_parse_fee_rate("{\"base_fee\":1000}", 17, &bps, &err), 0);
    assert_int_equal(bps, 1000);
    assert_int_equal(poly_parse_fee_rate("{\"base_fee\":-1}", 15, &bps, &err), -1);
    assert_int_equal(poly_parse_version("{\"version\":3}", 13, &v, &err), 0);
    assert_int_equal(v, 3);
    assert_int_equal(poly_parse_version("{}", 2, &v, &err), 0);
    assert_int_equal(v, 2);
    assert_int_equal(poly_parse_version("{\"version\":\"x\"}", 15, &v, &err), -1);
}

static void test_order_responses(void **state) {
    (void)state;
    poly_order_response o;
    pm_err err;
    memset(&o, 0, sizeof o);
    const char *ok = "{\"success\":true,\"errorMsg\":\"\",\"orderID\":\"0xfe01\",\"status\":\"matched\","
                     "\"makingAmount\":\"11.7824\",\"takingAmount\":\"21.04\",\"transactionsHashes\":[],"
                     "\"tradeIDs\":[\"t-1\",\"t-2\"]}";
    if (poly_parse_order_response(ok, strlen(ok), &o, &err)) fail_msg("%s", err.msg);
    assert_int_equal(o.success, 1);
    assert_string_equal(o.order_id, "0xfe01");
    assert_int_equal(o.status, POLY_STATUS_MATCHED);
    assert_int_equal(o.making_amount, 11782400);
    assert_int_equal(o.taking_amount, 21040000);
    assert_int_equal(o.ntrade_ids, 2);
    assert_string_equal(o.trade_ids[1], "t-2");

    const char *live = "{\"success\":true,\"errorMsg\":\"\",\"orderID\":\"0xab\",\"status\":\"live\","
                       "\"makingAmount\":\"\",\"takingAmount\":\"\"}";
    if (poly_parse_order_response(live, strlen(live), &o, &err)) fail_msg("%s", err.msg);
    assert_int_equal(o.status, POLY_STATUS_LIVE);
    assert_int_equal(o.making_amount, -1);
    assert_int_equal(o.ntrade_ids, 0);

    const char *refused = "{\"success\":false,\"error_msg\":\"order couldn't be fully filled. FOK orders are fully "
                          "filled or killed.\",\"orderID\":\"\",\"status\":\"unmatched\"}";
    memset(&o, 0, sizeof o);
    strcpy(o.order_id, "0xhash");
    if (poly_parse_order_response(refused, strlen(refused), &o, &err)) fail_msg("%s", err.msg);
    assert_int_equal(o.success, 0);
    assert_string_equal(o.error, "order couldn't be fully filled. FOK orders are fully filled or killed.");
    assert_string_equal(o.order_id, "0xhash"); /* kept: the venue gave none */
    assert_int_equal(o.status, POLY_STATUS_UNMATCHED);

    const char *error = "{\"error\":\"not enough balance / allowance\"}";
    if (poly_parse_order_response(error, strlen(error), &o, &err)) fail_msg("%s", err.msg);
    assert_string_equal(o.error, "not enough balance / allowance");
    char text[128];
    poly_error_text(error, strlen(error), text, sizeof text);
    assert_string_equal(text, "not enough balance / allowance");
    poly_error_text("<html>502</html>", 16, text, sizeof text);
    assert_string_equal(text, "<html>502</html>");

    poly_order_response batch[3];
    size_t n;
    const char *arr = "[{\"success\":true,\"orderID\":\"0x1\",\"status\":\"delayed\"},"
                      "{\"success\":false,\"errorMsg\":\"invalid signature\",\"orderID\":\"\"}]";
    memset(batch, 0, sizeof batch);
    if (poly_parse_order_responses(arr, strlen(arr), batch, 3, &n, &err)) fail_msg("%s", err.msg);
    assert_int_equal(n, 2);
    assert_int_equal(batch[0].status, POLY_STATUS_DELAYED);
    assert_string_equal(batch[1].error, "invalid signature");
    assert_int_equal(poly_parse_order_responses(arr, strlen(arr), batch, 1, &n, &err), -1);

    assert_int_equal(poly_order_status_parse("ORDER_STATUS_LIVE"), POLY_STATUS_LIVE);
    assert_int_equal(poly_order_status_parse("CANCELED"), POLY_STATUS_OTHER);
    assert_int_equal(poly_order_status_parse(""), POLY_STATUS_NONE);

    static const char *const bad[] = {"[]", "{\"success\":\"yes\"}", "{\"orderID\":7}", "{\"tradeIDs\":\"t\"}",
                                      "{\"makingAmount\":\"1.0000001\"}", "{\"success\":true"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(poly_parse_order_response(bad[i], strlen(bad[i]), &o, &err), -1);
}

static void test_cancel(void **state) {
    (void)state;
    poly_cancel_result c;
    pm_err err;
    const char *js = "{\"canceled\":[\"0x38a73eed1e6d177545e9ab027abddfb7e08dbe975fa777123b1752d203d6ac88\"],"
                     "\"not_canceled\":{\"0xaaaa\":\"already canceled or matched\",\"0xbbbb\":\"order not found\"}}";
    if (poly_parse_cancel(js, strlen(js), &c, &err)) fail_msg("%s", err.msg);
    assert_int_equal(c.ncanceled, 1);
    assert_string_equal(c.canceled[0], "0x38a73eed1e6d177545e9ab027abddfb7e08dbe975fa777123b1752d203d6ac88");
    assert_int_equal(c.nnot_canceled, 2);
    assert_string_equal(c.not_canceled[1].id, "0xbbbb");
    assert_string_equal(c.not_canceled[0].reason, "already canceled or matched");
    poly_cancel_result_free(&c);
    const char *none = "{\"canceled\":[],\"not_canceled\":{}}";
    assert_int_equal(poly_parse_cancel(none, strlen(none), &c, &err), 0);
    assert_int_equal(c.ncanceled + c.nnot_canceled, 0);
    poly_cancel_result_free(&c);
    static const char *const bad[] = {"{\"canceled\":\"0x1\"}", "{\"canceled\":[1]}", "{\"not_canceled\":[\"0x1\"]}",
                                      "{\"not_canceled\":{\"0x1\":{}}}", "[\"0x1\"]"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) assert_int_equal(poly_parse_cancel(bad[i], strlen(bad[i]), &c, &err), -1);
}

#define OPEN_ORDER                                                                                                   \
    "{\"id\":\"0xb816482a5187a3d3db49cbaf6fe3ddf24f53e6c712b42e4bdbaabb3e80ac5c58\",\"status\":\"LIVE\","             \
    "\"owner\":\"f4f247b7-4ac7-ff29-a152-04fda0a8755a\",\"maker_address\":\"0x1234567890AbcdEF1234567890aBcdef12345678\"," \
    "\"market\":\"0xbd31dc8a20211944f6b70f31557f1001557b59905b7738480ca09bd4532f84af\","                                \
    "\"asset_id\":\"52114319501245915516055106046884209969926127482827954674443846427813813222426\","                   \
    "\"side\":\"BUY\",\"original_size\":\"100\",\"size_matched\":\"12.5\",\"price\":\"0.48\",\"outcome\":\"Yes\","      \
    "\"expiration\":\"0\",\"order_type\":\"GTC\",\"created_at\":1717000000,\"associate_trades\":[\"t1\"]}"

static int count_order(void *ctx, const poly_open_order *o) {
    int *n = ctx;
    (*n)++;
    assert_int_equal(o->size_matched, 12500000);
    return 0;
}

static void test_open_orders(void **state) {
    (void)state;
    poly_open_order o;
    pm_err err;
    const char *js = OPEN_ORDER;
    assert_int_equal(poly_parse_order_lookup(js, strlen(js), &o, &err), 1);
    assert_string_equal(o.id, "0xb816482a5187a3d3db49cbaf6fe3ddf24f53e6c712b42e4bdbaabb3e80ac5c58");
    assert_int_equal(o.status, POLY_STATUS_LIVE);
    assert_int_equal(o.side, PM_SIDE_BUY);
    assert_int_equal(o.original_size, 100000000);
    assert_int_equal(o.size_matched, 12500000);
    assert_int_equal(o.price, 480000);
    assert_string_equal(o.order_type, "GTC");
    assert_int_equal(o.created_at, 1717000000);
    assert_int_equal(o.expiration, 0);
    assert_int_equal(o.nassociate_trades, 1);
    assert_string_equal(o.maker_address, "0x1234567890AbcdEF1234567890aBcdef12345678");
    static const char *const empty[] = {"", "null", "{}", "  null\n", "{\"error\":null}"};
    for (size_t i = 0; i < sizeof empty / sizeof *empty; i++)
        assert_int_equal(poly_parse_order_lookup(empty[i], strlen(empty[i]), &o, &err), 0);
    assert_int_equal(poly_parse_order_lookup("{\"id\":\"0x1\"}", 12, &o, &err), -1);
    assert_int_equal(poly_parse_order_lookup("[1,", 3, &o, &err), -1);

    const char *page = "{\"limit\":100,\"count\":2,\"next_cursor\":\"LTE=\",\"data\":[" OPEN_ORDER "," OPEN_ORDER "]}";
    char cursor[64];
    int n = 0;
    if (poly_parse_orders_page(page, strlen(page), count_order, &n, cursor, sizeof cursor, &err)) fail_msg("%s", err.msg);
    assert_int_equal(n, 2);
    assert_string_equal(cursor, "LTE=");
}

typedef struct seen_trades {
    int n;
    poly_trade last;
    poly_maker_order maker;
} seen_trades;

static int on_trade(void *ctx, const poly_trade *t) {
    seen_trades *s = ctx;
    s->n++;
    s->last = *t;
    if (t->nmaker_orders) s->maker = t->maker_orders[t->nmaker_orders - 1];
    s->last.maker_orders = NULL;
    return 0;
}

static void test_trades(void **state) {
    (void)state;
    const char *page =
        "{\"data\":[{\"id\":\"28c4d2eb-bbea-40e7-a9f0-b2fdb56b2c2e\",\"taker_order_id\":\"0x06bc63e346ed4ceddce9efd6b3af37c8f8f440c92fe7da6b2d0f9e4ccbc50c42\","
        "\"market\":\"0xbd31dc8a20211944f6b70f31557f1001557b59905b7738480ca09bd4532f84af\",\"asset_id\":\"521143\","
        "\"side\":\"BUY\",\"size\":\"10\",\"fee_rate_bps\":\"0\",\"price\":\"0.57\",\"status\":\"CONFIRMED\","
        "\"match_time\":\"1672290701\",\"last_update\":\"1672290701\",\"outcome\":\"YES\",\"bucket_index\":0,"
        "\"owner\":\"9180014b-33c8-9240-a14b-bdca11c0a465\",\"maker_address\":\"0x9d84ce0306f8551e02efef1680475fc0f1dc1344\","
        "\"transaction_hash\":\"0xff354cd7ca7539dfa9c28d90943ab5779a4eac34b9b37a757d7b32bdfb11790b\",\"trader_side\":\"TAKER\","
        "\"maker_orders\":[{\"order_id\":\"0xff\",\"owner\":\"o\",\"maker_address\":\"0x9d84ce0306f8551e02efef1680475fc0f1dc1344\","
        "\"matched_amount\":\"6.5\",\"price\":\"0.57\",\"fee_rate_bps\":\"0\",\"asset_id\":\"521143\",\"outcome\":\"YES\",\"side\":\"SELL\"},"
        "{\"order_id\":\"0xee\",\"matched_amount\":\"3.5\",\"price\":\"0.56\",\"asset_id\":\"521143\",\"outcome\":\"YES\"}]}],"
        "\"next_cursor\":\"MTAw\",\"limit\":100,\"count\":1}";
    seen_trades s;
    memset(&s, 0, sizeof s);
    char cursor[64];
    pm_err err;
    if (poly_parse_trades_page(page, strlen(page), on_trade, &s, cursor, sizeof cursor, &err)) fail_msg("%s", err.msg);
    assert_int_equal(s.n, 1);
    assert_string_equal(cursor, "MTAw");
    assert_string_equal(s.last.id, "28c4d2eb-bbea-40e7-a9f0-b2fdb56b2c2e");
    assert_int_equal(s.last.side, PM_SIDE_BUY);
    assert_int_equal(s.last.size, 10000000);
    assert_int_equal(s.last.price, 570000);
    assert_int_equal(s.last.fee_rate_bps, 0);
    assert_int_equal(s.last.match_time, 1672290701);
    assert_int_equal(s.last.is_taker, 1);
    assert_int_equal(s.last.nmaker_orders, 2);
    assert_string_equal(s.maker.order_id, "0xee");
    assert_int_equal(s.maker.matched_amount, 3500000);
    assert_int_equal(s.maker.price, 560000);
    assert_int_equal(s.maker.side, -1);
    static const char *const bad[] = {
        "{\"data\":[{\"id\":\"x\",\"side\":\"HOLD\",\"size\":\"1\",\"price\":\"0.5\"}]}",
        "{\"data\":[{\"id\":\"x\",\"side\":\"BUY\",\"size\":\"1\"}]}",
        "{\"data\":[{\"id\":\"x\",\"side\":\"BUY\",\"size\":\"1\",\"price\":\"0.5\",\"maker_orders\":[{\"order_id\":5}]}]}",
        "{\"data\":{}}",
        "{\"data\":[],\"next_cursor\":5}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(poly_parse_trades_page(bad[i], strlen(bad[i]), on_trade, &s, cursor, sizeof cursor, &err), -1);
}

static void test_balance_and_creds(void **state) {
    (void)state;
    poly_balance b;
    pm_err err;
    const char *js = "{\"balance\":\"5533220\",\"allowances\":{\"0xE111180000d2663C0091e4f400237545B87B996B\":"
                     "\"115792089237316195423570985008687907853269984665640564039457584007913129639935\","
                     "\"0xe2222d279d744050d28e00520010520000310F59\":\"0\"}}";
    if (poly_parse_balance(js, strlen(js), &b, &err)) fail_msg("%s", err.msg);
    assert_int_equal(b.balance, 5533220);
    assert_int_equal(b.nallowances, 2);
    assert_string_equal(b.allowance[0].spender, POLY_EXCHANGE_V2);
    assert_string_equal(b.allowance[0].amount, "115792089237316195423570985008687907853269984665640564039457584007913129639935");
    assert_string_equal(b.allowance[1].amount, "0");
    static const char *const bad[] = {"{}", "{\"balance\":\"1.5\"}", "{\"balance\":\"-3\"}",
                                      "{\"balance\":\"1\",\"allowances\":{\"0x1\":\"lots\"}}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) assert_int_equal(poly_parse_balance(bad[i], strlen(bad[i]), &b, &err), -1);

    poly_creds c;
    const char *keys = "{\"apiKey\":\"f4f247b7-4ac7-ff29-a152-04fda0a8755a\",\"secret\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\","
                       "\"passphrase\":\"b1e4d8b1b4f59cd3cf6b4a5b7d5b0e2c1e7d3f4a5b6c7d8e9f0a1b2c3d4e5f6a\"}";
    if (poly_parse_creds(keys, strlen(keys), &c, &err)) fail_msg("%s", err.msg);
    assert_string_equal(c.key, "f4f247b7-4ac7-ff29-a152-04fda0a8755a");
    assert_string_equal(c.secret, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    assert_int_equal(poly_parse_creds("{\"apiKey\":\"k\",\"secret\":\"\",\"passphrase\":\"p\"}", 45, &c, &err), -1);
    assert_int_equal(poly_parse_creds("{\"error\":\"Invalid L1 Request headers\"}", 38, &c, &err), -1);
}

static void test_l1_headers(void **state) {
    (void)state;
    uint8_t a[20];
    char out[POLY_ADDRESS_LEN];
    pm_err err;
    assert_int_equal(poly_parse_address("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", a, &err), 0);
    poly_address_checksum(a, out);
    assert_string_equal(out, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"); /* EIP-55 vector */
    poly_wallet *w;
    assert_int_equal(poly_wallet_new(KEY, &w, &err), 0);
    poly_l1_headers h;
    assert_int_equal(poly_l1_sign(w, 80002, 10000000, 23, &h, &err), 0);
    assert_string_equal(h.address, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    assert_string_equal(h.timestamp, "10000000");
    assert_string_equal(h.nonce, "23");
    assert_string_equal(h.signature, "0xf62319a987514da40e57e2f4d7529f7bac38f0355bd88bb5adbb3768d80de6c1682518e0af677d5260366425f4361e7b70c25ae232aff0ab2331e2b164a1aedc1b");
    poly_wallet_free(w);
}

/* `pmarb polymarket api-key`: usage, missing or bad key, an unreachable venue — clear errors. */
static void test_api_key_cli(void **state) {
    (void)state;
    char *dir = pm_test_tmpdir(), *ini = pm_test_path(dir, "pmarb.ini");
    pm_test_write_file(ini, "[polymarket]\nclob_url = http://127.0.0.1:1\ntimeout_ms = 2000\n", 0644);
    static const char *const no_key[] = {"POLY_PRIVATE_KEY=", NULL}, *const bad_key[] = {"POLY_PRIVATE_KEY=0x12", NULL},
                             *const key[] = {"POLY_PRIVATE_KEY=" KEY, NULL};
    pm_test_run_result r = pm_test_run(dir, key, (const char *const[]){"polymarket", "api-key", NULL});
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "derive or create"));
    pm_test_run_free(&r);
    r = pm_test_run(dir, key, (const char *const[]){"polymarket", "api-key", "derive", "--nonce", "x", NULL});
    assert_int_equal(r.status, 2);
    pm_test_run_free(&r);
    r = pm_test_run(dir, key, (const char *const[]){"polymarket", "api-key", "derive", "--bogus", NULL});
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--bogus"));
    pm_test_run_free(&r);
    r = pm_test_run(dir, key, (const char *const[]){"polymarket", "api-key", "--help", NULL});
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "usage: pmarb polymarket api-key derive|create [--nonce N]"));
    pm_test_run_free(&r);
    r = pm_test_run(dir, no_key, (const char *const[]){"polymarket", "api-key", "derive", NULL});
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "set POLY_PRIVATE_KEY"));
    assert_string_equal(r.out, "");
    pm_test_run_free(&r);
    r = pm_test_run(dir, bad_key, (const char *const[]){"polymarket", "api-key", "create", NULL});
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "POLY_PRIVATE_KEY: "));
    pm_test_run_free(&r);
    r = pm_test_run(dir, key, (const char *const[]){"polymarket", "api-key", "derive", NULL});
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "deriving API key at http://127.0.0.1:1: "));
    assert_null(strstr(r.err, KEY + 2));
    assert_string_equal(r.out, "");
    pm_test_run_free(&r);
    pm_test_rmtree(dir);
    free(dir), free(ini);
}

/* The rate-limit classes carry the venue's published limits (fact sheet §8). */
static void test_limits(void **state) {
    (void)state;
    poly_rest r;
    pm_err err;
    assert_int_equal(poly_rest_init(&r, "https://clob.polymarket.com/", 137, 1000, &err), 0);
    assert_string_equal(r.base, "https://clob.polymarket.com");
    assert_int_equal(r.limits->global.capacity, 15000);
    assert_int_equal(r.limits->burst[POLY_EP_BOOK].rate, 150);
    assert_int_equal(r.limits->burst[POLY_EP_BOOK].capacity, 1500);
    assert_int_equal(r.limits->burst[POLY_EP_TICK].capacity, 200);
    assert_int_equal(r.limits->burst[POLY_EP_BALANCE_UPDATE].rate, 5);
    assert_int_equal(r.limits->burst[POLY_EP_POST_ORDER].capacity, 3500);
    assert_int_equal(r.limits->sustained_on[POLY_EP_POST_ORDER], 1);
    assert_int_equal(r.limits->sustained[POLY_EP_POST_ORDER].rate, 60);
    assert_int_equal(r.limits->sustained[POLY_EP_POST_ORDER].capacity, 36000);
    assert_int_equal(r.limits->sustained[POLY_EP_CANCEL_MANY].rate, 25);
    assert_int_equal(r.limits->sustained_on[POLY_EP_DATA], 0);
    poly_rest child;
    assert_int_equal(poly_rest_fork(&r, &child, 500, &err), 0);
    assert_ptr_equal(child.limits, r.limits); /* threads share the budget */
    assert_ptr_not_equal(child.http, r.http);
    poly_rest_close(&child);
    poly_rest_close(&r);
    assert_int_equal(poly_rest_init(&r, "ftp://x", 137, 1000, &err), -1);
}

/* A loopback HTTP server answering canned bodies in order, one connection per request, and
 * keeping each request's head: what the client sends, byte for byte. */
#define CANNED_MAX 4
typedef struct canned {
    int fd, port, n;
    const char *body[CANNED_MAX];
    char head[CANNED_MAX][2048];
    pthread_t thread;
} canned;

static void *canned_serve(void *arg) {
    canned *c = arg;
    for (int i = 0; i < c->n; i++) {
        int s = accept(c->fd, NULL, NULL);
        if (s < 0) break;
        size_t len = 0;
        ssize_t got;
        while (len + 1 < sizeof c->head[i] && !strstr(c->head[i], "\r\n\r\n") &&
               (got = read(s, c->head[i] + len, sizeof c->head[i] - 1 - len)) > 0)
            c->head[i][len += (size_t)got] = '\0';
        char out[4096];
        int n = snprintf(out, sizeof out,
                         "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                         "Connection: close\r\n\r\n%s",
                         strlen(c->body[i]), c->body[i]);
        if (write(s, out, (size_t)n) != n) break;
        close(s);
    }
    return NULL;
}

static void canned_start(canned *c) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(c->fd >= 0);
    assert_int_equal(bind(c->fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(c->fd, 8), 0);
    assert_int_equal(getsockname(c->fd, (struct sockaddr *)&a, &al), 0);
    c->port = ntohs(a.sin_port);
    assert_int_equal(pthread_create(&c->thread, NULL, canned_serve, c), 0);
}

static void canned_stop(canned *c) {
    pthread_join(c->thread, NULL);
    close(c->fd);
}

/* The value of header name in a request head. */
static void header_of(const char *head, const char *name, char *out, size_t cap) {
    char key[64];
    snprintf(key, sizeof key, "\r\n%s: ", name);
    const char *p = strstr(head, key);
    assert_non_null(p);
    p += strlen(key);
    size_t n = strcspn(p, "\r");
    assert_true(n < cap);
    memcpy(out, p, n);
    out[n] = '\0';
}

static int count_trade(void *ctx, const poly_trade *t) {
    (void)t;
    (*(int *)ctx)++;
    return 0;
}

#define PAGE_TRADE "{\"id\":\"t\",\"side\":\"SELL\",\"size\":\"2\",\"price\":\"0.5\"}"

/* Cursor paging from "MA==" to "LTE=", the query percent-encoded, every page signed over the
 * path without its query; a venue repeating a cursor is an error, not a loop; a bodiless
 * DELETE says Content-Length: 0. */
static void test_paging_and_headers(void **state) {
    (void)state;
    canned c = {.n = 2, .body = {"{\"data\":[" PAGE_TRADE "," PAGE_TRADE "],\"next_cursor\":\"MTAw\"}",
                                 "{\"data\":[" PAGE_TRADE "],\"next_cursor\":\"LTE=\"}"}};
    canned_start(&c);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", c.port);
    poly_rest r;
    pm_err err;
    assert_int_equal(poly_rest_init(&r, url, 137, 5000, &err), 0);
    poly_creds creds = {"f4f247b7-4ac7-ff29-a152-04fda0a8755a", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "pass"};
    uint8_t a[20];
    poly_parse_address(ADDRESS, a, &err);
    poly_rest_set_creds(&r, &creds, a);
    poly_trade_filter f = {.market = "0xabc", .after = 1700000000};
    int n = 0;
    if (poly_list_trades(&r, &f, count_trade, &n, &err)) fail_msg("%s", err.msg);
    canned_stop(&c);
    assert_int_equal(n, 3);
    assert_non_null(strstr(c.head[0], "GET /data/trades?market=0xabc&after=1700000000&next_cursor=MA%3D%3D HTTP/1.1\r\n"));
    assert_non_null(strstr(c.head[1], "GET /data/trades?market=0xabc&after=1700000000&next_cursor=MTAw HTTP/1.1\r\n"));
    for (int i = 0; i < 2; i++) {
        char addr[64], ts[32], sig[64], want[POLY_L2_SIG_LEN], key[64];
        header_of(c.head[i], "POLY_ADDRESS", addr, sizeof addr);
        header_of(c.head[i], "POLY_TIMESTAMP", ts, sizeof ts);
        header_of(c.head[i], "POLY_SIGNATURE", sig, sizeof sig);
        header_of(c.head[i], "POLY_API_KEY", key, sizeof key);
        assert_string_equal(addr, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
        assert_string_equal(key, creds.key);
        assert_int_equal(poly_l2_signature(creds.secret, ts, "GET", "/data/trades", NULL, want, &err), 0);
        assert_string_equal(sig, want);
    }

    canned loop = {.n = 2, .body = {"{\"data\":[],\"next_cursor\":\"MTAw\"}", "{\"data\":[],\"next_cursor\":\"MTAw\"}"}};
    canned_start(&loop);
    snprintf(url, sizeof url, "http://127.0.0.1:%d", loop.port);
    snprintf(r.base, sizeof r.base, "%s", url);
    assert_int_equal(poly_list_trades(&r, NULL, count_trade, &n, &err), -1);
    assert_string_equal(err.msg, "GET /data/trades: the venue repeated cursor MTAw");
    canned_stop(&loop);

    canned del = {.n = 1, .body = {"{\"canceled\":[\"0x1\"],\"not_canceled\":{}}"}};
    canned_start(&del);
    snprintf(url, sizeof url, "http://127.0.0.1:%d", del.port);
    snprintf(r.base, sizeof r.base, "%s", url);
    poly_cancel_result cr;
    if (poly_cancel_all(&r, &cr, &err)) fail_msg("%s", err.msg);
    canned_stop(&del);
    assert_int_equal(cr.ncanceled, 1);
    poly_cancel_result_free(&cr);
    assert_non_null(strstr(del.head[0], "DELETE /cancel-all HTTP/1.1\r\n"));
    assert_non_null(strstr(del.head[0], "\r\nContent-Length: 0\r\n"));
    poly_rest_close(&r);
}

int main(void) {
    pm_log_set_level(PM_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_book_empty_ask),   cmocka_unit_test(test_book_unsorted),
        cmocka_unit_test(test_book_lenient_and_batch), cmocka_unit_test(test_book_malformed),
        cmocka_unit_test(test_market_info),      cmocka_unit_test(test_markets_page),      cmocka_unit_test(test_small_endpoints),
        cmocka_unit_test(test_order_responses),  cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_open_orders),      cmocka_unit_test(test_trades),
        cmocka_unit_test(test_balance_and_creds), cmocka_unit_test(test_l1_headers),
        cmocka_unit_test(test_api_key_cli),      cmocka_unit_test(test_limits),
        cmocka_unit_test(test_paging_and_headers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
