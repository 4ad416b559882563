/* cmd_polymarket.c — `pmarb polymarket …`: Polymarket aids, one file per subcommand.
 *   sign-order   the body pmarb would POST to /order, signed, plus its EIP-712 hash (cmd_poly_sign.c)
 *   bench-sign   the cost of building and signing one order (cmd_poly_sign.c)
 *   api-key      derive or create CLOB API credentials with an L1 signature (cmd_poly_keys.c)
 *   bench-feed   messages/s of the market-channel feed path (cmd_poly_feed.c) */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: pmarb polymarket sign-order --token-id ID --side buy|sell --price P --size S --tick-size T [options]\n"
    "       pmarb polymarket bench-sign [--iterations N] [--json]\n"
    "       pmarb polymarket api-key derive|create\n"
    "       pmarb polymarket bench-feed [--messages N] [--markets M] [--json]\n\n"
    "`pmarb polymarket <subcommand> --help` describes each.\n";

int pm_cmd_polymarket(pm_cli *cli, int argc, char **argv) {
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? PM_EXIT_USAGE : PM_EXIT_OK;
    }
    if (!strcmp(argv[1], "sign-order")) return pm_cmd_poly_sign_order(cli, argc - 1, argv + 1);
    if (!strcmp(argv[1], "bench-sign")) return pm_cmd_poly_bench_sign(cli, argc - 1, argv + 1);
    if (!strcmp(argv[1], "api-key")) return pm_cmd_poly_api_key(cli, argc - 1, argv + 1);
    if (!strcmp(argv[1], "bench-feed")) return pm_cmd_poly_bench_feed(cli, argc - 1, argv + 1);
    return pm_cli_usage_error("polymarket", "unknown subcommand '%s'", argv[1]);
}
