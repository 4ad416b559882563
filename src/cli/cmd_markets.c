/* cmd_markets.c — `pmarb markets list`: the markets stored by sync/import; `pmarb markets
 * import`: markets from files holding the venues' own REST responses, stored as sync does. */
#include "cli/cli.h"
#include "cli/render.h"
#include "util/clock.h"
#include "venue/kalshi/catalog.h"
#include "venue/polymarket/gamma.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: pmarb markets list [--platform kalshi|polymarket] [--status active|closed] [--json]\n"
    "       pmarb markets import --venue kalshi|polymarket FILE...\n\n"
    "list: the markets in the database, by platform then venue id. --json prints one JSON\n"
    "document {\"markets\": [...], \"count\": N} with prices and sizes as exact decimal strings.\n\n"
    "import: loads markets from saved venue responses, without the network, stored exactly as\n"
    "`pmarb sync` stores them (same ids on re-import; a changed text updates the market):\n"
    "  kalshi      a GET /markets response {\"markets\": [...], \"cursor\": ...} (or GET\n"
    "              /markets/{ticker}'s {\"market\": {...}}). Fee schedules come from series and\n"
    "              events, which these files do not hold: they stay unknown.\n"
    "  polymarket  a Gamma /markets JSON array, or a /markets/keyset page {\"markets\": [...]}.\n"
    "              Markets pmarb cannot store (no token ids, not two outcomes) are skipped and\n"
    "              counted, as sync does.\n"
    "All files are imported in one transaction: a file that cannot be read or parsed changes\n"
    "nothing, and the error names it. Nothing is marked closed.\n";

typedef struct import_ctx {
    pm_db *db;
    int64_t now_ns;
    int markets, added, updated, unchanged;
    pm_err *err;
} import_ctx;

static int import_market(void *ctx_, pm_market *m) {
    import_ctx *c = ctx_;
    pm_upsert_result res;
    if (pm_store_upsert_market(c->db, m, c->now_ns, &res, c->err)) return -1;
    c->markets++;
    if (res == PM_UPSERT_NEW) c->added++;
    else if (res == PM_UPSERT_UPDATED) c->updated++;
    else c->unchanged++;
    return 0;
}

static char *read_all(const char *path, size_t *len, pm_err *err) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        pm_err_set(err, "%s", strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n + 1 >= cap) {
            char *grown = realloc(buf, cap * 2);
            if (!grown) break;
            buf = grown, cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0) break;
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        free(buf);
        pm_err_set(err, bad ? "read error" : "out of memory");
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static int import_files(pm_cli *cli, pm_venue venue, char **files, int nfiles) {
    pm_db *db = pm_cli_open_db(cli);
    if (!db) return PM_EXIT_ERROR;
    pm_err err;
    import_ctx c = {.db = db, .now_ns = pm_wall_ns(), .err = &err};
    int skipped[POLY_SKIP_COUNT] = {0}, nskipped = 0;
    if (pm_db_begin(db, &err)) {
        pm_db_close(db);
        return pm_cli_fail("%s", err.msg);
    }
    for (int i = 0; i < nfiles; i++) {
        size_t len = 0;
        char *body = read_all(files[i], &len, &err);
        int rc = body ? 0 : -1;
        if (rc == 0 && venue == PM_VENUE_KALSHI) {
            char cursor[KALSHI_CURSOR_MAX];
            rc = kalshi_parse_markets(body, len, import_market, &c, cursor, &err);
        } else if (rc == 0) {
            poly_gamma_page page;
            rc = poly_gamma_parse_page(body, len, import_market, &c, &page, &err);
            int file_skipped = 0;
            for (int r = 0; rc == 0 && r < POLY_SKIP_COUNT; r++) skipped[r] += page.skipped[r], file_skipped += page.skipped[r];
            nskipped += file_skipped;
            if (rc == 0 && page.objects && file_skipped == page.objects)
                rc = pm_err_set(&err, "none of its %d objects is a Gamma market pmarb can store", page.objects);
        }
        free(body);
        if (rc) {
            pm_db_rollback(db);
            pm_db_close(db);
            return pm_cli_fail("%s: %s (nothing was imported)", files[i], err.msg);
        }
    }
    if (pm_db_commit(db, &err)) {
        pm_db_rollback(db);
        pm_db_close(db);
        return pm_cli_fail("%s (nothing was imported)", err.msg);
    }
    pm_db_close(db);
    printf("%s: %d markets from %d file%s (%d new, %d updated, %d unchanged)", pm_venue_name(venue), c.markets, nfiles,
           nfiles == 1 ? "" : "s", c.added, c.updated, c.unchanged);
    if (nskipped) {
        printf("; %d skipped (", nskipped);
        const char *sep = "";
        for (int r = 0; r < POLY_SKIP_COUNT; r++)
            if (skipped[r]) {
                printf("%s%d %s", sep, skipped[r], poly_skip_name((poly_skip)r));
                sep = ", ";
            }
        printf(")");
    }
    printf("\n");
    return PM_EXIT_OK;
}

static int cmd_import(pm_cli *cli, int argc, char **argv) {
    const char *venue = NULL;
    char **files = calloc((size_t)argc, sizeof *files);
    int nfiles = 0;
    if (!files) return pm_cli_fail("out of memory");
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--venue") && i + 1 < argc) venue = argv[++i];
        else if (!strncmp(argv[i], "--venue=", 8)) venue = argv[i] + 8;
        else if (argv[i][0] == '-' && argv[i][1]) {
            free(files);
            return pm_cli_usage_error("markets", "unknown option '%s'", argv[i]);
        } else files[nfiles++] = argv[i];
    }
    pm_venue v;
    int rc;
    if (!venue) rc = pm_cli_usage_error("markets", "import needs --venue kalshi|polymarket");
    else if (pm_venue_parse(venue, &v)) rc = pm_cli_usage_error("markets", "--venue must be kalshi or polymarket");
    else if (!nfiles) rc = pm_cli_usage_error("markets", "import needs at least one FILE");
    else rc = import_files(cli, v, files, nfiles);
    free(files);
    return rc;
}

typedef struct list_ctx {
    int json;
    json_t *array;
    int count;
} list_ctx;

static int print_market(void *ctx_, const pm_market *m) {
    list_ctx *ctx = ctx_;
    ctx->count++;
    if (ctx->json) {
        json_array_append_new(ctx->array, pm_render_market_json(m, 1));
        return 0;
    }
    char id[160], title[256], close[64];
    pm_render_cell(m->platform_market_id, 40, id, sizeof id);
    pm_render_cell(m->title, 60, title, sizeof title);
    pm_render_cell(m->close_time, 20, close, sizeof close);
    printf("%-10s  %-40s  %-6s  %-20s  %s\n", pm_venue_name(m->platform), id, m->status, close, title);
    return 0;
}

int pm_cmd_markets(pm_cli *cli, int argc, char **argv) {
    if (pm_cli_wants_help(argc, argv)) {
        fputs(usage, stdout);
        return PM_EXIT_OK;
    }
    if (argc >= 2 && !strcmp(argv[1], "import")) return cmd_import(cli, argc, argv);
    if (argc < 2 || strcmp(argv[1], "list") != 0)
        return pm_cli_usage_error("markets", argc < 2 ? "missing subcommand" : "unknown subcommand '%s'", argv[1]);
    static const struct option opts[] = {
        {"platform", required_argument, NULL, 'p'},
        {"status", required_argument, NULL, 's'},
        {"json", no_argument, NULL, 'j'},
        {NULL, 0, NULL, 0},
    };
    int platform = -1, c;
    const char *status = NULL;
    list_ctx ctx = {0};
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
        pm_venue v;
        switch (c) {
        case 'p':
            if (pm_venue_parse(optarg, &v)) return pm_cli_usage_error("markets", "--platform must be kalshi or polymarket");
            platform = (int)v;
            break;
        case 's':
            if (strcmp(optarg, PM_MARKET_ACTIVE) && strcmp(optarg, PM_MARKET_CLOSED))
                return pm_cli_usage_error("markets", "--status must be active or closed");
            status = optarg;
            break;
        case 'j': ctx.json = 1; break;
        default: return pm_cli_usage_error("markets", "unknown option '%s'", argv[optind]);
        }
    }
    if (optind < argc - 1) return pm_cli_usage_error("markets", "unexpected argument '%s'", argv[optind + 1]);
    pm_db *db = pm_cli_open_db(cli);
    if (!db) return PM_EXIT_ERROR;
    if (ctx.json) ctx.array = json_array();
    pm_err err;
    int rc = pm_store_list_markets(db, platform, status, print_market, &ctx, &err);
    pm_db_close(db);
    if (rc < 0) {
        json_decref(ctx.array);
        return pm_cli_fail("%s", err.msg);
    }
    pm_render_list_end(ctx.json, "markets", ctx.array, ctx.count, "market");
    return PM_EXIT_OK;
}
