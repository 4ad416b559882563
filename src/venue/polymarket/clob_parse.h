/* clob_parse.h — the Polymarket CLOB's REST responses as C types, and their parsers: books
 * (all strings, lenient ".48", levels sorted here, empty sides, "" last trade price), tick
 * size, neg-risk, fee rate, market info (V2 short keys and legacy), order responses (errorMsg
 * or error_msg), cancels, open orders, trade pages, balances and API credentials. Money and
 * sizes go straight into fixed point; bad input gives -1 with a reason, never a crash. */
#ifndef PM_VENUE_POLYMARKET_CLOB_PARSE_H
#define PM_VENUE_POLYMARKET_CLOB_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "core/book.h"
#include "core/market.h"
#include "core/money.h"
#include "venue/polymarket/clob_rest.h"

#define POLY_ID_MAX 96           /* token ids (≤ 78 digits), 0x-hashes (66), UUIDs */
#define POLY_TRADE_IDS_MAX 64    /* trade ids kept per order response */

/* --- market data --- */

typedef struct poly_book {
    char market[POLY_ID_MAX];    /* condition id */
    char asset_id[POLY_ID_MAX];  /* token id */
    char hash[POLY_ID_MAX];
    int64_t timestamp_ms;        /* -1 when absent */
    pm_px_t tick;                /* tick_size, -1 when absent */
    pm_qty_t min_order_size;     /* -1 when absent */
    int neg_risk;                /* 1, 0, or -1 when absent */
    pm_px_t last_trade_price;    /* -1 when absent or "" */
    pm_book book;                /* LIVE, sorted (best last) */
} poly_book;

/* A /book body. */
int poly_parse_book(const char *json, size_t len, poly_book *out, pm_err *err);
/* A JSON array of books into out[0..cap); *n gets how many. */
int poly_parse_books(const char *json, size_t len, poly_book *out, size_t cap, size_t *n, pm_err *err);

int poly_parse_tick_size(const char *json, size_t len, pm_px_t *tick, pm_err *err);
int poly_parse_neg_risk(const char *json, size_t len, int *neg_risk, pm_err *err);
int poly_parse_fee_rate(const char *json, size_t len, int64_t *bps, pm_err *err);
/* {"version": N} (2 when absent). */
int poly_parse_version(const char *json, size_t len, int *version, pm_err *err);

typedef struct poly_market_token {
    char token_id[POLY_ID_MAX];
    char outcome[64];
} poly_market_token;

/* GET /clob-markets/{condition_id} (V2 short keys) or the legacy GET /markets/{condition_id}. */
typedef struct poly_market_info {
    char condition_id[POLY_ID_MAX];
    poly_market_token token[2];
    int ntokens;
    pm_px_t tick;                /* mts / minimum_tick_size */
    pm_qty_t min_order_size;     /* mos / minimum_order_size; -1 when absent */
    int neg_risk;                /* nr (absent = false) */
    int64_t fee_rate;            /* fd.r, scale 6 (0.04 = 40000); 0 when absent */
    int fee_exponent;            /* fd.e */
    int fee_taker_only;          /* fd.to */
    int64_t maker_base_fee, taker_base_fee; /* mbf / tbf (bps), -1 when absent */
    int accepting_orders;        /* ao / accepting_orders: 1, 0, or -1 when absent */
    int active, closed;          /* legacy only; -1 when absent */
} poly_market_info;

int poly_parse_clob_market(const char *json, size_t len, poly_market_info *out, pm_err *err);
int poly_parse_legacy_market(const char *json, size_t len, poly_market_info *out, pm_err *err);
/* Every market of a GET /markets page ({"data": [...], "next_cursor": …}) through cb (returns 0
 * to go on); next_cursor (cap bytes) gets the page's cursor. */
int poly_parse_markets_page(const char *json, size_t len, int (*cb)(void *ctx, const poly_market_info *m), void *ctx,
                            char *next_cursor, size_t cap, pm_err *err);

/* --- orders --- */

typedef enum poly_order_status {
    POLY_STATUS_NONE = 0,        /* not reported */
    POLY_STATUS_LIVE,            /* resting on the book */
    POLY_STATUS_MATCHED,
    POLY_STATUS_DELAYED,         /* matching delayed (sports / taker delay) */
    POLY_STATUS_UNMATCHED,       /* marketable but not matched (delay over, or FAK/FOK killed) */
    POLY_STATUS_OTHER,
} poly_order_status;

poly_order_status poly_order_status_parse(const char *s); /* case-insensitive, "ORDER_STATUS_" prefix allowed */

typedef struct poly_order_response {
    long http_status;            /* 0: sent, no answer — the order's fate is unknown; -1: never sent */
    int known;                   /* 0 when the venue may or may not have the order (no answer, or 5xx) */
    int success;
    char error[512];             /* errorMsg / error_msg / {"error"}: verbatim */
    char order_id[POLY_ID_MAX];  /* the venue's orderID; the order's hash until it answers */
    char status_text[32];
    poly_order_status status;
    pm_qty_t making_amount, taking_amount; /* 6-decimal fixed point; -1 when absent or "" */
    int ntrade_ids;              /* trade ids reported (may exceed the ones kept) */
    char trade_ids[POLY_TRADE_IDS_MAX][POLY_ID_MAX];
} poly_order_response;

/* An order response body (also a non-2xx {"error": …} body: success 0, error verbatim); out's
 * order_id is kept when the venue names none. */
int poly_parse_order_response(const char *json, size_t len, poly_order_response *out, pm_err *err);
/* A JSON array of order responses into out[0..cap) (each cleared first: order_id "" when the
 * venue names none). */
int poly_parse_order_responses(const char *json, size_t len, poly_order_response *out, size_t cap, size_t *n,
                               pm_err *err);

/* {"canceled": [...], "not_canceled": {"id": "reason"}}; arrays owned by the result. */
typedef struct poly_not_canceled {
    char id[POLY_ID_MAX];
    char reason[160];
} poly_not_canceled;
typedef struct poly_cancel_result {
    char (*canceled)[POLY_ID_MAX];
    size_t ncanceled;
    poly_not_canceled *not_canceled;
    size_t nnot_canceled;
} poly_cancel_result;
void poly_cancel_result_free(poly_cancel_result *c);
int poly_parse_cancel(const char *json, size_t len, poly_cancel_result *out, pm_err *err);

/* An order as /data/order/{id} and /data/orders return it. */
typedef struct poly_open_order {
    char id[POLY_ID_MAX];
    char status_text[32];
    poly_order_status status;
    char owner[64];
    char maker_address[POLY_ADDRESS_LEN];
    char market[POLY_ID_MAX];
    char asset_id[POLY_ID_MAX];
    pm_side side;
    pm_qty_t original_size, size_matched;
    pm_px_t price;
    char outcome[64];
    char order_type[8];
    int64_t created_at;          /* unix seconds, -1 when absent */
    int64_t expiration;          /* unix seconds, 0 = none */
    int nassociate_trades;
} poly_open_order;

int poly_parse_open_order(const char *json, size_t len, poly_open_order *out, pm_err *err);
/* A /data/order/{id} body: 1 an order (out filled), 0 none (empty, null, {} or no id), -1 bad. */
int poly_parse_order_lookup(const char *json, size_t len, poly_open_order *out, pm_err *err);
/* Every order of a /data/orders page ({"data": [...], "next_cursor": …}) through cb (returns 0
 * to go on); next_cursor (cap bytes) gets the page's cursor. */
int poly_parse_orders_page(const char *json, size_t len, int (*cb)(void *ctx, const poly_open_order *o), void *ctx,
                           char *next_cursor, size_t cap, pm_err *err);

typedef struct poly_maker_order {
    char order_id[POLY_ID_MAX];
    char owner[64];
    char maker_address[POLY_ADDRESS_LEN];
    pm_qty_t matched_amount;
    pm_px_t price;
    char asset_id[POLY_ID_MAX];
    char outcome[64];
    int side;                    /* pm_side, or -1 when absent */
} poly_maker_order;

typedef struct poly_trade {
    char id[POLY_ID_MAX];
    char taker_order_id[POLY_ID_MAX];
    char market[POLY_ID_MAX];
    char asset_id[POLY_ID_MAX];
    pm_side side;                /* the taker's side */
    pm_qty_t size;
    pm_px_t price;
    int64_t fee_rate_bps;        /* -1 when absent */
    char status[32];             /* MATCHED | MINED | CONFIRMED | RETRYING | FAILED */
    int64_t match_time;          /* unix seconds */
    char outcome[64];
    char owner[64];
    char maker_address[POLY_ADDRESS_LEN];
    int is_taker;                /* trader_side == "TAKER" */
    char transaction_hash[POLY_ID_MAX];
    const poly_maker_order *maker_orders; /* valid during the callback */
    size_t nmaker_orders;
} poly_trade;

typedef struct poly_trade_filter {
    const char *id, *maker_address, *market, *asset_id; /* NULL: any */
    int64_t before, after;       /* unix seconds, 0: unbounded */
} poly_trade_filter;

/* Every trade of a /data/trades page ({"data": [...], "next_cursor": …}) through cb (returns 0
 * to go on); next_cursor (cap bytes) gets the page's cursor. */
int poly_parse_trades_page(const char *json, size_t len, int (*cb)(void *ctx, const poly_trade *t), void *ctx,
                           char *next_cursor, size_t cap, pm_err *err);

/* --- balances --- */

#define POLY_ALLOWANCES_MAX 8
typedef struct poly_balance {
    int64_t balance;             /* base units, 6 decimals: micro-dollars of pUSD, or millionths of a share */
    int nallowances;
    struct {
        char spender[POLY_ADDRESS_LEN];
        char amount[80];         /* decimal base units (often 2^256 − 1) */
    } allowance[POLY_ALLOWANCES_MAX];
} poly_balance;

int poly_parse_balance(const char *json, size_t len, poly_balance *out, pm_err *err);

/* --- API keys (L1) --- */

int poly_parse_creds(const char *json, size_t len, poly_creds *out, pm_err *err);

#endif
