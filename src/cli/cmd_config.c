/* cmd_config.c — `pmarb config check`: the effective configuration, the secrets' presence
 * (never their values) and the key file's permissions; non-zero exit on any problem. */
#include "cli/cli.h"
#include "cli/render.h"
#include "config/secrets.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: pmarb config check [--json]\n\n"
    "Loads the configuration (--config FILE, or ./pmarb.ini when present, else the built-in\n"
    "defaults) and the secrets from the environment, checks the Kalshi key file's permissions\n"
    "when KALSHI_PRIVATE_KEY_PATH is set, and prints every effective value with where it came\n"
    "from. Secrets are shown only as set or unset. Exit status 0 when all is well, 2 otherwise.\n";

int pm_cmd_config(pm_cli *cli, int argc, char **argv) {
    if (pm_cli_wants_help(argc, argv)) {
        fputs(usage, stdout);
        return PM_EXIT_OK;
    }
    if (argc < 2 || strcmp(argv[1], "check") != 0)
        return pm_cli_usage_error("config", argc < 2 ? "missing subcommand" : "unknown subcommand '%s'", argv[1]);
    int json = 0;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) json = 1;
        else return pm_cli_usage_error("config", "unknown argument '%s'", argv[i]);
    }
    const pm_config *cfg = pm_cli_config(cli);
    if (!cfg) return PM_EXIT_USAGE;
    pm_secrets sec;
    pm_secrets_load(&sec);
    pm_err err;
    int key_ok = 1;
    const char *key_path = sec.value[PM_SECRET_KALSHI_PRIVATE_KEY_PATH];
    if (key_path && pm_keyfile_check(key_path, &err)) {
        fprintf(stderr, "pmarb: %s\n", err.msg);
        key_ok = 0;
    }
    if (json) {
        json_t *doc = pm_config_json(cfg), *secrets = json_object();
        for (int i = 0; i < PM_SECRET_COUNT; i++)
            json_object_set_new(secrets, pm_secret_name((pm_secret_id)i), json_string(sec.value[i] ? "set" : "unset"));
        json_object_set_new(doc, "secrets", secrets);
        json_object_set_new(doc, "ok", json_boolean(key_ok));
        pm_render_print_json(doc);
        json_decref(doc);
    } else {
        pm_config_print(cfg, stdout);
        printf("\n# secrets (from the environment)\n");
        for (int i = 0; i < PM_SECRET_COUNT; i++)
            printf("%-24s = %s\n", pm_secret_name((pm_secret_id)i), sec.value[i] ? "set" : "unset");
    }
    return key_ok ? PM_EXIT_OK : PM_EXIT_USAGE;
}
