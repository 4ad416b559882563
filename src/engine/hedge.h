/* hedge.h — what to do when a trade's two legs filled different quantities (DESIGN.md §6):
 * the long side holds `residual` contracts the short side does not cover. Either complete the
 * short side (buy the residual there, walking its asks, fees included, so the pair costs at
 * most $1 + max_hedge_loss per contract) or unwind the long side (sell the residual into its
 * bids, fees included); whichever loses less, judged on the books as they are now. Completing
 * is refused when it would lose more than max_hedge_loss per contract; unwinding has no such
 * cap (it is the way out), but never sells below what the bids show. Quantities are rounded
 * down to each venue's lot and must reach its minimum order size; a residual below both is
 * dust (left, and said so). Pure: books and fee models in, a plan out. */
#ifndef PM_ENGINE_HEDGE_H
#define PM_ENGINE_HEDGE_H

#include "core/book.h"
#include "core/fees.h"
#include "core/market.h"
#include "core/money.h"

/* One side of the trade, for buying (short side) or selling (long side) its outcome. */
typedef struct pm_hedge_side {
    pm_venue venue;
    pm_outcome outcome;
    const pm_book *book;     /* the book the outcome trades in (Kalshi NO: the ticker's YES book) */
    int mirrored;            /* 1: the outcome's prices are 1 − the book's (Kalshi NO) */
    pm_fee_model fee;
    pm_px_t tick;            /* 0: not checked */
    pm_qty_t lot, min_qty;
    int buy_in_cents;        /* 1: a buy is signed for the shares whole cents buy (core/poly_amount.h) */
} pm_hedge_side;

typedef enum pm_hedge_action {
    PM_HEDGE_NONE = 0,       /* nothing can be done now (see why) */
    PM_HEDGE_COMPLETE,       /* buy qty of the short side's outcome at up to limit */
    PM_HEDGE_UNWIND,         /* sell qty of the long side's outcome at no less than limit */
    PM_HEDGE_DUST,           /* the residual is below what either venue can trade */
} pm_hedge_action;

typedef struct pm_hedge_plan {
    pm_hedge_action action;
    pm_qty_t qty;            /* order size (gross: a Polymarket buy is grossed up for its fee shares) */
    pm_px_t limit;
    pm_usd_t loss;           /* expected loss of the chosen way, micro-dollars (negative: a gain) */
    int can_complete, can_unwind;        /* which ways are open (books live, deep enough, within the cap) */
    pm_usd_t complete_loss, unwind_loss; /* each way's expected loss (negative: a gain); 0 when not priced */
    const char *why;         /* static text */
} pm_hedge_plan;

/* The best price the side's outcome sells at now (its best bid; Kalshi NO: 1 − the YES book's
 * best ask), in the outcome's own prices; 0 when there is no book, it is not live, or it shows
 * no such bid. */
pm_px_t pm_hedge_bid(const pm_hedge_side *s);

/* residual: contracts held on the long side beyond the short side (> 0); long_cost: what
 * those contracts cost (their share of the long side's money, fees included). */
void pm_hedge_decide(const pm_hedge_side *short_side, const pm_hedge_side *long_side, pm_qty_t residual,
                     pm_usd_t long_cost, pm_usd_t max_hedge_loss, pm_hedge_plan *out);

#endif
