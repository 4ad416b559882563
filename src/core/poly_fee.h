/* poly_fee.h — Polymarket's taker fee for one fill, in integers (../shared/research/polymarket.md §7):
 *   fee = C × rate × (p × (1 − p))^exponent
 * C shares filled at price p; makers pay nothing. Signed orders carry no fee: the operator
 * applies it at match time. Rounding (DESIGN.md §3: fees round up to the venue's unit):
 *   - in pUSD (what a SELL pays, out of its proceeds): up to $0.00001, the venue's 5-decimal
 *     fee unit (PM_POLY_FEE_UNIT);
 *   - in shares (what a BUY pays: Polymarket takes buy fees from the tokens received):
 *     fee / p, up to 0.000001 share, the conditional token's unit.
 * Each is computed exactly from the inputs (no intermediate rounding). */
#ifndef PM_CORE_POLY_FEE_H
#define PM_CORE_POLY_FEE_H

#include "core/money.h"

#define PM_POLY_FEE_UNIT 10LL                       /* $0.00001 in micro-dollars */
#define PM_POLY_FEE_MAX_COUNT (1000000000LL * PM_SCALE) /* 10^9 shares */
#define PM_POLY_FEE_MAX_EXPONENT 4

/* Fee in micro-dollars (a multiple of PM_POLY_FEE_UNIT, rounded up) of count shares (millionths)
 * at price (micro-dollars, 0 < price < 1) with rate (scale 6: 0.03 = 30000) and exponent.
 * 0 for no count, a price at 0 or 1, or a zero rate; -1 when count, rate (> 1) or exponent are
 * beyond the bounds above. */
pm_usd_t pm_poly_fee_usd(pm_qty_t count, pm_px_t price, int64_t rate, int exponent);

/* The same fee expressed in shares (millionths), rounded up: fee / price. */
pm_qty_t pm_poly_fee_shares(pm_qty_t count, pm_px_t price, int64_t rate, int exponent);

#endif
