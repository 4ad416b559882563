/* ws.c — Kalshi feed over a WebSocket (see ws.h). */
#include "venue/kalshi/ws.h"

#include "util/clock.h"
#include "venue/kalshi/event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kalshi_ws {
    pm_ws *ws;
    kalshi_feed *feed;
    kalshi_auth *auth;
    char sign_path[512];
    int user_channels;
    pm_event_fn on_event;
    void *user;
};

int kalshi_ws_handshake_headers(kalshi_auth *auth, const char *sign_path, pm_ws_header *h) {
    kalshi_headers kh;
    pm_err err;
    if (kalshi_auth_sign(auth, pm_wall_ns() / 1000000, "GET", sign_path, &kh, &err)) return -1;
    snprintf(h[0].name, sizeof h[0].name, "KALSHI-ACCESS-KEY:");
    snprintf(h[0].value, sizeof h[0].value, "%s", kh.key);
    snprintf(h[1].name, sizeof h[1].name, "KALSHI-ACCESS-TIMESTAMP:");
    snprintf(h[1].value, sizeof h[1].value, "%s", kh.timestamp);
    snprintf(h[2].name, sizeof h[2].name, "KALSHI-ACCESS-SIGNATURE:");
    snprintf(h[2].value, sizeof h[2].value, "%s", kh.signature);
    return 3;
}

static int headers(void *user, pm_ws_header *h) {
    kalshi_ws *k = user;
    return kalshi_ws_handshake_headers(k->auth, k->sign_path, h);
}

static void flush_commands(kalshi_ws *k) {
    size_t len;
    const char *c;
    while ((c = kalshi_feed_next_command(k->feed, &len))) pm_ws_send(k->ws, c, len);
}

static void connected(void *user) {
    kalshi_ws *k = user;
    kalshi_feed_connected(k->feed, k->user_channels);
    flush_commands(k);
}

static void message(void *user, const char *text, size_t len) {
    kalshi_ws *k = user;
    kalshi_feed_result res;
    int64_t now = pm_mono_ns();
    /* an oversized message was dropped: feeding "" makes the feed count it and resync */
    kalshi_feed_frame(k->feed, text ? text : "", text ? len : 0, now, &res);
    flush_commands(k);
    pm_event ev;
    if (k->on_event && kalshi_feed_to_event(k->feed, &res, now, &ev)) k->on_event(k->user, &ev);
}

static void disconnected(void *user, const char *why) {
    (void)why;
    kalshi_ws *k = user;
    kalshi_feed_disconnected(k->feed);
    if (k->on_event) {
        pm_event ev = {.kind = PM_EV_STALE, .venue = PM_VENUE_KALSHI, .recv_ns = pm_mono_ns(), .market = -1,
                       .fee_multiplier = -1};
        k->on_event(k->user, &ev);
    }
}

int kalshi_ws_new(const char *url, kalshi_auth *auth, const char *const *tickers, size_t n, int user_channels,
                  pm_event_fn on_event, void *user, kalshi_ws **out, pm_err *err) {
    *out = NULL;
    if (!auth) return pm_err_set(err, "the Kalshi WebSocket needs credentials (KALSHI_API_KEY_ID, KALSHI_PRIVATE_KEY_PATH)");
    kalshi_ws *k = calloc(1, sizeof *k);
    if (!k) return pm_err_set(err, "out of memory");
    const char *p = strstr(url, "://");
    p = p ? strchr(p + 3, '/') : NULL;
    snprintf(k->sign_path, sizeof k->sign_path, "%s", p ? p : "/");
    k->auth = auth;
    k->user_channels = user_channels;
    k->on_event = on_event;
    k->user = user;
    static const pm_ws_callbacks cb = {headers, connected, message, disconnected};
    if (!(k->feed = kalshi_feed_new(tickers, n, 1, err)) || pm_ws_new(url, &cb, k, &k->ws, err)) {
        kalshi_ws_free(k);
        return -1;
    }
    *out = k;
    return 0;
}

void kalshi_ws_free(kalshi_ws *k) {
    if (!k) return;
    pm_ws_free(k->ws);
    kalshi_feed_free(k->feed);
    free(k);
}

void kalshi_ws_service(kalshi_ws *k, int timeout_ms) { pm_ws_service(k->ws, timeout_ms); }
kalshi_feed *kalshi_ws_feed(kalshi_ws *k) { return k->feed; }
pm_ws *kalshi_ws_socket(kalshi_ws *k) { return k->ws; }
