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

#endif
