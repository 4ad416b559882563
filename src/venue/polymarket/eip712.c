/* eip712.c — EIP-712 encoding and hashing for Polymarket (see eip712.h). */
#include "venue/polymarket/eip712.h"

#include "util/keccak.h"

#include <stdio.h>
#include <string.h>

/* keccak256(POLY_ORDER_TYPE), precomputed: hashing the 186-byte type string would double the
 * Keccak work of every order (the official struct-hash vectors in test_polymarket_signing pin it). */
static const uint8_t order_type_hash[32] = {0xbb, 0x86, 0x31, 0x8a, 0x21, 0x38, 0xf5, 0xfa, 0x8a, 0xe3, 0x2f, 0xbe, 0x8e, 0x65, 0x9f, 0x8f, 0xcf, 0x13, 0xcc, 0x6a, 0xe4, 0x01, 0x4a, 0x70, 0x78, 0x93, 0x05, 0x54, 0x33, 0x81, 0x85, 0x89};
static const char clob_auth_type[] = "ClobAuth(address address,string timestamp,uint256 nonce,string message)";
static const char clob_auth_message[] = "This message attests that I control the given wallet";

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int parse_hex(const char *s, uint8_t *out, size_t n, const char *what, pm_err *err) {
    if (!s || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || strlen(s) != 2 + 2 * n)
        return pm_err_set(err, "%s must be 0x followed by %zu hex digits", what, 2 * n);
    for (size_t i = 0; i < n; i++) {
        int hi = hexval(s[2 + 2 * i]), lo = hexval(s[3 + 2 * i]);
        if (hi < 0 || lo < 0) return pm_err_set(err, "%s has a character that is not hex", what);
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

int poly_parse_address(const char *s, uint8_t out[20], pm_err *err) { return parse_hex(s, out, 20, "address", err); }
int poly_parse_bytes32(const char *s, uint8_t out[32], pm_err *err) { return parse_hex(s, out, 32, "bytes32", err); }

int poly_parse_uint256(const char *s, uint8_t out[32], pm_err *err) {
    memset(out, 0, 32);
    size_t len = s ? strlen(s) : 0;
    if (len == 0 || len > 78) return pm_err_set(err, "'%.80s' is not a uint256 in decimal", s ? s : "");
    uint64_t limb[4] = {0}; /* little-endian 64-bit limbs */
    for (size_t i = 0; i < len;) {
        uint64_t chunk = 0, scale = 1; /* up to 19 digits at a time: limb = limb × 10^k + chunk */
        for (int k = 0; k < 19 && i < len; k++, i++) {
            if (s[i] < '0' || s[i] > '9') return pm_err_set(err, "'%.80s' is not a uint256 in decimal", s);
            chunk = chunk * 10 + (uint64_t)(s[i] - '0');
            scale *= 10;
        }
        unsigned __int128 carry = chunk;
        for (int j = 0; j < 4; j++) {
            unsigned __int128 v = (unsigned __int128)limb[j] * scale + carry;
            limb[j] = (uint64_t)v;
            carry = v >> 64;
        }
        if (carry) return pm_err_set(err, "'%.80s' does not fit in 256 bits", s);
    }
    for (int j = 0; j < 4; j++)
        for (int b = 0; b < 8; b++) out[31 - 8 * j - b] = (uint8_t)(limb[j] >> (8 * b));
    return 0;
}

void poly_address_checksum(const uint8_t a[20], char out[43]) {
    poly_hex(a, 20, out);
    uint8_t h[32];
    pm_keccak256(out + 2, 40, h); /* EIP-55: hash of the lower-case hex digits */
    for (int i = 0; i < 40; i++) {
        int nibble = (h[i / 2] >> (i % 2 ? 0 : 4)) & 15;
        if (nibble >= 8 && out[2 + i] >= 'a') out[2 + i] = (char)(out[2 + i] - 'a' + 'A');
    }
}

void poly_word_u64(uint64_t v, uint8_t out[32]) {
    memset(out, 0, 32);
    for (int i = 0; i < 8; i++) out[31 - i] = (uint8_t)(v >> (8 * i));
}

void poly_hex(const uint8_t *b, size_t n, char *out) {
    static const char digits[] = "0123456789abcdef";
    out[0] = '0';
    out[1] = 'x';
    for (size_t i = 0; i < n; i++) {
        out[2 + 2 * i] = digits[b[i] >> 4];
        out[3 + 2 * i] = digits[b[i] & 15];
    }
    out[2 + 2 * n] = '\0';
}

static void put_address(pm_keccak *k, const uint8_t a[20]) {
    uint8_t word[32] = {0};
    memcpy(word + 12, a, 20);
    pm_keccak_update(k, word, 32);
}

static void put_string_hash(pm_keccak *k, const char *s) {
    uint8_t h[32];
    pm_keccak256(s, strlen(s), h);
    pm_keccak_update(k, h, 32);
}

void poly_domain_separator(const char *name, const char *version, uint64_t chain_id, const uint8_t *verifying_contract,
                           uint8_t out[32]) {
    pm_keccak k;
    uint8_t word[32];
    pm_keccak_init(&k);
    put_string_hash(&k, verifying_contract ? "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
                                           : "EIP712Domain(string name,string version,uint256 chainId)");
    put_string_hash(&k, name);
    put_string_hash(&k, version);
    poly_word_u64(chain_id, word);
    pm_keccak_update(&k, word, 32);
    if (verifying_contract) put_address(&k, verifying_contract);
    pm_keccak_final(&k, out);
}

void poly_order_struct_hash(const poly_order *o, uint8_t out[32]) {
    pm_keccak k;
    uint8_t word[32];
    pm_keccak_init(&k);
    pm_keccak_update(&k, order_type_hash, 32);
    pm_keccak_update(&k, o->salt, 32);
    put_address(&k, o->maker);
    put_address(&k, o->signer);
    pm_keccak_update(&k, o->token_id, 32);
    pm_keccak_update(&k, o->maker_amount, 32);
    pm_keccak_update(&k, o->taker_amount, 32);
    poly_word_u64(o->side, word);
    pm_keccak_update(&k, word, 32);
    poly_word_u64(o->signature_type, word);
    pm_keccak_update(&k, word, 32);
    pm_keccak_update(&k, o->timestamp, 32);
    pm_keccak_update(&k, o->metadata, 32);
    pm_keccak_update(&k, o->builder, 32);
    pm_keccak_final(&k, out);
}

void poly_clob_auth_struct_hash(const uint8_t address[20], const char *timestamp, uint64_t nonce, uint8_t out[32]) {
    pm_keccak k;
    uint8_t word[32];
    pm_keccak_init(&k);
    put_string_hash(&k, clob_auth_type);
    put_address(&k, address);
    put_string_hash(&k, timestamp);
    poly_word_u64(nonce, word);
    pm_keccak_update(&k, word, 32);
    put_string_hash(&k, clob_auth_message);
    pm_keccak_final(&k, out);
}

void poly_eip712_digest(const uint8_t domain[32], const uint8_t struct_hash[32], uint8_t out[32]) {
    uint8_t buf[66] = {0x19, 0x01};
    memcpy(buf + 2, domain, 32);
    memcpy(buf + 34, struct_hash, 32);
    pm_keccak256(buf, sizeof buf, out);
}
