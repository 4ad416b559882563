/* reconcile.c — the database's live positions against the venues' holdings (see reconcile.h). */
#include "engine/reconcile.h"

#include <stdlib.h>
#include <string.h>

#include "store/positions.h"
#include "store/records.h"

/* One market outcome to compare; from_row: ours comes from a positions row. */
typedef struct recon_item {
    pm_venue venue;
    char market_id[PM_EXEC_MARKET_MAX];
    pm_outcome outcome;
    int from_row;
    pm_qty_t ours;
} recon_item;

typedef struct recon_set {
    recon_item *items;
    size_t n, cap;
    pm_err *err;
} recon_set;

static int set_add(recon_set *s, pm_venue venue, const char *market_id, pm_outcome outcome, int from_row,
                   pm_qty_t ours) {
    size_t len = strlen(market_id);
    if (len == 0 || len >= PM_EXEC_MARKET_MAX)
        return pm_err_set(s->err, "%s market id '%.40s' is empty or longer than %d characters", pm_venue_name(venue),
                          market_id, PM_EXEC_MARKET_MAX - 1);
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        recon_item *items = realloc(s->items, cap * sizeof *items);
        if (!items) return pm_err_set(s->err, "out of memory");
        s->items = items;
        s->cap = cap;
    }
    recon_item *it = &s->items[s->n++];
    it->venue = venue;
    memcpy(it->market_id, market_id, len + 1);
    it->outcome = outcome;
    it->from_row = from_row;
    it->ours = ours;
    return 0;
}

static int add_position(void *ctx, const pm_position_row *p) {
    return set_add(ctx, p->venue, p->market_id, p->outcome, 1, p->qty) ? -1 : 0;
}

static int add_leg(void *ctx, const pm_pair_leg_id *l) {
    return set_add(ctx, l->venue, l->market_id, l->outcome, 0, 0) ? -1 : 0;
}

static int key_cmp(const recon_item *a, const recon_item *b) {
    if (a->venue != b->venue) return a->venue < b->venue ? -1 : 1;
    int c = strcmp(a->market_id, b->market_id);
    if (c) return c;
    return a->outcome == b->outcome ? 0 : a->outcome < b->outcome ? -1 : 1;
}

/* By key, a row before a pair leg of the same key (so that deduplication keeps the row). */
static int item_cmp(const void *a_, const void *b_) {
    const recon_item *a = a_, *b = b_;
    int c = key_cmp(a, b);
    return c ? c : b->from_row - a->from_row;
}

/* The sorted set without duplicates. */
static int build_set(pm_db *db, recon_set *s, pm_err *err) {
    s->err = err;
    if (pm_store_list_positions(db, 1, add_position, s, err) || pm_store_list_approved_legs(db, add_leg, s, err))
        return -1;
    if (s->n) qsort(s->items, s->n, sizeof *s->items, item_cmp);
    size_t w = 0;
    for (size_t i = 0; i < s->n; i++)
        if (w == 0 || key_cmp(&s->items[w - 1], &s->items[i])) s->items[w++] = s->items[i];
    s->n = w;
    return 0;
}

/* Asks venue v for the holdings of the set's outcomes on it (theirs[i] for items[i] of v) and
 * its cash. */
static int ask_venue(pm_exec_venue *ve, pm_venue v, const recon_set *s, pm_qty_t *theirs, pm_usd_t *cash, pm_err *err) {
    const char *name = pm_venue_name(v);
    if (!ve || ve->venue != v) return pm_err_set(err, "reconcile: no %s venue given", name);
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++) n += s->items[i].venue == v;
    pm_exec_holding *h = n ? calloc(n, sizeof *h) : NULL;
    if (n && !h) return pm_err_set(err, "out of memory");
    for (size_t i = 0, j = 0; i < s->n; i++) {
        if (s->items[i].venue != v) continue;
        memcpy(h[j].market_id, s->items[i].market_id, sizeof h[j].market_id);
        h[j].outcome = s->items[i].outcome;
        h[j++].qty = -1;
    }
    int rc = 0;
    if (n && pm_exec_holdings(ve, h, n, err)) rc = pm_err_wrap(err, "%s holdings", name);
    for (size_t i = 0, j = 0; !rc && i < s->n; i++) {
        if (s->items[i].venue != v) continue;
        if (h[j].qty < 0)
            rc = pm_err_set(err, "%s holdings: no quantity for %s %s", name, h[j].market_id, pm_outcome_name(h[j].outcome));
        theirs[i] = h[j++].qty;
    }
    free(h);
    if (!rc && pm_exec_balance(ve, cash, err)) rc = pm_err_wrap(err, "%s balance", name);
    return rc;
}

static void compare(const recon_set *s, const pm_qty_t *theirs, pm_recon *out) {
    out->checked = s->n;
    for (size_t i = 0; i < s->n; i++) {
        const recon_item *it = &s->items[i];
        if (it->ours == theirs[i]) continue;
        if (out->ndiffs < PM_RECON_DIFF_MAX) {
            pm_recon_diff *d = &out->diff[out->ndiffs++];
            d->venue = it->venue;
            memcpy(d->market_id, it->market_id, sizeof d->market_id);
            d->outcome = it->outcome;
            d->ours = it->ours;
            d->theirs = theirs[i];
        }
        out->ndiffs_total++;
    }
}

int pm_reconcile(pm_db *db, pm_exec_venue *const venues[PM_VENUE_COUNT], pm_recon *out, pm_err *err) {
    memset(out, 0, sizeof *out);
    recon_set s = {0};
    pm_qty_t *theirs = NULL;
    int rc = build_set(db, &s, err);
    if (!rc && s.n && !(theirs = calloc(s.n, sizeof *theirs))) rc = pm_err_set(err, "out of memory");
    for (int v = 0; !rc && v < PM_VENUE_COUNT; v++)
        rc = ask_venue(venues[v], (pm_venue)v, &s, theirs, &out->venue_cash[v], err);
    if (!rc) compare(&s, theirs, out);
    else memset(out, 0, sizeof *out);
    free(theirs);
    free(s.items);
    return rc ? -1 : 0;
}

static json_t *qty_json(pm_qty_t q) {
    char b[PM_FIXED_BUF];
    pm_fixed_format_exact(q, 0, b, sizeof b);
    return json_string(b);
}

static json_t *usd_json(pm_usd_t v) {
    char b[PM_FIXED_BUF];
    pm_fixed_format_exact(v, 2, b, sizeof b);
    return json_string(b);
}

json_t *pm_recon_diff_json(const pm_recon_diff *d) {
    return json_pack("{s:s, s:s, s:s, s:o, s:o}", "venue", pm_venue_name(d->venue), "market", d->market_id, "outcome",
                     pm_outcome_name(d->outcome), "ours", qty_json(d->ours), "theirs", qty_json(d->theirs));
}

/* o's compact text into buf when it fits (cap with the NUL): its length, else -1. */
static int dump_into(const json_t *o, char *buf, size_t cap) {
    size_t need = json_dumpb(o, NULL, 0, JSON_COMPACT);
    if (need == 0 || need >= cap) return -1;
    json_dumpb(o, buf, cap, JSON_COMPACT);
    buf[need] = '\0';
    return (int)need;
}

int pm_recon_event_detail(const pm_recon *r, char *buf, size_t cap) {
    json_t *diffs = json_array();
    json_t *o = json_pack("{s:I, s:I, s:I, s:{s:o, s:o}, s:O}", "checked", (json_int_t)r->checked, "differ",
                          (json_int_t)r->ndiffs_total, "shown", (json_int_t)0, "cash", "kalshi",
                          usd_json(r->venue_cash[PM_VENUE_KALSHI]), "polymarket",
                          usd_json(r->venue_cash[PM_VENUE_POLYMARKET]), "diffs", diffs);
    int len = o ? dump_into(o, buf, cap) : -1;
    for (size_t i = 0; len >= 0 && i < r->ndiffs; i++) {
        json_array_append_new(diffs, pm_recon_diff_json(&r->diff[i]));
        json_object_set_new(o, "shown", json_integer((json_int_t)(i + 1)));
        if (dump_into(o, buf, cap) < 0) {
            json_array_remove(diffs, i);
            json_object_set_new(o, "shown", json_integer((json_int_t)i));
            break;
        }
    }
    if (len >= 0) len = dump_into(o, buf, cap);
    json_decref(diffs);
    json_decref(o);
    return len;
}

/* The stored live position of d, which must still hold d->ours. */
static int stored_position(pm_db *db, const pm_recon_diff *d, pm_position_row *p, pm_err *err) {
    int found = pm_store_get_position(db, d->venue, d->market_id, d->outcome, 1, p, err);
    if (found < 0) return -1;
    if (!found) memset(p, 0, sizeof *p);
    if (p->qty != d->ours) {
        char now[PM_FIXED_BUF], then[PM_FIXED_BUF];
        pm_fixed_format_exact(p->qty, 0, now, sizeof now);
        pm_fixed_format_exact(d->ours, 0, then, sizeof then);
        return pm_err_set(err, "the position %s %s %s is now %s, not the %s compared: reconcile again",
                          pm_venue_name(d->venue), d->market_id, pm_outcome_name(d->outcome), now, then);
    }
    return 0;
}

static int adopt_one(pm_db *db, const pm_recon_diff *d, int64_t now_ns, pm_err *err) {
    pm_position_row old;
    if (stored_position(db, d, &old, err)) return -1;
    pm_record pos = {.kind = PM_REC_POSITION};
    pm_rec_position *p = &pos.u.position;
    p->venue = d->venue;
    memcpy(p->market_id, d->market_id, sizeof p->market_id);
    p->outcome = d->outcome;
    p->live = 1;
    p->qty = d->theirs;
    p->cost = 0;
    if (old.qty > 0 && pm_mul_div(old.cost, d->theirs, old.qty, PM_ROUND_HALF_EVEN, &p->cost, err)) return -1;
    p->realized_pnl = old.realized_pnl;
    p->updated_ns = now_ns;
    pm_record ev = {.kind = PM_REC_EVENT};
    pm_rec_event *e = &ev.u.event;
    e->ts_ns = now_ns;
    memcpy(e->level, "warn", 5);
    memcpy(e->kind, "reconcile_adopt", 16);
    json_t *o = pm_recon_diff_json(d);
    if (o) json_object_set_new(o, "cost_before", usd_json(old.cost));
    if (o) json_object_set_new(o, "cost_after", usd_json(p->cost));
    int len = o ? dump_into(o, e->detail, sizeof e->detail) : -1;
    json_decref(o);
    if (len < 0) return pm_err_set(err, "reconcile_adopt detail does not fit");
    return pm_store_write_record(db, &pos, NULL, err) || pm_store_write_record(db, &ev, NULL, err) ? -1 : 0;
}

int pm_reconcile_adopt(pm_db *db, const pm_recon *r, int64_t now_ns, pm_err *err) {
    if (r->ndiffs == 0) return 0;
    if (pm_db_begin(db, err)) return -1;
    for (size_t i = 0; i < r->ndiffs; i++)
        if (adopt_one(db, &r->diff[i], now_ns, err)) {
            pm_db_rollback(db);
            return pm_err_wrap(err, "adopting the venues' positions");
        }
    return pm_db_commit(db, err);
}
