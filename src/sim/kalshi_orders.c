/* kalshi_orders.c — the simulated Kalshi portfolio: V2 orders (POST/DELETE
 * /portfolio/events/orders) matched against the market's book with partial fills and
 * Kalshi's fee formula, the member's balance (charged to the cent), positions (signed: + YES,
 * − NO; an order against a holding nets it and pays $1 per netted pair, so selling YES credits
 * its YES price), fills, order
 * queries, and the fill / user_order pushes on the WebSocket. */
#define _GNU_SOURCE /* asprintf */
#include "sim/kalshi_venue.h"

#include "core/kalshi_fee.h"
#include "util/clock.h"
#include "util/uuid.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum order_status { ST_RESTING, ST_CANCELED, ST_EXECUTED } order_status;
static const char *const status_names[] = {"resting", "canceled", "executed"};

struct sim_korder {
    char id[PM_UUID_LEN];
    char client_id[72];
    int market;
    int ask;                 /* book side: 0 bid (long YES), 1 ask (long NO) */
    pm_px_t yes_price;
    pm_qty_t initial, filled, remaining;
    order_status status;
    pm_usd_t cost, fees;     /* money paid for the filled contracts, and fees */
    int64_t created_ms, updated_ms;
};

struct sim_kfill {
    char trade_id[PM_UUID_LEN];
    int order;
    pm_qty_t count;
    pm_px_t yes_price;
    pm_usd_t fee;
    int64_t ts_ms;
};

void sim_kalshi_orders_free(sim_kalshi *k) {
    free(k->orders);
    free(k->fills);
    free(k->seen);
    k->orders = NULL;
    k->fills = NULL;
    k->seen = NULL;
}

static pm_kalshi_fee_type fee_type_of(const sim_kalshi *k, int m, int64_t *mult) {
    pm_kalshi_fee_type t = PM_KFEE_QUADRATIC;
    *mult = PM_SCALE;
    for (int e = 0; e < k->nevents; e++) {
        if (strcmp(k->events[e].ticker, k->markets[m].event)) continue;
        for (int s = 0; s < k->nseries; s++) {
            if (strcmp(k->series[s].ticker, k->events[e].series)) continue;
            pm_kalshi_fee_type_parse(k->series[s].fee_type, &t);
            *mult = k->series[s].fee_multiplier;
        }
    }
    return t;
}

static json_t *order_json(const sim_kalshi *k, const struct sim_korder *o) {
    json_t *j = json_object();
    json_object_set_new(j, "order_id", json_string(o->id));
    json_object_set_new(j, "user_id", json_string("sim-user"));
    json_object_set_new(j, "client_order_id", json_string(o->client_id));
    json_object_set_new(j, "ticker", json_string(k->markets[o->market].ticker));
    json_object_set_new(j, "status", json_string(status_names[o->status]));
    json_object_set_new(j, "outcome_side", json_string(o->ask ? "no" : "yes"));
    json_object_set_new(j, "book_side", json_string(o->ask ? "ask" : "bid"));
    json_object_set_new(j, "yes_price_dollars", sim_dollars(o->yes_price, 4));
    json_object_set_new(j, "no_price_dollars", sim_dollars(PM_PX_ONE - o->yes_price, 4));
    json_object_set_new(j, "fill_count_fp", sim_dollars(o->filled, 2));
    json_object_set_new(j, "remaining_count_fp", sim_dollars(o->remaining, 2));
    json_object_set_new(j, "initial_count_fp", sim_dollars(o->initial, 2));
    json_object_set_new(j, "taker_fill_cost_dollars", sim_dollars(o->cost, 6));
    json_object_set_new(j, "maker_fill_cost_dollars", sim_dollars(0, 6));
    json_object_set_new(j, "taker_fees_dollars", sim_dollars(o->fees, 6));
    json_object_set_new(j, "maker_fees_dollars", sim_dollars(0, 6));
    char t[PM_ISO_TIME_LEN];
    pm_iso_time(o->created_ms * 1000000, t);
    json_object_set_new(j, "created_time", json_string(t));
    pm_iso_time(o->updated_ms * 1000000, t);
    json_object_set_new(j, "last_update_time", json_string(t));
    json_object_set_new(j, "self_trade_prevention_type", json_string("taker_at_cross"));
    return j;
}

/* A decimal string field: price (≤ 4 decimals, on the 0.01 grid, 0.01..0.99) or count (≤ 2 decimals). */
static int decimal_field(json_t *body, const char *key, int price, int64_t *out) {
    const char *s = json_string_value(json_object_get(body, key));
    pm_decimal_spec spec = {6, price ? 4 : 2, 0, price ? 10000 : 10000, price ? 990000 : INT64_MAX, key};
    if (!s || pm_decimal_parse(s, strlen(s), &spec, out, NULL)) return -1;
    return price && *out % 10000 ? -1 : 0; /* linear_cent markets */
}

static int find_market(const sim_kalshi *k, const char *ticker) {
    for (int i = 0; ticker && i < k->nmarkets; i++)
        if (!strcmp(k->markets[i].ticker, ticker)) return i;
    return -1;
}

static struct sim_korder *new_order(sim_kalshi *k) {
    if (k->norders == k->caporders) {
        int cap = k->caporders ? 2 * k->caporders : 64;
        struct sim_korder *grown = realloc(k->orders, (size_t)cap * sizeof *grown);
        if (!grown) return NULL;
        k->orders = grown;
        k->caporders = cap;
    }
    struct sim_korder *o = &k->orders[k->norders++];
    memset(o, 0, sizeof *o);
    return o;
}

static int record_fill(sim_kalshi *k, int order, pm_qty_t count, pm_px_t yes_price, pm_usd_t fee, int64_t ts) {
    if (k->nfills == k->capfills) {
        int cap = k->capfills ? 2 * k->capfills : 64;
        struct sim_kfill *grown = realloc(k->fills, (size_t)cap * sizeof *grown);
        if (!grown) return -1;
        k->fills = grown;
        k->capfills = cap;
    }
    struct sim_kfill *f = &k->fills[k->nfills++];
    pm_uuid_v7(f->trade_id);
    f->order = order;
    f->count = count;
    f->yes_price = yes_price;
    f->fee = fee;
    f->ts_ms = ts;
    return 0;
}

static json_t *fill_json(const sim_kalshi *k, const struct sim_kfill *f) {
    const struct sim_korder *o = &k->orders[f->order];
    json_t *j = json_object();
    json_object_set_new(j, "fill_id", json_string(f->trade_id));
    json_object_set_new(j, "trade_id", json_string(f->trade_id));
    json_object_set_new(j, "order_id", json_string(o->id));
    json_object_set_new(j, "client_order_id", json_string(o->client_id));
    json_object_set_new(j, "ticker", json_string(k->markets[o->market].ticker));
    json_object_set_new(j, "market_ticker", json_string(k->markets[o->market].ticker));
    json_object_set_new(j, "outcome_side", json_string(o->ask ? "no" : "yes"));
    json_object_set_new(j, "book_side", json_string(o->ask ? "ask" : "bid"));
    json_object_set_new(j, "count_fp", sim_dollars(f->count, 2));
    json_object_set_new(j, "yes_price_dollars", sim_dollars(f->yes_price, 4));
    json_object_set_new(j, "no_price_dollars", sim_dollars(PM_PX_ONE - f->yes_price, 4));
    json_object_set_new(j, "is_taker", json_true());
    json_object_set_new(j, "fee_cost", sim_dollars(f->fee, 4));
    json_object_set_new(j, "post_position_fp", sim_dollars(k->position[o->market], 2));
    json_object_set_new(j, "ts_ms", json_integer(f->ts_ms));
    return j;
}

static void create_order(sim_kalshi *k, const sim_request *req, sim_response *res) {
    json_t *body = json_loads(req->body, 0, NULL);
    int m = find_market(k, json_string_value(json_object_get(body, "ticker")));
    const char *side = json_string_value(json_object_get(body, "side"));
    const char *tif = json_string_value(json_object_get(body, "time_in_force"));
    const char *stp = json_string_value(json_object_get(body, "self_trade_prevention_type"));
    const char *cid = json_string_value(json_object_get(body, "client_order_id"));
    pm_px_t price;
    pm_qty_t count;
    const char *bad = !json_is_object(body) ? "body must be a JSON object"
                      : m < 0 || !k->markets[m].active ? "unknown or inactive ticker"
                      : !side || (strcmp(side, "bid") && strcmp(side, "ask")) ? "side must be bid or ask"
                      : decimal_field(body, "price", 1, &price) ? "price must be 0.01..0.99 on the market's tick"
                      : decimal_field(body, "count", 0, &count) || count <= 0 ? "count must be a positive count_fp"
                      : !tif || (strcmp(tif, "fill_or_kill") && strcmp(tif, "immediate_or_cancel") &&
                                 strcmp(tif, "good_till_canceled"))
                          ? "time_in_force must be fill_or_kill, immediate_or_cancel or good_till_canceled"
                      : !stp || (strcmp(stp, "taker_at_cross") && strcmp(stp, "maker"))
                          ? "self_trade_prevention_type must be taker_at_cross or maker"
                      : cid && strlen(cid) > 64 ? "client_order_id longer than 64 characters"
                                                : NULL;
    if (bad) {
        json_decref(body);
        return sim_respond_error(res, 400, "invalid_parameters", bad);
    }
    if (k->faults.reject_orders > 0) {
        k->faults.reject_orders--;
        json_decref(body);
        return sim_respond_error(res, 400, "order_rejected", "rejected by the simulator's fault switch");
    }
    for (int i = 0; cid && i < k->norders; i++)
        if (!strcmp(k->orders[i].client_id, cid)) {
            json_decref(body);
            return sim_respond_error(res, 409, "order_already_exists", "an order with this client_order_id exists");
        }
    int ask = !strcmp(side, "ask");
    sim_kmarket *mk = &k->markets[m];
    pm_book_side *against = ask ? &mk->book.bid : &mk->book.ask; /* ask sells YES into YES bids */
    pm_walk w;
    pm_book_walk(against, price, count, &w);
    int64_t mult;
    pm_kalshi_fee_type ft = fee_type_of(k, m, &mult);
    /* what it can cost at most, to check the balance first */
    pm_usd_t worst = 0;
    for (int i = against->n - 1, left = 1; i >= 0 && left; i--) {
        const pm_level *l = &against->lv[i];
        if (ask ? l->px < price : l->px > price) break;
        pm_qty_t take = l->qty < count ? l->qty : count;
        pm_px_t paid = ask ? PM_PX_ONE - l->px : l->px;
        pm_usd_t n;
        pm_notional(paid, take, PM_ROUND_CEIL, &n, NULL);
        worst += pm_kalshi_balance_charge(n + pm_kalshi_fill_fee(ft, mult, take, l->px, 0));
        left = take < count;
    }
    if (!strcmp(tif, "good_till_canceled")) {
        pm_usd_t rest;
        pm_notional(ask ? PM_PX_ONE - price : price, count, PM_ROUND_CEIL, &rest, NULL);
        worst += rest;
    }
    if (worst > k->balance) {
        json_decref(body);
        return sim_respond_error(res, 400, "insufficient_balance", "insufficient balance");
    }
    struct sim_korder *o = new_order(k);
    if (!o) {
        json_decref(body);
        return sim_respond_error(res, 500, "internal", "out of memory");
    }
    int oi = (int)(o - k->orders);
    pm_uuid_v7(o->id);
    snprintf(o->client_id, sizeof o->client_id, "%s", cid ? cid : "");
    o->market = m;
    o->ask = ask;
    o->yes_price = price;
    o->initial = o->remaining = count;
    o->created_ms = o->updated_ms = pm_wall_ns() / 1000000;
    int fok = !strcmp(tif, "fill_or_kill");
    pm_qty_t cap = count; /* the partial_fill fault: at most half, in whole contracts */
    if (k->faults.partial_orders > 0) {
        k->faults.partial_orders--;
        cap = count / 2 / PM_SCALE * PM_SCALE;
    }
    if (!(fok && (w.qty < count || cap < count))) { /* a fill-or-kill that cannot fill completely does nothing */
        while (o->filled < cap && against->n) {
            const pm_level *best = pm_book_best(against);
            if (ask ? best->px < price : best->px > price) break;
            pm_px_t px = best->px;
            pm_qty_t take = best->qty < cap - o->filled ? best->qty : cap - o->filled;
            pm_usd_t fee = pm_kalshi_fill_fee(ft, mult, take, px, 0), n;
            pm_notional(ask ? PM_PX_ONE - px : px, take, PM_ROUND_CEIL, &n, NULL);
            k->balance -= pm_kalshi_balance_charge(n + fee);
            pm_qty_t held = ask ? k->position[m] : -k->position[m], netted = held <= 0 ? 0 : held < take ? held : take;
            if (netted) { /* the opposite holding closes: each netted YES + NO pair pays $1 at once */
                pm_usd_t paid;
                pm_notional(PM_PX_ONE, netted, PM_ROUND_FLOOR, &paid, NULL);
                k->balance += paid;
            }
            k->position[m] += ask ? -take : take;
            k->fees_paid[m] += fee;
            o->cost += n;
            o->fees += fee;
            o->filled += take;
            o->remaining -= take;
            pm_book_side_add(against, px, -take);
            sim_kalshi_publish_delta(k, m, ask, px, -take); /* an ask eats YES bids; a bid eats NO bids */
            record_fill(k, oi, take, px, fee, o->updated_ms);
            sim_kalshi_push_user(k, 1, fill_json(k, &k->fills[k->nfills - 1]));
        }
    }
    if (o->remaining > 0 && !strcmp(tif, "good_till_canceled")) {
        pm_book_side *own = ask ? &mk->book.ask : &mk->book.bid;
        pm_book_side_add(own, price, o->remaining);
        sim_kalshi_publish_delta(k, m, !ask, price, o->remaining);
        o->status = ST_RESTING;
    } else {
        o->status = o->remaining == 0 ? ST_EXECUTED : ST_CANCELED; /* an unfilled rest is cancelled */
        o->remaining = 0;
    }
    sim_kalshi_push_user(k, 0, order_json(k, o));
    json_t *out = json_object();
    json_object_set_new(out, "order_id", json_string(o->id));
    json_object_set_new(out, "client_order_id", json_string(o->client_id));
    json_object_set_new(out, "fill_count", sim_dollars(o->filled, 2));
    json_object_set_new(out, "remaining_count", sim_dollars(o->remaining, 2));
    if (o->filled > 0) {
        pm_usd_t avg_px, avg_fee;
        pm_mul_div(o->cost, PM_SCALE, o->filled, PM_ROUND_HALF_EVEN, &avg_px, NULL);
        pm_mul_div(o->fees, PM_SCALE, o->filled, PM_ROUND_HALF_EVEN, &avg_fee, NULL);
        json_object_set_new(out, "average_fill_price", sim_dollars(avg_px, 6));
        json_object_set_new(out, "average_fee_paid", sim_dollars(avg_fee, 6));
    }
    json_object_set_new(out, "ts_ms", json_integer(o->updated_ms));
    json_decref(body);
    sim_respond_json(res, 201, out);
}

/* Remembers an order post for GET /admin/orders (nothing when out of memory). */
static void note_seen(sim_kalshi *k, const sim_request *req, int status, int order) {
    if (k->nseen == k->capseen) {
        int cap = k->capseen ? 2 * k->capseen : 64;
        sim_kseen *grown = realloc(k->seen, (size_t)cap * sizeof *grown);
        if (!grown) return;
        k->seen = grown;
        k->capseen = cap;
    }
    sim_kseen *s = &k->seen[k->nseen++];
    json_t *body = json_loads(req->body, 0, NULL);
    const char *cid = json_string_value(json_object_get(body, "client_order_id"));
    snprintf(s->client_id, sizeof s->client_id, "%s", cid ? cid : "");
    json_decref(body);
    s->http_status = status;
    s->order = order;
}

void sim_kalshi_admin_orders(const sim_kalshi *k, sim_response *res) {
    json_t *arr = json_array(), *out = json_object();
    for (int i = 0; i < k->nseen; i++) {
        const sim_kseen *s = &k->seen[i];
        json_t *j = json_object();
        json_object_set_new(j, "client_order_id", json_string(s->client_id));
        json_object_set_new(j, "http_status", json_integer(s->http_status));
        json_object_set_new(j, "accepted", json_boolean(s->order >= 0));
        if (s->order >= 0) {
            const struct sim_korder *o = &k->orders[s->order];
            json_object_set_new(j, "order_id", json_string(o->id));
            json_object_set_new(j, "status", json_string(status_names[o->status]));
            json_object_set_new(j, "fill_count_fp", sim_dollars(o->filled, 2));
        }
        json_array_append_new(arr, j);
    }
    json_object_set_new(out, "orders", arr);
    sim_respond_json(res, 200, out);
}

static struct sim_korder *order_by_id(sim_kalshi *k, const char *id, size_t len) {
    for (int i = 0; i < k->norders; i++)
        if (strlen(k->orders[i].id) == len && !strncmp(k->orders[i].id, id, len)) return &k->orders[i];
    return NULL;
}

static void cancel_order(sim_kalshi *k, struct sim_korder *o, sim_response *res) {
    if (o->status != ST_RESTING) return sim_respond_error(res, 404, "not_found", "order is not resting");
    sim_kmarket *mk = &k->markets[o->market];
    pm_book_side *own = o->ask ? &mk->book.ask : &mk->book.bid;
    pm_qty_t reduced = o->remaining, have = pm_book_qty_at(own, o->yes_price);
    if (have < reduced) reduced = have; /* the simulated crowd may have taken some: not simulated as fills */
    pm_book_side_add(own, o->yes_price, -reduced);
    sim_kalshi_publish_delta(k, o->market, !o->ask, o->yes_price, -reduced);
    o->status = ST_CANCELED;
    o->remaining = 0;
    o->updated_ms = pm_wall_ns() / 1000000;
    sim_kalshi_push_user(k, 0, order_json(k, o));
    json_t *out = json_object();
    json_object_set_new(out, "order_id", json_string(o->id));
    json_object_set_new(out, "client_order_id", json_string(o->client_id));
    json_object_set_new(out, "reduced_by", sim_dollars(reduced, 2));
    json_object_set_new(out, "ts_ms", json_integer(o->updated_ms));
    sim_respond_json(res, 200, out);
}

void sim_kalshi_portfolio(sim_kalshi *k, const sim_request *req, const char *p, sim_response *res) {
    int get = !strcmp(req->method, "GET");
    if (get && !strcmp(p, "/portfolio/balance")) {
        json_t *out = json_object();
        json_object_set_new(out, "balance", json_integer(k->balance / PM_CENT));
        json_object_set_new(out, "balance_dollars", sim_dollars(k->balance, 2));
        json_object_set_new(out, "portfolio_value", json_integer(0));
        json_object_set_new(out, "updated_ts", json_integer(pm_wall_ns() / 1000000000));
        return sim_respond_json(res, 200, out);
    }
    if (!strcmp(req->method, "POST") && !strcmp(p, "/portfolio/events/orders")) {
        int before = k->norders;
        create_order(k, req, res);
        return note_seen(k, req, res->status, k->norders > before ? before : -1);
    }
    if (!strncmp(p, "/portfolio/events/orders/", 25) && !strcmp(req->method, "DELETE")) {
        struct sim_korder *o = order_by_id(k, p + 25, strlen(p + 25));
        return o ? cancel_order(k, o, res) : sim_respond_error(res, 404, "not_found", "order not found");
    }
    if (get && !strncmp(p, "/portfolio/orders/", 18)) {
        struct sim_korder *o = order_by_id(k, p + 18, strlen(p + 18));
        if (!o) return sim_respond_error(res, 404, "not_found", "order not found");
        json_t *out = json_object();
        json_object_set_new(out, "order", order_json(k, o));
        return sim_respond_json(res, 200, out);
    }
    if (get && !strcmp(p, "/portfolio/orders")) {
        char ticker[96] = "", status[16] = "";
        sim_query_arg(req, "ticker", ticker, sizeof ticker);
        sim_query_arg(req, "status", status, sizeof status);
        json_t *arr = json_array(), *out = json_object();
        for (int i = 0; i < k->norders; i++) {
            const struct sim_korder *o = &k->orders[i];
            if ((ticker[0] && strcmp(ticker, k->markets[o->market].ticker)) ||
                (status[0] && strcmp(status, status_names[o->status])))
                continue;
            json_array_append_new(arr, order_json(k, o));
        }
        json_object_set_new(out, "orders", arr);
        json_object_set_new(out, "cursor", json_string(""));
        return sim_respond_json(res, 200, out);
    }
    if (get && !strcmp(p, "/portfolio/fills")) {
        json_t *arr = json_array(), *out = json_object();
        for (int i = 0; i < k->nfills; i++) json_array_append_new(arr, fill_json(k, &k->fills[i]));
        json_object_set_new(out, "fills", arr);
        json_object_set_new(out, "cursor", json_string(""));
        return sim_respond_json(res, 200, out);
    }
    if (get && !strcmp(p, "/portfolio/positions")) {
        json_t *arr = json_array(), *out = json_object();
        for (int m = 0; m < k->nmarkets; m++) {
            if (!k->position[m] && !k->fees_paid[m]) continue;
            json_t *j = json_object();
            json_object_set_new(j, "ticker", json_string(k->markets[m].ticker));
            json_object_set_new(j, "position_fp", sim_dollars(k->position[m], 2));
            json_object_set_new(j, "fees_paid_dollars", sim_dollars(k->fees_paid[m], 4));
            json_array_append_new(arr, j);
        }
        json_object_set_new(out, "market_positions", arr);
        json_object_set_new(out, "event_positions", json_array());
        json_object_set_new(out, "cursor", json_string(""));
        return sim_respond_json(res, 200, out);
    }
    sim_respond_error(res, 404, "not_found", "this portfolio endpoint is not simulated");
}
