/* http.h — HTTPS requests over libcurl: one pm_http per thread, reusing its connection
 * (keep-alive), with a per-request timeout. One call is one attempt: retrying is the venue
 * client's decision (an order POST is never retried blindly), helped by pm_http_backoff_ms. */
#ifndef PM_NET_HTTP_H
#define PM_NET_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

typedef struct pm_http pm_http;

typedef struct pm_http_response {
    long status;        /* HTTP status, 0 when no response arrived */
    char *body;         /* NUL-terminated, owned by the response */
    size_t len, cap;
    int64_t elapsed_ns;
    int64_t pretransfer_ns; /* from the call to the request starting on the wire (0 unknown) */
} pm_http_response;

#define PM_HTTP_MAX_BODY (256u << 20) /* larger responses are refused */

int pm_http_new(int64_t timeout_ms, pm_http **out, pm_err *err);
void pm_http_free(pm_http *h);

/* Sends method url with the "Name: value" headers (NULL-terminated list) and body (may be
 * NULL). 0 when a response arrived (any status, see res->status); -1 with err on a transport
 * failure (connection, TLS, timeout) — for a POST that means its fate is unknown. */
int pm_http_do(pm_http *h, const char *method, const char *url, const char *const *headers, const char *body,
               pm_http_response *res, pm_err *err);

void pm_http_response_free(pm_http_response *res);

/* 1 when a status (or a transport failure, status 0) is worth retrying for an idempotent
 * request: 0 (no response), 429 and 5xx. */
int pm_http_retryable(long status);

/* Delay before attempt `attempt` (1-based) of a retry: exponential from base_ms, capped at
 * max_ms, with full jitter from the CSPRNG (uniform in [cap/2, cap]). */
int64_t pm_http_backoff_ms(int attempt, int64_t base_ms, int64_t max_ms);

#endif
