/* links.c — the engine's sockets in one event loop (see links.h). */
#include "engine/links.h"

#include "util/clock.h"
#include "venue/kalshi/ws.h"
#include "venue/polymarket/user.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct link {
    pm_links *owner;
    pm_venue venue;
    int conn;
    pm_ws *ws;
} link;

/* Polymarket's user channel (live trading): our orders' and trades' pushes. */
typedef struct user_link {
    pm_links *owner;
    pm_ws *ws;
    poly_user *user;
    pm_event_fn emit;
    void *ctx;
} user_link;

struct pm_links {
    pm_feeds *feeds;
    kalshi_auth *auth;
    char sign_path[512];
    char poly_url[1024];
    link kalshi;
    link *poly;
    size_t npoly, cap;
    pm_ws *base; /* the first socket: every other one shares its event loop */
    char poly_base[1024];
    user_link user; /* ws NULL: not followed */
};

static void flush(link *k) {
    size_t len;
    const char *c;
    while ((c = pm_feeds_next_command(k->owner->feeds, k->venue, k->conn, &len))) pm_ws_send(k->ws, c, len);
}

static int headers(void *user, pm_ws_header *h) {
    link *k = user;
    return k->venue == PM_VENUE_KALSHI ? kalshi_ws_handshake_headers(k->owner->auth, k->owner->sign_path, h) : 0;
}

static void connected(void *user) {
    link *k = user;
    pm_feeds_connected(k->owner->feeds, k->venue, k->conn, pm_mono_ns());
    flush(k);
}

static void message(void *user, const char *text, size_t len) {
    link *k = user;
    pm_feeds_frame(k->owner->feeds, k->venue, k->conn, text, len, pm_mono_ns());
    flush(k);
}

static void disconnected(void *user, const char *why) {
    (void)why;
    link *k = user;
    pm_feeds_disconnected(k->owner->feeds, k->venue, k->conn, pm_mono_ns());
}

static const pm_ws_callbacks callbacks = {headers, connected, message, disconnected};

static int user_headers(void *u, pm_ws_header *h) {
    (void)u;
    (void)h;
    return 0;
}

static void user_connected(void *u) {
    user_link *k = u;
    size_t len;
    const char *sub = poly_user_subscription(k->user, &len);
    poly_keepalive_start(poly_user_keepalive(k->user), pm_mono_ns());
    pm_ws_send(k->ws, sub, len);
}

static void user_message(void *u, const char *text, size_t len) {
    user_link *k = u;
    poly_user_frame(k->user, text, len, pm_mono_ns(), k->emit, k->ctx);
}

static void user_disconnected(void *u, const char *why) {
    (void)u;
    (void)why;
}

static const pm_ws_callbacks user_callbacks = {user_headers, user_connected, user_message, user_disconnected};

static int open_socket(pm_links *l, const char *url, link *k, pm_err *err) {
    if (l->base) return pm_ws_new_shared(l->base, url, &callbacks, k, &k->ws, err);
    if (pm_ws_new(url, &callbacks, k, &k->ws, err)) return -1;
    l->base = k->ws;
    return 0;
}

int pm_links_grow(pm_links *l, pm_err *err) {
    size_t want = poly_feed_connections(pm_feeds_poly(l->feeds));
    if (want > l->cap) {
        /* a socket's callbacks hold its link's address: links never move once opened */
        return pm_err_set(err, "Polymarket needs %zu connections, more than the %zu planned", want, l->cap);
    }
    while (l->npoly < want) {
        link *k = &l->poly[l->npoly];
        k->owner = l;
        k->venue = PM_VENUE_POLYMARKET;
        k->conn = (int)l->npoly;
        if (open_socket(l, l->poly_url, k, err)) return -1;
        l->npoly++;
    }
    for (size_t i = 0; i < l->npoly; i++) flush(&l->poly[i]);
    return 0;
}

int pm_links_new(pm_feeds *feeds, const char *kalshi_url, kalshi_auth *auth, const char *poly_base, pm_links **out,
                 pm_err *err) {
    *out = NULL;
    if (!auth) return pm_err_set(err, "the Kalshi WebSocket needs credentials (KALSHI_API_KEY_ID, KALSHI_PRIVATE_KEY_PATH)");
    size_t blen = strlen(poly_base);
    while (blen && poly_base[blen - 1] == '/') blen--;
    if (blen + 8 > sizeof ((pm_links *)0)->poly_url) return pm_err_set(err, "Polymarket WebSocket URL too long");
    pm_links *l = calloc(1, sizeof *l);
    if (!l) return pm_err_set(err, "out of memory");
    l->feeds = feeds;
    l->auth = auth;
    snprintf(l->poly_url, sizeof l->poly_url, "%.*s/market", (int)blen, poly_base);
    snprintf(l->poly_base, sizeof l->poly_base, "%.*s", (int)blen, poly_base);
    const char *p = strstr(kalshi_url, "://");
    p = p ? strchr(p + 3, '/') : NULL;
    snprintf(l->sign_path, sizeof l->sign_path, "%s", p ? p : "/");
    poly_feed *pf = pm_feeds_poly(feeds);
    l->cap = poly_feed_capacity(pf) + 1; /* at most one asset per connection, whatever the config */
    l->kalshi = (link){l, PM_VENUE_KALSHI, 0, NULL};
    if (!(l->poly = calloc(l->cap, sizeof *l->poly)) || open_socket(l, kalshi_url, &l->kalshi, err) ||
        pm_links_grow(l, err)) {
        if (!l->poly) pm_err_set(err, "out of memory");
        pm_links_free(l);
        return -1;
    }
    *out = l;
    return 0;
}

int pm_links_follow_user(pm_links *l, poly_user *user, pm_event_fn emit, void *ctx, pm_err *err) {
    char url[1100];
    snprintf(url, sizeof url, "%s/user", l->poly_base);
    l->user = (user_link){l, NULL, user, emit, ctx};
    return pm_ws_new_shared(l->base, url, &user_callbacks, &l->user, &l->user.ws, err);
}

void pm_links_free(pm_links *l) {
    if (!l) return;
    pm_ws_free(l->user.ws);
    for (size_t i = 0; i < l->npoly; i++) /* the base last: it owns the event loop */
        if (l->poly[i].ws != l->base) pm_ws_free(l->poly[i].ws);
    if (l->kalshi.ws != l->base) pm_ws_free(l->kalshi.ws);
    pm_ws_free(l->base);
    free(l->poly);
    free(l);
}

void pm_links_service(pm_links *l, int timeout_ms) {
    if (!l->base) return;
    pm_ws_service(l->base, timeout_ms);
    flush(&l->kalshi);
    for (size_t i = 0; i < l->npoly; i++) flush(&l->poly[i]);
}

void pm_links_tick(pm_links *l, int64_t now_ns) {
    if (l->user.ws && pm_ws_is_connected(l->user.ws)) {
        poly_keepalive_action a = poly_keepalive_check(poly_user_keepalive(l->user.user), now_ns, POLY_PING_INTERVAL_MS,
                                                       POLY_PONG_TIMEOUT_MS);
        if (a == POLY_KEEPALIVE_PING) pm_ws_send(l->user.ws, "PING", 4);
        else if (a == POLY_KEEPALIVE_DEAD) pm_ws_reconnect(l->user.ws, "unanswered PING on the user channel");
    }
    for (size_t i = 0; i < l->npoly; i++) {
        link *k = &l->poly[i];
        if (!pm_ws_is_connected(k->ws)) continue;
        if (pm_feeds_tick(l->feeds, k->conn, now_ns) == POLY_FEED_RECONNECT)
            pm_ws_reconnect(k->ws, "silent feed or unanswered PING");
        else flush(k);
    }
}

int pm_links_kalshi_up(const pm_links *l) { return pm_ws_is_connected(l->kalshi.ws); }

size_t pm_links_poly_up(const pm_links *l, size_t *total) {
    size_t n = 0;
    for (size_t i = 0; i < l->npoly; i++) n += (size_t)pm_ws_is_connected(l->poly[i].ws);
    if (total) *total = l->npoly;
    return n;
}
