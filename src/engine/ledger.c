/* ledger.c — live positions (see ledger.h). */
#include "engine/ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pm_ledger {
    size_t n, cap;
    pm_ledger_pos pos[];
};

pm_ledger *pm_ledger_new(size_t capacity) {
    if (capacity < 16) capacity = 16;
    pm_ledger *l = calloc(1, sizeof *l + capacity * sizeof l->pos[0]);
    if (l) l->cap = capacity;
    return l;
}

void pm_ledger_free(pm_ledger *l) { free(l); }

void pm_ledger_clear(pm_ledger *l) { l->n = 0; }

static pm_ledger_pos *find(const pm_ledger *l, pm_venue v, const char *id, pm_outcome o) {
    for (size_t i = 0; i < l->n; i++) {
        const pm_ledger_pos *p = &l->pos[i];
        if (p->venue == v && p->outcome == o && !strcmp(p->market_id, id)) return (pm_ledger_pos *)p;
    }
    return NULL;
}

static pm_ledger_pos *get_or_add(pm_ledger *l, pm_venue v, const char *id, pm_outcome o, pm_err *err) {
    pm_ledger_pos *p = find(l, v, id, o);
    if (p) return p;
    if (strlen(id) >= PM_LEDGER_ID_MAX) {
        pm_err_set(err, "market id too long for the ledger: %s", id);
        return NULL;
    }
    if (l->n == l->cap) {
        pm_err_set(err, "the ledger is full (%zu positions)", l->cap);
        return NULL;
    }
    p = &l->pos[l->n++];
    memset(p, 0, sizeof *p);
    p->venue = v;
    p->outcome = o;
    snprintf(p->market_id, sizeof p->market_id, "%s", id);
    return p;
}

int pm_ledger_set(pm_ledger *l, pm_venue v, const char *market_id, pm_outcome o, pm_qty_t qty, pm_usd_t cost,
                  pm_usd_t realized, pm_err *err) {
    pm_ledger_pos *p = get_or_add(l, v, market_id, o, err);
    if (!p) return -1;
    p->qty = qty;
    p->cost = cost;
    p->realized = realized;
    return 0;
}

/* Takes n contracts off p: the cost that leaves with them (in proportion, rounded down). */
static pm_usd_t take(pm_ledger_pos *p, pm_qty_t n) {
    pm_usd_t part = p->cost;
    if (n < p->qty) pm_mul_div(p->cost, n, p->qty, PM_ROUND_FLOOR, &part, NULL);
    p->qty -= n;
    p->cost -= part;
    return part;
}

int pm_ledger_apply(pm_ledger *l, pm_venue v, const char *market_id, pm_outcome o, pm_side side, pm_qty_t delivered,
                    pm_usd_t cash, const pm_ledger_pos *changed[2], int *nchanged, pm_qty_t *netted, pm_err *err) {
    *nchanged = 0;
    if (netted) *netted = 0;
    if (delivered < 0) return pm_err_set(err, "negative quantity %lld", (long long)delivered);
    if (!delivered && !cash) return 0;
    pm_ledger_pos *p = get_or_add(l, v, market_id, o, err);
    if (!p) return -1;
    if (side == PM_SIDE_SELL) {
        pm_qty_t n = delivered < p->qty ? delivered : p->qty;
        pm_usd_t part = take(p, n);
        p->realized += -cash - part;
        changed[(*nchanged)++] = p;
        return 0;
    }
    pm_ledger_pos *other = v == PM_VENUE_KALSHI ? find(l, v, market_id, pm_outcome_flip(o)) : NULL;
    pm_qty_t net = other && other->qty > 0 ? (delivered < other->qty ? delivered : other->qty) : 0;
    pm_usd_t charge = cash;
    if (net) { /* Kalshi closes the opposite holding and pays $1 per netted pair: cash = charge − that */
        pm_usd_t value, charge_net, part = take(other, net);
        pm_notional(PM_PX_ONE, net, PM_ROUND_FLOOR, &value, NULL);
        charge = cash + value;
        pm_mul_div(charge, net, delivered, PM_ROUND_FLOOR, &charge_net, NULL);
        other->realized += value - part - charge_net;
        charge -= charge_net;
        changed[(*nchanged)++] = other;
    }
    if (netted) *netted = net;
    p->qty += delivered - net;
    p->cost += charge;
    changed[(*nchanged)++] = p;
    return 0;
}

const pm_ledger_pos *pm_ledger_get(const pm_ledger *l, pm_venue v, const char *market_id, pm_outcome o) {
    return find(l, v, market_id, o);
}

size_t pm_ledger_count(const pm_ledger *l) { return l->n; }
const pm_ledger_pos *pm_ledger_at(const pm_ledger *l, size_t i) { return i < l->n ? &l->pos[i] : NULL; }
