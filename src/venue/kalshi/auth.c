/* auth.c — Kalshi RSA-PSS request signing and prepared signatures (see auth.h). */
#include "venue/kalshi/auth.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kalshi_auth {
    EVP_PKEY *key;
    char key_id[KALSHI_KEY_ID_MAX];
};

int kalshi_auth_new(const char *key_id, const char *pem, size_t pem_len, kalshi_auth **out, pm_err *err) {
    *out = NULL;
    if (!key_id || !*key_id) return pm_err_set(err, "Kalshi key id is empty (set KALSHI_API_KEY_ID)");
    if (strlen(key_id) >= KALSHI_KEY_ID_MAX) return pm_err_set(err, "Kalshi key id is too long");
    for (const char *c = key_id; *c; c++)
        if (*c <= ' ' || *c == 0x7f) return pm_err_set(err, "Kalshi key id contains whitespace or control characters");
    if (pem_len > 64 * 1024) return pm_err_set(err, "Kalshi private key file is too large to be a PEM key");
    BIO *bio = BIO_new_mem_buf(pem, (int)pem_len);
    if (!bio) return pm_err_set(err, "out of memory");
    EVP_PKEY *key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    BIO_free(bio);
    if (!key)
        return pm_err_set(err, "Kalshi private key is not a PEM private key (expected \"BEGIN RSA PRIVATE KEY\" "
                               "or \"BEGIN PRIVATE KEY\")");
    if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
        EVP_PKEY_free(key);
        return pm_err_set(err, "Kalshi private key is not an RSA key");
    }
    if (EVP_PKEY_get_bits(key) < 2048 || EVP_PKEY_get_size(key) * 4 / 3 + 4 >= KALSHI_SIG_B64_MAX) {
        int bits = EVP_PKEY_get_bits(key);
        EVP_PKEY_free(key);
        return pm_err_set(err, "Kalshi RSA key has %d bits (2048..8192 supported)", bits);
    }
    kalshi_auth *a = calloc(1, sizeof *a);
    if (!a) {
        EVP_PKEY_free(key);
        return pm_err_set(err, "out of memory");
    }
    a->key = key;
    snprintf(a->key_id, sizeof a->key_id, "%s", key_id);
    *out = a;
    return 0;
}

void kalshi_auth_free(kalshi_auth *a) {
    if (!a) return;
    EVP_PKEY_free(a->key);
    free(a);
}

int kalshi_auth_message(int64_t ts_ms, const char *method, const char *path, char *out, size_t cap, pm_err *err) {
    size_t mlen = strlen(method);
    if (mlen == 0 || mlen > 7) return pm_err_set(err, "bad HTTP method '%s'", method);
    for (size_t i = 0; i < mlen; i++)
        if (method[i] < 'A' || method[i] > 'Z') return pm_err_set(err, "HTTP method must be upper case: '%s'", method);
    if (path[0] != '/') return pm_err_set(err, "path must start with '/': '%s'", path);
    size_t plen = strcspn(path, "?");
    int n = snprintf(out, cap, "%lld%s%.*s", (long long)ts_ms, method, (int)plen, path);
    if (n < 0 || (size_t)n >= cap) return pm_err_set(err, "path too long to sign");
    return n;
}

int kalshi_auth_sign(kalshi_auth *a, int64_t ts_ms, const char *method, const char *path, kalshi_headers *out,
                     pm_err *err) {
    char msg[KALSHI_PATH_MAX + 40];
    int mlen = kalshi_auth_message(ts_ms, method, path, msg, sizeof msg, err);
    if (mlen < 0) return -1;
    unsigned char sig[1024];
    size_t siglen = sizeof sig;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    int ok = md && EVP_DigestSignInit(md, &pctx, EVP_sha256(), NULL, a->key) == 1 &&
             EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1 &&
             EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) == 1 &&
             EVP_DigestSign(md, sig, &siglen, (const unsigned char *)msg, (size_t)mlen) == 1;
    EVP_MD_CTX_free(md);
    if (!ok) return pm_err_set(err, "RSA-PSS signing failed");
    EVP_EncodeBlock((unsigned char *)out->signature, sig, (int)siglen);
    snprintf(out->key, sizeof out->key, "%s", a->key_id);
    snprintf(out->timestamp, sizeof out->timestamp, "%lld", (long long)ts_ms);
    return 0;
}

int kalshi_presign_init(kalshi_presign *p, const char *method, const char *path, pm_err *err) {
    memset(p, 0, sizeof *p);
    if (strlen(method) >= sizeof p->method || strlen(path) >= sizeof p->path)
        return pm_err_set(err, "method or path too long to presign");
    strcpy(p->method, method);
    strcpy(p->path, path);
    atomic_init(&p->seq, 0);
    atomic_init(&p->signed_at_ms, 0);
    return 0;
}

int kalshi_presign_refresh(kalshi_presign *p, kalshi_auth *a, int64_t now_ms, int64_t refresh_after_ms, pm_err *err) {
    int64_t at = atomic_load(&p->signed_at_ms);
    if (at > 0 && now_ms - at < refresh_after_ms) return 0;
    kalshi_headers h;
    if (kalshi_auth_sign(a, now_ms, p->method, p->path, &h, err)) return -1;
    uint64_t s = atomic_load_explicit(&p->seq, memory_order_relaxed);
    atomic_store_explicit(&p->seq, s + 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    memcpy(&p->headers, &h, sizeof h);
    atomic_store_explicit(&p->signed_at_ms, now_ms, memory_order_relaxed);
    atomic_store_explicit(&p->seq, s + 2, memory_order_release);
    return 1;
}

int kalshi_presign_get(kalshi_presign *p, int64_t now_ms, int64_t max_age_ms, kalshi_headers *out) {
    for (;;) {
        uint64_t s1 = atomic_load_explicit(&p->seq, memory_order_acquire);
        if (s1 & 1) continue;
        int64_t at = atomic_load_explicit(&p->signed_at_ms, memory_order_relaxed);
        memcpy(out, &p->headers, sizeof *out);
        atomic_thread_fence(memory_order_acquire);
        if (atomic_load_explicit(&p->seq, memory_order_relaxed) != s1) continue;
        if (at <= 0 || now_ms - at > max_age_ms || now_ms < at) return -1;
        return 0;
    }
}
