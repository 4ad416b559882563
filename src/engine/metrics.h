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
#include "core/market.h"

/* Only 64-bit members: the seqlock copies it word by word. */
typedef struct pm_metrics_snap {
    uint64_t frames[PM_VENUE_COUNT];
    uint64_t books, stale_events;
    uint64_t det[PM_DET_STATUS_COUNT];
    uint64_t traded, rejected, skipped;
    uint64_t fills;                       /* paper fills (opportunities filled, two legs each) */
    uint64_t pairs_active, books_total, books_not_live;
    uint64_t conns_up[PM_VENUE_COUNT], conns[PM_VENUE_COUNT];
    int64_t pnl;                          /* paper PnL at settlement, micro-dollars */
} pm_metrics_snap;

#define PM_METRICS_WORDS (sizeof(pm_metrics_snap) / sizeof(uint64_t))

typedef struct pm_metrics_pub {
    atomic_uint_fast64_t seq;             /* odd while the writer is copying */
    atomic_uint_fast64_t w[PM_METRICS_WORDS];
} pm_metrics_pub;

/* Single writer (the feed thread). */
void pm_metrics_publish(pm_metrics_pub *p, const pm_metrics_snap *s);
/* Any thread: the latest complete snapshot. */
void pm_metrics_read(pm_metrics_pub *p, pm_metrics_snap *out);

/* Prometheus text exposition of s into buf; its length, or -1 when cap is too small. */
int pm_metrics_render(const pm_metrics_snap *s, char *buf, size_t cap);

/* 200 with {"status":"ok"} when every venue connection is up and every book is live, else
 * 503 with {"status":"unhealthy","reason":"…"}; the body goes into buf. Returns the status. */
int pm_metrics_health(const pm_metrics_snap *s, char *buf, size_t cap);

#endif
