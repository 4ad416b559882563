/* ws_client.h — a WebSocket client on libwebsockets for the venues' feeds: extra handshake
 * headers produced at every (re)connect (Kalshi signs each one), whole text messages
 * delivered from a buffer allocated once, a bounded outgoing queue, automatic pong, and
 * reconnection with exponential backoff and jitter. Serviced by one thread (the feed thread). */
#ifndef PM_NET_WS_CLIENT_H
#define PM_NET_WS_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define PM_WS_MAX_FRAME (4u << 20) /* larger messages are dropped and reported as oversized */
#define PM_WS_MAX_HEADERS 8

typedef struct pm_ws_header {
    char name[48];   /* with the trailing ':' */
    char value[1536];
} pm_ws_header;

typedef struct pm_ws_callbacks {
    /* Fills up to PM_WS_MAX_HEADERS handshake headers; returns how many, or -1 to give up
     * this attempt. */
    int (*headers)(void *user, pm_ws_header *h);
    void (*connected)(void *user);
    /* A whole text message; text NULL means one was too large and was dropped. */
    void (*message)(void *user, const char *text, size_t len);
    void (*disconnected)(void *user, const char *why);
} pm_ws_callbacks;

typedef struct pm_ws pm_ws;

typedef struct pm_ws_stats {
    uint64_t connects, disconnects, messages, oversized, sent, send_dropped;
} pm_ws_stats;

/* url: ws://host:port/path or wss://…; nothing connects until pm_ws_service runs. */
int pm_ws_new(const char *url, const pm_ws_callbacks *cb, void *user, pm_ws **out, pm_err *err);
void pm_ws_free(pm_ws *w);

/* Like pm_ws_new, but the connection lives in base's event loop: servicing either services
 * every connection of the loop, so a feed with several sockets waits on one poll. Free the
 * members before the base. */
int pm_ws_new_shared(pm_ws *base, const char *url, const pm_ws_callbacks *cb, void *user, pm_ws **out, pm_err *err);

/* Runs the event loop (shared by base and its members) for up to timeout_ms, connecting or
 * reconnecting whichever of its connections are due. */
void pm_ws_service(pm_ws *w, int timeout_ms);

/* Queues a text message; -1 when not connected or the queue is full (counted). */
int pm_ws_send(pm_ws *w, const char *text, size_t len);

/* Drops the current connection (if any) so that it is redialled with the usual backoff: for
 * application-level liveness checks (a feed that went silent, an unanswered keep-alive). */
void pm_ws_reconnect(pm_ws *w, const char *why);

int pm_ws_is_connected(const pm_ws *w);
void pm_ws_get_stats(const pm_ws *w, pm_ws_stats *out);

#endif
