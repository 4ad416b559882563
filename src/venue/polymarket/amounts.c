/* amounts.c — Polymarket order amounts (see amounts.h). */
#include "venue/polymarket/amounts.h"

#include "core/poly_amount.h"

/* The price unit of a tick (10^-dp dollars in micro-dollars), or -1 with err. */
static int64_t price_unit(pm_px_t tick, pm_err *err) {
    int64_t unit = pm_poly_price_unit(tick);
    if (unit < 0) return pm_err_set(err, "tick size %lld micro-dollars is not one Polymarket uses", (long long)tick);
    return unit;
}

int poly_limit_amounts(pm_side side, pm_px_t price, pm_qty_t size, pm_px_t tick, poly_amounts *out, pm_err *err) {
    int64_t unit = price_unit(tick, err);
    if (unit < 0) return -1;
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
    out->taker_trimmed = 0;
    return 0;
}

int poly_market_amounts(pm_side side, pm_px_t price, int64_t size_or_amount, pm_px_t tick, poly_amounts *out,
                        pm_err *err) {
    int64_t unit = price_unit(tick, err);
    if (unit < 0) return -1;
    pm_px_t px = price / unit * unit; /* truncated, like the client's roundDown */
    if (px < tick || px > PM_PX_ONE - tick) return pm_err_set(err, "price must be within tick..1 − tick");
    int64_t maker = size_or_amount / PM_CENT * PM_CENT; /* truncate to 2 decimals */
    if (maker <= 0)
        return pm_err_set(err, "%s truncates to zero at 2 decimals", side == PM_SIDE_BUY ? "amount" : "size");
    out->price = px;
    out->size = maker;
    out->maker_amount = maker;
    out->taker_trimmed = 0;
    if (side == PM_SIDE_SELL)
        return pm_mul_div(maker, px, PM_SCALE, PM_ROUND_FLOOR, &out->taker_amount, err); /* exact: ≤ 6 decimals */
    int64_t taker = pm_poly_buy_shares(maker, px, pm_poly_price_decimals(tick), &out->taker_trimmed);
    if (taker < 0) return pm_err_set(err, "amount is too large");
    out->taker_amount = taker;
    return 0;
}
