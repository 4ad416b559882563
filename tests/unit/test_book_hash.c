/* test_book_hash.c — Polymarket's book hash (venue/polymarket/book_hash.h) on the captured
 * `book` message of ../shared/research/data (its venue hash reproduced from the book pmarb
 * builds from it), what changes it (a level, the last trade's text, the timestamp, neg_risk),
 * the last_trade_price text of a trade's price, and the books it refuses to hash. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "venue/polymarket/book_hash.h"

static void side_of(const json_t *levels, pm_level *out, size_t *n) {
    size_t i;
    const json_t *l;
    pm_err err;
    *n = 0;
    json_array_foreach(levels, i, l) {
        const char *px = json_string_value(json_object_get(l, "price")), *sz = json_string_value(json_object_get(l, "size"));
        assert_int_equal(pm_px_parse(px, strlen(px), &out[*n].px, &err), 0);
        assert_int_equal(pm_qty_parse(sz, strlen(sz), &out[*n].qty, &err), 0);
        (*n)++;
    }
}

static void test_captured_snapshot(void **state) {
    (void)state;
    char *text = pm_test_shared_data("nautilus-polymarket-captured/ws_book_snapshot_captured.json", NULL);
    json_error_t jerr;
    json_t *doc = json_loads(text, 0, &jerr), *msg = json_is_array(doc) ? json_array_get(doc, 0) : doc;
    assert_non_null(msg);
    pm_level bids[PM_BOOK_DEPTH], asks[PM_BOOK_DEPTH];
    size_t nb, na;
    side_of(json_object_get(msg, "bids"), bids, &nb);
    side_of(json_object_get(msg, "asks"), asks, &na);
    pm_book b;
    pm_book_init(&b);
    assert_int_equal(pm_book_snapshot(&b, bids, nb, asks, na, 1), 0);
    const char *market = json_string_value(json_object_get(msg, "market")), *asset = json_string_value(json_object_get(msg, "asset_id"));
    poly_book_head h = {.market = market, .market_len = strlen(market), .asset = asset, .asset_len = strlen(asset),
                        .ts_ms = 1786604072222, .min_order_size = 5000000, .tick = 10000, .neg_risk = 0, .ltp = "0.920"};
    char hex[POLY_BOOK_HASH_HEX + 1];
    assert_int_equal(poly_book_hash(&b, &h, hex), 0);
    assert_string_equal(hex, "ed47eb91f3c7985fac1cb18cb7c19535eddd3c0a");
    assert_string_equal(hex, json_string_value(json_object_get(msg, "hash")));
    /* every part of the summary counts */
    h.ltp = "0.92";
    assert_int_equal(poly_book_hash(&b, &h, hex), 0);
    assert_string_not_equal(hex, "ed47eb91f3c7985fac1cb18cb7c19535eddd3c0a");
    h.ltp = "0.920";
    h.neg_risk = 1;
    assert_int_equal(poly_book_hash(&b, &h, hex), 0);
    assert_string_not_equal(hex, "ed47eb91f3c7985fac1cb18cb7c19535eddd3c0a");
    h.neg_risk = 0;
    h.ts_ms++;
    assert_int_equal(poly_book_hash(&b, &h, hex), 0);
    assert_string_not_equal(hex, "ed47eb91f3c7985fac1cb18cb7c19535eddd3c0a");
    h.ts_ms--;
    pm_book_side_set(&b.ask, b.ask.lv[0].px, b.ask.lv[0].qty + 1);
    assert_int_equal(poly_book_hash(&b, &h, hex), 0);
    assert_string_not_equal(hex, "ed47eb91f3c7985fac1cb18cb7c19535eddd3c0a");
    json_decref(doc);
    free(text);
}

static void test_refused_and_ltp_text(void **state) {
    (void)state;
    pm_book b;
    pm_book_init(&b);
    pm_level bid = {400000, 1000000}, ask = {600000, 2000000};
    assert_int_equal(pm_book_snapshot(&b, &bid, 1, &ask, 1, 1), 0);
    poly_book_head h = {.market = "0xabc", .market_len = 5, .asset = "123", .asset_len = 3, .ts_ms = 1, .min_order_size = 5000000,
                        .tick = 10000, .ltp = ""};
    char hex[POLY_BOOK_HASH_HEX + 1];
    assert_int_equal(poly_book_hash(&b, &h, hex), 0);
    assert_int_equal(strlen(hex), POLY_BOOK_HASH_HEX);
    h.asset = "12\"3";
    h.asset_len = 4;
    assert_int_equal(poly_book_hash(&b, &h, hex), -1); /* would need escaping */
    h.asset = "123";
    h.asset_len = 3;
    h.ltp = "0.5\"";
    assert_int_equal(poly_book_hash(&b, &h, hex), -1);
    h.ltp = "";
    h.tick = 0;
    assert_int_equal(poly_book_hash(&b, &h, hex), -1);
    h.tick = 10000;
    b.ask.truncated = 1; /* pmarb holds only part of the side */
    assert_int_equal(poly_book_hash(&b, &h, hex), -1);
    char t[POLY_LTP_MAX];
    poly_book_ltp_text(460000, t);
    assert_string_equal(t, "0.460");
    poly_book_ltp_text(301000, t);
    assert_string_equal(t, "0.301");
    poly_book_ltp_text(461500, t);
    assert_string_equal(t, "0.4615");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_captured_snapshot),
        cmocka_unit_test(test_refused_and_ltp_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
