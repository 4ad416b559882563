/* kalshi_fee.h — Kalshi's trading fee for one fill, exactly (../shared/research/kalshi.md §5):
 *   fee = ceil_to_$0.0001( coef × fee_multiplier × C × P × (1 − P) )
 * coef 0.07 for takers; makers pay 0.07 × 0.25 (quadratic_with_maker_fees) or × 0.5
 * (quadratic_with_combo_maker_fees), nothing otherwise. What the member's balance then loses
 * is rounded to the cent (pm_kalshi_balance_charge). Integer arithmetic only. */
#ifndef PM_CORE_KALSHI_FEE_H
#define PM_CORE_KALSHI_FEE_H

#include "core/money.h"

typedef enum pm_kalshi_fee_type {
    PM_KFEE_QUADRATIC,                    /* takers only */
    PM_KFEE_QUADRATIC_WITH_MAKER_FEES,    /* makers pay a quarter */
    PM_KFEE_QUADRATIC_WITH_COMBO_MAKER,   /* makers pay half */
} pm_kalshi_fee_type;

/* "quadratic" | "quadratic_with_maker_fees" | "quadratic_with_combo_maker_fees" → 0, else -1
 * ("flat" has no published table and is refused). */
int pm_kalshi_fee_type_parse(const char *s, pm_kalshi_fee_type *out);

#define PM_KALSHI_FEE_MAX_COUNT (1000000000LL * PM_SCALE)  /* 10^9 contracts */
#define PM_KALSHI_FEE_MAX_MULTIPLIER (100 * PM_SCALE)       /* 100× */

/* Fee of one fill of count contracts at price (the traded price of the outcome; the formula
 * is symmetric in P and 1 − P), in micro-dollars rounded up to $0.0001. multiplier is scale 6
 * (1.0 = 1000000). -1 when count or multiplier exceed the bounds above. */
pm_usd_t pm_kalshi_fill_fee(pm_kalshi_fee_type type, int64_t multiplier, pm_qty_t count, pm_px_t price, int maker);

/* What a balance change of −amount costs a non-direct member: amount rounded up to the cent. */
pm_usd_t pm_kalshi_balance_charge(pm_usd_t amount);

#endif
