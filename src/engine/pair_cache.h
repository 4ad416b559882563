/* pair_cache.h — the approved pairs, in memory, for the hot path.
 *
 * Built once from the database (or row by row in tests), then read-only except for closing
 * markets: O(1) lookups by Kalshi ticker, by Polymarket token id (telling which outcome the
 * token is and, through the pair's polarity, which Kalshi outcome pays in the same world), and
 * by pair id. Keys are (pointer, length) so jsmn tokens can be looked up without copying.
 * Lookups allocate nothing and take no locks. A cache belongs to one thread (the feed thread);
 * pm_pair_slot hands a freshly loaded cache to that thread atomically (SIGHUP reload). */
#ifndef PM_ENGINE_PAIR_CACHE_H
#define PM_ENGINE_PAIR_CACHE_H

#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "core/market.h"
#include "core/money.h"
#include "store/db.h"
#include "store/matches.h"
#include "util/uuid.h"

#define PM_TICKER_MAX 96   /* Kalshi tickers are < 64 characters */
#define PM_TOKEN_ID_MAX 80 /* Polymarket token ids: uint256 in decimal, ≤ 78 digits */

typedef struct pm_pair {
    uint32_t index;        /* position in the cache: 0..pm_pair_cache_count()-1 */
    char id[PM_UUID_LEN];  /* market_matches.id */
    pm_polarity polarity;  /* SAME: Polymarket YES pays when Kalshi YES pays */
    int active;            /* 0 once either market closed (pm_pair_cache_close_market) */
    int halted;            /* 1: pair_halts holds an entry for it that no person has cleared */
    struct {
        char market_id[PM_UUID_LEN];   /* markets.id */
        char ticker[PM_TICKER_MAX];
        int64_t close_ns;              /* close time, Unix ns; 0 when unknown */
        pm_px_t tick_size;             /* -1: varies by price (Kalshi price ranges) or unknown */
        pm_qty_t min_order_size;       /* -1 unknown */
        char fee_type[32];             /* "" when unknown */
        int64_t fee_multiplier;        /* scale 6; -1 unknown */
    } kalshi;
    struct {
        char market_id[PM_UUID_LEN];   /* markets.id */
        char condition_id[PM_TOKEN_ID_MAX];
        char token_yes[PM_TOKEN_ID_MAX];
        char token_no[PM_TOKEN_ID_MAX];
        int64_t close_ns;
        pm_px_t tick_size;
        pm_qty_t min_order_size;
        int64_t fee_rate_bps;          /* -1 unknown */
        int neg_risk;
        int exchange_version;          /* 2, or 3 for Gamma protocol_version "v2" (ExchangeV3) */
    } polymarket;
} pm_pair;

/* One way a venue market id leads to a pair. */
typedef struct pm_pair_leg {
    pm_pair *pair;
    pm_venue venue;
    pm_outcome outcome;        /* the venue's own outcome named by the id (Kalshi ticker: YES) */
    pm_outcome kalshi_outcome; /* the Kalshi outcome that pays exactly when this one does */
} pm_pair_leg;

typedef struct pm_pair_cache pm_pair_cache;

/* Building. add() copies what it needs from the row; rows that cannot be traded (not
 * approved, missing ticker or token ids, over-long ids, unreadable close times) are skipped
 * and counted, with the reason in err and a return of 1. finish() builds the indexes and
 * fails on a pair id that appears twice; no add() after it. */
pm_pair_cache *pm_pair_cache_new(size_t capacity_hint);
int pm_pair_cache_add(pm_pair_cache *c, const pm_match_row *row, pm_err *err);
int pm_pair_cache_finish(pm_pair_cache *c, pm_err *err);
void pm_pair_cache_free(pm_pair_cache *c);

/* Loads every approved pair whose markets are both active (pm_store_list_approved_pairs),
 * with each pair's halt (pm_store_halted_pairs); skipped rows are logged once each with their
 * reason. */
int pm_pair_cache_load(pm_db *db, pm_pair_cache **out, pm_err *err);

size_t pm_pair_cache_count(const pm_pair_cache *c);   /* pairs, active or not */
size_t pm_pair_cache_active(const pm_pair_cache *c);  /* pairs still active */
size_t pm_pair_cache_skipped(const pm_pair_cache *c); /* rows add() refused */
pm_pair *pm_pair_cache_at(const pm_pair_cache *c, size_t index);

/* Lookups. Each returns the legs for the key (a contiguous array, *n of them; NULL and *n = 0
 * when none). Only active pairs are returned. A Kalshi or Polymarket market can belong to
 * more than one approved pair, hence arrays. */
const pm_pair_leg *pm_pair_cache_by_kalshi(const pm_pair_cache *c, const char *ticker, size_t len, size_t *n);
const pm_pair_leg *pm_pair_cache_by_token(const pm_pair_cache *c, const char *token_id, size_t len, size_t *n);
/* By pair id: the pair (active or not), or NULL. */
pm_pair *pm_pair_cache_by_id(const pm_pair_cache *c, const char *id, size_t len);

/* Marks inactive every pair that uses this market (Kalshi ticker or Polymarket condition id)
 * and removes it from the market lookups. Returns how many pairs were deactivated. No
 * allocation; owner thread only. */
size_t pm_pair_cache_close_market(pm_pair_cache *c, pm_venue venue, const char *platform_market_id, size_t len);

/* Hand-over of a fresh cache to the owning thread.
 *   request_reload   — async-signal-safe: a SIGHUP handler calls it.
 *   take_request     — 1 if a reload was requested since the last call (and clears it).
 *   publish          — any thread: offers a newly loaded cache; an offer not yet adopted is
 *                      replaced (and freed).
 *   adopt            — owner thread, between messages: if an offer is waiting, it becomes
 *                      current and the previous current is freed; returns current. */
typedef struct pm_pair_slot {
    _Atomic(pm_pair_cache *) offered;
    volatile sig_atomic_t reload_requested;
    pm_pair_cache *current; /* owner thread only */
} pm_pair_slot;

void pm_pair_slot_init(pm_pair_slot *s, pm_pair_cache *initial);
void pm_pair_slot_request_reload(pm_pair_slot *s);
int pm_pair_slot_take_request(pm_pair_slot *s);
void pm_pair_slot_publish(pm_pair_slot *s, pm_pair_cache *fresh);
pm_pair_cache *pm_pair_slot_adopt(pm_pair_slot *s);
void pm_pair_slot_destroy(pm_pair_slot *s); /* frees current and any offer */

#endif
