/* paper.h — paper fills: what an opportunity would have bought against the books as they are
 * now, with nothing sent anywhere.
 *
 * Model: both legs are fill-or-kill at the detector's size and limit prices. A leg fills when
 * its book side, walked from the best level to the limit, still offers the leg's gross size
 * after subtracting the liquidity earlier paper fills took from that same book. The venue never
 * sees a paper fill, so its book keeps showing what we took: taken quantity is remembered per
 * price level for as long as that level shows the quantity it showed when we took from it (a
 * level whose quantity changed is a new quote; a new book epoch — a snapshot — forgets
 * everything), so the same resting quantity is never bought twice. A fill is then exactly the
 * detector's priced walk (cost and fees per leg as the opportunity states them).
 * When either leg falls short nothing fills (the pair would otherwise be left one-legged).
 *
 * Positions are kept per book and outcome (contracts held after fees, money paid with fees).
 * Books are numbered by the caller: Kalshi books 0..nk-1, Polymarket token books after them.
 * What fills took is mirrored only for books a fill touched (a mirror is ~3 KB: most books are
 * never traded); a small pool of mirrors is preallocated and doubles only when a fill first
 * touches a book beyond it, so book events never allocate and fills rarely do. No locks. */
#ifndef PM_ENGINE_PAPER_H
#define PM_ENGINE_PAPER_H

#include <stddef.h>
#include <stdint.h>

#include "core/detector.h"

typedef struct pm_paper pm_paper;

typedef struct pm_paper_position {
    pm_qty_t qty;   /* contracts held */
    pm_usd_t cost;  /* money paid for them, fees included */
} pm_paper_position;

typedef struct pm_paper_totals {
    uint64_t fills;        /* opportunities filled (two legs each) */
    uint64_t refused;      /* opportunities whose depth was no longer there */
    pm_qty_t contracts;    /* hedged contracts bought (each pays $1 once) */
    pm_usd_t cost;         /* money paid, both legs, fees included */
    pm_usd_t fees;
    pm_usd_t locked_pnl;   /* Σ (hedged contracts × $1 − cost): the PnL at settlement */
} pm_paper_totals;

pm_paper *pm_paper_new(size_t nbooks);
void pm_paper_free(pm_paper *p);

/* The book number now stands for another market (a reused feed slot): forget what was taken. */
void pm_paper_book_reset(pm_paper *p, size_t book);

/* Fills o (whose legs were walked on legs[i].book, numbered book[i]). 0 when filled; -1 when
 * not, with *reason set to a static text. */
int pm_paper_fill(pm_paper *p, const pm_opportunity *o, const pm_det_leg legs[2], const size_t book[2],
                  const char **reason);

const pm_paper_position *pm_paper_position_of(const pm_paper *p, size_t book, pm_outcome outcome);
void pm_paper_get_totals(const pm_paper *p, pm_paper_totals *out);

#endif
