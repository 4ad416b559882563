/* detector.c — the depth-walking detector (see detector.h): freshness gate, marginal walk
 * over both legs in contracts held, exact pricing of each segment end, caps, emission and
 * repeat suppression. No allocation, no locks, no I/O. */
#include "core/detector.h"

#include "core/poly_amount.h"

#include <string.h>

/* A whole level, priced once per evaluation. */
typedef struct level_price {
    pm_usd_t cost, fee;
    pm_qty_t held;
} level_price;

/* A leg's book side, best first, at the prices the buyer pays. Levels are checked against the
 * tick grid and priced lazily, as the walk reaches them, and only once. */
typedef struct view {
    const pm_det_leg *leg;
    const pm_fee_model *fee;
    const pm_book_side *s;
    int ok;       /* levels 0..ok-1 are usable: on the tick grid, price < $1 */
    int end;      /* 1 once level `ok` was found unusable (or absent) */
    int priced;   /* levels 0..priced-1 hold their whole-level price in lp[] */
    int shares;   /* fee taken in shares: the leg is grossed up */
    level_price lp[PM_BOOK_DEPTH];
} view;

static inline pm_px_t lv_px(const view *v, int i) {
    pm_px_t px = v->s->lv[v->s->n - 1 - i].px;
    return v->leg->mirrored ? PM_PX_ONE - px : px;
}

static inline pm_qty_t lv_qty(const view *v, int i) { return v->s->lv[v->s->n - 1 - i].qty; }

static void view_init(view *v, const pm_det_leg *leg) {
    v->leg = leg;
    v->fee = &leg->m->fee;
    v->s = leg->mirrored ? &leg->book->bid : &leg->book->ask;
    v->shares = pm_fee_in_shares(v->fee);
    v->ok = v->end = v->priced = 0;
}

/* 1 when level i exists and may be traded. */
static int usable(view *v, int i) {
    while (v->ok <= i && !v->end) {
        if (v->ok >= v->s->n) {
            v->end = 1;
            break;
        }
        pm_px_t px = lv_px(v, v->ok), tick = v->leg->m->tick;
        if (px >= PM_PX_ONE || (tick > 0 && px % tick)) v->end = 1;
        else v->ok++;
    }
    return i < v->ok;
}

/* The whole level i priced (usable(v, i) must hold), or NULL when the fee model cannot. */
static const level_price *whole(view *v, int i) {
    while (v->priced <= i) {
        level_price *l = &v->lp[v->priced];
        if (pm_fee_buy(v->fee, lv_px(v, v->priced), lv_qty(v, v->priced), &l->cost, &l->fee, &l->held)) return NULL;
        v->priced++;
    }
    return &v->lp[i];
}

/* Contracts held from buying the whole level i; -1 when it cannot be priced. */
static pm_qty_t level_held(view *v, int i) {
    const level_price *l = whole(v, i);
    return l ? l->held : -1;
}

/* One leg priced for a gross order size. */
typedef struct leg_price {
    pm_qty_t gross, held, fee_shares;
    pm_usd_t cost, fee;
    pm_px_t worst;
    int levels;
} leg_price;

/* Walks gross contracts from the best level, one fill per level. -1 when the usable depth is
 * short or a level cannot be priced. */
static int walk_gross(view *v, pm_qty_t gross, leg_price *out) {
    memset(out, 0, sizeof *out);
    out->gross = gross;
    pm_qty_t left = gross;
    for (int i = 0; left > 0 && usable(v, i); i++) {
        pm_qty_t q = lv_qty(v, i), take = q < left ? q : left;
        level_price part;
        const level_price *l = &part;
        if (take == q) l = whole(v, i);
        else if (pm_fee_buy(v->fee, lv_px(v, i), take, &part.cost, &part.fee, &part.held)) l = NULL;
        if (!l) return -1;
        out->cost += l->cost;
        out->fee += l->fee;
        out->held += l->held;
        out->fee_shares += take - l->held;
        out->worst = lv_px(v, i);
        out->levels++;
        left -= take;
    }
    return left > 0 ? -1 : 0;
}

/* Held contracts of `g` bought at level i. */
static pm_qty_t held_at(const view *v, int i, pm_qty_t g) {
    pm_usd_t c, f;
    pm_qty_t d;
    return pm_fee_buy(v->fee, lv_px(v, i), g, &c, &f, &d) ? -1 : d;
}

static inline pm_qty_t ceil_lot(pm_qty_t q, pm_qty_t lot) { return (q + lot - 1) / lot * lot; }

/* A leg bought in whole cents grows to the shares its amount buys at its limit; a size that
 * reaches a further level is walked again (the limit only rises, so this ends within the
 * book's depth). -1 when the depth or the arithmetic does not allow it. */
static int signable(view *v, leg_price *out) {
    if (!v->leg->m->buy_in_cents) return 0;
    for (int i = 0; i <= PM_BOOK_DEPTH; i++) {
        pm_usd_t amount;
        pm_qty_t s;
        if (pm_poly_buy_size(out->worst, v->leg->m->tick, out->gross, &amount, &s)) return -1;
        if (s == out->gross) return 0;
        if (walk_gross(v, s, out)) return -1;
    }
    return -1;
}

/* Walks a gross size and makes it signable. */
static int walk_order(view *v, pm_qty_t gross, leg_price *out) {
    return walk_gross(v, gross, out) ? -1 : signable(v, out);
}

/* The smallest gross order (a multiple of the leg's lot, then signable) that holds at least
 * `target`, priced. -1 when the usable depth cannot hold it. */
static int price_for_held(view *v, pm_qty_t target, leg_price *out) {
    pm_qty_t lot = v->leg->m->lot > 0 ? v->leg->m->lot : 1;
    if (!v->shares) return walk_order(v, ceil_lot(target, lot), out);
    pm_qty_t need = target, gross = 0;
    int i = 0, met = 0;
    for (; usable(v, i); i++) {
        pm_qty_t q = lv_qty(v, i), full = level_held(v, i);
        if (full < 0) return -1;
        if (full < need) {
            need -= full;
            gross += q;
            continue;
        }
        /* inside this level: held(g) = g − fee(g) is non-decreasing; start from the
         * proportional estimate and correct by single units */
        pm_qty_t g = full > 0 ? (pm_qty_t)(((__int128)need * q + full - 1) / full) : q;
        if (g > q) g = q;
        while (g < q && held_at(v, i, g) < need) g++;
        while (g > 1 && held_at(v, i, g - 1) >= need) g--;
        gross += g;
        met = 1;
        break;
    }
    if (!met) return -1;
    return walk_order(v, ceil_lot(gross, lot), out);
}

/* Folds one 64-bit word into a running signature (multiply–xorshift, one word at a time). */
static inline uint64_t mix(uint64_t h, uint64_t w) {
    h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
    return h ^ (h >> 29);
}

static int gate(const pm_det_params *p, const pm_det_clock *now, const pm_det_leg *l) {
    const pm_book *b = l->book;
    if (!b || !l->m->alive || !pm_book_tradeable(b)) return 0;
    if (now->mono_ns - b->updated_ns > p->max_book_age_ns) return 0;
    return pm_book_side_known(l->mirrored ? &b->bid : &b->ask);
}

static void fill_leg(pm_opp_leg *o, const pm_det_leg *l, const leg_price *lp, const pm_det_clock *now) {
    o->venue = l->m->venue;
    o->outcome = l->outcome;
    size_t n = l->id ? strnlen(l->id, PM_DET_ID_MAX - 1) : 0;
    memcpy(o->market_id, l->id ? l->id : "", n);
    o->market_id[n] = 0;
    o->limit_px = lp->worst;
    o->qty = lp->gross;
    o->held = lp->held;
    o->cost = lp->cost;
    o->fee = lp->fee;
    o->fee_shares = lp->fee_shares;
    o->levels = lp->levels;
    o->book_age_ns = now->mono_ns - l->book->updated_ns;
}

/* A priced candidate size. */
typedef struct plan {
    pm_qty_t q;
    leg_price a, b;
} plan;

typedef enum fit { FIT_OK, FIT_MONEY, FIT_DEPTH } fit;

static fit price_plan(view *va, view *vb, const pm_det_limits *lim, pm_qty_t q, plan *pl) {
    pl->q = q;
    if (price_for_held(va, q, &pl->a) || price_for_held(vb, q, &pl->b)) return FIT_DEPTH;
    const pm_det_market *ma = va->leg->m, *mb = vb->leg->m;
    pm_usd_t total = pl->a.cost + pl->b.cost;
    if (total > lim->max_cost) return FIT_MONEY;
    if (ma == mb ? total > ma->balance : pl->a.cost > ma->balance || pl->b.cost > mb->balance) return FIT_MONEY;
    return FIT_OK;
}

pm_det_status pm_det_eval(const pm_det_params *p, const pm_det_limits *lim, const pm_det_clock *now,
                          const pm_det_leg *a, const pm_det_leg *b, pm_det_dir dir, pm_det_memo *memo,
                          pm_opportunity *out) {
    if (!gate(p, now, a) || !gate(p, now, b)) goto none_fresh;
    if (a->m->fee.kind == PM_FEE_UNKNOWN || b->m->fee.kind == PM_FEE_UNKNOWN) {
        memo->sig = 0;
        return PM_DET_NO_FEES;
    }
    view va, vb;
    view_init(&va, a);
    view_init(&vb, b);
    pm_px_t threshold = PM_PX_ONE - p->min_edge;
    if (!usable(&va, 0) || !usable(&vb, 0) || lv_px(&va, 0) + lv_px(&vb, 0) > threshold) goto no_edge;

    /* size step: the lot of legs bought in whole units (the held quantity is their order size) */
    pm_qty_t step = 1;
    if (!va.shares && a->m->lot > step) step = a->m->lot;
    if (!vb.shares && b->m->lot > step) step = b->m->lot;
    pm_qty_t qcap = p->max_size < lim->max_qty ? p->max_size : lim->max_qty;
    qcap = qcap / step * step;
    if (qcap <= 0) {
        memo->sig = 0;
        return PM_DET_TOO_SMALL;
    }

    /* marginal walk: segment ends in contracts held */
    pm_qty_t cand[2 * PM_BOOK_DEPTH];
    pm_usd_t ub[2 * PM_BOOK_DEPTH]; /* upper bound of the exact profit at cand[] (see below) */
    __int128 lin = 0;                /* Σ seg × ($1 − marginal costs), micro-dollars × 10^6 */
    int ncand = 0, ia = 0, ib = 0;
    pm_qty_t ra = level_held(&va, 0), rb = level_held(&vb, 0), q = 0;
    while (usable(&va, ia) && usable(&vb, ib) && q < qcap && ra >= 0 && rb >= 0) {
        pm_px_t mga = pm_fee_marginal_buy(va.fee, lv_px(&va, ia)), mgb = pm_fee_marginal_buy(vb.fee, lv_px(&vb, ib));
        if (mga < 0 || mgb < 0 || mga + mgb > threshold) break;
        pm_qty_t seg = ra < rb ? ra : rb;
        q = seg > qcap - q ? qcap : q + seg;
        ra -= seg;
        rb -= seg;
        lin += (__int128)seg * (PM_PX_ONE - mga - mgb);
        /* the exact cost of a leg is never below its linear cost by more than one micro-dollar
         * per contract (the marginal costs are rounded up to the micro-dollar) */
        pm_usd_t bound = (pm_usd_t)(lin / PM_SCALE) + 2 * (q / PM_SCALE + 1) + 1;
        pm_qty_t qf = q / step * step;
        if (qf > 0 && (ncand == 0 || cand[ncand - 1] != qf)) ncand++;
        if (qf > 0) {
            cand[ncand - 1] = qf;
            ub[ncand - 1] = bound;
        }
        if (ra <= 0 && usable(&va, ++ia)) ra = level_held(&va, ia);
        if (rb <= 0 && usable(&vb, ++ib)) rb = level_held(&vb, ib);
    }
    if (q == 0) goto no_edge;

    /* price candidates exactly, largest first; shrink to the money available; keep the most
     * profitable. The bounds only fall with size, so once a candidate's bound cannot beat the
     * best exact profit, no smaller one can. Feasibility by money is monotone in size: once a
     * shrink found the largest affordable size, larger candidates lead to the same one. */
    plan best = {0}, pl;
    int have = 0, edge_fail = 0;
    pm_qty_t money_q = -1;
    for (int c = ncand - 1; c >= 0; c--) {
        pm_qty_t qc = cand[c];
        if (have && ub[c] <= best.q - (best.a.cost + best.b.cost)) break;
        if (money_q >= 0 && qc > money_q) continue;
        fit f = price_plan(&va, &vb, lim, qc, &pl);
        if (f == FIT_DEPTH) continue;
        if (f == FIT_MONEY) {
            /* costs grow with size: largest multiple of step that fits */
            pm_qty_t lo = 0, hi = qc / step;
            while (lo < hi) {
                pm_qty_t mid = lo + (hi - lo + 1) / 2;
                if (price_plan(&va, &vb, lim, mid * step, &pl) == FIT_OK) lo = mid;
                else hi = mid - 1;
            }
            money_q = lo * step;
            if (lo == 0 || price_plan(&va, &vb, lim, lo * step, &pl) != FIT_OK) continue;
        }
        if (pl.a.gross < a->m->min_qty || pl.b.gross < b->m->min_qty) continue;
        pm_usd_t cost = pl.a.cost + pl.b.cost;
        if ((__int128)cost * PM_SCALE > (__int128)pl.q * threshold) {
            edge_fail = 1;
            continue;
        }
        if (!have || pl.q - cost > best.q - (best.a.cost + best.b.cost)) {
            best = pl;
            have = 1;
        }
    }
    if (!have) {
        memo->sig = 0;
        return edge_fail ? PM_DET_NO_EDGE : PM_DET_TOO_SMALL;
    }

    pm_usd_t cost = best.a.cost + best.b.cost, profit = best.q - cost;
    if (profit < p->min_profit) {
        memo->sig = 0;
        return PM_DET_LOW_PROFIT;
    }
    int64_t close = a->m->close_ns > b->m->close_ns ? a->m->close_ns : b->m->close_ns, ann = -1;
    if (a->m->close_ns > now->unix_ns && b->m->close_ns > now->unix_ns) {
        __int128 n = (__int128)profit * 10000 * PM_YEAR_NS, d = (__int128)(cost > 0 ? cost : 1) * (close - now->unix_ns);
        __int128 r = n / d;
        ann = r > INT64_MAX ? INT64_MAX : (int64_t)r;
    }
    if (ann < 0 ? p->min_annualized_bps > 0 : ann < p->min_annualized_bps) {
        memo->sig = 0;
        return PM_DET_LOW_RETURN;
    }

    /* repeat suppression: epochs, the levels examined (one past the walk), the result */
    uint64_t h = 1469598103934665603ULL;
    h = mix(h, (uint64_t)dir);
    view *vs[2] = {&va, &vb};
    int seen[2] = {ia, ib};
    for (int k = 0; k < 2; k++) {
        const pm_det_leg *l = vs[k]->leg;
        h = mix(mix(mix(h, (uint64_t)l->m->venue), (uint64_t)l->outcome), l->book->epoch);
        for (int i = 0; i <= seen[k] && usable(vs[k], i); i++) h = mix(mix(h, (uint64_t)lv_px(vs[k], i)), (uint64_t)lv_qty(vs[k], i));
    }
    h = mix(mix(h, (uint64_t)best.q), (uint64_t)cost);
    if (h == 0) h = 1;
    if (memo->sig == h) return PM_DET_SUPPRESSED;
    memo->sig = h;

    memset(out, 0, sizeof *out);
    out->dir = dir;
    out->qty = best.q;
    fill_leg(&out->leg[0], a, &best.a, now);
    fill_leg(&out->leg[1], b, &best.b, now);
    out->cost = cost;
    out->profit = profit;
    out->annualized_bps = ann;
    out->close_ns = close;
    out->detected_ns = now->mono_ns;
    return PM_DET_FOUND;

none_fresh:
    memo->sig = 0;
    return PM_DET_NOT_FRESH;
no_edge:
    memo->sig = 0;
    return PM_DET_NO_EDGE;
}

static void leg_of(const pm_det_market *m, pm_outcome o, pm_det_leg *l) {
    l->m = m;
    l->outcome = o;
    if (o == PM_OUTCOME_YES || m->no) {
        l->book = o == PM_OUTCOME_YES ? m->yes : m->no;
        l->mirrored = 0;
    } else {
        l->book = m->yes;
        l->mirrored = 1;
    }
    l->id = o == PM_OUTCOME_YES ? m->id_yes : m->id_no;
}

void pm_det_legs(pm_det_dir dir, const pm_det_market *k, const pm_det_market *pm, pm_polarity polarity,
                 pm_det_leg *a, pm_det_leg *b) {
    switch (dir) {
    case PM_DIR_KALSHI_YES:
    case PM_DIR_KALSHI_NO: {
        pm_outcome ko = dir == PM_DIR_KALSHI_YES ? PM_OUTCOME_YES : PM_OUTCOME_NO;
        /* the Polymarket token that pays when Kalshi's other outcome pays */
        pm_outcome po = pm_outcome_flip(ko);
        if (polarity == PM_POLARITY_INVERTED) po = pm_outcome_flip(po);
        leg_of(k, ko, a);
        leg_of(pm, po, b);
        break;
    }
    case PM_DIR_SAME_KALSHI:
        leg_of(k, PM_OUTCOME_YES, a);
        leg_of(k, PM_OUTCOME_NO, b);
        break;
    case PM_DIR_SAME_POLY:
        leg_of(pm, PM_OUTCOME_YES, a);
        leg_of(pm, PM_OUTCOME_NO, b);
        break;
    }
}

int pm_det_scan_pair(const pm_det_params *p, const pm_det_limits *lim, const pm_det_clock *now,
                     const pm_det_market *k, const pm_det_market *pm, pm_polarity polarity,
                     pm_det_memo memo[PM_DIR_COUNT], pm_opportunity out[PM_DIR_COUNT],
                     pm_det_status status[PM_DIR_COUNT]) {
    int n = 0, ndir = p->same_venue ? PM_DIR_COUNT : 2;
    for (int d = 0; d < ndir; d++) {
        pm_det_leg a, b;
        pm_det_legs((pm_det_dir)d, k, pm, polarity, &a, &b);
        pm_det_status s = pm_det_eval(p, lim, now, &a, &b, (pm_det_dir)d, &memo[d], &out[n]);
        if (s == PM_DET_FOUND) n++;
        if (status) status[d] = s;
    }
    return n;
}

const char *pm_det_status_name(pm_det_status s) {
    static const char *const names[PM_DET_STATUS_COUNT] = {"found",   "suppressed", "no_edge",    "not_fresh",
                                                           "no_fees", "too_small",  "low_profit", "low_return"};
    return (unsigned)s < PM_DET_STATUS_COUNT ? names[s] : "?";
}

const char *pm_det_dir_name(pm_det_dir d) {
    static const char *const names[PM_DIR_COUNT] = {"kalshi_yes", "kalshi_no", "same_kalshi", "same_polymarket"};
    return (unsigned)d < PM_DIR_COUNT ? names[d] : "?";
}
