/* amounts.h — maker and taker amounts of a Polymarket limit order (GTC/GTD), exactly as the
 * official V2 client computes them (getOrderRawAmounts): price rounded half-up to the tick's
 * price decimals, size truncated to 2 decimals; BUY gives size × price of collateral for size
 * shares, SELL the reverse; both in 6-decimal base units. With size ≤ 2 and price ≤ 4
 * decimals the product is always exact, so no float-noise guard is needed. */
#ifndef PM_VENUE_POLYMARKET_AMOUNTS_H
#define PM_VENUE_POLYMARKET_AMOUNTS_H

#include <stdint.h>

#include "core/market.h"
#include "core/money.h"
#include "util/err.h"

/* Price decimals of a tick size (micro-dollars): 0.1 → 1, 0.01 → 2, 0.005 → 3, 0.0025 → 4,
 * 0.001 → 3, 0.0001 → 4; -1 for a tick Polymarket does not use. */
int poly_tick_price_decimals(pm_px_t tick);

typedef struct poly_amounts {
    pm_px_t price;         /* the price actually signed (rounded) */
    pm_qty_t size;         /* the size actually signed (truncated) */
    int64_t maker_amount;  /* base units (10^-6) of what the order gives */
    int64_t taker_amount;  /* base units of what it gets */
} poly_amounts;

/* -1 (with err) for an unknown tick, a rounded price outside tick..1 − tick, or a size that
 * truncates to zero. */
int poly_limit_amounts(pm_side side, pm_px_t price, pm_qty_t size, pm_px_t tick, poly_amounts *out, pm_err *err);

#endif
