/* cmd_run.c — `pmarb run` (paper trading on the live feeds) and `pmarb record --out FILE`
 * (the same feeds, every input written to a recording): both drive src/engine/run.h. */
#include "cli/cli.h"
#include "config/secrets.h"
#include "engine/run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char run_usage[] =
    "usage: pmarb run [--seconds N] [--accept-venue-positions]\n\n"
    "Streams both venues' order books for every approved pair (Kalshi: [kalshi] env or ws_url,\n"
    "signed with KALSHI_API_KEY_ID / KALSHI_PRIVATE_KEY_PATH; Polymarket: [polymarket] ws_url,\n"
    "both tokens of each pair) and runs the detector on every book update that touches a pair.\n"
    "[run] mode = paper fills each opportunity on paper against the current books; mode = live\n"
    "sends real orders (POLY_* credentials needed too): risk gate ([risk]), both legs\n"
    "([strategy] execution), hedging or unwinding of one-legged fills, reconciliation with the\n"
    "venues at start and every [risk] reconcile_seconds (a difference halts trading;\n"
    "--accept-venue-positions adopts the venues' figures at start), and a kill switch: SIGUSR1\n"
    "or the file [risk] kill_file cancels every open order and stops new ones.\n"
    "Opportunities (decision traded, rejected or skipped, with the reason), orders, fills,\n"
    "positions and audit events go to the database.\n"
    "A status line goes to stderr every [run] status_interval_s seconds. SIGINT/SIGTERM stop\n"
    "it (live: trades in flight finish, open orders are cancelled; the summary is printed on\n"
    "stdout); SIGHUP reloads the approved pairs.\n"
    "GET /metrics (Prometheus text) and /health are served on [run] http_listen (empty: off);\n"
    "`pmarb status` reads them.\n"
    "Runs until stopped, or for N seconds.\n";

static const char record_usage[] =
    "usage: pmarb record --out FILE [--seconds N]\n\n"
    "Streams the same feeds as `pmarb run` and writes every feed input (connections, raw\n"
    "frames with their receive times, timer ticks) and the approved pairs to FILE, a compact\n"
    "binary recording (format: src/engine/recorder.h) that `pmarb replay FILE` runs through\n"
    "the production path. Detection and paper fills run too, on paper whatever [run] mode\n"
    "says (nothing is stored in the database); the summary printed at the end is the one\n"
    "`pmarb replay FILE` reproduces.\n"
    "Runs until SIGINT/SIGTERM, or for N seconds.\n";

static int load_auth(const char *cmd, kalshi_auth **auth) {
    pm_secrets sec;
    pm_secrets_load(&sec);
    const char *id = sec.value[PM_SECRET_KALSHI_API_KEY_ID], *path = sec.value[PM_SECRET_KALSHI_PRIVATE_KEY_PATH];
    if (!id || !path) return pm_cli_usage_error(cmd, "set KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_PATH (see README.md)");
    static char pem[64 * 1024];
    size_t len;
    pm_err err;
    int rc = pm_keyfile_read(path, pem, sizeof pem, &len, &err) || kalshi_auth_new(id, pem, len, auth, &err);
    memset(pem, 0, sizeof pem);
    if (rc) return pm_cli_usage_error(cmd, "%s", err.msg);
    return PM_EXIT_OK;
}

static int run_or_record(pm_cli *cli, int argc, char **argv, int record) {
    const char *cmd = record ? "record" : "run";
    if (pm_cli_wants_help(argc, argv)) {
        fputs(record ? record_usage : run_usage, stdout);
        return PM_EXIT_OK;
    }
    pm_run_options o = {.store = !record, .out = stdout, .status = stderr};
    for (int i = 1; i < argc; i++) {
        char *end;
        if (!strcmp(argv[i], "--seconds") && i + 1 < argc) {
            o.seconds = strtoll(argv[++i], &end, 10);
            if (*end || o.seconds <= 0) return pm_cli_usage_error(cmd, "--seconds must be a positive whole number");
        } else if (record && !strcmp(argv[i], "--out") && i + 1 < argc) o.record_path = argv[++i];
        else if (!record && !strcmp(argv[i], "--accept-venue-positions")) o.accept_venue_positions = 1;
        else return pm_cli_usage_error(cmd, "unknown argument '%s'", argv[i]);
    }
    if (record && !o.record_path) return pm_cli_usage_error(cmd, "--out FILE is required");
    const pm_config *cfg = pm_cli_config(cli);
    if (!cfg) return PM_EXIT_USAGE;
    static pm_config paper; /* a recording never trades live */
    if (record && cfg->run.mode == PM_MODE_LIVE) {
        paper = *cfg;
        paper.run.mode = PM_MODE_PAPER;
        cfg = &paper;
    }
    o.cfg = cfg;
    if (!record) o.http_listen = cfg->run.http_listen;
    int rc = load_auth(cmd, &o.auth);
    if (rc) return rc;
    pm_err err;
    rc = pm_run(&o, &err);
    kalshi_auth_free(o.auth);
    if (rc) return pm_cli_fail("%s: %s", cmd, err.msg);
    return PM_EXIT_OK;
}

int pm_cmd_run(pm_cli *cli, int argc, char **argv) { return run_or_record(cli, argc, argv, 0); }
int pm_cmd_record(pm_cli *cli, int argc, char **argv) { return run_or_record(cli, argc, argv, 1); }
