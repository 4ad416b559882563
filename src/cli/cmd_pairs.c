/* cmd_pairs.c — `pmarb pairs list`: the proposed, approved and rejected market matches;
 * `pmarb pairs clear-halt ID`: a person lets a pair halted after repeated one-legged fills
 * trade again. */
#include "cli/cli.h"
#include "cli/render.h"
#include "store/live_orders.h"
#include "util/clock.h"

#include <getopt.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: pmarb pairs list [--status approved|pending_review|rejected] [--json]\n"
    "       pmarb pairs clear-halt PAIR_ID\n\n"
    "list: market matches, highest confidence first. `--status approved` shows exactly what\n"
    "`pmarb run` may trade (approved pairs whose markets are both still active are loaded).\n"
    "--json prints one JSON document {\"pairs\": [...], \"count\": N}.\n"
    "clear-halt: live trading halts a pair after [risk] max_one_legged one-legged fills twice\n"
    "(the first time it only cools down); once you have looked at why, this lets it trade again\n"
    "from the next start of `pmarb run`.\n";

static int clear_halt(pm_cli *cli, int argc, char **argv) {
    if (argc != 3) return pm_cli_usage_error("pairs", "clear-halt takes one PAIR_ID");
    pm_db *db = pm_cli_open_db(cli);
    if (!db) return PM_EXIT_ERROR;
    pm_err err;
    int cleared = 0;
    const char *who = getenv("USER");
    int rc = pm_store_clear_pair_halt(db, argv[2], who && who[0] ? who : "unknown", pm_wall_ns(), &cleared, &err);
    pm_db_close(db);
    if (rc) return pm_cli_fail("%s", err.msg);
    if (!cleared) return pm_cli_fail("pair %s is not halted", argv[2]);
    printf("pair %s may trade again from the next `pmarb run`\n", argv[2]);
    return PM_EXIT_OK;
}

typedef struct list_ctx {
    int json;
    json_t *array;
    int count;
} list_ctx;

static int print_pair(void *ctx_, const pm_match_row *r) {
    list_ctx *ctx = ctx_;
    ctx->count++;
    if (ctx->json) {
        json_array_append_new(ctx->array, pm_render_match_json(r));
        return 0;
    }
    char conf[PM_FIXED_BUF] = "-", k[160], p[160], kt[200], pt[200];
    if (r->confidence >= 0) pm_fixed_format(r->confidence, 2, PM_ROUND_FLOOR, conf, sizeof conf);
    pm_render_cell(r->kalshi.platform_market_id, 32, k, sizeof k);
    pm_render_cell(r->polymarket.platform_market_id, 20, p, sizeof p);
    pm_render_cell(r->kalshi.title, 40, kt, sizeof kt);
    pm_render_cell(r->polymarket.title, 40, pt, sizeof pt);
    printf("%s  %-14s  %4s  %-8s  %-32s  %-20s  %s | %s\n", r->id, pm_match_status_name(r->status), conf,
           pm_polarity_name(r->polarity), k, p, kt, pt);
    return 0;
}

int pm_cmd_pairs(pm_cli *cli, int argc, char **argv) {
    if (pm_cli_wants_help(argc, argv)) {
        fputs(usage, stdout);
        return PM_EXIT_OK;
    }
    if (argc >= 2 && !strcmp(argv[1], "clear-halt")) return clear_halt(cli, argc, argv);
    if (argc < 2 || strcmp(argv[1], "list") != 0)
        return pm_cli_usage_error("pairs", argc < 2 ? "missing subcommand" : "unknown subcommand '%s'", argv[1]);
    static const struct option opts[] = {
        {"status", required_argument, NULL, 's'},
        {"json", no_argument, NULL, 'j'},
        {NULL, 0, NULL, 0},
    };
    int status = -1, c;
    list_ctx ctx = {0};
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
        pm_match_status s;
        switch (c) {
        case 's':
            if (pm_match_status_parse(optarg, &s))
                return pm_cli_usage_error("pairs", "--status must be approved, pending_review or rejected");
            status = (int)s;
            break;
        case 'j': ctx.json = 1; break;
        default: return pm_cli_usage_error("pairs", "unknown option '%s'", argv[optind]);
        }
    }
    if (optind < argc - 1) return pm_cli_usage_error("pairs", "unexpected argument '%s'", argv[optind + 1]);
    pm_db *db = pm_cli_open_db(cli);
    if (!db) return PM_EXIT_ERROR;
    if (ctx.json) ctx.array = json_array();
    pm_err err;
    int rc = status == PM_MATCH_APPROVED ? pm_store_list_approved_pairs(db, print_pair, &ctx, &err)
                                         : pm_store_list_matches(db, status, print_pair, &ctx, &err);
    pm_db_close(db);
    if (rc < 0) {
        json_decref(ctx.array);
        return pm_cli_fail("%s", err.msg);
    }
    pm_render_list_end(ctx.json, "pairs", ctx.array, ctx.count, "pair");
    return PM_EXIT_OK;
}
