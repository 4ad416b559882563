/* l2auth.c — Polymarket L2 HMAC signatures (see l2auth.h). */
#include "venue/polymarket/l2auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <string.h>

int poly_l2_signature(const char *secret_b64url, const char *timestamp, const char *method, const char *path,
                      const char *body, char out[POLY_L2_SIG_LEN], pm_err *err) {
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
    unsigned char mac[32];
    EVP_MAC *hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = hmac ? EVP_MAC_CTX_new(hmac) : NULL;
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", "SHA256", 0), OSSL_PARAM_construct_end()};
    size_t outl = 0;
    int ok = ctx && EVP_MAC_init(ctx, key, (size_t)klen, params) &&
             EVP_MAC_update(ctx, (const unsigned char *)timestamp, strlen(timestamp)) &&
             EVP_MAC_update(ctx, (const unsigned char *)method, strlen(method)) &&
             EVP_MAC_update(ctx, (const unsigned char *)path, strlen(path)) &&
             (!body || EVP_MAC_update(ctx, (const unsigned char *)body, strlen(body))) &&
             EVP_MAC_final(ctx, mac, &outl, sizeof mac);
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(hmac);
    OPENSSL_cleanse(key, sizeof key);
    if (!ok || outl != 32) return pm_err_set(err, "HMAC-SHA256 failed");
    EVP_EncodeBlock((unsigned char *)out, mac, 32);
    for (char *c = out; *c; c++) *c = *c == '+' ? '-' : *c == '/' ? '_' : *c; /* '=' stays */
    return 0;
}
