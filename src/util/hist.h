/* hist.h — latency histograms any thread may record into without a lock (atomic counters per
 * bucket), with fixed bucket bounds from 1 µs to 5 s (1-2-5 steps) so they render directly as
 * Prometheus histograms, and a bounded sample of raw values per histogram for exact
 * percentiles at the end of a run (the first PM_HIST_SAMPLES values recorded are kept). */
#ifndef PM_UTIL_HIST_H
#define PM_UTIL_HIST_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "util/stats.h"

#define PM_HIST_BUCKETS 21        /* finite bounds: 1, 2, 5 µs × 10^k for k = 0..6 (5 s the last) */
#define PM_HIST_SAMPLES 16384

typedef struct pm_hist {
    atomic_uint_fast64_t bucket[PM_HIST_BUCKETS + 1]; /* [i]: values ≤ bound(i) and > bound(i−1); last: +Inf */
    atomic_uint_fast64_t count;
    atomic_int_fast64_t sum_ns;
    atomic_uint_fast64_t nsamples;                    /* samples claimed (may exceed PM_HIST_SAMPLES) */
    int64_t sample[PM_HIST_SAMPLES];
} pm_hist;

/* The upper bound of finite bucket i in ns: 1 µs, 2 µs, 5 µs, 10 µs, … 5 s (i in 0..PM_HIST_BUCKETS-1). */
int64_t pm_hist_bound_ns(int i);

/* Bucket i's "le" label as pm_hist_render writes it (seconds, exact: "0.000001", "0.5", "5";
 * i = PM_HIST_BUCKETS: "+Inf"). */
void pm_hist_le_text(int i, char *buf, size_t cap);

void pm_hist_init(pm_hist *h);
/* Any thread. Negative values count as 0. */
void pm_hist_record(pm_hist *h, int64_t ns);

/* Cumulative counts as Prometheus wants them: out[i] = values ≤ bound(i), out[PM_HIST_BUCKETS] = count. */
typedef struct pm_hist_snap {
    uint64_t cumulative[PM_HIST_BUCKETS + 1];
    uint64_t count;
    int64_t sum_ns;
} pm_hist_snap;
void pm_hist_snapshot(const pm_hist *h, pm_hist_snap *out);

/* p50/p99/p99.9/mean of the kept samples (when every recording thread has stopped or is
 * quiescent); all 0 when none: *n gets how many. */
pm_latency pm_hist_summary(pm_hist *h, int *n);

/* Prometheus text for one histogram: name_bucket{labels,le="…"} lines in seconds, _sum, _count.
 * labels may be "" (no labels) or e.g. "venue=\"kalshi\"". Returns bytes written, -1 when cap is too small. */
int pm_hist_render(const pm_hist_snap *s, const char *name, const char *labels, char *buf, size_t cap);

#endif
