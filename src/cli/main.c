/* main.c — the pmarb binary: global options, then dispatch to one subcommand. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

typedef struct command {
    const char *name;
    const char *summary;
    int (*run)(pm_cli *cli, int argc, char **argv);
} command;

static const command commands[] = {
    {"config", "check the configuration: `pmarb config check [--json]`", pm_cmd_config},
    {"db", "database maintenance: `pmarb db migrate`", pm_cmd_db},
    {"sync", "mirror a venue's open markets: `pmarb sync --venue kalshi|polymarket [--every D]`", pm_cmd_sync},
    {"markets", "stored markets: `pmarb markets list [--platform P] [--json]`, `markets import`", pm_cmd_markets},
    {"match", "propose market matches for review: `pmarb match [--every D] [--evaluate LABELS.csv]`", pm_cmd_match},
    {"review", "approve or reject proposed matches: `pmarb review`, `review export|import FILE`", pm_cmd_review},
    {"pairs", "market matches: `pmarb pairs list [--status S] [--json]`", pm_cmd_pairs},
    {"run", "paper-trade the approved pairs on the live feeds: `pmarb run [--seconds N]`", pm_cmd_run},
    {"reconcile", "compare the live positions with the venues': `pmarb reconcile [--accept-venue-positions]`", pm_cmd_reconcile},
    {"status", "ask a running `pmarb run` for /health and /metrics: `pmarb status [--url URL] [--json]`", pm_cmd_status},
    {"record", "record the approved pairs' feeds: `pmarb record --out FILE [--seconds N]`", pm_cmd_record},
    {"replay", "replay a recording through the engine: `pmarb replay FILE`", pm_cmd_replay},
    {"book", "stream a market's top of book: `pmarb book kalshi TICKER`, `book polymarket TOKEN`", pm_cmd_book},
    {"fees", "a venue's fee for one order: `pmarb fees kalshi|polymarket --price P …`", pm_cmd_fees},
    {"demo", "everything end to end against the simulator: `pmarb demo [--seconds N] [--json]`", pm_cmd_demo},
    {"sim", "both venues simulated on loopback: `pmarb sim [--seed N]`", pm_cmd_sim},
    {"bench", "time the hot path against a DOM parser: `pmarb bench [--messages N] [--pairs P] [--json]`", pm_cmd_bench},
    {"bench-exec", "time pmarb's share of the live order path: `pmarb bench-exec [--trades N] [--gap-us G] [--spin-us S] [--json]`", pm_cmd_bench_exec},
    {"bench-match", "time candidate generation: `pmarb bench-match [--kalshi N] [--polymarket M] [--json]`", pm_cmd_bench_match},
    {"kalshi", "Kalshi aids: `pmarb kalshi sign`, `bench-auth`, `bench-feed`", pm_cmd_kalshi},
    {"polymarket", "Polymarket aids: `pmarb polymarket sign-order`, `api-key`, `bench-sign`, `bench-feed`", pm_cmd_polymarket},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f) {
    fprintf(f,
            "pmarb %s — cross-venue arbitrage between Kalshi and Polymarket\n\n"
            "usage: pmarb [--config FILE] [--log-level LEVEL] <command> [args]\n\n"
            "global options:\n"
            "  --config FILE      configuration file (default: ./pmarb.ini when present)\n"
            "  --log-level LEVEL  debug | info | warn | error (overrides [log] level)\n"
            "  --version          print the version\n"
            "  -h, --help         this help; `pmarb <command> --help` for a command's\n\n"
            "commands:\n",
            PMARB_VERSION);
    for (size_t i = 0; i < NCOMMANDS; i++) fprintf(f, "  %-11s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nSecrets come only from the environment; see README.md.\n");
}

int main(int argc, char **argv) {
    pm_cli cli = {0};
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return PM_EXIT_OK;
        } else if (!strcmp(a, "--version")) {
            printf("pmarb %s\n", PMARB_VERSION);
            return PM_EXIT_OK;
        } else if (!strcmp(a, "--config") || !strcmp(a, "--log-level")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "pmarb: %s needs a value\n", a);
                return PM_EXIT_USAGE;
            }
            if (!strcmp(a, "--config")) cli.config_path = argv[++i];
            else cli.log_level = argv[++i];
        } else if (!strncmp(a, "--config=", 9)) {
            cli.config_path = a + 9;
        } else if (!strncmp(a, "--log-level=", 12)) {
            cli.log_level = a + 12;
        } else {
            fprintf(stderr, "pmarb: unknown option '%s' (see pmarb --help)\n", a);
            return PM_EXIT_USAGE;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return PM_EXIT_USAGE;
    }
    for (size_t c = 0; c < NCOMMANDS; c++)
        if (!strcmp(argv[i], commands[c].name)) return commands[c].run(&cli, argc - i, argv + i);
    fprintf(stderr, "pmarb: unknown command '%s' (see pmarb --help)\n", argv[i]);
    return PM_EXIT_USAGE;
}
