/* cmd_poly_keys.c — `pmarb polymarket api-key derive|create [--nonce N]`: obtains CLOB API
 * credentials with an L1 (EIP-712 ClobAuth) signature from the wallet in POLY_PRIVATE_KEY,
 * on the chain [polymarket] chain_id, from [polymarket] clob_url, and prints them once as
 * shell `export` lines for the user to store. */
#include "cli/cli.h"
#include "config/secrets.h"
#include "venue/polymarket/clob_api.h"

#include <getopt.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: pmarb polymarket api-key derive|create [--nonce N]\n\n"
    "Obtains Polymarket CLOB API credentials for the wallet in POLY_PRIVATE_KEY by signing the\n"
    "venue's ClobAuth message (EIP-712, chain [polymarket] chain_id) and sending it to\n"
    "[polymarket] clob_url:\n"
    "  derive   GET /auth/derive-api-key: the key that already exists for this wallet and nonce\n"
    "  create   POST /auth/api-key: a new key for this wallet and nonce\n"
    "--nonce N  the key's nonce (default 0); the same nonce always derives the same key.\n\n"
    "Prints `export POLY_API_KEY=…`, `export POLY_API_SECRET=…` and `export POLY_API_PASSPHRASE=…`\n"
    "lines. The venue cannot show the secret again: store them safely (a secrets manager or a\n"
    "file only you can read), never in pmarb.ini.\n";

/* Credentials are base64url, UUIDs or hex: anything else would not survive an export line. */
static int shell_safe(const char *s) {
    return s[0] && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-") == strlen(s);
}

int pm_cmd_poly_api_key(pm_cli *cli, int argc, char **argv) {
    if (pm_cli_wants_help(argc, argv)) {
        fputs(usage, stdout);
        return PM_EXIT_OK;
    }
    if (argc < 2 || (strcmp(argv[1], "derive") && strcmp(argv[1], "create")))
        return pm_cli_usage_error("polymarket", "api-key needs derive or create");
    int create = !strcmp(argv[1], "create");
    static const struct option opts[] = {{"nonce", required_argument, NULL, 'n'}, {NULL, 0, NULL, 0}};
    int64_t nonce = 0;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
        static const pm_decimal_spec spec = {0, 0, 0, 0, INT64_MAX, "--nonce"};
        pm_err err;
        if (c != 'n') return pm_cli_usage_error("polymarket", "unknown option '%s'", argv[optind]);
        if (pm_decimal_parse(optarg, strlen(optarg), &spec, &nonce, &err)) return pm_cli_usage_error("polymarket", "%s", err.msg);
    }
    if (optind < argc - 1) return pm_cli_usage_error("polymarket", "unexpected argument '%s'", argv[optind + 1]);

    const pm_config *cfg = pm_cli_config(cli);
    if (!cfg) return PM_EXIT_USAGE;
    pm_secrets sec;
    pm_secrets_load(&sec);
    const char *key = sec.value[PM_SECRET_POLY_PRIVATE_KEY];
    if (!key) return pm_cli_fail("set POLY_PRIVATE_KEY to the wallet's private key (0x + 64 hex digits)");
    pm_err err;
    poly_wallet *w;
    if (poly_wallet_new(key, &w, &err)) return pm_cli_fail("POLY_PRIVATE_KEY: %s", err.msg);
    poly_rest r;
    if (poly_rest_init(&r, cfg->polymarket.clob_url, (uint64_t)cfg->polymarket.chain_id, cfg->polymarket.timeout_ms,
                       &err)) {
        poly_wallet_free(w);
        return pm_cli_fail("%s", err.msg);
    }
    poly_creds creds;
    int rc = create ? poly_create_api_key(&r, w, (uint64_t)nonce, &creds, &err)
                    : poly_derive_api_key(&r, w, (uint64_t)nonce, &creds, &err);
    poly_rest_close(&r);
    poly_wallet_free(w);
    if (rc) return pm_cli_fail("%s API key at %s: %s", create ? "creating" : "deriving", cfg->polymarket.clob_url, err.msg);
    if (!shell_safe(creds.key) || !shell_safe(creds.secret) || !shell_safe(creds.passphrase)) {
        OPENSSL_cleanse(&creds, sizeof creds);
        return pm_cli_fail("the venue's credentials contain unexpected characters; not printed");
    }
    fprintf(stderr, "pmarb: these Polymarket API credentials are shown once (pmarb keeps no copy):\n"
                    "pmarb: store them safely (a secrets manager, or a file only you can read), never in pmarb.ini\n");
    printf("export POLY_API_KEY=%s\nexport POLY_API_SECRET=%s\nexport POLY_API_PASSPHRASE=%s\n", creds.key,
           creds.secret, creds.passphrase);
    fflush(stdout);
    OPENSSL_cleanse(&creds, sizeof creds);
    return PM_EXIT_OK;
}
