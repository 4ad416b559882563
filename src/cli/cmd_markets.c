/* cmd_markets.c — `pmarb markets list`: the markets stored by sync/import. */
#include "cli/cli.h"
#include "cli/render.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: pmarb markets list [--platform kalshi|polymarket] [--status active|closed] [--json]\n\n"
    "Lists the markets in the database, by platform then venue id. --json prints one JSON\n"
    "document {\"markets\": [...], \"count\": N} with prices and sizes as exact decimal strings.\n";

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
