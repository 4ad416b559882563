/* eip712.h — EIP-712 hashing for Polymarket: domain separators (4-field exchange domains and
 * the 3-field ClobAuth domain), the CLOB V2/V3 Order struct (11 fields: expiration is sent but
 * not signed) and ClobAuth, ABI words (uint256 from decimal text, addresses), and the final
 * digest keccak256(0x19 0x01 ‖ domain ‖ struct). */
#ifndef PM_VENUE_POLYMARKET_EIP712_H
#define PM_VENUE_POLYMARKET_EIP712_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define POLY_EXCHANGE_DOMAIN "Polymarket CTF Exchange"

/* The V2/V3 Order type string (EIP-712 encodeType); POLY_1271 signatures carry it verbatim. */
#define POLY_ORDER_TYPE                                                                                        \
    "Order(uint256 salt,address maker,address signer,uint256 tokenId,uint256 makerAmount,uint256 takerAmount," \
    "uint8 side,uint8 signatureType,uint256 timestamp,bytes32 metadata,bytes32 builder)"
#define POLY_ORDER_TYPE_LEN (sizeof POLY_ORDER_TYPE - 1) /* 186 */

/* Exchange contracts on Polygon (chain 137); see ../shared/research/polymarket.md §5. */
#define POLY_EXCHANGE_V2 "0xE111180000d2663C0091e4f400237545B87B996B"
#define POLY_NEG_RISK_EXCHANGE_V2 "0xe2222d279d744050d28e00520010520000310F59"
#define POLY_EXCHANGE_V3 "0xe3333700cA9d93003F00f0F71f8515005F6c00Aa"
/* ExchangeV3 on Amoy (chain 80002); the two V2 exchanges have the same addresses there. */
#define POLY_EXCHANGE_V3_AMOY "0x9fE6e61422AdB6F610d8597F9684b16912D50C3D"

/* "0x" + 40 hex digits (any case) → 20 bytes. */
int poly_parse_address(const char *s, uint8_t out[20], pm_err *err);
/* Decimal text of an unsigned integer < 2^256 → 32-byte big-endian word. */
int poly_parse_uint256(const char *s, uint8_t out[32], pm_err *err);
/* "0x" + 64 hex digits → 32 bytes. */
int poly_parse_bytes32(const char *s, uint8_t out[32], pm_err *err);
void poly_word_u64(uint64_t v, uint8_t out[32]);
/* Lower-case "0x…" hex of n bytes into out (2n + 3 bytes). */
void poly_hex(const uint8_t *b, size_t n, char *out);
/* EIP-55 mixed-case checksummed "0x…" form of an address (what ethers' getAddress prints). */
void poly_address_checksum(const uint8_t a[20], char out[43]);

/* Domain separator; verifying_contract NULL gives the 3-field domain (name, version, chainId). */
void poly_domain_separator(const char *name, const char *version, uint64_t chain_id, const uint8_t *verifying_contract,
                           uint8_t out[32]);

typedef struct poly_order {
    uint8_t salt[32];
    uint8_t maker[20];
    uint8_t signer[20];
    uint8_t token_id[32];
    uint8_t maker_amount[32];
    uint8_t taker_amount[32];
    uint8_t side;            /* 0 BUY, 1 SELL */
    uint8_t signature_type;  /* 0 EOA, 1 POLY_PROXY, 2 POLY_GNOSIS_SAFE, 3 POLY_1271 */
    uint8_t timestamp[32];   /* milliseconds */
    uint8_t metadata[32];
    uint8_t builder[32];
} poly_order;

void poly_order_struct_hash(const poly_order *o, uint8_t out[32]);

/* ClobAuth(address address,string timestamp,uint256 nonce,string message) with the fixed message. */
void poly_clob_auth_struct_hash(const uint8_t address[20], const char *timestamp, uint64_t nonce, uint8_t out[32]);

/* keccak256(0x19 0x01 ‖ domain ‖ struct_hash). */
void poly_eip712_digest(const uint8_t domain[32], const uint8_t struct_hash[32], uint8_t out[32]);

#endif
