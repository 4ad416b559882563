/* test_polymarket_signing.c — Polymarket signing against the official vectors
 * (../shared/research/polymarket.md §5): Keccak-256, the wallet address, domain separators, the
 * V2/V3 Order struct hash, order digests and signatures on the V2, V2 neg-risk and V3
 * exchanges, the POLY_1271 (deposit wallet) signature, ClobAuth (L1) signatures, L2 HMAC
 * headers, and limit and market order amounts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include "core/poly_amount.h"
#include "util/keccak.h"
#include "venue/polymarket/amounts.h"
#include "venue/polymarket/eip712.h"
#include "venue/polymarket/l2auth.h"
#include "venue/polymarket/rfc6979.h"
#include "venue/polymarket/sig1271.h"
#include "venue/polymarket/wallet.h"

#define KEY "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
#define ADDRESS "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"

static void expect_hex(const uint8_t *b, size_t n, const char *want) {
    char got[300];
    poly_hex(b, n, got);
    assert_string_equal(got, want);
}

static void test_keccak(void **state) {
    (void)state;
    uint8_t h[32];
    pm_keccak256("", 0, h);
    expect_hex(h, 32, "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    pm_keccak256("abc", 3, h);
    expect_hex(h, 32, "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    /* more than one 136-byte block, fed in uneven pieces */
    const char *order = "Order(uint256 salt,address maker,address signer,uint256 tokenId,uint256 makerAmount,"
                        "uint256 takerAmount,uint8 side,uint8 signatureType,uint256 timestamp,bytes32 metadata,bytes32 builder)";
    pm_keccak k;
    pm_keccak_init(&k);
    for (size_t i = 0; i < strlen(order); i += 7) pm_keccak_update(&k, order + i, strlen(order) - i < 7 ? strlen(order) - i : 7);
    pm_keccak_final(&k, h);
    expect_hex(h, 32, "0xbb86318a2138f5fa8ae32fbe8e659f8fcf13cc6ae4014a707893055433818589");
    const char *domain = "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)";
    pm_keccak256(domain, strlen(domain), h);
    expect_hex(h, 32, "0x8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f");
    uint8_t block[136];
    memset(block, 'a', sizeof block); /* exactly one block: the padding takes a block of its own */
    pm_keccak256(block, sizeof block, h);
    pm_keccak_init(&k);
    pm_keccak_update(&k, block, 100);
    pm_keccak_update(&k, block + 100, 36);
    uint8_t h2[32];
    pm_keccak_final(&k, h2);
    assert_memory_equal(h, h2, 32);
}

static void test_words(void **state) {
    (void)state;
    uint8_t w[32];
    pm_err err;
    assert_int_equal(poly_parse_uint256("71321045679252212594626385532706912750332728571942532289631379312455583992563", w, &err), 0);
    expect_hex(w, 32, "0x9dae480511c4c0cb5d6c7937924c1db5be221e758b7135fec2a1977a1c130af3"); /* = hex(that integer) */
    assert_int_equal(poly_parse_uint256("115792089237316195423570985008687907853269984665640564039457584007913129639935", w, &err), 0);
    expect_hex(w, 32, "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
    assert_int_equal(poly_parse_uint256("115792089237316195423570985008687907853269984665640564039457584007913129639936", w, &err), -1);
    assert_int_equal(poly_parse_uint256("12a", w, &err), -1);
    assert_int_equal(poly_parse_uint256("", w, &err), -1);
    uint8_t a[20];
    assert_int_equal(poly_parse_address("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", a, &err), 0);
    expect_hex(a, 20, ADDRESS);
    assert_int_equal(poly_parse_address("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266", a, &err), -1);
    assert_int_equal(poly_parse_address("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb9226G", a, &err), -1);
}

static void test_wallet(void **state) {
    (void)state;
    poly_wallet *w;
    pm_err err;
    assert_int_equal(poly_wallet_new(KEY, &w, &err), 0);
    uint8_t a[20];
    poly_wallet_address(w, a);
    expect_hex(a, 20, ADDRESS);
    poly_wallet_free(w);
    assert_int_equal(poly_wallet_new("0x00", &w, &err), -1);
    assert_int_equal(poly_wallet_new("0x0000000000000000000000000000000000000000000000000000000000000000", &w, &err), -1);
    assert_string_equal(err.msg, "the Polymarket private key is not a valid secp256k1 key");
}

/* pmarb's RFC 6979 nonces equal libsecp256k1's own nonce function (which ethers' signatures
 * match), for pseudo-random keys and digests, digests at or above the group order, and the
 * retry candidates. */
static void test_rfc6979(void **state) {
    (void)state;
    uint64_t x = 0x243F6A8885A308D3ULL;
    for (int i = 0; i < 200; i++) {
        uint8_t key[32], msg[32], mine[32], theirs[32];
        for (int j = 0; j < 32; j++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            key[j] = (uint8_t)x;
            msg[j] = (uint8_t)(x >> 32);
        }
        if (i % 10 == 0) memset(msg, 0xff, 32); /* ≥ n: reduced first */
        key[0] &= 0x7f;                          /* a valid key (< n) */
        poly_rfc6979 r;
        poly_rfc6979_init(&r, key);
        for (unsigned attempt = 0; attempt < (i < 20 ? 4u : 1u); attempt++) {
            assert_int_equal(poly_rfc6979_nonce(mine, msg, key, NULL, &r, attempt), 1);
            assert_int_equal(secp256k1_nonce_function_rfc6979(theirs, msg, key, NULL, NULL, attempt), 1);
            assert_memory_equal(mine, theirs, 32);
        }
        key[5] ^= 1; /* another key than the one prepared: refused */
        assert_int_equal(poly_rfc6979_nonce(mine, msg, key, NULL, &r, 0), 0);
        poly_rfc6979_wipe(&r);
    }
}

/* The address a 65-byte r ‖ s ‖ v signature of digest recovers to, written as hex. */
static void recover_address(const uint8_t digest[32], const uint8_t sig[65], char out[43]) {
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_VERIFY);
    secp256k1_ecdsa_recoverable_signature rs;
    secp256k1_pubkey pub;
    uint8_t ser[65], h[32];
    size_t len = sizeof ser;
    assert_true(sig[64] == 27 || sig[64] == 28);
    assert_int_equal(secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &rs, sig, sig[64] - 27), 1);
    assert_int_equal(secp256k1_ecdsa_recover(ctx, &pub, &rs, digest), 1);
    secp256k1_ec_pubkey_serialize(ctx, ser, &len, &pub, SECP256K1_EC_UNCOMPRESSED);
    pm_keccak256(ser + 1, 64, h);
    poly_hex(h + 12, 20, out);
    secp256k1_context_destroy(ctx);
}

/* Signatures with prepared nonces: valid (they recover to the wallet's address), low-s, each
 * nonce used once, digests at and above the group order and zero included; an empty pool falls
 * back to the deterministic signature. */
static void test_prepared_signatures(void **state) {
    (void)state;
    static const uint8_t half_n[32] = {0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                       0xff, 0xff, 0xff, 0xff, 0xff, 0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4,
                                       0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0};
    poly_wallet *w;
    pm_err err;
    assert_int_equal(poly_wallet_new(KEY, &w, &err), 0);
    assert_int_equal(poly_wallet_prepare(w, POLY_PREPARED_MAX + 1, &err), -1);
    assert_int_equal(poly_wallet_prepared(w), 0);
    uint64_t x = 0x452821E638D01377ULL;
    uint8_t last_r[32] = {0};
    for (int i = 0; i < 600; i++) {
        if (poly_wallet_prepared(w) == 0) assert_int_equal(poly_wallet_prepare(w, 100, &err), 0);
        assert_true(poly_wallet_prepared(w) > 0);
        uint8_t digest[32], sig[65];
        for (int j = 0; j < 32; j++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            digest[j] = (uint8_t)x;
        }
        if (i == 0) memset(digest, 0, 32);
        if (i == 1) memset(digest, 0xff, 32);
        if (i == 2) memset(digest, 0x01, 32); /* the same digest twice: two different signatures */
        if (i == 3) memset(digest, 0x01, 32);
        int before = poly_wallet_prepared(w);
        assert_int_equal(poly_wallet_sign_prepared(w, digest, sig, &err), 0);
        assert_int_equal(poly_wallet_prepared(w), before - 1);
        assert_true(memcmp(sig + 32, half_n, 32) <= 0);
        assert_true(memcmp(sig, last_r, 32) != 0);
        memcpy(last_r, sig, 32);
        char addr[43];
        recover_address(digest, sig, addr);
        assert_string_equal(addr, ADDRESS);
    }
    /* empty pool: the deterministic signature (official vector 8, V2 exchange, chain 80002) */
    while (poly_wallet_prepared(w) > 0) {
        uint8_t d[32] = {1}, s[65];
        assert_int_equal(poly_wallet_sign_prepared(w, d, s, &err), 0);
    }
    uint8_t digest[32], sig[65];
    poly_parse_bytes32("0x962c97b18bea292cc94b9479272aa74fb59a905e84a621a40eb339131e9fb6ba", digest, &err);
    assert_int_equal(poly_wallet_sign_prepared(w, digest, sig, &err), 0);
    expect_hex(sig, 65, "0x518472f1b081f6bd713d638bb11d1bf0720ed577e93c52eb00ec9f5f325f7d510c65cbfdfe9130de2602185f4a500863d777d8b838cb28abc75ecc1b5330315d1c");
    poly_wallet_free(w);
}

static void test_domains(void **state) {
    (void)state;
    uint8_t c[20], d[32];
    pm_err err;
    poly_parse_address(POLY_EXCHANGE_V2, c, &err);
    poly_domain_separator(POLY_EXCHANGE_DOMAIN, "2", 137, c, d);
    expect_hex(d, 32, "0x3264e159346253e26a64e00b69032db0e7d32f94628de3e6eecb50304d7af3d2");
    poly_parse_address(POLY_NEG_RISK_EXCHANGE_V2, c, &err);
    poly_domain_separator(POLY_EXCHANGE_DOMAIN, "2", 137, c, d);
    expect_hex(d, 32, "0x9b858f53327b0bd13af8ec14cfb35234fb9eb7b0504d1a4e61f433840d30e81a");
    poly_parse_address(POLY_EXCHANGE_V3, c, &err);
    poly_domain_separator(POLY_EXCHANGE_DOMAIN, "3", 137, c, d);
    expect_hex(d, 32, "0x466c63910185bbd55e8679264200c4e0abdcbb0c6264eb3d41d13326022e095b");
    poly_domain_separator("ClobAuthDomain", "1", 137, NULL, d);
    expect_hex(d, 32, "0xcfc66be2a3b30464cb3b588324101f660c9a205fa76e8e5f83ee16a528e1c4cb");
    poly_domain_separator("ClobAuthDomain", "1", 80002, NULL, d);
    expect_hex(d, 32, "0xa1df8f4e3112eaee2448fbec9ab79f68278407e49d9cf52e3dd3d9692fcac9b6");
}

/* The order of vectors 6 and 8: salt 479249096354, tokenId 1234, 100000000 / 50000000, BUY,
 * timestamp 1710000000000, zero metadata and builder. */
static poly_order vector_order(const char *maker, int sig_type) {
    poly_order o;
    memset(&o, 0, sizeof o);
    poly_parse_uint256("479249096354", o.salt, NULL);
    poly_parse_address(maker, o.maker, NULL);
    poly_parse_address(maker, o.signer, NULL);
    poly_parse_uint256("1234", o.token_id, NULL);
    poly_parse_uint256("100000000", o.maker_amount, NULL);
    poly_parse_uint256("50000000", o.taker_amount, NULL);
    o.side = 0;
    o.signature_type = (uint8_t)sig_type;
    poly_parse_uint256("1710000000000", o.timestamp, NULL);
    return o;
}

static void sign_and_check(const char *exchange, const char *version, uint64_t chain, const poly_order *o,
                           const char *want_hash, const char *want_sig) {
    uint8_t c[20], domain[32], sh[32], digest[32], sig[65];
    pm_err err;
    poly_parse_address(exchange, c, &err);
    poly_domain_separator(POLY_EXCHANGE_DOMAIN, version, chain, c, domain);
    poly_order_struct_hash(o, sh);
    poly_eip712_digest(domain, sh, digest);
    expect_hex(digest, 32, want_hash);
    poly_wallet *w;
    assert_int_equal(poly_wallet_new(KEY, &w, &err), 0);
    assert_int_equal(poly_wallet_sign(w, digest, sig, &err), 0);
    expect_hex(sig, 65, want_sig);
    poly_wallet_free(w);
}

static void test_v2_orders(void **state) {
    (void)state;
    poly_order o = vector_order("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", 0);
    uint8_t sh[32];
    poly_order_struct_hash(&o, sh);
    expect_hex(sh, 32, "0xf6bf4212bfca4d6679afc2c54a54d814a91a6c7905de5ed193fe44f329c239f0");
    sign_and_check(POLY_EXCHANGE_V2, "2", 80002, &o, "0x962c97b18bea292cc94b9479272aa74fb59a905e84a621a40eb339131e9fb6ba",
                   "0x518472f1b081f6bd713d638bb11d1bf0720ed577e93c52eb00ec9f5f325f7d510c65cbfdfe9130de2602185f4a500863d777d8b838cb28abc75ecc1b5330315d1c");
    sign_and_check(POLY_EXCHANGE_V2, "2", 137, &o, "0x10124949f84e9f7438c88d02bfd546ceb27ed6eb1fdb0175137af535b6e2513d",
                   "0x42c7b4857d51e344045fcfde17b37cf1290d784471ffe618c22aa56ea5ddcf0009015b87ffb299813f5597e86d4ad56f40d634558d915edb719e6fc71dbc0d891c");
    sign_and_check(POLY_NEG_RISK_EXCHANGE_V2, "2", 137, &o, "0x9c2976657c4b229cc8e467a32ce9e3281ef40a70aee31cdc4619ebf51e4a7274",
                   "0x79d82a92bd020329c6b9afad40b742c8cfaebdd992219b57e4282b6cfd53a66f2c97471d3297fa001f3eac2ead5f709c6e266893f19cef37633511420542a63b1b");
    sign_and_check(POLY_EXCHANGE_V3, "3", 137, &o, "0x0d34966f6a42e3b8bec3d0d0dcca74d762695a3bd4cdf1d6a1fc2201bf9daa87",
                   "0x22a4e68028c7984ff9b19217dee3a8491614e97a84ca42d53fe73e7a50745fd66706b966fa16ce911a3217958a5471343c47f2fd56ea9392522a4c1c156eac701c");
    /* the official POLY_1271 vector: its Order struct hash (maker = signer = the deposit wallet) */
    poly_order dw = vector_order("0x1111111111111111111111111111111111111111", 3);
    poly_order_struct_hash(&dw, sh);
    expect_hex(sh, 32, "0xd23d42d3ad94e65d78258cecaf8dcbaddac0f73dc085040f2c12bb595dd83804");
    uint8_t c[20], d[32];
    pm_err err;
    poly_parse_address(POLY_EXCHANGE_V2, c, &err);
    poly_domain_separator(POLY_EXCHANGE_DOMAIN, "2", 80002, c, d);
    expect_hex(d, 32, "0xa440cbd865bc0c6243d7a8df9a8bf48a8827b0a4abbb61c30e96d305423af148");
}

static void test_limit_order_end_to_end(void **state) {
    (void)state;
    poly_order o;
    memset(&o, 0, sizeof o);
    poly_parse_uint256("479249096354", o.salt, NULL);
    poly_parse_address("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", o.maker, NULL);
    memcpy(o.signer, o.maker, 20);
    poly_parse_uint256("71321045679252212594626385532706912750332728571942532289631379312455583992563", o.token_id, NULL);
    poly_parse_uint256("11782400", o.maker_amount, NULL); /* BUY 21.04 @ 0.56 */
    poly_parse_uint256("21040000", o.taker_amount, NULL);
    poly_parse_uint256("1780000000000", o.timestamp, NULL);
    uint8_t sh[32];
    poly_order_struct_hash(&o, sh);
    expect_hex(sh, 32, "0x58c70043ac1ed8b66507d77742774ee1df5a9a779f4d96f487cfc8e25552caa9");
    sign_and_check(POLY_EXCHANGE_V2, "2", 137, &o, "0x3fb58b8881fa16d482d0aa65133d45abcff28c73fe74f62b3857429a206c80b0",
                   "0x813174d434eb63958b2067fed9813a49771a9f6727fc8d66cd7ed1269a920b112830b5c6200da813f6598f1099231d272c13260991c471e09024bed053e71ea41c");
}

/* Official vector 6 (py-clob-client-v2 EXPECTED_POLY_1271_SIGNATURE): chain 80002, V2 exchange,
 * deposit wallet 0x1111…1111 as maker and signer. */
static void test_poly_1271(void **state) {
    (void)state;
    poly_order o = vector_order("0x1111111111111111111111111111111111111111", 3);
    uint8_t c[20], domain[32], sh[32], digest[32], inner[65], sig[POLY_1271_SIG_LEN];
    pm_err err;
    poly_parse_address(POLY_EXCHANGE_V2, c, &err);
    poly_domain_separator(POLY_EXCHANGE_DOMAIN, "2", 80002, c, domain);
    poly_order_struct_hash(&o, sh);
    poly_1271_wallet dw;
    poly_1271_wallet_init(&dw, 80002, o.maker);
    poly_1271_digest(&dw, domain, sh, digest);
    poly_wallet *w;
    assert_int_equal(poly_wallet_new(KEY, &w, &err), 0);
    assert_int_equal(poly_wallet_sign(w, digest, inner, &err), 0);
    poly_wallet_free(w);
    expect_hex(inner, 65, "0xa3a093c83b6c20c83355c16ce94c92e6e9fcbdeb840618cc74f6c57a42ad145b2b98db73d2c73cbf1f2b6af288566ae81960ddbc3a13921027358a8bff3be6ff1c");
    poly_1271_signature(inner, domain, sh, sig);
    char hex[2 * POLY_1271_SIG_LEN + 3], want[2 * POLY_1271_SIG_LEN + 3];
    poly_hex(sig, sizeof sig, hex);
    char type_hex[2 * POLY_ORDER_TYPE_LEN + 3];
    poly_hex((const uint8_t *)POLY_ORDER_TYPE, POLY_ORDER_TYPE_LEN, type_hex);
    snprintf(want, sizeof want, "%s%s%s%s%s",
             "0xa3a093c83b6c20c83355c16ce94c92e6e9fcbdeb840618cc74f6c57a42ad145b2b98db73d2c73cbf1f2b6af288566ae81960ddbc3a13921027358a8bff3be6ff1c",
             "a440cbd865bc0c6243d7a8df9a8bf48a8827b0a4abbb61c30e96d305423af148",
             "d23d42d3ad94e65d78258cecaf8dcbaddac0f73dc085040f2c12bb595dd83804", type_hex + 2, "00ba");
    assert_string_equal(hex, want);
}

static void clob_auth(uint64_t chain, const char *ts, uint64_t nonce, const char *want_digest, const char *want_sig) {
    uint8_t a[20], sh[32], d[32], digest[32], sig[65];
    pm_err err;
    poly_parse_address(ADDRESS, a, &err);
    poly_clob_auth_struct_hash(a, ts, nonce, sh);
    poly_domain_separator("ClobAuthDomain", "1", chain, NULL, d);
    poly_eip712_digest(d, sh, digest);
    if (want_digest) expect_hex(digest, 32, want_digest);
    poly_wallet *w;
    assert_int_equal(poly_wallet_new(KEY, &w, &err), 0);
    assert_int_equal(poly_wallet_sign(w, digest, sig, &err), 0);
    expect_hex(sig, 65, want_sig);
    poly_wallet_free(w);
}

static void test_clob_auth(void **state) {
    (void)state;
    clob_auth(80002, "10000000", 23, "0x8f442df8073c9cf2e36d7b20ca9d64d1a9352e982cc82a293b7de2df57920610",
              "0xf62319a987514da40e57e2f4d7529f7bac38f0355bd88bb5adbb3768d80de6c1682518e0af677d5260366425f4361e7b70c25ae232aff0ab2331e2b164a1aedc1b");
    clob_auth(137, "100000", 0, NULL,
              "0xfdfb5abf512e439ea61c8595c18e527e718bf16010acf57cef51d09e15893098275d3c6f73038f36ec0cd0ce55436fca14dc64b11611f4dce896e354207508cc1b");
}

static void test_l2_hmac(void **state) {
    (void)state;
    char sig[POLY_L2_SIG_LEN];
    pm_err err;
    const char *secret = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    assert_int_equal(poly_l2_signature(secret, "1000000", "test-sign", "/orders", "{\"hash\": \"0x123\"}", sig, &err), 0);
    assert_string_equal(sig, "ZwAdJKvoYRlEKDkNMwd5BuwNNtg93kNaR_oU2HrfVvc=");
    assert_int_equal(poly_l2_signature(secret, "1000000", "test-sign", "/orders", "{\"hash\":\"0x123\"}", sig, &err), 0);
    assert_string_equal(sig, "4gJVbox-R6XlDK4nlaicig0_ANVL1qdcahiL8CXfXLM=");
    assert_int_equal(poly_l2_signature(secret, "1", "GET", "/", NULL, sig, &err), 0);
    assert_string_equal(sig, "eHaylCwqRSOa2LFD77Nt_SaTpbsxzN8eTEI3LryhEj4=");
    assert_int_equal(poly_l2_signature("", "1", "GET", "/", NULL, sig, &err), -1);
}

/* The official client's rounding vectors (clob-client-v2 buildOrderCreationArgs tests). */
static void test_limit_amounts(void **state) {
    (void)state;
    static const struct {
        pm_px_t tick, price;
        pm_qty_t size;
        int64_t maker, taker;
    } v[] = {
        {100000, 500000, 21040000, 10520000, 21040000},    {10000, 560000, 21040000, 11782400, 21040000},
        {1000, 56000, 21040000, 1178240, 21040000},        {100, 5600, 21040000, 117824, 21040000},
        {100000, 700000, 12820500, 8974000, 12820000},     {100000, 300000, 2435890000, 730767000, 2435890000},
        {10000, 780000, 12820500, 9999600, 12820000},      {10000, 390000, 2435890000, 949997100, 2435890000},
        {1000, 39000, 2435890000, 94999710, 2435890000},   {100, 3900, 2435890000, 9499971, 2435890000},
    };
    pm_err err;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        poly_amounts a;
        assert_int_equal(poly_limit_amounts(PM_SIDE_BUY, v[i].price, v[i].size, v[i].tick, &a, &err), 0);
        assert_int_equal(a.maker_amount, v[i].maker);
        assert_int_equal(a.taker_amount, v[i].taker);
        assert_int_equal(poly_limit_amounts(PM_SIDE_SELL, v[i].price, v[i].size, v[i].tick, &a, &err), 0);
        assert_int_equal(a.maker_amount, v[i].taker); /* SELL: the same two numbers swapped */
        assert_int_equal(a.taker_amount, v[i].maker);
    }
    poly_amounts a;
    assert_int_equal(poly_limit_amounts(PM_SIDE_BUY, 555000, 10000000, 10000, &a, &err), 0); /* 0.555 → 0.56 (half up) */
    assert_int_equal(a.price, 560000);
    assert_int_equal(poly_limit_amounts(PM_SIDE_BUY, 554999, 10000000, 10000, &a, &err), 0);
    assert_int_equal(a.price, 550000);
    assert_int_equal(poly_limit_amounts(PM_SIDE_BUY, 2500, 10000000, 2500, &a, &err), 0); /* 0.0025 tick: 4 dp */
    assert_int_equal(a.maker_amount, 25000);
    assert_int_equal(poly_limit_amounts(PM_SIDE_BUY, 995000, 10000000, 10000, &a, &err), -1); /* rounds to 1.00 */
    assert_int_equal(poly_limit_amounts(PM_SIDE_BUY, 500000, 9999, 10000, &a, &err), -1);    /* size 0.009999 */
    assert_int_equal(poly_limit_amounts(PM_SIDE_BUY, 500000, 10000000, 20000, &a, &err), -1); /* tick 0.02 */
    assert_int_equal(pm_poly_price_decimals(5000), 3);
}

/* Market (FOK/FAK) amounts: the official client's getMarketOrderRawAmounts results (computed
 * with clob-client-v2 1.1.0), and where the client's market-BUY taker has more than the 4
 * decimals the venue accepts, the documented deviation (truncated to 4 decimals). */
static void test_market_amounts(void **state) {
    (void)state;
    static const struct {
        pm_px_t tick;
        pm_side side;
        int64_t amount;
        pm_px_t price;
        int64_t maker, official_taker, taker;
    } v[] = {
        {100000, PM_SIDE_BUY, 100000000, 500000, 100000000, 200000000, 200000000},
        {10000, PM_SIDE_BUY, 5600000, 560000, 5600000, 10000000, 10000000},
        {10000, PM_SIDE_BUY, 10000000, 330000, 10000000, 30303000, 30303000},
        {10000, PM_SIDE_BUY, 7129000, 370000, 7120000, 19243200, 19243200},     /* amount truncated to 7.12 */
        {100000, PM_SIDE_BUY, 10000000, 300000, 10000000, 33333000, 33333000},
        {10000, PM_SIDE_BUY, 100000000, 567000, 100000000, 178571400, 178571400}, /* price truncated to 0.56 */
        {1000, PM_SIDE_BUY, 5000000, 500000, 5000000, 10000000, 10000000},
        {100, PM_SIDE_BUY, 10000000, 333300, 10000000, 30003000, 30003000},      /* 0.0001 tick, 4 dp: agrees */
        {5000, PM_SIDE_BUY, 10000000, 335000, 10000000, 29850740, 29850700},     /* deviations: 5–6 dp cut to 4 */
        {2500, PM_SIDE_BUY, 10000000, 332500, 10000000, 30075187, 30075100},
        {1000, PM_SIDE_BUY, 10000000, 333000, 10000000, 30030030, 30030000},
        {100, PM_SIDE_BUY, 100990000, 700, 100990000, 144271428571, 144271428500},
        {10000, PM_SIDE_SELL, 21049000, 560000, 21040000, 11782400, 11782400},
        {1000, PM_SIDE_SELL, 10010000, 123000, 10010000, 1231230, 1231230},
        {100, PM_SIDE_SELL, 3330000, 999900, 3330000, 3329667, 3329667},
        {100000, PM_SIDE_SELL, 5000000, 700000, 5000000, 3500000, 3500000},
    };
    pm_err err;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        poly_amounts a;
        assert_int_equal(poly_market_amounts(v[i].side, v[i].price, v[i].amount, v[i].tick, &a, &err), 0);
        assert_int_equal(a.maker_amount, v[i].maker);
        assert_int_equal(a.taker_amount, v[i].taker);
        assert_int_equal(a.taker_trimmed, v[i].taker != v[i].official_taker);
    }
    poly_amounts a;
    assert_int_equal(poly_market_amounts(PM_SIDE_BUY, 560000, 9999, 10000, &a, &err), -1); /* < $0.01 */
    assert_string_equal(err.msg, "amount truncates to zero at 2 decimals");
    assert_int_equal(poly_market_amounts(PM_SIDE_SELL, 5000, 1000000, 10000, &a, &err), -1); /* 0.005 → 0.00 */
    assert_int_equal(poly_market_amounts(PM_SIDE_SELL, 500000, 1000000, 3000, &a, &err), -1); /* tick 0.003 */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keccak),   cmocka_unit_test(test_words),           cmocka_unit_test(test_wallet),   cmocka_unit_test(test_rfc6979),
        cmocka_unit_test(test_prepared_signatures),
        cmocka_unit_test(test_domains),  cmocka_unit_test(test_v2_orders),       cmocka_unit_test(test_limit_order_end_to_end),
        cmocka_unit_test(test_clob_auth), cmocka_unit_test(test_l2_hmac),   cmocka_unit_test(test_limit_amounts),
        cmocka_unit_test(test_poly_1271),  cmocka_unit_test(test_market_amounts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
