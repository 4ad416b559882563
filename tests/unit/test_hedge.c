/* test_hedge.c — the residual of a one-legged trade: complete the short side within
 * max_hedge_loss, or unwind the long side, whichever loses less on the books as they are; a
 * Kalshi NO side priced off YES bids; a gain counts as a negative loss; a Polymarket buy grossed up for its fee shares and to what whole cents buy; dust
 * below both venues' smallest order; nothing while a book is not live. Exact figures. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/poly_amount.h"
#include "engine/hedge.h"

#define C(x) ((pm_px_t)(x) * PM_CENT)
#define Q(x) ((pm_qty_t)(x) * PM_SCALE)

static void book(pm_book *b, pm_px_t bid, pm_qty_t bq, pm_px_t ask, pm_qty_t aq) {
    pm_level bl[] = {{bid, bq}}, al[] = {{ask, aq}};
    pm_book_init(b);
    assert_int_equal(pm_book_snapshot(b, bl, 1, al, 1, 1), 0);
}

static pm_hedge_side kalshi(const pm_book *b, pm_outcome o) {
    return (pm_hedge_side){.venue = PM_VENUE_KALSHI, .outcome = o, .book = b, .mirrored = o == PM_OUTCOME_NO,
                           .fee = pm_fee_none(PM_VENUE_KALSHI), .tick = PM_CENT, .lot = PM_SCALE, .min_qty = PM_SCALE};
}

static pm_hedge_side poly(const pm_book *b, pm_fee_model fee) {
    return (pm_hedge_side){.venue = PM_VENUE_POLYMARKET, .outcome = PM_OUTCOME_NO, .book = b, .fee = fee,
                           .tick = PM_CENT, .lot = PM_SCALE / 100, .min_qty = Q(5), .buy_in_cents = 1};
}

static void test_complete_when_cheaper(void **state) {
    (void)state;
    pm_book k, t;
    book(&k, C(38), Q(50), C(40), Q(50));
    book(&t, C(58), Q(20), C(60), Q(20));
    pm_hedge_side ss = poly(&t, pm_fee_none(PM_VENUE_POLYMARKET)), ls = kalshi(&k, PM_OUTCOME_YES);
    pm_hedge_plan p;
    /* 10 Kalshi YES held at 0.41 each: completing at 0.60 loses 0.10, selling at 0.38 loses 0.30 */
    pm_hedge_decide(&ss, &ls, Q(10), 4100000, 50000, &p);
    assert_int_equal(p.action, PM_HEDGE_COMPLETE);
    assert_int_equal(p.qty, Q(10));
    assert_int_equal(p.limit, C(60));
    assert_int_equal(p.loss, 100000);
    assert_int_equal(p.complete_loss, 100000);
    assert_int_equal(p.unwind_loss, 300000);
}

static void test_unwind_beyond_cap(void **state) {
    (void)state;
    pm_book k, t;
    book(&k, C(38), Q(50), C(40), Q(50));
    book(&t, C(64), Q(20), C(66), Q(20));
    pm_hedge_side ss = poly(&t, pm_fee_none(PM_VENUE_POLYMARKET)), ls = kalshi(&k, PM_OUTCOME_YES);
    pm_hedge_plan p;
    /* completing would lose 0.07 a contract > 0.05: unwound at 0.38 */
    pm_hedge_decide(&ss, &ls, Q(10), 4100000, 50000, &p);
    assert_int_equal(p.action, PM_HEDGE_UNWIND);
    assert_int_equal(p.qty, Q(10));
    assert_int_equal(p.limit, C(38));
    assert_int_equal(p.loss, 300000);
    assert_int_equal(p.can_complete, 0);
    assert_int_equal(p.complete_loss, 700000);
    assert_string_equal(p.why, "completing is not possible within max_hedge_loss: unwinding");
}

static void test_kalshi_no_short_side(void **state) {
    (void)state;
    pm_book k, t;
    book(&k, C(58), Q(10), C(60), Q(10)); /* NO asks 0.42 × 10 */
    book(&t, C(50), Q(100), C(52), Q(100));
    pm_hedge_side ss = kalshi(&k, PM_OUTCOME_NO), ls = poly(&t, pm_fee_none(PM_VENUE_POLYMARKET));
    pm_hedge_plan p;
    pm_hedge_decide(&ss, &ls, Q(10), 5500000, 50000, &p); /* 10 tokens at 0.55 + 10 NO at 0.42 < $10 */
    assert_int_equal(p.action, PM_HEDGE_COMPLETE);
    assert_int_equal(p.qty, Q(10));
    assert_int_equal(p.limit, C(42));
    assert_int_equal(p.loss, -300000); /* a gain */
    assert_int_equal(p.unwind_loss, 500000);
}

static void test_polymarket_fee_gross_up(void **state) {
    (void)state;
    pm_book k, t;
    book(&k, C(30), Q(50), C(31), Q(50));
    book(&t, C(48), Q(100), C(50), Q(100));
    /* 4 % rate: at 0.50 the fee is 1 % of the notional, withheld as 2 % of the shares */
    pm_hedge_side ss = poly(&t, pm_fee_poly(40000, 1)), ls = kalshi(&k, PM_OUTCOME_YES);
    pm_hedge_plan p;
    pm_hedge_decide(&ss, &ls, 9900000, 4950000, 50000, &p);
    assert_int_equal(p.action, PM_HEDGE_COMPLETE);
    /* 10.11 shares would deliver 9.9078 (10.10: 9.898) but cost $5.055, not whole cents: the
     * buy gives $5.06, signed for 10.12 shares, which deliver 9.9176 */
    assert_int_equal(p.qty, 10120000);
    assert_int_equal(p.limit, C(50));
    assert_int_equal(p.loss, 110000); /* 4.95 + 5.06 − 9.90 */
    assert_int_equal(p.unwind_loss, 1800000); /* 9 contracts (Kalshi lots) of 4.50 sold for 2.70 */
}

/* Growing to what whole cents buy can reach the next level: the limit is then that level's
 * and the size is what the amount buys there. */
static void test_polymarket_whole_cents_reach_the_next_level(void **state) {
    (void)state;
    pm_book k, t;
    book(&k, C(38), Q(50), C(40), Q(50));
    pm_level bl[] = {{C(48), Q(100)}}, al[] = {{C(51), Q(100)}, {C(50), 10110000}};
    pm_book_init(&t);
    assert_int_equal(pm_book_snapshot(&t, bl, 1, al, 2, 1), 0);
    pm_hedge_side ss = poly(&t, pm_fee_poly(40000, 1)), ls = kalshi(&k, PM_OUTCOME_YES);
    pm_hedge_plan p;
    pm_hedge_decide(&ss, &ls, 9900000, 4950000, 50000, &p);
    assert_int_equal(p.action, PM_HEDGE_COMPLETE);
    /* 10.11 at 0.50 is the whole first level; $5.06 for 10.12 reaches 0.51, where whole cents
     * ($5.17) buy 10.1372 shares: 10.11 at 0.50 and 0.0272 at 0.51 */
    assert_int_equal(p.limit, C(51));
    assert_int_equal(p.qty, 10137200);
    pm_usd_t amount;
    pm_qty_t shares;
    assert_int_equal(pm_poly_buy_size(p.limit, PM_CENT, p.qty, &amount, &shares), 0);
    assert_int_equal(amount, 5170000);
    assert_int_equal(shares, p.qty);
}

static void test_dust_and_not_live(void **state) {
    (void)state;
    pm_book k, t;
    book(&k, C(38), Q(50), C(40), Q(50));
    book(&t, C(58), Q(20), C(60), Q(20));
    pm_hedge_side ss = kalshi(&k, PM_OUTCOME_YES), ls = poly(&t, pm_fee_none(PM_VENUE_POLYMARKET));
    pm_hedge_plan p;
    pm_hedge_decide(&ss, &ls, 400000, 240000, 50000, &p); /* 0.4: below 1 contract and 5 shares */
    assert_int_equal(p.action, PM_HEDGE_DUST);
    pm_book_invalidate(&k);
    pm_book_invalidate(&t);
    pm_hedge_decide(&ss, &ls, Q(10), 6000000, 50000, &p);
    assert_int_equal(p.action, PM_HEDGE_NONE);
    assert_int_equal(p.can_complete, 0);
    assert_int_equal(p.can_unwind, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_complete_when_cheaper),
        cmocka_unit_test(test_unwind_beyond_cap),
        cmocka_unit_test(test_kalshi_no_short_side),
        cmocka_unit_test(test_polymarket_fee_gross_up),
        cmocka_unit_test(test_polymarket_whole_cents_reach_the_next_level),
        cmocka_unit_test(test_dust_and_not_live),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
