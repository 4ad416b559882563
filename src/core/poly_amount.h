/* poly_amount.h — what a Polymarket market buy (FOK/FAK) is signed for, in integers: one rule
 * shared by the detector and the hedge (which size the order), and the order builder (which
 * signs it), so that the quantity pmarb plans, reserves, records and signs is one number.
 *
 * A market BUY is sized in collateral: it gives a whole number of cents (makerAmount, the
 * venue takes at most 2 decimals) and names the least shares it takes (takerAmount, at most 4
 * decimals); its implied price makerAmount / takerAmount is its limit. So a buy of q shares at
 * price p is signed exactly for q only when p × q is a whole number of cents: 10.37 shares at
 * 0.53 is $5.4961, which truncated to $5.49 signs for 10.3584 shares, and rounded up to $5.50
 * for 10.3773. pm_poly_buy_size picks the least amount whose shares cover what is wanted, and
 * those shares are the order's size. */
#ifndef PM_CORE_POLY_AMOUNT_H
#define PM_CORE_POLY_AMOUNT_H

#include "core/money.h"

/* Price decimals of a tick size (micro-dollars): 0.1 → 1, 0.01 → 2, 0.005 → 3, 0.0025 → 4,
 * 0.001 → 3, 0.0001 → 4; -1 for a tick Polymarket does not use. */
int pm_poly_price_decimals(pm_px_t tick);
/* The price step of a tick's decimals, 10^-dp dollars in micro-dollars (0.005 → 1000); -1 for
 * a tick Polymarket does not use. */
int64_t pm_poly_price_unit(pm_px_t tick);

/* Shares (millionths) a market BUY giving `amount` micro-dollars (a whole number of cents) at
 * price px (micro-dollars, on a grid of price_dp decimals) is signed for, as the official V2
 * client computes them: amount / px rounded up to price_dp + 6 decimals, then down to
 * price_dp + 2; beyond 4 decimals (ticks 0.005, 0.0025, 0.001, 0.0001) cut down to 4, which
 * the venue requires (*trimmed = 1, may be NULL). -1 when amount or px is not positive or the
 * result does not fit. */
pm_qty_t pm_poly_buy_shares(pm_usd_t amount, pm_px_t px, int price_dp, int *trimmed);

/* The least whole-cent amount at price px (tick: the market's, ≤ 0 → 0.01) whose signed shares
 * are at least `want` and whose implied price is not below px (a buy priced below px never
 * trades at px): the amount into *amount, its shares into *shares. `*shares` signs for itself
 * again: pm_poly_buy_size(px, tick, *shares) gives the same amount and shares. -1 for an
 * unknown tick, a price outside (0, 1), a non-positive want, or an overflow. */
int pm_poly_buy_size(pm_px_t px, pm_px_t tick, pm_qty_t want, pm_usd_t *amount, pm_qty_t *shares);

#endif
