/* auth.h — Kalshi request authentication: RSA-PSS (SHA-256, MGF1-SHA-256, 32-byte salt) over
 * `timestamp_ms + METHOD + path`, where path starts with /trade-api/… and has no query
 * string; the body is not signed. Produces the three KALSHI-ACCESS-* headers.
 *
 * An RSA-2048 signature costs about a millisecond, too slow for the order path. Because only
 * the timestamp, method and path are signed, one signature is valid for every request with
 * that method and path while the timestamp is fresh: kalshi_presign keeps a recent signature
 * for the order endpoint, refreshed off the hot path, that an executor copies in microseconds. */
#ifndef PM_VENUE_KALSHI_AUTH_H
#define PM_VENUE_KALSHI_AUTH_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define KALSHI_KEY_ID_MAX 128
#define KALSHI_SIG_B64_MAX 1400 /* base64 of an RSA signature up to 8192 bits */
#define KALSHI_PATH_MAX 512

typedef struct kalshi_auth kalshi_auth;

typedef struct kalshi_headers {
    char key[KALSHI_KEY_ID_MAX];       /* KALSHI-ACCESS-KEY */
    char timestamp[24];                /* KALSHI-ACCESS-TIMESTAMP: Unix ms, decimal */
    char signature[KALSHI_SIG_B64_MAX]; /* KALSHI-ACCESS-SIGNATURE: base64 (standard, padded) */
} kalshi_headers;

/* Loads an RSA private key from PEM text (PKCS#1 "BEGIN RSA PRIVATE KEY" or PKCS#8 "BEGIN
 * PRIVATE KEY"). The key id is the API key's UUID. */
int kalshi_auth_new(const char *key_id, const char *pem, size_t pem_len, kalshi_auth **out, pm_err *err);
void kalshi_auth_free(kalshi_auth *a);

/* The string that is signed: ts_ms + METHOD + path without its query string. Returns its
 * length, or -1 (with err) if it does not fit in cap or method/path are malformed. */
int kalshi_auth_message(int64_t ts_ms, const char *method, const char *path, char *out, size_t cap, pm_err *err);

/* Signs a request made at ts_ms. Thread-safe. */
int kalshi_auth_sign(kalshi_auth *a, int64_t ts_ms, const char *method, const char *path, kalshi_headers *out,
                     pm_err *err);

/* A signature kept ready for one method + path. Writers (the refresher) and readers (the
 * executor) may be different threads: a sequence lock makes a copy consistent without any
 * lock or allocation on the reader's side. */
typedef struct kalshi_presign {
    char method[8];
    char path[KALSHI_PATH_MAX];
    _Atomic uint64_t seq;       /* odd while being rewritten */
    kalshi_headers headers;
    _Atomic int64_t signed_at_ms;
} kalshi_presign;

/* Sets the method and path to keep signed (no signature yet). */
int kalshi_presign_init(kalshi_presign *p, const char *method, const char *path, pm_err *err);

/* Signs anew when there is no signature yet or it is older than refresh_after_ms at now_ms
 * (the refresher calls this periodically). 1 if it signed, 0 if still fresh, -1 on error. */
int kalshi_presign_refresh(kalshi_presign *p, kalshi_auth *a, int64_t now_ms, int64_t refresh_after_ms, pm_err *err);

/* Copies the prepared headers if they were signed at most max_age_ms before now_ms: 0, or -1
 * when stale or absent (the caller then signs on the spot or refuses to send). */
int kalshi_presign_get(kalshi_presign *p, int64_t now_ms, int64_t max_age_ms, kalshi_headers *out);

#endif
