/* test_book.c — order book sides: snapshot sorting and validation, absolute and signed
 * updates, capacity overflow with an unknown horizon, and depth walks at level boundaries. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/book.h"

#define PX(c) ((pm_px_t)(c) * 10000)        /* cents → micro-dollars */
#define Q(n) ((pm_qty_t)(n) * 1000000)      /* contracts → millionths */

static void expect_side(const pm_book_side *s, const pm_level *want, size_t n) {
    assert_int_equal(s->n, n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(s->lv[i].px, want[i].px);
        assert_int_equal(s->lv[i].qty, want[i].qty);
    }
}

static void test_snapshot_sorts_and_trusts(void **state) {
    (void)state;
    pm_book b;
    pm_book_init(&b);
    assert_int_equal(b.state, PM_BOOK_EMPTY);
    pm_level bids[] = {{PX(42), Q(13)}, {PX(35), Q(200)}, {PX(41), Q(5)}};
    pm_level asks[] = {{PX(44), Q(17)}, {PX(46), Q(400)}};
    assert_int_equal(pm_book_snapshot(&b, bids, 3, asks, 2, 111), 0);
    assert_int_equal(b.state, PM_BOOK_LIVE);
    assert_int_equal(b.epoch, 1);
    assert_int_equal(b.updated_ns, 111);
    expect_side(&b.bid, (pm_level[]){{PX(35), Q(200)}, {PX(41), Q(5)}, {PX(42), Q(13)}}, 3);
    expect_side(&b.ask, (pm_level[]){{PX(46), Q(400)}, {PX(44), Q(17)}}, 2);
    assert_int_equal(pm_book_best(&b.bid)->px, PX(42));
    assert_int_equal(pm_book_best(&b.ask)->px, PX(44));
    assert_int_equal(pm_book_qty_at(&b.bid, PX(41)), Q(5));
    assert_int_equal(pm_book_qty_at(&b.bid, PX(40)), 0);
}

static void test_snapshot_rejects_bad_levels(void **state) {
    (void)state;
    pm_book b;
    pm_book_init(&b);
    pm_level ok[] = {{PX(10), Q(1)}};
    assert_int_equal(pm_book_snapshot(&b, ok, 1, NULL, 0, 1), 0);
    pm_level dup[] = {{PX(10), Q(1)}, {PX(10), Q(2)}};
    assert_int_equal(pm_book_snapshot(&b, dup, 2, NULL, 0, 2), -1);
    assert_int_equal(b.state, PM_BOOK_STALE);
    assert_int_equal(b.bid.n, 0);
    pm_level over[] = {{PX(101), Q(1)}};
    assert_int_equal(pm_book_snapshot(&b, NULL, 0, over, 1, 3), -1);
    pm_level zero[] = {{PX(50), 0}};
    assert_int_equal(pm_book_snapshot(&b, zero, 1, NULL, 0, 3), -1);
    assert_int_equal(b.state, PM_BOOK_STALE);
    /* an empty snapshot (both sides absent) is a valid, live, empty book */
    assert_int_equal(pm_book_snapshot(&b, NULL, 0, NULL, 0, 4), 0);
    assert_int_equal(b.state, PM_BOOK_LIVE);
    assert_null(pm_book_best(&b.bid));
    assert_true(pm_book_side_known(&b.bid));
}

static void test_set_and_add(void **state) {
    (void)state;
    pm_book b;
    pm_book_init(&b);
    pm_level bids[] = {{PX(40), Q(10)}, {PX(42), Q(13)}};
    assert_int_equal(pm_book_snapshot(&b, bids, 2, NULL, 0, 1), 0);
    assert_int_equal(pm_book_side_add(&b.bid, PX(42), Q(-13)), 0); /* level removed */
    expect_side(&b.bid, (pm_level[]){{PX(40), Q(10)}}, 1);
    assert_int_equal(pm_book_side_add(&b.bid, PX(43), 2500000), 0); /* 2.5 new at the top */
    assert_int_equal(pm_book_side_add(&b.bid, PX(41), Q(1)), 0);    /* in the middle */
    expect_side(&b.bid, (pm_level[]){{PX(40), Q(10)}, {PX(41), Q(1)}, {PX(43), 2500000}}, 3);
    assert_int_equal(pm_book_side_add(&b.bid, PX(41), Q(-2)), -1); /* would go negative */
    expect_side(&b.bid, (pm_level[]){{PX(40), Q(10)}, {PX(41), Q(1)}, {PX(43), 2500000}}, 3);
    assert_int_equal(pm_book_side_set(&b.bid, PX(40), Q(7)), 0);
    assert_int_equal(pm_book_side_set(&b.bid, PX(43), 0), 0);
    assert_int_equal(pm_book_side_set(&b.bid, PX(39), 0), 0); /* absent: no change */
    expect_side(&b.bid, (pm_level[]){{PX(40), Q(7)}, {PX(41), Q(1)}}, 2);
    assert_int_equal(pm_book_side_set(&b.ask, PX(55), Q(3)), 0);
    assert_int_equal(pm_book_side_set(&b.ask, PX(50), Q(4)), 0);
    assert_int_equal(pm_book_side_set(&b.ask, PX(60), Q(5)), 0);
    expect_side(&b.ask, (pm_level[]){{PX(60), Q(5)}, {PX(55), Q(3)}, {PX(50), Q(4)}}, 3);
    assert_int_equal(pm_book_side_set(&b.ask, PM_PX_ONE + 1, Q(1)), -1);
    assert_int_equal(pm_book_side_set(&b.ask, PX(50), -1), -1);
    assert_int_equal(pm_book_side_add(&b.ask, -1, Q(1)), -1);
}

static void test_overflow_horizon(void **state) {
    (void)state;
    pm_book b;
    pm_book_init(&b);
    /* PM_BOOK_DEPTH + 6 bids at 0.01 .. : the 6 worst are beyond the horizon */
    pm_level lv[PM_BOOK_DEPTH + 6];
    for (int i = 0; i < PM_BOOK_DEPTH + 6; i++) lv[i] = (pm_level){PX(1) + i * 1000, Q(1)};
    assert_int_equal(pm_book_snapshot(&b, lv, PM_BOOK_DEPTH + 6, NULL, 0, 1), 0);
    assert_int_equal(b.bid.n, PM_BOOK_DEPTH);
    assert_int_equal(b.bid.truncated, 1);
    assert_int_equal(b.bid.horizon, PX(1) + 5 * 1000);
    assert_int_equal(b.bid.lv[0].px, PX(1) + 6 * 1000);
    /* updates beyond the horizon are ignored; better ones apply */
    assert_int_equal(pm_book_side_set(&b.bid, PX(1), Q(9)), 0);
    assert_int_equal(pm_book_qty_at(&b.bid, PX(1)), 0);
    assert_int_equal(pm_book_side_add(&b.bid, PX(1) + 5 * 1000, Q(-1)), 0);
    assert_int_equal(b.bid.n, PM_BOOK_DEPTH);
    /* a new best level pushes the worst known one out: the horizon moves up */
    assert_int_equal(pm_book_side_set(&b.bid, PX(90), Q(2)), 0);
    assert_int_equal(b.bid.n, PM_BOOK_DEPTH);
    assert_int_equal(b.bid.horizon, PX(1) + 6 * 1000);
    assert_int_equal(pm_book_best(&b.bid)->px, PX(90));
    /* emptying a truncated side leaves its best price unknown */
    for (int i = PM_BOOK_DEPTH - 1; i >= 0; i--) assert_int_equal(pm_book_side_set(&b.bid, b.bid.lv[i].px, 0), 0);
    assert_int_equal(b.bid.n, 0);
    assert_false(pm_book_side_known(&b.bid));
    /* a full side refuses a level worse than all it holds, and records it as the horizon */
    pm_book_init(&b);
    for (int i = 0; i < PM_BOOK_DEPTH; i++) assert_int_equal(pm_book_side_set(&b.ask, PX(20) + i * 100, Q(1)), 0);
    assert_int_equal(b.ask.truncated, 0);
    assert_int_equal(pm_book_side_set(&b.ask, PX(99), Q(1)), 0);
    assert_int_equal(b.ask.truncated, 1);
    assert_int_equal(b.ask.horizon, PX(99));
    assert_int_equal(pm_book_qty_at(&b.ask, PX(99)), 0);
}

static void test_walk(void **state) {
    (void)state;
    pm_book b;
    pm_book_init(&b);
    pm_level asks[] = {{PX(44), Q(10)}, {PX(45), Q(5)}, {PX(47), Q(100)}};
    assert_int_equal(pm_book_snapshot(&b, NULL, 0, asks, 3, 1), 0);
    pm_walk w;
    pm_book_walk(&b.ask, PX(45), Q(1000), &w); /* limit at a level boundary: inclusive */
    assert_int_equal(w.qty, Q(15));
    assert_int_equal(w.cost, 4400000 + 2250000);
    assert_int_equal(w.worst_px, PX(45));
    assert_int_equal(w.levels, 2);
    pm_book_walk(&b.ask, PX(46), Q(12), &w); /* size ends inside the second level */
    assert_int_equal(w.qty, Q(12));
    assert_int_equal(w.cost, 4400000 + 900000);
    assert_int_equal(w.worst_px, PX(45));
    pm_book_walk(&b.ask, PX(43), Q(10), &w); /* nothing at or under the limit */
    assert_int_equal(w.qty, 0);
    assert_int_equal(w.cost, 0);
    assert_int_equal(w.worst_px, 0);
    pm_book_walk(&b.ask, PX(44), 1, &w); /* a millionth of a contract at 0.44: cost rounds up */
    assert_int_equal(w.qty, 1);
    assert_int_equal(w.cost, 1);
    pm_level bids[] = {{PX(40), Q(3)}, {PX(38), Q(4)}};
    assert_int_equal(pm_book_snapshot(&b, bids, 2, NULL, 0, 1), 0);
    pm_book_walk(&b.bid, PX(38), Q(100), &w); /* bids walk downward */
    assert_int_equal(w.qty, Q(7));
    assert_int_equal(w.cost, 1200000 + 1520000);
    assert_int_equal(w.worst_px, PX(38));
}

static void test_invalidate(void **state) {
    (void)state;
    pm_book b;
    pm_book_init(&b);
    pm_book_invalidate(&b);
    assert_int_equal(b.state, PM_BOOK_EMPTY);
    pm_level bids[] = {{PX(40), Q(3)}};
    assert_int_equal(pm_book_snapshot(&b, bids, 1, NULL, 0, 1), 0);
    pm_book_invalidate(&b);
    assert_int_equal(b.state, PM_BOOK_STALE);
    assert_int_equal(b.bid.n, 0);
    assert_int_equal(b.epoch, 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_snapshot_sorts_and_trusts),
        cmocka_unit_test(test_snapshot_rejects_bad_levels),
        cmocka_unit_test(test_set_and_add),
        cmocka_unit_test(test_overflow_horizon),
        cmocka_unit_test(test_walk),
        cmocka_unit_test(test_invalidate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
