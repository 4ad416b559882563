/* ws.h — the Kalshi feed on a live WebSocket: the signed handshake (GET /trade-api/ws/v2,
 * re-signed at every reconnect), the feed state machine (feed.h) fed with every message, and
 * its commands sent back. Books are stale from a disconnect until their fresh snapshots. */
#ifndef PM_VENUE_KALSHI_WS_H
#define PM_VENUE_KALSHI_WS_H

#include "core/events.h"
#include "net/ws_client.h"
#include "venue/kalshi/auth.h"
#include "venue/kalshi/feed.h"

typedef struct kalshi_ws kalshi_ws;

/* on_event is called on the feed thread with every venue-independent event (book changes,
 * staleness, market lifecycle, fee changes, own orders and fills). */
int kalshi_ws_new(const char *url, kalshi_auth *auth, const char *const *tickers, size_t n, int user_channels,
                  pm_event_fn on_event, void *user, kalshi_ws **out, pm_err *err);
void kalshi_ws_free(kalshi_ws *k);

/* Runs the socket for up to timeout_ms. */
void kalshi_ws_service(kalshi_ws *k, int timeout_ms);

kalshi_feed *kalshi_ws_feed(kalshi_ws *k);

/* The three KALSHI-ACCESS-* handshake headers for GET sign_path, signed now: 3, or -1 when
 * signing fails (the attempt is given up). For any pm_ws carrying the Kalshi feed. */
int kalshi_ws_handshake_headers(kalshi_auth *auth, const char *sign_path, pm_ws_header *h);
pm_ws *kalshi_ws_socket(kalshi_ws *k);

#endif
