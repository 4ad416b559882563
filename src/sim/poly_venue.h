/* poly_venue.h — the simulated Polymarket exchange: Gamma metadata (under /gamma), the CLOB's
 * public REST endpoints, the market and user WebSocket channels (/ws/market, /ws/user), and —
 * in poly_orders.c — API keys (L1), L2 HMAC checks, EIP-712 signature checks, order matching,
 * fees, balances and positions. Same paths, field names, string formats and error shapes as
 * the venue. Market-data state and the channels live in poly_catalog.c (markets, books, the
 * market maker), poly_venue.c (REST) and poly_ws.c (channels); the order
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
    /* market-data side only (poly_venue.c): */
    char outcome[2][48];      /* Gamma outcomes: "Yes", "No" */
    char ctf_token[2][80];    /* version 2: the CTF ids Gamma lists in clobTokenIds (token[] = positionIds) */
    char neg_risk_market_id[67];
    char group_item[64];      /* neg-risk events: this market's outcome within the event */
    char fee_type[32];        /* Gamma feeType, "" when fee-free */
    int fee_taker_only;
    int64_t fee_rebate;       /* rebate share, scale 6 */
    int fair_q;               /* the price-process question it follows */
    int inverted;             /* its YES pays when the Kalshi market's NO pays */
    pm_px_t last_trade[2];    /* last trade price per outcome, 0 = none yet */
    pm_px_t summary_ltp;      /* the market's last trade as traded, either token: what both
                                 tokens' book summaries write as last_trade_price (0 = none) */
    pm_book mm;               /* the simulated market maker's share of `book` (what the price process moves) */
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
        int orders_only;               /* http_status and delay_ms apply to order posts only */
        int lose_answers;              /* the next orders taken are answered 500 (the answer lost) */
        int partial_orders;            /* the next market orders (FOK/FAK) match at most half their size */
    } faults;
    uint64_t rest_requests, order_posts, ws_frames_sent; /* counted by sim_poly_handle (POST /order, /orders) and poly_ws.c */
    uint64_t rng;
    /* market-data side only (poly_venue.c, poly_ws.c): */
    struct sim_prices *prices;   /* the price process shared with the Kalshi half (not owned) */
    int bad_best_next;           /* fault: the next price_change carries a wrong best_bid */
    int skip_market, skip_updates; /* fault: the next skip_updates price_change messages of market skip_market are not sent */
    int next_requote;            /* round-robin position of the periodic requote */
    uint64_t ws_connections, pings, price_changes, skipped_updates;
} sim_poly;

/* --- market data (poly_catalog.c, poly_venue.c, poly_ws.c) --- */

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

/* Builds the catalogue (deterministic for the seed): markets mirroring the built-in Kalshi
 * events (kalshi_markets of them, ordered as sim_kalshi's; their question index is the Kalshi
 * market's index), some inverted, plus Polymarket-only ones on questions kalshi_markets..
 * kalshi_markets + SIM_POLY_OWN_QUESTIONS − 1, whose fair values it sets. Books are quoted
 * around the price process's values. */
struct sim_kalshi;
#define SIM_POLY_OWN_QUESTIONS 6
int sim_poly_init(sim_poly *p, const struct sim_kalshi *k, struct sim_prices *prices, uint64_t seed, pm_err *err);
void sim_poly_free(sim_poly *p);

/* One tick of the market data: the markets of question `moved` (−1: none) and one more, in
 * turn, are requoted around the price process; one market-maker level changes size. */
void sim_poly_tick(sim_poly *p, int moved);

/* Fault switches on the catalogue: a market closes (Gamma shows it closed, the market maker
 * withdraws, orders stop; custom-feature sockets get market_resolved); a tick size changes
 * (levels off the new grid go, subscribers get tick_size_change and fresh books). -1 for a
 * tick that does not divide $1. */
void sim_poly_close_market(sim_poly *p, int market);
/* Polymarket overshoots on a market's question now: its quote is offset from the fair value
 * (which Kalshi follows) for ticks price steps, requoted at once — a dislocation on demand. */
void sim_poly_overshoot(sim_poly *p, int market, pm_px_t offset, int ticks);
int sim_poly_change_tick(sim_poly *p, int market, pm_px_t tick);

/* Internals shared by poly_venue.c and poly_ws.c. */
struct json_t;
/* A JSON number written exactly from a scale-6 fixed-point value (jansson has no decimal
 * type): a marked string that sim_poly_dumps writes unquoted. */
struct json_t *sim_poly_number(int64_t v);
/* Compact JSON text (caller frees) with sim_poly_number values unquoted; takes the reference. */
char *sim_poly_dumps(struct json_t *doc);
/* Decimal text of a price or size as the venue writes it ("0.5", "422.69", "" for none when
 * empty_none is set and v is 0). */
void sim_poly_decimal(int64_t v, int empty_none, char out[PM_FIXED_BUF]);
/* The order-book summary of one outcome token (GET /book, and the market channel's `book`
 * with with_event set), with its SHA-1 `hash` computed as the venue does (over the compact
 * summary whose hash is ""). */
struct json_t *sim_poly_book_summary(const sim_poly *p, int market, pm_outcome outcome, int64_t ts_ms, int with_event);
/* Sets a summary's "hash" to the venue's: SHA-1 (hex) of its compact JSON, keys in their
 * order, with "hash" set to "". */
void sim_poly_hash_summary(struct json_t *doc);
/* Market-channel publication (poly_ws.c). One change of a YES-book level, sent as both
 * tokens' entries. */
typedef struct sim_plevel {
    pm_book_side_kind side; /* of the YES book */
    pm_px_t px;
    pm_qty_t qty;           /* new total size at px */
} sim_plevel;
void sim_poly_ws_price_change(sim_poly *p, int market, const sim_plevel *lv, int n);
void sim_poly_ws_tick_size(sim_poly *p, int market, pm_px_t old_tick);
void sim_poly_ws_resolved(sim_poly *p, int market);
/* Market-channel fault switches: drop_connections, malformed, freeze (true/false). */
void sim_poly_ws_faults(sim_poly *p, int drop, int malformed, int freeze);
int sim_poly_ws_count(const sim_poly *p);

/* --- the order side (poly_orders.c) --- */

/* Creates the ledger; every wallet that gets an API key is credited starting_balance
 * (micro-dollars of pUSD). */
int sim_poly_ledger_init(sim_poly *p, int64_t starting_balance, pm_err *err);
void sim_poly_ledger_free(sim_poly *p);

/* Everything behind L1 or L2 auth: /auth/…, /order, /orders, /cancel-all,
 * /cancel-market-orders, /data/…, /balance-allowance*. */
void sim_poly_private(sim_poly *p, const sim_request *req, sim_response *res);

/* GET /admin/orders: every order post whose hash the venue computed, with its outcome (status,
 * original_size, size_matched of the orders taken). */
void sim_poly_admin_orders(const sim_poly *p, sim_response *res);

/* 0 when the credentials sent in a user-channel subscription are a live API key's. */
int sim_poly_user_auth(sim_poly *p, const char *api_key, const char *secret, const char *passphrase);

#endif
