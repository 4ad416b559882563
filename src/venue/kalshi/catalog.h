/* catalog.h — Kalshi's market catalogue as pmarb stores it: parsing of GET /markets and
 * GET /events pages, GET /series/{ticker}, with every price and fee coefficient read as an
 * exact decimal (never through a float). Off the hot path. */
#ifndef PM_VENUE_KALSHI_CATALOG_H
#define PM_VENUE_KALSHI_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "store/markets.h"
#include "util/err.h"

#define KALSHI_CURSOR_MAX 1024

/* Fee schedule of an event or a series: fee_type "" and multiplier -1 when not given. */
typedef struct kalshi_fees {
    char fee_type[48];
    int64_t fee_multiplier; /* scale 6 */
} kalshi_fees;

typedef struct kalshi_event_info {
    char event_ticker[128];
    char series_ticker[128];
    kalshi_fees override; /* fee_type_override / fee_multiplier_override */
} kalshi_event_info;

/* Each market of a /markets page, as a pm_market (status mapped to active/closed; rules =
 * rules_primary + blank line + rules_secondary; description = yes_sub_title; tick size from
 * price_ranges when uniform; raw_json = the venue's object; fees left unknown). Strings are
 * valid during the callback. cb returns 0 to go on. */
typedef int (*kalshi_market_cb)(void *ctx, pm_market *m);
int kalshi_parse_markets(const char *body, size_t len, kalshi_market_cb cb, void *ctx, char cursor[KALSHI_CURSOR_MAX],
                         pm_err *err);

/* Each event of a /events page (or the one event of /events/{ticker}, whose "event" object is
 * accepted too). */
typedef int (*kalshi_event_cb)(void *ctx, const kalshi_event_info *e);
int kalshi_parse_events(const char *body, size_t len, kalshi_event_cb cb, void *ctx, char cursor[KALSHI_CURSOR_MAX],
                        pm_err *err);

/* GET /series/{ticker}: {"series": {"fee_type": …, "fee_multiplier": …}}. */
int kalshi_parse_series(const char *body, size_t len, kalshi_fees *out, pm_err *err);

#endif
