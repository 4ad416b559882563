/* test_kalshi_auth.c — Kalshi request signing: the signed message, RSA-PSS signatures verified
 * with the public key (PKCS#1 and PKCS#8 keys), key validation, and prepared signatures. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "venue/kalshi/auth.h"

static EVP_PKEY *rsa_key;

static int make_key(void **state) {
    (void)state;
    rsa_key = EVP_RSA_gen(2048);
    return rsa_key ? 0 : -1;
}

static int free_key(void **state) {
    (void)state;
    EVP_PKEY_free(rsa_key);
    return 0;
}

static int verify(const char *message, const char *sig_b64) {
    unsigned char sig[1024];
    int n = EVP_DecodeBlock(sig, (const unsigned char *)sig_b64, (int)strlen(sig_b64));
    if (n < 0) return 0;
    size_t len = (size_t)n;
    size_t slen = strlen(sig_b64);
    if (slen >= 1 && sig_b64[slen - 1] == '=') len--;
    if (slen >= 2 && sig_b64[slen - 2] == '=') len--;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    int ok = EVP_DigestVerifyInit(md, &pctx, EVP_sha256(), NULL, rsa_key) == 1 &&
             EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32) == 1 &&
             EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) == 1 &&
             EVP_DigestVerify(md, sig, len, (const unsigned char *)message, strlen(message)) == 1;
    EVP_MD_CTX_free(md);
    return ok;
}

static void test_message(void **state) {
    (void)state;
    char buf[256];
    pm_err err;
    assert_int_equal(kalshi_auth_message(1703123456789LL, "GET", "/trade-api/v2/portfolio/balance", buf, sizeof buf, &err), 47);
    assert_string_equal(buf, "1703123456789GET/trade-api/v2/portfolio/balance");
    kalshi_auth_message(1703123456789LL, "GET", "/trade-api/v2/portfolio/orders?limit=5&cursor=x", buf, sizeof buf, &err);
    assert_string_equal(buf, "1703123456789GET/trade-api/v2/portfolio/orders");
    kalshi_auth_message(1, "GET", "/trade-api/ws/v2", buf, sizeof buf, &err);
    assert_string_equal(buf, "1GET/trade-api/ws/v2");
    assert_int_equal(kalshi_auth_message(1, "get", "/x", buf, sizeof buf, &err), -1);
    assert_string_equal(err.msg, "HTTP method must be upper case: 'get'");
    assert_int_equal(kalshi_auth_message(1, "GET", "trade-api", buf, sizeof buf, &err), -1);
    assert_int_equal(kalshi_auth_message(1, "GET", "/trade-api/v2/markets", buf, 10, &err), -1);
}

static void sign_and_verify(int pkcs1) {
    char *pem = pm_test_pem(rsa_key, pkcs1 ? PM_TEST_PEM_PKCS1 : PM_TEST_PEM_PKCS8);
    assert_non_null(strstr(pem, pkcs1 ? "BEGIN RSA PRIVATE KEY" : "BEGIN PRIVATE KEY"));
    kalshi_auth *a;
    pm_err err;
    assert_int_equal(kalshi_auth_new("a952bcbe-ec3b-4b5b-b8f9-11dae589608c", pem, strlen(pem), &a, &err), 0);
    kalshi_headers h;
    assert_int_equal(kalshi_auth_sign(a, 1703123456789LL, "POST", "/trade-api/v2/portfolio/events/orders", &h, &err), 0);
    assert_string_equal(h.key, "a952bcbe-ec3b-4b5b-b8f9-11dae589608c");
    assert_string_equal(h.timestamp, "1703123456789");
    assert_int_equal(strlen(h.signature), 344); /* 256 bytes in padded base64 */
    assert_true(verify("1703123456789POST/trade-api/v2/portfolio/events/orders", h.signature));
    assert_false(verify("1703123456790POST/trade-api/v2/portfolio/events/orders", h.signature));
    assert_false(verify("1703123456789POST/trade-api/v2/portfolio/orders", h.signature));
    /* PSS is randomized: a second signature differs and verifies too */
    kalshi_headers h2;
    assert_int_equal(kalshi_auth_sign(a, 1703123456789LL, "POST", "/trade-api/v2/portfolio/events/orders?x=1", &h2, &err), 0);
    assert_string_not_equal(h.signature, h2.signature);
    assert_true(verify("1703123456789POST/trade-api/v2/portfolio/events/orders", h2.signature));
    kalshi_auth_free(a);
    free(pem);
}

static void test_sign_pkcs8(void **state) {
    (void)state;
    sign_and_verify(0);
}

static void test_sign_pkcs1(void **state) {
    (void)state;
    sign_and_verify(1);
}

static void test_bad_keys(void **state) {
    (void)state;
    kalshi_auth *a;
    pm_err err;
    const char *junk = "-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n";
    assert_int_equal(kalshi_auth_new("id", junk, strlen(junk), &a, &err), -1);
    assert_null(a);
    assert_non_null(strstr(err.msg, "not a PEM private key"));
    EVP_PKEY *ec = EVP_EC_gen("P-256");
    char *pem = pm_test_pem(ec, PM_TEST_PEM_PKCS8);
    assert_int_equal(kalshi_auth_new("id", pem, strlen(pem), &a, &err), -1);
    assert_string_equal(err.msg, "Kalshi private key is not an RSA key");
    free(pem);
    EVP_PKEY_free(ec);
    EVP_PKEY *small = EVP_RSA_gen(1024);
    pem = pm_test_pem(small, PM_TEST_PEM_PKCS8);
    assert_int_equal(kalshi_auth_new("id", pem, strlen(pem), &a, &err), -1);
    assert_string_equal(err.msg, "Kalshi RSA key has 1024 bits (2048..8192 supported)");
    free(pem);
    EVP_PKEY_free(small);
    pem = pm_test_pem(rsa_key, PM_TEST_PEM_PKCS8);
    assert_int_equal(kalshi_auth_new("", pem, strlen(pem), &a, &err), -1);
    assert_int_equal(kalshi_auth_new("id with space", pem, strlen(pem), &a, &err), -1);
    free(pem);
}

static void test_presign(void **state) {
    (void)state;
    char *pem = pm_test_pem(rsa_key, PM_TEST_PEM_PKCS8);
    kalshi_auth *a;
    pm_err err;
    assert_int_equal(kalshi_auth_new("key-1", pem, strlen(pem), &a, &err), 0);
    kalshi_presign p;
    assert_int_equal(kalshi_presign_init(&p, "POST", "/trade-api/v2/portfolio/events/orders", &err), 0);
    kalshi_headers h;
    assert_int_equal(kalshi_presign_get(&p, 1000, 5000, &h), -1); /* nothing signed yet */
    assert_int_equal(kalshi_presign_refresh(&p, a, 1000, 2000, &err), 1);
    assert_int_equal(kalshi_presign_refresh(&p, a, 2999, 2000, &err), 0); /* still fresh */
    assert_int_equal(kalshi_presign_get(&p, 2999, 5000, &h), 0);
    assert_string_equal(h.timestamp, "1000");
    assert_true(verify("1000POST/trade-api/v2/portfolio/events/orders", h.signature));
    assert_int_equal(kalshi_presign_get(&p, 6001, 5000, &h), -1); /* too old for the caller */
    assert_int_equal(kalshi_presign_get(&p, 999, 5000, &h), -1);  /* from the future: clock moved back */
    assert_int_equal(kalshi_presign_refresh(&p, a, 3000, 2000, &err), 1);
    assert_int_equal(kalshi_presign_get(&p, 6001, 5000, &h), 0);
    assert_string_equal(h.timestamp, "3000");
    assert_true(verify("3000POST/trade-api/v2/portfolio/events/orders", h.signature));
    kalshi_auth_free(a);
    free(pem);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_message),
        cmocka_unit_test(test_sign_pkcs8),
        cmocka_unit_test(test_sign_pkcs1),
        cmocka_unit_test(test_bad_keys),
        cmocka_unit_test(test_presign),
    };
    return cmocka_run_group_tests(tests, make_key, free_key);
}
