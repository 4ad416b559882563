/* exec.h — Kalshi's side of order execution (core/exec.h): V2 orders on
 * POST /portfolio/events/orders with pmarb's order id as client_order_id, fill-or-kill or
 * immediate-or-cancel, signed with the order path's presigned headers (auth.h) so no RSA
 * signature is computed between the intent and the wire; look-ups by client_order_id; fills
 * from GET /portfolio/fills; cancel of every resting order; the balance and positions. */
#ifndef PM_VENUE_KALSHI_EXEC_H
#define PM_VENUE_KALSHI_EXEC_H

#include "config/config.h"
#include "core/exec.h"
#include "venue/kalshi/auth.h"

/* A venue over [kalshi] rest_url / env and timeout_ms, signing with auth (borrowed: it must
 * outlive the venue). timeout_ms overrides [kalshi] timeout_ms for order sends when > 0. */
int kalshi_exec_new(const pm_config *cfg, kalshi_auth *auth, int64_t timeout_ms, pm_exec_venue **out, pm_err *err);

#endif
