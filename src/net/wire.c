/* wire.c — the order path's own HTTP/1.1 connection (see wire.h).
 *
 * Writes never raise SIGPIPE: a thread that uses a pm_wire has SIGPIPE blocked (once, on its
 * first request), so a peer that reset the connection is an EPIPE error like any other. */
#include "net/wire.h"

#include "net/http1.h"
#include "util/clock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define CONNECT_MAX_MS 5000

struct pm_wire {
    int tls;
    char host[256];            /* as in the URL, without brackets */
    char port[8];
    char origin[300];          /* scheme://host[:port], what pm_wire_owns compares */
    char host_header[300];
    int64_t timeout_ms;
    int fd;
    SSL_CTX *ctx;
    SSL *ssl;
    uint64_t connects;
    pm_h1 parser;
    char req[PM_WIRE_REQUEST_MAX];
    char rbuf[16384];
};

static __thread int sigpipe_blocked;

static void block_sigpipe(void) {
    if (sigpipe_blocked) return;
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &s, NULL);
    sigpipe_blocked = 1;
}

static void tls_error(char *out, size_t cap) {
    unsigned long e = ERR_get_error();
    if (e) ERR_error_string_n(e, out, cap);
    else snprintf(out, cap, "%s", errno ? strerror(errno) : "connection closed");
    ERR_clear_error();
}

int pm_wire_new(const char *origin, int64_t timeout_ms, pm_wire **out, pm_err *err) {
    *out = NULL;
    int tls;
    const char *p;
    if (!strncmp(origin, "https://", 8)) tls = 1, p = origin + 8;
    else if (!strncmp(origin, "http://", 7)) tls = 0, p = origin + 7;
    else return pm_err_set(err, "not an http(s) URL: %s", origin);
    pm_wire *w = calloc(1, sizeof *w);
    if (!w) return pm_err_set(err, "out of memory");
    w->fd = -1;
    w->tls = tls;
    w->timeout_ms = timeout_ms > 0 ? timeout_ms : 10000;
    const char *hend;
    if (*p == '[') { /* an IPv6 literal */
        hend = strchr(p, ']');
        if (!hend || (size_t)(hend - p - 1) >= sizeof w->host) goto bad;
        memcpy(w->host, p + 1, (size_t)(hend - p - 1));
        hend++;
    } else {
        hend = p + strcspn(p, ":/?#");
        if (hend == p || (size_t)(hend - p) >= sizeof w->host) goto bad;
        memcpy(w->host, p, (size_t)(hend - p));
    }
    const char *after = hend;
    if (*after == ':') {
        size_t pl = strspn(after + 1, "0123456789");
        if (pl == 0 || pl >= sizeof w->port || (after[1 + pl] && !strchr("/?#", after[1 + pl]))) goto bad;
        memcpy(w->port, after + 1, pl);
        after += 1 + pl;
    } else if (*after && !strchr("/?#", *after)) {
        goto bad;
    } else {
        snprintf(w->port, sizeof w->port, "%s", tls ? "443" : "80");
    }
    size_t olen = (size_t)(after - origin);
    if (olen >= sizeof w->origin) goto bad;
    memcpy(w->origin, origin, olen);
    int default_port = !strcmp(w->port, tls ? "443" : "80");
    snprintf(w->host_header, sizeof w->host_header, "%s%s%s%s%s", strchr(w->host, ':') ? "[" : "", w->host,
             strchr(w->host, ':') ? "]" : "", default_port ? "" : ":", default_port ? "" : w->port);
    if (tls) {
        w->ctx = SSL_CTX_new(TLS_client_method());
        if (!w->ctx || !SSL_CTX_set_min_proto_version(w->ctx, TLS1_2_VERSION) ||
            !SSL_CTX_set_default_verify_paths(w->ctx) ||
            SSL_CTX_set_alpn_protos(w->ctx, (const unsigned char *)"\x08http/1.1", 9)) {
            char why[160];
            tls_error(why, sizeof why);
            pm_wire_free(w);
            return pm_err_set(err, "cannot set up TLS: %s", why);
        }
        SSL_CTX_set_verify(w->ctx, SSL_VERIFY_PEER, NULL);
    }
    *out = w;
    return 0;
bad:
    free(w);
    return pm_err_set(err, "cannot read the host and port of %s", origin);
}

static void conn_close(pm_wire *w) {
    if (w->ssl) {
        SSL_free(w->ssl);
        w->ssl = NULL;
    }
    if (w->fd >= 0) close(w->fd);
    w->fd = -1;
}

void pm_wire_free(pm_wire *w) {
    if (!w) return;
    conn_close(w);
    SSL_CTX_free(w->ctx);
    free(w);
}

uint64_t pm_wire_connects(const pm_wire *w) { return w->connects; }

int pm_wire_owns(const pm_wire *w, const char *url, const char **target) {
    size_t n = strlen(w->origin);
    if (strncasecmp(url, w->origin, n) || (url[n] && url[n] != '/' && url[n] != '?')) return 0;
    *target = url[n] ? url + n : "/";
    return 1;
}

/* Waits for events on the socket until deadline: 1 ready, 0 timed out, -1 error. */
static int wait_for(pm_wire *w, short events, int64_t deadline) {
    for (;;) {
        int64_t left = deadline - pm_mono_ns();
        if (left <= 0) return 0;
        struct pollfd p = {.fd = w->fd, .events = events};
        int ms = (int)((left + 999999) / 1000000);
        int rc = poll(&p, 1, ms);
        if (rc > 0) return 1;
        if (rc < 0 && errno != EINTR) return -1;
    }
}

static int tcp_connect(pm_wire *w, int64_t deadline, pm_err *err) {
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *ai = NULL;
    int g = getaddrinfo(w->host, w->port, &hints, &ai);
    if (g) return pm_err_set(err, "cannot resolve %s: %s", w->host, gai_strerror(g));
    int last = 0;
    for (struct addrinfo *a = ai; a; a = a->ai_next) {
        int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            last = errno;
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
        if (connect(fd, a->ai_addr, a->ai_addrlen) && errno != EINPROGRESS) {
            last = errno;
            close(fd);
            continue;
        }
        w->fd = fd;
        int soerr = 0;
        socklen_t sl = sizeof soerr;
        int ready = wait_for(w, POLLOUT, deadline);
        if (ready == 1 && !getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) && !soerr) {
            freeaddrinfo(ai);
            return 0;
        }
        last = ready == 0 ? ETIMEDOUT : soerr ? soerr : errno;
        close(fd);
        w->fd = -1;
    }
    freeaddrinfo(ai);
    return pm_err_set(err, "cannot connect to %s:%s: %s", w->host, w->port, strerror(last ? last : ECONNREFUSED));
}

/* Waits for what an SSL call returning rc wants: 1 go on, 0 timed out, -1 failed. */
static int tls_wait(pm_wire *w, int rc, int64_t deadline) {
    int e = SSL_get_error(w->ssl, rc);
    if (e == SSL_ERROR_WANT_READ) return wait_for(w, POLLIN, deadline);
    if (e == SSL_ERROR_WANT_WRITE) return wait_for(w, POLLOUT, deadline);
    return -1;
}

static int tls_connect(pm_wire *w, int64_t deadline, pm_err *err) {
    ERR_clear_error();
    w->ssl = SSL_new(w->ctx);
    if (!w->ssl || !SSL_set_fd(w->ssl, w->fd)) return pm_err_set(err, "cannot set up TLS for %s", w->host);
    unsigned char ip[16];
    int is_ip = inet_pton(AF_INET, w->host, ip) == 1 || inet_pton(AF_INET6, w->host, ip) == 1;
    if (is_ip ? !X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(w->ssl), w->host)
              : !SSL_set_tlsext_host_name(w->ssl, w->host) || !SSL_set1_host(w->ssl, w->host))
        return pm_err_set(err, "cannot set up TLS for %s", w->host);
    for (;;) {
        int rc = SSL_connect(w->ssl);
        if (rc == 1) return 0;
        int ready = tls_wait(w, rc, deadline);
        if (ready == 1) continue;
        long v = SSL_get_verify_result(w->ssl);
        if (v != X509_V_OK)
            return pm_err_set(err, "TLS with %s: certificate not trusted: %s", w->host,
                              X509_verify_cert_error_string(v));
        char why[160];
        if (ready == 0) snprintf(why, sizeof why, "timed out");
        else tls_error(why, sizeof why);
        return pm_err_set(err, "TLS handshake with %s failed: %s", w->host, why);
    }
}

/* Whether an open connection is still usable: the peer has not closed it and sent nothing
 * unasked (TLS 1.3 session tickets, read here, are not "anything"). */
static int still_open(pm_wire *w) {
    struct pollfd p = {.fd = w->fd, .events = POLLIN};
    if (poll(&p, 1, 0) == 0) return 1;
    if (p.revents & (POLLERR | POLLHUP | POLLNVAL)) return 0;
    if (!w->tls) {
        char c;
        ssize_t n = recv(w->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
    char c;
    ERR_clear_error();
    int n = SSL_read(w->ssl, &c, 1);
    if (n > 0) return 0; /* data nobody asked for: the connection is out of step */
    int e = SSL_get_error(w->ssl, n);
    ERR_clear_error();
    return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE;
}

int pm_wire_ready(pm_wire *w, pm_err *err) {
    block_sigpipe(); /* the handshake and the check write too */
    if (w->fd >= 0 && still_open(w)) return 0;
    conn_close(w);
    int64_t deadline = pm_mono_ns() + (w->timeout_ms < CONNECT_MAX_MS ? w->timeout_ms : CONNECT_MAX_MS) * 1000000LL;
    if (tcp_connect(w, deadline, err) || (w->tls && tls_connect(w, deadline, err))) {
        conn_close(w);
        return -1;
    }
    w->connects++;
    return 0;
}

/* Writes all of buf: 0, or -1 with err. */
static int write_all(pm_wire *w, const char *buf, size_t n, int64_t deadline, pm_err *err) {
    size_t off = 0;
    while (off < n) {
        if (w->tls) {
            ERR_clear_error();
            int rc = SSL_write(w->ssl, buf + off, (int)(n - off)); /* whole, or retried with the same arguments */
            if (rc > 0) {
                off += (size_t)rc;
                continue;
            }
            int ready = tls_wait(w, rc, deadline);
            if (ready == 1) continue;
            char why[160];
            if (ready == 0) snprintf(why, sizeof why, "timed out");
            else tls_error(why, sizeof why);
            return pm_err_set(err, "writing to %s: %s", w->host, why);
        }
        ssize_t rc = send(w->fd, buf + off, n - off, MSG_NOSIGNAL);
        if (rc > 0) {
            off += (size_t)rc;
            continue;
        }
        if (rc < 0 && errno == EINTR) continue;
        if (rc < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            int ready = wait_for(w, POLLOUT, deadline);
            if (ready == 1) continue;
            return pm_err_set(err, "writing to %s: %s", w->host, ready == 0 ? "timed out" : strerror(errno));
        }
        return pm_err_set(err, "writing to %s: %s", w->host, strerror(errno));
    }
    return 0;
}

/* Reads what is there: > 0 bytes, 0 the peer closed, -1 with err (timed out or failed). */
static ssize_t read_some(pm_wire *w, int64_t deadline, pm_err *err) {
    for (;;) {
        if (w->tls) {
            ERR_clear_error();
            int rc = SSL_read(w->ssl, w->rbuf, (int)sizeof w->rbuf);
            if (rc > 0) return rc;
            int e = SSL_get_error(w->ssl, rc);
            if (e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0 && rc == 0)) return 0;
            int ready = tls_wait(w, rc, deadline);
            if (ready == 1) continue;
            char why[160];
            if (ready == 0) snprintf(why, sizeof why, "no answer in %lld ms", (long long)w->timeout_ms);
            else tls_error(why, sizeof why);
            pm_err_set(err, "reading from %s: %s", w->host, why);
            return -1;
        }
        ssize_t rc = recv(w->fd, w->rbuf, sizeof w->rbuf, 0);
        if (rc >= 0) return rc;
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            int ready = wait_for(w, POLLIN, deadline);
            if (ready == 1) continue;
            if (ready == 0) pm_err_set(err, "reading from %s: no answer in %lld ms", w->host, (long long)w->timeout_ms);
            else pm_err_set(err, "reading from %s: %s", w->host, strerror(errno));
            return -1;
        }
        pm_err_set(err, "reading from %s: %s", w->host, strerror(errno)); /* a reset included: the answer may be cut */
        return -1;
    }
}

/* Formats the request into w->req: its length, or -1 when it does not fit. */
static int format_request(pm_wire *w, const char *method, const char *target, const char *const *headers,
                          const char *body) {
    size_t cap = sizeof w->req, n = 0;
    int has_type = 0;
    int k = snprintf(w->req, cap,
                     "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: pmarb/" PMARB_VERSION "\r\nAccept: application/json\r\n",
                     method, target, w->host_header);
    if (k < 0 || (size_t)k >= cap) return -1;
    n = (size_t)k;
    for (const char *const *h = headers; h && *h; h++) {
        size_t hl = strlen(*h);
        if (!strncasecmp(*h, "Content-Type:", 13)) has_type = 1;
        if (n + hl + 2 >= cap) return -1;
        memcpy(w->req + n, *h, hl);
        memcpy(w->req + n + hl, "\r\n", 2);
        n += hl + 2;
    }
    size_t blen = body ? strlen(body) : 0;
    int needs_len = body || strcmp(method, "GET"); /* a bodiless POST/DELETE says so, or the peer waits */
    if (needs_len) {
        const char *type = body && !has_type ? "Content-Type: application/json\r\n" : "";
        k = snprintf(w->req + n, cap - n, "%sContent-Length: %zu\r\n", type, blen);
        if (k < 0 || (size_t)k >= cap - n) return -1;
        n += (size_t)k;
    }
    if (n + 2 + blen > cap) return -1;
    memcpy(w->req + n, "\r\n", 2);
    n += 2;
    if (blen) memcpy(w->req + n, body, blen);
    return (int)(n + blen);
}

/* No answer: res->status 0 when the request went out (or may have), -1 when nothing of it was
 * written; the connection is closed in the first case. */
static int fail_answer(pm_wire *w, int written, pm_http_response *res, int64_t t0) {
    if (written) conn_close(w);
    res->status = written ? 0 : -1;
    res->elapsed_ns = pm_mono_ns() - t0;
    if (!res->body) pm_http_response_append(res, "", 0);
    return -1;
}

int pm_wire_do(pm_wire *w, const char *method, const char *target, const char *const *headers, const char *body,
               pm_http_response *res, pm_err *err) {
    int64_t t0 = pm_mono_ns();
    res->status = 0;
    res->len = 0;
    res->pretransfer_ns = 0;
    if (res->body) res->body[0] = '\0';
    int n = format_request(w, method, target, headers, body);
    if (n < 0) {
        pm_err_set(err, "%s %s: not sent: the request is larger than %d bytes", method, target, PM_WIRE_REQUEST_MAX);
        return fail_answer(w, 0, res, t0);
    }
    if (pm_wire_ready(w, err)) {
        pm_err_wrap(err, "%s %s: not sent", method, target);
        return fail_answer(w, 0, res, t0);
    }
    /* the answer's time runs from here: a reconnection just now does not eat it */
    int64_t deadline = pm_mono_ns() + w->timeout_ms * 1000000LL;
    if (write_all(w, w->req, (size_t)n, deadline, err)) return fail_answer(w, 1, res, t0);
    res->pretransfer_ns = pm_mono_ns() - t0;
    pm_h1_begin(&w->parser, method);
    for (;;) {
        ssize_t got = read_some(w, deadline, err);
        pm_h1_state st;
        size_t used = 0;
        if (got < 0) return fail_answer(w, 1, res, t0);
        st = got == 0 ? pm_h1_eof(&w->parser) : pm_h1_feed(&w->parser, w->rbuf, (size_t)got, &used, res);
        if (st == PM_H1_ERROR) {
            pm_err_set(err, "%s %s: %s", method, target, w->parser.why);
            return fail_answer(w, 1, res, t0);
        }
        if (st == PM_H1_DONE) {
            /* bytes after the answer, or a peer that will close: the connection is not reused */
            if (got == 0 || !w->parser.keep_alive || used < (size_t)got) conn_close(w);
            break;
        }
    }
    if (!res->body && pm_http_response_append(res, "", 0)) return pm_err_set(err, "out of memory");
    res->elapsed_ns = pm_mono_ns() - t0;
    return 0;
}
