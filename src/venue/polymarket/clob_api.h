/* clob_api.h — typed Polymarket CLOB calls over clob_rest.h: books, tick size, neg-risk, fee
 * rate, market info, time and version; orders (single and batch ≤ 15, sent exactly once),
 * cancels, order and trade look-ups with cursor paging ("MA==" to "LTE="), balances; and L1
 * API-key creation and derivation. An order POST that got no answer says so (http_status 0,
 * known 0) and poly_find_order_fate finds what became of it by its hash. Response types and
 * parsers are in clob_parse.h. */
#ifndef PM_VENUE_POLYMARKET_CLOB_API_H
#define PM_VENUE_POLYMARKET_CLOB_API_H

#include "venue/polymarket/clob_parse.h"
#include "venue/polymarket/clob_rest.h"

#define POLY_BATCH_MAX 15           /* orders per POST /orders (the same limit as order_build.h's) */
#define POLY_INITIAL_CURSOR "MA=="  /* first page of a cursor endpoint */
#define POLY_END_CURSOR "LTE="      /* next_cursor after the last page */

/* What became of an order whose POST got no answer (poly_find_order_fate). */
typedef enum poly_fate {
    POLY_FATE_NOT_FOUND = 0,     /* neither open nor traded: not accepted (or cancelled unfilled) */
    POLY_FATE_OPEN = 1,          /* held by the venue (as poly_order_fate.order says) */
    POLY_FATE_TRADED = 2,        /* no longer open, but it traded `matched` */
} poly_fate;
typedef struct poly_order_fate {
    poly_fate fate;
    poly_open_order order;       /* when OPEN */
    pm_qty_t matched;            /* size matched (OPEN: size_matched; TRADED: Σ of its trades) */
    int ntrades;
} poly_order_fate;

/* GET /book?token_id= ; POST /books for up to cap tokens (out in the venue's order: match by asset_id). */
int poly_get_book(poly_rest *r, const char *token_id, poly_book *out, pm_err *err);
int poly_get_books(poly_rest *r, const char *const *token_ids, size_t n, poly_book *out, size_t *nout, pm_err *err);

/* GET /tick-size (number or string), /neg-risk, /fee-rate (base_fee in bps, V1 orders only). */
int poly_get_tick_size(poly_rest *r, const char *token_id, pm_px_t *tick, pm_err *err);
int poly_get_neg_risk(poly_rest *r, const char *token_id, int *neg_risk, pm_err *err);
int poly_get_fee_rate_bps(poly_rest *r, const char *token_id, int64_t *bps, pm_err *err);

int poly_get_clob_market(poly_rest *r, const char *condition_id, poly_market_info *out, pm_err *err);
int poly_get_legacy_market(poly_rest *r, const char *condition_id, poly_market_info *out, pm_err *err);
/* GET /markets (legacy CLOB markets), every page; cb returns 0 to go on. */
int poly_list_markets(poly_rest *r, int (*cb)(void *ctx, const poly_market_info *m), void *ctx, pm_err *err);

/* GET /time (unix seconds); poly_rest_sync_time also sets r->clock_offset_s from it. */
int poly_get_time(poly_rest *r, int64_t *server_s, pm_err *err);
int poly_rest_sync_time(poly_rest *r, pm_err *err);
/* GET /version → the order version the venue wants (2 when the answer has none). */
int poly_get_version(poly_rest *r, int *version, pm_err *err);

/* POST /order with body (the exact JSON text of {"order":…,"owner":…,"orderType":…}; signed and
 * sent as is) for the order whose EIP-712 hash is order_hash ("0x…"). Sent exactly once. 0 when
 * the venue accepted it; -1 with err otherwise — out->known 0 when its fate is unknown. */
int poly_post_order(poly_rest *r, const char *body, const char *order_hash, poly_order_response *out, pm_err *err);
/* POST /orders with n ≤ 15 bodies, sent once as one JSON array; out[i] answers bodies[i]
 * (by orderID when the venue gives one, else by position). 0 when the request got a 2xx
 * answer (each out[i].success says how that order fared); -1 otherwise, every out[i] then
 * carrying the same http_status / known. */
int poly_post_orders(poly_rest *r, const char *const *bodies, const char *const *order_hashes, size_t n,
                     poly_order_response *out, pm_err *err);

/* DELETE /order, /orders (ids), /cancel-all, /cancel-market-orders (condition id and/or token
 * id; NULL or "" leaves a key out). Each sent once. */
int poly_cancel_order(poly_rest *r, const char *order_id, poly_cancel_result *out, pm_err *err);
int poly_cancel_orders(poly_rest *r, const char *const *order_ids, size_t n, poly_cancel_result *out, pm_err *err);
int poly_cancel_all(poly_rest *r, poly_cancel_result *out, pm_err *err);
int poly_cancel_market_orders(poly_rest *r, const char *condition_id, const char *token_id, poly_cancel_result *out,
                              pm_err *err);

/* GET /data/order/{id}: 1 found (out filled), 0 the venue has no such open order (filled and
 * cancelled orders are not returned), -1 error. */
int poly_get_order(poly_rest *r, const char *order_id, poly_open_order *out, pm_err *err);

/* GET /data/orders (filters may be NULL), every page from "MA==" to "LTE="; cb returns 0 to go on. */
int poly_list_orders(poly_rest *r, const char *market, const char *asset_id,
                     int (*cb)(void *ctx, const poly_open_order *o), void *ctx, pm_err *err);

/* GET /data/trades with the filter (NULL: all), every page; cb returns 0 to go on. */
int poly_list_trades(poly_rest *r, const poly_trade_filter *f, int (*cb)(void *ctx, const poly_trade *t), void *ctx,
                     pm_err *err);

/* What became of an order whose POST got no answer, found by its hash (never by resending):
 * the open order if GET /data/order/{hash} has it, else the trades it took part in (as taker
 * or maker) on asset_id (NULL: any) since after_s (0: all). */
int poly_find_order_fate(poly_rest *r, const char *order_hash, const char *asset_id, int64_t after_s,
                         poly_order_fate *out, pm_err *err);

/* GET /balance-allowance and /balance-allowance/update; asset_type COLLATERAL | CONDITIONAL |
 * CONDITIONAL-V2, token_id for conditional tokens (else NULL). */
int poly_get_balance_allowance(poly_rest *r, const char *asset_type, const char *token_id, int signature_type,
                               poly_balance *out, pm_err *err);
int poly_update_balance_allowance(poly_rest *r, const char *asset_type, const char *token_id, int signature_type,
                                  pm_err *err);

/* POST /auth/api-key (a new key for this nonce) and GET /auth/derive-api-key (the existing one). */
int poly_create_api_key(poly_rest *r, const poly_wallet *w, uint64_t nonce, poly_creds *out, pm_err *err);
int poly_derive_api_key(poly_rest *r, const poly_wallet *w, uint64_t nonce, poly_creds *out, pm_err *err);

#endif
