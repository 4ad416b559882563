/* test_live.c — live trades end to end through the real executor threads, with scripted venues
 * (core/exec.h ops answering what each test says): sequential legs (the first fill-or-kill,
 * the second parked and sent only once the first filled in full), a first leg that does not
 * fill (the second is dropped, nothing else sent), a second leg that fills partly (one-legged:
 * completed on the short side from the current book, to equal holdings), a first leg whose
 * answer is lost (looked up, never resent; found filled late, its parked leg is dropped and the
 * residual completed on the current book), simultaneous legs, and the
 * risk gate released after every trade; a residual left unresolved marked at the bid it would
 * sell at (its fee off, moving with the book, nothing without a live book, never more than is
 * held, and gone for good once a later order nets it away); a trade an earlier run left
 * one-legged, recovered, holding its pair in the gate until its residual is completed. Ledger and
 * PnL figures exact. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "engine/live.h"
#include "store/records.h"
#include "testutil.h"
#include "util/clock.h"

#define C(x) ((pm_px_t)(x) * PM_CENT)
#define Q(x) ((pm_qty_t)(x) * PM_SCALE)
#define SCRIPT_MAX 8

/* A venue that answers sends from a script and records what it was sent. Only its executor
 * thread touches it while a trade runs; the test reads it once the trade is over. */
typedef struct fake {
    pm_exec_venue base;
    pm_exec_ack script[SCRIPT_MAX]; /* answer to send i */
    pm_exec_ack found;              /* what find says */
    int nscript, sends, finds;
    pm_exec_order sent[SCRIPT_MAX];
} fake;

static int f_prepare(pm_exec_venue *v, pm_exec_order *o, pm_err *err) {
    (void)err;
    if (v->venue == PM_VENUE_POLYMARKET) snprintf(o->client_id, sizeof o->client_id, "0xhash-%.36s", o->id);
    o->body_len = (size_t)snprintf(o->body, sizeof o->body, "{\"qty\":%lld}", (long long)o->qty);
    return 0;
}

static int f_send(pm_exec_venue *v, const pm_exec_order *o, pm_exec_ack *a, pm_err *err) {
    fake *f = (fake *)v;
    f->sent[f->sends] = *o;
    *a = f->sends < f->nscript ? f->script[f->sends] : (pm_exec_ack){.status = PM_EXEC_REJECTED};
    f->sends++;
    a->call_ns = a->wire_ns = pm_mono_ns();
    a->ack_ns = a->wire_ns + 1000;
    if (a->status == PM_EXEC_UNKNOWN) return pm_err_set(err, "timeout");
    return 0;
}

static int f_find(pm_exec_venue *v, const pm_exec_order *o, pm_exec_ack *a, pm_err *err) {
    (void)o;
    (void)err;
    fake *f = (fake *)v;
    f->finds++;
    *a = f->found;
    return 0;
}

static int f_fills(pm_exec_venue *v, const pm_exec_order *o, const pm_exec_ack *a, pm_exec_fill *out, size_t cap,
                   size_t *n, pm_err *err) {
    (void)v;
    (void)cap;
    (void)err;
    memset(out, 0, sizeof *out);
    snprintf(out->trade_id, sizeof out->trade_id, "T-%.36s", o->id);
    out->qty = a->filled;
    out->delivered = a->delivered;
    *n = 1;
    return 0;
}

static int f_cancel_all(pm_exec_venue *v, int *canceled, pm_err *err) {
    (void)v;
    (void)err;
    *canceled = 0;
    return 0;
}

static int f_balance(pm_exec_venue *v, pm_usd_t *cash, pm_err *err) {
    (void)v;
    (void)err;
    *cash = Q(1000);
    return 0;
}

static int f_holdings(pm_exec_venue *v, pm_exec_holding *h, size_t n, pm_err *err) {
    (void)v;
    (void)err;
    for (size_t i = 0; i < n; i++) h[i].qty = 0;
    return 0;
}

static void f_free(pm_exec_venue *v) { (void)v; }

static const pm_exec_ops fake_ops = {f_prepare, f_send, NULL, f_find, f_fills, f_cancel_all, f_balance, f_holdings, f_free};

typedef struct rig {
    pm_config cfg;
    fake venue[PM_VENUE_COUNT];
    pm_executor *x[PM_VENUE_COUNT];
    pm_risk *risk;
    pm_ledger *ledger;
    pm_live *live;
    pm_live_metrics *metrics;
    pm_book kbook, tbook, ybook;    /* Kalshi KX-A; Polymarket's NO token 222 and YES token 111 */
    pm_pair pair;                   /* risk slot 0 */
    pm_det_market km, pm;           /* the detector's markets of the pair (a test may change fees) */
    char *dir, *journal[PM_VENUE_COUNT];
} rig;

static const pm_book *book_of(void *ctx, pm_venue v, const char *id) {
    rig *r = ctx;
    if (v == PM_VENUE_KALSHI) return !strcmp(id, "KX-A") ? &r->kbook : NULL;
    return !strcmp(id, "222") ? &r->tbook : !strcmp(id, "111") ? &r->ybook : NULL;
}

/* pm_engine_legs_of for the one pair. */
static int legs_of(void *ctx, const char *pair_id, pm_venue v, const char *market_id, pm_outcome o, const pm_pair **pair,
                   size_t *slot, pm_det_leg legs[2]) {
    rig *r = ctx;
    if (strcmp(pair_id, r->pair.id)) return -1;
    for (int d = PM_DIR_KALSHI_YES; d <= PM_DIR_KALSHI_NO; d++) {
        pm_det_legs((pm_det_dir)d, &r->km, &r->pm, PM_POLARITY_SAME, &legs[0], &legs[1]);
        const pm_det_leg *x = &legs[v == PM_VENUE_KALSHI ? 0 : 1];
        if (x->outcome == o && !strcmp(x->id, market_id)) {
            *pair = &r->pair;
            *slot = 0;
            return 0;
        }
    }
    return -1;
}

static pm_exec_ack ack(pm_exec_status s, pm_qty_t filled, pm_usd_t cash) {
    return (pm_exec_ack){.status = s, .filled = filled, .delivered = filled, .cash = cash, .avg_price = -1};
}

static void rig_start(rig *r, int execution) {
    memset(r, 0, sizeof *r);
    pm_config_defaults(&r->cfg);
    r->cfg.strategy.execution = execution;
    r->cfg.strategy.first_leg = PM_FIRST_KALSHI;
    r->dir = pm_test_tmpdir();
    pm_risk_limits lim = {.max_contracts_per_pair = Q(100), .max_contracts_per_venue = Q(100), .max_contracts_total = Q(100),
                          .max_notional_per_pair = Q(100), .max_notional_per_venue = Q(100), .max_notional_total = Q(100),
                          .max_open_orders = 10, .max_orders_per_second = 100, .daily_loss_limit = Q(10),
                          .max_one_legged = 3, .one_legged_window_ns = 3600LL * 1000000000LL};
    r->risk = pm_risk_new(&lim, 1);
    pm_risk_set_cash(r->risk, PM_VENUE_KALSHI, Q(1000));
    pm_risk_set_cash(r->risk, PM_VENUE_POLYMARKET, Q(1000));
    r->ledger = pm_ledger_new(16);
    r->metrics = calloc(1, sizeof *r->metrics);
    pm_live_metrics_init(r->metrics);
    pm_level kb[] = {{C(58), Q(50)}}, ka[] = {{C(40), Q(50)}}, tb[] = {{C(53), Q(100)}}, ta[] = {{C(56), Q(100)}},
             yb[] = {{C(33), Q(100)}}, ya[] = {{C(35), Q(100)}};
    pm_book_init(&r->kbook);
    pm_book_init(&r->tbook);
    pm_book_init(&r->ybook);
    assert_int_equal(pm_book_snapshot(&r->kbook, kb, 1, ka, 1, 1), 0);
    assert_int_equal(pm_book_snapshot(&r->tbook, tb, 1, ta, 1, 1), 0);
    assert_int_equal(pm_book_snapshot(&r->ybook, yb, 1, ya, 1, 1), 0);
    snprintf(r->pair.id, sizeof r->pair.id, "0192f0c4-0000-7000-8000-000000000001");
    snprintf(r->pair.kalshi.ticker, sizeof r->pair.kalshi.ticker, "KX-A");
    snprintf(r->pair.polymarket.token_yes, sizeof r->pair.polymarket.token_yes, "111");
    snprintf(r->pair.polymarket.token_no, sizeof r->pair.polymarket.token_no, "222");
    r->pair.polymarket.tick_size = PM_CENT;
    r->km = (pm_det_market){.venue = PM_VENUE_KALSHI, .yes = &r->kbook, .id_yes = "KX-A", .id_no = "KX-A",
                            .fee = pm_fee_none(PM_VENUE_KALSHI), .tick = PM_CENT, .lot = PM_SCALE, .min_qty = PM_SCALE};
    r->pm = (pm_det_market){.venue = PM_VENUE_POLYMARKET, .yes = &r->ybook, .no = &r->tbook, .id_yes = "111", .id_no = "222",
                            .fee = pm_fee_none(PM_VENUE_POLYMARKET), .tick = PM_CENT, .lot = PM_SCALE / 100, .min_qty = Q(1)};
    for (int v = 0; v < PM_VENUE_COUNT; v++) {
        r->venue[v].base.ops = &fake_ops;
        r->venue[v].base.venue = (pm_venue)v;
        r->journal[v] = pm_test_path(r->dir, v ? "poly.journal" : "kalshi.journal");
        pm_executor_config xc = {.venue = &r->venue[v].base, .journal_path = r->journal[v], .metrics = r->metrics,
                                 .find_attempts = 3, .find_backoff_ms = 1, .spin_ns = 1000000};
        pm_err err;
        assert_int_equal(pm_executor_start(&xc, &r->x[v], &err), 0);
    }
    pm_executor_pair(r->x[0], r->x[1]);
    pm_live_config lc = {.cfg = &r->cfg, .metrics = r->metrics, .risk = r->risk, .ledger = r->ledger,
                         .x = {r->x[0], r->x[1]}, .books = {.ctx = r, .book = book_of, .legs_of = legs_of}};
    r->live = pm_live_new(&lc);
}

static void rig_stop(rig *r) {
    for (int v = 0; v < PM_VENUE_COUNT; v++) pm_executor_stop(r->x[v]);
    pm_live_free(r->live);
    pm_ledger_free(r->ledger);
    pm_risk_free(r->risk);
    free(r->metrics);
    pm_test_rmtree(r->dir);
    free(r->dir);
    for (int v = 0; v < PM_VENUE_COUNT; v++) free(r->journal[v]);
}

/* Kalshi YES: 10 Kalshi YES at up to 0.40 (cost 4.10) + 10 Polymarket NO tokens "222" at up to
 * 0.55 (5.50). Kalshi NO: 10 Kalshi NO at up to 0.60 (6.00) + 10 YES tokens "111" at up to 0.35 (3.50). */
static pm_opportunity opportunity(pm_det_dir dir) {
    int yes = dir == PM_DIR_KALSHI_YES;
    pm_opportunity o;
    memset(&o, 0, sizeof o);
    o.dir = dir;
    o.qty = Q(10);
    o.leg[0] = (pm_opp_leg){.venue = PM_VENUE_KALSHI, .outcome = yes ? PM_OUTCOME_YES : PM_OUTCOME_NO, .market_id = "KX-A",
                            .limit_px = yes ? C(40) : C(60), .qty = Q(10), .held = Q(10), .cost = yes ? 4100000 : 6000000};
    o.leg[1] = (pm_opp_leg){.venue = PM_VENUE_POLYMARKET, .outcome = yes ? PM_OUTCOME_NO : PM_OUTCOME_YES,
                            .limit_px = yes ? C(55) : C(35), .qty = Q(10), .held = Q(10), .cost = yes ? 5500000 : 3500000};
    snprintf(o.leg[1].market_id, sizeof o.leg[1].market_id, "%s", yes ? "222" : "111");
    o.detected_ns = pm_mono_ns();
    return o;
}

/* Polls until no trade is in flight (at most 5 s). */
static void settle(rig *r) {
    for (int i = 0; i < 5000 && pm_live_in_flight(r->live); i++) {
        pm_live_poll(r->live, pm_mono_ns());
        usleep(1000);
    }
    assert_int_equal(pm_live_in_flight(r->live), 0);
}

static void trade_dir(rig *r, pm_det_dir dir) {
    pm_det_leg legs[2];
    pm_det_legs(dir, &r->km, &r->pm, PM_POLARITY_SAME, &legs[0], &legs[1]);
    pm_opportunity o = opportunity(dir);
    assert_int_equal(pm_live_admit(r->live, 0, &o, pm_mono_ns()), PM_RISK_OK);
    const char *why = NULL;
    assert_int_equal(pm_live_dispatch(r->live, &r->pair, 0, &o, legs, "0192f0c4-0000-7000-8000-0000000000aa", pm_mono_ns(), &why), 0);
    settle(r);
}

static void trade(rig *r) { trade_dir(r, PM_DIR_KALSHI_YES); }

static pm_qty_t held(rig *r, pm_venue v, const char *id, pm_outcome o) {
    const pm_ledger_pos *p = pm_ledger_get(r->ledger, v, id, o);
    return p ? p->qty : 0;
}

static void test_sequential_both_fill(void **state) {
    (void)state;
    rig r;
    rig_start(&r, PM_EXEC_SEQUENTIAL);
    r.venue[0].script[0] = ack(PM_EXEC_FILLED, Q(10), 4100000);
    r.venue[1].script[0] = ack(PM_EXEC_FILLED, Q(10), 5500000);
    r.venue[0].nscript = r.venue[1].nscript = 1;
    trade(&r);
    assert_int_equal(r.venue[0].sends, 1);
    assert_int_equal(r.venue[1].sends, 1);
    assert_int_equal(r.venue[0].sent[0].tif, PM_TIF_FOK);
    assert_int_equal(r.venue[1].sent[0].tif, PM_TIF_FAK);
    assert_int_equal(r.venue[1].sent[0].price, C(55));
    assert_int_equal(held(&r, PM_VENUE_KALSHI, "KX-A", PM_OUTCOME_YES), Q(10));
    assert_int_equal(held(&r, PM_VENUE_POLYMARKET, "222", PM_OUTCOME_NO), Q(10));
    pm_live_stats st;
    pm_live_get_stats(r.live, &st);
    assert_int_equal(st.trades, 1);
    assert_int_equal(st.done, 1);
    assert_int_equal(st.one_legged, 0);
    assert_int_equal(st.locked_pnl, 400000);
    pm_risk_stats rs;
    pm_risk_get_stats(r.risk, &rs);
    assert_int_equal(rs.open_orders, 0);
    assert_int_equal(rs.held_cost[PM_VENUE_KALSHI], 4100000);
    assert_int_equal(rs.reserved_cost[PM_VENUE_POLYMARKET], 0);
    assert_int_equal(atomic_load(&r.metrics->orders[PM_VENUE_KALSHI]), 1);
    assert_int_equal(atomic_load(&r.metrics->results[PM_VENUE_POLYMARKET][PM_EXEC_FILLED]), 1);
    int n;
    pm_hist_summary(&r.metrics->ack_to_second_wire, &n);
    assert_int_equal(n, 1);
    rig_stop(&r);
}

static void test_first_leg_unfilled_drops_second(void **state) {
    (void)state;
    rig r;
    rig_start(&r, PM_EXEC_SEQUENTIAL);
    r.venue[0].script[0] = ack(PM_EXEC_UNFILLED, 0, 0);
    r.venue[0].nscript = 1;
    trade(&r);
    assert_int_equal(r.venue[0].sends, 1);
    assert_int_equal(r.venue[1].sends, 0);
    assert_int_equal(pm_ledger_count(r.ledger), 0);
    pm_live_stats st;
    pm_live_get_stats(r.live, &st);
    assert_int_equal(st.done, 1);
    assert_int_equal(st.locked_pnl, 0);
    pm_risk_stats rs;
    pm_risk_get_stats(r.risk, &rs);
    assert_int_equal(rs.open_orders, 0);
    assert_int_equal(rs.reserved_qty[PM_VENUE_POLYMARKET], 0);
    rig_stop(&r);
}

static void test_partial_second_leg_completed(void **state) {
    (void)state;
    rig r;
    rig_start(&r, PM_EXEC_SEQUENTIAL);
    pm_level ka[] = {{C(40), Q(50)}}, kb[] = {{C(30), Q(50)}};
    assert_int_equal(pm_book_snapshot(&r.kbook, kb, 1, ka, 1, 2), 0);
    r.venue[0].script[0] = ack(PM_EXEC_FILLED, Q(10), 4100000);
    r.venue[1].script[0] = ack(PM_EXEC_PARTIAL, Q(6), 3300000);
    r.venue[1].script[1] = ack(PM_EXEC_FILLED, Q(4), 2240000);
    r.venue[0].nscript = 1;
    r.venue[1].nscript = 2;
    trade(&r);
    /* 4 short on Polymarket: buying them at 0.56 costs 2.24 against 1.64 paid for 4 Kalshi YES:
     * the pair of 4 pays $4, a gain of 0.12 — better than selling 4 YES at 0.30 (a loss of 0.44) */
    assert_int_equal(r.venue[1].sends, 2);
    assert_int_equal(r.venue[1].sent[1].side, PM_SIDE_BUY);
    assert_int_equal(r.venue[1].sent[1].qty, Q(4));
    assert_int_equal(r.venue[1].sent[1].price, C(56));
    assert_int_equal(r.venue[0].sends, 1);
    assert_int_equal(held(&r, PM_VENUE_POLYMARKET, "222", PM_OUTCOME_NO), Q(10));
    pm_live_stats st;
    pm_live_get_stats(r.live, &st);
    assert_int_equal(st.one_legged, 1);
    assert_int_equal(st.hedged, 1);
    assert_int_equal(st.unresolved, 0);
    assert_int_equal(st.locked_pnl, Q(10) - 4100000 - 3300000 - 2240000);
    assert_int_equal(atomic_load(&r.metrics->one_legged), 1);
    rig_stop(&r);
}

static void test_lost_answer_looked_up(void **state) {
    (void)state;
    rig r;
    rig_start(&r, PM_EXEC_SEQUENTIAL);
    pm_level ka[] = {{C(40), Q(50)}}, kb[] = {{C(30), Q(50)}}; /* selling the YES back would lose */
    assert_int_equal(pm_book_snapshot(&r.kbook, kb, 1, ka, 1, 2), 0);
    r.venue[0].script[0] = ack(PM_EXEC_UNKNOWN, 0, 0);
    r.venue[0].found = ack(PM_EXEC_FILLED, Q(10), 4100000);
    r.venue[1].script[0] = ack(PM_EXEC_FILLED, Q(10), 5500000);
    r.venue[0].nscript = r.venue[1].nscript = 1;
    trade(&r);
    assert_int_equal(r.venue[0].sends, 1); /* never resent */
    assert_int_equal(r.venue[0].finds, 1);
    /* found filled only late: the parked leg is dropped, the residual completed on the book now */
    assert_int_equal(r.venue[1].sends, 1);
    assert_int_equal(r.venue[1].sent[0].price, C(56));
    assert_int_equal(held(&r, PM_VENUE_KALSHI, "KX-A", PM_OUTCOME_YES), Q(10));
    assert_int_equal(held(&r, PM_VENUE_POLYMARKET, "222", PM_OUTCOME_NO), Q(10));
    pm_live_stats st;
    pm_live_get_stats(r.live, &st);
    assert_int_equal(st.one_legged, 1);
    assert_int_equal(st.hedged, 1);
    assert_int_equal(st.locked_pnl, 400000);
    rig_stop(&r);
}

static void test_simultaneous_unwinds_lone_leg(void **state) {
    (void)state;
    rig r;
    rig_start(&r, PM_EXEC_SIMULTANEOUS);
    r.cfg.risk.max_hedge_loss = 0; /* completing at 0.56 would lose nothing, but at 0.60 it would */
    pm_level ta[] = {{C(70), Q(100)}}, tb[] = {{C(53), Q(100)}};
    assert_int_equal(pm_book_snapshot(&r.tbook, tb, 1, ta, 1, 2), 0);
    r.venue[0].script[0] = ack(PM_EXEC_FILLED, Q(10), 4100000);
    r.venue[1].script[0] = ack(PM_EXEC_UNFILLED, 0, 0);
    r.venue[0].script[1] = ack(PM_EXEC_FILLED, Q(10), -5800000);
    r.venue[0].nscript = 2;
    r.venue[1].nscript = 1;
    trade(&r);
    assert_int_equal(r.venue[0].sent[0].tif, PM_TIF_FAK);
    assert_int_equal(r.venue[1].sent[0].tif, PM_TIF_FAK);
    assert_int_equal(r.venue[0].sends, 2); /* 10 YES sold into the 0.58 bid */
    assert_int_equal(r.venue[0].sent[1].side, PM_SIDE_SELL);
    assert_int_equal(r.venue[0].sent[1].price, C(58));
    assert_int_equal(held(&r, PM_VENUE_KALSHI, "KX-A", PM_OUTCOME_YES), 0);
    pm_live_stats st;
    pm_live_get_stats(r.live, &st);
    assert_int_equal(st.one_legged, 1);
    assert_int_equal(st.unwound, 1);
    assert_int_equal(st.locked_pnl, 1700000);
    rig_stop(&r);
}

/* Kalshi's second leg fills 6 of 10 and four hedges on Polymarket fill nothing: 4 Kalshi YES
 * are left unresolved. */
static void leave_residual(rig *r) {
    pm_level ka[] = {{C(40), Q(50)}}, kb[] = {{C(30), Q(50)}}; /* completing at 0.56 beats selling at 0.30 */
    assert_int_equal(pm_book_snapshot(&r->kbook, kb, 1, ka, 1, 2), 0);
    r->venue[0].script[0] = ack(PM_EXEC_FILLED, Q(10), 4100000);
    r->venue[1].script[0] = ack(PM_EXEC_PARTIAL, Q(6), 3300000);
    for (int i = 1; i <= 4; i++) r->venue[1].script[i] = ack(PM_EXEC_UNFILLED, 0, 0);
    r->venue[0].nscript = 1;
    r->venue[1].nscript = 5;
    trade(r);
    assert_int_equal(r->venue[1].sends, 5);
    pm_live_stats st;
    pm_live_get_stats(r->live, &st);
    assert_int_equal(st.unresolved, 1);
    assert_int_equal(st.locked_pnl, Q(6) - 4100000 - 3300000);
    assert_int_equal(held(r, PM_VENUE_KALSHI, "KX-A", PM_OUTCOME_YES), Q(10));
}

static pm_usd_t mark(rig *r) {
    pm_live_stats st;
    pm_live_get_stats(r->live, &st);
    return st.residual_mark;
}

/* The residual counts at what selling it would fetch now: 4 × the YES bid less Kalshi's sale fee
 * (quadratic: 0.07 × C × p(1 − p), the proceeds credited down to the cent); the locked figure
 * does not move. */
static void test_residual_marked_at_bid(void **state) {
    (void)state;
    rig r;
    rig_start(&r, PM_EXEC_SEQUENTIAL);
    r.km.fee = pm_fee_kalshi(PM_KFEE_QUADRATIC, PM_SCALE);
    leave_residual(&r);
    pm_live_stats st;
    pm_live_get_stats(r.live, &st);
    assert_int_equal(st.residual_mark, 1140000);              /* 1.20 − 0.0588 → 1.14 */
    assert_int_equal(st.locked_pnl + st.residual_mark, -260000); /* what the gate is given */
    pm_level ka[] = {{C(40), Q(50)}}, kb[] = {{C(35), Q(50)}};
    assert_int_equal(pm_book_snapshot(&r.kbook, kb, 1, ka, 1, 3), 0);
    assert_int_equal(mark(&r), 1330000);                      /* 1.40 − 0.0637 → 1.33 */
    pm_book_invalidate(&r.kbook);                             /* stale: worth nothing until it is live again */
    assert_int_equal(mark(&r), 0);
    pm_level none[] = {{C(40), Q(50)}};
    assert_int_equal(pm_book_snapshot(&r.kbook, NULL, 0, none, 1, 4), 0); /* live without a bid */
    assert_int_equal(mark(&r), 0);
    kb[0].px = C(30);
    assert_int_equal(pm_book_snapshot(&r.kbook, kb, 1, ka, 1, 5), 0);
    assert_int_equal(mark(&r), 1140000);
    /* never more than is held: the ledger now holds 3 (a reload adopting the venue's figure) */
    pm_err err;
    assert_int_equal(pm_ledger_set(r.ledger, PM_VENUE_KALSHI, "KX-A", PM_OUTCOME_YES, Q(3), 1230000, 0, &err), 0);
    assert_int_equal(mark(&r), 850000);                       /* 0.90 − 0.0441 → 0.85 */
    pm_live_get_stats(r.live, &st);
    assert_int_equal(st.locked_pnl, -1400000);
    rig_stop(&r);
}

/* A later trade buys 10 Kalshi NO: Kalshi nets them against the 10 YES held (the 6 hedged and the
 * 4 of the residual), paying $10 into that trade's cash. The residual is gone — for good: the
 * YES bought again afterwards belong to a trade that counts them itself. The $10 is the first
 * trade's locked value paid early: the second trade's locked figure leaves it out, so the three
 * add up to what is really locked (6 Polymarket NO + 10 YES pay 6 whichever way; 6.90 went out
 * for them; the third trade locks 0.40). */
static void test_residual_netted_counts_once(void **state) {
    (void)state;
    rig r;
    rig_start(&r, PM_EXEC_SEQUENTIAL);
    leave_residual(&r);
    assert_int_equal(mark(&r), 1200000);
    r.venue[0].script[1] = ack(PM_EXEC_FILLED, Q(10), 6000000 - Q(10));
    r.venue[1].script[5] = ack(PM_EXEC_FILLED, Q(10), 3500000);
    r.venue[0].nscript = 2;
    r.venue[1].nscript = 6;
    trade_dir(&r, PM_DIR_KALSHI_NO);
    assert_int_equal(held(&r, PM_VENUE_KALSHI, "KX-A", PM_OUTCOME_YES), 0);
    assert_int_equal(held(&r, PM_VENUE_KALSHI, "KX-A", PM_OUTCOME_NO), 0);
    assert_int_equal(mark(&r), 0);
    r.venue[0].script[2] = ack(PM_EXEC_FILLED, Q(10), 4100000);
    r.venue[1].script[6] = ack(PM_EXEC_FILLED, Q(10), 5500000);
    r.venue[0].nscript = 3;
    r.venue[1].nscript = 7;
    trade(&r);
    assert_int_equal(held(&r, PM_VENUE_KALSHI, "KX-A", PM_OUTCOME_YES), Q(10));
    assert_int_equal(mark(&r), 0);
    pm_live_stats st;
    pm_live_get_stats(r.live, &st);
    assert_int_equal(st.done, 3);
    assert_int_equal(st.unresolved, 1);
    assert_int_equal(st.locked_pnl, -1400000 + (Q(10) - (6000000 - Q(10)) - 3500000 - Q(10)) + (Q(10) - 4100000 - 5500000));
    assert_int_equal(st.locked_pnl, -500000);
    rig_stop(&r);
}

/* An earlier run's first leg (10 Kalshi YES, stored as sent, its second leg never recorded) is
 * looked up and found filled while no book is live: the recovered trade holds its pair, so a new
 * trade there is refused as busy (counted) until the residual is completed on the books once they
 * are back (10 NO tokens at 0.56), and is admitted then. */
static void test_recovered_trade_holds_pair(void **state) {
    (void)state;
    rig r;
    rig_start(&r, PM_EXEC_SEQUENTIAL);
    pm_book_invalidate(&r.kbook);
    pm_book_invalidate(&r.tbook);
    char *path = pm_test_path(r.dir, "live.db");
    pm_db *db;
    pm_err err;
    assert_int_equal(pm_db_open(path, PM_DB_MIGRATE, 1000, &db, &err), 0);
    assert_int_equal(sqlite3_exec(pm_db_handle(db), "PRAGMA foreign_keys = OFF", NULL, NULL, NULL), SQLITE_OK);
    pm_record rec = {.kind = PM_REC_ORDER};
    pm_rec_order *o = &rec.u.order;
    snprintf(o->id, sizeof o->id, "0192f0c4-0000-7000-8000-0000000000c1");
    snprintf(o->client_order_id, sizeof o->client_order_id, "%s", o->id);
    snprintf(o->opportunity_id, sizeof o->opportunity_id, "0192f0c4-0000-7000-8000-0000000000bb");
    snprintf(o->match_id, sizeof o->match_id, "%s", r.pair.id);
    snprintf(o->role, sizeof o->role, "first");
    snprintf(o->market_id, sizeof o->market_id, "KX-A");
    snprintf(o->tif, sizeof o->tif, "fok");
    snprintf(o->status, sizeof o->status, "sent");
    o->venue = PM_VENUE_KALSHI;
    o->side = PM_SIDE_BUY;
    o->outcome = PM_OUTCOME_YES;
    o->price = C(40);
    o->qty = Q(10);
    o->live = 1;
    o->created_ns = o->sent_ns = pm_wall_ns();
    assert_int_equal(pm_store_write_record(db, &rec, NULL, &err), 0);
    r.venue[0].found = ack(PM_EXEC_FILLED, Q(10), 4100000);
    r.venue[1].script[0] = ack(PM_EXEC_FILLED, Q(10), 5600000);
    r.venue[1].nscript = 1;
    const char *const paths[PM_VENUE_COUNT] = {r.journal[0], r.journal[1]};
    assert_int_equal(pm_live_recover(r.live, db, paths, &err), 1);
    for (int i = 0; i < 5000 && pm_live_recovering(r.live); i++) {
        pm_live_poll(r.live, pm_mono_ns());
        usleep(1000);
    }
    assert_int_equal(pm_live_recovering(r.live), 0);
    pm_live_poll(r.live, pm_mono_ns());
    assert_int_equal(pm_live_in_flight(r.live), 1); /* found filled, one-legged: waiting for a way out */
    pm_opportunity opp = opportunity(PM_DIR_KALSHI_YES);
    assert_int_equal(pm_live_admit(r.live, 0, &opp, pm_mono_ns()), PM_RISK_PAIR_BUSY);
    pm_risk_stats rs;
    pm_risk_get_stats(r.risk, &rs);
    assert_int_equal(rs.refused[PM_RISK_PAIR_BUSY], 1);
    assert_int_equal(rs.refused[PM_RISK_OK], 0);
    assert_int_equal(r.venue[1].sends, 0);
    pm_level ka[] = {{C(40), Q(50)}}, kb[] = {{C(30), Q(50)}}, ta[] = {{C(56), Q(100)}}, tb[] = {{C(53), Q(100)}};
    assert_int_equal(pm_book_snapshot(&r.kbook, kb, 1, ka, 1, 2), 0);
    assert_int_equal(pm_book_snapshot(&r.tbook, tb, 1, ta, 1, 2), 0);
    settle(&r);
    assert_int_equal(r.venue[0].sends, 0); /* looked up, never resent */
    assert_int_equal(r.venue[1].sends, 1);
    assert_int_equal(r.venue[1].sent[0].side, PM_SIDE_BUY);
    assert_int_equal(r.venue[1].sent[0].qty, Q(10));
    assert_int_equal(r.venue[1].sent[0].price, C(56));
    assert_int_equal(held(&r, PM_VENUE_POLYMARKET, "222", PM_OUTCOME_NO), Q(10));
    pm_live_stats st;
    pm_live_get_stats(r.live, &st);
    assert_int_equal(st.one_legged, 1);
    assert_int_equal(st.hedged, 1);
    assert_int_equal(st.locked_pnl, Q(10) - 4100000 - 5600000);
    assert_int_equal(st.residual_mark, 0);
    assert_int_equal(pm_live_admit(r.live, 0, &opp, pm_mono_ns()), PM_RISK_OK);
    pm_risk_get_stats(r.risk, &rs);
    assert_int_equal(rs.refused[PM_RISK_PAIR_BUSY], 1);
    pm_db_close(db);
    free(path);
    rig_stop(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sequential_both_fill),
        cmocka_unit_test(test_first_leg_unfilled_drops_second),
        cmocka_unit_test(test_partial_second_leg_completed),
        cmocka_unit_test(test_lost_answer_looked_up),
        cmocka_unit_test(test_simultaneous_unwinds_lone_leg),
        cmocka_unit_test(test_residual_marked_at_bid),
        cmocka_unit_test(test_residual_netted_counts_once),
        cmocka_unit_test(test_recovered_trade_holds_pair),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
