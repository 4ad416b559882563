/* test_risk.c — the live risk gate (core/risk.h): every refusal reason at its exact boundary
 * and in enum order, the token bucket's refill to the nanosecond, reservations released and
 * fills held by order_done, cash room above the venue minimum, the detector's room, cooldown
 * and blacklist from one-legged outcomes, the daily loss across a UTC day boundary, a pair held
 * by trades the gate did not admit (recovered ones), and the pair table's moves and resizes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/risk.h"

#define C(n)  ((pm_qty_t)(n) * PM_SCALE)   /* contracts */
#define D(n)  ((pm_usd_t)(n) * PM_SCALE)   /* dollars */
#define S(n)  ((int64_t)(n) * 1000000000LL) /* seconds in ns */
#define K     PM_VENUE_KALSHI
#define P     PM_VENUE_POLYMARKET
#define T0    S(1000)

/* Limits that never bind unless a test lowers one. */
static pm_risk_limits wide(void) {
    pm_risk_limits l = {
        .max_contracts_per_pair = C(1000), .max_contracts_per_venue = C(1000), .max_contracts_total = C(1000),
        .max_notional_per_pair = D(1000),  .max_notional_per_venue = D(1000),  .max_notional_total = D(1000),
        .max_open_orders = 100, .max_orders_per_second = 100, .daily_loss_limit = D(50),
        .min_balance = {D(10), D(5)}, .max_one_legged = 2, .one_legged_window_ns = S(60),
    };
    return l;
}

static pm_risk *gate(const pm_risk_limits *l, size_t npairs) {
    pm_risk *r = pm_risk_new(l, npairs);
    assert_non_null(r);
    pm_risk_set_cash(r, K, D(10000));
    pm_risk_set_cash(r, P, D(10000));
    return r;
}

/* Admits a two-leg intent (Kalshi kq/kc, Polymarket pq/pc) of two orders at T0. */
static pm_risk_reason admit2(pm_risk *r, size_t pair, pm_qty_t kq, pm_usd_t kc, pm_qty_t pq, pm_usd_t pc) {
    pm_risk_leg legs[2] = {{K, kq, kc}, {P, pq, pc}};
    return pm_risk_admit(r, pair, legs, 2, 2, T0);
}

static pm_risk_reason admit1(pm_risk *r, size_t pair, pm_venue v, pm_qty_t q, pm_usd_t c) {
    pm_risk_leg leg = {v, q, c};
    return pm_risk_admit(r, pair, &leg, 1, 1, T0);
}

/* Finishes an intent's orders with what they reserved filled in full. */
static void fill2(pm_risk *r, size_t pair, pm_qty_t kq, pm_usd_t kc, pm_qty_t pq, pm_usd_t pc) {
    pm_risk_leg k = {K, kq, kc}, p = {P, pq, pc};
    pm_risk_order_done(r, pair, &k, kq, kc);
    pm_risk_order_done(r, pair, &p, pq, pc);
    pm_risk_trade_done(r, pair);
}

static pm_risk_stats stats(const pm_risk *r) {
    pm_risk_stats s;
    pm_risk_get_stats(r, &s);
    return s;
}

static void room(const pm_risk *r, size_t pair, pm_qty_t want_q, pm_usd_t want_c) {
    pm_qty_t q = -1;
    pm_usd_t c = -1;
    pm_risk_room(r, pair, &q, &c);
    assert_int_equal(q, want_q);
    assert_int_equal(c, want_c);
}

static void test_reason_names(void **state) {
    (void)state;
    static const char *const want[PM_RISK_REASON_COUNT] = {
        "ok", "killed", "halted", "daily_loss", "pair_busy", "pair_cooldown", "pair_blacklisted",
        "open_orders", "order_rate", "min_balance", "pair_limit", "venue_limit", "total_limit",
    };
    for (int i = 0; i < PM_RISK_REASON_COUNT; i++) assert_string_equal(pm_risk_reason_name((pm_risk_reason)i), want[i]);
    assert_string_equal(pm_risk_reason_name((pm_risk_reason)PM_RISK_REASON_COUNT), "unknown");
}

static void test_pair_limits(void **state) {
    (void)state;
    pm_risk_limits l = wide();
    l.max_contracts_per_pair = C(10);
    l.max_notional_per_pair = D(8);
    pm_risk *r = gate(&l, 2);
    assert_int_equal(admit2(r, 0, C(10) + 1, D(1), C(1), D(1)), PM_RISK_PAIR_LIMIT);
    assert_int_equal(admit2(r, 0, C(1), D(5), C(1), D(3) + 1), PM_RISK_PAIR_LIMIT);
    assert_int_equal(admit2(r, 0, C(10), D(5), C(4), D(2)), PM_RISK_OK);
    fill2(r, 0, C(10), D(5), C(4), D(2));
    /* the pair's contracts are its larger leg: Polymarket may grow to 10 */
    assert_int_equal(admit1(r, 0, P, C(6), D(1)), PM_RISK_OK);
    pm_risk_trade_done(r, 0);
    assert_int_equal(admit1(r, 0, P, 1, 0), PM_RISK_PAIR_LIMIT);
    assert_int_equal(admit1(r, 0, K, 1, 0), PM_RISK_PAIR_LIMIT);
    /* notional: $8 used, nothing more */
    assert_int_equal(admit1(r, 1, K, C(1), D(8)), PM_RISK_OK);
    pm_risk_trade_done(r, 1);
    assert_int_equal(admit1(r, 1, K, 0, 1), PM_RISK_PAIR_LIMIT);
    pm_risk_stats s = stats(r);
    assert_int_equal(s.refused[PM_RISK_PAIR_LIMIT], 5);
    assert_int_equal(s.refused[PM_RISK_OK], 3);
    pm_risk_free(r);
}

static void test_venue_limits(void **state) {
    (void)state;
    pm_risk_limits l = wide();
    l.max_contracts_per_venue = C(15);
    l.max_notional_per_venue = D(12);
    pm_risk *r = gate(&l, 4);
    assert_int_equal(admit2(r, 0, C(10), D(4), C(1), D(1)), PM_RISK_OK);
    assert_int_equal(admit2(r, 1, C(5) + 1, D(1), C(1), D(1)), PM_RISK_VENUE_LIMIT);
    assert_int_equal(admit2(r, 1, C(5), D(1), C(1), D(1)), PM_RISK_OK); /* Kalshi at 15 contracts */
    assert_int_equal(admit1(r, 2, K, 1, 0), PM_RISK_VENUE_LIMIT);
    assert_int_equal(admit1(r, 2, P, C(1), D(10)), PM_RISK_OK);          /* Kalshi untouched; Polymarket at $12 */
    assert_int_equal(admit1(r, 3, P, 0, 1), PM_RISK_VENUE_LIMIT);
    pm_risk_stats s = stats(r);
    assert_int_equal(s.reserved_qty[K], C(15));
    assert_int_equal(s.reserved_cost[P], D(12));
    assert_int_equal(s.refused[PM_RISK_VENUE_LIMIT], 3);
    pm_risk_free(r);
}

static void test_total_limits(void **state) {
    (void)state;
    pm_risk_limits l = wide();
    l.max_contracts_total = C(20);
    l.max_notional_total = D(16);
    pm_risk *r = gate(&l, 3);
    assert_int_equal(admit2(r, 0, C(10), D(3), C(4), D(3)), PM_RISK_OK);  /* pair 0: 10 contracts */
    assert_int_equal(admit2(r, 1, C(3), D(3), C(10), D(3)), PM_RISK_OK);  /* pair 1: 10 contracts */
    assert_int_equal(admit1(r, 2, K, 1, 0), PM_RISK_TOTAL_LIMIT);
    pm_risk_trade_done(r, 0);
    assert_int_equal(admit1(r, 0, P, C(6), D(4)), PM_RISK_OK);  /* pair 0 stays at 10; $16 in all */
    pm_risk_trade_done(r, 0);
    assert_int_equal(admit1(r, 0, K, 0, 1), PM_RISK_TOTAL_LIMIT);
    assert_int_equal(stats(r).refused[PM_RISK_TOTAL_LIMIT], 2);
    pm_risk_free(r);
}

static void test_open_orders(void **state) {
    (void)state;
    pm_risk_limits l = wide();
    l.max_open_orders = 4;
    pm_risk *r = gate(&l, 4);
    assert_int_equal(admit2(r, 0, C(1), D(1), C(1), D(1)), PM_RISK_OK);
    pm_risk_leg legs[2] = {{K, C(1), D(1)}, {P, C(1), D(1)}};
    assert_int_equal(pm_risk_admit(r, 1, legs, 2, 3, T0), PM_RISK_OPEN_ORDERS); /* 2 + 3 > 4 */
    assert_int_equal(pm_risk_admit(r, 1, legs, 2, 2, T0), PM_RISK_OK);          /* 2 + 2 = 4 */
    assert_int_equal(admit1(r, 2, K, C(1), D(1)), PM_RISK_OPEN_ORDERS);
    pm_risk_leg hedge = {P, C(1), D(1)};
    assert_int_equal(pm_risk_admit_order(r, 0, &hedge, T0), PM_RISK_OPEN_ORDERS);
    pm_risk_order_done(r, 0, &legs[0], 0, 0);
    assert_int_equal(stats(r).open_orders, 3);
    assert_int_equal(pm_risk_admit_order(r, 0, &hedge, T0), PM_RISK_OK);
    assert_int_equal(stats(r).open_orders, 4);
    pm_risk_free(r);
}

static void test_order_rate(void **state) {
    (void)state;
    pm_risk_limits l = wide();
    l.max_orders_per_second = 5;
    pm_risk *r = gate(&l, 16);
    pm_risk_leg leg = {K, C(1), D(1)};
    for (size_t i = 0; i < 5; i++) assert_int_equal(pm_risk_admit(r, i, &leg, 1, 1, T0), PM_RISK_OK);
    assert_int_equal(pm_risk_admit(r, 5, &leg, 1, 1, T0), PM_RISK_ORDER_RATE);
    assert_int_equal(pm_risk_admit(r, 5, &leg, 1, 1, T0 + 199999999), PM_RISK_ORDER_RATE);
    assert_int_equal(pm_risk_admit(r, 5, &leg, 1, 1, T0 + 200000000), PM_RISK_OK);
    assert_int_equal(pm_risk_admit(r, 6, &leg, 1, 1, T0 + 200000000), PM_RISK_ORDER_RATE);
    /* two orders need two tokens: 399999999 ns later is one short */
    assert_int_equal(pm_risk_admit(r, 6, &leg, 1, 2, T0 + 599999999), PM_RISK_ORDER_RATE);
    assert_int_equal(pm_risk_admit(r, 6, &leg, 1, 2, T0 + 600000000), PM_RISK_OK);
    /* hedges take tokens too; the kill switch refuses them */
    assert_int_equal(pm_risk_admit_order(r, 6, &leg, T0 + 799999999), PM_RISK_ORDER_RATE);
    assert_int_equal(pm_risk_admit_order(r, 6, &leg, T0 + 800000000), PM_RISK_OK);
    /* a long idle fills the bucket to its depth, no more */
    for (size_t i = 7; i < 12; i++) assert_int_equal(pm_risk_admit(r, i, &leg, 1, 1, T0 + S(3600)), PM_RISK_OK);
    assert_int_equal(pm_risk_admit(r, 12, &leg, 1, 1, T0 + S(3600)), PM_RISK_ORDER_RATE);
    /* a clock that steps back adds nothing */
    assert_int_equal(pm_risk_admit(r, 12, &leg, 1, 1, T0), PM_RISK_ORDER_RATE);
    pm_risk_kill(r, 1);
    assert_int_equal(pm_risk_admit_order(r, 6, &leg, T0 + S(7200)), PM_RISK_KILLED);
    pm_risk_stats s = stats(r);
    assert_int_equal(s.refused[PM_RISK_ORDER_RATE], 6);
    assert_int_equal(s.refused[PM_RISK_OK], 12);
    assert_int_equal(s.open_orders, 14);
    pm_risk_free(r);
}

static void test_cash_room(void **state) {
    (void)state;
    pm_risk_limits l = wide();
    pm_risk *r = pm_risk_new(&l, 3);
    assert_non_null(r);
    assert_int_equal(pm_risk_cash_room(r, K), 0); /* unknown until the first balance read */
    assert_int_equal(admit1(r, 0, K, C(1), 1), PM_RISK_MIN_BALANCE);
    assert_int_equal(stats(r).cash[K], 0);
    pm_risk_set_cash(r, K, D(30));
    pm_risk_set_cash(r, P, D(4));                 /* below the $5 minimum */
    assert_int_equal(pm_risk_cash_room(r, K), D(20));
    assert_int_equal(pm_risk_cash_room(r, P), 0);
    assert_int_equal(admit1(r, 0, K, C(1), D(20) + 1), PM_RISK_MIN_BALANCE);
    assert_int_equal(admit1(r, 0, K, C(1), D(12)), PM_RISK_OK);
    assert_int_equal(pm_risk_cash_room(r, K), D(8));
    assert_int_equal(stats(r).cash[K], D(18));
    /* the order filled for less than it reserved: the rest comes back */
    pm_risk_leg res = {K, C(1), D(12)};
    pm_risk_order_done(r, 0, &res, C(1), D(11));
    assert_int_equal(pm_risk_cash_room(r, K), D(9));
    assert_int_equal(stats(r).cash[K], D(19));
    /* two legs on one venue are summed against its room */
    pm_risk_leg two[2] = {{K, C(1), D(5)}, {K, C(1), D(4) + 1}};
    assert_int_equal(pm_risk_admit(r, 1, two, 2, 2, T0), PM_RISK_MIN_BALANCE);
    two[1].cost = D(4);
    assert_int_equal(pm_risk_admit(r, 1, two, 2, 2, T0), PM_RISK_OK);
    assert_int_equal(pm_risk_cash_room(r, K), 0);
    assert_int_equal(admit1(r, 2, P, C(1), 1), PM_RISK_MIN_BALANCE);
    assert_int_equal(admit1(r, 2, P, C(1), 0), PM_RISK_OK);
    assert_int_equal(stats(r).refused[PM_RISK_MIN_BALANCE], 4);
    pm_risk_free(r);
}

static void test_order_done(void **state) {
    (void)state;
    pm_risk_limits l = wide();
    l.max_contracts_per_pair = C(10);
    pm_risk *r = gate(&l, 2);
    pm_risk_set_cash(r, K, D(100));
    assert_int_equal(admit2(r, 0, C(10), D(4), C(10), D(5)), PM_RISK_OK);
    pm_risk_stats s = stats(r);
    assert_int_equal(s.open_orders, 2);
    assert_int_equal(s.reserved_qty[K], C(10));
    assert_int_equal(s.reserved_cost[K], D(4));
    assert_int_equal(s.reserved_qty[P], C(10));
    assert_int_equal(s.reserved_cost[P], D(5));
    assert_int_equal(s.cash[K], D(96));
    assert_int_equal(admit2(r, 0, 0, 0, 0, 0), PM_RISK_PAIR_BUSY);
    room(r, 0, 0, 0);
    pm_risk_leg k = {K, C(10), D(4)}, p = {P, C(10), D(5)};
    pm_risk_order_done(r, 0, &k, C(7), 2800000);
    s = stats(r);
    assert_int_equal(s.open_orders, 1);
    assert_int_equal(s.reserved_qty[K], 0);
    assert_int_equal(s.reserved_cost[K], 0);
    assert_int_equal(s.held_qty[K], C(7));
    assert_int_equal(s.held_cost[K], 2800000);
    assert_int_equal(s.cash[K], 97200000);
    pm_risk_order_done(r, 0, &p, C(10), D(5));
    pm_risk_trade_done(r, 0);
    room(r, 0, 0, 87200000); /* holds 10 (its larger leg); Kalshi cash room 97.2 − 10 */
    /* a sale reduces what is held and brings cash in */
    pm_risk_leg sell = {K, 0, 0};
    assert_int_equal(pm_risk_admit_order(r, 0, &sell, T0), PM_RISK_OK);
    pm_risk_order_done(r, 0, &sell, -C(3), -1200000);
    s = stats(r);
    assert_int_equal(s.held_qty[K], C(4));
    assert_int_equal(s.held_cost[K], 1600000);
    assert_int_equal(s.cash[K], 98400000);
    assert_int_equal(s.open_orders, 0);
    /* a stray order_done never takes open orders below zero */
    pm_risk_order_done(r, 1, &sell, 0, 0);
    assert_int_equal(stats(r).open_orders, 0);
    pm_risk_free(r);
}

static void test_room(void **state) {
    (void)state;
    pm_risk_limits l = wide();
    l.max_contracts_per_pair = C(10);
    l.max_contracts_per_venue = C(15);
    l.max_contracts_total = C(20);
    l.max_notional_per_pair = D(8);
    l.max_notional_per_venue = D(12);
    l.max_notional_total = D(16);
    pm_risk *r = gate(&l, 3);
    pm_risk_set_cash(r, K, D(100));
    pm_risk_set_cash(r, P, D(100));
    room(r, 0, C(10), D(8));
    assert_int_equal(admit2(r, 0, C(6), D(3), C(4), D(2)), PM_RISK_OK);
    fill2(r, 0, C(6), D(3), C(4), D(2));
    room(r, 0, C(4), D(3));
    room(r, 1, C(9), D(8));                      /* Kalshi venue: 15 − 6 */
    assert_int_equal(admit2(r, 1, C(8), D(6), C(8), D(1)), PM_RISK_OK);
    room(r, 1, 0, 0);                           /* busy */
    room(r, 2, C(1), D(3));                     /* Kalshi: 14 of 15 contracts, $9 of $12 */
    pm_risk_trade_done(r, 1);
    room(r, 1, C(1), D(1));                     /* Kalshi 14 of 15; pair 1 $7 of $8 */
    pm_risk_set_cash(r, P, D(7));               /* cash room: 7 − 1 reserved − 5 */
    room(r, 2, C(1), D(1));
    pm_risk_set_cash(r, P, D(100));
    pm_risk_kill(r, 1);
    room(r, 2, 0, 0);
    pm_risk_kill(r, 0);
    pm_risk_halt(r, 1);
    room(r, 2, 0, 0);
    pm_risk_halt(r, 0);
    pm_risk_pair_blacklist(r, 2);
    room(r, 2, 0, 0);
    pm_risk_pair_clear(r, 2);
    room(r, 2, C(1), D(3));
    room(r, 3, 0, 0);                           /* no such pair */
    pm_risk_free(r);
}

static void test_enum_order(void **state) {
    (void)state;
    pm_risk_limits l = wide();
    l.max_open_orders = 3;
    l.max_orders_per_second = 2;
    l.max_contracts_per_pair = C(1);
    pm_risk *r = gate(&l, 3);
    /* pair 0 busy, pair 1 cooling and blacklisted; every later gate closed too */
    assert_int_equal(admit2(r, 0, C(1), D(1), C(1), D(1)), PM_RISK_OK); /* 2 open, no tokens left */
    pm_risk_one_legged(r, 1, T0);
    assert_int_equal(pm_risk_one_legged(r, 1, T0), 1);
    pm_risk_pair_blacklist(r, 1);
    pm_risk_set_pnl(r, 0, S(0));
    pm_risk_set_pnl(r, -D(50), S(1));
    pm_risk_halt(r, 1);
    pm_risk_kill(r, 1);
    assert_int_equal(admit1(r, 0, K, C(1), D(1)), PM_RISK_KILLED);
    pm_risk_kill(r, 0);
    assert_int_equal(admit1(r, 0, K, C(1), D(1)), PM_RISK_HALTED);
    pm_risk_halt(r, 0);
    assert_int_equal(admit1(r, 0, K, C(1), D(1)), PM_RISK_DAILY_LOSS);
    pm_risk_set_pnl(r, -D(50), S(86400));
    assert_int_equal(admit1(r, 0, K, C(1), D(1)), PM_RISK_PAIR_BUSY);
    assert_int_equal(admit1(r, 1, K, C(1), D(1)), PM_RISK_PAIR_COOLDOWN);
    assert_int_equal(pm_risk_admit(r, 1, &(pm_risk_leg){K, C(1), D(1)}, 1, 1, T0 + S(60)), PM_RISK_PAIR_BLACKLISTED);
    pm_risk_leg legs[2] = {{K, C(2), D(1)}, {P, C(2), D(100000)}};
    assert_int_equal(pm_risk_admit(r, 2, legs, 2, 2, T0), PM_RISK_OPEN_ORDERS);
    assert_int_equal(pm_risk_admit(r, 2, legs, 2, 1, T0), PM_RISK_ORDER_RATE);
    assert_int_equal(pm_risk_admit(r, 2, legs, 2, 1, T0 + S(1)), PM_RISK_MIN_BALANCE);
    legs[1].cost = D(1);
    assert_int_equal(pm_risk_admit(r, 2, legs, 2, 1, T0 + S(1)), PM_RISK_PAIR_LIMIT);
    pm_risk_stats s = stats(r);
    for (int i = 0; i <= PM_RISK_PAIR_LIMIT; i++) assert_int_equal(s.refused[i], 1);
    assert_true(pm_risk_killed(r) == 0 && pm_risk_halted(r) == 0);
    pm_risk_free(r);
}

static void test_malformed(void **state) {
    (void)state;
    pm_risk_limits l = wide();
    pm_risk *r = gate(&l, 1);
    pm_risk_leg bad_venue = {(pm_venue)7, C(1), D(1)}, neg = {K, C(1), -1}, ok = {K, C(1), D(1)};
    assert_int_equal(pm_risk_admit(r, 0, &bad_venue, 1, 1, T0), PM_RISK_PAIR_LIMIT);
    assert_int_equal(pm_risk_admit(r, 0, &neg, 1, 1, T0), PM_RISK_PAIR_LIMIT);
    assert_int_equal(pm_risk_admit(r, 0, &ok, 0, 1, T0), PM_RISK_PAIR_LIMIT);
    assert_int_equal(pm_risk_admit(r, 0, &ok, 1, 0, T0), PM_RISK_PAIR_LIMIT);
    assert_int_equal(pm_risk_admit(r, 0, NULL, 1, 1, T0), PM_RISK_PAIR_LIMIT);
    assert_int_equal(pm_risk_admit(r, 1, &ok, 1, 1, T0), PM_RISK_PAIR_BLACKLISTED); /* unknown pair */
    assert_int_equal(pm_risk_admit_order(r, 1, &ok, T0), PM_RISK_PAIR_BLACKLISTED);
    assert_int_equal(pm_risk_admit_order(r, 0, &neg, T0), PM_RISK_PAIR_LIMIT);
    pm_risk_order_done(r, 5, &ok, C(1), D(1));
    assert_int_equal(pm_risk_one_legged(r, 5, T0), 0);
    pm_risk_hold(r, 5, K, C(1), D(1));
    assert_int_equal(pm_risk_cash_room(r, (pm_venue)-1), 0);
    assert_int_equal(pm_risk_admit(NULL, 0, &ok, 1, 1, T0), PM_RISK_KILLED);
    assert_null(pm_risk_new(NULL, 1));
    pm_risk_stats s = stats(r);
    assert_int_equal(s.held_qty[K], 0);
    assert_int_equal(s.open_orders, 0);
    assert_int_equal(s.refused[PM_RISK_PAIR_LIMIT], 5);
    pm_risk_free(r);
    pm_risk_free(NULL);
}

static void test_cooldown_blacklist(void **state) {
    (void)state;
    pm_risk_limits l = wide();
    pm_risk *r = gate(&l, 2);
    const int64_t t = T0;
    assert_int_equal(pm_risk_one_legged(r, 0, t), 0);
    assert_int_equal(pm_risk_one_legged(r, 0, t + S(60)), 0);     /* the first is out of the window */
    assert_int_equal(pm_risk_one_legged(r, 0, t + S(60) + 1), 1); /* two within 60 s: cooldown */
    const int64_t c = t + S(60) + 1;
    room(r, 0, C(1000), D(1000));                                  /* room has no clock; admit refuses */
    pm_risk_leg leg = {K, C(1), D(1)};
    assert_int_equal(pm_risk_admit(r, 0, &leg, 1, 1, c), PM_RISK_PAIR_COOLDOWN);
    assert_int_equal(pm_risk_admit(r, 0, &leg, 1, 1, c + S(60) - 1), PM_RISK_PAIR_COOLDOWN);
    assert_int_equal(pm_risk_admit(r, 1, &leg, 1, 1, c), PM_RISK_OK); /* other pairs trade */
    assert_int_equal(pm_risk_admit(r, 0, &leg, 1, 1, c + S(60)), PM_RISK_OK);
    pm_risk_trade_done(r, 0);
    /* the count restarted at the cooldown: one more is not enough, the threshold again is */
    assert_int_equal(pm_risk_one_legged(r, 0, c + S(100)), 0);
    assert_int_equal(pm_risk_one_legged(r, 0, c + S(200)), 0);
    assert_int_equal(pm_risk_one_legged(r, 0, c + S(201)), 2);
    assert_int_equal(pm_risk_admit(r, 0, &leg, 1, 1, c + S(10000)), PM_RISK_PAIR_BLACKLISTED);
    room(r, 0, 0, 0);
    assert_int_equal(pm_risk_one_legged(r, 0, c + S(202)), 0); /* already blacklisted */
    pm_risk_stats s = stats(r);
    assert_int_equal(s.one_legged, 7);
    assert_int_equal(s.pairs_cooled, 1);
    assert_int_equal(s.pairs_blacklisted, 1);
    /* a person clears it: the next threshold is a cooldown again */
    pm_risk_pair_clear(r, 0);
    assert_int_equal(pm_risk_admit(r, 0, &leg, 1, 1, c + S(10000)), PM_RISK_OK);
    pm_risk_one_legged(r, 0, c + S(10001));
    assert_int_equal(pm_risk_one_legged(r, 0, c + S(10001)), 1);
    pm_risk_free(r);
}

static void test_daily_loss(void **state) {
    (void)state;
    pm_risk_limits l = wide();
    pm_risk *r = gate(&l, 1);
    pm_risk_leg leg = {K, C(1), D(1)};
    const int64_t day = S(86400) * 20000; /* a UTC midnight */
    pm_risk_set_pnl(r, D(20), day + S(3600));     /* the day's base */
    pm_risk_set_pnl(r, D(20) - D(50) + 1, day + S(7200));
    assert_int_equal(stats(r).day_loss, D(50) - 1);
    assert_int_equal(pm_risk_admit(r, 0, &leg, 1, 1, T0), PM_RISK_OK);
    pm_risk_trade_done(r, 0);
    pm_risk_set_pnl(r, -D(30), day + S(86400) - 1); /* the day's last nanosecond */
    assert_int_equal(stats(r).day_loss, D(50));
    assert_int_equal(pm_risk_admit(r, 0, &leg, 1, 1, T0), PM_RISK_DAILY_LOSS);
    room(r, 0, 0, 0);
    pm_risk_set_pnl(r, D(10), day + S(86400) - 1); /* recovering the same day does not lift it */
    assert_int_equal(stats(r).day_loss, D(10));
    assert_int_equal(pm_risk_admit(r, 0, &leg, 1, 1, T0), PM_RISK_DAILY_LOSS);
    pm_risk_set_pnl(r, -D(40), day + S(86400));     /* midnight: a new base, the halt cleared */
    assert_int_equal(stats(r).day_loss, 0);
    assert_int_equal(pm_risk_admit(r, 0, &leg, 1, 1, T0), PM_RISK_OK);
    pm_risk_set_pnl(r, -D(50), day + S(86400) + 1);
    assert_int_equal(stats(r).day_loss, D(10));
    pm_risk_set_pnl(r, -D(100), day - 1);           /* an earlier day is taken as today */
    assert_int_equal(stats(r).day_loss, D(60));
    assert_int_equal(stats(r).refused[PM_RISK_DAILY_LOSS], 2);
    pm_risk_free(r);
}

/* What earlier runs left held counts like a fill: it takes room, not open orders or tokens. */
static void test_hold(void **state) {
    (void)state;
    pm_risk_limits l = wide();
    l.max_contracts_per_pair = C(10);
    pm_risk *r = gate(&l, 3);
    pm_risk_hold(r, 2, K, C(6), D(3));
    pm_risk_hold(r, 2, P, C(6), D(4));
    room(r, 2, C(4), D(1000) - D(7));
    room(r, 0, C(10), D(1000) - D(7)); /* the total notional room is shared */
    pm_risk_stats s = stats(r);
    assert_int_equal(s.held_qty[K], C(6));
    assert_int_equal(s.held_cost[P], D(4));
    assert_int_equal(s.open_orders, 0);
    assert_int_equal(pm_risk_admit(r, 2, &(pm_risk_leg){K, C(5), 0}, 1, 1, T0), PM_RISK_PAIR_LIMIT);
    assert_int_equal(pm_risk_admit(r, 2, &(pm_risk_leg){K, C(4), 0}, 1, 1, T0), PM_RISK_OK);
    pm_risk_free(r);
}

/* A recovered trade holds its pair like an admitted one: refused as busy (counted), no room for
 * the detector, nothing reserved; the pair is free once every holder is done, and a done
 * without a holder changes nothing. */
static void test_trade_begin(void **state) {
    (void)state;
    pm_risk_limits l = wide();
    pm_risk *r = gate(&l, 2);
    pm_risk_trade_begin(r, 1);
    pm_risk_trade_begin(r, 1); /* two recovered trades on the pair */
    assert_int_equal(admit1(r, 1, K, C(1), D(1)), PM_RISK_PAIR_BUSY);
    room(r, 1, 0, 0);
    room(r, 0, C(1000), D(1000));
    pm_risk_stats s = stats(r);
    assert_int_equal(s.open_orders, 0);
    assert_int_equal(s.reserved_qty[K], 0);
    /* a hedge of the recovered trade still goes out */
    assert_int_equal(pm_risk_admit_order(r, 1, &(pm_risk_leg){P, C(2), D(1)}, T0), PM_RISK_OK);
    pm_risk_order_done(r, 1, &(pm_risk_leg){P, C(2), D(1)}, C(2), D(1));
    pm_risk_trade_done(r, 1);
    assert_int_equal(admit1(r, 1, K, C(1), D(1)), PM_RISK_PAIR_BUSY);
    pm_risk_trade_done(r, 1);
    assert_int_equal(admit1(r, 1, K, C(1), D(1)), PM_RISK_OK);
    pm_risk_trade_done(r, 1);
    pm_risk_trade_done(r, 1); /* no holder: still free */
    assert_int_equal(admit1(r, 1, K, C(1), D(1)), PM_RISK_OK);
    s = stats(r);
    assert_int_equal(s.refused[PM_RISK_PAIR_BUSY], 2);
    assert_int_equal(s.refused[PM_RISK_OK], 2);
    pm_risk_trade_begin(r, 2); /* beyond the table: ignored */
    pm_risk_trade_done(r, 2);
    pm_risk_free(r);
}

static void test_resize(void **state) {
    (void)state;
    pm_risk_limits l = wide();
    l.max_contracts_total = C(20);
    pm_risk *r = gate(&l, 2);
    assert_int_equal(admit2(r, 0, C(5), D(1), C(5), D(1)), PM_RISK_OK);
    fill2(r, 0, C(5), D(1), C(5), D(1));
    assert_int_equal(admit2(r, 1, C(7), D(2), C(3), D(1)), PM_RISK_OK);
    fill2(r, 1, C(7), D(2), C(3), D(1));
    assert_int_equal(pm_risk_resize(r, 100), 0);
    room(r, 99, C(8), D(1000) - D(5));
    assert_int_equal(pm_risk_admit(r, 99, &(pm_risk_leg){K, C(8), 0}, 1, 1, T0), PM_RISK_OK);
    pm_risk_pair_blacklist(r, 50);
    /* shrinking forgets the dropped pairs' figures */
    assert_int_equal(pm_risk_resize(r, 1), 0);
    pm_risk_stats s = stats(r);
    assert_int_equal(s.held_qty[K], C(5));
    assert_int_equal(s.held_qty[P], C(5));
    assert_int_equal(s.reserved_qty[K], 0);
    room(r, 0, C(15), D(1000) - D(2));
    assert_int_equal(admit1(r, 1, K, 0, 0), PM_RISK_PAIR_BLACKLISTED);
    assert_int_equal(pm_risk_resize(r, 60), 0);
    room(r, 1, C(15), D(1000) - D(2));
    room(r, 50, C(15), D(1000) - D(2)); /* a regrown pair starts fresh */
    assert_int_equal(pm_risk_resize(r, 0), 0);
    room(r, 0, 0, 0);
    pm_risk_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reason_names),    cmocka_unit_test(test_pair_limits),
        cmocka_unit_test(test_venue_limits),    cmocka_unit_test(test_total_limits),
        cmocka_unit_test(test_open_orders),     cmocka_unit_test(test_order_rate),
        cmocka_unit_test(test_cash_room),       cmocka_unit_test(test_order_done),
        cmocka_unit_test(test_room),            cmocka_unit_test(test_enum_order),
        cmocka_unit_test(test_malformed),       cmocka_unit_test(test_cooldown_blacklist),
        cmocka_unit_test(test_daily_loss),      cmocka_unit_test(test_hold),
        cmocka_unit_test(test_trade_begin),     cmocka_unit_test(test_resize),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
