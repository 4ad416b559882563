/* ws_msg.c — Polymarket WebSocket frame parsing (see ws_msg.h). */
#include "venue/polymarket/ws_msg.h"

#include <stdlib.h>
#include <string.h>

struct poly_parser {
    pm_json j;
    jsmntok_t *tok;
    int cap;
    int next;      /* token of the next message, -1 when done */
    int left;      /* messages not yet decoded */
    pm_level bids[POLY_MAX_LEVELS];
    pm_level asks[POLY_MAX_LEVELS];
    poly_change changes[POLY_MAX_CHANGES];
    poly_maker makers[POLY_MAX_MAKERS];
};

poly_parser *poly_parser_new(int max_tokens) {
    poly_parser *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->cap = max_tokens;
    if (!(p->tok = malloc((size_t)max_tokens * sizeof *p->tok))) {
        free(p);
        return NULL;
    }
    return p;
}

void poly_parser_free(poly_parser *p) {
    if (!p) return;
    free(p->tok);
    free(p);
}

int poly_str_is(poly_str s, const char *t) {
    size_t n = strlen(t);
    return s.n == n && !memcmp(s.p, t, n);
}

static int is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

int poly_parse_frame(poly_parser *p, const char *frame, size_t len, pm_err *err) {
    p->next = -1;
    p->left = 0;
    size_t a = 0, b = len;
    while (a < b && is_space(frame[a])) a++;
    while (b > a && is_space(frame[b - 1])) b--;
    if (a == b) return pm_err_set(err, "empty frame");
    if (frame[a] != '{' && frame[a] != '[') {
        if (b - a == 4 && !memcmp(frame + a, "PONG", 4)) return POLY_FRAME_PONG;
        return POLY_FRAME_TEXT;
    }
    int n = pm_json_parse(&p->j, p->tok, p->cap, frame, len);
    if (n == -1) return pm_err_set(err, "frame too large (over %d JSON tokens)", p->cap);
    if (n < 0) return pm_err_set(err, n == -3 ? "truncated JSON" : "invalid JSON");
    if (pm_json_is_obj(&p->j, 0)) {
        p->next = 0;
        p->left = 1;
    } else if (pm_json_is_arr(&p->j, 0)) {
        p->next = 1;
        p->left = p->tok[0].size;
    } else {
        return pm_err_set(err, "frame is neither an object nor an array");
    }
    return POLY_FRAME_JSON;
}

/* The fields of one message, by token index (-1 when absent). */
enum {
    F_EVENT_TYPE, F_ASSET_ID, F_MARKET, F_TIMESTAMP, F_BIDS, F_ASKS, F_TICK_SIZE, F_PRICE_CHANGES,
    F_OLD_TICK, F_NEW_TICK, F_PRICE, F_SIZE, F_SIDE, F_FEE_RATE, F_BEST_BID, F_BEST_ASK, F_ASSETS_IDS,
    F_WINNING_ASSET, F_WINNING_OUTCOME, F_ID, F_STATUS, F_TYPE, F_OWNER, F_OUTCOME, F_ORIGINAL_SIZE,
    F_SIZE_MATCHED, F_TAKER_ORDER_ID, F_TRADER_SIDE, F_MAKER_ORDERS, F_HASH, F_LTP, F_COUNT
};
static const char *const field_names[F_COUNT] = {
    "event_type", "asset_id", "market", "timestamp", "bids", "asks", "tick_size", "price_changes",
    "old_tick_size", "new_tick_size", "price", "size", "side", "fee_rate_bps", "best_bid", "best_ask", "assets_ids",
    "winning_asset_id", "winning_outcome", "id", "status", "type", "owner", "outcome", "original_size",
    "size_matched", "taker_order_id", "trader_side", "maker_orders", "hash", "last_trade_price",
};

/* 1 when the key text s[0..n) is exactly name. */
static inline int key_is(const char *name, const char *s, size_t n) {
    size_t k = 0;
    while (k < n && name[k] && name[k] == s[k]) k++;
    return k == n && name[n] == '\0';
}

/* One pass over the object's keys (the last occurrence of a key wins), into f[0..nf). */
static void fields(const pm_json *j, int obj, const char *const *names, int nf, int *f) {
    for (int k = 0; k < nf; k++) f[k] = -1;
    int pairs = j->tok[obj].size, i = obj + 1;
    for (int k = 0; k < pairs; k++) {
        size_t n = (size_t)(j->tok[i].end - j->tok[i].start);
        const char *s = j->js + j->tok[i].start;
        for (int x = 0; x < nf; x++)
            if (names[x][0] == s[0] && key_is(names[x], s, n)) {
                f[x] = i + 1;
                break;
            }
        i = pm_json_next(j, i + 1);
    }
}

static poly_str str_of(const pm_json *j, int i) {
    poly_str s = {0};
    if (pm_json_is_str(j, i)) s.p = pm_json_text(j, i, &s.n);
    return s;
}

typedef int (*decimal_fn)(const char *s, size_t len, int64_t *out, pm_err *err);

static int req_decimal(const pm_json *j, int i, const char *key, decimal_fn fn, int64_t *out, pm_err *err) {
    if (!pm_json_is_str(j, i)) return pm_err_set(err, "missing string field %s", key);
    size_t n;
    const char *s = pm_json_text(j, i, &n);
    if (fn(s, n, out, err)) return pm_err_wrap(err, "field %s", key);
    return 0;
}

/* A price of a resting level: strictly between 0 and 1. */
static int level_px(const char *s, size_t n, pm_px_t *out, pm_err *err) {
    if (pm_px_parse(s, n, out, err)) return -1;
    if (*out <= 0 || *out >= PM_PX_ONE) return pm_err_set(err, "price '%.*s' is not strictly between 0 and 1", (int)n, s);
    return 0;
}

/* An optional price: "" (or absent) is POLY_PX_NONE. */
static int opt_px(const pm_json *j, int i, const char *key, pm_px_t *out, pm_err *err) {
    *out = POLY_PX_NONE;
    if (i < 0 || pm_json_is_null(j, i)) return 0;
    if (!pm_json_is_str(j, i)) return pm_err_set(err, "field %s is not a string", key);
    size_t n;
    const char *s = pm_json_text(j, i, &n);
    if (n == 0) return 0;
    if (pm_px_parse(s, n, out, err)) return pm_err_wrap(err, "field %s", key);
    return 0;
}

/* A millisecond timestamp string of digits; -1 when absent. */
static int opt_ms(const pm_json *j, int i, int64_t *out, pm_err *err) {
    *out = -1;
    if (i < 0) return 0;
    if (!pm_json_is_str(j, i) && j->tok[i].type != JSMN_PRIMITIVE) return pm_err_set(err, "timestamp is not a string");
    size_t n;
    const char *s = pm_json_text(j, i, &n);
    if (n == 0) return 0;
    if (n > 18) return pm_err_set(err, "timestamp '%.*s' out of range", (int)(n > 32 ? 32 : n), s);
    int64_t v = 0;
    for (size_t k = 0; k < n; k++) {
        if (s[k] < '0' || s[k] > '9') return pm_err_set(err, "timestamp '%.*s' is not digits", (int)(n > 32 ? 32 : n), s);
        v = v * 10 + (s[k] - '0');
    }
    *out = v;
    return 0;
}

static int side_of(const pm_json *j, int i, pm_side *out) {
    if (pm_json_eq(j, i, "BUY")) *out = PM_SIDE_BUY;
    else if (pm_json_eq(j, i, "SELL")) *out = PM_SIDE_SELL;
    else return -1;
    return 0;
}

/* [{"price","size"}, ...] into lv. */
static int levels(const pm_json *j, int arr, pm_level *lv, size_t *n, pm_err *err) {
    static const char *const names[] = {"price", "size"};
    *n = 0;
    if (arr < 0) return 0;
    if (!pm_json_is_arr(j, arr)) return pm_err_set(err, "book side is not an array");
    int count = j->tok[arr].size, i = arr + 1;
    if (count > POLY_MAX_LEVELS) return pm_err_set(err, "book side has %d levels (limit %d)", count, POLY_MAX_LEVELS);
    for (int k = 0; k < count; k++) {
        if (!pm_json_is_obj(j, i)) return pm_err_set(err, "book level %d is not an object", k);
        int f[2];
        fields(j, i, names, 2, f);
        if (req_decimal(j, f[0], "price", level_px, &lv[k].px, err) ||
            req_decimal(j, f[1], "size", pm_qty_parse, &lv[k].qty, err))
            return pm_err_wrap(err, "book level %d", k);
        i = pm_json_next(j, i);
    }
    *n = (size_t)count;
    return 0;
}

static int parse_changes(poly_parser *p, int arr, poly_msg *m, pm_err *err) {
    enum { C_ASSET, C_PRICE, C_SIZE, C_SIDE, C_BEST_BID, C_BEST_ASK, C_HASH, C_COUNT };
    static const char *const names[C_COUNT] = {"asset_id", "price", "size", "side", "best_bid", "best_ask", "hash"};
    const pm_json *j = &p->j;
    if (!pm_json_is_arr(j, arr)) return pm_err_set(err, "price_change without a price_changes array");
    int count = j->tok[arr].size, i = arr + 1;
    if (count > POLY_MAX_CHANGES) return pm_err_set(err, "price_change has %d entries (limit %d)", count, POLY_MAX_CHANGES);
    m->changes = p->changes;
    for (int k = 0; k < count; k++) {
        poly_change *c = &p->changes[k];
        if (!pm_json_is_obj(j, i)) return pm_err_set(err, "price_changes[%d] is not an object", k);
        int f[C_COUNT];
        fields(j, i, names, C_COUNT, f);
        c->asset = str_of(j, f[C_ASSET]);
        c->hash = str_of(j, f[C_HASH]);
        if (!m->asset.n) m->asset = c->asset; /* for error context */
        if (!c->asset.n) return pm_err_set(err, "price_changes[%d] without asset_id", k);
        pm_side side;
        if (side_of(j, f[C_SIDE], &side)) return pm_err_set(err, "price_changes[%d] side must be BUY or SELL", k);
        c->side = side == PM_SIDE_BUY ? PM_BID : PM_ASK;
        if (req_decimal(j, f[C_PRICE], "price", level_px, &c->px, err) ||
            req_decimal(j, f[C_SIZE], "size", pm_qty_parse, &c->size, err) ||
            opt_px(j, f[C_BEST_BID], "best_bid", &c->best_bid, err) ||
            opt_px(j, f[C_BEST_ASK], "best_ask", &c->best_ask, err)) {
            m->asset = c->asset;
            return pm_err_wrap(err, "price_changes[%d]", k);
        }
        i = pm_json_next(j, i);
        m->nchanges = (size_t)k + 1;
    }
    return 0;
}

static int parse_ids(const pm_json *j, int arr, poly_msg *m, pm_err *err) {
    if (arr < 0) return 0;
    if (!pm_json_is_arr(j, arr)) return pm_err_set(err, "assets_ids is not an array");
    int count = j->tok[arr].size, i = arr + 1;
    for (int k = 0; k < count; k++, i = pm_json_next(j, i)) {
        if (!pm_json_is_str(j, i)) return pm_err_set(err, "assets_ids[%d] is not a string", k);
        if (m->nids < POLY_MAX_IDS) m->ids[m->nids++] = str_of(j, i);
    }
    return 0;
}

static int parse_makers(poly_parser *p, int arr, poly_msg *m, pm_err *err) {
    enum { M_ORDER, M_OWNER, M_ASSET, M_OUTCOME, M_PRICE, M_AMOUNT, M_COUNT };
    static const char *const names[M_COUNT] = {"order_id", "owner", "asset_id", "outcome", "price", "matched_amount"};
    const pm_json *j = &p->j;
    m->makers = p->makers;
    if (arr < 0 || pm_json_is_null(j, arr)) return 0;
    if (!pm_json_is_arr(j, arr)) return pm_err_set(err, "maker_orders is not an array");
    int count = j->tok[arr].size, i = arr + 1;
    if (count > POLY_MAX_MAKERS) return pm_err_set(err, "trade has %d maker orders (limit %d)", count, POLY_MAX_MAKERS);
    for (int k = 0; k < count; k++, i = pm_json_next(j, i)) {
        poly_maker *x = &p->makers[k];
        if (!pm_json_is_obj(j, i)) return pm_err_set(err, "maker_orders[%d] is not an object", k);
        int f[M_COUNT];
        fields(j, i, names, M_COUNT, f);
        x->order_id = str_of(j, f[M_ORDER]);
        x->owner = str_of(j, f[M_OWNER]);
        x->asset = str_of(j, f[M_ASSET]);
        x->outcome = str_of(j, f[M_OUTCOME]);
        if (req_decimal(j, f[M_PRICE], "price", pm_px_parse, &x->px, err) ||
            req_decimal(j, f[M_AMOUNT], "matched_amount", pm_qty_parse, &x->qty, err))
            return pm_err_wrap(err, "maker_orders[%d]", k);
        m->nmakers = (size_t)k + 1;
    }
    return 0;
}

static int opt_int_str(const pm_json *j, int i, int64_t *out, pm_err *err) {
    *out = -1;
    if (i < 0) return 0;
    if (pm_json_int(j, i, out) == 0) return 0;
    if (!pm_json_is_str(j, i)) return pm_err_set(err, "fee_rate_bps is not a number");
    return opt_ms(j, i, out, err); /* digits in a string */
}

typedef struct type_name {
    const char *name;
    poly_msg_type type;
} type_name;

static const type_name types[] = {
    {"price_change", POLY_MSG_PRICE_CHANGE}, {"book", POLY_MSG_BOOK},
    {"last_trade_price", POLY_MSG_LAST_TRADE}, {"tick_size_change", POLY_MSG_TICK_SIZE},
    {"best_bid_ask", POLY_MSG_BEST_BID_ASK}, {"new_market", POLY_MSG_NEW_MARKET},
    {"market_resolved", POLY_MSG_RESOLVED}, {"order", POLY_MSG_ORDER}, {"trade", POLY_MSG_TRADE},
};

static int decode(poly_parser *p, int obj, poly_msg *m, pm_err *err) {
    const pm_json *j = &p->j;
    if (!pm_json_is_obj(j, obj)) return pm_err_set(err, "message is not an object");
    int f[F_COUNT];
    fields(j, obj, field_names, F_COUNT, f);
    m->asset = str_of(j, f[F_ASSET_ID]);
    m->market = str_of(j, f[F_MARKET]);
    m->event_type = str_of(j, f[F_EVENT_TYPE]);
    if (!m->event_type.n) return pm_err_set(err, "message without event_type");
    for (size_t k = 0; k < sizeof types / sizeof types[0]; k++)
        if (poly_str_is(m->event_type, types[k].name)) {
            m->type = types[k].type;
            break;
        }
    if (opt_ms(j, f[F_TIMESTAMP], &m->ts_ms, err)) return -1;
    switch (m->type) {
    case POLY_MSG_BOOK:
        if (!m->asset.n) return pm_err_set(err, "book without asset_id");
        if (f[F_BIDS] < 0 || f[F_ASKS] < 0) return pm_err_set(err, "book without bids or asks");
        if (levels(j, f[F_BIDS], p->bids, &m->nbids, err) || levels(j, f[F_ASKS], p->asks, &m->nasks, err) ||
            opt_px(j, f[F_TICK_SIZE], "tick_size", &m->tick, err))
            return -1;
        m->bids = p->bids;
        m->asks = p->asks;
        m->hash = str_of(j, f[F_HASH]);
        m->ltp = str_of(j, f[F_LTP]);
        return 0;
    case POLY_MSG_PRICE_CHANGE:
        if (f[F_PRICE_CHANGES] < 0 && m->asset.n)
            return pm_err_set(err, "legacy price_change (per-asset, no price_changes array): not supported");
        return parse_changes(p, f[F_PRICE_CHANGES], m, err);
    case POLY_MSG_TICK_SIZE:
        if (!m->asset.n) return pm_err_set(err, "tick_size_change without asset_id");
        if (req_decimal(j, f[F_OLD_TICK], "old_tick_size", pm_px_parse, &m->old_tick, err) ||
            req_decimal(j, f[F_NEW_TICK], "new_tick_size", level_px, &m->new_tick, err))
            return -1;
        return 0;
    case POLY_MSG_LAST_TRADE:
        if (!m->asset.n) return pm_err_set(err, "last_trade_price without asset_id");
        if (side_of(j, f[F_SIDE], &m->side)) return pm_err_set(err, "last_trade_price side must be BUY or SELL");
        return req_decimal(j, f[F_PRICE], "price", pm_px_parse, &m->px, err) ||
                       req_decimal(j, f[F_SIZE], "size", pm_qty_parse, &m->size, err) ||
                       opt_int_str(j, f[F_FEE_RATE], &m->fee_rate_bps, err)
                   ? -1
                   : 0;
    case POLY_MSG_BEST_BID_ASK:
        if (!m->asset.n) return pm_err_set(err, "best_bid_ask without asset_id");
        return opt_px(j, f[F_BEST_BID], "best_bid", &m->best_bid, err) ||
                       opt_px(j, f[F_BEST_ASK], "best_ask", &m->best_ask, err)
                   ? -1
                   : 0;
    case POLY_MSG_NEW_MARKET:
    case POLY_MSG_RESOLVED:
        m->id = str_of(j, f[F_ID]);
        m->winning_asset = str_of(j, f[F_WINNING_ASSET]);
        m->winning_outcome = str_of(j, f[F_WINNING_OUTCOME]);
        if (!m->market.n) return pm_err_set(err, "%.*s without market", (int)m->event_type.n, m->event_type.p);
        return parse_ids(j, f[F_ASSETS_IDS], m, err);
    case POLY_MSG_ORDER:
    case POLY_MSG_TRADE:
        m->id = str_of(j, f[F_ID]);
        m->status = str_of(j, f[F_STATUS]);
        m->kind = str_of(j, f[F_TYPE]);
        m->owner = str_of(j, f[F_OWNER]);
        m->outcome = str_of(j, f[F_OUTCOME]);
        m->taker_order_id = str_of(j, f[F_TAKER_ORDER_ID]);
        m->trader_side = str_of(j, f[F_TRADER_SIDE]);
        if (!m->id.n || !m->asset.n) return pm_err_set(err, "%s without id or asset_id", m->type == POLY_MSG_ORDER ? "order" : "trade");
        if (side_of(j, f[F_SIDE], &m->side)) return pm_err_set(err, "side must be BUY or SELL");
        if (req_decimal(j, f[F_PRICE], "price", pm_px_parse, &m->px, err)) return -1;
        if (m->type == POLY_MSG_ORDER)
            return req_decimal(j, f[F_ORIGINAL_SIZE], "original_size", pm_qty_parse, &m->size, err) ||
                           req_decimal(j, f[F_SIZE_MATCHED], "size_matched", pm_qty_parse, &m->size_matched, err)
                       ? -1
                       : 0;
        return req_decimal(j, f[F_SIZE], "size", pm_qty_parse, &m->size, err) ||
                       opt_int_str(j, f[F_FEE_RATE], &m->fee_rate_bps, err) || parse_makers(p, f[F_MAKER_ORDERS], m, err)
                   ? -1
                   : 0;
    case POLY_MSG_UNKNOWN: return 0;
    }
    return 0;
}

int poly_parse_next(poly_parser *p, poly_msg *m, pm_err *err) {
    if (p->left <= 0 || p->next < 0 || p->next >= p->j.ntok) return 0;
    int obj = p->next;
    p->left--;
    p->next = p->left > 0 ? pm_json_next(&p->j, obj) : -1;
    memset(m, 0, sizeof *m);
    m->ts_ms = -1;
    m->tick = m->old_tick = m->new_tick = m->best_bid = m->best_ask = POLY_PX_NONE;
    m->fee_rate_bps = -1;
    m->makers = p->makers;
    m->raw = p->j.js + p->tok[obj].start;
    m->raw_len = (size_t)(p->tok[obj].end - p->tok[obj].start);
    return decode(p, obj, m, err) ? -1 : 1;
}
