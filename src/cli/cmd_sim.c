/* cmd_sim.c — `pmarb sim`: run the venue simulator on loopback until SIGINT/SIGTERM. */
#include "cli/cli.h"
#include "sim/sim.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: pmarb sim [--listen ADDR] [--kalshi-port N] [--seed N] [--scenario FILE]\n"
    "                 [--kalshi-public-key PEM --kalshi-key-id ID]\n\n"
    "Serves a simulated Kalshi exchange (REST under /trade-api/v2: events, markets, series,\n"
    "order books; /portfolio endpoints check the KALSHI-ACCESS-* RSA-PSS headers against the\n"
    "given public key) on ADDR (default 127.0.0.1); port 0 (the default) picks a free port.\n"
    "When ready it prints one JSON line with its base URLs, then serves until SIGINT/SIGTERM.\n"
    "It streams the WebSocket feed (/trade-api/ws/v2: order books, lifecycle, fills, orders),\n"
    "matches V2 orders with Kalshi's fees, and has fault switches (POST /admin/faults).\n"
    "--scenario FILE replaces the built-in markets (format: src/sim/scenario.c). Polymarket is\n"
    "not simulated in this version.\n";

static volatile sig_atomic_t stop;
static void on_signal(int sig) {
    (void)sig;
    stop = 1;
}

int pm_cmd_sim(pm_cli *cli, int argc, char **argv) {
    (void)cli;
    if (pm_cli_wants_help(argc, argv)) {
        fputs(usage, stdout);
        return PM_EXIT_OK;
    }
    pm_sim_options opt = {"127.0.0.1", 0, 1, NULL, NULL, NULL};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) return pm_cli_usage_error("sim", "%s needs a value", a);
        char *end;
        if (!strcmp(a, "--listen")) opt.listen = v;
        else if (!strcmp(a, "--kalshi-port")) {
            long p = strtol(v, &end, 10);
            if (*end || p < 0 || p > 65535) return pm_cli_usage_error("sim", "--kalshi-port must be 0..65535");
            opt.kalshi_port = (int)p;
        } else if (!strcmp(a, "--seed")) {
            opt.seed = strtoull(v, &end, 10);
            if (*end) return pm_cli_usage_error("sim", "--seed must be a number");
        } else if (!strcmp(a, "--kalshi-public-key")) opt.kalshi_public_key = v;
        else if (!strcmp(a, "--scenario")) opt.scenario = v;
        else if (!strcmp(a, "--kalshi-key-id")) opt.kalshi_key_id = v;
        else return pm_cli_usage_error("sim", "unknown option '%s'", a);
        i++;
    }
    if (opt.kalshi_public_key && !opt.kalshi_key_id)
        return pm_cli_usage_error("sim", "--kalshi-public-key needs --kalshi-key-id");
    pm_sim *s;
    pm_err err;
    if (pm_sim_start(&opt, &s, &err)) return pm_cli_fail("%s", err.msg);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    char line[1024];
    pm_sim_ready_line(s, line, sizeof line);
    printf("%s\n", line);
    fflush(stdout);
    while (!stop) pm_sim_service(s, 10);
    pm_sim_stop(s);
    return PM_EXIT_OK;
}
