/* wallet.h — the Polymarket signing key: an Ethereum private key (secp256k1), its address
 * (keccak256 of the public key, last 20 bytes), and recoverable ECDSA signatures of 32-byte
 * digests as 65 bytes r ‖ s ‖ v with v = 27 or 28. Nonces are RFC 6979 (deterministic, so the
 * signatures equal ethers'; computed by rfc6979.h, identical to libsecp256k1's own but cheaper); the secp256k1 context is created once per wallet and randomized
 * (blinded) from the CSPRNG. Signing is thread-safe: a wallet is read-only after creation. */
#ifndef PM_VENUE_POLYMARKET_WALLET_H
#define PM_VENUE_POLYMARKET_WALLET_H

#include <stdint.h>

#include "util/err.h"

typedef struct poly_wallet poly_wallet;

/* From "0x" + 64 hex digits (the value of POLY_PRIVATE_KEY). */
int poly_wallet_new(const char *private_key_hex, poly_wallet **out, pm_err *err);
void poly_wallet_free(poly_wallet *w); /* wipes the key */

void poly_wallet_address(const poly_wallet *w, uint8_t out[20]);
int poly_wallet_sign(const poly_wallet *w, const uint8_t digest[32], uint8_t sig[65], pm_err *err);

/* Prepared nonces, for the order path: the costly part of an ECDSA signature, R = k·G and k⁻¹,
 * depends only on the nonce k, so it can be done ahead of time (about 80 µs each, off the hot
 * path) for random k from the CSPRNG; a signature is then one multiplication and one addition
 * mod n (about a microsecond). Such signatures are valid but not the deterministic RFC 6979
 * ones (they differ from ethers'), each nonce is used once and wiped, and nonces made before a
 * fork() are never used by the child. The pool makes the wallet single-threaded: only one thread
 * may prepare or sign with prepared nonces. */
#define POLY_PREPARED_MAX 256
/* Tops the pool up to n (≤ POLY_PREPARED_MAX) nonces. */
int poly_wallet_prepare(poly_wallet *w, int n, pm_err *err);
int poly_wallet_prepared(const poly_wallet *w); /* nonces ready in this process */
/* Signs with a prepared nonce, or exactly as poly_wallet_sign when none is ready. */
int poly_wallet_sign_prepared(poly_wallet *w, const uint8_t digest[32], uint8_t sig[65], pm_err *err);

#endif
