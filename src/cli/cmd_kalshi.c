/* cmd_kalshi.c — `pmarb kalshi …`: Kalshi debugging aids.
 *   sign        the three auth headers for a request, from the user's key (to debug a 401)
 *   bench-auth  what an authenticated order request costs to build, signing on the spot versus
 *               with a prepared signature, measured with a throwaway key */
#include "cli/cli.h"
#include "cli/render.h"
#include "config/secrets.h"
#include "util/clock.h"
#include "venue/kalshi/auth.h"
#include "venue/kalshi/order.h"

#include <getopt.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: pmarb kalshi sign --method METHOD --path PATH [--timestamp MS]\n"
    "       pmarb kalshi bench-auth [--iterations N] [--json]\n\n"
    "sign: prints {\"KALSHI-ACCESS-KEY\", \"KALSHI-ACCESS-TIMESTAMP\", \"KALSHI-ACCESS-SIGNATURE\"} for\n"
    "  METHOD and PATH (e.g. GET /trade-api/v2/portfolio/balance; a query string is not signed),\n"
    "  using KALSHI_API_KEY_ID and the key file in KALSHI_PRIVATE_KEY_PATH (must be chmod 600).\n"
    "  The timestamp defaults to now, in milliseconds. Nothing is sent.\n"
    "bench-auth: builds N authenticated order requests (default 2000) with a fresh RSA-PSS\n"
    "  signature each, and N with a prepared one, using a throwaway RSA-2048 key; prints the\n"
    "  per-request cost (p50, p99, mean) of both.\n";

static int load_auth(kalshi_auth **auth) {
    pm_secrets s;
    pm_secrets_load(&s);
    const char *id = s.value[PM_SECRET_KALSHI_API_KEY_ID], *path = s.value[PM_SECRET_KALSHI_PRIVATE_KEY_PATH];
    if (!id || !path) {
        fprintf(stderr, "pmarb kalshi: set KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_PATH (see README.md)\n");
        return PM_EXIT_USAGE;
    }
    static char pem[64 * 1024];
    size_t len;
    pm_err err;
    if (pm_keyfile_read(path, pem, sizeof pem, &len, &err) || kalshi_auth_new(id, pem, len, auth, &err)) {
        memset(pem, 0, sizeof pem);
        fprintf(stderr, "pmarb kalshi: %s\n", err.msg);
        return PM_EXIT_USAGE;
    }
    memset(pem, 0, sizeof pem);
    return PM_EXIT_OK;
}

static int cmd_sign(int argc, char **argv) {
    static const struct option opts[] = {
        {"method", required_argument, NULL, 'm'},
        {"path", required_argument, NULL, 'p'},
        {"timestamp", required_argument, NULL, 't'},
        {NULL, 0, NULL, 0},
    };
    const char *method = NULL, *path = NULL;
    int64_t ts = pm_wall_ns() / 1000000;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        static const pm_decimal_spec ms = {0, 0, 0, 0, INT64_MAX, "--timestamp"};
        pm_err err;
        switch (c) {
        case 'm': method = optarg; break;
        case 'p': path = optarg; break;
        case 't':
            if (pm_decimal_parse(optarg, strlen(optarg), &ms, &ts, &err)) return pm_cli_usage_error("kalshi", "%s", err.msg);
            break;
        default: return pm_cli_usage_error("kalshi", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (!method || !path) return pm_cli_usage_error("kalshi", "sign needs --method and --path");
    kalshi_auth *auth;
    int rc = load_auth(&auth);
    if (rc) return rc;
    kalshi_headers h;
    pm_err err;
    rc = kalshi_auth_sign(auth, ts, method, path, &h, &err);
    kalshi_auth_free(auth);
    if (rc) return pm_cli_usage_error("kalshi", "%s", err.msg);
    json_t *doc = json_object();
    json_object_set_new(doc, "KALSHI-ACCESS-KEY", json_string(h.key));
    json_object_set_new(doc, "KALSHI-ACCESS-TIMESTAMP", json_string(h.timestamp));
    json_object_set_new(doc, "KALSHI-ACCESS-SIGNATURE", json_string(h.signature));
    json_dumpf(doc, stdout, JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    json_decref(doc);
    return PM_EXIT_OK;
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

typedef struct figures {
    int64_t p50, p99, mean;
} figures;

static figures summarize(int64_t *ns, int n) {
    int64_t sum = 0;
    for (int i = 0; i < n; i++) sum += ns[i];
    qsort(ns, (size_t)n, sizeof *ns, cmp_i64);
    return (figures){ns[n / 2], ns[(int)((int64_t)n * 99 / 100)], sum / n};
}

/* One order request: headers (signed now, or copied from the prepared signature) + body. */
typedef struct request {
    kalshi_headers h;
    char body[512];
} request;

static int cmd_bench(int argc, char **argv) {
    int iterations = 2000, json = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) json = 1;
        else if (!strcmp(argv[i], "--iterations") && i + 1 < argc) iterations = atoi(argv[++i]);
        else return pm_cli_usage_error("kalshi", "unknown argument '%s'", argv[i]);
    }
    if (iterations < 10 || iterations > 10000000) return pm_cli_usage_error("kalshi", "--iterations must be 10..10000000");
    EVP_PKEY *key = EVP_RSA_gen(2048);
    BIO *bio = BIO_new(BIO_s_mem());
    char *pem;
    PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL);
    long pem_len = BIO_get_mem_data(bio, &pem);
    kalshi_auth *auth;
    pm_err err;
    if (kalshi_auth_new("00000000-0000-4000-8000-000000000000", pem, (size_t)pem_len, &auth, &err)) {
        BIO_free(bio);
        EVP_PKEY_free(key);
        return pm_cli_fail("%s", err.msg);
    }
    BIO_free(bio);
    EVP_PKEY_free(key);
    kalshi_order o = {"KXFEDDECISION-26DEC-H0", PM_SIDE_BUY, PM_OUTCOME_NO, 420000, 10000000, KALSHI_TIF_FOK,
                      "0192f0c4-7d1e-7a5c-9b3f-2a1e4d5c6b7a"};
    int64_t *fresh = calloc((size_t)iterations, sizeof *fresh), *prepared = calloc((size_t)iterations, sizeof *prepared);
    kalshi_presign ps;
    kalshi_presign_init(&ps, "POST", KALSHI_ORDERS_PATH, &err);
    kalshi_presign_refresh(&ps, auth, pm_wall_ns() / 1000000, 1000, &err);
    static request req;
    int failed = 0;
    for (int i = 0; i < iterations; i++) {
        int64_t t0 = pm_mono_ns();
        failed |= kalshi_auth_sign(auth, pm_wall_ns() / 1000000, "POST", KALSHI_ORDERS_PATH, &req.h, &err) ||
                  kalshi_order_body(&o, req.body, sizeof req.body, &err) < 0;
        fresh[i] = pm_mono_ns() - t0;
    }
    for (int i = 0; i < iterations; i++) {
        int64_t t0 = pm_mono_ns();
        failed |= kalshi_presign_get(&ps, pm_wall_ns() / 1000000, 60000, &req.h) ||
                  kalshi_order_body(&o, req.body, sizeof req.body, &err) < 0;
        prepared[i] = pm_mono_ns() - t0;
    }
    kalshi_auth_free(auth);
    figures f = summarize(fresh, iterations), p = summarize(prepared, iterations);
    free(fresh);
    free(prepared);
    if (failed) return pm_cli_fail("building a request failed: %s", err.msg);
    if (json) {
        printf("{\"iterations\":%d,\"fresh_signature\":{\"p50_ns\":%lld,\"p99_ns\":%lld,\"mean_ns\":%lld},"
               "\"prepared_signature\":{\"p50_ns\":%lld,\"p99_ns\":%lld,\"mean_ns\":%lld}}\n",
               iterations, (long long)f.p50, (long long)f.p99, (long long)f.mean, (long long)p.p50, (long long)p.p99,
               (long long)p.mean);
    } else {
        printf("authenticated Kalshi order request (headers + V2 body), %d iterations, RSA-2048\n", iterations);
        printf("  fresh RSA-PSS signature : p50 %8.1f us  p99 %8.1f us  mean %8.1f us\n", f.p50 / 1e3, f.p99 / 1e3, f.mean / 1e3);
        printf("  prepared signature      : p50 %8.1f us  p99 %8.1f us  mean %8.1f us\n", p.p50 / 1e3, p.p99 / 1e3, p.mean / 1e3);
    }
    return PM_EXIT_OK;
}

int pm_cmd_kalshi(pm_cli *cli, int argc, char **argv) {
    (void)cli;
    if (pm_cli_wants_help(argc, argv)) {
        fputs(usage, stdout);
        return PM_EXIT_OK;
    }
    if (argc >= 2 && !strcmp(argv[1], "sign")) return cmd_sign(argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "bench-auth")) return cmd_bench(argc - 1, argv + 1);
    return pm_cli_usage_error("kalshi", argc < 2 ? "missing subcommand" : "unknown subcommand '%s'", argv[1]);
}
