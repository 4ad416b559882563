/* rest.c — Kalshi REST requests (see rest.h). */
#include "venue/kalshi/rest.h"

#include "util/clock.h"
#include "util/log.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Tokens per second of each tier (read, write); see ../shared/research/kalshi.md §3.6. */
static const int64_t tier_tokens[][2] = {{200, 100}, {300, 300}, {1000, 1000}, {2000, 2000}, {4000, 4000}};

int kalshi_rest_init(kalshi_rest *r, const char *base_url, int tier, int64_t timeout_ms, kalshi_auth *auth, pm_err *err) {
    memset(r, 0, sizeof *r);
    size_t n = strlen(base_url);
    while (n > 0 && base_url[n - 1] == '/') n--;
    if (n >= sizeof r->base) return pm_err_set(err, "Kalshi REST URL is too long");
    if (strncmp(base_url, "https://", 8) && strncmp(base_url, "http://", 7))
        return pm_err_set(err, "Kalshi REST URL must start with https:// (or http:// for a local simulator): %s", base_url);
    memcpy(r->base, base_url, n);
    const char *path = strchr(strstr(r->base, "://") + 3, '/');
    snprintf(r->prefix, sizeof r->prefix, "%s", path ? path : "");
    if ((unsigned)tier > 4) tier = 0;
    int64_t now = pm_mono_ns();
    pm_bucket_init(&r->read, tier_tokens[tier][0], tier_tokens[tier][0], now);
    pm_bucket_init(&r->write, tier_tokens[tier][1], 2 * tier_tokens[tier][1], now);
    r->auth = auth;
    r->max_attempts = 5;
    r->backoff_base_ms = 250;
    r->backoff_max_ms = 8000;
    return pm_http_new(timeout_ms, &r->http, err);
}

void kalshi_rest_close(kalshi_rest *r) {
    pm_http_free(r->http);
    r->http = NULL;
}

static int attempt(kalshi_rest *r, const char *method, const char *path_query, const char *body,
                   pm_http_response *res, pm_err *err) {
    char url[2048], full_path[1024];
    if (snprintf(url, sizeof url, "%s%s", r->base, path_query) >= (int)sizeof url ||
        snprintf(full_path, sizeof full_path, "%s%s", r->prefix, path_query) >= (int)sizeof full_path)
        return pm_err_set(err, "request path too long");
    const char *headers[4] = {NULL};
    char h_key[KALSHI_KEY_ID_MAX + 32], h_ts[64], h_sig[KALSHI_SIG_B64_MAX + 32];
    if (r->auth) {
        kalshi_headers h;
        if (kalshi_auth_sign(r->auth, pm_wall_ns() / 1000000, method, full_path, &h, err)) return -1;
        snprintf(h_key, sizeof h_key, "KALSHI-ACCESS-KEY: %s", h.key);
        snprintf(h_ts, sizeof h_ts, "KALSHI-ACCESS-TIMESTAMP: %s", h.timestamp);
        snprintf(h_sig, sizeof h_sig, "KALSHI-ACCESS-SIGNATURE: %s", h.signature);
        headers[0] = h_key, headers[1] = h_ts, headers[2] = h_sig;
    }
    return pm_http_do(r->http, method, url, headers, body, res, err);
}

static int status_error(const char *method, const char *path_query, const pm_http_response *res, pm_err *err) {
    return pm_err_set(err, "%s %s: HTTP %ld: %.200s", method, path_query, res->status, res->body ? res->body : "");
}

int kalshi_rest_get(kalshi_rest *r, const char *path_query, pm_http_response *res, pm_err *err) {
    for (int a = 1;; a++) {
        pm_bucket_wait(&r->read, KALSHI_REQUEST_COST);
        int rc = attempt(r, "GET", path_query, NULL, res, err);
        if (rc == 0 && res->status >= 200 && res->status < 300) return 0;
        if (rc == 0) status_error("GET", path_query, res, err);
        if (!pm_http_retryable(rc ? 0 : res->status) || a >= r->max_attempts) return -1;
        int64_t wait = pm_http_backoff_ms(a, r->backoff_base_ms, r->backoff_max_ms);
        pm_warn("kalshi", "request failed; retrying", PM_KV_S("path", path_query), PM_KV_I("status", res->status),
                PM_KV_I("attempt", a), PM_KV_I("retry_in_ms", wait), PM_KV_S("error", err ? err->msg : ""));
        struct timespec ts = {wait / 1000, (wait % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
}

int kalshi_rest_write(kalshi_rest *r, const char *method, const char *path_query, const char *body,
                      pm_http_response *res, pm_err *err) {
    pm_bucket_wait(&r->write, KALSHI_REQUEST_COST);
    if (attempt(r, method, path_query, body, res, err)) {
        res->status = 0;
        return -1;
    }
    if (res->status >= 200 && res->status < 300) return 0;
    return status_error(method, path_query, res, err);
}
