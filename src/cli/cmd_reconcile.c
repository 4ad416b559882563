/* cmd_reconcile.c — `pmarb reconcile [--json] [--accept-venue-positions]`: compares the live
 * positions in the database with what both venues hold (engine/reconcile.h), records a
 * 'reconcile_diff' audit event when they differ, and with --accept-venue-positions adopts the
 * venues' figures. Exit 0 when they agree (after adopting), 1 otherwise. */
#include "cli/cli.h"
#include "cli/render.h"
#include "config/secrets.h"
#include "engine/reconcile.h"
#include "store/records.h"
#include "util/clock.h"
#include "venue/kalshi/exec.h"
#include "venue/polymarket/exec.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: pmarb reconcile [--json] [--accept-venue-positions]\n\n"
    "Reads the holdings and cash of both venues (Kalshi: KALSHI_API_KEY_ID /\n"
    "KALSHI_PRIVATE_KEY_PATH; Polymarket: POLY_PRIVATE_KEY and the POLY_API_* credentials)\n"
    "and compares them with the live positions in the database: every live position row and\n"
    "both outcomes of both markets of every approved pair. Each difference is printed (venue,\n"
    "market, outcome, ours, theirs) and recorded as a 'reconcile_diff' audit event; exit status\n"
    "1 while they differ. --accept-venue-positions writes the venues' quantities into the\n"
    "database (one 'reconcile_adopt' audit event each; cost scaled to the new quantity) and\n"
    "compares again. --json prints one JSON object instead of text.\n";

#define ADOPT_ROUNDS_MAX 1024 /* PM_RECON_DIFF_MAX differences are adopted per round */

static int load_kalshi_auth(const pm_secrets *sec, kalshi_auth **auth, pm_err *err) {
    const char *id = sec->value[PM_SECRET_KALSHI_API_KEY_ID], *path = sec->value[PM_SECRET_KALSHI_PRIVATE_KEY_PATH];
    if (!id || !path) return pm_err_set(err, "set KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_PATH (see README.md)");
    static char pem[64 * 1024];
    size_t len;
    int rc = pm_keyfile_read(path, pem, sizeof pem, &len, err) || kalshi_auth_new(id, pem, len, auth, err);
    memset(pem, 0, sizeof pem);
    return rc ? -1 : 0;
}

static void print_diff(FILE *f, const pm_recon_diff *d) {
    char ours[PM_FIXED_BUF], theirs[PM_FIXED_BUF];
    pm_fixed_format_exact(d->ours, 0, ours, sizeof ours);
    pm_fixed_format_exact(d->theirs, 0, theirs, sizeof theirs);
    fprintf(f, "  %-10s  %-40s  %-3s  ours %s  theirs %s\n", pm_venue_name(d->venue), d->market_id,
            pm_outcome_name(d->outcome), ours, theirs);
}

static void print_text(const pm_recon *r, size_t adopted) {
    char k[PM_FIXED_BUF], p[PM_FIXED_BUF];
    pm_fixed_format_exact(r->venue_cash[PM_VENUE_KALSHI], 2, k, sizeof k);
    pm_fixed_format_exact(r->venue_cash[PM_VENUE_POLYMARKET], 2, p, sizeof p);
    if (adopted) printf("adopted the venues' figures for %zu market outcome(s)\n", adopted);
    printf("%zu market outcome(s) checked, %zu differ; cash kalshi $%s, polymarket $%s\n", r->checked, r->ndiffs_total,
           k, p);
    for (size_t i = 0; i < r->ndiffs; i++) print_diff(stdout, &r->diff[i]);
    if (r->ndiffs_total > r->ndiffs) printf("  … and %zu more\n", r->ndiffs_total - r->ndiffs);
}

static int print_json(const pm_recon *r, size_t adopted) {
    char k[PM_FIXED_BUF], p[PM_FIXED_BUF];
    pm_fixed_format_exact(r->venue_cash[PM_VENUE_KALSHI], 2, k, sizeof k);
    pm_fixed_format_exact(r->venue_cash[PM_VENUE_POLYMARKET], 2, p, sizeof p);
    json_t *diffs = json_array();
    for (size_t i = 0; i < r->ndiffs; i++) json_array_append_new(diffs, pm_recon_diff_json(&r->diff[i]));
    json_t *doc = json_pack("{s:b, s:I, s:I, s:I, s:{s:s, s:s}, s:o}", "equal", r->ndiffs_total == 0, "checked",
                            (json_int_t)r->checked, "differ", (json_int_t)r->ndiffs_total, "adopted", (json_int_t)adopted,
                            "cash", "kalshi", k, "polymarket", p, "diffs", diffs);
    int rc = doc ? pm_render_print_json(doc) : -1;
    json_decref(doc);
    return rc;
}

/* The 'reconcile_diff' audit event of r. */
static int record_diff(pm_db *db, const pm_recon *r, pm_err *err) {
    pm_record ev = {.kind = PM_REC_EVENT};
    ev.u.event.ts_ns = pm_wall_ns();
    snprintf(ev.u.event.level, sizeof ev.u.event.level, "warn");
    snprintf(ev.u.event.kind, sizeof ev.u.event.kind, "reconcile_diff");
    if (pm_recon_event_detail(r, ev.u.event.detail, sizeof ev.u.event.detail) < 0)
        return pm_err_set(err, "reconcile_diff detail does not fit");
    return pm_store_write_record(db, &ev, NULL, err);
}

/* Compares; with accept, adopts and compares again until equal. *adopted counts what was adopted. */
static int reconcile(pm_db *db, pm_exec_venue *const venues[PM_VENUE_COUNT], int accept, pm_recon *r, size_t *adopted,
                     pm_err *err) {
    *adopted = 0;
    if (pm_reconcile(db, venues, r, err)) return -1;
    if (r->ndiffs_total && record_diff(db, r, err)) return -1;
    for (int round = 0; accept && r->ndiffs_total && round < ADOPT_ROUNDS_MAX; round++) {
        if (pm_reconcile_adopt(db, r, pm_wall_ns(), err)) return -1;
        *adopted += r->ndiffs;
        if (pm_reconcile(db, venues, r, err)) return -1;
    }
    return 0;
}

static int open_venues(const pm_config *cfg, kalshi_auth **auth, pm_exec_venue *venues[PM_VENUE_COUNT], pm_err *err) {
    pm_secrets sec;
    pm_secrets_load(&sec);
    if (load_kalshi_auth(&sec, auth, err)) return -1;
    if (kalshi_exec_new(cfg, *auth, 0, &venues[PM_VENUE_KALSHI], err)) return pm_err_wrap(err, "kalshi");
    if (poly_exec_new(cfg, &sec, 0, &venues[PM_VENUE_POLYMARKET], err)) return pm_err_wrap(err, "polymarket");
    return 0;
}

int pm_cmd_reconcile(pm_cli *cli, int argc, char **argv) {
    if (pm_cli_wants_help(argc, argv)) {
        fputs(usage, stdout);
        return PM_EXIT_OK;
    }
    int json = 0, accept = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) json = 1;
        else if (!strcmp(argv[i], "--accept-venue-positions")) accept = 1;
        else return pm_cli_usage_error("reconcile", "unknown argument '%s'", argv[i]);
    }
    const pm_config *cfg = pm_cli_config(cli);
    if (!cfg) return PM_EXIT_USAGE;
    kalshi_auth *auth = NULL;
    pm_exec_venue *venues[PM_VENUE_COUNT] = {NULL, NULL};
    pm_err err;
    if (open_venues(cfg, &auth, venues, &err)) {
        for (int v = 0; v < PM_VENUE_COUNT; v++) pm_exec_free(venues[v]);
        kalshi_auth_free(auth);
        return pm_cli_usage_error("reconcile", "%s", err.msg);
    }
    static pm_recon r;
    size_t adopted = 0;
    pm_db *db = pm_cli_open_db(cli);
    int rc = db ? reconcile(db, venues, accept, &r, &adopted, &err) : -1;
    for (int v = 0; v < PM_VENUE_COUNT; v++) pm_exec_free(venues[v]);
    kalshi_auth_free(auth);
    pm_db_close(db);
    if (!db) return PM_EXIT_ERROR;
    if (rc) return pm_cli_fail("reconcile: %s", err.msg);
    if (json) print_json(&r, adopted);
    else print_text(&r, adopted);
    if (!r.ndiffs_total) return PM_EXIT_OK;
    char what[320] = "";
    if (r.ndiffs) {
        char ours[PM_FIXED_BUF], theirs[PM_FIXED_BUF];
        pm_fixed_format_exact(r.diff[0].ours, 0, ours, sizeof ours);
        pm_fixed_format_exact(r.diff[0].theirs, 0, theirs, sizeof theirs);
        snprintf(what, sizeof what, "%s %s %s ours %s, theirs %s%s", pm_venue_name(r.diff[0].venue), r.diff[0].market_id,
                 pm_outcome_name(r.diff[0].outcome), ours, theirs, r.ndiffs_total > 1 ? ", …" : "");
    }
    return pm_cli_fail("positions differ from the venues: %zu market outcome(s) (%s); run `pmarb reconcile "
                       "--accept-venue-positions` to adopt the venues' figures once you understand why",
                       r.ndiffs_total, what);
}
