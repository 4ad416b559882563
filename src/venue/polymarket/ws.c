/* ws.c — the Polymarket feed over WebSockets (see ws.h). */
#include "venue/polymarket/ws.h"

#include "util/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct poly_link {
    poly_ws *owner;
    int conn;                 /* market-channel connection index; -1 for the user channel */
    pm_ws *ws;
} poly_link;

struct poly_ws {
    char market_url[1024], user_url[1024];
    poly_feed *feed;
    poly_link *links;              /* one per feed connection (grown as the feed needs) */
    size_t nlinks, maxlinks;
    poly_user *user;
    poly_link user_link;
    pm_ws *base;              /* the first socket made: the others share its event loop */
    int64_t ping_interval_ms, pong_timeout_ms;
    pm_event_fn on_event;
    void *ctx;
};

static void flush_market(poly_ws *k, int c) {
    size_t len;
    const char *cmd;
    while ((cmd = poly_feed_next_command(k->feed, c, &len))) pm_ws_send(k->links[c].ws, cmd, len);
}

static void connected(void *user) {
    poly_link *l = user;
    poly_ws *k = l->owner;
    if (l->conn < 0) {
        size_t len;
        const char *sub = poly_user_subscription(k->user, &len);
        poly_keepalive_start(poly_user_keepalive(k->user), pm_mono_ns());
        pm_ws_send(l->ws, sub, len);
        return;
    }
    poly_feed_connected(k->feed, l->conn, pm_mono_ns());
    flush_market(k, l->conn);
}

static void message(void *user, const char *text, size_t len) {
    poly_link *l = user;
    poly_ws *k = l->owner;
    int64_t now = pm_mono_ns();
    /* an oversized message was dropped: feeding "" makes the feed count it and resync */
    if (l->conn < 0) {
        poly_user_frame(k->user, text ? text : "", text ? len : 0, now, k->on_event, k->ctx);
        return;
    }
    poly_feed_frame(k->feed, l->conn, text ? text : "", text ? len : 0, now, k->on_event, k->ctx);
    flush_market(k, l->conn);
}

static void disconnected(void *user, const char *why) {
    (void)why;
    poly_link *l = user;
    if (l->conn >= 0) poly_feed_disconnected(l->owner->feed, l->conn, pm_mono_ns(), l->owner->on_event, l->owner->ctx);
}

static const pm_ws_callbacks callbacks = {NULL, connected, message, disconnected};

/* A socket for l, in the event loop of the first one. */
static int open_socket(poly_ws *k, const char *url, poly_link *l, pm_err *err) {
    if (k->base) return pm_ws_new_shared(k->base, url, &callbacks, l, &l->ws, err);
    if (pm_ws_new(url, &callbacks, l, &l->ws, err)) return -1;
    k->base = l->ws;
    return 0;
}

/* Opens sockets for connections the feed started using. */
static int open_links(poly_ws *k, pm_err *err) {
    while (k->nlinks < poly_feed_connections(k->feed)) {
        poly_link *l = &k->links[k->nlinks];
        l->owner = k;
        l->conn = (int)k->nlinks;
        if (open_socket(k, k->market_url, l, err)) return -1;
        k->nlinks++;
    }
    return 0;
}

int poly_ws_new(const char *base_url, const poly_feed_config *cfg, size_t max_assets, const char *const *assets,
                size_t n, const poly_ws_user *user, pm_event_fn on_event, void *ctx, poly_ws **out, pm_err *err) {
    *out = NULL;
    size_t blen = strlen(base_url);
    while (blen && base_url[blen - 1] == '/') blen--;
    if (blen + 8 > sizeof ((poly_ws *)0)->market_url) return pm_err_set(err, "Polymarket WebSocket URL too long");
    poly_ws *k = calloc(1, sizeof *k);
    if (!k) return pm_err_set(err, "out of memory");
    snprintf(k->market_url, sizeof k->market_url, "%.*s/market", (int)blen, base_url);
    snprintf(k->user_url, sizeof k->user_url, "%.*s/user", (int)blen, base_url);
    k->on_event = on_event;
    k->ctx = ctx;
    k->ping_interval_ms = cfg->ping_interval_ms;
    k->pong_timeout_ms = cfg->pong_timeout_ms;
    if (max_assets < n) max_assets = n;
    k->maxlinks = (max_assets + (size_t)cfg->assets_per_connection - 1) / (size_t)cfg->assets_per_connection;
    if (!k->maxlinks) k->maxlinks = 1;
    if (!(k->links = calloc(k->maxlinks, sizeof *k->links)) || !(k->feed = poly_feed_new(cfg, max_assets, err))) {
        if (!k->links) pm_err_set(err, "out of memory");
        poly_ws_free(k);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (poly_feed_add(k->feed, assets[i], err) < 0) {
            poly_ws_free(k);
            return -1;
        }
    if (open_links(k, err)) {
        poly_ws_free(k);
        return -1;
    }
    if (user) {
        k->user_link.owner = k;
        k->user_link.conn = -1;
        if (!(k->user = poly_user_new(user->api_key, user->secret, user->passphrase, user->condition_ids, user->n, err)) ||
            open_socket(k, k->user_url, &k->user_link, err)) {
            poly_ws_free(k);
            return -1;
        }
    }
    *out = k;
    return 0;
}

void poly_ws_free(poly_ws *k) {
    if (!k) return;
    for (size_t i = 0; i < k->nlinks; i++) /* the base last: it owns the event loop */
        if (k->links[i].ws != k->base) pm_ws_free(k->links[i].ws);
    if (k->user_link.ws != k->base) pm_ws_free(k->user_link.ws);
    pm_ws_free(k->base);
    poly_user_free(k->user);
    poly_feed_free(k->feed);
    free(k->links);
    free(k);
}

int poly_ws_add(poly_ws *k, const char *asset_id, pm_err *err) {
    int i = poly_feed_add(k->feed, asset_id, err);
    if (i < 0 || open_links(k, err)) return -1;
    flush_market(k, poly_feed_conn_of(k->feed, i));
    return 0;
}

int poly_ws_remove(poly_ws *k, const char *asset_id) {
    int i = poly_feed_index(k->feed, asset_id, strlen(asset_id));
    if (i < 0) return -1;
    int c = poly_feed_conn_of(k->feed, i);
    poly_feed_remove(k->feed, asset_id);
    flush_market(k, c);
    return 0;
}

static void tick_user(poly_ws *k) {
    if (!k->user || !pm_ws_is_connected(k->user_link.ws)) return;
    poly_keepalive_action a =
        poly_keepalive_check(poly_user_keepalive(k->user), pm_mono_ns(), k->ping_interval_ms, k->pong_timeout_ms);
    if (a == POLY_KEEPALIVE_PING) pm_ws_send(k->user_link.ws, "PING", 4);
    else if (a == POLY_KEEPALIVE_DEAD) pm_ws_reconnect(k->user_link.ws, "no PONG on the user channel");
}

static void tick_market(poly_ws *k, int c) {
    if (!pm_ws_is_connected(k->links[c].ws)) return;
    if (poly_feed_tick(k->feed, c, pm_mono_ns(), k->on_event, k->ctx) == POLY_FEED_RECONNECT)
        pm_ws_reconnect(k->links[c].ws, "silent feed or unanswered PING");
    else flush_market(k, c);
}

/* Every socket shares one event loop: one wait covers them all. */
void poly_ws_service(poly_ws *k, int timeout_ms) {
    if (!k->base) return;
    pm_ws_service(k->base, timeout_ms);
    for (size_t i = 0; i < k->nlinks; i++) tick_market(k, (int)i);
    tick_user(k);
}

poly_feed *poly_ws_feed(poly_ws *k) { return k->feed; }
size_t poly_ws_sockets(const poly_ws *k) { return k->nlinks; }
pm_ws *poly_ws_socket(poly_ws *k, int conn) { return k->links[conn].ws; }
poly_user *poly_ws_user_feed(poly_ws *k) { return k->user; }
pm_ws *poly_ws_user_socket(poly_ws *k) { return k->user_link.ws; }
