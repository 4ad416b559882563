/* test_sim_poly_orders.c — the order half of the simulated Polymarket over real sockets. API
 * keys from ClobAuth signatures (derive before create refused, create once, derive the same
 * key; a ClobAuth signed by another wallet refused), L2 HMAC checks, a FOK buy filled with
 * exact cost, taker fee in shares, balance and position; a FOK that cannot fill killed; a FAK
 * filled partially; a GTC resting on the book, listed and cancelled; a bad signature, the wrong
 * exchange domain and a wrong owner refused with the venue's texts; a POLY_1271 order in its
 * ERC-7739 envelope accepted; neg-risk and ExchangeV3 markets signed for their exchanges; amount precision per tick; a batch with per-order results; the user channel's order
 * (PLACEMENT, CANCELLATION) and trade messages; the partial_fill fault (a FAK matches half its
 * size in hundredths of a share, consistently in its answer, trades, user channel and admin
 * listing; a FOK is killed; a GTC untouched). Orders are signed here from the
 * EIP-712 primitives, not with the simulator's code. Also the envelope check against the
 * official POLY_1271 vector. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/poly_fee.h"
#include "net/http.h"
#include "net/ws_client.h"
#include "sim/poly_ledger.h"
#include "testutil.h"
#include "util/clock.h"
#include "util/keccak.h"
#include "util/log.h"
#include "venue/polymarket/eip712.h"
#include "venue/polymarket/l2auth.h"
#include "venue/polymarket/wallet.h"

#define KEY_A "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
#define KEY_B "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
#define ZERO32 "0x0000000000000000000000000000000000000000000000000000000000000000"

typedef struct market {
    char cid[67], yes[80], no[80];
    pm_px_t tick;
    pm_qty_t min_size;
    int neg_risk;
    int v3;                   /* signed for ExchangeV3 (a Gamma "v2" market) */
} market;

typedef struct fixture {
    pm_test_proc sim;
    char clob[256], gamma[256], ws[256];
    pm_http *http;
    poly_wallet *wallet;
    uint8_t addr[20];
    char addr_text[43];
    char key[64], secret[64], pass[80];
    market m;
    uint64_t salt;
} fixture;

/* --- HTTP --- */

static long call(fixture *f, const char *method, const char *path, const char *query, const char *body,
                 const char *const *extra, int l2, json_t **out) {
    char url[1024], h[5][256], ts[24];
    const char *headers[12] = {"Content-Type: application/json"};
    int n = 1;
    snprintf(url, sizeof url, "%s%s%s%s", f->clob, path, query ? "?" : "", query ? query : "");
    if (l2) {
        char sig[POLY_L2_SIG_LEN];
        snprintf(ts, sizeof ts, "%lld", (long long)(pm_wall_ns() / 1000000000));
        assert_int_equal(poly_l2_signature(f->secret, ts, method, path, body, sig, NULL), 0);
        snprintf(h[0], sizeof h[0], "POLY_ADDRESS: %s", f->addr_text);
        snprintf(h[1], sizeof h[1], "POLY_SIGNATURE: %s", sig);
        snprintf(h[2], sizeof h[2], "POLY_TIMESTAMP: %s", ts);
        snprintf(h[3], sizeof h[3], "POLY_API_KEY: %s", f->key);
        snprintf(h[4], sizeof h[4], "POLY_PASSPHRASE: %s", f->pass);
        for (int i = 0; i < 5; i++) headers[n++] = h[i];
    }
    for (int i = 0; extra && extra[i]; i++) headers[n++] = extra[i];
    headers[n] = NULL;
    pm_http_response res = {0};
    pm_err err;
    if (!body && !strcmp(method, "POST")) body = ""; /* "Content-Length: 0", as Node's http sends it */
    if (pm_http_do(f->http, method, url, headers, body, &res, &err)) fail_msg("%s %s: %s", method, url, err.msg);
    long status = res.status;
    if (out) {
        *out = json_loads(res.body, JSON_DECODE_ANY, NULL);
        if (!*out) fail_msg("%s %s answered %ld with non-JSON: %s", method, path, status, res.body);
    }
    pm_http_response_free(&res);
    return status;
}

static const char *error_of(json_t *doc) { return json_string_value(json_object_get(doc, "error")); }

/* --- L1 --- */

static long l1(fixture *f, int create, const char *signing_key, json_t **out) {
    poly_wallet *w;
    assert_int_equal(poly_wallet_new(signing_key, &w, NULL), 0);
    char ts[24], h[4][256];
    snprintf(ts, sizeof ts, "%lld", (long long)(pm_wall_ns() / 1000000000));
    uint8_t sh[32], dom[32], digest[32], sig[65];
    poly_clob_auth_struct_hash(f->addr, ts, 0, sh);
    poly_domain_separator("ClobAuthDomain", "1", 137, NULL, dom);
    poly_eip712_digest(dom, sh, digest);
    assert_int_equal(poly_wallet_sign(w, digest, sig, NULL), 0);
    poly_wallet_free(w);
    char sig_text[140];
    poly_hex(sig, 65, sig_text);
    snprintf(h[0], sizeof h[0], "POLY_ADDRESS: %s", f->addr_text);
    snprintf(h[1], sizeof h[1], "POLY_SIGNATURE: %s", sig_text);
    snprintf(h[2], sizeof h[2], "POLY_TIMESTAMP: %s", ts);
    snprintf(h[3], sizeof h[3], "POLY_NONCE: 0");
    const char *extra[] = {h[0], h[1], h[2], h[3], NULL};
    return call(f, create ? "POST" : "GET", create ? "/auth/api-key" : "/auth/derive-api-key", NULL, NULL, extra, 0, out);
}

static void take_key(fixture *f, json_t *doc) {
    snprintf(f->key, sizeof f->key, "%s", json_string_value(json_object_get(doc, "apiKey")));
    snprintf(f->secret, sizeof f->secret, "%s", json_string_value(json_object_get(doc, "secret")));
    snprintf(f->pass, sizeof f->pass, "%s", json_string_value(json_object_get(doc, "passphrase")));
}

/* --- the market --- */

/* The market's tick, minimum size and neg-risk flag, as GET /book gives them. */
static void read_book_info(fixture *f, market *m) {
    json_t *book;
    char q[128];
    snprintf(q, sizeof q, "token_id=%s", m->yes);
    assert_int_equal(call(f, "GET", "/book", q, NULL, NULL, 0, &book), 200);
    const char *tick = json_string_value(json_object_get(book, "tick_size"));
    const char *min = json_string_value(json_object_get(book, "min_order_size"));
    assert_int_equal(pm_px_parse(tick, strlen(tick), &m->tick, NULL), 0);
    assert_int_equal(pm_qty_parse(min, strlen(min), &m->min_size, NULL), 0);
    m->neg_risk = json_is_true(json_object_get(book, "neg_risk"));
    json_decref(book);
}

/* The first fee-charging market accepting orders with this neg-risk flag and Gamma version
 * ("v1" or "v2": then its outcome tokens are the positionIds), on tick `tick` (0: any). */
static void find_market_where(fixture *f, int neg_risk, const char *want_version, pm_px_t tick) {
    char url[512];
    snprintf(url, sizeof url, "%s/markets?limit=100&active=true&closed=false", f->gamma);
    pm_http_response res = {0};
    assert_int_equal(pm_http_do(f->http, "GET", url, NULL, NULL, &res, NULL), 0);
    json_t *list = json_loads(res.body, 0, NULL);
    pm_http_response_free(&res);
    memset(&f->m, 0, sizeof f->m);
    size_t i;
    json_t *m;
    json_array_foreach(list, i, m) {
        const char *version = json_string_value(json_object_get(m, "version"));
        if (json_is_true(json_object_get(m, "negRisk")) != neg_risk || !version || strcmp(version, want_version) ||
            !json_is_true(json_object_get(m, "acceptingOrders")) || !json_is_true(json_object_get(m, "feesEnabled")))
            continue;
        market c;
        memset(&c, 0, sizeof c);
        int v2 = !strcmp(version, "v2");
        json_t *ids = v2 ? json_incref(json_object_get(m, "positionIds"))
                         : json_loads(json_string_value(json_object_get(m, "clobTokenIds")), 0, NULL);
        snprintf(c.cid, sizeof c.cid, "%s", json_string_value(json_object_get(m, "conditionId")));
        snprintf(c.yes, sizeof c.yes, "%s", json_string_value(json_array_get(ids, 0)));
        snprintf(c.no, sizeof c.no, "%s", json_string_value(json_array_get(ids, 1)));
        json_decref(ids);
        read_book_info(f, &c);
        if ((tick && c.tick != tick) || c.neg_risk != neg_risk) continue;
        c.v3 = v2;
        f->m = c;
        break;
    }
    json_decref(list);
    assert_true(f->m.cid[0]);
}

/* A plain market on the 0.01 tick (so that whole shares give the 2-decimal amounts market
 * orders need). */
static void find_market(fixture *f) { find_market_where(f, 0, "v1", PM_CENT); }

/* Best ask (lowest) or best bid (highest) of a token's book, and its size. */
static void best(fixture *f, const char *token, int ask, pm_px_t *px, pm_qty_t *qty) {
    json_t *book;
    char q[128];
    snprintf(q, sizeof q, "token_id=%s", token);
    assert_int_equal(call(f, "GET", "/book", q, NULL, NULL, 0, &book), 200);
    *px = ask ? PM_PX_ONE + 1 : -1;
    *qty = 0;
    size_t i;
    json_t *lv;
    json_array_foreach(json_object_get(book, ask ? "asks" : "bids"), i, lv) {
        const char *p = json_string_value(json_object_get(lv, "price")), *s = json_string_value(json_object_get(lv, "size"));
        pm_px_t v;
        assert_int_equal(pm_px_parse(p, strlen(p), &v, NULL), 0);
        if (ask ? v < *px : v > *px) {
            *px = v;
            assert_int_equal(pm_qty_parse(s, strlen(s), qty, NULL), 0);
        }
    }
    json_decref(book);
    assert_true(*qty > 0);
}

static int64_t balance(fixture *f, const char *token) {
    json_t *doc;
    char q[160];
    if (token) snprintf(q, sizeof q, "asset_type=CONDITIONAL&token_id=%s&signature_type=0", token);
    else snprintf(q, sizeof q, "asset_type=COLLATERAL&signature_type=0");
    assert_int_equal(call(f, "GET", "/balance-allowance", q, NULL, NULL, 1, &doc), 200);
    int64_t v = strtoll(json_string_value(json_object_get(doc, "balance")), NULL, 10);
    json_decref(doc);
    return v;
}

/* --- orders, signed here --- */

typedef struct spec {
    const char *token;
    int sell;
    int64_t maker_amount, taker_amount;
    const char *type;
    int sig_type;             /* 3: POLY_1271 with wallet as maker and signer */
    const char *wallet;
    int wrong_domain;         /* sign for the other exchange: neg-risk ↔ standard, V3 ↔ V2 */
    int corrupt;              /* flip a bit of the signature */
    const char *owner;        /* NULL: the API key */
    int64_t expiration;       /* unix seconds, 0 = none */
} spec;

static char *order_body(fixture *f, const spec *s, char id[67]) {
    poly_order o;
    memset(&o, 0, sizeof o);
    uint64_t salt = ++f->salt;
    char text[32];
    poly_word_u64(salt, o.salt);
    const char *maker = s->sig_type == 3 ? s->wallet : f->addr_text;
    poly_parse_address(maker, o.maker, NULL);
    poly_parse_address(maker, o.signer, NULL);
    poly_parse_uint256(s->token, o.token_id, NULL);
    poly_word_u64((uint64_t)s->maker_amount, o.maker_amount);
    poly_word_u64((uint64_t)s->taker_amount, o.taker_amount);
    o.side = (uint8_t)s->sell;
    o.signature_type = (uint8_t)s->sig_type;
    int64_t ts_ms = pm_wall_ns() / 1000000;
    poly_word_u64((uint64_t)ts_ms, o.timestamp);
    uint8_t contract[20], dom[32], sh[32], digest[32], sig[65];
    int v3 = f->m.v3, neg = f->m.neg_risk; /* the market's exchange, or the other of its pair */
    if (s->wrong_domain && v3) v3 = 0;
    else if (s->wrong_domain) neg = !neg;
    poly_parse_address(v3 ? POLY_EXCHANGE_V3 : neg ? POLY_NEG_RISK_EXCHANGE_V2 : POLY_EXCHANGE_V2, contract, NULL);
    poly_domain_separator(POLY_EXCHANGE_DOMAIN, v3 ? "3" : "2", 137, contract, dom);
    poly_order_struct_hash(&o, sh);
    poly_eip712_digest(dom, sh, digest);
    poly_hex(digest, 32, id);
    char sig_text[1024];
    if (s->sig_type == 3) { /* ERC-7739: inner signature over TypedDataSign(contents = the order) */
        static const char tds[] = "TypedDataSign(Order contents,string name,string version,uint256 chainId,"
                                  "address verifyingContract,bytes32 salt)";
        static const char ot[] = "Order(uint256 salt,address maker,address signer,uint256 tokenId,uint256 makerAmount,"
                                 "uint256 takerAmount,uint8 side,uint8 signatureType,uint256 timestamp,bytes32 "
                                 "metadata,bytes32 builder)";
        uint8_t buf[7 * 32], inner[32], word[32];
        char both[sizeof tds + sizeof ot];
        snprintf(both, sizeof both, "%s%s", tds, ot);
        pm_keccak256(both, strlen(both), buf);
        memcpy(buf + 32, sh, 32);
        pm_keccak256("DepositWallet", 13, buf + 64);
        pm_keccak256("1", 1, buf + 96);
        poly_word_u64(137, buf + 128);
        memset(word, 0, 32);
        memcpy(word + 12, o.signer, 20);
        memcpy(buf + 160, word, 32);
        memset(buf + 192, 0, 32);
        pm_keccak256(buf, sizeof buf, inner);
        poly_eip712_digest(dom, inner, digest);
        assert_int_equal(poly_wallet_sign(f->wallet, digest, sig, NULL), 0);
        uint8_t wire[65 + 64 + sizeof ot - 1 + 2];
        memcpy(wire, sig, 65);
        memcpy(wire + 65, dom, 32);
        memcpy(wire + 97, sh, 32);
        memcpy(wire + 129, ot, sizeof ot - 1);
        wire[sizeof wire - 2] = 0;
        wire[sizeof wire - 1] = (uint8_t)(sizeof ot - 1);
        poly_hex(wire, sizeof wire, sig_text);
    } else {
        assert_int_equal(poly_wallet_sign(f->wallet, digest, sig, NULL), 0);
        if (s->corrupt) sig[10] ^= 1;
        poly_hex(sig, 65, sig_text);
    }
    json_t *order = json_object(), *body = json_object();
    json_object_set_new(order, "salt", json_integer((json_int_t)salt));
    json_object_set_new(order, "maker", json_string(maker));
    json_object_set_new(order, "signer", json_string(maker));
    json_object_set_new(order, "tokenId", json_string(s->token));
    snprintf(text, sizeof text, "%lld", (long long)s->maker_amount);
    json_object_set_new(order, "makerAmount", json_string(text));
    snprintf(text, sizeof text, "%lld", (long long)s->taker_amount);
    json_object_set_new(order, "takerAmount", json_string(text));
    json_object_set_new(order, "side", json_string(s->sell ? "SELL" : "BUY"));
    json_object_set_new(order, "signatureType", json_integer(s->sig_type));
    snprintf(text, sizeof text, "%lld", (long long)ts_ms);
    json_object_set_new(order, "timestamp", json_string(text));
    snprintf(text, sizeof text, "%lld", (long long)s->expiration);
    json_object_set_new(order, "expiration", json_string(text));
    json_object_set_new(order, "metadata", json_string(ZERO32));
    json_object_set_new(order, "builder", json_string(ZERO32));
    json_object_set_new(order, "signature", json_string(sig_text));
    json_object_set_new(body, "deferExec", json_false());
    json_object_set_new(body, "postOnly", json_false());
    json_object_set_new(body, "order", order);
    json_object_set_new(body, "owner", json_string(s->owner ? s->owner : f->key));
    json_object_set_new(body, "orderType", json_string(s->type));
    char *text_body = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    return text_body;
}

static long post(fixture *f, const spec *s, char id[67], json_t **out) {
    char *body = order_body(f, s, id);
    long status = call(f, "POST", "/order", NULL, body, NULL, 1, out);
    free(body);
    return status;
}

/* --- setup --- */

static int setup(void **state) {
    pm_log_set_level(PM_LOG_ERROR);
    fixture *f = calloc(1, sizeof *f);
    pm_test_start(&f->sim, (const char *const[]){"sim", NULL});
    json_t *ready = json_loads(f->sim.line, 0, NULL), *pm = json_object_get(ready, "polymarket");
    snprintf(f->clob, sizeof f->clob, "%s", json_string_value(json_object_get(pm, "clob")));
    snprintf(f->gamma, sizeof f->gamma, "%s", json_string_value(json_object_get(pm, "gamma")));
    snprintf(f->ws, sizeof f->ws, "%s", json_string_value(json_object_get(pm, "ws")));
    json_decref(ready);
    assert_int_equal(pm_http_new(5000, &f->http, NULL), 0);
    assert_int_equal(poly_wallet_new(KEY_A, &f->wallet, NULL), 0);
    poly_wallet_address(f->wallet, f->addr);
    poly_hex(f->addr, 20, f->addr_text);
    f->salt = 1000;
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    pm_http_free(f->http);
    poly_wallet_free(f->wallet);
    assert_int_equal(pm_test_stop(&f->sim), 0);
    free(f);
    return 0;
}

static void login(fixture *f) {
    json_t *doc;
    assert_int_equal(l1(f, 1, KEY_A, &doc), 200);
    take_key(f, doc);
    json_decref(doc);
    find_market(f);
}

/* --- tests --- */

static void test_api_keys(void **state) {
    fixture *f = *state;
    json_t *doc, *again;
    assert_int_equal(l1(f, 0, KEY_A, &doc), 400);
    assert_string_equal(error_of(doc), "Could not derive api key!");
    json_decref(doc);
    assert_int_equal(l1(f, 1, KEY_B, &doc), 401); /* POLY_ADDRESS is A's, the signature B's */
    assert_string_equal(error_of(doc), "Invalid L1 Request headers");
    json_decref(doc);
    assert_int_equal(l1(f, 1, KEY_A, &doc), 200);
    assert_int_equal(strlen(json_string_value(json_object_get(doc, "apiKey"))), 36);
    assert_int_equal(strlen(json_string_value(json_object_get(doc, "secret"))), 44);
    assert_int_equal(strlen(json_string_value(json_object_get(doc, "passphrase"))), 64);
    assert_int_equal(l1(f, 1, KEY_A, &again), 400);
    assert_string_equal(error_of(again), "Could not create api key");
    json_decref(again);
    assert_int_equal(l1(f, 0, KEY_A, &again), 200);
    assert_true(json_equal(doc, again));
    json_decref(again);
    take_key(f, doc);
    json_decref(doc);
    /* L2: the right HMAC passes; a wrong secret or passphrase does not */
    assert_int_equal(call(f, "GET", "/balance-allowance", "asset_type=COLLATERAL", NULL, NULL, 1, &doc), 200);
    assert_non_null(json_object_get(json_object_get(doc, "allowances"), POLY_EXCHANGE_V2));
    json_decref(doc);
    char secret[64];
    memcpy(secret, f->secret, sizeof secret);
    f->secret[0] = f->secret[0] == 'A' ? 'B' : 'A';
    assert_int_equal(call(f, "GET", "/balance-allowance", "asset_type=COLLATERAL", NULL, NULL, 1, &doc), 401);
    assert_string_equal(error_of(doc), "Unauthorized/Invalid api key");
    json_decref(doc);
    memcpy(f->secret, secret, sizeof secret);
    f->pass[0] = f->pass[0] == 'a' ? 'b' : 'a';
    assert_int_equal(call(f, "GET", "/data/orders", NULL, NULL, NULL, 1, &doc), 401);
    json_decref(doc);
    assert_int_equal(call(f, "GET", "/data/orders", NULL, NULL, NULL, 0, &doc), 401);
    json_decref(doc);
}

/* What an order's fills add up to, read back from GET /data/trades: a buyer pays ⌈size × price⌉
 * per fill and gets the size less the fee in shares; a seller gets ⌊size × price⌋ less the fee
 * in pUSD. */
typedef struct fills {
    int n;
    pm_qty_t size, net_shares;
    pm_usd_t cost, net_proceeds;
} fills;

static fills fills_of(fixture *f, json_t *response, const char *order_id) {
    fills r = {0};
    size_t i;
    json_t *id;
    json_array_foreach(json_object_get(response, "tradeIDs"), i, id) {
        json_t *doc;
        char q[96];
        snprintf(q, sizeof q, "id=%s", json_string_value(id));
        assert_int_equal(call(f, "GET", "/data/trades", q, NULL, NULL, 1, &doc), 200);
        json_t *t = json_array_get(json_object_get(doc, "data"), 0);
        assert_string_equal(json_string_value(json_object_get(t, "taker_order_id")), order_id);
        const char *ps = json_string_value(json_object_get(t, "price")), *ss = json_string_value(json_object_get(t, "size"));
        pm_px_t px;
        pm_qty_t size;
        assert_int_equal(pm_px_parse(ps, strlen(ps), &px, NULL), 0);
        assert_int_equal(pm_qty_parse(ss, strlen(ss), &size, NULL), 0);
        int64_t rate = strtoll(json_string_value(json_object_get(t, "fee_rate_bps")), NULL, 10) * 100;
        assert_true(rate > 0);
        assert_int_equal(strlen(json_string_value(json_object_get(t, "transaction_hash"))), 66);
        pm_usd_t n;
        if (!strcmp(json_string_value(json_object_get(t, "side")), "BUY")) {
            pm_notional(px, size, PM_ROUND_CEIL, &n, NULL);
            r.cost += n;
            r.net_shares += size - pm_poly_fee_shares(size, px, rate, 1);
        } else {
            pm_notional(px, size, PM_ROUND_FLOOR, &n, NULL);
            r.net_proceeds += n - pm_poly_fee_usd(size, px, rate, 1);
        }
        r.size += size;
        r.n++;
        json_decref(doc);
    }
    return r;
}

static void assert_decimal(json_t *doc, const char *key, int64_t v) {
    char text[PM_FIXED_BUF];
    pm_fixed_format_exact(v, 0, text, sizeof text);
    assert_string_equal(json_string_value(json_object_get(doc, key)), text);
}

/* A price a few ticks through the best level (the book keeps moving), within 0.99. */
static pm_px_t through(const fixture *f, pm_px_t best_px, int ticks) {
    pm_px_t px = best_px + ticks * f->m.tick;
    return px > PM_PX_ONE - f->m.tick ? PM_PX_ONE - f->m.tick : px;
}

static void test_fok_fill(void **state) {
    fixture *f = *state;
    login(f);
    int64_t usd0 = balance(f, NULL);
    assert_true(usd0 > 0);
    assert_int_equal(balance(f, f->m.yes), 0);
    pm_px_t ask;
    pm_qty_t qty;
    best(f, f->m.yes, 1, &ask, &qty);
    pm_px_t limit = through(f, ask, 3);
    pm_qty_t size = 5 * PM_SCALE; /* whole shares × a 0.01 tick: a 2-decimal maker amount */
    char id[67];
    json_t *doc;
    spec s = {.token = f->m.yes, .taker_amount = size, .type = "FOK"};
    pm_notional(limit, size, PM_ROUND_FLOOR, &s.maker_amount, NULL);
    char *body = order_body(f, &s, id);
    assert_int_equal(call(f, "POST", "/order", NULL, body, NULL, 1, &doc), 200);
    assert_true(json_is_true(json_object_get(doc, "success")));
    assert_string_equal(json_string_value(json_object_get(doc, "errorMsg")), "");
    assert_string_equal(json_string_value(json_object_get(doc, "status")), "matched");
    assert_string_equal(json_string_value(json_object_get(doc, "orderID")), id);
    fills r = fills_of(f, doc, id);
    assert_true(r.n >= 1);
    assert_int_equal(r.size, size);
    assert_true(r.cost <= s.maker_amount);
    assert_true(r.net_shares < size); /* the fee is taken in shares */
    assert_decimal(doc, "makingAmount", r.cost);
    assert_decimal(doc, "takingAmount", r.net_shares);
    json_decref(doc);
    assert_int_equal(balance(f, NULL), usd0 - r.cost);
    assert_int_equal(balance(f, f->m.yes), r.net_shares);
    /* the same signed order again is a duplicate (same hash) */
    char want[160];
    snprintf(want, sizeof want, "order %s is invalid. Duplicated.", id);
    assert_int_equal(call(f, "POST", "/order", NULL, body, NULL, 1, &doc), 400);
    assert_string_equal(error_of(doc), want);
    json_decref(doc);
    free(body);
    /* a FOK of more than the book holds at 0.01 cannot fill and changes nothing */
    spec kill = {.token = f->m.yes, .maker_amount = 100 * PM_SCALE, .taker_amount = 10000 * PM_SCALE, .type = "FOK"};
    assert_int_equal(post(f, &kill, id, &doc), 400);
    assert_string_equal(error_of(doc), "order couldn't be fully filled. FOK orders are fully filled or killed.");
    json_decref(doc);
    spec none = kill;
    none.type = "FAK";
    assert_int_equal(post(f, &none, id, &doc), 400);
    assert_string_equal(error_of(doc), "no orders found to match with FAK order. FAK orders are partially filled or "
                                       "killed if no match is found.");
    json_decref(doc);
    assert_int_equal(balance(f, NULL), usd0 - r.cost);
    assert_int_equal(balance(f, f->m.yes), r.net_shares);
}

static void test_fak_partial_and_sell(void **state) {
    fixture *f = *state;
    login(f);
    pm_px_t ask;
    pm_qty_t qty;
    best(f, f->m.no, 1, &ask, &qty); /* the NO token trades against the YES book's mirror */
    pm_px_t limit = through(f, ask, 1);
    pm_qty_t want = 5000 * PM_SCALE; /* more than a few levels of the book */
    int64_t usd0 = balance(f, NULL);
    char id[67];
    json_t *doc;
    spec s = {.token = f->m.no, .taker_amount = want, .type = "FAK"};
    pm_notional(limit, want, PM_ROUND_FLOOR, &s.maker_amount, NULL);
    assert_true(s.maker_amount <= usd0);
    assert_int_equal(post(f, &s, id, &doc), 200);
    assert_string_equal(json_string_value(json_object_get(doc, "status")), "matched");
    fills r = fills_of(f, doc, id);
    assert_true(r.size > 0 && r.size < want);
    assert_decimal(doc, "makingAmount", r.cost);
    assert_decimal(doc, "takingAmount", r.net_shares);
    json_decref(doc);
    assert_int_equal(balance(f, NULL), usd0 - r.cost);
    assert_int_equal(balance(f, f->m.no), r.net_shares);
    /* nothing of a FAK rests */
    assert_int_equal(call(f, "GET", "/data/orders", NULL, NULL, NULL, 1, &doc), 200);
    assert_int_equal(json_array_size(json_object_get(doc, "data")), 0);
    assert_string_equal(json_string_value(json_object_get(doc, "next_cursor")), "LTE=");
    json_decref(doc);
    /* sell 2 shares back through the best NO bid: the fee comes out of the pUSD */
    pm_px_t bid;
    best(f, f->m.no, 0, &bid, &qty);
    spec sell = {.token = f->m.no, .sell = 1, .maker_amount = 2 * PM_SCALE, .type = "FOK"};
    pm_notional(bid > 3 * f->m.tick ? bid - 2 * f->m.tick : f->m.tick, 2 * PM_SCALE, PM_ROUND_FLOOR, &sell.taker_amount, NULL);
    assert_int_equal(post(f, &sell, id, &doc), 200);
    fills back = fills_of(f, doc, id);
    assert_int_equal(back.size, 2 * PM_SCALE);
    assert_decimal(doc, "makingAmount", 2 * PM_SCALE);
    assert_decimal(doc, "takingAmount", back.net_proceeds);
    json_decref(doc);
    assert_int_equal(balance(f, f->m.no), r.net_shares - 2 * PM_SCALE);
    assert_int_equal(balance(f, NULL), usd0 - r.cost + back.net_proceeds);
    /* selling more than is held: not enough balance */
    spec greedy = {.token = f->m.no, .sell = 1, .maker_amount = 100000 * PM_SCALE, .taker_amount = 1000 * PM_SCALE,
                   .type = "FOK"};
    assert_int_equal(post(f, &greedy, id, &doc), 400);
    assert_string_equal(error_of(doc), "not enough balance / allowance");
    json_decref(doc);
}

static void test_gtc_rest_cancel(void **state) {
    fixture *f = *state;
    login(f);
    pm_px_t bid;
    pm_qty_t qty;
    best(f, f->m.yes, 0, &bid, &qty);
    pm_px_t px = f->m.tick; /* far below the book */
    pm_qty_t size = 20 * PM_SCALE;
    pm_usd_t maker;
    pm_notional(px, size, PM_ROUND_FLOOR, &maker, NULL);
    char id[67];
    json_t *doc;
    spec s = {.token = f->m.yes, .maker_amount = maker, .taker_amount = size, .type = "GTC"};
    assert_int_equal(post(f, &s, id, &doc), 200);
    assert_string_equal(json_string_value(json_object_get(doc, "status")), "live");
    assert_int_equal(json_array_size(json_object_get(doc, "tradeIDs")), 0);
    json_decref(doc);
    char path[128];
    snprintf(path, sizeof path, "/data/order/%s", id);
    assert_int_equal(call(f, "GET", path, NULL, NULL, NULL, 1, &doc), 200);
    assert_string_equal(json_string_value(json_object_get(doc, "status")), "LIVE");
    assert_string_equal(json_string_value(json_object_get(doc, "original_size")), "20");
    assert_string_equal(json_string_value(json_object_get(doc, "order_type")), "GTC");
    json_decref(doc);
    char q[128];
    snprintf(q, sizeof q, "market=%s", f->m.cid);
    assert_int_equal(call(f, "GET", "/data/orders", q, NULL, NULL, 1, &doc), 200);
    assert_int_equal(json_array_size(json_object_get(doc, "data")), 1);
    json_decref(doc);
    /* its pUSD is held: an order needing one cent more than the rest of the balance is refused */
    int64_t usd = balance(f, NULL);
    spec all = {.token = f->m.yes, .maker_amount = (usd - maker) / PM_CENT * PM_CENT + PM_CENT, .type = "GTC"};
    all.taker_amount = all.maker_amount / f->m.tick * PM_SCALE;
    char id2[67];
    assert_int_equal(post(f, &all, id2, &doc), 400);
    assert_string_equal(error_of(doc), "not enough balance / allowance");
    json_decref(doc);
    char cancel[128];
    snprintf(cancel, sizeof cancel, "{\"orderID\":\"%s\"}", id);
    assert_int_equal(call(f, "DELETE", "/order", NULL, cancel, NULL, 1, &doc), 200);
    assert_string_equal(json_string_value(json_array_get(json_object_get(doc, "canceled"), 0)), id);
    assert_int_equal(json_object_size(json_object_get(doc, "not_canceled")), 0);
    json_decref(doc);
    assert_int_equal(call(f, "DELETE", "/order", NULL, cancel, NULL, 1, &doc), 200);
    assert_int_equal(json_array_size(json_object_get(doc, "canceled")), 0);
    assert_non_null(json_object_get(json_object_get(doc, "not_canceled"), id));
    json_decref(doc);
    assert_int_equal(call(f, "GET", path, NULL, NULL, NULL, 1, &doc), 200);
    assert_true(json_is_null(doc));
    json_decref(doc);
    assert_int_equal(balance(f, NULL), usd);
    /* a resting order, then cancel-all */
    assert_int_equal(post(f, &s, id, &doc), 200);
    json_decref(doc);
    assert_int_equal(call(f, "DELETE", "/cancel-all", NULL, NULL, NULL, 1, &doc), 200);
    assert_string_equal(json_string_value(json_array_get(json_object_get(doc, "canceled"), 0)), id);
    json_decref(doc);
}

static void test_refusals(void **state) {
    fixture *f = *state;
    login(f);
    pm_qty_t size = 10 * PM_SCALE;
    pm_usd_t maker;
    pm_notional(f->m.tick, size, PM_ROUND_FLOOR, &maker, NULL);
    char id[67];
    json_t *doc;
    spec bad = {.token = f->m.yes, .maker_amount = maker, .taker_amount = size, .type = "GTC", .corrupt = 1};
    assert_int_equal(post(f, &bad, id, &doc), 400);
    assert_string_equal(error_of(doc), "invalid signature");
    json_decref(doc);
    spec domain = {.token = f->m.yes, .maker_amount = maker, .taker_amount = size, .type = "GTC", .wrong_domain = 1};
    assert_int_equal(post(f, &domain, id, &doc), 400);
    assert_string_equal(error_of(doc), "invalid signature");
    json_decref(doc);
    spec owner = {.token = f->m.yes, .maker_amount = maker, .taker_amount = size, .type = "GTC",
                  .owner = "00000000-0000-0000-0000-000000000000"};
    assert_int_equal(post(f, &owner, id, &doc), 400);
    assert_string_equal(error_of(doc), "the order owner has to be the owner of the API KEY");
    json_decref(doc);
    spec small = {.token = f->m.yes, .maker_amount = f->m.tick, .taker_amount = PM_SCALE, .type = "GTC"};
    assert_int_equal(post(f, &small, id, &doc), 400);
    char want[256], tick[PM_FIXED_BUF], min[PM_FIXED_BUF];
    pm_fixed_format_exact(f->m.min_size, 0, min, sizeof min);
    snprintf(want, sizeof want, "order %s is invalid. Size (1) lower than the minimum: %s", id, min);
    assert_string_equal(error_of(doc), want);
    json_decref(doc);
    spec off = {.token = f->m.yes, .maker_amount = f->m.tick * 10 + f->m.tick / 2 * 10, .taker_amount = size, .type = "GTC"};
    assert_int_equal(post(f, &off, id, &doc), 400);
    pm_fixed_format_exact(f->m.tick, 0, tick, sizeof tick);
    assert_non_null(strstr(error_of(doc), "breaks minimum tick size rule: "));
    assert_non_null(strstr(error_of(doc), tick));
    json_decref(doc);
    spec precise = {.token = f->m.yes, .maker_amount = maker, .taker_amount = size + 1, .type = "GTC"};
    assert_int_equal(post(f, &precise, id, &doc), 400);
    assert_int_equal(strncmp(error_of(doc), "invalid amounts, the buy orders maker amount supports a max accuracy of ", 72), 0);
    json_decref(doc);
    /* GTD: expiration beyond the one-minute safety threshold; no other type may expire */
    int64_t now = pm_wall_ns() / 1000000000;
    spec gtd = {.token = f->m.yes, .maker_amount = maker, .taker_amount = size, .type = "GTD", .expiration = now + 30};
    assert_int_equal(post(f, &gtd, id, &doc), 400);
    assert_string_equal(error_of(doc), "invalid expiration");
    json_decref(doc);
    spec gtc = {.token = f->m.yes, .maker_amount = maker, .taker_amount = size, .type = "GTC", .expiration = now + 3600};
    assert_int_equal(post(f, &gtc, id, &doc), 400);
    assert_string_equal(error_of(doc), "invalid expiration");
    json_decref(doc);
    gtd.expiration = now + 3600;
    assert_int_equal(post(f, &gtd, id, &doc), 200);
    assert_string_equal(json_string_value(json_object_get(doc, "status")), "live");
    json_decref(doc);
    char path[128], exp[24];
    snprintf(path, sizeof path, "/data/order/%s", id);
    snprintf(exp, sizeof exp, "%lld", (long long)gtd.expiration);
    assert_int_equal(call(f, "GET", path, NULL, NULL, NULL, 1, &doc), 200);
    assert_string_equal(json_string_value(json_object_get(doc, "order_type")), "GTD");
    assert_string_equal(json_string_value(json_object_get(doc, "expiration")), exp);
    json_decref(doc);
    /* postOnly is for resting orders only */
    spec fok = {.token = f->m.yes, .maker_amount = PM_SCALE, .taker_amount = 100 * PM_SCALE, .type = "FOK"};
    char *body = order_body(f, &fok, id), *at = strstr(body, "\"postOnly\":false");
    assert_non_null(at);
    memcpy(at, "\"postOnly\":true ", 16);
    assert_int_equal(call(f, "POST", "/order", NULL, body, NULL, 1, &doc), 400);
    assert_string_equal(error_of(doc), "invalid post-only order: only GTC and GTD order types are allowed");
    json_decref(doc);
    free(body);
    /* a post-only buy at 0.99 would take the book */
    pm_qty_t five = f->m.min_size > 5 * PM_SCALE ? f->m.min_size : 5 * PM_SCALE;
    spec cross = {.token = f->m.yes, .taker_amount = five, .type = "GTC"};
    pm_notional(PM_PX_ONE - f->m.tick, five, PM_ROUND_FLOOR, &cross.maker_amount, NULL);
    body = order_body(f, &cross, id);
    at = strstr(body, "\"postOnly\":false");
    memcpy(at, "\"postOnly\":true ", 16);
    assert_int_equal(call(f, "POST", "/order", NULL, body, NULL, 1, &doc), 400);
    assert_string_equal(error_of(doc), "invalid post-only order: order crosses book");
    json_decref(doc);
    free(body);
    /* the fault switch refuses the next order, then lets orders through again */
    assert_int_equal(call(f, "POST", "/admin/faults", NULL, "{\"reject_orders\":true,\"count\":1}", NULL, 0, &doc), 200);
    json_decref(doc);
    spec plain = {.token = f->m.yes, .maker_amount = maker, .taker_amount = size, .type = "GTC"};
    assert_int_equal(post(f, &plain, id, &doc), 400);
    assert_string_equal(error_of(doc), "order rejected by the simulator's fault switch");
    json_decref(doc);
    assert_int_equal(post(f, &plain, id, &doc), 200);
    json_decref(doc);
    assert_int_equal(call(f, "POST", "/order", NULL, "{\"order\":{}}", NULL, 1, &doc), 400);
    assert_string_equal(error_of(doc), "Invalid order payload");
    json_decref(doc);
}

/* GET /admin/orders lists every order whose hash the venue computed, taken or refused, in
 * order; an injected status with orders_only lets reads by and stops the next order post
 * before the venue sees it. */
static void test_admin_orders(void **state) {
    fixture *f = *state;
    login(f);
    pm_qty_t size = 10 * PM_SCALE;
    pm_usd_t maker;
    pm_notional(f->m.tick, size, PM_ROUND_FLOOR, &maker, NULL);
    spec plain = {.token = f->m.yes, .maker_amount = maker, .taker_amount = size, .type = "GTC"};
    char stopped[67], refused[67], taken[67];
    json_t *doc;
    assert_int_equal(call(f, "POST", "/admin/faults", NULL, "{\"http_status\":500,\"count\":1,\"orders_only\":true}", NULL, 0,
                          &doc),
                     200);
    json_decref(doc);
    assert_true(balance(f, NULL) > 0); /* a read passes */
    assert_int_equal(post(f, &plain, stopped, &doc), 500);
    json_decref(doc);
    assert_int_equal(call(f, "POST", "/admin/faults", NULL, "{\"reject_orders\":true,\"orders_only\":false}", NULL, 0, &doc),
                     200);
    json_decref(doc);
    assert_int_equal(post(f, &plain, refused, &doc), 400);
    json_decref(doc);
    assert_int_equal(post(f, &plain, taken, &doc), 200);
    json_decref(doc);
    assert_int_equal(call(f, "GET", "/admin/orders", NULL, NULL, NULL, 0, &doc), 200);
    json_t *seen = json_object_get(doc, "orders");
    assert_int_equal(json_array_size(seen), 2);
    json_t *e = json_array_get(seen, 0);
    assert_string_equal(json_string_value(json_object_get(e, "id")), refused);
    assert_int_equal(json_integer_value(json_object_get(e, "http_status")), 400);
    assert_true(json_is_false(json_object_get(e, "accepted")));
    e = json_array_get(seen, 1);
    assert_string_equal(json_string_value(json_object_get(e, "id")), taken);
    assert_int_equal(json_integer_value(json_object_get(e, "http_status")), 200);
    assert_true(json_is_true(json_object_get(e, "accepted")));
    assert_string_equal(json_string_value(json_object_get(e, "status")), "LIVE");
    assert_string_equal(json_string_value(json_object_get(e, "size_matched")), "0");
    assert_string_not_equal(stopped, refused);
    json_decref(doc);
    /* lose_answers: the venue takes the order and answers 500 */
    char lost[67];
    assert_int_equal(call(f, "POST", "/admin/faults", NULL, "{\"lose_answers\":true,\"count\":1}", NULL, 0, &doc), 200);
    json_decref(doc);
    assert_int_equal(post(f, &plain, lost, &doc), 500);
    json_decref(doc);
    assert_int_equal(call(f, "GET", "/admin/orders", NULL, NULL, NULL, 0, &doc), 200);
    e = json_array_get(json_object_get(doc, "orders"), 2);
    assert_string_equal(json_string_value(json_object_get(e, "id")), lost);
    assert_true(json_is_true(json_object_get(e, "accepted")));
    assert_string_equal(json_string_value(json_object_get(e, "status")), "LIVE");
    json_decref(doc);
}

static void test_1271_and_batch(void **state) {
    fixture *f = *state;
    login(f);
    pm_qty_t size = 10 * PM_SCALE;
    pm_usd_t maker;
    pm_notional(f->m.tick, size, PM_ROUND_FLOOR, &maker, NULL);
    char id[67], id2[67];
    json_t *doc;
    spec wallet = {.token = f->m.yes, .maker_amount = maker, .taker_amount = size, .type = "GTC", .sig_type = 3,
                   .wallet = "0x1111111111111111111111111111111111111111"};
    assert_int_equal(post(f, &wallet, id, &doc), 200);
    assert_string_equal(json_string_value(json_object_get(doc, "status")), "live");
    assert_string_equal(json_string_value(json_object_get(doc, "orderID")), id);
    json_decref(doc);
    spec good = {.token = f->m.yes, .maker_amount = maker, .taker_amount = size, .type = "GTC"};
    spec bad = good;
    bad.corrupt = 1;
    char *a = order_body(f, &good, id), *b = order_body(f, &bad, id2), body[8192];
    snprintf(body, sizeof body, "[%s,%s]", a, b);
    free(a), free(b);
    assert_int_equal(call(f, "POST", "/orders", NULL, body, NULL, 1, &doc), 200);
    assert_int_equal(json_array_size(doc), 2);
    json_t *r0 = json_array_get(doc, 0), *r1 = json_array_get(doc, 1);
    assert_true(json_is_true(json_object_get(r0, "success")));
    assert_string_equal(json_string_value(json_object_get(r0, "orderID")), id);
    assert_string_equal(json_string_value(json_object_get(r0, "status")), "live");
    assert_true(json_is_false(json_object_get(r1, "success")));
    assert_string_equal(json_string_value(json_object_get(r1, "errorMsg")), "invalid signature");
    json_decref(doc);
    assert_int_equal(call(f, "GET", "/data/orders", NULL, NULL, NULL, 1, &doc), 200);
    assert_int_equal(json_array_size(json_object_get(doc, "data")), 2);
    json_decref(doc);
    char q[256];
    snprintf(q, sizeof q, "{\"market\":\"%s\"}", f->m.cid);
    assert_int_equal(call(f, "DELETE", "/cancel-market-orders", NULL, q, NULL, 1, &doc), 200);
    assert_int_equal(json_array_size(json_object_get(doc, "canceled")), 2);
    json_decref(doc);
}

/* Each market's orders are signed for its own exchange: the V2 Neg Risk CTF Exchange for a
 * neg-risk market, ExchangeV3 (domain version "3") for a Gamma "v2" market. */
static void test_exchanges(void **state) {
    fixture *f = *state;
    login(f);
    char id[67];
    json_t *doc;
    for (int round = 0; round < 2; round++) {
        if (round == 0) find_market_where(f, 1, "v1", 0);
        else find_market_where(f, 0, "v2", 0);
        assert_int_equal(f->m.v3, round);
        pm_qty_t size = f->m.min_size > 10 * PM_SCALE ? f->m.min_size : 10 * PM_SCALE;
        spec s = {.token = f->m.yes, .taker_amount = size, .type = "GTC"};
        pm_notional(f->m.tick, size, PM_ROUND_FLOOR, &s.maker_amount, NULL);
        assert_int_equal(post(f, &s, id, &doc), 200);
        assert_string_equal(json_string_value(json_object_get(doc, "status")), "live");
        json_decref(doc);
        s.wrong_domain = 1;
        assert_int_equal(post(f, &s, id, &doc), 400);
        assert_string_equal(error_of(doc), "invalid signature");
        json_decref(doc);
    }
}

/* pUSD amounts carry the tick's amount decimals: 6 on the 0.0025 tick, 5 on the 0.001 tick. */
static void test_precision_by_tick(void **state) {
    fixture *f = *state;
    login(f);
    char id[67];
    json_t *doc;
    spec s = {.maker_amount = 125125, .taker_amount = 10010000, .type = "GTC"}; /* 10.01 at 0.0125 */
    find_market_where(f, 1, "v1", 2500);
    s.token = f->m.yes;
    assert_int_equal(post(f, &s, id, &doc), 200);
    assert_string_equal(json_string_value(json_object_get(doc, "status")), "live");
    json_decref(doc);
    find_market_where(f, 1, "v1", 1000);
    s.token = f->m.yes;
    assert_int_equal(post(f, &s, id, &doc), 400);
    assert_string_equal(error_of(doc), "invalid amounts, the buy orders maker amount supports a max accuracy of 5 "
                                       "decimals, taker amount a max of 2 decimals");
    json_decref(doc);
}

/* --- the user channel --- */

typedef struct user_feed {
    int connected;
    json_t *msgs; /* every message received, in order */
} user_feed;

static int no_headers(void *user, pm_ws_header *h) {
    (void)user, (void)h;
    return 0;
}
static void on_connected(void *user) { ((user_feed *)user)->connected = 1; }
static void on_message(void *user, const char *text, size_t len) {
    json_t *doc = text ? json_loadb(text, len, 0, NULL) : NULL;
    if (doc) json_array_append_new(((user_feed *)user)->msgs, doc);
}
static void on_disconnected(void *user, const char *why) { (void)user, (void)why; }

/* Services the socket until the n-th message has arrived (at most ~5 s), and returns it. */
static json_t *nth_message(pm_ws *ws, user_feed *u, size_t n) {
    for (int i = 0; i < 500 && json_array_size(u->msgs) < n; i++) pm_ws_service(ws, 10);
    if (json_array_size(u->msgs) < n) fail_msg("the user channel sent %zu messages, not %zu", json_array_size(u->msgs), n);
    return json_array_get(u->msgs, n - 1);
}

/* A user-channel socket subscribed to the fixture's market, its messages collected in u. */
static pm_ws *open_user(fixture *f, user_feed *u) {
    static const pm_ws_callbacks cb = {no_headers, on_connected, on_message, on_disconnected};
    char url[300];
    snprintf(url, sizeof url, "%s/user", f->ws);
    pm_ws *ws;
    assert_int_equal(pm_ws_new(url, &cb, u, &ws, NULL), 0);
    for (int i = 0; i < 500 && !u->connected; i++) pm_ws_service(ws, 10);
    assert_true(u->connected);
    char sub[512];
    snprintf(sub, sizeof sub, "{\"auth\":{\"apiKey\":\"%s\",\"secret\":\"%s\",\"passphrase\":\"%s\"},\"markets\":[\"%s\"],"
             "\"type\":\"user\"}", f->key, f->secret, f->pass, f->m.cid);
    assert_int_equal(pm_ws_send(ws, sub, strlen(sub)), 0);
    for (int i = 0; i < 30; i++) pm_ws_service(ws, 10); /* the subscription has no acknowledgement */
    return ws;
}

static void test_user_channel(void **state) {
    fixture *f = *state;
    login(f);
    user_feed u = {0, json_array()};
    pm_ws *ws = open_user(f, &u);
    pm_qty_t size = 10 * PM_SCALE;
    pm_usd_t maker;
    pm_notional(f->m.tick, size, PM_ROUND_FLOOR, &maker, NULL);
    char id[67];
    json_t *doc;
    spec rest = {.token = f->m.yes, .maker_amount = maker, .taker_amount = size, .type = "GTC"};
    assert_int_equal(post(f, &rest, id, &doc), 200);
    json_decref(doc);
    json_t *m = nth_message(ws, &u, 1);
    assert_string_equal(json_string_value(json_object_get(m, "event_type")), "order");
    assert_string_equal(json_string_value(json_object_get(m, "type")), "PLACEMENT");
    assert_string_equal(json_string_value(json_object_get(m, "id")), id);
    assert_string_equal(json_string_value(json_object_get(m, "status")), "LIVE");
    assert_string_equal(json_string_value(json_object_get(m, "original_size")), "10");
    assert_string_equal(json_string_value(json_object_get(m, "market")), f->m.cid);
    assert_string_equal(json_string_value(json_object_get(m, "owner")), f->key);
    char cancel[128];
    snprintf(cancel, sizeof cancel, "{\"orderID\":\"%s\"}", id);
    assert_int_equal(call(f, "DELETE", "/order", NULL, cancel, NULL, 1, &doc), 200);
    json_decref(doc);
    m = nth_message(ws, &u, 2);
    assert_string_equal(json_string_value(json_object_get(m, "type")), "CANCELLATION");
    assert_string_equal(json_string_value(json_object_get(m, "id")), id);
    assert_string_equal(json_string_value(json_object_get(m, "status")), "CANCELED");
    pm_px_t ask;
    pm_qty_t qty;
    best(f, f->m.yes, 1, &ask, &qty);
    spec buy = {.token = f->m.yes, .taker_amount = 2 * PM_SCALE, .type = "FOK"};
    pm_notional(through(f, ask, 3), 2 * PM_SCALE, PM_ROUND_FLOOR, &buy.maker_amount, NULL);
    assert_int_equal(post(f, &buy, id, &doc), 200);
    const char *trade = json_string_value(json_array_get(json_object_get(doc, "tradeIDs"), 0));
    m = nth_message(ws, &u, 3);
    assert_string_equal(json_string_value(json_object_get(m, "event_type")), "trade");
    assert_string_equal(json_string_value(json_object_get(m, "id")), trade);
    assert_string_equal(json_string_value(json_object_get(m, "taker_order_id")), id);
    assert_string_equal(json_string_value(json_object_get(m, "status")), "MATCHED");
    assert_string_equal(json_string_value(json_object_get(m, "side")), "BUY");
    json_decref(doc);
    pm_ws_free(ws);
    json_decref(u.msgs);
}

/* The user channel's trade messages of an order once as many as it has trades have come (at
 * most ~5 s): their count, and their sizes summed; each MATCHED, a BUY, and no order message
 * about it (a FAK never rests). */
static int user_trades(pm_ws *ws, user_feed *u, const char *order_id, int want, pm_qty_t *size) {
    int n = 0;
    for (int tries = 0; tries < 500; tries++) {
        n = 0;
        *size = 0;
        size_t i;
        json_t *m;
        json_array_foreach(u->msgs, i, m) {
            const char *type = json_string_value(json_object_get(m, "event_type"));
            if (!strcmp(type, "order")) assert_string_not_equal(json_string_value(json_object_get(m, "id")), order_id);
            if (strcmp(type, "trade") || strcmp(json_string_value(json_object_get(m, "taker_order_id")), order_id)) continue;
            assert_string_equal(json_string_value(json_object_get(m, "status")), "MATCHED");
            assert_string_equal(json_string_value(json_object_get(m, "side")), "BUY");
            const char *text = json_string_value(json_object_get(m, "size"));
            pm_qty_t q;
            assert_int_equal(pm_qty_parse(text, strlen(text), &q, NULL), 0);
            *size += q;
            n++;
        }
        if (n >= want) break;
        pm_ws_service(ws, 10);
    }
    return n;
}

/* The admin listing's entry of an order: its status, original_size and size_matched. */
static void admin_entry(fixture *f, const char *id, const char *status, const char *original, const char *size_matched) {
    json_t *doc, *e;
    size_t i;
    int found = 0;
    assert_int_equal(call(f, "GET", "/admin/orders", NULL, NULL, NULL, 0, &doc), 200);
    json_array_foreach(json_object_get(doc, "orders"), i, e) {
        if (strcmp(json_string_value(json_object_get(e, "id")), id)) continue;
        assert_string_equal(json_string_value(json_object_get(e, "status")), status);
        assert_string_equal(json_string_value(json_object_get(e, "original_size")), original);
        assert_string_equal(json_string_value(json_object_get(e, "size_matched")), size_matched);
        found++;
    }
    json_decref(doc);
    assert_int_equal(found, 1);
}

/* A FAK buy of size shares (maker amount: limit × size, floored to the cent) through the
 * best ask; its response, trades, balance and position checked against each other. */
static fills fak_buy(fixture *f, const char *type, pm_usd_t maker, pm_qty_t size, char id[67], long want_status) {
    spec s = {.token = f->m.yes, .maker_amount = maker, .taker_amount = size, .type = type};
    int64_t usd0 = balance(f, NULL), pos0 = balance(f, f->m.yes);
    json_t *doc;
    assert_int_equal(post(f, &s, id, &doc), want_status);
    fills r = {0};
    if (want_status == 200) {
        assert_true(json_is_true(json_object_get(doc, "success")));
        assert_string_equal(json_string_value(json_object_get(doc, "status")), "matched");
        r = fills_of(f, doc, id);
        assert_decimal(doc, "makingAmount", r.cost);
        assert_decimal(doc, "takingAmount", r.net_shares);
    } else {
        assert_string_equal(error_of(doc), "order couldn't be fully filled. FOK orders are fully filled or killed.");
    }
    json_decref(doc);
    assert_int_equal(balance(f, NULL), usd0 - r.cost);
    assert_int_equal(balance(f, f->m.yes), pos0 + r.net_shares);
    return r;
}

/* The partial_fill fault: the next market orders match at most half their size, rounded down
 * to 0.01 share; a FAK partially (answer, trades, balance, user channel and admin listing all
 * agree), a FOK is killed; a GTC neither is affected nor uses the fault up. */
static void test_partial_fill_fault(void **state) {
    fixture *f = *state;
    login(f);
    user_feed u = {0, json_array()};
    pm_ws *ws = open_user(f, &u);
    json_t *doc;
    char id[67], odd[67], full[67], rest_id[67];
    assert_int_equal(call(f, "POST", "/admin/faults", NULL, "{\"partial_fill\":true,\"count\":2}", NULL, 0, &doc), 200);
    json_decref(doc);
    pm_usd_t rest_maker;
    pm_notional(f->m.tick, 10 * PM_SCALE, PM_ROUND_FLOOR, &rest_maker, NULL);
    spec rest = {.token = f->m.yes, .maker_amount = rest_maker, .taker_amount = 10 * PM_SCALE, .type = "GTC"};
    assert_int_equal(post(f, &rest, rest_id, &doc), 200);
    assert_string_equal(json_string_value(json_object_get(doc, "status")), "live");
    json_decref(doc);
    pm_px_t ask;
    pm_qty_t qty;
    best(f, f->m.yes, 1, &ask, &qty);
    pm_px_t limit = through(f, ask, 3);
    /* five shares: two and a half */
    pm_usd_t maker;
    pm_notional(limit, 5 * PM_SCALE, PM_ROUND_FLOOR, &maker, NULL);
    fills r = fak_buy(f, "FAK", maker, 5 * PM_SCALE, id, 200);
    assert_int_equal(r.size, 2500000);
    pm_qty_t ws_size;
    assert_int_equal(user_trades(ws, &u, id, r.n, &ws_size), r.n);
    assert_int_equal(ws_size, 2500000);
    admin_entry(f, id, "MATCHED", "5", "2.5");
    /* $4.00 at the limit: 4 / limit shares to 4 decimals, half of that in hundredths */
    pm_qty_t shares = 4 * PM_SCALE * (PM_SCALE / 100) / limit * 100;
    r = fak_buy(f, "FAK", 4 * PM_SCALE, shares, odd, 200);
    assert_int_equal(r.size, shares / 2 / 10000 * 10000);
    assert_int_equal(user_trades(ws, &u, odd, r.n, &ws_size), r.n);
    assert_int_equal(ws_size, shares / 2 / 10000 * 10000);
    /* the fault used up: the whole size */
    r = fak_buy(f, "FAK", maker, 5 * PM_SCALE, full, 200);
    assert_int_equal(r.size, 5 * PM_SCALE);
    admin_entry(f, full, "MATCHED", "5", "5");
    /* a FOK under the fault is killed, changing nothing; the next one fills */
    assert_int_equal(call(f, "POST", "/admin/faults", NULL, "{\"partial_fill\":true}", NULL, 0, &doc), 200);
    json_decref(doc);
    fak_buy(f, "FOK", maker, 5 * PM_SCALE, id, 400);
    r = fak_buy(f, "FOK", maker, 5 * PM_SCALE, id, 200);
    assert_int_equal(r.size, 5 * PM_SCALE);
    admin_entry(f, rest_id, "LIVE", "10", "0");
    pm_ws_free(ws);
    json_decref(u.msgs);
}

/* The official POLY_1271 vector (py-clob-client-v2 tests, fact sheet §5 vector 6): chain 80002,
 * V2 exchange, deposit wallet 0x1111…, inner signature by the common test key. */
static void test_1271_vector(void **state) {
    (void)state;
    sim_poly p;
    memset(&p, 0, sizeof p);
    assert_int_equal(sim_poly_ledger_init(&p, 0, NULL), 0);
    poly_order o;
    memset(&o, 0, sizeof o);
    poly_word_u64(479249096354ULL, o.salt);
    poly_parse_address("0x1111111111111111111111111111111111111111", o.maker, NULL);
    memcpy(o.signer, o.maker, 20);
    poly_word_u64(1234, o.token_id);
    poly_word_u64(100000000, o.maker_amount);
    poly_word_u64(50000000, o.taker_amount);
    o.signature_type = 3;
    poly_word_u64(1710000000000ULL, o.timestamp);
    uint8_t contract[20], dom[32], owner[20], wire[317];
    poly_parse_address(POLY_EXCHANGE_V2, contract, NULL);
    poly_domain_separator(POLY_EXCHANGE_DOMAIN, "2", 80002, contract, dom);
    poly_parse_address("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", owner, NULL);
    static const char inner[] = "a3a093c83b6c20c83355c16ce94c92e6e9fcbdeb840618cc74f6c57a42ad145b2b98db73d2c73cbf1f2b6af28"
                                "8566ae81960ddbc3a13921027358a8bff3be6ff1c";
    static const char app[] = "a440cbd865bc0c6243d7a8df9a8bf48a8827b0a4abbb61c30e96d305423af148";
    static const char contents[] = "d23d42d3ad94e65d78258cecaf8dcbaddac0f73dc085040f2c12bb595dd83804";
    for (int i = 0; i < 65; i++) sscanf(inner + 2 * i, "%2hhx", &wire[i]);
    for (int i = 0; i < 32; i++) sscanf(app + 2 * i, "%2hhx", &wire[65 + i]);
    for (int i = 0; i < 32; i++) sscanf(contents + 2 * i, "%2hhx", &wire[97 + i]);
    memcpy(wire + 129, POLY_ORDER_TYPE, POLY_ORDER_TYPE_LEN);
    wire[315] = 0x00;
    wire[316] = 0xba;
    assert_int_equal(sim_poly_check_order_sig(p.ledger, &o, dom, 80002, wire, sizeof wire, owner), 0);
    owner[0] ^= 1; /* another owner */
    assert_int_equal(sim_poly_check_order_sig(p.ledger, &o, dom, 80002, wire, sizeof wire, owner), -1);
    owner[0] ^= 1;
    wire[100] ^= 1; /* contents that are not the order's */
    assert_int_equal(sim_poly_check_order_sig(p.ledger, &o, dom, 80002, wire, sizeof wire, owner), -1);
    wire[100] ^= 1;
    assert_int_equal(sim_poly_check_order_sig(p.ledger, &o, dom, 137, wire, sizeof wire, owner), -1);
    sim_poly_ledger_free(&p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_1271_vector),
        cmocka_unit_test_setup_teardown(test_api_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fok_fill, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fak_partial_and_sell, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gtc_rest_cancel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_admin_orders, setup, teardown),
        cmocka_unit_test_setup_teardown(test_1271_and_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exchanges, setup, teardown),
        cmocka_unit_test_setup_teardown(test_precision_by_tick, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_channel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_partial_fill_fault, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
