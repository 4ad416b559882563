/* poly_match.c — the simulated Polymarket's matching: an order takes the book's liquidity at
 * its price or better, best level first (the synthetic levels carry no queue, so price-time
 * priority is price priority), publishing every level change (price_change) and trade
 * (last_trade_price), and the user channel's trade and order messages; a GTC/GTD remainder
 * rests on the book. Books are the YES token's: a NO order trades against the mirror (a NO
 * ask at p is a YES bid at 1 − p), through sim_poly_set_level which translates.
 *
 * Amounts: a BUY fills at most takerAmount shares and a SELL at most makerAmount shares (a
 * market order under the partial_fill fault at most half of that, see poly_orders.c), at
 * the book's prices no worse than the order's (makerAmount/takerAmount for a BUY, the inverse
 * for a SELL); price improvement goes to the taker. A buyer pays ⌈shares × price⌉ micro-pUSD
 * and receives the shares less the taker fee in shares (Polymarket takes buy fees in the
 * tokens received); a seller gives the shares and receives ⌊shares × price⌋ less the taker fee
 * in pUSD (core/poly_fee.h, rounded up). Resting (maker) orders pay nothing.
 *
 * The counterparty of every fill is the simulated crowd: an account's own resting orders are
 * liquidity in the book's levels like any other (a later order may trade with that level, as
 * in the Kalshi half, without filling the resting order), and a cancel removes what the level
 * still holds of the order. */
#include "sim/poly_ledger.h"

#include "core/poly_fee.h"
#include "util/clock.h"
#include "util/keccak.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

sim_porder *sim_poly_new_order(struct sim_poly_ledger *l) {
    if (l->norders == l->caporders) {
        int cap = l->caporders ? 2 * l->caporders : 64;
        sim_porder *grown = realloc(l->orders, (size_t)cap * sizeof *grown);
        if (!grown) return NULL;
        l->orders = grown;
        l->caporders = cap;
    }
    sim_porder *o = &l->orders[l->norders++];
    memset(o, 0, sizeof *o);
    return o;
}

static sim_ptrade *new_trade(struct sim_poly_ledger *l) {
    if (l->ntrades == l->captrades) {
        int cap = l->captrades ? 2 * l->captrades : 64;
        sim_ptrade *grown = realloc(l->trades, (size_t)cap * sizeof *grown);
        if (!grown) return NULL;
        l->trades = grown;
        l->captrades = cap;
    }
    sim_ptrade *t = &l->trades[l->ntrades++];
    memset(t, 0, sizeof *t);
    return t;
}

pm_qty_t *sim_poly_position(sim_poly *p, int account, int market, pm_outcome o) {
    return &p->ledger->accounts[account].position[market * 2 + (int)o];
}

static pm_qty_t remaining(const sim_porder *o) { return o->original - o->matched; }
/* What it may still match: its remaining size, less under the partial_fill fault. */
static pm_qty_t matchable(const sim_porder *o) { return o->match_cap - o->matched; }

pm_usd_t sim_poly_reserved_usd(const struct sim_poly_ledger *l, int account) {
    pm_usd_t sum = 0;
    for (int i = 0; i < l->norders; i++) {
        const sim_porder *o = &l->orders[i];
        if (o->account != account || o->status != SIM_PO_LIVE || o->side != PM_SIDE_BUY) continue;
        pm_usd_t n;
        if (!pm_notional(o->price, remaining(o), PM_ROUND_CEIL, &n, NULL)) sum += n;
    }
    return sum;
}

pm_qty_t sim_poly_reserved_shares(const struct sim_poly_ledger *l, int account, int market, pm_outcome oc) {
    pm_qty_t sum = 0;
    for (int i = 0; i < l->norders; i++) {
        const sim_porder *o = &l->orders[i];
        if (o->account == account && o->status == SIM_PO_LIVE && o->side == PM_SIDE_SELL && o->market == market &&
            o->outcome == oc)
            sum += remaining(o);
    }
    return sum;
}

/* The YES-book side an order takes from: a YES buy (or NO sell) takes YES asks. */
static const pm_book_side *taker_side(const sim_pmarket *m, const sim_porder *o) {
    return (o->side == PM_SIDE_BUY) == (o->outcome == PM_OUTCOME_YES) ? &m->book.ask : &m->book.bid;
}

static pm_px_t outcome_px(pm_outcome oc, pm_px_t yes_px) { return oc == PM_OUTCOME_YES ? yes_px : PM_PX_ONE - yes_px; }

/* 1 when the order accepts a fill at outcome price px: px ≤ maker/taker for a BUY,
 * px ≥ taker/maker for a SELL (compared exactly, cross-multiplied). */
static int acceptable(const sim_porder *o, pm_px_t px) {
    if (o->side == PM_SIDE_BUY) return (__int128)px * o->taker_amount <= (__int128)o->maker_amount * PM_SCALE;
    return (__int128)px * o->maker_amount >= (__int128)o->taker_amount * PM_SCALE;
}

pm_qty_t sim_poly_fillable(const sim_poly *p, const sim_porder *o) {
    const pm_book_side *s = taker_side(&p->markets[o->market], o);
    pm_qty_t sum = 0;
    for (int i = s->n - 1; i >= 0 && sum < matchable(o); i--) {
        if (!acceptable(o, outcome_px(o->outcome, s->lv[i].px))) break;
        sum += s->lv[i].qty;
    }
    return sum < matchable(o) ? sum : matchable(o);
}

/* Size at an outcome's price on one of its sides, read from the YES book. */
static pm_qty_t level_qty(const sim_pmarket *m, pm_outcome oc, pm_book_side_kind kind, pm_px_t px) {
    if (oc == PM_OUTCOME_YES) return pm_book_qty_at(kind == PM_BID ? &m->book.bid : &m->book.ask, px);
    return pm_book_qty_at(kind == PM_BID ? &m->book.ask : &m->book.bid, PM_PX_ONE - px);
}

json_t *sim_poly_decimal_json(int64_t v) {
    char buf[PM_FIXED_BUF];
    sim_poly_decimal(v, 0, buf);
    return json_string(buf);
}

static json_t *unix_text(int64_t s) {
    char buf[24];
    snprintf(buf, sizeof buf, "%lld", (long long)s);
    return json_string(buf);
}

static const char *outcome_name(pm_outcome oc) { return oc == PM_OUTCOME_YES ? "Yes" : "No"; }
static const char *side_name(pm_side s) { return s == PM_SIDE_BUY ? "BUY" : "SELL"; }

json_t *sim_poly_trade_json(const sim_poly *p, const sim_ptrade *t, int ws) {
    const struct sim_poly_ledger *l = p->ledger;
    const sim_porder *o = &l->orders[t->order];
    const sim_pmarket *m = &p->markets[o->market];
    const char *key = l->keys[o->key].api_key;
    json_t *j = json_object(), *maker = json_object(), *makers = json_array();
    if (ws) {
        json_object_set_new(j, "event_type", json_string("trade"));
        json_object_set_new(j, "type", json_string("TRADE"));
    }
    json_object_set_new(j, "id", json_string(t->id));
    json_object_set_new(j, "taker_order_id", json_string(o->id));
    json_object_set_new(j, "market", json_string(m->condition_id));
    json_object_set_new(j, "asset_id", json_string(m->token[o->outcome]));
    json_object_set_new(j, "side", json_string(side_name(o->side)));
    json_object_set_new(j, "size", sim_poly_decimal_json(t->size));
    char bps[24];
    snprintf(bps, sizeof bps, "%lld", (long long)(m->fee_rate / 100));
    json_object_set_new(j, "fee_rate_bps", json_string(bps));
    json_object_set_new(j, "price", sim_poly_decimal_json(t->price));
    json_object_set_new(j, "status", json_string(ws ? "MATCHED" : "CONFIRMED"));
    json_object_set_new(j, ws ? "matchtime" : "match_time", unix_text(t->ts_s));
    json_object_set_new(j, "last_update", unix_text(t->ts_s));
    json_object_set_new(j, "outcome", json_string(outcome_name(o->outcome)));
    json_object_set_new(j, "bucket_index", json_integer(0));
    json_object_set_new(j, "owner", json_string(key));
    if (ws) {
        json_object_set_new(j, "trade_owner", json_string(key));
        json_object_set_new(j, "timestamp", unix_text(t->ts_s));
    }
    json_object_set_new(j, "maker_address", json_string(o->maker));
    json_object_set_new(j, "transaction_hash", json_string(t->tx_hash));
    json_object_set_new(j, "trader_side", json_string("TAKER"));
    /* the resting side is the simulated crowd: no order of any API key */
    json_object_set_new(maker, "order_id", json_string(""));
    json_object_set_new(maker, "owner", json_string(""));
    json_object_set_new(maker, "maker_address", json_string("0x0000000000000000000000000000000000000000"));
    json_object_set_new(maker, "matched_amount", sim_poly_decimal_json(t->size));
    json_object_set_new(maker, "price", sim_poly_decimal_json(t->price));
    json_object_set_new(maker, "fee_rate_bps", json_string("0"));
    json_object_set_new(maker, "asset_id", json_string(m->token[o->outcome]));
    json_object_set_new(maker, "outcome", json_string(outcome_name(o->outcome)));
    json_object_set_new(maker, "side", json_string(side_name(o->side == PM_SIDE_BUY ? PM_SIDE_SELL : PM_SIDE_BUY)));
    json_array_append_new(makers, maker);
    json_object_set_new(j, "maker_orders", makers);
    return j;
}

static void push_json(sim_poly *p, const sim_porder *o, json_t *msg) {
    char *text = json_dumps(msg, JSON_COMPACT);
    json_decref(msg);
    if (!text) return;
    sim_poly_push_user(p, p->ledger->keys[o->key].api_key, p->markets[o->market].condition_id, text);
    free(text);
}

void sim_poly_push_order(sim_poly *p, int order, const char *type) {
    const struct sim_poly_ledger *l = p->ledger;
    const sim_porder *o = &l->orders[order];
    const sim_pmarket *m = &p->markets[o->market];
    static const char *const status[] = {"LIVE", "MATCHED", "CANCELED"};
    json_t *j = json_object(), *trades = json_array();
    for (int i = 0; i < l->ntrades; i++)
        if (l->trades[i].order == order) json_array_append_new(trades, json_string(l->trades[i].id));
    json_object_set_new(j, "event_type", json_string("order"));
    json_object_set_new(j, "type", json_string(type));
    json_object_set_new(j, "id", json_string(o->id));
    json_object_set_new(j, "owner", json_string(l->keys[o->key].api_key));
    json_object_set_new(j, "order_owner", json_string(l->keys[o->key].api_key));
    json_object_set_new(j, "maker_address", json_string(o->maker));
    json_object_set_new(j, "market", json_string(m->condition_id));
    json_object_set_new(j, "asset_id", json_string(m->token[o->outcome]));
    json_object_set_new(j, "side", json_string(side_name(o->side)));
    json_object_set_new(j, "outcome", json_string(outcome_name(o->outcome)));
    json_object_set_new(j, "price", sim_poly_decimal_json(o->price));
    json_object_set_new(j, "original_size", sim_poly_decimal_json(o->original));
    json_object_set_new(j, "size_matched", sim_poly_decimal_json(o->matched));
    json_object_set_new(j, "status", json_string(status[o->status]));
    json_object_set_new(j, "associate_trades", trades);
    json_object_set_new(j, "timestamp", unix_text(pm_wall_ns() / 1000000000));
    push_json(p, o, j);
}

static void rest(sim_poly *p, sim_porder *o, pm_qty_t delta) {
    sim_pmarket *m = &p->markets[o->market];
    pm_book_side_kind own = o->side == PM_SIDE_BUY ? PM_BID : PM_ASK;
    pm_qty_t have = level_qty(m, o->outcome, own, o->price);
    if (delta < 0 && have < -delta) delta = -have; /* the simulated crowd may have taken some */
    sim_poly_set_level(p, o->market, o->outcome, own, o->price, have + delta);
}

int sim_poly_execute(sim_poly *p, int order) {
    struct sim_poly_ledger *l = p->ledger;
    sim_porder *o = &l->orders[order];
    sim_pmarket *m = &p->markets[o->market];
    sim_paccount *a = &l->accounts[o->account];
    pm_qty_t *pos = sim_poly_position(p, o->account, o->market, o->outcome);
    int fills = 0;
    while (matchable(o) > 0) {
        const pm_level *best = pm_book_best(taker_side(m, o));
        if (!best) break;
        pm_px_t px = outcome_px(o->outcome, best->px);
        pm_qty_t have = best->qty, take = have < matchable(o) ? have : matchable(o);
        if (!acceptable(o, px)) break;
        sim_ptrade *t = new_trade(l);
        if (!t) break;
        if (sim_poly_set_level(p, o->market, o->outcome, o->side == PM_SIDE_BUY ? PM_ASK : PM_BID, px, have - take)) {
            l->ntrades--;
            break;
        }
        pm_uuid_v7(t->id);
        uint8_t h[32];
        pm_keccak256(t->id, strlen(t->id), h);
        poly_hex(h, 32, t->tx_hash);
        t->order = order;
        t->price = px;
        t->size = take;
        t->ts_s = pm_wall_ns() / 1000000000;
        pm_usd_t n;
        if (o->side == PM_SIDE_BUY) {
            pm_notional(px, take, PM_ROUND_CEIL, &n, NULL);
            t->fee_shares = pm_poly_fee_shares(take, px, m->fee_rate, m->fee_exponent);
            if (t->fee_shares < 0) t->fee_shares = 0;
            a->balance -= n;
            *pos += take - t->fee_shares;
            o->paid += n;
            o->got += take - t->fee_shares;
        } else {
            pm_notional(px, take, PM_ROUND_FLOOR, &n, NULL);
            t->fee_usd = pm_poly_fee_usd(take, px, m->fee_rate, m->fee_exponent);
            if (t->fee_usd < 0) t->fee_usd = 0;
            a->balance += n - t->fee_usd;
            *pos -= take;
            o->paid += n - t->fee_usd;
            o->got += take;
        }
        o->matched += take;
        fills++;
        sim_poly_publish_trade(p, o->market, o->outcome, o->side, px, take);
        push_json(p, o, sim_poly_trade_json(p, t, 1));
    }
    if (remaining(o) > 0 && (o->type == SIM_PO_GTC || o->type == SIM_PO_GTD)) {
        o->status = SIM_PO_LIVE;
        rest(p, o, remaining(o));
        sim_poly_push_order(p, order, "PLACEMENT");
    } else {
        o->status = o->matched > 0 ? SIM_PO_MATCHED : SIM_PO_CANCELED;
    }
    return fills;
}

void sim_poly_cancel(sim_poly *p, int order) {
    sim_porder *o = &p->ledger->orders[order];
    if (o->status != SIM_PO_LIVE) return;
    rest(p, o, -remaining(o));
    o->status = SIM_PO_CANCELED;
    sim_poly_push_order(p, order, "CANCELLATION");
}

void sim_poly_expire(sim_poly *p, int64_t now_s) {
    const struct sim_poly_ledger *l = p->ledger;
    for (int i = 0; i < l->norders; i++) {
        const sim_porder *o = &l->orders[i];
        if (o->status == SIM_PO_LIVE && o->type == SIM_PO_GTD && o->expiration <= now_s) sim_poly_cancel(p, i);
    }
}
