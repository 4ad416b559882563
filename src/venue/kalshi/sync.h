/* sync.h — `pmarb sync --venue kalshi`: mirrors Kalshi's open markets into markets.db with
 * their rules text, close time, tick size and fee schedule (event override, else series).
 * Markets that a complete sync no longer sees are marked closed; an interrupted sync closes
 * nothing. */
#ifndef PM_VENUE_KALSHI_SYNC_H
#define PM_VENUE_KALSHI_SYNC_H

#include <stdio.h>

#include "store/db.h"
#include "venue/kalshi/rest.h"

typedef struct kalshi_sync_stats {
    int pages, events, series, markets;
    int added, updated, unchanged, closed;
    int rules_fetched;  /* markets whose rules came from a per-event request */
    int missing_rules;  /* markets stored without any rules text (warned) */
} kalshi_sync_stats;

/* progress: where to print a progress line while paging (NULL for none). */
int kalshi_sync(kalshi_rest *r, pm_db *db, FILE *progress, kalshi_sync_stats *st, pm_err *err);

#endif
