/* metrics.c — the run's counters: seqlock publication, Prometheus text, health (see metrics.h). */
#include "engine/metrics.h"

#include "core/money.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

_Static_assert(sizeof(pm_metrics_snap) % sizeof(uint64_t) == 0, "pm_metrics_snap holds 64-bit words only");

void pm_metrics_publish(pm_metrics_pub *p, const pm_metrics_snap *s) {
    uint64_t w[PM_METRICS_WORDS];
    memcpy(w, s, sizeof w);
    uint_fast64_t seq = atomic_load_explicit(&p->seq, memory_order_relaxed);
    atomic_store_explicit(&p->seq, seq + 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    for (size_t i = 0; i < PM_METRICS_WORDS; i++) atomic_store_explicit(&p->w[i], w[i], memory_order_relaxed);
    atomic_store_explicit(&p->seq, seq + 2, memory_order_release);
}

void pm_metrics_read(pm_metrics_pub *p, pm_metrics_snap *out) {
    uint64_t w[PM_METRICS_WORDS];
    for (;;) {
        uint_fast64_t a = atomic_load_explicit(&p->seq, memory_order_acquire);
        if (a & 1) continue;
        for (size_t i = 0; i < PM_METRICS_WORDS; i++) w[i] = atomic_load_explicit(&p->w[i], memory_order_relaxed);
        atomic_thread_fence(memory_order_acquire);
        if (atomic_load_explicit(&p->seq, memory_order_relaxed) == a) break;
    }
    memcpy(out, w, sizeof w);
}

typedef struct sink {
    char *buf;
    size_t cap, len;
    int full;
} sink;

static void put(sink *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(sink *k, const char *fmt, ...) {
    if (k->full) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(k->buf + k->len, k->cap - k->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= k->cap - k->len) k->full = 1;
    else k->len += (size_t)n;
}

static void head(sink *k, const char *name, const char *type, const char *help) {
    put(k, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void per_venue(sink *k, const char *name, const char *type, const char *help, const uint64_t v[PM_VENUE_COUNT]) {
    head(k, name, type, help);
    for (int i = 0; i < PM_VENUE_COUNT; i++) put(k, "%s{venue=\"%s\"} %" PRIu64 "\n", name, pm_venue_name((pm_venue)i), v[i]);
}

static void one(sink *k, const char *name, const char *type, const char *help, uint64_t v) {
    head(k, name, type, help);
    put(k, "%s %" PRIu64 "\n", name, v);
}

int pm_metrics_render(const pm_metrics_snap *s, const pm_live_metrics *live, char *buf, size_t cap) {
    (void)live;
    sink k = {buf, cap, 0, cap == 0};
    per_venue(&k, "pmarb_frames_total", "counter", "WebSocket frames received.", s->frames);
    one(&k, "pmarb_book_updates_total", "counter", "Order book updates applied.", s->books);
    one(&k, "pmarb_stale_events_total", "counter", "Books marked stale (gap, bad input, connection lost).", s->stale_events);
    head(&k, "pmarb_detector_verdicts_total", "counter", "Detector scans of one pair direction, by verdict.");
    for (int i = 0; i < PM_DET_STATUS_COUNT; i++)
        put(&k, "pmarb_detector_verdicts_total{status=\"%s\"} %" PRIu64 "\n", pm_det_status_name((pm_det_status)i), s->det[i]);
    head(&k, "pmarb_opportunities_total", "counter", "Opportunities found, by decision.");
    put(&k, "pmarb_opportunities_total{decision=\"traded\"} %" PRIu64 "\n", s->traded);
    put(&k, "pmarb_opportunities_total{decision=\"rejected\"} %" PRIu64 "\n", s->rejected);
    put(&k, "pmarb_opportunities_total{decision=\"skipped\"} %" PRIu64 "\n", s->skipped);
    one(&k, "pmarb_paper_fills_total", "counter", "Opportunities filled on paper (two legs each).", s->fills);
    one(&k, "pmarb_pairs_active", "gauge", "Approved pairs being traded.", s->pairs_active);
    one(&k, "pmarb_books", "gauge", "Books of the active pairs' markets.", s->books_total);
    one(&k, "pmarb_books_not_live", "gauge", "Books of the active pairs' markets that are not live.", s->books_not_live);
    per_venue(&k, "pmarb_connections_up", "gauge", "Venue WebSocket connections open.", s->conns_up);
    per_venue(&k, "pmarb_connections", "gauge", "Venue WebSocket connections wanted.", s->conns);
    char pnl[PM_FIXED_BUF];
    pm_fixed_format(s->pnl, 6, PM_ROUND_HALF_EVEN, pnl, sizeof pnl);
    head(&k, "pmarb_paper_pnl_dollars", "gauge", "Paper PnL at settlement, dollars (exact).");
    put(&k, "pmarb_paper_pnl_dollars %s\n", pnl);
    return k.full ? -1 : (int)k.len;
}

int pm_metrics_health(const pm_metrics_snap *s, char *buf, size_t cap) {
    for (int i = 0; i < PM_VENUE_COUNT; i++)
        if (s->conns_up[i] < s->conns[i] || !s->conns[i]) {
            snprintf(buf, cap, "{\"status\":\"unhealthy\",\"reason\":\"%s connections up %" PRIu64 "/%" PRIu64 "\"}",
                     pm_venue_name((pm_venue)i), s->conns_up[i], s->conns[i]);
            return 503;
        }
    if (s->books_not_live) {
        snprintf(buf, cap, "{\"status\":\"unhealthy\",\"reason\":\"books not live %" PRIu64 "/%" PRIu64 "\"}", s->books_not_live,
                 s->books_total);
        return 503;
    }
    snprintf(buf, cap, "{\"status\":\"ok\"}");
    return 200;
}

void pm_live_metrics_init(pm_live_metrics *m) {
    memset(m, 0, sizeof *m);
    pm_hist_init(&m->feed_to_decision);
    pm_hist_init(&m->ack_to_second_wire);
    for (int v = 0; v < PM_VENUE_COUNT; v++) {
        pm_hist_init(&m->decision_to_wire[v]);
        pm_hist_init(&m->venue_rtt[v]);
    }
}
