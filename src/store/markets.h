/* markets.h — typed queries on the markets table: upsert from a sync or import (ids stay
 * stable), listing, and closing the markets a sync no longer saw. */
#ifndef PM_STORE_MARKETS_H
#define PM_STORE_MARKETS_H

#include <stdint.h>

#include "core/market.h"
#include "core/money.h"
#include "store/db.h"
#include "util/uuid.h"

#define PM_MARKET_ACTIVE "active"
#define PM_MARKET_CLOSED "closed"

/* One market. As input to pm_store_upsert_market the strings are the caller's; in a listing
 * callback they point into SQLite's row and are valid only during the callback. Optional
 * text is NULL when unknown; optional numbers use -1 for unknown. */
typedef struct pm_market {
    char id[PM_UUID_LEN];           /* pmarb's id (output only) */
    pm_venue platform;
    const char *platform_market_id; /* Kalshi ticker; Polymarket condition id */
    const char *event_id;           /* Kalshi event_ticker; Polymarket event id */
    const char *title;              /* required */
    const char *description;
    const char *rules;              /* resolution rules text */
    const char *status;             /* "active" | "closed" */
    const char *close_time;         /* ISO-8601 UTC */
    const char *outcome_yes_id;     /* Polymarket YES token id (Kalshi: NULL); when the outcomes are not
                                     * Yes/No (team names, Up/Down), the first listed outcome's token */
    const char *outcome_no_id;      /* Polymarket NO token id (or the second listed outcome's) */
    pm_px_t tick_size;              /* micro-dollars, -1 = unknown or varies by price */
    pm_qty_t min_order_size;        /* millionths of a contract, -1 = unknown */
    const char *fee_type;           /* Kalshi fee_type; Polymarket feeType */
    int64_t fee_multiplier;         /* scale 6 (1.0 = 1000000), -1 = unknown */
    int64_t fee_rate_bps;           /* taker rate in basis points, -1 = unknown */
    int neg_risk;                   /* Polymarket negRisk */
    const char *gamma_id;           /* Polymarket Gamma market id (Kalshi: NULL) */
    const char *protocol_version;   /* Polymarket Gamma `version`: "v1", or "v2" (ExchangeV3); NULL = not given */
    const char *outcome_yes_name;   /* the outcome outcome_yes_id pays on: "Yes", or e.g. a team's name */
    const char *outcome_no_name;    /* the outcome outcome_no_id pays on */
    int fees_enabled;               /* Polymarket feesEnabled: 1, 0, -1 = unknown */
    int64_t fee_exponent;           /* Polymarket feeSchedule.exponent, -1 = unknown */
    int fee_taker_only;             /* Polymarket feeSchedule.takerOnly: 1, 0, -1 = unknown */
    int64_t fee_rebate_bps;         /* share of fees rebated to makers, 0.25 = 2500; -1 = unknown */
    int accepting_orders;           /* Polymarket acceptingOrders: 1, 0, -1 = unknown */
    int order_book_enabled;         /* Polymarket enableOrderBook: 1, 0, -1 = unknown */
    const char *raw_json;           /* the venue's own object */
    const char *content_hash;       /* output only: sha256 hex of the matchable text */
    const char *fetched_at;         /* output only */
    const char *updated_at;         /* output only */
} pm_market;

/* A market with every optional field unknown; set what you have. */
void pm_market_init(pm_market *m, pm_venue platform);

typedef enum pm_upsert_result {
    PM_UPSERT_NEW,       /* first time seen */
    PM_UPSERT_UPDATED,   /* a stored detail or the status changed */
    PM_UPSERT_UNCHANGED, /* only fetched_at / raw_json refreshed */
} pm_upsert_result;

/* Inserts or updates by (platform, platform_market_id), keeping the row's id; fills m->id.
 * now_ns stamps fetched_at (and updated_at on change). */
int pm_store_upsert_market(pm_db *db, pm_market *m, int64_t now_ns, pm_upsert_result *res, pm_err *err);

/* Marks closed every active market of the venue whose fetched_at is before since_ns (i.e. a
 * sync that started at since_ns did not see it). *count receives how many. */
int pm_store_close_unseen_markets(pm_db *db, pm_venue platform, int64_t since_ns, int *count, pm_err *err);

/* Calls cb for each market (platform < 0: all; status NULL: any), ordered by platform then
 * platform_market_id. cb returns 0 to continue, non-zero to stop (returned as-is). */
typedef int (*pm_market_cb)(void *ctx, const pm_market *m);
int pm_store_list_markets(pm_db *db, int platform, const char *status, pm_market_cb cb, void *ctx, pm_err *err);

/* Looks up one market by pmarb id or by (platform, platform_market_id); 1 found, 0 not, -1 error. */
int pm_store_get_market(pm_db *db, const char *id, pm_market_cb cb, void *ctx, pm_err *err);
int pm_store_find_market(pm_db *db, pm_venue platform, const char *platform_market_id, pm_market_cb cb,
                         void *ctx, pm_err *err);

/* Column list and row reader shared with the queries that join markets (matches.c). */
#define PM_MARKET_COLUMNS(t)                                                                       \
    t ".id, " t ".platform, " t ".platform_market_id, " t ".event_id, " t ".title, " t                \
    ".description, " t ".rules, " t ".status, " t ".close_time, " t ".outcome_yes_id, " t            \
    ".outcome_no_id, " t ".tick_size, " t ".min_order_size, " t ".fee_type, " t ".fee_multiplier, " t \
    ".fee_rate_bps, " t ".neg_risk, " t ".raw_json, " t ".content_hash, " t ".fetched_at, " t         \
    ".updated_at, " t ".gamma_id, " t ".protocol_version, " t ".outcome_yes_name, " t                  \
    ".outcome_no_name, " t ".fees_enabled, " t ".fee_exponent, " t ".fee_taker_only, " t                  \
    ".fee_rebate_bps, " t ".accepting_orders, " t ".order_book_enabled"
#define PM_MARKET_NCOLUMNS 31
void pm_market_from_row(sqlite3_stmt *st, int col, pm_market *m);

#endif
