/* cmd_bench_exec.c — `pmarb bench-exec`: pmarb's own share of the order path, measured through
 * exactly what `pmarb run` runs live — the risk gate, live.c's dispatch (order ids, records),
 * both executor threads (their queues, wake-ups, journals, the parked second leg and its
 * hand-over) and each venue's order connection (net/wire.h) — with a venue on loopback that
 * answers every request at once (loopback_venue.h), so that the figures end when the request
 * is written to the socket and hold no venue's time. A Kalshi V2 body and signature headers go
 * out with every order (the Polymarket signature is `pmarb polymarket bench-sign`'s). Trades
 * are sequential, `--gap-us` apart, with executors spinning `--spin-us` after each command
 * like [run] executor_spin_us. Then the machine's floor under both spans: one send(2) of an
 * order-sized request to the same venue after the same idle, with nothing of pmarb's around it,
 * and the kernel's transmit timestamp of it (on loopback send(2) also runs the receiving
 * side's path, which a remote venue's machine would). */
#include "cli/cli.h"
#include "cli/loopback_venue.h"
#include "engine/live.h"
#include "net/http.h"
#include "util/clock.h"
#include "util/stats.h"
#include "util/tmpdir.h"
#include "venue/kalshi/order.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: pmarb bench-exec [--trades N] [--gap-us G] [--spin-us S|auto] [--json]\n\n"
    "Runs N sequential trades (default 300) of two legs through the live order path — risk gate,\n"
    "dispatch, both executor threads with their journals (in a temporary directory), the parked\n"
    "second leg and its hand-over, each venue's own order connection — against a venue on\n"
    "loopback that answers at once, G microseconds apart (default 100000), executors spinning\n"
    "S microseconds after each command (-1: always; default auto, as [run] executor_spin_us). Prints\n"
    "p50/p99 of intent -> first order written to the socket and of first answer -> second order\n"
    "written to the socket: pmarb's own share, without any venue's time. Then this machine's floor\n"
    "under both: one send(2) of a 1 KB request to the same venue after the same idle, alone\n"
    "(min(N, 100) samples), and how long until the kernel's transmit timestamp of its last byte.\n";

#define FLOOR_SAMPLES 100
#define FLOOR_BYTES 1024 /* about a Kalshi order request (Polymarket's is larger) */

typedef struct instant {
    pm_exec_venue base;
    pm_http *http;             /* to the loopback venue, direct */
    pm_http_response res;
    char url[160];
} instant;

/* Headers the size of Kalshi's (presigned: formatting them is all the order path does). */
static const char *const sig_headers[] = {
    "KALSHI-ACCESS-KEY: 00000000-0000-4000-8000-000000000000", "KALSHI-ACCESS-TIMESTAMP: 1780000000000",
    "KALSHI-ACCESS-SIGNATURE: "
    "c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0"
    "dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2ln"
    "bmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl",
    "Content-Type: application/json", NULL};

static int i_prepare(pm_exec_venue *v, pm_exec_order *o, pm_err *err) {
    (void)v;
    snprintf(o->client_id, sizeof o->client_id, "%s", o->id);
    kalshi_order ko = {.ticker = o->market_id, .side = o->side, .outcome = o->outcome, .price = o->price, .count = o->qty,
                       .tif = o->tif == PM_TIF_FOK ? KALSHI_TIF_FOK : KALSHI_TIF_IOC, .client_order_id = o->client_id};
    int n = kalshi_order_body(&ko, o->body, sizeof o->body, err);
    if (n < 0) return -1;
    o->body_len = (size_t)n;
    return 0;
}

/* Sent over the venue's own connection; filled in full once answered. */
static int i_send(pm_exec_venue *v, const pm_exec_order *o, pm_exec_ack *a, pm_err *err) {
    instant *iv = (instant *)v;
    memset(a, 0, sizeof *a);
    a->call_ns = pm_mono_ns();
    int rc = pm_http_do(iv->http, "POST", iv->url, sig_headers, o->body, &iv->res, err);
    a->ack_ns = pm_mono_ns();
    a->wire_ns = iv->res.pretransfer_ns ? a->call_ns + iv->res.pretransfer_ns : 0;
    a->http_status = iv->res.status;
    if (rc) {
        a->status = PM_EXEC_UNKNOWN;
        return -1;
    }
    a->status = PM_EXEC_FILLED;
    a->filled = a->delivered = o->qty;
    pm_notional(o->price, o->qty, PM_ROUND_CEIL, &a->cash, NULL);
    a->avg_price = o->price;
    return 0;
}

static int i_find(pm_exec_venue *v, const pm_exec_order *o, pm_exec_ack *a, pm_err *err) {
    (void)v, (void)err;
    memset(a, 0, sizeof *a);
    a->status = PM_EXEC_FILLED; /* the loopback venue fills everything */
    a->filled = a->delivered = o->qty;
    pm_notional(o->price, o->qty, PM_ROUND_CEIL, &a->cash, NULL);
    a->avg_price = o->price;
    return 0;
}

static int i_fills(pm_exec_venue *v, const pm_exec_order *o, const pm_exec_ack *a, pm_exec_fill *out, size_t cap,
                   size_t *n, pm_err *err) {
    (void)v, (void)o, (void)a, (void)out, (void)cap, (void)err;
    *n = 0;
    return 0;
}

static int i_cancel_all(pm_exec_venue *v, int *canceled, pm_err *err) {
    (void)v, (void)err;
    *canceled = 0;
    return 0;
}

static int i_balance(pm_exec_venue *v, pm_usd_t *cash, pm_err *err) {
    (void)v, (void)err;
    *cash = 0;
    return 0;
}

static int i_holdings(pm_exec_venue *v, pm_exec_holding *h, size_t n, pm_err *err) {
    (void)v, (void)err;
    for (size_t i = 0; i < n; i++) h[i].qty = 0;
    return 0;
}

static void i_free(pm_exec_venue *v) {
    instant *iv = (instant *)v;
    pm_http_free(iv->http);
    pm_http_response_free(&iv->res);
    free(iv);
}

static const pm_exec_ops instant_ops = {i_prepare, i_send, NULL, i_find, i_fills, i_cancel_all, i_balance, i_holdings, i_free};

static const pm_book *no_book(void *ctx, pm_venue v, const char *id) {
    (void)v, (void)id;
    return ctx;
}

int pm_cmd_bench_exec(pm_cli *cli, int argc, char **argv) {
    (void)cli;
    if (pm_cli_wants_help(argc, argv)) {
        fputs(usage, stdout);
        return PM_EXIT_OK;
    }
    long trades = 300, gap_us = 100000, spin_us = 0;
    int spin_auto = 1;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        long *dst = !strcmp(argv[i], "--trades") ? &trades : !strcmp(argv[i], "--gap-us") ? &gap_us
                    : !strcmp(argv[i], "--spin-us") ? &spin_us : NULL;
        if (!strcmp(argv[i], "--json")) json = 1;
        else if (dst == &spin_us && i + 1 < argc && !strcmp(argv[i + 1], "auto")) spin_auto = 1, i++;
        else if (dst && i + 1 < argc) {
            char *end;
            *dst = strtol(argv[++i], &end, 10);
            if (dst == &spin_us) spin_auto = 0;
            if (*end || *dst < (dst == &spin_us ? -1 : dst == &trades ? 1 : 0) || *dst > 10000000)
                return pm_cli_usage_error("bench-exec", "bad value for %s", argv[i - 1]);
        } else return pm_cli_usage_error("bench-exec", "unknown argument '%s'", argv[i]);
    }
    if (trades > PM_HIST_SAMPLES) return pm_cli_usage_error("bench-exec", "--trades is at most %d", PM_HIST_SAMPLES);
    int64_t spin_ns = pm_executor_spin_ns(spin_auto ? PM_CFG_AUTO : spin_us);
    spin_us = spin_ns < 0 ? -1 : (long)(spin_ns / 1000);
    static pm_config cfg;
    pm_config_defaults(&cfg);
    cfg.strategy.first_leg = PM_FIRST_KALSHI;
    char dir[512];
    pm_err err;
    if (pm_tmpdir_make("pmarb-bench-exec", dir, sizeof dir, &err)) return pm_cli_fail("bench-exec: %s", err.msg);
    pm_risk_limits lim = {.max_contracts_per_pair = INT64_MAX / 4, .max_contracts_per_venue = INT64_MAX / 4,
                          .max_contracts_total = INT64_MAX / 4, .max_notional_per_pair = INT64_MAX / 4,
                          .max_notional_per_venue = INT64_MAX / 4, .max_notional_total = INT64_MAX / 4,
                          .max_open_orders = 100, .max_orders_per_second = 1000000, .daily_loss_limit = PM_SCALE,
                          .max_one_legged = 1000000, .one_legged_window_ns = 1};
    pm_risk *risk = pm_risk_new(&lim, 1);
    pm_ledger *ledger = pm_ledger_new(16);
    pm_live_metrics *m = malloc(sizeof *m);
    pm_executor *x[PM_VENUE_COUNT] = {NULL, NULL};
    pm_loopback_venue *lv = NULL;
    char origin[64];
    int rc = !risk || !ledger || !m ? pm_err_set(&err, "out of memory") : 0;
    if (!rc) rc = pm_loopback_venue_start(&lv, origin, sizeof origin, &err);
    if (m) pm_live_metrics_init(m);
    for (int v = 0; v < PM_VENUE_COUNT && !rc; v++) {
        instant *iv = calloc(1, sizeof *iv);
        char path[600];
        snprintf(path, sizeof path, "%s/%s.journal", dir, pm_venue_name((pm_venue)v));
        if (!iv) {
            rc = pm_err_set(&err, "out of memory");
            break;
        }
        iv->base = (pm_exec_venue){&instant_ops, (pm_venue)v};
        snprintf(iv->url, sizeof iv->url, "%s/trade-api/v2/portfolio/events/orders", origin);
        if (pm_http_new_direct(2000, origin, &iv->http, &err)) {
            i_free(&iv->base);
            rc = -1;
            break;
        }
        pm_executor_config xc = {.venue = &iv->base, .journal_path = path, .metrics = m, .find_attempts = 1,
                                 .find_backoff_ms = 1, .spin_ns = spin_ns};
        rc = pm_executor_start(&xc, &x[v], &err);
    }
    pm_book book;
    pm_book_init(&book);
    pm_live *live = NULL;
    if (!rc) {
        pm_executor_pair(x[0], x[1]);
        for (int v = 0; v < PM_VENUE_COUNT; v++) pm_risk_set_cash(risk, (pm_venue)v, INT64_MAX / 4);
        pm_live_config lc = {.cfg = &cfg, .metrics = m, .risk = risk, .ledger = ledger, .x = {x[0], x[1]},
                             .books = {.ctx = &book, .book = no_book}};
        if (!(live = pm_live_new(&lc))) rc = pm_err_set(&err, "out of memory");
    }
    pm_pair pair;
    memset(&pair, 0, sizeof pair);
    snprintf(pair.id, sizeof pair.id, "00000000-0000-7000-8000-000000000001");
    pm_det_market k = {.venue = PM_VENUE_KALSHI, .yes = &book, .fee = pm_fee_none(PM_VENUE_KALSHI), .lot = PM_SCALE,
                       .min_qty = PM_SCALE};
    pm_det_market p = {.venue = PM_VENUE_POLYMARKET, .no = &book, .fee = pm_fee_none(PM_VENUE_POLYMARKET),
                       .lot = PM_SCALE / 100, .min_qty = PM_SCALE, .buy_in_cents = 1};
    pm_det_leg legs[2] = {{.m = &k, .outcome = PM_OUTCOME_YES, .book = &book, .id = "KXBENCH-A"},
                          {.m = &p, .outcome = PM_OUTCOME_NO, .book = &book, .id = "KXBENCH-B"}};
    pm_opportunity o;
    memset(&o, 0, sizeof o);
    o.dir = PM_DIR_KALSHI_YES;
    o.qty = 10 * PM_SCALE;
    o.leg[0] = (pm_opp_leg){.venue = PM_VENUE_KALSHI, .outcome = PM_OUTCOME_YES, .market_id = "KXBENCH-A",
                            .limit_px = 400000, .qty = o.qty, .held = o.qty, .cost = 4000000};
    o.leg[1] = (pm_opp_leg){.venue = PM_VENUE_POLYMARKET, .outcome = PM_OUTCOME_NO, .market_id = "KXBENCH-B",
                            .limit_px = 550000, .qty = o.qty, .held = o.qty, .cost = 5500000};
    for (long t = 0; t < trades && !rc; t++) {
        int64_t now = pm_mono_ns();
        o.detected_ns = now;
        const char *why;
        if (pm_live_admit(live, 0, &o, now) != PM_RISK_OK || pm_live_dispatch(live, &pair, 0, &o, legs, "", now, &why))
            rc = pm_err_set(&err, "trade %ld was refused", t);
        while (!rc && pm_live_in_flight(live)) { /* as the feed thread does: between waits, not spinning */
            usleep(50);
            pm_live_poll(live, pm_mono_ns());
        }
        if (gap_us) usleep((useconds_t)gap_us);
    }
    int n1 = 0, n2 = 0, nf = trades < FLOOR_SAMPLES ? (int)trades : FLOOR_SAMPLES, nd = 0;
    pm_latency first = {0}, second = {0}, floor = {0}, device = {0};
    if (!rc) {
        first = pm_hist_summary(&m->decision_to_wire[PM_VENUE_KALSHI], &n1);
        second = pm_hist_summary(&m->ack_to_second_wire, &n2);
        int64_t sent[FLOOR_SAMPLES], to_device[FLOOR_SAMPLES];
        rc = pm_loopback_venue_write_floor(lv, nf, gap_us, FLOOR_BYTES, sent, to_device, &err);
        if (!rc) floor = pm_latency_summarize(sent, nf);
        for (int i = 0; !rc && i < nf; i++)
            if (to_device[i] >= 0) to_device[nd++] = to_device[i];
        if (nd) device = pm_latency_summarize(to_device, nd);
    }
    pm_live_free(live);
    for (int v = 0; v < PM_VENUE_COUNT; v++) pm_executor_stop(x[v]);
    pm_loopback_venue_stop(lv);
    for (int v = 0; v < PM_VENUE_COUNT; v++) {
        char path[600];
        snprintf(path, sizeof path, "%s/%s.journal", dir, pm_venue_name((pm_venue)v));
        unlink(path);
    }
    rmdir(dir);
    pm_ledger_free(ledger);
    pm_risk_free(risk);
    free(m);
    if (rc) return pm_cli_fail("bench-exec: %s", err.msg);
    if (json)
        printf("{\"trades\":%ld,\"gap_us\":%ld,\"spin_us\":%ld,\"spin_auto\":%s,\"intent_to_wire\":{\"p50_ns\":%" PRId64 ",\"p99_ns\":%" PRId64
               ",\"n\":%d},\"ack_to_second_wire\":{\"p50_ns\":%" PRId64 ",\"p99_ns\":%" PRId64
               ",\"n\":%d},\"send_floor\":{\"bytes\":%d,\"p50_ns\":%" PRId64 ",\"p99_ns\":%" PRId64
               ",\"n\":%d,\"to_device\":{\"p50_ns\":%" PRId64 ",\"p99_ns\":%" PRId64 ",\"n\":%d}}}\n",
               trades, gap_us, spin_us, spin_auto ? "true" : "false", first.p50, first.p99, n1, second.p50, second.p99, n2,
               FLOOR_BYTES, floor.p50, floor.p99, nf, device.p50, device.p99, nd);
    else {
        char spin[48];
        if (spin_us < 0) snprintf(spin, sizeof spin, "always");
        else snprintf(spin, sizeof spin, "%ld us after each command", spin_us);
        printf("%ld trades, %ld us apart, executors spinning %s%s:\n"
               "  intent -> first order on the wire    p50 %.1f us  p99 %.1f us  (%d)\n"
               "  first answer -> second on the wire   p50 %.1f us  p99 %.1f us  (%d)\n"
               "this machine's floor under both, one send(2) of %d bytes after the same idle, alone:\n"
               "  send(2) returned                     p50 %.1f us  p99 %.1f us  (%d)\n"
               "  its last byte at the network device  p50 %.1f us  p99 %.1f us  (%d; the rest is the loopback\n"
               "                                       peer's receive path, which a remote venue runs itself)\n",
               trades, gap_us, spin, spin_auto ? " (auto)" : "", first.p50 / 1e3, first.p99 / 1e3, n1, second.p50 / 1e3,
               second.p99 / 1e3, n2, FLOOR_BYTES, floor.p50 / 1e3, floor.p99 / 1e3, nf, device.p50 / 1e3, device.p99 / 1e3,
               nd);
    }
    return PM_EXIT_OK;
}
