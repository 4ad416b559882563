/* sim.c — the simulator process: one libwebsockets context, one vhost per simulated venue,
 * one price process driving both (see sim.h). */
#include "sim/sim.h"

#include "sim/http_server.h"
#include "sim/kalshi_venue.h"
#include "sim/poly_venue.h"
#include "sim/price_process.h"
#include "util/clock.h"

#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pm_sim {
    struct lws_context *ctx;
    sim_kalshi kalshi;
    sim_http_server *kalshi_http;
    sim_prices prices;
    sim_poly poly;
    int poly_ledger;             /* 1 once the order side's ledger exists */
    sim_http_server *poly_http;
    char listen[64];
    int kalshi_port, poly_port;
    int64_t last_tick_ns;
    lws_sorted_usec_list_t wake; /* lws_service ignores its timeout: this timer bounds the wait */
};

static void woken(lws_sorted_usec_list_t *sul) { (void)sul; }

#define SIM_TICK_NS 20000000LL /* 50 price steps a second */
#define SIM_DEMO_OVERSHOOT 250 /* the demo's Polymarket overreacts six times as often: trades within seconds */

static const struct lws_protocols protocols[] = {
    {"pmarb-sim", sim_http_callback, 0, 65536, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

static struct lws_protocols session_protocols[2];

/* The fair value of each Kalshi market's question starts at its book's mid. */
static void seed_fair_values(sim_prices *pr, const sim_kalshi *k) {
    for (int i = 0; i < k->nmarkets; i++) {
        const pm_level *b = pm_book_best(&k->markets[i].book.bid), *a = pm_book_best(&k->markets[i].book.ask);
        if (b || a) sim_prices_set(pr, i, b && a ? (b->px + a->px) / 2 : b ? b->px : a->px);
    }
}

int pm_sim_start(const pm_sim_options *opt, pm_sim **out, pm_err *err) {
    *out = NULL;
    pm_sim *s = calloc(1, sizeof *s);
    if (!s) return pm_err_set(err, "out of memory");
    snprintf(s->listen, sizeof s->listen, "%s", opt->listen ? opt->listen : "127.0.0.1");
    if (opt->scenario ? sim_kalshi_load_scenario(&s->kalshi, opt->scenario, err)
        : opt->demo ? sim_kalshi_init_demo(&s->kalshi, opt->seed, err)
                    : sim_kalshi_init(&s->kalshi, opt->seed, err))
        goto fail;
    if (opt->kalshi_public_key) {
        FILE *f = fopen(opt->kalshi_public_key, "r");
        char pem[16384];
        size_t n = f ? fread(pem, 1, sizeof pem - 1, f) : 0;
        if (f) fclose(f);
        if (!f || n == 0) {
            pm_err_set(err, "cannot read --kalshi-public-key %s", opt->kalshi_public_key);
            goto fail;
        }
        pem[n] = '\0';
        if (sim_kalshi_set_key(&s->kalshi, opt->kalshi_key_id ? opt->kalshi_key_id : "", pem, n, err)) goto fail;
    }
    if (sim_prices_init(&s->prices, s->kalshi.nmarkets + SIM_POLY_OWN_QUESTIONS, opt->seed, err)) goto fail;
    if (opt->demo) s->prices.overshoot = SIM_DEMO_OVERSHOOT;
    seed_fair_values(&s->prices, &s->kalshi);
    if (sim_poly_init(&s->poly, &s->kalshi, &s->prices, opt->seed, err) ||
        sim_poly_ledger_init(&s->poly, opt->poly_starting_balance, err))
        goto fail;
    s->poly_ledger = 1;
    lws_set_log_level(LLL_ERR, NULL);
    memcpy(session_protocols, protocols, sizeof protocols);
    session_protocols[0].per_session_data_size = SIM_HTTP_SESSION_SIZE;
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.protocols = session_protocols;
    static const lws_retry_bo_t heartbeat = {.secs_since_valid_ping = 10, .secs_since_valid_hangup = 30};
    info.retry_and_idle_policy = &heartbeat; /* Kalshi pings every 10 s; a client must answer */
    s->ctx = lws_create_context(&info);
    if (!s->ctx) {
        pm_err_set(err, "cannot create the libwebsockets context");
        goto fail;
    }
    s->kalshi_port = opt->kalshi_port;
    if (sim_http_start(s->ctx, session_protocols, s->listen, &s->kalshi_port, sim_kalshi_handle, &sim_kalshi_ws, &s->kalshi,
                       &s->kalshi_http, err))
        goto fail;
    s->poly_port = opt->poly_port;
    if (sim_http_start(s->ctx, session_protocols, s->listen, &s->poly_port, sim_poly_handle, &sim_poly_ws, &s->poly, &s->poly_http,
                       err))
        goto fail;
    *out = s;
    return 0;
fail:
    pm_sim_stop(s);
    return -1;
}

void pm_sim_ready_line(const pm_sim *s, char *out, size_t cap) {
    snprintf(out, cap,
             "{\"kalshi\":{\"rest\":\"http://%s:%d/trade-api/v2\",\"ws\":\"ws://%s:%d/trade-api/ws/v2\"},"
             "\"polymarket\":{\"gamma\":\"http://%s:%d/gamma\",\"clob\":\"http://%s:%d\",\"ws\":\"ws://%s:%d/ws\"},"
             "\"markets\":{\"kalshi\":%d,\"polymarket\":%d}}",
             s->listen, s->kalshi_port, s->listen, s->kalshi_port, s->listen, s->poly_port, s->listen, s->poly_port, s->listen,
             s->poly_port, s->kalshi.nmarkets, s->poly.nmarkets);
}

void pm_sim_service(pm_sim *s, int timeout_ms) {
    lws_sul_schedule(s->ctx, 0, &s->wake, woken, (lws_usec_t)timeout_ms * 1000);
    lws_service(s->ctx, 0);
    int64_t now = pm_mono_ns();
    while (now - s->last_tick_ns >= SIM_TICK_NS) { /* the price process: one step per tick */
        sim_kalshi_tick(&s->kalshi);
        int q = sim_prices_step(&s->prices);
        if (q >= 0 && q < s->kalshi.nmarkets) sim_kalshi_follow(&s->kalshi, q, s->prices.q[q].fair);
        sim_poly_tick(&s->poly, q);
        s->last_tick_ns += SIM_TICK_NS;
        if (now - s->last_tick_ns > 100 * SIM_TICK_NS) s->last_tick_ns = now;
    }
}

void pm_sim_stop(pm_sim *s) {
    if (!s) return;
    if (s->ctx) {
        lws_sul_schedule(s->ctx, 0, &s->wake, woken, LWS_SET_TIMER_USEC_CANCEL);
        lws_context_destroy(s->ctx);
    }
    sim_http_free(s->kalshi_http);
    sim_http_free(s->poly_http);
    if (s->poly_ledger) sim_poly_ledger_free(&s->poly);
    sim_poly_free(&s->poly);
    sim_prices_free(&s->prices);
    sim_kalshi_free(&s->kalshi);
    free(s);
}
