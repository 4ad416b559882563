/* risk.c — the live risk gate (see risk.h): exposure per pair, venue and in total, the order
 * rate's token bucket, open orders, cash per venue, the day's loss, the kill switch and halt,
 * and per-pair busy / cooldown / blacklist. No allocation after pm_risk_new/pm_risk_resize.
 *
 * Definitions (exposure of a leg = held + reserved, contracts in qty, money in cost):
 *   pair contracts   the larger of its two venues' contracts on the pair
 *   venue contracts  Σ over pairs of that venue's contracts
 *   total contracts  Σ over pairs of the pair contracts
 *   pair notional    Σ of both venues' cost on the pair; venue notional: Σ of that venue's
 *                    cost over pairs; total notional: Σ of everything.
 * Every limit binds as given (0 allows nothing). The per-venue and total figures are kept as
 * running sums, updated with every change to a pair, so checks cost O(1).
 * Order rate: the bucket holds tokens × 10^9 (token-nanoseconds); each nanosecond adds
 * max_orders_per_second units up to max_orders_per_second × 10^9, so refill is exact.
 * One-legged outcomes: a ring per pair keeps the last max_one_legged timestamps; one counts
 * while now − t < window. Reaching max_one_legged starts a cooldown (now .. now + window) the
 * first time and blacklists the pair every later time; either clears the ring, so the count
 * starts again from the outcome that reached it. */
#include "core/risk.h"

#include <stdlib.h>
#include <string.h>

#define NS_PER_S   1000000000LL
#define NS_PER_DAY (86400LL * NS_PER_S)
#define LEG_MAX    1000000000000000LL /* 10^9 contracts or dollars: anything larger is malformed */

typedef struct pair_state {
    pm_qty_t held_qty[PM_VENUE_COUNT], res_qty[PM_VENUE_COUNT];
    pm_usd_t held_cost[PM_VENUE_COUNT], res_cost[PM_VENUE_COUNT];
    int busy;              /* trades holding the pair (admitted or begun, not done) */
    int blacklisted;
    int cooled;            /* a cooldown started since the last clear */
    int64_t cool_start;    /* when the last cooldown started */
    int64_t nring, head;   /* timestamps held in the ring; the next slot to write */
} pair_state;

struct pm_risk {
    pm_risk_limits lim;
    size_t npairs, cap;    /* pairs in use; pairs storage holds */
    int64_t ring_cap;      /* timestamps per pair */
    pair_state *pairs;
    int64_t *ring;         /* npairs × ring_cap */

    pm_qty_t held_qty[PM_VENUE_COUNT], res_qty[PM_VENUE_COUNT];
    pm_usd_t held_cost[PM_VENUE_COUNT], res_cost[PM_VENUE_COUNT];
    pm_qty_t total_qty;    /* Σ over pairs of the pair contracts */

    int64_t open_orders;
    int64_t tokens;        /* token-nanoseconds */
    int64_t tokens_at;     /* monotonic time tokens was computed for */
    int tokens_started;

    pm_usd_t cash[PM_VENUE_COUNT];
    int cash_known[PM_VENUE_COUNT];

    int64_t day;           /* UTC day number of the last PnL report */
    pm_usd_t day_base, day_loss;
    int day_started, day_halt;

    int killed, halted;
    uint64_t refused[PM_RISK_REASON_COUNT];
    uint64_t one_legged, pairs_cooled, pairs_blacklisted;
};

static int64_t sat_add(int64_t a, int64_t b) {
    int64_t s;
    if (!__builtin_add_overflow(a, b, &s)) return s;
    return b > 0 ? INT64_MAX : INT64_MIN;
}

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }
static int64_t floor0(int64_t v) { return v > 0 ? v : 0; }

static int venue_ok(pm_venue v) { return (unsigned)v < PM_VENUE_COUNT; }

static pm_qty_t leg_qty(const pair_state *p, int v) { return sat_add(p->held_qty[v], p->res_qty[v]); }
static pm_usd_t leg_cost(const pair_state *p, int v) { return sat_add(p->held_cost[v], p->res_cost[v]); }

static pm_qty_t pair_qty(const pair_state *p) {
    pm_qty_t q = leg_qty(p, 0);
    for (int v = 1; v < PM_VENUE_COUNT; v++) q = max64(q, leg_qty(p, v));
    return q;
}

static pm_usd_t pair_cost(const pair_state *p) {
    pm_usd_t c = 0;
    for (int v = 0; v < PM_VENUE_COUNT; v++) c = sat_add(c, leg_cost(p, v));
    return c;
}

/* Orders per second, clamped so that the bucket's arithmetic cannot overflow. */
static int64_t bucket_rate(const pm_risk_limits *lim) {
    int64_t rate = lim->max_orders_per_second;
    return rate <= 0 ? 0 : min64(rate, INT64_MAX / NS_PER_S / 2);
}

static int64_t ring_cap_for(const pm_risk_limits *lim) { return lim->max_one_legged > 0 ? lim->max_one_legged : 1; }
static int64_t *ring_of(const pm_risk *r, size_t pair) { return r->ring + (size_t)r->ring_cap * pair; }

/* Adds to one venue's figures on a pair and keeps the running sums in step. */
static void pair_add(pm_risk *r, size_t pair, int v, pm_qty_t held_q, pm_usd_t held_c, pm_qty_t res_q, pm_usd_t res_c) {
    pair_state *p = &r->pairs[pair];
    pm_qty_t before = pair_qty(p);
    p->held_qty[v] = sat_add(p->held_qty[v], held_q);
    p->held_cost[v] = sat_add(p->held_cost[v], held_c);
    p->res_qty[v] = sat_add(p->res_qty[v], res_q);
    p->res_cost[v] = sat_add(p->res_cost[v], res_c);
    r->held_qty[v] = sat_add(r->held_qty[v], held_q);
    r->held_cost[v] = sat_add(r->held_cost[v], held_c);
    r->res_qty[v] = sat_add(r->res_qty[v], res_q);
    r->res_cost[v] = sat_add(r->res_cost[v], res_c);
    r->total_qty = sat_add(r->total_qty, sat_add(pair_qty(p), -before));
}

/* Removes a pair's figures from the running sums (it is dropped or overwritten). */
static void pair_forget(pm_risk *r, size_t pair) {
    pair_state *p = &r->pairs[pair];
    for (int v = 0; v < PM_VENUE_COUNT; v++)
        pair_add(r, pair, v, -p->held_qty[v], -p->held_cost[v], -p->res_qty[v], -p->res_cost[v]);
}

static pm_qty_t venue_qty(const pm_risk *r, int v) { return sat_add(r->held_qty[v], r->res_qty[v]); }
static pm_usd_t venue_cost(const pm_risk *r, int v) { return sat_add(r->held_cost[v], r->res_cost[v]); }

static pm_usd_t total_cost(const pm_risk *r) {
    pm_usd_t c = 0;
    for (int v = 0; v < PM_VENUE_COUNT; v++) c = sat_add(c, venue_cost(r, v));
    return c;
}

pm_risk *pm_risk_new(const pm_risk_limits *lim, size_t npairs) {
    if (!lim) return NULL;
    pm_risk *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->lim = *lim;
    r->ring_cap = ring_cap_for(lim);
    r->tokens = bucket_rate(lim) * NS_PER_S;
    if (pm_risk_resize(r, npairs)) {
        pm_risk_free(r);
        return NULL;
    }
    return r;
}

void pm_risk_free(pm_risk *r) {
    if (!r) return;
    free(r->pairs);
    free(r->ring);
    free(r);
}

/* Storage grows to npairs; it never shrinks (a smaller table keeps its capacity). */
static int reserve_pairs(pm_risk *r, size_t npairs) {
    if (npairs <= r->cap && r->pairs) return 0;
    size_t n = npairs ? npairs : 1;
    if (n > SIZE_MAX / sizeof(pair_state) || n > SIZE_MAX / sizeof(int64_t) / (size_t)r->ring_cap) return -1;
    pair_state *pairs = realloc(r->pairs, n * sizeof *pairs);
    if (!pairs) return -1;
    r->pairs = pairs;
    int64_t *ring = realloc(r->ring, n * (size_t)r->ring_cap * sizeof *ring);
    if (!ring) return -1;
    r->ring = ring;
    r->cap = n;
    return 0;
}

int pm_risk_resize(pm_risk *r, size_t npairs) {
    if (!r || reserve_pairs(r, npairs)) return -1;
    for (size_t i = npairs; i < r->npairs; i++) pair_forget(r, i);
    if (npairs > r->npairs) memset(r->pairs + r->npairs, 0, (npairs - r->npairs) * sizeof *r->pairs);
    r->npairs = npairs;
    return 0;
}

/* Tokens (× 10^9) in the bucket at now, without taking any. */
static int64_t bucket_at(const pm_risk *r, int64_t now) {
    int64_t rate = bucket_rate(&r->lim), dt;
    if (!r->tokens_started || now <= r->tokens_at) return r->tokens;
    if (__builtin_sub_overflow(now, r->tokens_at, &dt) || dt > NS_PER_S) dt = NS_PER_S;
    return min64(rate * NS_PER_S, r->tokens + dt * rate); /* dt ≤ 10^9, rate ≤ INT64_MAX/(2·10^9) */
}

static void bucket_take(pm_risk *r, int64_t now, int n) {
    r->tokens = bucket_at(r, now) - (int64_t)n * NS_PER_S;
    if (!r->tokens_started || now > r->tokens_at) r->tokens_at = now;
    r->tokens_started = 1;
}

static int bucket_has(const pm_risk *r, int64_t now, int n) { return bucket_at(r, now) >= (int64_t)n * NS_PER_S; }

static int cooling(const pm_risk *r, const pair_state *p, int64_t now) {
    return p->cooled && now >= p->cool_start && now - p->cool_start < r->lim.one_legged_window_ns;
}

pm_usd_t pm_risk_cash_room(const pm_risk *r, pm_venue v) {
    if (!r || !venue_ok(v) || !r->cash_known[v]) return 0;
    return floor0(sat_add(sat_add(r->cash[v], -r->res_cost[v]), -r->lim.min_balance[v]));
}

void pm_risk_room(const pm_risk *r, size_t pair, pm_qty_t *max_qty, pm_usd_t *max_cost) {
    pm_qty_t q = 0;
    pm_usd_t c = 0;
    if (r && pair < r->npairs && !r->killed && !r->halted && !r->day_halt && !r->pairs[pair].busy &&
        !r->pairs[pair].blacklisted) {
        const pair_state *p = &r->pairs[pair];
        q = min64(sat_add(r->lim.max_contracts_per_pair, -pair_qty(p)), sat_add(r->lim.max_contracts_total, -r->total_qty));
        c = min64(sat_add(r->lim.max_notional_per_pair, -pair_cost(p)), sat_add(r->lim.max_notional_total, -total_cost(r)));
        for (int v = 0; v < PM_VENUE_COUNT; v++) {
            q = min64(q, sat_add(r->lim.max_contracts_per_venue, -venue_qty(r, v)));
            c = min64(c, sat_add(r->lim.max_notional_per_venue, -venue_cost(r, v)));
            c = min64(c, pm_risk_cash_room(r, (pm_venue)v));
        }
    }
    if (max_qty) *max_qty = floor0(q);
    if (max_cost) *max_cost = floor0(c);
}

/* An intent's legs summed per venue; 0, or -1 when a leg is malformed. */
static int legs_sum(const pm_risk_leg *legs, int nlegs, pm_qty_t dq[PM_VENUE_COUNT], pm_usd_t dc[PM_VENUE_COUNT],
                    int used[PM_VENUE_COUNT]) {
    memset(dq, 0, PM_VENUE_COUNT * sizeof *dq);
    memset(dc, 0, PM_VENUE_COUNT * sizeof *dc);
    memset(used, 0, PM_VENUE_COUNT * sizeof *used);
    if (!legs || nlegs < 1 || nlegs > 16) return -1;
    for (int i = 0; i < nlegs; i++) {
        const pm_risk_leg *l = &legs[i];
        if (!venue_ok(l->venue) || l->qty < 0 || l->qty > LEG_MAX || l->cost < 0 || l->cost > LEG_MAX) return -1;
        dq[l->venue] += l->qty;
        dc[l->venue] += l->cost;
        used[l->venue] = 1;
    }
    return 0;
}

/* The exposure checks of an intent whose legs are summed in dq/dc. */
static pm_risk_reason exposure_check(const pm_risk *r, const pair_state *p, const pm_qty_t dq[PM_VENUE_COUNT],
                                     const pm_usd_t dc[PM_VENUE_COUNT], const int used[PM_VENUE_COUNT]) {
    const pm_risk_limits *lim = &r->lim;
    pm_qty_t pq = INT64_MIN;
    pm_usd_t pc = pair_cost(p), add_c = 0;
    for (int v = 0; v < PM_VENUE_COUNT; v++) {
        pq = max64(pq, sat_add(leg_qty(p, v), dq[v]));
        add_c += dc[v];
    }
    if (pq > lim->max_contracts_per_pair || sat_add(pc, add_c) > lim->max_notional_per_pair) return PM_RISK_PAIR_LIMIT;
    for (int v = 0; v < PM_VENUE_COUNT; v++)
        if (used[v] && (sat_add(venue_qty(r, v), dq[v]) > lim->max_contracts_per_venue ||
                        sat_add(venue_cost(r, v), dc[v]) > lim->max_notional_per_venue))
            return PM_RISK_VENUE_LIMIT;
    pm_qty_t total_q = sat_add(r->total_qty, sat_add(pq, -pair_qty(p)));
    if (total_q > lim->max_contracts_total || sat_add(total_cost(r), add_c) > lim->max_notional_total)
        return PM_RISK_TOTAL_LIMIT;
    return PM_RISK_OK;
}

static pm_risk_reason admit_check(const pm_risk *r, size_t pair, const pm_risk_leg *legs, int nlegs, int norders,
                                  int64_t now) {
    if (r->killed) return PM_RISK_KILLED;
    if (r->halted) return PM_RISK_HALTED;
    if (r->day_halt) return PM_RISK_DAILY_LOSS;
    if (pair >= r->npairs) return PM_RISK_PAIR_BLACKLISTED;
    const pair_state *p = &r->pairs[pair];
    if (p->busy) return PM_RISK_PAIR_BUSY;
    if (cooling(r, p, now)) return PM_RISK_PAIR_COOLDOWN;
    if (p->blacklisted) return PM_RISK_PAIR_BLACKLISTED;
    pm_qty_t dq[PM_VENUE_COUNT];
    pm_usd_t dc[PM_VENUE_COUNT];
    int used[PM_VENUE_COUNT];
    if (legs_sum(legs, nlegs, dq, dc, used) || norders < 1) return PM_RISK_PAIR_LIMIT;
    if (r->open_orders > sat_add(r->lim.max_open_orders, -norders)) return PM_RISK_OPEN_ORDERS;
    if (!bucket_has(r, now, norders)) return PM_RISK_ORDER_RATE;
    for (int v = 0; v < PM_VENUE_COUNT; v++)
        if (used[v] && dc[v] > pm_risk_cash_room(r, (pm_venue)v)) return PM_RISK_MIN_BALANCE;
    return exposure_check(r, p, dq, dc, used);
}

pm_risk_reason pm_risk_admit(pm_risk *r, size_t pair, const pm_risk_leg *legs, int nlegs, int norders, int64_t now_mono) {
    if (!r) return PM_RISK_KILLED;
    pm_risk_reason why = admit_check(r, pair, legs, nlegs, norders, now_mono);
    r->refused[why]++;
    if (why != PM_RISK_OK) return why;
    for (int i = 0; i < nlegs; i++) pair_add(r, pair, legs[i].venue, 0, 0, legs[i].qty, legs[i].cost);
    r->open_orders += norders;
    bucket_take(r, now_mono, norders);
    r->pairs[pair].busy++;
    return PM_RISK_OK;
}

pm_risk_reason pm_risk_admit_order(pm_risk *r, size_t pair, const pm_risk_leg *leg, int64_t now_mono) {
    if (!r || r->killed) return PM_RISK_KILLED;
    pm_qty_t dq[PM_VENUE_COUNT];
    pm_usd_t dc[PM_VENUE_COUNT];
    int used[PM_VENUE_COUNT];
    if (pair >= r->npairs) return PM_RISK_PAIR_BLACKLISTED;
    if (legs_sum(leg, 1, dq, dc, used)) return PM_RISK_PAIR_LIMIT;
    if (r->open_orders > sat_add(r->lim.max_open_orders, -1)) return PM_RISK_OPEN_ORDERS;
    if (!bucket_has(r, now_mono, 1)) return PM_RISK_ORDER_RATE;
    pair_add(r, pair, leg->venue, 0, 0, leg->qty, leg->cost);
    r->open_orders++;
    bucket_take(r, now_mono, 1);
    return PM_RISK_OK;
}

void pm_risk_order_done(pm_risk *r, size_t pair, const pm_risk_leg *reserved, pm_qty_t held_delta, pm_usd_t cash_delta) {
    if (!r || pair >= r->npairs || !reserved || !venue_ok(reserved->venue)) return;
    int v = reserved->venue;
    if (r->open_orders > 0) r->open_orders--;
    pair_add(r, pair, v, held_delta, cash_delta, -reserved->qty, -reserved->cost);
    if (r->cash_known[v]) r->cash[v] = sat_add(r->cash[v], -cash_delta);
}

void pm_risk_trade_begin(pm_risk *r, size_t pair) {
    if (r && pair < r->npairs) r->pairs[pair].busy++;
}

void pm_risk_trade_done(pm_risk *r, size_t pair) {
    if (r && pair < r->npairs && r->pairs[pair].busy > 0) r->pairs[pair].busy--;
}

static int64_t ring_count(const pm_risk *r, size_t pair, int64_t now) {
    const pair_state *p = &r->pairs[pair];
    const int64_t *ring = ring_of(r, pair);
    int64_t n = 0;
    for (int64_t i = 0; i < p->nring; i++)
        if (now >= ring[i] && now - ring[i] < r->lim.one_legged_window_ns) n++;
    return n;
}

int pm_risk_one_legged(pm_risk *r, size_t pair, int64_t now_mono) {
    if (!r || pair >= r->npairs) return 0;
    pair_state *p = &r->pairs[pair];
    r->one_legged++;
    if (p->blacklisted) return 0;
    ring_of(r, pair)[p->head] = now_mono;
    p->head = (p->head + 1) % r->ring_cap;
    if (p->nring < r->ring_cap) p->nring++;
    if (ring_count(r, pair, now_mono) < ring_cap_for(&r->lim)) return 0;
    p->nring = p->head = 0;
    if (p->cooled) {
        p->blacklisted = 1;
        r->pairs_blacklisted++;
        return 2;
    }
    p->cooled = 1;
    p->cool_start = now_mono;
    r->pairs_cooled++;
    return 1;
}

int pm_risk_pair_blacklist(pm_risk *r, size_t pair) {
    if (!r || pair >= r->npairs || r->pairs[pair].blacklisted) return 0;
    r->pairs[pair].blacklisted = 1;
    return 1;
}

void pm_risk_pair_clear(pm_risk *r, size_t pair) {
    if (!r || pair >= r->npairs) return;
    pair_state *p = &r->pairs[pair];
    p->blacklisted = p->cooled = 0;
    p->cool_start = p->nring = p->head = 0;
}

void pm_risk_hold(pm_risk *r, size_t pair, pm_venue v, pm_qty_t qty, pm_usd_t cost) {
    if (!r || pair >= r->npairs || !venue_ok(v)) return;
    pair_add(r, pair, v, qty, cost, 0, 0);
}

void pm_risk_set_cash(pm_risk *r, pm_venue v, pm_usd_t cash) {
    if (!r || !venue_ok(v)) return;
    r->cash[v] = cash;
    r->cash_known[v] = 1;
}

static int64_t utc_day(int64_t unix_ns) { return unix_ns / NS_PER_DAY - (unix_ns % NS_PER_DAY < 0); }

void pm_risk_set_pnl(pm_risk *r, pm_usd_t pnl, int64_t unix_ns) {
    if (!r) return;
    int64_t day = utc_day(unix_ns);
    if (!r->day_started || day > r->day) {
        r->day_started = 1;
        r->day = day;
        r->day_base = pnl;
        r->day_halt = 0;
    }
    r->day_loss = floor0(sat_add(r->day_base, -pnl));
    if (r->day_loss >= r->lim.daily_loss_limit) r->day_halt = 1;
}

void pm_risk_kill(pm_risk *r, int on) {
    if (r) r->killed = on != 0;
}

void pm_risk_halt(pm_risk *r, int on) {
    if (r) r->halted = on != 0;
}

int pm_risk_killed(const pm_risk *r) { return r ? r->killed : 1; }
int pm_risk_halted(const pm_risk *r) { return r ? r->halted : 1; }

void pm_risk_get_stats(const pm_risk *r, pm_risk_stats *out) {
    if (!out) return;
    memset(out, 0, sizeof *out);
    if (!r) return;
    memcpy(out->refused, r->refused, sizeof out->refused);
    out->open_orders = r->open_orders;
    for (int v = 0; v < PM_VENUE_COUNT; v++) {
        out->held_qty[v] = r->held_qty[v];
        out->reserved_qty[v] = r->res_qty[v];
        out->held_cost[v] = r->held_cost[v];
        out->reserved_cost[v] = r->res_cost[v];
        out->cash[v] = r->cash_known[v] ? sat_add(r->cash[v], -r->res_cost[v]) : 0;
    }
    out->day_loss = r->day_loss;
    out->killed = r->killed;
    out->halted = r->halted;
    out->one_legged = r->one_legged;
    out->pairs_cooled = r->pairs_cooled;
    out->pairs_blacklisted = r->pairs_blacklisted;
}

const char *pm_risk_reason_name(pm_risk_reason reason) {
    static const char *const names[PM_RISK_REASON_COUNT] = {
        "ok",          "killed",     "halted",     "daily_loss",  "pair_busy",   "pair_cooldown", "pair_blacklisted",
        "open_orders", "order_rate", "min_balance", "pair_limit", "venue_limit", "total_limit",
    };
    return (unsigned)reason < PM_RISK_REASON_COUNT ? names[reason] : "unknown";
}
