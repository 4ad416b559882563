/* http.h — HTTPS requests over libcurl: one pm_http per thread, reusing its connection
 * (keep-alive), with a per-request timeout. An order path's pm_http has a direct origin: its
 * requests to that origin go over pmarb's own connection (wire.h), opened ahead of time,
 * without libcurl. One call is one attempt: retrying is the venue
 * client's decision (an order POST is never retried blindly), helped by pm_http_backoff_ms. */
#ifndef PM_NET_HTTP_H
#define PM_NET_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

typedef struct pm_http pm_http;

typedef struct pm_http_response {
    long status;        /* HTTP status, 0 when no response arrived; -1 (a direct origin's only):
                           the request was certainly not sent */
    char *body;         /* NUL-terminated, owned by the response */
    size_t len, cap;
    int64_t elapsed_ns;
    int64_t pretransfer_ns; /* from the call to the request starting on the wire (0 unknown) */
} pm_http_response;

#define PM_HTTP_MAX_BODY (256u << 20) /* larger responses are refused */

int pm_http_new(int64_t timeout_ms, pm_http **out, pm_err *err);
void pm_http_free(pm_http *h);

/* A pm_http whose requests to origin ("https://host[:port]") go over pmarb's own HTTP/1.1
 * connection (wire.h), connected before this returns; other URLs still go through libcurl. */
int pm_http_new_direct(int64_t timeout_ms, const char *origin, pm_http **out, pm_err *err);

/* Reopens the direct connection if the peer closed it (call when idle); 0 when it has none. */
int pm_http_warm(pm_http *h, pm_err *err);

/* How many times the direct connection was opened (0 when it has none). */
uint64_t pm_http_direct_connects(const pm_http *h);

/* Sends method url with the "Name: value" headers (NULL-terminated list) and body (may be
 * NULL). 0 when a response arrived (any status, see res->status); -1 with err on a transport
 * failure (connection, TLS, timeout) — for a POST that means its fate is unknown. */
int pm_http_do(pm_http *h, const char *method, const char *url, const char *const *headers, const char *body,
               pm_http_response *res, pm_err *err);

void pm_http_response_free(pm_http_response *res);

/* Appends n bytes to res's body (kept NUL-terminated, grown as needed). -1 when it would pass
 * PM_HTTP_MAX_BODY or memory ran out. */
int pm_http_response_append(pm_http_response *res, const char *data, size_t n);

/* 1 when a status (or a transport failure, status 0) is worth retrying for an idempotent
 * request: 0 (no response), 429 and 5xx. */
int pm_http_retryable(long status);

/* Delay before attempt `attempt` (1-based) of a retry: exponential from base_ms, capped at
 * max_ms, with full jitter from the CSPRNG (uniform in [cap/2, cap]). */
int64_t pm_http_backoff_ms(int attempt, int64_t base_ms, int64_t max_ms);

#endif
