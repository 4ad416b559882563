/* test_paper.c — paper fills: both legs fill-or-kill at the detector's size and limits
 * against the books as they stand, the same resting quantity never bought twice while its level
 * shows it (a requoted level or a new snapshot is new liquidity), Kalshi NO legs walking YES
 * bids at 1 − price, positions and totals in fixed point, each of many books remembered apart. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "engine/paper.h"

#define C(x) ((pm_px_t)(x) * PM_CENT)  /* cents */
#define Q(x) ((pm_qty_t)(x) * PM_SCALE) /* whole contracts */

typedef struct books {
    pm_book kalshi, token;
} books;

/* Kalshi YES book: bids 0.59 × 10, 0.60 × 10 (NO asks 0.41, 0.40); asks 0.40 × 10, 0.41 × 20.
 * Polymarket token: asks 0.55 × 30, 0.57 × 100. */
static void make_books(books *b) {
    pm_level kb[] = {{C(59), Q(10)}, {C(60), Q(10)}}, ka[] = {{C(40), Q(10)}, {C(41), Q(20)}};
    pm_level tb[] = {{C(53), Q(40)}}, ta[] = {{C(55), Q(30)}, {C(57), Q(100)}};
    pm_book_init(&b->kalshi);
    pm_book_init(&b->token);
    assert_int_equal(pm_book_snapshot(&b->kalshi, kb, 2, ka, 2, 1), 0);
    assert_int_equal(pm_book_snapshot(&b->token, tb, 1, ta, 2, 1), 0);
}

static pm_opportunity opp(pm_outcome k_outcome, pm_px_t k_limit, pm_qty_t qty, pm_px_t p_limit, pm_qty_t p_qty) {
    pm_opportunity o;
    memset(&o, 0, sizeof o);
    o.dir = k_outcome == PM_OUTCOME_YES ? PM_DIR_KALSHI_YES : PM_DIR_KALSHI_NO;
    o.qty = qty;
    o.leg[0] = (pm_opp_leg){.venue = PM_VENUE_KALSHI, .outcome = k_outcome, .limit_px = k_limit, .qty = qty, .held = qty,
                            .cost = 10250000, .fee = 150000, .levels = 2};
    o.leg[1] = (pm_opp_leg){.venue = PM_VENUE_POLYMARKET, .outcome = PM_OUTCOME_NO, .limit_px = p_limit, .qty = p_qty,
                            .held = qty, .cost = 13750000, .fee = 90000, .fee_shares = p_qty - qty, .levels = 1};
    o.cost = o.leg[0].cost + o.leg[1].cost;
    o.profit = qty - o.cost;
    return o;
}

static void legs_of(books *b, pm_outcome k_outcome, pm_det_leg legs[2]) {
    legs[0] = (pm_det_leg){.outcome = k_outcome, .book = &b->kalshi, .mirrored = k_outcome == PM_OUTCOME_NO, .id = "K"};
    legs[1] = (pm_det_leg){.outcome = PM_OUTCOME_NO, .book = &b->token, .mirrored = 0, .id = "T"};
}

static const size_t nums[2] = {0, 1};

static void test_fill_then_no_double_count(void **state) {
    (void)state;
    books b;
    make_books(&b);
    pm_paper *p = pm_paper_new(2);
    pm_det_leg legs[2];
    legs_of(&b, PM_OUTCOME_YES, legs);
    /* 25 Kalshi YES up to 0.41 (10 at 0.40 + 15 at 0.41), 25.2 tokens at 0.55 */
    pm_opportunity o = opp(PM_OUTCOME_YES, C(41), Q(25), C(55), 25200000);
    const char *why = "unset";
    assert_int_equal(pm_paper_fill(p, &o, legs, nums, &why), 0);
    assert_null(why);
    assert_int_equal(pm_paper_position_of(p, 0, PM_OUTCOME_YES)->qty, Q(25));
    assert_int_equal(pm_paper_position_of(p, 0, PM_OUTCOME_YES)->cost, 10250000);
    assert_int_equal(pm_paper_position_of(p, 1, PM_OUTCOME_NO)->qty, Q(25));
    assert_int_equal(pm_paper_position_of(p, 1, PM_OUTCOME_NO)->cost, 13750000);
    assert_int_equal(pm_paper_position_of(p, 0, PM_OUTCOME_NO)->qty, 0);

    /* the same again: Kalshi has 5 left up to 0.41, the token 4.8 up to 0.55 */
    assert_int_equal(pm_paper_fill(p, &o, legs, nums, &why), -1);
    assert_string_equal(why, "depth already taken by an earlier paper fill on this book");
    /* 5 contracts still fit on Kalshi, 4.8 tokens on Polymarket */
    pm_opportunity small = opp(PM_OUTCOME_YES, C(41), Q(5), C(55), 4800000);
    assert_int_equal(pm_paper_fill(p, &small, legs, nums, &why), 0);
    pm_opportunity one = opp(PM_OUTCOME_YES, C(41), Q(1), C(55), 1000000);
    assert_int_equal(pm_paper_fill(p, &one, legs, nums, &why), -1);

    /* the venue requotes Kalshi's 0.40 level (now 12): a new quote, all there; 0.41 still
     * shows the 20 we took */
    assert_int_equal(pm_book_side_set(&b.kalshi.ask, C(40), Q(12)), 0);
    assert_int_equal(pm_paper_fill(p, &o, legs, nums, &why), -1);
    /* 12 fit on Kalshi; the token's 0.55 level is still taken, 0.57 has 100 */
    pm_opportunity twelve = opp(PM_OUTCOME_YES, C(41), Q(12), C(57), 12100000);
    assert_int_equal(pm_paper_fill(p, &twelve, legs, nums, &why), 0);
    /* a fresh snapshot of the token forgets what was taken there, not on Kalshi */
    pm_level tb[] = {{C(53), Q(40)}}, ta[] = {{C(55), Q(30)}, {C(57), Q(100)}};
    assert_int_equal(pm_book_snapshot(&b.token, tb, 1, ta, 2, 2), 0);
    assert_int_equal(pm_paper_fill(p, &o, legs, nums, &why), -1);
    pm_level kb[] = {{C(59), Q(10)}, {C(60), Q(10)}}, ka[] = {{C(40), Q(10)}, {C(41), Q(20)}};
    assert_int_equal(pm_book_snapshot(&b.kalshi, kb, 2, ka, 2, 2), 0);
    assert_int_equal(pm_paper_fill(p, &o, legs, nums, &why), 0);

    pm_paper_totals t;
    pm_paper_get_totals(p, &t);
    assert_int_equal(t.fills, 4);
    assert_int_equal(t.refused, 4);
    assert_int_equal(t.contracts, Q(25) + Q(5) + Q(12) + Q(25));
    assert_int_equal(t.cost, 4 * 24000000);
    assert_int_equal(t.fees, 4 * 240000);
    assert_int_equal(t.locked_pnl, (Q(25) - 24000000) * 2 + (Q(5) - 24000000) + (Q(12) - 24000000));
    assert_int_equal(pm_paper_position_of(p, 0, PM_OUTCOME_YES)->qty, Q(67));
    assert_int_equal(pm_paper_position_of(p, 0, PM_OUTCOME_YES)->cost, 4 * 10250000);
    /* a book slot given to another market forgets everything */
    pm_paper_book_reset(p, 0);
    pm_paper_book_reset(p, 1);
    assert_int_equal(pm_paper_fill(p, &o, legs, nums, &why), 0);
    pm_paper_free(p);
}

static void test_kalshi_no_walks_bids(void **state) {
    (void)state;
    books b;
    make_books(&b);
    pm_paper *p = pm_paper_new(2);
    pm_det_leg legs[2];
    legs_of(&b, PM_OUTCOME_NO, legs);
    const char *why;
    /* NO asks: 0.40 × 10 (bid 0.60), 0.41 × 10 (bid 0.59) */
    pm_opportunity o = opp(PM_OUTCOME_NO, C(40), Q(10), C(55), Q(10));
    assert_int_equal(pm_paper_fill(p, &o, legs, nums, &why), 0);
    pm_opportunity one = opp(PM_OUTCOME_NO, C(40), Q(1), C(55), Q(1));
    assert_int_equal(pm_paper_fill(p, &one, legs, nums, &why), -1);
    pm_opportunity next = opp(PM_OUTCOME_NO, C(41), Q(10), C(55), Q(10));
    assert_int_equal(pm_paper_fill(p, &next, legs, nums, &why), 0);
    pm_opportunity beyond = opp(PM_OUTCOME_NO, C(45), Q(1), C(55), Q(1));
    assert_int_equal(pm_paper_fill(p, &beyond, legs, nums, &why), -1);
    assert_int_equal(pm_paper_position_of(p, 0, PM_OUTCOME_NO)->qty, Q(20));
    assert_int_equal(pm_paper_position_of(p, 0, PM_OUTCOME_YES)->qty, 0);
    /* the YES asks were never touched */
    legs_of(&b, PM_OUTCOME_YES, legs);
    pm_opportunity yes = opp(PM_OUTCOME_YES, C(40), Q(10), C(57), Q(10));
    assert_int_equal(pm_paper_fill(p, &yes, legs, nums, &why), 0);
    pm_paper_free(p);
}

/* Fills on many books, each its first: every book gets its own record of what was taken (the
 * mirrors outgrow their first allocation), and each keeps it afterwards. */
static void test_many_books_each_remembered(void **state) {
    (void)state;
    books b;
    make_books(&b);
    enum { NBOOKS = 300 };
    pm_paper *p = pm_paper_new(NBOOKS);
    pm_det_leg legs[2];
    legs_of(&b, PM_OUTCOME_YES, legs);
    pm_opportunity o = opp(PM_OUTCOME_YES, C(41), Q(25), C(55), 25200000);
    const char *why;
    for (size_t i = 0; i < NBOOKS; i += 2) {
        const size_t pair[2] = {i, i + 1};
        assert_int_equal(pm_paper_fill(p, &o, legs, pair, &why), 0);
    }
    for (size_t i = 0; i < NBOOKS; i += 2) {
        const size_t pair[2] = {i, i + 1};
        assert_int_equal(pm_paper_fill(p, &o, legs, pair, &why), -1);
        assert_string_equal(why, "depth already taken by an earlier paper fill on this book");
        assert_int_equal(pm_paper_position_of(p, i, PM_OUTCOME_YES)->qty, Q(25));
        assert_int_equal(pm_paper_position_of(p, i + 1, PM_OUTCOME_NO)->qty, Q(25));
    }
    pm_paper_totals t;
    pm_paper_get_totals(p, &t);
    assert_int_equal(t.fills, NBOOKS / 2);
    assert_int_equal(t.refused, NBOOKS / 2);
    pm_paper_free(p);
}

static void test_unknown_book_refused(void **state) {
    (void)state;
    books b;
    make_books(&b);
    pm_paper *p = pm_paper_new(2);
    pm_det_leg legs[2];
    legs_of(&b, PM_OUTCOME_YES, legs);
    pm_opportunity o = opp(PM_OUTCOME_YES, C(41), Q(1), C(55), Q(1));
    const size_t bad[2] = {0, 2};
    const char *why;
    assert_int_equal(pm_paper_fill(p, &o, legs, bad, &why), -1);
    assert_string_equal(why, "book unknown to paper trading");
    assert_int_equal(pm_paper_position_of(p, 0, PM_OUTCOME_YES)->qty, 0);
    pm_paper_free(p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fill_then_no_double_count),
        cmocka_unit_test(test_kalshi_no_walks_bids),
        cmocka_unit_test(test_many_books_each_remembered),
        cmocka_unit_test(test_unknown_book_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
