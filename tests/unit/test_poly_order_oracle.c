/* test_poly_order_oracle.c — differential tests of Polymarket order signing and L2 HMAC against
 * the official @polymarket/clob-client-v2 (1.1.0), run by node from tests/oracle/poly_orders.mjs.
 *
 * Orders: 300 seeded random orders (random keys, token ids up to 77 digits, every tick size,
 * prices across the whole grid, sizes and amounts with and without extra decimals, both sides,
 * neg-risk on and off, exchange versions 2 and 3, signature types 0–3 with funders, builder
 * codes, metadata, GTC/GTD/FOK/FAK, postOnly, deferExec, chains 137 and 80002, with and without an
 * API key) built by pmarb's C API and by the client's public createOrder / createMarketOrder +
 * postOrder path: maker and taker amounts, hash, signature, the exact /order body and the L2
 * POLY_SIGNATURE over it must be identical. The one deliberate deviation (amounts.h: a market
 * BUY's taker cut to the venue's 4 decimals) is asserted exactly — the client's taker has more
 * than 4 decimals and pmarb's is it truncated — and those orders are checked in full against the
 * client's lower-level ExchangeOrderBuilder with pmarb's amounts. A handful of orders also go
 * through `pmarb polymarket sign-order`.
 * HMAC: 300 random secrets, timestamps, methods, paths and bodies through createL2Headers.
 * Prepared nonces: 120 orders signed the order path's way, verified by ethers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "venue/polymarket/eip712.h"
#include "venue/polymarket/l2auth.h"
#include "venue/polymarket/order_build.h"

#define ORDERS 300
#define CLI_ORDERS 8
#define HMACS 300

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t rnd(void) { /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}

static uint64_t below(uint64_t n) { return rnd() % n; }

static void rnd_bytes(uint8_t *b, size_t n) {
    for (size_t i = 0; i < n; i++) b[i] = (uint8_t)rnd();
}

static char *oracle_script(void) {
    char *modules = pm_test_source_path("tests/oracle/node_modules/@polymarket/clob-client-v2");
    if (access(modules, R_OK) != 0) fail_msg("%s is missing: run `make deps` (npm install in tests/oracle)", modules);
    free(modules);
    return pm_test_source_path("tests/oracle/poly_orders.mjs");
}

/* Runs the oracle on a file of JSON lines; returns its output lines as a JSON array. */
static json_t *run_oracle(const char *op, const char *dir, json_t *cases) {
    char *path = pm_test_path(dir, op);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    size_t i;
    json_t *c;
    json_array_foreach(cases, i, c) {
        char *line = json_dumps(c, JSON_COMPACT | JSON_PRESERVE_ORDER);
        fprintf(f, "%s\n", line);
        free(line);
    }
    fclose(f);
    char *script = oracle_script();
    pm_test_run_result r = pm_test_exec(NULL, NULL, "node", (const char *const[]){"node", script, op, path, NULL});
    if (r.status != 0) fail_msg("oracle failed (%d): %s", r.status, r.err);
    json_t *out = json_array();
    for (char *line = strtok(r.out, "\n"); line; line = strtok(NULL, "\n")) {
        json_error_t je;
        json_t *v = json_loads(line, 0, &je);
        if (!v) fail_msg("oracle printed a line that is not JSON: %.200s", line);
        json_array_append_new(out, v);
    }
    assert_int_equal(json_array_size(out), json_array_size(cases));
    pm_test_run_free(&r);
    free(script);
    free(path);
    return out;
}

static const pm_px_t ticks[] = {100000, 10000, 5000, 2500, 1000, 100};
static const char *const tick_text[] = {"0.1", "0.01", "0.005", "0.0025", "0.001", "0.0001"};

/* One generated order: everything pmarb and the client need, and pmarb's results. */
typedef struct gen_order {
    char key[67], funder[43], token[80], owner[40], secret[48], size_text[PM_FIXED_BUF], price_text[PM_FIXED_BUF];
    uint8_t builder[32], metadata[32];
    int sig_type, has_builder, has_metadata;
    uint64_t chain;
    poly_order_params p;
    poly_signed_order so;
    char body[POLY_ORDER_BODY_MAX], hash[67], l2sig[POLY_L2_SIG_LEN];
} gen_order;

static void gen_key(char out[67]) {
    for (;;) {
        uint8_t k[32];
        rnd_bytes(k, 32);
        poly_hex(k, 32, out);
        poly_wallet *w;
        if (!poly_wallet_new(out, &w, NULL)) {
            poly_wallet_free(w);
            return;
        }
    }
}

static void gen_base64url(char *out, int pad) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (int i = 0; i < 43; i++) out[i] = alphabet[below(64) & (i == 42 ? 60 : 63)]; /* 32 bytes: last digit's low bits 0 */
    out[43] = pad ? '=' : '\0';
    out[44] = '\0';
}

static void gen_order_case(gen_order *g, int i) {
    memset(g, 0, sizeof *g);
    gen_key(g->key);
    g->chain = below(5) == 0 ? 80002 : 137;
    g->sig_type = (int)below(4);
    if (g->sig_type) {
        uint8_t a[20];
        rnd_bytes(a, 20);
        poly_hex(a, 20, g->funder); /* lower case: the oracle hands the client ethers' checksummed form */
    }
    int digits = 1 + (int)below(77);
    g->token[0] = (char)('1' + below(9));
    for (int d = 1; d < digits; d++) g->token[d] = (char)('0' + below(10));
    if (below(8)) snprintf(g->owner, sizeof g->owner, "%08llx-%04llx-4%03llx-8%03llx-%012llx", (unsigned long long)below(1ULL << 32),
                           (unsigned long long)below(1 << 16), (unsigned long long)below(1 << 12), (unsigned long long)below(1 << 12),
                           (unsigned long long)below(1ULL << 48));
    gen_base64url(g->secret, (int)below(2));
    poly_order_params *p = &g->p;
    poly_order_params_init(p);
    p->token_id = g->token;
    int t = i % 6; /* every tick equally */
    p->tick = ticks[t];
    int64_t steps = PM_PX_ONE / p->tick;
    p->price = p->tick * (1 + (int64_t)below((uint64_t)steps - 1));
    p->side = below(2) ? PM_SIDE_BUY : PM_SIDE_SELL;
    p->order_type = (poly_order_type)below(4);
    p->neg_risk = (int)below(2);
    p->exchange_version = 2 + (int)below(2);
    p->timestamp_ms = 1700000000000LL + (int64_t)below(200000000000ULL);
    p->salt = below(1ULL << 50);
    if (p->order_type == POLY_ORDER_GTD) p->expiration = p->timestamp_ms / 1000 + 60 + (int64_t)below(86400 * 30);
    if (p->order_type <= POLY_ORDER_GTD) p->post_only = below(3) == 0;
    p->defer_exec = below(4) == 0;
    int64_t quantity = PM_CENT * (1 + (int64_t)below(below(2) ? 1000000 : 5000)); /* 0.01 .. 10000.00 */
    if (below(4) == 0) quantity += (int64_t)below(PM_CENT);                     /* extra decimals: truncated */
    if ((p->order_type == POLY_ORDER_FOK || p->order_type == POLY_ORDER_FAK) && p->side == PM_SIDE_BUY) p->amount = quantity;
    else p->size = quantity;
    if ((g->has_builder = (int)below(2))) {
        rnd_bytes(g->builder, 32);
        p->builder = g->builder;
    }
    if ((g->has_metadata = below(5) == 0)) {
        rnd_bytes(g->metadata, 32);
        p->metadata = g->metadata;
    }
    pm_fixed_format_exact(quantity, 0, g->size_text, sizeof g->size_text);
    pm_fixed_format_exact(p->price, 1, g->price_text, sizeof g->price_text);
}

static void sign_with_pmarb(gen_order *g, int prepared) {
    poly_wallet *w;
    pm_err err;
    assert_int_equal(poly_wallet_new(g->key, &w, &err), 0);
    if (prepared) assert_int_equal(poly_wallet_prepare(w, 1, &err), 0);
    poly_builder_config bc = {w, g->sig_type, g->sig_type ? g->funder : NULL, g->chain, g->owner, prepared};
    poly_order_builder b;
    if (poly_builder_init(&b, &bc, &err)) fail_msg("builder: %s", err.msg);
    if (poly_order_sign(&b, &g->p, &g->so, &err)) fail_msg("sign: %s", err.msg);
    assert_true(poly_order_body(&b, &g->p, &g->so, g->body, sizeof g->body, &err) > 0);
    poly_hex(g->so.hash, 32, g->hash);
    char ts[24];
    snprintf(ts, sizeof ts, "%lld", (long long)(g->so.timestamp_ms / 1000));
    assert_int_equal(poly_l2_signature(g->secret, ts, "POST", "/order", g->body, g->l2sig, &err), 0);
    assert_int_equal(poly_wallet_prepared(w), 0); /* the prepared nonce, if any, was the one used */
    poly_wallet_free(w);
}

static json_t *hex_or_zero(const uint8_t *b, int present) {
    char hex[67];
    static const uint8_t zero[32];
    poly_hex(present ? b : zero, 32, hex);
    return json_string(hex);
}

static json_t *case_json(const gen_order *g, int id) {
    const poly_order_params *p = &g->p;
    char n[24];
    json_t *c = json_object();
    json_object_set_new(c, "id", json_integer(id));
    json_object_set_new(c, "key", json_string(g->key));
    json_object_set_new(c, "chainId", json_integer((json_int_t)g->chain));
    json_object_set_new(c, "signatureType", json_integer(g->sig_type));
    json_object_set_new(c, "funder", g->sig_type ? json_string(g->funder) : json_null());
    json_object_set_new(c, "owner", json_string(g->owner));
    json_object_set_new(c, "secret", json_string(g->secret));
    json_object_set_new(c, "passphrase", json_string("passphrase"));
    json_object_set_new(c, "tokenId", json_string(g->token));
    json_object_set_new(c, "side", json_string(p->side == PM_SIDE_BUY ? "BUY" : "SELL"));
    json_object_set_new(c, "price", json_string(g->price_text));
    json_object_set_new(c, "sizeOrAmount", json_string(g->size_text));
    for (int t = 0; t < 6; t++)
        if (ticks[t] == p->tick) json_object_set_new(c, "tickSize", json_string(tick_text[t]));
    json_object_set_new(c, "negRisk", json_boolean(p->neg_risk));
    json_object_set_new(c, "version", json_integer(p->exchange_version));
    json_object_set_new(c, "orderType", json_string(poly_order_type_name(p->order_type)));
    snprintf(n, sizeof n, "%lld", (long long)p->expiration);
    json_object_set_new(c, "expiration", json_string(n));
    json_object_set_new(c, "timestampMs", json_integer(p->timestamp_ms));
    json_object_set_new(c, "salt", json_integer((json_int_t)p->salt));
    json_object_set_new(c, "builder", hex_or_zero(g->builder, g->has_builder));
    json_object_set_new(c, "metadata", hex_or_zero(g->metadata, g->has_metadata));
    json_object_set_new(c, "postOnly", json_boolean(p->post_only));
    json_object_set_new(c, "deferExec", json_boolean(p->defer_exec));
    snprintf(n, sizeof n, "%lld", (long long)g->so.amounts.maker_amount);
    json_object_set_new(c, "pmarbMakerAmount", json_string(n));
    snprintf(n, sizeof n, "%lld", (long long)g->so.amounts.taker_amount);
    json_object_set_new(c, "pmarbTakerAmount", json_string(n));
    return c;
}

static const char *str_at(json_t *o, const char *a, const char *b) {
    json_t *v = json_object_get(json_object_get(o, a), b);
    if (!json_is_string(v)) fail_msg("oracle result has no %s.%s: %s", a, b, json_dumps(o, 0));
    return json_string_value(v);
}

/* The sign-order command for g, in dir (pmarb.ini there sets the chain). */
static void check_cli(const gen_order *g, const char *dir, const char *want_body, const char *want_hash) {
    char ini[64];
    snprintf(ini, sizeof ini, "[polymarket]\nchain_id = %llu\n", (unsigned long long)g->chain);
    char *ini_path = pm_test_path(dir, "pmarb.ini");
    pm_test_write_file(ini_path, ini, 0644);
    const poly_order_params *p = &g->p;
    char env_key[96], env_owner[64], ts[24], salt[24], exp[24], sig_type[4], builder[67], metadata[67];
    snprintf(env_key, sizeof env_key, "POLY_PRIVATE_KEY=%s", g->key);
    snprintf(env_owner, sizeof env_owner, "POLY_API_KEY=%s", g->owner);
    snprintf(ts, sizeof ts, "%lld", (long long)p->timestamp_ms);
    snprintf(salt, sizeof salt, "%llu", (unsigned long long)p->salt);
    snprintf(exp, sizeof exp, "%lld", (long long)p->expiration);
    snprintf(sig_type, sizeof sig_type, "%d", g->sig_type);
    poly_hex(g->builder, 32, builder);
    poly_hex(g->metadata, 32, metadata);
    const char *args[48];
    int n = 0;
    const char *market_buy = (p->order_type >= POLY_ORDER_FOK && p->side == PM_SIDE_BUY) ? "--amount" : "--size";
    const char *fixed[] = {"polymarket", "sign-order", "--token-id", g->token, "--side", p->side == PM_SIDE_BUY ? "buy" : "sell",
                           "--price", g->price_text, market_buy, g->size_text, "--tick-size", NULL};
    for (int i = 0; fixed[i]; i++) args[n++] = fixed[i];
    for (int t = 0; t < 6; t++)
        if (ticks[t] == p->tick) args[n++] = tick_text[t];
    args[n++] = "--order-type", args[n++] = poly_order_type_name(p->order_type);
    args[n++] = "--exchange-version", args[n++] = p->exchange_version == 3 ? "3" : "2";
    args[n++] = "--timestamp-ms", args[n++] = ts;
    args[n++] = "--salt", args[n++] = salt;
    args[n++] = "--signature-type", args[n++] = sig_type;
    if (p->expiration) args[n++] = "--expiration", args[n++] = exp;
    if (p->neg_risk) args[n++] = "--neg-risk";
    if (g->sig_type) args[n++] = "--funder", args[n++] = g->funder;
    if (g->has_builder) args[n++] = "--builder", args[n++] = builder;
    if (g->has_metadata) args[n++] = "--metadata", args[n++] = metadata;
    if (p->post_only) args[n++] = "--post-only";
    if (p->defer_exec) args[n++] = "--defer-exec";
    args[n] = NULL;
    const char *env[] = {env_key, env_owner, NULL};
    pm_test_run_result r = pm_test_run(dir, env, args);
    if (r.status != 0) fail_msg("sign-order exited %d: %s", r.status, r.err);
    /* stdout = the body's members, then "hash" */
    char want[POLY_ORDER_BODY_MAX + 100];
    snprintf(want, sizeof want, "%.*s,\"hash\":\"%s\"}\n", (int)strlen(want_body) - 1, want_body, want_hash);
    assert_string_equal(r.out, want);
    assert_null(strstr(r.out, g->key + 2)); /* the key itself is never printed */
    pm_test_run_free(&r);
    free(ini_path);
}

static void test_orders_against_client(void **state) {
    (void)state;
    static gen_order g[ORDERS];
    json_t *cases = json_array();
    for (int i = 0; i < ORDERS; i++) {
        gen_order_case(&g[i], i);
        sign_with_pmarb(&g[i], 0);
        json_array_append_new(cases, case_json(&g[i], i));
    }
    char *dir = pm_test_tmpdir();
    json_t *out = run_oracle("orders", dir, cases);
    int identical = 0, trimmed = 0, cli = 0, per_tick[6] = {0}, per_type[4] = {0}, per_sig[4] = {0}, v3 = 0, neg = 0;
    for (int i = 0; i < ORDERS; i++) {
        json_t *o = json_array_get(out, (size_t)i);
        json_t *client = json_object_get(o, "client");
        if (json_object_get(client, "error"))
            fail_msg("case %d: the client refused it: %s", i, json_string_value(json_object_get(client, "error")));
        char maker[24], taker[24];
        snprintf(maker, sizeof maker, "%lld", (long long)g[i].so.amounts.maker_amount);
        snprintf(taker, sizeof taker, "%lld", (long long)g[i].so.amounts.taker_amount);
        assert_string_equal(str_at(o, "client", "makerAmount"), maker);
        assert_string_equal(str_at(o, "client", "endpoint"), "/order");
        /* the client's lower-level builder with pmarb's amounts: always byte-identical */
        assert_string_equal(str_at(o, "fromAmounts", "body"), g[i].body);
        assert_string_equal(str_at(o, "fromAmounts", "hash"), g[i].hash);
        if (g[i].so.amounts.taker_trimmed) {
            /* the deliberate deviation: the client's market-BUY taker has > 4 decimals; pmarb's is it cut to 4 */
            long long official = strtoll(str_at(o, "client", "takerAmount"), NULL, 10);
            assert_true(official % 100 != 0);
            assert_int_equal(official - official % 100, g[i].so.amounts.taker_amount);
            assert_true(g[i].p.order_type >= POLY_ORDER_FOK && g[i].p.side == PM_SIDE_BUY);
            trimmed++;
            continue;
        }
        assert_string_equal(str_at(o, "client", "takerAmount"), taker);
        assert_string_equal(str_at(o, "client", "body"), g[i].body);
        assert_string_equal(str_at(o, "client", "hash"), g[i].hash);
        json_t *h = json_object_get(client, "headers");
        assert_string_equal(json_string_value(json_object_get(h, "POLY_SIGNATURE")), g[i].l2sig);
        identical++;
        for (int t = 0; t < 6; t++) per_tick[t] += ticks[t] == g[i].p.tick;
        per_type[g[i].p.order_type]++;
        per_sig[g[i].sig_type]++;
        v3 += g[i].p.exchange_version == 3;
        neg += g[i].p.neg_risk;
        if (cli < CLI_ORDERS) {
            check_cli(&g[i], dir, g[i].body, g[i].hash);
            cli++;
        }
    }
    print_message("%d orders byte-identical to the client (ticks 0.1..0.0001: %d %d %d %d %d %d; GTC %d GTD %d FOK %d FAK %d; "
                  "sig types %d %d %d %d; V3 %d; neg-risk %d), %d market BUYs with the documented 4-decimal taker "
                  "deviation (identical through the client's ExchangeOrderBuilder), %d also through sign-order\n",
                  identical, per_tick[0], per_tick[1], per_tick[2], per_tick[3], per_tick[4], per_tick[5], per_type[0],
                  per_type[1], per_type[2], per_type[3], per_sig[0], per_sig[1], per_sig[2], per_sig[3], v3, neg, trimmed, cli);
    assert_int_equal(identical + trimmed, ORDERS);
    assert_true(identical >= 200);
    assert_int_equal(cli, CLI_ORDERS);
    json_decref(out);
    json_decref(cases);
    pm_test_rmtree(dir);
    free(dir);
}

static void test_hmac_against_client(void **state) {
    (void)state;
    static const char *const methods[] = {"GET", "POST", "DELETE", "PUT"};
    static const char *const paths[] = {"/order", "/orders", "/cancel-all", "/data/orders", "/auth/api-keys", "/cancel-market-orders",
                                        "/balance-allowance", "/v1/heartbeats", "/data/trades", "/"};
    static const char *const pieces[] = {"{\"orderID\":\"0x", "\"", "\\", "é", "€", " ", "'", "[", "]", "{", "}", ",",
                                         "abc", "0123456789", "\"market\":", "null", "\n"};
    json_t *cases = json_array();
    char key[67];
    gen_key(key);
    static char want[HMACS][POLY_L2_SIG_LEN], stamps[HMACS][24];
    for (int i = 0; i < HMACS; i++) {
        char secret[48], body[600] = "", *ts = stamps[i];
        gen_base64url(secret, i % 2);
        snprintf(ts, sizeof stamps[i], "%llu", (unsigned long long)(1700000000 + below(300000000)));
        const char *method = methods[below(4)], *path = paths[below(10)];
        int has_body = below(3) != 0;
        for (int k = (int)below(40); has_body && k > 0; k--) strcat(body, pieces[below(sizeof pieces / sizeof pieces[0])]);
        pm_err err;
        assert_int_equal(poly_l2_signature(secret, ts, method, path, has_body ? body : NULL, want[i], &err), 0);
        json_t *c = json_object();
        json_object_set_new(c, "key", json_string(key));
        json_object_set_new(c, "apiKey", json_string("00000000-0000-4000-8000-000000000000"));
        json_object_set_new(c, "secret", json_string(secret));
        json_object_set_new(c, "passphrase", json_string("pp"));
        json_object_set_new(c, "timestamp", json_integer(strtoll(ts, NULL, 10)));
        json_object_set_new(c, "method", json_string(method));
        json_object_set_new(c, "path", json_string(path));
        json_object_set_new(c, "body", has_body ? json_string(body) : json_null());
        json_array_append_new(cases, c);
    }
    char *dir = pm_test_tmpdir();
    json_t *out = run_oracle("hmac", dir, cases);
    for (int i = 0; i < HMACS; i++) {
        json_t *h = json_array_get(out, (size_t)i);
        assert_string_equal(json_string_value(json_object_get(h, "POLY_SIGNATURE")), want[i]);
        assert_string_equal(json_string_value(json_object_get(h, "POLY_TIMESTAMP")), stamps[i]);
    }
    print_message("%d L2 HMAC signatures identical to createL2Headers\n", HMACS);
    json_decref(out);
    json_decref(cases);
    pm_test_rmtree(dir);
    free(dir);
}

/* Orders signed with prepared (random) nonces — the order path's mode — are not the client's
 * bytes, but ethers recovers the signer from them over the client's own typed data, the hash is
 * the client's, and a POLY_1271 envelope differs from the client's only in its inner signature. */
static void test_prepared_orders_verify(void **state) {
    (void)state;
    enum { N = 120 };
    static gen_order g[N];
    json_t *cases = json_array();
    for (int i = 0; i < N; i++) {
        gen_order_case(&g[i], i);
        sign_with_pmarb(&g[i], 1);
        json_t *c = case_json(&g[i], i);
        char sig[2 * POLY_1271_SIG_LEN + 3];
        poly_hex(g[i].so.signature, g[i].so.signature_len, sig);
        json_object_set_new(c, "signature", json_string(sig));
        json_array_append_new(cases, c);
    }
    char *dir = pm_test_tmpdir();
    json_t *out = run_oracle("verify", dir, cases);
    for (int i = 0; i < N; i++) {
        json_t *o = json_array_get(out, (size_t)i);
        assert_string_equal(json_string_value(json_object_get(o, "hash")), g[i].hash);
        assert_string_equal(json_string_value(json_object_get(o, "recovered")), json_string_value(json_object_get(o, "eoa")));
        assert_true(json_is_true(json_object_get(o, "tailMatches")));
    }
    print_message("%d orders signed with prepared nonces verified by ethers over the client's typed data\n", N);
    json_decref(out);
    json_decref(cases);
    pm_test_rmtree(dir);
    free(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_orders_against_client),
        cmocka_unit_test(test_hmac_against_client),
        cmocka_unit_test(test_prepared_orders_verify),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
