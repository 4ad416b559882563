/* cmd_db.c — `pmarb db migrate`: create the database or bring its schema up to date. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: pmarb db migrate\n\n"
    "Creates the database named by [db] path (default markets.db) or applies the schema\n"
    "migrations it lacks, one transaction each. Every command that opens the database also\n"
    "migrates it automatically; this one does only that and reports the versions.\n";

int pm_cmd_db(pm_cli *cli, int argc, char **argv) {
    if (pm_cli_wants_help(argc, argv)) {
        fputs(usage, stdout);
        return PM_EXIT_OK;
    }
    if (argc != 2 || strcmp(argv[1], "migrate") != 0)
        return pm_cli_usage_error("db", argc < 2 ? "missing subcommand" : "unknown arguments");
    const pm_config *cfg = pm_cli_config(cli);
    if (!cfg) return PM_EXIT_USAGE;
    pm_db *db = NULL;
    pm_err err;
    int from, to;
    if (pm_db_open(cfg->db.path, 0, cfg->db.busy_timeout_ms, &db, &err) ||
        pm_db_migrate(db, -1, &from, &to, &err)) {
        if (db) pm_db_close(db);
        return pm_cli_fail("%s", err.msg);
    }
    pm_db_close(db);
    if (from == to) printf("%s: schema is up to date (version %d)\n", cfg->db.path, to);
    else printf("%s: schema migrated from version %d to %d\n", cfg->db.path, from, to);
    return PM_EXIT_OK;
}
