/* book.c — fixed-capacity sorted order book sides (see book.h). */
#include "core/book.h"

#include <stdlib.h>
#include <string.h>

/* Sort key: larger is better on both sides. */
static inline int64_t key(const pm_book_side *s, pm_px_t px) { return s->kind == PM_BID ? px : -px; }

void pm_book_init(pm_book *b) {
    memset(b, 0, sizeof *b);
    b->bid.kind = PM_BID;
    b->ask.kind = PM_ASK;
    b->state = PM_BOOK_EMPTY;
}

static void side_clear(pm_book_side *s) {
    s->n = 0;
    s->truncated = 0;
    s->horizon = 0;
}

void pm_book_invalidate(pm_book *b) {
    side_clear(&b->bid);
    side_clear(&b->ask);
    if (b->state == PM_BOOK_LIVE) b->state = PM_BOOK_STALE;
}

/* Position of the first level whose key is ≥ k (levels are ascending by key). */
static size_t lower_bound(const pm_book_side *s, int64_t k) {
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (key(s, s->lv[mid].px) < k) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* 1 when px lies in the unknown region beyond the horizon. */
static inline int beyond_horizon(const pm_book_side *s, pm_px_t px) {
    return s->truncated && key(s, px) <= key(s, s->horizon);
}

static void insert_at(pm_book_side *s, size_t pos, pm_px_t px, pm_qty_t qty) {
    if (s->n == PM_BOOK_DEPTH) {
        /* full: the worst level (index 0) leaves and becomes the horizon */
        if (pos == 0) {
            s->truncated = 1;
            s->horizon = px;
            return;
        }
        s->truncated = 1;
        s->horizon = s->lv[0].px;
        memmove(&s->lv[0], &s->lv[1], (pos - 1) * sizeof s->lv[0]);
        s->lv[pos - 1] = (pm_level){px, qty};
        return;
    }
    memmove(&s->lv[pos + 1], &s->lv[pos], (s->n - pos) * sizeof s->lv[0]);
    s->lv[pos] = (pm_level){px, qty};
    s->n++;
}

static void remove_at(pm_book_side *s, size_t pos) {
    memmove(&s->lv[pos], &s->lv[pos + 1], (s->n - pos - 1) * sizeof s->lv[0]);
    s->n--;
}

int pm_book_side_set(pm_book_side *s, pm_px_t px, pm_qty_t qty) {
    if (px < 0 || px > PM_PX_ONE || qty < 0) return -1;
    if (beyond_horizon(s, px)) return 0;
    int64_t k = key(s, px);
    size_t pos = lower_bound(s, k);
    int found = pos < s->n && s->lv[pos].px == px;
    if (qty == 0) {
        if (found) remove_at(s, pos);
    } else if (found) {
        s->lv[pos].qty = qty;
    } else {
        insert_at(s, pos, px, qty);
    }
    return 0;
}

int pm_book_side_add(pm_book_side *s, pm_px_t px, pm_qty_t delta) {
    if (px < 0 || px > PM_PX_ONE) return -1;
    if (beyond_horizon(s, px)) return 0;
    size_t pos = lower_bound(s, key(s, px));
    int found = pos < s->n && s->lv[pos].px == px;
    pm_qty_t cur = found ? s->lv[pos].qty : 0, next;
    if (__builtin_add_overflow(cur, delta, &next) || next < 0) return -1;
    if (next == 0) {
        if (found) remove_at(s, pos);
    } else if (found) {
        s->lv[pos].qty = next;
    } else {
        insert_at(s, pos, px, next);
    }
    return 0;
}

pm_qty_t pm_book_qty_at(const pm_book_side *s, pm_px_t px) {
    size_t pos = lower_bound(s, key(s, px));
    return pos < s->n && s->lv[pos].px == px ? s->lv[pos].qty : 0;
}

static int cmp_bid(const void *a, const void *b) {
    pm_px_t x = ((const pm_level *)a)->px, y = ((const pm_level *)b)->px;
    return (x > y) - (x < y);
}

static int cmp_ask(const void *a, const void *b) { return cmp_bid(b, a); }

static int load_side(pm_book_side *s, pm_level *lv, size_t n) {
    side_clear(s);
    if (n == 0) return 0;
    for (size_t i = 0; i < n; i++)
        if (lv[i].px < 0 || lv[i].px > PM_PX_ONE || lv[i].qty <= 0) return -1;
    qsort(lv, n, sizeof *lv, s->kind == PM_BID ? cmp_bid : cmp_ask);
    for (size_t i = 1; i < n; i++)
        if (lv[i].px == lv[i - 1].px) return -1;
    size_t keep = n < PM_BOOK_DEPTH ? n : PM_BOOK_DEPTH, skip = n - keep;
    memcpy(s->lv, lv + skip, keep * sizeof *lv);
    s->n = (uint16_t)keep;
    if (skip) {
        s->truncated = 1;
        s->horizon = lv[skip - 1].px;
    }
    return 0;
}

int pm_book_snapshot(pm_book *b, pm_level *bids, size_t nbids, pm_level *asks, size_t nasks, int64_t now_ns) {
    if (load_side(&b->bid, bids, nbids) || load_side(&b->ask, asks, nasks)) {
        pm_book_invalidate(b);
        b->state = PM_BOOK_STALE;
        return -1;
    }
    b->state = PM_BOOK_LIVE;
    b->epoch++;
    b->updated_ns = now_ns;
    return 0;
}

void pm_book_walk(const pm_book_side *s, pm_px_t limit, pm_qty_t max_qty, pm_walk *out) {
    __int128 cost = 0;
    pm_qty_t qty = 0;
    memset(out, 0, sizeof *out);
    for (size_t i = s->n; i-- > 0 && qty < max_qty;) {
        const pm_level *l = &s->lv[i];
        if (key(s, l->px) < key(s, limit)) break;
        pm_qty_t take = l->qty < max_qty - qty ? l->qty : max_qty - qty;
        cost += (__int128)l->px * take;
        qty += take;
        out->worst_px = l->px;
        out->levels++;
    }
    out->qty = qty;
    out->cost = (pm_usd_t)((cost + PM_SCALE - 1) / PM_SCALE);
}
