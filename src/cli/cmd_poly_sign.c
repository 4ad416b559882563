/* cmd_poly_sign.c — PLACEHOLDER: replaced by the helper that owns it. */
#include "cli/cli.h"
int pm_cmd_poly_sign_order(pm_cli *cli, int argc, char **argv) { (void)cli; (void)argc; (void)argv; return pm_cli_fail("not built yet"); }
int pm_cmd_poly_bench_sign(pm_cli *cli, int argc, char **argv) { (void)cli; (void)argc; (void)argv; return pm_cli_fail("not built yet"); }
