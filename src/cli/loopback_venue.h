/* loopback_venue.h — an HTTP/1.1 server on 127.0.0.1 that answers every request at once with
 * "201 {}", on its own thread: what `pmarb bench-exec` sends its orders to, so that its
 * figures include the real order connection (net/wire.h) and the write to the socket, but no
 * venue's thinking time. It also measures this machine's floor under those figures: what one
 * send(2) of a request to it costs by itself. */
#ifndef PM_CLI_LOOPBACK_VENUE_H
#define PM_CLI_LOOPBACK_VENUE_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

typedef struct pm_loopback_venue pm_loopback_venue;

/* Listens on a free port; *origin gets "http://127.0.0.1:PORT". */
int pm_loopback_venue_start(pm_loopback_venue **out, char *origin, size_t cap, pm_err *err);
void pm_loopback_venue_stop(pm_loopback_venue *v);

/* The machine's floor: n requests of `size` bytes (an HTTP request the venue answers), each
 * after gap_us of idle, written by the calling thread in one send(2) on a connection of its
 * own, as the order connection writes, with nothing of pmarb's around it. sent[i] gets how
 * long send(2) took; to_device[i] how long until the kernel's software transmit timestamp of
 * its last byte (SO_TIMESTAMPING: the request handed to the network device, before the
 * loopback peer's receive path that send(2) runs too), -1 when the kernel gave none. Reads
 * each answer before the next idle. */
int pm_loopback_venue_write_floor(pm_loopback_venue *v, int n, long gap_us, size_t size, int64_t *sent, int64_t *to_device,
                                  pm_err *err);

#endif
