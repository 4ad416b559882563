/* rest.h — Kalshi REST client: base URL (production, demo or `pmarb sim`), a fresh RSA-PSS
 * signature on every attempt, the tier's read and write token buckets, and retries with
 * exponential backoff and jitter on 429/5xx/transport errors for reads only. Writes (orders,
 * cancels) are sent once: on an unknown outcome the caller asks the venue what happened. */
#ifndef PM_VENUE_KALSHI_REST_H
#define PM_VENUE_KALSHI_REST_H

#include "config/config.h"
#include "net/http.h"
#include "net/ratelimit.h"
#include "venue/kalshi/auth.h"

#define KALSHI_REQUEST_COST 10 /* tokens most requests cost */

typedef struct kalshi_rest {
    pm_http *http;
    kalshi_auth *auth;          /* NULL: public endpoints only (not owned) */
    char base[512];             /* e.g. https://external-api.kalshi.com/trade-api/v2 */
    char prefix[256];           /* the base URL's path, e.g. /trade-api/v2: part of what is signed */
    pm_bucket read, write;
    int max_attempts;           /* for reads */
    int64_t backoff_base_ms, backoff_max_ms;
} kalshi_rest;

int kalshi_rest_init(kalshi_rest *r, const char *base_url, int tier, int64_t timeout_ms, kalshi_auth *auth, pm_err *err);
void kalshi_rest_close(kalshi_rest *r);

/* GET base + path_query (e.g. "/events?status=open"), signed when auth is set, retried when
 * worth it. 0 on a 2xx response; -1 with "GET <path>: HTTP <status>: <body start>" or the
 * transport error otherwise (res still holds the last response). */
int kalshi_rest_get(kalshi_rest *r, const char *path_query, pm_http_response *res, pm_err *err);

/* One signed write (POST/DELETE/PUT) with a JSON body (may be NULL); never retried. 0 on 2xx;
 * -1 otherwise, with res->status 0 when the outcome is unknown (no response). */
int kalshi_rest_write(kalshi_rest *r, const char *method, const char *path_query, const char *body,
                      pm_http_response *res, pm_err *err);

#endif
