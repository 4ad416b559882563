/* risk.h — the live risk gate (DESIGN.md §6): every trade intent passes here before an order
 * is built, and every order, fill and one-legged outcome is reported back, so the gate always
 * knows what is held, what is in flight and how fast orders go out.
 *
 * Exposure per pair, per venue and in total is what is held (filled, in contracts held and
 * money paid) plus what is reserved by orders in flight (their full size and limit cost until
 * they finish); a finished order's reservation is released and its fill becomes held. A pair's
 * contracts are its larger leg's; a venue's, the sum over pairs of its legs; the total, the sum
 * of the pairs'. Notional: both legs' money per pair, a venue's legs' money, everything. Other
 * limits: orders open at once, orders per second (a token bucket refilled continuously on the
 * monotonic clock), the day's loss (realized plus marked to market, the caller's figure; the
 * day is the UTC day of the Unix clock and a new day clears the halt it caused), the least cash
 * per venue, the kill switch, a global halt with its reason (a reconciliation difference), and
 * per pair: one trade in flight at a time (an admitted one, or one a restart recovered: see
 * pm_risk_trade_begin), and after max_one_legged one-legged outcomes within
 * one_legged_window_s a cooldown (window length) — reaching max_one_legged again, at any later
 * time, puts the pair on the blacklist, which only a person clears (pm_risk_pair_clear).
 *
 * Single-threaded (the feed thread owns it); no allocation after pm_risk_new, no I/O. Every
 * refused intent is counted by reason. */
#ifndef PM_CORE_RISK_H
#define PM_CORE_RISK_H

#include <stddef.h>
#include <stdint.h>

#include "core/market.h"
#include "core/money.h"

typedef enum pm_risk_reason {
    PM_RISK_OK = 0,
    PM_RISK_KILLED,            /* the kill switch is on */
    PM_RISK_HALTED,            /* trading halted (pm_risk_halt: e.g. a reconciliation difference) */
    PM_RISK_DAILY_LOSS,        /* the day's loss reached daily_loss_limit */
    PM_RISK_PAIR_BUSY,         /* a trade on this pair is still in flight */
    PM_RISK_PAIR_COOLDOWN,     /* too many one-legged outcomes on the pair lately */
    PM_RISK_PAIR_BLACKLISTED,  /* halted until a person clears it */
    PM_RISK_OPEN_ORDERS,       /* max_open_orders would be exceeded */
    PM_RISK_ORDER_RATE,        /* max_orders_per_second would be exceeded */
    PM_RISK_MIN_BALANCE,       /* a venue's cash after the leg would fall below its minimum */
    PM_RISK_PAIR_LIMIT,        /* contracts or notional per pair */
    PM_RISK_VENUE_LIMIT,       /* contracts or notional per venue */
    PM_RISK_TOTAL_LIMIT,       /* contracts or notional in total */
} pm_risk_reason;
#define PM_RISK_REASON_COUNT 13

typedef struct pm_risk_limits {
    pm_qty_t max_contracts_per_pair, max_contracts_per_venue, max_contracts_total;
    pm_usd_t max_notional_per_pair, max_notional_per_venue, max_notional_total;
    int64_t max_open_orders;
    int64_t max_orders_per_second;   /* also the bucket's depth */
    pm_usd_t daily_loss_limit;       /* > 0 */
    pm_usd_t min_balance[PM_VENUE_COUNT];
    int64_t max_one_legged;          /* one-legged outcomes in the window that start a cooldown */
    int64_t one_legged_window_ns;
} pm_risk_limits;

/* One leg of an intent: what it may spend and hold at most. */
typedef struct pm_risk_leg {
    pm_venue venue;
    pm_qty_t qty;                    /* contracts held if it fills (the larger of gross and held) */
    pm_usd_t cost;                   /* money at its limit, fees included */
} pm_risk_leg;

typedef struct pm_risk pm_risk;

typedef struct pm_risk_stats {
    uint64_t refused[PM_RISK_REASON_COUNT]; /* intents refused, by reason ([PM_RISK_OK]: accepted) */
    int64_t open_orders;
    pm_qty_t held_qty[PM_VENUE_COUNT], reserved_qty[PM_VENUE_COUNT];
    pm_usd_t held_cost[PM_VENUE_COUNT], reserved_cost[PM_VENUE_COUNT];
    pm_usd_t cash[PM_VENUE_COUNT];   /* last known cash minus what is reserved */
    pm_usd_t day_loss;               /* the day's loss (≥ 0) */
    int killed, halted;
    uint64_t one_legged, pairs_cooled, pairs_blacklisted;
} pm_risk_stats;

pm_risk *pm_risk_new(const pm_risk_limits *lim, size_t npairs);
void pm_risk_free(pm_risk *r);
/* Room for npairs pairs (the engine numbers pairs stably: a reload only adds). -1 out of memory. */
int pm_risk_resize(pm_risk *r, size_t npairs);

/* What the detector may still use on a pair: contracts per leg and money for both legs
 * (the least room of pair, venues, total and each venue's cash; 0 when killed, halted, past
 * the day's loss, busy or blacklisted — a cooldown is left to pm_risk_admit, which has the clock). */
void pm_risk_room(const pm_risk *r, size_t pair, pm_qty_t *max_qty, pm_usd_t *max_cost);
/* Cash a leg on venue v may spend (known cash − reserved − the venue's minimum; ≥ 0). */
pm_usd_t pm_risk_cash_room(const pm_risk *r, pm_venue v);

/* The gate: PM_RISK_OK and the intent's orders reserved (open orders += norders, tokens taken,
 * legs reserved, the pair busy), or the first reason that refuses it (counted; nothing changes).
 * Checked in enum order. now_mono for the order rate; */
pm_risk_reason pm_risk_admit(pm_risk *r, size_t pair, const pm_risk_leg *legs, int nlegs, int norders, int64_t now_mono);
/* A later order of an admitted intent (a hedge, an unwind): the order rate and open orders are
 * checked (and taken), the kill switch refuses it too; exposure limits are not (it reduces the
 * risk of what is held). */
pm_risk_reason pm_risk_admit_order(pm_risk *r, size_t pair, const pm_risk_leg *leg, int64_t now_mono);
/* An order finished: one open order less; its reservation (leg) released; what it filled
 * (held contracts, money; a sale: negative) is added to what is held. */
void pm_risk_order_done(pm_risk *r, size_t pair, const pm_risk_leg *reserved, pm_qty_t held_delta, pm_usd_t cash_delta);
/* A trade the gate did not admit holds the pair (one a restart recovered from an earlier run's
 * orders: it may have to hedge or unwind): pm_risk_admit refuses the pair (PM_RISK_PAIR_BUSY)
 * until every trade holding it is done. Nothing is reserved or counted. */
void pm_risk_trade_begin(pm_risk *r, size_t pair);
/* A trade on the pair is over (every order finished): one holder less; with none left the pair
 * is free again. */
void pm_risk_trade_done(pm_risk *r, size_t pair);

/* A one-legged outcome on the pair at now_mono: 0 nothing more, 1 the pair starts a cooldown,
 * 2 the pair is now blacklisted (the caller records it for a person to clear). */
int pm_risk_one_legged(pm_risk *r, size_t pair, int64_t now_mono);
/* A pair a person must clear (pair_halts): 1 when it was not blacklisted before, else 0. */
int pm_risk_pair_blacklist(pm_risk *r, size_t pair);
void pm_risk_pair_clear(pm_risk *r, size_t pair);
/* What a pair already holds on a venue when trading starts (positions of earlier runs). */
void pm_risk_hold(pm_risk *r, size_t pair, pm_venue v, pm_qty_t qty, pm_usd_t cost);

/* The venue's cash as last read (reconciliation); held cost changes do not move it, orders do. */
void pm_risk_set_cash(pm_risk *r, pm_venue v, pm_usd_t cash);
/* The day's PnL (realized + marked, micro-dollars; a loss is negative) at unix_ns. */
void pm_risk_set_pnl(pm_risk *r, pm_usd_t pnl, int64_t unix_ns);

void pm_risk_kill(pm_risk *r, int on);
void pm_risk_halt(pm_risk *r, int on);
int pm_risk_killed(const pm_risk *r);
int pm_risk_halted(const pm_risk *r);

void pm_risk_get_stats(const pm_risk *r, pm_risk_stats *out);
const char *pm_risk_reason_name(pm_risk_reason reason); /* "ok", "killed", "halted", "daily_loss", ... */

#endif
