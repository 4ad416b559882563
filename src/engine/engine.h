/* engine.h — the trading engine on the feed thread: it owns the approved pairs (through a
 * pm_pair_slot, so SIGHUP reloads are adopted between messages), both venues' feeds
 * (feeds.h), the detector's per-pair state and paper trading. Its pm_event_fn runs on every
 * core event: a PM_EV_BOOK that touches a pair runs the detector over the pair's both
 * directions; each opportunity goes to the writer thread (`opportunities`, decision traded /
 * rejected / skipped with the reason) and, in paper mode, is filled against the current books
 * (paper.h), with fills and positions recorded too. A market closing drops its pairs.
 *
 * Hot path (on_event): no allocation, no locks, no I/O — the writer queue is lock-free and a
 * full queue is counted. Time comes only from the events (recv_ns) and the clock offset set by
 * the caller, so a replay is deterministic.
 *
 * Risk in paper mode: each opportunity is sized within what is left of [risk]
 * max_contracts_per_pair / _per_venue / _total and max_notional_per_pair / _total; the cash
 * available on each venue is what is left of max_notional_per_venue. */
#ifndef PM_ENGINE_ENGINE_H
#define PM_ENGINE_ENGINE_H

#include <stdint.h>
#include <stdio.h>

#include "config/config.h"
#include "core/detector.h"
#include "engine/feeds.h"
#include "engine/pair_cache.h"
#include "engine/paper.h"
#include "store/writer.h"

typedef struct pm_engine pm_engine;

typedef struct pm_engine_stats {
    uint64_t events, books, stale_events, market_events, fee_events, pairs_closed;
    uint64_t frames[PM_VENUE_COUNT];
    uint64_t opportunities, traded, rejected, skipped;
    uint64_t writer_full;     /* records the writer queue refused */
    uint64_t det[PM_DET_STATUS_COUNT];
    uint64_t poly_hashes[4];  /* Polymarket book hashes: agreed, differed, snapshot not reproduced, not computable */
} pm_engine_stats;

/* The detector's parameters from [strategy]: min_annualized_return (scale 6) as basis points,
 * max_book_age_ms in nanoseconds. */
pm_det_params pm_engine_det_params(const pm_config *cfg);

/* An engine over these pairs (taken over: freed with the engine). writer may be NULL (nothing
 * stored: replays). max_tokens: room in the Polymarket feed for assets added by reloads. */
int pm_engine_new(const pm_config *cfg, pm_pair_cache *pairs, pm_writer *writer, size_t max_tokens, pm_engine **out,
                  pm_err *err);
void pm_engine_free(pm_engine *e);

pm_feeds *pm_engine_feeds(pm_engine *e);
pm_pair_slot *pm_engine_slot(pm_engine *e);
pm_pair_cache *pm_engine_pairs(pm_engine *e);

struct pm_live;
struct pm_risk;
/* Live mode: every opportunity goes through the risk gate to live (live.h) instead of paper;
 * the detector's limits and balances come from the gate. risk must have room for
 * pm_engine_risk_slots() pairs (the engine resizes it on reloads). */
void pm_engine_set_live(pm_engine *e, struct pm_live *live, struct pm_risk *risk);
/* Risk slots: a stable number per pair id for the live gate (a reload keeps a pair's, gives
 * new pairs new ones). The count handed out, and a pair's (−1 unknown). */
size_t pm_engine_risk_slots(const pm_engine *e);
int pm_engine_risk_slot(const pm_engine *e, const char *pair_id);
/* The current book of a Kalshi ticker or Polymarket token id (NULL when not subscribed); ctx is
 * the engine (a pm_live_books callback). */
const pm_book *pm_engine_book(void *ctx, pm_venue v, const char *market_id);

/* The two legs (Kalshi first) of the trade on pair pair_id one of whose legs buys outcome o of
 * market_id on venue v, on the current books; *pair and *slot (its risk slot) set. The legs
 * point into the engine, valid until the next message. 0, or -1 when no loaded pair has such
 * a leg. ctx is the engine (a pm_live_books callback). */
int pm_engine_legs_of(void *ctx, const char *pair_id, pm_venue v, const char *market_id, pm_outcome o, const pm_pair **pair,
                      size_t *slot, pm_det_leg legs[2]);

/* Unix time = monotonic time + offset (close times and annualized returns use it). */
void pm_engine_set_clock_offset(pm_engine *e, int64_t unix_minus_mono_ns);

/* Between messages: adopts a reloaded pair cache if one is waiting (subscribing its new Kalshi
 * tickers and Polymarket tokens on the live connections — their books stale until their
 * snapshots — and unsubscribing the tokens no pair uses any more and nothing holds, on paper
 * or live). Kalshi tickers past the room reserved at start (half of max_tokens) stay
 * untradable until a restart, and are logged. 1 when adopted. */
int pm_engine_adopt(pm_engine *e);

/* The pm_event_fn the feeds call (user = the engine). */
void pm_engine_on_event(void *user, const pm_event *ev);

void pm_engine_get_stats(const pm_engine *e, pm_engine_stats *out);
void pm_engine_get_paper(const pm_engine *e, pm_paper_totals *out);

/* Books of the active pairs' markets that are not LIVE, out of *total. */
size_t pm_engine_books_stale(const pm_engine *e, size_t *total);
/* Positions marked to market at the best bid of what is held (Kalshi NO: 1 − YES ask; a
 * book that is not LIVE or has no bid marks at 0): value − cost, micro-dollars. */
pm_usd_t pm_engine_marked_pnl(const pm_engine *e);

/* The run's summary (the same for a paper run and a replay): counts, paper fills, PnL at
 * settlement and marked at bids, and every position. Deterministic: no timings. */
void pm_engine_summary(const pm_engine *e, FILE *out);

#endif
