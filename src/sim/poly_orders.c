/* poly_orders.c — the simulated Polymarket's private CLOB endpoints (sim_poly_private): API
 * keys (L1), and behind L2 HMAC headers: POST /order and /orders (≤ 15) validated as the venue
 * validates them, with its error texts (docs.polymarket.com/resources/error-codes; the
 * precision texts from py-clob-client #253/#305 and rs-clob-client #114), then matched
 * (poly_match.c); DELETE /order, /orders, /cancel-all, /cancel-market-orders; GET
 * /data/orders, /data/order/{id}, /data/trades; GET /balance-allowance(/update); GET
 * /auth/api-keys. Bodies are parsed here with jansson, not with pmarb's client code. */
#define _GNU_SOURCE /* asprintf */
#include "sim/poly_ledger.h"

#include "util/clock.h"
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_AMOUNT (1000000000LL * PM_SCALE) /* 10^9 pUSD or shares */
#define UINT256_MAX_TEXT "115792089237316195423570985008687907853269984665640564039457584007913129639935"

static const char *const type_names[] = {"GTC", "GTD", "FOK", "FAK"};

static void respond_json(sim_response *res, int status, json_t *doc) {
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    if (!text) return sim_respondf(res, 500, "{\"error\":\"Internal server error\"}");
    res->status = status;
    res->body = text;
}

static void respond_error(sim_response *res, int status, const char *text) {
    json_t *doc = json_object();
    json_object_set_new(doc, "error", json_string(text));
    respond_json(res, status, doc);
}


/* A decimal integer field, sent as text (or, for salt, as a JSON number). */
static int uint_field(json_t *v, int allow_number, uint8_t word[32], int64_t *small) {
    char buf[32];
    const char *s = json_string_value(v);
    if (!s && allow_number && json_is_integer(v) && json_integer_value(v) >= 0) {
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
        s = buf;
    }
    if (!s || poly_parse_uint256(s, word, NULL)) return -1;
    if (small) {
        char *end;
        long long x = strtoll(s, &end, 10);
        if (strlen(s) > 18 || *end) return -1;
        *small = x;
    }
    return 0;
}

static int hex_bytes(const char *s, uint8_t *out, size_t cap, size_t *len) {
    if (!s || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return -1;
    size_t n = strlen(s + 2);
    if (n % 2 || n / 2 > cap) return -1;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (sscanf(s + 2 + 2 * i, "%2x", &v) != 1) return -1;
        out[i] = (uint8_t)v;
    }
    *len = n / 2;
    return 0;
}

/* Outcome of one order placement: status 0 when accepted (order index in *order), else an
 * HTTP status and the venue's text in err. */
typedef struct placed {
    int status;
    char err[256];
    char id[67];
    int order;
    int fills;
} placed;

static int refuse(placed *r, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int refuse(placed *r, int status, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, sizeof r->err, fmt, ap);
    va_end(ap);
    r->status = status;
    return -1;
}

/* Price decimals of a tick (the official client's rounding table): 0.1 → 1, 0.01 → 2,
 * 0.005 and 0.001 → 3, 0.0025 and 0.0001 → 4. */
static int tick_decimals(pm_px_t tick) {
    switch (tick) {
    case 100000: return 1;
    case 10000: return 2;
    case 5000:
    case 1000: return 3;
    default: return 4; /* 0.0025, 0.0001 */
    }
}

static int64_t pow10i(int n) {
    int64_t v = 1;
    while (n-- > 0) v *= 10;
    return v;
}

/* The venue's precision rule: limit orders carry shares to 2 decimals and pUSD to the tick's
 * amount decimals (price decimals + 2); market orders (FOK/FAK) maker to 2, taker to 4. */
static int check_precision(const sim_pmarket *m, pm_side side, int market_order, int64_t maker, int64_t taker, placed *r) {
    const char *sd = side == PM_SIDE_BUY ? "buy" : "sell";
    if (market_order) {
        if (maker % pow10i(4) || taker % pow10i(2))
            return refuse(r, 400,
                          "invalid amounts, the market %s orders maker amount supports a max accuracy of 2 decimals, "
                          "taker amount a max of 4 decimals",
                          sd);
        return 0;
    }
    int amount_dp = tick_decimals(m->tick) + 2;
    int maker_dp = side == PM_SIDE_BUY ? amount_dp : 2, taker_dp = side == PM_SIDE_BUY ? 2 : amount_dp;
    if (maker % pow10i(PM_SCALE_DIGITS - maker_dp) || taker % pow10i(PM_SCALE_DIGITS - taker_dp))
        return refuse(r, 400,
                      "invalid amounts, the %s orders maker amount supports a max accuracy of %d decimals, taker amount "
                      "a max of %d decimals",
                      sd, maker_dp, taker_dp);
    return 0;
}

static void fixed_text(int64_t v, char out[PM_FIXED_BUF]) { sim_poly_decimal(v, 0, out); }

/* Validates one {order, owner, orderType, postOnly} entry and, when accepted, executes it. */
static int place(sim_poly *p, int key, json_t *entry, placed *r) {
    struct sim_poly_ledger *l = p->ledger;
    const sim_pkey *k = &l->keys[key];
    memset(r, 0, sizeof *r);
    r->order = -1;
    json_t *jo = json_object_get(entry, "order");
    const char *owner = json_string_value(json_object_get(entry, "owner"));
    const char *type = json_string_value(json_object_get(entry, "orderType"));
    json_t *post_only = json_object_get(entry, "postOnly");
    const char *side = json_string_value(json_object_get(jo, "side"));
    const char *token = json_string_value(json_object_get(jo, "tokenId"));
    const char *sig_text = json_string_value(json_object_get(jo, "signature"));
    json_t *sig_type = json_object_get(jo, "signatureType");
    poly_order o;
    int64_t maker_amt, taker_amt, expiration;
    uint8_t exp_word[32], sig[512];
    size_t sig_len;
    int t = -1;
    for (int i = 0; type && i < 4; i++)
        if (!strcmp(type, type_names[i])) t = i;
    memset(&o, 0, sizeof o);
    if (!json_is_object(jo) || !owner || t < 0 || (post_only && !json_is_boolean(post_only)) || !side ||
        (strcmp(side, "BUY") && strcmp(side, "SELL")) || !json_is_integer(sig_type) || json_integer_value(sig_type) < 0 ||
        json_integer_value(sig_type) > 3 || uint_field(json_object_get(jo, "salt"), 1, o.salt, NULL) ||
        poly_parse_address(json_string_value(json_object_get(jo, "maker")), o.maker, NULL) ||
        poly_parse_address(json_string_value(json_object_get(jo, "signer")), o.signer, NULL) ||
        uint_field(json_object_get(jo, "tokenId"), 0, o.token_id, NULL) ||
        uint_field(json_object_get(jo, "makerAmount"), 0, o.maker_amount, &maker_amt) ||
        uint_field(json_object_get(jo, "takerAmount"), 0, o.taker_amount, &taker_amt) ||
        uint_field(json_object_get(jo, "timestamp"), 0, o.timestamp, NULL) ||
        uint_field(json_object_get(jo, "expiration"), 0, exp_word, &expiration) ||
        poly_parse_bytes32(json_string_value(json_object_get(jo, "metadata")), o.metadata, NULL) ||
        poly_parse_bytes32(json_string_value(json_object_get(jo, "builder")), o.builder, NULL) ||
        hex_bytes(sig_text, sig, sizeof sig, &sig_len) || maker_amt <= 0 || taker_amt <= 0 || maker_amt > MAX_AMOUNT ||
        taker_amt > MAX_AMOUNT)
        return refuse(r, 400, "Invalid order payload");
    o.side = !strcmp(side, "SELL");
    o.signature_type = (uint8_t)json_integer_value(sig_type);
    if (strcmp(owner, k->api_key)) return refuse(r, 400, "the order owner has to be the owner of the API KEY");
    pm_outcome outcome;
    int mi = sim_poly_find_token(p, token, &outcome);
    if (mi < 0) return refuse(r, 400, "Invalid order payload");
    const sim_pmarket *m = &p->markets[mi];
    if (!m->active || m->closed || !m->accepting_orders)
        return refuse(r, 400, "the market is not yet ready to process new orders");
    int wallet = o.signature_type == 3; /* POLY_1271: maker = signer = the deposit wallet, owned by the key's address */
    if (!wallet && memcmp(o.signer, k->address, 20))
        return refuse(r, 400, "the order signer address has to be the address of the API KEY");
    uint8_t domain[32], sh[32], digest[32];
    sim_poly_exchange_domain(m, SIM_POLY_CHAIN_ID, domain);
    if (((o.signature_type == 0 || wallet) && memcmp(o.maker, o.signer, 20)) ||
        sim_poly_check_order_sig(l, &o, domain, SIM_POLY_CHAIN_ID, sig, sig_len, k->address))
        return refuse(r, 400, "invalid signature");
    poly_order_struct_hash(&o, sh);
    poly_eip712_digest(domain, sh, digest);
    poly_hex(digest, 32, r->id);
    for (int i = 0; i < l->norders; i++)
        if (!strcmp(l->orders[i].id, r->id)) return refuse(r, 400, "order %s is invalid. Duplicated.", r->id);
    int market_order = t == SIM_PO_FOK || t == SIM_PO_FAK;
    if (json_is_true(post_only) && market_order)
        return refuse(r, 400, "invalid post-only order: only GTC and GTD order types are allowed");
    int64_t now = pm_wall_ns() / 1000000000;
    if (t == SIM_PO_GTD ? expiration <= now + SIM_POLY_GTD_GRACE_S : expiration != 0)
        return refuse(r, 400, "invalid expiration");
    pm_side sd = o.side ? PM_SIDE_SELL : PM_SIDE_BUY;
    if (check_precision(m, sd, market_order, maker_amt, taker_amt, r)) return -1;
    int64_t usdc = sd == PM_SIDE_BUY ? maker_amt : taker_amt, shares = sd == PM_SIDE_BUY ? taker_amt : maker_amt;
    pm_px_t price;
    int exact = !pm_mul_div(usdc, PM_SCALE, shares, sd == PM_SIDE_BUY ? PM_ROUND_FLOOR : PM_ROUND_CEIL, &price, NULL) &&
                (__int128)price * shares == (__int128)usdc * PM_SCALE;
    char ptext[PM_FIXED_BUF], ttext[PM_FIXED_BUF], stext[PM_FIXED_BUF], mtext[PM_FIXED_BUF];
    fixed_text(price, ptext);
    fixed_text(m->tick, ttext);
    if ((!market_order && (!exact || price % m->tick)) || price < m->tick || price > PM_PX_ONE - m->tick)
        return refuse(r, 400, "order %s is invalid. Price (%s) breaks minimum tick size rule: %s", r->id, ptext, ttext);
    fixed_text(shares, stext);
    fixed_text(m->min_size, mtext);
    if (!market_order && shares < m->min_size)
        return refuse(r, 400, "order %s is invalid. Size (%s) lower than the minimum: %s", r->id, stext, mtext);
    int account = k->account;
    if (sd == PM_SIDE_BUY ? l->accounts[account].balance - sim_poly_reserved_usd(l, account) < maker_amt
                          : *sim_poly_position(p, account, mi, outcome) -
                                    sim_poly_reserved_shares(l, account, mi, outcome) <
                                maker_amt)
        return refuse(r, 400, "not enough balance / allowance");
    if (p->faults.reject_orders > 0) {
        p->faults.reject_orders--;
        return refuse(r, 400, "order rejected by the simulator's fault switch");
    }
    pm_qty_t cap = shares; /* the partial_fill fault: half, rounded down to the venue's 0.01-share size step */
    if (market_order && p->faults.partial_orders > 0) {
        p->faults.partial_orders--;
        cap = shares / 2 / SIM_POLY_SIZE_STEP * SIM_POLY_SIZE_STEP;
    }
    sim_porder *po = sim_poly_new_order(l);
    if (!po) return refuse(r, 500, "could not insert order");
    int oi = (int)(po - l->orders);
    memcpy(po->id, r->id, sizeof po->id);
    sim_poly_address_text(o.maker, po->maker);
    po->key = key;
    po->account = account;
    po->market = mi;
    po->outcome = outcome;
    po->side = sd;
    po->type = (sim_porder_type)t;
    po->maker_amount = maker_amt;
    po->taker_amount = taker_amt;
    po->price = price;
    po->original = shares;
    po->match_cap = cap;
    po->expiration = expiration;
    po->created_s = now;
    pm_qty_t fillable = sim_poly_fillable(p, po);
    const char *kill = json_is_true(post_only) && fillable > 0 ? "invalid post-only order: order crosses book"
                       : t == SIM_PO_FOK && fillable < shares
                           ? "order couldn't be fully filled. FOK orders are fully filled or killed."
                       : t == SIM_PO_FAK && fillable == 0 ? "no orders found to match with FAK order. FAK orders are "
                                                            "partially filled or killed if no match is found."
                                                          : NULL;
    if (kill) {
        l->norders--;
        return refuse(r, 400, "%s", kill);
    }
    r->order = oi;
    r->fills = sim_poly_execute(p, oi);
    return 0;
}

/* Remembers a placement whose hash is known, for GET /admin/orders (nothing when out of memory). */
static void note_seen(sim_poly *p, const placed *r) {
    struct sim_poly_ledger *l = p->ledger;
    if (!r->id[0]) return;
    if (l->nseen == l->capseen) {
        int cap = l->capseen ? 2 * l->capseen : 64;
        sim_pseen *grown = realloc(l->seen, (size_t)cap * sizeof *grown);
        if (!grown) return;
        l->seen = grown;
        l->capseen = cap;
    }
    sim_pseen *s = &l->seen[l->nseen++];
    memcpy(s->id, r->id, sizeof s->id);
    s->http_status = r->order >= 0 ? 200 : r->status;
    s->order = r->order;
}

void sim_poly_admin_orders(const sim_poly *p, sim_response *res) {
    static const char *const status[] = {"LIVE", "MATCHED", "CANCELED"};
    const struct sim_poly_ledger *l = p->ledger;
    json_t *arr = json_array(), *out = json_object();
    for (int i = 0; l && i < l->nseen; i++) {
        const sim_pseen *s = &l->seen[i];
        json_t *j = json_object();
        json_object_set_new(j, "id", json_string(s->id));
        json_object_set_new(j, "http_status", json_integer(s->http_status));
        json_object_set_new(j, "accepted", json_boolean(s->order >= 0));
        if (s->order >= 0) {
            const sim_porder *o = &l->orders[s->order];
            json_object_set_new(j, "status", json_string(status[o->status]));
            json_object_set_new(j, "original_size", sim_poly_decimal_json(o->original));
            json_object_set_new(j, "size_matched", sim_poly_decimal_json(o->matched));
        }
        json_array_append_new(arr, j);
    }
    json_object_set_new(out, "orders", arr);
    respond_json(res, 200, out);
}

/* The OrderResponse of an accepted order, or of a refused one inside a batch. */
static json_t *order_response(const sim_poly *p, const placed *r) {
    const struct sim_poly_ledger *l = p->ledger;
    json_t *j = json_object(), *trades = json_array();
    json_object_set_new(j, "success", json_boolean(r->order >= 0));
    json_object_set_new(j, "errorMsg", json_string(r->order >= 0 ? "" : r->err));
    json_object_set_new(j, "orderID", json_string(r->id));
    if (r->order < 0) {
        json_object_set_new(j, "status", json_string(""));
        json_object_set_new(j, "makingAmount", json_string(""));
        json_object_set_new(j, "takingAmount", json_string(""));
    } else {
        const sim_porder *o = &l->orders[r->order];
        json_object_set_new(j, "status", json_string(o->matched > 0 ? "matched" : "live"));
        int buy = o->side == PM_SIDE_BUY;
        json_object_set_new(j, "makingAmount", o->matched ? sim_poly_decimal_json(buy ? o->paid : o->got) : json_string(""));
        json_object_set_new(j, "takingAmount", o->matched ? sim_poly_decimal_json(buy ? o->got : o->paid) : json_string(""));
        for (int i = l->ntrades - r->fills; i < l->ntrades; i++) json_array_append_new(trades, json_string(l->trades[i].id));
    }
    json_object_set_new(j, "transactionsHashes", json_array());
    json_object_set_new(j, "tradeIDs", trades);
    return j;
}

static void post_order(sim_poly *p, int key, const sim_request *req, sim_response *res) {
    json_t *body = json_loads(req->body, 0, NULL);
    placed r;
    if (!json_is_object(body)) {
        json_decref(body);
        return respond_error(res, 400, "Invalid order payload");
    }
    place(p, key, body, &r);
    json_decref(body);
    note_seen(p, &r);
    if (r.order < 0) return respond_error(res, r.status, r.err);
    respond_json(res, 200, order_response(p, &r));
}

static void post_orders(sim_poly *p, int key, const sim_request *req, sim_response *res) {
    json_t *body = json_loads(req->body, 0, NULL);
    if (!json_is_array(body) || json_array_size(body) == 0) {
        json_decref(body);
        return respond_error(res, 400, "Invalid order payload");
    }
    if (json_array_size(body) > SIM_POLY_BATCH_MAX) {
        char text[96];
        snprintf(text, sizeof text, "Too many orders in payload: %zu, max allowed: %d", json_array_size(body),
                 SIM_POLY_BATCH_MAX);
        json_decref(body);
        return respond_error(res, 400, text);
    }
    json_t *out = json_array();
    size_t i;
    json_t *entry;
    json_array_foreach(body, i, entry) {
        placed r;
        if (json_is_object(entry)) {
            place(p, key, entry, &r);
            note_seen(p, &r);
        } else {
            memset(&r, 0, sizeof r);
            r.order = -1;
            snprintf(r.err, sizeof r.err, "Invalid order payload");
        }
        json_array_append_new(out, order_response(p, &r));
    }
    json_decref(body);
    respond_json(res, 200, out);
}

/* --- cancels --- */

static int own_order(const sim_poly *p, int key, const char *id) {
    const struct sim_poly_ledger *l = p->ledger;
    for (int i = 0; id && i < l->norders; i++)
        if (!strcmp(l->orders[i].id, id) && l->orders[i].account == l->keys[key].account) return i;
    return -1;
}

static void cancel_one(sim_poly *p, int key, const char *id, json_t *canceled, json_t *not_canceled) {
    int i = own_order(p, key, id);
    if (i < 0 || p->ledger->orders[i].status != SIM_PO_LIVE) {
        json_object_set_new(not_canceled, id, json_string("order can't be found - already canceled or matched"));
        return;
    }
    sim_poly_cancel(p, i);
    json_array_append_new(canceled, json_string(id));
}

static void respond_cancels(sim_response *res, json_t *canceled, json_t *not_canceled) {
    json_t *out = json_object();
    json_object_set_new(out, "canceled", canceled);
    json_object_set_new(out, "not_canceled", not_canceled);
    respond_json(res, 200, out);
}

static int valid_order_id(const char *id) {
    uint8_t b[32];
    return id && !poly_parse_bytes32(id, b, NULL);
}

static void cancels(sim_poly *p, int key, const sim_request *req, sim_response *res) {
    json_t *canceled = json_array(), *not_canceled = json_object();
    json_t *body = req->body_len ? json_loads(req->body, 0, NULL) : NULL;
    const char *bad = NULL;
    if (!strcmp(req->path, "/order")) {
        const char *id = json_string_value(json_object_get(body, "orderID"));
        bad = !json_is_object(body) ? "Invalid order payload" : !valid_order_id(id) ? "Invalid orderID" : NULL;
        if (!bad) cancel_one(p, key, id, canceled, not_canceled);
    } else if (!strcmp(req->path, "/orders")) {
        size_t i;
        json_t *v;
        bad = !json_is_array(body) ? "Invalid order payload" : NULL;
        json_array_foreach(body, i, v) if (!valid_order_id(json_string_value(v))) bad = "Invalid orderID";
        if (!bad && json_array_size(body) > SIM_POLY_CANCEL_MAX) bad = "Too many orders in payload, max allowed: 1000";
        if (!bad) json_array_foreach(body, i, v) cancel_one(p, key, json_string_value(v), canceled, not_canceled);
    } else {
        int market_filter = !strcmp(req->path, "/cancel-market-orders");
        const char *market = json_string_value(json_object_get(body, "market"));
        const char *asset = json_string_value(json_object_get(body, "asset_id"));
        if (market_filter && (!json_is_object(body) || (!market && !asset))) bad = "Invalid order payload";
        struct sim_poly_ledger *l = p->ledger;
        for (int i = 0; !bad && i < l->norders; i++) {
            const sim_porder *o = &l->orders[i];
            const sim_pmarket *m = &p->markets[o->market];
            if (o->account != l->keys[key].account || o->status != SIM_PO_LIVE) continue;
            if (market_filter && ((market && strcmp(market, m->condition_id)) || (asset && strcmp(asset, m->token[o->outcome]))))
                continue;
            cancel_one(p, key, o->id, canceled, not_canceled);
        }
    }
    json_decref(body);
    if (bad) {
        json_decref(canceled);
        json_decref(not_canceled);
        return respond_error(res, 400, bad);
    }
    respond_cancels(res, canceled, not_canceled);
}

/* --- queries --- */

static json_t *open_order_json(const sim_poly *p, int i) {
    const struct sim_poly_ledger *l = p->ledger;
    const sim_porder *o = &l->orders[i];
    const sim_pmarket *m = &p->markets[o->market];
    static const char *const status[] = {"LIVE", "MATCHED", "CANCELED"};
    json_t *j = json_object(), *trades = json_array();
    for (int t = 0; t < l->ntrades; t++)
        if (l->trades[t].order == i) json_array_append_new(trades, json_string(l->trades[t].id));
    char exp[24];
    snprintf(exp, sizeof exp, "%lld", (long long)o->expiration);
    json_object_set_new(j, "id", json_string(o->id));
    json_object_set_new(j, "status", json_string(status[o->status]));
    json_object_set_new(j, "owner", json_string(l->keys[o->key].api_key));
    json_object_set_new(j, "maker_address", json_string(o->maker));
    json_object_set_new(j, "market", json_string(m->condition_id));
    json_object_set_new(j, "asset_id", json_string(m->token[o->outcome]));
    json_object_set_new(j, "side", json_string(o->side == PM_SIDE_BUY ? "BUY" : "SELL"));
    json_object_set_new(j, "original_size", sim_poly_decimal_json(o->original));
    json_object_set_new(j, "size_matched", sim_poly_decimal_json(o->matched));
    json_object_set_new(j, "price", sim_poly_decimal_json(o->price));
    json_object_set_new(j, "associate_trades", trades);
    json_object_set_new(j, "outcome", json_string(o->outcome == PM_OUTCOME_YES ? "Yes" : "No"));
    json_object_set_new(j, "created_at", json_integer(o->created_s));
    json_object_set_new(j, "expiration", json_string(exp));
    json_object_set_new(j, "order_type", json_string(type_names[o->type]));
    return j;
}

/* A page {data, next_cursor "LTE=" (the end), limit, count}: everything fits on one. */
static void respond_page(sim_response *res, json_t *data) {
    json_t *out = json_object();
    size_t n = json_array_size(data);
    json_object_set_new(out, "data", data);
    json_object_set_new(out, "next_cursor", json_string("LTE="));
    json_object_set_new(out, "limit", json_integer((json_int_t)n));
    json_object_set_new(out, "count", json_integer((json_int_t)n));
    respond_json(res, 200, out);
}

static int filtered_out(const sim_poly *p, const sim_request *req, const sim_porder *o, const char *id) {
    char want[96];
    const sim_pmarket *m = &p->markets[o->market];
    return (sim_query_arg(req, "id", want, sizeof want) >= 0 && want[0] && strcmp(want, id)) ||
           (sim_query_arg(req, "market", want, sizeof want) >= 0 && want[0] && strcmp(want, m->condition_id)) ||
           (sim_query_arg(req, "asset_id", want, sizeof want) >= 0 && want[0] && strcmp(want, m->token[o->outcome]));
}

static void open_orders(sim_poly *p, int key, const sim_request *req, sim_response *res) {
    const struct sim_poly_ledger *l = p->ledger;
    json_t *data = json_array();
    for (int i = 0; i < l->norders; i++) {
        const sim_porder *o = &l->orders[i];
        if (o->account != l->keys[key].account || o->status != SIM_PO_LIVE || filtered_out(p, req, o, o->id)) continue;
        json_array_append_new(data, open_order_json(p, i));
    }
    respond_page(res, data);
}

static void trades(sim_poly *p, int key, const sim_request *req, sim_response *res) {
    const struct sim_poly_ledger *l = p->ledger;
    json_t *data = json_array();
    for (int i = 0; i < l->ntrades; i++) {
        const sim_ptrade *t = &l->trades[i];
        const sim_porder *o = &l->orders[t->order];
        if (o->account != l->keys[key].account || filtered_out(p, req, o, t->id)) continue;
        json_array_append_new(data, sim_poly_trade_json(p, t, 0));
    }
    respond_page(res, data);
}

static void balance_allowance(sim_poly *p, int key, const sim_request *req, sim_response *res) {
    char type[32], token[96];
    const struct sim_poly_ledger *l = p->ledger;
    int account = l->keys[key].account;
    int64_t balance;
    if (sim_query_arg(req, "asset_type", type, sizeof type) < 0) return respond_error(res, 400, "Invalid asset type");
    if (!strcmp(type, "COLLATERAL")) {
        balance = l->accounts[account].balance;
    } else if (!strcmp(type, "CONDITIONAL") || !strcmp(type, "CONDITIONAL-V2")) {
        pm_outcome oc;
        int m = sim_query_arg(req, "token_id", token, sizeof token) < 0 ? -1 : sim_poly_find_token(p, token, &oc);
        balance = m < 0 ? 0 : *sim_poly_position(p, account, m, oc);
    } else {
        return respond_error(res, 400, "Invalid asset type");
    }
    json_t *out = json_object(), *allow = json_object();
    char text[24];
    snprintf(text, sizeof text, "%lld", (long long)balance); /* base units (6 decimals), as the venue */
    json_object_set_new(out, "balance", json_string(text));
    json_object_set_new(allow, POLY_EXCHANGE_V2, json_string(UINT256_MAX_TEXT));
    json_object_set_new(allow, POLY_NEG_RISK_EXCHANGE_V2, json_string(UINT256_MAX_TEXT));
    json_object_set_new(allow, POLY_EXCHANGE_V3, json_string(UINT256_MAX_TEXT));
    json_object_set_new(out, "allowances", allow);
    respond_json(res, 200, out);
}

static void api_keys(sim_poly *p, int key, sim_response *res) {
    const struct sim_poly_ledger *l = p->ledger;
    json_t *keys = json_array(), *out = json_object();
    for (int i = 0; i < l->nkeys; i++)
        if (!memcmp(l->keys[i].address, l->keys[key].address, 20)) json_array_append_new(keys, json_string(l->keys[i].api_key));
    json_object_set_new(out, "apiKeys", keys);
    respond_json(res, 200, out);
}

void sim_poly_private(sim_poly *p, const sim_request *req, sim_response *res) {
    const char *m = req->method, *path = req->path;
    int get = !strcmp(m, "GET"), post = !strcmp(m, "POST"), del = !strcmp(m, "DELETE");
    if (post && !strcmp(path, "/auth/api-key")) return sim_poly_l1_keys(p, req, 1, res);
    if (get && !strcmp(path, "/auth/derive-api-key")) return sim_poly_l1_keys(p, req, 0, res);
    int key = sim_poly_l2_key(p, req);
    if (key < 0) return sim_respondf(res, 401, "{\"error\":\"Unauthorized/Invalid api key\"}");
    sim_poly_expire(p, pm_wall_ns() / 1000000000);
    if (post && !strcmp(path, "/order")) return post_order(p, key, req, res);
    if (post && !strcmp(path, "/orders")) return post_orders(p, key, req, res);
    if (del && (!strcmp(path, "/order") || !strcmp(path, "/orders") || !strcmp(path, "/cancel-all") ||
                !strcmp(path, "/cancel-market-orders")))
        return cancels(p, key, req, res);
    if (get && !strcmp(path, "/data/orders")) return open_orders(p, key, req, res);
    if (get && !strncmp(path, "/data/order/", 12)) {
        if (!valid_order_id(path + 12)) return respond_error(res, 400, "Invalid orderID");
        int i = own_order(p, key, path + 12);
        /* like the venue, only an active order is returned */
        if (i < 0 || p->ledger->orders[i].status != SIM_PO_LIVE) return sim_respondf(res, 200, "null");
        return respond_json(res, 200, open_order_json(p, i));
    }
    if (get && !strcmp(path, "/data/trades")) return trades(p, key, req, res);
    if (get && (!strcmp(path, "/balance-allowance") || !strcmp(path, "/balance-allowance/update")))
        return balance_allowance(p, key, req, res);
    if (get && !strcmp(path, "/auth/api-keys")) return api_keys(p, key, res);
    respond_error(res, 404, "this endpoint is not simulated");
}
