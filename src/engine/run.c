/* run.c — the live loop of `pmarb run` and `pmarb record` (see run.h). */
#include "engine/run.h"

#include "engine/engine.h"
#include "engine/links.h"
#include "engine/metrics_http.h"
#include "engine/recorder.h"
#include "engine/trading.h"
#include "config/secrets.h"
#include "venue/polymarket/user.h"
#include "util/clock.h"
#include "util/log.h"

#include <inttypes.h>
#include <stdlib.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>

#define TICK_NS 100000000LL       /* Polymarket timers: every 100 ms */
#define SERVICE_MS 20
#define RECORD_RING (64u << 20)   /* recording ring: bytes the disk may lag behind */
#define BUSY_SERVICE_MS 1         /* while live trades are in flight: results are taken in promptly */
#define DRAIN_NS (15 * 1000000000LL) /* a stop waits this long for trades in flight */

static volatile sig_atomic_t stop_requested, kill_requested;
static pm_pair_slot *volatile hup_slot;

static void on_stop(int sig) {
    (void)sig;
    stop_requested = 1;
}

static void on_usr1(int sig) {
    (void)sig;
    kill_requested = 1;
}

static void on_hup(int sig) {
    (void)sig;
    if (hup_slot) pm_pair_slot_request_reload(hup_slot);
}

static void install(void (*fn)(int), int sig) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sigaction(sig, &sa, NULL);
}

/* A SIGHUP reload: opens the database, loads the pairs and offers them to the feed thread. */
typedef struct reloader {
    const pm_config *cfg;
    pm_pair_slot *slot;
    pthread_t thread;
    atomic_int running, started;
} reloader;

static void *reload_main(void *arg) {
    reloader *r = arg;
    pm_db *db;
    pm_pair_cache *c;
    pm_err err;
    if (pm_db_open(r->cfg->db.path, 0, r->cfg->db.busy_timeout_ms, &db, &err))
        pm_warn("run", "reload failed: cannot open the database", PM_KV_S("reason", err.msg));
    else {
        if (pm_pair_cache_load(db, &c, &err)) pm_warn("run", "reload failed", PM_KV_S("reason", err.msg));
        else pm_pair_slot_publish(r->slot, c);
        pm_db_close(db);
    }
    atomic_store(&r->running, 0);
    return NULL;
}

static void reload_join(reloader *r) {
    if (atomic_load(&r->started)) pthread_join(r->thread, NULL);
    atomic_store(&r->started, 0);
}

static void reload_start(reloader *r) {
    if (atomic_load(&r->running)) return; /* one at a time: the request is taken again next round */
    reload_join(r);
    atomic_store(&r->running, 1);
    if (pthread_create(&r->thread, NULL, reload_main, r)) {
        atomic_store(&r->running, 0);
        pm_warn("run", "reload failed: cannot start a thread", PM_KV_S("reason", "pthread_create"));
        return;
    }
    atomic_store(&r->started, 1);
}

static void status_line(pm_engine *e, pm_links *l, pm_trading *tr, FILE *f, uint64_t frames_delta, int64_t dt_ns) {
    pm_engine_stats st;
    pm_paper_totals t;
    pm_engine_get_stats(e, &st);
    pm_engine_get_paper(e, &t);
    size_t books, stale = pm_engine_books_stale(e, &books), ptotal, pup = pm_links_poly_up(l, &ptotal);
    char pnl[PM_FIXED_BUF];
    uint64_t rate = dt_ns > 0 ? frames_delta * 1000000000ULL / (uint64_t)dt_ns : 0;
    fprintf(f,
            "status pairs_live=%zu books_stale=%zu/%zu kalshi_up=%d polymarket_up=%zu/%zu msgs_per_s=%" PRIu64
            " opportunities=%" PRIu64 " traded=%" PRIu64,
            pm_pair_cache_active(pm_engine_pairs(e)), stale, books, pm_links_kalshi_up(l), pup, ptotal, rate,
            st.opportunities, st.traded);
    if (tr) {
        pm_trading_report r;
        pm_trading_get_report(tr, &r);
        char mark[PM_FIXED_BUF];
        pm_fixed_format(r.live.locked_pnl, 2, PM_ROUND_FLOOR, pnl, sizeof pnl);
        pm_fixed_format(r.live.residual_mark, 2, PM_ROUND_FLOOR, mark, sizeof mark);
        fprintf(f, " live_orders=%" PRIu64 " one_legged=%" PRIu64 " locked_pnl=%s residual_mark=%s%s\n", r.live.orders,
                r.live.one_legged, pnl, mark, r.risk.killed ? " KILLED" : r.risk.halted ? " HALTED" : "");
    } else {
        pm_fixed_format(t.locked_pnl, 2, PM_ROUND_FLOOR, pnl, sizeof pnl);
        fprintf(f, " paper_pnl=%s\n", pnl);
    }
    fflush(f);
}

/* The counters the HTTP thread serves, taken between messages. */
static void publish(pm_engine *e, pm_links *l, pm_trading *tr, pm_metrics_pub *pub) {
    pm_engine_stats st;
    pm_paper_totals t;
    pm_engine_get_stats(e, &st);
    pm_engine_get_paper(e, &t);
    pm_metrics_snap s = {.books = st.books, .stale_events = st.stale_events, .traded = st.traded,
                         .rejected = st.rejected, .skipped = st.skipped, .fills = t.fills, .pnl = t.locked_pnl};
    memcpy(s.frames, st.frames, sizeof s.frames);
    memcpy(s.det, st.det, sizeof s.det);
    memcpy(s.poly_hashes, st.poly_hashes, sizeof s.poly_hashes);
    s.pairs_active = pm_pair_cache_active(pm_engine_pairs(e));
    size_t books, poly_total;
    s.books_not_live = pm_engine_books_stale(e, &books);
    s.books_total = books;
    s.conns_up[PM_VENUE_KALSHI] = (uint64_t)pm_links_kalshi_up(l);
    s.conns[PM_VENUE_KALSHI] = 1;
    s.conns_up[PM_VENUE_POLYMARKET] = pm_links_poly_up(l, &poly_total);
    s.conns[PM_VENUE_POLYMARKET] = poly_total;
    if (tr) pm_trading_snapshot(tr, &s);
    pm_metrics_publish(pub, &s);
}

static uint64_t frames_of(pm_engine *e) {
    pm_engine_stats st;
    pm_engine_get_stats(e, &st);
    return st.frames[PM_VENUE_KALSHI] + st.frames[PM_VENUE_POLYMARKET];
}

static int span(FILE *out, const char *name, pm_hist *h) {
    int n;
    pm_latency l = pm_hist_summary(h, &n);
    if (n) fprintf(out, " %s p50 %" PRId64 " us p99 %" PRId64 " us (%d);", name, l.p50 / 1000, l.p99 / 1000, n);
    return n;
}

/* Live trading's summary lines (after the engine's). */
static void live_summary(const pm_trading_report *r, pm_live_metrics *m, FILE *out) {
    char a[PM_FIXED_BUF], b[PM_FIXED_BUF], c[PM_FIXED_BUF];
    fprintf(out, "live trades %" PRIu64 " (%" PRIu64 " done), orders %" PRIu64 "; one-legged %" PRIu64 ": hedged %" PRIu64
            ", unwound %" PRIu64 ", dust %" PRIu64 ", unresolved %" PRIu64 "\n",
            r->live.trades, r->live.done, r->live.orders, r->live.one_legged, r->live.hedged, r->live.unwound, r->live.dust,
            r->live.unresolved);
    pm_fixed_format(r->live.locked_pnl, 6, PM_ROUND_HALF_EVEN, a, sizeof a);
    pm_fixed_format(r->marked, 6, PM_ROUND_HALF_EVEN, b, sizeof b);
    pm_fixed_format(r->live.residual_mark, 6, PM_ROUND_HALF_EVEN, c, sizeof c);
    fprintf(out,
            "live PnL locked %s + residuals marked at bids %s (what the daily loss limit watches); every open position "
            "marked at bids %s\n",
            a, c, b);
    fprintf(out, "risk refusals:");
    for (int i = 1; i < PM_RISK_REASON_COUNT; i++)
        if (r->risk.refused[i]) fprintf(out, " %s %" PRIu64, pm_risk_reason_name((pm_risk_reason)i), r->risk.refused[i]);
    fprintf(out, "%s%s\n", r->risk.killed ? " (kill switch on)" : "",
            r->reconcile_diffs ? " (halted: positions differ from the venues)" : "");
    fprintf(out, "latency:");
    int n = span(out, "feed_to_decision", &m->feed_to_decision) +
            span(out, "decision_to_wire_kalshi", &m->decision_to_wire[PM_VENUE_KALSHI]) +
            span(out, "decision_to_wire_polymarket", &m->decision_to_wire[PM_VENUE_POLYMARKET]) +
            span(out, "ack_to_second_wire", &m->ack_to_second_wire) +
            span(out, "venue_rtt_kalshi", &m->venue_rtt[PM_VENUE_KALSHI]) +
            span(out, "venue_rtt_polymarket", &m->venue_rtt[PM_VENUE_POLYMARKET]);
    fprintf(out, "%s\n", n ? "" : " no orders sent");
}

int pm_run(const pm_run_options *o, pm_err *err) {
    const pm_config *cfg = o->cfg;
    int live = cfg->run.mode == PM_MODE_LIVE;
    if (live && !o->store) return pm_err_set(err, "live trading records every order: it cannot run without the database");
    pm_db *db;
    pm_pair_cache *pairs;
    if (pm_db_open(cfg->db.path, PM_DB_MIGRATE, cfg->db.busy_timeout_ms, &db, err)) return -1;
    int rc = pm_pair_cache_load(db, &pairs, err);
    pm_db_close(db);
    if (rc) return -1;
    if (!pm_pair_cache_active(pairs)) {
        pm_pair_cache_free(pairs);
        return pm_err_set(err, "no approved pairs in %s: approve some with `pmarb review` first", cfg->db.path);
    }
    pm_writer *writer = NULL;
    if (o->store && pm_writer_start(cfg->db.path, cfg->db.busy_timeout_ms, (size_t)cfg->db.writer_queue, &writer, err)) {
        pm_pair_cache_free(pairs);
        return -1;
    }
    pm_engine *e;
    size_t room = 2 * pm_pair_cache_count(pairs) + 256;
    if (pm_engine_new(cfg, pairs, writer, room, &e, err)) {
        if (writer) pm_writer_stop(writer, NULL);
        return -1;
    }
    pm_engine_set_clock_offset(e, pm_wall_ns() - pm_mono_ns());
    pm_recorder *rec = NULL;
    pm_links *links = NULL;
    pm_trading *tr = NULL;
    pm_live_metrics *lm = NULL;
    rc = 0;
    if (live) {
        lm = o->live_metrics;
        if (!lm && !(lm = malloc(sizeof *lm))) rc = pm_err_set(err, "out of memory");
        if (lm && lm != o->live_metrics) pm_live_metrics_init(lm);
        kill_requested = 0;
        install(on_usr1, SIGUSR1);
        pm_trading_options to = {.cfg = cfg, .auth = o->auth, .engine = e, .writer = writer, .metrics = lm,
                                 .accept_venue_positions = o->accept_venue_positions, .kill_flag = &kill_requested};
        if (!rc) rc = pm_trading_start(&to, &tr, err);
    }
    if (!rc && o->record_path) {
        rc = pm_recorder_open(o->record_path, RECORD_RING, pm_engine_pairs(e), &rec, err);
        if (!rc) pm_feeds_set_tap(pm_engine_feeds(e), pm_recorder_tap, rec);
    }
    if (!rc) rc = pm_links_new(pm_engine_feeds(e), pm_config_kalshi_ws_url(cfg), o->auth, cfg->polymarket.ws_url, &links, err);
    poly_user *user = NULL; /* live: Polymarket's pushes of our orders and trades */
    if (!rc && tr) {
        pm_secrets sec;
        pm_secrets_load(&sec);
        user = poly_user_new(sec.value[PM_SECRET_POLY_API_KEY], sec.value[PM_SECRET_POLY_API_SECRET],
                             sec.value[PM_SECRET_POLY_API_PASSPHRASE], NULL, 0, err);
        rc = user ? pm_links_follow_user(links, user, pm_engine_on_event, e, err) : -1;
    }
    pm_metrics_pub pub = {0}; /* read by the HTTP thread, which is stopped before this returns */
    pm_metrics_http *http = NULL;
    if (!rc && o->http_listen && o->http_listen[0]) {
        publish(e, links, tr, &pub);
        rc = pm_metrics_http_start(o->http_listen, &pub, lm, &http, err);
        if (!rc) pm_info("run", "serving /metrics and /health", PM_KV_S("listen", o->http_listen));
    }
    reloader rl = {.cfg = cfg, .slot = pm_engine_slot(e)};
    if (!rc) {
        stop_requested = 0;
        hup_slot = pm_engine_slot(e);
        install(on_stop, SIGINT);
        install(on_stop, SIGTERM);
        install(on_hup, SIGHUP);
        int64_t start = pm_mono_ns(), next_tick = start + TICK_NS, drain_until = 0;
        int64_t status_every = cfg->run.status_interval_s * 1000000000LL, next_status = start + status_every;
        int64_t last_status = start;
        uint64_t last_frames = 0;
        for (;;) {
            int stopping = stop_requested || (o->seconds > 0 && pm_mono_ns() - start >= o->seconds * 1000000000LL);
            if (stopping && !tr) break;
            if (stopping && !drain_until) { /* live: the feeds go on while the trades in flight finish */
                pm_trading_quiesce(tr);
                drain_until = pm_mono_ns() + DRAIN_NS;
            }
            if (drain_until && (!pm_trading_busy(tr) || pm_mono_ns() >= drain_until)) break;
            pm_links_service(links, tr && pm_trading_busy(tr) ? BUSY_SERVICE_MS : SERVICE_MS);
            int64_t now = pm_mono_ns();
            if (tr) pm_trading_tick(tr, now);
            if (now >= next_tick) {
                pm_links_tick(links, now);
                next_tick = now + TICK_NS;
            }
            if (pm_pair_slot_take_request(pm_engine_slot(e))) reload_start(&rl);
            if (pm_engine_adopt(e) && pm_links_grow(links, err))
                pm_warn("run", "cannot open sockets for reloaded pairs", PM_KV_S("reason", err->msg));
            if (o->status && now >= next_status) {
                uint64_t frames = frames_of(e);
                status_line(e, links, tr, o->status, frames - last_frames, now - last_status);
                last_frames = frames;
                last_status = now;
                next_status = now + status_every;
            }
            if (http) publish(e, links, tr, &pub);
        }
        hup_slot = NULL;
        install(SIG_DFL, SIGHUP);
    }
    pm_trading_report report;
    int have_report = 0;
    if (tr) {
        pm_err serr;
        if (pm_trading_stop(tr, &report, &serr)) {
            pm_warn("run", "live trading did not stop cleanly", PM_KV_S("reason", serr.msg));
            if (!rc) rc = pm_err_set(err, "%s", serr.msg);
        }
        have_report = 1;
        if (o->report) *o->report = report;
    }
    if (live) install(SIG_DFL, SIGUSR1);
    reload_join(&rl);
    pm_metrics_http_stop(http);
    pm_links_free(links);
    poly_user_free(user);
    if (rec) {
        pm_recorder_stats rs;
        pm_err rerr;
        if (pm_recorder_close(rec, &rs, &rerr) && !rc) rc = pm_err_set(err, "%s", rerr.msg);
        if (o->status)
            fprintf(o->status, "recorded %" PRIu64 " frames, %" PRIu64 " bytes, %" PRIu64 " dropped\n", rs.frames, rs.written,
                    rs.dropped);
    }
    if (writer) {
        pm_writer_stats ws;
        pm_writer_stop(writer, &ws);
        if (ws.failed && o->status) fprintf(o->status, "writer: %" PRIu64 " records failed\n", ws.failed);
    }
    if (o->out && (!rc || have_report)) {
        pm_engine_summary(e, o->out);
        if (have_report) live_summary(&report, lm, o->out);
    }
    if (lm != o->live_metrics) free(lm);
    pm_engine_free(e);
    return rc;
}
