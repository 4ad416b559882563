/* residuals.h — what finished live trades left unhedged: the long side's excess when a trade
 * ended with its legs holding different quantities (unresolved, or dust), kept so that the
 * day's PnL can mark it (live.h). A fixed table (it lives inside pm_live: no allocation), one
 * entry per outcome held (venue, market, outcome), and what selling an entry now would fetch.
 * Feed thread only. */
#ifndef PM_ENGINE_RESIDUALS_H
#define PM_ENGINE_RESIDUALS_H

#include <stddef.h>

#include "core/book.h"
#include "core/exec.h"
#include "core/fees.h"
#include "core/market.h"
#include "core/money.h"

#define PM_RESIDUALS_MAX 64

typedef struct pm_residual {
    pm_venue venue;
    pm_outcome outcome;
    char market_id[PM_EXEC_MARKET_MAX]; /* ticker or token id: the book the outcome trades in */
    int mirrored;                       /* Kalshi NO: priced off the ticker's YES book */
    pm_fee_model fee;                   /* the outcome's taker fee (a sale's) */
    pm_qty_t qty;                       /* contracts left (> 0) */
} pm_residual;

typedef struct pm_residuals {
    size_t n;
    pm_residual r[PM_RESIDUALS_MAX];
} pm_residuals;

/* Adds r->qty (> 0) to the entry of r's outcome, or makes one. 0, or -1 when the table is full
 * (nothing changes). */
int pm_residuals_add(pm_residuals *t, const pm_residual *r);

/* What is held of (v, market_id, o) is now qty: a residual of that outcome above it shrinks to
 * it for good (a later order sold those contracts, or Kalshi netted them against the other
 * outcome: their money is that order's), and leaves the table at 0. */
void pm_residuals_held(pm_residuals *t, pm_venue v, const char *market_id, pm_outcome o, pm_qty_t qty);

/* What selling qty of r's outcome into book (the book r->market_id names; NULL when the feed
 * has none) would fetch now: qty at the outcome's best bid (pm_hedge_bid: Kalshi NO at 1 − the
 * YES book's best ask) floored to the micro-dollar, less the taker fee of that sale with the
 * venue's rounding (pm_fee_quote_fill: Kalshi's cent, Polymarket's $0.00001). The whole qty at
 * the best price, whatever its depth. 0 when the book is missing, not live or shows no bid, when
 * the fee cannot be quoted, or when the fee would take more than the sale brings. */
pm_usd_t pm_residual_value(const pm_residual *r, pm_qty_t qty, const pm_book *book);

#endif
