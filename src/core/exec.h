/* exec.h — what an executor asks of a venue, in venue-independent terms: build and sign an
 * order (prepare), send it exactly once (send), find out what became of an order whose send
 * got no answer (find — never by resending), the fills it made (fills), cancel everything
 * open (cancel_all), and read the account (balance, holdings) for reconciliation.
 *
 * A venue module implements pm_exec_ops (src/venue/kalshi/exec.h, src/venue/polymarket/exec.h);
 * nothing outside it knows the venue's order format. One pm_exec_venue belongs to one thread
 * (its order connection, net/wire.h, is opened ahead and reused): executors and the
 * reconciler each open their own. prepare and send allocate nothing (but the first answers'
 * buffer growth).
 *
 * Quantities are exact and in what the venue actually did: `filled` is what matched (gross
 * contracts or shares), `delivered` is what the account holds from it (a Polymarket buy's fee
 * is withheld in shares), `cash` is exactly how much the account's cash balance went down for
 * it (fees included; negative when it went up, e.g. a sale), so that a venue's balance after a
 * run equals its balance before minus the Σ cash of every order. */
#ifndef PM_CORE_EXEC_H
#define PM_CORE_EXEC_H

#include <stddef.h>
#include <stdint.h>

#include "core/market.h"
#include "core/money.h"
#include "util/err.h"
#include "util/uuid.h"

#define PM_EXEC_ID_MAX 96      /* client / venue order ids, trade ids */
#define PM_EXEC_MARKET_MAX 96  /* Kalshi ticker / Polymarket token id */
#define PM_EXEC_BODY_MAX 2304  /* a prepared request body always fits */
#define PM_EXEC_ERROR_MAX 160

typedef enum pm_tif {
    PM_TIF_FOK = 0,            /* fill-or-kill: all of qty at the limit or better, or nothing */
    PM_TIF_FAK = 1,            /* fill-and-kill (immediate-or-cancel): what matches now, the rest cancelled */
} pm_tif;

typedef enum pm_exec_status {
    PM_EXEC_FILLED = 0,        /* filled in full */
    PM_EXEC_PARTIAL,           /* part filled, the rest cancelled (FAK) */
    PM_EXEC_UNFILLED,          /* accepted, nothing filled (FOK killed, FAK found nothing) */
    PM_EXEC_REJECTED,          /* refused by the venue (error says why): nothing filled */
    PM_EXEC_RESTING,           /* open on the venue (find only: an order that should not rest) */
    PM_EXEC_UNKNOWN,           /* no answer, a 5xx, or a 429 whose fate the venue did not say: use find */
} pm_exec_status;
#define PM_EXEC_STATUS_COUNT 6

/* What the venue needs of the market to accept an order on it. */
typedef struct pm_exec_market {
    pm_px_t tick;              /* price grid; 0 = the venue's default (Kalshi cents) */
    int neg_risk;              /* Polymarket: the neg-risk exchange */
    int exchange_version;      /* Polymarket: 2, or 3 for Gamma version "v2" markets */
    char condition_id[80];     /* Polymarket: the market's condition id ("" unknown) */
} pm_exec_market;

typedef struct pm_exec_order {
    char id[PM_UUID_LEN];      /* pmarb's order id (orders.id, a UUIDv7) */
    char client_id[PM_EXEC_ID_MAX]; /* Kalshi: client_order_id (= id); Polymarket: the order hash "0x…" (set by prepare) */
    char market_id[PM_EXEC_MARKET_MAX];
    pm_side side;
    pm_outcome outcome;        /* the outcome bought or sold (Polymarket: the token's own outcome) */
    pm_px_t price;             /* limit: the worst price of that outcome */
    pm_qty_t qty;              /* contracts / shares, gross (Polymarket buy: shares matched, before the fee) */
    pm_tif tif;
    pm_exec_market mkt;
    int64_t prepared_unix_s;   /* set by prepare: when it was built (trade look-ups start there) */
    int earlier_run;           /* sent by an earlier run (a recovery look-up): the venue's account
                                  already held its fills when this run first read it */
    size_t body_len;
    char body[PM_EXEC_BODY_MAX]; /* set by prepare: the request body, sent as is (last: what comes
                                    before it is the order, copied and cleared without it) */
} pm_exec_order;

typedef struct pm_exec_ack {
    pm_exec_status status;
    long http_status;          /* 0: no answer */
    char venue_order_id[PM_EXEC_ID_MAX];
    pm_qty_t filled;           /* gross contracts / shares matched */
    pm_qty_t delivered;        /* held from it: Kalshi = filled; Polymarket buy = filled − fee shares */
    pm_usd_t cash;             /* how much the cash balance went down for it, fees included */
    pm_usd_t fee;              /* fees in money (fee shares valued at their fill price) */
    pm_px_t avg_price;         /* average fill price of the outcome; -1 none */
    char error[PM_EXEC_ERROR_MAX]; /* the venue's words when refused or unknown */
    int64_t call_ns;           /* monotonic: send was called */
    int64_t wire_ns;           /* monotonic: the request started going on the wire (0 unknown) */
    int64_t ack_ns;            /* monotonic: the answer was in */
} pm_exec_ack;

typedef struct pm_exec_fill {
    char trade_id[PM_EXEC_ID_MAX]; /* the venue's id of the trade (unique per venue) */
    pm_px_t price;
    pm_qty_t qty;              /* matched */
    pm_qty_t delivered;        /* held from it */
    pm_usd_t fee;
    int is_taker;
    int64_t ts_ns;             /* Unix ns (0 unknown) */
} pm_exec_fill;

/* One market outcome whose holding the reconciler asks for. */
typedef struct pm_exec_holding {
    char market_id[PM_EXEC_MARKET_MAX];
    pm_outcome outcome;        /* Kalshi: YES or NO of the ticker; Polymarket: the token's own outcome */
    pm_qty_t qty;              /* out: contracts / shares held (≥ 0) */
} pm_exec_holding;

typedef struct pm_exec_venue pm_exec_venue;

typedef struct pm_exec_ops {
    /* Validates o, builds (and signs) its body into o->body; Polymarket sets o->client_id to
     * the order hash. No I/O, no allocation. */
    int (*prepare)(pm_exec_venue *v, pm_exec_order *o, pm_err *err);
    /* Sends the prepared o once. Always fills *ack (status UNKNOWN when no answer); returns 0
     * when the venue answered (any status) or the request certainly never left (REJECTED, with
     * why), -1 with err when it may have gone out unanswered (fate unknown). */
    int (*send)(pm_exec_venue *v, const pm_exec_order *o, pm_exec_ack *ack, pm_err *err);
    /* Completes the ack of an order send answered with what takes more requests (exact cash,
     * fees, average price from the venue's account and trades). The executor calls it after
     * handing over to a sequential second leg, so the handover waits only for the answer.
     * May be NULL (send's ack is complete). */
    int (*settle)(pm_exec_venue *v, const pm_exec_order *o, pm_exec_ack *ack, pm_err *err);
    /* What became of o (sent, answer unknown), looked up by its client id: *ack as send would
     * have filled it (RESTING when still open; REJECTED when the venue never took it). 0, or -1
     * when the venue could not be asked (try again later). Never sends the order. */
    int (*find)(pm_exec_venue *v, const pm_exec_order *o, pm_exec_ack *ack, pm_err *err);
    /* The trades o took part in (up to cap; *n gets how many). */
    int (*fills)(pm_exec_venue *v, const pm_exec_order *o, const pm_exec_ack *ack, pm_exec_fill *out, size_t cap,
                 size_t *n, pm_err *err);
    /* Cancels every open order of the account; *canceled gets how many. */
    int (*cancel_all)(pm_exec_venue *v, int *canceled, pm_err *err);
    /* Cash available (what orders can spend), micro-dollars. */
    int (*balance)(pm_exec_venue *v, pm_usd_t *cash, pm_err *err);
    /* Fills h[i].qty for every i. */
    int (*holdings)(pm_exec_venue *v, pm_exec_holding *h, size_t n, pm_err *err);
    void (*free)(pm_exec_venue *v);
    /* Called by the executor about once a second while it is idle, off the order path: refresh
     * what orders are signed with, reopen the order connection if the venue closed it. May be
     * NULL. */
    int (*upkeep)(pm_exec_venue *v, pm_err *err);
} pm_exec_ops;

struct pm_exec_venue {
    const pm_exec_ops *ops;
    pm_venue venue;
};

static inline int pm_exec_prepare(pm_exec_venue *v, pm_exec_order *o, pm_err *err) { return v->ops->prepare(v, o, err); }
static inline int pm_exec_send(pm_exec_venue *v, const pm_exec_order *o, pm_exec_ack *a, pm_err *err) {
    return v->ops->send(v, o, a, err);
}
static inline int pm_exec_settle(pm_exec_venue *v, const pm_exec_order *o, pm_exec_ack *a, pm_err *err) {
    return v->ops->settle ? v->ops->settle(v, o, a, err) : 0;
}
static inline int pm_exec_find(pm_exec_venue *v, const pm_exec_order *o, pm_exec_ack *a, pm_err *err) {
    return v->ops->find(v, o, a, err);
}
static inline int pm_exec_fills(pm_exec_venue *v, const pm_exec_order *o, const pm_exec_ack *a, pm_exec_fill *out,
                                size_t cap, size_t *n, pm_err *err) {
    return v->ops->fills(v, o, a, out, cap, n, err);
}
static inline int pm_exec_cancel_all(pm_exec_venue *v, int *canceled, pm_err *err) { return v->ops->cancel_all(v, canceled, err); }
static inline int pm_exec_balance(pm_exec_venue *v, pm_usd_t *cash, pm_err *err) { return v->ops->balance(v, cash, err); }
static inline int pm_exec_holdings(pm_exec_venue *v, pm_exec_holding *h, size_t n, pm_err *err) {
    return v->ops->holdings(v, h, n, err);
}
static inline int pm_exec_upkeep(pm_exec_venue *v, pm_err *err) { return v->ops->upkeep ? v->ops->upkeep(v, err) : 0; }
static inline void pm_exec_free(pm_exec_venue *v) {
    if (v) v->ops->free(v);
}

const char *pm_exec_status_name(pm_exec_status s); /* "filled" | "partial" | "unfilled" | "rejected" | "resting" | "unknown" */
const char *pm_tif_name(pm_tif t);                 /* "fok" | "fak" */

#endif
