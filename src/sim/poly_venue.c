/* poly_venue.c — the simulated Polymarket REST surface (see poly_venue.h): Gamma market
 * metadata under /gamma (offset and keyset paging, the venue's field names and types), the
 * CLOB's public endpoints at the root (books with the venue's hash, tick size, neg-risk, fee
 * rate, market info in short and legacy shapes, time, version), the fault switches and
 * stats, and routing of everything authenticated to the order side. */
#define _GNU_SOURCE /* asprintf */
#include "sim/poly_venue.h"

#include "sim/price_process.h"
#include "util/clock.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GAMMA "/gamma"
#define NUMBER_MARK "\x01#" /* prefix of a string that sim_poly_dumps writes as a bare number */
#define GAMMA_DEFAULT_LIMIT 20
#define GAMMA_MAX_LIMIT 100
#define GAMMA_MAX_OFFSET 10000
#define CLOB_PAGE 100
#define BOOKS_MAX 500

/* ---- JSON helpers ------------------------------------------------------------------- */

json_t *sim_poly_number(int64_t v) {
    char buf[PM_FIXED_BUF + 4];
    memcpy(buf, NUMBER_MARK, 2);
    pm_fixed_format_exact(v, 0, buf + 2, sizeof buf - 2);
    return json_string(buf);
}

char *sim_poly_dumps(json_t *doc) {
    char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    json_decref(doc);
    if (!text) return NULL;
    static const char mark[] = "\"\\u0001#"; /* how jansson writes NUMBER_MARK inside quotes */
    char *out = text, *in = text;
    for (char *at; (at = strstr(in, mark));) { /* copy up to the mark, then the bare number */
        size_t n = (size_t)(at - in);
        memmove(out, in, n);
        out += n;
        in = at + sizeof mark - 1;
        while (*in && *in != '"') *out++ = *in++;
        if (*in) in++;
    }
    memmove(out, in, strlen(in) + 1);
    return text;
}

void sim_poly_decimal(int64_t v, int empty_none, char out[PM_FIXED_BUF]) {
    if (empty_none && v == 0) out[0] = '\0';
    else pm_fixed_format_exact(v, 0, out, PM_FIXED_BUF);
}

static json_t *decimal_string(int64_t v) {
    char buf[PM_FIXED_BUF];
    sim_poly_decimal(v, 0, buf);
    return json_string(buf);
}

static void respond(sim_response *res, int status, json_t *doc) {
    free(res->body);
    res->status = status;
    res->body = sim_poly_dumps(doc);
}

static void respond_error(sim_response *res, int status, const char *message) {
    json_t *doc = json_object();
    json_object_set_new(doc, "error", json_string(message));
    respond(res, status, doc);
}

/* ---- books ------------------------------------------------------------------------- */

static json_t *level_json(pm_px_t px, pm_qty_t qty) {
    json_t *l = json_object();
    json_object_set_new(l, "price", decimal_string(px));
    json_object_set_new(l, "size", decimal_string(qty));
    return l;
}

/* One side of an outcome's book in the venue's order (bids ascending, asks descending: the
 * best level last). The NO token's bids are the YES asks at 1 − price, and its asks the YES
 * bids: both come out already in that order. */
static json_t *side_json(const sim_pmarket *m, pm_outcome o, pm_book_side_kind s) {
    const pm_book_side *src = o == PM_OUTCOME_YES ? (s == PM_BID ? &m->book.bid : &m->book.ask)
                                                  : (s == PM_BID ? &m->book.ask : &m->book.bid);
    json_t *arr = json_array();
    for (int i = 0; i < src->n; i++) {
        pm_px_t px = o == PM_OUTCOME_YES ? src->lv[i].px : PM_PX_ONE - src->lv[i].px;
        json_array_append_new(arr, level_json(px, src->lv[i].qty));
    }
    return arr;
}

void sim_poly_hash_summary(json_t *doc) {
    json_object_set_new(doc, "hash", json_string(""));
    char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
    unsigned char md[SHA_DIGEST_LENGTH];
    char hex[2 * SHA_DIGEST_LENGTH + 1];
    SHA1((const unsigned char *)(text ? text : ""), text ? strlen(text) : 0, md);
    free(text);
    for (int i = 0; i < SHA_DIGEST_LENGTH; i++) snprintf(hex + 2 * i, 3, "%02x", md[i]);
    json_object_set_new(doc, "hash", json_string(hex));
}

json_t *sim_poly_book_summary(const sim_poly *p, int market, pm_outcome o, int64_t ts_ms, int with_event) {
    const sim_pmarket *m = &p->markets[market];
    char ts[24], ltp[PM_FIXED_BUF];
    snprintf(ts, sizeof ts, "%lld", (long long)ts_ms);
    if (m->summary_ltp) pm_fixed_format_exact(m->summary_ltp, 3, ltp, sizeof ltp); /* "0.870", as the venue */
    else ltp[0] = '\0';
    json_t *doc = json_object();
    json_object_set_new(doc, "market", json_string(m->condition_id));
    json_object_set_new(doc, "asset_id", json_string(m->token[o]));
    json_object_set_new(doc, "timestamp", json_string(ts));
    json_object_set_new(doc, "hash", json_string(""));
    json_object_set_new(doc, "bids", side_json(m, o, PM_BID));
    json_object_set_new(doc, "asks", side_json(m, o, PM_ASK));
    json_object_set_new(doc, "min_order_size", decimal_string(m->min_size));
    json_object_set_new(doc, "tick_size", decimal_string(m->tick));
    json_object_set_new(doc, "neg_risk", json_boolean(m->neg_risk));
    json_object_set_new(doc, "last_trade_price", json_string(ltp));
    sim_poly_hash_summary(doc);
    if (with_event) json_object_set_new(doc, "event_type", json_string("book"));
    return doc;
}

/* ---- query strings ----------------------------------------------------------------- */

/* Calls each for every value of `name` in the query (repeated keys and comma-separated
 * lists both count); stops early when each returns non-zero, and returns that. */
static int each_value(const sim_request *req, const char *name, int (*each)(void *, const char *), void *ctx) {
    size_t n = strlen(name);
    for (const char *q = req->query; *q;) {
        const char *amp = strchr(q, '&'), *end = amp ? amp : q + strlen(q);
        if ((size_t)(end - q) > n && !strncmp(q, name, n) && q[n] == '=') {
            for (const char *v = q + n + 1; v < end;) {
                const char *comma = memchr(v, ',', (size_t)(end - v)), *vend = comma ? comma : end;
                char val[256];
                if ((size_t)(vend - v) < sizeof val) {
                    memcpy(val, v, (size_t)(vend - v));
                    val[vend - v] = '\0';
                    int rc = each(ctx, val);
                    if (rc) return rc;
                }
                v = comma ? comma + 1 : end;
            }
        }
        q = amp ? amp + 1 : end;
    }
    return 0;
}

static int count_value(void *ctx, const char *v) {
    (void)v;
    ++*(int *)ctx;
    return 0;
}

typedef struct match_ctx {
    const sim_pmarket *m;
    const char *field; /* which of the market's ids the values name */
} match_ctx;

static int match_value(void *ctx, const char *v) {
    const match_ctx *c = ctx;
    if (!strcmp(c->field, "id")) return !strcmp(c->m->gamma_id, v);
    if (!strcmp(c->field, "slug")) return !strcmp(c->m->slug, v);
    if (!strcmp(c->field, "condition_ids")) return !strcmp(c->m->condition_id, v);
    return !strcmp(c->m->token[0], v) || !strcmp(c->m->token[1], v);
}

/* -1 when the boolean argument is absent, else 0/1; -2 for another value. */
static int bool_arg(const sim_request *req, const char *name) {
    char v[16];
    if (sim_query_arg(req, name, v, sizeof v) < 0) return -1;
    return !strcmp(v, "true") ? 1 : !strcmp(v, "false") ? 0 : -2;
}

/* 1 when the market passes the Gamma list filters. */
static int gamma_selected(const sim_request *req, const sim_pmarket *m) {
    int active = bool_arg(req, "active"), closed = bool_arg(req, "closed"), archived = bool_arg(req, "archived");
    if ((active >= 0 && active != m->active) || (closed >= 0 && closed != m->closed) || archived == 1) return 0;
    static const char *const ids[] = {"id", "slug", "condition_ids", "clob_token_ids"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        int given = 0;
        each_value(req, ids[i], count_value, &given);
        match_ctx c = {m, ids[i]};
        if (given && !each_value(req, ids[i], match_value, &c)) return 0;
    }
    return 1;
}

/* A non-negative integer argument, def when absent; -1 when malformed. */
static long long int_arg(const sim_request *req, const char *name, long long def) {
    char v[32], *end;
    if (sim_query_arg(req, name, v, sizeof v) < 0) return def;
    long long n = strtoll(v, &end, 10);
    return *end || end == v || n < 0 ? -1 : n;
}

/* ---- Gamma ------------------------------------------------------------------------- */

static json_t *string_list(const char *a, const char *b) { /* a JSON-encoded string of ["a", "b"], as Gamma sends */
    json_t *arr = json_array();
    json_array_append_new(arr, json_string(a));
    json_array_append_new(arr, json_string(b));
    char *text = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    json_t *s = json_string(""); /* Gamma separates items with ", " */
    if (text) {
        char spaced[512];
        size_t n = 0;
        for (const char *c = text; *c && n + 2 < sizeof spaced; c++) {
            spaced[n++] = *c;
            if (*c == ',') spaced[n++] = ' ';
        }
        spaced[n] = '\0';
        json_string_set(s, spaced);
    }
    free(text);
    return s;
}

static pm_px_t mid_of(const sim_pmarket *m) {
    const pm_level *b = pm_book_best(&m->book.bid), *a = pm_book_best(&m->book.ask);
    if (b && a) return (b->px + a->px) / 2;
    return b ? b->px : a ? a->px : m->last_trade[PM_OUTCOME_YES];
}

static json_t *gamma_market(const sim_pmarket *m) {
    json_t *o = json_object();
    char y[PM_FIXED_BUF], n[PM_FIXED_BUF], date[16];
    pm_px_t mid = mid_of(m);
    json_object_set_new(o, "id", json_string(m->gamma_id));
    json_object_set_new(o, "question", json_string(m->question));
    json_object_set_new(o, "conditionId", json_string(m->condition_id));
    json_object_set_new(o, "slug", json_string(m->slug));
    json_object_set_new(o, "resolutionSource", json_string(""));
    json_object_set_new(o, "endDate", json_string(m->end_date));
    json_object_set_new(o, "startDate", json_string("2026-01-05T16:00:00Z"));
    json_object_set_new(o, "description", json_string(m->description));
    json_object_set_new(o, "outcomes", string_list(m->outcome[0], m->outcome[1]));
    sim_poly_decimal(mid, 0, y);
    sim_poly_decimal(PM_PX_ONE - mid, 0, n);
    json_object_set_new(o, "outcomePrices", string_list(y, n));
    json_object_set_new(o, "active", json_boolean(m->active));
    json_object_set_new(o, "closed", json_boolean(m->closed));
    json_object_set_new(o, "archived", json_false());
    json_object_set_new(o, "questionID", json_string(m->question_id));
    json_object_set_new(o, "enableOrderBook", json_true());
    json_object_set_new(o, "orderPriceMinTickSize", sim_poly_number(m->tick));
    json_object_set_new(o, "orderMinSize", sim_poly_number(m->min_size));
    snprintf(date, sizeof date, "%.10s", m->end_date);
    json_object_set_new(o, "endDateIso", json_string(date));
    if (m->group_item[0]) json_object_set_new(o, "groupItemTitle", json_string(m->group_item));
    json_object_set_new(o, "clobTokenIds", m->version == 2 ? string_list(m->ctf_token[0], m->ctf_token[1])
                                                           : string_list(m->token[0], m->token[1]));
    json_object_set_new(o, "makerBaseFee", json_integer(m->fee_rate ? 1000 : 0));
    json_object_set_new(o, "takerBaseFee", json_integer(m->fee_rate ? 1000 : 0));
    json_object_set_new(o, "acceptingOrders", json_boolean(m->accepting_orders));
    json_object_set_new(o, "negRisk", json_boolean(m->neg_risk));
    json_object_set_new(o, "negRiskMarketID", json_string(m->neg_risk_market_id));
    json_t *events = json_array(), *ev = json_object();
    json_object_set_new(ev, "id", json_string(m->event_id));
    json_object_set_new(ev, "ticker", json_string(m->event_slug));
    json_object_set_new(ev, "slug", json_string(m->event_slug));
    json_object_set_new(ev, "title", json_string(m->event_title));
    json_object_set_new(ev, "active", json_true());
    json_object_set_new(ev, "closed", json_boolean(m->closed));
    json_object_set_new(ev, "negRisk", json_boolean(m->neg_risk));
    json_array_append_new(events, ev);
    json_object_set_new(o, "events", events);
    const pm_level *b = pm_book_best(&m->book.bid), *a = pm_book_best(&m->book.ask);
    if (b && a) json_object_set_new(o, "spread", sim_poly_number(a->px - b->px));
    json_object_set_new(o, "lastTradePrice", sim_poly_number(m->last_trade[PM_OUTCOME_YES]));
    if (b) json_object_set_new(o, "bestBid", sim_poly_number(b->px));
    if (a) json_object_set_new(o, "bestAsk", sim_poly_number(a->px));
    json_object_set_new(o, "feesEnabled", json_boolean(m->fee_rate > 0));
    if (m->fee_rate > 0) {
        json_object_set_new(o, "feeType", json_string(m->fee_type));
        json_t *fs = json_object();
        json_object_set_new(fs, "exponent", json_integer(m->fee_exponent));
        json_object_set_new(fs, "rate", sim_poly_number(m->fee_rate));
        json_object_set_new(fs, "takerOnly", json_boolean(m->fee_taker_only));
        json_object_set_new(fs, "rebateRate", sim_poly_number(m->fee_rebate));
        json_object_set_new(o, "feeSchedule", fs);
    }
    json_object_set_new(o, "version", json_string(m->version == 2 ? "v2" : "v1"));
    if (m->version == 2) {
        json_t *pos = json_array();
        json_array_append_new(pos, json_string(m->token[0]));
        json_array_append_new(pos, json_string(m->token[1]));
        json_object_set_new(o, "positionIds", pos);
    }
    return o;
}

/* GET /gamma/markets — offset paging: limit silently capped at 100, offset > 10000 refused. */
static void gamma_list(sim_poly *p, const sim_request *req, sim_response *res) {
    long long limit = int_arg(req, "limit", GAMMA_DEFAULT_LIMIT), offset = int_arg(req, "offset", 0);
    if (limit < 0 || offset < 0) return respond_error(res, 422, "limit and offset must be non-negative integers");
    if (offset > GAMMA_MAX_OFFSET) return respond_error(res, 422, "offset must be at most 10000");
    if (limit > GAMMA_MAX_LIMIT) limit = GAMMA_MAX_LIMIT;
    json_t *arr = json_array();
    long long seen = 0;
    for (int i = 0; i < p->nmarkets && (long long)json_array_size(arr) < limit; i++)
        if (gamma_selected(req, &p->markets[i]) && seen++ >= offset) json_array_append_new(arr, gamma_market(&p->markets[i]));
    respond(res, 200, arr);
}

static void cursor_of(long long index, char out[32]) {
    char num[24];
    int n = snprintf(num, sizeof num, "%lld", index);
    EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)num, n);
}

/* The index a cursor stands for, or -1. */
static long long cursor_index(const char *cursor) {
    unsigned char raw[64];
    size_t len = strlen(cursor);
    if (len == 0 || len > 40 || len % 4) return -1;
    int n = EVP_DecodeBlock(raw, (const unsigned char *)cursor, (int)len);
    if (n <= 0) return -1;
    n -= (cursor[len - 1] == '=') + (cursor[len - 2] == '=');
    raw[n] = '\0';
    char *end;
    long long v = strtoll((const char *)raw, &end, 10);
    return *end || end == (char *)raw || v < 0 ? -1 : v;
}

/* GET /gamma/markets/keyset — ≤ 100 a page; `after_cursor` from the previous page's
 * next_cursor, which the last page leaves out. Like the venue, a `cursor` argument is ignored
 * (the first page comes back), so a client that sends it loops here as it would there. */
static void gamma_keyset(sim_poly *p, const sim_request *req, sim_response *res) {
    long long limit = int_arg(req, "limit", GAMMA_DEFAULT_LIMIT), start = 0;
    if (limit < 0) return respond_error(res, 422, "limit must be a non-negative integer");
    if (limit > GAMMA_MAX_LIMIT || limit == 0) limit = limit ? GAMMA_MAX_LIMIT : GAMMA_DEFAULT_LIMIT;
    char cursor[64];
    if (sim_query_arg(req, "after_cursor", cursor, sizeof cursor) >= 0) {
        start = cursor_index(cursor);
        if (start < 0) return respond_error(res, 400, "invalid cursor");
    }
    json_t *arr = json_array();
    int i = (int)(start < p->nmarkets ? start : p->nmarkets);
    for (; i < p->nmarkets && (long long)json_array_size(arr) < limit; i++)
        if (gamma_selected(req, &p->markets[i])) json_array_append_new(arr, gamma_market(&p->markets[i]));
    int more = 0;
    for (int j = i; j < p->nmarkets && !more; j++) more = gamma_selected(req, &p->markets[j]);
    json_t *doc = json_object();
    json_object_set_new(doc, "markets", arr);
    if (more) {
        char next[32];
        cursor_of(i, next);
        json_object_set_new(doc, "next_cursor", json_string(next));
    }
    respond(res, 200, doc);
}

static void gamma_api(sim_poly *p, const sim_request *req, const char *path, sim_response *res) {
    if (strcmp(req->method, "GET")) return respond_error(res, 405, "method not allowed");
    if (!strcmp(path, "/markets")) return gamma_list(p, req, res);
    if (!strcmp(path, "/markets/keyset")) return gamma_keyset(p, req, res);
    int slug = !strncmp(path, "/markets/slug/", 14);
    if (slug || !strncmp(path, "/markets/", 9)) {
        const char *key = path + (slug ? 14 : 9);
        for (int i = 0; i < p->nmarkets; i++)
            if (!strcmp(slug ? p->markets[i].slug : p->markets[i].gamma_id, key))
                return respond(res, 200, gamma_market(&p->markets[i]));
        return respond_error(res, 404, "market not found");
    }
    respond_error(res, 404, "not found");
}

/* ---- CLOB public endpoints -------------------------------------------------------- */

#define NO_BOOK "No orderbook exists for the requested token id"

/* The market of ?token_id=, or -1 after answering the error. */
static int token_arg(const sim_poly *p, const sim_request *req, pm_outcome *o, sim_response *res) {
    char token[128];
    if (sim_query_arg(req, "token_id", token, sizeof token) <= 0) {
        respond_error(res, 400, "Invalid payload");
        return -1;
    }
    int m = sim_poly_find_token(p, token, o);
    if (m < 0) respond_error(res, 404, NO_BOOK);
    return m;
}

static void books(sim_poly *p, const sim_request *req, sim_response *res) {
    json_t *doc = json_loadb(req->body, req->body_len, 0, NULL);
    if (!json_is_array(doc)) {
        json_decref(doc);
        return respond_error(res, 400, "Invalid payload");
    }
    if (json_array_size(doc) > BOOKS_MAX) {
        json_decref(doc);
        return respond_error(res, 400, "Payload exceeds the limit");
    }
    json_t *out = json_array(), *item;
    size_t i;
    int64_t now = pm_wall_ns() / 1000000;
    json_array_foreach(doc, i, item) {
        pm_outcome o;
        const char *t = json_string_value(json_object_get(item, "token_id"));
        int m = t ? sim_poly_find_token(p, t, &o) : -1;
        if (m >= 0) json_array_append_new(out, sim_poly_book_summary(p, m, o, p->markets[m].book_ts_ms ? p->markets[m].book_ts_ms : now, 0));
    }
    json_decref(doc);
    respond(res, 200, out);
}

static json_t *clob_market_info(const sim_pmarket *m) { /* GET /clob-markets/{condition_id}: the short keys */
    json_t *o = json_object(), *t = json_array();
    json_object_set_new(o, "c", json_string(m->condition_id));
    for (int i = 0; i < 2; i++) {
        json_t *tok = json_object();
        json_object_set_new(tok, "t", json_string(m->token[i]));
        json_object_set_new(tok, "o", json_string(m->outcome[i]));
        json_array_append_new(t, tok);
    }
    json_object_set_new(o, "t", t);
    json_object_set_new(o, "mts", sim_poly_number(m->tick));
    if (m->neg_risk) json_object_set_new(o, "nr", json_true());
    if (m->fee_rate > 0) {
        json_t *fd = json_object();
        json_object_set_new(fd, "r", sim_poly_number(m->fee_rate));
        json_object_set_new(fd, "e", json_integer(m->fee_exponent));
        json_object_set_new(fd, "to", json_boolean(m->fee_taker_only));
        json_object_set_new(o, "fd", fd);
    }
    json_object_set_new(o, "mbf", json_integer(m->fee_rate ? 1000 : 0));
    json_object_set_new(o, "tbf", json_integer(m->fee_rate ? 1000 : 0));
    json_object_set_new(o, "r", json_null());
    json_object_set_new(o, "ao", json_boolean(m->accepting_orders));
    json_object_set_new(o, "mos", sim_poly_number(m->min_size));
    json_object_set_new(o, "sd", json_integer(0));
    return o;
}

static json_t *legacy_market(const sim_pmarket *m) { /* GET /markets/{condition_id} */
    json_t *o = json_object(), *tokens = json_array();
    json_object_set_new(o, "enable_order_book", json_true());
    json_object_set_new(o, "active", json_boolean(m->active));
    json_object_set_new(o, "closed", json_boolean(m->closed));
    json_object_set_new(o, "archived", json_false());
    json_object_set_new(o, "accepting_orders", json_boolean(m->accepting_orders));
    json_object_set_new(o, "accepting_order_timestamp", json_string("2026-01-05T16:00:00Z"));
    json_object_set_new(o, "minimum_order_size", sim_poly_number(m->min_size));
    json_object_set_new(o, "minimum_tick_size", sim_poly_number(m->tick));
    json_object_set_new(o, "condition_id", json_string(m->condition_id));
    json_object_set_new(o, "question_id", json_string(m->question_id));
    json_object_set_new(o, "question", json_string(m->question));
    json_object_set_new(o, "description", json_string(m->description));
    json_object_set_new(o, "market_slug", json_string(m->slug));
    json_object_set_new(o, "end_date_iso", json_string(m->end_date));
    json_object_set_new(o, "seconds_delay", json_integer(0));
    json_object_set_new(o, "fpmm", json_string(""));
    json_object_set_new(o, "maker_base_fee", json_integer(m->fee_rate ? 1000 : 0));
    json_object_set_new(o, "taker_base_fee", json_integer(m->fee_rate ? 1000 : 0));
    json_object_set_new(o, "notifications_enabled", json_true());
    json_object_set_new(o, "neg_risk", json_boolean(m->neg_risk));
    json_object_set_new(o, "neg_risk_market_id", json_string(m->neg_risk_market_id));
    json_object_set_new(o, "neg_risk_request_id", json_string(""));
    json_object_set_new(o, "is_50_50_outcome", json_false());
    pm_px_t mid = mid_of(m);
    for (int i = 0; i < 2; i++) {
        json_t *t = json_object();
        json_object_set_new(t, "token_id", json_string(m->token[i]));
        json_object_set_new(t, "outcome", json_string(m->outcome[i]));
        json_object_set_new(t, "price", sim_poly_number(i ? PM_PX_ONE - mid : mid));
        json_object_set_new(t, "winner", json_false());
        json_array_append_new(tokens, t);
    }
    json_object_set_new(o, "tokens", tokens);
    json_object_set_new(o, "tags", json_array());
    return o;
}

/* GET /markets — the CLOB's cursor-paged list (cursor "MA==" first, "LTE=" after the last). */
static void clob_markets(sim_poly *p, const sim_request *req, sim_response *res) {
    char cursor[64] = "MA==";
    sim_query_arg(req, "next_cursor", cursor, sizeof cursor);
    long long start = cursor_index(cursor);
    if (start < 0) return respond_error(res, 400, "invalid next_cursor");
    json_t *data = json_array();
    long long i = start;
    for (; i < p->nmarkets && i < start + CLOB_PAGE; i++) json_array_append_new(data, legacy_market(&p->markets[i]));
    char next[32];
    if (i >= p->nmarkets) snprintf(next, sizeof next, "LTE=");
    else cursor_of(i, next);
    json_t *doc = json_object();
    json_object_set_new(doc, "limit", json_integer(CLOB_PAGE));
    json_object_set_new(doc, "count", json_integer((json_int_t)json_array_size(data)));
    json_object_set_new(doc, "next_cursor", json_string(next));
    json_object_set_new(doc, "data", data);
    respond(res, 200, doc);
}

/* 1 when the public CLOB serves the path (answered in res). */
static int clob_public(sim_poly *p, const sim_request *req, sim_response *res) {
    const char *path = req->path;
    int get = !strcmp(req->method, "GET");
    pm_outcome o;
    int m;
    if (get && !strcmp(path, "/ok")) return respond(res, 200, json_string("OK")), 1;
    if (get && !strcmp(path, "/time")) return respond(res, 200, json_integer(pm_wall_ns() / 1000000000)), 1;
    if (get && !strcmp(path, "/version")) {
        json_t *doc = json_object();
        json_object_set_new(doc, "version", json_integer(2));
        return respond(res, 200, doc), 1;
    }
    if (get && !strcmp(path, "/book")) {
        if ((m = token_arg(p, req, &o, res)) >= 0) {
            int64_t ts = p->markets[m].book_ts_ms ? p->markets[m].book_ts_ms : pm_wall_ns() / 1000000;
            respond(res, 200, sim_poly_book_summary(p, m, o, ts, 0));
        }
        return 1;
    }
    if (!strcmp(req->method, "POST") && !strcmp(path, "/books")) return books(p, req, res), 1;
    if (get && (!strcmp(path, "/tick-size") || !strcmp(path, "/neg-risk") || !strcmp(path, "/fee-rate") ||
                !strcmp(path, "/midpoint"))) {
        if ((m = token_arg(p, req, &o, res)) < 0) return 1;
        const sim_pmarket *mk = &p->markets[m];
        json_t *doc = json_object();
        if (path[1] == 't') json_object_set_new(doc, "minimum_tick_size", sim_poly_number(mk->tick));
        else if (path[1] == 'n') json_object_set_new(doc, "neg_risk", json_boolean(mk->neg_risk));
        else if (path[1] == 'f') json_object_set_new(doc, "base_fee", json_integer(mk->fee_rate ? 1000 : 0));
        else json_object_set_new(doc, "mid", decimal_string(o == PM_OUTCOME_YES ? mid_of(mk) : PM_PX_ONE - mid_of(mk)));
        return respond(res, 200, doc), 1;
    }
    if (get && !strncmp(path, "/markets-by-token/", 18)) {
        if ((m = sim_poly_find_token(p, path + 18, &o)) < 0) return respond_error(res, 404, "market not found"), 1;
        json_t *doc = json_object();
        json_object_set_new(doc, "condition_id", json_string(p->markets[m].condition_id));
        json_object_set_new(doc, "primary_token_id", json_string(p->markets[m].token[0]));
        json_object_set_new(doc, "secondary_token_id", json_string(p->markets[m].token[1]));
        return respond(res, 200, doc), 1;
    }
    if (get && !strncmp(path, "/clob-markets/", 14)) {
        if ((m = sim_poly_find_condition(p, path + 14)) < 0) return respond_error(res, 404, "market not found"), 1;
        return respond(res, 200, clob_market_info(&p->markets[m])), 1;
    }
    if (get && !strcmp(path, "/markets")) return clob_markets(p, req, res), 1;
    if (get && !strncmp(path, "/markets/", 9)) {
        if ((m = sim_poly_find_condition(p, path + 9)) < 0) return respond_error(res, 404, "market not found"), 1;
        return respond(res, 200, legacy_market(&p->markets[m])), 1;
    }
    if (get && !strncmp(path, "/fees/builder-fees/", 19)) {
        json_t *doc = json_object();
        json_object_set_new(doc, "builder_maker_fee_rate_bps", json_integer(0));
        json_object_set_new(doc, "builder_taker_fee_rate_bps", json_integer(0));
        return respond(res, 200, doc), 1;
    }
    return 0;
}

/* ---- faults and stats ------------------------------------------------------------- */

/* POST /admin/faults — not a Polymarket endpoint: the simulator's fault switches. Fields (each
 * optional): "drop_connections", "malformed" (WebSocket), "http_status" (4xx/5xx for the next
 * "count" requests), "delay_ms" (the next "count" responses), "reject_orders" (the next
 * "count" orders), "freeze" (true: open market sockets get no more market data but still
 * answer PING, until dropped; false lifts it), "tick_size_change" ({"token": id, "tick":
 * "0.001"}), "bad_best" (the next price_change carries a wrong best_bid), "close_market" (a
 * condition id), "overshoot" ({"market": condition id, "cents": signed whole cents, "ticks": price
 * steps, default 150}: Polymarket's quote of the market's question moves off the fair value
 * now, a dislocation on demand), "lose_answers" (the next "count" orders taken on POST /order
 * are answered 500, as if the answer were lost), "partial_fill" (the next "count" market orders,
 * FOK or FAK, match at most half their size, rounded down to the venue's 0.01-share size step: a
 * FOK is killed with the venue's text, a FAK matches that much and its rest is cancelled, its
 * answer, trades and user-channel messages those of any partial FAK), "skip_updates"
 * ({"market": condition id, "count": messages, default 1}: the market's next price_change
 * messages are not sent while its book moves on, so a client's book diverges until a later
 * message's best_bid/best_ask shows it; armed before an "overshoot" of the same request, whose
 * requote is then the first lost), "orders_only" (true: http_status and delay_ms count and hit
 * order posts only; false lifts it). GET /admin/orders lists every order post the venue looked at. */
static void admin_faults(sim_poly *p, const sim_request *req, sim_response *res) {
    json_t *doc = json_loads(req->body, 0, NULL);
    if (!json_is_object(doc)) {
        json_decref(doc);
        return respond_error(res, 400, "expected a JSON object");
    }
    json_t *count_j = json_object_get(doc, "count");
    int count = json_is_integer(count_j) ? (int)json_integer_value(count_j) : 1;
    json_t *tsc = json_object_get(doc, "tick_size_change");
    const char *close = json_string_value(json_object_get(doc, "close_market"));
    int tick_market = -1, close_market = -1;
    pm_px_t tick = 0;
    if (tsc) {
        const char *tok = json_string_value(json_object_get(tsc, "token"));
        const char *t = json_string_value(json_object_get(tsc, "tick"));
        if (!t) t = json_string_value(json_object_get(tsc, "new_tick"));
        tick_market = tok ? sim_poly_find_token(p, tok, NULL) : -1;
        if (tick_market < 0 || !t || pm_px_parse(t, strlen(t), &tick, NULL) || tick <= 0 || PM_PX_ONE % tick) {
            json_decref(doc);
            return respond_error(res, 400, "tick_size_change needs a known \"token\" and a \"tick\" dividing 1");
        }
    }
    json_t *over = json_object_get(doc, "overshoot");
    int over_market = over ? sim_poly_find_condition(p, json_string_value(json_object_get(over, "market"))) : -1;
    json_int_t over_cents = json_integer_value(json_object_get(over, "cents"));
    json_int_t over_ticks = json_is_integer(json_object_get(over, "ticks")) ? json_integer_value(json_object_get(over, "ticks")) : 150;
    if (over && (over_market < 0 || !over_cents || over_cents < -50 || over_cents > 50 || over_ticks < 1 || over_ticks > 100000)) {
        json_decref(doc);
        return respond_error(res, 400, "overshoot needs a known \"market\" condition id, \"cents\" in -50..50 (not 0) and "
                                       "\"ticks\" in 1..100000");
    }
    json_t *skip = json_object_get(doc, "skip_updates");
    int skip_market = skip ? sim_poly_find_condition(p, json_string_value(json_object_get(skip, "market"))) : -1;
    json_int_t skip_count = json_is_integer(json_object_get(skip, "count")) ? json_integer_value(json_object_get(skip, "count")) : 1;
    if (skip && (skip_market < 0 || skip_count < 1 || skip_count > 1000000)) {
        json_decref(doc);
        return respond_error(res, 400, "skip_updates needs a known \"market\" condition id and a \"count\" in 1..1000000");
    }
    if (close && (close_market = sim_poly_find_condition(p, close)) < 0) {
        json_decref(doc);
        return respond_error(res, 404, "close_market: no market has this condition id");
    }
    int status = (int)json_integer_value(json_object_get(doc, "http_status"));
    if (status >= 400 && status <= 599) {
        p->faults.http_status = status;
        p->faults.http_count = count;
    }
    if (json_integer_value(json_object_get(doc, "delay_ms")) > 0) {
        p->faults.delay_ms = (int)json_integer_value(json_object_get(doc, "delay_ms"));
        p->faults.delay_count = count;
    }
    if (json_is_true(json_object_get(doc, "reject_orders"))) p->faults.reject_orders = count;
    if (json_is_true(json_object_get(doc, "lose_answers"))) p->faults.lose_answers = count;
    if (json_is_true(json_object_get(doc, "partial_fill"))) p->faults.partial_orders = count;
    if (skip_market >= 0) { /* armed first: a requote the same request causes (overshoot) is the first skipped */
        p->skip_market = skip_market;
        p->skip_updates = (int)skip_count;
    }
    if (json_is_boolean(json_object_get(doc, "orders_only"))) p->faults.orders_only = json_is_true(json_object_get(doc, "orders_only"));
    if (json_is_true(json_object_get(doc, "bad_best"))) p->bad_best_next = 1;
    json_t *freeze = json_object_get(doc, "freeze");
    sim_poly_ws_faults(p, json_is_true(json_object_get(doc, "drop_connections")), json_is_true(json_object_get(doc, "malformed")),
                       json_is_boolean(freeze) ? json_is_true(freeze) : -1);
    if (tick_market >= 0) sim_poly_change_tick(p, tick_market, tick);
    if (close_market >= 0) sim_poly_close_market(p, close_market);
    if (over_market >= 0) sim_poly_overshoot(p, over_market, (pm_px_t)over_cents * PM_CENT, (int)over_ticks);
    json_decref(doc);
    sim_respondf(res, 200, "{\"ok\":true}");
}

static void admin_stats(const sim_poly *p, sim_response *res) {
    const sim_prices *pr = p->prices;
    sim_respondf(res, 200,
                 "{\"rest_requests\":%llu,\"order_posts\":%llu,\"ws_connections\":%llu,\"ws_open\":%d,\"ws_frames_sent\":%llu,"
                 "\"pings\":%llu,\"price_changes\":%llu,\"skipped_updates\":%llu,\"markets\":%d,\"jumps\":%llu,"
                 "\"overshoots\":%llu,\"lags\":%llu}",
                 (unsigned long long)p->rest_requests, (unsigned long long)p->order_posts,
                 (unsigned long long)p->ws_connections, sim_poly_ws_count(p), (unsigned long long)p->ws_frames_sent,
                 (unsigned long long)p->pings, (unsigned long long)p->price_changes,
                 (unsigned long long)p->skipped_updates, p->nmarkets,
                 (unsigned long long)(pr ? pr->jumps : 0), (unsigned long long)(pr ? pr->overshoots : 0),
                 (unsigned long long)(pr ? pr->lags : 0));
}

static void handle(sim_poly *p, const sim_request *req, sim_response *res);

void sim_poly_handle(void *user, const sim_request *req, sim_response *res) {
    sim_poly *p = user;
    int order_post = !strcmp(req->method, "POST") && !strcmp(req->path, "/order");
    handle(p, req, res);
    if (order_post && p->faults.lose_answers > 0 && res->status == 200) {
        p->faults.lose_answers--;
        respond_error(res, 500, "the order was taken; its answer was lost (injected by the simulator)");
    }
}

static void handle(sim_poly *p, const sim_request *req, sim_response *res) {
    if (!strcmp(req->path, "/admin/faults") && !strcmp(req->method, "POST")) return admin_faults(p, req, res);
    if (!strcmp(req->path, "/admin/stats") && !strcmp(req->method, "GET")) return admin_stats(p, res);
    if (!strcmp(req->path, "/admin/orders") && !strcmp(req->method, "GET")) return sim_poly_admin_orders(p, res);
    p->rest_requests++;
    int order_post = !strcmp(req->method, "POST") && (!strcmp(req->path, "/order") || !strcmp(req->path, "/orders"));
    if (order_post) p->order_posts++;
    int faulted = order_post || !p->faults.orders_only;
    if (faulted && p->faults.delay_count > 0) {
        p->faults.delay_count--;
        res->delay_ms = p->faults.delay_ms;
    }
    if (faulted && p->faults.http_count > 0) {
        p->faults.http_count--;
        return respond_error(res, p->faults.http_status, p->faults.http_status == 429 ? "Too Many Requests" : "injected by the simulator");
    }
    if (!strncmp(req->path, GAMMA "/", sizeof GAMMA)) return gamma_api(p, req, req->path + strlen(GAMMA), res);
    if (clob_public(p, req, res)) return;
    sim_poly_private(p, req, res);
}
