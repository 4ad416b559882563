/* http1.c — incremental HTTP/1.1 response parser (see http1.h). */
#include "net/http1.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

enum { HEAD, SIZED, CHUNK_SIZE, CHUNK_DATA, CHUNK_CRLF, TRAILER, TO_CLOSE, DONE };

#define CHUNK_MAX (1ull << 40)

static pm_h1_state fail(pm_h1 *p, const char *why) {
    snprintf(p->why, sizeof p->why, "%s", why);
    p->phase = DONE;
    return PM_H1_ERROR;
}

void pm_h1_begin(pm_h1 *p, const char *method) {
    memset(p, 0, sizeof *p);
    p->phase = HEAD;
    p->head_only = method && !strcmp(method, "HEAD");
}

/* Whether the comma-separated list value has token (case-insensitive). */
static int list_has(const char *value, size_t len, const char *token) {
    size_t tl = strlen(token);
    for (size_t i = 0; i < len;) {
        while (i < len && (value[i] == ' ' || value[i] == '\t' || value[i] == ',')) i++;
        size_t j = i;
        while (j < len && value[j] != ',') j++;
        size_t e = j;
        while (e > i && (value[e - 1] == ' ' || value[e - 1] == '\t')) e--;
        if (e - i == tl && !strncasecmp(value + i, token, tl)) return 1;
        i = j;
    }
    return 0;
}

/* Parses the complete head in p->head (ending with the blank line). */
static pm_h1_state parse_head(pm_h1 *p, pm_http_response *res) {
    const char *s = p->head, *end = p->head + p->head_len;
    const char *eol = memchr(s, '\n', (size_t)(end - s));
    int minor = 0, code = 0, n = 0;
    if (!eol || sscanf(s, "HTTP/1.%1d %3d%n", &minor, &code, &n) != 2 || n != 12 || code < 100 || code > 999 ||
        (s[n] != ' ' && s[n] != '\r' && s[n] != '\n'))
        return fail(p, "malformed status line");
    p->status = code;
    p->keep_alive = minor >= 1;
    int have_len = 0;
    uint64_t len = 0;
    p->chunked = 0;
    for (const char *line = eol + 1; line < end;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        if (!nl) break;
        const char *le = nl;
        if (le > line && le[-1] == '\r') le--;
        if (le == line) break; /* the blank line */
        const char *colon = memchr(line, ':', (size_t)(le - line));
        if (!colon || colon == line) return fail(p, "malformed header field");
        size_t nlen = (size_t)(colon - line);
        const char *v = colon + 1;
        while (v < le && (*v == ' ' || *v == '\t')) v++;
        size_t vlen = (size_t)(le - v);
        while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t')) vlen--;
        if (nlen == 14 && !strncasecmp(line, "Content-Length", 14)) {
            uint64_t x = 0;
            if (!vlen) return fail(p, "empty Content-Length");
            for (size_t i = 0; i < vlen; i++) {
                if (v[i] < '0' || v[i] > '9' || x > (UINT64_MAX - 9) / 10) return fail(p, "invalid Content-Length");
                x = x * 10 + (uint64_t)(v[i] - '0');
            }
            if (have_len && x != len) return fail(p, "conflicting Content-Length fields");
            have_len = 1;
            len = x;
        } else if (nlen == 17 && !strncasecmp(line, "Transfer-Encoding", 17)) {
            /* only chunked: pmarb asks for no content coding, and would not decode one */
            if (vlen != 7 || strncasecmp(v, "chunked", 7)) return fail(p, "unsupported Transfer-Encoding");
            p->chunked = 1;
        } else if (nlen == 10 && !strncasecmp(line, "Connection", 10)) {
            if (list_has(v, vlen, "close")) p->keep_alive = 0;
            else if (list_has(v, vlen, "keep-alive")) p->keep_alive = 1;
        }
        line = nl + 1;
    }
    if (code >= 100 && code < 200) {
        if (code == 101) return fail(p, "unexpected protocol switch");
        p->head_len = 0; /* an interim answer: the real one follows */
        return PM_H1_MORE;
    }
    res->status = code;
    if (p->head_only || code == 204 || code == 304) {
        p->phase = DONE;
        return PM_H1_DONE;
    }
    if (p->chunked && have_len) return fail(p, "both Content-Length and chunked (RFC 9112 section 6.3)");
    if (p->chunked) {
        p->phase = CHUNK_SIZE;
    } else if (have_len) {
        if (len > PM_HTTP_MAX_BODY) return fail(p, "response body too large");
        p->remaining = len;
        p->phase = len ? SIZED : DONE;
        if (!len) return PM_H1_DONE;
    } else {
        p->phase = TO_CLOSE;
        p->keep_alive = 0;
    }
    return PM_H1_MORE;
}

static pm_h1_state append(pm_h1 *p, pm_http_response *res, const char *d, size_t n) {
    if (pm_http_response_append(res, d, n)) return fail(p, "response body too large or out of memory");
    return PM_H1_MORE;
}

/* Takes what it can of the p->remaining bytes of a sized body or a chunk from d[0..n);
 * *i advances past them. */
static pm_h1_state take_counted(pm_h1 *p, pm_http_response *res, const char *d, size_t n, size_t *i) {
    size_t take = n - *i < p->remaining ? n - *i : (size_t)p->remaining;
    pm_h1_state st = append(p, res, d + *i, take);
    *i += take;
    p->remaining -= take;
    return st;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

pm_h1_state pm_h1_feed(pm_h1 *p, const char *data, size_t n, size_t *used, pm_http_response *res) {
    size_t i = 0;
    pm_h1_state st = PM_H1_MORE;
    while (i < n && st == PM_H1_MORE) {
        switch (p->phase) {
        case HEAD: {
            /* copy byte by byte up to the blank line, so nothing after the head is taken */
            char c = data[i++];
            if (!p->head_len && (c == '\r' || c == '\n')) break; /* stray blank lines before an answer */
            if (p->head_len + 1 >= sizeof p->head) return *used = i, fail(p, "response head too large");
            p->head[p->head_len++] = c;
            p->head[p->head_len] = '\0';
            size_t h = p->head_len;
            int blank = c == '\n' && ((h >= 2 && p->head[h - 2] == '\n') ||
                                      (h >= 3 && p->head[h - 2] == '\r' && p->head[h - 3] == '\n'));
            if (blank) st = parse_head(p, res);
            break;
        }
        case SIZED:
            st = take_counted(p, res, data, n, &i);
            if (st == PM_H1_MORE && !p->remaining) p->phase = DONE, st = PM_H1_DONE;
            break;
        case CHUNK_SIZE: {
            char c = data[i++];
            int h = hexval(c);
            if (p->in_ext == 2 && c != '\n') {
                st = fail(p, "malformed chunk size line");
            } else if (h >= 0 && !p->in_ext) {
                p->remaining = p->remaining * 16 + (uint64_t)h;
                p->seen_digit = 1;
                if (p->remaining > CHUNK_MAX) st = fail(p, "chunk too large");
            } else if (c == ';' || c == ' ' || c == '\t') {
                p->in_ext = 1;
            } else if (c == '\n') {
                if (!p->seen_digit) {
                    st = fail(p, "malformed chunk size");
                    break;
                }
                p->seen_digit = p->in_ext = 0;
                p->line_len = 0;
                p->phase = p->remaining ? CHUNK_DATA : TRAILER;
            } else if (c == '\r') {
                p->in_ext = 2; /* only the LF may follow */
            } else if (!p->in_ext) {
                st = fail(p, "malformed chunk size");
            }
            break;
        }
        case CHUNK_DATA:
            st = take_counted(p, res, data, n, &i);
            if (st == PM_H1_MORE && !p->remaining) p->phase = CHUNK_CRLF;
            break;
        case CHUNK_CRLF: {
            char c = data[i++];
            if (c == '\n') p->phase = CHUNK_SIZE;
            else if (c != '\r') st = fail(p, "chunk not followed by CRLF");
            break;
        }
        case TRAILER: {
            char c = data[i++];
            if (c == '\n') {
                if (!p->line_len) p->phase = DONE, st = PM_H1_DONE;
                p->line_len = 0;
            } else if (c != '\r') {
                p->line_len++;
            }
            break;
        }
        case TO_CLOSE:
            st = append(p, res, data + i, n - i);
            i = n;
            break;
        default: st = PM_H1_DONE; break;
        }
    }
    *used = i;
    return st;
}

pm_h1_state pm_h1_eof(pm_h1 *p) {
    if (p->phase == TO_CLOSE) {
        p->phase = DONE;
        return PM_H1_DONE;
    }
    if (p->phase == DONE) return PM_H1_DONE;
    return fail(p, p->phase == HEAD ? "connection closed before an answer" : "connection closed inside the answer");
}
