/* test_http1.c — the HTTP/1.1 response parser: every framing (sized, chunked, to the end of
 * the connection), interim answers, connection reuse, and malformed answers, each fed whole
 * and split at every byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/http1.h"

typedef struct outcome {
    pm_h1_state st;
    long status;
    int keep_alive;
    size_t used;   /* bytes of the input consumed in all */
    char body[256];
} outcome;

/* Feeds text in pieces of `step` bytes (0: whole), then the end of the connection if eof. */
static outcome parse(const char *text, size_t step, int eof) {
    static pm_h1 p;
    pm_http_response res;
    memset(&res, 0, sizeof res);
    pm_h1_begin(&p, "POST");
    outcome o = {.st = PM_H1_MORE};
    size_t n = strlen(text);
    for (size_t off = 0; off < n && o.st == PM_H1_MORE;) {
        size_t take = step && step < n - off ? step : n - off, used = 0;
        o.st = pm_h1_feed(&p, text + off, take, &used, &res);
        o.used += used;
        off += take;
        if (o.st == PM_H1_MORE) assert_int_equal(used, take);
    }
    if (o.st == PM_H1_MORE && eof) o.st = pm_h1_eof(&p);
    o.status = res.status;
    o.keep_alive = p.keep_alive;
    snprintf(o.body, sizeof o.body, "%s", res.body ? res.body : "");
    pm_http_response_free(&res);
    return o;
}

/* The same answer split at every size gives the same outcome. */
static void expect(const char *text, int eof, pm_h1_state st, long status, int keep_alive, const char *body) {
    size_t n = strlen(text);
    for (size_t step = 0; step <= n; step++) {
        outcome o = parse(text, step, eof);
        assert_int_equal(o.st, st);
        if (st == PM_H1_ERROR) continue;
        assert_int_equal(o.status, status);
        assert_int_equal(o.keep_alive, keep_alive);
        assert_string_equal(o.body, body);
    }
}

static void test_sized(void **state) {
    (void)state;
    expect("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"ok\":true}", 0, PM_H1_DONE, 200,
           1, "{\"ok\":true}");
    expect("HTTP/1.1 201 Created\r\ncontent-length:  2 \r\nConnection: close\r\n\r\n{}", 0, PM_H1_DONE, 201, 0, "{}");
    expect("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, PM_H1_DONE, 200, 1, "");
    /* repeated equal lengths are allowed */
    expect("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx", 0, PM_H1_DONE, 200, 1, "x");
    /* bare LF line ends */
    expect("HTTP/1.1 400 Bad Request\nContent-Length: 3\n\nbad", 0, PM_H1_DONE, 400, 1, "bad");
}

static void test_chunked(void **state) {
    (void)state;
    expect("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;name=value\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n"
           "0\r\nExpires: never\r\n\r\n",
           0, PM_H1_DONE, 200, 1, "Wikipedia in\r\n\r\nchunks.");
    expect("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 0, PM_H1_DONE, 200, 1, "");
    expect("HTTP/1.1 200 OK\r\ntransfer-encoding:  Chunked \r\n\r\n1a\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n\r\n", 0,
           PM_H1_DONE, 200, 1, "abcdefghijklmnopqrstuvwxyz");
}

static void test_to_close(void **state) {
    (void)state;
    expect("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end", 1, PM_H1_DONE, 200, 0, "until the end");
    /* HTTP/1.0 closes unless it says keep-alive */
    expect("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", 0, PM_H1_DONE, 200, 0, "ok");
    expect("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok", 0, PM_H1_DONE, 200, 1, "ok");
}

static void test_no_body(void **state) {
    (void)state;
    expect("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", 0, PM_H1_DONE, 204, 1, "");
    /* an interim answer is skipped */
    expect("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone", 0, PM_H1_DONE, 200, 1, "done");
    /* stray blank lines before the status line */
    expect("\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nz", 0, PM_H1_DONE, 200, 1, "z");
    pm_h1 p;
    pm_http_response res;
    memset(&res, 0, sizeof res);
    size_t used;
    pm_h1_begin(&p, "HEAD");
    const char *head = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n";
    assert_int_equal(pm_h1_feed(&p, head, strlen(head), &used, &res), PM_H1_DONE);
    assert_int_equal(res.len, 0);
    pm_http_response_free(&res);
}

static void test_leftover(void **state) {
    (void)state;
    const char *two = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n";
    outcome o = parse(two, 0, 0);
    assert_int_equal(o.st, PM_H1_DONE);
    assert_int_equal(o.used, strlen("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
    assert_string_equal(o.body, "ok");
}

static void test_malformed(void **state) {
    (void)state;
    expect("HTTP/2 200\r\n\r\n", 0, PM_H1_ERROR, 0, 0, "");
    expect("HTTP/1.1 20 OK\r\n\r\n", 0, PM_H1_ERROR, 0, 0, "");
    expect("HTTP/1.1 2000 OK\r\n\r\n", 0, PM_H1_ERROR, 0, 0, "");
    expect("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", 0, PM_H1_ERROR, 0, 0, "");
    expect("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 0, PM_H1_ERROR, 0, 0, "");
    expect("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", 0, PM_H1_ERROR, 0, 0, "");
    expect("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", 0, PM_H1_ERROR, 0, 0, "");
    expect("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", 0, PM_H1_ERROR, 0, 0, "");
    expect("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 0, PM_H1_ERROR, 0, 0, "");
    expect("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 0, PM_H1_ERROR, 0, 0, "");
    expect("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r0\r\nab\r\n0\r\n\r\n", 0, PM_H1_ERROR, 0, 0, "");
    expect("HTTP/1.1 101 Switching Protocols\r\n\r\n", 0, PM_H1_ERROR, 0, 0, "");
    expect("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 0, PM_H1_ERROR, 0, 0, "");
    expect("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", 0, PM_H1_ERROR, 0, 0, "");
    expect("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX", 0, PM_H1_ERROR, 0, 0, "");
    expect("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffff\r\n", 0, PM_H1_ERROR, 0, 0, "");
    /* the connection ends early */
    expect("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", 1, PM_H1_ERROR, 0, 0, "");
    expect("HTTP/1.1 200 OK\r\nCont", 1, PM_H1_ERROR, 0, 0, "");
    expect("", 1, PM_H1_ERROR, 0, 0, "");
    /* a head that never ends */
    char *big = malloc(PM_H1_HEAD_MAX + 64);
    strcpy(big, "HTTP/1.1 200 OK\r\nX: ");
    size_t n = strlen(big);
    memset(big + n, 'a', PM_H1_HEAD_MAX);
    big[n + PM_H1_HEAD_MAX] = '\0';
    assert_int_equal(parse(big, 0, 0).st, PM_H1_ERROR);
    free(big);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sized),     cmocka_unit_test(test_chunked),  cmocka_unit_test(test_to_close),
        cmocka_unit_test(test_no_body),   cmocka_unit_test(test_leftover), cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
