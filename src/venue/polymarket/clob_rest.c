/* clob_rest.c — Polymarket CLOB REST requests (see clob_rest.h). */
#include "venue/polymarket/clob_rest.h"

#include "util/clock.h"
#include "util/jtok.h"
#include "util/log.h"
#include "venue/polymarket/eip712.h"
#include "venue/polymarket/l2auth.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Requests per 10 s and per 10 min (0: none) of each class; ../shared/research/polymarket.md §8. */
static const int64_t limit_10s[POLY_EP_COUNT] = {9000, 1500, 500, 200, 200, 50, 100, 500, 3500, 3000, 1000, 1000};
static const int64_t limit_10m[POLY_EP_COUNT] = {0, 0, 0, 0, 0, 0, 0, 0, 36000, 30000, 15000, 15000};
#define GLOBAL_10S 15000

static void limits_init(poly_limits *l) {
    int64_t now = pm_mono_ns();
    pm_bucket_init(&l->global, GLOBAL_10S / 10, GLOBAL_10S, now);
    for (int i = 0; i < POLY_EP_COUNT; i++) {
        pm_bucket_init(&l->burst[i], limit_10s[i] / 10, limit_10s[i], now);
        l->sustained_on[i] = limit_10m[i] > 0;
        if (l->sustained_on[i]) pm_bucket_init(&l->sustained[i], limit_10m[i] / 600, limit_10m[i], now);
    }
}

static void limits_wait(poly_limits *l, poly_ep ep, int64_t cost) {
    if ((unsigned)ep >= POLY_EP_COUNT) ep = POLY_EP_GENERAL;
    if (cost < 1) cost = 1;
    pm_bucket_wait(&l->global, 1);
    pm_bucket_wait(&l->burst[ep], cost);
    if (l->sustained_on[ep]) pm_bucket_wait(&l->sustained[ep], cost);
}

int poly_l1_sign(const poly_wallet *w, uint64_t chain_id, int64_t timestamp_s, uint64_t nonce, poly_l1_headers *out,
                 pm_err *err) {
    uint8_t addr[20], sh[32], dom[32], digest[32], sig[65];
    poly_wallet_address(w, addr);
    snprintf(out->timestamp, sizeof out->timestamp, "%lld", (long long)timestamp_s);
    snprintf(out->nonce, sizeof out->nonce, "%llu", (unsigned long long)nonce);
    poly_clob_auth_struct_hash(addr, out->timestamp, nonce, sh);
    poly_domain_separator("ClobAuthDomain", "1", chain_id, NULL, dom);
    poly_eip712_digest(dom, sh, digest);
    if (poly_wallet_sign(w, digest, sig, err)) return -1;
    poly_hex(sig, 65, out->signature);
    poly_address_checksum(addr, out->address);
    return 0;
}

int poly_rest_init(poly_rest *r, const char *base_url, uint64_t chain_id, int64_t timeout_ms, pm_err *err) {
    memset(r, 0, sizeof *r);
    size_t n = strlen(base_url);
    while (n > 0 && base_url[n - 1] == '/') n--;
    if (n >= sizeof r->base) return pm_err_set(err, "Polymarket CLOB URL is too long");
    if (strncmp(base_url, "https://", 8) && strncmp(base_url, "http://", 7))
        return pm_err_set(err, "Polymarket CLOB URL must start with https:// (or http:// for a local simulator): %s",
                          base_url);
    memcpy(r->base, base_url, n);
    r->chain_id = chain_id;
    limits_init(&r->own_limits);
    r->limits = &r->own_limits;
    r->max_attempts = 5;
    r->backoff_base_ms = 250;
    r->backoff_max_ms = 8000;
    return pm_http_new(timeout_ms, &r->http, err);
}

static int fork_rest(const poly_rest *parent, poly_rest *child, int64_t timeout_ms, int direct, pm_err *err) {
    *child = *parent;
    child->limits = parent->limits;
    child->http = NULL;
    int rc = poly_l2_key_dup(&parent->l2, &child->l2, err);
    if (!rc) rc = direct ? pm_http_new_direct(timeout_ms, parent->base, &child->http, err) : pm_http_new(timeout_ms, &child->http, err);
    if (rc) {
        poly_l2_key_free(&child->l2);
        OPENSSL_cleanse(&child->creds, sizeof child->creds);
        child->has_creds = 0;
    }
    return rc;
}

int poly_rest_fork(const poly_rest *parent, poly_rest *child, int64_t timeout_ms, pm_err *err) {
    return fork_rest(parent, child, timeout_ms, 0, err);
}

int poly_rest_fork_direct(const poly_rest *parent, poly_rest *child, int64_t timeout_ms, pm_err *err) {
    return fork_rest(parent, child, timeout_ms, 1, err);
}

void poly_rest_close(poly_rest *r) {
    pm_http_free(r->http);
    r->http = NULL;
    poly_l2_key_free(&r->l2);
    OPENSSL_cleanse(&r->creds, sizeof r->creds);
    r->has_creds = 0;
}

void poly_rest_set_creds(poly_rest *r, const poly_creds *c, const uint8_t address[20]) {
    r->creds = *c;
    poly_l2_key_free(&r->l2);
    if (poly_l2_key_init(&r->l2, c->secret, NULL)) r->l2.ctx = NULL; /* signing says why, request by request */
    poly_address_checksum(address, r->address);
    r->has_creds = 1;
}

int64_t poly_rest_now_s(const poly_rest *r) { return pm_wall_ns() / 1000000000LL + r->clock_offset_s; }

/* -1 with res->status -1 when the request cannot be sent at all. */
static int attempt(poly_rest *r, const poly_req *q, pm_http_response *res, pm_err *err) {
    res->status = -1;
    char url[4096];
    int n = snprintf(url, sizeof url, "%s%s%s%s", r->base, q->path, q->query ? "?" : "", q->query ? q->query : "");
    if (n < 0 || n >= (int)sizeof url) return pm_err_set(err, "request URL too long: %s", q->path);
    const char *headers[6] = {NULL};
    char h[5][300];
    if (q->auth == POLY_AUTH_L2) {
        if (!r->has_creds) return pm_err_set(err, "%s %s needs API credentials (POLY_API_KEY …)", q->method, q->path);
        char ts[24], sig[POLY_L2_SIG_LEN];
        snprintf(ts, sizeof ts, "%lld", (long long)poly_rest_now_s(r));
        if (r->l2.ctx ? poly_l2_sign(&r->l2, ts, q->method, q->path, q->body, sig, err)
                      : poly_l2_signature(r->creds.secret, ts, q->method, q->path, q->body, sig, err))
            return -1;
        snprintf(h[0], sizeof h[0], "POLY_ADDRESS: %s", r->address);
        snprintf(h[1], sizeof h[1], "POLY_SIGNATURE: %s", sig);
        snprintf(h[2], sizeof h[2], "POLY_TIMESTAMP: %s", ts);
        snprintf(h[3], sizeof h[3], "POLY_API_KEY: %s", r->creds.key);
        snprintf(h[4], sizeof h[4], "POLY_PASSPHRASE: %s", r->creds.passphrase);
        for (int i = 0; i < 5; i++) headers[i] = h[i];
    } else if (q->auth == POLY_AUTH_L1) {
        if (!q->wallet) return pm_err_set(err, "%s %s needs the wallet key (POLY_PRIVATE_KEY)", q->method, q->path);
        poly_l1_headers l1;
        if (poly_l1_sign(q->wallet, r->chain_id, poly_rest_now_s(r), q->nonce, &l1, err)) return -1;
        snprintf(h[0], sizeof h[0], "POLY_ADDRESS: %s", l1.address);
        snprintf(h[1], sizeof h[1], "POLY_SIGNATURE: %s", l1.signature);
        snprintf(h[2], sizeof h[2], "POLY_TIMESTAMP: %s", l1.timestamp);
        snprintf(h[3], sizeof h[3], "POLY_NONCE: %s", l1.nonce);
        for (int i = 0; i < 4; i++) headers[i] = h[i];
    }
    /* a bodiless POST or DELETE still says Content-Length: 0, or a keep-alive peer may wait for a body */
    const char *body = q->body ? q->body : strcmp(q->method, "GET") ? "" : NULL;
    int rc = pm_http_do(r->http, q->method, url, headers, body, res, err);
    OPENSSL_cleanse(h, sizeof h);
    return rc;
}

void poly_error_text(const char *body, size_t len, char *out, size_t cap) {
    out[0] = '\0';
    if (!body || cap == 0) return;
    pm_json j;
    if (pm_json_parse_alloc(&j, body, len) > 0) {
        int e = pm_json_key(&j, 0, "error");
        int ok = pm_json_is_str(&j, e) && pm_json_unescape(&j, e, out, cap) >= 0;
        pm_json_release(&j);
        if (ok) return;
    }
    snprintf(out, cap, "%.*s", (int)(len < 200 ? len : 200), body);
}

static int status_error(const poly_req *q, const pm_http_response *res, pm_err *err) {
    char text[300];
    poly_error_text(res->body, res->len, text, sizeof text);
    return pm_err_set(err, "%s %s: HTTP %ld: %s", q->method, q->path, res->status, text);
}

int poly_rest_read(poly_rest *r, const poly_req *q, pm_http_response *res, pm_err *err) {
    for (int a = 1;; a++) {
        limits_wait(r->limits, q->ep, q->cost);
        int rc = attempt(r, q, res, err);
        if (rc == 0 && res->status >= 200 && res->status < 300) return 0;
        if (rc == 0) status_error(q, res, err);
        if (res->status < 0 || !pm_http_retryable(rc ? 0 : res->status) || a >= r->max_attempts) return -1;
        int64_t wait = pm_http_backoff_ms(a, r->backoff_base_ms, r->backoff_max_ms);
        pm_warn("polymarket", "request failed; retrying", PM_KV_S("path", q->path), PM_KV_I("status", rc ? 0 : res->status),
                PM_KV_I("attempt", a), PM_KV_I("retry_in_ms", wait), PM_KV_S("error", err ? err->msg : ""));
        struct timespec ts = {wait / 1000, (wait % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
}

int poly_rest_write(poly_rest *r, const poly_req *q, pm_http_response *res, pm_err *err) {
    limits_wait(r->limits, q->ep, q->cost);
    if (attempt(r, q, res, err)) return -1; /* status -1: not sent; 0: sent, no answer */
    if (res->status >= 200 && res->status < 300) return 0;
    return status_error(q, res, err);
}
