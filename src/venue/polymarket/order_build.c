/* order_build.c — Polymarket order building, signing and /order bodies (see order_build.h). */
#include "venue/polymarket/order_build.h"

#include "core/poly_amount.h"
#include "util/clock.h"
#include "venue/polymarket/eip712.h"

#include <openssl/rand.h>
#include <string.h>

static const char *const order_type_names[] = {"GTC", "GTD", "FOK", "FAK"};

const char *poly_order_type_name(poly_order_type t) {
    return (unsigned)t < sizeof order_type_names / sizeof order_type_names[0] ? order_type_names[t] : "?";
}

int poly_order_type_parse(const char *s, poly_order_type *out) {
    for (size_t i = 0; i < sizeof order_type_names / sizeof order_type_names[0]; i++)
        if (!strcmp(s, order_type_names[i])) {
            *out = (poly_order_type)i;
            return 0;
        }
    return -1;
}

void poly_order_params_init(poly_order_params *p) {
    memset(p, 0, sizeof *p);
    p->order_type = POLY_ORDER_GTC;
    p->exchange_version = 2;
    p->salt = POLY_SALT_RANDOM;
}

static int exchange_domain(uint64_t chain_id, const char *address, const char *version, uint8_t out[32], pm_err *err) {
    uint8_t contract[20];
    if (poly_parse_address(address, contract, err)) return -1;
    poly_domain_separator(POLY_EXCHANGE_DOMAIN, version, chain_id, contract, out);
    return 0;
}

int poly_builder_init(poly_order_builder *b, const poly_builder_config *cfg, pm_err *err) {
    memset(b, 0, sizeof *b);
    if (!cfg->wallet) return pm_err_set(err, "no Polymarket wallet");
    if (cfg->chain_id != 137 && cfg->chain_id != 80002)
        return pm_err_set(err, "chain id %llu has no Polymarket exchange (137 Polygon, 80002 Amoy)",
                          (unsigned long long)cfg->chain_id);
    if (cfg->signature_type < 0 || cfg->signature_type > 3)
        return pm_err_set(err, "signature type %d is not 0 (EOA), 1 (POLY_PROXY), 2 (POLY_GNOSIS_SAFE) or 3 (POLY_1271)",
                          cfg->signature_type);
    const char *owner = cfg->owner ? cfg->owner : "";
    if (strlen(owner) > POLY_OWNER_MAX) return pm_err_set(err, "the Polymarket API key is longer than %d characters", POLY_OWNER_MAX);
    for (const char *c = owner; *c; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e || *c == '"' || *c == '\\')
            return pm_err_set(err, "the Polymarket API key has a character that is not allowed in it");
    strcpy(b->owner, owner);
    b->wallet = cfg->wallet;
    b->prepared_nonces = cfg->prepared_nonces;
    b->signature_type = cfg->signature_type;
    b->chain_id = cfg->chain_id;
    uint8_t eoa[20];
    poly_wallet_address(cfg->wallet, eoa);
    if (cfg->funder && *cfg->funder) {
        if (poly_parse_address(cfg->funder, b->maker, NULL))
            return pm_err_set(err, "the funder address '%.60s' is not 0x followed by 40 hex digits", cfg->funder);
    } else {
        memcpy(b->maker, eoa, 20);
    }
    int funder_is_eoa = !memcmp(b->maker, eoa, 20);
    if (cfg->signature_type == 0 && !funder_is_eoa)
        return pm_err_set(err, "signature type 0 (EOA) signs for the key's own address: the funder must be empty or that address");
    if (cfg->signature_type != 0 && funder_is_eoa)
        return pm_err_set(err, "signature type %d needs a funder (the proxy, Safe or deposit wallet address) other than the key's own address",
                          cfg->signature_type);
    memcpy(b->signer, cfg->signature_type == 3 ? b->maker : eoa, 20);
    poly_address_checksum(b->maker, b->maker_text);
    poly_address_checksum(b->signer, b->signer_text);
    if (exchange_domain(b->chain_id, POLY_EXCHANGE_V2, "2", b->domain_v2, err) ||
        exchange_domain(b->chain_id, POLY_NEG_RISK_EXCHANGE_V2, "2", b->domain_v2_neg_risk, err) ||
        exchange_domain(b->chain_id, b->chain_id == 137 ? POLY_EXCHANGE_V3 : POLY_EXCHANGE_V3_AMOY, "3", b->domain_v3, err))
        return -1;
    poly_1271_wallet_init(&b->deposit_wallet, b->chain_id, b->maker);
    return 0;
}

static int is_market(poly_order_type t) { return t == POLY_ORDER_FOK || t == POLY_ORDER_FAK; }

static int check_params(const poly_order_params *p, pm_err *err) {
    if (!p->token_id || !*p->token_id) return pm_err_set(err, "no token id");
    if (p->token_id[0] == '0' && p->token_id[1]) return pm_err_set(err, "token id '%.80s' has a leading zero", p->token_id);
    size_t digits = strspn(p->token_id, "0123456789");
    if (p->token_id[digits] || digits > 78) return pm_err_set(err, "token id '%.80s' is not a uint256 in decimal", p->token_id);
    if (p->side != PM_SIDE_BUY && p->side != PM_SIDE_SELL) return pm_err_set(err, "side must be BUY or SELL");
    if ((unsigned)p->order_type > POLY_ORDER_FAK) return pm_err_set(err, "unknown order type");
    if (p->exchange_version != 2 && p->exchange_version != 3)
        return pm_err_set(err, "exchange version must be 2 or 3, not %d", p->exchange_version);
    if (pm_poly_price_decimals(p->tick) < 0)
        return pm_err_set(err, "tick size %lld micro-dollars is not one Polymarket uses (0.1, 0.01, 0.005, 0.0025, 0.001, 0.0001)",
                          (long long)p->tick);
    if (p->price < p->tick || p->price > PM_PX_ONE - p->tick || p->price % p->tick)
        return pm_err_set(err, "price %lld micro-dollars is not a multiple of the tick (%lld) within tick..1 − tick",
                          (long long)p->price, (long long)p->tick);
    int market_buy = is_market(p->order_type) && p->side == PM_SIDE_BUY;
    if (market_buy && (p->size != 0 || p->amount <= 0))
        return pm_err_set(err, "a %s BUY is sized in collateral: give an amount, not a size", poly_order_type_name(p->order_type));
    if (!market_buy && (p->amount != 0 || p->size <= 0))
        return pm_err_set(err, "a %s %s is sized in shares: give a size, not an amount", poly_order_type_name(p->order_type),
                          p->side == PM_SIDE_BUY ? "BUY" : "SELL");
    if (p->order_type == POLY_ORDER_GTD && p->expiration <= 0) return pm_err_set(err, "a GTD order needs an expiration");
    if (p->order_type != POLY_ORDER_GTD && p->expiration != 0)
        return pm_err_set(err, "only GTD orders may have an expiration (this is %s)", poly_order_type_name(p->order_type));
    if (p->post_only && is_market(p->order_type))
        return pm_err_set(err, "postOnly is not supported for FOK/FAK orders");
    if (p->timestamp_ms < 0) return pm_err_set(err, "the timestamp must not be negative");
    if (p->salt != POLY_SALT_RANDOM && p->salt > POLY_SALT_MAX) return pm_err_set(err, "the salt must be below 2^53");
    return 0;
}

int poly_order_check(const poly_order_params *p, poly_amounts *out, pm_err *err) {
    if (check_params(p, err)) return -1;
    if (is_market(p->order_type))
        return poly_market_amounts(p->side, p->price, p->side == PM_SIDE_BUY ? p->amount : p->size, p->tick, out, err);
    return poly_limit_amounts(p->side, p->price, p->size, p->tick, out, err);
}

/* The next pooled salt, refilling the pool with one CSPRNG call when it is empty. */
static int next_salt(poly_order_builder *b, uint64_t *out, pm_err *err) {
    if (b->salts_left == 0) {
        if (RAND_bytes((unsigned char *)b->salts, sizeof b->salts) != 1) return pm_err_set(err, "the CSPRNG (RAND_bytes) failed");
        b->salts_left = (int)(sizeof b->salts / sizeof b->salts[0]);
    }
    *out = b->salts[--b->salts_left] & POLY_SALT_MAX; /* uniform below 2^53 */
    return 0;
}

static int sign_digest(poly_order_builder *b, const uint8_t digest[32], uint8_t sig[65], pm_err *err) {
    return b->prepared_nonces ? poly_wallet_sign_prepared(b->wallet, digest, sig, err) : poly_wallet_sign(b->wallet, digest, sig, err);
}

int poly_order_sign(poly_order_builder *b, const poly_order_params *p, poly_signed_order *out, pm_err *err) {
    if (poly_order_check(p, &out->amounts, err)) return -1;
    poly_order o;
    if (poly_parse_uint256(p->token_id, o.token_id, err)) return -1;
    out->salt = p->salt;
    if (p->salt == POLY_SALT_RANDOM && next_salt(b, &out->salt, err)) return -1;
    out->timestamp_ms = p->timestamp_ms ? p->timestamp_ms : pm_wall_ns() / 1000000;
    poly_word_u64(out->salt, o.salt);
    memcpy(o.maker, b->maker, 20);
    memcpy(o.signer, b->signer, 20);
    poly_word_u64((uint64_t)out->amounts.maker_amount, o.maker_amount);
    poly_word_u64((uint64_t)out->amounts.taker_amount, o.taker_amount);
    o.side = p->side == PM_SIDE_BUY ? 0 : 1;
    o.signature_type = (uint8_t)b->signature_type;
    poly_word_u64((uint64_t)out->timestamp_ms, o.timestamp);
    if (p->metadata) memcpy(o.metadata, p->metadata, 32);
    else memset(o.metadata, 0, 32);
    if (p->builder) memcpy(o.builder, p->builder, 32);
    else memset(o.builder, 0, 32);
    const uint8_t *domain = p->exchange_version == 3 ? b->domain_v3 : p->neg_risk ? b->domain_v2_neg_risk : b->domain_v2;
    poly_order_struct_hash(&o, out->struct_hash);
    poly_eip712_digest(domain, out->struct_hash, out->hash);
    if (b->signature_type != 3) {
        out->signature_len = 65;
        return sign_digest(b, out->hash, out->signature, err);
    }
    uint8_t digest[32], inner[65];
    poly_1271_digest(&b->deposit_wallet, domain, out->struct_hash, digest);
    if (sign_digest(b, digest, inner, err)) return -1;
    poly_1271_signature(inner, domain, out->struct_hash, out->signature);
    out->signature_len = POLY_1271_SIG_LEN;
    return 0;
}

/* Appends to a caller's buffer; `over` records that it ran out of room. */
typedef struct out_buf {
    char *p, *end;
    int over;
} out_buf;

static void put(out_buf *o, const char *s, size_t n) {
    if ((size_t)(o->end - o->p) <= n) {
        o->over = 1;
        return;
    }
    memcpy(o->p, s, n);
    o->p += n;
}

#define PUT_LIT(o, lit) put(o, lit, sizeof lit - 1)

static void put_str(out_buf *o, const char *s) { put(o, s, strlen(s)); }

static void put_u64(out_buf *o, uint64_t v) {
    char tmp[20];
    int n = 0;
    do {
        tmp[sizeof tmp - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put(o, tmp + sizeof tmp - n, (size_t)n);
}

static void put_hex(out_buf *o, const uint8_t *bytes, size_t n) {
    static const char digits[] = "0123456789abcdef";
    if ((size_t)(o->end - o->p) <= 2 + 2 * n) {
        o->over = 1;
        return;
    }
    char *q = o->p;
    *q++ = '0';
    *q++ = 'x';
    for (size_t i = 0; i < n; i++, q += 2) {
        q[0] = digits[bytes[i] >> 4];
        q[1] = digits[bytes[i] & 15];
    }
    o->p = q;
}

static const char zero32_hex[] = "0x0000000000000000000000000000000000000000000000000000000000000000";

static void put_bytes32(out_buf *o, const uint8_t *b32) {
    if (b32) put_hex(o, b32, 32);
    else PUT_LIT(o, zero32_hex);
}

int poly_order_body(const poly_order_builder *b, const poly_order_params *p, const poly_signed_order *s, char *buf,
                    size_t cap, pm_err *err) {
    out_buf o = {buf, buf + cap, 0};
    if (p->defer_exec) PUT_LIT(&o, "{\"deferExec\":true");
    else PUT_LIT(&o, "{\"deferExec\":false");
    if (p->post_only) PUT_LIT(&o, ",\"postOnly\":true,\"order\":{\"salt\":");
    else PUT_LIT(&o, ",\"postOnly\":false,\"order\":{\"salt\":");
    put_u64(&o, s->salt);
    PUT_LIT(&o, ",\"maker\":\"");
    put(&o, b->maker_text, 42);
    PUT_LIT(&o, "\",\"signer\":\"");
    put(&o, b->signer_text, 42);
    PUT_LIT(&o, "\",\"tokenId\":\"");
    put_str(&o, p->token_id);
    PUT_LIT(&o, "\",\"makerAmount\":\"");
    put_u64(&o, (uint64_t)s->amounts.maker_amount);
    PUT_LIT(&o, "\",\"takerAmount\":\"");
    put_u64(&o, (uint64_t)s->amounts.taker_amount);
    if (p->side == PM_SIDE_BUY) PUT_LIT(&o, "\",\"side\":\"BUY\",\"signatureType\":");
    else PUT_LIT(&o, "\",\"side\":\"SELL\",\"signatureType\":");
    put_u64(&o, (uint64_t)b->signature_type);
    PUT_LIT(&o, ",\"timestamp\":\"");
    put_u64(&o, (uint64_t)s->timestamp_ms);
    PUT_LIT(&o, "\",\"expiration\":\"");
    put_u64(&o, (uint64_t)p->expiration);
    PUT_LIT(&o, "\",\"metadata\":\"");
    put_bytes32(&o, p->metadata);
    PUT_LIT(&o, "\",\"builder\":\"");
    put_bytes32(&o, p->builder);
    PUT_LIT(&o, "\",\"signature\":\"");
    put_hex(&o, s->signature, s->signature_len);
    PUT_LIT(&o, "\"},\"owner\":\"");
    put_str(&o, b->owner);
    PUT_LIT(&o, "\",\"orderType\":\"");
    put_str(&o, poly_order_type_name(p->order_type));
    PUT_LIT(&o, "\"}");
    if (o.over || o.p >= o.end) return pm_err_set(err, "the order body does not fit in %zu bytes", cap);
    *o.p = '\0';
    return (int)(o.p - buf);
}

int poly_batch_body(const char *const *bodies, size_t n, char *buf, size_t cap, pm_err *err) {
    if (n == 0 || n > POLY_BATCH_MAX) return pm_err_set(err, "a batch holds 1 to %d orders, not %zu", POLY_BATCH_MAX, n);
    out_buf o = {buf, buf + cap, 0};
    PUT_LIT(&o, "[");
    for (size_t i = 0; i < n; i++) {
        if (i) PUT_LIT(&o, ",");
        put_str(&o, bodies[i]);
    }
    PUT_LIT(&o, "]");
    if (o.over || o.p >= o.end) return pm_err_set(err, "the batch body does not fit in %zu bytes", cap);
    *o.p = '\0';
    return (int)(o.p - buf);
}
