/* cmd_kalshi.c — `pmarb kalshi …`: Kalshi debugging aids.
 *   sign        the three auth headers for a request, from the user's key (to debug a 401)
 *   bench-auth  what an authenticated order request costs to build, signing on the spot versus
 *               with a prepared signature, measured with a throwaway key */
#include "cli/cli.h"
#include "cli/render.h"
#include "config/secrets.h"
#include "util/clock.h"
#include "util/stats.h"
#include "venue/kalshi/auth.h"
#include "venue/kalshi/feed.h"
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
    "       pmarb kalshi bench-auth [--iterations N] [--json]\n"
    "       pmarb kalshi bench-feed [--messages N] [--markets M] [--json]\n\n"
    "sign: prints {\"KALSHI-ACCESS-KEY\", \"KALSHI-ACCESS-TIMESTAMP\", \"KALSHI-ACCESS-SIGNATURE\"} for\n"
    "  METHOD and PATH (e.g. GET /trade-api/v2/portfolio/balance; a query string is not signed),\n"
    "  using KALSHI_API_KEY_ID and the key file in KALSHI_PRIVATE_KEY_PATH (must be chmod 600).\n"
    "  The timestamp defaults to now, in milliseconds. Nothing is sent.\n"
    "bench-auth: builds N authenticated order requests (default 2000) with a fresh RSA-PSS\n"
    "  signature each, and N with a prepared one, using a throwaway RSA-2048 key; prints the\n"
    "  per-request cost (p50, p99, mean) of both.\n"
    "bench-feed: runs generated orderbook frames (a snapshot per market, then N deltas, default\n"
    "  1,000,000, over M markets, default 1000) through the Kalshi feed — parse, sequence check,\n"
    "  book update — on one core, and prints messages/s and per-message latency.\n";

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
    pm_latency f = pm_latency_summarize(fresh, iterations), p = pm_latency_summarize(prepared, iterations);
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

/* Frames for the feed benchmark: realistic shapes, prices walking on a cent grid. */
static char *bench_frames(int markets, int deltas, size_t **offsets) {
    size_t cap = (size_t)(markets + deltas) * 400 + 4096, pos = 0; /* frames are under 400 bytes */
    char *buf = malloc(cap);
    *offsets = malloc((size_t)(markets + deltas + 1) * sizeof **offsets);
    uint64_t rng = 88172645463325252ULL;
    int64_t seq = 1;
    for (int i = 0; i < markets + deltas; i++) {
        (*offsets)[i] = pos;
        if (i < markets) {
            pos += (size_t)snprintf(buf + pos, cap - pos,
                                    "{\"type\":\"orderbook_snapshot\",\"sid\":1,\"seq\":%lld,\"msg\":{\"market_ticker\":"
                                    "\"KXBENCH-%05d\",\"market_id\":\"9b0f6b43-5b68-4f9f-9f02-9a2d1b8ac1a1\",\"yes_dollars_fp\":"
                                    "[[\"0.4000\",\"300.00\"],[\"0.4100\",\"120.00\"],[\"0.4200\",\"50.00\"]],\"no_dollars_fp\":"
                                    "[[\"0.5400\",\"20.00\"],[\"0.5500\",\"146.00\"],[\"0.5600\",\"75.00\"]]}}",
                                    (long long)seq++, i);
        } else {
            /* pairs of deltas: +10 at a random level, then −10 at the same level, so the
             * stream stays consistent however long it runs */
            static int m, lvl, yes;
            int add = (i - markets) % 2 == 0;
            if (add) {
                rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
                m = (int)(rng % (uint64_t)markets), lvl = (int)((rng >> 20) % 8), yes = (int)((rng >> 30) & 1);
            }
            pos += (size_t)snprintf(buf + pos, cap - pos,
                                    "{\"type\":\"orderbook_delta\",\"sid\":1,\"seq\":%lld,\"msg\":{\"market_ticker\":"
                                    "\"KXBENCH-%05d\",\"market_id\":\"9b0f6b43-5b68-4f9f-9f02-9a2d1b8ac1a1\",\"price_dollars\":"
                                    "\"0.%02d00\",\"delta_fp\":\"%s\",\"side\":\"%s\",\"ts_ms\":1787838983996}}",
                                    (long long)seq++, m, (yes ? 36 : 50) + lvl, add ? "10.00" : "-10.00",
                                    yes ? "yes" : "no");
        }
    }
    (*offsets)[markets + deltas] = pos;
    return buf;
}

static int cmd_bench_feed(int argc, char **argv) {
    int messages = 1000000, markets = 1000, json = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) json = 1;
        else if (!strcmp(argv[i], "--messages") && i + 1 < argc) messages = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--markets") && i + 1 < argc) markets = atoi(argv[++i]);
        else return pm_cli_usage_error("kalshi", "unknown argument '%s'", argv[i]);
    }
    if (messages < 100 || messages > 50000000 || markets < 1 || markets > 100000)
        return pm_cli_usage_error("kalshi", "--messages must be 100..50000000 and --markets 1..100000");
    char **tickers = calloc((size_t)markets, sizeof *tickers);
    for (int i = 0; i < markets; i++) {
        tickers[i] = malloc(24);
        snprintf(tickers[i], 24, "KXBENCH-%05d", i);
    }
    pm_err err;
    kalshi_feed *f = kalshi_feed_new((const char *const *)tickers, (size_t)markets, 0, &err);
    for (int i = 0; i < markets; i++) free(tickers[i]);
    free(tickers);
    if (!f) return pm_cli_fail("%s", err.msg);
    kalshi_feed_connected(f, 0);
    size_t len;
    while (kalshi_feed_next_command(f, &len)) {
    }
    kalshi_feed_result r;
    const char *sub = "{\"type\":\"subscribed\",\"id\":1,\"msg\":{\"channel\":\"orderbook_delta\",\"sid\":1}}";
    kalshi_feed_frame(f, sub, strlen(sub), 0, &r);
    size_t *off;
    char *frames = bench_frames(markets, messages, &off);
    int total = markets + messages;
    int64_t *lat = malloc((size_t)total * sizeof *lat);
    int64_t start = pm_mono_ns();
    for (int i = 0; i < total; i++) {
        int64_t t0 = pm_mono_ns();
        kalshi_feed_frame(f, frames + off[i], off[i + 1] - off[i], t0, &r);
        lat[i] = pm_mono_ns() - t0;
    }
    int64_t elapsed = pm_mono_ns() - start;
    kalshi_feed_stats st;
    kalshi_feed_get_stats(f, &st);
    kalshi_feed_free(f);
    free(frames);
    free(off);
    pm_latency q = pm_latency_summarize(lat, total);
    free(lat);
    double rate = (double)total * 1e9 / (double)elapsed;
    if (st.book_updates != (uint64_t)total || st.gaps || st.malformed)
        return pm_cli_fail("benchmark stream was not applied cleanly (%llu of %d updates, %llu gaps, %llu malformed)",
                           (unsigned long long)st.book_updates, total, (unsigned long long)st.gaps,
                           (unsigned long long)st.malformed);
    if (json)
        printf("{\"messages\":%d,\"markets\":%d,\"msgs_per_s\":%.0f,\"p50_ns\":%lld,\"p99_ns\":%lld,\"p999_ns\":%lld}\n",
               total, markets, rate, (long long)q.p50, (long long)q.p99, (long long)q.p999);
    else
        printf("Kalshi feed (parse + seq + book), %d messages over %d markets, one core:\n"
               "  %.0f messages/s   p50 %lld ns   p99 %lld ns   p99.9 %lld ns\n",
               total, markets, rate, (long long)q.p50, (long long)q.p99, (long long)q.p999);
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
    if (argc >= 2 && !strcmp(argv[1], "bench-feed")) return cmd_bench_feed(argc - 1, argv + 1);
    return pm_cli_usage_error("kalshi", argc < 2 ? "missing subcommand" : "unknown subcommand '%s'", argv[1]);
}
