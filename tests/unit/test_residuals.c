/* test_residuals.c — the residuals finished trades left (engine/residuals.h): entries merged per
 * outcome, a full table refusing a new one, shrinking to what is still held (and leaving at 0),
 * and the value at the best bid less the sale's fee with each venue's rounding — Kalshi YES and
 * NO (priced off the YES book's asks), Polymarket — floored to the micro-dollar, and 0 without
 * a live book, without a bid, or when the fee would take more than the sale brings. Exact. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "engine/residuals.h"

#define C(x) ((pm_px_t)(x) * PM_CENT)
#define Q(x) ((pm_qty_t)(x) * PM_SCALE)

static void book(pm_book *b, pm_px_t bid, pm_px_t ask) {
    pm_level bl[] = {{bid, Q(1)}}, al[] = {{ask, Q(1)}};
    pm_book_init(b);
    assert_int_equal(pm_book_snapshot(b, bl, 1, al, 1, 1), 0);
}

static pm_residual res(pm_venue v, const char *id, pm_outcome o, pm_fee_model fee, pm_qty_t qty) {
    pm_residual r = {.venue = v, .outcome = o, .mirrored = v == PM_VENUE_KALSHI && o == PM_OUTCOME_NO, .fee = fee, .qty = qty};
    snprintf(r.market_id, sizeof r.market_id, "%s", id);
    return r;
}

static void test_table(void **state) {
    (void)state;
    static pm_residuals t;
    memset(&t, 0, sizeof t);
    pm_fee_model none = pm_fee_none(PM_VENUE_KALSHI);
    pm_residual a = res(PM_VENUE_KALSHI, "KX-A", PM_OUTCOME_YES, none, Q(4));
    assert_int_equal(pm_residuals_add(&t, &a), 0);
    a.qty = Q(2);
    assert_int_equal(pm_residuals_add(&t, &a), 0);
    pm_residual b = res(PM_VENUE_KALSHI, "KX-A", PM_OUTCOME_NO, none, Q(1)); /* another outcome: its own entry */
    assert_int_equal(pm_residuals_add(&t, &b), 0);
    assert_int_equal(t.n, 2);
    assert_int_equal(t.r[0].qty, Q(6));
    for (int i = 2; i < PM_RESIDUALS_MAX; i++) {
        char id[16];
        snprintf(id, sizeof id, "KX-%d", i);
        pm_residual c = res(PM_VENUE_KALSHI, id, PM_OUTCOME_YES, none, Q(1));
        assert_int_equal(pm_residuals_add(&t, &c), 0);
    }
    pm_residual full = res(PM_VENUE_POLYMARKET, "222", PM_OUTCOME_NO, pm_fee_none(PM_VENUE_POLYMARKET), Q(1));
    assert_int_equal(pm_residuals_add(&t, &full), -1);
    assert_int_equal(t.n, PM_RESIDUALS_MAX);
    a.qty = Q(1);
    assert_int_equal(pm_residuals_add(&t, &a), 0); /* a full table still merges */
    assert_int_equal(t.r[0].qty, Q(7));
    /* held above the residual: nothing; below: shrinks for good; 0: the entry leaves */
    pm_residuals_held(&t, PM_VENUE_KALSHI, "KX-A", PM_OUTCOME_YES, Q(9));
    assert_int_equal(t.r[0].qty, Q(7));
    pm_residuals_held(&t, PM_VENUE_KALSHI, "KX-A", PM_OUTCOME_YES, Q(3));
    assert_int_equal(t.r[0].qty, Q(3));
    pm_residuals_held(&t, PM_VENUE_KALSHI, "KX-A", PM_OUTCOME_YES, Q(5));
    assert_int_equal(t.r[0].qty, Q(3));
    pm_residuals_held(&t, PM_VENUE_POLYMARKET, "KX-A", PM_OUTCOME_YES, 0); /* not a residual */
    assert_int_equal(t.n, PM_RESIDUALS_MAX);
    pm_residuals_held(&t, PM_VENUE_KALSHI, "KX-A", PM_OUTCOME_YES, 0);
    assert_int_equal(t.n, PM_RESIDUALS_MAX - 1);
    assert_string_equal(t.r[0].market_id, "KX-63"); /* the last entry took its place */
    assert_int_equal(pm_residuals_add(&t, &full), 0);
    assert_int_equal(t.n, PM_RESIDUALS_MAX);
}

static void test_value_kalshi(void **state) {
    (void)state;
    pm_book k;
    book(&k, C(30), C(40));
    pm_residual yes = res(PM_VENUE_KALSHI, "KX-A", PM_OUTCOME_YES, pm_fee_none(PM_VENUE_KALSHI), Q(4));
    assert_int_equal(pm_residual_value(&yes, Q(4), &k), 1200000);
    assert_int_equal(pm_residual_value(&yes, 3333333, &k), 999999); /* 0.9999999 floored */
    /* quadratic: 0.07 × 4 × 0.30 × 0.70 = 0.0588; 1.20 − 0.0588 credited down to the cent */
    yes.fee = pm_fee_kalshi(PM_KFEE_QUADRATIC, PM_SCALE);
    assert_int_equal(pm_residual_value(&yes, Q(4), &k), 1140000);
    /* NO sells at 1 − the YES ask (0.40): 10 at 0.60 → 6.00 − 0.168, down to the cent */
    pm_residual no = res(PM_VENUE_KALSHI, "KX-A", PM_OUTCOME_NO, pm_fee_kalshi(PM_KFEE_QUADRATIC, PM_SCALE), Q(10));
    assert_int_equal(pm_residual_value(&no, Q(10), &k), 5830000);
    /* a flat 0.02 a contract takes more than 1 contract at 0.01 brings */
    pm_book low;
    book(&low, C(1), C(2));
    yes.fee = pm_fee_kalshi_flat(20000);
    assert_int_equal(pm_residual_value(&yes, Q(1), &low), 0);
    yes.fee = pm_fee_none(PM_VENUE_KALSHI);
    assert_int_equal(pm_residual_value(&yes, Q(1), &low), 10000);
    /* unknown fees are never guessed */
    yes.fee = (pm_fee_model){.kind = PM_FEE_UNKNOWN, .venue = PM_VENUE_KALSHI};
    assert_int_equal(pm_residual_value(&yes, Q(4), &k), 0);
}

static void test_value_polymarket(void **state) {
    (void)state;
    pm_book t;
    book(&t, C(53), C(56));
    /* 4 %: 10 × 0.04 × 0.53 × 0.47 = 0.09964 pUSD (rounded up to $0.00001) out of 5.30 */
    pm_residual r = res(PM_VENUE_POLYMARKET, "222", PM_OUTCOME_NO, pm_fee_poly(40000, 1), Q(10));
    assert_int_equal(pm_residual_value(&r, Q(10), &t), 5200360);
    r.fee = pm_fee_poly(0, 1);
    assert_int_equal(pm_residual_value(&r, Q(10), &t), 5300000);
}

static void test_value_without_a_bid(void **state) {
    (void)state;
    pm_residual r = res(PM_VENUE_KALSHI, "KX-A", PM_OUTCOME_YES, pm_fee_none(PM_VENUE_KALSHI), Q(4));
    assert_int_equal(pm_residual_value(&r, Q(4), NULL), 0);
    pm_book k;
    book(&k, C(30), C(40));
    assert_int_equal(pm_residual_value(&r, 0, &k), 0);
    pm_book_invalidate(&k); /* stale */
    assert_int_equal(pm_residual_value(&r, Q(4), &k), 0);
    pm_book_init(&k); /* never live */
    assert_int_equal(pm_residual_value(&r, Q(4), &k), 0);
    pm_level ask[] = {{C(40), Q(1)}};
    assert_int_equal(pm_book_snapshot(&k, NULL, 0, ask, 1, 1), 0); /* live, no bid */
    assert_int_equal(pm_residual_value(&r, Q(4), &k), 0);
    pm_residual no = res(PM_VENUE_KALSHI, "KX-A", PM_OUTCOME_NO, pm_fee_none(PM_VENUE_KALSHI), Q(4));
    assert_int_equal(pm_residual_value(&no, Q(4), &k), 2400000); /* NO's bid is the YES ask */
    pm_level bid[] = {{C(30), Q(1)}};
    assert_int_equal(pm_book_snapshot(&k, bid, 1, NULL, 0, 1), 0); /* no YES ask: NO has no bid */
    assert_int_equal(pm_residual_value(&no, Q(4), &k), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_value_kalshi),
        cmocka_unit_test(test_value_polymarket),
        cmocka_unit_test(test_value_without_a_bid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
