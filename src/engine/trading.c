/* trading.c — live trading around the engine: set-up, upkeep, kill switch, reconciliation,
 * graceful stop (see trading.h). */
#include "engine/trading.h"

#include "config/secrets.h"
#include "engine/executor.h"
#include "engine/reconcile.h"
#include "store/positions.h"
#include "util/clock.h"
#include "util/log.h"
#include "venue/kalshi/exec.h"
#include "venue/polymarket/exec.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SLOW_EVERY_NS 100000000LL          /* kill switch, PnL, reconciliation: every 100 ms */
#define RECOVER_FOR_NS (60 * 1000000000LL) /* how long the start waits for recovered orders */
#define CANCEL_FOR_NS (10 * 1000000000LL)
#define FLUSH_MS 10000
#define LEDGER_SLACK 1024
#define FIND_ATTEMPTS 6
#define FIND_BACKOFF_MS 50

typedef enum recon_state { RC_IDLE, RC_WAITING, RC_RUNNING } recon_state;

struct pm_trading {
    pm_trading_options o;
    const pm_config *cfg;
    pm_risk *risk;
    pm_ledger *ledger;
    pm_executor *x[PM_VENUE_COUNT];
    pm_exec_venue *rv[PM_VENUE_COUNT];    /* reconciliation's own connections */
    pm_live *live;
    char journal[PM_VENUE_COUNT][PM_CFG_STR_MAX + 32];
    pm_usd_t start_cash[PM_VENUE_COUNT];
    int64_t next_slow, next_recon;
    int killed, stopping, reconcile_diffs;
    recon_state rc;
    int paused_by_recon;                  /* the reconciliation's pause is what halts trading */
    pthread_t thread;
    int thread_started;
    atomic_int thread_done;
    int thread_rc;
    pm_recon recon;
    char thread_err[512];
};

static void audit(pm_trading *t, const char *level, const char *kind, const char *detail) {
    pm_record r;
    memset(&r, 0, sizeof r);
    r.kind = PM_REC_EVENT;
    r.u.event.ts_ns = pm_wall_ns();
    snprintf(r.u.event.level, sizeof r.u.event.level, "%s", level);
    snprintf(r.u.event.kind, sizeof r.u.event.kind, "%s", kind);
    snprintf(r.u.event.detail, sizeof r.u.event.detail, "%s", detail);
    pm_writer_submit(t->o.writer, &r);
}

static pm_risk_limits limits_of(const pm_config *cfg) {
    return (pm_risk_limits){
        .max_contracts_per_pair = cfg->risk.max_contracts_per_pair,
        .max_contracts_per_venue = cfg->risk.max_contracts_per_venue,
        .max_contracts_total = cfg->risk.max_contracts_total,
        .max_notional_per_pair = cfg->risk.max_notional_per_pair,
        .max_notional_per_venue = cfg->risk.max_notional_per_venue,
        .max_notional_total = cfg->risk.max_notional_total,
        .max_open_orders = cfg->risk.max_open_orders,
        .max_orders_per_second = cfg->risk.max_orders_per_second,
        .daily_loss_limit = cfg->risk.daily_loss_limit,
        .min_balance = {cfg->risk.min_balance_kalshi, cfg->risk.min_balance_polymarket},
        .max_one_legged = cfg->risk.max_one_legged,
        .one_legged_window_ns = cfg->risk.one_legged_window_s * 1000000000LL,
    };
}

/* Both venues' connections: for = the executor's (orders time out after
 * second_leg_timeout_ms) or reconciliation's. */
static int open_venues(pm_trading *t, int64_t timeout_ms, pm_exec_venue *out[PM_VENUE_COUNT], pm_err *err) {
    pm_secrets sec;
    pm_secrets_load(&sec);
    out[0] = out[1] = NULL;
    if (kalshi_exec_new(t->cfg, t->o.auth, timeout_ms, &out[PM_VENUE_KALSHI], err)) return -1;
    if (poly_exec_new(t->cfg, &sec, timeout_ms, &out[PM_VENUE_POLYMARKET], err)) {
        pm_exec_free(out[PM_VENUE_KALSHI]);
        out[PM_VENUE_KALSHI] = NULL;
        return -1;
    }
    return 0;
}

static int load_position(void *ctx, const pm_position_row *p) {
    pm_trading *t = ctx;
    pm_err err;
    if (pm_ledger_set(t->ledger, p->venue, p->market_id, p->outcome, p->qty, p->cost, p->realized_pnl, &err))
        pm_warn("trading", "position not loaded", PM_KV_S("market", p->market_id), PM_KV_S("reason", err.msg));
    return 0;
}

/* The ledger from the database (emptied first when it exists: live.c holds it). */
static int load_ledger(pm_trading *t, pm_db *db, pm_err *err) {
    if (t->ledger) pm_ledger_clear(t->ledger);
    else if (!(t->ledger = pm_ledger_new(4 * pm_engine_risk_slots(t->o.engine) + LEDGER_SLACK)))
        return pm_err_set(err, "out of memory");
    return pm_store_list_positions(db, 1, load_position, t, err);
}

/* What earlier runs left held counts against the limits: each position goes to the first
 * approved pair that trades its market. */
static void hold_positions(pm_trading *t) {
    const pm_pair_cache *c = pm_engine_pairs(t->o.engine);
    for (size_t i = 0; i < pm_ledger_count(t->ledger); i++) {
        const pm_ledger_pos *p = pm_ledger_at(t->ledger, i);
        if (!p->qty) continue;
        size_t n;
        const pm_pair_leg *legs = p->venue == PM_VENUE_KALSHI
                                      ? pm_pair_cache_by_kalshi(c, p->market_id, strlen(p->market_id), &n)
                                      : pm_pair_cache_by_token(c, p->market_id, strlen(p->market_id), &n);
        int slot = n ? pm_engine_risk_slot(t->o.engine, legs[0].pair->id) : -1;
        if (slot >= 0) pm_risk_hold(t->risk, (size_t)slot, p->venue, p->qty, p->cost);
    }
}

/* Takes in results until nothing is in flight (recovering: until no earlier run's order is
 * still looked up) or the deadline passes. */
static void drain(pm_trading *t, int64_t for_ns, int recovering) {
    int64_t end = pm_mono_ns() + for_ns;
    while ((recovering ? pm_live_recovering(t->live) : pm_live_in_flight(t->live)) && pm_mono_ns() < end) {
        pm_live_poll(t->live, pm_mono_ns());
        usleep(2000);
    }
    pm_live_poll(t->live, pm_mono_ns());
}

static void recon_verdict(pm_trading *t, const pm_recon *r) {
    for (int v = 0; v < PM_VENUE_COUNT; v++) pm_risk_set_cash(t->risk, (pm_venue)v, r->venue_cash[v]);
    t->reconcile_diffs = (int)r->ndiffs_total;
    if (!r->ndiffs_total) return;
    char detail[PM_REC_DETAIL_MAX];
    if (pm_recon_event_detail(r, detail, sizeof detail) < 0) snprintf(detail, sizeof detail, "{}");
    audit(t, "error", "reconcile_diff", detail);
    pm_risk_halt(t->risk, 1);
    t->paused_by_recon = 0;
    for (size_t i = 0; i < r->ndiffs; i++)
        pm_warn("trading", "position differs from the venue", PM_KV_S("venue", pm_venue_name(r->diff[i].venue)),
                PM_KV_S("market", r->diff[i].market_id), PM_KV_S("outcome", pm_outcome_name(r->diff[i].outcome)),
                PM_KV_FX("ours", r->diff[i].ours, 2), PM_KV_FX("theirs", r->diff[i].theirs, 2));
    pm_warn("trading", "trading halted: positions differ from the venues",
            PM_KV_I("differences", r->ndiffs_total),
            PM_KV_S("what_to_do", "find out why (orders placed by hand? fills missed?), then restart with "
                                  "`pmarb run --accept-venue-positions` to adopt the venues' figures"));
}

/* The reconciliation at start: on this thread, before any feed connects. */
static int reconcile_start(pm_trading *t, pm_err *err) {
    if (pm_writer_flush(t->o.writer, FLUSH_MS)) return pm_err_set(err, "the database writer did not catch up");
    pm_db *db;
    if (pm_db_open(t->cfg->db.path, 0, t->cfg->db.busy_timeout_ms, &db, err)) return -1;
    pm_recon r;
    int rc = pm_reconcile(db, t->rv, &r, err);
    if (!rc && r.ndiffs_total && t->o.accept_venue_positions) {
        pm_warn("trading", "adopting the venues' positions (--accept-venue-positions)", PM_KV_I("differences", r.ndiffs_total));
        rc = pm_reconcile_adopt(db, &r, pm_wall_ns(), err);
        if (!rc) rc = load_ledger(t, db, err);
        if (!rc) rc = pm_reconcile(db, t->rv, &r, err);
    }
    pm_db_close(db);
    if (rc) return pm_err_set(err, "cannot reconcile positions with the venues: %.400s", err->msg);
    for (int v = 0; v < PM_VENUE_COUNT; v++) t->start_cash[v] = r.venue_cash[v];
    recon_verdict(t, &r);
    pm_info("trading", "positions reconciled with the venues", PM_KV_I("checked", r.checked),
            PM_KV_I("differences", r.ndiffs_total), PM_KV_FX("kalshi_cash", r.venue_cash[PM_VENUE_KALSHI], 2),
            PM_KV_FX("polymarket_cash", r.venue_cash[PM_VENUE_POLYMARKET], 2));
    return 0;
}

int pm_trading_start(const pm_trading_options *o, pm_trading **out, pm_err *err) {
    *out = NULL;
    const pm_config *cfg = o->cfg;
    if (cfg->strategy.same_venue)
        return pm_err_set(err, "[strategy] same_venue = on is paper-only in this version: set it off for live trading");
    pm_trading *t = calloc(1, sizeof *t);
    if (!t) return pm_err_set(err, "out of memory");
    t->o = *o;
    t->cfg = cfg;
    pm_risk_limits lim = limits_of(cfg);
    int rc = 0;
    if (!(t->risk = pm_risk_new(&lim, pm_engine_risk_slots(o->engine)))) rc = pm_err_set(err, "out of memory");
    pm_db *db = NULL;
    if (!rc) rc = pm_db_open(cfg->db.path, 0, cfg->db.busy_timeout_ms, &db, err);
    if (!rc) rc = load_ledger(t, db, err);
    if (!rc) rc = open_venues(t, 0, t->rv, err);
    pm_exec_venue *xv[PM_VENUE_COUNT] = {NULL, NULL};
    if (!rc) rc = open_venues(t, cfg->strategy.second_leg_timeout_ms, xv, err);
    for (int v = 0; v < PM_VENUE_COUNT && !rc; v++) {
        snprintf(t->journal[v], sizeof t->journal[v], "%s.%s.journal", cfg->db.path, pm_venue_name((pm_venue)v));
        pm_executor_config xc = {
            .venue = xv[v], .journal_path = t->journal[v], .metrics = o->metrics,
            .find_attempts = FIND_ATTEMPTS, .find_backoff_ms = FIND_BACKOFF_MS,
            .spin_ns = pm_executor_spin_ns(cfg->run.executor_spin_us),
        };
        xv[v] = NULL; /* the executor owns it now, started or not */
        rc = pm_executor_start(&xc, &t->x[v], err);
    }
    for (int v = 0; v < PM_VENUE_COUNT; v++) pm_exec_free(xv[v]);
    if (!rc) {
        pm_executor_pair(t->x[0], t->x[1]);
        pm_live_config lc = {.cfg = cfg, .writer = o->writer, .metrics = o->metrics, .risk = t->risk, .ledger = t->ledger,
                             .x = {t->x[0], t->x[1]},
                             .books = {.ctx = o->engine, .book = pm_engine_book, .legs_of = pm_engine_legs_of}};
        if (!(t->live = pm_live_new(&lc))) rc = pm_err_set(err, "out of memory");
    }
    if (!rc) {
        /* a round takes as many orders as there are trade slots: the next round reads the rest
         * once the writer has stored what the previous one learned */
        const char *paths[PM_VENUE_COUNT] = {t->journal[0], t->journal[1]};
        for (int n = PM_LIVE_TRADES_MAX; !rc && n >= PM_LIVE_TRADES_MAX;) {
            n = pm_live_recover(t->live, db, paths, err);
            if (n < 0) rc = -1;
            else if (n) {
                pm_info("trading", "looking up orders an earlier run left open", PM_KV_I("orders", n));
                drain(t, RECOVER_FOR_NS, 1);
                if (pm_writer_flush(o->writer, FLUSH_MS)) rc = pm_err_set(err, "the database writer did not catch up");
            }
        }
    }
    pm_db_close(db);
    if (!rc) rc = reconcile_start(t, err);
    if (!rc) hold_positions(t);
    if (rc) {
        for (int v = 0; v < PM_VENUE_COUNT; v++) {
            pm_executor_stop(t->x[v]);
            pm_exec_free(t->rv[v]);
        }
        pm_live_free(t->live);
        pm_ledger_free(t->ledger);
        pm_risk_free(t->risk);
        free(t);
        return -1;
    }
    int64_t now = pm_mono_ns();
    t->next_slow = now;
    t->next_recon = now + cfg->risk.reconcile_seconds * 1000000000LL;
    pm_engine_set_live(o->engine, t->live, t->risk);
    *out = t;
    return 0;
}

/* ---------- upkeep ---------- */

static void kill_switch(pm_trading *t, const char *why) {
    t->killed = 1;
    pm_risk_kill(t->risk, 1);
    pm_live_cancel_all(t->live);
    pm_warn("trading", "KILL SWITCH: open orders cancelled on both venues, no new orders until a restart",
            PM_KV_S("by", why));
    char detail[128];
    snprintf(detail, sizeof detail, "{\"by\":\"%s\"}", why);
    audit(t, "error", "kill_switch", detail);
}

static void *recon_main(void *arg) {
    pm_trading *t = arg;
    pm_err err = {{0}};
    pm_db *db = NULL;
    t->thread_rc = -1;
    if (pm_writer_flush(t->o.writer, FLUSH_MS)) pm_err_set(&err, "the database writer did not catch up");
    else if (!pm_db_open(t->cfg->db.path, 0, t->cfg->db.busy_timeout_ms, &db, &err)) {
        t->thread_rc = pm_reconcile(db, t->rv, &t->recon, &err);
        pm_db_close(db);
    }
    snprintf(t->thread_err, sizeof t->thread_err, "%s", err.msg);
    atomic_store(&t->thread_done, 1);
    return NULL;
}

static void reconcile_tick(pm_trading *t, int64_t now) {
    if (t->rc == RC_IDLE) {
        if (t->cfg->risk.reconcile_seconds <= 0 || now < t->next_recon || t->stopping) return;
        if (!pm_risk_halted(t->risk)) { /* pause new intents while the books of both sides are compared */
            pm_risk_halt(t->risk, 1);
            t->paused_by_recon = 1;
        }
        t->rc = RC_WAITING;
    }
    if (t->rc == RC_WAITING) {
        if (pm_live_in_flight(t->live)) return;
        atomic_store(&t->thread_done, 0);
        t->thread_started = !pthread_create(&t->thread, NULL, recon_main, t);
        if (!t->thread_started) {
            t->thread_rc = -1;
            snprintf(t->thread_err, sizeof t->thread_err, "cannot start the reconciliation thread");
            atomic_store(&t->thread_done, 1);
        }
        t->rc = RC_RUNNING;
        return;
    }
    if (!atomic_load(&t->thread_done)) return;
    if (t->thread_started) pthread_join(t->thread, NULL);
    t->thread_started = 0;
    t->rc = RC_IDLE;
    t->next_recon = now + t->cfg->risk.reconcile_seconds * 1000000000LL;
    if (t->thread_rc) pm_warn("trading", "reconciliation failed: trying again next period", PM_KV_S("reason", t->thread_err));
    else recon_verdict(t, &t->recon);
    if (t->paused_by_recon) {
        pm_risk_halt(t->risk, 0);
        t->paused_by_recon = 0;
    }
}

void pm_trading_tick(pm_trading *t, int64_t now) {
    pm_live_poll(t->live, now);
    if (now < t->next_slow) return;
    t->next_slow = now + SLOW_EVERY_NS;
    if (!t->killed) {
        if (t->o.kill_flag && *t->o.kill_flag) kill_switch(t, "SIGUSR1");
        else if (t->cfg->risk.kill_file[0] && !access(t->cfg->risk.kill_file, F_OK)) kill_switch(t, "kill_file");
    }
    /* the day's PnL for the loss limit, realized plus marked to market: every finished trade's
     * hedged contracts at the $1 they pay, less all the cash the trade took, plus what the
     * residuals those trades left would fetch sold at the bids now (fees included). A hedged pair
     * stays at $1: marking both its legs at their bids would count the spread as a loss. */
    pm_live_stats st;
    pm_live_get_stats(t->live, &st);
    pm_risk_set_pnl(t->risk, st.locked_pnl + st.residual_mark, pm_wall_ns());
    reconcile_tick(t, now);
}

void pm_trading_quiesce(pm_trading *t) {
    t->stopping = 1;
    pm_risk_halt(t->risk, 1);
    t->paused_by_recon = 0;
}

int pm_trading_busy(const pm_trading *t) { return pm_live_in_flight(t->live) > 0; }

void pm_trading_snapshot(const pm_trading *t, pm_metrics_snap *s) {
    pm_risk_stats rs;
    pm_risk_get_stats(t->risk, &rs);
    s->live = 1;
    memcpy(s->risk_refused, rs.refused, sizeof s->risk_refused);
    s->killed = (uint64_t)rs.killed;
    s->halted = (uint64_t)rs.halted;
    s->open_orders = (uint64_t)(rs.open_orders > 0 ? rs.open_orders : 0);
    pm_usd_t realized, marked;
    pm_live_pnl(t->live, &realized, &marked);
    s->live_pnl_realized = realized;
    s->live_pnl_marked = marked;
    pm_live_stats st;
    pm_live_get_stats(t->live, &st);
    s->live_pnl_locked = st.locked_pnl;
    s->live_residual_mark = st.residual_mark;
}

void pm_trading_get_report(const pm_trading *t, pm_trading_report *out) {
    memset(out, 0, sizeof *out);
    pm_live_get_stats(t->live, &out->live);
    pm_risk_get_stats(t->risk, &out->risk);
    memcpy(out->start_cash, t->start_cash, sizeof out->start_cash);
    pm_live_pnl(t->live, &out->realized, &out->marked);
    out->reconcile_diffs = t->reconcile_diffs;
    out->unknown_orders = pm_live_in_flight(t->live);
}

/* ---------- stop ---------- */

int pm_trading_stop(pm_trading *t, pm_trading_report *report, pm_err *err) {
    if (!t) return 0;
    int rc = 0;
    pm_trading_quiesce(t);
    if (t->thread_started) pthread_join(t->thread, NULL);
    drain(t, CANCEL_FOR_NS, 0);
    pm_live_cancel_all(t->live);
    int64_t end = pm_mono_ns() + CANCEL_FOR_NS;
    while ((pm_executor_busy(t->x[0]) || pm_executor_busy(t->x[1])) && pm_mono_ns() < end) {
        pm_live_poll(t->live, pm_mono_ns());
        usleep(2000);
    }
    pm_live_poll(t->live, pm_mono_ns());
    if (report) pm_trading_get_report(t, report);
    int unknown = pm_live_in_flight(t->live);
    if (pm_writer_flush(t->o.writer, FLUSH_MS)) rc = pm_err_set(err, "the database writer did not catch up: the order journals are kept");
    else if (unknown)
        rc = pm_err_set(err, "%d trade(s) still had orders whose outcome is unknown: the order journals are kept and the next "
                             "start looks them up", unknown);
    else
        for (int v = 0; v < PM_VENUE_COUNT && !rc; v++) rc = pm_executor_clear_journal(t->x[v], err);
    for (int v = 0; v < PM_VENUE_COUNT; v++) {
        pm_executor_stop(t->x[v]);
        pm_exec_free(t->rv[v]);
    }
    pm_engine_set_live(t->o.engine, NULL, NULL);
    pm_live_free(t->live);
    pm_ledger_free(t->ledger);
    pm_risk_free(t->risk);
    free(t);
    return rc;
}
