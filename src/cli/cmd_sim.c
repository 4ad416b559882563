/* cmd_sim.c — `pmarb sim`: run the venue simulator on loopback until SIGINT/SIGTERM. */
#include "cli/cli.h"
#include "core/money.h"
#include "sim/sim.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: pmarb sim [--listen ADDR] [--kalshi-port N] [--poly-port N] [--seed N] [--scenario FILE]\n"
    "                 [--kalshi-public-key PEM --kalshi-key-id ID] [--poly-starting-balance USD] [--demo]\n\n"
    "Serves simulated Kalshi and Polymarket exchanges on ADDR (default 127.0.0.1), each on its\n"
    "own port (0, the default, picks a free one), with correlated prices: one fair value per\n"
    "simulated question drives both venues' books, and Polymarket now and then lags or\n"
    "overshoots, so cross-venue dislocations occur. Deterministic for --seed (default 1).\n"
    "When ready it prints one JSON line with its base URLs and market counts, then serves\n"
    "until SIGINT/SIGTERM.\n\n"
    "Kalshi: REST under /trade-api/v2 (events, markets, series, order books; /portfolio checks\n"
    "the KALSHI-ACCESS-* RSA-PSS headers against --kalshi-public-key), the WebSocket feed\n"
    "(/trade-api/ws/v2), V2 orders with Kalshi's fees. --scenario FILE replaces the built-in\n"
    "Kalshi markets (format: src/sim/scenario.c); --demo the catalogue of `pmarb demo` (macro\n"
    "questions Polymarket phrases its own way, some inverted, and look-alikes it does not list).\n\n"
    "Polymarket: Gamma metadata under /gamma (/markets, /markets/keyset, /markets/{id}), the\n"
    "CLOB at the root (/book, /books, /tick-size, /neg-risk, /fee-rate, /clob-markets/{cid},\n"
    "/markets/{cid}, /time, /version, orders behind L1/L2 auth), WebSockets /ws/market and\n"
    "/ws/user. Every wallet that gets an API key starts with --poly-starting-balance pUSD\n"
    "(default 10000).\n\n"
    "Both ports have fault switches (POST /admin/faults) and counters (GET /admin/stats).\n";

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
    pm_sim_options opt = {"127.0.0.1", 0, 1, NULL, NULL, NULL, 0, 10000LL * PM_SCALE, 0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--demo")) {
            opt.demo = 1;
            continue;
        }
        if (!v) return pm_cli_usage_error("sim", "%s needs a value", a);
        char *end;
        if (!strcmp(a, "--listen")) opt.listen = v;
        else if (!strcmp(a, "--kalshi-port")) {
            long p = strtol(v, &end, 10);
            if (*end || p < 0 || p > 65535) return pm_cli_usage_error("sim", "--kalshi-port must be 0..65535");
            opt.kalshi_port = (int)p;
        } else if (!strcmp(a, "--poly-port")) {
            long p = strtol(v, &end, 10);
            if (*end || p < 0 || p > 65535) return pm_cli_usage_error("sim", "--poly-port must be 0..65535");
            opt.poly_port = (int)p;
        } else if (!strcmp(a, "--poly-starting-balance")) {
            pm_err perr;
            if (pm_usd_parse(v, strlen(v), &opt.poly_starting_balance, &perr) || opt.poly_starting_balance < 0)
                return pm_cli_usage_error("sim", "--poly-starting-balance must be a non-negative amount in USD, e.g. 2500.50");
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
    char line[2048];
    pm_sim_ready_line(s, line, sizeof line);
    printf("%s\n", line);
    fflush(stdout);
    while (!stop) pm_sim_service(s, 10);
    pm_sim_stop(s);
    return PM_EXIT_OK;
}
