/* l2auth.h — Polymarket L2 authentication: POLY_SIGNATURE = HMAC-SHA256 over
 * timestamp + METHOD + path + body, keyed with the base64url-decoded API secret, written as
 * base64url with its '=' padding kept — byte-compatible with the official clients.
 *
 * An order path signs with a poly_l2_key: the secret decoded and the HMAC keyed once, so a
 * signature is two SHA-256 passes over the message, with no allocation and no algorithm
 * look-up. One key belongs to one thread (poly_l2_key_dup gives another thread its own). */
#ifndef PM_VENUE_POLYMARKET_L2AUTH_H
#define PM_VENUE_POLYMARKET_L2AUTH_H

#include "util/err.h"

#define POLY_L2_SIG_LEN 45 /* 44 characters + NUL */

typedef struct poly_l2_key {
    struct evp_mac_ctx_st *ctx; /* keyed HMAC-SHA256; NULL when not set */
} poly_l2_key;

int poly_l2_key_init(poly_l2_key *k, const char *secret_b64url, pm_err *err);
int poly_l2_key_dup(const poly_l2_key *src, poly_l2_key *dst, pm_err *err);
void poly_l2_key_free(poly_l2_key *k); /* wipes it */

/* body may be NULL (no body). path is the request path without its query string. */
int poly_l2_sign(poly_l2_key *k, const char *timestamp, const char *method, const char *path, const char *body,
                 char out[POLY_L2_SIG_LEN], pm_err *err);

/* The same with the secret itself (a key made and freed for one signature). */
int poly_l2_signature(const char *secret_b64url, const char *timestamp, const char *method, const char *path,
                      const char *body, char out[POLY_L2_SIG_LEN], pm_err *err);

#endif
