/* strmap.h — a string → index map built once (open addressing, power-of-two capacity),
 * looked up by (pointer, length) without allocation: for tickers and token ids on the hot
 * path. Keys are not copied: they must outlive the map. */
#ifndef PM_UTIL_STRMAP_H
#define PM_UTIL_STRMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct pm_strmap_slot {
    const char *key; /* NULL = empty */
    uint32_t len;
    uint32_t value;
} pm_strmap_slot;

typedef struct pm_strmap {
    pm_strmap_slot *slots;
    size_t mask;
} pm_strmap;

/* Room for n keys (load ≤ 1/2). 0, or -1 when out of memory. */
int pm_strmap_init(pm_strmap *m, size_t n);
void pm_strmap_free(pm_strmap *m);

/* Adds or replaces key → value. The map must have room (at most n keys). */
void pm_strmap_put(pm_strmap *m, const char *key, size_t len, uint32_t value);

/* The value of key, or -1 when absent. */
int64_t pm_strmap_get(const pm_strmap *m, const char *key, size_t len);

uint64_t pm_strhash(const char *s, size_t len);

#endif
