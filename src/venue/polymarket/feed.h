/* feed.h — the Polymarket market channel as a state machine, apart from any socket: it spreads
 * the subscribed assets (outcome token ids) over connections of at most assets_per_connection
 * each, keeps one order book per asset, applies `book` snapshots and `price_change` entries,
 * checks its books against the top of book the venue reports, and queues the text commands
 * (subscribe, unsubscribe, PING) each connection must send. The WebSocket layer (ws.h) only
 * moves frames in and commands out; tests drive it with recorded frames.
 *
 * Trust: a book is EMPTY/STALE until a fresh `book` snapshot arrives after (re)connect or
 * resync; deltas for it are ignored until then. A `tick_size_change` starts a new book epoch:
 * the book is dropped and resynced. Bad input (malformed or truncated frames, out-of-range
 * prices, a legacy price_change) is counted, logged once per kind, and the books it may have
 * touched are marked STALE and resynced (unsubscribe + subscribe on their connection, which
 * makes the venue send a fresh snapshot).
 *
 * Consistency rule: after a whole price_change message is applied, each asset it touched has
 * its top of book compared with the best_bid/best_ask of the message's last entry for that
 * asset (an empty side is written "" or as the bound, best_bid "0" / best_ask "1"). Agreement
 * confirms the book. A disagreement is tolerated while it is explained by
 * messages still in flight: the venue computes best_bid/best_ask after a whole match, while the
 * deltas of that match arrive as several messages with the same venue timestamp (the captured
 * crossing burst shows this). So the asset becomes UNCONFIRMED at that timestamp, and is
 * resynced when the disagreement is still there after a message with a LATER venue timestamp,
 * or when it has lasted consistency_grace_ms on our clock (poly_feed_tick) — whichever first.
 * (best_bid_ask messages are only counted: the check uses what price_change itself reports.)
 * Below the top, the venue's book hash (book_hash.h) is compared too, for the assets whose
 * market poly_feed_set_market described, at snapshots and whenever an order is to be priced
 * on the book (poly_feed_verify): once a hash of the asset has agreed with ours (its
 * last_trade_price and the rest of its summary are known), a hash that differs is a
 * disagreement like the above — a lost update below the top of the book. A snapshot whose hash
 * differs (a trade's price missed) stops the check until one agrees.
 *
 * Silent freezes: per connection, the mean gap between data messages is tracked (EWMA, 1/8);
 * once a connection has seen POLY_FREEZE_MIN_SAMPLES data messages, a quiet period longer than
 * max(freeze_floor_ms, freeze_factor × mean gap) while the socket stays open means the venue
 * stopped streaming: poly_feed_tick asks for a reconnect. */
#ifndef PM_VENUE_POLYMARKET_FEED_H
#define PM_VENUE_POLYMARKET_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "core/book.h"
#include "core/events.h"
#include "util/err.h"
#include "venue/polymarket/ws_msg.h"

#define POLY_ASSET_ID_MAX 100        /* longest token id accepted (decimal uint256 has ≤ 78 digits) */
#define POLY_FREEZE_MIN_SAMPLES 16   /* data messages before a connection counts as "normally ticking" */
#define POLY_FEED_MAX_TOKENS (1 << 19) /* JSON tokens of one frame (an initial dump of many books) */

typedef struct poly_feed_config {
    int64_t assets_per_connection;   /* [polymarket] assets_per_connection */
    int64_t ping_interval_ms;        /* text PING cadence */
    int64_t pong_timeout_ms;         /* unanswered PING: reconnect */
    int64_t freeze_floor_ms;         /* [polymarket] freeze_floor_ms */
    int64_t freeze_factor;           /* [polymarket] freeze_factor */
    int64_t consistency_grace_ms;    /* [polymarket] consistency_grace_ms */
} poly_feed_config;

/* The defaults (the same as the config file's). */
void poly_feed_config_default(poly_feed_config *c);
/* The defaults with the [polymarket] keys of a loaded configuration applied. */
void poly_feed_config_from(const pm_config *cfg, poly_feed_config *c);

typedef struct poly_feed_stats {
    uint64_t frames, messages, snapshots, deltas, book_updates;
    uint64_t ignored_deltas;   /* entries for a book waiting for its snapshot */
    uint64_t malformed;        /* bad frames or messages */
    uint64_t unknown_type, unknown_asset, texts, pongs;
    uint64_t mismatches;       /* top-of-book disagreements seen (tolerated or not) */
    uint64_t hash_ok;          /* book hashes that agreed with ours */
    uint64_t hash_mismatches;  /* a reproduced hash that differed from the book (verify, or pending) */
    uint64_t hash_unproven;    /* snapshots whose hash pmarb did not reproduce */
    uint64_t hash_unchecked;   /* hashes not computable (a book held in part) */
    uint64_t resyncs, tick_changes, freezes, pong_timeouts;
    uint64_t trades, best_bid_asks, market_events;
} poly_feed_stats;

typedef enum poly_feed_action {
    POLY_FEED_OK = 0,
    POLY_FEED_RECONNECT,       /* drop this connection and dial again (freeze, dead keep-alive) */
} poly_feed_action;

typedef struct poly_feed poly_feed;

/* A feed able to hold max_assets assets. */
poly_feed *poly_feed_new(const poly_feed_config *cfg, size_t max_assets, pm_err *err);
void poly_feed_free(poly_feed *f);

/* Subscribes an asset (a token id: digits or letters) at any time: it goes to the first
 * connection with room, a new one when all are full. Returns its index (stable while it stays
 * subscribed), or -1 (bad id, no capacity). Adding an asset already there returns its index. */
int poly_feed_add(poly_feed *f, const char *asset_id, pm_err *err);
/* What an asset's book summary holds besides its levels (book_hash.h): its market's
 * min_order_size (-1 unknown: the venue's hashes are then not checked) and neg_risk. */
void poly_feed_set_market(poly_feed *f, int asset, pm_qty_t min_order_size, int neg_risk);
/* Before an order is priced on asset's book: 1 when the venue's hash of the book as it is
 * now agrees with it, or says nothing (no hash yet, market not described, never reproduced,
 * a side held in part); 0 when it differs — the book is then UNCONFIRMED and suspect as above
 * (resynced after a later message or the grace period unless the venue's hash agrees again).
 * SHA-1 over the whole summary costs microseconds: it runs here, at snapshots and while a
 * difference is pending, not on every message. */
int poly_feed_verify(poly_feed *f, int asset, int64_t now_ns);
/* Unsubscribes an asset: 0, or -1 when it is not subscribed. Its index may be reused later. */
int poly_feed_remove(poly_feed *f, const char *asset_id);

/* Connections in use so far (indexes 0..n-1); grows as assets are added. */
size_t poly_feed_connections(const poly_feed *f);
/* Assets subscribed on a connection. */
size_t poly_feed_conn_assets(const poly_feed *f, int conn);

/* 1 while connection conn is open (between poly_feed_connected and poly_feed_disconnected). */
int poly_feed_conn_up(const poly_feed *f, int conn);

/* Connection conn opened at now_ns: its subscription is queued. */
void poly_feed_connected(poly_feed *f, int conn, int64_t now_ns);
/* Connection conn dropped: its books are STALE until their fresh snapshots (one PM_EV_STALE). */
void poly_feed_disconnected(poly_feed *f, int conn, int64_t now_ns, pm_event_fn emit, void *user);

/* Handles one text frame received on conn at now_ns (monotonic), emitting core events (BOOK,
 * STALE, MARKET) through emit. Never fails: bad input is counted, logged and resynced. */
void poly_feed_frame(poly_feed *f, int conn, const char *frame, size_t len, int64_t now_ns, pm_event_fn emit,
                     void *user);

/* Timers of conn at now_ns: keep-alive PINGs, unanswered PINGs, silent freezes, disagreements
 * past their grace. Call often (every service round). */
poly_feed_action poly_feed_tick(poly_feed *f, int conn, int64_t now_ns, pm_event_fn emit, void *user);

/* The next command conn must send (NUL-terminated text), or NULL; valid until the next call. */
const char *poly_feed_next_command(poly_feed *f, int conn, size_t *len);

size_t poly_feed_capacity(const poly_feed *f);
int poly_feed_index(const poly_feed *f, const char *asset_id, size_t len); /* -1 when not subscribed */
const char *poly_feed_asset(const poly_feed *f, int asset);                /* NULL for a free index */
int poly_feed_conn_of(const poly_feed *f, int asset);
const pm_book *poly_feed_book(const poly_feed *f, int asset);
pm_px_t poly_feed_tick_size(const poly_feed *f, int asset);                /* POLY_PX_NONE until known */
int poly_feed_confirmed(const poly_feed *f, int asset);                    /* 0 while UNCONFIRMED */
void poly_feed_get_stats(const poly_feed *f, poly_feed_stats *out);

#endif
