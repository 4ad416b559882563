/* reconcile.h — position reconciliation: what the venues say the account holds, compared with
 * the live positions in the database, and the adoption of the venues' figures once a person
 * has understood a difference.
 *
 * The set compared is every live row of `positions` ∪ both outcomes of both markets of every
 * approved pair whose markets are active (store/positions.h: Kalshi ticker YES and NO;
 * Polymarket YES token and NO token, a token's outcome being its own), so that a holding the
 * venue has on a pair's market and the database does not know of is found too. A market
 * outcome without a row holds 0 by the database. Each venue is asked once for the holdings of
 * all its outcomes (pm_exec_holdings) and once for its cash (pm_exec_balance); cash is
 * reported, not compared (the database keeps no balance). A venue that cannot be asked makes
 * the whole comparison fail: there is no partial verdict.
 *
 * A difference is logged by the caller as a 'reconcile_diff' audit event
 * (pm_recon_event_detail) and halts trading until it is understood; adopting writes the
 * venues' quantities into `positions` (pm_reconcile_adopt). */
#ifndef PM_ENGINE_RECONCILE_H
#define PM_ENGINE_RECONCILE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/exec.h"
#include "core/market.h"
#include "core/money.h"
#include "store/db.h"
#include "util/err.h"

#define PM_RECON_DIFF_MAX 64

/* One market outcome where the database and the venue disagree. */
typedef struct pm_recon_diff {
    pm_venue venue;
    char market_id[PM_EXEC_MARKET_MAX]; /* Kalshi ticker or Polymarket token id */
    pm_outcome outcome;                 /* Polymarket: the token's own outcome */
    pm_qty_t ours;                      /* the live position's qty (0 without a row) */
    pm_qty_t theirs;                    /* what the venue holds */
} pm_recon_diff;

typedef struct pm_recon {
    size_t checked;                     /* market outcomes compared */
    size_t ndiffs;                      /* differences kept in diff[], the first by (venue, market_id, outcome) */
    size_t ndiffs_total;                /* differences found (> ndiffs when more than PM_RECON_DIFF_MAX) */
    pm_recon_diff diff[PM_RECON_DIFF_MAX];
    pm_usd_t venue_cash[PM_VENUE_COUNT]; /* cash available per venue (pm_venue index) */
} pm_recon;

/* Compares the database with the venues (venues[PM_VENUE_KALSHI], venues[PM_VENUE_POLYMARKET],
 * each of that venue). 0 with *out filled (equal when out->ndiffs_total is 0); -1 with err
 * when the database or a venue could not be read, *out then zeroed. */
int pm_reconcile(pm_db *db, pm_exec_venue *const venues[PM_VENUE_COUNT], pm_recon *out, pm_err *err);

/* Adopts the venue's quantity of every kept difference (r->diff[0..ndiffs)) into `positions`
 * (mode live), in one transaction with one 'reconcile_adopt' audit event (level warn) per
 * difference. The new cost is the old cost scaled to the new quantity (cost × theirs / ours,
 * rounded half-even) when ours > 0, else 0; realized PnL is kept; a quantity adopted as 0
 * keeps its row (at qty 0, cost 0). A position that no longer holds r's `ours` (changed since
 * the comparison) fails the whole adoption. With ndiffs_total > ndiffs only the kept ones are
 * adopted: compare again for the rest. 0, or -1 with err and nothing written. */
int pm_reconcile_adopt(pm_db *db, const pm_recon *r, int64_t now_ns, pm_err *err);

/* A difference as a JSON object {"venue", "market", "outcome", "ours", "theirs"}, the
 * quantities as exact decimal strings (contracts / shares). */
json_t *pm_recon_diff_json(const pm_recon_diff *d);

/* The detail of a 'reconcile_diff' audit event: one JSON object
 * {"checked": N, "differ": N, "shown": K, "cash": {"kalshi": "…", "polymarket": "…"},
 *  "diffs": [the first K differences]} with as many differences as fit in cap bytes (NUL
 * included; PM_REC_DETAIL_MAX fits at least one). Returns the text length, or -1 when even
 * none fits. */
int pm_recon_event_detail(const pm_recon *r, char *buf, size_t cap);

#endif
