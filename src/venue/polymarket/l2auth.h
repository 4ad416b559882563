/* l2auth.h — Polymarket L2 authentication: POLY_SIGNATURE = HMAC-SHA256 over
 * timestamp + METHOD + path + body, keyed with the base64url-decoded API secret, written as
 * base64url with its '=' padding kept — byte-compatible with the official clients. */
#ifndef PM_VENUE_POLYMARKET_L2AUTH_H
#define PM_VENUE_POLYMARKET_L2AUTH_H

#include "util/err.h"

#define POLY_L2_SIG_LEN 45 /* 44 characters + NUL */

/* body may be NULL (no body). path is the request path without its query string. */
int poly_l2_signature(const char *secret_b64url, const char *timestamp, const char *method, const char *path,
                      const char *body, char out[POLY_L2_SIG_LEN], pm_err *err);

#endif
