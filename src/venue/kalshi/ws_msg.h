/* ws_msg.h — parsing of Kalshi WebSocket frames (hot path: jsmn, no allocation).
 *
 * One frame becomes one kalshi_msg whose strings point into the frame and whose level arrays
 * point into the parser's scratch; both stay valid until the next parse. Prices are converted
 * to each outcome's own price: NO levels of a subscription made with use_yes_price=true
 * arrive at YES-scale prices and are turned back into NO prices (1 − p), so that the rest of
 * pmarb sees one convention whatever the subscription said. */
#ifndef PM_VENUE_KALSHI_WS_MSG_H
#define PM_VENUE_KALSHI_WS_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "core/book.h"
#include "core/market.h"
#include "util/err.h"
#include "util/jtok.h"

#define KALSHI_MAX_TOKENS 32768 /* a snapshot of ~10,000 levels */
#define KALSHI_MAX_LEVELS 16384

typedef enum kalshi_msg_type {
    KALSHI_MSG_UNKNOWN = 0,   /* a type pmarb does not use: counted and ignored */
    KALSHI_MSG_SUBSCRIBED,
    KALSHI_MSG_UNSUBSCRIBED,
    KALSHI_MSG_OK,
    KALSHI_MSG_ERROR,
    KALSHI_MSG_SNAPSHOT,
    KALSHI_MSG_DELTA,
    KALSHI_MSG_TICKER,
    KALSHI_MSG_TRADE,
    KALSHI_MSG_FILL,
    KALSHI_MSG_USER_ORDER,
    KALSHI_MSG_LIFECYCLE,     /* market_lifecycle_v2 */
    KALSHI_MSG_EVENT_FEE,     /* event_fee_update */
} kalshi_msg_type;

typedef struct kalshi_str {
    const char *p;
    size_t n; /* 0 when absent */
} kalshi_str;

typedef struct kalshi_msg {
    kalshi_msg_type type;
    int64_t id, sid, seq;     /* -1 when absent */
    kalshi_str ticker;        /* market_ticker */
    /* SNAPSHOT: bids of each outcome at that outcome's own price */
    pm_level *yes, *no;
    size_t nyes, nno;
    /* DELTA: signed change at (side, px) in side's own price */
    pm_outcome side;
    pm_px_t px;
    pm_qty_t delta;
    int64_t ts_ms;            /* -1 when absent */
    /* ERROR */
    int64_t code;
    kalshi_str text;
    /* SUBSCRIBED */
    kalshi_str channel;
    /* LIFECYCLE: event_type; EVENT_FEE: event_ticker, fee_type (fee_multiplier scale 6, -1 cleared) */
    kalshi_str event_type, event_ticker, fee_type;
    int64_t fee_multiplier;
    /* FILL and USER_ORDER */
    kalshi_str order_id, client_order_id, trade_id, status;
    pm_outcome outcome;       /* outcome_side */
    pm_px_t price;            /* price of `outcome` (from yes_price_dollars) */
    pm_qty_t count;           /* FILL: count_fp; USER_ORDER: fill_count_fp */
    pm_qty_t remaining;       /* USER_ORDER: remaining_count_fp */
    pm_usd_t fee;             /* FILL: fee_cost; USER_ORDER: taker + maker fees */
    int is_taker;
} kalshi_msg;

typedef struct kalshi_parser {
    jsmntok_t tok[KALSHI_MAX_TOKENS];
    pm_level yes[KALSHI_MAX_LEVELS];
    pm_level no[KALSHI_MAX_LEVELS];
} kalshi_parser;

/* Parses one text frame. use_yes_price is the flag the subscription was made with. Returns 0,
 * or -1 with a reason (malformed JSON, missing or out-of-range field) — the caller counts,
 * logs once and resyncs the affected books. */
int kalshi_parse_frame(kalshi_parser *p, const char *frame, size_t len, int use_yes_price, kalshi_msg *m, pm_err *err);

#endif
