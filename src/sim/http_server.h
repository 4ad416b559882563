/* http_server.h — the simulator's HTTP side on libwebsockets: listens on an address and port
 * (0 = any free port), hands every complete request (method, path, query, headers, body) to a
 * handler, and writes the handler's response. One thread runs the loop; handlers are called
 * on it. */
#ifndef PM_SIM_HTTP_SERVER_H
#define PM_SIM_HTTP_SERVER_H

#include <stddef.h>

#include "util/err.h"

#include <libwebsockets.h>

typedef struct sim_request {
    const char *method;   /* GET, POST, DELETE, PUT */
    const char *path;     /* without the query */
    const char *query;    /* "a=1&b=2" (raw), "" when none */
    const char *body;     /* NUL-terminated, "" when none */
    size_t body_len;
    struct lws *wsi;      /* for sim_request_header */
} sim_request;

typedef struct sim_response {
    int status;
    char *body;           /* malloc'd JSON text, owned by the server after the handler returns */
    int delay_ms;         /* > 0: the response leaves this much later (a slow venue) */
} sim_response;

/* Copies request header `name` (case-insensitive, without ':') into out. Returns its length,
 * or -1 when absent or too long. */
int sim_request_header(const sim_request *req, const char *name, char *out, size_t cap);

/* Value of query argument `name` in req->query (percent-decoding not needed for pmarb's ids),
 * copied into out; -1 when absent. */
int sim_query_arg(const sim_request *req, const char *name, char *out, size_t cap);

typedef void (*sim_handler)(void *user, const sim_request *req, sim_response *res);

/* WebSocket side of a venue: accept checks the handshake before the upgrade (a refusal is an
 * HTTP error, as a venue answers a bad signature); open returns the connection's state; frames are delivered whole; writable asks for the next frame to
 * send (NUL-terminated, or NULL when none is queued); close releases the state. */
typedef struct sim_ws_ops {
    int (*accept)(void *user, const sim_request *handshake); /* 0 lets the upgrade happen */
    void *(*open)(void *user, const sim_request *handshake);
    void (*frame)(void *user, void *conn, const char *text, size_t len);
    const char *(*next)(void *user, void *conn, size_t *len);
    void (*close)(void *user, void *conn);
} sim_ws_ops;

/* Asks lws to call `next` for conn's connection when it can write. */
void sim_ws_wake(struct lws *wsi);

typedef struct sim_http_server sim_http_server;

/* Creates a vhost listening on iface:*port (0 = any free port; *port gets the one bound),
 * serving with protocols (whose first entry routes to sim_http_callback). */
int sim_http_start(struct lws_context *ctx, const struct lws_protocols *protocols, const char *iface, int *port,
                   sim_handler handler, const sim_ws_ops *ws, void *user, sim_http_server **out, pm_err *err);

/* The lws callback for HTTP requests; its per-session data size is SIM_HTTP_SESSION_SIZE. */
int sim_http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len);
extern const size_t SIM_HTTP_SESSION_SIZE;

/* Writes a JSON error body {"error":{"code":…,"message":…}} with status. */
void sim_respond_error(sim_response *res, int status, const char *code, const char *message);

/* Writes a response from printf-style text. */
void sim_respondf(sim_response *res, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

void sim_http_free(sim_http_server *s);

#endif
