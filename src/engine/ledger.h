/* ledger.h — live positions as pmarb knows them, per (venue, market, outcome): contracts held
 * (after fees taken in shares), the money paid for them, and realized PnL. Orders change it by
 * exactly what the venue reported (delivered contracts, cash); it mirrors the venues' own
 * accounting so a reconciliation compares like with like:
 *   Kalshi nets a market's outcomes — buying NO while holding YES closes YES (each netted
 *   pair is worth $1 and paid at once: the order's cash is its charge less $1 per netted pair) — so at most one outcome of a ticker is held;
 *   Polymarket outcomes are separate tokens and never net.
 * A sale reduces the holding; cost leaves in proportion to the quantity (rounded down), and
 * what the sale brought in less that cost is realized. A fixed table sized at creation: no
 * allocation afterwards (a full table refuses the change and says so). Feed thread only. */
#ifndef PM_ENGINE_LEDGER_H
#define PM_ENGINE_LEDGER_H

#include <stddef.h>

#include "core/market.h"
#include "core/money.h"
#include "util/err.h"

#define PM_LEDGER_ID_MAX 96

typedef struct pm_ledger_pos {
    pm_venue venue;
    char market_id[PM_LEDGER_ID_MAX];
    pm_outcome outcome;
    pm_qty_t qty;
    pm_usd_t cost;
    pm_usd_t realized;
} pm_ledger_pos;

typedef struct pm_ledger pm_ledger;

pm_ledger *pm_ledger_new(size_t capacity);
void pm_ledger_free(pm_ledger *l);
/* Forgets every position (before loading them again). */
void pm_ledger_clear(pm_ledger *l);

/* Sets a position as stored (loading at start, adopting a venue's figures). */
int pm_ledger_set(pm_ledger *l, pm_venue v, const char *market_id, pm_outcome o, pm_qty_t qty, pm_usd_t cost,
                  pm_usd_t realized, pm_err *err);

/* An order's fill (or more of it): side, the contracts it delivered (a sale: contracts sold)
 * and the cash it took (a sale: negative). The positions it changed (one or two) are written
 * to changed[0..*nchanged) so the caller can store them; *netted (may be NULL) gets how many
 * of the contracts closed an opposite Kalshi holding instead of being held. */
int pm_ledger_apply(pm_ledger *l, pm_venue v, const char *market_id, pm_outcome o, pm_side side, pm_qty_t delivered,
                    pm_usd_t cash, const pm_ledger_pos *changed[2], int *nchanged, pm_qty_t *netted, pm_err *err);

/* The position (NULL when never held). */
const pm_ledger_pos *pm_ledger_get(const pm_ledger *l, pm_venue v, const char *market_id, pm_outcome o);

size_t pm_ledger_count(const pm_ledger *l);
const pm_ledger_pos *pm_ledger_at(const pm_ledger *l, size_t i);

#endif
