/* keccak.c — Keccak-f[1600] and the Keccak-256 sponge (see keccak.h). The permutation keeps the
 * 25 lanes in locals and spells out one round (theta, rho + pi, chi, iota) with fixed indices, so
 * the compiler holds the state in registers; little-endian lane loads are plain 8-byte copies. */
#include "util/keccak.h"

#include <endian.h>
#include <string.h>

static const uint64_t round_constants[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808AULL, 0x8000000080008000ULL,
    0x000000000000808BULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008AULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000AULL,
    0x000000008000808BULL, 0x800000000000008BULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800AULL, 0x800000008000000AULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

#define ROL(v, n) (((v) << (n)) | ((v) >> (64 - (n))))

/* Lane a<i> is A[x, y] with i = x + 5y. Theta: c = column parities, d = c[x−1] ^ rot(c[x+1], 1);
 * rho + pi: B[y, 2x + 3y] = rot(A[x, y] ^ d[x], r[x, y]); chi: A = B ^ (~B[x+1] & B[x+2]). */
static void keccak_f(uint64_t s[25]) {
    uint64_t a0 = s[0], a1 = s[1], a2 = s[2], a3 = s[3], a4 = s[4];
    uint64_t a5 = s[5], a6 = s[6], a7 = s[7], a8 = s[8], a9 = s[9];
    uint64_t a10 = s[10], a11 = s[11], a12 = s[12], a13 = s[13], a14 = s[14];
    uint64_t a15 = s[15], a16 = s[16], a17 = s[17], a18 = s[18], a19 = s[19];
    uint64_t a20 = s[20], a21 = s[21], a22 = s[22], a23 = s[23], a24 = s[24];
    for (int round = 0; round < 24; round++) {
        uint64_t c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20, c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21, c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22;
        uint64_t c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23, c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24;
        uint64_t d0 = c4 ^ ROL(c1, 1), d1 = c0 ^ ROL(c2, 1), d2 = c1 ^ ROL(c3, 1), d3 = c2 ^ ROL(c4, 1), d4 = c3 ^ ROL(c0, 1);
        uint64_t b0 = (a0 ^ d0), b1 = ROL(a6 ^ d1, 44), b2 = ROL(a12 ^ d2, 43), b3 = ROL(a18 ^ d3, 21), b4 = ROL(a24 ^ d4, 14);
        uint64_t b5 = ROL(a3 ^ d3, 28), b6 = ROL(a9 ^ d4, 20), b7 = ROL(a10 ^ d0, 3), b8 = ROL(a16 ^ d1, 45), b9 = ROL(a22 ^ d2, 61);
        uint64_t b10 = ROL(a1 ^ d1, 1), b11 = ROL(a7 ^ d2, 6), b12 = ROL(a13 ^ d3, 25), b13 = ROL(a19 ^ d4, 8), b14 = ROL(a20 ^ d0, 18);
        uint64_t b15 = ROL(a4 ^ d4, 27), b16 = ROL(a5 ^ d0, 36), b17 = ROL(a11 ^ d1, 10), b18 = ROL(a17 ^ d2, 15), b19 = ROL(a23 ^ d3, 56);
        uint64_t b20 = ROL(a2 ^ d2, 62), b21 = ROL(a8 ^ d3, 55), b22 = ROL(a14 ^ d4, 39), b23 = ROL(a15 ^ d0, 41), b24 = ROL(a21 ^ d1, 2);
        a0 = b0 ^ (~b1 & b2); a1 = b1 ^ (~b2 & b3); a2 = b2 ^ (~b3 & b4); a3 = b3 ^ (~b4 & b0); a4 = b4 ^ (~b0 & b1);
        a5 = b5 ^ (~b6 & b7); a6 = b6 ^ (~b7 & b8); a7 = b7 ^ (~b8 & b9); a8 = b8 ^ (~b9 & b5); a9 = b9 ^ (~b5 & b6);
        a10 = b10 ^ (~b11 & b12); a11 = b11 ^ (~b12 & b13); a12 = b12 ^ (~b13 & b14); a13 = b13 ^ (~b14 & b10); a14 = b14 ^ (~b10 & b11);
        a15 = b15 ^ (~b16 & b17); a16 = b16 ^ (~b17 & b18); a17 = b17 ^ (~b18 & b19); a18 = b18 ^ (~b19 & b15); a19 = b19 ^ (~b15 & b16);
        a20 = b20 ^ (~b21 & b22); a21 = b21 ^ (~b22 & b23); a22 = b22 ^ (~b23 & b24); a23 = b23 ^ (~b24 & b20); a24 = b24 ^ (~b20 & b21);
        a0 ^= round_constants[round];
    }
    s[0] = a0; s[1] = a1; s[2] = a2; s[3] = a3; s[4] = a4;
    s[5] = a5; s[6] = a6; s[7] = a7; s[8] = a8; s[9] = a9;
    s[10] = a10; s[11] = a11; s[12] = a12; s[13] = a13; s[14] = a14;
    s[15] = a15; s[16] = a16; s[17] = a17; s[18] = a18; s[19] = a19;
    s[20] = a20; s[21] = a21; s[22] = a22; s[23] = a23; s[24] = a24;
}

static void xor_block(uint64_t state[25], const uint8_t *block) {
    for (int i = 0; i < 17; i++) { /* the rate: 17 little-endian lanes */
        uint64_t lane;
        memcpy(&lane, block + 8 * i, 8);
        state[i] ^= le64toh(lane);
    }
}

void pm_keccak_init(pm_keccak *k) { memset(k, 0, sizeof *k); }

void pm_keccak_update(pm_keccak *k, const void *data, size_t len) {
    const uint8_t *p = data;
    if (k->used) {
        size_t n = sizeof k->buf - k->used < len ? sizeof k->buf - k->used : len;
        memcpy(k->buf + k->used, p, n);
        k->used += n;
        p += n;
        len -= n;
        if (k->used < sizeof k->buf) return;
        xor_block(k->state, k->buf);
        keccak_f(k->state);
        k->used = 0;
    }
    for (; len >= sizeof k->buf; p += sizeof k->buf, len -= sizeof k->buf) { /* whole blocks straight from the input */
        xor_block(k->state, p);
        keccak_f(k->state);
    }
    memcpy(k->buf, p, len);
    k->used = len;
}

void pm_keccak_final(pm_keccak *k, uint8_t out[32]) {
    memset(k->buf + k->used, 0, sizeof k->buf - k->used);
    k->buf[k->used] ^= 0x01;              /* Keccak padding: 0x01 … 0x80 */
    k->buf[sizeof k->buf - 1] ^= 0x80;
    xor_block(k->state, k->buf);
    keccak_f(k->state);
    for (int i = 0; i < 4; i++) {
        uint64_t lane = htole64(k->state[i]);
        memcpy(out + 8 * i, &lane, 8);
    }
}

void pm_keccak256(const void *data, size_t len, uint8_t out[32]) {
    pm_keccak k;
    pm_keccak_init(&k);
    pm_keccak_update(&k, data, len);
    pm_keccak_final(&k, out);
}
