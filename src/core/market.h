/* market.h — venue-independent names for venues, outcomes and match polarity, with their
 * canonical text forms (as stored in the database and printed by the CLI). */
#ifndef PM_CORE_MARKET_H
#define PM_CORE_MARKET_H

typedef enum pm_venue {
    PM_VENUE_KALSHI = 0,
    PM_VENUE_POLYMARKET = 1,
} pm_venue;
#define PM_VENUE_COUNT 2

typedef enum pm_outcome {
    PM_OUTCOME_YES = 0,
    PM_OUTCOME_NO = 1,
} pm_outcome;

typedef enum pm_side {
    PM_SIDE_BUY = 0,
    PM_SIDE_SELL = 1,
} pm_side;

/* How a Polymarket market's outcomes line up with the matched Kalshi market's:
 * SAME — Polymarket's YES token pays exactly when Kalshi's YES pays;
 * INVERTED — Polymarket's YES token pays exactly when Kalshi's NO pays. */
typedef enum pm_polarity {
    PM_POLARITY_SAME = 0,
    PM_POLARITY_INVERTED = 1,
} pm_polarity;

const char *pm_venue_name(pm_venue v);          /* "kalshi" | "polymarket" */
int pm_venue_parse(const char *s, pm_venue *out); /* 0, or -1 for an unknown name */
const char *pm_outcome_name(pm_outcome o);      /* "yes" | "no" */
int pm_outcome_parse(const char *s, pm_outcome *out);
const char *pm_side_name(pm_side s);            /* "buy" | "sell" */
int pm_side_parse(const char *s, pm_side *out);
const char *pm_polarity_name(pm_polarity p);    /* "same" | "inverted" */
int pm_polarity_parse(const char *s, pm_polarity *out);

/* The other outcome of a binary market. */
static inline pm_outcome pm_outcome_flip(pm_outcome o) { return o == PM_OUTCOME_YES ? PM_OUTCOME_NO : PM_OUTCOME_YES; }

#endif
