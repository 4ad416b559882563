/* sig1271.h — POLY_1271 (deposit wallet, signature type 3) order signatures: the ERC-7739
 * "TypedDataSign" envelope the official V2 client builds (exchangeOrderBuilderV2 buildOrderSignature).
 * The owner's EOA signs, under the exchange's own EIP-712 domain,
 *   TypedDataSign(Order contents,string name,string version,uint256 chainId,address verifyingContract,bytes32 salt)Order(…)
 * with contents = the order, name "DepositWallet", version "1", the chain id, verifyingContract = the
 * deposit wallet and a zero salt; the wire signature is
 *   inner signature (65) ‖ exchange domain separator (32) ‖ Order struct hash (32) ‖ the Order type
 *   string (186 bytes) ‖ its length as a big-endian uint16. */
#ifndef PM_VENUE_POLYMARKET_SIG1271_H
#define PM_VENUE_POLYMARKET_SIG1271_H

#include <stdint.h>

#include "venue/polymarket/eip712.h"

#define POLY_1271_SIG_LEN (65 + 32 + 32 + POLY_ORDER_TYPE_LEN + 2) /* 317 bytes */

/* The parts of the TypedDataSign struct that are fixed for one wallet on one chain. */
typedef struct poly_1271_wallet {
    uint8_t type_hash[32];    /* keccak256 of the TypedDataSign type string */
    uint8_t name_hash[32];    /* keccak256("DepositWallet") */
    uint8_t version_hash[32]; /* keccak256("1") */
    uint8_t chain_id[32];     /* ABI word */
    uint8_t wallet[32];       /* the deposit wallet as an ABI word */
} poly_1271_wallet;

void poly_1271_wallet_init(poly_1271_wallet *w, uint64_t chain_id, const uint8_t wallet[20]);

/* The digest the EOA signs: keccak256(0x19 0x01 ‖ exchange_domain ‖ TypedDataSign struct hash). */
void poly_1271_digest(const poly_1271_wallet *w, const uint8_t exchange_domain[32], const uint8_t order_hash[32],
                      uint8_t out[32]);

/* The wire signature from the EOA's 65-byte signature of that digest. */
void poly_1271_signature(const uint8_t inner[65], const uint8_t exchange_domain[32], const uint8_t order_hash[32],
                         uint8_t out[POLY_1271_SIG_LEN]);

#endif
