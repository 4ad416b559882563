/* executor.c — a venue's executor thread (see executor.h). */
#include "engine/executor.h"

#include "config/config.h"
#include "engine/spsc.h"
#include "engine/wake.h"
#include "util/clock.h"
#include "util/log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define QUEUE_CAP 64
#define PARK_MAX 32
#define IDLE_EVERY_NS 1000000000LL
#define SLEEP_NS 200000000LL

typedef struct parked {
    int used, trade;
    pm_xcmd cmd;
} parked;

struct pm_executor {
    pm_executor_config cfg;
    pm_venue venue;
    pm_journal *journal;
    pm_spsc from_feed, from_peer, results;
    pm_wake wake;
    pm_executor *peer;
    parked park[PARK_MAX];
    pthread_t thread;
    atomic_int stop, busy;
    atomic_int clear_req, clear_rc;  /* pm_executor_clear_journal's request, done on this thread */
    pm_err clear_err;
    int64_t last_idle;
    int upkeep_failing;
};

static void sleep_ms(int64_t ms) {
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Results must not be lost: the feed thread drains them between messages, so a full queue
 * only waits for it. */
static void report(pm_executor *x, const pm_xres *r) {
    while (pm_spsc_push(&x->results, r)) sleep_ms(1);
}

static void peer_push(pm_executor *x, const pm_xcmd *c) {
    pm_executor *p = x->peer;
    while (pm_spsc_push_n(&p->from_peer, c, PM_XCMD_QUEUED)) sleep_ms(1);
    pm_wake_signal(&p->wake);
}

static void res_init(pm_xres *r, pm_executor *x, pm_xres_kind kind, const pm_xcmd *c) {
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->venue = x->venue;
    r->trade = c->trade;
    r->leg = c->leg;
    snprintf(r->order_id, sizeof r->order_id, "%s", c->order.id);
    snprintf(r->client_id, sizeof r->client_id, "%s", c->order.client_id);
}

static void count_result(pm_executor *x, const pm_exec_ack *a) {
    if (!x->cfg.metrics) return;
    atomic_fetch_add(&x->cfg.metrics->results[x->venue][a->status], 1);
    if (a->wire_ns && a->ack_ns > a->wire_ns) pm_hist_record(&x->cfg.metrics->venue_rtt[x->venue], a->ack_ns - a->wire_ns);
}

/* Asks the venue what became of an order whose answer is unknown, with doubling delays. */
static void find_out(pm_executor *x, const pm_exec_order *o, pm_exec_ack *ack) {
    int64_t delay = x->cfg.find_backoff_ms > 0 ? x->cfg.find_backoff_ms : 50;
    for (int i = 0; i < x->cfg.find_attempts; i++) {
        sleep_ms(delay);
        delay *= 2;
        pm_exec_ack found;
        pm_err err;
        if (pm_exec_find(x->cfg.venue, o, &found, &err)) {
            pm_warn("exec", "order look-up failed", PM_KV_S("venue", pm_venue_name(x->venue)), PM_KV_S("order", o->id),
                    PM_KV_S("reason", err.msg));
            continue;
        }
        if (found.status == PM_EXEC_UNKNOWN) continue;
        found.call_ns = ack->call_ns;
        found.wire_ns = ack->wire_ns;
        found.ack_ns = ack->ack_ns;
        *ack = found;
        return;
    }
}

static void fetch_fills(pm_executor *x, const pm_xcmd *c, const pm_exec_ack *ack) {
    if (ack->filled <= 0) return;
    pm_xres r;
    res_init(&r, x, PM_XRES_FILLS, c);
    r.ack = *ack;
    pm_err err;
    if (pm_exec_fills(x->cfg.venue, &c->order, ack, r.fills, PM_XRES_FILLS_MAX, &r.nfills, &err)) {
        snprintf(r.error, sizeof r.error, "%.150s", err.msg);
        r.nfills = 0;
    }
    report(x, &r);
}

/* Journals and sends a prepared order; hands the second leg over when this was a first leg. */
static void send_prepared(pm_executor *x, pm_xcmd *c, int64_t since_ns, pm_hist *span) {
    int answered = 0;
    pm_xres r;
    res_init(&r, x, PM_XRES_ORDER, c);
    pm_err err;
    c->rec.sent_ns = pm_wall_ns();
    snprintf(c->rec.status, sizeof c->rec.status, "sent");
    snprintf(c->rec.client_order_id, sizeof c->rec.client_order_id, "%s", c->order.client_id);
    if (pm_journal_append(x->journal, &c->rec, &err)) {
        snprintf(r.error, sizeof r.error, "not sent: %.140s", err.msg);
        r.ack.status = PM_EXEC_REJECTED;
    } else {
        r.sent = 1;
        if (x->cfg.metrics) atomic_fetch_add(&x->cfg.metrics->orders[x->venue], 1);
        if (pm_exec_send(x->cfg.venue, &c->order, &r.ack, &err) && r.ack.status != PM_EXEC_UNKNOWN)
            r.ack.status = PM_EXEC_UNKNOWN;
        if (span && r.ack.wire_ns && since_ns) pm_hist_record(span, r.ack.wire_ns - since_ns);
        answered = r.ack.status != PM_EXEC_UNKNOWN;
        if (!answered) {
            if (!r.ack.error[0]) snprintf(r.ack.error, sizeof r.ack.error, "%.150s", err.msg);
            if (c->then_venue < 0) report(x, &r); /* the feed thread hears of it at once; the look-up follows */
            find_out(x, &c->order, &r.ack);
        }
    }
    if (c->then_venue >= 0) { /* a first leg: the second goes only if this one filled in full */
        pm_xcmd h;
        memset(&h, 0, PM_XCMD_QUEUED); /* no order: only what the queue carries */
        h.trade = c->trade;
        /* a first leg found filled only by a look-up answered late: the parked leg was priced on
         * books that may be old by now, so it is dropped and the feed thread resolves the
         * residual on the books as they are */
        h.kind = answered && r.ack.status == PM_EXEC_FILLED ? PM_XCMD_GO : PM_XCMD_DROP;
        h.intent_ns = r.ack.ack_ns;
        peer_push(x, &h);
    }
    if (answered && pm_exec_settle(x->cfg.venue, &c->order, &r.ack, &err))
        pm_warn("exec", "order figures not completed", PM_KV_S("order", c->order.id), PM_KV_S("reason", err.msg));
    count_result(x, &r.ack);
    report(x, &r);
    if (r.sent) fetch_fills(x, c, &r.ack);
}

static int prepare(pm_executor *x, pm_xcmd *c) {
    pm_err err;
    if (!pm_exec_prepare(x->cfg.venue, &c->order, &err)) return 0;
    pm_xres r;
    res_init(&r, x, PM_XRES_ORDER, c);
    r.ack.status = PM_EXEC_REJECTED;
    snprintf(r.error, sizeof r.error, "not sent: %.140s", err.msg);
    count_result(x, &r.ack);
    report(x, &r);
    return -1;
}

static parked *park_of(pm_executor *x, int trade) {
    for (int i = 0; i < PARK_MAX; i++)
        if (x->park[i].used && x->park[i].trade == trade) return &x->park[i];
    return NULL;
}

static void on_park(pm_executor *x, pm_xcmd *c) {
    parked *slot = NULL;
    for (int i = 0; i < PARK_MAX && !slot; i++)
        if (!x->park[i].used) slot = &x->park[i];
    if (!slot) { /* never more trades in flight than slots: the feed thread bounds them */
        pm_xres r;
        res_init(&r, x, PM_XRES_ORDER, c);
        r.ack.status = PM_EXEC_REJECTED;
        snprintf(r.error, sizeof r.error, "not sent: no room to park the second leg");
        report(x, &r);
        return;
    }
    memcpy(&slot->cmd, c, PM_XCMD_QUEUED); /* prepare builds the body */
    slot->trade = c->trade;
    slot->used = -1; /* being prepared */
    if (prepare(x, &slot->cmd)) {
        slot->used = 0;
        return;
    }
    slot->used = 1;
}

static void run_cmd(pm_executor *x, pm_xcmd *c);

static void on_handover(pm_executor *x, const pm_xcmd *h) {
    parked *p = park_of(x, h->trade);
    /* The GO can overtake its PARK: the feed thread queued the PARK here before the first leg
     * went out, so it is already waiting among the feed's commands — run them up to it. */
    pm_xcmd earlier;
    while (!p && pm_spsc_pop_n(&x->from_feed, &earlier, PM_XCMD_QUEUED)) {
        run_cmd(x, &earlier);
        atomic_fetch_sub(&x->busy, 1);
        p = park_of(x, h->trade);
    }
    if (!p) return; /* its PARK failed and was reported */
    if (h->kind == PM_XCMD_GO) { /* sent from its slot, not copied: nothing parks while it goes */
        p->cmd.then_venue = -1;
        send_prepared(x, &p->cmd, h->intent_ns, x->cfg.metrics ? &x->cfg.metrics->ack_to_second_wire : NULL);
        p->used = 0;
        return;
    }
    p->used = 0;
    pm_xres r;
    res_init(&r, x, PM_XRES_DROPPED, &p->cmd);
    report(x, &r);
}

static void on_find(pm_executor *x, const pm_xcmd *c) {
    pm_xres r;
    res_init(&r, x, PM_XRES_ORDER, c);
    r.sent = 1;
    r.ack.status = PM_EXEC_UNKNOWN;
    find_out(x, &c->order, &r.ack);
    report(x, &r);
    fetch_fills(x, c, &r.ack);
}

static void on_cancel_all(pm_executor *x, const pm_xcmd *c) {
    pm_xres r;
    res_init(&r, x, PM_XRES_CANCELED, c);
    pm_err err;
    if (pm_exec_cancel_all(x->cfg.venue, &r.canceled, &err)) snprintf(r.error, sizeof r.error, "%.150s", err.msg);
    report(x, &r);
}

static void run_cmd(pm_executor *x, pm_xcmd *c) {
    switch (c->kind) {
    case PM_XCMD_SEND:
        if (!prepare(x, c))
            send_prepared(x, c, c->intent_ns, x->cfg.metrics ? &x->cfg.metrics->decision_to_wire[x->venue] : NULL);
        break;
    case PM_XCMD_PARK: on_park(x, c); break;
    case PM_XCMD_GO:
    case PM_XCMD_DROP: on_handover(x, c); break;
    case PM_XCMD_FIND: on_find(x, c); break;
    case PM_XCMD_CANCEL_ALL: on_cancel_all(x, c); break;
    }
}

static void *executor_main(void *arg) {
    pm_executor *x = arg;
    pm_xcmd cmd;
    for (;;) {
        unsigned mark = pm_wake_mark(&x->wake);
        if (pm_spsc_pop_n(&x->from_peer, &cmd, PM_XCMD_QUEUED) || pm_spsc_pop_n(&x->from_feed, &cmd, PM_XCMD_QUEUED)) {
            run_cmd(x, &cmd);
            atomic_fetch_sub(&x->busy, 1);
            continue;
        }
        if (atomic_load(&x->clear_req)) {
            atomic_store(&x->clear_rc, pm_journal_clear(x->journal, &x->clear_err));
            atomic_store(&x->clear_req, 0);
            continue;
        }
        if (atomic_load(&x->stop)) break;
        int64_t now = pm_mono_ns();
        if (now - x->last_idle >= IDLE_EVERY_NS) {
            pm_err err;
            x->last_idle = now;
            int failed = pm_journal_upkeep(x->journal, &err) || pm_exec_upkeep(x->cfg.venue, &err);
            if (failed && !x->upkeep_failing) /* once per spell of failures */
                pm_warn("exec", "venue upkeep failed: retrying every second", PM_KV_S("venue", pm_venue_name(x->venue)),
                        PM_KV_S("reason", err.msg));
            else if (!failed && x->upkeep_failing)
                pm_info("exec", "venue upkeep works again", PM_KV_S("venue", pm_venue_name(x->venue)));
            x->upkeep_failing = failed;
            continue;
        }
        int parked_any = 0;
        for (int i = 0; i < PARK_MAX && !parked_any; i++) parked_any = x->park[i].used != 0;
        /* a parked second leg's GO must be picked up at once; otherwise spin as configured */
        int64_t spin = parked_any || x->cfg.spin_ns < 0 ? SLEEP_NS : x->cfg.spin_ns;
        pm_wake_wait(&x->wake, mark, spin, SLEEP_NS);
    }
    return NULL;
}

int64_t pm_executor_spin_ns(int64_t spin_us) {
    if (spin_us == PM_CFG_AUTO) spin_us = sysconf(_SC_NPROCESSORS_ONLN) >= 4 ? -1 : 2000;
    return spin_us < 0 ? -1 : spin_us * 1000;
}

int pm_executor_start(const pm_executor_config *cfg, pm_executor **out, pm_err *err) {
    *out = NULL;
    pm_executor *x = calloc(1, sizeof *x);
    if (!x) {
        pm_exec_free(cfg->venue);
        return pm_err_set(err, "out of memory");
    }
    x->cfg = *cfg;
    x->venue = cfg->venue->venue;
    pm_wake_init(&x->wake);
    int rc = 0;
    if (pm_spsc_init(&x->from_feed, sizeof(pm_xcmd), QUEUE_CAP) || pm_spsc_init(&x->from_peer, sizeof(pm_xcmd), QUEUE_CAP) ||
        pm_spsc_init(&x->results, sizeof(pm_xres), 4 * QUEUE_CAP))
        rc = pm_err_set(err, "out of memory");
    if (!rc) rc = pm_journal_open(cfg->journal_path, &x->journal, err);
    if (!rc && pthread_create(&x->thread, NULL, executor_main, x)) rc = pm_err_set(err, "cannot start the executor thread");
    if (rc) {
        pm_journal_close(x->journal);
        pm_spsc_destroy(&x->from_feed);
        pm_spsc_destroy(&x->from_peer);
        pm_spsc_destroy(&x->results);
        pm_exec_free(cfg->venue);
        free(x);
        return -1;
    }
    *out = x;
    return 0;
}

void pm_executor_pair(pm_executor *a, pm_executor *b) {
    a->peer = b;
    b->peer = a;
}

int pm_executor_submit(pm_executor *x, const pm_xcmd *c) {
    atomic_fetch_add(&x->busy, 1);
    if (pm_spsc_push_n(&x->from_feed, c, PM_XCMD_QUEUED)) {
        atomic_fetch_sub(&x->busy, 1);
        return -1;
    }
    if (c->kind == PM_XCMD_SEND && c->then_venue >= 0) atomic_fetch_add(&x->peer->busy, 1); /* the GO / DROP it will send */
    pm_wake_signal(&x->wake);
    return 0;
}

int pm_executor_poll(pm_executor *x, pm_xres *out) { return pm_spsc_pop(&x->results, out); }

int pm_executor_busy(pm_executor *x) { return atomic_load(&x->busy) > 0 || pm_spsc_size(&x->results) > 0; }

int pm_executor_clear_journal(pm_executor *x, pm_err *err) {
    atomic_store(&x->clear_req, 1); /* the journal is the executor's: it clears it between commands */
    pm_wake_signal(&x->wake);
    while (atomic_load(&x->clear_req)) sleep_ms(1);
    if (atomic_load(&x->clear_rc)) return pm_err_set(err, "%s", x->clear_err.msg);
    return 0;
}

void pm_executor_stop(pm_executor *x) {
    if (!x) return;
    atomic_store(&x->stop, 1);
    pm_wake_signal(&x->wake);
    pthread_join(x->thread, NULL);
    pm_journal_close(x->journal);
    pm_spsc_destroy(&x->from_feed);
    pm_spsc_destroy(&x->from_peer);
    pm_spsc_destroy(&x->results);
    pm_exec_free(x->cfg.venue);
    free(x);
}
