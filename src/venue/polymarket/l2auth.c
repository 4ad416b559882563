/* l2auth.c — Polymarket L2 HMAC signatures (see l2auth.h). */
#include "venue/polymarket/l2auth.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <pthread.h>
#include <string.h>

static pthread_once_t mac_once = PTHREAD_ONCE_INIT;
static EVP_MAC *hmac_alg; /* fetched once, shared: EVP_MAC objects are thread-safe */

static void fetch_hmac(void) { hmac_alg = EVP_MAC_fetch(NULL, "HMAC", NULL); }

int poly_l2_key_init(poly_l2_key *k, const char *secret_b64url, pm_err *err) {
    k->ctx = NULL;
    char std[256];
    size_t n = strlen(secret_b64url);
    if (n == 0 || n + 4 >= sizeof std) return pm_err_set(err, "the Polymarket API secret has an unexpected length");
    for (size_t i = 0; i < n; i++) { /* base64url → standard alphabet, padded */
        char c = secret_b64url[i];
        std[i] = c == '-' ? '+' : c == '_' ? '/' : c;
    }
    while (n % 4) std[n++] = '=';
    std[n] = '\0';
    unsigned char key[192];
    int pad = 0;
    for (size_t i = n; i > 0 && std[i - 1] == '='; i--) pad++;
    int klen = EVP_DecodeBlock(key, (const unsigned char *)std, (int)n);
    OPENSSL_cleanse(std, sizeof std);
    if (klen < 0) {
        OPENSSL_cleanse(key, sizeof key);
        return pm_err_set(err, "the Polymarket API secret is not base64");
    }
    klen -= pad;
    pthread_once(&mac_once, fetch_hmac);
    EVP_MAC_CTX *ctx = hmac_alg ? EVP_MAC_CTX_new(hmac_alg) : NULL;
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA256", 0), OSSL_PARAM_construct_end()};
    int ok = ctx && EVP_MAC_init(ctx, key, (size_t)klen, params);
    OPENSSL_cleanse(key, sizeof key);
    if (!ok) {
        EVP_MAC_CTX_free(ctx);
        return pm_err_set(err, "HMAC-SHA256 unavailable");
    }
    k->ctx = ctx;
    return 0;
}

int poly_l2_key_dup(const poly_l2_key *src, poly_l2_key *dst, pm_err *err) {
    dst->ctx = src->ctx ? EVP_MAC_CTX_dup(src->ctx) : NULL;
    return src->ctx && !dst->ctx ? pm_err_set(err, "out of memory") : 0;
}

void poly_l2_key_free(poly_l2_key *k) {
    EVP_MAC_CTX_free(k->ctx); /* clears the key schedule */
    k->ctx = NULL;
}

int poly_l2_sign(poly_l2_key *k, const char *timestamp, const char *method, const char *path, const char *body,
                 char out[POLY_L2_SIG_LEN], pm_err *err) {
    unsigned char mac[32];
    size_t outl = 0;
    /* a NULL key re-initialises the HMAC with the key already set */
    int ok = k->ctx && EVP_MAC_init(k->ctx, NULL, 0, NULL) &&
             EVP_MAC_update(k->ctx, (const unsigned char *)timestamp, strlen(timestamp)) &&
             EVP_MAC_update(k->ctx, (const unsigned char *)method, strlen(method)) &&
             EVP_MAC_update(k->ctx, (const unsigned char *)path, strlen(path)) &&
             (!body || EVP_MAC_update(k->ctx, (const unsigned char *)body, strlen(body))) &&
             EVP_MAC_final(k->ctx, mac, &outl, sizeof mac);
    if (!ok || outl != 32) return pm_err_set(err, "HMAC-SHA256 failed");
    EVP_EncodeBlock((unsigned char *)out, mac, 32);
    for (char *c = out; *c; c++) *c = *c == '+' ? '-' : *c == '/' ? '_' : *c; /* '=' stays */
    return 0;
}

int poly_l2_signature(const char *secret_b64url, const char *timestamp, const char *method, const char *path,
                      const char *body, char out[POLY_L2_SIG_LEN], pm_err *err) {
    poly_l2_key k;
    if (poly_l2_key_init(&k, secret_b64url, err)) return -1;
    int rc = poly_l2_sign(&k, timestamp, method, path, body, out, err);
    poly_l2_key_free(&k);
    return rc;
}
