/* keccak.c — Keccak-f[1600] and the Keccak-256 sponge (see keccak.h). */
#include "util/keccak.h"

#include <string.h>

static const uint64_t round_constants[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808AULL, 0x8000000080008000ULL,
    0x000000000000808BULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008AULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000AULL,
    0x000000008000808BULL, 0x800000000000008BULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800AULL, 0x800000008000000AULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

/* Rotation offsets r[x + 5y] of the rho step. */
static const unsigned rho[25] = {0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14};

static inline uint64_t rotl(uint64_t v, unsigned n) { return n ? (v << n) | (v >> (64 - n)) : v; }

static void keccak_f(uint64_t a[25]) {
    for (int round = 0; round < 24; round++) {
        uint64_t c[5], b[25];
        for (int x = 0; x < 5; x++) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20]; /* theta */
        for (int x = 0; x < 5; x++) {
            uint64_t d = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1);
            for (int y = 0; y < 25; y += 5) a[x + y] ^= d;
        }
        for (int x = 0; x < 5; x++) /* rho and pi: B[y, 2x + 3y] = rot(A[x, y]) */
            for (int y = 0; y < 5; y++) b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl(a[x + 5 * y], rho[x + 5 * y]);
        for (int y = 0; y < 25; y += 5) /* chi */
            for (int x = 0; x < 5; x++) a[x + y] = b[x + y] ^ (~b[(x + 1) % 5 + y] & b[(x + 2) % 5 + y]);
        a[0] ^= round_constants[round]; /* iota */
    }
}

static void absorb(pm_keccak *k) {
    for (int i = 0; i < 17; i++) {
        uint64_t lane = 0;
        for (int j = 7; j >= 0; j--) lane = (lane << 8) | k->buf[8 * i + j]; /* little-endian lanes */
        k->state[i] ^= lane;
    }
    keccak_f(k->state);
    k->used = 0;
}

void pm_keccak_init(pm_keccak *k) { memset(k, 0, sizeof *k); }

void pm_keccak_update(pm_keccak *k, const void *data, size_t len) {
    const uint8_t *p = data;
    while (len > 0) {
        size_t n = sizeof k->buf - k->used < len ? sizeof k->buf - k->used : len;
        memcpy(k->buf + k->used, p, n);
        k->used += n;
        p += n;
        len -= n;
        if (k->used == sizeof k->buf) absorb(k);
    }
}

void pm_keccak_final(pm_keccak *k, uint8_t out[32]) {
    memset(k->buf + k->used, 0, sizeof k->buf - k->used);
    k->buf[k->used] ^= 0x01;              /* Keccak padding: 0x01 … 0x80 */
    k->buf[sizeof k->buf - 1] ^= 0x80;
    absorb(k);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++) out[8 * i + j] = (uint8_t)(k->state[i] >> (8 * j));
}

void pm_keccak256(const void *data, size_t len, uint8_t out[32]) {
    pm_keccak k;
    pm_keccak_init(&k);
    pm_keccak_update(&k, data, len);
    pm_keccak_final(&k, out);
}
