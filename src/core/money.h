/* money.h — fixed-point money and quantities. No floating point ever touches a price, size,
 * fee or PnL in pmarb (DESIGN.md §3).
 *
 *   pm_px_t   price in micro-dollars: 1 USD = 1,000,000; a binary contract's price is 0..1,000,000.
 *   pm_qty_t  quantity in millionths of a contract (6 decimals: Polymarket's token precision).
 *   pm_usd_t  an amount of money (notional, fee, balance, PnL) in micro-dollars; may be negative.
 *
 * Decimal strings are parsed straight into these integers; nothing is ever rounded silently:
 * a value with more decimals than allowed is rejected, and every rounding names its mode. */
#ifndef PM_CORE_MONEY_H
#define PM_CORE_MONEY_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

typedef int64_t pm_px_t;
typedef int64_t pm_qty_t;
typedef int64_t pm_usd_t;

#define PM_SCALE        1000000LL   /* fixed-point units per whole (dollar or contract) */
#define PM_SCALE_DIGITS 6
#define PM_PX_ONE       PM_SCALE    /* $1.00: a winning contract's payout */
#define PM_CENT         10000LL     /* $0.01 in micro-dollars */

typedef enum pm_round {
    PM_ROUND_FLOOR,     /* toward −∞ */
    PM_ROUND_CEIL,      /* toward +∞ */
    PM_ROUND_HALF_EVEN, /* to nearest; ties to the even multiple (banker's rounding) */
} pm_round;

/* Rules for one decimal field. A parse accepts: optional sign (only if allow_negative; '+'
 * never), digits, optional '.', digits — at least one digit overall (".5" and "5." are valid);
 * no spaces, exponents, "nan"/"inf", or more than max_decimals fraction digits (trailing
 * zeros beyond max_decimals are accepted: "0.560000000" is 0.56 exactly). The result, scaled
 * by 10^scale_digits, must lie in [min, max]. */
typedef struct pm_decimal_spec {
    int scale_digits;   /* fixed-point decimals of the result (6 for prices/quantities) */
    int max_decimals;   /* significant fraction digits the field may carry (≤ scale_digits) */
    int allow_negative; /* 1 to accept a leading '-' */
    int64_t min, max;   /* inclusive bounds on the scaled value */
    const char *what;   /* field name for error messages, e.g. "price" */
} pm_decimal_spec;

/* Parses s[0..len) by spec into *out. Returns 0, or -1 with the reason in err (which names
 * spec->what and quotes the offending text). */
int pm_decimal_parse(const char *s, size_t len, const pm_decimal_spec *spec, int64_t *out,
                     pm_err *err);

/* Common fields. `len` is the text length (strlen for C strings; token length for jsmn). */
int pm_px_parse(const char *s, size_t len, pm_px_t *out, pm_err *err);     /* "0.56" → 560000; 0..1, ≤6 decimals */
int pm_px_parse_cents(const char *s, size_t len, pm_px_t *out, pm_err *err); /* "56" → 560000; 0..100 cents, ≤4 decimals */
int pm_qty_parse(const char *s, size_t len, pm_qty_t *out, pm_err *err);   /* "12.50" → 12500000; ≥0, ≤6 decimals */
int pm_usd_parse(const char *s, size_t len, pm_usd_t *out, pm_err *err);   /* "-3.25" → -3250000; signed, ≤6 decimals */

/* Rounds v to a multiple of unit (> 0) by mode. Returns 0, or -1 on overflow / bad unit. */
int pm_round_to(int64_t v, int64_t unit, pm_round mode, int64_t *out, pm_err *err);

/* a × b / d rounded by mode, computed exactly in __int128. Returns -1 (with err) when d ≤ 0
 * or the result does not fit in int64. */
int pm_mul_div(int64_t a, int64_t b, int64_t d, pm_round mode, int64_t *out, pm_err *err);

/* Notional of qty contracts at price px: px × qty / 10^6, in micro-dollars, rounded by mode. */
int pm_notional(pm_px_t px, pm_qty_t qty, pm_round mode, pm_usd_t *out, pm_err *err);

/* Checked a + b, a − b. Return -1 on overflow. */
int pm_add(int64_t a, int64_t b, int64_t *out, pm_err *err);
int pm_sub(int64_t a, int64_t b, int64_t *out, pm_err *err);

/* Formats a scale-6 fixed-point value with exactly `decimals` fraction digits (0..6), rounding
 * by mode when digits are dropped: (560000, 4) → "0.5600"; (-1250000, 2) → "-1.25";
 * (5, 0, HALF_EVEN) → "0". Returns the text length, or -1 if buf (size n) is too small. */
int pm_fixed_format(int64_t v, int decimals, pm_round mode, char *buf, size_t n);

/* Formats with the fewest fraction digits that represent v exactly (at least min_decimals):
 * (560000, 2) → "0.56"; (1, 2) → "0.000001"; (3000000, 0) → "3". Returns length or -1. */
int pm_fixed_format_exact(int64_t v, int min_decimals, char *buf, size_t n);

#define PM_FIXED_BUF 32 /* large enough for any int64 value at any decimals */

#endif
