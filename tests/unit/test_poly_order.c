/* test_poly_order.c — the Polymarket order builder and `pmarb polymarket sign-order`: the exact
 * /order body of a known order (the body, hash and L2 signature the official clob-client-v2 1.1.0
 * produced for it), account checks, every parameter check with its message, random salts, batch
 * bodies, and the command's exit statuses and messages. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "venue/polymarket/eip712.h"
#include "venue/polymarket/l2auth.h"
#include "venue/polymarket/order_build.h"

#define KEY "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
#define EOA "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
#define TOKEN "71321045679252212594626385532706912750332728571942532289631379312455583992563"
#define SIG9 "0x813174d434eb63958b2067fed9813a49771a9f6727fc8d66cd7ed1269a920b112830b5c6200da813f6598f1099231d272c13260991c471e09024bed053e71ea41c"
/* What clob-client-v2 1.1.0 POSTs for BUY 21.04 @ 0.56 (tick 0.01), salt 479249096354, timestamp
 * 1780000000000, EOA, chain 137 (captured from the client by tests/oracle/poly_orders.mjs). */
#define BODY9                                                                                                          \
    "{\"deferExec\":false,\"postOnly\":false,\"order\":{\"salt\":479249096354,\"maker\":\"" EOA "\",\"signer\":\"" EOA \
    "\",\"tokenId\":\"" TOKEN "\",\"makerAmount\":\"11782400\",\"takerAmount\":\"21040000\",\"side\":\"BUY\","         \
    "\"signatureType\":0,\"timestamp\":\"1780000000000\",\"expiration\":\"0\",\"metadata\":\"0x"                       \
    "0000000000000000000000000000000000000000000000000000000000000000\",\"builder\":\"0x"                              \
    "0000000000000000000000000000000000000000000000000000000000000000\",\"signature\":\"" SIG9 "\"},\"owner\":\""     \
    "00000000-0000-0000-0000-000000000000\",\"orderType\":\"GTC\"}"

static poly_wallet *wallet;

static int setup(void **state) {
    (void)state;
    return poly_wallet_new(KEY, &wallet, NULL);
}

static int teardown(void **state) {
    (void)state;
    poly_wallet_free(wallet);
    return 0;
}

static void vector_params(poly_order_params *p) {
    poly_order_params_init(p);
    p->token_id = TOKEN;
    p->side = PM_SIDE_BUY;
    p->price = 560000;
    p->size = 21040000;
    p->tick = 10000;
    p->timestamp_ms = 1780000000000LL;
    p->salt = 479249096354ULL;
}

static void eoa_builder(poly_order_builder *b, const char *owner) {
    poly_builder_config c = {wallet, 0, NULL, 137, owner};
    pm_err err;
    if (poly_builder_init(b, &c, &err)) fail_msg("%s", err.msg);
}

static void test_known_body(void **state) {
    (void)state;
    poly_order_builder b;
    eoa_builder(&b, "00000000-0000-0000-0000-000000000000");
    poly_order_params p;
    vector_params(&p);
    poly_signed_order so;
    pm_err err;
    assert_int_equal(poly_order_sign(&b, &p, &so, &err), 0);
    char body[POLY_ORDER_BODY_MAX], hex[67];
    assert_int_equal(poly_order_body(&b, &p, &so, body, sizeof body, &err), (int)strlen(BODY9));
    assert_string_equal(body, BODY9);
    poly_hex(so.hash, 32, hex);
    assert_string_equal(hex, "0x3fb58b8881fa16d482d0aa65133d45abcff28c73fe74f62b3857429a206c80b0");
    assert_int_equal(so.signature_len, 65);
    char sig[POLY_L2_SIG_LEN];
    assert_int_equal(poly_l2_signature("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "1780000000", "POST", "/order", body, sig, &err), 0);
    assert_string_equal(sig, "Uz0HZWLUtDgrzEnzQfj2dvf2wEywWmrR1qMSjgq3-k8="); /* the client's POLY_SIGNATURE */
    /* the same order with a funder equal to the EOA is the same EOA order */
    poly_order_builder b2;
    poly_builder_config c = {wallet, 0, "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", 137, "00000000-0000-0000-0000-000000000000"};
    assert_int_equal(poly_builder_init(&b2, &c, &err), 0);
    assert_int_equal(poly_order_sign(&b2, &p, &so, &err), 0);
    assert_int_equal(poly_order_body(&b2, &p, &so, body, sizeof body, &err), (int)strlen(BODY9));
    assert_string_equal(body, BODY9);
    /* too small a buffer */
    assert_int_equal(poly_order_body(&b, &p, &so, body, 100, &err), -1);
    assert_string_equal(err.msg, "the order body does not fit in 100 bytes");
}

static void test_flags_and_fields(void **state) {
    (void)state;
    poly_order_builder b;
    eoa_builder(&b, "");
    poly_order_params p;
    vector_params(&p);
    p.order_type = POLY_ORDER_GTD;
    p.expiration = 1780000600;
    p.post_only = 1;
    p.defer_exec = 1;
    p.side = PM_SIDE_SELL;
    uint8_t builder[32] = {0xab}, metadata[32] = {[31] = 0x01};
    p.builder = builder;
    p.metadata = metadata;
    poly_signed_order so;
    char body[POLY_ORDER_BODY_MAX];
    pm_err err;
    assert_int_equal(poly_order_sign(&b, &p, &so, &err), 0);
    assert_true(poly_order_body(&b, &p, &so, body, sizeof body, &err) > 0);
    assert_non_null(strstr(body, "{\"deferExec\":true,\"postOnly\":true,\"order\":{\"salt\":479249096354,"));
    assert_non_null(strstr(body, "\"makerAmount\":\"21040000\",\"takerAmount\":\"11782400\",\"side\":\"SELL\",\"signatureType\":0,"
                                 "\"timestamp\":\"1780000000000\",\"expiration\":\"1780000600\",\"metadata\":\"0x"
                                 "0000000000000000000000000000000000000000000000000000000000000001\",\"builder\":\"0xab"
                                 "00000000000000000000000000000000000000000000000000000000000000\","));
    assert_non_null(strstr(body, "\"},\"owner\":\"\",\"orderType\":\"GTD\"}"));
    /* a market BUY is sized in collateral: $10 at 0.335 on a 0.005 tick → taker cut to 4 decimals */
    vector_params(&p);
    p.order_type = POLY_ORDER_FAK;
    p.size = 0;
    p.amount = 10000000;
    p.price = 335000;
    p.tick = 5000;
    assert_int_equal(poly_order_sign(&b, &p, &so, &err), 0);
    assert_int_equal(so.amounts.maker_amount, 10000000);
    assert_int_equal(so.amounts.taker_amount, 29850700);
    assert_int_equal(so.amounts.taker_trimmed, 1);
    assert_true(poly_order_body(&b, &p, &so, body, sizeof body, &err) > 0);
    assert_non_null(strstr(body, "\"makerAmount\":\"10000000\",\"takerAmount\":\"29850700\",\"side\":\"BUY\""));
    assert_non_null(strstr(body, "\"orderType\":\"FAK\"}"));
}

static void test_random_salt_and_time(void **state) {
    (void)state;
    poly_order_builder b;
    eoa_builder(&b, "k");
    poly_order_params p;
    vector_params(&p);
    p.salt = POLY_SALT_RANDOM;
    p.timestamp_ms = 0;
    uint64_t seen[200];
    pm_err err;
    for (int i = 0; i < 200; i++) { /* more than one pool refill */
        poly_signed_order so;
        assert_int_equal(poly_order_sign(&b, &p, &so, &err), 0);
        assert_true(so.salt <= POLY_SALT_MAX);
        assert_true(so.timestamp_ms > 1700000000000LL);
        for (int j = 0; j < i; j++) assert_true(seen[j] != so.salt);
        seen[i] = so.salt;
    }
    /* the largest salt is written exactly */
    vector_params(&p);
    p.salt = POLY_SALT_MAX;
    poly_signed_order so;
    char body[POLY_ORDER_BODY_MAX];
    assert_int_equal(poly_order_sign(&b, &p, &so, &err), 0);
    assert_true(poly_order_body(&b, &p, &so, body, sizeof body, &err) > 0);
    assert_non_null(strstr(body, "\"salt\":9007199254740991,"));
}

static void expect_config_error(int sig_type, const char *funder, uint64_t chain, const char *owner, const char *msg) {
    poly_order_builder b;
    poly_builder_config c = {wallet, sig_type, funder, chain, owner};
    pm_err err;
    assert_int_equal(poly_builder_init(&b, &c, &err), -1);
    assert_string_equal(err.msg, msg);
}

static void test_account_checks(void **state) {
    (void)state;
    expect_config_error(0, "0x1111111111111111111111111111111111111111", 137, "",
                        "signature type 0 (EOA) signs for the key's own address: the funder must be empty or that address");
    expect_config_error(1, NULL, 137, "",
                        "signature type 1 needs a funder (the proxy, Safe or deposit wallet address) other than the key's own address");
    expect_config_error(3, EOA, 137, "",
                        "signature type 3 needs a funder (the proxy, Safe or deposit wallet address) other than the key's own address");
    expect_config_error(2, "0x11", 137, "", "the funder address '0x11' is not 0x followed by 40 hex digits");
    expect_config_error(4, NULL, 137, "", "signature type 4 is not 0 (EOA), 1 (POLY_PROXY), 2 (POLY_GNOSIS_SAFE) or 3 (POLY_1271)");
    expect_config_error(0, NULL, 1, "", "chain id 1 has no Polymarket exchange (137 Polygon, 80002 Amoy)");
    expect_config_error(0, NULL, 137, "a\"b", "the Polymarket API key has a character that is not allowed in it");
    /* maker and signer: the funder for proxies and Safes, the deposit wallet for both under POLY_1271 */
    poly_order_builder b;
    poly_builder_config c = {wallet, 2, "0x995c9b1f779c04e65af8ea3360f96c43b5e62316", 137, ""};
    assert_int_equal(poly_builder_init(&b, &c, NULL), 0);
    assert_string_equal(b.maker_text, "0x995c9b1f779c04e65AF8ea3360F96c43b5e62316");
    assert_string_equal(b.signer_text, EOA);
    c.signature_type = 3;
    assert_int_equal(poly_builder_init(&b, &c, NULL), 0);
    assert_string_equal(b.signer_text, "0x995c9b1f779c04e65AF8ea3360F96c43b5e62316");
}

static void expect_param_error(void (*change)(poly_order_params *), const char *msg) {
    poly_order_params p;
    vector_params(&p);
    change(&p);
    poly_amounts a;
    pm_err err;
    assert_int_equal(poly_order_check(&p, &a, &err), -1);
    assert_string_equal(err.msg, msg);
}

static void off_grid(poly_order_params *p) { p->price = 555000; }
static void below_tick(poly_order_params *p) { p->price = 0; }
static void above_range(poly_order_params *p) { p->price = 1000000, p->tick = 5000; }
static void bad_tick(poly_order_params *p) { p->tick = 20000; }
static void gtd_no_expiry(poly_order_params *p) { p->order_type = POLY_ORDER_GTD; }
static void gtc_expiry(poly_order_params *p) { p->expiration = 1780000600; }
static void post_only_fok(poly_order_params *p) { p->order_type = POLY_ORDER_FOK, p->side = PM_SIDE_SELL, p->post_only = 1; }
static void market_buy_size(poly_order_params *p) { p->order_type = POLY_ORDER_FOK; }
static void limit_amount(poly_order_params *p) { p->size = 0, p->amount = 5000000; }
static void tiny_size(poly_order_params *p) { p->size = 9999; }
static void tiny_amount(poly_order_params *p) { p->order_type = POLY_ORDER_FAK, p->size = 0, p->amount = 9999; }
static void leading_zero(poly_order_params *p) { p->token_id = "0123"; }
static void not_digits(poly_order_params *p) { p->token_id = "12a"; }
static void no_token(poly_order_params *p) { p->token_id = NULL; }
static void version_four(poly_order_params *p) { p->exchange_version = 4; }
static void big_salt(poly_order_params *p) { p->salt = POLY_SALT_MAX + 1; }

static void test_param_checks(void **state) {
    (void)state;
    expect_param_error(off_grid, "price 555000 micro-dollars is not a multiple of the tick (10000) within tick..1 − tick");
    expect_param_error(below_tick, "price 0 micro-dollars is not a multiple of the tick (10000) within tick..1 − tick");
    expect_param_error(above_range, "price 1000000 micro-dollars is not a multiple of the tick (5000) within tick..1 − tick");
    expect_param_error(bad_tick, "tick size 20000 micro-dollars is not one Polymarket uses (0.1, 0.01, 0.005, 0.0025, 0.001, 0.0001)");
    expect_param_error(gtd_no_expiry, "a GTD order needs an expiration");
    expect_param_error(gtc_expiry, "only GTD orders may have an expiration (this is GTC)");
    expect_param_error(post_only_fok, "postOnly is not supported for FOK/FAK orders");
    expect_param_error(market_buy_size, "a FOK BUY is sized in collateral: give an amount, not a size");
    expect_param_error(limit_amount, "a GTC BUY is sized in shares: give a size, not an amount");
    expect_param_error(tiny_size, "size truncates to zero at 2 decimals");
    expect_param_error(tiny_amount, "amount truncates to zero at 2 decimals");
    expect_param_error(leading_zero, "token id '0123' has a leading zero");
    expect_param_error(not_digits, "token id '12a' is not a uint256 in decimal");
    expect_param_error(no_token, "no token id");
    expect_param_error(version_four, "exchange version must be 2 or 3, not 4");
    expect_param_error(big_salt, "the salt must be below 2^53");
    /* a token id of 78 digits above 2^256 passes the text check and fails when signed */
    poly_order_builder b;
    eoa_builder(&b, "");
    poly_order_params p;
    vector_params(&p);
    p.token_id = "115792089237316195423570985008687907853269984665640564039457584007913129639936";
    poly_signed_order so;
    pm_err err;
    assert_int_equal(poly_order_sign(&b, &p, &so, &err), -1);
    assert_string_equal(err.msg, "'115792089237316195423570985008687907853269984665640564039457584007913129639936' does not fit in 256 bits");
}

static void test_batch_body(void **state) {
    (void)state;
    const char *bodies[16] = {"{\"a\":1}", "{\"b\":2}"};
    for (int i = 2; i < 16; i++) bodies[i] = "{}";
    char buf[256];
    pm_err err;
    assert_int_equal(poly_batch_body(bodies, 2, buf, sizeof buf, &err), 17);
    assert_string_equal(buf, "[{\"a\":1},{\"b\":2}]");
    assert_int_equal(poly_batch_body(bodies, 1, buf, sizeof buf, &err), 9);
    assert_string_equal(buf, "[{\"a\":1}]");
    assert_int_equal(poly_batch_body(bodies, 15, buf, sizeof buf, &err), 2 + 7 + 7 + 13 * 2 + 14); /* [ ] items commas */
    assert_int_equal(poly_batch_body(bodies, 16, buf, sizeof buf, &err), -1);
    assert_string_equal(err.msg, "a batch holds 1 to 15 orders, not 16");
    assert_int_equal(poly_batch_body(bodies, 0, buf, sizeof buf, &err), -1);
    assert_int_equal(poly_batch_body(bodies, 2, buf, 10, &err), -1);
    assert_string_equal(err.msg, "the batch body does not fit in 10 bytes");
}

static void test_order_type_names(void **state) {
    (void)state;
    poly_order_type t;
    assert_int_equal(poly_order_type_parse("FAK", &t), 0);
    assert_int_equal(t, POLY_ORDER_FAK);
    assert_int_equal(poly_order_type_parse("IOC", &t), -1);
    assert_string_equal(poly_order_type_name(POLY_ORDER_GTD), "GTD");
}

static void test_sign_order_cli(void **state) {
    (void)state;
    char *dir = pm_test_tmpdir();
    const char *env[] = {"POLY_PRIVATE_KEY=" KEY, "POLY_API_KEY=00000000-0000-0000-0000-000000000000", NULL};
    const char *args[] = {"polymarket", "sign-order", "--token-id", TOKEN, "--side", "buy", "--price", "0.56", "--size", "21.04",
                          "--tick-size", "0.01", "--timestamp-ms", "1780000000000", "--salt", "479249096354", NULL};
    pm_test_run_result r = pm_test_run(dir, env, args);
    assert_int_equal(r.status, 0);
    char want[POLY_ORDER_BODY_MAX];
    snprintf(want, sizeof want, "%.*s,\"hash\":\"0x3fb58b8881fa16d482d0aa65133d45abcff28c73fe74f62b3857429a206c80b0\"}\n",
             (int)strlen(BODY9) - 1, BODY9);
    assert_string_equal(r.out, want);
    assert_null(strstr(r.out, KEY + 2));
    assert_null(strstr(r.err, KEY + 2));
    pm_test_run_free(&r);
    /* no API key: owner "" and a note */
    const char *env_no_owner[] = {"POLY_PRIVATE_KEY=" KEY, NULL};
    r = pm_test_run(dir, env_no_owner, args);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\"owner\":\"\",\"orderType\":\"GTC\",\"hash\":"));
    assert_string_equal(r.err, "pmarb polymarket sign-order: POLY_API_KEY is unset: \"owner\" is empty\n");
    pm_test_run_free(&r);
    /* no key: a usage error */
    r = pm_test_run(dir, (const char *const[]){"POLY_PRIVATE_KEY=", NULL}, args);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "set POLY_PRIVATE_KEY"));
    assert_string_equal(r.out, "");
    pm_test_run_free(&r);
    /* bad or missing arguments: usage errors naming the problem */
    const char *off_grid[] = {"polymarket", "sign-order", "--token-id", "1", "--side", "buy", "--price", "0.555", "--size", "5",
                              "--tick-size", "0.01", NULL};
    r = pm_test_run(dir, env, off_grid);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "price 555000 micro-dollars is not a multiple of the tick (10000)"));
    pm_test_run_free(&r);
    const char *bad_side[] = {"polymarket", "sign-order", "--side", "hold", NULL};
    r = pm_test_run(dir, env, bad_side);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--side must be buy or sell, not 'hold'"));
    pm_test_run_free(&r);
    const char *missing[] = {"polymarket", "sign-order", "--side", "sell", NULL};
    r = pm_test_run(dir, env, missing);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--token-id, --side, --price, --tick-size and --size (or --amount) are required"));
    pm_test_run_free(&r);
    const char *market_buy[] = {"polymarket", "sign-order", "--token-id", "1", "--side", "buy", "--price", "0.5", "--amount",
                                "10", "--tick-size", "0.01", "--order-type", "fok", "--salt", "1", "--timestamp-ms", "1", NULL};
    r = pm_test_run(dir, env, market_buy);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\"makerAmount\":\"10000000\",\"takerAmount\":\"20000000\",\"side\":\"BUY\""));
    assert_non_null(strstr(r.out, "\"orderType\":\"FOK\""));
    pm_test_run_free(&r);
    const char *help[] = {"polymarket", "sign-order", "--help", NULL};
    r = pm_test_run(dir, env, help);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "usage: pmarb polymarket sign-order"));
    pm_test_run_free(&r);
    const char *bench[] = {"polymarket", "bench-sign", "--iterations", "5", NULL};
    r = pm_test_run(dir, env, bench);
    assert_int_equal(r.status, 2);
    pm_test_run_free(&r);
    const char *bench_json[] = {"polymarket", "bench-sign", "--iterations", "20", "--json", NULL};
    r = pm_test_run(dir, env, bench_json);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "{\"iterations\":20,\"build_sign\":{\"p50_ns\":"));
    pm_test_run_free(&r);
    pm_test_rmtree(dir);
    free(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_body),      cmocka_unit_test(test_flags_and_fields), cmocka_unit_test(test_random_salt_and_time),
        cmocka_unit_test(test_account_checks),  cmocka_unit_test(test_param_checks),     cmocka_unit_test(test_batch_body),
        cmocka_unit_test(test_order_type_names), cmocka_unit_test(test_sign_order_cli),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
