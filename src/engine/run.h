/* run.h — `pmarb run` and `pmarb record` on live sockets: approved pairs loaded from the
 * database, both venues' feeds in one event loop (links.h), the engine (engine.h) on this
 * thread, the writer thread for everything stored, optionally a recording of every feed input
 * (recorder.h). A status line on the status stream every [run] status_interval_s: pairs live,
 * books stale, messages/s, opportunities, paper PnL. SIGINT/SIGTERM stop cleanly (sockets
 * closed, the writer and the recording flushed); SIGHUP reloads the approved pairs (loaded on
 * a helper thread, adopted between messages). With http_listen set, a thread serves the
 * counters (metrics.h) the loop publishes between messages; a bind failure stops the start. Ends with the engine's summary on out.
 *
 * [run] mode = live adds live trading (trading.h: risk gate, executors, reconciliation, kill
 * switch on SIGUSR1 or [risk] kill_file); a stop then waits for the trades in flight, with the
 * feeds still going, before cancelling open orders. */
#ifndef PM_ENGINE_RUN_H
#define PM_ENGINE_RUN_H

#include <stdio.h>

#include "config/config.h"
#include "engine/metrics.h"
#include "engine/trading.h"
#include "venue/kalshi/auth.h"

typedef struct pm_run_options {
    const pm_config *cfg;
    kalshi_auth *auth;         /* signs the Kalshi handshake (not owned) */
    int64_t seconds;           /* stop after this long; 0 = until a signal */
    const char *record_path;   /* non-NULL: record every feed input there */
    const char *http_listen;   /* non-empty: serve GET /metrics and /health there (metrics_http.h) */
    int store;                 /* 1: opportunities, fills and positions go to the database */
    FILE *out, *status;        /* summary; status lines */
    int accept_venue_positions; /* live: adopt the venues' positions when they differ from the database */
    pm_live_metrics *live_metrics; /* live: the caller's (initialized) counters and histograms, or NULL */
    pm_trading_report *report; /* live: the final figures (may be NULL) */
} pm_run_options;

/* Runs until stopped. 0, or -1 with err (nothing to run, the database, the sockets, the
 * recording failed). */
int pm_run(const pm_run_options *o, pm_err *err);

#endif
