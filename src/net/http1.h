/* http1.h — an HTTP/1.1 response parser fed bytes as they arrive (RFC 9112): the status line,
 * the header fields pmarb needs (Content-Length, Transfer-Encoding: chunked, Connection), and
 * the body — sized, chunked (extensions and trailers skipped), or up to the end of the
 * connection — appended to a pm_http_response. 1xx interim responses are skipped. Pure: no
 * I/O, used by wire.c and tested byte by byte. */
#ifndef PM_NET_HTTP1_H
#define PM_NET_HTTP1_H

#include <stddef.h>
#include <stdint.h>

#include "net/http.h"
#include "util/err.h"

#define PM_H1_HEAD_MAX 16384 /* status line + header fields */

typedef enum pm_h1_state { PM_H1_MORE = 0, PM_H1_DONE = 1, PM_H1_ERROR = -1 } pm_h1_state;

typedef struct pm_h1 {
    int phase;                 /* internal */
    char head[PM_H1_HEAD_MAX];
    size_t head_len;
    long status;
    int chunked, until_close, keep_alive;
    int head_only;             /* a HEAD request: no body */
    uint64_t remaining;        /* of the sized body or of the current chunk */
    int seen_digit, in_ext;    /* the chunk-size line being read (in_ext 2: after its CR) */
    size_t line_len;           /* the trailer line being read */
    char why[128];             /* PM_H1_ERROR: what was wrong */
} pm_h1;

/* Starts a response to a request with this method (a HEAD answer has no body). */
void pm_h1_begin(pm_h1 *p, const char *method);

/* Feeds n bytes; *used gets how many were consumed (bytes after a complete response are left:
 * the caller treats them as a protocol error). res->status is set once the status line is in;
 * the body is appended to res. */
pm_h1_state pm_h1_feed(pm_h1 *p, const char *data, size_t n, size_t *used, pm_http_response *res);

/* The peer closed the connection: DONE when that ends a body read to the end of the connection,
 * ERROR otherwise. */
pm_h1_state pm_h1_eof(pm_h1 *p);

#endif
