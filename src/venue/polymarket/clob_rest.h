/* clob_rest.h — Polymarket CLOB REST transport: base URL (production or `pmarb sim`), one
 * pm_http per thread, L1 (EIP-712 ClobAuth) and L2 (HMAC) headers built fresh on every
 * attempt over the exact body bytes sent, with the path signed without its query string and
 * timestamps in seconds, token buckets per endpoint class (../shared/research/polymarket.md
 * §8), and retries with backoff + jitter on 429/5xx/transport errors for reads only. Writes
 * (order POSTs, cancels, key creation) are sent exactly once: on an unknown outcome the caller
 * asks the venue what happened (clob_api.h, poly_find_order_fate). */
#ifndef PM_VENUE_POLYMARKET_CLOB_REST_H
#define PM_VENUE_POLYMARKET_CLOB_REST_H

#include <stddef.h>
#include <stdint.h>

#include "net/http.h"
#include "net/ratelimit.h"
#include "util/err.h"
#include "venue/polymarket/l2auth.h"
#include "venue/polymarket/wallet.h"

/* Rate-limit classes: each has the venue's per-10 s limit and, for order traffic, its
 * 10-minute sustained limit. Every request also draws on the CLOB-wide budget. */
typedef enum poly_ep {
    POLY_EP_GENERAL,        /* 9,000 / 10 s: everything not listed below */
    POLY_EP_BOOK,           /* GET /book: 1,500 / 10 s */
    POLY_EP_BOOKS,          /* POST /books: 500 / 10 s */
    POLY_EP_TICK,           /* GET /tick-size: 200 / 10 s */
    POLY_EP_BALANCE,        /* GET /balance-allowance: 200 / 10 s */
    POLY_EP_BALANCE_UPDATE, /* GET /balance-allowance/update: 50 / 10 s */
    POLY_EP_KEYS,           /* the /auth/ endpoints: 100 / 10 s */
    POLY_EP_DATA,           /* /data/orders, /data/order, /data/trades: 500 / 10 s */
    POLY_EP_POST_ORDER,     /* POST /order: 3,500 / 10 s, 36,000 / 10 min */
    POLY_EP_CANCEL,         /* DELETE /order, /cancel-all, /cancel-market-orders: 3,000 / 10 s, 30,000 / 10 min */
    POLY_EP_POST_ORDERS,    /* POST /orders: 1,000 / 10 s, 15,000 / 10 min */
    POLY_EP_CANCEL_MANY,    /* DELETE /orders: 1,000 / 10 s, 15,000 / 10 min */
    POLY_EP_COUNT
} poly_ep;

typedef struct poly_limits {
    pm_bucket global;
    pm_bucket burst[POLY_EP_COUNT];
    pm_bucket sustained[POLY_EP_COUNT]; /* used where sustained_on[ep] */
    int sustained_on[POLY_EP_COUNT];
} poly_limits;

/* CLOB API credentials (from L1 create/derive, or POLY_API_KEY / _SECRET / _PASSPHRASE). */
typedef struct poly_creds {
    char key[128];
    char secret[128];     /* base64url */
    char passphrase[128];
} poly_creds;

#define POLY_ADDRESS_LEN 43 /* "0x" + 40 hex + NUL */
#define POLY_SIG_HEX_LEN 133 /* "0x" + 130 hex + NUL */

/* The four L1 headers' values: ClobAuth signed for chain_id at timestamp_s with nonce; the
 * address in its EIP-55 form (eip712.h poly_address_checksum), as the official client sends it. */
typedef struct poly_l1_headers {
    char address[POLY_ADDRESS_LEN];
    char signature[POLY_SIG_HEX_LEN];
    char timestamp[24];
    char nonce[24];
} poly_l1_headers;
int poly_l1_sign(const poly_wallet *w, uint64_t chain_id, int64_t timestamp_s, uint64_t nonce, poly_l1_headers *out,
                 pm_err *err);

typedef enum poly_auth { POLY_AUTH_NONE, POLY_AUTH_L1, POLY_AUTH_L2 } poly_auth;

typedef struct poly_rest {
    pm_http *http;               /* this thread's connection */
    char base[512];              /* e.g. https://clob.polymarket.com */
    uint64_t chain_id;           /* for L1 signatures */
    poly_limits *limits;         /* own_limits, or a parent's (poly_rest_fork) */
    poly_limits own_limits;
    int has_creds;
    poly_creds creds;            /* L2 */
    poly_l2_key l2;              /* creds.secret, keyed once (this thread's) */
    char address[POLY_ADDRESS_LEN]; /* POLY_ADDRESS on L2 requests: the key's signer, checksummed */
    int64_t clock_offset_s;      /* venue time − local time, from poly_rest_sync_time */
    int max_attempts;            /* for reads */
    int64_t backoff_base_ms, backoff_max_ms;
} poly_rest;

int poly_rest_init(poly_rest *r, const char *base_url, uint64_t chain_id, int64_t timeout_ms, pm_err *err);
/* A client for another thread: same venue, credentials and clock, its own connection, sharing
 * parent's rate limits (parent must outlive it). */
int poly_rest_fork(const poly_rest *parent, poly_rest *child, int64_t timeout_ms, pm_err *err);
/* The same, over pmarb's own connection to the venue (net/wire.h), opened now: an order path's. */
int poly_rest_fork_direct(const poly_rest *parent, poly_rest *child, int64_t timeout_ms, pm_err *err);
void poly_rest_close(poly_rest *r); /* wipes the credentials */

/* Enables L2 calls with these credentials, owned by the wallet at address (20 bytes). */
void poly_rest_set_creds(poly_rest *r, const poly_creds *c, const uint8_t address[20]);

/* Unix seconds on the venue's clock (local clock + clock_offset_s). */
int64_t poly_rest_now_s(const poly_rest *r);

/* One request. path is the endpoint path ("/book", "/data/order/0x…": signed by L2), query
 * the part after '?' or NULL, body the exact JSON text sent and signed or NULL. */
typedef struct poly_req {
    const char *method;
    const char *path;
    const char *query;
    const char *body;
    poly_auth auth;
    poly_ep ep;
    int64_t cost;                /* tokens from the endpoint's bucket (0 means 1) */
    const poly_wallet *wallet;   /* L1 */
    uint64_t nonce;              /* L1 */
} poly_req;

/* A read (GET, or POST /books): retried on 429/5xx/transport failures with exponential
 * backoff and jitter. 0 on 2xx; -1 with "<METHOD> <path>: HTTP <status>: <venue's error>" or
 * the transport error (res holds the last response; res->status -1 when nothing was sent). */
int poly_rest_read(poly_rest *r, const poly_req *q, pm_http_response *res, pm_err *err);

/* A write: sent exactly once. 0 on 2xx; -1 otherwise, with res->status 0 when it was sent and
 * no response arrived (the outcome is unknown), -1 when it could not be sent at all (no
 * credentials), else the HTTP status. */
int poly_rest_write(poly_rest *r, const poly_req *q, pm_http_response *res, pm_err *err);

/* The venue's error text from an error body: the "error" string of {"error": "..."} verbatim,
 * else the body's start. */
void poly_error_text(const char *body, size_t len, char *out, size_t cap);

#endif
