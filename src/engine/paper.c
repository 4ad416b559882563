/* paper.c — paper fills against the current books (see paper.h). */
#include "engine/paper.h"

#include <stdlib.h>
#include <string.h>

typedef struct taken_level {
    pm_px_t px;     /* as in the book */
    pm_qty_t seen;  /* the level's quantity when paper fills took from it */
    pm_qty_t taken;
} taken_level;

typedef struct taken_side {
    uint16_t n;
    uint32_t epoch; /* the book's epoch the entries belong to */
    taken_level lv[PM_BOOK_DEPTH];
} taken_side;

/* What paper fills took from one book: only books a paper fill touched have one. */
typedef struct taken_book {
    taken_side side[2]; /* PM_BID, PM_ASK */
} taken_book;

#define NO_MIRROR UINT32_MAX
/* Mirrors preallocated up front; the pool doubles only when a fill first touches a book
 * beyond them. */
#define MIRRORS_INITIAL 64

typedef struct book_state {
    pm_paper_position pos[2];
    uint32_t mirror; /* index into mirrors, or NO_MIRROR while no fill touched the book */
} book_state;

struct pm_paper {
    size_t nbooks;
    book_state *b;
    taken_book *mirrors;
    uint32_t nmirrors, capmirrors;
    pm_paper_totals t;
};

pm_paper *pm_paper_new(size_t nbooks) {
    pm_paper *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->nbooks = nbooks;
    p->capmirrors = nbooks < MIRRORS_INITIAL ? (nbooks ? (uint32_t)nbooks : 1) : MIRRORS_INITIAL;
    p->b = calloc(nbooks ? nbooks : 1, sizeof *p->b);
    p->mirrors = calloc(p->capmirrors, sizeof *p->mirrors);
    if (!p->b || !p->mirrors || nbooks >= NO_MIRROR) {
        pm_paper_free(p);
        return NULL;
    }
    for (size_t i = 0; i < nbooks; i++) p->b[i].mirror = NO_MIRROR;
    return p;
}

void pm_paper_free(pm_paper *p) {
    if (!p) return;
    free(p->mirrors);
    free(p->b);
    free(p);
}

void pm_paper_book_reset(pm_paper *p, size_t book) {
    if (book >= p->nbooks || p->b[book].mirror == NO_MIRROR) return;
    taken_book *m = &p->mirrors[p->b[book].mirror];
    m->side[PM_BID].n = 0;
    m->side[PM_ASK].n = 0;
}

/* The book's mirror, NULL while no fill touched it. */
static taken_book *mirror_of(pm_paper *p, size_t book) {
    return p->b[book].mirror == NO_MIRROR ? NULL : &p->mirrors[p->b[book].mirror];
}

/* Gives the book a mirror (nothing taken yet); -1 when out of memory. */
static int mirror_attach(pm_paper *p, size_t book) {
    if (p->b[book].mirror != NO_MIRROR) return 0;
    if (p->nmirrors == p->capmirrors) {
        uint32_t cap = p->capmirrors * 2 < p->nbooks ? p->capmirrors * 2 : (uint32_t)p->nbooks;
        taken_book *m = realloc(p->mirrors, (size_t)cap * sizeof *m);
        if (!m) return -1;
        p->mirrors = m;
        p->capmirrors = cap;
    }
    memset(&p->mirrors[p->nmirrors], 0, sizeof p->mirrors[p->nmirrors]);
    p->b[book].mirror = p->nmirrors++;
    return 0;
}

/* What paper fills took from the level (px, qty): only while the level still shows the
 * quantity it showed then; a level that changed is a new quote. */
static taken_level *taken_at(taken_side *t, pm_px_t px) {
    for (uint16_t i = 0; i < t->n; i++)
        if (t->lv[i].px == px) return &t->lv[i];
    return NULL;
}

static pm_qty_t still_taken(taken_side *t, const pm_level *lv) {
    const taken_level *x = t ? taken_at(t, lv->px) : NULL;
    return x && x->seen == lv->qty ? x->taken : 0;
}

static void take(taken_side *t, const pm_level *lv, pm_qty_t qty) {
    taken_level *x = taken_at(t, lv->px);
    if (x && x->seen == lv->qty) x->taken += qty;
    else if (x) *x = (taken_level){lv->px, lv->qty, qty};
    else if (t->n < PM_BOOK_DEPTH) t->lv[t->n++] = (taken_level){lv->px, lv->qty, qty};
}

/* Walks the side the leg buys from (asks, or bids at 1 − price when mirrored) up to the leg's
 * limit: the quantity still there after what paper fills took (m, NULL when none took from
 * the book); with apply (m required), takes qty. A new book epoch (a snapshot) forgets
 * everything taken before it. */
static pm_qty_t walk(taken_book *m, const pm_det_leg *leg, pm_px_t limit, pm_qty_t qty, int apply) {
    const pm_book_side *s = leg->mirrored ? &leg->book->bid : &leg->book->ask;
    taken_side *t = m ? &m->side[leg->mirrored ? PM_BID : PM_ASK] : NULL;
    if (t && t->epoch != leg->book->epoch) {
        t->n = 0;
        t->epoch = leg->book->epoch;
    }
    pm_qty_t got = 0;
    for (int i = (int)s->n - 1; i >= 0 && got < qty; i--) {
        pm_px_t px = leg->mirrored ? PM_PX_ONE - s->lv[i].px : s->lv[i].px;
        if (px > limit) break;
        pm_qty_t avail = s->lv[i].qty - still_taken(t, &s->lv[i]);
        if (avail <= 0) continue;
        pm_qty_t use = avail < qty - got ? avail : qty - got;
        if (apply) take(t, &s->lv[i], use);
        got += use;
    }
    return got;
}

int pm_paper_fill(pm_paper *p, const pm_opportunity *o, const pm_det_leg legs[2], const size_t book[2],
                  const char **reason) {
    if (book[0] >= p->nbooks || book[1] >= p->nbooks) {
        *reason = "book unknown to paper trading";
        p->t.refused++;
        return -1;
    }
    for (int i = 0; i < 2; i++)
        if (walk(mirror_of(p, book[i]), &legs[i], o->leg[i].limit_px, o->leg[i].qty, 0) < o->leg[i].qty) {
            *reason = "depth already taken by an earlier paper fill on this book";
            p->t.refused++;
            return -1;
        }
    if (mirror_attach(p, book[0]) || mirror_attach(p, book[1])) {
        *reason = "out of memory for paper trading";
        p->t.refused++;
        return -1;
    }
    for (int i = 0; i < 2; i++) {
        book_state *bs = &p->b[book[i]];
        walk(mirror_of(p, book[i]), &legs[i], o->leg[i].limit_px, o->leg[i].qty, 1);
        pm_paper_position *pos = &bs->pos[o->leg[i].outcome];
        pos->qty += o->leg[i].held;
        pos->cost += o->leg[i].cost;
        p->t.fees += o->leg[i].fee;
    }
    p->t.fills++;
    p->t.contracts += o->qty;
    p->t.cost += o->cost;
    p->t.locked_pnl += o->profit;
    *reason = NULL;
    return 0;
}

const pm_paper_position *pm_paper_position_of(const pm_paper *p, size_t book, pm_outcome outcome) {
    return book < p->nbooks ? &p->b[book].pos[outcome] : NULL;
}

void pm_paper_get_totals(const pm_paper *p, pm_paper_totals *out) { *out = p->t; }
