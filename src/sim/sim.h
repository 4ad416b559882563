/* sim.h — `pmarb sim`: the venue simulator process. Serves the simulated Kalshi exchange
 * (REST under /trade-api/v2, WebSocket /trade-api/ws/v2) and the simulated Polymarket
 * exchange (Gamma under /gamma, the CLOB at the root, WebSockets /ws/market and /ws/user) on
 * two loopback ports, both driven by one price process, deterministic for a seed. */
#ifndef PM_SIM_SIM_H
#define PM_SIM_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

typedef struct pm_sim_options {
    const char *listen;              /* interface address, default 127.0.0.1 */
    int kalshi_port;                 /* 0 = any free port */
    uint64_t seed;
    const char *scenario;            /* JSON file (see scenario.c), or NULL for the built-in one */
    const char *kalshi_public_key;   /* PEM file of the RSA public key allowed to sign, or NULL */
    const char *kalshi_key_id;
    int poly_port;                   /* 0 = any free port */
    int64_t poly_starting_balance;   /* micro-dollars of pUSD credited to every new wallet */
    int demo;                        /* 1: the demo catalogue (sim_kalshi_init_demo) when no scenario file, and livelier prices */
} pm_sim_options;

typedef struct pm_sim pm_sim;

int pm_sim_start(const pm_sim_options *opt, pm_sim **out, pm_err *err);

/* The ready line: {"kalshi":{"rest":"http://H:P/trade-api/v2","ws":"ws://H:P/trade-api/ws/v2"},
 * "polymarket":{"gamma":"http://H:Q/gamma","clob":"http://H:Q","ws":"ws://H:Q/ws"},
 * "markets":{"kalshi":N,"polymarket":M}}. */
void pm_sim_ready_line(const pm_sim *s, char *out, size_t cap);

/* Serves for up to timeout_ms. */
void pm_sim_service(pm_sim *s, int timeout_ms);

void pm_sim_stop(pm_sim *s);

#endif
