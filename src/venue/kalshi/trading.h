/* trading.h — Kalshi orders and portfolio over REST: create (V2, sent once — on an unknown
 * outcome the caller looks the order up by client_order_id instead of resending), cancel,
 * look up, and the balance. */
#ifndef PM_VENUE_KALSHI_TRADING_H
#define PM_VENUE_KALSHI_TRADING_H

#include "core/book.h"
#include "venue/kalshi/order.h"
#include "venue/kalshi/rest.h"

typedef struct kalshi_order_result {
    char order_id[64];
    char status[16];        /* from look-ups: resting | canceled | executed; "" from create */
    pm_qty_t filled, remaining;
    pm_px_t avg_price;      /* average YES price of the fills, -1 when none */
    pm_usd_t fees;          /* total fees of the fills */
    int known;              /* 0: no answer (timeout, connection lost): the order's fate is unknown */
} kalshi_order_result;

/* POST /portfolio/events/orders. -1 with err when refused or unknown (res->known tells). */
int kalshi_create_order(kalshi_rest *r, const kalshi_order *o, kalshi_order_result *res, pm_err *err);

/* A create-order response body (fill and remaining counts, average price, fees) into res. */
int kalshi_parse_order_response(const char *body, size_t len, kalshi_order_result *res, pm_err *err);

/* Every resting order of the account (GET /portfolio/orders?status=resting, every page); cb
 * gets its order id and ticker and returns 0 to go on. */
int kalshi_list_resting(kalshi_rest *r, int (*cb)(void *ctx, const char *order_id, const char *ticker), void *ctx,
                        pm_err *err);

/* DELETE /portfolio/events/orders/{id}?market_ticker=… ; *reduced gets the contracts taken off. */
int kalshi_cancel_order(kalshi_rest *r, const char *order_id, const char *ticker, pm_qty_t *reduced, pm_err *err);

/* The order with this client_order_id on ticker: 1 found (res filled), 0 not found, -1 error. */
int kalshi_find_order(kalshi_rest *r, const char *ticker, const char *client_order_id, kalshi_order_result *res,
                      pm_err *err);

/* GET /portfolio/balance in micro-dollars. */
int kalshi_get_balance(kalshi_rest *r, pm_usd_t *balance, pm_err *err);

/* GET /markets/{ticker}/orderbook into a book (YES bids; YES asks from NO bids), marked LIVE. */
int kalshi_get_orderbook(kalshi_rest *r, const char *ticker, pm_book *out, pm_err *err);

typedef struct kalshi_position {
    char ticker[96];
    pm_qty_t position;   /* + YES, − NO contracts */
    pm_usd_t fees_paid;  /* -1 when not reported */
} kalshi_position;

typedef struct kalshi_fill {
    char trade_id[64], order_id[64], client_order_id[72], ticker[96];
    pm_outcome outcome;  /* the outcome bought */
    pm_px_t price;       /* that outcome's price */
    pm_qty_t count;
    pm_usd_t fee;
    int is_taker;
} kalshi_fill;

/* Every market position (GET /portfolio/positions) and every fill (GET /portfolio/fills),
 * following cursors; cb returns 0 to go on. */
int kalshi_get_positions(kalshi_rest *r, int (*cb)(void *ctx, const kalshi_position *p), void *ctx, pm_err *err);
int kalshi_get_fills(kalshi_rest *r, int (*cb)(void *ctx, const kalshi_fill *f), void *ctx, pm_err *err);

#endif
