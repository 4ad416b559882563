/* feeds.h — both venues' market-data state machines behind one set of inputs: connection
 * opened, connection dropped, text frame received, timer tick — each with the time it
 * happened. The sockets (links.h) and a recording being replayed (replay.h) drive the same
 * inputs, so a replay goes through exactly the production path. Every input is first shown
 * to an optional tap (the recorder), then applied; the state machines' core events (BOOK,
 * STALE, MARKET, FEE) go to one callback on the calling thread.
 *
 * Connections: Kalshi has one (conn 0); Polymarket's market channel has as many as its feed
 * spreads the assets over (conn 0..n-1). */
#ifndef PM_ENGINE_FEEDS_H
#define PM_ENGINE_FEEDS_H

#include <stddef.h>
#include <stdint.h>

#include "core/events.h"
#include "core/market.h"
#include "venue/kalshi/feed.h"
#include "venue/polymarket/feed.h"

typedef enum pm_feed_input {
    PM_IN_CONNECTED = 2,
    PM_IN_DISCONNECTED = 3,
    PM_IN_FRAME = 4,
    PM_IN_TICK = 5,
} pm_feed_input;

/* Sees every input before it is applied (text/len only for frames). */
typedef void (*pm_feed_tap)(void *user, pm_feed_input kind, pm_venue venue, int conn, const char *text, size_t len,
                            int64_t now_ns);

typedef struct pm_feeds pm_feeds;

/* Feeds for these Kalshi tickers and Polymarket token ids (copied); the Polymarket feed holds up
 * to max_tokens (≥ ntok) so that assets can be added later. */
int pm_feeds_new(const char *const *tickers, size_t ntick, const char *const *tokens, size_t ntok, size_t max_tokens,
                 const poly_feed_config *cfg, pm_event_fn emit, void *user, pm_feeds **out, pm_err *err);
void pm_feeds_free(pm_feeds *f);
void pm_feeds_set_tap(pm_feeds *f, pm_feed_tap tap, void *user);
/* Live trading: the Kalshi connection also subscribes to the account's fill and user_orders
 * channels (PM_EV_FILL / PM_EV_ORDER events) at every (re)connect. */
void pm_feeds_set_user_channels(pm_feeds *f, int on);

void pm_feeds_connected(pm_feeds *f, pm_venue venue, int conn, int64_t now_ns);
void pm_feeds_disconnected(pm_feeds *f, pm_venue venue, int conn, int64_t now_ns);
/* text NULL: a message too large to hold was dropped (the feed counts it and resyncs). */
void pm_feeds_frame(pm_feeds *f, pm_venue venue, int conn, const char *text, size_t len, int64_t now_ns);
/* Polymarket timers of conn (keep-alive, freezes, disagreements past their grace). */
poly_feed_action pm_feeds_tick(pm_feeds *f, int conn, int64_t now_ns);

/* The next command a connection must send, or NULL. */
const char *pm_feeds_next_command(pm_feeds *f, pm_venue venue, int conn, size_t *len);

kalshi_feed *pm_feeds_kalshi(pm_feeds *f);
poly_feed *pm_feeds_poly(pm_feeds *f);

#endif
