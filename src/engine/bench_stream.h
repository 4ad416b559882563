/* bench_stream.h — a seeded, deterministic stream of Kalshi and Polymarket book messages in the
 * venues' wire formats, for `pmarb bench`. Shapes and lengths follow the real captures in
 * ../shared/research/data: Kalshi orderbook_snapshot / orderbook_delta (fixed-point strings,
 * seq per subscription), Polymarket `book` (key order and fields as captured) and price_change
 * with both tokens' entries and best_bid/best_ask.
 *
 * The generator keeps a model of every book, so the stream is consistent: every delta applies
 * (no gaps, no level below zero), every price_change's best_bid/best_ask agree with the books it
 * leaves, no venue's book is ever crossed. Each pair has a fair value; its books move around it,
 * so the two venues' prices sometimes cross and the detector has real work.
 *
 * Order: first one snapshot of every book (Kalshi per ticker, Polymarket per token), then a mix
 * of 55% price_change, 2% Polymarket book, 42.5% Kalshi delta, 0.5% Kalshi snapshot (a resend of
 * the current book on the same subscription). Messages are produced batch by batch into a
 * caller-owned buffer, so a long stream needs little memory. */
#ifndef PM_ENGINE_BENCH_STREAM_H
#define PM_ENGINE_BENCH_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "core/market.h"
#include "util/err.h"

#define PM_BENCH_ID_MAX 96           /* longest ticker / token / condition id (with NUL) */
#define PM_BENCH_MSG_MAX 4096        /* longest message generated */
#define PM_BENCH_TICKERS_PER_SID 200 /* default tickers per Kalshi subscription */

typedef enum pm_bench_kind {
    PM_BENCH_K_SNAPSHOT = 0, /* Kalshi orderbook_snapshot */
    PM_BENCH_K_DELTA,        /* Kalshi orderbook_delta */
    PM_BENCH_P_BOOK,         /* Polymarket book */
    PM_BENCH_P_CHANGE,       /* Polymarket price_change (YES and NO entries) */
} pm_bench_kind;
#define PM_BENCH_KINDS 4

typedef struct pm_bench_msg {
    uint32_t off, len;       /* text[off .. off + len) of the batch */
    pm_venue venue;
    pm_bench_kind kind;
    uint32_t pair;
    int token;               /* PM_BENCH_P_BOOK: 0 the YES token's book, 1 the NO token's; else 0 */
} pm_bench_msg;

/* A caller-owned batch: up to cap messages in text_cap bytes. */
typedef struct pm_bench_batch {
    char *text;
    size_t text_cap, text_len;
    pm_bench_msg *msg;
    size_t cap, n;
} pm_bench_batch;

typedef struct pm_bench_gen pm_bench_gen;

/* A generator of pairs pairs (≥ 1) from seed. kalshi_yes_price: the Kalshi subscription was made
 * with use_yes_price (NO levels are then written at YES prices, 1 − the NO price). NULL with
 * err on bad arguments or no memory. */
pm_bench_gen *pm_bench_gen_new(size_t pairs, uint64_t seed, int kalshi_yes_price, pm_err *err);
void pm_bench_gen_free(pm_bench_gen *g);

size_t pm_bench_gen_pairs(const pm_bench_gen *g);
/* Ids of pair i: Kalshi ticker, Polymarket condition id and YES / NO token ids. */
const char *pm_bench_ticker(const pm_bench_gen *g, size_t i);
const char *pm_bench_condition(const pm_bench_gen *g, size_t i);
const char *pm_bench_token(const pm_bench_gen *g, size_t i, pm_outcome o);
/* The Kalshi subscription (sid, 1..pairs + 1) pair's messages carry; by default chunks of
 * PM_BENCH_TICKERS_PER_SID tickers in pair order are sids 1, 2, … Set before the first fill. */
int pm_bench_gen_set_sid(pm_bench_gen *g, size_t pair, int64_t sid);
/* Messages of the initial snapshots: 3 per pair. */
size_t pm_bench_initial(const pm_bench_gen *g);

/* Batches. */
int pm_bench_batch_init(pm_bench_batch *b, size_t cap, size_t text_cap);
void pm_bench_batch_free(pm_bench_batch *b);

/* Replaces b's contents with the next messages of the stream: up to want (and b's room).
 * Returns how many were written. */
size_t pm_bench_gen_fill(pm_bench_gen *g, pm_bench_batch *b, size_t want);

#endif
