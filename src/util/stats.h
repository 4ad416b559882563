/* stats.h — latency summaries for the benchmark commands: p50, p99, p99.9 and mean of a sample
 * of integer nanoseconds, each percentile the sorted sample's element at index n·p (rounded down). */
#ifndef PM_UTIL_STATS_H
#define PM_UTIL_STATS_H

#include <stdint.h>

typedef struct pm_latency {
    int64_t p50, p99, p999; /* ns[n/2], ns[n·99/100], ns[n·999/1000] of the sorted sample */
    int64_t mean;           /* sum / n, truncated toward zero */
} pm_latency;

/* Sorts ns[0..n) ascending in place and returns its summary. n must be at least 1. */
pm_latency pm_latency_summarize(int64_t *ns, int n);

#endif
