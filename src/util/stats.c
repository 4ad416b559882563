/* stats.c — latency summaries of nanosecond samples (see stats.h). */
#include "util/stats.h"

#include <stdlib.h>

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

pm_latency pm_latency_summarize(int64_t *ns, int n) {
    int64_t sum = 0;
    for (int i = 0; i < n; i++) sum += ns[i];
    qsort(ns, (size_t)n, sizeof *ns, cmp_i64);
    return (pm_latency){
        .p50 = ns[n / 2],
        .p99 = ns[(int)((int64_t)n * 99 / 100)],
        .p999 = ns[(int)((int64_t)n * 999 / 1000)],
        .mean = sum / n,
    };
}
