/* live.c — live trades on the feed thread: gate, orders, results, residuals (see live.h). */
#include "engine/live.h"

#include "engine/hedge.h"
#include "engine/journal.h"
#include "engine/residuals.h"
#include "store/live_orders.h"
#include "util/clock.h"
#include "util/log.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define ORDERS_MAX (2 + PM_LIVE_ROUNDS)
#define RETRY_UNKNOWN_NS (5 * 1000000000LL)   /* an unknown order is looked up again after this */
#define RESOLVE_FOR_NS (30 * 1000000000LL)    /* how long a residual waits for a way out */
#define RESOLVE_RETRY_NS (250 * 1000000LL)

/* One side of a trade: an outcome bought on one venue, and what this trade holds of it. */
typedef struct side {
    pm_venue venue;
    pm_outcome outcome;
    char market_id[PM_EXEC_MARKET_MAX];   /* ticker or token id */
    int mirrored;                         /* Kalshi NO: priced off the YES book */
    pm_fee_model fee;
    pm_px_t tick;
    pm_qty_t lot, min_qty;
    int buy_in_cents;                     /* Polymarket: buys are signed in whole cents */
    pm_exec_market mkt;
    pm_qty_t held;                        /* contracts held from this trade's orders on it */
    pm_usd_t cash;                        /* money they took */
    pm_qty_t netted;                      /* of held: Kalshi closed them against an opposite holding
                                             (another trade's), paying $1 a pair into cash */
} side;

typedef struct lorder {
    int used, final, sent;
    int fills_pending;                    /* FILLS results the executor still owes for it */
    int side;
    char role[16];
    pm_risk_leg reserved;
    pm_qty_t filled, delivered;           /* accounted so far: only ever grows to the latest report */
    pm_usd_t cash, fee;
    pm_exec_status status;
    int64_t retry_at;                     /* still unknown: the next look-up */
    pm_exec_order order;                  /* last: its body is filled on the executor, never here */
} lorder;

typedef struct trade {
    int used, recovery;
    int pair;                             /* the pair's risk slot, held busy until the trade is done; −1: a
                                             recovered order whose pair is not loaded */
    char pair_id[PM_UUID_LEN], opp_id[PM_UUID_LEN];
    side s[2];
    int norders, rounds, one_legged;
    int nsides;                           /* recovery: sides known (1 or 2) */
    int64_t resolve_until, next_try;
    lorder o[ORDERS_MAX];                 /* the first norders are in use; last (see trade_reset) */
} trade;

/* A trade and an order made ready for use. Only what precedes an order's body is cleared: the
 * feed thread never touches the body (the executor builds it), and clearing 17 KB per trade
 * on caches gone cold between opportunities cost ~40 µs of the intent → wire budget. */
static void trade_reset(trade *t) { memset(t, 0, offsetof(trade, o)); }
static void order_reset(lorder *o) {
    memset(o, 0, offsetof(lorder, order) + offsetof(pm_exec_order, body));
    o->order.body[0] = '\0';
}

struct pm_live {
    pm_live_config c;
    trade t[PM_LIVE_TRADES_MAX];
    pm_residuals res;                     /* what finished trades left unhedged (live.h) */
    pm_uuid_pool ids;                     /* order ids' random bits, drawn between messages */
    pm_live_stats st;
};

pm_live *pm_live_new(const pm_live_config *c) {
    pm_live *l = calloc(1, sizeof *l);
    if (!l) return NULL;
    l->c = *c;
    pm_uuid_pool_fill(&l->ids); /* a failure here is met again, and said, on the first poll */
    return l;
}

void pm_live_free(pm_live *l) { free(l); }

static void submit(pm_live *l, const pm_record *r) {
    if (l->c.writer && pm_writer_submit(l->c.writer, r)) l->st.queue_full++;
}

static void audit(pm_live *l, const char *level, const char *kind, const trade *t, const char *order_id, const char *fmt,
                  ...) __attribute__((format(printf, 6, 7)));
static void audit(pm_live *l, const char *level, const char *kind, const trade *t, const char *order_id, const char *fmt,
                  ...) {
    pm_record r;
    memset(&r, 0, sizeof r);
    r.kind = PM_REC_EVENT;
    pm_rec_event *e = &r.u.event;
    e->ts_ns = pm_wall_ns();
    snprintf(e->level, sizeof e->level, "%s", level);
    snprintf(e->kind, sizeof e->kind, "%s", kind);
    if (t) snprintf(e->match_id, sizeof e->match_id, "%s", t->pair_id);
    if (order_id) snprintf(e->order_id, sizeof e->order_id, "%s", order_id);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->detail, sizeof e->detail, fmt, ap);
    va_end(ap);
    submit(l, &r);
}

/* text as the inside of a JSON string (quotes, backslashes and control characters escaped). */
static const char *json_inner(const char *text, char *buf, size_t cap) {
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p && n + 7 < cap; p++) {
        if (*p == '"' || *p == '\\') buf[n++] = '\\', buf[n++] = (char)*p;
        else if (*p < 0x20) n += (size_t)snprintf(buf + n, cap - n, "\\u%04x", *p);
        else buf[n++] = (char)*p;
    }
    buf[n] = '\0';
    return buf;
}

/* ---------- building orders ---------- */

static void side_from_leg(side *s, const pm_pair *p, const pm_det_leg *dl) {
    memset(s, 0, sizeof *s);
    s->venue = dl->m->venue;
    s->outcome = dl->outcome;
    snprintf(s->market_id, sizeof s->market_id, "%s", dl->id);
    s->mirrored = dl->mirrored;
    s->fee = dl->m->fee;
    s->tick = dl->m->tick;
    s->lot = dl->m->lot;
    s->min_qty = dl->m->min_qty;
    s->buy_in_cents = dl->m->buy_in_cents;
    if (s->venue == PM_VENUE_POLYMARKET) {
        s->mkt.tick = p->polymarket.tick_size > 0 ? p->polymarket.tick_size : 0;
        s->mkt.neg_risk = p->polymarket.neg_risk;
        s->mkt.exchange_version = p->polymarket.exchange_version;
        snprintf(s->mkt.condition_id, sizeof s->mkt.condition_id, "%s", p->polymarket.condition_id);
    } else
        s->mkt.tick = p->kalshi.tick_size > 0 ? p->kalshi.tick_size : 0;
}

/* A new order of t on side si. */
static lorder *add_order(pm_live *l, trade *t, int si, pm_side dir, pm_px_t price, pm_qty_t qty, pm_tif tif,
                         const char *role) {
    if (t->norders == ORDERS_MAX) return NULL;
    lorder *o = &t->o[t->norders];
    order_reset(o);
    if (pm_uuid_v7_pooled(&l->ids, o->order.id)) return NULL;
    t->norders++;
    o->used = 1;
    o->side = si;
    const side *s = &t->s[si];
    pm_exec_order *x = &o->order;
    memcpy(x->client_id, x->id, sizeof x->id);
    memcpy(x->market_id, s->market_id, sizeof x->market_id);
    x->side = dir;
    x->outcome = s->outcome;
    x->price = price;
    x->qty = qty;
    x->tif = tif;
    x->mkt = s->mkt;
    snprintf(o->role, sizeof o->role, "%s", role);
    o->status = PM_EXEC_UNKNOWN;
    return o;
}

static void order_record(const trade *t, const lorder *o, const char *status, pm_rec_order *rec) {
    memset(rec, 0, sizeof *rec);
    snprintf(rec->id, sizeof rec->id, "%s", o->order.id);
    rec->venue = t->s[o->side].venue;
    snprintf(rec->client_order_id, sizeof rec->client_order_id, "%s", o->order.client_id);
    snprintf(rec->opportunity_id, sizeof rec->opportunity_id, "%s", t->opp_id);
    snprintf(rec->match_id, sizeof rec->match_id, "%s", t->pair_id);
    snprintf(rec->role, sizeof rec->role, "%s", o->role);
    snprintf(rec->market_id, sizeof rec->market_id, "%s", o->order.market_id);
    rec->side = o->order.side;
    rec->outcome = o->order.outcome;
    rec->price = o->order.price;
    rec->qty = o->order.qty;
    snprintf(rec->tif, sizeof rec->tif, "%s", pm_tif_name(o->order.tif));
    rec->live = 1;
    snprintf(rec->status, sizeof rec->status, "%s", status);
    rec->created_ns = pm_wall_ns();
}

/* Records o as created and hands it to its executor. */
static int send_order(pm_live *l, trade *t, lorder *o, pm_xcmd_kind kind, int then_venue, int64_t intent_ns) {
    static __thread pm_xcmd cmd; /* a command has room for a whole order body: kept off the stack */
    memset(&cmd, 0, PM_XCMD_QUEUED); /* the body is the executor's to build */
    cmd.kind = kind;
    cmd.trade = (int)(t - l->t);
    cmd.leg = (int)(o - t->o);
    cmd.then_venue = then_venue;
    cmd.intent_ns = intent_ns;
    order_record(t, o, "created", &cmd.rec);
    memcpy(&cmd.order, &o->order, offsetof(pm_exec_order, body));
    pm_record r = {.kind = PM_REC_ORDER};
    r.u.order = cmd.rec;
    submit(l, &r);
    if (pm_executor_submit(l->c.x[t->s[o->side].venue], &cmd)) {
        l->st.queue_full++;
        return -1;
    }
    l->st.orders++;
    return 0;
}

pm_risk_reason pm_live_admit(pm_live *l, size_t slot, const pm_opportunity *o, int64_t now_mono) {
    pm_risk_leg legs[2];
    for (int i = 0; i < 2; i++) {
        legs[i].venue = o->leg[i].venue;
        legs[i].qty = o->leg[i].held > o->leg[i].qty ? o->leg[i].held : o->leg[i].qty;
        legs[i].cost = o->leg[i].cost;
    }
    int busy = 0;
    for (int i = 0; i < PM_LIVE_TRADES_MAX; i++) busy += l->t[i].used;
    if (busy == PM_LIVE_TRADES_MAX) return PM_RISK_OPEN_ORDERS;
    return pm_risk_admit(l->c.risk, slot, legs, 2, 2, now_mono);
}

/* Depth the leg's book offers at its limit, relative to the leg's size (per mille). */
static int64_t depth_ratio(const pm_det_leg *dl, const pm_opp_leg *ol) {
    pm_walk w;
    if (dl->mirrored) pm_book_walk(&dl->book->bid, PM_PX_ONE - ol->limit_px, INT64_MAX, &w);
    else pm_book_walk(&dl->book->ask, ol->limit_px, INT64_MAX, &w);
    int64_t r;
    pm_mul_div(w.qty, 1000, ol->qty > 0 ? ol->qty : 1, PM_ROUND_FLOOR, &r, NULL);
    return r;
}

static trade *free_trade(pm_live *l) {
    for (int i = 0; i < PM_LIVE_TRADES_MAX; i++)
        if (!l->t[i].used) return &l->t[i];
    return NULL;
}

/* o never reached its executor: final, recorded, its reservation released. */
static void not_sent(pm_live *l, trade *t, lorder *o, const char *why) {
    o->final = 1;
    o->status = PM_EXEC_REJECTED;
    pm_record r;
    memset(&r, 0, sizeof r);
    r.kind = PM_REC_ORDER_UPDATE;
    pm_rec_order_update *u = &r.u.order_update;
    snprintf(u->id, sizeof u->id, "%s", o->order.id);
    snprintf(u->status, sizeof u->status, "not_sent");
    snprintf(u->error, sizeof u->error, "%s", why);
    u->avg_price = -1;
    u->updated_ns = pm_wall_ns();
    submit(l, &r);
    pm_risk_order_done(l->c.risk, (size_t)t->pair, &o->reserved, 0, 0);
}

int pm_live_dispatch(pm_live *l, const pm_pair *pair, size_t slot, const pm_opportunity *o, const pm_det_leg legs[2],
                     const char *opp_id, int64_t now_mono, const char **reason) {
    pm_risk_leg reserved[2];
    for (int i = 0; i < 2; i++) {
        reserved[i].venue = o->leg[i].venue;
        reserved[i].qty = o->leg[i].held > o->leg[i].qty ? o->leg[i].held : o->leg[i].qty;
        reserved[i].cost = o->leg[i].cost;
    }
    trade *t = free_trade(l);
    const pm_config *cfg = l->c.cfg;
    int seq = cfg->strategy.execution == PM_EXEC_SEQUENTIAL;
    int first = 0;
    if (cfg->strategy.first_leg == PM_FIRST_KALSHI) first = o->leg[0].venue == PM_VENUE_KALSHI ? 0 : 1;
    else if (cfg->strategy.first_leg == PM_FIRST_POLYMARKET) first = o->leg[0].venue == PM_VENUE_POLYMARKET ? 0 : 1;
    else first = depth_ratio(&legs[1], &o->leg[1]) < depth_ratio(&legs[0], &o->leg[0]) ? 1 : 0;
    int second = 1 - first;
    lorder *a = NULL, *b = NULL;
    if (t) {
        trade_reset(t);
        t->pair = (int)slot;
        snprintf(t->pair_id, sizeof t->pair_id, "%s", pair->id);
        snprintf(t->opp_id, sizeof t->opp_id, "%s", opp_id);
        for (int i = 0; i < 2; i++) side_from_leg(&t->s[i], pair, &legs[i]);
        a = add_order(l, t, first, PM_SIDE_BUY, o->leg[first].limit_px, o->leg[first].qty,
                      seq ? PM_TIF_FOK : PM_TIF_FAK, seq ? "first" : "simultaneous");
        b = add_order(l, t, second, PM_SIDE_BUY, o->leg[second].limit_px, o->leg[second].qty, PM_TIF_FAK,
                      seq ? "second" : "simultaneous");
    }
    if (!a || !b) {
        *reason = t ? "cannot make order ids (CSPRNG)" : "too many trades in flight";
        for (int i = 0; i < 2; i++) pm_risk_order_done(l->c.risk, slot, &reserved[i], 0, 0);
        pm_risk_trade_done(l->c.risk, slot);
        return -1;
    }
    t->used = 1;
    a->reserved = reserved[first];
    b->reserved = reserved[second];
    l->st.trades++;
    if (l->c.metrics && o->detected_ns) pm_hist_record(&l->c.metrics->feed_to_decision, now_mono - o->detected_ns);
    if (seq) {
        if (send_order(l, t, b, PM_XCMD_PARK, -1, now_mono)) {
            not_sent(l, t, b, "the executor queue was full");
            not_sent(l, t, a, "the executor queue was full");
        } else if (send_order(l, t, a, PM_XCMD_SEND, (int)t->s[second].venue, now_mono)) {
            not_sent(l, t, a, "the executor queue was full");
            pm_xcmd drop = {.kind = PM_XCMD_DROP, .trade = (int)(t - l->t), .then_venue = -1};
            while (pm_executor_submit(l->c.x[t->s[second].venue], &drop)) /* the parked leg must not stay behind */
                ;
        } else
            return 0;
    } else {
        if (send_order(l, t, a, PM_XCMD_SEND, -1, now_mono)) {
            not_sent(l, t, a, "the executor queue was full");
            not_sent(l, t, b, "the executor queue was full");
        } else if (send_order(l, t, b, PM_XCMD_SEND, -1, now_mono))
            not_sent(l, t, b, "the executor queue was full");
        else
            return 0;
    }
    *reason = "an executor queue was full";
    return -1;
}

/* ---------- results ---------- */

static const char *status_text(pm_exec_status s) {
    switch (s) {
    case PM_EXEC_FILLED: return "filled";
    case PM_EXEC_PARTIAL: return "partial";
    case PM_EXEC_UNFILLED: return "canceled";
    case PM_EXEC_REJECTED: return "rejected";
    case PM_EXEC_RESTING: return "resting";
    default: return "unknown";
    }
}

static void store_positions(pm_live *l, const pm_ledger_pos *const changed[2], int n) {
    for (int i = 0; i < n; i++) {
        pm_record r;
        memset(&r, 0, sizeof r);
        r.kind = PM_REC_POSITION;
        pm_rec_position *p = &r.u.position;
        p->venue = changed[i]->venue;
        snprintf(p->market_id, sizeof p->market_id, "%s", changed[i]->market_id);
        p->outcome = changed[i]->outcome;
        p->live = 1;
        p->qty = changed[i]->qty;
        p->cost = changed[i]->cost;
        p->realized_pnl = changed[i]->realized;
        p->updated_ns = pm_wall_ns();
        submit(l, &r);
    }
}

/* What an ack adds to what the order already accounted for goes to the ledger and the trade. */
static void account(pm_live *l, trade *t, lorder *o, const pm_exec_ack *a) {
    if (a->filled <= o->filled && a->delivered <= o->delivered && a->cash == o->cash) return;
    if (a->filled < o->filled || a->delivered < o->delivered) { /* a report older than what is known: kept as is */
        pm_warn("live", "a report shows less filled than already known: ignored", PM_KV_S("order", o->order.id),
                PM_KV_FX("known", o->filled, 2), PM_KV_FX("reported", a->filled, 2));
        return;
    }
    pm_qty_t dq = a->delivered - o->delivered;
    pm_usd_t dc = a->cash - o->cash;
    side *s = &t->s[o->side];
    const pm_ledger_pos *changed[2];
    int n = 0;
    pm_qty_t netted = 0;
    pm_err err;
    if (pm_ledger_apply(l->c.ledger, s->venue, s->market_id, s->outcome, o->order.side, dq > 0 ? dq : 0, dc, changed, &n,
                        &netted, &err))
        pm_warn("live", "ledger refused a fill", PM_KV_S("order", o->order.id), PM_KV_S("reason", err.msg));
    store_positions(l, changed, n);
    for (int i = 0; i < n; i++)
        pm_residuals_held(&l->res, changed[i]->venue, changed[i]->market_id, changed[i]->outcome, changed[i]->qty);
    s->held += o->order.side == PM_SIDE_BUY ? dq : -dq;
    s->cash += dc;
    s->netted += netted;
    o->filled = a->filled;
    o->delivered = a->delivered;
    o->cash = a->cash;
    o->fee = a->fee;
}

static void order_update(pm_live *l, const lorder *o, const pm_xres *r, const char *status) {
    pm_record rec;
    memset(&rec, 0, sizeof rec);
    rec.kind = PM_REC_ORDER_UPDATE;
    pm_rec_order_update *u = &rec.u.order_update;
    snprintf(u->id, sizeof u->id, "%s", o->order.id);
    snprintf(u->status, sizeof u->status, "%s", status);
    snprintf(u->client_order_id, sizeof u->client_order_id, "%s", o->order.client_id);
    snprintf(u->venue_order_id, sizeof u->venue_order_id, "%s", r->ack.venue_order_id);
    u->filled_qty = o->filled;
    u->delivered_qty = o->delivered;
    u->cash = o->cash;
    u->fee = o->fee;
    u->avg_price = r->ack.avg_price;
    snprintf(u->error, sizeof u->error, "%.150s", r->error[0] ? r->error : r->ack.error);
    u->sent_ns = r->sent ? pm_wall_ns() : 0;
    u->updated_ns = pm_wall_ns();
    submit(l, &rec);
}

static void on_order(pm_live *l, trade *t, lorder *o, const pm_xres *r, int64_t now) {
    if (o->final) return; /* a late duplicate: what is final stays */
    if (r->sent) o->sent = 1;
    if (r->kind == PM_XRES_DROPPED) {
        o->final = 1;
        o->status = PM_EXEC_UNFILLED;
        order_update(l, o, r, "dropped");
        pm_risk_order_done(l->c.risk, (size_t)t->pair, &o->reserved, 0, 0);
        return;
    }
    if (r->sent && r->ack.filled > 0) o->fills_pending++; /* the executor reads its fills next */
    if (r->client_id[0]) /* Polymarket's client id (the order hash) is known once its executor signed it */
        snprintf(o->order.client_id, sizeof o->order.client_id, "%s", r->client_id);
    account(l, t, o, &r->ack);
    o->status = r->ack.status;
    int final = r->ack.status != PM_EXEC_UNKNOWN && r->ack.status != PM_EXEC_RESTING;
    order_update(l, o, r, status_text(r->ack.status));
    if (!final) {
        o->retry_at = now + RETRY_UNKNOWN_NS;
        if (r->ack.status == PM_EXEC_UNKNOWN)
            pm_warn("live", "order outcome unknown: looking it up", PM_KV_S("order", o->order.id),
                    PM_KV_S("venue", pm_venue_name(t->s[o->side].venue)), PM_KV_S("reason", r->ack.error));
        return;
    }
    o->final = 1;
    o->retry_at = 0;
    if (r->ack.status == PM_EXEC_REJECTED) {
        char text[2 * PM_EXEC_ERROR_MAX];
        audit(l, "warn", "order_rejected", t, o->order.id, "{\"venue\":\"%s\",\"role\":\"%s\",\"error\":\"%s\"}",
              pm_venue_name(t->s[o->side].venue), o->role, json_inner(r->error[0] ? r->error : r->ack.error, text, sizeof text));
    }
    if (!t->recovery)
        pm_risk_order_done(l->c.risk, (size_t)t->pair, &o->reserved, o->order.side == PM_SIDE_BUY ? o->delivered : -o->delivered,
                           o->cash);
}

static void on_fills(pm_live *l, const trade *t, const lorder *o, const pm_xres *r) {
    if (r->error[0])
        pm_warn("live", "cannot read an order's fills (its totals are stored)", PM_KV_S("order", o->order.id),
                PM_KV_S("reason", r->error));
    for (size_t i = 0; i < r->nfills; i++) {
        const pm_exec_fill *f = &r->fills[i];
        pm_record rec;
        memset(&rec, 0, sizeof rec);
        rec.kind = PM_REC_FILL;
        pm_rec_fill *x = &rec.u.fill;
        x->venue = t->s[o->side].venue;
        snprintf(x->venue_fill_id, sizeof x->venue_fill_id, "%s", f->trade_id);
        snprintf(x->order_id, sizeof x->order_id, "%s", o->order.id);
        snprintf(x->venue_order_id, sizeof x->venue_order_id, "%s", r->ack.venue_order_id);
        snprintf(x->market_id, sizeof x->market_id, "%s", o->order.market_id);
        x->side = o->order.side;
        x->outcome = o->order.outcome;
        x->price = f->price;
        x->qty = f->qty;
        x->qty_delivered = f->delivered;
        x->fee = f->fee;
        x->is_taker = f->is_taker;
        snprintf(x->source, sizeof x->source, "rest");
        x->ts_ns = f->ts_ns ? f->ts_ns : pm_wall_ns();
        x->received_ns = pm_wall_ns();
        submit(l, &rec);
        if (l->c.metrics) atomic_fetch_add(&l->c.metrics->fills[x->venue], 1);
    }
}

static int str_is(pm_str s, const char *z) { return s.n && s.n == strlen(z) && !memcmp(s.p, z, s.n); }

void pm_live_user_fill(pm_live *l, const pm_event *ev) {
    if (!ev->trade_id.n || ev->trade_id.n >= PM_REC_VENUE_ID_MAX) return;
    for (int i = 0; i < PM_LIVE_TRADES_MAX; i++) {
        trade *t = &l->t[i];
        if (!t->used) continue;
        for (int k = 0; k < t->norders; k++) {
            const lorder *o = &t->o[k];
            if (t->s[o->side].venue != ev->venue ||
                !(str_is(ev->client_order_id, o->order.client_id) || str_is(ev->order_id, o->order.client_id)))
                continue;
            pm_record rec;
            memset(&rec, 0, sizeof rec);
            rec.kind = PM_REC_FILL;
            pm_rec_fill *x = &rec.u.fill;
            x->venue = ev->venue;
            memcpy(x->venue_fill_id, ev->trade_id.p, ev->trade_id.n);
            snprintf(x->order_id, sizeof x->order_id, "%s", o->order.id);
            if (ev->order_id.n < sizeof x->venue_order_id) memcpy(x->venue_order_id, ev->order_id.p, ev->order_id.n);
            snprintf(x->market_id, sizeof x->market_id, "%s", o->order.market_id);
            x->side = o->order.side;
            x->outcome = o->order.outcome;
            x->price = ev->price;
            x->qty = ev->qty;
            x->qty_delivered = ev->qty;
            pm_fee_quote q; /* a Polymarket buy delivers what its fee shares leave */
            if (o->order.side == PM_SIDE_BUY && ev->is_taker &&
                !pm_fee_quote_fill(&t->s[o->side].fee, PM_SIDE_BUY, 0, ev->price, ev->qty, &q, NULL))
                x->qty_delivered = q.delivered;
            x->fee = ev->fee;
            x->is_taker = ev->is_taker;
            snprintf(x->source, sizeof x->source, "ws");
            x->ts_ns = x->received_ns = pm_wall_ns();
            submit(l, &rec);
            return;
        }
    }
}

static void handle(pm_live *l, const pm_xres *r, int64_t now) {
    if (r->kind == PM_XRES_CANCELED) {
        if (r->error[0])
            pm_warn("live", "cancel of all open orders failed", PM_KV_S("venue", pm_venue_name(r->venue)), PM_KV_S("reason", r->error));
        else
            pm_info("live", "open orders cancelled", PM_KV_S("venue", pm_venue_name(r->venue)), PM_KV_I("canceled", r->canceled));
        char text[2 * PM_EXEC_ERROR_MAX];
        audit(l, r->error[0] ? "error" : "info", "cancel_all", NULL, NULL, "{\"venue\":\"%s\",\"canceled\":%d,\"error\":\"%s\"}",
              pm_venue_name(r->venue), r->canceled, json_inner(r->error, text, sizeof text));
        return;
    }
    if (r->trade < 0 || r->trade >= PM_LIVE_TRADES_MAX) return;
    trade *t = &l->t[r->trade];
    if (!t->used || r->leg < 0 || r->leg >= t->norders) return;
    lorder *o = &t->o[r->leg];
    if (strcmp(o->order.id, r->order_id)) return; /* not this trade's: never happens while trades wait for their fills */
    if (r->kind == PM_XRES_FILLS) {
        on_fills(l, t, o, r);
        if (o->fills_pending > 0) o->fills_pending--;
    }
    else on_order(l, t, o, r, now);
}

/* ---------- finishing trades ---------- */

static void hedge_side(pm_live *l, const side *s, pm_hedge_side *h) {
    h->venue = s->venue;
    h->outcome = s->outcome;
    h->book = l->c.books.book(l->c.books.ctx, s->venue, s->market_id);
    h->mirrored = s->mirrored;
    h->fee = s->fee;
    h->tick = s->tick;
    h->lot = s->lot;
    h->min_qty = s->min_qty;
    h->buy_in_cents = s->buy_in_cents;
}

/* The long side's excess a finished trade leaves goes to the residual table, to be marked. */
static void keep_residual(pm_live *l, const trade *t) {
    pm_qty_t r = t->s[0].held - t->s[1].held;
    if (!r) return;
    const side *s = &t->s[r > 0 ? 0 : 1];
    pm_residual e = {.venue = s->venue, .outcome = s->outcome, .mirrored = s->mirrored, .fee = s->fee, .qty = r > 0 ? r : -r};
    snprintf(e.market_id, sizeof e.market_id, "%s", s->market_id);
    if (pm_residuals_add(&l->res, &e))
        pm_warn("live", "too many residuals to mark: this one counts at nothing in the day's PnL", PM_KV_S("pair", t->pair_id),
                PM_KV_S("venue", pm_venue_name(s->venue)), PM_KV_S("market", s->market_id), PM_KV_FX("contracts", e.qty, 2));
}

static void finish(pm_live *l, trade *t, const char *how) {
    pm_qty_t hedged = t->s[0].held < t->s[1].held ? t->s[0].held : t->s[1].held;
    pm_usd_t value = 0, credit = 0;
    if (hedged > 0) pm_notional(PM_PX_ONE, hedged, PM_ROUND_FLOOR, &value, NULL);
    /* a Kalshi leg that closed another trade's opposite holding was paid $1 a pair at once: that
     * is the other trade's locked $1 paid early, which it counts already, so this trade's
     * figure leaves it out (its hedged contracts still count: the two venues' other legs now
     * make the pair) */
    pm_qty_t netted = t->s[0].netted + t->s[1].netted;
    if (netted > 0) pm_notional(PM_PX_ONE, netted, PM_ROUND_FLOOR, &credit, NULL);
    pm_usd_t pnl = value - t->s[0].cash - t->s[1].cash - credit;
    if (!t->recovery) {
        l->st.locked_pnl += pnl;
        keep_residual(l, t);
        audit(l, "info", "trade_done", t, NULL,
              "{\"opportunity\":\"%s\",\"how\":\"%s\",\"held\":[%" PRId64 ",%" PRId64 "],\"cash\":[%" PRId64 ",%" PRId64
              "],\"venues\":[\"%s\",\"%s\"],\"hedged\":%" PRId64 ",\"locked_pnl\":%" PRId64 "}",
              t->opp_id, how, t->s[0].held, t->s[1].held, t->s[0].cash, t->s[1].cash, pm_venue_name(t->s[0].venue),
              pm_venue_name(t->s[1].venue), hedged, pnl);
    }
    if (t->pair >= 0) pm_risk_trade_done(l->c.risk, (size_t)t->pair);
    l->st.done++;
    t->used = 0;
}

static void count_one_legged(pm_live *l, trade *t, int64_t now) {
    t->one_legged = 1;
    l->st.one_legged++;
    if (l->c.metrics) atomic_fetch_add(&l->c.metrics->one_legged, 1);
    audit(l, "warn", "leg_mismatch", t, NULL,
          "{\"opportunity\":\"%s\",\"held\":{\"%s\":%" PRId64 ",\"%s\":%" PRId64 "}}", t->opp_id,
          pm_venue_name(t->s[0].venue), t->s[0].held, pm_venue_name(t->s[1].venue), t->s[1].held);
    if (t->pair < 0) return;
    int verdict = pm_risk_one_legged(l->c.risk, (size_t)t->pair, now);
    if (verdict == 1) {
        pm_warn("live", "pair cooling down after repeated one-legged fills", PM_KV_S("pair", t->pair_id));
        audit(l, "warn", "pair_cooldown", t, NULL, "{\"one_legged\":%" PRId64 "}", l->c.cfg->risk.max_one_legged);
    } else if (verdict == 2) {
        pm_warn("live", "pair halted after repeated one-legged fills: clear it with `pmarb pairs clear-halt`",
                PM_KV_S("pair", t->pair_id));
        pm_record r;
        memset(&r, 0, sizeof r);
        r.kind = PM_REC_PAIR_HALT;
        snprintf(r.u.pair_halt.match_id, sizeof r.u.pair_halt.match_id, "%s", t->pair_id);
        snprintf(r.u.pair_halt.reason, sizeof r.u.pair_halt.reason, "repeated one-legged fills");
        r.u.pair_halt.created_ns = pm_wall_ns();
        submit(l, &r);
        audit(l, "error", "pair_halted", t, NULL, "{\"reason\":\"repeated one-legged fills\"}");
    }
}

static void resolve(pm_live *l, trade *t, int64_t now) {
    pm_qty_t r = t->s[0].held - t->s[1].held;
    if (!r) {
        finish(l, t, t->one_legged ? "resolved" : "hedged");
        return;
    }
    if (now < t->next_try) return;
    int lo = r > 0 ? 0 : 1, sh = 1 - lo;
    pm_qty_t residual = r > 0 ? r : -r;
    side *ls = &t->s[lo], *ss = &t->s[sh];
    pm_usd_t long_cost = ls->cash;
    if (ls->held > residual) pm_mul_div(ls->cash, residual, ls->held, PM_ROUND_FLOOR, &long_cost, NULL);
    pm_hedge_side hs, hl;
    hedge_side(l, ss, &hs);
    hedge_side(l, ls, &hl);
    pm_hedge_plan plan = {.action = PM_HEDGE_NONE, .why = "a book is not subscribed"};
    int killed = pm_risk_killed(l->c.risk);
    if (killed) plan.why = "the kill switch is on";
    else if (hs.book && hl.book) pm_hedge_decide(&hs, &hl, residual, long_cost, l->c.cfg->risk.max_hedge_loss, &plan);
    if (plan.action == PM_HEDGE_DUST) { /* not one-legged: what fees and order precision leave over */
        l->st.dust++;
        audit(l, "warn", "residual_dust", t, NULL, "{\"residual\":%" PRId64 ",\"venue\":\"%s\"}", residual,
              pm_venue_name(ls->venue));
        finish(l, t, "dust");
        return;
    }
    if (!t->one_legged) {
        count_one_legged(l, t, now);
        t->resolve_until = now + RESOLVE_FOR_NS;
    }
    int out_of_time = now >= t->resolve_until || t->rounds == PM_LIVE_ROUNDS || killed;
    if (plan.action == PM_HEDGE_NONE || out_of_time) {
        if (!out_of_time) {
            t->next_try = now + RESOLVE_RETRY_NS;
            return;
        }
        if (t->rounds == PM_LIVE_ROUNDS) plan.why = "no more hedge or unwind orders allowed for this trade";
        else if (!killed && plan.action != PM_HEDGE_NONE) plan.why = "the risk gate kept refusing the order";
        l->st.unresolved++;
        if (l->c.metrics) atomic_fetch_add(&l->c.metrics->unresolved, 1);
        pm_warn("live", "one-legged position left open: look at it and trade it by hand", PM_KV_S("pair", t->pair_id),
                PM_KV_S("venue", pm_venue_name(ls->venue)), PM_KV_S("market", ls->market_id), PM_KV_FX("contracts", residual, 2),
                PM_KV_S("why", plan.why));
        audit(l, "error", "residual_unresolved", t, NULL, "{\"residual\":%" PRId64 ",\"venue\":\"%s\",\"market\":\"%s\",\"why\":\"%s\"}",
              residual, pm_venue_name(ls->venue), ls->market_id, plan.why);
        finish(l, t, "unresolved");
        return;
    }
    int complete = plan.action == PM_HEDGE_COMPLETE;
    int si = complete ? sh : lo;
    pm_risk_leg leg = {.venue = t->s[si].venue, .qty = plan.qty, .cost = 0};
    if (complete) pm_notional(plan.limit, plan.qty, PM_ROUND_CEIL, &leg.cost, NULL);
    pm_risk_reason why = pm_risk_admit_order(l->c.risk, (size_t)t->pair, &leg, now);
    if (why != PM_RISK_OK) {
        t->next_try = now + RESOLVE_RETRY_NS;
        return;
    }
    lorder *o = add_order(l, t, si, complete ? PM_SIDE_BUY : PM_SIDE_SELL, plan.limit, plan.qty, PM_TIF_FAK,
                          complete ? "hedge" : "unwind");
    if (!o) {
        pm_risk_order_done(l->c.risk, (size_t)t->pair, &leg, 0, 0);
        t->next_try = now + RESOLVE_RETRY_NS;
        return;
    }
    o->reserved = leg;
    t->rounds++;
    if (complete) l->st.hedged++;
    else l->st.unwound++;
    if (l->c.metrics) atomic_fetch_add(complete ? &l->c.metrics->hedged : &l->c.metrics->unwound, 1);
    audit(l, "warn", complete ? "hedge" : "unwind", t, o->order.id,
          "{\"residual\":%" PRId64 ",\"venue\":\"%s\",\"market\":\"%s\",\"qty\":%" PRId64 ",\"limit\":%" PRId64
          ",\"expected_loss\":%" PRId64 ",\"complete_loss\":%" PRId64 ",\"unwind_loss\":%" PRId64 ",\"why\":\"%s\"}",
          residual, pm_venue_name(t->s[si].venue), t->s[si].market_id, plan.qty, plan.limit, plan.loss, plan.complete_loss,
          plan.unwind_loss, plan.why);
    if (send_order(l, t, o, PM_XCMD_SEND, -1, now)) {
        o->final = 1;
        o->status = PM_EXEC_REJECTED;
        pm_risk_order_done(l->c.risk, (size_t)t->pair, &leg, 0, 0);
        t->next_try = now + RESOLVE_RETRY_NS;
    }
}

static void look_up_again(pm_live *l, trade *t, lorder *o, int64_t now) {
    static __thread pm_xcmd cmd;
    memset(&cmd, 0, sizeof cmd);
    cmd.kind = PM_XCMD_FIND;
    cmd.trade = (int)(t - l->t);
    cmd.leg = (int)(o - t->o);
    cmd.then_venue = -1;
    cmd.order = o->order;
    o->retry_at = pm_executor_submit(l->c.x[t->s[o->side].venue], &cmd) ? now + RESOLVE_RETRY_NS : INT64_MAX;
}

static void recovered_done(pm_live *l, trade *t);

void pm_live_poll(pm_live *l, int64_t now) {
    static __thread pm_xres r;
    for (int v = 0; v < PM_VENUE_COUNT; v++)
        while (pm_executor_poll(l->c.x[v], &r)) handle(l, &r, now);
    if (pm_uuid_pool_fill(&l->ids))
        pm_warn("live", "the CSPRNG failed: order ids are drawn when needed", PM_KV_I("left", l->ids.n));
    for (int i = 0; i < PM_LIVE_TRADES_MAX; i++) {
        trade *t = &l->t[i];
        if (!t->used) continue;
        int open = 0;
        for (int k = 0; k < t->norders; k++) {
            lorder *o = &t->o[k];
            if (o->fills_pending) open = 1;
            if (o->final) continue;
            open = 1;
            if (o->retry_at && now >= o->retry_at) look_up_again(l, t, o, now);
        }
        if (open) continue;
        if (t->recovery) recovered_done(l, t);
        else resolve(l, t, now);
    }
}

int pm_live_holds(const pm_live *l, pm_venue v, const char *market_id) {
    for (int o = 0; o < 2; o++) {
        const pm_ledger_pos *p = pm_ledger_get(l->c.ledger, v, market_id, (pm_outcome)o);
        if (p && p->qty > 0) return 1;
    }
    return 0;
}

int pm_live_recovering(const pm_live *l) {
    int n = 0;
    for (int i = 0; i < PM_LIVE_TRADES_MAX; i++) n += l->t[i].used && l->t[i].recovery;
    return n;
}

int pm_live_in_flight(const pm_live *l) {
    int n = 0;
    for (int i = 0; i < PM_LIVE_TRADES_MAX; i++) n += l->t[i].used;
    return n;
}

void pm_live_cancel_all(pm_live *l) {
    for (int v = 0; v < PM_VENUE_COUNT; v++) {
        pm_xcmd c = {.kind = PM_XCMD_CANCEL_ALL, .trade = -1, .then_venue = -1};
        if (pm_executor_submit(l->c.x[v], &c))
            pm_warn("live", "cannot queue the cancel of all open orders", PM_KV_S("venue", pm_venue_name((pm_venue)v)));
    }
}

/* ---------- recovery ---------- */

typedef struct recover_ctx {
    pm_live *l;
    pm_db *db;
    int n;
    pm_err *err;
    int failed;
} recover_ctx;

static int journaled(void *arg, const pm_rec_order *o) {
    recover_ctx *c = arg;
    if (pm_store_order_journaled(c->db, o, c->err)) {
        c->failed = 1;
        return 1;
    }
    return 0;
}

static int parse_tif(const char *s) { return !strcmp(s, "fok") ? PM_TIF_FOK : PM_TIF_FAK; }

/* The recovery trade of o's opportunity (its orders come one after the other): the one already
 * holding its other leg, or a new one. */
static trade *recovery_trade(pm_live *l, const pm_rec_order *o, int *si) {
    for (int i = 0; i < PM_LIVE_TRADES_MAX; i++) {
        trade *t = &l->t[i];
        if (t->used && t->recovery && o->opportunity_id[0] && !strcmp(t->opp_id, o->opportunity_id) && t->nsides == 1 &&
            t->norders < ORDERS_MAX) {
            *si = 1;
            return t;
        }
    }
    trade *t = free_trade(l);
    if (!t) return NULL;
    trade_reset(t);
    t->used = t->recovery = 1;
    t->pair = -1;
    snprintf(t->pair_id, sizeof t->pair_id, "%s", o->match_id);
    snprintf(t->opp_id, sizeof t->opp_id, "%s", o->opportunity_id);
    const pm_pair *pair;
    size_t slot;
    pm_det_leg legs[2];
    if (l->c.books.legs_of &&
        !l->c.books.legs_of(l->c.books.ctx, t->pair_id, o->venue, o->market_id, o->outcome, &pair, &slot, legs)) {
        t->pair = (int)slot; /* no new trade on the pair until this one's outcome is known and resolved */
        pm_risk_trade_begin(l->c.risk, slot);
    }
    *si = 0;
    return t;
}

static int recover_one(void *arg, const pm_rec_order *o) {
    recover_ctx *c = arg;
    int si;
    trade *t = recovery_trade(c->l, o, &si);
    if (!t) return 1; /* the rest on the next call */
    side *s = &t->s[si];
    s->venue = o->venue;
    s->outcome = o->outcome;
    snprintf(s->market_id, sizeof s->market_id, "%s", o->market_id);
    t->nsides = si + 1;
    lorder *x = &t->o[t->norders++];
    order_reset(x);
    x->used = 1;
    x->side = si;
    snprintf(x->role, sizeof x->role, "%s", o->role);
    pm_exec_order *e = &x->order;
    snprintf(e->id, sizeof e->id, "%s", o->id);
    snprintf(e->client_id, sizeof e->client_id, "%s", o->client_order_id);
    snprintf(e->market_id, sizeof e->market_id, "%s", o->market_id);
    e->side = o->side;
    e->outcome = o->outcome;
    e->price = o->price;
    e->qty = o->qty;
    e->tif = (pm_tif)parse_tif(o->tif);
    e->prepared_unix_s = o->created_ns / 1000000000LL;
    e->earlier_run = 1;
    if (!strcmp(o->status, "created")) { /* recorded, never journalled: it never went out */
        pm_info("live", "an order an earlier run recorded but never sent: marked not_sent", PM_KV_S("order", o->id),
                PM_KV_S("venue", pm_venue_name(o->venue)), PM_KV_S("status", o->status));
        pm_record r;
        memset(&r, 0, sizeof r);
        r.kind = PM_REC_ORDER_UPDATE;
        snprintf(r.u.order_update.id, sizeof r.u.order_update.id, "%s", o->id);
        snprintf(r.u.order_update.status, sizeof r.u.order_update.status, "not_sent");
        r.u.order_update.avg_price = -1;
        r.u.order_update.updated_ns = pm_wall_ns();
        if (pm_store_write_record(c->db, &r, NULL, c->err)) {
            c->failed = 1;
            return 1;
        }
        x->final = 1;
        x->status = PM_EXEC_REJECTED;
        return 0;
    }
    pm_info("live", "looking up an order an earlier run left open", PM_KV_S("order", o->id),
            PM_KV_S("venue", pm_venue_name(o->venue)), PM_KV_S("status", o->status));
    x->sent = 1;
    look_up_again(c->l, t, x, pm_mono_ns());
    c->n++;
    return 0;
}

/* A recovered trade whose legs hold different quantities: an earlier run stopped between
 * them. When the pair is loaded, the trade becomes an ordinary one — both sides as the pair
 * trades them now — and its residual is resolved like any other (hedged or unwound once the
 * books are live); otherwise it is said loudly, counted, and left to a person. */
static void recovered_done(pm_live *l, trade *t) {
    int lone = t->nsides == 1 && !strcmp(t->o[0].role, "first") && t->s[0].held > 0; /* its second never got recorded */
    if (!lone && !(t->nsides == 2 && t->s[0].held != t->s[1].held)) {
        finish(l, t, "recovered");
        return;
    }
    const pm_pair *pair;
    size_t slot;
    pm_det_leg legs[2];
    side *s0 = &t->s[0];
    if (l->c.books.legs_of &&
        !l->c.books.legs_of(l->c.books.ctx, t->pair_id, s0->venue, s0->market_id, s0->outcome, &pair, &slot, legs)) {
        int k = s0->venue == PM_VENUE_KALSHI ? 0 : 1;
        side was[2] = {t->s[0], t->s[1]};
        side_from_leg(&t->s[0], pair, &legs[k]);
        side_from_leg(&t->s[1], pair, &legs[1 - k]);
        for (int i = 0; i < 2; i++) {
            t->s[i].held = i < t->nsides ? was[i].held : 0;
            t->s[i].cash = i < t->nsides ? was[i].cash : 0;
        }
        t->recovery = 0;
        t->nsides = 2;
        if (t->pair < 0) pm_risk_trade_begin(l->c.risk, slot);
        t->pair = (int)slot;
        pm_warn("live", "an earlier run stopped between the legs of a trade: resolving its residual", PM_KV_S("pair", t->pair_id),
                PM_KV_S("opportunity", t->opp_id));
        return; /* pm_live_poll resolves it from now on */
    }
    int lo = t->s[0].held >= t->s[1].held ? 0 : 1;
    pm_qty_t residual = t->s[lo].held - (lone ? 0 : t->s[1 - lo].held);
    l->st.one_legged++;
    l->st.unresolved++;
    if (l->c.metrics) {
        atomic_fetch_add(&l->c.metrics->one_legged, 1);
        atomic_fetch_add(&l->c.metrics->unresolved, 1);
    }
    audit(l, "warn", "leg_mismatch", t, NULL, "{\"opportunity\":\"%s\",\"recovered\":true,\"held\":%" PRId64 "}", t->opp_id,
          residual);
    audit(l, "error", "residual_unresolved", t, NULL,
          "{\"residual\":%" PRId64 ",\"venue\":\"%s\",\"market\":\"%s\",\"why\":\"an earlier run stopped between the legs and "
          "the pair is not loaded\"}",
          residual, pm_venue_name(t->s[lo].venue), t->s[lo].market_id);
    pm_warn("live", "one-legged position left by an earlier run that stopped between its legs: trade it by hand",
            PM_KV_S("pair", t->pair_id), PM_KV_S("venue", pm_venue_name(t->s[lo].venue)), PM_KV_S("market", t->s[lo].market_id),
            PM_KV_FX("contracts", residual, 2));
    finish(l, t, "recovered");
}

int pm_live_recover(pm_live *l, pm_db *db, const char *const journal_paths[PM_VENUE_COUNT], pm_err *err) {
    recover_ctx c = {.l = l, .db = db, .err = err};
    if (pm_db_begin(db, err)) return -1;
    for (int v = 0; v < PM_VENUE_COUNT && !c.failed; v++) {
        int bad = 0;
        if (pm_journal_read(journal_paths[v], journaled, &c, &bad, err)) c.failed = 1;
        if (bad) pm_warn("live", "damaged order journal entries skipped", PM_KV_S("journal", journal_paths[v]), PM_KV_I("entries", bad));
    }
    if (c.failed) {
        pm_db_rollback(db);
        return -1;
    }
    if (pm_db_commit(db, err)) return -1;
    for (int v = 0; v < PM_VENUE_COUNT; v++)
        if (pm_executor_clear_journal(l->c.x[v], err)) return -1;
    if (pm_store_open_orders(db, recover_one, &c, err) || c.failed) return -1;
    return c.n;
}

/* ---------- reporting ---------- */

static pm_px_t bid_of(const pm_live *l, const pm_ledger_pos *p) {
    pm_hedge_side s = {.venue = p->venue, .outcome = p->outcome,
                       .book = l->c.books.book(l->c.books.ctx, p->venue, p->market_id),
                       .mirrored = p->venue == PM_VENUE_KALSHI && p->outcome == PM_OUTCOME_NO};
    return pm_hedge_bid(&s);
}

void pm_live_pnl(const pm_live *l, pm_usd_t *realized, pm_usd_t *marked) {
    *realized = *marked = 0;
    for (size_t i = 0; i < pm_ledger_count(l->c.ledger); i++) {
        const pm_ledger_pos *p = pm_ledger_at(l->c.ledger, i);
        *realized += p->realized;
        if (!p->qty) continue;
        pm_usd_t value = 0;
        pm_notional(bid_of(l, p), p->qty, PM_ROUND_FLOOR, &value, NULL);
        *marked += value - p->cost;
    }
}

/* Each residual at what selling it now would fetch, counting at most what is still held of its
 * outcome (the ledger can lose contracts without an order of this run: a reload at start). */
static pm_usd_t residual_mark(const pm_live *l) {
    pm_usd_t m = 0;
    for (size_t i = 0; i < l->res.n; i++) {
        const pm_residual *r = &l->res.r[i];
        const pm_ledger_pos *p = pm_ledger_get(l->c.ledger, r->venue, r->market_id, r->outcome);
        pm_qty_t have = p ? p->qty : 0;
        m += pm_residual_value(r, have < r->qty ? have : r->qty, l->c.books.book(l->c.books.ctx, r->venue, r->market_id));
    }
    return m;
}

void pm_live_get_stats(const pm_live *l, pm_live_stats *out) {
    *out = l->st;
    out->residual_mark = residual_mark(l);
}
