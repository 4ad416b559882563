/* poly_venue.h — the simulated Polymarket exchange: Gamma metadata (under /gamma), the CLOB's
 * public REST endpoints, the market and user WebSocket channels (/ws/market, /ws/user), and —
 * in poly_orders.c — API keys (L1), L2 HMAC checks, EIP-712 signature checks, order matching,
 * fees, balances and positions. Same paths, field names, string formats and error shapes as
 * the venue. Market-data state and the channels live in poly_venue.c / poly_ws.c; the order
 * side keeps its own state behind `ledger`.
 *
 * Books: one per market, for the YES token (bids ascending, asks descending, best last, as in
 * core/book.h); the NO token's book is its mirror (a NO bid at p is a YES ask at 1 − p). */
#ifndef PM_SIM_POLY_VENUE_H
#define PM_SIM_POLY_VENUE_H

#include <stddef.h>
#include <stdint.h>

#include "core/book.h"
#include "core/market.h"
#include "sim/http_server.h"
#include "util/err.h"

typedef struct sim_pmarket {
    char gamma_id[16];        /* Gamma numeric id, as text */
    char condition_id[67];    /* "0x" + 64 hex */
    char question_id[67];
    char slug[128];
    char question[200];
    char description[768];    /* resolution rules */
    char end_date[32];        /* ISO-8601 UTC */
    char event_id[16];
    char event_slug[128];
    char event_title[200];
    char token[2][80];        /* decimal uint256 outcome token ids: [PM_OUTCOME_YES], [PM_OUTCOME_NO] */
    int version;              /* 1: Gamma "v1" (signed for the V2 exchanges); 2: Gamma "v2" (ExchangeV3) */
    int neg_risk;
    pm_px_t tick;             /* micro-dollars */
    pm_qty_t min_size;        /* millionths of a share */
    int64_t fee_rate;         /* taker fee rate, scale 6 (0.03 = 30000); 0 = no fee */
    int fee_exponent;
    int active, closed, accepting_orders;
    int kalshi_market;        /* index of the simulated Kalshi market asking the same question, -1 */
    pm_book book;             /* the YES token's book */
    int64_t book_ts_ms;       /* wall-clock ms of the last book change */
} sim_pmarket;

typedef struct sim_pconn sim_pconn; /* one WebSocket client (either channel) */
struct sim_poly_ledger;             /* the order side's state (poly_orders.c) */

typedef struct sim_poly {
    sim_pmarket *markets;
    int nmarkets;
    sim_pconn *conns;
    struct sim_poly_ledger *ledger;
    struct {                  /* fault switches, set through POST /admin/faults */
        int http_status, http_count;   /* the next http_count REST requests answer http_status */
        int delay_ms, delay_count;     /* the next delay_count responses leave delay_ms late */
        int reject_orders;             /* the next orders are refused */
    } faults;
    uint64_t rest_requests, order_posts, ws_frames_sent;
    uint64_t rng;
} sim_poly;

/* --- market data (poly_venue.c, poly_ws.c) --- */

/* Index of the market trading this token (outcome gets which one), or -1. */
int sim_poly_find_token(const sim_poly *p, const char *token_id, pm_outcome *outcome);
/* Index of the market with this condition id, or -1. */
int sim_poly_find_condition(const sim_poly *p, const char *condition_id);

/* Sets the size at a price on one side of an outcome's book (0 removes the level), in that
 * outcome's terms (translated to the YES book), and sends the market channel's price_change
 * to every subscriber. -1 for a price off the grid or outside 0..1. */
int sim_poly_set_level(sim_poly *p, int market, pm_outcome outcome, pm_book_side_kind side, pm_px_t px,
                       pm_qty_t qty);

/* Sends the market channel's last_trade_price for a trade of qty at px on an outcome token, the
 * taker on `side`. */
void sim_poly_publish_trade(sim_poly *p, int market, pm_outcome outcome, pm_side side, pm_px_t px, pm_qty_t qty);

/* Sends a user-channel message (JSON text, copied) to every connection authenticated with this
 * API key and subscribed to the market's condition id (or to all markets). */
void sim_poly_push_user(sim_poly *p, const char *api_key, const char *condition_id, const char *json);

/* sim_handler for the Polymarket vhost; routes what it does not serve to sim_poly_private. */
void sim_poly_handle(void *user, const sim_request *req, sim_response *res);
extern const sim_ws_ops sim_poly_ws;

/* --- the order side (poly_orders.c) --- */

/* Creates the ledger; every wallet that gets an API key is credited starting_balance
 * (micro-dollars of pUSD). */
int sim_poly_ledger_init(sim_poly *p, int64_t starting_balance, pm_err *err);
void sim_poly_ledger_free(sim_poly *p);

/* Everything behind L1 or L2 auth: /auth/*, /order, /orders, /cancel-all,
 * /cancel-market-orders, /data/*, /balance-allowance*. */
void sim_poly_private(sim_poly *p, const sim_request *req, sim_response *res);

/* 0 when the credentials sent in a user-channel subscription are a live API key's. */
int sim_poly_user_auth(sim_poly *p, const char *api_key, const char *secret, const char *passphrase);

#endif
