/* poly_fee.c — Polymarket taker fees in integers (see poly_fee.h). The product
 * C × rate × (p(1 − p))^e needs up to ~230 bits, so it is held in 64-bit limbs and divided
 * exactly: successive floor divisions compose (⌊⌊x/a⌋/b⌋ = ⌊x/ab⌋), and a remainder seen at any
 * step makes the final result round up. */
#include "core/poly_fee.h"

#include <string.h>

#define LIMBS 5

typedef struct wide {
    uint64_t w[LIMBS]; /* little-endian */
} wide;

static void wide_mul(wide *x, uint64_t m) {
    unsigned __int128 carry = 0;
    for (int i = 0; i < LIMBS; i++) {
        unsigned __int128 v = (unsigned __int128)x->w[i] * m + carry;
        x->w[i] = (uint64_t)v;
        carry = v >> 64;
    }
}

/* x = ⌊x / d⌋; returns 1 when there was a remainder. */
static int wide_div(wide *x, uint64_t d) {
    unsigned __int128 rem = 0;
    for (int i = LIMBS - 1; i >= 0; i--) {
        unsigned __int128 cur = rem << 64 | x->w[i];
        x->w[i] = (uint64_t)(cur / d);
        rem = cur % d;
    }
    return rem != 0;
}

/* C × rate × (p(1 − p))^e, or -1 for inputs out of bounds, 0 when the fee is nil. */
static int product(pm_qty_t count, pm_px_t price, int64_t rate, int exponent, wide *x) {
    if (count > PM_POLY_FEE_MAX_COUNT || rate > PM_SCALE || rate < 0 || exponent < 0 ||
        exponent > PM_POLY_FEE_MAX_EXPONENT)
        return -1;
    if (count <= 0 || price <= 0 || price >= PM_PX_ONE || rate == 0) return 0;
    memset(x, 0, sizeof *x);
    x->w[0] = (uint64_t)count;
    wide_mul(x, (uint64_t)rate);
    for (int i = 0; i < exponent; i++) {
        wide_mul(x, (uint64_t)price);
        wide_mul(x, (uint64_t)(PM_PX_ONE - price));
    }
    return 1;
}

/* ⌈x / 10^digits⌉ as int64 (the result always fits: it is at most C × rate). */
static int64_t div_pow10_ceil(wide *x, int digits, int sticky) {
    while (digits > 0) {
        int step = digits > 18 ? 18 : digits;
        uint64_t d = 1;
        for (int i = 0; i < step; i++) d *= 10;
        sticky |= wide_div(x, d);
        digits -= step;
    }
    return (int64_t)x->w[0] + sticky;
}

pm_usd_t pm_poly_fee_usd(pm_qty_t count, pm_px_t price, int64_t rate, int exponent) {
    wide x;
    int r = product(count, price, rate, exponent, &x);
    if (r <= 0) return r;
    /* dollars = x / 10^(12 + 12e); units of $0.00001 = x / 10^(7 + 12e) */
    return div_pow10_ceil(&x, 7 + 12 * exponent, 0) * PM_POLY_FEE_UNIT;
}

pm_qty_t pm_poly_fee_shares(pm_qty_t count, pm_px_t price, int64_t rate, int exponent) {
    wide x;
    int r = product(count, price, rate, exponent, &x);
    if (r <= 0) return r;
    /* millionths of a share = x / (10^(12e) × p) */
    int sticky = wide_div(&x, (uint64_t)price);
    return div_pow10_ceil(&x, 12 * exponent, sticky);
}
