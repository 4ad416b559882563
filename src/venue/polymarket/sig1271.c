/* sig1271.c — POLY_1271 TypedDataSign digests and wire signatures (see sig1271.h). */
#include "venue/polymarket/sig1271.h"

#include "util/keccak.h"

#include <string.h>

static const char typed_data_sign_type[] =
    "TypedDataSign(Order contents,string name,string version,uint256 chainId,address verifyingContract,bytes32 salt)"
    POLY_ORDER_TYPE;

void poly_1271_wallet_init(poly_1271_wallet *w, uint64_t chain_id, const uint8_t wallet[20]) {
    pm_keccak256(typed_data_sign_type, sizeof typed_data_sign_type - 1, w->type_hash);
    pm_keccak256("DepositWallet", 13, w->name_hash);
    pm_keccak256("1", 1, w->version_hash);
    poly_word_u64(chain_id, w->chain_id);
    memset(w->wallet, 0, 12);
    memcpy(w->wallet + 12, wallet, 20);
}

void poly_1271_digest(const poly_1271_wallet *w, const uint8_t exchange_domain[32], const uint8_t order_hash[32],
                      uint8_t out[32]) {
    uint8_t buf[7 * 32];
    memcpy(buf, w->type_hash, 32);
    memcpy(buf + 32, order_hash, 32); /* contents: the Order's struct hash */
    memcpy(buf + 64, w->name_hash, 32);
    memcpy(buf + 96, w->version_hash, 32);
    memcpy(buf + 128, w->chain_id, 32);
    memcpy(buf + 160, w->wallet, 32);
    memset(buf + 192, 0, 32); /* salt */
    uint8_t sh[32];
    pm_keccak256(buf, sizeof buf, sh);
    poly_eip712_digest(exchange_domain, sh, out);
}

void poly_1271_signature(const uint8_t inner[65], const uint8_t exchange_domain[32], const uint8_t order_hash[32],
                         uint8_t out[POLY_1271_SIG_LEN]) {
    memcpy(out, inner, 65);
    memcpy(out + 65, exchange_domain, 32);
    memcpy(out + 97, order_hash, 32);
    memcpy(out + 129, POLY_ORDER_TYPE, POLY_ORDER_TYPE_LEN);
    out[129 + POLY_ORDER_TYPE_LEN] = (uint8_t)(POLY_ORDER_TYPE_LEN >> 8);
    out[130 + POLY_ORDER_TYPE_LEN] = (uint8_t)(POLY_ORDER_TYPE_LEN & 0xff);
}
