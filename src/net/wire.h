/* wire.h — pmarb's own HTTP/1.1 connection to one origin, for the order path: the socket (and
 * its TLS session) is opened ahead of time and kept, a request is formatted into a buffer the
 * connection owns and goes out in one write, and the answer is read with poll(2) against the
 * request's deadline. No libcurl on this path: nothing between the caller and write(2) but
 * formatting (and TLS record encryption), and no allocation once the response buffer has grown
 * to the venue's answers.
 *
 * One pm_wire belongs to one thread. A request is one attempt: the connection is checked just
 * before writing (a peer that closed an idle keep-alive connection is reconnected first, while
 * nothing has been sent), and once bytes went out, a failure is reported as a failure with no
 * answer — the caller decides (an order is looked up, never resent).
 *
 * https:// verifies the peer's certificate against the system's trust store (or the file in
 * SSL_CERT_FILE) and its name, TLS 1.2 or newer; http:// is plain TCP (the simulator). */
#ifndef PM_NET_WIRE_H
#define PM_NET_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "net/http.h"
#include "util/err.h"

typedef struct pm_wire pm_wire;

#define PM_WIRE_REQUEST_MAX 16384 /* request line + headers + body */

/* A connection to origin ("https://host[:port]" or "http://host[:port]", any path after it is
 * ignored). Does not connect: pm_wire_ready does. */
int pm_wire_new(const char *origin, int64_t timeout_ms, pm_wire **out, pm_err *err);
void pm_wire_free(pm_wire *w);

/* Connects (TCP, then the TLS handshake) when not connected or when the peer closed the
 * connection. Call it ahead of time and when idle; pm_wire_do calls it too. */
int pm_wire_ready(pm_wire *w, pm_err *err);

/* Whether url is on this connection's origin; *target gets the path and query. */
int pm_wire_owns(const pm_wire *w, const char *url, const char **target);

/* One request: method, target ("/path?query"), "Name: value" headers (NULL-terminated list),
 * body (NULL: none). Like pm_http_do: 0 when an answer arrived (any status), -1 with err
 * otherwise — res->status 0 when the request went out, or may have (its fate is unknown), -1
 * when not a byte of it was written (no connection could be opened, or it does not fit): it
 * was certainly not sent. res->pretransfer_ns is from the call to the request written to the
 * socket; res->elapsed_ns to the whole answer read. The timeout counts from the moment the
 * connection is ready (a reconnection first takes at most 5 s more). */
int pm_wire_do(pm_wire *w, const char *method, const char *target, const char *const *headers, const char *body,
               pm_http_response *res, pm_err *err);

/* How many connections were opened (reconnections included). */
uint64_t pm_wire_connects(const pm_wire *w);

#endif
