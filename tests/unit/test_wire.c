/* test_wire.c — the order path's own HTTP/1.1 connection against a scripted loopback server,
 * plain and TLS (a certificate made here for "localhost"): the exact request on the wire,
 * keep-alive reuse, a peer that closed an idle connection (reconnected before sending), a
 * peer that takes a request and never answers (a failure, not a retry), timeouts, refused
 * connections, chunked answers, certificate and name checks, and pm_http's direct origin. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/http.h"
#include "net/wire.h"
#include "testutil.h"

typedef enum mode {
    ANSWER,        /* answers every request, keeps the connection */
    CLOSE_AFTER,   /* answers, then closes (an idle keep-alive connection the peer dropped) */
    TAKE_AND_DROP, /* reads the request, closes without an answer */
    MUTE,          /* reads the request, answers nothing for a while */
    CHUNKED,       /* answers in chunks, written apart */
} mode;

typedef struct server {
    int lfd, port;
    mode mode;
    SSL_CTX *tls;          /* NULL: plain */
    pthread_t thread;
    atomic_int stop, accepts, requests;
    char last[4096];       /* the last request, exactly as received */
} server;

static ssize_t srv_read(SSL *ssl, int fd, char *buf, size_t cap) {
    return ssl ? SSL_read(ssl, buf, (int)cap) : recv(fd, buf, cap, 0);
}

static void srv_write(SSL *ssl, int fd, const char *buf) {
    if (ssl) SSL_write(ssl, buf, (int)strlen(buf));
    else if (send(fd, buf, strlen(buf), MSG_NOSIGNAL) < 0) return;
}

/* Reads one request (head + Content-Length body) into s->last: 1, or 0 when the peer left. */
static int read_request(server *s, SSL *ssl, int fd) {
    size_t n = 0;
    for (;;) {
        char *end = n ? strstr(s->last, "\r\n\r\n") : NULL;
        if (end) {
            const char *cl = strcasestr(s->last, "Content-Length:");
            size_t want = (size_t)(end + 4 - s->last) + (cl && cl < end ? (size_t)atol(cl + 15) : 0);
            if (n >= want) return 1;
        }
        ssize_t got = srv_read(ssl, fd, s->last + n, sizeof s->last - 1 - n);
        if (got <= 0) return 0;
        n += (size_t)got;
        s->last[n] = '\0';
    }
}

static void serve(server *s, int fd) {
    SSL *ssl = NULL;
    if (s->tls) {
        ssl = SSL_new(s->tls);
        SSL_set_fd(ssl, fd);
        if (SSL_accept(ssl) != 1) goto done;
    }
    while (!atomic_load(&s->stop) && read_request(s, ssl, fd)) {
        atomic_fetch_add(&s->requests, 1);
        if (s->mode == TAKE_AND_DROP) break;
        if (s->mode == MUTE) {
            usleep(600 * 1000);
            break;
        }
        if (s->mode == CHUNKED) {
            srv_write(ssl, fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":");
            usleep(20 * 1000);
            srv_write(ssl, fd, "\r\n2\r\n1}\r\n0\r\n\r\n");
            continue;
        }
        srv_write(ssl, fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"ok\":true}");
        if (s->mode == CLOSE_AFTER) break;
    }
done:
    if (ssl) {
        SSL_shutdown(ssl);
        SSL_free(ssl);
    }
    close(fd);
}

static void *server_main(void *arg) {
    server *s = arg;
    while (!atomic_load(&s->stop)) {
        struct pollfd p = {.fd = s->lfd, .events = POLLIN};
        if (poll(&p, 1, 50) <= 0) continue;
        int fd = accept(s->lfd, NULL, NULL);
        if (fd < 0) continue;
        atomic_fetch_add(&s->accepts, 1);
        serve(s, fd);
    }
    return NULL;
}

static void server_start(server *s, mode m, SSL_CTX *tls) {
    memset(s, 0, sizeof *s);
    s->mode = m;
    s->tls = tls;
    s->lfd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(s->lfd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(s->lfd, 8), 0);
    socklen_t al = sizeof a;
    getsockname(s->lfd, (struct sockaddr *)&a, &al);
    s->port = ntohs(a.sin_port);
    assert_int_equal(pthread_create(&s->thread, NULL, server_main, s), 0);
}

static void server_stop(server *s) {
    atomic_store(&s->stop, 1);
    pthread_join(s->thread, NULL);
    close(s->lfd);
}

static pm_wire *open_wire(const char *scheme, const char *host, int port, int64_t timeout_ms) {
    char origin[128];
    snprintf(origin, sizeof origin, "%s://%s:%d", scheme, host, port);
    pm_wire *w = NULL;
    pm_err err;
    assert_int_equal(pm_wire_new(origin, timeout_ms, &w, &err), 0);
    return w;
}

static void test_request_and_reuse(void **state) {
    (void)state;
    server s;
    server_start(&s, ANSWER, NULL);
    pm_wire *w = open_wire("http", "127.0.0.1", s.port, 2000);
    pm_http_response res = {0};
    pm_err err;
    const char *headers[] = {"KALSHI-ACCESS-KEY: k1", NULL};
    assert_int_equal(pm_wire_do(w, "POST", "/trade-api/v2/portfolio/events/orders", headers, "{\"a\":1}", &res, &err), 0);
    assert_int_equal(res.status, 200);
    assert_string_equal(res.body, "{\"ok\":true}");
    char want[512];
    snprintf(want, sizeof want,
             "POST /trade-api/v2/portfolio/events/orders HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUser-Agent: pmarb/" PMARB_VERSION
             "\r\nAccept: application/json\r\nKALSHI-ACCESS-KEY: k1\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n"
             "{\"a\":1}",
             s.port);
    assert_string_equal(s.last, want);
    assert_true(res.pretransfer_ns > 0 && res.pretransfer_ns <= res.elapsed_ns);
    /* a second request and a bodiless DELETE on the same connection */
    assert_int_equal(pm_wire_do(w, "GET", "/x?y=1", NULL, NULL, &res, &err), 0);
    assert_non_null(strstr(s.last, "GET /x?y=1 HTTP/1.1\r\n"));
    assert_null(strstr(s.last, "Content-Length"));
    assert_int_equal(pm_wire_do(w, "DELETE", "/orders", NULL, NULL, &res, &err), 0);
    assert_non_null(strstr(s.last, "Content-Length: 0\r\n\r\n"));
    assert_int_equal(atomic_load(&s.accepts), 1);
    assert_int_equal(pm_wire_connects(w), 1);
    pm_http_response_free(&res);
    pm_wire_free(w);
    server_stop(&s);
}

static void test_peer_closed_idle(void **state) {
    (void)state;
    server s;
    server_start(&s, CLOSE_AFTER, NULL);
    pm_wire *w = open_wire("http", "127.0.0.1", s.port, 2000);
    pm_http_response res = {0};
    pm_err err;
    assert_int_equal(pm_wire_do(w, "POST", "/o", NULL, "{}", &res, &err), 0);
    usleep(50 * 1000); /* the peer has closed by now */
    /* found closed just before sending: reopened first, so the request is not lost */
    assert_int_equal(pm_wire_do(w, "POST", "/o", NULL, "{}", &res, &err), 0);
    assert_int_equal(res.status, 200);
    assert_int_equal(pm_wire_connects(w), 2);
    usleep(50 * 1000);
    assert_int_equal(pm_wire_ready(w, &err), 0); /* the executor's upkeep reopens it */
    assert_int_equal(pm_wire_connects(w), 3);
    assert_int_equal(atomic_load(&s.requests), 2);
    pm_http_response_free(&res);
    pm_wire_free(w);
    server_stop(&s);
}

static void test_no_answer(void **state) {
    (void)state;
    server s;
    server_start(&s, TAKE_AND_DROP, NULL);
    pm_wire *w = open_wire("http", "127.0.0.1", s.port, 2000);
    pm_http_response res = {0};
    pm_err err;
    assert_int_equal(pm_wire_do(w, "POST", "/order", NULL, "{}", &res, &err), -1);
    assert_int_equal(res.status, 0); /* it went out: its fate is unknown */
    assert_non_null(strstr(err.msg, "connection closed before an answer"));
    assert_int_equal(atomic_load(&s.requests), 1); /* sent once, never again */
    usleep(50 * 1000);
    assert_int_equal(atomic_load(&s.requests), 1);
    pm_http_response_free(&res);
    pm_wire_free(w);
    server_stop(&s);

    server_start(&s, MUTE, NULL);
    w = open_wire("http", "127.0.0.1", s.port, 200);
    assert_int_equal(pm_wire_do(w, "POST", "/order", NULL, "{}", &res, &err), -1);
    assert_non_null(strstr(err.msg, "no answer in 200 ms"));
    assert_int_equal(res.status, 0);
    assert_true(res.elapsed_ns >= 200 * 1000000LL);
    pm_http_response_free(&res);
    pm_wire_free(w);
    server_stop(&s);
}

static void test_refused_and_bad_origin(void **state) {
    (void)state;
    server s;
    server_start(&s, ANSWER, NULL);
    int port = s.port;
    server_stop(&s); /* nobody listens there now */
    pm_wire *w = open_wire("http", "127.0.0.1", port, 500);
    pm_http_response res = {0};
    pm_err err;
    assert_int_equal(pm_wire_do(w, "POST", "/order", NULL, "{}", &res, &err), -1);
    assert_non_null(strstr(err.msg, "not sent"));
    assert_non_null(strstr(err.msg, "refused"));
    assert_int_equal(res.status, -1); /* certainly not sent */
    pm_http_response_free(&res);
    pm_wire_free(w);
    const char *bad[] = {"ftp://x", "https://", "https://host:port", "http://h:80x", NULL};
    for (int i = 0; bad[i]; i++) assert_int_equal(pm_wire_new(bad[i], 100, &w, &err), -1);
    assert_int_equal(pm_wire_new("https://api.elections.kalshi.com/trade-api/v2", 100, &w, &err), 0);
    const char *target;
    assert_true(pm_wire_owns(w, "https://api.elections.kalshi.com/trade-api/v2/portfolio/orders", &target));
    assert_string_equal(target, "/trade-api/v2/portfolio/orders");
    assert_false(pm_wire_owns(w, "https://api.elections.kalshi.com.evil/x", &target));
    assert_false(pm_wire_owns(w, "http://api.elections.kalshi.com/x", &target));
    pm_wire_free(w);
}

static void test_chunked_answer(void **state) {
    (void)state;
    server s;
    server_start(&s, CHUNKED, NULL);
    pm_wire *w = open_wire("http", "127.0.0.1", s.port, 2000);
    pm_http_response res = {0};
    pm_err err;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(pm_wire_do(w, "POST", "/o", NULL, "{}", &res, &err), 0);
        assert_string_equal(res.body, "{\"a\":1}");
    }
    assert_int_equal(pm_wire_connects(w), 1);
    pm_http_response_free(&res);
    pm_wire_free(w);
    server_stop(&s);
}

/* A self-signed certificate for DNS name "localhost", written to dir/cert.pem; the server's
 * TLS context. */
static SSL_CTX *tls_server(const char *dir, char **cert_path) {
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -60);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, key);
    X509_NAME *name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"localhost", -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
    const char *exts[][2] = {{"subjectAltName", "DNS:localhost"}, {"basicConstraints", "critical,CA:TRUE"}};
    for (int i = 0; i < 2; i++) {
        X509_EXTENSION *e = X509V3_EXT_conf(NULL, &v3, exts[i][0], exts[i][1]);
        X509_add_ext(x, e, -1);
        X509_EXTENSION_free(e);
    }
    assert_true(X509_sign(x, key, EVP_sha256()) > 0);
    *cert_path = pm_test_path(dir, "cert.pem");
    FILE *f = fopen(*cert_path, "w");
    PEM_write_X509(f, x);
    fclose(f);
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    assert_int_equal(SSL_CTX_use_certificate(ctx, x), 1);
    assert_int_equal(SSL_CTX_use_PrivateKey(ctx, key), 1);
    X509_free(x);
    EVP_PKEY_free(key);
    return ctx;
}

static void test_tls(void **state) {
    (void)state;
    char *dir = pm_test_tmpdir(), *cert = NULL;
    SSL_CTX *ctx = tls_server(dir, &cert);
    server s;
    server_start(&s, ANSWER, ctx);
    pm_http_response res = {0};
    pm_err err;
    /* not trusted: the system's store does not know this certificate */
    unsetenv("SSL_CERT_FILE");
    pm_wire *w = open_wire("https", "localhost", s.port, 2000);
    assert_int_equal(pm_wire_do(w, "POST", "/order", NULL, "{}", &res, &err), -1);
    assert_non_null(strstr(err.msg, "certificate not trusted"));
    pm_wire_free(w);
    /* trusted, right name: the request goes over TLS, twice on one session */
    setenv("SSL_CERT_FILE", cert, 1);
    w = open_wire("https", "localhost", s.port, 2000);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(pm_wire_do(w, "POST", "/order", NULL, "{\"b\":2}", &res, &err), 0);
        assert_int_equal(res.status, 200);
        assert_string_equal(res.body, "{\"ok\":true}");
    }
    assert_non_null(strstr(s.last, "{\"b\":2}"));
    assert_int_equal(pm_wire_connects(w), 1);
    assert_int_equal(pm_wire_ready(w, &err), 0); /* TLS 1.3 session tickets do not count as a closed peer */
    assert_int_equal(pm_wire_connects(w), 1);
    pm_wire_free(w);
    /* trusted, wrong name: the certificate is for "localhost", not 127.0.0.1 */
    w = open_wire("https", "127.0.0.1", s.port, 2000);
    assert_int_equal(pm_wire_do(w, "POST", "/order", NULL, "{}", &res, &err), -1);
    assert_non_null(strstr(err.msg, "certificate not trusted"));
    pm_wire_free(w);
    unsetenv("SSL_CERT_FILE");
    pm_http_response_free(&res);
    server_stop(&s);
    SSL_CTX_free(ctx);
    pm_test_rmtree(dir);
    free(cert);
    free(dir);
}

static void test_http_direct(void **state) {
    (void)state;
    server s, other;
    server_start(&s, ANSWER, NULL);
    server_start(&other, ANSWER, NULL);
    char origin[64], url[96];
    snprintf(origin, sizeof origin, "http://127.0.0.1:%d", s.port);
    pm_http *h = NULL;
    pm_err err;
    assert_int_equal(pm_http_new_direct(2000, origin, &h, &err), 0);
    for (int i = 0; i < 100 && atomic_load(&s.accepts) < 1; i++) usleep(10 * 1000);
    assert_int_equal(atomic_load(&s.accepts), 1); /* connected ahead of the first request */
    pm_http_response res = {0};
    snprintf(url, sizeof url, "%s/order", origin);
    assert_int_equal(pm_http_do(h, "POST", url, NULL, "{}", &res, &err), 0);
    assert_int_equal(res.status, 200);
    assert_non_null(strstr(s.last, "POST /order HTTP/1.1\r\n"));
    assert_null(strstr(s.last, "Expect:")); /* not libcurl's request */
    assert_int_equal(pm_http_direct_connects(h), 1);
    /* another origin still goes through libcurl */
    snprintf(url, sizeof url, "http://127.0.0.1:%d/else", other.port);
    assert_int_equal(pm_http_do(h, "GET", url, NULL, NULL, &res, &err), 0);
    assert_int_equal(atomic_load(&other.requests), 1);
    assert_int_equal(atomic_load(&s.requests), 1);
    assert_int_equal(pm_http_warm(h, &err), 0);
    pm_http_response_free(&res);
    pm_http_free(h);
    server_stop(&s);
    server_stop(&other);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_and_reuse), cmocka_unit_test(test_peer_closed_idle),
        cmocka_unit_test(test_no_answer),         cmocka_unit_test(test_refused_and_bad_origin),
        cmocka_unit_test(test_chunked_answer),    cmocka_unit_test(test_tls),
        cmocka_unit_test(test_http_direct),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
