/* hist.c — lock-free latency histograms with fixed 1-2-5 bounds (see hist.h). */
#include "util/hist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int64_t pm_hist_bound_ns(int i) {
    static const int64_t step[3] = {1, 2, 5};
    int64_t decade = 1000; /* 1 µs */
    for (int k = 0; k < i / 3; k++) decade *= 10;
    return step[i % 3] * decade;
}

void pm_hist_init(pm_hist *h) { memset(h, 0, sizeof *h); }

void pm_hist_record(pm_hist *h, int64_t ns) {
    if (ns < 0) ns = 0;
    int i = 0;
    while (i < PM_HIST_BUCKETS && ns > pm_hist_bound_ns(i)) i++;
    atomic_fetch_add_explicit(&h->bucket[i], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&h->count, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&h->sum_ns, ns, memory_order_relaxed);
    uint64_t slot = atomic_fetch_add_explicit(&h->nsamples, 1, memory_order_relaxed);
    if (slot < PM_HIST_SAMPLES) h->sample[slot] = ns;
}

void pm_hist_snapshot(const pm_hist *h, pm_hist_snap *out) {
    uint64_t run = 0;
    for (int i = 0; i <= PM_HIST_BUCKETS; i++) {
        run += atomic_load_explicit(&h->bucket[i], memory_order_relaxed);
        out->cumulative[i] = run;
    }
    out->count = run;
    out->sum_ns = atomic_load_explicit(&h->sum_ns, memory_order_relaxed);
}

pm_latency pm_hist_summary(pm_hist *h, int *n) {
    uint64_t k = atomic_load(&h->nsamples);
    if (k > PM_HIST_SAMPLES) k = PM_HIST_SAMPLES;
    *n = (int)k;
    pm_latency none = {0, 0, 0, 0};
    if (!k) return none;
    int64_t *copy = malloc(k * sizeof *copy);
    if (!copy) return none;
    memcpy(copy, h->sample, k * sizeof *copy);
    pm_latency out = pm_latency_summarize(copy, (int)k);
    free(copy);
    return out;
}

/* ns as seconds, exact: "0.000001", "0.5", "5". */
static void seconds(int64_t ns, char *buf, size_t cap) {
    int64_t s = ns / 1000000000LL, frac = ns % 1000000000LL;
    if (!frac) {
        snprintf(buf, cap, "%lld", (long long)s);
        return;
    }
    char f[16];
    snprintf(f, sizeof f, "%09lld", (long long)frac);
    for (int i = 8; i > 0 && f[i] == '0'; i--) f[i] = '\0';
    snprintf(buf, cap, "%lld.%s", (long long)s, f);
}

void pm_hist_le_text(int i, char *buf, size_t cap) {
    if (i < PM_HIST_BUCKETS) seconds(pm_hist_bound_ns(i), buf, cap);
    else snprintf(buf, cap, "+Inf");
}

int pm_hist_render(const pm_hist_snap *s, const char *name, const char *labels, char *buf, size_t cap) {
    size_t off = 0;
    const char *sep = labels[0] ? "," : "";
    for (int i = 0; i <= PM_HIST_BUCKETS; i++) {
        char le[32];
        pm_hist_le_text(i, le, sizeof le);
        int n = snprintf(buf + off, cap - off, "%s_bucket{%s%sle=\"%s\"} %llu\n", name, labels, sep, le,
                         (unsigned long long)s->cumulative[i]);
        if (n < 0 || (size_t)n >= cap - off) return -1;
        off += (size_t)n;
    }
    char sum[32];
    seconds(s->sum_ns, sum, sizeof sum);
    const char *open = labels[0] ? "{" : "", *close = labels[0] ? "}" : "";
    int n = snprintf(buf + off, cap - off, "%s_sum%s%s%s %s\n%s_count%s%s%s %llu\n", name, open, labels, close, sum, name,
                     open, labels, close, (unsigned long long)s->count);
    if (n < 0 || (size_t)n >= cap - off) return -1;
    return (int)(off + (size_t)n);
}
