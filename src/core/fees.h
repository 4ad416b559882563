/* fees.h — one fee interface for every venue: what buying or selling C contracts at P costs
 * as taker or maker on a given market, in fixed point with the venue's own rounding.
 *
 *   Kalshi (../shared/research/kalshi.md §5): quadratic, quadratic_with_maker_fees,
 *     quadratic_with_combo_maker_fees with the series/event fee_multiplier, or flat (a fee per
 *     contract from [kalshi] flat_fee). Per fill: the trade fee rounded up to $0.0001
 *     (kalshi_fee.h), then the balance change rounded to the cent against the member (a buy
 *     is charged ceil_cent(notional + trade fee), a sell credited floor_cent(proceeds − trade
 *     fee)); the difference is the rounding fee, part of the fee reported here. The venue's
 *     per-order accumulator later rebates whole cents of rounding, so an order of many fills
 *     costs at most what its fills cost one by one: pm_fee_quote of each fill, summed, is the
 *     conservative per-order estimate the detector uses (one fill per book level walked).
 *   Polymarket (../shared/research/polymarket.md §7, poly_fee.h): takers pay
 *     C × rate × (p(1 − p))^exponent, makers nothing. A SELL pays it in pUSD out of its
 *     proceeds (rounded up to $0.00001); a BUY pays it in SHARES (rounded up to 0.000001
 *     share): it costs the full notional and delivers C − fee shares.
 *
 * Nothing here allocates or locks: the detector calls it on the hot path. */
#ifndef PM_CORE_FEES_H
#define PM_CORE_FEES_H

#include <stdint.h>

#include "core/kalshi_fee.h"
#include "core/market.h"
#include "core/money.h"
#include "util/err.h"

typedef enum pm_fee_kind {
    PM_FEE_UNKNOWN = 0,  /* schedule not known: never trade (every quote fails) */
    PM_FEE_NONE,         /* no fee at all (e.g. a Polymarket market with fees disabled) */
    PM_FEE_KALSHI,       /* quadratic family: kalshi_type, multiplier */
    PM_FEE_KALSHI_FLAT,  /* flat_per_contract per contract, takers and makers alike */
    PM_FEE_POLY,         /* Polymarket rate/exponent, takers only, buy fees in shares */
} pm_fee_kind;

typedef struct pm_fee_model {
    pm_fee_kind kind;
    pm_venue venue;                  /* whose rounding applies */
    pm_kalshi_fee_type kalshi_type;  /* PM_FEE_KALSHI */
    int64_t multiplier;              /* PM_FEE_KALSHI: fee_multiplier, scale 6 (1.0 = 1000000) */
    pm_usd_t flat_per_contract;      /* PM_FEE_KALSHI_FLAT: micro-dollars per whole contract */
    int64_t rate;                    /* PM_FEE_POLY: taker rate, scale 6 (0.04 = 40000) */
    int exponent;                    /* PM_FEE_POLY: 1 on current schedules */
} pm_fee_model;

/* Constructors. They validate nothing on the hot path; pm_fee_kalshi_parse validates text. */
pm_fee_model pm_fee_kalshi(pm_kalshi_fee_type type, int64_t multiplier);
pm_fee_model pm_fee_kalshi_flat(pm_usd_t per_contract);
pm_fee_model pm_fee_poly(int64_t rate, int exponent);  /* rate 0 → a fee-free Polymarket market */
pm_fee_model pm_fee_none(pm_venue venue);

/* From the pair cache's text: fee_type "quadratic" | "quadratic_with_maker_fees" |
 * "quadratic_with_combo_maker_fees" with multiplier (scale 6), or "flat" (charged flat_fee per
 * contract: [kalshi] flat_fee). Returns 0, or -1 with err for an empty or unknown type or an
 * unknown (negative) multiplier — 1.0 is never assumed; *out is then PM_FEE_UNKNOWN. */
int pm_fee_kalshi_parse(const char *fee_type, int64_t multiplier, pm_usd_t flat_fee, pm_fee_model *out, pm_err *err);

/* Polymarket pair-cache rate in basis points (0.04 → 400; -1 unknown) → model with exponent 1. */
pm_fee_model pm_fee_poly_bps(int64_t fee_rate_bps);

/* One fill (or one order treated as one fill) of count contracts at price. */
typedef struct pm_fee_quote {
    pm_usd_t notional;    /* price × count in micro-dollars (rounded up for a buy, down for a sell) */
    pm_usd_t fee;         /* micro-dollars: Kalshi trade + rounding fee; Polymarket SELL pUSD fee;
                             Polymarket BUY the fee shares valued at price, rounded up */
    pm_qty_t fee_shares;  /* Polymarket BUY: shares withheld as the fee; 0 otherwise */
    pm_qty_t delivered;   /* contracts held after the trade: count − fee_shares (buy), count (sell) */
    pm_usd_t cash;        /* balance change: −(money paid) for a buy, +(money received) for a sell */
    pm_px_t effective_px; /* per contract: buy: money paid / delivered, rounded up;
                             sell: money received / count, rounded down; 0 when count is 0 */
} pm_fee_quote;

/* Quotes one fill. Returns 0, or -1 with err when the model is UNKNOWN, price is outside
 * 0..1, count is negative or beyond the fee primitives' bounds, or a buy would deliver nothing. */
int pm_fee_quote_fill(const pm_fee_model *m, pm_side side, int maker, pm_px_t price, pm_qty_t count,
                      pm_fee_quote *out, pm_err *err);

/* Hot-path forms for buys (the detector's): no err, return -1 on the same failures. */
/* Money a taker BUY fill of count at price costs, fees included (Kalshi: ceil_cent(notional +
 * trade fee); Polymarket: the notional), and the contracts it delivers. */
int pm_fee_buy(const pm_fee_model *m, pm_px_t price, pm_qty_t count, pm_usd_t *cost, pm_usd_t *fee,
               pm_qty_t *delivered);

/* Marginal money per contract HELD of a taker buy at price, before any per-fill rounding,
 * rounded up to the micro-dollar: Kalshi p + coef·mult·p(1 − p) (flat: p + flat); Polymarket
 * p / (1 − fee shares per share). -1 for UNKNOWN or a price a buy cannot deliver at. This is
 * the "marginal cost of one more unit" the detector compares with $1 − min_edge. */
pm_px_t pm_fee_marginal_buy(const pm_fee_model *m, pm_px_t price);

/* 1 when a buy's fee is paid in shares (delivered < count): the leg must be grossed up. */
static inline int pm_fee_in_shares(const pm_fee_model *m) { return m->kind == PM_FEE_POLY && m->rate > 0; }

#endif
