/* keepalive.h — Polymarket's application-level keep-alive for one WebSocket connection: the
 * client sends the text PING every interval and the server answers the text PONG; a PING left
 * unanswered for the timeout means the link is dead even if TCP is not, so the connection is
 * dropped and redialled. Pure bookkeeping on monotonic nanoseconds (no I/O). */
#ifndef PM_VENUE_POLYMARKET_KEEPALIVE_H
#define PM_VENUE_POLYMARKET_KEEPALIVE_H

#include <stdint.h>

#define POLY_PING_INTERVAL_MS 10000 /* official clients ping every 10 s… */
#define POLY_PONG_TIMEOUT_MS 30000  /* …and declare the socket dead after 30 s without PONG */

typedef enum poly_keepalive_action {
    POLY_KEEPALIVE_IDLE = 0,
    POLY_KEEPALIVE_PING,       /* send "PING" now */
    POLY_KEEPALIVE_DEAD,       /* no PONG in time: reconnect */
} poly_keepalive_action;

typedef struct poly_keepalive {
    int64_t last_ping_ns;      /* when the last PING was due */
    int64_t waiting_since_ns;  /* first PING not yet answered, 0 = none */
} poly_keepalive;

/* The connection opened at now_ns. */
void poly_keepalive_start(poly_keepalive *k, int64_t now_ns);
/* A PONG arrived. */
void poly_keepalive_pong(poly_keepalive *k);
/* What to do at now_ns. */
poly_keepalive_action poly_keepalive_check(poly_keepalive *k, int64_t now_ns, int64_t interval_ms, int64_t timeout_ms);

#endif
