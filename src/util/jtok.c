/* jtok.c — the hot-path JSON tokenizer (one strict pass that validates as it goes and fills
 * jsmn-compatible tokens) and token-walking helpers. */
#include "util/jtok.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define JTOK_MAX_DEPTH 64

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "special8 finds the first byte with ctz");

static inline int is_space(unsigned char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

/* 1 when byte c ends a primitive: white space, ',', ']' or '}'. */
static inline int ends_primitive(unsigned char c) { return is_space(c) || c == ',' || c == ']' || c == '}'; }

/* Eight bytes at a time: nonzero when any byte of w is '"', '\\' or below 0x20. */
static inline uint64_t special8(uint64_t w) {
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
    uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
    uint64_t lt = (w - ones * 0x20) & ~w;  /* high bit set where a byte is below 0x20 */
    uint64_t zq = (q - ones) & ~q, zb = (b - ones) & ~b;
    return (lt | zq | zb) & high;
}

static inline int hex_digit(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* The string whose opening quote is at *pp: *pp moves past the closing quote. 0, -2 (a control
 * character or a bad escape), -3 (input ends inside). */
static int scan_string(const unsigned char **pp, const unsigned char *e, const unsigned char **close) {
    const unsigned char *p = *pp + 1;
    for (;;) {
#ifdef __SSE2__
        /* sixteen bytes at a time: '"', '\\', or below 0x20 (max(c, 0x1F) == 0x1F) */
        const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'), ctl = _mm_set1_epi8(0x1F);
        while (e - p >= 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
            __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                                       _mm_cmpeq_epi8(_mm_max_epu8(v, ctl), ctl));
            unsigned m = (unsigned)_mm_movemask_epi8(hit);
            if (m) {
                p += __builtin_ctz(m);
                goto special;
            }
            p += 16;
        }
#endif
        while (e - p >= 8) {
            uint64_t w;
            memcpy(&w, p, 8);
            uint64_t m = special8(w);
            if (m) {
                p += __builtin_ctzll(m) >> 3;
                goto special;
            }
            p += 8;
        }
        while (p < e && *p >= 0x20 && *p != '"' && *p != '\\') p++;
        if (p == e) return -3;
    special:
        if (*p == '"') {
            *close = p;
            *pp = p + 1;
            return 0;
        }
        if (*p < 0x20) return -2;
        if (++p == e) return -3; /* a backslash */
        switch (*p) {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't': p++; break;
        case 'u':
            for (int k = 1; k <= 4; k++) {
                if (p + k >= e) return -3;
                if (!hex_digit(p[k])) return -2;
            }
            p += 5;
            break;
        default: return -2;
        }
    }
}

/* The literal or number at *pp (true, false, null, or JSON number grammar), which must be
 * followed by a delimiter or the end: *pp moves past it. 0, -2, -3 (input ends inside). */
static int scan_primitive(const unsigned char **pp, const unsigned char *e) {
    const unsigned char *p = *pp;
    if (*p == 't' || *p == 'f' || *p == 'n') {
        const char *word = *p == 't' ? "true" : *p == 'f' ? "false" : "null";
        size_t n = strlen(word);
        for (size_t k = 0; k < n; k++, p++) {
            if (p == e) return -3;
            if (*p != (unsigned char)word[k]) return -2;
        }
    } else {
        if (*p == '-') p++;
        if (p == e) return -3;
        if (*p == '0') p++;
        else if (*p >= '1' && *p <= '9')
            while (p < e && *p >= '0' && *p <= '9') p++;
        else return -2;
        if (p < e && *p == '.') {
            if (++p == e) return -3;
            if (*p < '0' || *p > '9') return -2;
            while (p < e && *p >= '0' && *p <= '9') p++;
        }
        if (p < e && (*p == 'e' || *p == 'E')) {
            if (++p < e && (*p == '+' || *p == '-')) p++;
            if (p == e) return -3;
            if (*p < '0' || *p > '9') return -2;
            while (p < e && *p >= '0' && *p <= '9') p++;
        }
    }
    if (p < e && !ends_primitive(*p)) return -2;
    *pp = p;
    return 0;
}

/* One pass over js[0..len): validates the whole grammar (separators, literals, numbers, string
 * escapes, nesting ≤ JTOK_MAX_DEPTH, nothing but white space after the value) and, when t is
 * not NULL, fills at most cap tokens as jsmn would (strings without their quotes; object size
 * = keys, a key's size 1, array size = elements). Returns the token count or -1, -2, -3. */
static int scan(const char *js, size_t len, jsmntok_t *t, int cap) {
    struct open {
        int tok;     /* its token (the count so far, without t) */
        int size;
        int obj;
    } st[JTOK_MAX_DEPTH];
    const unsigned char *s = (const unsigned char *)js, *p = s, *e = s + len, *close;
    int depth = 0, n = 0, rc;
#define SKIP_WS()                                                                                                  \
    do {                                                                                                           \
        while (p < e && *p <= ' ' && is_space(*p)) p++;                                                           \
        if (p == e) return -3;                                                                                     \
    } while (0)
#define NEW_TOKEN(type_, start_, end_, size_)                                                                      \
    do {                                                                                                           \
        if (t) {                                                                                                   \
            if (n == cap) return -1;                                                                               \
            t[n] = (jsmntok_t){.type = (type_), .start = (int)(start_), .end = (int)(end_), .size = (size_)};      \
        }                                                                                                          \
        n++;                                                                                                       \
    } while (0)
    if (len > INT32_MAX) return -2;
value:
    SKIP_WS();
    if (depth > 0 && !st[depth - 1].obj) st[depth - 1].size++;
    switch (*p) {
    case '{':
    case '[': {
        if (depth == JTOK_MAX_DEPTH) return -2;
        int obj = *p == '{';
        st[depth++] = (struct open){.tok = n, .size = 0, .obj = obj};
        NEW_TOKEN(obj ? JSMN_OBJECT : JSMN_ARRAY, p - s, -1, 0);
        p++;
        SKIP_WS();
        if (*p == (obj ? '}' : ']')) goto close_container;
        if (obj) goto key;
        goto value;
    }
    case '"': {
        const unsigned char *open = p;
        if ((rc = scan_string(&p, e, &close))) return rc;
        NEW_TOKEN(JSMN_STRING, open + 1 - s, close - s, 0);
        goto after;
    }
    case 't': case 'f': case 'n': case '-':
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9': {
        const unsigned char *from = p;
        if ((rc = scan_primitive(&p, e))) return rc;
        NEW_TOKEN(JSMN_PRIMITIVE, from - s, p - s, 0);
        goto after;
    }
    default: return -2;
    }
key:
    if (*p != '"') return -2;
    {
        const unsigned char *open = p;
        if ((rc = scan_string(&p, e, &close))) return rc;
        NEW_TOKEN(JSMN_STRING, open + 1 - s, close - s, 1);
    }
    st[depth - 1].size++;
    SKIP_WS();
    if (*p != ':') return -2;
    p++;
    goto value;
after:
    if (depth == 0) {
        while (p < e && is_space(*p)) p++;
        return p == e ? n : -2;
    }
    SKIP_WS();
    if (*p == ',') {
        p++;
        SKIP_WS();
        if (st[depth - 1].obj) goto key;
        goto value;
    }
    if (*p != (st[depth - 1].obj ? '}' : ']')) return -2;
close_container:
    depth--;
    if (t) {
        t[st[depth].tok].end = (int)(p + 1 - s);
        t[st[depth].tok].size = st[depth].size;
    }
    p++;
    goto after;
#undef SKIP_WS
#undef NEW_TOKEN
}

int pm_json_parse(pm_json *j, jsmntok_t *toks, int cap, const char *js, size_t len) {
    j->js = js;
    j->len = len;
    j->tok = toks;
    j->ntok = 0;
    int n = scan(js, len, toks, cap);
    if (n < 0) return n;
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
    j->tok = NULL;
    j->ntok = 0;
    int n = scan(js, len, NULL, 0);
    if (n < 0) return n;
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
