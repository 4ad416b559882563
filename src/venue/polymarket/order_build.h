/* order_build.h — Polymarket CLOB V2 orders for the executor's hot path: parameters → maker and
 * taker amounts → Order struct → EIP-712 hash (the venue's orderID) → signature → the exact JSON
 * body the official client (@polymarket/clob-client-v2 1.1.0, orderToJsonV2 + postOrder) POSTs
 * to /order, and the JSON array POSTed to /orders.
 *
 * A builder is set up once per account (wallet, signature type, funder, chain, API key): it
 * checks the account's shape, fixes maker and signer, and precomputes the domain separators of
 * the V2, V2 neg-risk and V3 exchanges and the POLY_1271 envelope's constants. Each order then
 * costs two Keccak-256 hashes (three for POLY_1271), one secp256k1 signature and some text,
 * writes only into the caller's structures and buffers, and allocates nothing. Salts come from a
 * pool the builder refills from the CSPRNG 64 at a time, so a builder belongs to one thread.
 *
 * Maker and signer follow the official client: maker = funder (or the EOA when there is none),
 * signer = the EOA, except POLY_1271 where the deposit wallet is both. Exchange: version 2 →
 * neg-risk ? V2 Neg Risk CTF Exchange : V2 CTF Exchange (domain version "2"); version 3 →
 * ExchangeV3 (domain version "3"; neg-risk plays no part). Limit orders (GTC/GTD) take a size
 * in shares; market orders (FOK/FAK) take, like the client, a collateral amount to BUY and a
 * size in shares to SELL (amounts.h, including its one deliberate deviation). */
#ifndef PM_VENUE_POLYMARKET_ORDER_BUILD_H
#define PM_VENUE_POLYMARKET_ORDER_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "core/market.h"
#include "core/money.h"
#include "util/err.h"
#include "venue/polymarket/amounts.h"
#include "venue/polymarket/sig1271.h"
#include "venue/polymarket/wallet.h"

typedef enum poly_order_type { POLY_ORDER_GTC = 0, POLY_ORDER_GTD, POLY_ORDER_FOK, POLY_ORDER_FAK } poly_order_type;

const char *poly_order_type_name(poly_order_type t);          /* "GTC" | "GTD" | "FOK" | "FAK" */
int poly_order_type_parse(const char *s, poly_order_type *out); /* 0, or -1 for another word */

#define POLY_SALT_MAX ((1ULL << 53) - 1) /* salts are JSON numbers: kept exact in an IEEE double */
#define POLY_SALT_RANDOM UINT64_MAX      /* poly_order_params.salt: draw one from the CSPRNG */
#define POLY_OWNER_MAX 128               /* longest API key accepted as the body's "owner" */
#define POLY_ORDER_BODY_MAX 2048         /* a /order body always fits */
#define POLY_BATCH_MAX 15                /* orders in one POST /orders */

typedef struct poly_builder_config {
    poly_wallet *wallet;       /* the EOA key (borrowed: must outlive the builder) */
    int signature_type;        /* 0 EOA, 1 POLY_PROXY, 2 POLY_GNOSIS_SAFE, 3 POLY_1271 */
    const char *funder;        /* "0x…" proxy / Safe / deposit wallet; NULL or the EOA itself for EOA */
    uint64_t chain_id;         /* 137 (Polygon) or 80002 (Amoy) */
    const char *owner;         /* the API key sent as "owner"; "" when there is none (as the client does) */
    int prepared_nonces;       /* sign with the wallet's prepared nonces while it has some (wallet.h):
                                  valid signatures, ~1 µs, but not the client's deterministic bytes */
} poly_builder_config;

typedef struct poly_order_builder {
    poly_wallet *wallet;
    int prepared_nonces;
    int signature_type;
    uint64_t chain_id;
    uint8_t maker[20], signer[20];
    char maker_text[43], signer_text[43]; /* EIP-55 checksummed, as the client prints them */
    char owner[POLY_OWNER_MAX + 1];
    uint8_t domain_v2[32], domain_v2_neg_risk[32], domain_v3[32];
    poly_1271_wallet deposit_wallet;      /* POLY_1271 only */
    uint64_t salts[64];                   /* CSPRNG salts not used yet: salts[0 .. salts_left) */
    int salts_left;
} poly_order_builder;

/* Checks the account: EOA must have maker == signer (no other funder); types 1–3 need a funder
 * that is not the EOA; the chain must be one the exchanges are deployed on. */
int poly_builder_init(poly_order_builder *b, const poly_builder_config *cfg, pm_err *err);

typedef struct poly_order_params {
    const char *token_id;       /* decimal text < 2^256, no leading zeros */
    pm_side side;
    pm_px_t price;              /* limit price; on the tick grid, within tick..1 − tick */
    pm_qty_t size;              /* shares: GTC/GTD, and FOK/FAK SELL; 0 for a market BUY */
    pm_usd_t amount;            /* collateral: FOK/FAK BUY only; 0 otherwise */
    pm_px_t tick;               /* the market's tick size */
    int neg_risk;               /* the market's neg-risk flag (selects the V2 exchange) */
    int exchange_version;       /* 2, or 3 for markets whose Gamma version is "v2" */
    poly_order_type order_type;
    int64_t expiration;         /* unix seconds, GTD only (0 = none for the others) */
    int64_t timestamp_ms;       /* creation time signed into the order; 0 = now */
    uint64_t salt;              /* ≤ POLY_SALT_MAX, or POLY_SALT_RANDOM */
    const uint8_t *builder;     /* bytes32 builder code, NULL = zero */
    const uint8_t *metadata;    /* bytes32, NULL = zero */
    int post_only;              /* GTC/GTD only */
    int defer_exec;
} poly_order_params;

/* Defaults: GTC, exchange version 2, random salt, timestamp now, everything else zero. */
void poly_order_params_init(poly_order_params *p);

typedef struct poly_signed_order {
    poly_amounts amounts;
    uint64_t salt;
    int64_t timestamp_ms;
    uint8_t struct_hash[32];
    uint8_t hash[32];                    /* EIP-712 digest of the Order: the venue's orderID */
    uint8_t signature[POLY_1271_SIG_LEN];
    size_t signature_len;                /* 65, or POLY_1271_SIG_LEN for POLY_1271 */
} poly_signed_order;

/* Validates p and computes its amounts: -1 with err for parameters the venue (or the official
 * client) would refuse. */
int poly_order_check(const poly_order_params *p, poly_amounts *out, pm_err *err);

/* poly_order_check, then the salt, timestamp, hashes and signature. */
int poly_order_sign(poly_order_builder *b, const poly_order_params *p, poly_signed_order *out, pm_err *err);

/* The /order body (NUL-terminated, compact JSON, the official client's field order) into buf;
 * returns its length, or -1 with err when cap is too small. p and o as given to poly_order_sign. */
int poly_order_body(const poly_order_builder *b, const poly_order_params *p, const poly_signed_order *o, char *buf,
                    size_t cap, pm_err *err);

/* The /orders body: the JSON array of n (1..POLY_BATCH_MAX) order bodies. Returns its length or -1. */
int poly_batch_body(const char *const *bodies, size_t n, char *buf, size_t cap, pm_err *err);

#endif
