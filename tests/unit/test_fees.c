/* test_fees.c — the fee interface (core/fees.h): every row of the Kalshi fact sheet's table
 * through pm_fee_quote_fill, Kalshi's cent rounding of buys and sells (sub-penny prices, flat
 * fees, combo makers), Polymarket buys paying in shares and sells in pUSD, the marginal
 * per-contract costs the detector compares, text parsing of fee schedules, and the
 * `pmarb fees` command's text and JSON. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/fees.h"
#include "core/poly_fee.h"
#include "testutil.h"

#define C(n) ((pm_qty_t)(n) * PM_SCALE)

/* P (cents) | taker C=1,10,100 | maker C=1,10,100 | 0.5× taker C=1,10,100 — in cents
 * (../shared/research/kalshi.md §5, "Fee test vectors") */
static const int table[][10] = {
    {1, 1, 1, 7, 1, 1, 2, 1, 1, 4},        {5, 1, 4, 34, 1, 1, 9, 1, 2, 17},
    {10, 1, 7, 63, 1, 2, 16, 1, 4, 32},    {25, 2, 14, 132, 1, 4, 33, 1, 7, 66},
    {33, 2, 16, 155, 1, 4, 39, 1, 8, 78},  {50, 2, 18, 175, 1, 5, 44, 1, 9, 88},
    {75, 2, 14, 132, 1, 4, 33, 1, 7, 66},  {90, 1, 7, 63, 1, 2, 16, 1, 4, 32},
    {99, 1, 1, 7, 1, 1, 2, 1, 1, 4},
};

static pm_fee_quote quote(pm_fee_model m, pm_side side, int maker, pm_px_t px, pm_qty_t n) {
    pm_fee_quote q;
    pm_err err;
    if (pm_fee_quote_fill(&m, side, maker, px, n, &q, &err)) fail_msg("quote failed: %s", err.msg);
    return q;
}

static void test_kalshi_table(void **state) {
    (void)state;
    const int counts[3] = {1, 10, 100};
    pm_fee_model taker = pm_fee_kalshi(PM_KFEE_QUADRATIC, PM_SCALE);
    pm_fee_model maker = pm_fee_kalshi(PM_KFEE_QUADRATIC_WITH_MAKER_FEES, PM_SCALE);
    pm_fee_model half = pm_fee_kalshi(PM_KFEE_QUADRATIC, PM_SCALE / 2);
    int rows = 0;
    for (size_t r = 0; r < sizeof table / sizeof table[0]; r++) {
        pm_px_t p = table[r][0] * PM_CENT;
        for (int c = 0; c < 3; c++) {
            pm_qty_t n = C(counts[c]);
            pm_fee_quote t = quote(taker, PM_SIDE_BUY, 0, p, n), m = quote(maker, PM_SIDE_BUY, 1, p, n),
                         h = quote(half, PM_SIDE_BUY, 0, p, n);
            if (t.fee != table[r][1 + c] * PM_CENT || m.fee != table[r][4 + c] * PM_CENT || h.fee != table[r][7 + c] * PM_CENT)
                fail_msg("P=%d C=%d: got %lld/%lld/%lld", table[r][0], counts[c], (long long)t.fee, (long long)m.fee,
                         (long long)h.fee);
            /* whole cents, whole contracts: the money paid is notional + fee, exactly */
            assert_int_equal(t.notional, table[r][0] * PM_CENT * counts[c]);
            assert_int_equal(-t.cash, t.notional + t.fee);
            assert_int_equal(t.delivered, n);
            assert_int_equal(t.fee_shares, 0);
        }
        rows++;
    }
    assert_int_equal(rows, 9);
}

static void test_kalshi_rounding(void **state) {
    (void)state;
    pm_fee_model taker = pm_fee_kalshi(PM_KFEE_QUADRATIC, PM_SCALE);
    /* 100 at 0.50: fee 1.75 exactly, effective 0.5175 */
    pm_fee_quote q = quote(taker, PM_SIDE_BUY, 0, 500000, C(100));
    assert_int_equal(q.fee, 1750000);
    assert_int_equal(q.cash, -51750000);
    assert_int_equal(q.effective_px, 517500);
    /* 10 at 0.50: 0.175 → 0.18 charged; effective 0.518 */
    q = quote(taker, PM_SIDE_BUY, 0, 500000, C(10));
    assert_int_equal(q.fee, 180000);
    assert_int_equal(q.effective_px, 518000);
    /* sell 10 at 0.50: 5.00 − 0.175 = 4.825 credited as 4.82: the fee is 0.18 */
    q = quote(taker, PM_SIDE_SELL, 0, 500000, C(10));
    assert_int_equal(q.cash, 4820000);
    assert_int_equal(q.fee, 180000);
    assert_int_equal(q.effective_px, 482000);
    /* sub-penny buy of 1 at 0.055 by a maker of a quadratic series: no trade fee, but the
     * balance loses 0.06 — a rounding fee of 0.005 */
    q = quote(taker, PM_SIDE_BUY, 1, 55000, C(1));
    assert_int_equal(q.fee, 5000);
    assert_int_equal(q.cash, -60000);
    /* as taker: 0.07·0.055·0.945 = 0.00363825 → 0.0037; 0.0587 → 0.06 */
    q = quote(taker, PM_SIDE_BUY, 0, 55000, C(1));
    assert_int_equal(q.fee, 5000);
    /* 0.0001 tick: 3 at 0.4321 = 1.2963 + 0.07·3·0.4321·0.5679 = 0.05153… → 0.0516; 1.3479 → 1.35 */
    q = quote(taker, PM_SIDE_BUY, 0, 432100, C(3));
    assert_int_equal(q.notional, 1296300);
    assert_int_equal(q.fee, 1350000 - 1296300);
    /* combo makers pay half the taker coefficient: 100 at 0.5 → 0.875 → 0.88 */
    q = quote(pm_fee_kalshi(PM_KFEE_QUADRATIC_WITH_COMBO_MAKER, PM_SCALE), PM_SIDE_BUY, 1, 500000, C(100));
    assert_int_equal(q.fee, 880000);
    /* flat: 0.02 per contract, 10 at 0.5 → 5.20; 0.0025 × 3 at 0.5: 1.5075 → 1.51 */
    q = quote(pm_fee_kalshi_flat(20000), PM_SIDE_BUY, 0, 500000, C(10));
    assert_int_equal(q.fee, 200000);
    q = quote(pm_fee_kalshi_flat(2500), PM_SIDE_BUY, 1, 500000, C(3));
    assert_int_equal(q.fee, 10000);
    /* nothing to buy costs nothing */
    q = quote(taker, PM_SIDE_BUY, 0, 500000, 0);
    assert_int_equal(q.fee, 0);
    assert_int_equal(q.effective_px, 0);
}

static void test_polymarket(void **state) {
    (void)state;
    pm_fee_model m = pm_fee_poly(30000, 1);
    /* buy 100 at 0.5, rate 0.03: 0.75 pUSD = 1.5 shares withheld; 50 paid for 98.5 held */
    pm_fee_quote q = quote(m, PM_SIDE_BUY, 0, 500000, C(100));
    assert_int_equal(q.notional, 50000000);
    assert_int_equal(q.fee_shares, 1500000);
    assert_int_equal(q.delivered, 98500000);
    assert_int_equal(q.fee, 750000);
    assert_int_equal(q.cash, -50000000);
    assert_int_equal(q.effective_px, 507615); /* 50 / 98.5 = 0.50761421 ↑ */
    /* sell: the fee comes out of the proceeds in pUSD */
    q = quote(m, PM_SIDE_SELL, 0, 500000, C(100));
    assert_int_equal(q.fee, 750000);
    assert_int_equal(q.cash, 49250000);
    assert_int_equal(q.delivered, C(100));
    assert_int_equal(q.effective_px, 492500);
    /* 21.04 at 0.56, rate 0.072: 0.666548 fee shares (valued 0.37326688 → 0.373267);
     * 11.7824 paid for 20.373452 held → 0.578322 per share */
    q = quote(pm_fee_poly(72000, 1), PM_SIDE_BUY, 0, 560000, 21040000);
    assert_int_equal(q.fee_shares, 666548);
    assert_int_equal(q.fee, 373267);
    assert_int_equal(q.delivered, 20373452);
    assert_int_equal(q.notional, 11782400);
    assert_int_equal(q.effective_px, 578322);
    /* makers and fee-free markets pay nothing */
    q = quote(m, PM_SIDE_BUY, 1, 500000, C(100));
    assert_int_equal(q.fee, 0);
    assert_int_equal(q.delivered, C(100));
    q = quote(pm_fee_poly_bps(0), PM_SIDE_BUY, 0, 500000, C(100));
    assert_int_equal(q.fee_shares, 0);
    /* the pair cache's basis points */
    pm_fee_model b = pm_fee_poly_bps(400);
    assert_int_equal(b.kind, PM_FEE_POLY);
    assert_int_equal(b.rate, 40000);
    assert_int_equal(b.exponent, 1);
    assert_int_equal(pm_fee_poly_bps(-1).kind, PM_FEE_UNKNOWN);
}

static void test_marginal(void **state) {
    (void)state;
    pm_fee_model k = pm_fee_kalshi(PM_KFEE_QUADRATIC, PM_SCALE);
    assert_int_equal(pm_fee_marginal_buy(&k, 500000), 517500);
    k.multiplier = PM_SCALE / 2;
    assert_int_equal(pm_fee_marginal_buy(&k, 500000), 508750);
    /* 0.07 · 0.4321 · 0.5679 = 0.017177… → 0.017178 */
    k.multiplier = PM_SCALE;
    assert_int_equal(pm_fee_marginal_buy(&k, 432100), 432100 + 17178);
    pm_fee_model f = pm_fee_kalshi_flat(20000);
    assert_int_equal(pm_fee_marginal_buy(&f, 400000), 420000);
    /* Polymarket: 0.5 / (1 − 0.03·0.5) = 0.50761421 ↑; exponent 2: 0.5 / (1 − 0.25·0.0625/0.5) */
    pm_fee_model p = pm_fee_poly(30000, 1);
    assert_int_equal(pm_fee_marginal_buy(&p, 500000), 507615);
    pm_fee_model p2 = pm_fee_poly(250000, 2);
    assert_int_equal(pm_fee_marginal_buy(&p2, 500000), 516130);
    pm_fee_model none = pm_fee_none(PM_VENUE_POLYMARKET), unk = {0};
    assert_int_equal(pm_fee_marginal_buy(&none, 123400), 123400);
    assert_int_equal(pm_fee_marginal_buy(&unk, 500000), -1);
    assert_int_equal(pm_fee_in_shares(&p), 1);
    assert_int_equal(pm_fee_in_shares(&k), 0);
    /* the hot-path buy agrees with the quote */
    pm_usd_t cost, fee;
    pm_qty_t held;
    assert_int_equal(pm_fee_buy(&p, 500000, C(100), &cost, &fee, &held), 0);
    assert_int_equal(cost, 50000000);
    assert_int_equal(held, 98500000);
    assert_int_equal(pm_fee_buy(&unk, 500000, C(1), &cost, &fee, &held), -1);
}

/* The exponent-1 shortcut in fees.c agrees with poly_fee.h's general arithmetic. */
static void test_poly_shortcut(void **state) {
    (void)state;
    uint64_t x = 88172645463325252ULL;
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        pm_qty_t n = (pm_qty_t)(x % (i % 2 ? 1000000000ULL : PM_POLY_FEE_MAX_COUNT)) + 1;
        pm_px_t p = (pm_px_t)((x >> 20) % 999999) + 1;
        int64_t rate = (int64_t)((x >> 40) % (PM_SCALE + 1));
        pm_fee_model m = pm_fee_poly(rate, 1);
        pm_fee_quote q;
        assert_int_equal(pm_fee_quote_fill(&m, PM_SIDE_BUY, 0, p, n, &q, NULL) == 0 ? q.fee_shares : -1,
                         pm_poly_fee_shares(n, p, rate, 1) < n ? pm_poly_fee_shares(n, p, rate, 1) : -1);
    }
}

static void test_parse_and_errors(void **state) {
    (void)state;
    pm_fee_model m;
    pm_err err;
    assert_int_equal(pm_fee_kalshi_parse("quadratic_with_maker_fees", 500000, -1, &m, &err), 0);
    assert_int_equal(m.kind, PM_FEE_KALSHI);
    assert_int_equal(m.kalshi_type, PM_KFEE_QUADRATIC_WITH_MAKER_FEES);
    assert_int_equal(m.multiplier, 500000);
    assert_int_equal(pm_fee_kalshi_parse("flat", -1, 20000, &m, &err), 0);
    assert_int_equal(m.kind, PM_FEE_KALSHI_FLAT);
    assert_int_equal(m.flat_per_contract, 20000);
    assert_int_equal(pm_fee_kalshi_parse("flat", PM_SCALE, -1, &m, &err), -1);
    assert_int_equal(m.kind, PM_FEE_UNKNOWN);
    assert_int_equal(pm_fee_kalshi_parse("", PM_SCALE, 0, &m, &err), -1);
    assert_int_equal(pm_fee_kalshi_parse("cubic", PM_SCALE, 0, &m, &err), -1);
    assert_string_equal(err.msg, "unknown Kalshi fee type \"cubic\"");
    assert_int_equal(pm_fee_kalshi_parse("quadratic", -1, 0, &m, &err), -1);
    pm_fee_quote q;
    pm_fee_model unk = {0};
    assert_int_equal(pm_fee_quote_fill(&unk, PM_SIDE_BUY, 0, 500000, C(1), &q, &err), -1);
    assert_string_equal(err.msg, "the market's fee schedule is unknown");
    pm_fee_model k = pm_fee_kalshi(PM_KFEE_QUADRATIC, PM_SCALE);
    assert_int_equal(pm_fee_quote_fill(&k, PM_SIDE_BUY, 0, PM_PX_ONE + 1, C(1), &q, &err), -1);
    assert_int_equal(pm_fee_quote_fill(&k, PM_SIDE_BUY, 0, 500000, -1, &q, &err), -1);
    assert_int_equal(pm_fee_quote_fill(&k, PM_SIDE_BUY, 0, 500000, PM_KALSHI_FEE_MAX_COUNT + 1, &q, &err), -1);
}

static char *run(const char *const *args, int *status) {
    pm_test_run_result r = pm_test_run(NULL, NULL, args);
    *status = r.status;
    free(r.err);
    return r.out;
}

static void test_cli(void **state) {
    (void)state;
    int st;
    char *out = run((const char *const[]){"fees", "kalshi", "--price", "0.50", "--count", "100", "--json", NULL}, &st);
    assert_int_equal(st, 0);
    assert_non_null(strstr(out, "\"fee\": \"1.75\""));
    assert_non_null(strstr(out, "\"effective_price\": \"0.5175\""));
    assert_non_null(strstr(out, "\"cash\": \"-51.75\""));
    free(out);
    out = run((const char *const[]){"fees", "kalshi", "--price", "0.5", "--count", "10", "--maker", "--fee-type",
                                    "quadratic_with_maker_fees", NULL},
              &st);
    assert_int_equal(st, 0);
    assert_non_null(strstr(out, "fee              0.05\n"));
    assert_non_null(strstr(out, "effective price  0.505 per contract\n"));
    free(out);
    out = run((const char *const[]){"fees", "kalshi", "--price", "0.5", "--count", "100", "--multiplier", "0.5",
                                    "--json", NULL},
              &st);
    assert_non_null(strstr(out, "\"fee\": \"0.88\""));
    free(out);
    out = run((const char *const[]){"fees", "polymarket", "--price", "0.5", "--size", "100", "--fee-rate", "0.03",
                                    "--json", NULL},
              &st);
    assert_int_equal(st, 0);
    assert_non_null(strstr(out, "\"fee\": \"0.75\""));
    assert_non_null(strstr(out, "\"fee_shares\": \"1.5\""));
    assert_non_null(strstr(out, "\"delivered\": \"98.5\""));
    assert_non_null(strstr(out, "\"effective_price\": \"0.507615\""));
    free(out);
    out = run((const char *const[]){"fees", "polymarket", "--price", "0.5", "--size", "100", "--fee-rate", "0.03",
                                    "--side", "sell", NULL},
              &st);
    assert_int_equal(st, 0);
    assert_non_null(strstr(out, "received         49.25\n"));
    free(out);
    /* usage errors */
    out = run((const char *const[]){"fees", "polymarket", "--price", "0.5", "--size", "100", NULL}, &st);
    assert_int_equal(st, 2);
    free(out);
    out = run((const char *const[]){"fees", "kalshi", "--price", "1.5", "--count", "1", NULL}, &st);
    assert_int_equal(st, 2);
    free(out);
    out = run((const char *const[]){"fees", "kalshi", "--price", "0.5", "--count", "1", "--fee-type", "cubic", NULL}, &st);
    assert_int_equal(st, 2);
    free(out);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kalshi_table),     cmocka_unit_test(test_kalshi_rounding),
        cmocka_unit_test(test_polymarket),       cmocka_unit_test(test_marginal),
        cmocka_unit_test(test_poly_shortcut),    cmocka_unit_test(test_parse_and_errors),
        cmocka_unit_test(test_cli),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
