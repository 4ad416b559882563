/* exec.h — Polymarket's side of order execution (core/exec.h): CLOB V2 orders signed by the
 * account's order builder (order_build.h) and POSTed once to /order with L2 headers; the
 * client id is the order's EIP-712 hash (its orderID), by which an order whose POST got no
 * answer is found (poly_find_order_fate); fills from /data/trades; cancel-all; the pUSD
 * balance and conditional-token balances (/balance-allowance). */
#ifndef PM_VENUE_POLYMARKET_EXEC_H
#define PM_VENUE_POLYMARKET_EXEC_H

#include "config/config.h"
#include "config/secrets.h"
#include "core/exec.h"

/* A venue over [polymarket] clob_url, chain_id, signature_type and timeout_ms, with the
 * wallet key and API credentials from secrets (POLY_PRIVATE_KEY, POLY_API_KEY,
 * POLY_API_SECRET, POLY_API_PASSPHRASE, POLY_FUNDER when the signature type needs one): -1
 * with an error naming what is missing. timeout_ms overrides [polymarket] timeout_ms for
 * order sends when > 0. */
int poly_exec_new(const pm_config *cfg, const pm_secrets *secrets, int64_t timeout_ms, pm_exec_venue **out, pm_err *err);

#endif
