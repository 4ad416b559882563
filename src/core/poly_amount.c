/* poly_amount.c — Polymarket market-buy amounts (see poly_amount.h). */
#include "core/poly_amount.h"

int pm_poly_price_decimals(pm_px_t tick) {
    switch (tick) {
    case 100000: return 1;
    case 10000: return 2;
    case 5000: return 3;
    case 2500: return 4;
    case 1000: return 3;
    case 100: return 4;
    default: return -1;
    }
}

static int64_t pow10i(int n) {
    int64_t v = 1;
    while (n-- > 0) v *= 10;
    return v;
}

int64_t pm_poly_price_unit(pm_px_t tick) {
    int dp = pm_poly_price_decimals(tick);
    return dp < 0 ? -1 : pow10i(PM_SCALE_DIGITS - dp);
}

pm_qty_t pm_poly_buy_shares(pm_usd_t amount, pm_px_t px, int price_dp, int *trimmed) {
    if (trimmed) *trimmed = 0;
    if (amount <= 0 || px <= 0 || price_dp < 0 || price_dp > 4) return -1;
    int n = price_dp + 2;
    __int128 fine = ((__int128)amount * pow10i(n + 4) + px - 1) / px; /* ceil, in 10^-(n+4) shares */
    __int128 coarse = fine / 10000;                                  /* floor, in 10^-n */
    if (coarse > INT64_MAX / pow10i(PM_SCALE_DIGITS - n)) return -1;
    int64_t shares = (int64_t)coarse * pow10i(PM_SCALE_DIGITS - n); /* in 10^-6 */
    if (shares % 100) {                                              /* more than 4 decimals */
        shares -= shares % 100;
        if (trimmed) *trimmed = 1;
    }
    return shares;
}

/* Tries this many cents above the first candidate: the client's rounding up by one unit at
 * price_dp + 2 decimals (which lowers the implied price below px) is undone by the next cent. */
#define BUY_SIZE_TRIES 4

int pm_poly_buy_size(pm_px_t px, pm_px_t tick, pm_qty_t want, pm_usd_t *amount, pm_qty_t *shares) {
    int dp = pm_poly_price_decimals(tick > 0 ? tick : PM_CENT);
    if (dp < 0 || px <= 0 || px >= PM_PX_ONE || want <= 0) return -1;
    pm_usd_t a;
    if (pm_notional(px, want, PM_ROUND_CEIL, &a, NULL)) return -1;
    a = (a + PM_CENT - 1) / PM_CENT * PM_CENT;
    for (int i = 0; i < BUY_SIZE_TRIES; i++, a += PM_CENT) {
        pm_qty_t s = pm_poly_buy_shares(a, px, dp, NULL);
        if (s < 0) return -1;
        if (s >= want && (__int128)s * px <= (__int128)a * PM_SCALE) {
            *amount = a;
            *shares = s;
            return 0;
        }
    }
    return -1;
}
