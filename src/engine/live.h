/* live.h — live trading on the feed thread (DESIGN.md §6): an opportunity the detector found
 * passes the risk gate (core/risk.h), becomes two orders recorded in the database before
 * anything is sent, and goes to the venues' executors (executor.h):
 *   sequential (default): the less certain leg first as fill-or-kill — the leg whose book
 *     offers the least depth at its limit relative to its size, or [strategy] first_leg — and
 *     the other, parked on its executor, as fill-and-kill only once the first filled in full;
 *   simultaneous: both at once as fill-and-kill at the detector's limits.
 * Executor results come back between messages (pm_live_poll): each order's fills change the
 * ledger (ledger.h) and the risk gate by exactly what the venue reported, once — an order's
 * figures only ever grow to what the latest report says — and are stored (orders, fills,
 * positions). When every order of a trade is final, the contracts held on its two sides are
 * compared: a difference is a one-legged outcome, counted against the pair (cooldown, then
 * blacklist), recorded as an audit event, and resolved with hedge.h — complete the short side
 * or unwind the long one, in up to PM_LIVE_ROUNDS orders, each recorded; what cannot be
 * resolved is left, said loudly and counted as unresolved. An order whose outcome stays unknown
 * keeps its trade open and is looked up again every few seconds.
 *
 * Positions are sized in what each venue delivers: a Polymarket buy's fee is withheld in
 * shares, so its side holds fewer shares than it bought; residuals compare contracts held.
 *
 * The day's PnL the risk gate watches is locked_pnl + residual_mark. A finished trade locks its
 * hedged contracts at the $1 they pay, less all the cash it took: a hedged pair is not marked at
 * its bids, which would count the spread as a loss. What a trade leaves unhedged when it
 * finishes (unresolved, dust) goes to a fixed table of residuals (residuals.h, one entry per
 * outcome held), each marked at what selling it now would fetch: its best bid, less the sale's
 * fee; 0 without a live book or a bid. Counted once: nothing of pmarb sells a residual after its
 * trade finished — a trade's orders buy its own legs and sell only what it holds itself, and a
 * restart starts both figures from nothing (a recovered trade counts only its own orders). What
 * can take those contracts away is another trade's order (a Kalshi buy of the other outcome nets
 * them, paying $1 a pair into that trade's cash) or a ledger reload (positions adopted from the
 * venues): a residual never counts more than is still held of its outcome, and once a later
 * order left less held, it shrinks to that for good. Residuals of a trade an earlier run left
 * and whose pair is not loaded are neither locked nor marked (they are left to a person).
 *
 * A trade recovered from an earlier run's orders holds its pair in the risk gate from the
 * look-up until it is done (pm_risk_trade_begin): no new trade on the pair starts while its
 * outcome is unknown or its residual is being resolved. */
#ifndef PM_ENGINE_LIVE_H
#define PM_ENGINE_LIVE_H

#include <stdint.h>

#include "config/config.h"
#include "core/detector.h"
#include "core/events.h"
#include "core/risk.h"
#include "engine/executor.h"
#include "engine/ledger.h"
#include "engine/metrics.h"
#include "engine/pair_cache.h"
#include "store/db.h"
#include "store/writer.h"

#define PM_LIVE_TRADES_MAX 16   /* trades in flight at once */
#define PM_LIVE_ROUNDS 4        /* hedge / unwind orders per trade */

typedef struct pm_live pm_live;

/* The engine's books, for hedging decisions and marking positions. */
typedef struct pm_live_books {
    void *ctx;
    /* The book of a Kalshi ticker or a Polymarket token id, NULL when the feed has none. */
    const pm_book *(*book)(void *ctx, pm_venue v, const char *market_id);
    /* The legs of the trade on pair_id that includes (v, market_id, o): see pm_engine_legs_of.
     * May be NULL (a trade an earlier run left one-legged is then only reported). */
    int (*legs_of)(void *ctx, const char *pair_id, pm_venue v, const char *market_id, pm_outcome o, const pm_pair **pair,
                   size_t *slot, pm_det_leg legs[2]);
} pm_live_books;

typedef struct pm_live_config {
    const pm_config *cfg;
    pm_writer *writer;              /* may be NULL (nothing stored) */
    pm_live_metrics *metrics;
    pm_risk *risk;                  /* borrowed */
    pm_ledger *ledger;              /* borrowed */
    pm_executor *x[PM_VENUE_COUNT]; /* borrowed */
    pm_live_books books;
} pm_live_config;

typedef struct pm_live_stats {
    uint64_t trades, done, one_legged, hedged, unwound, unresolved, dust;
    uint64_t orders, queue_full;
    pm_usd_t locked_pnl;            /* Σ over finished trades: hedged contracts × $1 − their cash */
    pm_usd_t residual_mark;         /* what their residuals would fetch sold now (see above) */
} pm_live_stats;

pm_live *pm_live_new(const pm_live_config *c);
void pm_live_free(pm_live *l);

/* The risk gate for o on the pair whose risk slot is slot (the engine's stable number of the
 * pair: it survives reloads), reserving both legs when it passes. */
pm_risk_reason pm_live_admit(pm_live *l, size_t slot, const pm_opportunity *o, int64_t now_mono);
/* After a PM_RISK_OK admit (and the opportunity recorded as opp_id): builds, records and hands
 * out the orders. now_mono is the intent's time (the clock, not the frame's: the spans
 * feed-to-decision and decision-to-wire start and end there). legs: the detector's legs of o (books, mirrored, fee models). 0, or -1 with
 * *reason when an executor could not take them (the reservation is released, nothing sent). */
int pm_live_dispatch(pm_live *l, const pm_pair *pair, size_t slot, const pm_opportunity *o, const pm_det_leg legs[2],
                     const char *opp_id, int64_t now_mono, const char **reason);

/* Between messages: executor results, residuals to resolve, unknown orders to look up again. */
void pm_live_poll(pm_live *l, int64_t now_mono);

/* A fill pushed on a venue's user channel (PM_EV_FILL). A fill of an order in flight is stored
 * (source ws) under its trade id — the same row the order's REST look-up stores, so it is
 * kept once; positions move only by the orders' own figures, so a fill seen both ways counts
 * once. Fills of orders not in flight are already stored from REST. */
void pm_live_user_fill(pm_live *l, const pm_event *ev);

/* 1 when the ledger holds any of this market (a feed must keep its book: it marks the position). */
int pm_live_holds(const pm_live *l, pm_venue v, const char *market_id);

/* Orders of earlier runs still being looked up. */
int pm_live_recovering(const pm_live *l);

/* Trades not finished. */
int pm_live_in_flight(const pm_live *l);
/* Asks both executors to cancel every open order (kill switch, shutdown). */
void pm_live_cancel_all(pm_live *l);

/* Orders an earlier run left without a known outcome (in the order journals or the database
 * with status created, sent or unknown): each is recorded if missing and looked up on its
 * venue; what they filled reaches the ledger through pm_live_poll like any result. Returns the
 * number sent for look-up, or -1 with err. */
int pm_live_recover(pm_live *l, pm_db *db, const char *const journal_paths[PM_VENUE_COUNT], pm_err *err);

/* Realized PnL (ledger) and open positions marked at the bids of what is held, minus their cost. */
void pm_live_pnl(const pm_live *l, pm_usd_t *realized, pm_usd_t *marked);

void pm_live_get_stats(const pm_live *l, pm_live_stats *out);

#endif
