/* loopback_venue.c — the instant HTTP venue of `pmarb bench-exec` (see loopback_venue.h). */
#include "cli/loopback_venue.h"

#include "util/clock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
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
    struct sockaddr_in addr;
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
    v->addr = a;
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

/* The software transmit timestamp of the newest byte sent on fd, CLOCK_REALTIME ns; 0 when
 * the error queue holds none (yet). */
static int64_t tx_stamp(int fd) {
    int64_t ts = 0;
    for (;;) {
        char ctl[256];
        struct msghdr m = {.msg_control = ctl, .msg_controllen = sizeof ctl};
        if (recvmsg(fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) return ts;
        for (struct cmsghdr *cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm))
            if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPING) {
                struct scm_timestamping st;
                memcpy(&st, CMSG_DATA(cm), sizeof st);
                ts = (int64_t)st.ts[0].tv_sec * 1000000000LL + st.ts[0].tv_nsec;
            }
    }
}

int pm_loopback_venue_write_floor(pm_loopback_venue *v, int n, long gap_us, size_t size, int64_t *sent, int64_t *to_device,
                                  pm_err *err) {
    char req[REQ_MAX], ans[256];
    static const char fmt[] = "POST /floor HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %05zu\r\n\r\n";
    size_t head = (size_t)snprintf(req, sizeof req, fmt, (size_t)0); /* the same length for any body below 10^5 */
    if (size < head || size > sizeof req - 1) return pm_err_set(err, "a floor request of %zu bytes", size);
    snprintf(req, sizeof req, fmt, size - head);
    memset(req + head, 'x', size - head);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
    if (fd < 0 || connect(fd, (struct sockaddr *)&v->addr, sizeof v->addr) ||
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one)) {
        if (fd >= 0) close(fd);
        return pm_err_set(err, "cannot connect to the loopback venue: %s", strerror(errno));
    }
    unsigned stamps = SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE | SOF_TIMESTAMPING_OPT_TSONLY;
    int stamped = !setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &stamps, sizeof stamps);
    int rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        if (gap_us) usleep((useconds_t)gap_us);
        int64_t wall0 = pm_wall_ns(), t0 = pm_mono_ns(); /* the timestamp is on the wall clock */
        ssize_t put = send(fd, req, size, MSG_NOSIGNAL); /* as the order connection writes */
        sent[i] = pm_mono_ns() - t0;
        if (put != (ssize_t)size) rc = pm_err_set(err, "writing to the loopback venue: %s", put < 0 ? strerror(errno) : "short write");
        for (size_t got = 0; !rc && got < sizeof answer - 1;) {
            ssize_t r = recv(fd, ans, sizeof ans, 0);
            if (r <= 0) rc = pm_err_set(err, "the loopback venue closed the connection");
            else got += (size_t)r;
        }
        int64_t ts = stamped ? tx_stamp(fd) : 0; /* the answer came after the last byte went out */
        to_device[i] = ts && ts >= wall0 ? ts - wall0 : -1; /* none, or the wall clock was stepped */
    }
    close(fd);
    return rc;
}
