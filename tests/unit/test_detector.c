/* test_detector.c — the depth-walking detector (core/detector.h) on hand-computed books: fees
 * that turn a raw arbitrage into a loss, depth, Polymarket's buy fee in shares grossing up its
 * leg, both polarities and both directions, the freshness gate, minimum sizes, tick grids of
 * 0.01 / 0.001 / 0.0001, Polymarket buys signed in whole cents, balances and caps, annualized return, repeat suppression, the
 * same-venue check, and a seeded property test: every emitted opportunity, re-priced level by
 * level with the fee models, costs what it says, at most qty × ($1 − min_edge), within the
 * depth its limit prices allow. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/detector.h"
#include "core/poly_amount.h"

#define C(n) ((pm_qty_t)(n) * PM_SCALE)
#define NOW_MONO 1000000000000LL
#define NOW_UNIX 1800000000000000000LL
#define DAY_NS (86400LL * 1000000000LL)

typedef struct fixture {
    pm_book kb, py, pn;          /* Kalshi YES book; Polymarket YES and NO token books */
    pm_det_market k, p;
    pm_det_params prm;
    pm_det_limits lim;
    pm_det_clock now;
    pm_det_memo memo[PM_DIR_COUNT];
    pm_opportunity out[PM_DIR_COUNT];
    pm_det_status st[PM_DIR_COUNT];
} fixture;

/* levels: {px, qty} pairs terminated by a zero price and qty */
static void book(pm_book *b, const pm_level *bids, const pm_level *asks) {
    pm_level bl[PM_BOOK_DEPTH], al[PM_BOOK_DEPTH];
    size_t nb = 0, na = 0;
    for (; bids && bids[nb].qty; nb++) bl[nb] = bids[nb];
    for (; asks && asks[na].qty; na++) al[na] = asks[na];
    assert_int_equal(pm_book_snapshot(b, bl, nb, al, na, NOW_MONO), 0);
}

#define LV(...) ((const pm_level[]){__VA_ARGS__, {0, 0}})

static void setup(fixture *f) {
    memset(f, 0, sizeof *f);
    pm_book_init(&f->kb);
    pm_book_init(&f->py);
    pm_book_init(&f->pn);
    book(&f->kb, NULL, NULL);
    book(&f->py, NULL, NULL);
    book(&f->pn, NULL, NULL);
    f->k = (pm_det_market){.venue = PM_VENUE_KALSHI, .yes = &f->kb, .no = NULL, .id_yes = "KXT-1", .id_no = "KXT-1",
                           .fee = pm_fee_kalshi(PM_KFEE_QUADRATIC, PM_SCALE), .tick = PM_CENT, .lot = C(1),
                           .min_qty = C(1), .balance = C(1000), .close_ns = NOW_UNIX + 30 * DAY_NS, .alive = 1};
    f->p = (pm_det_market){.venue = PM_VENUE_POLYMARKET, .yes = &f->py, .no = &f->pn, .id_yes = "111", .id_no = "222",
                           .fee = pm_fee_poly(0, 1), .tick = PM_CENT, .lot = 10000, .min_qty = C(5), .buy_in_cents = 1,
                           .balance = C(1000), .close_ns = NOW_UNIX + 30 * DAY_NS, .alive = 1};
    f->prm = (pm_det_params){.min_edge = PM_CENT, .min_profit = 100000, .max_size = C(100),
                             .max_book_age_ns = 2000000000LL, .min_annualized_bps = 1000, .same_venue = 0};
    f->lim = (pm_det_limits){.max_qty = C(1000000), .max_cost = C(1000000)};
    f->now = (pm_det_clock){NOW_MONO, NOW_UNIX};
}

static pm_det_status eval(fixture *f, pm_det_dir dir, pm_polarity pol) {
    pm_det_leg a, b;
    pm_det_legs(dir, &f->k, &f->p, pol, &a, &b);
    return pm_det_eval(&f->prm, &f->lim, &f->now, &a, &b, dir, &f->memo[dir], &f->out[0]);
}

static void test_fees_turn_arbitrage_into_loss(void **state) {
    (void)state;
    fixture f;
    setup(&f);
    /* Kalshi YES 0.50 + Polymarket NO 0.48 = 0.98: two cents raw */
    book(&f.kb, NULL, LV({500000, C(100)}));
    book(&f.pn, NULL, LV({480000, C(100)}));
    f.k.fee = pm_fee_none(PM_VENUE_KALSHI);
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_FOUND);
    const pm_opportunity *o = &f.out[0];
    assert_int_equal(o->qty, C(100));
    assert_int_equal(o->cost, 98000000);
    assert_int_equal(o->profit, 2000000);
    /* 2 / 98 × 365 / 30 = 24.83 % a year */
    assert_int_equal(o->annualized_bps, 2482);
    /* with the fees: Kalshi 0.5 + 0.0175, Polymarket 0.48 / (1 − 0.03·0.52): 1.0053 a pair */
    f.k.fee = pm_fee_kalshi(PM_KFEE_QUADRATIC, PM_SCALE);
    f.p.fee = pm_fee_poly(30000, 1);
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_NO_EDGE);
    /* Kalshi's fee alone: 0.5175 + 0.48 = 0.9975 > 0.99 */
    f.p.fee = pm_fee_poly(0, 1);
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_NO_EDGE);
    /* ...but within a zero edge: 100 × 0.5 + 1.75 + 48 = 99.75, profit 0.25 */
    f.prm.min_edge = 0;
    f.prm.min_annualized_bps = 0;
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_FOUND);
    assert_int_equal(o->leg[0].fee, 1750000);
    assert_int_equal(o->profit, 250000);
}

/* A book the venue's own top disagrees with (suspect) is not traded on, whatever it shows. */
static void test_suspect_book_not_traded(void **state) {
    (void)state;
    fixture f;
    setup(&f);
    book(&f.kb, NULL, LV({400000, C(100)}));
    book(&f.pn, NULL, LV({400000, C(100)}));
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_FOUND);
    f.pn.suspect = 1;
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_NOT_FRESH);
    f.pn.suspect = 0;
    f.kb.suspect = 1;
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_NOT_FRESH);
    f.kb.suspect = 0;
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_FOUND);
}

static void test_depth_limits_size(void **state) {
    (void)state;
    fixture f;
    setup(&f);
    /* Kalshi YES asks 0.40 × 30 then 0.48 × 100; the second costs 0.48 + 0.017472 + 0.50 > 0.99 */
    book(&f.kb, NULL, LV({400000, C(30)}, {480000, C(100)}));
    book(&f.pn, NULL, LV({500000, C(200)}));
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_FOUND);
    const pm_opportunity *o = &f.out[0];
    assert_int_equal(o->dir, PM_DIR_KALSHI_YES);
    assert_int_equal(o->qty, C(30));
    /* Kalshi: 12.00 + 0.504 → 12.51; Polymarket: 15.00 */
    assert_int_equal(o->leg[0].venue, PM_VENUE_KALSHI);
    assert_int_equal(o->leg[0].outcome, PM_OUTCOME_YES);
    assert_string_equal(o->leg[0].market_id, "KXT-1");
    assert_int_equal(o->leg[0].limit_px, 400000);
    assert_int_equal(o->leg[0].qty, C(30));
    assert_int_equal(o->leg[0].cost, 12510000);
    assert_int_equal(o->leg[0].fee, 510000);
    assert_int_equal(o->leg[0].levels, 1);
    assert_int_equal(o->leg[1].venue, PM_VENUE_POLYMARKET);
    assert_int_equal(o->leg[1].outcome, PM_OUTCOME_NO);
    assert_string_equal(o->leg[1].market_id, "222");
    assert_int_equal(o->leg[1].limit_px, 500000);
    assert_int_equal(o->leg[1].cost, 15000000);
    assert_int_equal(o->leg[1].fee, 0);
    assert_int_equal(o->cost, 27510000);
    assert_int_equal(o->profit, 2490000);
    assert_int_equal(o->leg[0].book_age_ns, 0);
    /* the second Kalshi level becomes worth taking at 0.47: 0.47 + 0.017437 + 0.5 ≤ 0.99 */
    book(&f.kb, NULL, LV({400000, C(30)}, {470000, C(100)}));
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_FOUND);
    assert_int_equal(o->qty, C(100)); /* max_size */
    assert_int_equal(o->leg[0].limit_px, 470000);
    assert_int_equal(o->leg[0].levels, 2);
    /* 12.51 + (32.90 + 0.07·70·0.47·0.53 = 1.22059 → 1.2206 → 34.1206 → 34.13) */
    assert_int_equal(o->leg[0].cost, 12510000 + 34130000);
}

static void test_polymarket_fee_in_shares(void **state) {
    (void)state;
    fixture f;
    setup(&f);
    book(&f.kb, NULL, LV({400000, C(50)}));
    book(&f.pn, NULL, LV({500000, C(1000)}));
    f.p.fee = pm_fee_poly(30000, 1);
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_FOUND);
    const pm_opportunity *o = &f.out[0];
    assert_int_equal(o->qty, C(50));
    /* Polymarket keeps 0.015 of each share: 50.77 bought would hold 50.00845 (50.76 would
     * hold 49.9986), but cost $25.385, not whole cents; a market buy gives $25.39, which is
     * signed for 50.78 shares: they hold 50.0183, the fee is 0.7617 shares worth 0.38085 */
    assert_int_equal(o->leg[1].qty, 50780000);
    assert_int_equal(o->leg[1].fee_shares, 761700);
    assert_int_equal(o->leg[1].held, 50018300);
    assert_int_equal(o->leg[1].cost, 25390000);
    assert_int_equal(o->leg[1].fee, 380850);
    assert_int_equal(o->leg[0].held, C(50));
    assert_int_equal(o->leg[0].cost, 20840000);
    assert_int_equal(o->profit, C(50) - 20840000 - 25390000);
    /* without the whole-cent rule the lot round-up alone decides */
    f.p.buy_in_cents = 0;
    memset(f.memo, 0, sizeof f.memo);
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_FOUND);
    assert_int_equal(o->leg[1].qty, 50770000);
    assert_int_equal(o->leg[1].cost, 25385000);
}

static void test_polarity_and_directions(void **state) {
    (void)state;
    fixture f;
    setup(&f);
    /* the complement of Kalshi YES sits on the Polymarket YES token: inverted polarity */
    book(&f.kb, NULL, LV({400000, C(30)}));
    book(&f.py, NULL, LV({500000, C(200)}));
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_NO_EDGE);
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_INVERTED), PM_DET_FOUND);
    assert_int_equal(f.out[0].leg[1].outcome, PM_OUTCOME_YES);
    assert_string_equal(f.out[0].leg[1].market_id, "111");
    assert_int_equal(f.out[0].qty, C(30));
    /* Kalshi NO from the YES bids (NO ask = 1 − 0.60 = 0.40) + Polymarket YES (same polarity) */
    setup(&f);
    book(&f.kb, LV({600000, C(40)}, {510000, C(10)}), NULL);
    book(&f.py, NULL, LV({500000, C(200)}));
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_NO_EDGE);
    assert_int_equal(eval(&f, PM_DIR_KALSHI_NO, PM_POLARITY_SAME), PM_DET_FOUND);
    const pm_opportunity *o = &f.out[0];
    assert_int_equal(o->dir, PM_DIR_KALSHI_NO);
    assert_int_equal(o->leg[0].outcome, PM_OUTCOME_NO);
    assert_int_equal(o->leg[0].limit_px, 400000);
    assert_int_equal(o->qty, C(40)); /* the next NO ask: 0.49 + 0.017493 + 0.5 > 0.99 */
    assert_int_equal(o->leg[0].cost, 16680000);
    assert_int_equal(o->leg[1].outcome, PM_OUTCOME_YES);
    /* inverted: Kalshi NO pairs with the Polymarket NO token */
    book(&f.pn, NULL, LV({500000, C(200)}));
    book(&f.py, NULL, NULL);
    assert_int_equal(eval(&f, PM_DIR_KALSHI_NO, PM_POLARITY_INVERTED), PM_DET_FOUND);
    assert_int_equal(o->leg[1].outcome, PM_OUTCOME_NO);
    /* the scan finds exactly that direction */
    memset(f.memo, 0, sizeof f.memo);
    assert_int_equal(pm_det_scan_pair(&f.prm, &f.lim, &f.now, &f.k, &f.p, PM_POLARITY_INVERTED, f.memo, f.out, f.st), 1);
    assert_int_equal(f.st[PM_DIR_KALSHI_YES], PM_DET_NO_EDGE);
    assert_int_equal(f.st[PM_DIR_KALSHI_NO], PM_DET_FOUND);
    assert_string_equal(pm_det_dir_name(f.out[0].dir), "kalshi_no");
}

static void test_freshness_gate(void **state) {
    (void)state;
    fixture f;
    setup(&f);
    book(&f.kb, NULL, LV({400000, C(30)}));
    book(&f.pn, NULL, LV({500000, C(200)}));
    /* exactly max_book_age old is still fresh; one nanosecond more is not */
    f.now.mono_ns = NOW_MONO + f.prm.max_book_age_ns;
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_FOUND);
    assert_int_equal(f.out[0].leg[1].book_age_ns, f.prm.max_book_age_ns);
    f.now.mono_ns++;
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_NOT_FRESH);
    f.now.mono_ns = NOW_MONO;
    f.pn.updated_ns = NOW_MONO - 3000000000LL;
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_NOT_FRESH);
    f.pn.updated_ns = NOW_MONO;
    f.k.alive = 0;
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_NOT_FRESH);
    f.k.alive = 1;
    pm_book_invalidate(&f.kb); /* stale: resyncing */
    assert_int_equal(f.kb.state, PM_BOOK_STALE);
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_NOT_FRESH);
    pm_book_init(&f.kb); /* never had a snapshot */
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_NOT_FRESH);
    book(&f.kb, NULL, LV({400000, C(30)}));
    f.p.fee = (pm_fee_model){0};
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_NO_FEES);
    assert_string_equal(pm_det_status_name(PM_DET_NO_FEES), "no_fees");
}

static void test_min_sizes_and_profit(void **state) {
    (void)state;
    fixture f;
    setup(&f);
    f.prm.min_profit = 0;
    /* 3 contracts of depth: Polymarket's 5-share minimum refuses them */
    book(&f.kb, NULL, LV({400000, C(3)}));
    book(&f.pn, NULL, LV({500000, C(200)}));
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_TOO_SMALL);
    f.p.min_qty = C(3);
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_FOUND);
    assert_int_equal(f.out[0].qty, C(3));
    assert_int_equal(f.out[0].profit, C(3) - 1260000 - 1500000); /* 0.24 */
    f.k.min_qty = C(5);
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_TOO_SMALL);
    f.k.min_qty = C(1);
    /* min_profit 0.25 > 0.24 */
    f.prm.min_profit = 250000;
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_LOW_PROFIT);
    /* fractional depth: Kalshi trades whole contracts, 3.5 available → 3 */
    f.prm.min_profit = 0;
    book(&f.kb, NULL, LV({400000, 3500000}));
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_FOUND);
    assert_int_equal(f.out[0].qty, C(3));
    /* less than one whole contract: nothing */
    book(&f.kb, NULL, LV({400000, 500000}));
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_TOO_SMALL);
}

static void test_tick_sizes(void **state) {
    (void)state;
    fixture f;
    setup(&f);
    f.prm.min_profit = 0;
    book(&f.pn, NULL, LV({500000, C(200)}));
    /* an ask at 0.405 is off a 0.01 grid: never walked */
    book(&f.kb, NULL, LV({405000, C(10)}));
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_NO_EDGE);
    /* 0.001 grid: 4.05 + 0.07·10·0.405·0.595 = 0.16868 → 0.1687; 4.2187 → 4.22 */
    f.k.tick = 1000;
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_FOUND);
    assert_int_equal(f.out[0].leg[0].cost, 4220000);
    assert_int_equal(f.out[0].leg[0].fee, 170000);
    /* 0.0001 grid: 0.4051 → 4.051 + 0.1687 = 4.2197 → 4.22 (fee 0.169) */
    f.k.tick = 100;
    book(&f.kb, NULL, LV({405100, C(10)}));
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_FOUND);
    assert_int_equal(f.out[0].leg[0].limit_px, 405100);
    assert_int_equal(f.out[0].leg[0].cost, 4220000);
    assert_int_equal(f.out[0].leg[0].fee, 169000);
    f.k.tick = 1000;
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_NO_EDGE);
    /* the walk stops at the first off-grid level: 0.40 × 5 is taken, 0.415 is not, nor beyond */
    f.k.tick = PM_CENT;
    book(&f.kb, NULL, LV({400000, C(5)}, {415000, C(5)}, {420000, C(5)}));
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_FOUND);
    assert_int_equal(f.out[0].qty, C(5));
    /* Polymarket on a 0.001 grid at 0.495: 5 shares would be $2.475, so the buy gives $2.48,
     * signed for 5.0101 shares (2.48 / 0.495 = 5.010101, 4 decimals), which cost
     * ⌈5.0101 × 0.495⌉ = 2.4799995 → $2.480000 */
    f.p.tick = 1000;
    book(&f.pn, NULL, LV({495000, C(200)}));
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_FOUND);
    assert_int_equal(f.out[0].qty, C(5));
    assert_int_equal(f.out[0].leg[1].limit_px, 495000);
    assert_int_equal(f.out[0].leg[1].qty, 5010100);
    assert_int_equal(f.out[0].leg[1].cost, 2480000);
    f.p.tick = PM_CENT;
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_NO_EDGE);
}

static void test_balances_and_caps(void **state) {
    (void)state;
    fixture f;
    setup(&f);
    book(&f.kb, NULL, LV({400000, C(30)}));
    book(&f.pn, NULL, LV({500000, C(200)}));
    /* $5 on Kalshi: 11 contracts cost 4.59, 12 would cost 5.01 */
    f.k.balance = C(5);
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_FOUND);
    assert_int_equal(f.out[0].qty, C(11));
    assert_int_equal(f.out[0].leg[0].cost, 4590000);
    f.k.balance = C(1000);
    f.prm.max_size = C(20);
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_FOUND);
    assert_int_equal(f.out[0].qty, C(20));
    f.lim.max_qty = C(15);
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_FOUND);
    assert_int_equal(f.out[0].qty, C(15));
    /* $10 for both legs: 11 cost 4.59 + 5.50 = 10.09; 10 cost 4.17 + 5 = 9.17 */
    f.lim.max_cost = C(10);
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_FOUND);
    assert_int_equal(f.out[0].qty, C(10));
    assert_int_equal(f.out[0].cost, 9170000);
    f.p.balance = 0;
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_TOO_SMALL);
    /* no risk room left at all */
    f.p.balance = C(1000);
    f.lim.max_qty = 0;
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_TOO_SMALL);
}

static void test_annualized_return(void **state) {
    (void)state;
    fixture f;
    setup(&f);
    book(&f.kb, NULL, LV({400000, C(30)}));
    book(&f.pn, NULL, LV({500000, C(200)}));
    /* 2.49 on 27.51 is 9.05 %: over a year (the later close) that is below 10 % */
    f.k.close_ns = NOW_UNIX + 10 * DAY_NS;
    f.p.close_ns = NOW_UNIX + 365 * DAY_NS;
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_LOW_RETURN);
    f.prm.min_annualized_bps = 900;
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_FOUND);
    assert_int_equal(f.out[0].annualized_bps, 905);
    assert_int_equal(f.out[0].close_ns, NOW_UNIX + 365 * DAY_NS);
    /* an unknown close time cannot prove a return */
    f.p.close_ns = 0;
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_LOW_RETURN);
    f.prm.min_annualized_bps = 0;
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_FOUND);
    assert_int_equal(f.out[0].annualized_bps, -1);
    /* already closed */
    f.prm.min_annualized_bps = 1;
    f.p.close_ns = NOW_UNIX - 1;
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_LOW_RETURN);
}

static void test_repeat_suppression(void **state) {
    (void)state;
    fixture f;
    setup(&f);
    book(&f.kb, NULL, LV({400000, C(30)}, {480000, C(100)}, {490000, C(100)}));
    book(&f.pn, NULL, LV({500000, C(200)}));
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_FOUND);
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_SUPPRESSED);
    /* the book aged (confirmations) but nothing changed: still suppressed */
    f.now.mono_ns += 1000;
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_SUPPRESSED);
    /* a level beyond those examined (0.49) changes: not material */
    assert_int_equal(pm_book_side_set(&f.kb.ask, 490000, C(7)), 0);
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_SUPPRESSED);
    /* the first level refused (0.48) changes size: material */
    assert_int_equal(pm_book_side_set(&f.kb.ask, 480000, C(90)), 0);
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_FOUND);
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_SUPPRESSED);
    /* the walked Polymarket level changes size, even without changing the result */
    assert_int_equal(pm_book_side_set(&f.pn.ask, 500000, C(150)), 0);
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_FOUND);
    /* a fresh snapshot of the same levels: new epoch */
    book(&f.pn, NULL, LV({500000, C(150)}));
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_FOUND);
    /* the opportunity vanishes, then returns on the same levels: emitted again */
    assert_int_equal(pm_book_side_set(&f.pn.ask, 500000, 0), 0);
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_NO_EDGE);
    assert_int_equal(pm_book_side_set(&f.pn.ask, 500000, C(150)), 0);
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_FOUND);
    /* a smaller balance changes the result on the same books */
    f.k.balance = C(5);
    assert_int_equal(eval(&f, PM_DIR_KALSHI_YES, PM_POLARITY_SAME), PM_DET_FOUND);
    assert_int_equal(f.out[0].qty, C(11));
}

static void test_same_venue(void **state) {
    (void)state;
    fixture f;
    setup(&f);
    /* Polymarket YES 0.45 + NO 0.50, both with share fees; no cross-venue edge (Kalshi YES
     * 0.50 + 0.0175 + NO 0.50, Kalshi NO 0.55 + YES 0.45) and none on Kalshi alone */
    book(&f.kb, LV({450000, C(50)}), LV({500000, C(50)}));
    book(&f.py, NULL, LV({450000, C(20)}));
    book(&f.pn, NULL, LV({500000, C(20)}));
    f.p.fee = pm_fee_poly(10000, 1);
    f.prm.min_annualized_bps = 0;
    assert_int_equal(pm_det_scan_pair(&f.prm, &f.lim, &f.now, &f.k, &f.p, PM_POLARITY_SAME, f.memo, f.out, f.st), 0);
    f.prm.same_venue = 1;
    assert_int_equal(pm_det_scan_pair(&f.prm, &f.lim, &f.now, &f.k, &f.p, PM_POLARITY_SAME, f.memo, f.out, f.st), 1);
    assert_int_equal(f.st[PM_DIR_SAME_KALSHI], PM_DET_NO_EDGE);
    assert_int_equal(f.st[PM_DIR_SAME_POLY], PM_DET_FOUND);
    const pm_opportunity *o = &f.out[0];
    assert_int_equal(o->dir, PM_DIR_SAME_POLY);
    assert_int_equal(o->leg[0].venue, PM_VENUE_POLYMARKET);
    assert_int_equal(o->leg[1].venue, PM_VENUE_POLYMARKET);
    /* both legs are grossed up to hold the same quantity: 20 YES shares hold 19.89 (fee
     * 0.0055 a share), and 19.99 NO shares would hold 19.89005 (0.005 a share) but cost
     * $9.995, not whole cents: the buy gives $10.00, signed for 20 NO shares holding 19.90;
     * 9 + 10 paid */
    assert_int_equal(o->qty, 19890000);
    assert_int_equal(o->leg[0].qty, C(20));
    assert_int_equal(o->leg[0].held, 19890000);
    assert_int_equal(o->leg[1].qty, C(20));
    assert_int_equal(o->leg[1].held, 19900000);
    assert_int_equal(o->cost, C(19));
    assert_int_equal(o->profit, 890000);
    /* one venue's balance pays both legs */
    f.p.balance = C(5);
    memset(f.memo, 0, sizeof f.memo);
    assert_int_equal(pm_det_scan_pair(&f.prm, &f.lim, &f.now, &f.k, &f.p, PM_POLARITY_SAME, f.memo, f.out, f.st), 1);
    assert_true(f.out[0].leg[0].cost + f.out[0].leg[1].cost <= C(5));
}

/* ---- property test ---- */

static uint64_t rng;
static uint64_t next(void) {
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return rng >> 33;
}
static int64_t uniform(int64_t lo, int64_t hi) { return lo + (int64_t)(next() % (uint64_t)(hi - lo + 1)); }

static void random_side(pm_level *lv, size_t *n, pm_px_t from, pm_px_t tick, int up, pm_qty_t lot) {
    *n = (size_t)uniform(0, 6);
    pm_px_t px = from / tick * tick;
    for (size_t i = 0; i < *n; i++) {
        lv[i].px = px;
        lv[i].qty = uniform(1, 4000) * lot / 4 + (next() % 4 == 0 ? (pm_qty_t)uniform(1, 999999) : 0);
        px += (up ? 1 : -1) * tick * uniform(1, 3);
        if (px <= 0 || px >= PM_PX_ONE) {
            *n = i + 1;
            break;
        }
    }
}

static void random_book(pm_book *b, pm_px_t ask_from, pm_px_t tick, pm_qty_t lot) {
    pm_level bids[8], asks[8];
    size_t nb, na;
    random_side(asks, &na, ask_from, tick, 1, lot);
    random_side(bids, &nb, ask_from - tick * uniform(1, 3), tick, 0, lot);
    for (size_t i = 0; i < nb; i++)
        if (bids[i].px <= 0) nb = i;
    assert_int_equal(pm_book_snapshot(b, bids, nb, asks, na, NOW_MONO), 0);
}

/* Re-prices a leg from its book: qty taken best first at prices up to limit_px, one fill per level. */
static void check_leg(const pm_opp_leg *l, const pm_det_leg *leg) {
    const pm_book_side *s = leg->mirrored ? &leg->book->bid : &leg->book->ask;
    pm_qty_t left = l->qty, held = 0, avail = 0;
    pm_usd_t cost = 0, fee = 0;
    for (int i = s->n - 1; i >= 0; i--) {
        pm_px_t px = leg->mirrored ? PM_PX_ONE - s->lv[i].px : s->lv[i].px;
        if (px > l->limit_px) break;
        avail += s->lv[i].qty;
        if (left == 0) continue;
        pm_qty_t take = s->lv[i].qty < left ? s->lv[i].qty : left;
        pm_usd_t c, f;
        pm_qty_t d;
        assert_int_equal(pm_fee_buy(&leg->m->fee, px, take, &c, &f, &d), 0);
        cost += c;
        fee += f;
        held += d;
        left -= take;
    }
    assert_int_equal(left, 0);       /* never beyond the depth at or below the limit */
    assert_true(l->qty <= avail);
    assert_int_equal(cost, l->cost);
    assert_int_equal(fee, l->fee);
    assert_int_equal(held, l->held);
    if (leg->m->buy_in_cents) { /* exactly what its whole-cent amount is signed for */
        pm_usd_t amount;
        pm_qty_t shares;
        assert_int_equal(pm_poly_buy_size(l->limit_px, leg->m->tick, l->qty, &amount, &shares), 0);
        assert_int_equal(shares, l->qty);
    } else
        assert_int_equal(l->qty % leg->m->lot, 0);
    assert_true(l->qty >= leg->m->min_qty);
    if (leg->m->tick > 0) assert_int_equal(l->limit_px % leg->m->tick, 0);
}

static void test_property_random_books(void **state) {
    (void)state;
    static const pm_px_t ticks[3] = {10000, 1000, 100};
    fixture f;
    int found = 0, runs = 20000;
    rng = 20261201;
    for (int r = 0; r < runs; r++) {
        setup(&f);
        pm_px_t kt = ticks[uniform(0, 2)], pt = ticks[uniform(0, 2)];
        f.k.tick = kt;
        f.p.tick = pt;
        pm_px_t ka = uniform(5, 95) * PM_CENT;
        random_book(&f.kb, ka, kt, C(1));
        pm_px_t pa = PM_PX_ONE - ka - uniform(-3, 8) * PM_CENT;
        if (pa < 10000) pa = 10000;
        if (pa > 990000) pa = 990000;
        random_book(&f.py, pa, pt, 10000);
        random_book(&f.pn, pa, pt, 10000);
        f.k.fee = uniform(0, 1) ? pm_fee_kalshi(PM_KFEE_QUADRATIC, uniform(0, 2) * PM_SCALE / 2) : pm_fee_kalshi_flat(uniform(0, 3) * 5000);
        f.p.fee = pm_fee_poly(uniform(0, 7) * 10000, 1);
        f.p.min_qty = C(uniform(0, 5));
        f.k.balance = C(uniform(1, 200));
        f.p.balance = C(uniform(1, 200));
        f.prm.min_edge = uniform(0, 3) * 5000;
        f.prm.min_profit = uniform(0, 2) * 50000;
        f.prm.max_size = C(uniform(1, 300));
        f.prm.min_annualized_bps = 0;
        f.prm.same_venue = 1;
        f.lim.max_cost = C(uniform(1, 300));
        pm_polarity pol = uniform(0, 1) ? PM_POLARITY_SAME : PM_POLARITY_INVERTED;
        int n = pm_det_scan_pair(&f.prm, &f.lim, &f.now, &f.k, &f.p, pol, f.memo, f.out, f.st);
        for (int i = 0; i < n; i++) {
            const pm_opportunity *o = &f.out[i];
            pm_det_leg a, b;
            pm_det_legs(o->dir, &f.k, &f.p, pol, &a, &b);
            check_leg(&o->leg[0], &a);
            check_leg(&o->leg[1], &b);
            assert_true(o->qty > 0);
            assert_true(o->leg[0].held >= o->qty && o->leg[1].held >= o->qty);
            assert_int_equal(o->cost, o->leg[0].cost + o->leg[1].cost);
            assert_int_equal(o->profit, o->qty - o->cost);
            /* cost with fees at most qty × ($1 − min_edge) */
            assert_true((__int128)o->cost * PM_SCALE <= (__int128)o->qty * (PM_PX_ONE - f.prm.min_edge));
            assert_true(o->profit >= f.prm.min_profit);
            assert_true(o->qty <= f.prm.max_size);
            assert_true(o->cost <= f.lim.max_cost);
            if (a.m == b.m) assert_true(o->cost <= a.m->balance);
            else assert_true(o->leg[0].cost <= a.m->balance && o->leg[1].cost <= b.m->balance);
            found++;
        }
    }
    /* the generator must exercise the emitting path, not just the refusals */
    assert_true(found > runs / 20);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fees_turn_arbitrage_into_loss), cmocka_unit_test(test_suspect_book_not_traded),
        cmocka_unit_test(test_depth_limits_size),
        cmocka_unit_test(test_polymarket_fee_in_shares),
        cmocka_unit_test(test_polarity_and_directions),
        cmocka_unit_test(test_freshness_gate),
        cmocka_unit_test(test_min_sizes_and_profit),
        cmocka_unit_test(test_tick_sizes),
        cmocka_unit_test(test_balances_and_caps),
        cmocka_unit_test(test_annualized_return),
        cmocka_unit_test(test_repeat_suppression),
        cmocka_unit_test(test_same_venue),
        cmocka_unit_test(test_property_random_books),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
