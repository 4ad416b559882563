/* gamma.c — Gamma market objects, keyset pages and the Gamma host (see gamma.h). */
#include "venue/polymarket/gamma.h"

#include "util/clock.h"
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

const char *poly_skip_name(poly_skip s) {
    static const char *const names[POLY_SKIP_COUNT] = {"missing field", "no token ids", "not two outcomes",
                                                       "malformed"};
    return (unsigned)s < POLY_SKIP_COUNT ? names[s] : "?";
}

static char *keep(poly_gamma_market *g, char *s) {
    if (s) g->own[g->nown++] = s;
    return s;
}

void poly_gamma_market_free(poly_gamma_market *g) {
    for (int i = 0; i < g->nown; i++) free(g->own[i]);
    g->nown = 0;
}

/* Records why the market is skipped and the detail; returns -1. */
__attribute__((format(printf, 4, 5))) static int bad(poly_skip *why, poly_skip reason, pm_err *err,
                                                     const char *fmt, ...) {
    char msg[PM_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    *why = reason;
    return pm_err_set(err, "%s", msg);
}

static int present(const pm_json *j, int i) { return i >= 0 && !pm_json_is_null(j, i); }

/* Text of a string token, or of a number (not true/false/null). */
static int scalar_text(const pm_json *j, int i, const char **s, size_t *n) {
    if (pm_json_is_str(j, i)) {
        *s = pm_json_text(j, i, n);
        return 0;
    }
    if (i < 0 || j->tok[i].type != JSMN_PRIMITIVE) return -1;
    char c = j->js[j->tok[i].start];
    if (c != '-' && (c < '0' || c > '9')) return -1;
    *s = pm_json_text(j, i, n);
    return 0;
}

/* An optional string field as a new string; NULL when absent, null or "". */
static int opt_text(const pm_json *j, int obj, const char *key, char **out, poly_skip *why, pm_err *err) {
    *out = NULL;
    int i = pm_json_key(j, obj, key);
    if (!present(j, i)) return 0;
    if (!pm_json_is_str(j, i)) return bad(why, POLY_SKIP_MALFORMED, err, "%s is not a string", key);
    if (!(*out = pm_json_strdup(j, i))) return bad(why, POLY_SKIP_MALFORMED, err, "%s is not valid JSON text", key);
    if (!**out) {
        free(*out);
        *out = NULL;
    }
    return 0;
}

/* An id that may arrive as a string or a number, as a new string; NULL when absent. */
static int opt_id(const pm_json *j, int obj, const char *key, char **out, poly_skip *why, pm_err *err) {
    *out = NULL;
    int i = pm_json_key(j, obj, key);
    if (!present(j, i)) return 0;
    const char *s;
    size_t n;
    if (scalar_text(j, i, &s, &n) || n == 0 || memchr(s, '\\', n))
        return bad(why, POLY_SKIP_MALFORMED, err, "%s is not a string or number", key);
    *out = strndup(s, n);
    return 0;
}

/* An optional decimal (a JSON number or a string holding one), read from its text; -1 when absent. */
static int opt_decimal(const pm_json *j, int obj, const char *key, const pm_decimal_spec *spec, int64_t *out,
                       poly_skip *why, pm_err *err) {
    *out = -1;
    int i = pm_json_key(j, obj, key);
    if (!present(j, i)) return 0;
    const char *s;
    size_t n;
    if (scalar_text(j, i, &s, &n)) return bad(why, POLY_SKIP_MALFORMED, err, "%s is not a number", spec->what);
    if (pm_decimal_parse(s, n, spec, out, err) == 0) return 0;
    *why = POLY_SKIP_MALFORMED;
    return -1;
}

/* An optional boolean: 1, 0, or -1 when absent or null. */
static int opt_flag(const pm_json *j, int obj, const char *key, int *out, poly_skip *why, pm_err *err) {
    *out = -1;
    int i = pm_json_key(j, obj, key);
    if (!present(j, i)) return 0;
    if (j->tok[i].type == JSMN_PRIMITIVE && pm_json_eq(j, i, "true")) *out = 1;
    else if (j->tok[i].type == JSMN_PRIMITIVE && pm_json_eq(j, i, "false")) *out = 0;
    else return bad(why, POLY_SKIP_MALFORMED, err, "%s is not true or false", key);
    return 0;
}

/* A list of strings: a JSON array, or a string holding one (Gamma encodes clobTokenIds and
 * outcomes so). *n counts all items (-1 when absent, null or ""); the first two are kept in
 * items (new strings, freed here on failure). */
static int string_list(const pm_json *j, int obj, const char *key, char *items[2], int *n, poly_skip *why,
                       pm_err *err) {
    items[0] = items[1] = NULL;
    *n = -1;
    int i = pm_json_key(j, obj, key);
    if (!present(j, i)) return 0;
    pm_json inner;
    const pm_json *src = j;
    char *text = NULL;
    int arr = i, rc = 0;
    if (pm_json_is_str(j, i)) {
        if (!(text = pm_json_strdup(j, i)))
            return bad(why, POLY_SKIP_MALFORMED, err, "%s is not valid JSON text", key);
        if (!*text) {
            free(text);
            return 0;
        }
        if (pm_json_parse_alloc(&inner, text, strlen(text)) < 0) {
            free(text);
            return bad(why, POLY_SKIP_MALFORMED, err, "%s is a string but not a JSON-encoded array", key);
        }
        src = &inner;
        arr = 0;
    }
    if (!pm_json_is_arr(src, arr)) rc = bad(why, POLY_SKIP_MALFORMED, err, "%s is not an array", key);
    else {
        *n = src->tok[arr].size;
        for (int k = 0, t = arr + 1; k < *n && rc == 0; k++, t = pm_json_next(src, t)) {
            if (!pm_json_is_str(src, t)) rc = bad(why, POLY_SKIP_MALFORMED, err, "%s[%d] is not a string", key, k);
            else if (k < 2 && !(items[k] = pm_json_strdup(src, t)))
                rc = bad(why, POLY_SKIP_MALFORMED, err, "%s[%d] is not valid JSON text", key, k);
        }
    }
    if (text) {
        pm_json_release(&inner);
        free(text);
    }
    if (rc) {
        free(items[0]), free(items[1]);
        items[0] = items[1] = NULL;
    }
    return rc;
}

static int is_hex_id(const char *s, size_t digits) {
    if (strncmp(s, "0x", 2) || strlen(s) != digits + 2) return 0;
    return strspn(s + 2, "0123456789abcdefABCDEF") == digits;
}

/* A decimal uint256 outcome token id. */
static int is_token_id(const char *s) {
    size_t n = strlen(s);
    return n > 0 && n <= 78 && strspn(s, "0123456789") == n;
}

static const pm_decimal_spec tick_spec = {6, 6, 0, 1, PM_PX_ONE, "orderPriceMinTickSize"};
static const pm_decimal_spec min_size_spec = {6, 6, 0, 0, INT64_MAX, "orderMinSize"};
static const pm_decimal_spec rate_spec = {4, 4, 0, 0, 10000, "feeSchedule.rate"};
static const pm_decimal_spec rebate_spec = {4, 4, 0, 0, 10000, "feeSchedule.rebateRate"};

static int parse_fees(const pm_json *j, int obj, pm_market *m, poly_skip *why, pm_err *err) {
    if (opt_flag(j, obj, "feesEnabled", &m->fees_enabled, why, err)) return -1;
    int fs = pm_json_key(j, obj, "feeSchedule");
    if (present(j, fs)) {
        if (!pm_json_is_obj(j, fs)) return bad(why, POLY_SKIP_MALFORMED, err, "feeSchedule is not an object");
        if (opt_decimal(j, fs, "rate", &rate_spec, &m->fee_rate_bps, why, err) ||
            opt_decimal(j, fs, "rebateRate", &rebate_spec, &m->fee_rebate_bps, why, err) ||
            opt_flag(j, fs, "takerOnly", &m->fee_taker_only, why, err))
            return -1;
        int e = pm_json_key(j, fs, "exponent");
        if (present(j, e) && (j->tok[e].type != JSMN_PRIMITIVE || pm_json_int(j, e, &m->fee_exponent) ||
                              m->fee_exponent < 0 || m->fee_exponent > 16))
            return bad(why, POLY_SKIP_MALFORMED, err, "feeSchedule.exponent is not an integer from 0 to 16");
    }
    if (m->fee_rate_bps < 0 && m->fees_enabled == 0) m->fee_rate_bps = 0;
    return 0;
}

/* Token ids (clobTokenIds, or positionIds for Protocol V2 markets) and outcome names. */
static int parse_outcomes(const pm_json *j, int obj, poly_gamma_market *g, poly_skip *why, pm_err *err) {
    pm_market *m = &g->m;
    const char *ids_key = m->protocol_version && !strcmp(m->protocol_version, "v2") ? "positionIds" : "clobTokenIds";
    char *tok[2], *name[2];
    int ntok, nout;
    if (string_list(j, obj, ids_key, tok, &ntok, why, err)) return -1;
    keep(g, tok[0]), keep(g, tok[1]);
    if (string_list(j, obj, "outcomes", name, &nout, why, err)) return -1;
    keep(g, name[0]), keep(g, name[1]);
    if (ntok <= 0)
        return bad(why, POLY_SKIP_NO_TOKENS, err, "no %s", ids_key);
    if (nout < 0)
        return bad(why, POLY_SKIP_MISSING, err, "no outcomes: cannot tell which token pays on which outcome");
    if (ntok != 2 || nout != 2)
        return bad(why, POLY_SKIP_NOT_BINARY, err, "%d outcomes and %d %s, not two of each", nout, ntok, ids_key);
    for (int k = 0; k < 2; k++)
        if (!is_token_id(tok[k]))
            return bad(why, POLY_SKIP_MALFORMED, err, "%s[%d] '%.80s' is not a decimal token id", ids_key, k, tok[k]);
    if (!strcmp(tok[0], tok[1])) return bad(why, POLY_SKIP_MALFORMED, err, "%s lists one token twice", ids_key);
    int yes = !strcasecmp(name[0], "no") && !strcasecmp(name[1], "yes") ? 1 : 0;
    m->outcome_yes_id = tok[yes];
    m->outcome_no_id = tok[1 - yes];
    m->outcome_yes_name = name[yes];
    m->outcome_no_name = name[1 - yes];
    return 0;
}

static int parse_fields(const pm_json *j, int obj, const char *event_id, poly_gamma_market *g, poly_skip *why,
                        pm_err *err) {
    pm_market *m = &g->m;
    char *s;
    if (!pm_json_is_obj(j, obj)) return bad(why, POLY_SKIP_MALFORMED, err, "not a JSON object");
    if (opt_id(j, obj, "id", &s, why, err)) return -1;
    m->gamma_id = keep(g, s);
    if (opt_text(j, obj, "conditionId", &s, why, err)) return -1;
    m->platform_market_id = keep(g, s);
    if (opt_text(j, obj, "question", &s, why, err)) return -1;
    m->title = keep(g, s);
    if (!m->gamma_id || !m->platform_market_id || !m->title)
        return bad(why, POLY_SKIP_MISSING, err, "no %s",
                   !m->gamma_id ? "id" : !m->platform_market_id ? "conditionId" : "question");
    if (!is_hex_id(m->platform_market_id, 64))
        return bad(why, POLY_SKIP_MALFORMED, err, "conditionId '%.80s' is not 0x and 64 hex digits",
                   m->platform_market_id);
    if (opt_text(j, obj, "description", &s, why, err)) return -1;
    m->rules = keep(g, s);
    if (opt_text(j, obj, "endDate", &s, why, err)) return -1;
    m->close_time = keep(g, s);
    int64_t t;
    if (m->close_time && pm_iso_parse(m->close_time, &t))
        return bad(why, POLY_SKIP_MALFORMED, err, "endDate '%.40s' is not ISO-8601 UTC", m->close_time);
    if (opt_text(j, obj, "version", &s, why, err)) return -1;
    m->protocol_version = keep(g, s);
    if (opt_text(j, obj, "feeType", &s, why, err)) return -1;
    m->fee_type = keep(g, s);
    int events = pm_json_key(j, obj, "events");
    if (pm_json_is_arr(j, events) && j->tok[events].size > 0 && pm_json_is_obj(j, events + 1)) {
        if (opt_id(j, events + 1, "id", &s, why, err)) return pm_err_wrap(err, "events[0]");
        m->event_id = keep(g, s);
    } else if (event_id) {
        m->event_id = keep(g, strdup(event_id));
    }
    int active, closed, neg_risk;
    if (opt_flag(j, obj, "active", &active, why, err) || opt_flag(j, obj, "closed", &closed, why, err) ||
        opt_flag(j, obj, "negRisk", &neg_risk, why, err) ||
        opt_flag(j, obj, "acceptingOrders", &m->accepting_orders, why, err) ||
        opt_flag(j, obj, "enableOrderBook", &m->order_book_enabled, why, err))
        return -1;
    m->status = active != 0 && closed != 1 ? PM_MARKET_ACTIVE : PM_MARKET_CLOSED;
    m->neg_risk = neg_risk == 1;
    if (opt_decimal(j, obj, "orderPriceMinTickSize", &tick_spec, &m->tick_size, why, err) ||
        opt_decimal(j, obj, "orderMinSize", &min_size_spec, &m->min_order_size, why, err) ||
        parse_fees(j, obj, m, why, err) || parse_outcomes(j, obj, g, why, err))
        return -1;
    m->raw_json = keep(g, strndup(j->js + j->tok[obj].start, (size_t)(j->tok[obj].end - j->tok[obj].start)));
    return m->raw_json ? 0 : bad(why, POLY_SKIP_MALFORMED, err, "out of memory");
}

int poly_gamma_parse_market(const pm_json *j, int obj, const char *event_id, poly_gamma_market *out, poly_skip *why,
                            pm_err *err) {
    memset(out, 0, sizeof *out);
    pm_market_init(&out->m, PM_VENUE_POLYMARKET);
    if (parse_fields(j, obj, event_id, out, why, err) == 0) return 0;
    const char *who = out->m.gamma_id ? out->m.gamma_id : "without id";
    if (out->m.platform_market_id) pm_err_wrap(err, "market %s (%.80s)", who, out->m.platform_market_id);
    else pm_err_wrap(err, "market %s", who);
    poly_gamma_market_free(out);
    return -1;
}

int poly_gamma_parse_page(const char *body, size_t len, poly_gamma_cb cb, void *ctx, poly_gamma_page *page,
                          pm_err *err) {
    memset(page, 0, sizeof *page);
    pm_json j;
    int n = pm_json_parse_alloc(&j, body, len);
    if (n < 0) return pm_err_set(err, n == -3 ? "truncated JSON response" : "invalid JSON response");
    int arr = 0, rc = 0;
    if (pm_json_is_obj(&j, 0)) {
        arr = pm_json_key(&j, 0, "markets");
        int c = pm_json_key(&j, 0, "next_cursor");
        if (present(&j, c) && (!pm_json_is_str(&j, c) ||
                               pm_json_unescape(&j, c, page->next_cursor, sizeof page->next_cursor) < 0))
            rc = pm_err_set(err, "next_cursor is not a string of at most %d bytes", POLY_GAMMA_CURSOR_MAX - 1);
    }
    if (rc == 0 && !pm_json_is_arr(&j, arr))
        rc = pm_err_set(err, "response is neither an array of markets nor an object with a markets array");
    for (int k = 0, i = arr + 1; rc == 0 && k < j.tok[arr].size; k++, i = pm_json_next(&j, i)) {
        poly_gamma_market g;
        poly_skip why;
        pm_err perr;
        page->objects++;
        if (poly_gamma_parse_market(&j, i, NULL, &g, &why, &perr)) {
            if (!page->skipped[why]++) memcpy(page->first_error[why], perr.msg, sizeof perr.msg);
            pm_debug("polymarket", "market skipped", PM_KV_S("reason", poly_skip_name(why)), PM_KV_S("error", perr.msg));
            continue;
        }
        rc = cb(ctx, &g.m) ? -1 : 0;
        poly_gamma_market_free(&g);
    }
    pm_json_release(&j);
    return rc;
}

int poly_gamma_init(poly_gamma *g, const char *base_url, int64_t timeout_ms, pm_err *err) {
    memset(g, 0, sizeof *g);
    size_t n = strlen(base_url);
    while (n > 0 && base_url[n - 1] == '/') n--;
    if (n >= sizeof g->base) return pm_err_set(err, "Gamma URL is too long");
    if (strncmp(base_url, "https://", 8) && strncmp(base_url, "http://", 7))
        return pm_err_set(err, "Gamma URL must start with https:// (or http:// for a local simulator): %s", base_url);
    memcpy(g->base, base_url, n);
    g->page_limit = POLY_GAMMA_PAGE_LIMIT;
    pm_bucket_init(&g->bucket, 25, 50, pm_mono_ns());
    g->max_attempts = 5;
    g->backoff_base_ms = 250;
    g->backoff_max_ms = 8000;
    return pm_http_new(timeout_ms, &g->http, err);
}

void poly_gamma_close(poly_gamma *g) {
    pm_http_free(g->http);
    g->http = NULL;
}

int poly_gamma_get(poly_gamma *g, const char *path_query, pm_http_response *res, pm_err *err) {
    char url[2048];
    if (snprintf(url, sizeof url, "%s%s", g->base, path_query) >= (int)sizeof url)
        return pm_err_set(err, "request path too long");
    static const char *const headers[] = {"Accept: application/json", NULL};
    for (int a = 1;; a++) {
        pm_bucket_wait(&g->bucket, 1);
        int rc = pm_http_do(g->http, "GET", url, headers, NULL, res, err);
        if (rc == 0 && res->status >= 200 && res->status < 300) return 0;
        if (rc == 0)
            pm_err_set(err, "GET %s: HTTP %ld: %.200s", path_query, res->status, res->body ? res->body : "");
        if (!pm_http_retryable(rc ? 0 : res->status) || a >= g->max_attempts) return -1;
        int64_t wait = pm_http_backoff_ms(a, g->backoff_base_ms, g->backoff_max_ms);
        pm_warn("polymarket", "Gamma request failed; retrying", PM_KV_S("path", path_query),
                PM_KV_I("status", rc ? 0 : res->status), PM_KV_I("attempt", a), PM_KV_I("retry_in_ms", wait),
                PM_KV_S("error", err ? err->msg : ""));
        struct timespec ts = {wait / 1000, (wait % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
}

int poly_gamma_keyset_path(const char *cursor, int limit, char *out, size_t cap) {
    int n = snprintf(out, cap, "/markets/keyset?limit=%d&active=true&closed=false%s", limit,
                     cursor && *cursor ? "&after_cursor=" : "");
    if (n < 0 || (size_t)n >= cap) return -1;
    static const char hex[] = "0123456789ABCDEF";
    size_t at = (size_t)n;
    for (const unsigned char *p = (const unsigned char *)(cursor ? cursor : ""); *p; p++) {
        int plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
                    strchr("-._~", *p);
        if (at + (plain ? 1 : 3) >= cap) return -1;
        if (plain) out[at++] = (char)*p;
        else {
            out[at++] = '%';
            out[at++] = hex[*p >> 4];
            out[at++] = hex[*p & 15];
        }
    }
    out[at] = '\0';
    return 0;
}
