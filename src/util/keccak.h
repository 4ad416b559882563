/* keccak.h — Keccak-256 as Ethereum uses it (the original Keccak padding 0x01, not SHA3-256's
 * 0x06), written here from the Keccak reference (FIPS 202's permutation, r = 1088 bits): the
 * one primitive pmarb needs that no Debian C library provides. */
#ifndef PM_UTIL_KECCAK_H
#define PM_UTIL_KECCAK_H

#include <stddef.h>
#include <stdint.h>

typedef struct pm_keccak {
    uint64_t state[25];
    uint8_t buf[136];   /* the rate: 1088 bits */
    size_t used;
} pm_keccak;

void pm_keccak_init(pm_keccak *k);
void pm_keccak_update(pm_keccak *k, const void *data, size_t len);
void pm_keccak_final(pm_keccak *k, uint8_t out[32]);

/* One-shot hash. */
void pm_keccak256(const void *data, size_t len, uint8_t out[32]);

#endif
