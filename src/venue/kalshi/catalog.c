/* catalog.c — Kalshi catalogue parsing (see catalog.h). */
#include "venue/kalshi/catalog.h"

#include "util/clock.h"
#include "util/jtok.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_doc(pm_json *j, const char *body, size_t len, pm_err *err) {
    int n = pm_json_parse_alloc(j, body, len);
    if (n < 0) return pm_err_set(err, n == -3 ? "truncated JSON response" : "invalid JSON response");
    if (!pm_json_is_obj(j, 0)) {
        pm_json_release(j);
        return pm_err_set(err, "response is not a JSON object");
    }
    return 0;
}

static void read_cursor(const pm_json *j, char cursor[KALSHI_CURSOR_MAX]) {
    cursor[0] = '\0';
    int c = pm_json_key(j, 0, "cursor");
    if (pm_json_is_str(j, c) && pm_json_unescape(j, c, cursor, KALSHI_CURSOR_MAX) < 0) cursor[0] = '\0';
}

/* A decimal that may arrive as a JSON number or a string of one; -1 when absent or null. */
static int opt_decimal(const pm_json *j, int obj, const char *key, int64_t *out, pm_err *err) {
    static const pm_decimal_spec spec = {6, 6, 0, 0, INT64_MAX, "fee multiplier"};
    *out = -1;
    int i = pm_json_key(j, obj, key);
    if (i < 0 || pm_json_is_null(j, i)) return 0;
    size_t n;
    const char *s = pm_json_text(j, i, &n);
    return pm_decimal_parse(s, n, &spec, out, err) ? pm_err_wrap(err, "%s", key) : 0;
}

static void opt_text(const pm_json *j, int obj, const char *key, char *out, size_t cap) {
    out[0] = '\0';
    int i = pm_json_key(j, obj, key);
    if (pm_json_is_str(j, i) && pm_json_unescape(j, i, out, cap) < 0) out[0] = '\0';
}

/* Uniform step of price_ranges [{start, end, step}], or -1 when absent or not uniform. */
static pm_px_t tick_of(const pm_json *j, int obj) {
    int arr = pm_json_key(j, obj, "price_ranges");
    if (!pm_json_is_arr(j, arr) || j->tok[arr].size == 0) return -1;
    pm_px_t tick = -1;
    for (int k = 0, i = arr + 1; k < j->tok[arr].size; k++, i = pm_json_next(j, i)) {
        int st = pm_json_key(j, i, "step");
        size_t n;
        pm_px_t step;
        if (!pm_json_is_str(j, st)) return -1;
        const char *s = pm_json_text(j, st, &n);
        if (pm_px_parse(s, n, &step, NULL) || step <= 0) return -1;
        if (tick >= 0 && step != tick) return -1;
        tick = step;
    }
    return tick;
}

static int market_of(const pm_json *j, int obj, kalshi_market_cb cb, void *ctx, pm_err *err) {
    pm_market m;
    pm_market_init(&m, PM_VENUE_KALSHI);
    char *ticker = pm_json_strdup(j, pm_json_key(j, obj, "ticker"));
    char *event = pm_json_strdup(j, pm_json_key(j, obj, "event_ticker"));
    char *title = pm_json_strdup(j, pm_json_key(j, obj, "title"));
    char *sub = pm_json_strdup(j, pm_json_key(j, obj, "yes_sub_title"));
    char *r1 = pm_json_strdup(j, pm_json_key(j, obj, "rules_primary"));
    char *r2 = pm_json_strdup(j, pm_json_key(j, obj, "rules_secondary"));
    char *close = pm_json_strdup(j, pm_json_key(j, obj, "close_time"));
    char *status = pm_json_strdup(j, pm_json_key(j, obj, "status"));
    char *rules = NULL, *raw = NULL;
    int rc = -1;
    if (!ticker || !title || !status) {
        pm_err_set(err, "market without ticker, title or status%s%s", ticker ? ": " : "", ticker ? ticker : "");
        goto done;
    }
    if (r1 && *r1) {
        size_t len = strlen(r1) + (r2 ? strlen(r2) : 0) + 3;
        if (!(rules = malloc(len))) goto done;
        snprintf(rules, len, "%s%s%s", r1, r2 && *r2 ? "\n\n" : "", r2 && *r2 ? r2 : "");
    }
    int64_t t;
    if (close && pm_iso_parse(close, &t)) {
        pm_err_set(err, "market %s: close_time '%s' is not ISO-8601", ticker, close);
        goto done;
    }
    size_t rawlen = (size_t)(j->tok[obj].end - j->tok[obj].start);
    if (!(raw = strndup(j->js + j->tok[obj].start, rawlen))) goto done;
    m.platform_market_id = ticker;
    m.event_id = event;
    m.title = title;
    m.description = sub && *sub ? sub : NULL;
    m.rules = rules;
    m.status = !strcmp(status, "active") ? PM_MARKET_ACTIVE : PM_MARKET_CLOSED;
    m.close_time = close;
    m.tick_size = tick_of(j, obj);
    m.raw_json = raw;
    rc = cb(ctx, &m);
done:
    free(ticker), free(event), free(title), free(sub), free(r1), free(r2), free(close), free(status), free(rules), free(raw);
    return rc;
}

int kalshi_parse_markets(const char *body, size_t len, kalshi_market_cb cb, void *ctx, char cursor[KALSHI_CURSOR_MAX],
                         pm_err *err) {
    pm_json j;
    if (parse_doc(&j, body, len, err)) return -1;
    int arr = pm_json_key(&j, 0, "markets"), rc = 0;
    if (!pm_json_is_arr(&j, arr)) {
        int one = pm_json_key(&j, 0, "market"); /* GET /markets/{ticker} */
        if (pm_json_is_obj(&j, one)) rc = market_of(&j, one, cb, ctx, err);
        else rc = pm_err_set(err, "response has no markets array");
    } else {
        for (int k = 0, i = arr + 1; k < j.tok[arr].size && rc == 0; k++, i = pm_json_next(&j, i))
            rc = pm_json_is_obj(&j, i) ? market_of(&j, i, cb, ctx, err) : pm_err_set(err, "market %d is not an object", k);
    }
    read_cursor(&j, cursor);
    pm_json_release(&j);
    return rc;
}

static int event_of(const pm_json *j, int obj, kalshi_event_cb cb, void *ctx, pm_err *err) {
    kalshi_event_info e;
    memset(&e, 0, sizeof e);
    opt_text(j, obj, "event_ticker", e.event_ticker, sizeof e.event_ticker);
    opt_text(j, obj, "series_ticker", e.series_ticker, sizeof e.series_ticker);
    opt_text(j, obj, "fee_type_override", e.override.fee_type, sizeof e.override.fee_type);
    if (!e.event_ticker[0]) return pm_err_set(err, "event without event_ticker");
    if (opt_decimal(j, obj, "fee_multiplier_override", &e.override.fee_multiplier, err)) return -1;
    return cb(ctx, &e);
}

int kalshi_parse_events(const char *body, size_t len, kalshi_event_cb cb, void *ctx, char cursor[KALSHI_CURSOR_MAX],
                        pm_err *err) {
    pm_json j;
    if (parse_doc(&j, body, len, err)) return -1;
    int arr = pm_json_key(&j, 0, "events"), rc = 0;
    if (!pm_json_is_arr(&j, arr)) {
        int one = pm_json_key(&j, 0, "event");
        rc = pm_json_is_obj(&j, one) ? event_of(&j, one, cb, ctx, err) : pm_err_set(err, "response has no events array");
    } else {
        for (int k = 0, i = arr + 1; k < j.tok[arr].size && rc == 0; k++, i = pm_json_next(&j, i))
            rc = pm_json_is_obj(&j, i) ? event_of(&j, i, cb, ctx, err) : pm_err_set(err, "event %d is not an object", k);
    }
    read_cursor(&j, cursor);
    pm_json_release(&j);
    return rc;
}

int kalshi_parse_series(const char *body, size_t len, kalshi_fees *out, pm_err *err) {
    pm_json j;
    if (parse_doc(&j, body, len, err)) return -1;
    int s = pm_json_key(&j, 0, "series"), rc;
    if (!pm_json_is_obj(&j, s)) rc = pm_err_set(err, "response has no series object");
    else {
        opt_text(&j, s, "fee_type", out->fee_type, sizeof out->fee_type);
        rc = opt_decimal(&j, s, "fee_multiplier", &out->fee_multiplier, err);
    }
    pm_json_release(&j);
    return rc;
}
