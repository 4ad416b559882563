/* fees.c — the venue fee models behind one interface (see fees.h). */
#include "core/fees.h"

#include <string.h>

#include "core/poly_fee.h"

#define KALSHI_FEE_UNIT 100LL /* $0.0001: Kalshi's trade-fee rounding unit */

pm_fee_model pm_fee_kalshi(pm_kalshi_fee_type type, int64_t multiplier) {
    return (pm_fee_model){.kind = PM_FEE_KALSHI, .venue = PM_VENUE_KALSHI, .kalshi_type = type, .multiplier = multiplier};
}

pm_fee_model pm_fee_kalshi_flat(pm_usd_t per_contract) {
    return (pm_fee_model){.kind = PM_FEE_KALSHI_FLAT, .venue = PM_VENUE_KALSHI, .flat_per_contract = per_contract};
}

pm_fee_model pm_fee_poly(int64_t rate, int exponent) {
    return (pm_fee_model){.kind = PM_FEE_POLY, .venue = PM_VENUE_POLYMARKET, .rate = rate, .exponent = exponent};
}

pm_fee_model pm_fee_none(pm_venue venue) { return (pm_fee_model){.kind = PM_FEE_NONE, .venue = venue}; }

int pm_fee_kalshi_parse(const char *fee_type, int64_t multiplier, pm_usd_t flat_fee, pm_fee_model *out, pm_err *err) {
    *out = (pm_fee_model){.kind = PM_FEE_UNKNOWN, .venue = PM_VENUE_KALSHI};
    if (fee_type && !strcmp(fee_type, "flat")) {
        if (flat_fee < 0) return pm_err_set(err, "Kalshi flat fee per contract is not configured");
        *out = pm_fee_kalshi_flat(flat_fee);
        return 0;
    }
    pm_kalshi_fee_type t;
    if (pm_kalshi_fee_type_parse(fee_type, &t))
        return pm_err_set(err, "unknown Kalshi fee type \"%s\"", fee_type ? fee_type : "");
    if (multiplier < 0 || multiplier > PM_KALSHI_FEE_MAX_MULTIPLIER)
        return pm_err_set(err, "Kalshi fee multiplier unknown or out of range (%lld millionths)", (long long)multiplier);
    *out = pm_fee_kalshi(t, multiplier);
    return 0;
}

pm_fee_model pm_fee_poly_bps(int64_t fee_rate_bps) {
    if (fee_rate_bps < 0 || fee_rate_bps > 10000) return (pm_fee_model){.kind = PM_FEE_UNKNOWN, .venue = PM_VENUE_POLYMARKET};
    return pm_fee_poly(fee_rate_bps * 100, 1);
}

/* ⌈a·b / d⌉ and ⌊a·b / d⌋ for non-negative a, b and d > 0; -1 when the result exceeds int64. */
static int64_t mul_div_ceil(int64_t a, int64_t b, int64_t d) {
    uint64_t n64; /* most products fit in 64 bits, where division is far cheaper */
    if (!__builtin_mul_overflow((uint64_t)a, (uint64_t)b, &n64) && n64 <= UINT64_MAX - (uint64_t)d) {
        uint64_t q64 = (n64 + (uint64_t)d - 1) / (uint64_t)d;
        return q64 > INT64_MAX ? -1 : (int64_t)q64;
    }
    unsigned __int128 n = (unsigned __int128)(uint64_t)a * (uint64_t)b;
    unsigned __int128 q = (n + (uint64_t)d - 1) / (uint64_t)d;
    return q > INT64_MAX ? -1 : (int64_t)q;
}

static int64_t mul_div_floor(int64_t a, int64_t b, int64_t d) {
    uint64_t n64;
    if (!__builtin_mul_overflow((uint64_t)a, (uint64_t)b, &n64)) {
        uint64_t q64 = n64 / (uint64_t)d;
        return q64 > INT64_MAX ? -1 : (int64_t)q64;
    }
    unsigned __int128 q = (unsigned __int128)(uint64_t)a * (uint64_t)b / (uint64_t)d;
    return q > INT64_MAX ? -1 : (int64_t)q;
}

/* Floor of v to a multiple of unit, toward −∞ (v may be negative). */
static int64_t floor_unit(int64_t v, int64_t unit) {
    int64_t q = v / unit;
    if (v % unit && v < 0) q--;
    return q * unit;
}

/* Kalshi trade fee of one fill, rounded up to $0.0001 (before the balance's cent rounding). */
static pm_usd_t kalshi_trade_fee(const pm_fee_model *m, int maker, pm_px_t price, pm_qty_t count) {
    if (m->kind == PM_FEE_KALSHI) return pm_kalshi_fill_fee(m->kalshi_type, m->multiplier, count, price, maker);
    if (count > PM_KALSHI_FEE_MAX_COUNT || m->flat_per_contract < 0) return -1;
    int64_t raw = mul_div_ceil(m->flat_per_contract, count, PM_SCALE);
    if (raw < 0 || raw > INT64_MAX - KALSHI_FEE_UNIT) return -1;
    return (raw + KALSHI_FEE_UNIT - 1) / KALSHI_FEE_UNIT * KALSHI_FEE_UNIT;
}

/* Polymarket's buy fee in shares. For exponent 1 the fee in shares is C × rate × (1 − p)
 * exactly (the price divides out), so it is computed in one 128-bit step instead of
 * poly_fee.h's general wide arithmetic; the result is identical (test_fees checks both). */
static pm_qty_t poly_fee_shares(const pm_fee_model *m, pm_qty_t count, pm_px_t price) {
    if (m->exponent != 1) return pm_poly_fee_shares(count, price, m->rate, m->exponent);
    if (count > PM_POLY_FEE_MAX_COUNT || m->rate > PM_SCALE || m->rate < 0) return -1;
    if (count <= 0 || price <= 0 || price >= PM_PX_ONE || m->rate == 0) return 0;
    uint64_t n64;
    if ((uint64_t)count <= UINT64_MAX / PM_SCALE &&
        !__builtin_mul_overflow((uint64_t)count * (uint64_t)(PM_PX_ONE - price), (uint64_t)m->rate, &n64) &&
        n64 <= UINT64_MAX - 999999999999ULL)
        return (pm_qty_t)((n64 + 999999999999ULL) / 1000000000000ULL);
    unsigned __int128 n = (unsigned __int128)(uint64_t)count * (uint64_t)(PM_PX_ONE - price) * (uint64_t)m->rate;
    return (pm_qty_t)((n + 999999999999ULL) / 1000000000000ULL);
}

/* The fill, or -1. */
static int quote(const pm_fee_model *m, pm_side side, int maker, pm_px_t price, pm_qty_t count, pm_fee_quote *q) {
    memset(q, 0, sizeof *q);
    if (m->kind == PM_FEE_UNKNOWN || price < 0 || price > PM_PX_ONE || count < 0) return -1;
    int buy = side == PM_SIDE_BUY;
    q->notional = buy ? mul_div_ceil(price, count, PM_SCALE) : mul_div_floor(price, count, PM_SCALE);
    if (q->notional < 0) return -1;
    q->delivered = count;
    pm_usd_t money; /* paid (buy) or received (sell) */
    switch (m->kind) {
    case PM_FEE_KALSHI:
    case PM_FEE_KALSHI_FLAT: {
        pm_usd_t trade = kalshi_trade_fee(m, maker, price, count);
        if (trade < 0 || q->notional > INT64_MAX - trade - PM_CENT) return -1;
        if (buy) {
            money = pm_kalshi_balance_charge(q->notional + trade);
            q->fee = money - q->notional;
        } else {
            money = floor_unit(q->notional - trade, PM_CENT);
            q->fee = q->notional - money;
        }
        break;
    }
    case PM_FEE_POLY: {
        if (maker || m->rate == 0) {
            money = q->notional;
            break;
        }
        if (buy) {
            q->fee_shares = poly_fee_shares(m, count, price);
            if (q->fee_shares < 0) return -1;
            q->delivered = count - q->fee_shares;
            q->fee = mul_div_ceil(q->fee_shares, price, PM_SCALE);
            money = q->notional;
        } else {
            q->fee = pm_poly_fee_usd(count, price, m->rate, m->exponent);
            if (q->fee < 0) return -1;
            money = q->notional - q->fee;
        }
        break;
    }
    default:
        money = q->notional;
        break;
    }
    q->cash = buy ? -money : money;
    if (count == 0) return 0;
    if (buy) {
        if (q->delivered <= 0) return -1;
        q->effective_px = mul_div_ceil(money, PM_SCALE, q->delivered);
    } else {
        q->effective_px = money < 0 ? -mul_div_ceil(-money, PM_SCALE, count) : mul_div_floor(money, PM_SCALE, count);
    }
    return q->effective_px < 0 && buy ? -1 : 0;
}

int pm_fee_quote_fill(const pm_fee_model *m, pm_side side, int maker, pm_px_t price, pm_qty_t count,
                      pm_fee_quote *out, pm_err *err) {
    if (m->kind == PM_FEE_UNKNOWN) return pm_err_set(err, "the market's fee schedule is unknown");
    if (price < 0 || price > PM_PX_ONE) return pm_err_set(err, "price must lie in 0..1");
    if (count < 0) return pm_err_set(err, "count must not be negative");
    if (quote(m, side, maker, price, count, out))
        return pm_err_set(err, "count or fee parameters beyond the fee model's bounds, or a buy that delivers nothing");
    return 0;
}

int pm_fee_buy(const pm_fee_model *m, pm_px_t price, pm_qty_t count, pm_usd_t *cost, pm_usd_t *fee,
               pm_qty_t *delivered) {
    pm_fee_quote q;
    if (quote(m, PM_SIDE_BUY, 0, price, count, &q)) return -1;
    *cost = -q.cash;
    *fee = q.fee;
    *delivered = q.delivered;
    return 0;
}

pm_px_t pm_fee_marginal_buy(const pm_fee_model *m, pm_px_t p) {
    if (p < 0 || p > PM_PX_ONE) return -1;
    switch (m->kind) {
    case PM_FEE_UNKNOWN:
        return -1;
    case PM_FEE_NONE:
        return p;
    case PM_FEE_KALSHI: {
        if (m->multiplier < 0 || m->multiplier > PM_KALSHI_FEE_MAX_MULTIPLIER) return -1;
        /* 0.07 · mult · p(1 − p): 7·mult·p·(1−p) / (100 · 10^12) micro-dollars */
        unsigned __int128 n = (unsigned __int128)(7 * (uint64_t)m->multiplier) * ((uint64_t)p * (uint64_t)(PM_PX_ONE - p));
        unsigned __int128 d = (unsigned __int128)100 * 1000000000000ULL;
        return p + (pm_px_t)((n + d - 1) / d);
    }
    case PM_FEE_KALSHI_FLAT:
        return m->flat_per_contract < 0 ? -1 : p + m->flat_per_contract;
    case PM_FEE_POLY: {
        if (m->rate < 0 || m->rate > PM_SCALE) return -1;
        if (m->rate == 0 || p == 0) return p;
        int64_t held; /* millionths of a share held per share bought, at 10^12 scale for e = 1 */
        if (m->exponent == 1) {
            /* fee shares per share = rate × (1 − p): held = 10^12 − rate·(10^6 − p) */
            held = 1000000000000LL - m->rate * (PM_PX_ONE - p);
            if (held <= 0) return -1;
            return mul_div_ceil(p, 1000000000000LL, held);
        }
        pm_qty_t fs = pm_poly_fee_shares(1000 * PM_SCALE, p, m->rate, m->exponent);
        if (fs < 0) return -1;
        held = 1000 * PM_SCALE - fs;
        if (held <= 0) return -1;
        return mul_div_ceil(p, 1000 * PM_SCALE, held);
    }
    }
    return -1;
}
