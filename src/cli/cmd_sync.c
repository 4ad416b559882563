/* cmd_sync.c — `pmarb sync --venue kalshi`: mirror a venue's open markets into markets.db. */
#include "cli/cli.h"
#include "venue/kalshi/sync.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: pmarb sync --venue kalshi\n\n"
    "Fetches every open market of the venue (Kalshi: [kalshi] env or rest_url) with its rules\n"
    "text, close time, tick size and fee schedule, stores it in the database, marks closed the\n"
    "markets a complete sync no longer sees, and prints new / updated / closed counts. A sync\n"
    "that fails part-way closes nothing. Public endpoints only: no credentials needed.\n"
    "Polymarket sync is not available in this version.\n";

static int sync_kalshi(pm_cli *cli) {
    const pm_config *cfg = pm_cli_config(cli);
    if (!cfg) return PM_EXIT_USAGE;
    pm_db *db = pm_cli_open_db(cli);
    if (!db) return PM_EXIT_ERROR;
    kalshi_rest rest;
    pm_err err;
    kalshi_sync_stats st;
    int rc = kalshi_rest_init(&rest, pm_config_kalshi_rest_url(cfg), cfg->kalshi.tier, cfg->kalshi.timeout_ms, NULL, &err);
    if (rc == 0) rc = kalshi_sync(&rest, db, isatty(2) ? stderr : NULL, &st, &err);
    kalshi_rest_close(&rest);
    pm_db_close(db);
    if (rc) return pm_cli_fail("kalshi sync failed (nothing was marked closed): %s", err.msg);
    printf("kalshi: %d markets (%d new, %d updated, %d unchanged), %d closed; %d events, %d series, %d pages",
           st.markets, st.added, st.updated, st.unchanged, st.closed, st.events, st.series, st.pages);
    if (st.rules_fetched) printf("; rules fetched per event for %d", st.rules_fetched);
    if (st.missing_rules) printf("; %d WITHOUT rules text", st.missing_rules);
    printf("\n");
    return PM_EXIT_OK;
}

int pm_cmd_sync(pm_cli *cli, int argc, char **argv) {
    if (pm_cli_wants_help(argc, argv)) {
        fputs(usage, stdout);
        return PM_EXIT_OK;
    }
    const char *venue = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--venue") && i + 1 < argc) venue = argv[++i];
        else if (!strncmp(argv[i], "--venue=", 8)) venue = argv[i] + 8;
        else return pm_cli_usage_error("sync", "unknown argument '%s'", argv[i]);
    }
    if (!venue) return pm_cli_usage_error("sync", "--venue is required");
    if (!strcmp(venue, "kalshi")) return sync_kalshi(cli);
    if (!strcmp(venue, "polymarket")) return pm_cli_usage_error("sync", "--venue polymarket is not available in this version");
    return pm_cli_usage_error("sync", "--venue must be kalshi or polymarket");
}
