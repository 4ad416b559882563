/* feed.h — the Kalshi market-data protocol as a state machine, apart from any socket: it
 * decides what to subscribe, applies snapshots and deltas to one order book per market,
 * tracks `seq` per subscription, and when continuity breaks (a gap, an inconsistent delta, a
 * malformed frame, error 10 or 25, a disconnect) marks the affected books STALE and queues the
 * commands that rebuild them from fresh snapshots. The WebSocket layer only moves frames in
 * and commands out; tests drive it with recorded frames.
 *
 * Books: one per ticker, for the YES outcome — bids are Kalshi's YES bids, asks are derived
 * from NO bids (YES ask = 1 − NO bid, same size). The NO book is this one mirrored. */
#ifndef PM_VENUE_KALSHI_FEED_H
#define PM_VENUE_KALSHI_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "core/book.h"
#include "util/err.h"
#include "venue/kalshi/ws_msg.h"

#define KALSHI_FEED_TICKERS_PER_SUB 200 /* tickers per subscribe command */
#define KALSHI_FEED_CMD_MAX 32768       /* longest command text */

typedef struct kalshi_feed kalshi_feed;

typedef struct kalshi_feed_stats {
    uint64_t frames, book_updates, snapshots, malformed, unknown_type, unknown_ticker, gaps, resyncs,
        venue_errors, inconsistent;
} kalshi_feed_stats;

/* What one frame changed, for the caller to act on. */
typedef enum kalshi_feed_event {
    KALSHI_FEED_NONE = 0,
    KALSHI_FEED_BOOK,        /* the book of `market` changed (or was rebuilt) */
    KALSHI_FEED_STALE,       /* books went stale: a resync is under way */
    KALSHI_FEED_MARKET,      /* lifecycle of `market`: see msg.event_type */
    KALSHI_FEED_FILL,        /* own fill: see msg */
    KALSHI_FEED_ORDER,       /* own order update: see msg */
    KALSHI_FEED_FEE,         /* event fee change: see msg */
} kalshi_feed_event;

typedef struct kalshi_feed_result {
    kalshi_feed_event event;
    int market;              /* index of the ticker (BOOK, MARKET), else -1 */
    const kalshi_msg *msg;   /* the parsed frame (valid until the next frame) */
} kalshi_feed_result;

/* A feed for these tickers (copied). use_yes_price: the form requested when subscribing. */
kalshi_feed *kalshi_feed_new(const char *const *tickers, size_t n, int use_yes_price, pm_err *err);
void kalshi_feed_free(kalshi_feed *f);

/* Adds tickers (copied; those already held are skipped) at any time, on new orderbook_delta
 * subscriptions: subscribed at once on a live connection, else at the next connect. Their books
 * are EMPTY until their snapshots. Existing markets keep their indexes; book pointers taken
 * before the call are invalid after it. Not for the hot path (it allocates). 0, or -1 with err
 * (a bad ticker, out of memory: then nothing is added). */
int kalshi_feed_add(kalshi_feed *f, const char *const *tickers, size_t n, pm_err *err);

/* The connection opened: queue the subscriptions (orderbook_delta per chunk of tickers,
 * market_lifecycle_v2, and — when with_user_channels — fill and user_orders). */
void kalshi_feed_connected(kalshi_feed *f, int with_user_channels);

/* The connection dropped: every book is STALE until its next snapshot; pending commands go. */
void kalshi_feed_disconnected(kalshi_feed *f);

/* Handles one text frame received at now_ns (monotonic). Never fails: bad input is counted,
 * logged once with context, and triggers a resync of what it may have affected. */
void kalshi_feed_frame(kalshi_feed *f, const char *frame, size_t len, int64_t now_ns, kalshi_feed_result *res);

/* The next command to send (NUL-terminated JSON), or NULL when none; valid until the next
 * call. */
const char *kalshi_feed_next_command(kalshi_feed *f, size_t *len);

/* 1 when every subscription wanted on this connection has been acknowledged (a sid): only then
 * do our own fills and order updates reach us, so nothing should trade before. */
int kalshi_feed_ready(const kalshi_feed *f);

size_t kalshi_feed_count(const kalshi_feed *f);
int kalshi_feed_index(const kalshi_feed *f, const char *ticker, size_t len); /* -1 unknown */
const char *kalshi_feed_ticker(const kalshi_feed *f, int market);
const pm_book *kalshi_feed_book(const kalshi_feed *f, int market);
void kalshi_feed_get_stats(const kalshi_feed *f, kalshi_feed_stats *out);

#endif
