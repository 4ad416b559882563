/* wallet.c — secp256k1 keys and signatures for Polymarket (see wallet.h). */
#include "venue/polymarket/wallet.h"

#include "util/keccak.h"
#include "venue/polymarket/eip712.h"
#include "venue/polymarket/rfc6979.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One prepared nonce k: s = k⁻¹·z + k⁻¹·r·d needs only a multiplication and an addition mod n. */
typedef struct prepared {
    uint8_t r[32];     /* x of R = k·G (< n) */
    uint8_t kinv[32];  /* k⁻¹ mod n */
    uint8_t rdkinv[32]; /* r·d·k⁻¹ mod n */
    int recid;         /* parity of R's y */
} prepared;

struct poly_wallet {
    secp256k1_context *ctx;
    uint8_t key[32];
    uint8_t address[20];
    poly_rfc6979 nonce;                   /* the key's RFC 6979 midstates */
    prepared pool[POLY_PREPARED_MAX];     /* unused prepared nonces: pool[0 .. pooled) */
    int pooled;
    pid_t pool_pid;                       /* the process that made them: a forked child must not reuse them */
};

/* secp256k1's group order n, n − 2 and n / 2 (rounded down), big-endian. */
static const uint8_t order_n[32] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                    0xff, 0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48,
                                    0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};
static const uint8_t n_minus_2[32] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                      0xff, 0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48,
                                      0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x3f};
static const uint8_t half_n[32] = {0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                   0xff, 0xff, 0xff, 0xff, 0xff, 0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4,
                                   0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0};

int poly_wallet_new(const char *private_key_hex, poly_wallet **out, pm_err *err) {
    *out = NULL;
    poly_wallet *w = calloc(1, sizeof *w);
    if (!w) return pm_err_set(err, "out of memory");
    if (poly_parse_bytes32(private_key_hex, w->key, NULL)) {
        free(w);
        return pm_err_set(err, "the Polymarket private key must be 0x followed by 64 hex digits");
    }
    w->ctx = secp256k1_context_create(SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY);
    uint8_t seed[32]; /* blinds the context's scalar multiplications against side channels */
    if (!w->ctx || RAND_bytes(seed, sizeof seed) != 1 || !secp256k1_context_randomize(w->ctx, seed)) {
        poly_wallet_free(w);
        return pm_err_set(err, "could not set up a randomized secp256k1 context");
    }
    OPENSSL_cleanse(seed, sizeof seed);
    secp256k1_pubkey pub;
    uint8_t ser[65];
    size_t len = sizeof ser;
    if (!secp256k1_ec_seckey_verify(w->ctx, w->key) || !secp256k1_ec_pubkey_create(w->ctx, &pub, w->key)) {
        poly_wallet_free(w);
        return pm_err_set(err, "the Polymarket private key is not a valid secp256k1 key");
    }
    secp256k1_ec_pubkey_serialize(w->ctx, ser, &len, &pub, SECP256K1_EC_UNCOMPRESSED);
    uint8_t h[32];
    pm_keccak256(ser + 1, 64, h); /* without the 0x04 prefix */
    memcpy(w->address, h + 12, 20);
    poly_rfc6979_init(&w->nonce, w->key);
    *out = w;
    return 0;
}

void poly_wallet_free(poly_wallet *w) {
    if (!w) return;
    OPENSSL_cleanse(w->key, sizeof w->key);
    poly_rfc6979_wipe(&w->nonce);
    OPENSSL_cleanse(w->pool, sizeof w->pool);
    if (w->ctx) secp256k1_context_destroy(w->ctx);
    free(w);
}

void poly_wallet_address(const poly_wallet *w, uint8_t out[20]) { memcpy(out, w->address, 20); }

int poly_wallet_sign(const poly_wallet *w, const uint8_t digest[32], uint8_t sig[65], pm_err *err) {
    secp256k1_ecdsa_recoverable_signature rs;
    int recid;
    if (!secp256k1_ecdsa_sign_recoverable(w->ctx, &rs, digest, w->key, poly_rfc6979_nonce, (void *)&w->nonce) ||
        !secp256k1_ecdsa_recoverable_signature_serialize_compact(w->ctx, sig, &recid, &rs))
        return pm_err_set(err, "secp256k1 signing failed");
    sig[64] = (uint8_t)(27 + recid);
    return 0;
}

/* a⁻¹ mod n = a^(n−2) (Fermat), by square-and-multiply on libsecp256k1's constant-time scalar
 * multiplication; a must be a valid scalar (0 < a < n). */
static int scalar_inverse(const secp256k1_context *ctx, const uint8_t a[32], uint8_t out[32]) {
    uint8_t acc[32] = {[31] = 1}, sq[32];
    int ok = 1;
    for (int bit = 255; bit >= 0; bit--) {
        memcpy(sq, acc, 32);
        ok &= secp256k1_ec_seckey_tweak_mul(ctx, acc, sq);
        if ((n_minus_2[31 - bit / 8] >> (bit % 8)) & 1) ok &= secp256k1_ec_seckey_tweak_mul(ctx, acc, a);
    }
    memcpy(out, acc, 32);
    OPENSSL_cleanse(acc, sizeof acc);
    OPENSSL_cleanse(sq, sizeof sq);
    return ok;
}

static int prepare_one(poly_wallet *w, prepared *p) {
    uint8_t k[32], ser[65];
    secp256k1_pubkey R;
    size_t len = sizeof ser;
    for (;;) { /* k uniform in 1..n−1; R.x must be below n (fails with probability ~2^-128) */
        if (RAND_bytes(k, sizeof k) != 1) return -1;
        if (!secp256k1_ec_seckey_verify(w->ctx, k) || !secp256k1_ec_pubkey_create(w->ctx, &R, k)) continue;
        secp256k1_ec_pubkey_serialize(w->ctx, ser, &len, &R, SECP256K1_EC_UNCOMPRESSED);
        if (memcmp(ser + 1, order_n, 32) < 0) break;
    }
    memcpy(p->r, ser + 1, 32);
    p->recid = ser[64] & 1;
    uint8_t rd[32];
    memcpy(rd, w->key, 32);
    int ok = scalar_inverse(w->ctx, k, p->kinv) && secp256k1_ec_seckey_tweak_mul(w->ctx, rd, p->r) &&
             secp256k1_ec_seckey_tweak_mul(w->ctx, rd, p->kinv);
    memcpy(p->rdkinv, rd, 32);
    OPENSSL_cleanse(k, sizeof k);
    OPENSSL_cleanse(rd, sizeof rd);
    return ok ? 0 : -1;
}

int poly_wallet_prepare(poly_wallet *w, int n, pm_err *err) {
    if (n < 0 || n > POLY_PREPARED_MAX) return pm_err_set(err, "between 0 and %d prepared nonces, not %d", POLY_PREPARED_MAX, n);
    if (w->pooled && w->pool_pid != getpid()) { /* inherited over fork(): never reuse */
        OPENSSL_cleanse(w->pool, sizeof w->pool);
        w->pooled = 0;
    }
    w->pool_pid = getpid();
    while (w->pooled < n) {
        if (prepare_one(w, &w->pool[w->pooled])) return pm_err_set(err, "preparing a signing nonce failed");
        w->pooled++;
    }
    return 0;
}

int poly_wallet_prepared(const poly_wallet *w) { return w->pool_pid == getpid() ? w->pooled : 0; }

int poly_wallet_sign_prepared(poly_wallet *w, const uint8_t digest[32], uint8_t sig[65], pm_err *err) {
    if (poly_wallet_prepared(w) == 0) return poly_wallet_sign(w, digest, sig, err);
    prepared *p = &w->pool[--w->pooled];
    uint8_t z[32], s[32];
    memcpy(z, digest, 32);
    if (memcmp(z, order_n, 32) >= 0) { /* z mod n: at most one subtraction */
        int borrow = 0;
        for (int i = 31; i >= 0; i--) {
            int v = z[i] - order_n[i] - borrow;
            borrow = v < 0;
            z[i] = (uint8_t)v;
        }
    }
    static const uint8_t zero[32];
    memcpy(s, p->kinv, 32);
    int ok = memcmp(z, zero, 32) ? secp256k1_ec_seckey_tweak_mul(w->ctx, s, z) && /* s = k⁻¹·z + k⁻¹·r·d */
                                       secp256k1_ec_seckey_tweak_add(w->ctx, s, p->rdkinv)
                                 : (memcpy(s, p->rdkinv, 32), 1);
    int recid = p->recid;
    if (ok && memcmp(s, half_n, 32) > 0) { /* low s, as Ethereum requires: −k signs with n − s and −R */
        ok = secp256k1_ec_seckey_negate(w->ctx, s);
        recid ^= 1;
    }
    memcpy(sig, p->r, 32);
    memcpy(sig + 32, s, 32);
    sig[64] = (uint8_t)(27 + recid);
    OPENSSL_cleanse(p, sizeof *p); /* each nonce signs once */
    OPENSSL_cleanse(s, sizeof s);
    if (!ok) return poly_wallet_sign(w, digest, sig, err); /* s = 0 (probability ~2^-256) */
    return 0;
}
