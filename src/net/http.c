/* http.c — libcurl requests, and a direct origin's over pm_wire (see http.h). */
#include "net/http.h"

#include "net/wire.h"
#include "util/clock.h"

#include <curl/curl.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct pm_http {
    CURL *curl;
    int64_t timeout_ms;
    pm_wire *wire;     /* the direct origin's connection, or NULL */
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static void global_init(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }

int pm_http_new(int64_t timeout_ms, pm_http **out, pm_err *err) {
    pthread_once(&global_once, global_init);
    pm_http *h = calloc(1, sizeof *h);
    if (!h || !(h->curl = curl_easy_init())) {
        free(h);
        return pm_err_set(err, "cannot initialise libcurl");
    }
    h->timeout_ms = timeout_ms;
    *out = h;
    return 0;
}

int pm_http_new_direct(int64_t timeout_ms, const char *origin, pm_http **out, pm_err *err) {
    if (pm_http_new(timeout_ms, out, err)) return -1;
    if (pm_wire_new(origin, timeout_ms, &(*out)->wire, err) || pm_wire_ready((*out)->wire, err)) {
        pm_http_free(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

int pm_http_warm(pm_http *h, pm_err *err) { return h->wire ? pm_wire_ready(h->wire, err) : 0; }

uint64_t pm_http_direct_connects(const pm_http *h) { return h->wire ? pm_wire_connects(h->wire) : 0; }

void pm_http_free(pm_http *h) {
    if (!h) return;
    pm_wire_free(h->wire);
    curl_easy_cleanup(h->curl);
    free(h);
}

void pm_http_response_free(pm_http_response *res) {
    free(res->body);
    memset(res, 0, sizeof *res);
}

int pm_http_response_append(pm_http_response *r, const char *data, size_t n) {
    if (r->len + n + 1 > PM_HTTP_MAX_BODY) return -1;
    if (r->len + n + 1 > r->cap) {
        size_t cap = r->cap ? r->cap : 16384;
        while (cap < r->len + n + 1) cap *= 2;
        char *grown = realloc(r->body, cap);
        if (!grown) return -1;
        r->body = grown;
        r->cap = cap;
    }
    memcpy(r->body + r->len, data, n);
    r->len += n;
    r->body[r->len] = '\0';
    return 0;
}

static size_t on_body(char *data, size_t size, size_t n, void *user) {
    return pm_http_response_append(user, data, size * n) ? 0 : size * n; /* 0 aborts the transfer */
}

int pm_http_do(pm_http *h, const char *method, const char *url, const char *const *headers, const char *body,
               pm_http_response *res, pm_err *err) {
    const char *target;
    if (h->wire && pm_wire_owns(h->wire, url, &target))
        return pm_wire_do(h->wire, method, target, headers, body, res, err);
    CURL *c = h->curl;
    res->status = 0;
    res->len = 0;
    if (res->body) res->body[0] = '\0';
    curl_easy_reset(c); /* keeps the connection cache: keep-alive survives */
    struct curl_slist *list = NULL;
    for (const char *const *p = headers; p && *p; p++) list = curl_slist_append(list, *p);
    if (body) list = curl_slist_append(list, "Content-Type: application/json");
    list = curl_slist_append(list, "Accept: application/json");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    } else if (!strcmp(method, "GET")) {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)h->timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)(h->timeout_ms < 5000 ? h->timeout_ms : 5000));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c, CURLOPT_USERAGENT, "pmarb/" PMARB_VERSION);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, res);
    char errbuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    int64_t t0 = pm_mono_ns();
    CURLcode rc = curl_easy_perform(c);
    res->elapsed_ns = pm_mono_ns() - t0;
    curl_off_t pre_us = 0;
    res->pretransfer_ns = curl_easy_getinfo(c, CURLINFO_PRETRANSFER_TIME_T, &pre_us) == CURLE_OK && pre_us > 0
                              ? (int64_t)pre_us * 1000
                              : 0;
    curl_slist_free_all(list);
    if (!res->body && pm_http_response_append(res, "", 0)) return pm_err_set(err, "out of memory");
    if (rc != CURLE_OK)
        return pm_err_set(err, "%s %s: %s", method, url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res->status);
    return 0;
}

int pm_http_retryable(long status) { return status == 0 || status == 429 || status >= 500; }

int64_t pm_http_backoff_ms(int attempt, int64_t base_ms, int64_t max_ms) {
    int64_t cap = base_ms;
    for (int i = 1; i < attempt && cap < max_ms; i++) cap *= 2;
    if (cap > max_ms) cap = max_ms;
    uint32_t r = 0;
    RAND_bytes((unsigned char *)&r, sizeof r);
    return cap / 2 + (int64_t)(r % (uint32_t)(cap / 2 + 1));
}
