/* user.h — the authenticated Polymarket user channel as a state machine apart from the socket:
 * the subscription text (API credentials and the condition ids to follow), and our own `order`
 * and `trade` messages turned into PM_EV_ORDER and PM_EV_FILL core events.
 *
 * Events: ev.id is the token id (asset_id), ev.order_id the order hash. PM_EV_ORDER carries the
 * order's state (LIVE → RESTING, MATCHED → EXECUTED, CANCELED/UNMATCHED or a CANCELLATION →
 * CANCELED, else UNKNOWN), its limit price, qty = size_matched and remaining = original_size −
 * size_matched; detail is the venue's status. PM_EV_FILL is sent for OUR side of a trade only:
 * each maker order whose owner is our API key, else the taker order when the trade is ours as
 * taker; detail is the trade status. A trade is reported again as its status moves (MATCHED →
 * MINED → CONFIRMED, or RETRYING / FAILED) with the same trade_id: count its quantity once, at
 * MATCHED, and undo it on FAILED. ev.outcome follows the message's outcome word when it is
 * Yes/No (the token id is authoritative); fees are left to the fee model (ev.fee = 0). */
#ifndef PM_VENUE_POLYMARKET_USER_H
#define PM_VENUE_POLYMARKET_USER_H

#include <stddef.h>
#include <stdint.h>

#include "core/events.h"
#include "util/err.h"
#include "venue/polymarket/keepalive.h"

typedef struct poly_user_stats {
    uint64_t frames, orders, fills, malformed, unknown_type, foreign, pongs, texts;
} poly_user_stats;

typedef struct poly_user poly_user;

/* Credentials are copied (and wiped at free); condition_ids may be empty (all markets). */
poly_user *poly_user_new(const char *api_key, const char *secret, const char *passphrase,
                         const char *const *condition_ids, size_t n, pm_err *err);
void poly_user_free(poly_user *u);

/* The subscription to send right after connecting (holds secrets: never log it). */
const char *poly_user_subscription(poly_user *u, size_t *len);

/* Handles one text frame, emitting PM_EV_ORDER / PM_EV_FILL. PONGs feed the keep-alive. */
void poly_user_frame(poly_user *u, const char *frame, size_t len, int64_t now_ns, pm_event_fn emit, void *user);

poly_keepalive *poly_user_keepalive(poly_user *u);
void poly_user_get_stats(const poly_user *u, poly_user_stats *out);

#endif
