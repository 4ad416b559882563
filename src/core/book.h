/* book.h — an order book for one outcome: bids and asks in fixed point, no allocation.
 *
 * Each side is a sorted array with the best level at the END (bids ascending by price, asks
 * descending), so the best price is O(1) and the updates that dominate real feeds — at or near
 * the top — move few elements. Capacity is fixed (PM_BOOK_DEPTH levels per side): when a side
 * overflows, the worst level is dropped and the side remembers that everything at or beyond
 * that price is unknown; updates there are ignored and a depth walk never counts on them. A
 * side that was truncated and then emptied has an unknown best price: the book says so and its
 * owner must resync it.
 *
 * Trust: a book is EMPTY until a snapshot arrives, LIVE after it, STALE when its feed lost
 * continuity (gap, bad message, disconnect) until the next snapshot. Only LIVE books trade. */
#ifndef PM_CORE_BOOK_H
#define PM_CORE_BOOK_H

#include <stddef.h>
#include <stdint.h>

#include "core/money.h"

#define PM_BOOK_DEPTH 64

typedef struct pm_level {
    pm_px_t px;
    pm_qty_t qty; /* > 0 */
} pm_level;

typedef enum pm_book_side_kind { PM_BID = 0, PM_ASK = 1 } pm_book_side_kind;

typedef struct pm_book_side {
    uint16_t n;          /* levels held */
    uint8_t kind;        /* PM_BID | PM_ASK */
    uint8_t truncated;   /* 1 when levels at or beyond `horizon` are unknown */
    pm_px_t horizon;     /* first unknown price (when truncated) */
    pm_level lv[PM_BOOK_DEPTH]; /* sorted, best at lv[n-1] */
} pm_book_side;

typedef enum pm_book_state {
    PM_BOOK_EMPTY = 0, /* never had a snapshot */
    PM_BOOK_LIVE = 1,  /* snapshot received, every update since applied */
    PM_BOOK_STALE = 2, /* continuity lost: waiting for a fresh snapshot */
} pm_book_state;

typedef struct pm_book {
    pm_book_side bid, ask;
    uint8_t state;      /* pm_book_state */
    uint8_t suspect;    /* the venue's own top disagreed with this book and nothing has settled it
                           yet (Polymarket's best_bid/best_ask): not traded on meanwhile */
    uint32_t epoch;     /* bumped at every snapshot: lets consumers notice a rebuilt book */
    int64_t updated_ns; /* monotonic time of the last change or confirmation */
} pm_book;

void pm_book_init(pm_book *b);
/* Whether orders may be priced on b: LIVE and not suspect. */
static inline int pm_book_tradeable(const pm_book *b) { return b->state == PM_BOOK_LIVE && !b->suspect; }
/* Drops all levels and marks the book STALE (or EMPTY if it never was live). */
void pm_book_invalidate(pm_book *b);

/* Replaces both sides from a snapshot and marks the book LIVE (epoch + 1). The level arrays are
 * the caller's scratch: they are sorted in place. Prices must be in 0..1, quantities > 0, and a
 * price may appear once per side; otherwise -1 and the book is left STALE. */
int pm_book_snapshot(pm_book *b, pm_level *bids, size_t nbids, pm_level *asks, size_t nasks, int64_t now_ns);

/* Sets the quantity at a price (0 removes the level). Returns 0; -1 for a price outside 0..1 or
 * a negative quantity (the caller then invalidates the book). */
int pm_book_side_set(pm_book_side *s, pm_px_t px, pm_qty_t qty);

/* Adds a signed change to the quantity at a price; a level reaching 0 disappears. -1 when the
 * result would be negative (the book and the feed disagree: invalidate and resync). */
int pm_book_side_add(pm_book_side *s, pm_px_t px, pm_qty_t delta);

/* Best level, or NULL when the side holds none. */
static inline const pm_level *pm_book_best(const pm_book_side *s) { return s->n ? &s->lv[s->n - 1] : NULL; }

/* 1 when the side's best price is known: it holds a level, or it is empty and complete. */
static inline int pm_book_side_known(const pm_book_side *s) { return s->n > 0 || !s->truncated; }

/* Quantity at exactly px (0 when absent). */
pm_qty_t pm_book_qty_at(const pm_book_side *s, pm_px_t px);

/* Walks a side from its best level toward `limit` (inclusive: asks up to it, bids down to it),
 * taking at most max_qty of the known levels. Reports the quantity available, Σ px·qty in
 * micro-dollars rounded up (the conservative figure for a buyer walking asks), the worst price
 * touched (0 when nothing) and the number of levels used. */
typedef struct pm_walk {
    pm_qty_t qty;
    pm_usd_t cost;     /* Σ px·qty / 10^6, rounded up */
    pm_px_t worst_px;
    int levels;
} pm_walk;
void pm_book_walk(const pm_book_side *s, pm_px_t limit, pm_qty_t max_qty, pm_walk *out);

#endif
