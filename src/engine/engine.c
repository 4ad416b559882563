/* engine.c — the trading engine on the feed thread (see engine.h). */
#include "engine/engine.h"

#include "engine/live.h"
#include "util/clock.h"
#include "util/log.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

typedef struct pair_state {
    char id[PM_UUID_LEN];
    pm_det_memo memo[PM_DIR_COUNT];
    pm_fee_model kfee, pfee;
    int fees_ok;
    int kidx, pyidx, pnidx;   /* feed indexes: Kalshi ticker, Polymarket YES / NO token (-1 none) */
    pm_qty_t qty;             /* committed by paper fills */
    pm_usd_t cost;
    size_t risk_slot;         /* the pair's number in the live risk gate: kept across reloads */
} pair_state;

/* The pair cache's legs for one feed market, looked up once: a book event names its market by
 * feed index, so the hot path needs no hashing of ticker or token id. */
typedef struct route {
    const pm_pair_leg *legs;
    size_t n;
} route;

struct pm_engine {
    const pm_config *cfg;
    pm_writer *writer;
    pm_pair_slot slot;
    pm_feeds *feeds;
    pm_paper *paper;
    size_t nk, npoly;          /* Kalshi book slots (the feed's books and room for reloads); Polymarket feed capacity */
    pair_state *ps;
    size_t nps;
    route *routes;             /* Kalshi feed books 0..nk-1, then Polymarket feed slots */
    pm_det_params params;
    int64_t offset;
    pm_qty_t venue_qty[PM_VENUE_COUNT], total_qty;
    pm_usd_t venue_cost[PM_VENUE_COUNT], total_cost;
    uint64_t seq;              /* paper fill numbers */
    int fee_unknown_logged;    /* a fee update left a pair's fees unknown: said once */
    size_t next_slot;          /* risk slots handed out */
    pm_live *live;             /* live mode: trades go here instead of paper */
    pm_det_market legs_k, legs_p; /* pm_engine_legs_of's markets: its legs point here */
    pm_risk *risk;
    pm_engine_stats st;
};

static pm_qty_t min_qty(pm_qty_t a, pm_qty_t b) { return a < b ? a : b; }
static int64_t floor0(int64_t v) { return v > 0 ? v : 0; }

/* The pair's detector inputs that do not change per message. */
static void prepare(pm_engine *e, const pm_pair *p, pair_state *s) {
    snprintf(s->id, sizeof s->id, "%s", p->id);
    s->kidx = kalshi_feed_index(pm_feeds_kalshi(e->feeds), p->kalshi.ticker, strlen(p->kalshi.ticker));
    poly_feed *pf = pm_feeds_poly(e->feeds);
    s->pyidx = poly_feed_index(pf, p->polymarket.token_yes, strlen(p->polymarket.token_yes));
    s->pnidx = poly_feed_index(pf, p->polymarket.token_no, strlen(p->polymarket.token_no));
    poly_feed_set_market(pf, s->pyidx, p->polymarket.min_order_size, p->polymarket.neg_risk);
    poly_feed_set_market(pf, s->pnidx, p->polymarket.min_order_size, p->polymarket.neg_risk);
    pm_err err;
    s->fees_ok = !pm_fee_kalshi_parse(p->kalshi.fee_type, p->kalshi.fee_multiplier, e->cfg->kalshi.flat_fee, &s->kfee, &err);
    if (!s->fees_ok)
        pm_warn("engine", "pair not tradable: Kalshi fee schedule unknown", PM_KV_S("pair", p->id),
                PM_KV_S("ticker", p->kalshi.ticker), PM_KV_S("reason", err.msg));
    s->pfee = pm_fee_poly_bps(p->polymarket.fee_rate_bps);
    if (s->kidx < 0)
        pm_warn("engine", "pair not tradable until a restart: its Kalshi ticker could not be subscribed", PM_KV_S("pair", p->id),
                PM_KV_S("ticker", p->kalshi.ticker));
}

/* Routes from the current cache: the legs of every feed market a pair uses, as the cache's
 * lookups give them. Redone whenever those lookups change (pairs adopted, a market closed). */
static void build_routes(pm_engine *e) {
    const pm_pair_cache *c = e->slot.current;
    memset(e->routes, 0, (e->nk + e->npoly) * sizeof *e->routes);
    for (size_t i = 0; i < e->nps; i++) {
        const pm_pair *p = pm_pair_cache_at(c, i);
        const pair_state *s = &e->ps[i];
        route *r;
        if (s->kidx >= 0 && (size_t)s->kidx < e->nk) {
            r = &e->routes[s->kidx];
            r->legs = pm_pair_cache_by_kalshi(c, p->kalshi.ticker, strlen(p->kalshi.ticker), &r->n);
        }
        if (s->pyidx >= 0 && (size_t)s->pyidx < e->npoly) {
            r = &e->routes[e->nk + (size_t)s->pyidx];
            r->legs = pm_pair_cache_by_token(c, p->polymarket.token_yes, strlen(p->polymarket.token_yes), &r->n);
        }
        if (s->pnidx >= 0 && (size_t)s->pnidx < e->npoly) {
            r = &e->routes[e->nk + (size_t)s->pnidx];
            r->legs = pm_pair_cache_by_token(c, p->polymarket.token_no, strlen(p->polymarket.token_no), &r->n);
        }
    }
}

/* Pairs the cache says a person has to clear go on the gate's blacklist (at start, and when a
 * reload brings one in). A halt cleared in the database is honoured from the next start only:
 * a reload may read the database before the writer has stored a halt this run made. */
static void blacklist_halted(pm_engine *e) {
    if (!e->risk) return;
    for (size_t i = 0; i < e->nps; i++) {
        const pm_pair *p = pm_pair_cache_at(e->slot.current, i);
        if (p->halted && pm_risk_pair_blacklist(e->risk, e->ps[i].risk_slot))
            pm_warn("engine", "pair halted after repeated one-legged fills: not traded until a person clears it",
                    PM_KV_S("pair", p->id), PM_KV_S("clear", "pmarb pairs clear-halt PAIR_ID, then restart"));
    }
}

static int build_states(pm_engine *e, const pair_state *old, size_t nold) {
    const pm_pair_cache *c = e->slot.current;
    size_t n = pm_pair_cache_count(c);
    pair_state *ps = calloc(n ? n : 1, sizeof *ps);
    if (!ps) return -1;
    for (size_t i = 0; i < n; i++) {
        const pm_pair *p = pm_pair_cache_at(c, i);
        int found = 0;
        for (size_t j = 0; j < nold && !found; j++)
            if (!strcmp(old[j].id, p->id)) {
                ps[i] = old[j];
                found = 1;
            }
        if (!found) ps[i].risk_slot = e->next_slot++;
        prepare(e, p, &ps[i]);
    }
    if (e->risk && pm_risk_resize(e->risk, e->next_slot)) {
        free(ps);
        return -1;
    }
    free(e->ps);
    e->ps = ps;
    e->nps = n;
    build_routes(e);
    blacklist_halted(e);
    return 0;
}

/* Unique Kalshi tickers and Polymarket tokens of the cache's pairs (pointers into it). */
static int collect(const pm_pair_cache *c, const char ***tick, size_t *nt, const char ***tok, size_t *np) {
    size_t n = pm_pair_cache_count(c);
    *tick = calloc(n ? n : 1, sizeof **tick);
    *tok = calloc(2 * n + 1, sizeof **tok);
    *nt = *np = 0;
    if (!*tick || !*tok) return -1;
    for (size_t i = 0; i < n; i++) {
        const pm_pair *p = pm_pair_cache_at(c, i);
        if (!p->active) continue;
        int seen = 0;
        for (size_t j = 0; j < *nt && !seen; j++) seen = !strcmp((*tick)[j], p->kalshi.ticker);
        if (!seen) (*tick)[(*nt)++] = p->kalshi.ticker;
        const char *t2[2] = {p->polymarket.token_yes, p->polymarket.token_no};
        for (int k = 0; k < 2; k++) {
            seen = 0;
            for (size_t j = 0; j < *np && !seen; j++) seen = !strcmp((*tok)[j], t2[k]);
            if (!seen) (*tok)[(*np)++] = t2[k];
        }
    }
    return 0;
}

pm_det_params pm_engine_det_params(const pm_config *cfg) {
    return (pm_det_params){
        .min_edge = cfg->strategy.min_edge,
        .min_profit = cfg->strategy.min_profit,
        .max_size = cfg->strategy.max_size,
        .max_book_age_ns = cfg->strategy.max_book_age_ms * 1000000LL,
        .min_annualized_bps = cfg->strategy.min_annualized_return / 100,
        .same_venue = cfg->strategy.same_venue,
    };
}

int pm_engine_new(const pm_config *cfg, pm_pair_cache *pairs, pm_writer *writer, size_t max_tokens, pm_engine **out,
                  pm_err *err) {
    *out = NULL;
    pm_engine *e = calloc(1, sizeof *e);
    if (!e) return pm_err_set(err, "out of memory");
    e->cfg = cfg;
    e->writer = writer;
    pm_pair_slot_init(&e->slot, pairs);
    e->params = pm_engine_det_params(cfg);
    const char **tick = NULL, **tok = NULL;
    size_t nt, np;
    poly_feed_config fc;
    poly_feed_config_from(cfg, &fc);
    int rc = collect(pairs, &tick, &nt, &tok, &np);
    if (rc) pm_err_set(err, "out of memory");
    if (!rc && max_tokens < np) max_tokens = np;
    if (!rc) rc = pm_feeds_new(tick, nt, tok, np, max_tokens, &fc, pm_engine_on_event, e, &e->feeds, err);
    free(tick);
    free(tok);
    if (!rc) {
        /* each pair a reload adds brings at most one ticker and two tokens */
        e->nk = kalshi_feed_count(pm_feeds_kalshi(e->feeds)) + (max_tokens - np + 1) / 2;
        e->npoly = poly_feed_capacity(pm_feeds_poly(e->feeds));
        if (!(e->paper = pm_paper_new(e->nk + e->npoly)) || !(e->routes = calloc(e->nk + e->npoly + 1, sizeof *e->routes)) ||
            build_states(e, NULL, 0))
            rc = pm_err_set(err, "out of memory");
    }
    if (rc) {
        pm_engine_free(e);
        return -1;
    }
    *out = e;
    return 0;
}

void pm_engine_free(pm_engine *e) {
    if (!e) return;
    pm_feeds_free(e->feeds);
    pm_paper_free(e->paper);
    pm_pair_slot_destroy(&e->slot);
    free(e->ps);
    free(e->routes);
    free(e);
}

pm_feeds *pm_engine_feeds(pm_engine *e) { return e->feeds; }
pm_pair_slot *pm_engine_slot(pm_engine *e) { return &e->slot; }
pm_pair_cache *pm_engine_pairs(pm_engine *e) { return e->slot.current; }
void pm_engine_set_clock_offset(pm_engine *e, int64_t unix_minus_mono_ns) { e->offset = unix_minus_mono_ns; }

size_t pm_engine_risk_slots(const pm_engine *e) { return e->next_slot; }

int pm_engine_risk_slot(const pm_engine *e, const char *pair_id) {
    for (size_t i = 0; i < e->nps; i++)
        if (!strcmp(e->ps[i].id, pair_id)) return (int)e->ps[i].risk_slot;
    return -1;
}

void pm_engine_set_live(pm_engine *e, pm_live *live, pm_risk *risk) {
    e->live = live;
    e->risk = risk;
    blacklist_halted(e);
    pm_feeds_set_user_channels(e->feeds, live != NULL);
}

static void markets_of(pm_engine *e, const pm_pair *pair, const pair_state *s, pm_det_market *k, pm_det_market *p);

int pm_engine_legs_of(void *ctx, const char *pair_id, pm_venue v, const char *market_id, pm_outcome o, const pm_pair **pair,
                      size_t *slot, pm_det_leg legs[2]) {
    pm_engine *e = ctx;
    const pm_pair *pr = pm_pair_cache_by_id(e->slot.current, pair_id, strlen(pair_id));
    if (!pr || pr->index >= e->nps) return -1;
    const pair_state *s = &e->ps[pr->index];
    if (s->kidx < 0 || s->pyidx < 0 || s->pnidx < 0) return -1;
    markets_of(e, pr, s, &e->legs_k, &e->legs_p);
    for (int d = PM_DIR_KALSHI_YES; d <= PM_DIR_KALSHI_NO; d++) {
        pm_det_legs((pm_det_dir)d, &e->legs_k, &e->legs_p, pr->polarity, &legs[0], &legs[1]);
        const pm_det_leg *x = &legs[v == PM_VENUE_KALSHI ? 0 : 1];
        if (x->outcome == o && !strcmp(x->id, market_id)) {
            *pair = pr;
            *slot = s->risk_slot;
            return 0;
        }
    }
    return -1;
}

const pm_book *pm_engine_book(void *ctx, pm_venue v, const char *market_id) {
    pm_engine *e = ctx;
    if (v == PM_VENUE_KALSHI) {
        kalshi_feed *kf = pm_feeds_kalshi(e->feeds);
        int i = kalshi_feed_index(kf, market_id, strlen(market_id));
        return i >= 0 ? kalshi_feed_book(kf, i) : NULL;
    }
    poly_feed *pf = pm_feeds_poly(e->feeds);
    int i = poly_feed_index(pf, market_id, strlen(market_id));
    return i >= 0 ? poly_feed_book(pf, i) : NULL;
}

/* Subscribes the reloaded pairs' Kalshi tickers the feed does not hold, while the engine has
 * book slots for them (the rest are logged by prepare as not subscribed). */
static void add_tickers(pm_engine *e, const pm_pair_cache *c) {
    kalshi_feed *kf = pm_feeds_kalshi(e->feeds);
    size_t n = pm_pair_cache_count(c), nnew = 0;
    const char **tick = calloc(n ? n : 1, sizeof *tick);
    if (!tick) {
        pm_warn("engine", "out of memory subscribing reloaded pairs' Kalshi tickers", PM_KV_I("pairs", n));
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const pm_pair *p = pm_pair_cache_at(c, i);
        if (!p->active || kalshi_feed_index(kf, p->kalshi.ticker, strlen(p->kalshi.ticker)) >= 0) continue;
        int seen = 0;
        for (size_t j = 0; j < nnew && !seen; j++) seen = !strcmp(tick[j], p->kalshi.ticker);
        if (!seen && kalshi_feed_count(kf) + nnew < e->nk) tick[nnew++] = p->kalshi.ticker;
    }
    pm_err err;
    if (nnew && kalshi_feed_add(kf, tick, nnew, &err))
        pm_warn("engine", "cannot subscribe reloaded pairs' Kalshi tickers", PM_KV_I("tickers", nnew), PM_KV_S("reason", err.msg));
    free(tick);
}

int pm_engine_adopt(pm_engine *e) {
    pm_pair_cache *before = e->slot.current;
    if (pm_pair_slot_adopt(&e->slot) == before) return 0;
    const pm_pair_cache *c = e->slot.current;
    poly_feed *pf = pm_feeds_poly(e->feeds);
    pm_err err;
    add_tickers(e, c);
    for (size_t i = 0; i < pm_pair_cache_count(c); i++) {
        const pm_pair *p = pm_pair_cache_at(c, i);
        if (!p->active) continue;
        const char *t2[2] = {p->polymarket.token_yes, p->polymarket.token_no};
        for (int k = 0; k < 2; k++) {
            if (poly_feed_index(pf, t2[k], strlen(t2[k])) >= 0) continue;
            int idx = poly_feed_add(pf, t2[k], &err);
            if (idx < 0) pm_warn("engine", "cannot subscribe a reloaded pair's token", PM_KV_S("pair", p->id), PM_KV_S("reason", err.msg));
            else pm_paper_book_reset(e->paper, e->nk + (size_t)idx);
        }
    }
    for (size_t a = 0; a < e->npoly; a++) { /* tokens no pair uses any more, unless we hold them */
        const char *id = poly_feed_asset(pf, (int)a);
        if (!id) continue;
        size_t n;
        pm_pair_cache_by_token(c, id, strlen(id), &n);
        const pm_paper_position *y = pm_paper_position_of(e->paper, e->nk + a, PM_OUTCOME_YES),
                                *no = pm_paper_position_of(e->paper, e->nk + a, PM_OUTCOME_NO);
        if (!n && !y->qty && !no->qty && !(e->live && pm_live_holds(e->live, PM_VENUE_POLYMARKET, id))) poly_feed_remove(pf, id);
    }
    pair_state *old = e->ps;
    size_t nold = e->nps;
    e->ps = NULL;
    if (build_states(e, old, nold)) {
        pm_warn("engine", "out of memory adopting reloaded pairs", PM_KV_I("pairs", pm_pair_cache_count(c)));
        e->ps = old;
        e->nps = 0;
        build_routes(e);
        return 1;
    }
    free(old);
    pm_info("engine", "approved pairs reloaded", PM_KV_I("pairs", pm_pair_cache_count(c)),
            PM_KV_I("active", pm_pair_cache_active(c)));
    return 1;
}

/* ---------- hot path ---------- */

static void submit(pm_engine *e, const pm_record *r) {
    if (e->writer && pm_writer_submit(e->writer, r)) e->st.writer_full++;
}

static size_t leg_book(const pm_engine *e, const pair_state *s, const pm_det_leg *l, const pm_det_market *pm) {
    if (l->m->venue == PM_VENUE_KALSHI) return (size_t)s->kidx;
    return e->nk + (size_t)(l->book == pm->yes ? s->pyidx : s->pnidx);
}

static void record_fill(pm_engine *e, const pm_opportunity *o, int i, const char *opp_id, size_t book, int64_t now) {
    const pm_opp_leg *l = &o->leg[i];
    pm_record r;
    memset(&r, 0, sizeof r);
    r.kind = PM_REC_FILL;
    pm_rec_fill *f = &r.u.fill;
    f->venue = l->venue;
    snprintf(f->venue_fill_id, sizeof f->venue_fill_id, "paper-%s-%d", opp_id, i);
    snprintf(f->market_id, sizeof f->market_id, "%s", l->market_id);
    f->side = PM_SIDE_BUY;
    f->outcome = l->outcome;
    pm_usd_t notional = l->venue == PM_VENUE_POLYMARKET ? l->cost : l->cost - l->fee;
    pm_mul_div(notional, PM_SCALE, l->qty, PM_ROUND_HALF_EVEN, &f->price, NULL);
    f->qty = l->qty;
    f->qty_delivered = l->held;
    f->fee = l->fee;
    f->is_taker = 1;
    snprintf(f->source, sizeof f->source, "paper");
    f->ts_ns = f->received_ns = now;
    submit(e, &r);
    const pm_paper_position *pos = pm_paper_position_of(e->paper, book, l->outcome);
    memset(&r, 0, sizeof r);
    r.kind = PM_REC_POSITION;
    pm_rec_position *p = &r.u.position;
    p->venue = l->venue;
    snprintf(p->market_id, sizeof p->market_id, "%s", l->market_id);
    p->outcome = l->outcome;
    p->qty = pos->qty;
    p->cost = pos->cost;
    p->updated_ns = now;
    submit(e, &r);
}

static void record_opportunity(pm_engine *e, const pm_pair *pair, const pm_opportunity *o, const char *decision,
                               const char *reason, int64_t now, char id[PM_UUID_LEN]) {
    id[0] = '\0';
    if (!e->writer) return;
    pm_record r;
    memset(&r, 0, sizeof r);
    r.kind = PM_REC_OPPORTUNITY;
    pm_rec_opportunity *x = &r.u.opportunity;
    if (pm_uuid_v7(x->id)) return;
    snprintf(id, PM_UUID_LEN, "%s", x->id);
    x->ts_ns = now;
    snprintf(x->match_id, sizeof x->match_id, "%s", pair->id);
    x->qty = o->qty;
    x->expected_profit = o->profit;
    x->annualized_bps = o->annualized_bps;
    if (o->dir == PM_DIR_KALSHI_YES || o->dir == PM_DIR_KALSHI_NO) {
        x->kalshi_outcome = o->leg[0].outcome;
        snprintf(x->kalshi_ticker, sizeof x->kalshi_ticker, "%s", o->leg[0].market_id);
        snprintf(x->polymarket_token_id, sizeof x->polymarket_token_id, "%s", o->leg[1].market_id);
        x->kalshi_price = o->leg[0].limit_px;
        x->polymarket_price = o->leg[1].limit_px;
        x->kalshi_cost = o->leg[0].cost;
        x->polymarket_cost = o->leg[1].cost;
        x->kalshi_fee = o->leg[0].fee;
        x->polymarket_fee = o->leg[1].fee;
        x->kalshi_book_age_us = o->leg[0].book_age_ns / 1000;
        x->polymarket_book_age_us = o->leg[1].book_age_ns / 1000;
    } else { /* both legs on one venue: its columns hold them together (migration 6), named by the YES leg */
        int kalshi = o->dir == PM_DIR_SAME_KALSHI;
        int64_t age = o->leg[0].book_age_ns > o->leg[1].book_age_ns ? o->leg[0].book_age_ns : o->leg[1].book_age_ns;
        x->same_venue = 1;
        x->kalshi_outcome = PM_OUTCOME_YES;
        snprintf(kalshi ? x->kalshi_ticker : x->polymarket_token_id, PM_REC_MARKET_MAX, "%s", o->leg[0].market_id);
        *(kalshi ? &x->kalshi_price : &x->polymarket_price) = o->leg[0].limit_px + o->leg[1].limit_px;
        *(kalshi ? &x->kalshi_cost : &x->polymarket_cost) = o->leg[0].cost + o->leg[1].cost;
        *(kalshi ? &x->kalshi_fee : &x->polymarket_fee) = o->leg[0].fee + o->leg[1].fee;
        *(kalshi ? &x->kalshi_book_age_us : &x->polymarket_book_age_us) = age / 1000;
    }
    x->live = e->live != NULL;
    snprintf(x->decision, sizeof x->decision, "%s", decision);
    snprintf(x->reason, sizeof x->reason, "%s", reason ? reason : "");
    submit(e, &r);
}

static void commit(pm_engine *e, pair_state *s, const pm_opportunity *o) {
    s->qty += o->qty;
    s->cost += o->cost;
    e->total_qty += o->qty;
    e->total_cost += o->cost;
    for (int i = 0; i < 2; i++) {
        e->venue_qty[o->leg[i].venue] += o->leg[i].held;
        e->venue_cost[o->leg[i].venue] += o->leg[i].cost;
    }
}

/* The pair's two markets as the detector sees them, on the current books. */
static void markets_of(pm_engine *e, const pm_pair *pair, const pair_state *s, pm_det_market *k, pm_det_market *p) {
    const pm_config *cfg = e->cfg;
    kalshi_feed *kf = pm_feeds_kalshi(e->feeds);
    poly_feed *pf = pm_feeds_poly(e->feeds);
    *k = (pm_det_market){
        .venue = PM_VENUE_KALSHI, .yes = kalshi_feed_book(kf, s->kidx), .no = NULL,
        .id_yes = pair->kalshi.ticker, .id_no = pair->kalshi.ticker, .fee = s->kfee,
        .tick = pair->kalshi.tick_size > 0 ? pair->kalshi.tick_size : 0, .lot = PM_SCALE,
        .min_qty = pair->kalshi.min_order_size > 0 ? pair->kalshi.min_order_size : PM_SCALE,
        .balance = floor0(cfg->risk.max_notional_per_venue - e->venue_cost[PM_VENUE_KALSHI]),
        .close_ns = pair->kalshi.close_ns, .alive = kalshi_feed_ready(kf),
    };
    *p = (pm_det_market){
        .venue = PM_VENUE_POLYMARKET, .yes = poly_feed_book(pf, s->pyidx), .no = poly_feed_book(pf, s->pnidx),
        .id_yes = pair->polymarket.token_yes, .id_no = pair->polymarket.token_no, .fee = s->pfee,
        .tick = pair->polymarket.tick_size > 0 ? pair->polymarket.tick_size : 0, .lot = PM_SCALE / 100,
        .min_qty = pair->polymarket.min_order_size > 0 ? pair->polymarket.min_order_size : PM_SCALE / 100, .buy_in_cents = 1,
        .balance = floor0(cfg->risk.max_notional_per_venue - e->venue_cost[PM_VENUE_POLYMARKET]),
        .close_ns = pair->polymarket.close_ns,
        .alive = poly_feed_conn_up(pf, poly_feed_conn_of(pf, s->pyidx)) && poly_feed_conn_up(pf, poly_feed_conn_of(pf, s->pnidx)),
    };
}

/* Live: the risk gate, then the opportunity recorded (the orders name it), then the orders.
 * 1 when the orders went to the executors. */
static int live_trade(pm_engine *e, const pm_pair *pair, const pair_state *s, const pm_opportunity *o,
                       const pm_det_leg legs[2], int64_t mono) {
    char id[PM_UUID_LEN];
    int64_t now = mono + e->offset, intent = pm_mono_ns(); /* live only: never replayed */
    pm_risk_reason why = pm_live_admit(e->live, s->risk_slot, o, intent);
    if (why != PM_RISK_OK) {
        e->st.rejected++;
        record_opportunity(e, pair, o, "rejected", pm_risk_reason_name(why), now, id);
        return 0;
    }
    record_opportunity(e, pair, o, "traded", NULL, now, id);
    const char *reason;
    if (pm_live_dispatch(e->live, pair, s->risk_slot, o, legs, id, intent, &reason)) {
        e->st.rejected++;
        pm_warn("engine", "a live trade could not be sent", PM_KV_S("pair", pair->id), PM_KV_S("reason", reason));
        return 0;
    }
    e->st.traded++;
    return 1;
}

/* The venue's hash of each Polymarket book the opportunity walks agrees with it (or says
 * nothing): poly_feed_verify. */
static int hashes_agree(pm_engine *e, const pair_state *s, const pm_det_leg legs[2], int64_t mono) {
    poly_feed *pf = pm_feeds_poly(e->feeds);
    for (int j = 0; j < 2; j++) {
        if (legs[j].m->venue != PM_VENUE_POLYMARKET) continue;
        int idx = legs[j].book == poly_feed_book(pf, s->pyidx) ? s->pyidx : s->pnidx;
        if (!poly_feed_verify(pf, idx, mono)) return 0;
    }
    return 1;
}

static void scan(pm_engine *e, const pm_pair *pair, int64_t mono) {
    pair_state *s = &e->ps[pair->index];
    if (!s->fees_ok || s->kidx < 0 || s->pyidx < 0 || s->pnidx < 0) return;
    const pm_config *cfg = e->cfg;
    pm_det_market k, p;
    markets_of(e, pair, s, &k, &p);
    pm_qty_t room = cfg->risk.max_contracts_per_pair - s->qty;
    room = min_qty(room, cfg->risk.max_contracts_total - e->total_qty);
    room = min_qty(room, cfg->risk.max_contracts_per_venue - e->venue_qty[PM_VENUE_KALSHI]);
    room = min_qty(room, cfg->risk.max_contracts_per_venue - e->venue_qty[PM_VENUE_POLYMARKET]);
    pm_usd_t money = min_qty(cfg->risk.max_notional_per_pair - s->cost, cfg->risk.max_notional_total - e->total_cost);
    pm_det_limits lim = {.max_qty = floor0(room), .max_cost = floor0(money)};
    if (e->live) { /* the risk gate knows what is held and in flight */
        pm_risk_room(e->risk, s->risk_slot, &lim.max_qty, &lim.max_cost);
        k.balance = pm_risk_cash_room(e->risk, PM_VENUE_KALSHI);
        p.balance = pm_risk_cash_room(e->risk, PM_VENUE_POLYMARKET);
    }
    pm_det_clock clock = {.mono_ns = mono, .unix_ns = mono + e->offset};
    pm_opportunity opp[PM_DIR_COUNT];
    pm_det_status status[PM_DIR_COUNT];
    for (int d = 0; d < PM_DIR_COUNT; d++) status[d] = PM_DET_NO_EDGE;
    int n = pm_det_scan_pair(&e->params, &lim, &clock, &k, &p, pair->polarity, s->memo, opp, status);
    for (int d = 0; d < (e->params.same_venue ? PM_DIR_COUNT : 2); d++) e->st.det[status[d]]++;
    int traded = 0;
    for (int i = 0; i < n; i++) {
        const pm_opportunity *o = &opp[i];
        const char *decision, *reason = NULL;
        int filled = 0;
        e->st.opportunities++;
        size_t books[2] = {0, 0};
        pm_det_leg legs[2];
        pm_det_legs(o->dir, &k, &p, pair->polarity, &legs[0], &legs[1]);
        for (int j = 0; j < 2; j++) books[j] = leg_book(e, s, &legs[j], &p);
        if (traded) {
            decision = "skipped";
            reason = "another direction of this pair traded on the same update";
            e->st.skipped++;
        } else if (!hashes_agree(e, s, legs, mono)) {
            decision = "rejected";
            reason = "a Polymarket book differs from the venue's hash of it: resyncing";
            e->st.rejected++;
        } else if (e->live) {
            traded = live_trade(e, pair, s, o, legs, mono);
            continue;
        } else if (pm_paper_fill(e->paper, o, legs, books, &reason)) {
            decision = "rejected";
            e->st.rejected++;
        } else {
            decision = "traded";
            traded = filled = 1;
            e->st.traded++;
            commit(e, s, o);
        }
        char id[PM_UUID_LEN];
        int64_t now = mono + e->offset;
        record_opportunity(e, pair, o, decision, reason, now, id);
        if (filled && id[0])
            for (int j = 0; j < 2; j++) record_fill(e, o, j, id, books[j], now);
    }
}

static void on_book(pm_engine *e, const pm_event *ev) {
    e->st.books++;
    const pm_pair_cache *c = e->slot.current;
    size_t n, cap = ev->venue == PM_VENUE_KALSHI ? e->nk : e->npoly;
    const pm_pair_leg *legs;
    if (ev->market >= 0 && (size_t)ev->market < cap) {
        const route *r = &e->routes[(ev->venue == PM_VENUE_KALSHI ? 0 : e->nk) + (size_t)ev->market];
        legs = r->legs;
        n = r->n;
    } else
        legs = ev->venue == PM_VENUE_KALSHI ? pm_pair_cache_by_kalshi(c, ev->id.p, ev->id.n, &n)
                                            : pm_pair_cache_by_token(c, ev->id.p, ev->id.n, &n);
    for (size_t i = 0; i < n; i++)
        if (legs[i].pair->index < e->nps) scan(e, legs[i].pair, ev->recv_ns);
}

static void on_market(pm_engine *e, const pm_event *ev) {
    e->st.market_events++;
    if (ev->market_state != PM_MKT_CLOSED && ev->market_state != PM_MKT_DETERMINED && ev->market_state != PM_MKT_SETTLED)
        return;
    pm_pair_cache *c = e->slot.current;
    size_t closed;
    if (ev->venue == PM_VENUE_KALSHI) closed = pm_pair_cache_close_market(c, PM_VENUE_KALSHI, ev->id.p, ev->id.n);
    else {
        size_t n;
        const pm_pair_leg *legs = pm_pair_cache_by_token(c, ev->id.p, ev->id.n, &n);
        char cid[PM_TOKEN_ID_MAX];
        if (n) snprintf(cid, sizeof cid, "%s", legs[0].pair->polymarket.condition_id);
        closed = n ? pm_pair_cache_close_market(c, PM_VENUE_POLYMARKET, cid, strlen(cid))
                   : pm_pair_cache_close_market(c, PM_VENUE_POLYMARKET, ev->id.p, ev->id.n);
    }
    e->st.pairs_closed += closed;
    if (closed) build_routes(e);
}

/* A Kalshi event's fee override changed: its markets (tickers "EVENT-…") are priced with the
 * new one. What the update leaves unset (a type or multiplier cleared: "", −1) falls back to the
 * schedule the pair cache holds for the market (the series' as the last sync found it); where
 * the cache holds none either, the pair's fees are unknown and it does not trade (logged once). */
static void on_fee(pm_engine *e, const pm_event *ev) {
    e->st.fee_events++;
    if (ev->venue != PM_VENUE_KALSHI || !ev->id.n) return;
    char type[64];
    if (ev->fee_type.n >= sizeof type) return;
    if (ev->fee_type.n) memcpy(type, ev->fee_type.p, ev->fee_type.n);
    type[ev->fee_type.n] = '\0';
    const pm_pair_cache *c = e->slot.current;
    for (size_t i = 0; i < e->nps; i++) {
        const pm_pair *p = pm_pair_cache_at(c, i);
        if (strncmp(p->kalshi.ticker, ev->id.p, ev->id.n) || p->kalshi.ticker[ev->id.n] != '-') continue;
        pair_state *s = &e->ps[i];
        const char *t = type[0] ? type : p->kalshi.fee_type;
        int64_t mult = ev->fee_multiplier >= 0 ? ev->fee_multiplier : p->kalshi.fee_multiplier;
        pm_err err;
        s->fees_ok = !pm_fee_kalshi_parse(t, mult, e->cfg->kalshi.flat_fee, &s->kfee, &err);
        if (!s->fees_ok && !e->fee_unknown_logged) {
            e->fee_unknown_logged = 1;
            pm_warn("engine", "pair not tradable: its event's fee update leaves the Kalshi fee schedule unknown",
                    PM_KV_S("pair", p->id), PM_KV_S("ticker", p->kalshi.ticker), PM_KV_S("reason", err.msg),
                    PM_KV_S("note", "logged once; a sync and SIGHUP reload the series' schedule"));
        }
        for (int d = 0; d < PM_DIR_COUNT; d++) s->memo[d].sig = 0;
    }
}

void pm_engine_on_event(void *user, const pm_event *ev) {
    pm_engine *e = user;
    e->st.events++;
    switch (ev->kind) {
    case PM_EV_BOOK: on_book(e, ev); break;
    case PM_EV_STALE: e->st.stale_events++; break;
    case PM_EV_MARKET: on_market(e, ev); break;
    case PM_EV_FEE: on_fee(e, ev); break;
    case PM_EV_FILL:
        if (e->live) pm_live_user_fill(e->live, ev);
        break;
    default: break;
    }
}

/* ---------- reporting ---------- */

void pm_engine_get_stats(const pm_engine *e, pm_engine_stats *out) {
    *out = e->st;
    kalshi_feed_stats ks;
    poly_feed_stats ps;
    kalshi_feed_get_stats(pm_feeds_kalshi(e->feeds), &ks);
    poly_feed_get_stats(pm_feeds_poly(e->feeds), &ps);
    out->frames[PM_VENUE_KALSHI] = ks.frames;
    out->frames[PM_VENUE_POLYMARKET] = ps.frames;
    out->poly_hashes[0] = ps.hash_ok;
    out->poly_hashes[1] = ps.hash_mismatches;
    out->poly_hashes[2] = ps.hash_unproven;
    out->poly_hashes[3] = ps.hash_unchecked;
}

void pm_engine_get_paper(const pm_engine *e, pm_paper_totals *out) { pm_paper_get_totals(e->paper, out); }

size_t pm_engine_books_stale(const pm_engine *e, size_t *total) {
    size_t stale = 0, all = 0;
    kalshi_feed *kf = pm_feeds_kalshi(e->feeds);
    poly_feed *pf = pm_feeds_poly(e->feeds);
    for (size_t i = 0; i < kalshi_feed_count(kf); i++, all++) stale += kalshi_feed_book(kf, (int)i)->state != PM_BOOK_LIVE;
    for (size_t i = 0; i < e->npoly; i++) {
        if (!poly_feed_asset(pf, (int)i)) continue;
        all++;
        stale += poly_feed_book(pf, (int)i)->state != PM_BOOK_LIVE;
    }
    if (total) *total = all;
    return stale;
}

/* Best bid of what a position on book b, outcome o holds (0 when not LIVE or none). */
static pm_px_t mark(const pm_engine *e, size_t b, pm_outcome o) {
    const pm_book *bk = b < e->nk ? kalshi_feed_book(pm_feeds_kalshi(e->feeds), (int)b)
                                  : poly_feed_book(pm_feeds_poly(e->feeds), (int)(b - e->nk));
    if (bk->state != PM_BOOK_LIVE) return 0;
    if (b < e->nk && o == PM_OUTCOME_NO) {
        const pm_level *a = pm_book_best(&bk->ask);
        return a ? PM_PX_ONE - a->px : 0;
    }
    const pm_level *bid = pm_book_best(&bk->bid);
    return bid ? bid->px : 0;
}

pm_usd_t pm_engine_marked_pnl(const pm_engine *e) {
    pm_usd_t pnl = 0;
    for (size_t b = 0; b < e->nk + e->npoly; b++)
        for (int o = 0; o < 2; o++) {
            const pm_paper_position *pos = pm_paper_position_of(e->paper, b, (pm_outcome)o);
            if (!pos->qty) continue;
            pm_usd_t value = 0;
            pm_notional(mark(e, b, (pm_outcome)o), pos->qty, PM_ROUND_FLOOR, &value, NULL);
            pnl += value - pos->cost;
        }
    return pnl;
}

static const char *usd(pm_usd_t v, char buf[PM_FIXED_BUF]) {
    pm_fixed_format(v, 6, PM_ROUND_HALF_EVEN, buf, PM_FIXED_BUF);
    return buf;
}

void pm_engine_summary(const pm_engine *e, FILE *out) {
    pm_engine_stats st;
    pm_engine_get_stats(e, &st);
    pm_paper_totals t;
    pm_paper_get_totals(e->paper, &t);
    const pm_pair_cache *c = e->slot.current;
    size_t total, stale = pm_engine_books_stale(e, &total);
    char a[PM_FIXED_BUF], b[PM_FIXED_BUF], d[PM_FIXED_BUF], f[PM_FIXED_BUF], q[PM_FIXED_BUF];
    fprintf(out, "pairs %zu (%zu active), books %zu (%zu not live)\n", pm_pair_cache_count(c), pm_pair_cache_active(c),
            total, stale);
    fprintf(out, "frames kalshi %" PRIu64 ", polymarket %" PRIu64 "; book updates %" PRIu64 ", stale events %" PRIu64
            ", market events %" PRIu64 ", pairs closed %" PRIu64 "\n",
            st.frames[PM_VENUE_KALSHI], st.frames[PM_VENUE_POLYMARKET], st.books, st.stale_events, st.market_events,
            st.pairs_closed);
    fprintf(out, "scans:");
    for (int s = 0; s < PM_DET_STATUS_COUNT; s++) fprintf(out, " %s %" PRIu64, pm_det_status_name((pm_det_status)s), st.det[s]);
    fprintf(out, "\nopportunities %" PRIu64 ": traded %" PRIu64 ", rejected %" PRIu64 ", skipped %" PRIu64 "\n",
            st.opportunities, st.traded, st.rejected, st.skipped);
    pm_fixed_format_exact(t.contracts, 0, q, sizeof q);
    fprintf(out, "paper fills %" PRIu64 ": %s contracts hedged, cost %s (fees %s), PnL at settlement %s, marked at bids %s\n",
            t.fills, q, usd(t.cost, a), usd(t.fees, b), usd(t.locked_pnl, d), usd(pm_engine_marked_pnl(e), f));
    kalshi_feed *kf = pm_feeds_kalshi(e->feeds);
    poly_feed *pf = pm_feeds_poly(e->feeds);
    for (size_t bk = 0; bk < e->nk + e->npoly; bk++)
        for (int o = 0; o < 2; o++) {
            const pm_paper_position *pos = pm_paper_position_of(e->paper, bk, (pm_outcome)o);
            if (!pos->qty) continue;
            const char *id = bk < e->nk ? kalshi_feed_ticker(kf, (int)bk) : poly_feed_asset(pf, (int)(bk - e->nk));
            pm_fixed_format_exact(pos->qty, 0, q, sizeof q);
            fprintf(out, "position %s %s %s: %s contracts, cost %s\n", bk < e->nk ? "kalshi" : "polymarket",
                    id ? id : "?", pm_outcome_name((pm_outcome)o), q, usd(pos->cost, a));
        }
    if (st.writer_full) fprintf(out, "writer queue full: %" PRIu64 " records not stored\n", st.writer_full);
}
