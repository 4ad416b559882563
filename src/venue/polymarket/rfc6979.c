/* rfc6979.c — RFC 6979 nonces for secp256k1 with precomputed HMAC midstates (see rfc6979.h). */
#include "venue/polymarket/rfc6979.h"

#include <openssl/crypto.h>
#include <string.h>

/* secp256k1's group order n, big-endian. */
static const uint8_t order_n[32] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                    0xff, 0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48,
                                    0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};

/* An HMAC-SHA256 key as its two midstates. */
typedef struct hmac_key {
    SHA256_CTX inner, outer;
} hmac_key;

static void hmac_key_set(hmac_key *h, const uint8_t k[32]) {
    uint8_t pad[64];
    for (int i = 0; i < 64; i++) pad[i] = (uint8_t)((i < 32 ? k[i] : 0) ^ 0x36);
    SHA256_Init(&h->inner);
    SHA256_Update(&h->inner, pad, 64);
    for (int i = 0; i < 64; i++) pad[i] = (uint8_t)((i < 32 ? k[i] : 0) ^ 0x5c);
    SHA256_Init(&h->outer);
    SHA256_Update(&h->outer, pad, 64);
    OPENSSL_cleanse(pad, sizeof pad);
}

/* out = HMAC(key, started inner hash ‖ tail), where inner already holds the key block (and maybe more). */
static void hmac_finish(SHA256_CTX inner, SHA256_CTX outer, const uint8_t *tail, size_t n, uint8_t out[32]) {
    uint8_t t[32];
    SHA256_Update(&inner, tail, n);
    SHA256_Final(t, &inner);
    SHA256_Update(&outer, t, 32);
    SHA256_Final(out, &outer);
}

static void hmac(const hmac_key *h, const uint8_t *m, size_t n, uint8_t out[32]) { hmac_finish(h->inner, h->outer, m, n, out); }

void poly_rfc6979_init(poly_rfc6979 *r, const uint8_t key[32]) {
    static const uint8_t zero[32];
    hmac_key k0;
    hmac_key_set(&k0, zero);
    memcpy(r->key, key, 32);
    r->first_inner = k0.inner;
    uint8_t prefix[64]; /* V0 = 0x01 × 32, 0x00, the first 31 key bytes: one whole block */
    memset(prefix, 0x01, 32);
    prefix[32] = 0x00;
    memcpy(prefix + 33, key, 31);
    SHA256_Update(&r->first_inner, prefix, 64);
    r->first_outer = k0.outer;
    OPENSSL_cleanse(prefix, sizeof prefix);
}

void poly_rfc6979_wipe(poly_rfc6979 *r) { OPENSSL_cleanse(r, sizeof *r); }

int poly_rfc6979_nonce(unsigned char *nonce32, const unsigned char *msg32, const unsigned char *key32,
                       const unsigned char *algo16, void *data, unsigned int attempt) {
    const poly_rfc6979 *r = data;
    if (!r || algo16 || memcmp(key32, r->key, 32)) return 0;
    uint8_t h[32]; /* bits2octets: the digest reduced mod n (at most one subtraction) */
    memcpy(h, msg32, 32);
    if (memcmp(h, order_n, 32) >= 0) {
        int borrow = 0;
        for (int i = 31; i >= 0; i--) {
            int v = h[i] - order_n[i] - borrow;
            borrow = v < 0;
            h[i] = (uint8_t)v;
        }
    }
    uint8_t v[32], k[32], buf[97];
    hmac_key hk;
    /* d. K = HMAC_K0(V0 ‖ 0x00 ‖ x ‖ h1), from the precomputed prefix */
    buf[0] = r->key[31];
    memcpy(buf + 1, h, 32);
    hmac_finish(r->first_inner, r->first_outer, buf, 33, k);
    /* e. V = HMAC_K(V0) */
    hmac_key_set(&hk, k);
    memset(v, 0x01, 32);
    hmac(&hk, v, 32, v);
    /* f. K = HMAC_K(V ‖ 0x01 ‖ x ‖ h1);  g. V = HMAC_K(V) */
    memcpy(buf, v, 32);
    buf[32] = 0x01;
    memcpy(buf + 33, r->key, 32);
    memcpy(buf + 65, h, 32);
    hmac(&hk, buf, 97, k);
    hmac_key_set(&hk, k);
    hmac(&hk, v, 32, v);
    /* h. each candidate: V = HMAC_K(V); a rejected one first steps K = HMAC_K(V ‖ 0x00), V = HMAC_K(V) */
    for (unsigned i = 0;; i++) {
        hmac(&hk, v, 32, v);
        if (i == attempt) break;
        memcpy(buf, v, 32);
        buf[32] = 0x00;
        hmac(&hk, buf, 33, k);
        hmac_key_set(&hk, k);
        hmac(&hk, v, 32, v);
    }
    memcpy(nonce32, v, 32);
    OPENSSL_cleanse(buf, sizeof buf);
    OPENSSL_cleanse(k, sizeof k);
    OPENSSL_cleanse(v, sizeof v);
    OPENSSL_cleanse(&hk, sizeof hk);
    return 1;
}
