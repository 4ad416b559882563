/* test_sim_poly_ws_server.c — the simulated Polymarket market and user channels over real
 * sockets (`pmarb sim`, read with pm_ws): `book` snapshots on subscribe (batched as one JSON
 * array), `price_change` deltas that keep a local book equal to the venue's /book and whose
 * best_bid/best_ask agree with it, PING → PONG, re-subscription and unsubscription,
 * best_bid_ask and market_resolved with custom features, and the fault switches (bad_best,
 * skip_updates, freeze, tick_size_change, malformed, drop_connections, close_market,
 * http_status); a user
 * channel with unknown credentials is closed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/book.h"
#include "net/http.h"
#include "net/ws_client.h"
#include "testutil.h"
#include "util/clock.h"
#include "util/log.h"

#define MAXT 64

typedef struct client {
    pm_ws *ws;
    const char *subscribe; /* sent at every connect */
    char tokens[MAXT][80];
    char conditions[MAXT][67];
    int ntokens;
    pm_book book[MAXT];
    int have[MAXT];
    pm_px_t tick[MAXT];
    int connects, disconnects, books, price_changes, pongs, malformed, arrays, best_bid_asks, tick_changes, resolved;
    int mismatches;         /* price_change entries whose best_bid/best_ask differ from the local book */
    int changes_after_pong; /* price_change messages since the last PONG */
} client;

typedef struct fixture {
    pm_test_proc sim;
    char clob[256], ws[256];
    pm_http *http;
    client c;
} fixture;

static char *http_text(fixture *f, const char *method, const char *path, const char *body, long *status) {
    char url[1024];
    snprintf(url, sizeof url, "%s%s", f->clob, path);
    pm_http_response res = {0};
    pm_err err;
    if (pm_http_do(f->http, method, url, NULL, body, &res, &err)) fail_msg("%s %s: %s", method, url, err.msg);
    *status = res.status;
    char *text = strdup(res.body ? res.body : "");
    pm_http_response_free(&res);
    return text;
}

static void fault(fixture *f, const char *json) {
    long status;
    free(http_text(f, "POST", "/admin/faults", json, &status));
    assert_int_equal(status, 200);
}

/* GET /admin/stats: price_change messages left unsent by the skip_updates fault. */
static long long skipped_updates(fixture *f) {
    long status;
    char *text = http_text(f, "GET", "/admin/stats", NULL, &status);
    json_t *doc = json_loads(text, 0, NULL);
    free(text);
    assert_int_equal(status, 200);
    long long n = json_integer_value(json_object_get(doc, "skipped_updates"));
    json_decref(doc);
    return n;
}

static int token_index(const client *c, const char *id) {
    for (int i = 0; id && i < c->ntokens; i++)
        if (!strcmp(c->tokens[i], id)) return i;
    return -1;
}

static pm_px_t dec(json_t *s) {
    pm_px_t v = 0;
    const char *t = json_string_value(s);
    if (!t || pm_qty_parse(t, strlen(t), &v, NULL)) fail_msg("not a decimal string");
    return v;
}

static void load_side(json_t *arr, pm_level *lv, size_t *n) {
    *n = 0;
    size_t i;
    json_t *l;
    json_array_foreach(arr, i, l) lv[(*n)++] = (pm_level){dec(json_object_get(l, "price")), dec(json_object_get(l, "size"))};
}

static void on_book(client *c, json_t *o) {
    int t = token_index(c, json_string_value(json_object_get(o, "asset_id")));
    assert_true(t >= 0);
    pm_level bids[PM_BOOK_DEPTH], asks[PM_BOOK_DEPTH];
    size_t nb, na;
    load_side(json_object_get(o, "bids"), bids, &nb);
    load_side(json_object_get(o, "asks"), asks, &na);
    pm_book_init(&c->book[t]);
    assert_int_equal(pm_book_snapshot(&c->book[t], bids, nb, asks, na, pm_mono_ns()), 0);
    c->tick[t] = dec(json_object_get(o, "tick_size"));
    c->have[t] = 1;
    c->books++;
}

static pm_px_t best_px(const pm_book_side *s) { return s->n ? pm_book_best(s)->px : 0; }

static void on_price_change(client *c, json_t *o) {
    json_t *changes = json_object_get(o, "price_changes"), *e;
    size_t i;
    json_array_foreach(changes, i, e) { /* size is the new total at the level; "0" removes it */
        int t = token_index(c, json_string_value(json_object_get(e, "asset_id")));
        if (t < 0 || !c->have[t]) continue;
        int buy = !strcmp(json_string_value(json_object_get(e, "side")), "BUY");
        assert_int_equal(pm_book_side_set(buy ? &c->book[t].bid : &c->book[t].ask, dec(json_object_get(e, "price")),
                                          dec(json_object_get(e, "size"))), 0);
    }
    json_array_foreach(changes, i, e) {
        int t = token_index(c, json_string_value(json_object_get(e, "asset_id")));
        if (t < 0 || !c->have[t]) continue;
        const char *bb = json_string_value(json_object_get(e, "best_bid")), *ba = json_string_value(json_object_get(e, "best_ask"));
        pm_px_t wb = bb[0] ? dec(json_object_get(e, "best_bid")) : 0, wa = ba[0] ? dec(json_object_get(e, "best_ask")) : 0;
        if (wb != best_px(&c->book[t].bid) || wa != best_px(&c->book[t].ask)) c->mismatches++;
    }
    c->price_changes++;
    c->changes_after_pong++;
}

static void on_object(client *c, json_t *o) {
    const char *type = json_string_value(json_object_get(o, "event_type"));
    assert_non_null(type);
    if (!strcmp(type, "book")) on_book(c, o);
    else if (!strcmp(type, "price_change")) on_price_change(c, o);
    else if (!strcmp(type, "best_bid_ask")) c->best_bid_asks++;
    else if (!strcmp(type, "market_resolved")) c->resolved++;
    else if (!strcmp(type, "tick_size_change")) {
        int t = token_index(c, json_string_value(json_object_get(o, "asset_id")));
        if (t >= 0) c->have[t] = 0; /* a new grid: wait for the next book */
        c->tick_changes++;
    }
}

static void on_message(void *user, const char *text, size_t len) {
    client *c = user;
    if (len == 4 && !memcmp(text, "PONG", 4)) {
        c->pongs++;
        c->changes_after_pong = 0;
        return;
    }
    json_t *doc = json_loadb(text, len, 0, NULL);
    if (!doc) {
        c->malformed++;
        return;
    }
    if (json_is_array(doc)) {
        c->arrays++;
        size_t i;
        json_t *o;
        json_array_foreach(doc, i, o) on_object(c, o);
    } else {
        on_object(c, doc);
    }
    json_decref(doc);
}

static void on_connected(void *user) {
    client *c = user;
    c->connects++;
    memset(c->have, 0, sizeof c->have);
    if (c->subscribe) assert_int_equal(pm_ws_send(c->ws, c->subscribe, strlen(c->subscribe)), 0);
}

static void on_disconnected(void *user, const char *why) {
    (void)why;
    ((client *)user)->disconnects++;
}

static const pm_ws_callbacks callbacks = {NULL, on_connected, on_message, on_disconnected};

static int setup(void **state) {
    pm_log_set_level(PM_LOG_ERROR);
    fixture *f = calloc(1, sizeof *f);
    pm_test_start(&f->sim, (const char *const[]){"sim", "--seed", "9", NULL});
    json_t *ready = json_loads(f->sim.line, 0, NULL), *pm = json_object_get(ready, "polymarket");
    snprintf(f->clob, sizeof f->clob, "%s", json_string_value(json_object_get(pm, "clob")));
    snprintf(f->ws, sizeof f->ws, "%s", json_string_value(json_object_get(pm, "ws")));
    json_decref(ready);
    pm_err err;
    assert_int_equal(pm_http_new(5000, &f->http, &err), 0);
    long status;
    char *text = http_text(f, "GET", "/gamma/markets?limit=100", NULL, &status);
    json_t *all = json_loads(text, 0, NULL), *m;
    free(text);
    size_t i;
    json_array_foreach(all, i, m) { /* every outcome token the CLOB trades */
        json_t *ids = json_object_get(m, "positionIds");
        ids = ids ? json_incref(ids) : json_loads(json_string_value(json_object_get(m, "clobTokenIds")), 0, NULL);
        for (int o = 0; o < 2; o++) {
            snprintf(f->c.tokens[f->c.ntokens], sizeof f->c.tokens[0], "%s", json_string_value(json_array_get(ids, (size_t)o)));
            snprintf(f->c.conditions[f->c.ntokens++], sizeof f->c.conditions[0], "%s",
                     json_string_value(json_object_get(m, "conditionId")));
        }
        json_decref(ids);
    }
    json_decref(all);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    pm_ws_free(f->c.ws);
    free((char *)f->c.subscribe);
    pm_http_free(f->http);
    assert_int_equal(pm_test_stop(&f->sim), 0);
    free(f);
    return 0;
}

/* {"assets_ids":[every token], …extra}. */
static char *subscription(const client *c, const char *extra) {
    json_t *ids = json_array();
    for (int i = 0; i < c->ntokens; i++) json_array_append_new(ids, json_string(c->tokens[i]));
    json_t *doc = json_loads(extra, 0, NULL);
    json_object_set_new(doc, "assets_ids", ids);
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    return text;
}

static void connect_market(fixture *f, const char *extra) {
    char url[512];
    snprintf(url, sizeof url, "%s/market", f->ws);
    f->c.subscribe = subscription(&f->c, extra);
    pm_err err;
    assert_int_equal(pm_ws_new(url, &callbacks, &f->c, &f->c.ws, &err), 0);
}

/* Services the socket until *counter reaches target (at most ms); 1 when it did. */
static int until(fixture *f, const int *counter, int target, int64_t ms) {
    int64_t end = pm_mono_ns() + ms * 1000000LL;
    while (*counter < target && pm_mono_ns() < end) pm_ws_service(f->c.ws, 20);
    return *counter >= target;
}

static void serve_for(fixture *f, int64_t ms) {
    int64_t end = pm_mono_ns() + ms * 1000000LL;
    while (pm_mono_ns() < end) pm_ws_service(f->c.ws, 20);
}

/* The local book of token t equals the venue's /book (retried: books move). */
static int same_as_venue(fixture *f, int t) {
    for (int tries = 0; tries < 40; tries++) {
        pm_ws_service(f->c.ws, 5);
        char path[256];
        snprintf(path, sizeof path, "/book?token_id=%s", f->c.tokens[t]);
        long status;
        char *text = http_text(f, "GET", path, NULL, &status);
        json_t *doc = json_loads(text, 0, NULL);
        free(text);
        pm_level bids[PM_BOOK_DEPTH], asks[PM_BOOK_DEPTH];
        size_t nb, na;
        load_side(json_object_get(doc, "bids"), bids, &nb);
        load_side(json_object_get(doc, "asks"), asks, &na);
        json_decref(doc);
        const pm_book *b = &f->c.book[t];
        int same = f->c.have[t] && b->bid.n == nb && b->ask.n == na;
        for (size_t i = 0; same && i < nb; i++) same = pm_book_qty_at(&b->bid, bids[i].px) == bids[i].qty;
        for (size_t i = 0; same && i < na; i++) same = pm_book_qty_at(&b->ask, asks[i].px) == asks[i].qty;
        if (same) return 1;
    }
    return 0;
}

static void test_market_channel(void **state) {
    fixture *f = *state;
    client *c = &f->c;
    connect_market(f, "{\"type\":\"market\",\"custom_feature_enabled\":false}");
    assert_true(until(f, &c->books, c->ntokens, 5000));
    assert_int_equal(c->books, c->ntokens);
    assert_int_equal(c->arrays, 1); /* the snapshots came as one array */
    assert_true(until(f, &c->price_changes, 200, 20000));
    assert_int_equal(c->mismatches, 0);
    assert_int_equal(c->best_bid_asks, 0);
    for (int t = 0; t < 4; t++)
        if (!same_as_venue(f, t)) fail_msg("the book of token %d never matched the venue's", t);

    /* PING → PONG */
    assert_int_equal(pm_ws_send(c->ws, "PING", 4), 0);
    assert_true(until(f, &c->pongs, 1, 3000));

    /* subscribing again to an asset sends its book again */
    char msg[512];
    snprintf(msg, sizeof msg, "{\"assets_ids\":[\"%s\"],\"operation\":\"subscribe\"}", c->tokens[1]);
    int books = c->books;
    assert_int_equal(pm_ws_send(c->ws, msg, strlen(msg)), 0);
    assert_true(until(f, &c->books, books + 1, 3000));

    /* after unsubscribing everything (and the PONG that follows it), nothing more comes */
    char *unsub = subscription(c, "{\"operation\":\"unsubscribe\"}");
    assert_int_equal(pm_ws_send(c->ws, unsub, strlen(unsub)), 0);
    free(unsub);
    assert_int_equal(pm_ws_send(c->ws, "PING", 4), 0);
    assert_true(until(f, &c->pongs, 2, 3000));
    serve_for(f, 1000);
    assert_int_equal(c->changes_after_pong, 0);
    assert_int_equal(c->disconnects, 0);
}

static void test_custom_features_and_close(void **state) {
    fixture *f = *state;
    client *c = &f->c;
    connect_market(f, "{\"type\":\"market\",\"custom_feature_enabled\":true}");
    assert_true(until(f, &c->books, c->ntokens, 5000));
    assert_true(until(f, &c->best_bid_asks, 2, 20000)); /* batched with their price_change */
    assert_true(c->arrays >= 2);
    assert_int_equal(c->mismatches, 0);

    /* a market closes: market_resolved, Gamma says closed, no more orders, empty book */
    char body[256], path[256];
    snprintf(body, sizeof body, "{\"close_market\":\"%s\"}", c->conditions[0]);
    fault(f, body);
    assert_true(until(f, &c->resolved, 1, 3000));
    long status;
    snprintf(path, sizeof path, "/gamma/markets?condition_ids=%s", c->conditions[0]);
    char *text = http_text(f, "GET", path, NULL, &status);
    json_t *doc = json_loads(text, 0, NULL), *m = json_array_get(doc, 0);
    free(text);
    assert_int_equal(json_array_size(doc), 1);
    assert_true(json_is_true(json_object_get(m, "closed")));
    assert_true(json_is_false(json_object_get(m, "acceptingOrders")));
    json_decref(doc);
    snprintf(path, sizeof path, "/book?token_id=%s", c->tokens[0]);
    text = http_text(f, "GET", path, NULL, &status);
    doc = json_loads(text, 0, NULL);
    free(text);
    assert_int_equal(json_array_size(json_object_get(doc, "bids")), 0);
    assert_int_equal(json_array_size(json_object_get(doc, "asks")), 0);
    json_decref(doc);
    snprintf(path, sizeof path, "/clob-markets/%s", c->conditions[0]);
    text = http_text(f, "GET", path, NULL, &status);
    assert_non_null(strstr(text, "\"ao\":false"));
    free(text);
}

static void test_faults(void **state) {
    fixture *f = *state;
    client *c = &f->c;
    connect_market(f, "{\"type\":\"market\"}");
    assert_true(until(f, &c->books, c->ntokens, 5000));
    assert_true(until(f, &c->price_changes, 50, 20000));
    assert_int_equal(c->mismatches, 0);

    /* bad_best: exactly the next price_change disagrees with the book (its YES entries) */
    fault(f, "{\"bad_best\":true}");
    assert_true(until(f, &c->mismatches, 1, 5000));
    int seen = c->price_changes;
    assert_true(until(f, &c->price_changes, seen + 50, 20000));
    assert_true(c->mismatches >= 1 && c->mismatches <= 4); /* one message: its YES entries only */
    int after = c->mismatches;
    assert_true(until(f, &c->price_changes, c->price_changes + 50, 20000));
    assert_int_equal(c->mismatches, after);

    /* skip_updates: the dislocation's requote is lost, so the local book of that market stays
     * behind the venue's; the next price_change of the market shows it; others are unaffected */
    int lost = 0;
    while (lost < c->ntokens && (!c->book[lost].bid.n || !c->book[lost].ask.n)) lost += 2; /* an open market's YES token */
    assert_true(lost < c->ntokens);
    int other = lost + 2 < c->ntokens ? lost + 2 : 0;
    long status;
    free(http_text(f, "POST", "/admin/faults", "{\"skip_updates\":{\"market\":\"0x00\"}}", &status));
    assert_int_equal(status, 400);
    char skip[512];
    snprintf(skip, sizeof skip, "{\"skip_updates\":{\"market\":\"%s\",\"count\":1},\"overshoot\":{\"market\":\"%s\","
             "\"cents\":5,\"ticks\":100000}}", c->conditions[lost], c->conditions[lost]);
    fault(f, skip);
    assert_int_equal(skipped_updates(f), 1);
    assert_false(same_as_venue(f, lost));
    assert_false(same_as_venue(f, lost + 1));
    assert_true(same_as_venue(f, other));
    int before = c->mismatches;
    snprintf(skip, sizeof skip, "{\"overshoot\":{\"market\":\"%s\",\"cents\":6,\"ticks\":100000}}", c->conditions[lost]);
    fault(f, skip);
    assert_true(until(f, &c->mismatches, before + 1, 3000));
    assert_int_equal(skipped_updates(f), 1); /* only the one */

    /* freeze: PING still answered, market data stops; unfreeze: it resumes */
    fault(f, "{\"freeze\":true}");
    assert_int_equal(pm_ws_send(c->ws, "PING", 4), 0);
    assert_true(until(f, &c->pongs, 1, 3000));
    serve_for(f, 1500);
    assert_int_equal(c->changes_after_pong, 0);
    assert_int_equal(pm_ws_send(c->ws, "PING", 4), 0);
    assert_true(until(f, &c->pongs, 2, 3000));
    fault(f, "{\"freeze\":false}");
    assert_true(until(f, &c->changes_after_pong, 5, 10000));

    /* tick_size_change: announced for both tokens, then books on the new grid */
    char body[256];
    snprintf(body, sizeof body, "{\"tick_size_change\":{\"token\":\"%s\",\"tick\":\"0.01\"}}", c->tokens[0]);
    int books = c->books;
    fault(f, body);
    assert_true(until(f, &c->tick_changes, 2, 3000));
    assert_true(until(f, &c->books, books + 2, 3000));
    assert_int_equal(c->tick[0], 10000);
    assert_int_equal(c->tick[1], 10000);
    for (int t = 0; t < 2; t++) {
        const pm_book *b = &c->book[t];
        for (int i = 0; i < b->bid.n; i++) assert_int_equal(b->bid.lv[i].px % 10000, 0);
        for (int i = 0; i < b->ask.n; i++) assert_int_equal(b->ask.lv[i].px % 10000, 0);
    }
    char path[256];
    snprintf(path, sizeof path, "/tick-size?token_id=%s", c->tokens[1]);
    char *text = http_text(f, "GET", path, NULL, &status);
    assert_string_equal(text, "{\"minimum_tick_size\":0.01}");
    free(text);
    snprintf(body, sizeof body, "{\"tick_size_change\":{\"token\":\"%s\",\"tick\":\"0.03\"}}", c->tokens[0]);
    free(http_text(f, "POST", "/admin/faults", body, &status));
    assert_int_equal(status, 400);

    /* a malformed frame */
    fault(f, "{\"malformed\":true}");
    assert_true(until(f, &c->malformed, 1, 5000));

    /* dropped connections: the client reconnects, resubscribes and gets books again */
    books = c->books;
    fault(f, "{\"drop_connections\":true}");
    assert_true(until(f, &c->disconnects, 1, 3000));
    assert_true(until(f, &c->connects, 2, 10000));
    assert_true(until(f, &c->books, books + c->ntokens, 5000));

    /* HTTP faults: the next request answers 503 with the venue's error shape */
    fault(f, "{\"http_status\":503,\"count\":1}");
    text = http_text(f, "GET", "/version", NULL, &status);
    assert_int_equal(status, 503);
    assert_string_equal(text, "{\"error\":\"injected by the simulator\"}");
    free(text);
    text = http_text(f, "GET", "/version", NULL, &status);
    assert_int_equal(status, 200);
    free(text);
    text = http_text(f, "GET", "/admin/stats", NULL, &status);
    json_t *stats = json_loads(text, 0, NULL);
    free(text);
    assert_int_equal(json_integer_value(json_object_get(stats, "pings")), 2);
    assert_int_equal(json_integer_value(json_object_get(stats, "ws_connections")), 2);
    json_decref(stats);
}

static void test_user_channel_refused(void **state) {
    fixture *f = *state;
    client *c = &f->c;
    char url[512];
    snprintf(url, sizeof url, "%s/user", f->ws);
    c->subscribe = strdup("{\"auth\":{\"apiKey\":\"00000000-0000-0000-0000-000000000000\",\"secret\":\"c2VjcmV0\","
                          "\"passphrase\":\"x\"},\"markets\":[],\"type\":\"user\"}");
    pm_err err;
    assert_int_equal(pm_ws_new(url, &callbacks, c, &c->ws, &err), 0);
    assert_true(until(f, &c->connects, 1, 5000));
    assert_true(until(f, &c->disconnects, 1, 5000));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_market_channel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_custom_features_and_close, setup, teardown),
        cmocka_unit_test_setup_teardown(test_faults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_channel_refused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
