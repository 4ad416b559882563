/* cli.c — helpers shared by the subcommands (see cli.h). */
#include "cli/cli.h"

#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const pm_config *pm_cli_config(pm_cli *cli) {
    if (cli->config_loaded) return &cli->config;
    pm_err err;
    if (pm_config_load(&cli->config, cli->config_path, &err)) {
        fprintf(stderr, "pmarb: %s\n", err.msg);
        return NULL;
    }
    pm_log_level level = cli->config.log.level;
    if (cli->log_level && pm_log_level_parse(cli->log_level, &level)) {
        fprintf(stderr, "pmarb: --log-level must be debug, info, warn or error, not '%s'\n", cli->log_level);
        return NULL;
    }
    pm_log_set_level(level);
    pm_log_set_rate_window_ms(cli->config.log.rate_limit_ms);
    cli->config_loaded = 1;
    return &cli->config;
}

pm_db *pm_cli_open_db(pm_cli *cli) {
    const pm_config *cfg = pm_cli_config(cli);
    if (!cfg) return NULL;
    pm_db *db;
    pm_err err;
    if (pm_db_open(cfg->db.path, PM_DB_MIGRATE, cfg->db.busy_timeout_ms, &db, &err)) {
        fprintf(stderr, "pmarb: %s\n", err.msg);
        return NULL;
    }
    return db;
}

int pm_cli_fail(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("pmarb: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return PM_EXIT_ERROR;
}

int pm_cli_usage_error(const char *cmd, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "pmarb %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (see pmarb %s --help)\n", cmd);
    va_end(ap);
    return PM_EXIT_USAGE;
}

int pm_cli_wants_help(int argc, char **argv) {
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) return 1;
    return 0;
}
