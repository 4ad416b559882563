/* strmap.c — string → index map (see strmap.h). */
#include "util/strmap.h"

#include <stdlib.h>
#include <string.h>

uint64_t pm_strhash(const char *s, size_t len) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ULL;
    return h ^ (h >> 32);
}

int pm_strmap_init(pm_strmap *m, size_t n) {
    size_t cap = 16;
    while (cap < 2 * n) cap <<= 1;
    m->slots = calloc(cap, sizeof *m->slots);
    m->mask = cap - 1;
    return m->slots ? 0 : -1;
}

void pm_strmap_free(pm_strmap *m) {
    free(m->slots);
    m->slots = NULL;
}

static pm_strmap_slot *find(const pm_strmap *m, const char *key, size_t len) {
    for (size_t i = pm_strhash(key, len) & m->mask;; i = (i + 1) & m->mask) {
        pm_strmap_slot *s = &m->slots[i];
        if (!s->key || (s->len == len && memcmp(s->key, key, len) == 0)) return s;
    }
}

void pm_strmap_put(pm_strmap *m, const char *key, size_t len, uint32_t value) {
    pm_strmap_slot *s = find(m, key, len);
    *s = (pm_strmap_slot){key, (uint32_t)len, value};
}

int64_t pm_strmap_get(const pm_strmap *m, const char *key, size_t len) {
    if (!m->slots) return -1;
    const pm_strmap_slot *s = find(m, key, len);
    return s->key ? (int64_t)s->value : -1;
}
