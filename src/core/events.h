/* events.h — what a venue feed tells the engine, in venue-independent terms. A venue module
 * turns its wire messages into these; nothing downstream sees a venue's JSON. Strings are
 * (pointer, length) into the venue module's buffers, valid during the callback. */
#ifndef PM_CORE_EVENTS_H
#define PM_CORE_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/book.h"
#include "core/market.h"

typedef enum pm_event_kind {
    PM_EV_BOOK,        /* a market's book changed or was rebuilt: `book` */
    PM_EV_STALE,       /* some books lost continuity and are being resynced (or the link dropped) */
    PM_EV_MARKET,      /* a market's trading state changed: `market_state`, `detail` */
    PM_EV_FEE,         /* a fee schedule changed: `id` (event), `fee_type`, `fee_multiplier` */
    PM_EV_ORDER,       /* one of our orders changed: order fields */
    PM_EV_FILL,        /* one of our orders filled: order and fill fields */
} pm_event_kind;

typedef enum pm_market_state {
    PM_MKT_OPEN,       /* trading (again) */
    PM_MKT_PAUSED,     /* trading halted for now */
    PM_MKT_CLOSED,     /* no more trading: the outcome is being decided */
    PM_MKT_DETERMINED, /* outcome known */
    PM_MKT_SETTLED,    /* paid out */
    PM_MKT_CHANGED,    /* still trading, but something changed (close date, tick structure…): see detail */
} pm_market_state;

typedef enum pm_order_state {
    PM_ORD_RESTING,
    PM_ORD_CANCELED,
    PM_ORD_EXECUTED,
    PM_ORD_UNKNOWN,
} pm_order_state;

typedef struct pm_str {
    const char *p;
    size_t n;
} pm_str;

typedef struct pm_event {
    pm_event_kind kind;
    pm_venue venue;
    int64_t recv_ns;         /* monotonic time the message arrived */
    int market;              /* the feed's index of the market, -1 when not one of the feed's */
    pm_str id;               /* market (ticker / token id), or event ticker for PM_EV_FEE */
    const pm_book *book;     /* PM_EV_BOOK */
    pm_market_state market_state;
    pm_str detail;           /* the venue's own word for what happened (e.g. "determined") */
    pm_str fee_type;         /* PM_EV_FEE: new fee type, empty when cleared */
    int64_t fee_multiplier;  /* PM_EV_FEE: scale 6, -1 when cleared */
    pm_str order_id, client_order_id, trade_id;
    pm_order_state order_state;
    pm_outcome outcome;      /* the outcome the order buys (is long) */
    pm_px_t price;           /* that outcome's price: the fill's, or the order's limit */
    pm_qty_t qty;            /* PM_EV_FILL: contracts filled; PM_EV_ORDER: filled so far */
    pm_qty_t remaining;      /* PM_EV_ORDER */
    pm_usd_t fee;
    int is_taker;
} pm_event;

typedef void (*pm_event_fn)(void *user, const pm_event *ev);

#endif
