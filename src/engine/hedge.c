/* hedge.c — completing or unwinding a one-legged residual (see hedge.h). */
#include "engine/hedge.h"

#include "core/poly_amount.h"

#include <string.h>

/* Level i (0 = best) of the prices at which the side's outcome can be bought (asks) or sold
 * (bids), in the outcome's own prices. 0 when there is no such level. */
static int level(const pm_hedge_side *s, int buy, int i, pm_px_t *px, pm_qty_t *qty) {
    const pm_book_side *bs = (buy != s->mirrored) ? &s->book->ask : &s->book->bid;
    if (i >= bs->n) return 0;
    const pm_level *l = &bs->lv[bs->n - 1 - i];
    *px = s->mirrored ? PM_PX_ONE - l->px : l->px;
    *qty = l->qty;
    return 1;
}

pm_px_t pm_hedge_bid(const pm_hedge_side *s) {
    pm_px_t px;
    pm_qty_t qty;
    if (!s->book || !pm_book_tradeable(s->book) || !level(s, 0, 0, &px, &qty)) return 0;
    return px;
}

static pm_qty_t round_lot(pm_qty_t q, pm_qty_t lot) { return lot > 0 ? q / lot * lot : q; }

/* Buys exactly gross of the side's outcome, best level first: money and worst price. -1 when
 * the book does not offer it. */
static int walk_gross(const pm_hedge_side *s, pm_qty_t gross, pm_usd_t *cost, pm_px_t *worst) {
    pm_qty_t left = gross, avail, del;
    pm_usd_t money, fee;
    pm_px_t px;
    *cost = 0;
    for (int i = 0; left > 0 && level(s, 1, i, &px, &avail); i++) {
        if (s->tick > 0 && px % s->tick) return -1;
        pm_qty_t take = left < avail ? left : avail;
        if (pm_fee_buy(&s->fee, px, take, &money, &fee, &del)) return -1;
        *cost += money;
        *worst = px;
        left -= take;
    }
    return left ? -1 : 0;
}

/* A side bought in whole cents grows its gross to the shares the amount buys at the limit,
 * walked again while that reaches a further level (the limit only rises). */
static int signable(const pm_hedge_side *s, pm_qty_t *gross, pm_usd_t *cost, pm_px_t *worst) {
    if (!s->buy_in_cents) return 0;
    for (int i = 0; i <= PM_BOOK_DEPTH; i++) {
        pm_usd_t amount;
        pm_qty_t shares;
        if (pm_poly_buy_size(*worst, s->tick, *gross, &amount, &shares)) return -1;
        if (shares == *gross) return 0;
        *gross = shares;
        if (walk_gross(s, shares, cost, worst)) return -1;
    }
    return -1;
}

/* Buys enough of the side's outcome to hold `held` (and, bought in whole cents, what its amount
 * buys): gross size, money and worst price. -1 when the book does not offer it (or a level is
 * off the grid). */
static int buy_walk(const pm_hedge_side *s, pm_qty_t held, pm_qty_t *gross, pm_usd_t *cost, pm_px_t *worst) {
    pm_qty_t got = 0;
    *gross = 0;
    *cost = 0;
    *worst = 0;
    pm_px_t px;
    pm_qty_t avail;
    for (int i = 0; got < held && level(s, 1, i, &px, &avail); i++) {
        if (s->tick > 0 && px % s->tick) return -1;
        pm_qty_t need = held - got, take = need, money, fee, del;
        if (pm_fee_in_shares(&s->fee)) { /* gross up for the shares the fee withholds */
            if (pm_fee_buy(&s->fee, px, need, &money, &fee, &del) || del <= 0) return -1;
            pm_mul_div(need, need, del, PM_ROUND_CEIL, &take, NULL);
            if (s->lot > 0 && take % s->lot) take += s->lot - take % s->lot;
        }
        if (take > avail) take = round_lot(avail, s->lot);
        if (take <= 0) continue;
        if (pm_fee_buy(&s->fee, px, take, &money, &fee, &del)) return -1;
        got += del;
        *gross += take;
        *cost += money;
        *worst = px;
    }
    return got >= held ? signable(s, gross, cost, worst) : -1;
}

/* Sells qty of the side's outcome into its bids: money received (after fees) and worst price. */
static int sell_walk(const pm_hedge_side *s, pm_qty_t qty, pm_usd_t *proceeds, pm_px_t *worst) {
    pm_qty_t left = qty;
    *proceeds = 0;
    *worst = 0;
    pm_px_t px;
    pm_qty_t avail;
    for (int i = 0; left > 0 && level(s, 0, i, &px, &avail); i++) {
        if (s->tick > 0 && px % s->tick) return -1;
        pm_qty_t take = left < avail ? left : avail;
        pm_fee_quote q;
        if (pm_fee_quote_fill(&s->fee, PM_SIDE_SELL, 0, px, take, &q, NULL)) return -1;
        *proceeds += q.cash;
        *worst = px;
        left -= take;
    }
    return left ? -1 : 0;
}

void pm_hedge_decide(const pm_hedge_side *short_side, const pm_hedge_side *long_side, pm_qty_t residual,
                     pm_usd_t long_cost, pm_usd_t max_hedge_loss, pm_hedge_plan *out) {
    memset(out, 0, sizeof *out);

    pm_qty_t cq = round_lot(residual, short_side->lot), uq = round_lot(residual, long_side->lot);
    int can_complete = cq > 0 && cq >= short_side->min_qty, can_unwind = uq > 0 && uq >= long_side->min_qty;
    if (!can_complete && !can_unwind) {
        out->action = PM_HEDGE_DUST;
        out->why = "the residual is below both venues' smallest order";
        return;
    }
    pm_qty_t cgross = 0;
    pm_px_t climit = 0, ulimit = 0;
    if (can_complete && pm_book_tradeable(short_side->book)) {
        pm_usd_t cost, value, cap, part = long_cost;
        if (cq < residual) pm_mul_div(long_cost, cq, residual, PM_ROUND_FLOOR, &part, NULL);
        pm_notional(PM_PX_ONE, cq, PM_ROUND_FLOOR, &value, NULL);
        pm_notional(max_hedge_loss, cq, PM_ROUND_FLOOR, &cap, NULL);
        if (!buy_walk(short_side, cq, &cgross, &cost, &climit)) {
            pm_usd_t loss = part + cost - value;
            out->can_complete = loss <= cap; /* beyond max_hedge_loss: not an option */
            out->complete_loss = loss;
        }
    }
    if (can_unwind && pm_book_tradeable(long_side->book)) {
        pm_usd_t proceeds, part = long_cost;
        if (uq < residual) pm_mul_div(long_cost, uq, residual, PM_ROUND_FLOOR, &part, NULL);
        if (!sell_walk(long_side, uq, &proceeds, &ulimit)) {
            out->can_unwind = 1;
            out->unwind_loss = part - proceeds;
        }
    }
    if (out->can_complete && (!out->can_unwind || out->complete_loss <= out->unwind_loss)) {
        out->action = PM_HEDGE_COMPLETE;
        out->qty = cgross;
        out->limit = climit;
        out->loss = out->complete_loss;
        out->why = "completing the short leg loses less";
    } else if (out->can_unwind) {
        out->action = PM_HEDGE_UNWIND;
        out->qty = uq;
        out->limit = ulimit;
        out->loss = out->unwind_loss;
        out->why = !out->can_complete ? "completing is not possible within max_hedge_loss: unwinding"
                                          : "unwinding the long leg loses less";
    } else {
        out->action = PM_HEDGE_NONE;
        out->why = "neither venue's book offers a way out now (not live, too thin, or beyond max_hedge_loss)";
    }
}
