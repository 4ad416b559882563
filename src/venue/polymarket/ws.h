/* ws.h — the Polymarket feed on live WebSockets: market-channel connections at ws_url +
 * "/market" (as many as the feed's assets need, each with its own backoff and jitter, all in
 * one event loop), fed with every frame and sent the feed's commands (subscriptions, resyncs,
 * text PINGs), dropped and redialled when the feed detects a silent freeze or an unanswered
 * PING; and, when credentials are given, the user channel at ws_url + "/user" for our own
 * orders and trades. Books are stale from a disconnect until their fresh snapshots. */
#ifndef PM_VENUE_POLYMARKET_WS_H
#define PM_VENUE_POLYMARKET_WS_H

#include "core/events.h"
#include "net/ws_client.h"
#include "venue/polymarket/feed.h"
#include "venue/polymarket/user.h"

typedef struct poly_ws poly_ws;

/* User-channel subscription: API credentials and the condition ids to follow (n may be 0). */
typedef struct poly_ws_user {
    const char *api_key, *secret, *passphrase;
    const char *const *condition_ids;
    size_t n;
} poly_ws_user;

/* base_url: [polymarket] ws_url (".../ws"). assets: the token ids to stream (more can be added
 * up to max_assets). user: NULL for market data only. on_event gets every core event (BOOK,
 * STALE, MARKET, ORDER, FILL) on the thread that calls poly_ws_service. */
int poly_ws_new(const char *base_url, const poly_feed_config *cfg, size_t max_assets, const char *const *assets,
                size_t n, const poly_ws_user *user, pm_event_fn on_event, void *ctx, poly_ws **out, pm_err *err);
void poly_ws_free(poly_ws *k);

/* Adds or removes an asset at runtime (opens a new connection when the others are full). */
int poly_ws_add(poly_ws *k, const char *asset_id, pm_err *err);
int poly_ws_remove(poly_ws *k, const char *asset_id);

/* Runs every socket for up to timeout_ms. */
void poly_ws_service(poly_ws *k, int timeout_ms);

poly_feed *poly_ws_feed(poly_ws *k);
size_t poly_ws_sockets(const poly_ws *k);         /* market-channel connections opened */
pm_ws *poly_ws_socket(poly_ws *k, int conn);
poly_user *poly_ws_user_feed(poly_ws *k);          /* NULL without a user channel */
pm_ws *poly_ws_user_socket(poly_ws *k);

#endif
