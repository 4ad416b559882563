/* clob_api.c — typed Polymarket CLOB calls (see clob_api.h). */
#include "venue/polymarket/clob_api.h"

#include "util/clock.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Ids go into paths, queries and bodies unescaped: only [0-9A-Za-z_-] is accepted. */
static int check_id(const char *what, const char *s, pm_err *err) {
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n >= POLY_ID_MAX || strspn(s, "0123456789abcdefABCDEFghijklmnopqrstuvwxyzGHIJKLMNOPQRSTUVWXYZ_-") != n)
        return pm_err_set(err, "%s is not a valid id: '%.100s'", what, s ? s : "");
    return 0;
}

/* Appends "&key=value" (percent-encoded; the first without '&') to q when value is set. */
static void query_add(char *q, size_t cap, const char *key, const char *value) {
    if (!value || !value[0]) return;
    size_t n = strlen(q);
    n += (size_t)snprintf(q + n, n < cap ? cap - n : 0, "%s%s=", n ? "&" : "", key);
    for (const unsigned char *p = (const unsigned char *)value; *p && n + 4 < cap; p++) {
        if (isalnum(*p) || strchr("-_.~", *p)) q[n++] = (char)*p;
        else n += (size_t)snprintf(q + n, cap - n, "%%%02X", *p);
    }
    q[n < cap ? n : cap - 1] = '\0';
}

static int get(poly_rest *r, const char *path, const char *query, poly_auth auth, poly_ep ep, pm_http_response *res,
               pm_err *err) {
    poly_req q = {.method = "GET", .path = path, .query = query, .auth = auth, .ep = ep};
    return poly_rest_read(r, &q, res, err);
}

/* GET then parse with fn(body, len, out, err). */
#define GET_PARSED(r, path, query, auth, ep, fn, out, err)                                   \
    do {                                                                                     \
        pm_http_response http_ = {0};                                                        \
        int rc_ = get(r, path, query, auth, ep, &http_, err);                                \
        if (!rc_) rc_ = fn(http_.body, http_.len, out, err);                                 \
        pm_http_response_free(&http_);                                                       \
        return rc_;                                                                          \
    } while (0)

/* --- market data --- */

int poly_get_book(poly_rest *r, const char *token_id, poly_book *out, pm_err *err) {
    char q[160] = "";
    if (check_id("token id", token_id, err)) return -1;
    query_add(q, sizeof q, "token_id", token_id);
    GET_PARSED(r, "/book", q, POLY_AUTH_NONE, POLY_EP_BOOK, poly_parse_book, out, err);
}

int poly_get_books(poly_rest *r, const char *const *token_ids, size_t n, poly_book *out, size_t *nout, pm_err *err) {
    *nout = 0;
    size_t cap = 2 + n * (POLY_ID_MAX + 16);
    char *body = malloc(cap);
    if (!body) return pm_err_set(err, "out of memory");
    size_t len = (size_t)snprintf(body, cap, "[");
    for (size_t i = 0; i < n; i++) {
        if (check_id("token id", token_ids[i], err)) {
            free(body);
            return -1;
        }
        len += (size_t)snprintf(body + len, cap - len, "%s{\"token_id\":\"%s\"}", i ? "," : "", token_ids[i]);
    }
    snprintf(body + len, cap - len, "]");
    poly_req q = {.method = "POST", .path = "/books", .body = body, .ep = POLY_EP_BOOKS};
    pm_http_response http = {0};
    int rc = poly_rest_read(r, &q, &http, err);
    if (!rc) rc = poly_parse_books(http.body, http.len, out, n, nout, err);
    pm_http_response_free(&http);
    free(body);
    return rc;
}

static int token_get(poly_rest *r, const char *path, poly_ep ep, const char *token_id, pm_http_response *http,
                     pm_err *err) {
    char q[160] = "";
    if (check_id("token id", token_id, err)) return -1;
    query_add(q, sizeof q, "token_id", token_id);
    return get(r, path, q, POLY_AUTH_NONE, ep, http, err);
}

#define TOKEN_PARSED(r, path, ep, token_id, fn, out, err)                                    \
    do {                                                                                     \
        pm_http_response http_ = {0};                                                        \
        int rc_ = token_get(r, path, ep, token_id, &http_, err);                             \
        if (!rc_) rc_ = fn(http_.body, http_.len, out, err);                                 \
        pm_http_response_free(&http_);                                                       \
        return rc_;                                                                          \
    } while (0)

int poly_get_tick_size(poly_rest *r, const char *token_id, pm_px_t *tick, pm_err *err) {
    TOKEN_PARSED(r, "/tick-size", POLY_EP_TICK, token_id, poly_parse_tick_size, tick, err);
}

int poly_get_neg_risk(poly_rest *r, const char *token_id, int *neg_risk, pm_err *err) {
    TOKEN_PARSED(r, "/neg-risk", POLY_EP_GENERAL, token_id, poly_parse_neg_risk, neg_risk, err);
}

int poly_get_fee_rate_bps(poly_rest *r, const char *token_id, int64_t *bps, pm_err *err) {
    TOKEN_PARSED(r, "/fee-rate", POLY_EP_GENERAL, token_id, poly_parse_fee_rate, bps, err);
}

int poly_get_clob_market(poly_rest *r, const char *condition_id, poly_market_info *out, pm_err *err) {
    char path[160];
    if (check_id("condition id", condition_id, err)) return -1;
    snprintf(path, sizeof path, "/clob-markets/%s", condition_id);
    GET_PARSED(r, path, NULL, POLY_AUTH_NONE, POLY_EP_GENERAL, poly_parse_clob_market, out, err);
}

int poly_get_legacy_market(poly_rest *r, const char *condition_id, poly_market_info *out, pm_err *err) {
    char path[160];
    if (check_id("condition id", condition_id, err)) return -1;
    snprintf(path, sizeof path, "/markets/%s", condition_id);
    GET_PARSED(r, path, NULL, POLY_AUTH_NONE, POLY_EP_GENERAL, poly_parse_legacy_market, out, err);
}

int poly_get_time(poly_rest *r, int64_t *server_s, pm_err *err) {
    pm_http_response http = {0};
    int rc = get(r, "/time", NULL, POLY_AUTH_NONE, POLY_EP_GENERAL, &http, err);
    if (!rc) {
        const char *s = http.body;
        size_t n = http.len;
        while (n && isspace((unsigned char)*s)) s++, n--;
        while (n && isspace((unsigned char)s[n - 1])) n--;
        static const pm_decimal_spec spec = {0, 0, 0, 1, INT64_MAX, "server time"};
        rc = pm_decimal_parse(s, n, &spec, server_s, err);
    }
    pm_http_response_free(&http);
    return rc;
}

int poly_rest_sync_time(poly_rest *r, pm_err *err) {
    int64_t server;
    if (poly_get_time(r, &server, err)) return -1;
    r->clock_offset_s = server - pm_wall_ns() / 1000000000LL;
    return 0;
}

int poly_get_version(poly_rest *r, int *version, pm_err *err) {
    GET_PARSED(r, "/version", NULL, POLY_AUTH_NONE, POLY_EP_GENERAL, poly_parse_version, version, err);
}

/* --- orders --- */

static void response_init(poly_order_response *o, const char *order_hash) {
    memset(o, 0, sizeof *o);
    o->http_status = -1;
    o->known = 1;
    o->making_amount = o->taking_amount = -1;
    snprintf(o->order_id, sizeof o->order_id, "%s", order_hash ? order_hash : "");
}

/* What the HTTP outcome says about the order's fate: nothing sent, or a clear answer, is
 * known; no answer, or a 5xx from whatever stands in front of the matching engine, is not. */
static void response_outcome(poly_order_response *o, const pm_http_response *http, const pm_err *err) {
    o->http_status = http->status;
    o->known = http->status < 0 || (http->status > 0 && http->status < 500);
    if (http->status == 0 && err) snprintf(o->error, sizeof o->error, "%s", err->msg);
    else if (http->status >= 300) poly_error_text(http->body, http->len, o->error, sizeof o->error);
}

int poly_post_order(poly_rest *r, const char *body, const char *order_hash, poly_order_response *out, pm_err *err) {
    response_init(out, order_hash);
    if (!body || !body[0]) return pm_err_set(err, "POST /order needs an order body");
    poly_req q = {.method = "POST", .path = "/order", .body = body, .auth = POLY_AUTH_L2, .ep = POLY_EP_POST_ORDER};
    pm_http_response http = {0};
    int rc = poly_rest_write(r, &q, &http, err);
    response_outcome(out, &http, err);
    if (rc == 0) {
        if (poly_parse_order_response(http.body, http.len, out, err)) {
            out->known = 0; /* accepted with an answer we cannot read: ask the venue */
            rc = pm_err_wrap(err, "POST /order answered HTTP %ld", http.status);
        } else if (!out->success) {
            rc = pm_err_set(err, "POST /order: refused: %s", out->error[0] ? out->error : "success false");
        }
    }
    pm_http_response_free(&http);
    return rc;
}

/* Slot of the order whose hash is id among the unanswered ones, or -1. */
static int slot_of(const char *id, const char *const *hashes, const int *answered, size_t n) {
    for (size_t i = 0; id[0] && i < n; i++)
        if (!answered[i] && hashes[i] && !strcasecmp(hashes[i], id)) return (int)i;
    return -1;
}

int poly_post_orders(poly_rest *r, const char *const *bodies, const char *const *order_hashes, size_t n,
                     poly_order_response *out, pm_err *err) {
    for (size_t i = 0; i < n; i++) response_init(&out[i], order_hashes[i]);
    if (n == 0 || n > POLY_BATCH_MAX) return pm_err_set(err, "POST /orders takes 1 to %d orders, not %zu", POLY_BATCH_MAX, n);
    size_t cap = 3;
    for (size_t i = 0; i < n; i++) cap += strlen(bodies[i]) + 1;
    char *body = malloc(cap);
    if (!body) return pm_err_set(err, "out of memory");
    size_t len = 0;
    body[len++] = '[';
    for (size_t i = 0; i < n; i++) {
        if (i) body[len++] = ',';
        size_t bl = strlen(bodies[i]);
        memcpy(body + len, bodies[i], bl);
        len += bl;
    }
    body[len++] = ']';
    body[len] = '\0';
    poly_req q = {.method = "POST", .path = "/orders", .body = body, .auth = POLY_AUTH_L2, .ep = POLY_EP_POST_ORDERS,
                  .cost = (int64_t)n};
    pm_http_response http = {0};
    int rc = poly_rest_write(r, &q, &http, err);
    for (size_t i = 0; i < n; i++) response_outcome(&out[i], &http, err);
    if (rc == 0) {
        poly_order_response got[POLY_BATCH_MAX];
        int answered[POLY_BATCH_MAX] = {0}, used[POLY_BATCH_MAX] = {0};
        size_t ngot = 0;
        if (poly_parse_order_responses(http.body, http.len, got, n, &ngot, err)) {
            for (size_t i = 0; i < n; i++) out[i].known = 0;
            rc = pm_err_wrap(err, "POST /orders answered HTTP %ld", http.status);
        } else {
            /* answers naming an order's hash go to it; the others fill the remaining slots in order */
            for (size_t k = 0; k < ngot; k++) {
                int s = slot_of(got[k].order_id, order_hashes, answered, n);
                if (s < 0) continue;
                got[k].http_status = out[s].http_status;
                got[k].known = 1;
                out[s] = got[k];
                answered[s] = used[k] = 1;
            }
            for (size_t k = 0, s = 0; k < ngot; k++) {
                if (used[k]) continue;
                while (s < n && answered[s]) s++;
                if (s == n) break;
                got[k].http_status = out[s].http_status;
                got[k].known = 1;
                if (!got[k].order_id[0]) memcpy(got[k].order_id, out[s].order_id, sizeof got[k].order_id);
                out[s] = got[k];
                answered[s] = 1;
            }
            for (size_t i = 0; i < n; i++)
                if (!answered[i]) {
                    out[i].known = 0;
                    snprintf(out[i].error, sizeof out[i].error, "no answer for this order in the batch response");
                }
        }
    }
    pm_http_response_free(&http);
    free(body);
    return rc;
}

static int cancel(poly_rest *r, const char *path, const char *body, poly_ep ep, int64_t cost, poly_cancel_result *out,
                  pm_err *err) {
    memset(out, 0, sizeof *out);
    poly_req q = {.method = "DELETE", .path = path, .body = body, .auth = POLY_AUTH_L2, .ep = ep, .cost = cost};
    pm_http_response http = {0};
    int rc = poly_rest_write(r, &q, &http, err);
    if (!rc) rc = poly_parse_cancel(http.body, http.len, out, err);
    pm_http_response_free(&http);
    return rc;
}

int poly_cancel_order(poly_rest *r, const char *order_id, poly_cancel_result *out, pm_err *err) {
    char body[POLY_ID_MAX + 32];
    memset(out, 0, sizeof *out);
    if (check_id("order id", order_id, err)) return -1;
    snprintf(body, sizeof body, "{\"orderID\":\"%s\"}", order_id);
    return cancel(r, "/order", body, POLY_EP_CANCEL, 1, out, err);
}

int poly_cancel_orders(poly_rest *r, const char *const *order_ids, size_t n, poly_cancel_result *out, pm_err *err) {
    memset(out, 0, sizeof *out);
    if (n == 0) return pm_err_set(err, "DELETE /orders needs at least one order id");
    size_t cap = 3 + n * (POLY_ID_MAX + 3);
    char *body = malloc(cap);
    if (!body) return pm_err_set(err, "out of memory");
    size_t len = (size_t)snprintf(body, cap, "[");
    for (size_t i = 0; i < n; i++) {
        if (check_id("order id", order_ids[i], err)) {
            free(body);
            return -1;
        }
        len += (size_t)snprintf(body + len, cap - len, "%s\"%s\"", i ? "," : "", order_ids[i]);
    }
    snprintf(body + len, cap - len, "]");
    int rc = cancel(r, "/orders", body, POLY_EP_CANCEL_MANY, (int64_t)n, out, err);
    free(body);
    return rc;
}

int poly_cancel_all(poly_rest *r, poly_cancel_result *out, pm_err *err) {
    return cancel(r, "/cancel-all", NULL, POLY_EP_CANCEL, 1, out, err);
}

int poly_cancel_market_orders(poly_rest *r, const char *condition_id, const char *token_id, poly_cancel_result *out,
                              pm_err *err) {
    memset(out, 0, sizeof *out);
    int has_c = condition_id && condition_id[0], has_t = token_id && token_id[0];
    if (!has_c && !has_t) return pm_err_set(err, "DELETE /cancel-market-orders needs a market or a token id");
    if ((has_c && check_id("condition id", condition_id, err)) || (has_t && check_id("token id", token_id, err)))
        return -1;
    char body[2 * POLY_ID_MAX + 48];
    snprintf(body, sizeof body, "{%s%s%s%s%s%s%s}", has_c ? "\"market\":\"" : "", has_c ? condition_id : "",
             has_c ? "\"" : "", has_c && has_t ? "," : "", has_t ? "\"asset_id\":\"" : "", has_t ? token_id : "",
             has_t ? "\"" : "");
    return cancel(r, "/cancel-market-orders", body, POLY_EP_CANCEL, 1, out, err);
}

int poly_get_order(poly_rest *r, const char *order_id, poly_open_order *out, pm_err *err) {
    char path[POLY_ID_MAX + 16];
    if (check_id("order id", order_id, err)) return -1;
    snprintf(path, sizeof path, "/data/order/%s", order_id);
    pm_http_response http = {0};
    int rc = get(r, path, NULL, POLY_AUTH_L2, POLY_EP_DATA, &http, err);
    if (!rc) rc = poly_parse_order_lookup(http.body, http.len, out, err);
    pm_http_response_free(&http);
    return rc;
}

/* Walks every page of an L2 cursor endpoint; page(body, len, ctx, cursor) parses one. */
typedef int (*page_fn)(const char *body, size_t len, void *ctx, char *cursor, size_t cap, pm_err *err);

static int each_page(poly_rest *r, const char *path, const char *filters, poly_auth auth, poly_ep ep, page_fn page,
                     void *ctx, pm_err *err) {
    char cursor[256] = POLY_INITIAL_CURSOR, prev[256] = "";
    for (;;) {
        char q[1024];
        snprintf(q, sizeof q, "%s", filters);
        query_add(q, sizeof q, "next_cursor", cursor);
        pm_http_response http = {0};
        int rc = get(r, path, q, auth, ep, &http, err);
        snprintf(prev, sizeof prev, "%s", cursor);
        if (!rc) rc = page(http.body, http.len, ctx, cursor, sizeof cursor, err);
        pm_http_response_free(&http);
        if (rc) return rc;
        if (!cursor[0] || !strcmp(cursor, POLY_END_CURSOR)) return 0;
        if (!strcmp(cursor, prev)) return pm_err_set(err, "GET %s: the venue repeated cursor %s", path, cursor);
    }
}

typedef struct orders_ctx {
    int (*cb)(void *ctx, const poly_open_order *o);
    void *ctx;
} orders_ctx;

static int orders_page(const char *body, size_t len, void *ctx, char *cursor, size_t cap, pm_err *err) {
    orders_ctx *c = ctx;
    return poly_parse_orders_page(body, len, c->cb, c->ctx, cursor, cap, err);
}

int poly_list_orders(poly_rest *r, const char *market, const char *asset_id,
                     int (*cb)(void *ctx, const poly_open_order *o), void *ctx, pm_err *err) {
    char q[512] = "";
    query_add(q, sizeof q, "market", market);
    query_add(q, sizeof q, "asset_id", asset_id);
    orders_ctx c = {cb, ctx};
    return each_page(r, "/data/orders", q, POLY_AUTH_L2, POLY_EP_DATA, orders_page, &c, err);
}

typedef struct trades_ctx {
    int (*cb)(void *ctx, const poly_trade *t);
    void *ctx;
} trades_ctx;

static int trades_page(const char *body, size_t len, void *ctx, char *cursor, size_t cap, pm_err *err) {
    trades_ctx *c = ctx;
    return poly_parse_trades_page(body, len, c->cb, c->ctx, cursor, cap, err);
}

int poly_list_trades(poly_rest *r, const poly_trade_filter *f, int (*cb)(void *ctx, const poly_trade *t), void *ctx,
                     pm_err *err) {
    char q[768] = "", num[24];
    if (f) {
        query_add(q, sizeof q, "id", f->id);
        query_add(q, sizeof q, "maker_address", f->maker_address);
        query_add(q, sizeof q, "market", f->market);
        query_add(q, sizeof q, "asset_id", f->asset_id);
        if (f->before > 0) snprintf(num, sizeof num, "%lld", (long long)f->before), query_add(q, sizeof q, "before", num);
        if (f->after > 0) snprintf(num, sizeof num, "%lld", (long long)f->after), query_add(q, sizeof q, "after", num);
    }
    trades_ctx c = {cb, ctx};
    return each_page(r, "/data/trades", q, POLY_AUTH_L2, POLY_EP_DATA, trades_page, &c, err);
}

typedef struct markets_ctx {
    int (*cb)(void *ctx, const poly_market_info *m);
    void *ctx;
} markets_ctx;

static int markets_page(const char *body, size_t len, void *ctx, char *cursor, size_t cap, pm_err *err) {
    markets_ctx *c = ctx;
    return poly_parse_markets_page(body, len, c->cb, c->ctx, cursor, cap, err);
}

int poly_list_markets(poly_rest *r, int (*cb)(void *ctx, const poly_market_info *m), void *ctx, pm_err *err) {
    markets_ctx c = {cb, ctx};
    return each_page(r, "/markets", "", POLY_AUTH_NONE, POLY_EP_GENERAL, markets_page, &c, err);
}

typedef struct fate_ctx {
    const char *hash;
    poly_order_fate *out;
} fate_ctx;

static int fate_trade(void *ctx, const poly_trade *t) {
    fate_ctx *c = ctx;
    int hit = 0;
    if (!strcasecmp(t->taker_order_id, c->hash)) c->out->matched += t->size, hit = 1;
    for (size_t k = 0; k < t->nmaker_orders; k++)
        if (!strcasecmp(t->maker_orders[k].order_id, c->hash)) c->out->matched += t->maker_orders[k].matched_amount, hit = 1;
    c->out->ntrades += hit;
    return 0;
}

int poly_find_order_fate(poly_rest *r, const char *order_hash, const char *asset_id, int64_t after_s,
                         poly_order_fate *out, pm_err *err) {
    memset(out, 0, sizeof *out);
    int found = poly_get_order(r, order_hash, &out->order, err);
    if (found < 0) return -1;
    if (found) {
        out->fate = POLY_FATE_OPEN;
        out->matched = out->order.size_matched;
        return 0;
    }
    poly_trade_filter f = {.asset_id = asset_id, .after = after_s};
    fate_ctx c = {order_hash, out};
    if (poly_list_trades(r, &f, fate_trade, &c, err)) return -1;
    out->fate = out->ntrades ? POLY_FATE_TRADED : POLY_FATE_NOT_FOUND;
    return 0;
}

/* --- balances --- */

static void balance_query(char *q, size_t cap, const char *asset_type, const char *token_id, int signature_type) {
    char st[16];
    q[0] = '\0';
    snprintf(st, sizeof st, "%d", signature_type);
    query_add(q, cap, "asset_type", asset_type);
    query_add(q, cap, "token_id", token_id);
    query_add(q, cap, "signature_type", st);
}

int poly_get_balance_allowance(poly_rest *r, const char *asset_type, const char *token_id, int signature_type,
                               poly_balance *out, pm_err *err) {
    char q[320];
    if (token_id && check_id("token id", token_id, err)) return -1;
    balance_query(q, sizeof q, asset_type, token_id, signature_type);
    GET_PARSED(r, "/balance-allowance", q, POLY_AUTH_L2, POLY_EP_BALANCE, poly_parse_balance, out, err);
}

int poly_update_balance_allowance(poly_rest *r, const char *asset_type, const char *token_id, int signature_type,
                                  pm_err *err) {
    char q[320];
    if (token_id && check_id("token id", token_id, err)) return -1;
    balance_query(q, sizeof q, asset_type, token_id, signature_type);
    pm_http_response http = {0};
    int rc = get(r, "/balance-allowance/update", q, POLY_AUTH_L2, POLY_EP_BALANCE_UPDATE, &http, err);
    pm_http_response_free(&http);
    return rc;
}

/* --- API keys --- */

static int api_key(poly_rest *r, const char *method, const char *path, const poly_wallet *w, uint64_t nonce,
                   poly_creds *out, pm_err *err) {
    poly_req q = {.method = method, .path = path, .auth = POLY_AUTH_L1, .ep = POLY_EP_KEYS, .wallet = w, .nonce = nonce};
    pm_http_response http = {0};
    int rc = !strcmp(method, "GET") ? poly_rest_read(r, &q, &http, err) : poly_rest_write(r, &q, &http, err);
    if (!rc) rc = poly_parse_creds(http.body, http.len, out, err);
    if (http.body) memset(http.body, 0, http.len); /* it held the secret */
    pm_http_response_free(&http);
    return rc;
}

int poly_create_api_key(poly_rest *r, const poly_wallet *w, uint64_t nonce, poly_creds *out, pm_err *err) {
    return api_key(r, "POST", "/auth/api-key", w, nonce, out, err);
}

int poly_derive_api_key(poly_rest *r, const poly_wallet *w, uint64_t nonce, poly_creds *out, pm_err *err) {
    return api_key(r, "GET", "/auth/derive-api-key", w, nonce, out, err);
}
