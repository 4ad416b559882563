/* amounts.h — maker and taker amounts of a Polymarket order, in 6-decimal base units, exactly
 * as the official V2 client computes them, in integers.
 *
 * Limit orders (GTC/GTD; the client's getOrderRawAmounts): price rounded half-up to the tick's
 * price decimals, size truncated to 2 decimals; BUY gives size × price of collateral for size
 * shares, SELL the reverse. With size ≤ 2 and price ≤ 4 decimals the product is exact.
 *
 * Market orders (FOK/FAK; getMarketOrderRawAmounts): price truncated to the tick's price
 * decimals. BUY is sized in collateral: maker = amount truncated to 2 decimals, taker =
 * maker / price rounded up to (amount decimals + 4) and then down to the amount decimals
 * (amount decimals = price decimals + 2): core/poly_amount.h, shared with the sizing. SELL is sized in shares: maker = shares truncated to
 * 2 decimals, taker = maker × price (exact). One deliberate deviation: the venue accepts at most
 * 4 decimals of taker on a market BUY, which the client exceeds on the 0.005 / 0.0025 / 0.001 /
 * 0.0001 ticks (py-clob-client-v2 issue #99); there pmarb truncates the client's taker amount
 * to 4 decimals (rounding down keeps the implied price at or above the limit's). */
#ifndef PM_VENUE_POLYMARKET_AMOUNTS_H
#define PM_VENUE_POLYMARKET_AMOUNTS_H

#include <stdint.h>

#include "core/market.h"
#include "core/money.h"
#include "util/err.h"

typedef struct poly_amounts {
    pm_px_t price;         /* the price actually signed (rounded or truncated) */
    pm_qty_t size;         /* limit and market SELL: shares signed; market BUY: collateral signed */
    int64_t maker_amount;  /* base units (10^-6) of what the order gives */
    int64_t taker_amount;  /* base units of what it gets */
    int taker_trimmed;     /* 1 when a market BUY's taker was cut to 4 decimals (the deviation above) */
} poly_amounts;

/* -1 (with err) for an unknown tick, a rounded price outside tick..1 − tick, or a size that
 * truncates to zero. */
int poly_limit_amounts(pm_side side, pm_px_t price, pm_qty_t size, pm_px_t tick, poly_amounts *out, pm_err *err);

/* size_or_amount: BUY collateral (micro-dollars), SELL shares (millionths). -1 (with err) for an
 * unknown tick, a truncated price outside tick..1 − tick, or a size or amount below 0.01. */
int poly_market_amounts(pm_side side, pm_px_t price, int64_t size_or_amount, pm_px_t tick, poly_amounts *out,
                        pm_err *err);

#endif
