/* cmd_sync.c — `pmarb sync --venue kalshi|polymarket`: mirror a venue's open markets into markets.db. */
#include "cli/cli.h"
#include "cli/every.h"
#include "venue/kalshi/sync.h"
#include "venue/polymarket/sync.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: pmarb sync --venue kalshi|polymarket [--every DURATION]\n\n"
    "Fetches every open market of the venue with its rules text, close time, tick size and fee\n"
    "schedule, stores it in the database, marks closed the markets a complete sync no longer\n"
    "sees, and prints new / updated / unchanged / closed counts. A sync that fails part-way\n"
    "closes nothing. Public endpoints only: no credentials needed.\n\n"
    "  kalshi      [kalshi] env or rest_url: events, series fees, then markets.\n"
    "  polymarket  [polymarket] gamma_url: Gamma /markets/keyset (active, not closed), 100 a\n"
    "              page, with both outcome token ids and names, minimum order size, negRisk,\n"
    "              protocol version and feeSchedule. Where the outcomes are not Yes/No, the\n"
    "              first listed outcome's token is stored as \"yes\". Markets Gamma lists but\n"
    "              pmarb cannot store (no token ids yet, not two outcomes, malformed) are\n"
    "              skipped, counted by reason and logged; they count as not seen.\n\n"
    "  --every DURATION  sync again every DURATION (90s, 15m, 6h, 1d) until SIGINT/SIGTERM; a\n"
    "                    failed sync is reported and the next one runs on time.\n";

/* One sync of a venue, for pm_every_loop. */
typedef struct sync_job {
    pm_cli *cli;
    int (*run)(pm_cli *cli);
} sync_job;

static int sync_job_run(void *ctx) {
    sync_job *j = ctx;
    return j->run(j->cli);
}

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

static int sync_polymarket(pm_cli *cli) {
    const pm_config *cfg = pm_cli_config(cli);
    if (!cfg) return PM_EXIT_USAGE;
    pm_db *db = pm_cli_open_db(cli);
    if (!db) return PM_EXIT_ERROR;
    poly_gamma gamma;
    pm_err err;
    poly_sync_stats st;
    int rc = poly_gamma_init(&gamma, cfg->polymarket.gamma_url, cfg->polymarket.timeout_ms, &err);
    if (rc == 0) rc = poly_sync(&gamma, db, isatty(2) ? stderr : NULL, &st, &err);
    poly_gamma_close(&gamma);
    pm_db_close(db);
    if (rc) return pm_cli_fail("polymarket sync failed (nothing was marked closed): %s", err.msg);
    char line[512];
    poly_sync_summary(&st, line, sizeof line);
    printf("%s\n", line);
    return PM_EXIT_OK;
}

int pm_cmd_sync(pm_cli *cli, int argc, char **argv) {
    if (pm_cli_wants_help(argc, argv)) {
        fputs(usage, stdout);
        return PM_EXIT_OK;
    }
    const char *venue = NULL, *every = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--venue") && i + 1 < argc) venue = argv[++i];
        else if (!strncmp(argv[i], "--venue=", 8)) venue = argv[i] + 8;
        else if (!strcmp(argv[i], "--every") && i + 1 < argc) every = argv[++i];
        else return pm_cli_usage_error("sync", "unknown argument '%s'", argv[i]);
    }
    if (!venue) return pm_cli_usage_error("sync", "--venue is required");
    sync_job job = {cli, !strcmp(venue, "kalshi") ? sync_kalshi : !strcmp(venue, "polymarket") ? sync_polymarket : NULL};
    if (!job.run) return pm_cli_usage_error("sync", "--venue must be kalshi or polymarket");
    if (!every) return job.run(cli);
    int64_t period;
    if (pm_every_parse(every, &period))
        return pm_cli_usage_error("sync", "--every wants a duration such as 90s, 15m, 6h or 1d (got '%s')", every);
    return pm_every_loop(period, sync_job_run, &job);
}
