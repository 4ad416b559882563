/* poly_auth.c — the simulated Polymarket's API keys: L1 creation and derivation behind an
 * EIP-712 ClobAuth signature (POLY_ADDRESS, POLY_SIGNATURE, POLY_TIMESTAMP, POLY_NONCE; the
 * recovered signer must be POLY_ADDRESS), L2 HMAC-SHA256 checks on the private endpoints, and
 * the credentials check of the user WebSocket channel. One key per (address, nonce), as the
 * venue: creating it twice answers "Could not create api key", deriving one never created
 * answers "Could not derive api key!" (docs.polymarket.com/resources/error-codes). */
#include "sim/poly_ledger.h"

#include "util/clock.h"
#include "util/keccak.h"
#include "venue/polymarket/l2auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNAUTHORIZED "{\"error\":\"Unauthorized/Invalid api key\"}"
#define BAD_L1 "{\"error\":\"Invalid L1 Request headers\"}"

void sim_poly_address_text(const uint8_t a[20], char out[43]) { poly_hex(a, 20, out); }

int sim_poly_recover(const struct sim_poly_ledger *l, const uint8_t digest[32], const uint8_t sig[65], uint8_t addr[20]) {
    if (sig[64] != 27 && sig[64] != 28) return -1;
    secp256k1_ecdsa_recoverable_signature rs;
    secp256k1_pubkey pub;
    uint8_t ser[65];
    size_t len = sizeof ser;
    if (!secp256k1_ecdsa_recoverable_signature_parse_compact(l->secp, &rs, sig, sig[64] - 27) ||
        !secp256k1_ecdsa_recover(l->secp, &pub, &rs, digest) ||
        !secp256k1_ec_pubkey_serialize(l->secp, ser, &len, &pub, SECP256K1_EC_UNCOMPRESSED))
        return -1;
    uint8_t h[32];
    pm_keccak256(ser + 1, 64, h);
    memcpy(addr, h + 12, 20);
    return 0;
}

/* "0x" + 130 hex digits → 65 bytes. */
static int parse_sig65(const char *s, uint8_t out[65]) {
    if (strlen(s) != 132 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return -1;
    for (int i = 0; i < 65; i++) {
        unsigned v;
        if (sscanf(s + 2 + 2 * i, "%2x", &v) != 1) return -1;
        out[i] = (uint8_t)v;
    }
    return 0;
}

static int fresh(const char *ts) {
    char *end;
    long long t = strtoll(ts, &end, 10);
    long long now = (long long)(pm_wall_ns() / 1000000000);
    return *ts && !*end && t > 0 && llabs(now - t) <= SIM_POLY_AUTH_SKEW_S;
}

static int account_of(struct sim_poly_ledger *l, const sim_poly *p, const uint8_t address[20]) {
    for (int i = 0; i < l->naccounts; i++)
        if (!memcmp(l->accounts[i].address, address, 20)) return i;
    if (l->naccounts == l->capaccounts) {
        int cap = l->capaccounts ? 2 * l->capaccounts : 8;
        sim_paccount *grown = realloc(l->accounts, (size_t)cap * sizeof *grown);
        if (!grown) return -1;
        l->accounts = grown;
        l->capaccounts = cap;
    }
    sim_paccount *a = &l->accounts[l->naccounts];
    a->position = calloc((size_t)p->nmarkets * 2 + 1, sizeof *a->position);
    if (!a->position) return -1;
    memcpy(a->address, address, 20);
    a->balance = l->starting_balance; /* a new wallet is credited once */
    return l->naccounts++;
}

static int random_hex(char *out, int bytes) {
    unsigned char b[64];
    if (RAND_bytes(b, bytes) != 1) return -1; /* no CSPRNG: nothing safe to hand out */
    for (int i = 0; i < bytes; i++) sprintf(out + 2 * i, "%02x", b[i]);
    return 0;
}

static int new_key(struct sim_poly_ledger *l, const sim_poly *p, const uint8_t address[20], uint64_t nonce) {
    int account = account_of(l, p, address);
    if (account < 0) return -1;
    if (l->nkeys == l->capkeys) {
        int cap = l->capkeys ? 2 * l->capkeys : 8;
        sim_pkey *grown = realloc(l->keys, (size_t)cap * sizeof *grown);
        if (!grown) return -1;
        l->keys = grown;
        l->capkeys = cap;
    }
    sim_pkey *k = &l->keys[l->nkeys];
    memset(k, 0, sizeof *k);
    unsigned char raw[32];
    if (pm_uuid_v7(k->api_key) || RAND_bytes(raw, sizeof raw) != 1) return -1;
    EVP_EncodeBlock((unsigned char *)k->secret, raw, sizeof raw);
    for (char *c = k->secret; *c; c++) *c = *c == '+' ? '-' : *c == '/' ? '_' : *c; /* base64url, '=' kept */
    OPENSSL_cleanse(raw, sizeof raw);
    if (random_hex(k->passphrase, 32)) return -1;
    memcpy(k->address, address, 20);
    k->nonce = nonce;
    k->account = account;
    return l->nkeys++;
}

void sim_poly_l1_keys(sim_poly *p, const sim_request *req, int create, sim_response *res) {
    struct sim_poly_ledger *l = p->ledger;
    char addr_text[64], sig_text[160], ts[32], nonce_text[32] = "0";
    uint8_t addr[20], sig[65], recovered[20], sh[32], dom[32], digest[32];
    if (sim_request_header(req, "POLY_ADDRESS", addr_text, sizeof addr_text) < 0 ||
        sim_request_header(req, "POLY_SIGNATURE", sig_text, sizeof sig_text) < 0 ||
        sim_request_header(req, "POLY_TIMESTAMP", ts, sizeof ts) < 0 || poly_parse_address(addr_text, addr, NULL) ||
        parse_sig65(sig_text, sig) || !fresh(ts))
        return sim_respondf(res, 401, BAD_L1);
    sim_request_header(req, "POLY_NONCE", nonce_text, sizeof nonce_text); /* absent: 0, as the client's default */
    char *end;
    unsigned long long nonce = strtoull(nonce_text, &end, 10);
    if (*end || nonce_text[0] < '0' || nonce_text[0] > '9') return sim_respondf(res, 401, BAD_L1);
    poly_clob_auth_struct_hash(addr, ts, nonce, sh);
    poly_domain_separator("ClobAuthDomain", "1", SIM_POLY_CHAIN_ID, NULL, dom);
    poly_eip712_digest(dom, sh, digest);
    if (sim_poly_recover(l, digest, sig, recovered) || memcmp(recovered, addr, 20)) return sim_respondf(res, 401, BAD_L1);
    int found = -1;
    for (int i = 0; i < l->nkeys; i++)
        if (!memcmp(l->keys[i].address, addr, 20) && l->keys[i].nonce == nonce) found = i;
    if (create) {
        if (found >= 0) return sim_respondf(res, 400, "{\"error\":\"Could not create api key\"}");
        found = new_key(l, p, addr, nonce);
        if (found < 0) return sim_respondf(res, 500, "{\"error\":\"Could not create api key\"}");
    } else if (found < 0) {
        return sim_respondf(res, 400, "{\"error\":\"Could not derive api key!\"}");
    }
    const sim_pkey *k = &l->keys[found];
    sim_respondf(res, 200, "{\"apiKey\":\"%s\",\"secret\":\"%s\",\"passphrase\":\"%s\"}", k->api_key, k->secret,
                 k->passphrase);
}

int sim_poly_l2_key(sim_poly *p, const sim_request *req) {
    struct sim_poly_ledger *l = p->ledger;
    char addr_text[64], sig[64], ts[32], key[64], pass[80], want[POLY_L2_SIG_LEN];
    uint8_t addr[20];
    if (sim_request_header(req, "POLY_ADDRESS", addr_text, sizeof addr_text) < 0 ||
        sim_request_header(req, "POLY_SIGNATURE", sig, sizeof sig) < 0 ||
        sim_request_header(req, "POLY_TIMESTAMP", ts, sizeof ts) < 0 ||
        sim_request_header(req, "POLY_API_KEY", key, sizeof key) < 0 ||
        sim_request_header(req, "POLY_PASSPHRASE", pass, sizeof pass) < 0 || poly_parse_address(addr_text, addr, NULL) ||
        !fresh(ts))
        return -1;
    for (int i = 0; i < l->nkeys; i++) {
        const sim_pkey *k = &l->keys[i];
        if (strcmp(k->api_key, key)) continue;
        if (strcmp(k->passphrase, pass) || memcmp(k->address, addr, 20)) return -1;
        if (poly_l2_signature(k->secret, ts, req->method, req->path, req->body_len ? req->body : NULL, want, NULL))
            return -1;
        return strlen(sig) == strlen(want) && CRYPTO_memcmp(want, sig, strlen(want)) == 0 ? i : -1;
    }
    return -1;
}

int sim_poly_user_auth(sim_poly *p, const char *api_key, const char *secret, const char *passphrase) {
    const struct sim_poly_ledger *l = p->ledger;
    for (int i = 0; l && api_key && secret && passphrase && i < l->nkeys; i++)
        if (!strcmp(l->keys[i].api_key, api_key))
            return strcmp(l->keys[i].secret, secret) || strcmp(l->keys[i].passphrase, passphrase) ? -1 : 0;
    return -1;
}

int sim_poly_ledger_init(sim_poly *p, int64_t starting_balance, pm_err *err) {
    struct sim_poly_ledger *l = calloc(1, sizeof *l);
    if (!l) return pm_err_set(err, "out of memory");
    l->starting_balance = starting_balance;
    l->secp = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    if (!l->secp) {
        free(l);
        return pm_err_set(err, "cannot create a secp256k1 context");
    }
    p->ledger = l;
    return 0;
}

void sim_poly_ledger_free(sim_poly *p) {
    struct sim_poly_ledger *l = p->ledger;
    if (!l) return;
    for (int i = 0; i < l->naccounts; i++) free(l->accounts[i].position);
    OPENSSL_cleanse(l->keys, (size_t)l->capkeys * sizeof *l->keys);
    free(l->keys);
    free(l->accounts);
    free(l->orders);
    free(l->trades);
    free(l->seen);
    secp256k1_context_destroy(l->secp);
    free(l);
    p->ledger = NULL;
}
