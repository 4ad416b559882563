/* metrics.h — what `pmarb run` exposes on [run] http_listen: a snapshot of the engine's
 * counters (taken by the feed thread between messages), published through a seqlock so the
 * HTTP thread reads a consistent copy without a lock on the feed thread, rendered as
 * Prometheus text (GET /metrics) or judged for GET /health. */
#ifndef PM_ENGINE_METRICS_H
#define PM_ENGINE_METRICS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "core/detector.h"
#include "core/exec.h"
#include "core/market.h"
#include "core/risk.h"
#include "util/hist.h"

/* Only 64-bit members: the seqlock copies it word by word. */
typedef struct pm_metrics_snap {
    uint64_t frames[PM_VENUE_COUNT];
    uint64_t books, stale_events;
    uint64_t poly_hashes[4];              /* pm_engine_stats.poly_hashes */
    uint64_t det[PM_DET_STATUS_COUNT];
    uint64_t traded, rejected, skipped;
    uint64_t fills;                       /* paper fills (opportunities filled, two legs each) */
    uint64_t pairs_active, books_total, books_not_live;
    uint64_t conns_up[PM_VENUE_COUNT], conns[PM_VENUE_COUNT];
    int64_t pnl;                          /* paper PnL at settlement, micro-dollars */
    uint64_t live;                        /* 1 when [run] mode = live */
    uint64_t risk_refused[PM_RISK_REASON_COUNT]; /* live intents refused by the risk gate, by reason ([0]: admitted) */
    uint64_t killed, halted;              /* the kill switch / a trading halt is on */
    uint64_t open_orders;
    int64_t live_pnl_realized;            /* live: locked at settlement of hedged pairs, micro-dollars */
    int64_t live_pnl_marked;              /* live: positions marked at the bids, minus their cost */
    int64_t live_pnl_locked;              /* live: finished trades' hedged contracts at $1 less their cash */
    int64_t live_residual_mark;           /* live: what those trades left unhedged, sold at the bids now
                                             (less the fee); + locked: the daily loss limit's figure */
} pm_metrics_snap;

/* Counters and latency histograms of live execution, updated by the executor threads with
 * atomics (read by the HTTP thread as they are). */
typedef struct pm_live_metrics {
    atomic_uint_fast64_t orders[PM_VENUE_COUNT];                      /* orders sent */
    atomic_uint_fast64_t results[PM_VENUE_COUNT][PM_EXEC_STATUS_COUNT]; /* orders by how they ended */
    atomic_uint_fast64_t fills[PM_VENUE_COUNT];                       /* fills recorded */
    atomic_uint_fast64_t one_legged;     /* trades whose legs filled different quantities */
    atomic_uint_fast64_t hedged;         /* ... resolved by completing the short leg */
    atomic_uint_fast64_t unwound;        /* ... resolved by selling the long leg */
    atomic_uint_fast64_t unresolved;     /* ... left open (limits, no liquidity): a person must look */
    pm_hist feed_to_decision;            /* frame received → intent formed */
    pm_hist decision_to_wire[PM_VENUE_COUNT]; /* intent → its first order on the wire (signing included) */
    pm_hist ack_to_second_wire;          /* first leg's fill ack → second leg on the wire (sequential) */
    pm_hist venue_rtt[PM_VENUE_COUNT];   /* order on the wire → the venue's answer */
} pm_live_metrics;

void pm_live_metrics_init(pm_live_metrics *m);

#define PM_METRICS_WORDS (sizeof(pm_metrics_snap) / sizeof(uint64_t))

typedef struct pm_metrics_pub {
    atomic_uint_fast64_t seq;             /* odd while the writer is copying */
    atomic_uint_fast64_t w[PM_METRICS_WORDS];
} pm_metrics_pub;

/* Single writer (the feed thread). */
void pm_metrics_publish(pm_metrics_pub *p, const pm_metrics_snap *s);
/* Any thread: the latest complete snapshot. */
void pm_metrics_read(pm_metrics_pub *p, pm_metrics_snap *out);

/* Prometheus text exposition of s (and live, NULL on paper) into buf; its length, or -1 when
 * cap is too small. */
int pm_metrics_render(const pm_metrics_snap *s, const pm_live_metrics *live, char *buf, size_t cap);

/* 200 with {"status":"ok"} when every venue connection is up, every book is live and trading
 * is neither killed nor halted, else
 * 503 with {"status":"unhealthy","reason":"…"}; the body goes into buf. Returns the status. */
int pm_metrics_health(const pm_metrics_snap *s, char *buf, size_t cap);

#endif
