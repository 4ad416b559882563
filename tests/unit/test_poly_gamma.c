/* test_poly_gamma.c — Gamma market objects parsed exactly: real captured objects (nautilus
 * test data, a Gamma market by slug, raw NBA /events markets, a normalized third-party dump),
 * which token is stored as "yes", Protocol V2 positionIds, fee schedules read as exact
 * decimals, per-market errors that skip the market, keyset page shapes and cursor paths. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "venue/polymarket/gamma.h"

/* Parses one market object given as text. */
static int parse_text(const char *text, const char *event_id, poly_gamma_market *g, poly_skip *why, pm_err *err) {
    pm_json j;
    if (pm_json_parse_alloc(&j, text, strlen(text)) < 0) fail_msg("test fixture is not JSON");
    int rc = poly_gamma_parse_market(&j, 0, event_id, g, why, err);
    pm_json_release(&j);
    return rc;
}

static void parse_file(const char *rel, poly_gamma_market *g) {
    char *text = pm_test_shared_data(rel, NULL);
    poly_skip why;
    pm_err err;
    if (parse_text(text, NULL, g, &why, &err)) fail_msg("%s: %s", rel, err.msg);
    free(text);
}

/* base with the first occurrence of from replaced by to (which must occur). Caller frees. */
static char *variant(const char *base, const char *from, const char *to) {
    const char *at = strstr(base, from);
    if (!at) fail_msg("fixture lacks '%s'", from);
    size_t head = (size_t)(at - base), len = strlen(base) - strlen(from) + strlen(to);
    char *out = malloc(len + 1);
    memcpy(out, base, head);
    strcpy(out + head, to);
    strcat(out, at + strlen(from));
    return out;
}

static void test_crypto_up_down(void **state) {
    (void)state;
    poly_gamma_market g;
    parse_file("nautilus-polymarket/gamma_market.json", &g);
    const pm_market *m = &g.m;
    assert_int_equal(m->platform, PM_VENUE_POLYMARKET);
    assert_string_equal(m->gamma_id, "1557558");
    assert_string_equal(m->platform_market_id, "0x78443f961b9a65869dcb39359de9960165c7e5cbad0904eac7f29cd77872a63b");
    assert_string_equal(m->title, "Bitcoin Up or Down - March 12, 5:20AM-5:25AM ET");
    assert_string_equal(m->event_id, "260654");
    /* not Yes/No: the first listed outcome's token is stored as "yes" */
    assert_string_equal(m->outcome_yes_name, "Up");
    assert_string_equal(m->outcome_no_name, "Down");
    assert_string_equal(m->outcome_yes_id,
                        "104239898038807136052399800151408521467737075933964991162589336683346093173875");
    assert_string_equal(m->outcome_no_id,
                        "71183960810705820955071415844881728181970340514894896943812046065452395013351");
    assert_string_equal(m->close_time, "2026-03-12T09:25:00Z");
    assert_string_equal(m->status, PM_MARKET_ACTIVE);
    assert_int_equal(m->tick_size, 10000);         /* 0.01 */
    assert_int_equal(m->min_order_size, 5000000);  /* 5 shares */
    assert_int_equal(m->neg_risk, 0);
    assert_null(m->protocol_version);
    assert_int_equal(m->fees_enabled, 1);
    assert_string_equal(m->fee_type, "crypto_fees");
    assert_int_equal(m->fee_rate_bps, -1); /* fees on, but no feeSchedule: rate unknown */
    assert_int_equal(m->fee_exponent, -1);
    assert_int_equal(m->fee_taker_only, -1);
    assert_int_equal(m->accepting_orders, 1);
    assert_int_equal(m->order_book_enabled, 1);
    assert_int_equal(strlen(m->rules), 513);
    assert_int_equal(strncmp(m->rules, "This market will resolve to \"Up\" if the Bitcoin price", 53), 0);
    assert_null(m->description);
    assert_int_equal(m->raw_json[0], '{');
    assert_non_null(strstr(m->raw_json, "\"slug\": \"btc-updown-5m-1773307200\""));
    poly_gamma_market_free(&g);
}

static void test_neg_risk_with_fee_schedule(void **state) {
    (void)state;
    poly_gamma_market g;
    parse_file("nautilus-polymarket/gamma_market_live.json", &g);
    const pm_market *m = &g.m;
    assert_string_equal(m->gamma_id, "559652");
    assert_string_equal(m->title, "Will Gavin Newsom win the 2028 Democratic presidential nomination?");
    assert_string_equal(m->event_id, "30829");
    assert_string_equal(m->outcome_yes_name, "Yes");
    assert_string_equal(m->outcome_no_name, "No");
    assert_string_equal(m->outcome_yes_id,
                        "54533043819946592547517511176940999955633860128497669742211153063842200957669");
    assert_string_equal(m->outcome_no_id,
                        "87854174148074652060467921081181402357467303721471806610111179101805869578687");
    assert_int_equal(m->neg_risk, 1);
    assert_int_equal(m->tick_size, 1000); /* 0.001 */
    assert_int_equal(m->min_order_size, 5000000);
    assert_string_equal(m->close_time, "2028-11-07T00:00:00Z");
    assert_string_equal(m->fee_type, "politics_fees");
    assert_int_equal(m->fees_enabled, 1);
    assert_int_equal(m->fee_rate_bps, 400);    /* feeSchedule.rate 0.04 */
    assert_int_equal(m->fee_exponent, 1);
    assert_int_equal(m->fee_taker_only, 1);
    assert_int_equal(m->fee_rebate_bps, 2500); /* rebateRate 0.25 */
    assert_int_equal(strlen(m->rules), 397);
    poly_gamma_market_free(&g);
}

static void test_sports_closed(void **state) {
    (void)state;
    poly_gamma_market g;
    parse_file("nautilus-polymarket/gamma_market_sports_market_money_line.json", &g);
    const pm_market *m = &g.m;
    assert_string_equal(m->gamma_id, "1878152");
    assert_string_equal(m->platform_market_id, "0x202abb9a80673068ec5ce9294d60e31eeaf3ab5c82fb21fb0c9142e5d0cab385");
    assert_string_equal(m->title, "Counter-Strike: FaZe vs illwill (BO3) - HLC Belgrade Pro Playoffs");
    assert_string_equal(m->event_id, "346898");
    assert_string_equal(m->outcome_yes_name, "FaZe");
    assert_string_equal(m->outcome_no_name, "illwill");
    assert_string_equal(m->outcome_yes_id,
                        "89972346417086440659189114668296975440208562769200022591480064439842896371398");
    assert_string_equal(m->status, PM_MARKET_CLOSED); /* active but closed */
    assert_int_equal(m->accepting_orders, 0);
    assert_int_equal(m->order_book_enabled, 1);
    assert_string_equal(m->fee_type, "sports_fees_v2");
    assert_int_equal(m->fee_rate_bps, 300);
    assert_int_equal(m->fee_exponent, 1);
    assert_int_equal(m->fee_taker_only, 1);
    assert_int_equal(m->fee_rebate_bps, 2500);
    assert_int_equal(strlen(m->rules), 1880);
    poly_gamma_market_free(&g);

    parse_file("nautilus-polymarket/gamma_market_sports_market_map_handicap.json", &g);
    assert_string_equal(g.m.title, "Map Handicap: FaZe (-1.5) vs illwill (+1.5)");
    assert_string_equal(g.m.outcome_no_id,
                        "43341502537527404243762615980214558223125429784876480380195817335671883698477");
    assert_int_equal(g.m.tick_size, 1000);
    poly_gamma_market_free(&g);
}

static void test_fees_disabled_and_legacy(void **state) {
    (void)state;
    poly_gamma_market g;
    parse_file("nautilus-polymarket/gamma_market_closed_binary_accepting_false.json", &g);
    const pm_market *m = &g.m;
    assert_string_equal(m->gamma_id, "1460332");
    assert_string_equal(m->title, "Katana FDV above $1B one day after launch?");
    assert_null(m->event_id);
    assert_string_equal(m->outcome_yes_id,
                        "108872296183993054938831082799825620165440189659433018108548854929333464287226");
    assert_string_equal(m->status, PM_MARKET_CLOSED);
    assert_int_equal(m->fees_enabled, 0);
    assert_null(m->fee_type);            /* feeType null */
    assert_int_equal(m->fee_rate_bps, 0); /* fees disabled: no fee */
    assert_int_equal(m->fee_exponent, -1);
    assert_int_equal(m->accepting_orders, 0);
    assert_int_equal(m->tick_size, 1000);
    poly_gamma_market_free(&g);

    parse_file("nautilus-polymarket/gamma_market_closed_nonbinary_legacy.json", &g);
    m = &g.m;
    assert_string_equal(m->gamma_id, "43");
    assert_string_equal(m->outcome_yes_name, "Long");
    assert_string_equal(m->outcome_no_name, "Short");
    assert_string_equal(m->outcome_no_id,
                        "1993578487229597591293755303341708890459187725728713215820133740213314514940");
    assert_int_equal(m->tick_size, -1); /* absent in 2020 */
    assert_int_equal(m->min_order_size, -1);
    assert_int_equal(m->neg_risk, 0);
    assert_int_equal(m->accepting_orders, -1);
    assert_int_equal(m->order_book_enabled, -1);
    assert_string_equal(m->close_time, "2021-01-02T00:00:00Z");
    assert_string_equal(m->status, PM_MARKET_CLOSED);
    assert_int_equal(strlen(m->rules), 994);
    poly_gamma_market_free(&g);
}

/* The captured /markets/slug object lacks outcomes: which token is YES cannot be told. */
static void test_slug_object_without_outcomes(void **state) {
    (void)state;
    char *text = pm_test_shared_data("nautilus-polymarket-py/http_responses/market_slug.json", NULL);
    poly_gamma_market g;
    poly_skip why;
    pm_err err;
    assert_int_equal(parse_text(text, NULL, &g, &why, &err), -1);
    assert_int_equal(why, POLY_SKIP_MISSING);
    assert_string_equal(err.msg, "market 519589 (0x270d5aa3b23be0d4e713361d603b187dd1919c71c74226ad867699f33972c5f2): "
                                 "no outcomes: cannot tell which token pays on which outcome");
    /* with outcomes added, its plain-array clobTokenIds are read as well */
    char *fixed = variant(text, "\"clobTokenIds\"", "\"outcomes\": \"[\\\"Yes\\\", \\\"No\\\"]\", \"clobTokenIds\"");
    assert_int_equal(parse_text(fixed, NULL, &g, &why, &err), 0);
    assert_string_equal(g.m.outcome_yes_id,
                        "41731245504777162452560887531170605263832832998797939951071198553974989813715");
    assert_string_equal(g.m.outcome_no_id,
                        "72650408556394197703520321372193619642402793204437834561777315032709183100311");
    assert_null(g.m.close_time);
    assert_null(g.m.rules);
    assert_int_equal(g.m.tick_size, -1);
    poly_gamma_market_free(&g);
    free(fixed);
    free(text);
}

/* Every market of the three raw NBA /events objects, nested under their event. */
static void test_nba_events(void **state) {
    (void)state;
    size_t len;
    char *text = pm_test_shared_data("steffenmax-nba/gamma_events_nba_raw_subset3.json", &len);
    pm_json j;
    assert_true(pm_json_parse_alloc(&j, text, len) > 0);
    assert_true(pm_json_is_arr(&j, 0));
    int parsed = 0, team_named = 0;
    for (int e = 0, ev = 1; e < j.tok[0].size; e++, ev = pm_json_next(&j, ev)) {
        char event_id[32];
        assert_true(pm_json_unescape(&j, pm_json_key(&j, ev, "id"), event_id, sizeof event_id) > 0);
        int arr = pm_json_key(&j, ev, "markets");
        for (int k = 0, i = arr + 1; k < j.tok[arr].size; k++, i = pm_json_next(&j, i)) {
            poly_gamma_market g;
            poly_skip why;
            pm_err err;
            if (poly_gamma_parse_market(&j, i, event_id, &g, &why, &err)) fail_msg("%s", err.msg);
            parsed++;
            assert_string_equal(g.m.event_id, event_id);
            assert_int_equal(g.m.tick_size, 10000);
            assert_int_equal(g.m.min_order_size, 5000000);
            assert_int_equal(g.m.fee_rate_bps, 0); /* feesEnabled false, no schedule */
            assert_string_equal(g.m.status, PM_MARKET_ACTIVE);
            if (strcmp(g.m.outcome_yes_name, "Yes") && strcmp(g.m.outcome_yes_name, "Over")) team_named++;
            if (!strcmp(g.m.gamma_id, "1114229")) {
                assert_string_equal(event_id, "145173");
                assert_string_equal(g.m.title, "76ers vs. Raptors");
                assert_string_equal(g.m.outcome_yes_name, "76ers");
                assert_string_equal(g.m.outcome_no_name, "Raptors");
                assert_string_equal(g.m.outcome_yes_id,
                                    "24957311891431840006440881673343940651539137638686196577966159722712344413261");
                assert_string_equal(g.m.outcome_no_id,
                                    "51693196670061647821764116240473418551566508008681135725484166035954529800893");
                assert_string_equal(g.m.close_time, "2026-01-11T23:00:00Z");
            }
            if (!strcmp(g.m.gamma_id, "1096983")) { /* listed Bucks first */
                assert_string_equal(g.m.outcome_yes_name, "Bucks");
                assert_string_equal(g.m.outcome_yes_id,
                                    "103439010253511981704130916001443077128733492098522335417525077581724186460496");
            }
            if (!strcmp(g.m.gamma_id, "1141781")) {
                assert_string_equal(g.m.title, "Giannis Antetokounmpo: Assists Over 5.5");
                assert_string_equal(g.m.outcome_yes_name, "Yes");
                assert_string_equal(g.m.outcome_yes_id,
                                    "41456786816532387122561446804422453405774762637508203030532345350182551503818");
                assert_string_equal(g.m.platform_market_id,
                                    "0x772c6a2b9631f15853b78a8eac88fced9d0f1f23a954739b697db43d3e4d45d9");
            }
            poly_gamma_market_free(&g);
        }
    }
    assert_int_equal(parsed, 41);
    assert_int_equal(team_named, 7);
    pm_json_release(&j);
    free(text);
}

/* A normalized third-party dump (snake_case, no conditionId): every market refused, none crash. */
static void test_normalized_dump_refused(void **state) {
    (void)state;
    size_t len;
    char *text = pm_test_shared_data("pirodax/polymarket_events.json", &len);
    pm_json j;
    assert_true(pm_json_parse_alloc(&j, text, len) > 0);
    int missing = 0, other = 0;
    for (int e = 0, ev = 1; e < j.tok[0].size; e++, ev = pm_json_next(&j, ev)) {
        int arr = pm_json_key(&j, ev, "markets");
        for (int k = 0, i = arr + 1; k < j.tok[arr].size; k++, i = pm_json_next(&j, i)) {
            poly_gamma_market g;
            poly_skip why;
            pm_err err;
            assert_int_equal(poly_gamma_parse_market(&j, i, NULL, &g, &why, &err), -1);
            if (why == POLY_SKIP_MISSING && strstr(err.msg, ": no conditionId")) missing++;
            else other++;
            if (e == 0 && k == 0) assert_string_equal(err.msg, "market 516926: no conditionId");
        }
    }
    assert_int_equal(missing, 1761);
    assert_int_equal(other, 0);
    pm_json_release(&j);
    free(text);
}

static void test_yes_token_and_v2_positions(void **state) {
    (void)state;
    char *live = pm_test_shared_data("nautilus-polymarket/gamma_market_live.json", NULL);
    poly_gamma_market g;
    poly_skip why;
    pm_err err;
    /* outcomes listed No first: the Yes token is still stored as yes */
    char *swapped = variant(live, "\"outcomes\": \"[\\\"Yes\\\", \\\"No\\\"]\"", "\"outcomes\": \"[\\\"No\\\", \\\"YES\\\"]\"");
    assert_int_equal(parse_text(swapped, NULL, &g, &why, &err), 0);
    assert_string_equal(g.m.outcome_yes_name, "YES");
    assert_string_equal(g.m.outcome_yes_id,
                        "87854174148074652060467921081181402357467303721471806610111179101805869578687");
    assert_string_equal(g.m.outcome_no_id,
                        "54533043819946592547517511176940999955633860128497669742211153063842200957669");
    poly_gamma_market_free(&g);
    /* Protocol V2: positionIds (a plain array) are the outcome ids */
    char *v2 = variant(live, "\"id\": \"559652\",", "\"id\": \"559652\", \"version\": \"v2\", \"positionIds\": [\"111\", \"222\"],");
    assert_int_equal(parse_text(v2, NULL, &g, &why, &err), 0);
    assert_string_equal(g.m.protocol_version, "v2");
    assert_string_equal(g.m.outcome_yes_id, "111");
    assert_string_equal(g.m.outcome_no_id, "222");
    poly_gamma_market_free(&g);
    char *v2_bare = variant(live, "\"id\": \"559652\",", "\"id\": \"559652\", \"version\": \"v2\",");
    assert_int_equal(parse_text(v2_bare, NULL, &g, &why, &err), -1);
    assert_int_equal(why, POLY_SKIP_NO_TOKENS);
    assert_string_equal(err.msg, "market 559652 (0x0f49db97f71c68b1e42a6d16e3de93d85dbf7d4148e3f018eb79e88554be9f75): "
                                 "no positionIds");
    char *v1 = variant(live, "\"id\": \"559652\",", "\"id\": \"559652\", \"version\": \"v1\",");
    assert_int_equal(parse_text(v1, NULL, &g, &why, &err), 0);
    assert_string_equal(g.m.protocol_version, "v1");
    assert_string_equal(g.m.outcome_yes_id,
                        "54533043819946592547517511176940999955633860128497669742211153063842200957669");
    poly_gamma_market_free(&g);
    free(v1), free(v2_bare), free(v2), free(swapped), free(live);
}

typedef struct bad_case {
    const char *from, *to;
    poly_skip why;
    const char *msg; /* after "market 559652 (0x0f49…9f75): " */
} bad_case;

static void test_malformed_fields(void **state) {
    (void)state;
    static const bad_case cases[] = {
        {"\"orderPriceMinTickSize\": 0.001", "\"orderPriceMinTickSize\": \"abc\"", POLY_SKIP_MALFORMED, NULL},
        {"\"orderPriceMinTickSize\": 0.001", "\"orderPriceMinTickSize\": 1e-3", POLY_SKIP_MALFORMED, NULL},
        {"\"orderPriceMinTickSize\": 0.001", "\"orderPriceMinTickSize\": 0", POLY_SKIP_MALFORMED, NULL},
        {"\"orderPriceMinTickSize\": 0.001", "\"orderPriceMinTickSize\": 0.0000001", POLY_SKIP_MALFORMED, NULL},
        {"\"orderPriceMinTickSize\": 0.001", "\"orderPriceMinTickSize\": true", POLY_SKIP_MALFORMED,
         "orderPriceMinTickSize is not a number"},
        {"\"orderMinSize\": 5", "\"orderMinSize\": -5", POLY_SKIP_MALFORMED, NULL},
        {"\"rate\": 0.04", "\"rate\": 0.04005", POLY_SKIP_MALFORMED, NULL},
        {"\"exponent\": 1", "\"exponent\": 1.5", POLY_SKIP_MALFORMED, "feeSchedule.exponent is not an integer from 0 to 16"},
        {"\"takerOnly\": true", "\"takerOnly\": \"yes\"", POLY_SKIP_MALFORMED, "takerOnly is not true or false"},
        {"\"negRisk\": true", "\"negRisk\": 1", POLY_SKIP_MALFORMED, "negRisk is not true or false"},
        {"\"endDate\": \"2028-11-07T00:00:00Z\"", "\"endDate\": \"soon\"", POLY_SKIP_MALFORMED,
         "endDate 'soon' is not ISO-8601 UTC"},
        {"\"clobTokenIds\": \"[", "\"clobTokenIds\": \"{[", POLY_SKIP_MALFORMED,
         "clobTokenIds is a string but not a JSON-encoded array"},
        {"\"clobTokenIds\": \"[", "\"clobTokenIds\": \"[\\\"0x12\\\", ", POLY_SKIP_NOT_BINARY,
         "2 outcomes and 3 clobTokenIds, not two of each"},
        {"\"outcomes\": \"[\\\"Yes\\\", \\\"No\\\"]\"", "\"outcomes\": \"[\\\"A\\\", \\\"B\\\", \\\"C\\\"]\"",
         POLY_SKIP_NOT_BINARY, "3 outcomes and 2 clobTokenIds, not two of each"},
        {"\"outcomes\": \"[\\\"Yes\\\", \\\"No\\\"]\"", "\"outcomes\": 7", POLY_SKIP_MALFORMED, "outcomes is not an array"},
        {"\"feeSchedule\": {", "\"feeSchedule\": 3, \"x\": {", POLY_SKIP_MALFORMED, "feeSchedule is not an object"},
        {"\"question\": \"Will Gavin Newsom", "\"question\": 5, \"q\": \"", POLY_SKIP_MALFORMED, "question is not a string"},
    };
    char *live = pm_test_shared_data("nautilus-polymarket/gamma_market_live.json", NULL);
    const char *prefix = "market 559652 (0x0f49db97f71c68b1e42a6d16e3de93d85dbf7d4148e3f018eb79e88554be9f75): ";
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char *text = variant(live, cases[c].from, cases[c].to);
        poly_gamma_market g;
        poly_skip why;
        pm_err err;
        if (parse_text(text, NULL, &g, &why, &err) != -1) fail_msg("case %zu (%s) parsed", c, cases[c].to);
        assert_int_equal(why, cases[c].why);
        assert_int_equal(strncmp(err.msg, prefix, strlen(prefix)), 0);
        if (cases[c].msg) assert_string_equal(err.msg + strlen(prefix), cases[c].msg);
        free(text);
    }
    /* the reasons not checked above name the field */
    char *text = variant(live, "\"rate\": 0.04", "\"rate\": 0.04005");
    poly_gamma_market g;
    poly_skip why;
    pm_err err;
    assert_int_equal(parse_text(text, NULL, &g, &why, &err), -1);
    assert_non_null(strstr(err.msg, "feeSchedule.rate"));
    free(text);
    text = variant(live, "\"clobTokenIds\": \"[", "\"clobTokenIds\": \"[]\", \"x\": \"[");
    assert_int_equal(parse_text(text, NULL, &g, &why, &err), -1);
    assert_int_equal(why, POLY_SKIP_NO_TOKENS);
    assert_string_equal(err.msg + strlen(prefix), "no clobTokenIds");
    free(text);
    text = variant(live, "\"conditionId\": \"0x0f49", "\"conditionId\": \"0xzz49");
    assert_int_equal(parse_text(text, NULL, &g, &why, &err), -1);
    assert_int_equal(why, POLY_SKIP_MALFORMED);
    assert_string_equal(err.msg, "market 559652 (0xzz49db97f71c68b1e42a6d16e3de93d85dbf7d4148e3f018eb79e88554be9f75): "
                                 "conditionId '0xzz49db97f71c68b1e42a6d16e3de93d85dbf7d4148e3f018eb79e88554be9f75' "
                                 "is not 0x and 64 hex digits");
    free(text);
    assert_int_equal(parse_text("[1]", NULL, &g, &why, &err), -1);
    assert_int_equal(why, POLY_SKIP_MALFORMED);
    assert_string_equal(err.msg, "market without id: not a JSON object");
    free(live);
}

typedef struct seen {
    int n, stop_after;
    char ids[8][16];
} seen;

static int collect(void *ctx, pm_market *m) {
    seen *s = ctx;
    snprintf(s->ids[s->n++], sizeof s->ids[0], "%s", m->gamma_id);
    return s->stop_after && s->n == s->stop_after;
}

#define PAGE(text) text, strlen(text)

static void test_pages(void **state) {
    (void)state;
    char *a = pm_test_shared_data("nautilus-polymarket/gamma_market.json", NULL);
    char *b = pm_test_shared_data("nautilus-polymarket/gamma_market_live.json", NULL);
    char *bad = variant(b, "\"negRisk\": true", "\"negRisk\": \"true\"");
    size_t cap = strlen(a) + strlen(b) + strlen(bad) + 256;
    char *body = malloc(cap);
    snprintf(body, cap, "{\"markets\": [%s, %s, %s], \"next_cursor\": \"eyJpZCI6MTIzfQ==\"}", a, bad, b);
    seen s = {0};
    poly_gamma_page page;
    pm_err err;
    assert_int_equal(poly_gamma_parse_page(body, strlen(body), collect, &s, &page, &err), 0);
    assert_int_equal(page.objects, 3);
    assert_int_equal(page.skipped[POLY_SKIP_MALFORMED], 1);
    assert_int_equal(page.skipped[POLY_SKIP_MISSING] + page.skipped[POLY_SKIP_NO_TOKENS] +
                         page.skipped[POLY_SKIP_NOT_BINARY], 0);
    assert_string_equal(page.next_cursor, "eyJpZCI6MTIzfQ==");
    assert_int_equal(s.n, 2);
    assert_string_equal(s.ids[0], "1557558");
    assert_string_equal(s.ids[1], "559652");
    /* last page: no next_cursor; also a bare array (legacy /markets) and an empty page */
    snprintf(body, cap, "{\"markets\": [%s]}", a);
    s.n = 0;
    assert_int_equal(poly_gamma_parse_page(body, strlen(body), collect, &s, &page, &err), 0);
    assert_string_equal(page.next_cursor, "");
    assert_int_equal(s.n, 1);
    snprintf(body, cap, "[%s, %s]", a, b);
    s.n = 0;
    assert_int_equal(poly_gamma_parse_page(body, strlen(body), collect, &s, &page, &err), 0);
    assert_int_equal(s.n, 2);
    assert_string_equal(page.next_cursor, "");
    assert_int_equal(poly_gamma_parse_page(PAGE("{\"markets\":[],\"next_cursor\":null}"), collect, &s, &page, &err), 0);
    assert_int_equal(page.objects, 0);
    /* the callback's refusal stops the page */
    snprintf(body, cap, "[%s, %s]", a, b);
    seen stop = {.stop_after = 1};
    assert_int_equal(poly_gamma_parse_page(body, strlen(body), collect, &stop, &page, &err), -1);
    assert_int_equal(stop.n, 1);
    /* responses that are not pages */
    assert_int_equal(poly_gamma_parse_page(PAGE("<html>"), collect, &s, &page, &err), -1);
    assert_string_equal(err.msg, "invalid JSON response");
    assert_int_equal(poly_gamma_parse_page(PAGE("{\"markets\": ["), collect, &s, &page, &err), -1);
    assert_string_equal(err.msg, "truncated JSON response");
    assert_int_equal(poly_gamma_parse_page(PAGE("{\"error\": \"x\"}"), collect, &s, &page, &err), -1);
    assert_string_equal(err.msg, "response is neither an array of markets nor an object with a markets array");
    assert_int_equal(poly_gamma_parse_page(PAGE("{\"markets\": [], \"next_cursor\": 5}"), collect, &s, &page, &err), -1);
    assert_string_equal(err.msg, "next_cursor is not a string of at most 1023 bytes");
    free(body), free(bad), free(a), free(b);
}

static void test_keyset_path(void **state) {
    (void)state;
    char path[256];
    assert_int_equal(poly_gamma_keyset_path("", 100, path, sizeof path), 0);
    assert_string_equal(path, "/markets/keyset?limit=100&active=true&closed=false");
    assert_int_equal(poly_gamma_keyset_path("eyJpZCI6MTIzfQ==", 100, path, sizeof path), 0);
    assert_string_equal(path, "/markets/keyset?limit=100&active=true&closed=false&after_cursor=eyJpZCI6MTIzfQ%3D%3D");
    assert_int_equal(poly_gamma_keyset_path("a+b/c~d", 7, path, sizeof path), 0);
    assert_string_equal(path, "/markets/keyset?limit=7&active=true&closed=false&after_cursor=a%2Bb%2Fc~d");
    assert_int_equal(poly_gamma_keyset_path("abc", 100, path, 60), -1);
    assert_string_equal(poly_skip_name(POLY_SKIP_NO_TOKENS), "no token ids");
    assert_string_equal(poly_skip_name(POLY_SKIP_NOT_BINARY), "not two outcomes");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crypto_up_down),         cmocka_unit_test(test_neg_risk_with_fee_schedule),
        cmocka_unit_test(test_sports_closed),          cmocka_unit_test(test_fees_disabled_and_legacy),
        cmocka_unit_test(test_slug_object_without_outcomes), cmocka_unit_test(test_nba_events),
        cmocka_unit_test(test_normalized_dump_refused), cmocka_unit_test(test_yes_token_and_v2_positions),
        cmocka_unit_test(test_malformed_fields),       cmocka_unit_test(test_pages),
        cmocka_unit_test(test_keyset_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
