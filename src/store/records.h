/* records.h — the rows trading produces (opportunities, orders and their updates, fills,
 * positions, audit events) as fixed-size structs that can be queued to the writer thread by
 * copy, and the typed insert that writes one. Empty optional strings are stored as NULL. */
#ifndef PM_STORE_RECORDS_H
#define PM_STORE_RECORDS_H

#include <stdint.h>

#include "core/market.h"
#include "core/money.h"
#include "store/db.h"
#include "util/uuid.h"

#define PM_REC_MARKET_MAX 96 /* Kalshi ticker or Polymarket token id */
#define PM_REC_VENUE_ID_MAX 96
#define PM_REC_DETAIL_MAX 512

typedef enum pm_rec_kind {
    PM_REC_OPPORTUNITY,
    PM_REC_ORDER,        /* a new order, recorded before it is sent */
    PM_REC_ORDER_UPDATE, /* status / fill progress of a recorded order */
    PM_REC_FILL,         /* stored once per (venue, venue_fill_id) */
    PM_REC_POSITION,     /* the position after a change (replaces the row) */
    PM_REC_EVENT,        /* audit trail */
    PM_REC_PAIR_HALT,    /* a pair halted until a person clears it */
} pm_rec_kind;

typedef struct pm_rec_opportunity {
    char id[PM_UUID_LEN];
    int64_t ts_ns;
    char match_id[PM_UUID_LEN];
    pm_outcome kalshi_outcome; /* the Kalshi outcome bought (direction) */
    int same_venue;            /* YES + NO on one venue: the venue whose id is set (the other is ""), its
                                * columns holding both legs together (see migration 6) */
    char kalshi_ticker[PM_REC_MARKET_MAX];
    char polymarket_token_id[PM_REC_MARKET_MAX];
    pm_qty_t qty;
    pm_px_t kalshi_price, polymarket_price;  /* worst (limit) prices */
    pm_usd_t kalshi_cost, polymarket_cost;   /* fees included */
    pm_usd_t kalshi_fee, polymarket_fee;
    pm_usd_t expected_profit;
    int64_t annualized_bps;                  /* -1 unknown */
    int64_t kalshi_book_age_us, polymarket_book_age_us; /* -1 unknown */
    int live;                                /* 0 paper, 1 live */
    char decision[16];                       /* traded | rejected | skipped */
    char reason[128];
} pm_rec_opportunity;

typedef struct pm_rec_order {
    char id[PM_UUID_LEN];
    pm_venue venue;
    char client_order_id[PM_REC_VENUE_ID_MAX]; /* Kalshi client_order_id; Polymarket order hash */
    char venue_order_id[PM_REC_VENUE_ID_MAX];  /* optional */
    char opportunity_id[PM_UUID_LEN];          /* optional */
    char match_id[PM_UUID_LEN];                /* optional */
    char role[16];                             /* first|second|simultaneous|hedge|unwind|manual */
    char market_id[PM_REC_MARKET_MAX];
    pm_side side;
    pm_outcome outcome;
    pm_px_t price;
    pm_qty_t qty;
    char tif[8];                               /* fok | fak | ioc | gtc | gtd */
    int live;
    char status[16];                           /* created | sent | ... */
    int64_t created_ns;
    int64_t sent_ns;                           /* 0 = not sent yet */
} pm_rec_order;

typedef struct pm_rec_order_update {
    char id[PM_UUID_LEN];
    char status[16];
    char client_order_id[PM_REC_VENUE_ID_MAX]; /* "" keeps the stored value (Polymarket: the hash, known once signed) */
    char venue_order_id[PM_REC_VENUE_ID_MAX];  /* "" keeps the stored value */
    pm_qty_t filled_qty;
    pm_px_t avg_price;                         /* -1 keeps the stored value */
    pm_usd_t fee;
    pm_qty_t delivered_qty;                    /* held from the fills (Polymarket buy: after fee shares) */
    pm_usd_t cash;                             /* cash balance decrease for the fills so far, fees included */
    char error[160];                           /* "" keeps the stored value */
    int64_t sent_ns;                           /* 0 keeps the stored value */
    int64_t updated_ns;
} pm_rec_order_update;

typedef struct pm_rec_fill {
    pm_venue venue;
    char venue_fill_id[PM_REC_VENUE_ID_MAX];
    char order_id[PM_UUID_LEN];                /* optional */
    char venue_order_id[PM_REC_VENUE_ID_MAX];  /* optional */
    char market_id[PM_REC_MARKET_MAX];
    pm_side side;
    pm_outcome outcome;
    pm_px_t price;
    pm_qty_t qty;
    pm_qty_t qty_delivered;
    pm_usd_t fee;
    int is_taker;
    char source[12];                           /* rest | ws | paper | reconcile */
    int64_t ts_ns, received_ns;
} pm_rec_fill;

typedef struct pm_rec_position {
    pm_venue venue;
    char market_id[PM_REC_MARKET_MAX];
    pm_outcome outcome;
    int live;
    pm_qty_t qty;
    pm_usd_t cost;
    pm_usd_t realized_pnl;
    int64_t updated_ns;
} pm_rec_position;

typedef struct pm_rec_event {
    int64_t ts_ns;
    char level[8];                             /* info | warn | error */
    char kind[32];
    char match_id[PM_UUID_LEN];                /* optional */
    char order_id[PM_UUID_LEN];                /* optional */
    char detail[PM_REC_DETAIL_MAX];            /* JSON object text */
} pm_rec_event;

typedef struct pm_rec_pair_halt {
    char match_id[PM_UUID_LEN];
    char reason[160];
    int64_t created_ns;
} pm_rec_pair_halt;

typedef struct pm_record {
    pm_rec_kind kind;
    union {
        pm_rec_opportunity opportunity;
        pm_rec_order order;
        pm_rec_order_update order_update;
        pm_rec_fill fill;
        pm_rec_position position;
        pm_rec_event event;
        pm_rec_pair_halt pair_halt;
    } u;
} pm_record;

/* Writes one record (inside the caller's transaction, if any). A fill already stored for the
 * same (venue, venue_fill_id) is not stored again: *inserted (may be NULL) tells which. An
 * update of an unknown order is an error. */
int pm_store_write_record(pm_db *db, const pm_record *r, int *inserted, pm_err *err);

const char *pm_rec_kind_name(pm_rec_kind k);

#endif
