/* amounts.c — Polymarket limit-order amounts (see amounts.h). */
#include "venue/polymarket/amounts.h"

int poly_tick_price_decimals(pm_px_t tick) {
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

int poly_limit_amounts(pm_side side, pm_px_t price, pm_qty_t size, pm_px_t tick, poly_amounts *out, pm_err *err) {
    int dp = poly_tick_price_decimals(tick);
    if (dp < 0) return pm_err_set(err, "tick size %lld micro-dollars is not one Polymarket uses", (long long)tick);
    int64_t unit = 1;
    for (int i = dp; i < PM_SCALE_DIGITS; i++) unit *= 10;
    pm_px_t px = (price + unit / 2) / unit * unit; /* half-up, like the client's roundNormal */
    if (px < tick || px > PM_PX_ONE - tick) return pm_err_set(err, "price must be within tick..1 − tick");
    pm_qty_t sz = size / PM_CENT * PM_CENT; /* truncate to 2 decimals */
    if (sz <= 0) return pm_err_set(err, "size truncates to zero at 2 decimals");
    int64_t notional;
    if (pm_mul_div(sz, px, PM_SCALE, PM_ROUND_FLOOR, &notional, err)) return -1; /* exact: ≤ 6 decimals */
    out->price = px;
    out->size = sz;
    out->maker_amount = side == PM_SIDE_BUY ? notional : sz;
    out->taker_amount = side == PM_SIDE_BUY ? sz : notional;
    return 0;
}
