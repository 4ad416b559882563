/* gamma.h — Polymarket market metadata from the Gamma API: Gamma market objects parsed into
 * pm_market (every number read from its JSON text into fixed point, never through a float),
 * pages of GET /markets/keyset, and a small client for the public Gamma host with its rate
 * limit and retries. Off the hot path.
 *
 * Which token is stored as "yes": Gamma lists `outcomes` index-aligned with the token ids.
 * When the outcomes are Yes and No (in either order, any letter case), outcome_yes_id is the
 * Yes token. Otherwise (team names, Up/Down, Over/Under) outcome_yes_id is the FIRST listed
 * outcome's token and outcome_no_id the second's; outcome_yes_name / outcome_no_name always
 * say which outcome each token pays on. */
#ifndef PM_VENUE_POLYMARKET_GAMMA_H
#define PM_VENUE_POLYMARKET_GAMMA_H

#include <stddef.h>
#include <stdint.h>

#include "net/http.h"
#include "net/ratelimit.h"
#include "store/markets.h"
#include "util/err.h"
#include "util/jtok.h"

#define POLY_GAMMA_CURSOR_MAX 1024
#define POLY_GAMMA_PAGE_LIMIT 100 /* /markets/keyset serves at most 100 markets a page */

/* Why a market object was skipped. */
typedef enum poly_skip {
    POLY_SKIP_MISSING,    /* a required field is absent: id, conditionId, question or outcomes */
    POLY_SKIP_NO_TOKENS,  /* no outcome token ids yet (newly listed markets lag in Gamma) */
    POLY_SKIP_NOT_BINARY, /* not exactly two outcomes and two token ids */
    POLY_SKIP_MALFORMED,  /* a field of the wrong type or form */
    POLY_SKIP_COUNT
} poly_skip;

/* "missing field", "no token ids", "not two outcomes", "malformed". */
const char *poly_skip_name(poly_skip s);

/* One parsed market; m's strings point into memory the struct owns. */
#define POLY_GAMMA_OWNED 16
typedef struct poly_gamma_market {
    pm_market m;
    char *own[POLY_GAMMA_OWNED];
    int nown;
} poly_gamma_market;

/* Parses the Gamma market object at token obj of j. event_id (may be NULL) is the event of a
 * market nested in an /events object, used when the market carries no `events` array. The
 * mapping: question → title; description → rules; conditionId → platform_market_id; id →
 * gamma_id; events[0].id → event_id; clobTokenIds (or, for `version` "v2", positionIds) with
 * outcomes → outcome ids and names (see above); endDate → close_time; status "active" unless
 * closed or not active; orderPriceMinTickSize → tick_size; orderMinSize → min_order_size;
 * feeSchedule {rate, exponent, takerOnly, rebateRate} → fee_rate_bps, fee_exponent,
 * fee_taker_only, fee_rebate_bps (with no schedule, a market whose feesEnabled is false has
 * rate 0); feeType, feesEnabled, negRisk, version, acceptingOrders, enableOrderBook as they
 * are; raw_json = the object's text. 0, or -1 with *why and a message naming the market in
 * err (nothing to free then). */
int poly_gamma_parse_market(const pm_json *j, int obj, const char *event_id, poly_gamma_market *out, poly_skip *why,
                            pm_err *err);
void poly_gamma_market_free(poly_gamma_market *g);

/* What a page held. */
typedef struct poly_gamma_page {
    int objects;                             /* market objects on the page */
    int skipped[POLY_SKIP_COUNT];            /* of which skipped, by reason (each logged at debug level) */
    char first_error[POLY_SKIP_COUNT][PM_ERR_MSG_MAX]; /* the first skip's message for each reason */
    char next_cursor[POLY_GAMMA_CURSOR_MAX]; /* "" when absent or null: the last page */
} poly_gamma_page;

/* Calls cb for each market of a page: the keyset shape {"markets": [...], "next_cursor": "…"}
 * or a bare array (the legacy /markets). A market that does not parse is skipped, counted and
 * logged; cb's non-zero return stops the page and is an error (its message in err). -1 also
 * for a body that is not one of the two shapes. */
typedef int (*poly_gamma_cb)(void *ctx, pm_market *m);
int poly_gamma_parse_page(const char *body, size_t len, poly_gamma_cb cb, void *ctx, poly_gamma_page *page,
                          pm_err *err);

/* The Gamma host: base URL (production or `pmarb sim`'s /gamma), one pm_http, a token bucket
 * that keeps to the venue's /markets limit (300 requests per 10 s: 25/s with a burst of 50,
 * so no 10 s window sees more than 300), retries with backoff + jitter on 429/5xx/transport
 * errors. Every Gamma request is a read. */
typedef struct poly_gamma {
    pm_http *http;
    char base[512];
    int page_limit; /* markets a keyset page asks for: POLY_GAMMA_PAGE_LIMIT, the venue's maximum */
    pm_bucket bucket;
    int max_attempts;
    int64_t backoff_base_ms, backoff_max_ms;
} poly_gamma;

int poly_gamma_init(poly_gamma *g, const char *base_url, int64_t timeout_ms, pm_err *err);
void poly_gamma_close(poly_gamma *g);

/* GET base + path_query. 0 on a 2xx response; -1 with "GET <path>: HTTP <status>: <body
 * start>" or the transport error after the last attempt. */
int poly_gamma_get(poly_gamma *g, const char *path_query, pm_http_response *res, pm_err *err);

/* The path of a page of open markets: /markets/keyset?limit=<limit>&active=true&closed=false,
 * plus &after_cursor=<cursor, percent-encoded> after the first page (the venue ignores
 * `cursor`). Every page repeats the filters: the venue ties a cursor to its query. -1 if out
 * is short. */
int poly_gamma_keyset_path(const char *cursor, int limit, char *out, size_t cap);

#endif
