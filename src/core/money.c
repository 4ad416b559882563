/* money.c — fixed-point decimal parsing, rounding, products and formatting (see money.h).
 * Integer arithmetic only; every overflow is detected and reported. */
#include "core/money.h"

#include <stdio.h>
#include <string.h>

/* Quotes at most 40 characters of the offending text in error messages. */
static int bad(pm_err *err, const pm_decimal_spec *spec, const char *s, size_t len, const char *why) {
    int shown = len > 40 ? 40 : (int)len;
    return pm_err_set(err, "%s: '%.*s'%s %s", spec->what, shown, s, len > 40 ? "..." : "", why);
}

static const int64_t pow10_tab[19] = {
    1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL, 100000000LL, 1000000000LL,
    10000000000LL, 100000000000LL, 1000000000000LL, 10000000000000LL, 100000000000000LL,
    1000000000000000LL, 10000000000000000LL, 100000000000000000LL, 1000000000000000000LL,
};

int pm_decimal_parse(const char *s, size_t len, const pm_decimal_spec *spec, int64_t *out, pm_err *err) {
    size_t i = 0;
    int neg = 0;
    if (len == 0) return bad(err, spec, s, len, "is empty");
    if (s[0] == '-') {
        if (!spec->allow_negative) return bad(err, spec, s, len, "must not be negative");
        neg = 1;
        i = 1;
    }
    int64_t whole = 0, frac = 0;
    int int_digits = 0, frac_digits = 0, seen_dot = 0;
    for (; i < len; i++) {
        char c = s[i];
        if (c == '.') {
            if (seen_dot) return bad(err, spec, s, len, "is not a decimal number");
            seen_dot = 1;
            continue;
        }
        if (c < '0' || c > '9') return bad(err, spec, s, len, "is not a decimal number");
        int d = c - '0';
        if (!seen_dot) {
            if (__builtin_mul_overflow(whole, 10, &whole) || __builtin_add_overflow(whole, d, &whole))
                return bad(err, spec, s, len, "is out of range");
            int_digits++;
        } else {
            frac_digits++;
            if (frac_digits > spec->max_decimals) {
                if (d != 0) {
                    char why[64];
                    snprintf(why, sizeof why, "has more than %d decimal places", spec->max_decimals);
                    return bad(err, spec, s, len, why);
                }
                continue;
            }
            frac = frac * 10 + d;
        }
    }
    if (int_digits == 0 && frac_digits == 0) return bad(err, spec, s, len, "is not a decimal number");
    int used = frac_digits < spec->max_decimals ? frac_digits : spec->max_decimals;
    int64_t scaled;
    if (__builtin_mul_overflow(whole, pow10_tab[spec->scale_digits], &scaled) ||
        __builtin_add_overflow(scaled, frac * pow10_tab[spec->scale_digits - used], &scaled))
        return bad(err, spec, s, len, "is out of range");
    if (neg) scaled = -scaled;
    if (scaled < spec->min || scaled > spec->max) return bad(err, spec, s, len, "is out of range");
    *out = scaled;
    return 0;
}

int pm_px_parse(const char *s, size_t len, pm_px_t *out, pm_err *err) {
    static const pm_decimal_spec spec = {6, 6, 0, 0, PM_PX_ONE, "price"};
    return pm_decimal_parse(s, len, &spec, out, err);
}

int pm_px_parse_cents(const char *s, size_t len, pm_px_t *out, pm_err *err) {
    static const pm_decimal_spec spec = {4, 4, 0, 0, 100 * 10000LL, "price in cents"};
    return pm_decimal_parse(s, len, &spec, out, err);
}

int pm_qty_parse(const char *s, size_t len, pm_qty_t *out, pm_err *err) {
    static const pm_decimal_spec spec = {6, 6, 0, 0, INT64_MAX, "quantity"};
    return pm_decimal_parse(s, len, &spec, out, err);
}

int pm_usd_parse(const char *s, size_t len, pm_usd_t *out, pm_err *err) {
    static const pm_decimal_spec spec = {6, 6, 1, -INT64_MAX, INT64_MAX, "amount"};
    return pm_decimal_parse(s, len, &spec, out, err);
}

/* Rounds the exact quotient n / d (d > 0) by mode. */
static __int128 div_round(__int128 n, __int128 d, pm_round mode) {
    __int128 q = n / d, r = n % d;
    if (r == 0) return q;
    if (r < 0) { /* C truncates toward zero: make q the floor */
        q -= 1;
        r += d;
    }
    switch (mode) {
    case PM_ROUND_FLOOR: return q;
    case PM_ROUND_CEIL: return q + 1;
    case PM_ROUND_HALF_EVEN:
    default:
        if (2 * r > d) return q + 1;
        if (2 * r < d) return q;
        return (q % 2 == 0) ? q : q + 1;
    }
}

static int fit(__int128 v, int64_t *out, pm_err *err) {
    if (v > INT64_MAX || v < INT64_MIN) return pm_err_set(err, "fixed-point overflow");
    *out = (int64_t)v;
    return 0;
}

int pm_round_to(int64_t v, int64_t unit, pm_round mode, int64_t *out, pm_err *err) {
    if (unit <= 0) return pm_err_set(err, "rounding unit must be positive");
    return fit(div_round(v, unit, mode) * unit, out, err);
}

int pm_mul_div(int64_t a, int64_t b, int64_t d, pm_round mode, int64_t *out, pm_err *err) {
    if (d <= 0) return pm_err_set(err, "divisor must be positive");
    return fit(div_round((__int128)a * b, d, mode), out, err);
}

int pm_notional(pm_px_t px, pm_qty_t qty, pm_round mode, pm_usd_t *out, pm_err *err) {
    return pm_mul_div(px, qty, PM_SCALE, mode, out, err);
}

int pm_add(int64_t a, int64_t b, int64_t *out, pm_err *err) {
    if (__builtin_add_overflow(a, b, out)) return pm_err_set(err, "fixed-point overflow");
    return 0;
}

int pm_sub(int64_t a, int64_t b, int64_t *out, pm_err *err) {
    if (__builtin_sub_overflow(a, b, out)) return pm_err_set(err, "fixed-point overflow");
    return 0;
}

/* Writes |v| (as an unsigned magnitude) with `decimals` of its 6 fraction digits. */
/* mag / 10^(6 − decimals) as a decimal with `decimals` places, digits written by hand (the
 * book hash formats every level of a book on the feed thread: snprintf was most of its cost). */
static int format_mag(int neg, uint64_t mag, int decimals, char *buf, size_t n) {
    uint64_t q = mag / (uint64_t)pow10_tab[PM_SCALE_DIGITS - decimals], scale = (uint64_t)pow10_tab[decimals];
    uint64_t whole = q / scale, frac = q % scale;
    char t[48];
    size_t at = sizeof t;
    for (int i = 0; i < decimals; i++, frac /= 10) t[--at] = (char)('0' + frac % 10);
    if (decimals > 0) t[--at] = '.';
    do t[--at] = (char)('0' + whole % 10);
    while (whole /= 10);
    if (neg && q) t[--at] = '-'; /* never "-0.00" */
    size_t len = sizeof t - at;
    if (len >= n) return -1;
    memcpy(buf, t + at, len);
    buf[len] = '\0';
    return (int)len;
}

int pm_fixed_format(int64_t v, int decimals, pm_round mode, char *buf, size_t n) {
    if (decimals < 0 || decimals > PM_SCALE_DIGITS) return -1;
    int64_t unit = pow10_tab[PM_SCALE_DIGITS - decimals];
    __int128 r = div_round(v, unit, mode) * unit; /* may exceed int64 by < unit (not uint64) */
    uint64_t mag = (uint64_t)(r < 0 ? -r : r);
    return format_mag(r < 0, mag, decimals, buf, n);
}

int pm_fixed_format_exact(int64_t v, int min_decimals, char *buf, size_t n) {
    if (min_decimals < 0 || min_decimals > PM_SCALE_DIGITS) return -1;
    uint64_t mag = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
    int decimals = PM_SCALE_DIGITS;
    while (decimals > min_decimals && mag % (uint64_t)pow10_tab[PM_SCALE_DIGITS - decimals + 1] == 0) decimals--;
    return format_mag(v < 0, mag, decimals, buf, n);
}
