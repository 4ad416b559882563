/* jtok.c — the jsmn tokenizer (compiled here once, strict mode) and token-walking helpers. */
#undef JSMN_HEADER
#define JSMN_STRICT
#include <jsmn.h>

#include "util/jtok.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

/* Outer extent of a token: strings include their quotes. */
static int outer_start(const jsmntok_t *t) { return t->type == JSMN_STRING ? t->start - 1 : t->start; }
static int outer_end(const jsmntok_t *t) { return t->type == JSMN_STRING ? t->end + 1 : t->end; }

/* js[from..to) holds only white space and, when sep is not 0, exactly one sep. */
static int gap_ok(const char *js, int from, int to, char sep) {
    int seen = 0;
    for (int k = from; k < to; k++) {
        if (is_space(js[k])) continue;
        if (sep && js[k] == sep && !seen) seen = 1;
        else return 0;
    }
    return !sep || seen;
}

/* A primitive is true, false, null or a JSON number. */
static int primitive_ok(const char *p, const char *e) {
    size_t n = (size_t)(e - p);
    if ((n == 4 && !memcmp(p, "true", 4)) || (n == 5 && !memcmp(p, "false", 5)) || (n == 4 && !memcmp(p, "null", 4)))
        return 1;
    if (p < e && *p == '-') p++;
    if (p == e || *p < '0' || *p > '9') return 0;
    if (*p == '0') p++;
    else
        while (p < e && *p >= '0' && *p <= '9') p++;
    if (p < e && *p == '.') {
        if (++p == e || *p < '0' || *p > '9') return 0;
        while (p < e && *p >= '0' && *p <= '9') p++;
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < e && (*p == '+' || *p == '-')) p++;
        if (p == e || *p < '0' || *p > '9') return 0;
        while (p < e && *p >= '0' && *p <= '9') p++;
    }
    return p == e;
}

/* jsmn does not check separators or literals: verify them from the gaps between tokens. */
static int structure_ok(const char *js, const jsmntok_t *t, int n) {
    enum { MAX_DEPTH = 64 };
    int stack[MAX_DEPTH], children[MAX_DEPTH], last_end[MAX_DEPTH], depth = 0;
    for (int i = 0; i <= n; i++) {
        int start = i < n ? outer_start(&t[i]) : INT32_MAX;
        while (depth > 0 && t[stack[depth - 1]].end <= start) { /* close finished containers */
            int c = stack[depth - 1];
            if (!gap_ok(js, last_end[depth - 1], t[c].end - 1, 0)) return 0;
            if (t[c].type == JSMN_OBJECT && children[depth - 1] % 2) return 0;
            depth--;
        }
        if (i == n) break;
        if (depth > 0) {
            int d = depth - 1, parent = stack[d], k = children[d];
            char sep = k == 0 ? 0 : (t[parent].type == JSMN_OBJECT && k % 2) ? ':' : ',';
            if (!gap_ok(js, last_end[d], start, sep)) return 0;
            if (t[parent].type == JSMN_OBJECT && k % 2 == 0 && t[i].type != JSMN_STRING) return 0;
            children[d]++;
            last_end[d] = outer_end(&t[i]);
        }
        if (t[i].type == JSMN_PRIMITIVE && !primitive_ok(js + t[i].start, js + t[i].end)) return 0;
        if (t[i].type == JSMN_OBJECT || t[i].type == JSMN_ARRAY) {
            if (depth == MAX_DEPTH) return 0;
            stack[depth] = i;
            children[depth] = 0;
            last_end[depth] = t[i].start + 1;
            depth++;
        }
    }
    return 1;
}

int pm_json_parse(pm_json *j, jsmntok_t *toks, int cap, const char *js, size_t len) {
    jsmn_parser p;
    jsmn_init(&p);
    j->js = js;
    j->len = len;
    j->tok = toks;
    int n = jsmn_parse(&p, js, len, toks, (unsigned)cap);
    if (n == JSMN_ERROR_NOMEM) return -1;
    if (n == JSMN_ERROR_INVAL) return -2;
    if (n == JSMN_ERROR_PART || n == 0) return -3;
    /* jsmn stops after the first complete value: trailing bytes other than spaces are invalid */
    for (size_t k = (size_t)toks[0].end; k < len; k++)
        if (!is_space(js[k])) return -2;
    if (!structure_ok(js, toks, n)) return -2;
    j->ntok = n;
    return n;
}

int pm_json_next(const pm_json *j, int i) {
    int end = j->tok[i].end;
    i++;
    while (i < j->ntok && j->tok[i].start < end) i++;
    return i;
}

int pm_json_eq(const pm_json *j, int i, const char *s) {
    if (i < 0 || (j->tok[i].type != JSMN_STRING && j->tok[i].type != JSMN_PRIMITIVE)) return 0;
    size_t n = (size_t)(j->tok[i].end - j->tok[i].start);
    return strlen(s) == n && memcmp(j->js + j->tok[i].start, s, n) == 0;
}

int pm_json_key(const pm_json *j, int obj, const char *key) {
    if (!pm_json_is_obj(j, obj)) return -1;
    int pairs = j->tok[obj].size, i = obj + 1;
    for (int k = 0; k < pairs; k++) {
        if (j->tok[i].type == JSMN_STRING && pm_json_eq(j, i, key)) return i + 1;
        i = pm_json_next(j, i + 1);
    }
    return -1;
}

int pm_json_int(const pm_json *j, int i, int64_t *out) {
    if (i < 0 || j->tok[i].type != JSMN_PRIMITIVE) return -1;
    const char *s = j->js + j->tok[i].start, *e = j->js + j->tok[i].end;
    int neg = 0;
    if (s < e && *s == '-') {
        neg = 1;
        s++;
    }
    if (s == e) return -1;
    int64_t v = 0;
    for (; s < e; s++) {
        if (*s < '0' || *s > '9') return -1;
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, *s - '0', &v)) return -1;
    }
    *out = neg ? -v : v;
    return 0;
}

int pm_json_parse_alloc(pm_json *j, const char *js, size_t len) {
    jsmn_parser p;
    jsmn_init(&p);
    j->tok = NULL;
    j->ntok = 0;
    int n = jsmn_parse(&p, js, len, NULL, 0);
    if (n == JSMN_ERROR_INVAL) return -2;
    if (n == JSMN_ERROR_PART || n <= 0) return -3;
    jsmntok_t *toks = malloc((size_t)n * sizeof *toks);
    if (!toks) return -1;
    int rc = pm_json_parse(j, toks, n, js, len);
    if (rc < 0) {
        free(toks);
        j->tok = NULL;
    }
    return rc;
}

void pm_json_release(pm_json *j) {
    free(j->tok);
    j->tok = NULL;
    j->ntok = 0;
}

static int hex4(const char *p, const char *e, unsigned *out) {
    if (e - p < 4) return -1;
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        char c = p[k];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return -1;
    }
    *out = v;
    return 0;
}

static int put_utf8(char *out, size_t cap, size_t *o, unsigned cp) {
    char b[4];
    int n;
    if (cp < 0x80) b[0] = (char)cp, n = 1;
    else if (cp < 0x800) b[0] = (char)(0xC0 | cp >> 6), b[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
    else if (cp < 0x10000)
        b[0] = (char)(0xE0 | cp >> 12), b[1] = (char)(0x80 | ((cp >> 6) & 0x3F)), b[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
    else
        b[0] = (char)(0xF0 | cp >> 18), b[1] = (char)(0x80 | ((cp >> 12) & 0x3F)),
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), b[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
    if (*o + (size_t)n >= cap) return -1;
    memcpy(out + *o, b, (size_t)n);
    *o += (size_t)n;
    return 0;
}

int pm_json_unescape(const pm_json *j, int i, char *out, size_t cap) {
    if (!pm_json_is_str(j, i) || cap == 0) return -1;
    const char *p = j->js + j->tok[i].start, *e = j->js + j->tok[i].end;
    size_t o = 0;
    while (p < e) {
        if (*p != '\\') {
            if (o + 1 >= cap) return -1;
            out[o++] = *p++;
            continue;
        }
        if (++p == e) return -1;
        char c = *p++;
        unsigned cp;
        switch (c) {
        case '"': case '\\': case '/': cp = (unsigned char)c; break;
        case 'b': cp = '\b'; break;
        case 'f': cp = '\f'; break;
        case 'n': cp = '\n'; break;
        case 'r': cp = '\r'; break;
        case 't': cp = '\t'; break;
        case 'u':
            if (hex4(p, e, &cp)) return -1;
            p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) { /* a high surrogate needs its low half */
                unsigned lo;
                if (e - p < 6 || p[0] != '\\' || p[1] != 'u' || hex4(p + 2, e, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                    return -1;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                p += 6;
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                return -1;
            }
            break;
        default: return -1;
        }
        if (put_utf8(out, cap, &o, cp)) return -1;
    }
    out[o] = '\0';
    return (int)o;
}

char *pm_json_strdup(const pm_json *j, int i) {
    if (!pm_json_is_str(j, i)) return NULL;
    size_t cap = (size_t)(j->tok[i].end - j->tok[i].start) + 1; /* unescaping never lengthens */
    char *s = malloc(cap);
    if (s && pm_json_unescape(j, i, s, cap) < 0) {
        free(s);
        return NULL;
    }
    return s;
}
