/* test_kalshi_catalog.c — Kalshi catalogue parsing: a /markets page (rules, close time,
 * status, raw object), the real captured /events page, series fees as exact decimals, tick
 * sizes from price_ranges, and refusal of malformed responses. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "venue/kalshi/catalog.h"

typedef struct seen {
    int n;
    char ticker[4][64], title[4][128], status[4][16], close[4][32];
    char *rules[4], *desc[4], *raw[4];
    int64_t tick[4];
} seen;

static int collect(void *ctx, pm_market *m) {
    seen *s = ctx;
    int i = s->n++;
    snprintf(s->ticker[i], sizeof s->ticker[i], "%s", m->platform_market_id);
    snprintf(s->title[i], sizeof s->title[i], "%s", m->title);
    snprintf(s->status[i], sizeof s->status[i], "%s", m->status);
    snprintf(s->close[i], sizeof s->close[i], "%s", m->close_time ? m->close_time : "-");
    s->rules[i] = m->rules ? strdup(m->rules) : NULL;
    s->desc[i] = m->description ? strdup(m->description) : NULL;
    s->raw[i] = strdup(m->raw_json);
    s->tick[i] = m->tick_size;
    return 0;
}

static void release(seen *s) {
    for (int i = 0; i < s->n; i++) free(s->rules[i]), free(s->desc[i]), free(s->raw[i]);
}

static void test_markets_page(void **state) {
    (void)state;
    size_t len;
    char *body = pm_test_shared_data("nautilus-kalshi/http_markets.json", &len);
    seen s = {0};
    char cursor[KALSHI_CURSOR_MAX] = "x";
    pm_err err;
    assert_int_equal(kalshi_parse_markets(body, len, collect, &s, cursor, &err), 0);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.ticker[0], "KXBTC-25MAR15-B100000");
    assert_string_equal(s.title[0], "Will Bitcoin exceed $100,000 by March 15?");
    assert_string_equal(s.status[0], "active");
    assert_string_equal(s.close[0], "2025-03-15T23:59:59Z");
    assert_string_equal(s.rules[0], "Resolves Yes if BTC/USD spot price exceeds $100,000 at market close.");
    assert_string_equal(s.desc[0], "Yes");
    assert_int_equal(s.tick[0], -1); /* no price_ranges in this object */
    assert_int_equal(strncmp(s.raw[0], "{", 1), 0);
    assert_non_null(strstr(s.raw[0], "\"yes_bid_dollars\": \"0.4200\""));
    assert_string_equal(cursor, "");
    release(&s);
    free(body);
}

static void test_market_details(void **state) {
    (void)state;
    const char *body =
        "{\"markets\":[{\"ticker\":\"KXFED-26DEC-T4.25\",\"event_ticker\":\"KXFED-26DEC\",\"title\":\"Fed \\\"upper\\\" rate\","
        "\"yes_sub_title\":\"Above 4.25%\",\"status\":\"determined\",\"close_time\":\"2026-12-16T19:00:00Z\","
        "\"rules_primary\":\"If the upper bound is above 4.25%, resolves Yes.\",\"rules_secondary\":\"Source: FOMC.\","
        "\"price_ranges\":[{\"start\":\"0.0000\",\"end\":\"0.1000\",\"step\":\"0.0010\"},"
        "{\"start\":\"0.1000\",\"end\":\"0.9000\",\"step\":\"0.0100\"}]},"
        "{\"ticker\":\"KXB\",\"title\":\"B\",\"status\":\"active\",\"price_ranges\":[{\"start\":\"0.0000\",\"end\":\"1.0000\","
        "\"step\":\"0.0010\"}]}],\"cursor\":\"CgwI\\u002Fnext\"}";
    seen s = {0};
    char cursor[KALSHI_CURSOR_MAX];
    pm_err err;
    assert_int_equal(kalshi_parse_markets(body, strlen(body), collect, &s, cursor, &err), 0);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.title[0], "Fed \"upper\" rate");
    assert_string_equal(s.status[0], "closed"); /* determined: not tradable */
    assert_string_equal(s.rules[0], "If the upper bound is above 4.25%, resolves Yes.\n\nSource: FOMC.");
    assert_int_equal(s.tick[0], -1);   /* tapered: varies by price */
    assert_int_equal(s.tick[1], 1000); /* deci-cent everywhere */
    assert_null(s.rules[1]);
    assert_string_equal(s.close[1], "-");
    assert_string_equal(cursor, "CgwI/next");
    release(&s);
}

typedef struct events_seen {
    int n;
    char first[128], last[128], series[128];
    int64_t mult[64];
    char fee_type[64][48];
} events_seen;

static int collect_event(void *ctx, const kalshi_event_info *e) {
    events_seen *s = ctx;
    if (s->n == 0) snprintf(s->first, sizeof s->first, "%s", e->event_ticker), snprintf(s->series, sizeof s->series, "%s", e->series_ticker);
    snprintf(s->last, sizeof s->last, "%s", e->event_ticker);
    s->mult[s->n] = e->override.fee_multiplier;
    snprintf(s->fee_type[s->n], sizeof s->fee_type[0], "%s", e->override.fee_type);
    s->n++;
    return 0;
}

static void test_real_events_page(void **state) {
    (void)state;
    size_t len;
    char *body = pm_test_shared_data("steffenmax-nba/kalshi_events_nba_raw.json", &len);
    events_seen s = {0};
    char cursor[KALSHI_CURSOR_MAX] = "x";
    pm_err err;
    assert_int_equal(kalshi_parse_events(body, len, collect_event, &s, cursor, &err), 0);
    assert_int_equal(s.n, 27);
    assert_string_equal(s.first, "KXNBAGAME-26JAN11HOUSAC");
    assert_string_equal(s.last, "KXNBAGAME-26JAN08MIACHI");
    assert_string_equal(s.series, "KXNBAGAME");
    assert_int_equal(s.mult[0], -1);
    assert_string_equal(cursor, "");
    free(body);
    const char *one = "{\"event\":{\"event_ticker\":\"E\",\"series_ticker\":\"S\",\"fee_type_override\":\"quadratic\","
                      "\"fee_multiplier_override\":0.5}}";
    memset(&s, 0, sizeof s);
    assert_int_equal(kalshi_parse_events(one, strlen(one), collect_event, &s, cursor, &err), 0);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.mult[0], 500000);
    assert_string_equal(s.fee_type[0], "quadratic");
}

static void test_series(void **state) {
    (void)state;
    kalshi_fees f;
    pm_err err;
    const char *a = "{\"series\":{\"ticker\":\"KXINX\",\"fee_type\":\"quadratic_with_maker_fees\",\"fee_multiplier\":0.5}}";
    assert_int_equal(kalshi_parse_series(a, strlen(a), &f, &err), 0);
    assert_string_equal(f.fee_type, "quadratic_with_maker_fees");
    assert_int_equal(f.fee_multiplier, 500000);
    const char *b = "{\"series\":{\"fee_type\":\"quadratic\",\"fee_multiplier\":1}}";
    assert_int_equal(kalshi_parse_series(b, strlen(b), &f, &err), 0);
    assert_int_equal(f.fee_multiplier, 1000000);
    const char *c = "{\"series\":{\"fee_type\":\"quadratic\",\"fee_multiplier\":0.12345678}}";
    assert_int_equal(kalshi_parse_series(c, strlen(c), &f, &err), -1);
    assert_non_null(strstr(err.msg, "fee_multiplier"));
    const char *d = "{\"series\":{\"fee_type\":\"quadratic\",\"fee_multiplier\":-1}}";
    assert_int_equal(kalshi_parse_series(d, strlen(d), &f, &err), -1);
    assert_int_equal(kalshi_parse_series("{\"x\":1}", 7, &f, &err), -1);
    assert_string_equal(err.msg, "response has no series object");
}

static void test_bad_responses(void **state) {
    (void)state;
    seen s = {0};
    char cursor[KALSHI_CURSOR_MAX];
    pm_err err;
    assert_int_equal(kalshi_parse_markets("<html>", 6, collect, &s, cursor, &err), -1);
    assert_string_equal(err.msg, "invalid JSON response");
    const char *no_title = "{\"markets\":[{\"ticker\":\"T\"}]}";
    assert_int_equal(kalshi_parse_markets(no_title, strlen(no_title), collect, &s, cursor, &err), -1);
    assert_string_equal(err.msg, "market without ticker, title or status: T");
    const char *bad_time = "{\"markets\":[{\"ticker\":\"T\",\"title\":\"t\",\"status\":\"active\",\"close_time\":\"tomorrow\"}]}";
    assert_int_equal(kalshi_parse_markets(bad_time, strlen(bad_time), collect, &s, cursor, &err), -1);
    assert_string_equal(err.msg, "market T: close_time 'tomorrow' is not ISO-8601");
    assert_int_equal(s.n, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_markets_page), cmocka_unit_test(test_market_details),
        cmocka_unit_test(test_real_events_page), cmocka_unit_test(test_series),
        cmocka_unit_test(test_bad_responses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
