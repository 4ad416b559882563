/* rfc6979.h — deterministic ECDSA nonces (RFC 6979 §3.2, HMAC-SHA256, secp256k1's order) for one
 * signing key, byte-identical to libsecp256k1's default nonce function and so to the official
 * clients' (ethers) signatures, but cheaper: the key's fixed HMAC prefixes are hashed once, and
 * SHA-256 runs on OpenSSL's block functions (SHA extensions where the CPU has them). Plugged into
 * secp256k1_ecdsa_sign_recoverable as its nonce function; the key never leaves the struct. */
#ifndef PM_VENUE_POLYMARKET_RFC6979_H
#define PM_VENUE_POLYMARKET_RFC6979_H

#define OPENSSL_SUPPRESS_DEPRECATED /* SHA256_CTX: midstates are copied by value */
#include <openssl/sha.h>
#include <stdint.h>

typedef struct poly_rfc6979 {
    uint8_t key[32];
    SHA256_CTX first_inner; /* HMAC_K0 inner hash after (0^32 ^ ipad) ‖ V0 ‖ 0x00 ‖ key[0..30] */
    SHA256_CTX first_outer; /* HMAC_K0 outer hash after (0^32 ^ opad) */
} poly_rfc6979;

void poly_rfc6979_init(poly_rfc6979 *r, const uint8_t key[32]);
void poly_rfc6979_wipe(poly_rfc6979 *r);

/* A secp256k1_nonce_function: data is the poly_rfc6979 of key32; algo16 must be NULL. Returns 0
 * (no nonce) for another key or an algorithm tag. */
int poly_rfc6979_nonce(unsigned char *nonce32, const unsigned char *msg32, const unsigned char *key32,
                       const unsigned char *algo16, void *data, unsigned int attempt);

#endif
