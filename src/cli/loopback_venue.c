/* loopback_venue.c — the instant HTTP venue of `pmarb bench-exec` (see loopback_venue.h). */
#include "cli/loopback_venue.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define CONNS_MAX 8
#define REQ_MAX 16384

typedef struct conn {
    int fd;
    size_t len;
    char buf[REQ_MAX];
} conn;

struct pm_loopback_venue {
    int lfd;
    pthread_t thread;
    atomic_int stop;
    conn c[CONNS_MAX];
};

static const char answer[] = "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";

/* Answers every complete request in c's buffer; -1 when the connection is to be closed. */
static int answer_requests(conn *c) {
    for (;;) {
        c->buf[c->len] = '\0';
        char *end = strstr(c->buf, "\r\n\r\n");
        if (!end) return c->len >= REQ_MAX - 1 ? -1 : 0;
        size_t head = (size_t)(end + 4 - c->buf), body = 0;
        for (char *l = strchr(c->buf, '\n'); l && l < end; l = strchr(l + 1, '\n'))
            if (!strncasecmp(l + 1, "Content-Length:", 15)) body = (size_t)strtoul(l + 16, NULL, 10);
        if (head + body > REQ_MAX - 1) return -1;
        if (c->len < head + body) return 0;
        if (send(c->fd, answer, sizeof answer - 1, MSG_NOSIGNAL) != (ssize_t)(sizeof answer - 1)) return -1;
        memmove(c->buf, c->buf + head + body, c->len - head - body);
        c->len -= head + body;
    }
}

static void *serve(void *arg) {
    pm_loopback_venue *v = arg;
    while (!atomic_load(&v->stop)) {
        struct pollfd p[CONNS_MAX + 1];
        int map[CONNS_MAX + 1], n = 0;
        p[n] = (struct pollfd){.fd = v->lfd, .events = POLLIN};
        map[n++] = -1;
        for (int i = 0; i < CONNS_MAX; i++)
            if (v->c[i].fd >= 0) p[n] = (struct pollfd){.fd = v->c[i].fd, .events = POLLIN}, map[n++] = i;
        if (poll(p, (nfds_t)n, 50) <= 0) continue;
        for (int k = 0; k < n; k++) {
            if (!p[k].revents) continue;
            if (map[k] < 0) {
                int fd = accept(v->lfd, NULL, NULL), one = 1;
                if (fd < 0) continue;
                setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                int slot = -1;
                for (int i = 0; i < CONNS_MAX && slot < 0; i++)
                    if (v->c[i].fd < 0) slot = i;
                if (slot < 0) close(fd);
                else v->c[slot].fd = fd, v->c[slot].len = 0;
                continue;
            }
            conn *c = &v->c[map[k]];
            ssize_t got = recv(c->fd, c->buf + c->len, REQ_MAX - 1 - c->len, 0);
            if (got <= 0 || (c->len += (size_t)got, answer_requests(c))) {
                close(c->fd);
                c->fd = -1;
            }
        }
    }
    return NULL;
}

int pm_loopback_venue_start(pm_loopback_venue **out, char *origin, size_t cap, pm_err *err) {
    *out = NULL;
    pm_loopback_venue *v = calloc(1, sizeof *v);
    if (!v) return pm_err_set(err, "out of memory");
    for (int i = 0; i < CONNS_MAX; i++) v->c[i].fd = -1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    v->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (v->lfd < 0 || bind(v->lfd, (struct sockaddr *)&a, sizeof a) || listen(v->lfd, CONNS_MAX) ||
        getsockname(v->lfd, (struct sockaddr *)&a, &al) || pthread_create(&v->thread, NULL, serve, v)) {
        if (v->lfd >= 0) close(v->lfd);
        free(v);
        return pm_err_set(err, "cannot start the loopback venue");
    }
    snprintf(origin, cap, "http://127.0.0.1:%d", ntohs(a.sin_port));
    *out = v;
    return 0;
}

void pm_loopback_venue_stop(pm_loopback_venue *v) {
    if (!v) return;
    atomic_store(&v->stop, 1);
    pthread_join(v->thread, NULL);
    for (int i = 0; i < CONNS_MAX; i++)
        if (v->c[i].fd >= 0) close(v->c[i].fd);
    close(v->lfd);
    free(v);
}
