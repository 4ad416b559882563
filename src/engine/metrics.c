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

static void dollars(sink *k, const char *name, const char *labels, int64_t v) {
    char text[PM_FIXED_BUF];
    pm_fixed_format(v, 6, PM_ROUND_HALF_EVEN, text, sizeof text);
    put(k, "%s%s %s\n", name, labels, text);
}

static void hist(sink *k, const char *name, const char *help, const char *labels, const pm_hist *h, int with_head) {
    if (with_head) head(k, name, "histogram", help);
    if (k->full) return;
    pm_hist_snap snap;
    pm_hist_snapshot(h, &snap);
    int n = pm_hist_render(&snap, name, labels, k->buf + k->len, k->cap - k->len);
    if (n < 0) k->full = 1;
    else k->len += (size_t)n;
}

/* The live figures: risk refusals, kill/halt, open orders, live PnL (from the snapshot), and
 * the executors' counters and latency histograms (from live). */
static void render_live(sink *k, const pm_metrics_snap *s, const pm_live_metrics *live) {
    head(k, "pmarb_risk_refused_total", "counter", "Live intents the risk gate refused, by reason (ok: admitted).");
    for (int i = 0; i < PM_RISK_REASON_COUNT; i++)
        put(k, "pmarb_risk_refused_total{reason=\"%s\"} %" PRIu64 "\n", pm_risk_reason_name((pm_risk_reason)i), s->risk_refused[i]);
    one(k, "pmarb_trading_killed", "gauge", "1 while the kill switch is on.", s->killed);
    one(k, "pmarb_trading_halted", "gauge", "1 while trading is halted (reconciliation, stop).", s->halted);
    one(k, "pmarb_open_orders", "gauge", "Live orders in flight.", s->open_orders);
    head(k, "pmarb_live_pnl_dollars", "gauge", "Live PnL, dollars (exact): realized, and open positions marked at the bids.");
    dollars(k, "pmarb_live_pnl_dollars", "{kind=\"realized\"}", s->live_pnl_realized);
    dollars(k, "pmarb_live_pnl_dollars", "{kind=\"marked\"}", s->live_pnl_marked);
    head(k, "pmarb_risk_pnl_dollars", "gauge",
         "The PnL the daily loss limit watches (their sum), dollars (exact): locked by finished trades (hedged contracts at "
         "$1 less their cash), and the residuals they left marked at the bids less the sale's fee.");
    dollars(k, "pmarb_risk_pnl_dollars", "{kind=\"locked\"}", s->live_pnl_locked);
    dollars(k, "pmarb_risk_pnl_dollars", "{kind=\"residual_mark\"}", s->live_residual_mark);
    if (!live) return;
    uint64_t v[PM_VENUE_COUNT];
    for (int i = 0; i < PM_VENUE_COUNT; i++) v[i] = atomic_load(&live->orders[i]);
    per_venue(k, "pmarb_orders_total", "counter", "Live orders sent.", v);
    head(k, "pmarb_order_results_total", "counter", "Live orders by how they ended.");
    for (int i = 0; i < PM_VENUE_COUNT; i++)
        for (int r = 0; r < PM_EXEC_STATUS_COUNT; r++)
            put(k, "pmarb_order_results_total{venue=\"%s\",result=\"%s\"} %" PRIu64 "\n", pm_venue_name((pm_venue)i),
                pm_exec_status_name((pm_exec_status)r), (uint64_t)atomic_load(&live->results[i][r]));
    for (int i = 0; i < PM_VENUE_COUNT; i++) v[i] = atomic_load(&live->fills[i]);
    per_venue(k, "pmarb_fills_total", "counter", "Live fills recorded.", v);
    one(k, "pmarb_one_legged_total", "counter", "Trades whose legs filled different quantities.", atomic_load(&live->one_legged));
    head(k, "pmarb_one_legged_resolved_total", "counter", "How one-legged trades were resolved.");
    put(k, "pmarb_one_legged_resolved_total{how=\"hedged\"} %" PRIu64 "\n", (uint64_t)atomic_load(&live->hedged));
    put(k, "pmarb_one_legged_resolved_total{how=\"unwound\"} %" PRIu64 "\n", (uint64_t)atomic_load(&live->unwound));
    put(k, "pmarb_one_legged_resolved_total{how=\"unresolved\"} %" PRIu64 "\n", (uint64_t)atomic_load(&live->unresolved));
    hist(k, "pmarb_feed_to_decision_seconds", "Frame received to trade intent formed.", "", &live->feed_to_decision, 1);
    for (int i = 0; i < PM_VENUE_COUNT; i++) {
        char labels[32];
        snprintf(labels, sizeof labels, "venue=\"%s\"", pm_venue_name((pm_venue)i));
        hist(k, "pmarb_decision_to_wire_seconds", "Trade intent to its first order on the wire, signing included.", labels,
             &live->decision_to_wire[i], i == 0);
    }
    hist(k, "pmarb_ack_to_second_wire_seconds", "First leg's fill acknowledged to the second leg on the wire.", "",
         &live->ack_to_second_wire, 1);
    for (int i = 0; i < PM_VENUE_COUNT; i++) {
        char labels[32];
        snprintf(labels, sizeof labels, "venue=\"%s\"", pm_venue_name((pm_venue)i));
        hist(k, "pmarb_venue_rtt_seconds", "Order on the wire to the venue's answer.", labels, &live->venue_rtt[i], i == 0);
    }
}

int pm_metrics_render(const pm_metrics_snap *s, const pm_live_metrics *live, char *buf, size_t cap) {
    sink k = {buf, cap, 0, cap == 0};
    per_venue(&k, "pmarb_frames_total", "counter", "WebSocket frames received.", s->frames);
    one(&k, "pmarb_book_updates_total", "counter", "Order book updates applied.", s->books);
    one(&k, "pmarb_stale_events_total", "counter", "Books marked stale (gap, bad input, connection lost).", s->stale_events);
    static const char *const hash_results[4] = {"agreed", "differed", "unproven", "unchecked"};
    head(&k, "pmarb_polymarket_book_hashes_total", "counter",
         "Polymarket book hashes compared with the books pmarb holds, by result (unproven: a snapshot's not reproduced).");
    for (int i = 0; i < 4; i++)
        put(&k, "pmarb_polymarket_book_hashes_total{result=\"%s\"} %" PRIu64 "\n", hash_results[i], s->poly_hashes[i]);
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
    one(&k, "pmarb_live", "gauge", "1 when [run] mode = live.", s->live);
    if (s->live) render_live(&k, s, live);
    return k.full ? -1 : (int)k.len;
}

int pm_metrics_health(const pm_metrics_snap *s, char *buf, size_t cap) {
    for (int i = 0; i < PM_VENUE_COUNT; i++)
        if (s->conns_up[i] < s->conns[i] || !s->conns[i]) {
            snprintf(buf, cap, "{\"status\":\"unhealthy\",\"reason\":\"%s connections up %" PRIu64 "/%" PRIu64 "\"}",
                     pm_venue_name((pm_venue)i), s->conns_up[i], s->conns[i]);
            return 503;
        }
    if (s->killed || s->halted) {
        snprintf(buf, cap, "{\"status\":\"unhealthy\",\"reason\":\"%s\"}", s->killed ? "trading killed" : "trading halted");
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
