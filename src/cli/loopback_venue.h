/* loopback_venue.h — an HTTP/1.1 server on 127.0.0.1 that answers every request at once with
 * "201 {}", on its own thread: what `pmarb bench-exec` sends its orders to, so that its
 * figures include the real order connection (net/wire.h) and the write to the socket, but no
 * venue's thinking time. */
#ifndef PM_CLI_LOOPBACK_VENUE_H
#define PM_CLI_LOOPBACK_VENUE_H

#include <stddef.h>

#include "util/err.h"

typedef struct pm_loopback_venue pm_loopback_venue;

/* Listens on a free port; *origin gets "http://127.0.0.1:PORT". */
int pm_loopback_venue_start(pm_loopback_venue **out, char *origin, size_t cap, pm_err *err);
void pm_loopback_venue_stop(pm_loopback_venue *v);

#endif
