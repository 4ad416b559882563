/* ws_client.c — libwebsockets client with reconnection (see ws_client.h). */
#include "net/ws_client.h"

#include "net/http.h"
#include "util/clock.h"
#include "util/log.h"

#include <libwebsockets.h>
#include <stdlib.h>
#include <string.h>

#define SEND_QUEUE 64
#define SEND_MAX 65536

struct pm_ws {
    struct lws_context *ctx; /* the base's: shared by every pm_ws made with pm_ws_new_shared */
    pm_ws *base;             /* the pm_ws owning ctx (itself when it does) */
    pm_ws *next_member;      /* base only: the list of pm_ws sharing its context */
    struct lws *wsi;
    char url[1024];
    char host[256], path[768];
    int port, tls;
    pm_ws_callbacks cb;
    void *user;
    int connected, connecting;
    int closing;             /* pm_ws_free under way: a close is expected, not a loss */
    int attempt;             /* failed connection attempts in a row */
    int64_t next_try_ns;     /* monotonic time of the next connection attempt */
    char *rx;                /* PM_WS_MAX_FRAME + 1 bytes */
    size_t rx_len;
    int rx_oversized;
    char *tx[SEND_QUEUE];    /* each LWS_PRE + SEND_MAX bytes, allocated once */
    size_t tx_len[SEND_QUEUE];
    int tx_head, tx_count;
    pm_ws_stats stats;
    lws_sorted_usec_list_t wake; /* lws_service ignores its timeout: this timer bounds the wait */
};

static void woken(lws_sorted_usec_list_t *sul) { (void)sul; }

static void lost(pm_ws *w, const char *why) {
    if (w->closing) return;
    int was = w->connected;
    w->wsi = NULL;
    w->connected = w->connecting = 0;
    w->tx_count = 0;
    w->attempt++;
    w->next_try_ns = pm_mono_ns() + pm_http_backoff_ms(w->attempt, 250, 10000) * 1000000LL;
    if (was) w->stats.disconnects++;
    pm_warn("ws", was ? "connection lost" : "connection failed", PM_KV_S("url", w->url), PM_KV_S("reason", why),
            PM_KV_I("attempt", w->attempt));
    if (w->cb.disconnected) w->cb.disconnected(w->user, why);
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len) {
    /* client connections carry their pm_ws as user data (several may share one context) */
    pm_ws *w = user ? user : lws_context_user(lws_get_context(wsi));
    switch (reason) {
    case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER: {
        unsigned char **p = in, *end = *p + len;
        pm_ws_header h[PM_WS_MAX_HEADERS];
        int n = w->cb.headers ? w->cb.headers(w->user, h) : 0;
        if (n < 0) return -1;
        for (int i = 0; i < n; i++)
            if (lws_add_http_header_by_name(wsi, (const unsigned char *)h[i].name, (const unsigned char *)h[i].value,
                                            (int)strlen(h[i].value), p, end))
                return -1;
        return 0;
    }
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
        w->connected = 1;
        w->connecting = 0;
        w->attempt = 0;
        w->stats.connects++;
        pm_info("ws", "connected", PM_KV_S("url", w->url));
        if (w->cb.connected) w->cb.connected(w->user);
        return 0;
    case LWS_CALLBACK_CLIENT_RECEIVE:
        if (!w->rx_oversized && w->rx_len + len <= PM_WS_MAX_FRAME) {
            memcpy(w->rx + w->rx_len, in, len);
            w->rx_len += len;
        } else {
            w->rx_oversized = 1;
        }
        if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi)) return 0;
        if (w->rx_oversized) {
            w->stats.oversized++;
            pm_warn("ws", "oversized message dropped", PM_KV_S("url", w->url), PM_KV_I("limit", PM_WS_MAX_FRAME));
            w->cb.message(w->user, NULL, 0);
        } else {
            w->rx[w->rx_len] = '\0';
            w->stats.messages++;
            w->cb.message(w->user, w->rx, w->rx_len);
        }
        w->rx_len = 0;
        w->rx_oversized = 0;
        return 0;
    case LWS_CALLBACK_CLIENT_WRITEABLE:
        if (!w->tx_count) return 0;
        {
            int i = w->tx_head;
            if (lws_write(wsi, (unsigned char *)w->tx[i] + LWS_PRE, w->tx_len[i], LWS_WRITE_TEXT) < (int)w->tx_len[i])
                return -1;
            w->tx_head = (w->tx_head + 1) % SEND_QUEUE;
            w->tx_count--;
            w->stats.sent++;
            if (w->tx_count) lws_callback_on_writable(wsi);
        }
        return 0;
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
        lost(w, in && len ? (const char *)in : "connection error");
        return 0;
    case LWS_CALLBACK_CLIENT_CLOSED:
        lost(w, "closed");
        return 0;
    default:
        return 0;
    }
}

static const struct lws_protocols protocols[] = {
    {"pmarb-ws-client", callback, 0, 65536, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

static int ws_create(pm_ws *base, const char *url, const pm_ws_callbacks *cb, void *user, pm_ws **out, pm_err *err) {
    *out = NULL;
    pm_ws *w = calloc(1, sizeof *w);
    if (!w) return pm_err_set(err, "out of memory");
    if (strlen(url) >= sizeof w->url) {
        free(w);
        return pm_err_set(err, "WebSocket URL too long");
    }
    strcpy(w->url, url);
    char copy[1024];
    strcpy(copy, url);
    const char *prot, *addr, *path;
    if (lws_parse_uri(copy, &prot, &addr, &w->port, &path) || (strcmp(prot, "ws") && strcmp(prot, "wss"))) {
        free(w);
        return pm_err_set(err, "not a ws:// or wss:// URL: %s", url);
    }
    w->tls = !strcmp(prot, "wss");
    snprintf(w->host, sizeof w->host, "%s", addr);
    snprintf(w->path, sizeof w->path, "/%s", path);
    w->cb = *cb;
    w->user = user;
    w->rx = malloc(PM_WS_MAX_FRAME + 1);
    int allocated = w->rx != NULL;
    for (int i = 0; i < SEND_QUEUE; i++) allocated &= (w->tx[i] = malloc(LWS_PRE + SEND_MAX)) != NULL;
    if (base) {
        w->base = base;
        w->ctx = base->ctx;
        if (!allocated) {
            pm_ws_free(w);
            return pm_err_set(err, "cannot create the WebSocket client");
        }
        w->next_member = base->next_member;
        base->next_member = w;
        *out = w;
        return 0;
    }
    w->base = w;
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.protocols = protocols;
    info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
    static const lws_retry_bo_t heartbeat = {.secs_since_valid_ping = 15, .secs_since_valid_hangup = 40};
    info.retry_and_idle_policy = &heartbeat; /* an idle link that stops answering is closed and redialled */
    info.user = w;
    lws_set_log_level(LLL_ERR, NULL);
    if (!allocated || !(w->ctx = lws_create_context(&info))) {
        pm_ws_free(w);
        return pm_err_set(err, "cannot create the WebSocket client");
    }
    *out = w;
    return 0;
}

int pm_ws_new(const char *url, const pm_ws_callbacks *cb, void *user, pm_ws **out, pm_err *err) {
    return ws_create(NULL, url, cb, user, out, err);
}

int pm_ws_new_shared(pm_ws *base, const char *url, const pm_ws_callbacks *cb, void *user, pm_ws **out, pm_err *err) {
    return ws_create(base->base, url, cb, user, out, err);
}

void pm_ws_free(pm_ws *w) {
    if (!w) return;
    w->closing = 1;
    if (w->base && w->base != w) { /* a member: close its socket now, leave the context */
        if (w->wsi) lws_set_timeout(w->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_SYNC);
        for (pm_ws **m = &w->base->next_member; *m; m = &(*m)->next_member)
            if (*m == w) {
                *m = w->next_member;
                break;
            }
    } else if (w->ctx) {
        lws_sul_schedule(w->ctx, 0, &w->wake, woken, LWS_SET_TIMER_USEC_CANCEL);
        lws_context_destroy(w->ctx);
    }
    free(w->rx);
    for (int i = 0; i < SEND_QUEUE; i++) free(w->tx[i]);
    free(w);
}

static void connect_now(pm_ws *w) {
    struct lws_client_connect_info ci;
    memset(&ci, 0, sizeof ci);
    ci.context = w->ctx;
    ci.address = w->host;
    ci.port = w->port;
    ci.path = w->path;
    ci.host = w->host;
    ci.origin = w->host;
    ci.protocol = NULL;
    ci.ssl_connection = w->tls ? LCCSCF_USE_SSL : 0;
    ci.pwsi = &w->wsi;
    ci.userdata = w;
    w->connecting = 1;
    w->rx_len = 0;
    if (!lws_client_connect_via_info(&ci)) lost(w, "could not start connecting");
}

void pm_ws_service(pm_ws *w, int timeout_ms) {
    pm_ws *b = w->base;
    int64_t now = pm_mono_ns();
    for (pm_ws *m = b; m; m = m->next_member)
        if (!m->connected && !m->connecting && now >= m->next_try_ns) connect_now(m);
    lws_sul_schedule(b->ctx, 0, &b->wake, woken, (lws_usec_t)timeout_ms * 1000);
    lws_service(b->ctx, 0);
}

int pm_ws_send(pm_ws *w, const char *text, size_t len) {
    if (!w->connected || !w->wsi || w->tx_count == SEND_QUEUE || len > SEND_MAX) {
        w->stats.send_dropped++;
        return -1;
    }
    int i = (w->tx_head + w->tx_count) % SEND_QUEUE;
    memcpy(w->tx[i] + LWS_PRE, text, len);
    w->tx_len[i] = len;
    w->tx_count++;
    lws_callback_on_writable(w->wsi);
    return 0;
}

void pm_ws_reconnect(pm_ws *w, const char *why) {
    if (!w->wsi || w->closing) return;
    pm_warn("ws", "dropping the connection to redial", PM_KV_S("url", w->url), PM_KV_S("reason", why));
    lws_set_timeout(w->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}

int pm_ws_is_connected(const pm_ws *w) { return w->connected; }
void pm_ws_get_stats(const pm_ws *w, pm_ws_stats *out) { *out = w->stats; }
