/* trading.c — Kalshi order and portfolio requests (see trading.h). */
#include "venue/kalshi/trading.h"

#include "util/jtok.h"

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
