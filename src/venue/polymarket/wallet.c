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

struct poly_wallet {
    secp256k1_context *ctx;
    uint8_t key[32];
    uint8_t address[20];
    poly_rfc6979 nonce; /* the key's RFC 6979 midstates */
};

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
