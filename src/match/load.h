/* load.h — the stored markets of one venue as the matcher reads them (pm_match_market), with
 * the mapping in one place: subtitle = Kalshi's yes_sub_title (stored as description), or
 * the Polymarket outcome stored as "yes" (its name: "Yes", or a team's for a game market). */
#ifndef PM_MATCH_LOAD_H
#define PM_MATCH_LOAD_H

#include <stddef.h>

#include "match/candidates.h"
#include "store/markets.h"

typedef struct pm_match_set {
    pm_match_market *m; /* strings owned by the set */
    size_t n, cap;
} pm_match_set;

/* Appends the markets of venue (status NULL = any) in the store's order. 0, or -1 with err. */
int pm_match_load(pm_db *db, pm_venue venue, const char *status, pm_match_set *set, pm_err *err);
void pm_match_set_free(pm_match_set *set);

#endif
