/* cmd_poly_sign.c — `pmarb polymarket sign-order` (the signed /order body pmarb would POST, plus
 * its EIP-712 hash; nothing is sent) and `pmarb polymarket bench-sign` (what building and signing
 * one order costs, with a throwaway key). */
#include "cli/cli.h"
#include "config/secrets.h"
#include "util/clock.h"
#include "util/stats.h"
#include "venue/polymarket/eip712.h"
#include "venue/polymarket/order_build.h"

#include <ctype.h>
#include <getopt.h>
#include <stdarg.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char sign_usage[] =
    "usage: pmarb polymarket sign-order --token-id ID --side buy|sell --price P --size S --tick-size T\n"
    "         [--amount A] [--order-type GTC|GTD|FOK|FAK] [--expiration UNIX_S] [--neg-risk]\n"
    "         [--exchange-version 2|3] [--timestamp-ms MS] [--salt N] [--signature-type 0|1|2|3]\n"
    "         [--funder ADDR] [--builder BYTES32] [--metadata BYTES32] [--post-only] [--defer-exec]\n\n"
    "Prints, as one JSON line, the body pmarb would POST to /order — the official V2 client's fields,\n"
    "order and formats — plus \"hash\", the order's EIP-712 hash (the venue's orderID). Sends nothing.\n"
    "  --size S        shares (limit orders, and FOK/FAK SELL); --amount A: collateral for a FOK/FAK BUY\n"
    "  --price P       limit price, a multiple of --tick-size T (0.1 0.01 0.005 0.0025 0.001 0.0001)\n"
    "  --order-type    GTC (default), GTD (needs --expiration), FOK, FAK\n"
    "  --neg-risk      the market is neg-risk (V2 Neg Risk CTF Exchange)\n"
    "  --exchange-version 2 (default) or 3 (ExchangeV3, markets whose Gamma version is \"v2\")\n"
    "  --timestamp-ms  signed creation time (default now); --salt N (default random, below 2^53)\n"
    "  --signature-type, --funder override [polymarket] signature_type and POLY_FUNDER\n"
    "The key is POLY_PRIVATE_KEY; the chain is [polymarket] chain_id; \"owner\" is POLY_API_KEY, or \"\"\n"
    "when it is unset (as the official client does without credentials: the venue would refuse it).\n";

static const char bench_usage[] =
    "usage: pmarb polymarket bench-sign [--iterations N] [--json]\n\n"
    "Builds N orders (default 20000; BUY 21.04 @ 0.56 on a 0.01 tick, EOA, V2 exchange, a fresh salt\n"
    "and timestamp each): amounts, struct hash, EIP-712 hash, secp256k1 signature and /order body, with\n"
    "a throwaway key; prints p50, p99 and mean per order signed deterministically (RFC 6979, the\n"
    "official client's bytes) and with prepared nonces (the order path's mode), then the deterministic\n"
    "signature alone and the cost of preparing one nonce.\n";

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return pm_cli_usage_error("polymarket sign-order", "%s", msg);
}

static int parse_int(const char *s, int64_t min, int64_t max, int64_t *out) {
    static const pm_decimal_spec spec = {0, 0, 0, 0, INT64_MAX, "integer"};
    int64_t v;
    if (pm_decimal_parse(s, strlen(s), &spec, &v, NULL) || v < min || v > max || strchr(s, '.')) return -1;
    *out = v;
    return 0;
}

static int parse_fixed(const char *s, int64_t *out) {
    static const pm_decimal_spec spec = {6, 6, 0, 0, INT64_MAX, "value"};
    return pm_decimal_parse(s, strlen(s), &spec, out, NULL);
}

int pm_cmd_poly_sign_order(pm_cli *cli, int argc, char **argv) {
    enum { O_TOKEN = 1, O_SIDE, O_PRICE, O_SIZE, O_AMOUNT, O_TICK, O_NEG, O_VERSION, O_TS, O_EXP, O_SALT, O_SIGTYPE,
           O_FUNDER, O_BUILDER, O_META, O_TYPE, O_POST, O_DEFER, O_HELP };
    static const struct option opts[] = {
        {"token-id", required_argument, NULL, O_TOKEN},       {"side", required_argument, NULL, O_SIDE},
        {"price", required_argument, NULL, O_PRICE},          {"size", required_argument, NULL, O_SIZE},
        {"amount", required_argument, NULL, O_AMOUNT},        {"tick-size", required_argument, NULL, O_TICK},
        {"neg-risk", no_argument, NULL, O_NEG},               {"exchange-version", required_argument, NULL, O_VERSION},
        {"timestamp-ms", required_argument, NULL, O_TS},      {"expiration", required_argument, NULL, O_EXP},
        {"salt", required_argument, NULL, O_SALT},            {"signature-type", required_argument, NULL, O_SIGTYPE},
        {"funder", required_argument, NULL, O_FUNDER},        {"builder", required_argument, NULL, O_BUILDER},
        {"metadata", required_argument, NULL, O_META},        {"order-type", required_argument, NULL, O_TYPE},
        {"post-only", no_argument, NULL, O_POST},             {"defer-exec", no_argument, NULL, O_DEFER},
        {"help", no_argument, NULL, O_HELP},                  {NULL, 0, NULL, 0},
    };
    poly_order_params p;
    poly_order_params_init(&p);
    int have_side = 0, have_price = 0, have_tick = 0, sig_type = -1;
    const char *funder = NULL;
    uint8_t builder[32], metadata[32];
    int64_t v;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case O_TOKEN: p.token_id = optarg; break;
        case O_SIDE: {
            char low[8] = {0};
            for (size_t i = 0; optarg[i] && i < sizeof low - 1; i++) low[i] = (char)tolower((unsigned char)optarg[i]);
            if (pm_side_parse(low, &p.side)) return usage_error("--side must be buy or sell, not '%s'", optarg);
            have_side = 1;
            break;
        }
        case O_PRICE:
            if (pm_px_parse(optarg, strlen(optarg), &p.price, NULL)) return usage_error("--price '%s' is not a price 0..1", optarg);
            have_price = 1;
            break;
        case O_SIZE:
            if (parse_fixed(optarg, &p.size) || p.size <= 0) return usage_error("--size '%s' is not a positive decimal", optarg);
            break;
        case O_AMOUNT:
            if (parse_fixed(optarg, &p.amount) || p.amount <= 0)
                return usage_error("--amount '%s' is not a positive decimal", optarg);
            break;
        case O_TICK:
            if (pm_px_parse(optarg, strlen(optarg), &p.tick, NULL)) return usage_error("--tick-size '%s' is not a price", optarg);
            have_tick = 1;
            break;
        case O_NEG: p.neg_risk = 1; break;
        case O_VERSION:
            if (parse_int(optarg, 2, 3, &v)) return usage_error("--exchange-version must be 2 or 3, not '%s'", optarg);
            p.exchange_version = (int)v;
            break;
        case O_TS:
            if (parse_int(optarg, 1, INT64_MAX, &p.timestamp_ms)) return usage_error("--timestamp-ms '%s' is not a positive integer", optarg);
            break;
        case O_EXP:
            if (parse_int(optarg, 0, INT64_MAX, &p.expiration)) return usage_error("--expiration '%s' is not unix seconds", optarg);
            break;
        case O_SALT:
            if (parse_int(optarg, 0, (int64_t)POLY_SALT_MAX, &v)) return usage_error("--salt '%s' is not an integer below 2^53", optarg);
            p.salt = (uint64_t)v;
            break;
        case O_SIGTYPE:
            if (parse_int(optarg, 0, 3, &v)) return usage_error("--signature-type must be 0, 1, 2 or 3, not '%s'", optarg);
            sig_type = (int)v;
            break;
        case O_FUNDER: funder = optarg; break;
        case O_BUILDER:
            if (poly_parse_bytes32(optarg, builder, NULL)) return usage_error("--builder '%s' is not 0x + 64 hex digits", optarg);
            p.builder = builder;
            break;
        case O_META:
            if (poly_parse_bytes32(optarg, metadata, NULL)) return usage_error("--metadata '%s' is not 0x + 64 hex digits", optarg);
            p.metadata = metadata;
            break;
        case O_TYPE: {
            char up[8] = {0};
            for (size_t i = 0; optarg[i] && i < sizeof up - 1; i++) up[i] = (char)toupper((unsigned char)optarg[i]);
            if (strlen(optarg) >= sizeof up || poly_order_type_parse(up, &p.order_type))
                return usage_error("--order-type must be GTC, GTD, FOK or FAK, not '%s'", optarg);
            break;
        }
        case O_POST: p.post_only = 1; break;
        case O_DEFER: p.defer_exec = 1; break;
        case O_HELP:
        case 'h': fputs(sign_usage, stdout); return PM_EXIT_OK;
        default: return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return usage_error("unexpected argument '%s'", argv[optind]);
    if (!p.token_id || !have_side || !have_price || !have_tick || (!p.size && !p.amount))
        return pm_cli_usage_error("polymarket sign-order", "--token-id, --side, --price, --tick-size and --size (or --amount) are required");
    poly_amounts amounts;
    pm_err err;
    if (poly_order_check(&p, &amounts, &err)) return pm_cli_usage_error("polymarket sign-order", "%s", err.msg);

    const pm_config *cfg = pm_cli_config(cli);
    if (!cfg) return PM_EXIT_USAGE;
    pm_secrets sec;
    pm_secrets_load(&sec);
    const char *key = sec.value[PM_SECRET_POLY_PRIVATE_KEY];
    if (!key) return pm_cli_usage_error("polymarket sign-order", "set POLY_PRIVATE_KEY (0x + 64 hex digits) to sign");
    poly_wallet *w;
    if (poly_wallet_new(key, &w, &err)) return pm_cli_usage_error("polymarket sign-order", "%s", err.msg);
    const char *owner = sec.value[PM_SECRET_POLY_API_KEY];
    if (!owner) fputs("pmarb polymarket sign-order: POLY_API_KEY is unset: \"owner\" is empty\n", stderr);
    poly_builder_config bc = {w, sig_type >= 0 ? sig_type : cfg->polymarket.signature_type,
                              funder ? funder : sec.value[PM_SECRET_POLY_FUNDER], (uint64_t)cfg->polymarket.chain_id, owner};
    poly_order_builder b;
    if (poly_builder_init(&b, &bc, &err)) {
        poly_wallet_free(w);
        return pm_cli_usage_error("polymarket sign-order", "%s", err.msg);
    }
    poly_signed_order so;
    char body[POLY_ORDER_BODY_MAX], hash[67];
    int len = poly_order_sign(&b, &p, &so, &err) ? -1 : poly_order_body(&b, &p, &so, body, sizeof body, &err);
    poly_wallet_free(w);
    if (len < 0) return pm_cli_fail("signing the order failed: %s", err.msg);
    poly_hex(so.hash, 32, hash);
    printf("%.*s,\"hash\":\"%s\"}\n", len - 1, body, hash); /* the body's members, then the hash */
    return PM_EXIT_OK;
}

static int throwaway_wallet(poly_wallet **w, pm_err *err) {
    for (int tries = 0; tries < 8; tries++) {
        uint8_t k[32];
        char hex[67];
        if (RAND_bytes(k, sizeof k) != 1) return pm_err_set(err, "the CSPRNG (RAND_bytes) failed");
        poly_hex(k, sizeof k, hex);
        int rc = poly_wallet_new(hex, w, err);
        OPENSSL_cleanse(k, sizeof k);
        OPENSSL_cleanse(hex, sizeof hex);
        if (!rc) return 0;
    }
    return -1;
}

/* Times n orders through b (fresh timestamp each, random salts); with prepared nonces the pool is
 * topped up between orders, outside the timed part. */
static int time_orders(poly_order_builder *b, poly_order_params *p, int n, int64_t *ns, pm_err *err) {
    static poly_signed_order so;
    static char body[POLY_ORDER_BODY_MAX];
    for (int i = 0; i < n; i++) {
        if (b->prepared_nonces && poly_wallet_prepared(b->wallet) == 0 && poly_wallet_prepare(b->wallet, POLY_PREPARED_MAX, err))
            return -1;
        int64_t t0 = pm_mono_ns();
        p->timestamp_ms = pm_wall_ns() / 1000000;
        if (poly_order_sign(b, p, &so, err) || poly_order_body(b, p, &so, body, sizeof body, err) < 0) return -1;
        ns[i] = pm_mono_ns() - t0;
    }
    return 0;
}

static void print_figures(const char *name, pm_latency f) {
    printf("  %-34s: p50 %7.1f us  p99 %7.1f us  mean %7.1f us\n", name, f.p50 / 1e3, f.p99 / 1e3, f.mean / 1e3);
}

static void json_figures(const char *name, pm_latency f, const char *sep) {
    printf("\"%s\":{\"p50_ns\":%lld,\"p99_ns\":%lld,\"mean_ns\":%lld}%s", name, (long long)f.p50, (long long)f.p99,
           (long long)f.mean, sep);
}

int pm_cmd_poly_bench_sign(pm_cli *cli, int argc, char **argv) {
    (void)cli;
    int iterations = 20000, json = 0;
    for (int i = 1; i < argc; i++) {
        int64_t v;
        if (!strcmp(argv[i], "--json")) json = 1;
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) return fputs(bench_usage, stdout), PM_EXIT_OK;
        else if (!strcmp(argv[i], "--iterations") && i + 1 < argc && !parse_int(argv[i + 1], 10, 10000000, &v)) {
            iterations = (int)v;
            i++;
        } else return pm_cli_usage_error("polymarket bench-sign", "unknown or bad argument '%s' (--iterations takes 10..10000000)", argv[i]);
    }
    pm_err err;
    poly_wallet *w;
    if (throwaway_wallet(&w, &err)) return pm_cli_fail("%s", err.msg);
    poly_builder_config bc = {w, 0, NULL, 137, "00000000-0000-4000-8000-000000000000", 0};
    poly_order_builder det, prep;
    bc.prepared_nonces = 1;
    int rc = poly_builder_init(&prep, &bc, &err);
    bc.prepared_nonces = 0;
    if (rc || poly_builder_init(&det, &bc, &err)) {
        poly_wallet_free(w);
        return pm_cli_fail("%s", err.msg);
    }
    poly_order_params p;
    poly_order_params_init(&p);
    p.token_id = "71321045679252212594626385532706912750332728571942532289631379312455583992563";
    p.side = PM_SIDE_BUY;
    p.price = 560000;
    p.size = 21040000;
    p.tick = 10000;
    int64_t *full = calloc((size_t)iterations, sizeof *full), *fast = calloc((size_t)iterations, sizeof *fast),
            *sig = calloc((size_t)iterations, sizeof *sig), *nonce = calloc((size_t)POLY_PREPARED_MAX, sizeof *nonce);
    int failed = !full || !fast || !sig || !nonce;
    if (failed) pm_err_set(&err, "out of memory");
    failed = failed || time_orders(&det, &p, iterations, full, &err) || time_orders(&prep, &p, iterations, fast, &err);
    uint8_t digest[32] = {0x5a}, out[65];
    for (int i = 0; !failed && i < iterations; i++) {
        digest[i % 32] ^= (uint8_t)i; /* a different digest each time */
        int64_t t0 = pm_mono_ns();
        failed |= poly_wallet_sign(w, digest, out, &err);
        sig[i] = pm_mono_ns() - t0;
    }
    for (int i = 0; !failed && i < POLY_PREPARED_MAX; i++) { /* the cost of preparing one nonce, off the hot path */
        while (poly_wallet_prepared(w) > 0) failed |= poly_wallet_sign_prepared(w, digest, out, &err);
        int64_t t0 = pm_mono_ns();
        failed |= poly_wallet_prepare(w, 1, &err);
        nonce[i] = pm_mono_ns() - t0;
    }
    poly_wallet_free(w);
    pm_latency f = {0}, q = {0}, s = {0}, k = {0};
    if (!failed) {
        f = pm_latency_summarize(full, iterations), q = pm_latency_summarize(fast, iterations);
        s = pm_latency_summarize(sig, iterations), k = pm_latency_summarize(nonce, POLY_PREPARED_MAX);
    }
    free(full);
    free(fast);
    free(sig);
    free(nonce);
    if (failed) return pm_cli_fail("building an order failed: %s", err.msg);
    if (json) {
        printf("{\"iterations\":%d,", iterations);
        json_figures("build_sign", f, ",");
        json_figures("build_sign_prepared", q, ",");
        json_figures("signature_only", s, ",");
        json_figures("prepare_nonce", k, "}\n");
    } else {
        printf("Polymarket order: amounts, EIP-712 hash, signature, /order body (EOA, V2 exchange), %d iterations\n", iterations);
        print_figures("deterministic (RFC 6979) signature", f);
        print_figures("prepared nonce", q);
        print_figures("RFC 6979 signature alone", s);
        print_figures("preparing one nonce (off the path)", k);
    }
    return PM_EXIT_OK;
}
