/* test_kalshi_auth_oracle.c — differential test of Kalshi signing against the official SDK
 * (kalshi-typescript's KalshiAuth, run by node from tests/oracle): the SDK's signatures verify
 * against the message pmarb builds for the same timestamp, method and path, and pmarb's
 * signatures verify in node with the SDK's PSS parameters. Both key encodings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "venue/kalshi/auth.h"

static const char *const requests[][2] = {
    {"GET", "/trade-api/v2/portfolio/balance"},
    {"POST", "/trade-api/v2/portfolio/events/orders"},
    {"DELETE", "/trade-api/v2/portfolio/events/orders/ee2d3a49-6d37-4bb9-9a44-1c1bf6e4a0d2"},
    {"GET", "/trade-api/v2/markets/KXGOLDH-26AUG2711-T4615.99/orderbook"},
    {"GET", "/trade-api/ws/v2"},
};

static int verify_openssl(EVP_PKEY *key, const char *message, const char *sig_b64) {
    unsigned char sig[1024];
    size_t slen = strlen(sig_b64);
    int n = EVP_DecodeBlock(sig, (const unsigned char *)sig_b64, (int)slen);
    if (n < 0) return 0;
    size_t len = (size_t)n - (slen >= 1 && sig_b64[slen - 1] == '=') - (slen >= 2 && sig_b64[slen - 2] == '=');
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    int ok = EVP_DigestVerifyInit(md, &pctx, EVP_sha256(), NULL, key) == 1 &&
             EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1 &&
             EVP_DigestVerify(md, sig, len, (const unsigned char *)message, strlen(message)) == 1;
    EVP_MD_CTX_free(md);
    return ok;
}

static void run_with_key(int pkcs1) {
    EVP_PKEY *key = EVP_RSA_gen(2048);
    char *dir = pm_test_tmpdir();
    char *pem_path = pm_test_path(dir, "kalshi.pem");
    BIO *bio = BIO_new(BIO_s_mem());
    assert_int_equal(pkcs1 ? PEM_write_bio_PrivateKey_traditional(bio, key, NULL, NULL, 0, NULL, NULL)
                           : PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL),
                     1);
    char *data;
    long pem_len = BIO_get_mem_data(bio, &data);
    char *pem = strndup(data, (size_t)pem_len);
    BIO_free(bio);
    pm_test_write_file(pem_path, pem, 0600);
    char *script = pm_test_source_path("tests/oracle/kalshi_auth.mjs");
    char *modules = pm_test_source_path("tests/oracle/node_modules/kalshi-typescript");
    if (access(modules, R_OK) != 0) fail_msg("%s is missing: run `make deps` (npm install in tests/oracle)", modules);

    kalshi_auth *auth;
    pm_err err;
    const char *key_id = "8b3c0a57-3f0a-4d7e-9c36-2c7d4e5f6a71";
    assert_int_equal(kalshi_auth_new(key_id, pem, (size_t)pem_len, &auth, &err), 0);
    for (size_t i = 0; i < sizeof requests / sizeof requests[0]; i++) {
        const char *method = requests[i][0], *path = requests[i][1];
        /* the SDK signs; pmarb's message for the SDK's timestamp must be what it signed */
        pm_test_run_result r = pm_test_exec(NULL, NULL, "node",
                                            (const char *const[]){"node", script, "sign", pem_path, key_id, method, path, NULL});
        if (r.status != 0) fail_msg("oracle failed: %s", r.err);
        json_error_t je;
        json_t *h = json_loads(r.out, 0, &je);
        assert_non_null(h);
        assert_string_equal(json_string_value(json_object_get(h, "KALSHI-ACCESS-KEY")), key_id);
        const char *ts = json_string_value(json_object_get(h, "KALSHI-ACCESS-TIMESTAMP"));
        char message[1024];
        assert_true(kalshi_auth_message(strtoll(ts, NULL, 10), method, path, message, sizeof message, &err) > 0);
        assert_true(verify_openssl(key, message, json_string_value(json_object_get(h, "KALSHI-ACCESS-SIGNATURE"))));
        json_decref(h);
        pm_test_run_free(&r);

        /* pmarb signs; node verifies with the SDK's parameters */
        kalshi_headers mine;
        assert_int_equal(kalshi_auth_sign(auth, 1795485863202LL, method, path, &mine, &err), 0);
        assert_int_equal(kalshi_auth_message(1795485863202LL, method, path, message, sizeof message, &err) > 0, 1);
        r = pm_test_exec(NULL, NULL, "node",
                         (const char *const[]){"node", script, "verify", pem_path, message, mine.signature, NULL});
        assert_int_equal(r.status, 0);
        pm_test_run_free(&r);
        /* and rejects a signature over another message */
        message[0] = message[0] == '1' ? '2' : '1';
        r = pm_test_exec(NULL, NULL, "node",
                         (const char *const[]){"node", script, "verify", pem_path, message, mine.signature, NULL});
        assert_int_equal(r.status, 1);
        pm_test_run_free(&r);
    }
    kalshi_auth_free(auth);
    EVP_PKEY_free(key);
    free(pem);
    free(script);
    free(modules);
    pm_test_rmtree(dir);
    free(pem_path);
    free(dir);
}

static void test_pkcs1_key(void **state) {
    (void)state;
    run_with_key(1);
}

static void test_pkcs8_key(void **state) {
    (void)state;
    run_with_key(0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pkcs1_key),
        cmocka_unit_test(test_pkcs8_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
