/* uuid.h — UUIDv7 identifiers (RFC 9562): time-ordered, 74 random bits from the OpenSSL CSPRNG.
 * Used as the text primary key of every row pmarb creates and as client order ids. */
#ifndef PM_UTIL_UUID_H
#define PM_UTIL_UUID_H

#include <stdint.h>

#define PM_UUID_LEN 37 /* 36 characters + NUL */
#define PM_UUID_POOL 64

/* Writes a new lower-case UUIDv7 ("0192f0c4-...") into out. Returns 0, or -1 if the CSPRNG failed. */
int pm_uuid_v7(char out[PM_UUID_LEN]);

/* Random bits drawn ahead, for making ids where the CSPRNG's cost (a lock, a cold DRBG: tens
 * of microseconds) must not be paid — the live order path. One owner thread. */
typedef struct pm_uuid_pool {
    uint8_t bits[PM_UUID_POOL][10];
    int n;                         /* draws left */
} pm_uuid_pool;

/* Tops the pool up when it is less than half full (one CSPRNG call). 0, or -1 if it failed. */
int pm_uuid_pool_fill(pm_uuid_pool *p);
/* A new UUIDv7 from the pool's bits (filled first when empty). 0, or -1 if the CSPRNG failed. */
int pm_uuid_v7_pooled(pm_uuid_pool *p, char out[PM_UUID_LEN]);

/* 1 when s is a canonical 36-character UUID text (any version), else 0. */
int pm_uuid_valid(const char *s);

#endif
