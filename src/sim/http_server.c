/* http_server.c — HTTP request handling for the simulator on libwebsockets (see
 * http_server.h). Each vhost (one per simulated venue) carries its sim_http_server as vhost
 * user data; requests are collected per connection, handled, and answered in chunks. */
#define _GNU_SOURCE /* vasprintf */
#include "sim/http_server.h"

#include <ctype.h>
#include <libwebsockets.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sim_http_server {
    struct lws_vhost *vhost;
    sim_handler handler;
    const sim_ws_ops *ws;
    void *user;
};

typedef struct session {
    char method[8];
    char path[1024];
    char query[4096];
    char *body;
    size_t body_len, body_cap;
    unsigned char *out; /* LWS_PRE + response body */
    size_t out_len, out_pos;
    int status;
    void *ws;           /* the venue's state of a WebSocket connection */
    char *frame;        /* a WebSocket message being reassembled */
    int awaiting_body;  /* the request announced a body: answer once it is complete */
    size_t frame_len, frame_cap;
} session;

#define CHUNK 16384

static void session_reset(session *s) {
    free(s->body);
    free(s->out);
    free(s->frame);
    memset(s, 0, sizeof *s);
}

void sim_ws_wake(struct lws *wsi) { lws_callback_on_writable(wsi); }

static sim_http_server *server_of(struct lws *wsi) { return lws_vhost_user(lws_get_vhost(wsi)); }

int sim_request_header(const sim_request *req, const char *name, char *out, size_t cap) {
    char key[128];
    size_t n = strlen(name);
    if (n + 2 > sizeof key) return -1;
    for (size_t i = 0; i < n; i++) key[i] = (char)tolower((unsigned char)name[i]);
    key[n] = ':';
    key[n + 1] = '\0';
    int len = lws_hdr_custom_length(req->wsi, key, (int)n + 1);
    if (len < 0 || (size_t)len + 1 > cap) return -1;
    return lws_hdr_custom_copy(req->wsi, out, (int)cap, key, (int)n + 1);
}

int sim_query_arg(const sim_request *req, const char *name, char *out, size_t cap) {
    size_t n = strlen(name);
    for (const char *p = req->query; *p;) {
        const char *amp = strchr(p, '&'), *end = amp ? amp : p + strlen(p);
        if ((size_t)(end - p) > n && !strncmp(p, name, n) && p[n] == '=') {
            size_t vl = (size_t)(end - p) - n - 1;
            if (vl + 1 > cap) return -1;
            memcpy(out, p + n + 1, vl);
            out[vl] = '\0';
            return (int)vl;
        }
        p = amp ? amp + 1 : end;
    }
    return -1;
}

void sim_respondf(sim_response *res, int status, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *text = NULL;
    if (vasprintf(&text, fmt, ap) < 0) text = NULL;
    va_end(ap);
    free(res->body);
    res->status = status;
    res->body = text;
}

void sim_respond_error(sim_response *res, int status, const char *code, const char *message) {
    sim_respondf(res, status, "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}", code, message);
}

static const char *method_of(struct lws *wsi) {
    if (lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI)) return "GET";
    if (lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI)) return "POST";
    if (lws_hdr_total_length(wsi, WSI_TOKEN_DELETE_URI)) return "DELETE";
    if (lws_hdr_total_length(wsi, WSI_TOKEN_PUT_URI)) return "PUT";
    return "OTHER";
}

/* Writes the status line and headers; the body follows when writable. */
static int send_headers(struct lws *wsi, session *s) {
    unsigned char hdr[LWS_PRE + 1024], *start = hdr + LWS_PRE, *p = start, *end = hdr + sizeof hdr - 1;
    if (lws_add_http_common_headers(wsi, (unsigned)s->status, "application/json", s->out_len, &p, end) ||
        lws_finalize_write_http_header(wsi, start, &p, end))
        return -1;
    lws_callback_on_writable(wsi);
    return 0;
}

/* Runs the handler; answers now, or after the delay it asked for. */
static int dispatch(struct lws *wsi, session *s) {
    sim_http_server *srv = lws_vhost_user(lws_get_vhost(wsi));
    sim_request req = {s->method, s->path, s->query, s->body ? s->body : "", s->body_len, wsi};
    sim_response res = {0, NULL, 0};
    srv->handler(srv->user, &req, &res);
    if (!res.body) sim_respond_error(&res, 500, "internal", "simulator produced no response");
    size_t len = strlen(res.body);
    s->out = malloc(LWS_PRE + len + 1);
    if (!s->out) {
        free(res.body);
        return -1;
    }
    memcpy(s->out + LWS_PRE, res.body, len);
    free(res.body);
    s->out_len = len;
    s->out_pos = 0;
    s->status = res.status;
    if (res.delay_ms > 0) {
        lws_set_timer_usecs(wsi, (lws_usec_t)res.delay_ms * 1000);
        return 0;
    }
    return send_headers(wsi, s);
}

const size_t SIM_HTTP_SESSION_SIZE = sizeof(session);

int sim_http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len) {
    session *s = user;
    switch (reason) {
    case LWS_CALLBACK_HTTP: {
        session_reset(s);
        snprintf(s->method, sizeof s->method, "%s", method_of(wsi));
        snprintf(s->path, sizeof s->path, "%s", (const char *)in);
        size_t q = 0;
        for (int i = 0; q + 2 < sizeof s->query; i++) {
            char frag[1024];
            int n = lws_hdr_copy_fragment(wsi, frag, sizeof frag, WSI_TOKEN_HTTP_URI_ARGS, i);
            if (n < 0) break;
            q += (size_t)snprintf(s->query + q, sizeof s->query - q, "%s%s", q ? "&" : "", frag);
        }
        char cl[32] = "";
        int has_body = lws_hdr_copy(wsi, cl, sizeof cl, WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0 && atol(cl) > 0;
        s->awaiting_body = has_body;
        if (has_body) return 0; /* wait for LWS_CALLBACK_HTTP_BODY_COMPLETION */
        return dispatch(wsi, s);
    }
    case LWS_CALLBACK_HTTP_BODY:
        if (!s->awaiting_body || !len) return 0;
        if (s->body_len + len + 1 > s->body_cap) {
            size_t cap = (s->body_len + len + 1) * 2;
            if (cap > (8u << 20)) return -1; /* no simulated endpoint takes more than a few KB */
            char *grown = realloc(s->body, cap);
            if (!grown) return -1;
            s->body = grown;
            s->body_cap = cap;
        }
        memcpy(s->body + s->body_len, in, len);
        s->body_len += len;
        s->body[s->body_len] = '\0';
        return 0;
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        if (!s->awaiting_body) return 0; /* "Content-Length: 0": answered already */
        s->awaiting_body = 0;
        return dispatch(wsi, s);
    case LWS_CALLBACK_TIMER: /* a delayed response is due */
        return s->out ? send_headers(wsi, s) : 0;
    case LWS_CALLBACK_HTTP_WRITEABLE: {
        if (!s->out) return 0;
        size_t n = s->out_len - s->out_pos < CHUNK ? s->out_len - s->out_pos : CHUNK;
        int final = s->out_pos + n == s->out_len;
        /* lws needs LWS_PRE writable bytes before what it sends: shift the chunk into place */
        unsigned char *chunk = s->out + LWS_PRE + s->out_pos;
        unsigned char tmp[LWS_PRE + CHUNK];
        memcpy(tmp + LWS_PRE, chunk, n);
        if (lws_write(wsi, tmp + LWS_PRE, n, final ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) != (int)n) return -1;
        s->out_pos += n;
        if (!final) {
            lws_callback_on_writable(wsi);
            return 0;
        }
        free(s->out);
        s->out = NULL;
        free(s->body);
        s->body = NULL;
        s->body_len = s->body_cap = 0;
        return lws_http_transaction_completed(wsi) ? -1 : 0;
    }
    case LWS_CALLBACK_CLOSED_HTTP:
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
        if (s && !s->ws) session_reset(s);
        return 0;
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
    case LWS_CALLBACK_ESTABLISHED: {
        sim_http_server *srv = server_of(wsi);
        char path[1024] = "";
        lws_hdr_copy(wsi, path, sizeof path, WSI_TOKEN_GET_URI);
        sim_request req = {"GET", path, "", "", 0, wsi};
        if (!srv->ws) return -1;
        if (reason == LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION) return srv->ws->accept(srv->user, &req) ? -1 : 0;
        memset(s, 0, sizeof *s);
        s->ws = srv->ws->open(srv->user, &req);
        return s->ws ? 0 : -1;
    }
    case LWS_CALLBACK_RECEIVE: {
        if (s->frame_len + len + 1 > s->frame_cap) {
            size_t cap = (s->frame_len + len + 1) * 2;
            if (cap > (1u << 20)) return -1; /* no client command is that large */
            char *grown = realloc(s->frame, cap);
            if (!grown) return -1;
            s->frame = grown;
            s->frame_cap = cap;
        }
        memcpy(s->frame + s->frame_len, in, len);
        s->frame_len += len;
        s->frame[s->frame_len] = '\0';
        if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi)) return 0;
        server_of(wsi)->ws->frame(server_of(wsi)->user, s->ws, s->frame, s->frame_len);
        s->frame_len = 0;
        lws_callback_on_writable(wsi);
        return 0;
    }
    case LWS_CALLBACK_SERVER_WRITEABLE: {
        sim_http_server *srv = server_of(wsi);
        size_t n;
        const char *text = srv->ws->next(srv->user, s->ws, &n);
        if (!text) return 0;
        if (n == (size_t)-1) return -1; /* the venue drops this connection */
        unsigned char *buf = malloc(LWS_PRE + n);
        if (!buf) return -1;
        memcpy(buf + LWS_PRE, text, n);
        int w = lws_write(wsi, buf + LWS_PRE, n, LWS_WRITE_TEXT);
        free(buf);
        if (w < (int)n) return -1;
        lws_callback_on_writable(wsi); /* more may be queued */
        return 0;
    }
    case LWS_CALLBACK_CLOSED:
        if (s && s->ws) server_of(wsi)->ws->close(server_of(wsi)->user, s->ws);
        if (s) session_reset(s);
        return 0;
    default:
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    }
}

int sim_http_start(struct lws_context *ctx, const struct lws_protocols *protocols, const char *iface, int *port,
                   sim_handler handler, const sim_ws_ops *ws, void *user, sim_http_server **out, pm_err *err) {
    sim_http_server *s = calloc(1, sizeof *s);
    if (!s) return pm_err_set(err, "out of memory");
    s->handler = handler;
    s->ws = ws;
    s->user = user;
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = *port;
    info.iface = iface;
    info.protocols = protocols;
    info.user = s;
    info.vhost_name = "pmarb-sim";
    s->vhost = lws_create_vhost(ctx, &info);
    if (!s->vhost) {
        free(s);
        return pm_err_set(err, "cannot listen on %s:%d", iface, *port);
    }
    *port = lws_get_vhost_listen_port(s->vhost);
    *out = s;
    return 0;
}

void sim_http_free(sim_http_server *s) { free(s); }
