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

typedef struct book_state {
    taken_side side[2]; /* PM_BID, PM_ASK */
    pm_paper_position pos[2];
} book_state;

struct pm_paper {
    size_t nbooks;
    book_state *b;
    pm_paper_totals t;
};

pm_paper *pm_paper_new(size_t nbooks) {
    pm_paper *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->nbooks = nbooks;
    if (!(p->b = calloc(nbooks ? nbooks : 1, sizeof *p->b))) {
        free(p);
        return NULL;
    }
    return p;
}

void pm_paper_free(pm_paper *p) {
    if (!p) return;
    free(p->b);
    free(p);
}

void pm_paper_book_reset(pm_paper *p, size_t book) {
    if (book >= p->nbooks) return;
    p->b[book].side[PM_BID].n = 0;
    p->b[book].side[PM_ASK].n = 0;
}

/* What paper fills took from the level (px, qty): only while the level still shows the
 * quantity it showed then; a level that changed is a new quote. */
static taken_level *taken_at(taken_side *t, pm_px_t px) {
    for (uint16_t i = 0; i < t->n; i++)
        if (t->lv[i].px == px) return &t->lv[i];
    return NULL;
}

static pm_qty_t still_taken(taken_side *t, const pm_level *lv) {
    const taken_level *x = taken_at(t, lv->px);
    return x && x->seen == lv->qty ? x->taken : 0;
}

static void take(taken_side *t, const pm_level *lv, pm_qty_t qty) {
    taken_level *x = taken_at(t, lv->px);
    if (x && x->seen == lv->qty) x->taken += qty;
    else if (x) *x = (taken_level){lv->px, lv->qty, qty};
    else if (t->n < PM_BOOK_DEPTH) t->lv[t->n++] = (taken_level){lv->px, lv->qty, qty};
}

/* Walks the side the leg buys from (asks, or bids at 1 − price when mirrored) up to the leg's
 * limit: the quantity still there after what paper fills took; with apply, takes qty. A new
 * book epoch (a snapshot) forgets everything taken before it. */
static pm_qty_t walk(book_state *bs, const pm_det_leg *leg, pm_px_t limit, pm_qty_t qty, int apply) {
    const pm_book_side *s = leg->mirrored ? &leg->book->bid : &leg->book->ask;
    taken_side *t = &bs->side[leg->mirrored ? PM_BID : PM_ASK];
    if (t->epoch != leg->book->epoch) {
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
        if (walk(&p->b[book[i]], &legs[i], o->leg[i].limit_px, o->leg[i].qty, 0) < o->leg[i].qty) {
            *reason = "depth already taken by an earlier paper fill on this book";
            p->t.refused++;
            return -1;
        }
    for (int i = 0; i < 2; i++) {
        book_state *bs = &p->b[book[i]];
        walk(bs, &legs[i], o->leg[i].limit_px, o->leg[i].qty, 1);
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
