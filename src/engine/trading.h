/* trading.h — everything live trading adds to `pmarb run`, set up around the engine: the risk
 * gate from [risk], the ledger from the database's live positions, one executor per venue
 * (its own order connection and order journal), live.h on the feed thread, and a second
 * connection per venue for reconciliation and upkeep.
 *
 * Start, before any feed connects: orders an earlier run left open are recovered (journals,
 * then looked up on the venues), the pairs a person has not cleared from pair_halts are
 * blacklisted (so is one a SIGHUP reload brings in: engine.c), and positions are reconciled with the venues (reconcile.h). A difference halts
 * trading and says what to do; with accept_venue_positions the venues' figures are adopted.
 * The venues' cash is what the risk gate then spends from.
 *
 * While running (pm_trading_tick, between messages): results are taken in; the kill switch —
 * [risk] kill_file appearing, or SIGUSR1 — cancels every open order on both venues and stops
 * new orders for the rest of the run, the feeds going on; the day's PnL (each trade's hedged
 * contracts at the $1 they pay less all its cash, plus its residual marked at the bid less the
 * sale's fee: live.h) goes to the gate; every [risk] reconcile_seconds new intents pause, the
 * trades in flight finish, the writer is flushed and a thread reconciles again (a difference
 * halts).
 *
 * Stop: no new intents, trades in flight finish (bounded), open orders are cancelled, the
 * writer is flushed and, when no order's outcome is unknown, the journals are cleared. */
#ifndef PM_ENGINE_TRADING_H
#define PM_ENGINE_TRADING_H

#include <signal.h>

#include "config/config.h"
#include "engine/engine.h"
#include "engine/live.h"
#include "engine/metrics.h"
#include "store/writer.h"
#include "venue/kalshi/auth.h"

typedef struct pm_trading pm_trading;

typedef struct pm_trading_options {
    const pm_config *cfg;
    kalshi_auth *auth;                 /* borrowed */
    pm_engine *engine;                 /* borrowed: set to live mode */
    pm_writer *writer;                 /* borrowed */
    pm_live_metrics *metrics;          /* borrowed */
    int accept_venue_positions;
    volatile sig_atomic_t *kill_flag;  /* set by a SIGUSR1 handler (may be NULL) */
} pm_trading_options;

int pm_trading_start(const pm_trading_options *o, pm_trading **out, pm_err *err);

/* Between messages. */
void pm_trading_tick(pm_trading *t, int64_t now_mono);

/* Stops new intents (the stop begins: the loop keeps the feeds going while trades finish). */
void pm_trading_quiesce(pm_trading *t);

/* 1 while trades are in flight (the loop then services the sockets with a short timeout). */
int pm_trading_busy(const pm_trading *t);

/* The live fields of a metrics snapshot. */
void pm_trading_snapshot(const pm_trading *t, pm_metrics_snap *s);

typedef struct pm_trading_report {
    pm_live_stats live;
    pm_risk_stats risk;
    pm_usd_t start_cash[PM_VENUE_COUNT];  /* the venues' cash when trading started */
    pm_usd_t realized, marked;
    int reconcile_diffs;                  /* differences found by the last reconciliation */
    int unknown_orders;                   /* orders whose outcome stayed unknown at the stop */
} pm_trading_report;
void pm_trading_get_report(const pm_trading *t, pm_trading_report *out);

/* Graceful stop (see above) and free; report (may be NULL) gets the final figures. 0, or −1
 * with err when something could not be finished (orders left open or unknown: said in err). */
int pm_trading_stop(pm_trading *t, pm_trading_report *report, pm_err *err);

#endif
