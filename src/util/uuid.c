/* uuid.c — UUIDv7 generation and validation (see uuid.h). */
#include "util/uuid.h"

#include "util/clock.h"

#include <openssl/rand.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The id of Unix millisecond now and 10 random bytes: 48-bit time, version, variant, text. */
static void make(const uint8_t rnd[10], char out[PM_UUID_LEN]) {
    static const char hex[] = "0123456789abcdef";
    uint8_t b[16];
    uint64_t ms = (uint64_t)(pm_wall_ns() / 1000000);
    for (int i = 0; i < 6; i++) b[i] = (uint8_t)(ms >> (40 - 8 * i));
    memcpy(b + 6, rnd, 10);
    b[6] = (uint8_t)(0x70 | (b[6] & 0x0f)); /* version 7 */
    b[8] = (uint8_t)(0x80 | (b[8] & 0x3f)); /* variant 10 */
    char *o = out;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) *o++ = '-';
        *o++ = hex[b[i] >> 4];
        *o++ = hex[b[i] & 15];
    }
    *o = '\0';
}

int pm_uuid_v7(char out[PM_UUID_LEN]) {
    uint8_t r[10];
    if (RAND_bytes(r, sizeof r) != 1) return -1;
    make(r, out);
    return 0;
}

int pm_uuid_pool_fill(pm_uuid_pool *p) {
    if (p->n >= PM_UUID_POOL / 2) return 0;
    /* the unused draws move to the front; the rest is drawn fresh */
    memmove(p->bits, p->bits + (PM_UUID_POOL - p->n), (size_t)p->n * sizeof p->bits[0]);
    if (RAND_bytes(p->bits[p->n], (int)((PM_UUID_POOL - p->n) * sizeof p->bits[0])) != 1) return -1;
    p->n = PM_UUID_POOL;
    return 0;
}

int pm_uuid_v7_pooled(pm_uuid_pool *p, char out[PM_UUID_LEN]) {
    if (!p->n && pm_uuid_pool_fill(p)) return -1;
    make(p->bits[PM_UUID_POOL - p->n], out);
    memset(p->bits[PM_UUID_POOL - p->n], 0, sizeof p->bits[0]); /* a draw is used once */
    p->n--;
    return 0;
}

int pm_uuid_valid(const char *s) {
    if (!s || strlen(s) != 36) return 0;
    for (int i = 0; i < 36; i++) {
        int dash = (i == 8 || i == 13 || i == 18 || i == 23);
        char c = s[i];
        if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return 0;
    }
    return 1;
}
