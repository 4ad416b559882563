/* test_live.c — live trades end to end through the real executor threads, with scripted venues
 * (core/exec.h ops answering what each test says): sequential legs (the first fill-or-kill,
 * the second parked and sent only once the first filled in full), a first leg that does not
 * fill (the second is dropped, nothing else sent), a second leg that fills partly (one-legged:
 * completed on the short side from the current book, to equal holdings), a first leg whose
 * answer is lost (looked up, never resent; found filled late, its parked leg is dropped and the
 * residual completed on the current book), simultaneous legs, and the
 * risk gate released after every trade. Ledger and PnL figures exact. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/live.h"
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
    pm_book kbook, tbook;
    char *dir;
} rig;

static const pm_book *book_of(void *ctx, pm_venue v, const char *id) {
    rig *r = ctx;
    if (v == PM_VENUE_KALSHI) return !strcmp(id, "KX-A") ? &r->kbook : NULL;
    return !strcmp(id, "222") ? &r->tbook : NULL;
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
    pm_level kb[] = {{C(58), Q(50)}}, ka[] = {{C(40), Q(50)}}, tb[] = {{C(53), Q(100)}}, ta[] = {{C(56), Q(100)}};
    pm_book_init(&r->kbook);
    pm_book_init(&r->tbook);
    assert_int_equal(pm_book_snapshot(&r->kbook, kb, 1, ka, 1, 1), 0);
    assert_int_equal(pm_book_snapshot(&r->tbook, tb, 1, ta, 1, 1), 0);
    for (int v = 0; v < PM_VENUE_COUNT; v++) {
        r->venue[v].base.ops = &fake_ops;
        r->venue[v].base.venue = (pm_venue)v;
        char *path = pm_test_path(r->dir, v ? "poly.journal" : "kalshi.journal");
        pm_executor_config xc = {.venue = &r->venue[v].base, .journal_path = path, .metrics = r->metrics,
                                 .find_attempts = 3, .find_backoff_ms = 1, .spin_ns = 1000000};
        pm_err err;
        assert_int_equal(pm_executor_start(&xc, &r->x[v], &err), 0);
        free(path);
    }
    pm_executor_pair(r->x[0], r->x[1]);
    pm_live_config lc = {.cfg = &r->cfg, .metrics = r->metrics, .risk = r->risk, .ledger = r->ledger,
                         .x = {r->x[0], r->x[1]}, .books = {.ctx = r, .book = book_of}};
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
}

/* 10 Kalshi YES at up to 0.40 (cost 4.10) + 10 Polymarket NO tokens "222" at up to 0.55 (5.50). */
static void trade(rig *r) {
    pm_pair pair;
    memset(&pair, 0, sizeof pair);
    snprintf(pair.id, sizeof pair.id, "0192f0c4-0000-7000-8000-000000000001");
    snprintf(pair.kalshi.ticker, sizeof pair.kalshi.ticker, "KX-A");
    snprintf(pair.polymarket.token_no, sizeof pair.polymarket.token_no, "222");
    pair.polymarket.tick_size = PM_CENT;
    pm_det_market k = {.venue = PM_VENUE_KALSHI, .yes = &r->kbook, .fee = pm_fee_none(PM_VENUE_KALSHI), .tick = PM_CENT,
                       .lot = PM_SCALE, .min_qty = PM_SCALE};
    pm_det_market p = {.venue = PM_VENUE_POLYMARKET, .no = &r->tbook, .fee = pm_fee_none(PM_VENUE_POLYMARKET),
                       .tick = PM_CENT, .lot = PM_SCALE / 100, .min_qty = Q(1)};
    pm_det_leg legs[2] = {{.m = &k, .outcome = PM_OUTCOME_YES, .book = &r->kbook, .id = "KX-A"},
                          {.m = &p, .outcome = PM_OUTCOME_NO, .book = &r->tbook, .id = "222"}};
    pm_opportunity o;
    memset(&o, 0, sizeof o);
    o.dir = PM_DIR_KALSHI_YES;
    o.qty = Q(10);
    o.leg[0] = (pm_opp_leg){.venue = PM_VENUE_KALSHI, .outcome = PM_OUTCOME_YES, .market_id = "KX-A", .limit_px = C(40),
                            .qty = Q(10), .held = Q(10), .cost = 4100000};
    o.leg[1] = (pm_opp_leg){.venue = PM_VENUE_POLYMARKET, .outcome = PM_OUTCOME_NO, .market_id = "222", .limit_px = C(55),
                            .qty = Q(10), .held = Q(10), .cost = 5500000};
    o.detected_ns = pm_mono_ns();
    assert_int_equal(pm_live_admit(r->live, 0, &o, pm_mono_ns()), PM_RISK_OK);
    const char *why = NULL;
    assert_int_equal(pm_live_dispatch(r->live, &pair, 0, &o, legs, "0192f0c4-0000-7000-8000-0000000000aa", pm_mono_ns(), &why), 0);
    for (int i = 0; i < 5000 && pm_live_in_flight(r->live); i++) {
        pm_live_poll(r->live, pm_mono_ns());
        usleep(1000);
    }
    assert_int_equal(pm_live_in_flight(r->live), 0);
}

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

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sequential_both_fill),
        cmocka_unit_test(test_first_leg_unfilled_drops_second),
        cmocka_unit_test(test_partial_second_leg_completed),
        cmocka_unit_test(test_lost_answer_looked_up),
        cmocka_unit_test(test_simultaneous_unwinds_lone_leg),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
