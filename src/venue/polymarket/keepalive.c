/* keepalive.c — text PING/PONG bookkeeping (see keepalive.h). */
#include "venue/polymarket/keepalive.h"

void poly_keepalive_start(poly_keepalive *k, int64_t now_ns) {
    k->last_ping_ns = now_ns;
    k->waiting_since_ns = 0;
}

void poly_keepalive_pong(poly_keepalive *k) { k->waiting_since_ns = 0; }

poly_keepalive_action poly_keepalive_check(poly_keepalive *k, int64_t now_ns, int64_t interval_ms, int64_t timeout_ms) {
    if (k->waiting_since_ns && now_ns - k->waiting_since_ns >= timeout_ms * 1000000LL) return POLY_KEEPALIVE_DEAD;
    if (now_ns - k->last_ping_ns < interval_ms * 1000000LL) return POLY_KEEPALIVE_IDLE;
    k->last_ping_ns = now_ns;
    if (!k->waiting_since_ns) k->waiting_since_ns = now_ns;
    return POLY_KEEPALIVE_PING;
}
