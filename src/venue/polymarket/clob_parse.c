/* clob_parse.c — Polymarket CLOB REST response parsers (see clob_parse.h). */
#include "venue/polymarket/clob_parse.h"

#include "util/clock.h"
#include "util/jtok.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* --- field readers: absent or null fields leave the output as it is --- */

static int present(const pm_json *j, int i) { return i >= 0 && !pm_json_is_null(j, i); }

/* A string field into out; -1 when it is not a string or does not fit. */
static int text(const pm_json *j, int obj, const char *key, char *out, size_t cap, pm_err *err) {
    int i = pm_json_key(j, obj, key);
    if (!present(j, i)) return 0;
    if (!pm_json_is_str(j, i) || pm_json_unescape(j, i, out, cap) < 0)
        return pm_err_set(err, "field %s is not a string of at most %zu bytes", key, cap - 1);
    return 0;
}

typedef int (*dec_fn)(const char *, size_t, int64_t *, pm_err *);

/* A decimal given as a string or a number; "" counts as absent. */
static int decimal(const pm_json *j, int obj, const char *key, dec_fn fn, int64_t *out, pm_err *err) {
    int i = pm_json_key(j, obj, key);
    if (!present(j, i)) return 0;
    size_t n;
    const char *s = pm_json_text(j, i, &n);
    if (j->tok[i].type != JSMN_STRING && j->tok[i].type != JSMN_PRIMITIVE)
        return pm_err_set(err, "field %s is not a decimal", key);
    if (n == 0 && pm_json_is_str(j, i)) return 0;
    if (fn(s, n, out, err)) return pm_err_wrap(err, "field %s", key);
    return 0;
}

static int parse_count(const char *s, size_t len, int64_t *out, pm_err *err) {
    static const pm_decimal_spec spec = {0, 0, 0, 0, INT64_MAX, "integer"};
    return pm_decimal_parse(s, len, &spec, out, err);
}

static int parse_rate(const char *s, size_t len, int64_t *out, pm_err *err) {
    static const pm_decimal_spec spec = {6, 6, 0, 0, PM_SCALE, "fee rate"};
    return pm_decimal_parse(s, len, &spec, out, err);
}

/* true / false, also as the strings "true" / "false". */
static int boolean(const pm_json *j, int obj, const char *key, int *out, pm_err *err) {
    int i = pm_json_key(j, obj, key);
    if (!present(j, i)) return 0;
    if (pm_json_eq(j, i, "true")) *out = 1;
    else if (pm_json_eq(j, i, "false")) *out = 0;
    else return pm_err_set(err, "field %s is not a boolean", key);
    return 0;
}

static int side_of(const pm_json *j, int obj, const char *key, int *out, pm_err *err) {
    char s[8] = "";
    if (text(j, obj, key, s, sizeof s, err)) return -1;
    if (!s[0]) return 0;
    if (!strcasecmp(s, "BUY")) *out = PM_SIDE_BUY;
    else if (!strcasecmp(s, "SELL")) *out = PM_SIDE_SELL;
    else return pm_err_set(err, "field %s is neither BUY nor SELL: %s", key, s);
    return 0;
}

static int parse_doc(pm_json *j, const char *json, size_t len, const char *what, pm_err *err) {
    if (!json || pm_json_parse_alloc(j, json, len) < 1) return pm_err_set(err, "%s response is not JSON", what);
    return 0;
}

static int expect_obj(const pm_json *j, int i, const char *what, pm_err *err) {
    return pm_json_is_obj(j, i) ? 0 : pm_err_set(err, "%s is not a JSON object", what);
}

/* --- books --- */

/* [{"price": "0.48", "size": "100"}, ...] into a new array (zero sizes dropped). */
static int book_side(const pm_json *j, int obj, const char *key, pm_level **lv, size_t *n, pm_err *err) {
    *lv = NULL, *n = 0;
    int arr = pm_json_key(j, obj, key);
    if (!present(j, arr)) return 0;
    if (!pm_json_is_arr(j, arr)) return pm_err_set(err, "book %s is not an array", key);
    *lv = malloc(((size_t)j->tok[arr].size + 1) * sizeof **lv);
    if (!*lv) return pm_err_set(err, "out of memory");
    for (int k = 0, i = arr + 1; k < j->tok[arr].size; k++, i = pm_json_next(j, i)) {
        pm_px_t px = -1;
        pm_qty_t q = -1;
        if (!pm_json_is_obj(j, i) || decimal(j, i, "price", pm_px_parse, &px, err) ||
            decimal(j, i, "size", pm_qty_parse, &q, err) || px < 0 || q < 0)
            return pm_err_wrap(err, "book %s level %d is not {price, size}", key, k);
        if (q > 0) (*lv)[(*n)++] = (pm_level){px, q};
    }
    return 0;
}

static int book_at(const pm_json *j, int o, poly_book *out, pm_err *err) {
    memset(out, 0, sizeof *out);
    out->timestamp_ms = out->tick = out->min_order_size = out->last_trade_price = -1;
    out->neg_risk = -1;
    if (expect_obj(j, o, "book", err)) return -1;
    pm_level *bids = NULL, *asks = NULL;
    size_t nb = 0, na = 0;
    int rc = text(j, o, "market", out->market, sizeof out->market, err) ||
             text(j, o, "asset_id", out->asset_id, sizeof out->asset_id, err) ||
             text(j, o, "hash", out->hash, sizeof out->hash, err) ||
             decimal(j, o, "timestamp", parse_count, &out->timestamp_ms, err) ||
             decimal(j, o, "tick_size", pm_px_parse, &out->tick, err) ||
             decimal(j, o, "min_order_size", pm_qty_parse, &out->min_order_size, err) ||
             boolean(j, o, "neg_risk", &out->neg_risk, err) ||
             decimal(j, o, "last_trade_price", pm_px_parse, &out->last_trade_price, err) ||
             book_side(j, o, "bids", &bids, &nb, err) || book_side(j, o, "asks", &asks, &na, err)
                 ? -1
                 : 0;
    if (!rc && !out->asset_id[0]) rc = pm_err_set(err, "book has no asset_id");
    if (!rc) {
        pm_book_init(&out->book);
        if (pm_book_snapshot(&out->book, bids, nb, asks, na, pm_mono_ns()))
            rc = pm_err_set(err, "book %s has repeated or out-of-range levels", out->asset_id);
    }
    free(bids), free(asks);
    return rc;
}

int poly_parse_book(const char *json, size_t len, poly_book *out, pm_err *err) {
    pm_json j;
    if (parse_doc(&j, json, len, "book", err)) return -1;
    int rc = book_at(&j, 0, out, err);
    pm_json_release(&j);
    return rc;
}

int poly_parse_books(const char *json, size_t len, poly_book *out, size_t cap, size_t *n, pm_err *err) {
    *n = 0;
    pm_json j;
    if (parse_doc(&j, json, len, "books", err)) return -1;
    int rc = pm_json_is_arr(&j, 0) ? 0 : pm_err_set(err, "books response is not an array");
    if (!rc && (size_t)j.tok[0].size > cap) rc = pm_err_set(err, "books response has %d books, more than asked", j.tok[0].size);
    for (int k = 0, i = 1; !rc && k < j.tok[0].size; k++, i = pm_json_next(&j, i))
        if (!(rc = book_at(&j, i, &out[*n], err))) (*n)++;
    pm_json_release(&j);
    return rc;
}

/* --- single-value endpoints --- */

int poly_parse_tick_size(const char *json, size_t len, pm_px_t *tick, pm_err *err) {
    pm_json j;
    if (parse_doc(&j, json, len, "tick size", err)) return -1;
    *tick = -1;
    int rc = expect_obj(&j, 0, "tick size response", err) || decimal(&j, 0, "minimum_tick_size", pm_px_parse, tick, err)
                 ? -1
                 : 0;
    if (!rc && *tick <= 0) rc = pm_err_set(err, "tick size response has no positive minimum_tick_size");
    pm_json_release(&j);
    return rc;
}

int poly_parse_neg_risk(const char *json, size_t len, int *neg_risk, pm_err *err) {
    pm_json j;
    if (parse_doc(&j, json, len, "neg-risk", err)) return -1;
    *neg_risk = -1;
    int rc = expect_obj(&j, 0, "neg-risk response", err) || boolean(&j, 0, "neg_risk", neg_risk, err) ? -1 : 0;
    if (!rc && *neg_risk < 0) rc = pm_err_set(err, "neg-risk response has no neg_risk");
    pm_json_release(&j);
    return rc;
}

int poly_parse_fee_rate(const char *json, size_t len, int64_t *bps, pm_err *err) {
    pm_json j;
    if (parse_doc(&j, json, len, "fee rate", err)) return -1;
    *bps = -1;
    int rc = expect_obj(&j, 0, "fee rate response", err) || decimal(&j, 0, "base_fee", parse_count, bps, err) ? -1 : 0;
    if (!rc && *bps < 0) rc = pm_err_set(err, "fee rate response has no base_fee");
    pm_json_release(&j);
    return rc;
}

int poly_parse_version(const char *json, size_t len, int *version, pm_err *err) {
    pm_json j;
    *version = 2;
    if (!json || pm_json_parse_alloc(&j, json, len) < 1) return pm_err_set(err, "version response is not JSON");
    int i = pm_json_key(&j, 0, "version"), rc = 0;
    int64_t v = 2;
    if (i >= 0 && !pm_json_is_null(&j, i) && (pm_json_int(&j, i, &v) || v < 1 || v > 100))
        rc = pm_err_set(err, "version response has a bad version");
    *version = (int)v;
    pm_json_release(&j);
    return rc;
}

/* --- market info --- */

static void market_init(poly_market_info *m) {
    memset(m, 0, sizeof *m);
    m->tick = m->min_order_size = -1;
    m->maker_base_fee = m->taker_base_fee = -1;
    m->accepting_orders = m->active = m->closed = -1;
}

static int tokens_at(const pm_json *j, int arr, const char *id_key, const char *outcome_key, poly_market_info *m,
                     pm_err *err) {
    if (!pm_json_is_arr(j, arr)) return pm_err_set(err, "market has no token array");
    for (int k = 0, i = arr + 1; k < j->tok[arr].size; k++, i = pm_json_next(j, i)) {
        if (pm_json_is_null(j, i)) continue;
        if (m->ntokens == 2) return pm_err_set(err, "market has more than two tokens");
        poly_market_token *t = &m->token[m->ntokens];
        memset(t, 0, sizeof *t);
        if (expect_obj(j, i, "market token", err) || text(j, i, id_key, t->token_id, sizeof t->token_id, err) ||
            text(j, i, outcome_key, t->outcome, sizeof t->outcome, err))
            return -1;
        if (t->token_id[0]) m->ntokens++; /* real listings carry tokens with empty ids: not tradable */
    }
    return 0;
}

int poly_parse_clob_market(const char *json, size_t len, poly_market_info *m, pm_err *err) {
    market_init(m);
    pm_json j;
    if (parse_doc(&j, json, len, "clob market", err)) return -1;
    int64_t e = 0;
    int fd = pm_json_key(&j, 0, "fd");
    int rc = expect_obj(&j, 0, "clob market", err) || text(&j, 0, "c", m->condition_id, sizeof m->condition_id, err) ||
                     tokens_at(&j, pm_json_key(&j, 0, "t"), "t", "o", m, err) ||
                     decimal(&j, 0, "mts", pm_px_parse, &m->tick, err) ||
                     decimal(&j, 0, "mos", pm_qty_parse, &m->min_order_size, err) ||
                     boolean(&j, 0, "nr", &m->neg_risk, err) || boolean(&j, 0, "ao", &m->accepting_orders, err) ||
                     decimal(&j, 0, "mbf", parse_count, &m->maker_base_fee, err) ||
                     decimal(&j, 0, "tbf", parse_count, &m->taker_base_fee, err)
                 ? -1
                 : 0;
    if (!rc && present(&j, fd))
        rc = expect_obj(&j, fd, "clob market fd", err) || decimal(&j, fd, "r", parse_rate, &m->fee_rate, err) ||
                     decimal(&j, fd, "e", parse_count, &e, err) || boolean(&j, fd, "to", &m->fee_taker_only, err)
                 ? -1
                 : 0;
    if (!rc && e > 16) rc = pm_err_set(err, "clob market fee exponent %lld is out of range", (long long)e);
    m->fee_exponent = (int)e;
    if (!rc && m->tick <= 0) rc = pm_err_set(err, "clob market has no positive mts");
    pm_json_release(&j);
    return rc;
}

static int legacy_market_at(const pm_json *j, int o, poly_market_info *m, pm_err *err) {
    market_init(m);
    int rc = expect_obj(j, o, "market", err) ||
                     text(j, o, "condition_id", m->condition_id, sizeof m->condition_id, err) ||
                     tokens_at(j, pm_json_key(j, o, "tokens"), "token_id", "outcome", m, err) ||
                     decimal(j, o, "minimum_tick_size", pm_px_parse, &m->tick, err) ||
                     decimal(j, o, "minimum_order_size", pm_qty_parse, &m->min_order_size, err) ||
                     boolean(j, o, "neg_risk", &m->neg_risk, err) ||
                     boolean(j, o, "accepting_orders", &m->accepting_orders, err) ||
                     boolean(j, o, "active", &m->active, err) || boolean(j, o, "closed", &m->closed, err) ||
                     decimal(j, o, "maker_base_fee", parse_count, &m->maker_base_fee, err) ||
                     decimal(j, o, "taker_base_fee", parse_count, &m->taker_base_fee, err)
                 ? -1
                 : 0;
    if (!rc && m->tick <= 0) rc = pm_err_set(err, "market %s has no positive minimum_tick_size", m->condition_id);
    return rc;
}

int poly_parse_legacy_market(const char *json, size_t len, poly_market_info *m, pm_err *err) {
    pm_json j;
    market_init(m);
    if (parse_doc(&j, json, len, "market", err)) return -1;
    int rc = legacy_market_at(&j, 0, m, err);
    pm_json_release(&j);
    return rc;
}

int poly_parse_markets_page(const char *json, size_t len, int (*cb)(void *ctx, const poly_market_info *m), void *ctx,
                            char *next_cursor, size_t cap, pm_err *err) {
    pm_json j;
    if (parse_doc(&j, json, len, "markets page", err)) return -1;
    next_cursor[0] = '\0';
    int arr = pm_json_key(&j, 0, "data");
    int rc = expect_obj(&j, 0, "markets page", err) || text(&j, 0, "next_cursor", next_cursor, cap, err) ? -1 : 0;
    if (!rc && !pm_json_is_arr(&j, arr)) rc = pm_err_set(err, "markets page has no data array");
    for (int k = 0, i = arr + 1; !rc && k < j.tok[arr].size; k++, i = pm_json_next(&j, i)) {
        poly_market_info m;
        rc = legacy_market_at(&j, i, &m, err) ? -1 : cb(ctx, &m);
    }
    pm_json_release(&j);
    return rc;
}

/* --- orders --- */

poly_order_status poly_order_status_parse(const char *s) {
    if (!strncasecmp(s, "ORDER_STATUS_", 13)) s += 13;
    if (!s[0]) return POLY_STATUS_NONE;
    if (!strcasecmp(s, "live")) return POLY_STATUS_LIVE;
    if (!strcasecmp(s, "matched")) return POLY_STATUS_MATCHED;
    if (!strcasecmp(s, "delayed")) return POLY_STATUS_DELAYED;
    if (!strcasecmp(s, "unmatched")) return POLY_STATUS_UNMATCHED;
    return POLY_STATUS_OTHER;
}

static int order_response_at(const pm_json *j, int o, poly_order_response *out, pm_err *err) {
    if (expect_obj(j, o, "order response", err)) return -1;
    char id[POLY_ID_MAX] = "";
    out->success = 0;
    out->error[0] = out->status_text[0] = '\0';
    out->making_amount = out->taking_amount = -1;
    if (boolean(j, o, "success", &out->success, err) || text(j, o, "errorMsg", out->error, sizeof out->error, err) ||
        (!out->error[0] && text(j, o, "error_msg", out->error, sizeof out->error, err)) ||
        (!out->error[0] && text(j, o, "error", out->error, sizeof out->error, err)) ||
        text(j, o, "orderID", id, sizeof id, err) ||
        text(j, o, "status", out->status_text, sizeof out->status_text, err) ||
        decimal(j, o, "makingAmount", pm_qty_parse, &out->making_amount, err) ||
        decimal(j, o, "takingAmount", pm_qty_parse, &out->taking_amount, err))
        return -1;
    if (id[0]) memcpy(out->order_id, id, sizeof id);
    out->status = poly_order_status_parse(out->status_text);
    out->ntrade_ids = 0;
    int arr = pm_json_key(j, o, "tradeIDs");
    if (present(j, arr)) {
        if (!pm_json_is_arr(j, arr)) return pm_err_set(err, "order response tradeIDs is not an array");
        for (int k = 0, i = arr + 1; k < j->tok[arr].size; k++, i = pm_json_next(j, i)) {
            if (!pm_json_is_str(j, i)) return pm_err_set(err, "order response trade id %d is not a string", k);
            if (out->ntrade_ids < POLY_TRADE_IDS_MAX &&
                pm_json_unescape(j, i, out->trade_ids[out->ntrade_ids], POLY_ID_MAX) < 0)
                return pm_err_set(err, "order response trade id %d is too long", k);
            out->ntrade_ids++;
        }
    }
    return 0;
}

int poly_parse_order_response(const char *json, size_t len, poly_order_response *out, pm_err *err) {
    pm_json j;
    if (parse_doc(&j, json, len, "order", err)) return -1;
    int rc = order_response_at(&j, 0, out, err);
    pm_json_release(&j);
    return rc;
}

int poly_parse_order_responses(const char *json, size_t len, poly_order_response *out, size_t cap, size_t *n,
                               pm_err *err) {
    *n = 0;
    pm_json j;
    if (parse_doc(&j, json, len, "orders", err)) return -1;
    int rc = pm_json_is_arr(&j, 0) ? 0 : pm_err_set(err, "orders response is not an array");
    if (!rc && (size_t)j.tok[0].size > cap) rc = pm_err_set(err, "orders response has %d answers for %zu orders", j.tok[0].size, cap);
    for (int k = 0, i = 1; !rc && k < j.tok[0].size; k++, i = pm_json_next(&j, i)) {
        memset(&out[*n], 0, sizeof *out);
        if (!(rc = order_response_at(&j, i, &out[*n], err))) (*n)++;
    }
    pm_json_release(&j);
    return rc;
}

void poly_cancel_result_free(poly_cancel_result *c) {
    free(c->canceled);
    free(c->not_canceled);
    memset(c, 0, sizeof *c);
}

int poly_parse_cancel(const char *json, size_t len, poly_cancel_result *out, pm_err *err) {
    memset(out, 0, sizeof *out);
    pm_json j;
    if (parse_doc(&j, json, len, "cancel", err)) return -1;
    int rc = expect_obj(&j, 0, "cancel response", err);
    int c = pm_json_key(&j, 0, "canceled"), nc = pm_json_key(&j, 0, "not_canceled");
    if (!rc && present(&j, c) && !pm_json_is_arr(&j, c)) rc = pm_err_set(err, "cancel response canceled is not an array");
    if (!rc && present(&j, nc) && !pm_json_is_obj(&j, nc))
        rc = pm_err_set(err, "cancel response not_canceled is not an object");
    if (!rc && pm_json_is_arr(&j, c) && j.tok[c].size > 0) {
        out->canceled = calloc((size_t)j.tok[c].size, sizeof *out->canceled);
        if (!out->canceled) rc = pm_err_set(err, "out of memory");
        for (int k = 0, i = c + 1; !rc && k < j.tok[c].size; k++, i = pm_json_next(&j, i))
            if (!pm_json_is_str(&j, i) || pm_json_unescape(&j, i, out->canceled[out->ncanceled++], POLY_ID_MAX) < 0)
                rc = pm_err_set(err, "cancel response canceled[%d] is not an order id", k);
    }
    if (!rc && pm_json_is_obj(&j, nc) && j.tok[nc].size > 0) {
        out->not_canceled = calloc((size_t)j.tok[nc].size, sizeof *out->not_canceled);
        if (!out->not_canceled) rc = pm_err_set(err, "out of memory");
        for (int k = 0, i = nc + 1; !rc && k < j.tok[nc].size; k++, i = pm_json_next(&j, i + 1)) {
            poly_not_canceled *x = &out->not_canceled[out->nnot_canceled++];
            if (pm_json_unescape(&j, i, x->id, sizeof x->id) < 0 ||
                (pm_json_is_str(&j, i + 1) ? pm_json_unescape(&j, i + 1, x->reason, sizeof x->reason) < 0
                                           : !pm_json_is_null(&j, i + 1)))
                rc = pm_err_set(err, "cancel response not_canceled entry %d is not id: reason", k);
        }
    }
    pm_json_release(&j);
    if (rc) poly_cancel_result_free(out);
    return rc;
}

static int open_order_at(const pm_json *j, int o, poly_open_order *out, pm_err *err) {
    memset(out, 0, sizeof *out);
    out->created_at = -1;
    int side = -1;
    out->price = out->original_size = -1;
    if (expect_obj(j, o, "order", err) || text(j, o, "id", out->id, sizeof out->id, err) ||
        text(j, o, "status", out->status_text, sizeof out->status_text, err) ||
        text(j, o, "owner", out->owner, sizeof out->owner, err) ||
        text(j, o, "maker_address", out->maker_address, sizeof out->maker_address, err) ||
        text(j, o, "market", out->market, sizeof out->market, err) ||
        text(j, o, "asset_id", out->asset_id, sizeof out->asset_id, err) || side_of(j, o, "side", &side, err) ||
        decimal(j, o, "original_size", pm_qty_parse, &out->original_size, err) ||
        decimal(j, o, "size_matched", pm_qty_parse, &out->size_matched, err) ||
        decimal(j, o, "price", pm_px_parse, &out->price, err) ||
        text(j, o, "outcome", out->outcome, sizeof out->outcome, err) ||
        text(j, o, "order_type", out->order_type, sizeof out->order_type, err) ||
        decimal(j, o, "created_at", parse_count, &out->created_at, err) ||
        decimal(j, o, "expiration", parse_count, &out->expiration, err))
        return pm_err_wrap(err, "order %s", out->id);
    if (!out->id[0] || side < 0 || out->price < 0 || out->original_size < 0)
        return pm_err_set(err, "order %s lacks id, side, price or original_size", out->id);
    out->side = (pm_side)side;
    out->status = poly_order_status_parse(out->status_text);
    int t = pm_json_key(j, o, "associate_trades");
    out->nassociate_trades = pm_json_is_arr(j, t) ? j->tok[t].size : 0;
    return 0;
}

int poly_parse_open_order(const char *json, size_t len, poly_open_order *out, pm_err *err) {
    pm_json j;
    if (parse_doc(&j, json, len, "order", err)) return -1;
    int rc = open_order_at(&j, 0, out, err);
    pm_json_release(&j);
    return rc;
}

/* 1 when a 2xx body holds no order: empty, null, {} or an object without an id. */
static int no_order(const char *body, size_t len) {
    while (len && isspace((unsigned char)*body)) body++, len--;
    while (len && isspace((unsigned char)body[len - 1])) len--;
    if (len == 0 || (len == 4 && !memcmp(body, "null", 4))) return 1;
    pm_json j;
    if (pm_json_parse_alloc(&j, body, len) < 1) return 0;
    int empty = pm_json_is_obj(&j, 0) && pm_json_key(&j, 0, "id") < 0;
    pm_json_release(&j);
    return empty;
}

int poly_parse_order_lookup(const char *json, size_t len, poly_open_order *out, pm_err *err) {
    if (!json || no_order(json, len)) return 0;
    return poly_parse_open_order(json, len, out, err) ? -1 : 1;
}

int poly_parse_orders_page(const char *json, size_t len, int (*cb)(void *ctx, const poly_open_order *o), void *ctx,
                           char *next_cursor, size_t cap, pm_err *err) {
    pm_json j;
    if (parse_doc(&j, json, len, "orders page", err)) return -1;
    next_cursor[0] = '\0';
    int arr = pm_json_key(&j, 0, "data");
    int rc = expect_obj(&j, 0, "orders page", err) || text(&j, 0, "next_cursor", next_cursor, cap, err) ? -1 : 0;
    if (!rc && present(&j, arr) && !pm_json_is_arr(&j, arr)) rc = pm_err_set(err, "orders page data is not an array");
    for (int k = 0, i = arr + 1; !rc && pm_json_is_arr(&j, arr) && k < j.tok[arr].size; k++, i = pm_json_next(&j, i)) {
        poly_open_order o;
        rc = open_order_at(&j, i, &o, err) ? -1 : cb(ctx, &o);
    }
    pm_json_release(&j);
    return rc;
}

/* --- trades --- */

static int maker_order_at(const pm_json *j, int o, poly_maker_order *m, pm_err *err) {
    memset(m, 0, sizeof *m);
    m->side = -1;
    m->price = -1;
    if (expect_obj(j, o, "maker order", err) || text(j, o, "order_id", m->order_id, sizeof m->order_id, err) ||
        text(j, o, "owner", m->owner, sizeof m->owner, err) ||
        text(j, o, "maker_address", m->maker_address, sizeof m->maker_address, err) ||
        decimal(j, o, "matched_amount", pm_qty_parse, &m->matched_amount, err) ||
        decimal(j, o, "price", pm_px_parse, &m->price, err) ||
        text(j, o, "asset_id", m->asset_id, sizeof m->asset_id, err) ||
        text(j, o, "outcome", m->outcome, sizeof m->outcome, err) || side_of(j, o, "side", &m->side, err))
        return -1;
    return 0; /* an empty order_id: liquidity of no API key (the simulator's crowd) */
}

static int trade_at(const pm_json *j, int o, poly_trade *t, poly_maker_order **makers, pm_err *err) {
    memset(t, 0, sizeof *t);
    *makers = NULL;
    int side = -1;
    char trader_side[8] = "";
    t->price = t->size = t->fee_rate_bps = t->match_time = -1;
    if (expect_obj(j, o, "trade", err) || text(j, o, "id", t->id, sizeof t->id, err) ||
        text(j, o, "taker_order_id", t->taker_order_id, sizeof t->taker_order_id, err) ||
        text(j, o, "market", t->market, sizeof t->market, err) ||
        text(j, o, "asset_id", t->asset_id, sizeof t->asset_id, err) || side_of(j, o, "side", &side, err) ||
        decimal(j, o, "size", pm_qty_parse, &t->size, err) || decimal(j, o, "price", pm_px_parse, &t->price, err) ||
        decimal(j, o, "fee_rate_bps", parse_count, &t->fee_rate_bps, err) ||
        text(j, o, "status", t->status, sizeof t->status, err) ||
        decimal(j, o, "match_time", parse_count, &t->match_time, err) ||
        text(j, o, "outcome", t->outcome, sizeof t->outcome, err) || text(j, o, "owner", t->owner, sizeof t->owner, err) ||
        text(j, o, "maker_address", t->maker_address, sizeof t->maker_address, err) ||
        text(j, o, "trader_side", trader_side, sizeof trader_side, err) ||
        text(j, o, "transaction_hash", t->transaction_hash, sizeof t->transaction_hash, err))
        return pm_err_wrap(err, "trade %s", t->id);
    if (!t->id[0] || side < 0 || t->size < 0 || t->price < 0)
        return pm_err_set(err, "trade %s lacks id, side, size or price", t->id);
    t->side = (pm_side)side;
    t->is_taker = !strcasecmp(trader_side, "TAKER");
    int arr = pm_json_key(j, o, "maker_orders");
    if (!present(j, arr)) return 0;
    if (!pm_json_is_arr(j, arr)) return pm_err_set(err, "trade %s maker_orders is not an array", t->id);
    if (j->tok[arr].size == 0) return 0;
    *makers = calloc((size_t)j->tok[arr].size, sizeof **makers);
    if (!*makers) return pm_err_set(err, "out of memory");
    for (int k = 0, i = arr + 1; k < j->tok[arr].size; k++, i = pm_json_next(j, i))
        if (maker_order_at(j, i, &(*makers)[k], err)) return pm_err_wrap(err, "trade %s", t->id);
    t->maker_orders = *makers;
    t->nmaker_orders = (size_t)j->tok[arr].size;
    return 0;
}

int poly_parse_trades_page(const char *json, size_t len, int (*cb)(void *ctx, const poly_trade *t), void *ctx,
                           char *next_cursor, size_t cap, pm_err *err) {
    pm_json j;
    if (parse_doc(&j, json, len, "trades page", err)) return -1;
    next_cursor[0] = '\0';
    int arr = pm_json_key(&j, 0, "data");
    int rc = expect_obj(&j, 0, "trades page", err) || text(&j, 0, "next_cursor", next_cursor, cap, err) ? -1 : 0;
    if (!rc && present(&j, arr) && !pm_json_is_arr(&j, arr)) rc = pm_err_set(err, "trades page data is not an array");
    for (int k = 0, i = arr + 1; !rc && pm_json_is_arr(&j, arr) && k < j.tok[arr].size; k++, i = pm_json_next(&j, i)) {
        poly_trade t;
        poly_maker_order *makers;
        rc = trade_at(&j, i, &t, &makers, err) ? -1 : cb(ctx, &t);
        free(makers);
    }
    pm_json_release(&j);
    return rc;
}

/* --- balances and keys --- */

int poly_parse_balance(const char *json, size_t len, poly_balance *out, pm_err *err) {
    memset(out, 0, sizeof *out);
    out->balance = -1;
    pm_json j;
    if (parse_doc(&j, json, len, "balance", err)) return -1;
    int rc = expect_obj(&j, 0, "balance response", err) || decimal(&j, 0, "balance", parse_count, &out->balance, err)
                 ? -1
                 : 0;
    if (!rc && out->balance < 0) rc = pm_err_set(err, "balance response has no balance");
    int a = pm_json_key(&j, 0, "allowances");
    if (!rc && present(&j, a) && !pm_json_is_obj(&j, a)) rc = pm_err_set(err, "balance allowances is not an object");
    for (int k = 0, i = a + 1; !rc && pm_json_is_obj(&j, a) && k < j.tok[a].size; k++, i = pm_json_next(&j, i + 1)) {
        if (out->nallowances == POLY_ALLOWANCES_MAX) break;
        int n = out->nallowances++;
        size_t vl;
        const char *v = pm_json_text(&j, i + 1, &vl);
        if (pm_json_unescape(&j, i, out->allowance[n].spender, sizeof out->allowance[n].spender) < 0 ||
            j.tok[i + 1].type == JSMN_OBJECT || j.tok[i + 1].type == JSMN_ARRAY || vl >= sizeof out->allowance[n].amount ||
            strspn(v, "0123456789") < vl)
            rc = pm_err_set(err, "balance allowance %d is not address: amount", k);
        else
            memcpy(out->allowance[n].amount, v, vl), out->allowance[n].amount[vl] = '\0';
    }
    pm_json_release(&j);
    return rc;
}

int poly_parse_creds(const char *json, size_t len, poly_creds *out, pm_err *err) {
    memset(out, 0, sizeof *out);
    pm_json j;
    if (parse_doc(&j, json, len, "API key", err)) return -1;
    int rc = expect_obj(&j, 0, "API key response", err) || text(&j, 0, "apiKey", out->key, sizeof out->key, err) ||
                     text(&j, 0, "secret", out->secret, sizeof out->secret, err) ||
                     text(&j, 0, "passphrase", out->passphrase, sizeof out->passphrase, err)
                 ? -1
                 : 0;
    if (!rc && (!out->key[0] || !out->secret[0] || !out->passphrase[0]))
        rc = pm_err_set(err, "API key response lacks apiKey, secret or passphrase");
    pm_json_release(&j);
    return rc;
}
