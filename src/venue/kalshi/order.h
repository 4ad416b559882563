/* order.h — Kalshi V2 orders (POST /portfolio/events/orders): converting pmarb's "buy or sell
 * an outcome at its own price" into Kalshi's single YES book (bid = buy YES / sell NO, ask =
 * sell YES / buy NO, price always the YES price), and writing the JSON body without
 * allocating. Prices must be exact at 4 decimals and counts at 2 — never rounded silently. */
#ifndef PM_VENUE_KALSHI_ORDER_H
#define PM_VENUE_KALSHI_ORDER_H

#include <stddef.h>

#include "core/market.h"
#include "core/money.h"
#include "util/err.h"

#define KALSHI_ORDERS_PATH "/trade-api/v2/portfolio/events/orders"

typedef enum kalshi_tif {
    KALSHI_TIF_FOK, /* fill_or_kill */
    KALSHI_TIF_IOC, /* immediate_or_cancel */
    KALSHI_TIF_GTC, /* good_till_canceled */
} kalshi_tif;

typedef struct kalshi_order {
    const char *ticker;
    pm_side side;           /* buy or sell ... */
    pm_outcome outcome;     /* ... this outcome ... */
    pm_px_t price;          /* ... at this price of the outcome (limit) */
    pm_qty_t count;
    kalshi_tif tif;
    const char *client_order_id; /* UUID, recorded before sending */
} kalshi_order;

/* Kalshi's view of an order: book side and YES price. */
typedef struct kalshi_book_order {
    int ask;                /* 0 = bid, 1 = ask */
    pm_px_t yes_price;
} kalshi_book_order;

kalshi_book_order kalshi_order_book_side(pm_side side, pm_outcome outcome, pm_px_t price);

/* Writes the JSON body into buf. Returns its length, or -1 (with err) for a price not
 * expressible in 4 decimals or outside 0.0001..0.9999, a count not in 0.01 steps or ≤ 0, a
 * bad ticker or client id, or a buffer too small. */
int kalshi_order_body(const kalshi_order *o, char *buf, size_t cap, pm_err *err);

const char *kalshi_tif_name(kalshi_tif tif);

#endif
