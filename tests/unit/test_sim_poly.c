/* test_sim_poly.c — the simulated Polymarket REST surface over real sockets (`pmarb sim`):
 * Gamma paging by offset and by keyset with the venue's field names and types, the CLOB's
 * /book (the NO book mirrors the YES book), the Protocol-V2 market, market info endpoints,
 * and the shared price process (a Kalshi market and its Polymarket twin keep close mids, and
 * cross-venue dislocations occur); plus the venue's book-hash recipe on its published vector. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/http.h"
#include "sim/poly_venue.h"
#include "testutil.h"
#include "util/clock.h"

typedef struct fixture {
    pm_test_proc sim;
    char clob[256], gamma[256], kalshi[256];
    int nmarkets;
    pm_http *http;
} fixture;

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    pm_test_start(&f->sim, (const char *const[]){"sim", "--seed", "5", NULL});
    json_t *ready = json_loads(f->sim.line, 0, NULL), *pm = json_object_get(ready, "polymarket");
    assert_non_null(pm);
    snprintf(f->clob, sizeof f->clob, "%s", json_string_value(json_object_get(pm, "clob")));
    snprintf(f->gamma, sizeof f->gamma, "%s", json_string_value(json_object_get(pm, "gamma")));
    snprintf(f->kalshi, sizeof f->kalshi, "%s", json_string_value(json_object_get(json_object_get(ready, "kalshi"), "rest")));
    f->nmarkets = (int)json_integer_value(json_object_get(json_object_get(ready, "markets"), "polymarket"));
    assert_int_equal(strncmp(f->gamma, f->clob, strlen(f->clob)), 0);
    assert_string_equal(f->gamma + strlen(f->clob), "/gamma");
    json_decref(ready);
    pm_err err;
    assert_int_equal(pm_http_new(5000, &f->http, &err), 0);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    pm_http_free(f->http);
    assert_int_equal(pm_test_stop(&f->sim), 0);
    free(f);
    return 0;
}

/* Sends a request; returns the body text (caller frees) and the status. */
static char *call(fixture *f, const char *method, const char *body, long *status, const char *fmt, ...) {
    char url[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(url, sizeof url, fmt, ap);
    va_end(ap);
    pm_http_response res = {0};
    pm_err err;
    if (pm_http_do(f->http, method, url, NULL, body, &res, &err)) fail_msg("%s %s: %s", method, url, err.msg);
    *status = res.status;
    char *text = strdup(res.body ? res.body : "");
    pm_http_response_free(&res);
    return text;
}

static json_t *get_json(fixture *f, long want, const char *url) {
    long status;
    char *text = call(f, "GET", NULL, &status, "%s", url);
    if (status != want) fail_msg("GET %s: HTTP %ld (%s)", url, status, text);
    json_t *doc = json_loads(text, JSON_DECODE_ANY, NULL);
    free(text);
    assert_non_null(doc);
    return doc;
}

static pm_px_t px_of(json_t *s) {
    pm_px_t v;
    assert_true(json_is_string(s));
    assert_int_equal(pm_px_parse(json_string_value(s), strlen(json_string_value(s)), &v, NULL), 0);
    return v;
}

static pm_qty_t qty_of(json_t *s) {
    pm_qty_t v;
    assert_true(json_is_string(s));
    assert_int_equal(pm_qty_parse(json_string_value(s), strlen(json_string_value(s)), &v, NULL), 0);
    return v;
}

/* The two ids of a JSON-encoded string list such as clobTokenIds. */
static json_t *decoded(json_t *s) {
    assert_true(json_is_string(s));
    json_t *arr = json_loads(json_string_value(s), 0, NULL);
    assert_true(json_is_array(arr));
    assert_int_equal(json_array_size(arr), 2);
    return arr;
}

static int all_digits(const char *s, size_t n) {
    if (strlen(s) != n) return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

static void test_book_hash_vector(void **state) {
    (void)state;
    /* py-clob-client-v2 tests/test_utilities.py: the venue's order-book hash recipe */
    json_t *doc = json_pack("{s:s,s:s,s:s,s:s,s:[{s:s,s:s},{s:s,s:s}],s:[{s:s,s:s},{s:s,s:s}],s:s,s:s,s:b,s:s}", "market",
                            "0xaabbcc", "asset_id", "100", "timestamp", "123456789", "hash", "", "bids", "price", "0.3", "size",
                            "100", "price", "0.4", "size", "100", "asks", "price", "0.6", "size", "100", "price", "0.7", "size",
                            "100", "min_order_size", "100", "tick_size", "0.01", "neg_risk", 0, "last_trade_price", "0.5");
    sim_poly_hash_summary(doc);
    assert_string_equal(json_string_value(json_object_get(doc, "hash")), "0458ea5755c9f73d64a14636fa5c36ed460ec394");
    json_decref(doc);
}

/* Every market by offset paging and by keyset paging: the same ids in the same order. */
static void test_gamma_paging(void **state) {
    fixture *f = *state;
    char url[512], ids[64][16];
    int n = 0;
    for (int offset = 0;; offset += 7) {
        snprintf(url, sizeof url, "%s/markets?limit=7&offset=%d", f->gamma, offset);
        json_t *page = get_json(f, 200, url);
        assert_true(json_is_array(page));
        size_t i;
        json_t *m;
        json_array_foreach(page, i, m) snprintf(ids[n++], sizeof ids[0], "%s", json_string_value(json_object_get(m, "id")));
        size_t got = json_array_size(page);
        json_decref(page);
        if (got < 7) break;
    }
    assert_int_equal(n, f->nmarkets);
    int k = 0, pages = 0;
    char cursor[64] = "";
    for (;;) {
        snprintf(url, sizeof url, "%s/markets/keyset?limit=7%s%s", f->gamma, cursor[0] ? "&after_cursor=" : "", cursor);
        json_t *doc = get_json(f, 200, url), *arr = json_object_get(doc, "markets"), *m;
        size_t i;
        json_array_foreach(arr, i, m) assert_string_equal(json_string_value(json_object_get(m, "id")), ids[k++]);
        pages++;
        json_t *next = json_object_get(doc, "next_cursor");
        if (!next) {
            json_decref(doc);
            break;
        }
        snprintf(cursor, sizeof cursor, "%s", json_string_value(next));
        json_decref(doc);
        /* `cursor` is not the venue's parameter: it is ignored and the first page comes back */
        snprintf(url, sizeof url, "%s/markets/keyset?limit=7&cursor=%s", f->gamma, cursor);
        doc = get_json(f, 200, url);
        assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(doc, "markets"), 0), "id")), ids[0]);
        json_decref(doc);
    }
    assert_int_equal(k, n);
    assert_int_equal(pages, (n + 6) / 7);
    /* limit is capped silently, offset past 10000 is refused, a bad cursor too */
    snprintf(url, sizeof url, "%s/markets?limit=1000", f->gamma);
    json_t *all = get_json(f, 200, url);
    assert_int_equal(json_array_size(all), n);
    json_decref(all);
    snprintf(url, sizeof url, "%s/markets?offset=10001", f->gamma);
    json_t *e = get_json(f, 422, url);
    assert_true(json_is_string(json_object_get(e, "error")));
    json_decref(e);
    snprintf(url, sizeof url, "%s/markets/keyset?after_cursor=%%21%%21", f->gamma);
    json_decref(get_json(f, 400, url));
    /* filters: exactly one market is closed */
    snprintf(url, sizeof url, "%s/markets?closed=true&limit=100", f->gamma);
    json_t *closed = get_json(f, 200, url);
    assert_int_equal(json_array_size(closed), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(closed, 0), "question")),
                        "Will Spain win the 2026 FIFA World Cup?");
    assert_true(json_is_false(json_object_get(json_array_get(closed, 0), "acceptingOrders")));
    json_decref(closed);
    snprintf(url, sizeof url, "%s/markets?active=true&closed=false&limit=100", f->gamma);
    json_t *open = get_json(f, 200, url);
    assert_int_equal(json_array_size(open), n - 1);
    json_decref(open);
}

typedef struct seen {
    int v2, fee_free, neg_risk, inverted_phrasing;
    int ticks[4]; /* 0.01, 0.005, 0.0025, 0.001 */
} seen;

static void check_market(fixture *f, json_t *m, seen *s) {
    static const char *const strings[] = {"id", "question", "description", "slug", "conditionId", "questionID", "endDate",
                                          "clobTokenIds", "outcomes", "outcomePrices", "version"};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        if (!json_is_string(json_object_get(m, strings[i]))) fail_msg("%s is not a string", strings[i]);
    static const char *const bools[] = {"active", "closed", "archived", "acceptingOrders", "enableOrderBook", "negRisk", "feesEnabled"};
    for (size_t i = 0; i < sizeof bools / sizeof bools[0]; i++)
        if (!json_is_boolean(json_object_get(m, bools[i]))) fail_msg("%s is not a boolean", bools[i]);
    assert_true(json_is_number(json_object_get(m, "orderPriceMinTickSize")));
    assert_true(json_is_integer(json_object_get(m, "orderMinSize")));
    assert_int_equal(json_integer_value(json_object_get(m, "orderMinSize")), 5);
    const char *cid = json_string_value(json_object_get(m, "conditionId"));
    assert_int_equal(strlen(cid), 66);
    assert_int_equal(strspn(cid + 2, "0123456789abcdef"), 64);
    json_t *tokens = decoded(json_object_get(m, "clobTokenIds")), *outcomes = decoded(json_object_get(m, "outcomes"));
    assert_true(all_digits(json_string_value(json_array_get(tokens, 0)), 77));
    assert_true(all_digits(json_string_value(json_array_get(tokens, 1)), 77));
    assert_string_equal(json_string_value(json_array_get(outcomes, 0)), "Yes");
    assert_string_equal(json_string_value(json_array_get(outcomes, 1)), "No");
    json_decref(decoded(json_object_get(m, "outcomePrices")));
    json_t *ev = json_array_get(json_object_get(m, "events"), 0);
    assert_true(json_is_string(json_object_get(ev, "id")) && json_is_string(json_object_get(ev, "slug")) &&
                json_is_string(json_object_get(ev, "title")) && json_is_boolean(json_object_get(ev, "negRisk")));
    const char *version = json_string_value(json_object_get(m, "version"));
    long status;
    char *body;
    if (!strcmp(version, "v2")) { /* the CLOB trades the positionIds, not the CTF ids */
        s->v2++;
        json_t *pos = json_object_get(m, "positionIds");
        assert_int_equal(json_array_size(pos), 2);
        assert_string_not_equal(json_string_value(json_array_get(pos, 0)), json_string_value(json_array_get(tokens, 0)));
        body = call(f, "GET", NULL, &status, "%s/book?token_id=%s", f->clob, json_string_value(json_array_get(pos, 0)));
        assert_int_equal(status, 200);
        free(body);
        body = call(f, "GET", NULL, &status, "%s/book?token_id=%s", f->clob, json_string_value(json_array_get(tokens, 0)));
        assert_int_equal(status, 404);
        assert_string_equal(body, "{\"error\":\"No orderbook exists for the requested token id\"}");
        free(body);
    } else {
        assert_string_equal(version, "v1");
        assert_null(json_object_get(m, "positionIds"));
    }
    if (json_is_true(json_object_get(m, "feesEnabled"))) {
        json_t *fs = json_object_get(m, "feeSchedule");
        assert_true(json_is_number(json_object_get(fs, "rate")));
        assert_int_equal(json_integer_value(json_object_get(fs, "exponent")), 1);
        assert_true(json_is_true(json_object_get(fs, "takerOnly")));
        assert_true(json_is_string(json_object_get(m, "feeType")));
    } else {
        s->fee_free++;
        assert_null(json_object_get(m, "feeSchedule"));
    }
    s->neg_risk += json_is_true(json_object_get(m, "negRisk"));
    s->inverted_phrasing += strstr(json_string_value(json_object_get(m, "question")), "avoid a shutdown") != NULL;
    json_decref(tokens);
    json_decref(outcomes);
}

static void test_gamma_fields(void **state) {
    fixture *f = *state;
    char url[1024];
    snprintf(url, sizeof url, "%s/markets?limit=100", f->gamma);
    long status;
    char *raw = call(f, "GET", NULL, &status, "%s", url);
    assert_int_equal(status, 200);
    json_t *all = json_loads(raw, 0, NULL), *m;
    seen s = {0};
    size_t i;
    json_array_foreach(all, i, m) check_market(f, m, &s);
    assert_int_equal(s.v2, 1);
    assert_int_equal(s.fee_free, 1);
    assert_int_equal(s.neg_risk, 4 + 4 + 3); /* Fed decision, NBA champion, Super Bowl */
    assert_int_equal(s.inverted_phrasing, 1);
    /* tick sizes, written as the venue writes numbers */
    assert_non_null(strstr(raw, "\"orderPriceMinTickSize\":0.01,"));
    assert_non_null(strstr(raw, "\"orderPriceMinTickSize\":0.001,"));
    assert_non_null(strstr(raw, "\"orderPriceMinTickSize\":0.005,"));
    assert_non_null(strstr(raw, "\"orderPriceMinTickSize\":0.0025,"));
    assert_non_null(strstr(raw, "\"feeSchedule\":{\"exponent\":1,\"rate\":0.072,\"takerOnly\":true,\"rebateRate\":0.2}"));
    free(raw);
    /* one market by id, the same object */
    json_t *first = json_array_get(all, 0);
    snprintf(url, sizeof url, "%s/markets/%s", f->gamma, json_string_value(json_object_get(first, "id")));
    json_t *one = get_json(f, 200, url);
    assert_string_equal(json_string_value(json_object_get(one, "conditionId")), json_string_value(json_object_get(first, "conditionId")));
    json_decref(one);
    snprintf(url, sizeof url, "%s/markets/999", f->gamma);
    json_decref(get_json(f, 404, url));
    json_decref(all);
}

/* A market's Gamma object, found by question. */
static json_t *market_by_question(fixture *f, const char *question) {
    char url[1024];
    snprintf(url, sizeof url, "%s/markets?limit=100", f->gamma);
    json_t *all = get_json(f, 200, url), *m, *found = NULL;
    size_t i;
    json_array_foreach(all, i, m) if (!strcmp(json_string_value(json_object_get(m, "question")), question)) found = json_incref(m);
    json_decref(all);
    if (!found) fail_msg("no market asks \"%s\"", question);
    return found;
}

static void check_side(json_t *side, int ascending) {
    pm_px_t last = ascending ? -1 : PM_PX_ONE + 1;
    size_t i;
    json_t *l;
    json_array_foreach(side, i, l) {
        pm_px_t px = px_of(json_object_get(l, "price"));
        assert_true(qty_of(json_object_get(l, "size")) > 0);
        assert_true(ascending ? px > last : px < last);
        last = px;
    }
}

static void test_books(void **state) {
    fixture *f = *state;
    json_t *m = market_by_question(f, "Will the Fed hold rates at the December 2026 meeting?");
    json_t *tokens = decoded(json_object_get(m, "clobTokenIds"));
    const char *yes = json_string_value(json_array_get(tokens, 0)), *no = json_string_value(json_array_get(tokens, 1));
    char body[512];
    snprintf(body, sizeof body, "[{\"token_id\":\"%s\"},{\"token_id\":\"%s\"}]", yes, no);
    long status;
    char *text = call(f, "POST", body, &status, "%s/books", f->clob);
    assert_int_equal(status, 200);
    json_t *books = json_loads(text, 0, NULL);
    free(text);
    assert_int_equal(json_array_size(books), 2);
    json_t *y = json_array_get(books, 0), *n = json_array_get(books, 1);
    assert_string_equal(json_string_value(json_object_get(y, "asset_id")), yes);
    assert_string_equal(json_string_value(json_object_get(n, "asset_id")), no);
    for (int b = 0; b < 2; b++) {
        json_t *bk = json_array_get(books, (size_t)b);
        assert_string_equal(json_string_value(json_object_get(bk, "market")), json_string_value(json_object_get(m, "conditionId")));
        assert_true(all_digits(json_string_value(json_object_get(bk, "timestamp")), 13));
        assert_int_equal(strlen(json_string_value(json_object_get(bk, "hash"))), 40);
        assert_string_equal(json_string_value(json_object_get(bk, "min_order_size")), "5");
        assert_string_equal(json_string_value(json_object_get(bk, "tick_size")), "0.001");
        assert_true(json_is_true(json_object_get(bk, "neg_risk")));
        assert_string_equal(json_string_value(json_object_get(bk, "last_trade_price")), "");
        check_side(json_object_get(bk, "bids"), 1); /* best last on both sides */
        check_side(json_object_get(bk, "asks"), 0);
    }
    /* the NO book mirrors the YES book: a NO bid at p is a YES ask at 1 − p, level for level */
    json_t *ya = json_object_get(y, "asks"), *nb = json_object_get(n, "bids"), *yb = json_object_get(y, "bids"), *na = json_object_get(n, "asks");
    assert_true(json_array_size(ya) >= 1 && json_array_size(yb) >= 1);
    assert_int_equal(json_array_size(ya), json_array_size(nb));
    assert_int_equal(json_array_size(yb), json_array_size(na));
    for (size_t i = 0; i < json_array_size(ya); i++) {
        assert_int_equal(px_of(json_object_get(json_array_get(nb, i), "price")), PM_PX_ONE - px_of(json_object_get(json_array_get(ya, i), "price")));
        assert_int_equal(qty_of(json_object_get(json_array_get(nb, i), "size")), qty_of(json_object_get(json_array_get(ya, i), "size")));
    }
    for (size_t i = 0; i < json_array_size(yb); i++)
        assert_int_equal(px_of(json_object_get(json_array_get(na, i), "price")), PM_PX_ONE - px_of(json_object_get(json_array_get(yb, i), "price")));
    /* the hash is the venue's recipe over the summary itself */
    json_t *copy = json_deep_copy(y);
    sim_poly_hash_summary(copy);
    assert_string_equal(json_string_value(json_object_get(copy, "hash")), json_string_value(json_object_get(y, "hash")));
    json_decref(copy);
    json_decref(books);

    /* the small endpoints the official client reads before it signs */
    char url[1024];
    snprintf(url, sizeof url, "%s/tick-size?token_id=%s", f->clob, no);
    text = call(f, "GET", NULL, &status, "%s", url);
    assert_string_equal(text, "{\"minimum_tick_size\":0.001}");
    free(text);
    text = call(f, "GET", NULL, &status, "%s/neg-risk?token_id=%s", f->clob, yes);
    assert_string_equal(text, "{\"neg_risk\":true}");
    free(text);
    text = call(f, "GET", NULL, &status, "%s/fee-rate?token_id=%s", f->clob, yes);
    assert_string_equal(text, "{\"base_fee\":1000}");
    free(text);
    text = call(f, "GET", NULL, &status, "%s/version", f->clob);
    assert_string_equal(text, "{\"version\":2}");
    free(text);
    text = call(f, "GET", NULL, &status, "%s/book?token_id=123", f->clob);
    assert_int_equal(status, 404);
    assert_string_equal(text, "{\"error\":\"No orderbook exists for the requested token id\"}");
    free(text);
    snprintf(url, sizeof url, "%s/time", f->clob);
    json_t *t = get_json(f, 200, url);
    assert_true(json_is_integer(t) && json_integer_value(t) > 1700000000);
    json_decref(t);
    snprintf(url, sizeof url, "%s/markets-by-token/%s", f->clob, no);
    json_t *bt = get_json(f, 200, url);
    assert_string_equal(json_string_value(json_object_get(bt, "condition_id")), json_string_value(json_object_get(m, "conditionId")));
    json_decref(bt);
    text = call(f, "GET", NULL, &status, "%s/clob-markets/%s", f->clob, json_string_value(json_object_get(m, "conditionId")));
    assert_int_equal(status, 200);
    char want[1024];
    snprintf(want, sizeof want, "{\"c\":\"%s\",\"t\":[{\"t\":\"%s\",\"o\":\"Yes\"},{\"t\":\"%s\",\"o\":\"No\"}],\"mts\":0.001,\"nr\":true,"
             "\"fd\":{\"r\":0.05,\"e\":1,\"to\":true},\"mbf\":1000,\"tbf\":1000,\"r\":null,\"ao\":true,\"mos\":5,\"sd\":0}",
             json_string_value(json_object_get(m, "conditionId")), yes, no);
    assert_string_equal(text, want);
    free(text);
    snprintf(url, sizeof url, "%s/markets/%s", f->clob, json_string_value(json_object_get(m, "conditionId")));
    json_t *legacy = get_json(f, 200, url);
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(legacy, "tokens"), 1), "token_id")), no);
    assert_true(json_is_true(json_object_get(legacy, "neg_risk")));
    json_decref(legacy);
    json_decref(tokens);
    json_decref(m);
}

/* Built-in pairs: a Kalshi market and the Polymarket market asking the same question. */
static const struct pair {
    const char *ticker, *question;
    int inverted;
} pairs[] = {
    {"KXFEDDECISION-26DEC-H0", "Will the Fed hold rates at the December 2026 meeting?", 0},
    {"KXFEDDECISION-26DEC-C1", "Will the Fed cut rates by 25 bps at the December 2026 meeting?", 0},
    {"KXCPIYOY-26NOV-A0", "Will US CPI inflation for November 2026 be above 2.5%?", 0},
    {"KXCPIYOY-26NOV-A2", "Will US CPI inflation for November 2026 be 3.0% or lower?", 1},
    {"KXBTCMAXY-26-A0", "Will Bitcoin reach $150,000 in 2026?", 0},
    {"KXBTCMAXY-26-A2", "Will Bitcoin reach $200,000 in 2026?", 0},
    {"KXNBACHAMP-27-B0", "Will the Boston Celtics win the 2027 NBA Finals?", 0},
    {"KXNBACHAMP-27-O1", "Will the Oklahoma City Thunder win the 2027 NBA Finals?", 0},
    {"KXINXY-26DEC31-A0", "Will the S&P 500 close above 6,500 on December 31, 2026?", 0},
    {"KXINXY-26DEC31-A2", "Will the S&P 500 close above 7,500 on December 31, 2026?", 0},
    {"KXGOVSHUT-26DEC-Y0", "Will the US government avoid a shutdown through December 31, 2026?", 1},
    {"KXRECSSNBER-26-Y0", "US recession in 2026?", 0},
};
#define NPAIRS (int)(sizeof pairs / sizeof pairs[0])

typedef struct top {
    pm_px_t bid, ask; /* of the YES outcome in Kalshi's terms */
} top;

static top kalshi_top(fixture *f, const char *ticker) {
    char url[1024];
    snprintf(url, sizeof url, "%s/markets/%s/orderbook", f->kalshi, ticker);
    json_t *doc = get_json(f, 200, url), *fp = json_object_get(doc, "orderbook_fp");
    json_t *yes = json_object_get(fp, "yes_dollars"), *no = json_object_get(fp, "no_dollars");
    top t = {px_of(json_array_get(json_array_get(yes, json_array_size(yes) - 1), 0)),
             PM_PX_ONE - px_of(json_array_get(json_array_get(no, json_array_size(no) - 1), 0))};
    json_decref(doc);
    return t;
}

static top poly_top(fixture *f, const char *yes_token, int inverted) {
    char url[2048];
    snprintf(url, sizeof url, "%s/book?token_id=%s", f->clob, yes_token);
    json_t *b = get_json(f, 200, url), *bids = json_object_get(b, "bids"), *asks = json_object_get(b, "asks");
    top t = {px_of(json_object_get(json_array_get(bids, json_array_size(bids) - 1), "price")),
             px_of(json_object_get(json_array_get(asks, json_array_size(asks) - 1), "price"))};
    json_decref(b);
    if (inverted) t = (top){PM_PX_ONE - t.ask, PM_PX_ONE - t.bid}; /* its NO token is Kalshi's YES */
    return t;
}

static void test_correlated_prices(void **state) {
    fixture *f = *state;
    char tokens[NPAIRS][80];
    for (int i = 0; i < NPAIRS; i++) {
        json_t *m = market_by_question(f, pairs[i].question);
        json_t *ids = strcmp(json_string_value(json_object_get(m, "version")), "v2") ? decoded(json_object_get(m, "clobTokenIds"))
                                                                                      : json_incref(json_object_get(m, "positionIds"));
        snprintf(tokens[i], sizeof tokens[i], "%s", json_string_value(json_array_get(ids, 0)));
        json_decref(ids);
        json_decref(m);
    }
    /* sample every pair until a dislocation shows up (YES on one venue + NO on the other
     * < $1: one venue's ask below the other's bid), for at most 90 s */
    int samples = 0, close = 0, dislocations = 0;
    int64_t end = pm_mono_ns() + 90 * 1000000000LL;
    while ((dislocations == 0 || samples < 10 * NPAIRS) && pm_mono_ns() < end) {
        for (int i = 0; i < NPAIRS; i++) {
            top k = kalshi_top(f, pairs[i].ticker), p = poly_top(f, tokens[i], pairs[i].inverted);
            pm_px_t gap = (k.bid + k.ask) / 2 - (p.bid + p.ask) / 2;
            samples++;
            close += gap <= 3 * PM_CENT && gap >= -3 * PM_CENT;
            dislocations += k.ask < p.bid || p.ask < k.bid;
        }
    }
    if (!dislocations) fail_msg("no dislocation in %d samples", samples);
    if (close * 10 < samples * 8) fail_msg("only %d of %d samples had mids within 3 cents", close, samples);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_book_hash_vector),
        cmocka_unit_test_setup_teardown(test_gamma_paging, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gamma_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_books, setup, teardown),
        cmocka_unit_test_setup_teardown(test_correlated_prices, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
