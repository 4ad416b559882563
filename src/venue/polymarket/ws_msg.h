/* ws_msg.h — parsing of Polymarket CLOB WebSocket frames, market and user channels (hot path:
 * jsmn, no allocation after poly_parser_new).
 *
 * A text frame is one JSON object, a JSON array of objects, or plain text (the PONG answering
 * our PING, the "NO NEW ASSETS" notice): poly_parse_frame tokenizes it once, then
 * poly_parse_next decodes its messages one by one, so one bad element does not hide the
 * others. Decoded strings point into the frame and level/change arrays into the parser's
 * scratch; both stay valid until the next poly_parse_frame. All numbers arrive as decimal
 * strings and are parsed straight into fixed point; an optional decimal sent as "" (e.g.
 * best_bid when the bid side is empty) becomes POLY_PX_NONE. */
#ifndef PM_VENUE_POLYMARKET_WS_MSG_H
#define PM_VENUE_POLYMARKET_WS_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "core/book.h"
#include "core/market.h"
#include "util/err.h"
#include "util/jtok.h"

#define POLY_MAX_LEVELS 10000  /* per book side: every price of the finest grid (0.0001) */
#define POLY_MAX_CHANGES 4096  /* entries of one price_change message */
#define POLY_MAX_MAKERS 256    /* maker orders of one user-channel trade */
#define POLY_MAX_IDS 64        /* assets_ids of one market_resolved / new_market */
#define POLY_PX_NONE (-1)      /* an optional price sent as "" */

typedef enum poly_frame_kind {
    POLY_FRAME_JSON = 0,       /* messages to read with poly_parse_next */
    POLY_FRAME_PONG,           /* "PONG": the answer to our keep-alive PING */
    POLY_FRAME_TEXT,           /* other plain text ("NO NEW ASSETS", notices): ignored */
} poly_frame_kind;

typedef enum poly_msg_type {
    POLY_MSG_UNKNOWN = 0,      /* an event_type pmarb does not use: counted and ignored */
    POLY_MSG_BOOK,             /* full snapshot of one asset's book */
    POLY_MSG_PRICE_CHANGE,     /* new totals at levels of one or more assets */
    POLY_MSG_TICK_SIZE,        /* tick_size_change */
    POLY_MSG_LAST_TRADE,       /* last_trade_price */
    POLY_MSG_BEST_BID_ASK,     /* best_bid_ask (custom feature) */
    POLY_MSG_NEW_MARKET,       /* new_market (custom feature) */
    POLY_MSG_RESOLVED,         /* market_resolved (custom feature) */
    POLY_MSG_ORDER,            /* user channel: one of our orders */
    POLY_MSG_TRADE,            /* user channel: a trade one of our orders took part in */
} poly_msg_type;

typedef struct poly_str {
    const char *p;
    size_t n;                  /* 0 when absent */
} poly_str;

/* One entry of price_change.price_changes. */
typedef struct poly_change {
    poly_str asset;
    pm_book_side_kind side;    /* BUY = bid, SELL = ask */
    pm_px_t px;                /* strictly inside 0..1 */
    pm_qty_t size;             /* the new total at px; 0 deletes the level */
    pm_px_t best_bid, best_ask; /* the venue's top after this change, POLY_PX_NONE for "" */
    poly_str hash;             /* the venue's hash of the book after it (book_hash.h); n 0: none */
} poly_change;

/* One maker order of a user-channel trade. */
typedef struct poly_maker {
    poly_str order_id, owner, asset, outcome;
    pm_px_t px;
    pm_qty_t qty;              /* matched_amount */
} poly_maker;

typedef struct poly_msg {
    poly_msg_type type;
    const char *raw;           /* the message's JSON text within the frame */
    size_t raw_len;
    poly_str event_type;       /* as sent (for UNKNOWN) */
    poly_str asset, market;    /* asset_id (token id), market (condition id) */
    int64_t ts_ms;             /* timestamp, -1 when absent */
    /* BOOK: both sides as sent (unsorted); tick POLY_PX_NONE when not sent; its hash and
     * last_trade_price as sent (n 0 when absent) */
    pm_level *bids, *asks;
    size_t nbids, nasks;
    pm_px_t tick;
    poly_str hash, ltp;
    /* PRICE_CHANGE */
    poly_change *changes;
    size_t nchanges;
    /* TICK_SIZE */
    pm_px_t old_tick, new_tick;
    /* LAST_TRADE, ORDER and TRADE: price, size and side (pm_side of the taker / our order) */
    pm_px_t px;
    pm_qty_t size;
    pm_side side;
    int64_t fee_rate_bps;      /* -1 when absent */
    /* BEST_BID_ASK */
    pm_px_t best_bid, best_ask;
    /* NEW_MARKET and RESOLVED: assets_ids; RESOLVED: the winner */
    poly_str ids[POLY_MAX_IDS];
    size_t nids;
    poly_str winning_asset, winning_outcome;
    /* ORDER (size = original_size) and TRADE */
    poly_str id, status, kind, owner, outcome; /* kind: ORDER PLACEMENT|UPDATE|CANCELLATION */
    pm_qty_t size_matched;
    poly_str taker_order_id, trader_side;
    poly_maker *makers;
    size_t nmakers;
} poly_msg;

typedef struct poly_parser poly_parser;

/* A parser able to tokenize frames of up to max_tokens JSON tokens (a level costs 5). */
poly_parser *poly_parser_new(int max_tokens);
void poly_parser_free(poly_parser *p);

/* Tokenizes one text frame. Returns its kind, or -1 with a reason (invalid or truncated
 * JSON, too many tokens, a top level that is neither an object nor an array of objects). */
int poly_parse_frame(poly_parser *p, const char *frame, size_t len, pm_err *err);

/* Decodes the next message of a POLY_FRAME_JSON frame into m. Returns 1, 0 when there are no
 * more, or -1 with a reason when this message is bad (then m->type, m->asset and m->market
 * hold what could be read, and the next call moves on to the following message). */
int poly_parse_next(poly_parser *p, poly_msg *m, pm_err *err);

/* 1 when s holds exactly the ASCII text t. */
int poly_str_is(poly_str s, const char *t);

#endif
