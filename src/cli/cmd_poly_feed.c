/* cmd_poly_feed.c — PLACEHOLDER: replaced by the helper that owns it. */
#include "cli/cli.h"
int pm_cmd_poly_bench_feed(pm_cli *cli, int argc, char **argv) { (void)cli; (void)argc; (void)argv; return pm_cli_fail("not built yet"); }
