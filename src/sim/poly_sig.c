/* poly_sig.c — EIP-712 order signature checks of the simulated Polymarket
 * (../shared/research/polymarket.md §5): the exchange domain a market's orders must be
 * signed under, plain 65-byte signatures (EOA, POLY_PROXY, POLY_GNOSIS_SAFE: the recovered
 * address must be the order's signer), and the ERC-7739 TypedDataSign envelope of POLY_1271
 * deposit-wallet orders, whose inner signature is over
 *   TypedDataSign(Order contents,string name,string version,uint256 chainId,address verifyingContract,bytes32 salt)
 * with name "DepositWallet", version "1", the deposit wallet (the order's signer) as
 * verifyingContract and a zero salt, in the exchange's domain. */
#include "sim/poly_ledger.h"

#include "util/keccak.h"

#include <string.h>

static const char order_type[] =
    "Order(uint256 salt,address maker,address signer,uint256 tokenId,uint256 makerAmount,uint256 takerAmount,"
    "uint8 side,uint8 signatureType,uint256 timestamp,bytes32 metadata,bytes32 builder)";
static const char typed_data_sign[] =
    "TypedDataSign(Order contents,string name,string version,uint256 chainId,address verifyingContract,bytes32 salt)";

#define ORDER_TYPE_LEN (sizeof order_type - 1) /* 186 */
#define WRAPPED_LEN (65 + 32 + 32 + ORDER_TYPE_LEN + 2)

void sim_poly_exchange_domain(const sim_pmarket *m, uint64_t chain_id, uint8_t out[32]) {
    uint8_t contract[20];
    const char *addr = m->version == 2 ? POLY_EXCHANGE_V3 : m->neg_risk ? POLY_NEG_RISK_EXCHANGE_V2 : POLY_EXCHANGE_V2;
    poly_parse_address(addr, contract, NULL);
    poly_domain_separator(POLY_EXCHANGE_DOMAIN, m->version == 2 ? "3" : "2", chain_id, contract, out);
}

static void put_hash_of(pm_keccak *k, const char *s) {
    uint8_t h[32];
    pm_keccak256(s, strlen(s), h);
    pm_keccak_update(k, h, 32);
}

/* keccak256(typehash ‖ contents ‖ name ‖ version ‖ chainId ‖ verifyingContract ‖ salt). */
static void typed_data_sign_hash(const uint8_t contents[32], uint64_t chain_id, const uint8_t wallet[20], uint8_t out[32]) {
    pm_keccak k;
    uint8_t word[32];
    pm_keccak_init(&k);
    pm_keccak_update(&k, typed_data_sign, strlen(typed_data_sign));
    pm_keccak_update(&k, order_type, ORDER_TYPE_LEN);
    uint8_t typehash[32];
    pm_keccak_final(&k, typehash);
    pm_keccak_init(&k);
    pm_keccak_update(&k, typehash, 32);
    pm_keccak_update(&k, contents, 32);
    put_hash_of(&k, "DepositWallet");
    put_hash_of(&k, "1");
    poly_word_u64(chain_id, word);
    pm_keccak_update(&k, word, 32);
    memset(word, 0, 32);
    memcpy(word + 12, wallet, 20);
    pm_keccak_update(&k, word, 32);
    memset(word, 0, 32);
    pm_keccak_update(&k, word, 32);
    pm_keccak_final(&k, out);
}

int sim_poly_check_order_sig(const struct sim_poly_ledger *l, const poly_order *o, const uint8_t domain[32],
                             uint64_t chain_id, const uint8_t *sig, size_t len, const uint8_t owner[20]) {
    uint8_t sh[32], digest[32], who[20];
    poly_order_struct_hash(o, sh);
    if (o->signature_type != 3) {
        poly_eip712_digest(domain, sh, digest);
        return len == 65 && !sim_poly_recover(l, digest, sig, who) && !memcmp(who, o->signer, 20) ? 0 : -1;
    }
    if (len != WRAPPED_LEN) return -1;
    const uint8_t *app_domain = sig + 65, *contents = sig + 97, *type = sig + 129, *tail = type + ORDER_TYPE_LEN;
    if (memcmp(app_domain, domain, 32) || memcmp(contents, sh, 32) || memcmp(type, order_type, ORDER_TYPE_LEN) ||
        ((size_t)tail[0] << 8 | tail[1]) != ORDER_TYPE_LEN)
        return -1;
    uint8_t inner[32];
    typed_data_sign_hash(sh, chain_id, o->signer, inner);
    poly_eip712_digest(domain, inner, digest);
    return !sim_poly_recover(l, digest, sig, who) && !memcmp(who, owner, 20) ? 0 : -1;
}
