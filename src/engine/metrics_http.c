/* metrics_http.c — GET /metrics and /health on a thread of their own (see metrics_http.h). */
#include "engine/metrics_http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define REQ_MAX 4096
#define BODY_MAX (64u << 10)
#define POLL_MS 100

struct pm_metrics_http {
    int fd, port;
    pm_metrics_pub *pub;
    const pm_live_metrics *live;
    pthread_t thread;
    atomic_int stop;
    char req[REQ_MAX];
    char body[BODY_MAX];
    char out[BODY_MAX + 256];
};

static void send_all(int fd, const char *p, size_t n) {
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0) {
            if (w < 0 && errno == EINTR) continue;
            return;
        }
        p += w;
        n -= (size_t)w;
    }
}

static const char *reason_of(int status) {
    switch (status) {
    case 200: return "OK";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 503: return "Service Unavailable";
    default: return "Internal Server Error";
    }
}

/* Reads the request head (up to the blank line, or what fits). 0 when one arrived. */
static int read_head(int fd, char *buf, size_t cap) {
    size_t len = 0;
    while (len + 1 < cap) {
        ssize_t r = recv(fd, buf + len, cap - 1 - len, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        len += (size_t)r;
        buf[len] = '\0';
        if (strstr(buf, "\r\n\r\n") || strstr(buf, "\n\n")) return 0;
    }
    buf[len] = '\0';
    return len ? 0 : -1;
}

static void serve(pm_metrics_http *h, int fd) {
    if (read_head(fd, h->req, sizeof h->req)) return;
    int status;
    const char *type = "application/json";
    char *sp = strchr(h->req, ' '), *path = sp ? sp + 1 : NULL, *end = path ? strpbrk(path, " ?\r\n") : NULL;
    if (end) *end = '\0';
    pm_metrics_snap s;
    if (!path || !end) {
        status = 404;
        snprintf(h->body, sizeof h->body, "{\"error\":\"bad request\"}");
    } else if (strncmp(h->req, "GET ", 4)) {
        status = 405;
        snprintf(h->body, sizeof h->body, "{\"error\":\"only GET\"}");
    } else if (!strcmp(path, "/metrics")) {
        pm_metrics_read(h->pub, &s);
        status = pm_metrics_render(&s, h->live, h->body, sizeof h->body) < 0 ? 500 : 200;
        type = "text/plain; version=0.0.4; charset=utf-8";
    } else if (!strcmp(path, "/health")) {
        pm_metrics_read(h->pub, &s);
        status = pm_metrics_health(&s, h->body, sizeof h->body);
    } else {
        status = 404;
        snprintf(h->body, sizeof h->body, "{\"error\":\"not found: GET /metrics or /health\"}");
    }
    size_t blen = strlen(h->body);
    int n = snprintf(h->out, sizeof h->out, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
                     status, reason_of(status), type, blen, h->body);
    if (n > 0) send_all(fd, h->out, (size_t)n < sizeof h->out ? (size_t)n : sizeof h->out - 1);
}

static void *http_main(void *arg) {
    pm_metrics_http *h = arg;
    struct pollfd p = {.fd = h->fd, .events = POLLIN};
    while (!atomic_load(&h->stop)) {
        if (poll(&p, 1, POLL_MS) <= 0 || !(p.revents & POLLIN)) continue;
        int c = accept(h->fd, NULL, NULL);
        if (c < 0) continue;
        struct timeval tv = {1, 0}; /* a client that sends nothing does not hold the thread */
        setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        serve(h, c);
        close(c);
    }
    return NULL;
}

static int parse_listen(const char *addr, struct sockaddr_in *sa, pm_err *err) {
    const char *colon = strrchr(addr, ':');
    char host[64];
    if (!colon || (size_t)(colon - addr) >= sizeof host)
        return pm_err_set(err, "[run] http_listen '%s': expected HOST:PORT", addr);
    memcpy(host, addr, (size_t)(colon - addr));
    host[colon - addr] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (!colon[1] || *end || port < 0 || port > 65535) return pm_err_set(err, "[run] http_listen '%s': bad port", addr);
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
        return pm_err_set(err, "[run] http_listen '%s': '%s' is not an IPv4 address", addr, host);
    return 0;
}

int pm_metrics_http_start(const char *addr, pm_metrics_pub *pub, const pm_live_metrics *live, pm_metrics_http **out,
                          pm_err *err) {
    *out = NULL;
    struct sockaddr_in sa;
    if (parse_listen(addr, &sa, err)) return -1;
    pm_metrics_http *h = calloc(1, sizeof *h);
    if (!h) return pm_err_set(err, "out of memory");
    h->pub = pub;
    h->live = live;
    h->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    socklen_t slen = sizeof sa;
    if (h->fd < 0 || setsockopt(h->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
        bind(h->fd, (struct sockaddr *)&sa, sizeof sa) || listen(h->fd, 16) ||
        getsockname(h->fd, (struct sockaddr *)&sa, &slen)) {
        pm_err_set(err, "cannot listen on [run] http_listen %s: %s", addr, strerror(errno));
        if (h->fd >= 0) close(h->fd);
        free(h);
        return -1;
    }
    h->port = ntohs(sa.sin_port);
    if (pthread_create(&h->thread, NULL, http_main, h)) {
        close(h->fd);
        free(h);
        return pm_err_set(err, "cannot start the HTTP thread");
    }
    *out = h;
    return 0;
}

int pm_metrics_http_port(const pm_metrics_http *h) { return h->port; }

void pm_metrics_http_stop(pm_metrics_http *h) {
    if (!h) return;
    atomic_store(&h->stop, 1);
    pthread_join(h->thread, NULL);
    close(h->fd);
    free(h);
}
