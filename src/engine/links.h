/* links.h — the engine's sockets: the Kalshi feed connection (signed handshake at every
 * (re)connect) and the Polymarket market-channel connections, all in ONE libwebsockets event
 * loop (pm_ws_new_shared: one poll for every socket, one TLS context), moving frames into
 * the feeds' inputs (feeds.h) and the feeds' commands out; live, also Polymarket's user
 * channel. */
#ifndef PM_ENGINE_LINKS_H
#define PM_ENGINE_LINKS_H

#include "engine/feeds.h"
#include "net/ws_client.h"
#include "venue/kalshi/auth.h"

typedef struct pm_links pm_links;

/* kalshi_url: the Kalshi WebSocket; auth signs its handshakes (kept, not owned). poly_base:
 * [polymarket] ws_url ("/market" is appended). Nothing connects until pm_links_service. */
int pm_links_new(pm_feeds *feeds, const char *kalshi_url, kalshi_auth *auth, const char *poly_base, pm_links **out,
                 pm_err *err);
void pm_links_free(pm_links *l);

/* Live trading: also follows Polymarket's user channel ([polymarket] ws_url + "/user",
 * subscribed with user's credentials, kept alive with PING), its events going to emit(ctx).
 * user is borrowed: it must outlive the links. */
struct poly_user;
int pm_links_follow_user(pm_links *l, struct poly_user *user, pm_event_fn emit, void *ctx, pm_err *err);

/* Opens sockets for Polymarket connections the feed started using since (assets added). */
int pm_links_grow(pm_links *l, pm_err *err);

/* Runs the event loop for up to timeout_ms, then sends whatever the feeds queued. */
void pm_links_service(pm_links *l, int timeout_ms);

/* The Polymarket timers of every open connection at now_ns; redials a connection the feed
 * found silent. */
void pm_links_tick(pm_links *l, int64_t now_ns);

/* Connections up: Kalshi (0/1) and Polymarket (count of open ones, out of *total). */
int pm_links_kalshi_up(const pm_links *l);
size_t pm_links_poly_up(const pm_links *l, size_t *total);

#endif
