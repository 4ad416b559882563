/* positions.h — typed reads of the positions table (rows are written through records.h) and
 * the market outcomes of the approved pairs, which together are what the reconciler compares
 * with the venues (engine/reconcile.h). */
#ifndef PM_STORE_POSITIONS_H
#define PM_STORE_POSITIONS_H

#include <stdint.h>

#include "core/market.h"
#include "core/money.h"
#include "store/db.h"
#include "store/records.h"

/* One stored position (mode paper or live). market_id: the Kalshi ticker, or the Polymarket
 * token id with outcome the token's own outcome. */
typedef struct pm_position_row {
    pm_venue venue;
    char market_id[PM_REC_MARKET_MAX];
    pm_outcome outcome;
    int live;
    pm_qty_t qty;
    pm_usd_t cost;
    pm_usd_t realized_pnl;
    int64_t updated_ns;
} pm_position_row;

typedef int (*pm_position_cb)(void *ctx, const pm_position_row *p);

/* Every position of the mode (live 1, paper 0), ordered by venue, market_id, outcome. cb
 * returns 0 to continue, non-zero to stop (returned as is). A row whose venue, outcome or
 * market id (longer than PM_REC_MARKET_MAX - 1) cannot be represented is an error. */
int pm_store_list_positions(pm_db *db, int live, pm_position_cb cb, void *ctx, pm_err *err);

/* The position (venue, market_id, outcome, mode): 1 found (*out filled), 0 none, -1 error. */
int pm_store_get_position(pm_db *db, pm_venue venue, const char *market_id, pm_outcome outcome, int live,
                          pm_position_row *out, pm_err *err);

/* One market outcome of an approved pair. */
typedef struct pm_pair_leg_id {
    pm_venue venue;
    const char *market_id; /* Kalshi ticker or Polymarket token id; valid during the callback */
    pm_outcome outcome;    /* Kalshi: YES and NO of the ticker; Polymarket: the token's own outcome */
} pm_pair_leg_id;

typedef int (*pm_pair_leg_cb)(void *ctx, const pm_pair_leg_id *leg);

/* Both outcomes of both markets of every approved pair whose markets are both active (what
 * pm_store_list_approved_pairs lists): Kalshi (ticker, yes) and (ticker, no), Polymarket
 * (YES token, yes) and (NO token, no); each once however many pairs share it, ordered by
 * venue, market_id, outcome. A Polymarket market without a token id contributes no row for it. */
int pm_store_list_approved_legs(pm_db *db, pm_pair_leg_cb cb, void *ctx, pm_err *err);

#endif
