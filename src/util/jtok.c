/* jtok.c — the jsmn tokenizer (compiled here once, strict mode) and token-walking helpers. */
#undef JSMN_HEADER
#define JSMN_STRICT
#include <jsmn.h>

#include "util/jtok.h"

#include <stdint.h>
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
