/* jtok.h — zero-allocation JSON reading on the hot path: one strict pass tokenizes a frame into
 * a caller-owned array of jsmn-format tokens (jsmn.h supplies only the token type), validating
 * the whole grammar as it goes, and these helpers walk it. Strings are returned as
 * (pointer, length) into the frame, unescaped; callers compare them against plain ASCII
 * field names and numbers, which never contain escapes. */
#ifndef PM_UTIL_JTOK_H
#define PM_UTIL_JTOK_H

#define JSMN_HEADER
#define JSMN_STRICT
#include <jsmn.h>

#include <stddef.h>
#include <stdint.h>

typedef struct pm_json {
    const char *js;   /* the frame */
    size_t len;
    jsmntok_t *tok;   /* caller's token array */
    int ntok;         /* tokens filled by the last parse */
} pm_json;

/* Tokenizes js[0..len) in one pass, rejecting anything that is not one JSON value (bad
 * separators, literals, numbers or escapes, control characters in strings, nesting over 64,
 * trailing text). Tokens are jsmn's: strings without their quotes, an object's size is its
 * keys, a key's size 1, an array's size its elements. Returns the token count, or -1 (too
 * many tokens), -2 (invalid JSON), -3 (truncated). */
int pm_json_parse(pm_json *j, jsmntok_t *toks, int cap, const char *js, size_t len);

/* Off the hot path: tokenizes a document of any size into a token array it allocates
 * (release with pm_json_release). Same results as pm_json_parse. */
int pm_json_parse_alloc(pm_json *j, const char *js, size_t len);
void pm_json_release(pm_json *j);

/* Copies string token i into out (cap bytes, NUL-terminated) with its escapes decoded
 * (\u escapes, surrogate pairs included, to UTF-8). Returns the length, or -1 when i is not a string,
 * an escape is invalid, or out is too small. */
int pm_json_unescape(const pm_json *j, int i, char *out, size_t cap);

/* Like pm_json_unescape into a new string (caller frees), NULL on failure. */
char *pm_json_strdup(const pm_json *j, int i);

/* Index of the token after the subtree rooted at i. */
int pm_json_next(const pm_json *j, int i);

/* Value token of key in the object at obj, or -1 (absent, or obj is not an object). */
int pm_json_key(const pm_json *j, int obj, const char *key);

/* 1 when token i is a string or primitive whose text equals s. */
int pm_json_eq(const pm_json *j, int i, const char *s);

/* Text of token i (string contents without quotes, or a primitive's text). */
static inline const char *pm_json_text(const pm_json *j, int i, size_t *len) {
    *len = (size_t)(j->tok[i].end - j->tok[i].start);
    return j->js + j->tok[i].start;
}

/* Token i as an integer (a primitive of digits with optional '-'): 0, or -1 if it is not one. */
int pm_json_int(const pm_json *j, int i, int64_t *out);

/* Token types. */
static inline int pm_json_is_str(const pm_json *j, int i) { return i >= 0 && j->tok[i].type == JSMN_STRING; }
static inline int pm_json_is_arr(const pm_json *j, int i) { return i >= 0 && j->tok[i].type == JSMN_ARRAY; }
static inline int pm_json_is_obj(const pm_json *j, int i) { return i >= 0 && j->tok[i].type == JSMN_OBJECT; }
static inline int pm_json_is_null(const pm_json *j, int i) {
    return i >= 0 && j->tok[i].type == JSMN_PRIMITIVE && j->js[j->tok[i].start] == 'n';
}

#endif
