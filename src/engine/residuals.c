/* residuals.c — the residuals finished trades left, and their value at the bids (see residuals.h). */
#include "engine/residuals.h"

#include <string.h>

#include "engine/hedge.h"

static pm_residual *find(pm_residuals *t, pm_venue v, const char *market_id, pm_outcome o) {
    for (size_t i = 0; i < t->n; i++) {
        pm_residual *r = &t->r[i];
        if (r->venue == v && r->outcome == o && !strcmp(r->market_id, market_id)) return r;
    }
    return NULL;
}

int pm_residuals_add(pm_residuals *t, const pm_residual *r) {
    pm_residual *e = find(t, r->venue, r->market_id, r->outcome);
    if (e) {
        e->qty += r->qty;
        return 0;
    }
    if (t->n == PM_RESIDUALS_MAX) return -1;
    t->r[t->n++] = *r;
    return 0;
}

void pm_residuals_held(pm_residuals *t, pm_venue v, const char *market_id, pm_outcome o, pm_qty_t qty) {
    pm_residual *e = find(t, v, market_id, o);
    if (!e || e->qty <= qty) return;
    e->qty = qty;
    if (qty <= 0) *e = t->r[--t->n];
}

pm_usd_t pm_residual_value(const pm_residual *r, pm_qty_t qty, const pm_book *book) {
    pm_hedge_side s = {.venue = r->venue, .outcome = r->outcome, .book = book, .mirrored = r->mirrored, .fee = r->fee};
    pm_px_t bid = pm_hedge_bid(&s);
    pm_fee_quote q;
    if (!bid || qty <= 0 || pm_fee_quote_fill(&r->fee, PM_SIDE_SELL, 0, bid, qty, &q, NULL)) return 0;
    return q.cash > 0 ? q.cash : 0;
}
