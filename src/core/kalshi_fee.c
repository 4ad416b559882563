/* kalshi_fee.c — Kalshi fill fees in integers (see kalshi_fee.h). */
#include "core/kalshi_fee.h"

#include <string.h>

int pm_kalshi_fee_type_parse(const char *s, pm_kalshi_fee_type *out) {
    static const char *const names[] = {"quadratic", "quadratic_with_maker_fees", "quadratic_with_combo_maker_fees"};
    for (int i = 0; i < 3; i++) {
        if (s && !strcmp(s, names[i])) {
            *out = (pm_kalshi_fee_type)i;
            return 0;
        }
    }
    return -1;
}

pm_usd_t pm_kalshi_fill_fee(pm_kalshi_fee_type type, int64_t multiplier, pm_qty_t count, pm_px_t price, int maker) {
    /* coef as a fraction: 7/100 for takers, times 1/4 or 1/2 for makers */
    uint64_t num = 7, den = 100;
    if (maker) {
        if (type == PM_KFEE_QUADRATIC) return 0;
        den *= type == PM_KFEE_QUADRATIC_WITH_MAKER_FEES ? 4 : 2;
    }
    if (count <= 0 || price <= 0 || price >= PM_PX_ONE || multiplier <= 0) return 0;
    if (count > PM_KALSHI_FEE_MAX_COUNT || multiplier > PM_KALSHI_FEE_MAX_MULTIPLIER) return -1;
    /* micro-dollars = num·mult·C·P·(1−P) / (den·10^18), all inputs scale 6; the bounds keep
     * the product under 2^127 */
    unsigned __int128 n = (unsigned __int128)(num * (uint64_t)multiplier) * (uint64_t)count *
                          ((uint64_t)price * (uint64_t)(PM_PX_ONE - price));
    unsigned __int128 d = (unsigned __int128)den * 1000000000000000000ULL * 100u; /* in units of $0.0001 */
    return (pm_usd_t)((n + d - 1) / d) * 100;
}

pm_usd_t pm_kalshi_balance_charge(pm_usd_t amount) {
    if (amount <= 0) return 0;
    return (amount + PM_CENT - 1) / PM_CENT * PM_CENT;
}
