/* detector.h — the depth-walking arbitrage detector (DESIGN.md §5). Hot path: it runs on the
 * feed thread after every book update that touches a pair, and allocates nothing, takes no
 * locks and does no I/O. It sees books and fee parameters only (core/ knows no venue module,
 * no pair cache): src/engine translates a pm_pair into pm_det_market values (see below).
 *
 * The trade: buy one outcome on one side and the complementary outcome on the other, so that
 * exactly one of the two pays $1 whatever happens. For a matched pair there are two:
 *   PM_DIR_KALSHI_YES  Kalshi YES + the Polymarket token that pays when Kalshi NO pays
 *   PM_DIR_KALSHI_NO   Kalshi NO  + the Polymarket token that pays when Kalshi YES pays
 * (polarity SAME: Polymarket NO resp. YES; INVERTED: Polymarket YES resp. NO), and, with
 * [strategy] same_venue = on, YES + NO on each venue alone (same code, both legs on one venue).
 *
 * Sizing. Both legs are walked from their best ask (a Kalshi NO ask is 1 − a YES-book bid)
 * level by level, in contracts HELD (a Polymarket buy delivers fewer shares than it buys: its
 * fee is taken in shares, so that leg is grossed up until it holds as many contracts as the
 * other). The walk goes on while the marginal cost of one more held contract on both legs, fees
 * included at that level (pm_fee_marginal_buy), is at most $1 − min_edge, and stops at the
 * first level off the leg's tick grid. Profit is linear inside a segment where neither leg
 * changes level, so the best size is a segment end: each segment end (capped by max_size, the
 * risk caps, and the depth walked) is priced exactly — Kalshi per fill (one fill per level:
 * trade fee to $0.0001, balance to the cent), Polymarket per level in shares — then cut down
 * to what the balances and the notional cap allow, rounded down to the order lots, checked
 * against minimum order sizes, and the most profitable one whose exact cost is at most
 * qty × ($1 − min_edge) wins (ends are priced from the largest down and the search stops
 * once an upper bound of the remaining ones' profit cannot beat the best: typically one or two
 * are priced). Sizes never round up past the depth walked; a Polymarket leg's lot round-up
 * may take up to one lot from the next level, and its limit price is then that level's. A leg
 * bought in whole cents (buy_in_cents) is then sized up to what its amount buys at the limit
 * (pm_poly_buy_size: at most 0.01 / limit shares more), re-walked if that reaches a level
 * further, so the order's size is exactly what is signed; it may hold a little more than the
 * other leg.
 *
 * Emission: profit ≥ min_profit and annualized return to the later close time ≥
 * min_annualized_bps (profit / cost × year / time left; a market already closed or with no
 * known close time has none, so it passes only when min_annualized_bps is 0, with
 * annualized_bps −1). Repeats are suppressed: an
 * opportunity is emitted again only when the books changed materially — a book's epoch
 * changed, or a level the walk examined (those used, and the first one refused) changed price
 * or size — or the result did (size or cost, e.g. after a balance changed), or the legs are
 * other outcomes (a polarity flip). A signature of all that is kept in the memo. When a
 * direction finds nothing its memo is cleared, so a reappearing opportunity is new.
 *
 * Freshness gate (before any walk): both books LIVE, each updated or confirmed within
 * max_book_age_ns of now, the walked sides' best price known (not truncated and emptied),
 * both connections alive (the caller's flags), and both fee models known.
 *
 * Adapter (src/engine, from pm_pair + books + config + balances):
 *   Kalshi market:     yes = the ticker's book (asks derived from NO bids), no = NULL (NO asks
 *                      are 1 − its bids), id_yes = id_no = ticker; fee = pm_fee_kalshi_parse(
 *                      kalshi.fee_type, kalshi.fee_multiplier, cfg [kalshi] flat_fee);
 *                      tick = kalshi.tick_size (−1 → 0: grid not checked), lot = 1 contract,
 *                      min_qty = kalshi.min_order_size (−1 → the lot).
 *   Polymarket market: yes / no = the YES / NO token books, ids = token_yes / token_no;
 *                      fee = pm_fee_poly_bps(polymarket.fee_rate_bps); tick = tick_size;
 *                      lot = 0.01 share; min_qty = min_order_size (in shares, gross);
 *                      buy_in_cents = 1.
 *   close_ns from the pair (Unix ns, 0 unknown); balance = cash free on that venue;
 *   params from [strategy] (min_annualized_return scale 6 → bps: ÷ 100; max_book_age_ms × 10^6);
 *   limits from [risk] minus what is already committed. */
#ifndef PM_CORE_DETECTOR_H
#define PM_CORE_DETECTOR_H

#include <stdint.h>

#include "core/book.h"
#include "core/fees.h"
#include "core/market.h"
#include "core/money.h"

#define PM_DET_ID_MAX 96      /* market id copied into an opportunity (ticker / token id) */
#define PM_YEAR_NS (365LL * 24 * 3600 * 1000000000LL)

typedef enum pm_det_dir {
    PM_DIR_KALSHI_YES = 0,   /* Kalshi YES + Polymarket equivalent-NO */
    PM_DIR_KALSHI_NO = 1,    /* Kalshi NO + Polymarket equivalent-YES */
    PM_DIR_SAME_KALSHI = 2,  /* Kalshi YES + Kalshi NO (same_venue) */
    PM_DIR_SAME_POLY = 3,    /* Polymarket YES + NO tokens (same_venue) */
} pm_det_dir;
#define PM_DIR_COUNT 4

/* What a scan of one direction concluded (counters, tests, the status line). */
typedef enum pm_det_status {
    PM_DET_FOUND = 0,        /* an opportunity was written */
    PM_DET_SUPPRESSED,       /* the same opportunity as last time on unchanged books */
    PM_DET_NO_EDGE,          /* best levels already cost more than $1 − min_edge */
    PM_DET_NOT_FRESH,        /* a book not LIVE, too old, side unknown, or a connection down */
    PM_DET_NO_FEES,          /* a fee schedule is unknown */
    PM_DET_TOO_SMALL,        /* nothing left after caps, balances, lots and minimum sizes */
    PM_DET_LOW_PROFIT,       /* profit < min_profit */
    PM_DET_LOW_RETURN,       /* annualized return < min_annualized_bps, or no close time */
} pm_det_status;
#define PM_DET_STATUS_COUNT 8

/* [strategy], in detector units. */
typedef struct pm_det_params {
    pm_usd_t min_edge;           /* per contract: cost per contract pair ≤ $1 − min_edge */
    pm_usd_t min_profit;         /* per opportunity */
    pm_qty_t max_size;           /* contracts per opportunity (per leg, held) */
    int64_t max_book_age_ns;
    int64_t min_annualized_bps;  /* 0.10 a year = 1000 */
    int same_venue;              /* 1: also scan PM_DIR_SAME_* in pm_det_scan_pair */
} pm_det_params;

/* Risk room left for this pair (the caller subtracts what is already committed). */
typedef struct pm_det_limits {
    pm_qty_t max_qty;            /* contracts per leg */
    pm_usd_t max_cost;           /* money for both legs together, fees included */
} pm_det_limits;

/* One venue's market of a pair, as the detector sees it. */
typedef struct pm_det_market {
    pm_venue venue;
    const pm_book *yes;          /* Kalshi: the one book; Polymarket: the YES token's book */
    const pm_book *no;           /* Polymarket: the NO token's book; NULL: NO asks = 1 − yes bids */
    const char *id_yes, *id_no;  /* Kalshi: the ticker (both); Polymarket: token ids */
    pm_fee_model fee;
    pm_px_t tick;                /* price grid; 0 = not checked */
    pm_qty_t lot;                /* order size step (> 0) */
    pm_qty_t min_qty;            /* least order size (gross contracts/shares) */
    int buy_in_cents;            /* 1: a buy gives whole cents and is signed for the shares they buy
                                  * at its limit (Polymarket market buys: core/poly_amount.h) */
    pm_usd_t balance;            /* cash available on this venue */
    int64_t close_ns;            /* Unix ns; 0 unknown */
    int alive;                   /* 1 when the venue's feed connection is up */
} pm_det_market;

/* One leg of a trade: buying one outcome of one market (built from a pm_det_market). */
typedef struct pm_det_leg {
    const pm_det_market *m;
    pm_outcome outcome;          /* outcome bought */
    const pm_book *book;         /* the book walked */
    int mirrored;                /* 0: walk book->ask; 1: walk book->bid at 1 − price */
    const char *id;              /* market id of the outcome bought */
} pm_det_leg;

/* Caller-owned memory of the last emission per pair and direction (repeat suppression).
 * Zero-initialize; keep one per pair per direction. */
typedef struct pm_det_memo {
    uint64_t sig;                /* signature of epochs + walked levels; 0 = nothing emitted */
} pm_det_memo;

typedef struct pm_opp_leg {
    pm_venue venue;
    pm_outcome outcome;
    char market_id[PM_DET_ID_MAX]; /* ticker / token id */
    pm_px_t limit_px;            /* worst price walked: the order's limit */
    pm_qty_t qty;                /* order size (gross) */
    pm_qty_t held;               /* contracts held after fees (≥ the opportunity's qty) */
    pm_usd_t cost;               /* money paid, fees included */
    pm_usd_t fee;                /* part of cost that is fee (Polymarket: fee shares at price) */
    pm_qty_t fee_shares;         /* Polymarket buy: shares withheld */
    int levels;                  /* book levels used */
    int64_t book_age_ns;         /* now − the book's updated_ns */
} pm_opp_leg;

typedef struct pm_opportunity {
    pm_det_dir dir;
    pm_qty_t qty;                /* contracts hedged: each pays $1 in exactly one outcome */
    pm_opp_leg leg[2];           /* cross-venue: leg[0] Kalshi, leg[1] Polymarket */
    pm_usd_t cost;               /* both legs, fees included */
    pm_usd_t profit;             /* qty × $1 − cost */
    int64_t annualized_bps;      /* profit / cost per year to the later close */
    int64_t close_ns;            /* the later close time */
    int64_t detected_ns;         /* now (monotonic) */
} pm_opportunity;

/* Now, in both clocks: books age on the monotonic clock, close times are Unix. */
typedef struct pm_det_clock {
    int64_t mono_ns;
    int64_t unix_ns;
} pm_det_clock;

/* Evaluates one trade of two legs: gate, walk, size, price, emit-or-suppress. Writes *out and
 * updates *memo only on PM_DET_FOUND; clears *memo on every status but FOUND/SUPPRESSED. */
pm_det_status pm_det_eval(const pm_det_params *p, const pm_det_limits *lim, const pm_det_clock *now,
                          const pm_det_leg *a, const pm_det_leg *b, pm_det_dir dir, pm_det_memo *memo,
                          pm_opportunity *out);

/* The legs of a direction: cross-venue needs both markets and the polarity; SAME_KALSHI uses
 * k only, SAME_POLY uses p only. */
void pm_det_legs(pm_det_dir dir, const pm_det_market *k, const pm_det_market *pm, pm_polarity polarity,
                 pm_det_leg *a, pm_det_leg *b);

/* Scans every direction of a pair (the two cross-venue ones, plus the same-venue ones when
 * params->same_venue): memo[PM_DIR_COUNT] is the pair's; found opportunities go to out
 * (room for PM_DIR_COUNT), status[dir] (optional, may be NULL) gets each direction's verdict.
 * Returns the number written. Both directions share lim and the balances: the caller executes
 * at most one of them at a time and rescans after it. */
int pm_det_scan_pair(const pm_det_params *p, const pm_det_limits *lim, const pm_det_clock *now,
                     const pm_det_market *k, const pm_det_market *pm, pm_polarity polarity,
                     pm_det_memo memo[PM_DIR_COUNT], pm_opportunity out[PM_DIR_COUNT],
                     pm_det_status status[PM_DIR_COUNT]);

const char *pm_det_status_name(pm_det_status s); /* "found", "suppressed", "no_edge", ... */
const char *pm_det_dir_name(pm_det_dir d);       /* "kalshi_yes" | "kalshi_no" | "same_kalshi" | "same_polymarket" */

#endif
