/* sync.h — `pmarb sync --venue polymarket`: mirrors Polymarket's open markets (Gamma
 * /markets/keyset, active and not closed) into markets.db with their rules text, token ids,
 * outcome names, tick and minimum sizes, fee schedule and protocol version. One transaction per
 * page. Markets that a complete sync no longer sees — or saw but had to skip — are marked
 * closed; a sync that fails part-way closes nothing. */
#ifndef PM_VENUE_POLYMARKET_SYNC_H
#define PM_VENUE_POLYMARKET_SYNC_H

#include <stdio.h>

#include "store/db.h"
#include "venue/polymarket/gamma.h"

#define POLY_SYNC_MAX_PAGES 10000 /* 1,000,000 markets: beyond that the cursor is not advancing */

typedef struct poly_sync_stats {
    int pages, objects, markets;     /* market objects listed; of which stored */
    int added, updated, unchanged, closed;
    int skipped[POLY_SKIP_COUNT];    /* objects skipped, by reason */
    int skipped_total;
} poly_sync_stats;

/* progress: where to print a progress line while paging (NULL for none). */
int poly_sync(poly_gamma *g, pm_db *db, FILE *progress, poly_sync_stats *st, pm_err *err);

/* The summary line, e.g. "polymarket: 25 markets (2 new, 1 updated, 22 unchanged), 1 closed;
 * 1 pages; 3 skipped (1 no token ids, 2 malformed)" (no newline). Truncated to fit cap. */
void poly_sync_summary(const poly_sync_stats *st, char *out, size_t cap);

#endif
