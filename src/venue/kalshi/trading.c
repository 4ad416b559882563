/* trading.c — Kalshi order and portfolio requests (see trading.h). */
#include "venue/kalshi/trading.h"

#include "util/clock.h"
#include "util/jtok.h"
#include "venue/kalshi/ws_msg.h"

#include <stdio.h>
#include <string.h>

/* Reads a decimal string field with fn; absent fields leave *out as it is. */
static int field(const pm_json *j, int obj, const char *key, int (*fn)(const char *, size_t, int64_t *, pm_err *),
                 int64_t *out, pm_err *err) {
    int i = pm_json_key(j, obj, key);
    if (i < 0) return 0;
    size_t n;
    const char *s = pm_json_text(j, i, &n);
    if (!pm_json_is_str(j, i) || fn(s, n, out, err)) return pm_err_set(err, "response field %s is not a decimal string", key);
    return 0;
}

static int parse_order(const char *body, size_t len, int wrapped, kalshi_order_result *res, pm_err *err) {
    pm_json j;
    if (pm_json_parse_alloc(&j, body, len) < 0) return pm_err_set(err, "order response is not JSON");
    int o = wrapped ? pm_json_key(&j, 0, "order") : 0;
    int id = pm_json_key(&j, o, "order_id"), rc = 0;
    /* a success without an order id is a refusal (reported by third parties) */
    if (!pm_json_is_str(&j, id) || pm_json_unescape(&j, id, res->order_id, sizeof res->order_id) < 1)
        rc = pm_err_set(err, "order response has no order_id: %.200s", body);
    int st = pm_json_key(&j, o, "status");
    if (pm_json_is_str(&j, st)) pm_json_unescape(&j, st, res->status, sizeof res->status);
    pm_usd_t avg_fee = 0;
    pm_px_t avg = -1;
    if (!rc)
        rc = field(&j, o, wrapped ? "fill_count_fp" : "fill_count", pm_qty_parse, &res->filled, err) ||
             field(&j, o, wrapped ? "remaining_count_fp" : "remaining_count", pm_qty_parse, &res->remaining, err) ||
             field(&j, o, "average_fill_price", pm_px_parse, &avg, err) ||
             field(&j, o, "average_fee_paid", pm_usd_parse, &avg_fee, err) ||
             field(&j, o, "taker_fees_dollars", pm_usd_parse, &res->fees, err);
    pm_json_release(&j);
    if (rc) return -1;
    res->avg_price = avg;
    if (!wrapped && res->filled > 0) pm_mul_div(avg_fee, res->filled, PM_SCALE, PM_ROUND_HALF_EVEN, &res->fees, NULL);
    return 0;
}

int kalshi_parse_order_response(const char *body, size_t len, kalshi_order_result *res, pm_err *err) {
    memset(res, 0, sizeof *res);
    res->known = 1;
    res->avg_price = -1;
    return parse_order(body, len, 0, res, err);
}

int kalshi_create_order(kalshi_rest *r, const kalshi_order *o, kalshi_order_result *res, pm_err *err) {
    memset(res, 0, sizeof *res);
    res->avg_price = -1;
    char body[1024];
    if (kalshi_order_body(o, body, sizeof body, err) < 0) {
        res->known = 1; /* never sent */
        return -1;
    }
    pm_http_response http = {0};
    int rc = kalshi_rest_write(r, "POST", "/portfolio/events/orders", body, &http, err);
    res->known = http.status != 0;
    if (rc == 0) rc = parse_order(http.body, http.len, 0, res, err);
    pm_http_response_free(&http);
    return rc;
}

int kalshi_cancel_order(kalshi_rest *r, const char *order_id, const char *ticker, pm_qty_t *reduced, pm_err *err) {
    char path[512];
    snprintf(path, sizeof path, "/portfolio/events/orders/%s?market_ticker=%s", order_id, ticker);
    pm_http_response http = {0};
    int rc = kalshi_rest_write(r, "DELETE", path, NULL, &http, err);
    *reduced = 0;
    if (rc == 0) {
        pm_json j;
        if (pm_json_parse_alloc(&j, http.body, http.len) < 0) rc = pm_err_set(err, "cancel response is not JSON");
        else {
            rc = field(&j, 0, "reduced_by", pm_qty_parse, reduced, err);
            pm_json_release(&j);
        }
    }
    pm_http_response_free(&http);
    return rc;
}

int kalshi_find_order(kalshi_rest *r, const char *ticker, const char *client_order_id, kalshi_order_result *res,
                      pm_err *err) {
    char path[512];
    snprintf(path, sizeof path, "/portfolio/orders?ticker=%s&limit=1000", ticker);
    pm_http_response http = {0};
    int found = 0;
    if (kalshi_rest_get(r, path, &http, err)) {
        pm_http_response_free(&http);
        return -1;
    }
    pm_json j;
    if (pm_json_parse_alloc(&j, http.body, http.len) < 0) {
        pm_http_response_free(&http);
        return pm_err_set(err, "orders response is not JSON");
    }
    int arr = pm_json_key(&j, 0, "orders");
    for (int k = 0, i = arr + 1; pm_json_is_arr(&j, arr) && k < j.tok[arr].size && !found; k++, i = pm_json_next(&j, i)) {
        if (!pm_json_eq(&j, pm_json_key(&j, i, "client_order_id"), client_order_id)) continue;
        memset(res, 0, sizeof *res);
        res->known = 1;
        size_t len = (size_t)(j.tok[i].end - j.tok[i].start);
        char wrapped[8192];
        if (len + 16 > sizeof wrapped) break;
        int n = snprintf(wrapped, sizeof wrapped, "{\"order\":%.*s}", (int)len, j.js + j.tok[i].start);
        found = parse_order(wrapped, (size_t)n, 1, res, err) ? -1 : 1;
    }
    pm_json_release(&j);
    pm_http_response_free(&http);
    return found;
}

int kalshi_get_balance(kalshi_rest *r, pm_usd_t *balance, pm_err *err) {
    pm_http_response http = {0};
    int rc = kalshi_rest_get(r, "/portfolio/balance", &http, err);
    if (rc == 0) {
        pm_json j;
        if (pm_json_parse_alloc(&j, http.body, http.len) < 0) rc = pm_err_set(err, "balance response is not JSON");
        else {
            *balance = -1;
            rc = field(&j, 0, "balance_dollars", pm_usd_parse, balance, err);
            if (!rc && *balance < 0) rc = pm_err_set(err, "balance response has no balance_dollars");
            pm_json_release(&j);
        }
    }
    pm_http_response_free(&http);
    return rc;
}

/* [["0.4200","13.00"], ...] into levels; NO bids become YES asks when no_side. */
static int book_side(const pm_json *j, int arr, int no_side, pm_level *lv, size_t cap, size_t *n, pm_err *err) {
    *n = 0;
    if (arr < 0 || pm_json_is_null(j, arr)) return 0;
    if (!pm_json_is_arr(j, arr) || (size_t)j->tok[arr].size > cap) return pm_err_set(err, "order book side is malformed");
    for (int k = 0, i = arr + 1; k < j->tok[arr].size; k++, i = pm_json_next(j, i)) {
        size_t pl, ql;
        if (!pm_json_is_arr(j, i) || j->tok[i].size != 2 || !pm_json_is_str(j, i + 1) || !pm_json_is_str(j, i + 2))
            return pm_err_set(err, "order book level %d is not [price, count] strings", k);
        const char *ps = pm_json_text(j, i + 1, &pl), *qs = pm_json_text(j, i + 2, &ql);
        pm_px_t px;
        pm_qty_t q;
        if (pm_px_parse(ps, pl, &px, err) || pm_qty_parse(qs, ql, &q, err)) return -1;
        lv[(*n)++] = (pm_level){no_side ? PM_PX_ONE - px : px, q};
    }
    return 0;
}

int kalshi_get_orderbook(kalshi_rest *r, const char *ticker, pm_book *out, pm_err *err) {
    char path[256];
    snprintf(path, sizeof path, "/markets/%s/orderbook", ticker);
    pm_http_response http = {0};
    if (kalshi_rest_get(r, path, &http, err)) {
        pm_http_response_free(&http);
        return -1;
    }
    static pm_level bids[KALSHI_MAX_LEVELS], asks[KALSHI_MAX_LEVELS];
    size_t nb = 0, na = 0;
    pm_json j;
    int rc = pm_json_parse_alloc(&j, http.body, http.len) < 0 ? pm_err_set(err, "order book response is not JSON") : 0;
    if (!rc) {
        int fp = pm_json_key(&j, 0, "orderbook_fp");
        rc = !pm_json_is_obj(&j, fp) ? pm_err_set(err, "order book response has no orderbook_fp")
             : book_side(&j, pm_json_key(&j, fp, "yes_dollars"), 0, bids, KALSHI_MAX_LEVELS, &nb, err) ||
                     book_side(&j, pm_json_key(&j, fp, "no_dollars"), 1, asks, KALSHI_MAX_LEVELS, &na, err)
                 ? -1
                 : 0;
        pm_json_release(&j);
    }
    pm_http_response_free(&http);
    if (rc) return -1;
    pm_book_init(out);
    if (pm_book_snapshot(out, bids, nb, asks, na, pm_mono_ns())) return pm_err_set(err, "order book has repeated or invalid levels");
    return 0;
}

static void text(const pm_json *j, int obj, const char *key, char *out, size_t cap) {
    out[0] = '\0';
    int i = pm_json_key(j, obj, key);
    if (pm_json_is_str(j, i) && pm_json_unescape(j, i, out, cap) < 0) out[0] = '\0';
}

static int signed_count(const char *s, size_t len, int64_t *out, pm_err *err) {
    static const pm_decimal_spec spec = {6, 6, 1, -INT64_MAX, INT64_MAX, "position"};
    return pm_decimal_parse(s, len, &spec, out, err);
}

/* Walks every page of path's `key` array, calling row(ctx, json, index) per element. */
static int each_page(kalshi_rest *r, const char *path, const char *key, int (*row)(void *, const pm_json *, int, pm_err *),
                     void *ctx, pm_err *err) {
    char cursor[1024] = "", url[1536];
    do {
        snprintf(url, sizeof url, "%s%s%s", path, cursor[0] ? "&cursor=" : "", cursor);
        pm_http_response http = {0};
        if (kalshi_rest_get(r, url, &http, err)) {
            pm_http_response_free(&http);
            return -1;
        }
        pm_json j;
        if (pm_json_parse_alloc(&j, http.body, http.len) < 0) {
            pm_http_response_free(&http);
            return pm_err_set(err, "%s: response is not JSON", path);
        }
        int arr = pm_json_key(&j, 0, key), rc = pm_json_is_arr(&j, arr) ? 0 : pm_err_set(err, "%s: no %s array", path, key);
        for (int k = 0, i = arr + 1; !rc && k < j.tok[arr].size; k++, i = pm_json_next(&j, i)) rc = row(ctx, &j, i, err);
        text(&j, 0, "cursor", cursor, sizeof cursor);
        pm_json_release(&j);
        pm_http_response_free(&http);
        if (rc) return rc;
    } while (cursor[0]);
    return 0;
}

typedef struct rows_ctx {
    int (*position)(void *ctx, const kalshi_position *p);
    int (*fill)(void *ctx, const kalshi_fill *f);
    void *ctx;
} rows_ctx;

static int position_row(void *ctx_, const pm_json *j, int i, pm_err *err) {
    rows_ctx *c = ctx_;
    kalshi_position p = {.fees_paid = -1};
    text(j, i, "ticker", p.ticker, sizeof p.ticker);
    if (!p.ticker[0] || field(j, i, "position_fp", signed_count, &p.position, err) ||
        field(j, i, "fees_paid_dollars", pm_usd_parse, &p.fees_paid, err))
        return p.ticker[0] ? -1 : pm_err_set(err, "position without ticker");
    return c->position(c->ctx, &p);
}

static int fill_row(void *ctx_, const pm_json *j, int i, pm_err *err) {
    rows_ctx *c = ctx_;
    kalshi_fill f;
    memset(&f, 0, sizeof f);
    text(j, i, "trade_id", f.trade_id, sizeof f.trade_id);
    text(j, i, "order_id", f.order_id, sizeof f.order_id);
    text(j, i, "client_order_id", f.client_order_id, sizeof f.client_order_id);
    text(j, i, "ticker", f.ticker, sizeof f.ticker);
    char side[8];
    text(j, i, "outcome_side", side, sizeof side);
    pm_px_t yes = -1;
    if (!f.trade_id[0] || !f.order_id[0] || pm_outcome_parse(side, &f.outcome))
        return pm_err_set(err, "fill without trade_id, order_id or outcome_side");
    if (field(j, i, "yes_price_dollars", pm_px_parse, &yes, err) || field(j, i, "count_fp", pm_qty_parse, &f.count, err) ||
        field(j, i, "fee_cost", pm_usd_parse, &f.fee, err))
        return -1;
    if (yes < 0) return pm_err_set(err, "fill %s without yes_price_dollars", f.trade_id);
    f.price = f.outcome == PM_OUTCOME_YES ? yes : PM_PX_ONE - yes;
    f.is_taker = pm_json_eq(j, pm_json_key(j, i, "is_taker"), "true");
    return c->fill(c->ctx, &f);
}

int kalshi_get_positions(kalshi_rest *r, int (*cb)(void *ctx, const kalshi_position *p), void *ctx, pm_err *err) {
    rows_ctx c = {cb, NULL, ctx};
    return each_page(r, "/portfolio/positions?limit=1000", "market_positions", position_row, &c, err);
}

int kalshi_get_fills(kalshi_rest *r, int (*cb)(void *ctx, const kalshi_fill *f), void *ctx, pm_err *err) {
    rows_ctx c = {NULL, cb, ctx};
    return each_page(r, "/portfolio/fills?limit=1000", "fills", fill_row, &c, err);
}

typedef struct resting_ctx {
    int (*cb)(void *ctx, const char *order_id, const char *ticker);
    void *ctx;
} resting_ctx;

static int resting_row(void *ctx_, const pm_json *j, int i, pm_err *err) {
    resting_ctx *c = ctx_;
    char id[64], ticker[96];
    text(j, i, "order_id", id, sizeof id);
    text(j, i, "ticker", ticker, sizeof ticker);
    if (!id[0] || !ticker[0]) return pm_err_set(err, "resting order without order_id or ticker");
    return c->cb(c->ctx, id, ticker);
}

int kalshi_list_resting(kalshi_rest *r, int (*cb)(void *ctx, const char *order_id, const char *ticker), void *ctx,
                        pm_err *err) {
    resting_ctx c = {cb, ctx};
    return each_page(r, "/portfolio/orders?status=resting&limit=1000", "orders", resting_row, &c, err);
}
