/* ws_msg.c — Kalshi WebSocket frame parsing (see ws_msg.h). */
#include "venue/kalshi/ws_msg.h"

#include <string.h>

typedef struct type_name {
    const char *name;
    kalshi_msg_type type;
} type_name;

static const type_name types[] = {
    {"orderbook_delta", KALSHI_MSG_DELTA},     {"orderbook_snapshot", KALSHI_MSG_SNAPSHOT},
    {"ticker", KALSHI_MSG_TICKER},             {"trade", KALSHI_MSG_TRADE},
    {"subscribed", KALSHI_MSG_SUBSCRIBED},     {"unsubscribed", KALSHI_MSG_UNSUBSCRIBED},
    {"ok", KALSHI_MSG_OK},                     {"error", KALSHI_MSG_ERROR},
    {"fill", KALSHI_MSG_FILL},                 {"user_order", KALSHI_MSG_USER_ORDER},
    {"market_lifecycle_v2", KALSHI_MSG_LIFECYCLE}, {"event_fee_update", KALSHI_MSG_EVENT_FEE},
};

static kalshi_str str_of(const pm_json *j, int i) {
    kalshi_str s = {0};
    if (pm_json_is_str(j, i)) s.p = pm_json_text(j, i, &s.n);
    return s;
}

static int opt_int(const pm_json *j, int obj, const char *key, int64_t *out, pm_err *err) {
    int i = pm_json_key(j, obj, key);
    *out = -1;
    if (i < 0 || pm_json_is_null(j, i)) return 0;
    if (pm_json_int(j, i, out)) return pm_err_set(err, "field %s is not an integer", key);
    return 0;
}

/* A required decimal string field parsed by fn. */
typedef int (*decimal_fn)(const char *s, size_t len, int64_t *out, pm_err *err);

static int req_decimal(const pm_json *j, int obj, const char *key, decimal_fn fn, int64_t *out, pm_err *err) {
    int i = pm_json_key(j, obj, key);
    if (!pm_json_is_str(j, i)) return pm_err_set(err, "missing string field %s", key);
    size_t n;
    const char *s = pm_json_text(j, i, &n);
    if (fn(s, n, out, err)) return pm_err_wrap(err, "field %s", key);
    return 0;
}

static int signed_qty(const char *s, size_t len, int64_t *out, pm_err *err) {
    static const pm_decimal_spec spec = {6, 6, 1, -INT64_MAX, INT64_MAX, "count"};
    return pm_decimal_parse(s, len, &spec, out, err);
}

static int outcome_of(const pm_json *j, int i, pm_outcome *out) {
    if (pm_json_eq(j, i, "yes")) *out = PM_OUTCOME_YES;
    else if (pm_json_eq(j, i, "no")) *out = PM_OUTCOME_NO;
    else return -1;
    return 0;
}

/* [["0.0800","300.00"], ...] into lv; the NO side converted from YES scale when asked. */
static int levels(const pm_json *j, int arr, int from_yes_scale, pm_level *lv, size_t *n, pm_err *err) {
    *n = 0;
    if (arr < 0 || pm_json_is_null(j, arr)) return 0; /* a side with no levels is left out */
    if (!pm_json_is_arr(j, arr)) return pm_err_set(err, "book side is not an array");
    int count = j->tok[arr].size, i = arr + 1;
    if (count > KALSHI_MAX_LEVELS) return pm_err_set(err, "book side has %d levels (limit %d)", count, KALSHI_MAX_LEVELS);
    for (int k = 0; k < count; k++) {
        if (!pm_json_is_arr(j, i) || j->tok[i].size != 2 || !pm_json_is_str(j, i + 1) || !pm_json_is_str(j, i + 2))
            return pm_err_set(err, "book level %d is not [price, count] strings", k);
        size_t pl, ql;
        const char *ps = pm_json_text(j, i + 1, &pl), *qs = pm_json_text(j, i + 2, &ql);
        pm_px_t px;
        pm_qty_t q;
        if (pm_px_parse(ps, pl, &px, err) || pm_qty_parse(qs, ql, &q, err)) return pm_err_wrap(err, "book level %d", k);
        lv[k] = (pm_level){from_yes_scale ? PM_PX_ONE - px : px, q};
        i += 3;
    }
    *n = (size_t)count;
    return 0;
}

static int parse_snapshot(kalshi_parser *p, const pm_json *j, int msg, int yes_scale, kalshi_msg *m, pm_err *err) {
    if (levels(j, pm_json_key(j, msg, "yes_dollars_fp"), 0, p->yes, &m->nyes, err) ||
        levels(j, pm_json_key(j, msg, "no_dollars_fp"), yes_scale, p->no, &m->nno, err))
        return -1;
    m->yes = p->yes;
    m->no = p->no;
    return 0;
}

static int parse_delta(const pm_json *j, int msg, int yes_scale, kalshi_msg *m, pm_err *err) {
    if (outcome_of(j, pm_json_key(j, msg, "side"), &m->side)) return pm_err_set(err, "delta side must be yes or no");
    if (req_decimal(j, msg, "price_dollars", pm_px_parse, &m->px, err) ||
        req_decimal(j, msg, "delta_fp", signed_qty, &m->delta, err) || opt_int(j, msg, "ts_ms", &m->ts_ms, err))
        return -1;
    if (m->side == PM_OUTCOME_NO && yes_scale) m->px = PM_PX_ONE - m->px;
    if (m->delta == 0) return pm_err_set(err, "delta of zero");
    return 0;
}

static int parse_fill(const pm_json *j, int msg, kalshi_msg *m, pm_err *err) {
    m->trade_id = str_of(j, pm_json_key(j, msg, "trade_id"));
    m->order_id = str_of(j, pm_json_key(j, msg, "order_id"));
    m->client_order_id = str_of(j, pm_json_key(j, msg, "client_order_id"));
    if (!m->trade_id.n || !m->order_id.n) return pm_err_set(err, "fill without trade_id or order_id");
    if (outcome_of(j, pm_json_key(j, msg, "outcome_side"), &m->outcome))
        return pm_err_set(err, "fill outcome_side must be yes or no");
    pm_px_t yes_px;
    if (req_decimal(j, msg, "yes_price_dollars", pm_px_parse, &yes_px, err) ||
        req_decimal(j, msg, "count_fp", pm_qty_parse, &m->count, err) ||
        req_decimal(j, msg, "fee_cost", pm_usd_parse, &m->fee, err) || opt_int(j, msg, "ts_ms", &m->ts_ms, err))
        return -1;
    m->price = m->outcome == PM_OUTCOME_YES ? yes_px : PM_PX_ONE - yes_px;
    m->is_taker = pm_json_eq(j, pm_json_key(j, msg, "is_taker"), "true");
    return 0;
}

static int parse_user_order(const pm_json *j, int msg, kalshi_msg *m, pm_err *err) {
    m->order_id = str_of(j, pm_json_key(j, msg, "order_id"));
    m->client_order_id = str_of(j, pm_json_key(j, msg, "client_order_id"));
    m->status = str_of(j, pm_json_key(j, msg, "status"));
    if (!m->order_id.n || !m->status.n) return pm_err_set(err, "user_order without order_id or status");
    if (!m->ticker.n) m->ticker = str_of(j, pm_json_key(j, msg, "ticker"));
    if (outcome_of(j, pm_json_key(j, msg, "outcome_side"), &m->outcome))
        return pm_err_set(err, "user_order outcome_side must be yes or no");
    pm_px_t yes_px;
    pm_usd_t taker = 0, maker = 0;
    if (req_decimal(j, msg, "yes_price_dollars", pm_px_parse, &yes_px, err) ||
        req_decimal(j, msg, "fill_count_fp", pm_qty_parse, &m->count, err) ||
        req_decimal(j, msg, "remaining_count_fp", pm_qty_parse, &m->remaining, err))
        return -1;
    if (pm_json_key(j, msg, "taker_fees_dollars") >= 0 &&
        req_decimal(j, msg, "taker_fees_dollars", pm_usd_parse, &taker, err))
        return -1;
    if (pm_json_key(j, msg, "maker_fees_dollars") >= 0 &&
        req_decimal(j, msg, "maker_fees_dollars", pm_usd_parse, &maker, err))
        return -1;
    m->price = m->outcome == PM_OUTCOME_YES ? yes_px : PM_PX_ONE - yes_px;
    m->fee = taker + maker;
    return 0;
}

static int parse_event_fee(const pm_json *j, int msg, kalshi_msg *m, pm_err *err) {
    m->event_ticker = str_of(j, pm_json_key(j, msg, "event_ticker"));
    m->fee_type = str_of(j, pm_json_key(j, msg, "fee_type_override"));
    m->fee_multiplier = -1;
    int i = pm_json_key(j, msg, "fee_multiplier_override");
    if (i >= 0 && !pm_json_is_null(j, i)) {
        static const pm_decimal_spec spec = {6, 6, 0, 0, INT64_MAX, "fee_multiplier_override"};
        size_t n;
        const char *s = pm_json_text(j, i, &n); /* a JSON number or a string of one */
        if (pm_decimal_parse(s, n, &spec, &m->fee_multiplier, err)) return -1;
    }
    if (!m->event_ticker.n) return pm_err_set(err, "event_fee_update without event_ticker");
    return 0;
}

int kalshi_parse_frame(kalshi_parser *p, const char *frame, size_t len, int use_yes_price, kalshi_msg *m, pm_err *err) {
    memset(m, 0, sizeof *m);
    m->id = m->sid = m->seq = m->ts_ms = -1;
    pm_json j;
    int n = pm_json_parse(&j, p->tok, KALSHI_MAX_TOKENS, frame, len);
    if (n == -1) return pm_err_set(err, "frame too large (over %d JSON tokens)", KALSHI_MAX_TOKENS);
    if (n < 0) return pm_err_set(err, n == -3 ? "truncated JSON" : "invalid JSON");
    if (!pm_json_is_obj(&j, 0)) return pm_err_set(err, "frame is not a JSON object");
    int t = pm_json_key(&j, 0, "type");
    if (!pm_json_is_str(&j, t)) return pm_err_set(err, "frame without a type");
    for (size_t k = 0; k < sizeof types / sizeof types[0]; k++)
        if (pm_json_eq(&j, t, types[k].name)) m->type = types[k].type;
    if (opt_int(&j, 0, "id", &m->id, err) || opt_int(&j, 0, "sid", &m->sid, err) || opt_int(&j, 0, "seq", &m->seq, err))
        return -1;
    int msg = pm_json_key(&j, 0, "msg");
    if (m->type == KALSHI_MSG_UNKNOWN || m->type == KALSHI_MSG_UNSUBSCRIBED) return 0;
    if (m->type == KALSHI_MSG_OK) return 0; /* its msg varies (tickers, subscription lists) */
    if (!pm_json_is_obj(&j, msg)) return pm_err_set(err, "frame without a msg object");
    m->ticker = str_of(&j, pm_json_key(&j, msg, "market_ticker"));
    switch (m->type) {
    case KALSHI_MSG_SUBSCRIBED:
        m->channel = str_of(&j, pm_json_key(&j, msg, "channel"));
        return opt_int(&j, msg, "sid", &m->sid, err);
    case KALSHI_MSG_ERROR:
        m->text = str_of(&j, pm_json_key(&j, msg, "msg"));
        if (opt_int(&j, msg, "code", &m->code, err)) return -1;
        return m->code < 0 ? pm_err_set(err, "error frame without a code") : 0;
    case KALSHI_MSG_SNAPSHOT:
    case KALSHI_MSG_DELTA:
        if (!m->ticker.n) return pm_err_set(err, "book message without market_ticker");
        if (m->sid < 0 || m->seq < 0) return pm_err_set(err, "book message without sid or seq");
        return m->type == KALSHI_MSG_SNAPSHOT ? parse_snapshot(p, &j, msg, use_yes_price, m, err)
                                              : parse_delta(&j, msg, use_yes_price, m, err);
    case KALSHI_MSG_FILL: return parse_fill(&j, msg, m, err);
    case KALSHI_MSG_USER_ORDER: return parse_user_order(&j, msg, m, err);
    case KALSHI_MSG_LIFECYCLE:
        m->event_type = str_of(&j, pm_json_key(&j, msg, "event_type"));
        return m->event_type.n ? 0 : pm_err_set(err, "market_lifecycle_v2 without event_type");
    case KALSHI_MSG_EVENT_FEE: return parse_event_fee(&j, msg, m, err);
    default: return 0;
    }
}
