/* cli.h — what the subcommands share: global options, config loading, database opening,
 * and the uniform way of reporting errors (stderr, non-zero exit status). One file per
 * subcommand implements `int pm_cmd_<name>(pm_cli *cli, int argc, char **argv)`, where argv[0]
 * is the subcommand's name, and returns the process exit status. */
#ifndef PM_CLI_CLI_H
#define PM_CLI_CLI_H

#include "config/config.h"
#include "store/db.h"

#define PM_EXIT_OK    0
#define PM_EXIT_ERROR 1 /* the command ran and failed (bad data, I/O, venue error) */
#define PM_EXIT_USAGE 2 /* the command line or the configuration is wrong */

typedef struct pm_cli {
    const char *config_path; /* --config FILE; NULL means ./pmarb.ini when it exists */
    const char *log_level;   /* --log-level override, or NULL to use [log] level */
    pm_config config;        /* valid once pm_cli_config() succeeded */
    int config_loaded;
} pm_cli;

/* Loads the configuration once (file rules in config.h), applies the log settings, and
 * returns it; on error prints `pmarb: <reason>` to stderr and returns NULL. */
const pm_config *pm_cli_config(pm_cli *cli);

/* Opens (and migrates) the database named by [db] path; prints the error and returns NULL
 * on failure. */
pm_db *pm_cli_open_db(pm_cli *cli);

/* Prints `pmarb: <formatted message>` and a newline to stderr; returns PM_EXIT_ERROR. */
int pm_cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints `pmarb <cmd>: <message>` plus a hint to run --help; returns PM_EXIT_USAGE. */
int pm_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* 1 when argv (after the subcommand word) contains -h or --help. */
int pm_cli_wants_help(int argc, char **argv);

int pm_cmd_config(pm_cli *cli, int argc, char **argv);
int pm_cmd_db(pm_cli *cli, int argc, char **argv);
int pm_cmd_markets(pm_cli *cli, int argc, char **argv);
int pm_cmd_pairs(pm_cli *cli, int argc, char **argv);
int pm_cmd_kalshi(pm_cli *cli, int argc, char **argv);
int pm_cmd_sync(pm_cli *cli, int argc, char **argv);
int pm_cmd_sim(pm_cli *cli, int argc, char **argv);
int pm_cmd_demo(pm_cli *cli, int argc, char **argv);
int pm_cmd_book(pm_cli *cli, int argc, char **argv);
int pm_cmd_run(pm_cli *cli, int argc, char **argv);
int pm_cmd_record(pm_cli *cli, int argc, char **argv);
int pm_cmd_status(pm_cli *cli, int argc, char **argv);
int pm_cmd_replay(pm_cli *cli, int argc, char **argv);
int pm_cmd_polymarket(pm_cli *cli, int argc, char **argv);
int pm_cmd_match(pm_cli *cli, int argc, char **argv);
int pm_cmd_review(pm_cli *cli, int argc, char **argv);
int pm_cmd_bench_match(pm_cli *cli, int argc, char **argv);
int pm_cmd_bench_exec(pm_cli *cli, int argc, char **argv);
int pm_cmd_bench(pm_cli *cli, int argc, char **argv);
int pm_cmd_fees(pm_cli *cli, int argc, char **argv);
int pm_cmd_reconcile(pm_cli *cli, int argc, char **argv);
/* `pmarb polymarket` subcommands (cmd_poly_*.c); argv[0] is the subcommand's name. */
int pm_cmd_poly_sign_order(pm_cli *cli, int argc, char **argv);
int pm_cmd_poly_bench_sign(pm_cli *cli, int argc, char **argv);
int pm_cmd_poly_api_key(pm_cli *cli, int argc, char **argv);
int pm_cmd_poly_bench_feed(pm_cli *cli, int argc, char **argv);

#endif
