/* pair_cache.c — approved pairs in memory with O(1) lookups (see pair_cache.h).
 *
 * Layout: the pairs in one array; the ways into them (legs) in two arrays sorted by key —
 * Kalshi tickers, Polymarket token ids — so that all legs of one key sit together; and three
 * open-addressing hash tables (tickers, tokens, pair ids) mapping a key to its run of legs
 * (or to its pair). Everything is allocated while building; lookups and closing a market
 * only read and compact within those arrays. */
#include "engine/pair_cache.h"

#include "store/live_orders.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/strmap.h"

#include <stdlib.h>
#include <string.h>

typedef struct slot {
    const char *key; /* NULL: empty */
    uint32_t len;
    uint32_t start;  /* first leg (or the pair index, for ids) */
    uint32_t count;  /* legs in the run still active */
} slot;

typedef struct table {
    slot *slots;
    size_t mask;
} table;

struct pm_pair_cache {
    pm_pair *pairs;
    size_t n, cap, active, skipped;
    int finished;
    pm_pair_leg *kalshi_legs, *token_legs;
    size_t nkalshi, ntoken;
    table by_ticker, by_token, by_id;
};

static int table_init(table *t, size_t entries) {
    size_t cap = 16;
    while (cap < entries * 2) cap <<= 1;
    t->slots = calloc(cap, sizeof *t->slots);
    t->mask = cap - 1;
    return t->slots ? 0 : -1;
}

/* The slot holding key, or the empty slot where it would go. */
static slot *table_find(const table *t, const char *key, size_t len) {
    for (size_t i = pm_strhash(key, len) & t->mask;; i = (i + 1) & t->mask) {
        slot *s = &t->slots[i];
        if (!s->key || (s->len == len && memcmp(s->key, key, len) == 0)) return s;
    }
}

pm_pair_cache *pm_pair_cache_new(size_t capacity_hint) {
    pm_pair_cache *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->cap = capacity_hint > 16 ? capacity_hint : 16;
    c->pairs = calloc(c->cap, sizeof *c->pairs);
    if (!c->pairs) {
        free(c);
        return NULL;
    }
    return c;
}

void pm_pair_cache_free(pm_pair_cache *c) {
    if (!c) return;
    free(c->pairs);
    free(c->kalshi_legs);
    free(c->token_legs);
    free(c->by_ticker.slots);
    free(c->by_token.slots);
    free(c->by_id.slots);
    free(c);
}

/* Copies s into dst (size n); 0, or -1 when s is empty or does not fit. */
static int copy_id(char *dst, size_t n, const char *s) {
    if (!s || !*s || strlen(s) >= n) return -1;
    strcpy(dst, s);
    return 0;
}

static int close_ns(const char *iso, int64_t *out) {
    *out = 0;
    return iso ? pm_iso_parse(iso, out) : 0;
}

int pm_pair_cache_add(pm_pair_cache *c, const pm_match_row *row, pm_err *err) {
    if (c->finished) return pm_err_set(err, "pair cache is already finished");
    pm_pair p;
    memset(&p, 0, sizeof p);
    const char *why = NULL;
    if (row->status != PM_MATCH_APPROVED) why = "not approved";
    else if (copy_id(p.id, sizeof p.id, row->id)) why = "bad pair id";
    else if (copy_id(p.kalshi.ticker, sizeof p.kalshi.ticker, row->kalshi.platform_market_id)) why = "missing or over-long Kalshi ticker";
    else if (copy_id(p.polymarket.condition_id, sizeof p.polymarket.condition_id, row->polymarket.platform_market_id))
        why = "missing or over-long Polymarket condition id";
    else if (copy_id(p.polymarket.token_yes, sizeof p.polymarket.token_yes, row->polymarket.outcome_yes_id) ||
             copy_id(p.polymarket.token_no, sizeof p.polymarket.token_no, row->polymarket.outcome_no_id))
        why = "missing or over-long Polymarket token id";
    else if (!strcmp(p.polymarket.token_yes, p.polymarket.token_no)) why = "Polymarket YES and NO token ids are equal";
    else if (close_ns(row->kalshi.close_time, &p.kalshi.close_ns) || close_ns(row->polymarket.close_time, &p.polymarket.close_ns))
        why = "unreadable close time";
    if (why) {
        c->skipped++;
        pm_err_set(err, "%s", why);
        return 1;
    }
    snprintf(p.kalshi.market_id, sizeof p.kalshi.market_id, "%s", row->kalshi.id);
    snprintf(p.polymarket.market_id, sizeof p.polymarket.market_id, "%s", row->polymarket.id);
    snprintf(p.kalshi.fee_type, sizeof p.kalshi.fee_type, "%s", row->kalshi.fee_type ? row->kalshi.fee_type : "");
    p.kalshi.tick_size = row->kalshi.tick_size;
    p.kalshi.min_order_size = row->kalshi.min_order_size;
    p.kalshi.fee_multiplier = row->kalshi.fee_multiplier;
    p.polymarket.tick_size = row->polymarket.tick_size;
    p.polymarket.min_order_size = row->polymarket.min_order_size;
    p.polymarket.fee_rate_bps = row->polymarket.fee_rate_bps;
    p.polymarket.neg_risk = row->polymarket.neg_risk;
    p.polymarket.exchange_version =
        row->polymarket.protocol_version && !strcmp(row->polymarket.protocol_version, "v2") ? 3 : 2;
    p.polarity = row->polarity;
    p.active = 1;
    if (c->n == c->cap) {
        pm_pair *grown = realloc(c->pairs, 2 * c->cap * sizeof *grown);
        if (!grown) return pm_err_set(err, "out of memory");
        c->pairs = grown;
        c->cap *= 2;
    }
    p.index = (uint32_t)c->n;
    c->pairs[c->n++] = p;
    c->active++;
    return 0;
}

static const char *leg_key(const pm_pair_leg *l) {
    if (l->venue == PM_VENUE_KALSHI) return l->pair->kalshi.ticker;
    return l->outcome == PM_OUTCOME_YES ? l->pair->polymarket.token_yes : l->pair->polymarket.token_no;
}

static int cmp_leg(const void *a, const void *b) {
    int k = strcmp(leg_key(a), leg_key(b));
    if (k) return k;
    uint32_t x = ((const pm_pair_leg *)a)->pair->index, y = ((const pm_pair_leg *)b)->pair->index;
    return (x > y) - (x < y);
}

/* Sorts the legs by key and points one slot at each run of equal keys. */
static void index_legs(pm_pair_leg *legs, size_t n, table *t) {
    qsort(legs, n, sizeof *legs, cmp_leg);
    for (size_t i = 0; i < n;) {
        const char *key = leg_key(&legs[i]);
        size_t j = i + 1;
        while (j < n && !strcmp(leg_key(&legs[j]), key)) j++;
        slot *s = table_find(t, key, strlen(key));
        *s = (slot){key, (uint32_t)strlen(key), (uint32_t)i, (uint32_t)(j - i)};
        i = j;
    }
}

int pm_pair_cache_finish(pm_pair_cache *c, pm_err *err) {
    if (c->finished) return 0;
    c->kalshi_legs = calloc(c->n ? c->n : 1, sizeof *c->kalshi_legs);
    c->token_legs = calloc(c->n ? 2 * c->n : 1, sizeof *c->token_legs);
    if (!c->kalshi_legs || !c->token_legs || table_init(&c->by_ticker, c->n) || table_init(&c->by_token, 2 * c->n) ||
        table_init(&c->by_id, c->n))
        return pm_err_set(err, "out of memory building the pair cache");
    for (size_t i = 0; i < c->n; i++) {
        pm_pair *p = &c->pairs[i];
        pm_outcome yes_pays = p->polarity == PM_POLARITY_SAME ? PM_OUTCOME_YES : PM_OUTCOME_NO;
        c->kalshi_legs[c->nkalshi++] = (pm_pair_leg){p, PM_VENUE_KALSHI, PM_OUTCOME_YES, PM_OUTCOME_YES};
        c->token_legs[c->ntoken++] = (pm_pair_leg){p, PM_VENUE_POLYMARKET, PM_OUTCOME_YES, yes_pays};
        c->token_legs[c->ntoken++] = (pm_pair_leg){p, PM_VENUE_POLYMARKET, PM_OUTCOME_NO, pm_outcome_flip(yes_pays)};
        slot *s = table_find(&c->by_id, p->id, strlen(p->id));
        if (s->key) return pm_err_set(err, "pair %s appears twice", p->id);
        *s = (slot){p->id, (uint32_t)strlen(p->id), (uint32_t)i, 1};
    }
    index_legs(c->kalshi_legs, c->nkalshi, &c->by_ticker);
    index_legs(c->token_legs, c->ntoken, &c->by_token);
    c->finished = 1;
    return 0;
}

typedef struct load_ctx {
    pm_pair_cache *c;
    int failed;
    pm_err *err;
} load_ctx;

static int add_row(void *ctx_, const pm_match_row *row) {
    load_ctx *ctx = ctx_;
    pm_err why;
    int rc = pm_pair_cache_add(ctx->c, row, &why);
    if (rc == 1) pm_warn("pairs", "skipping approved pair", PM_KV_S("pair", row->id), PM_KV_S("reason", why.msg));
    if (rc < 0) {
        pm_err_set(ctx->err, "%s", why.msg);
        ctx->failed = 1;
        return 1;
    }
    return 0;
}

static int mark_halted(void *ctx, const char *match_id) {
    pm_pair *p = pm_pair_cache_by_id(ctx, match_id, strlen(match_id));
    if (p) p->halted = 1;
    return 0;
}

int pm_pair_cache_load(pm_db *db, pm_pair_cache **out, pm_err *err) {
    *out = NULL;
    pm_pair_cache *c = pm_pair_cache_new(256);
    if (!c) return pm_err_set(err, "out of memory");
    load_ctx ctx = {c, 0, err};
    if (pm_store_list_approved_pairs(db, add_row, &ctx, err) < 0 || ctx.failed || pm_pair_cache_finish(c, err) ||
        pm_store_halted_pairs(db, mark_halted, c, err)) {
        pm_pair_cache_free(c);
        return pm_err_wrap(err, "loading approved pairs");
    }
    pm_info("pairs", "approved pairs loaded", PM_KV_I("pairs", c->n), PM_KV_I("skipped", c->skipped));
    *out = c;
    return 0;
}

size_t pm_pair_cache_count(const pm_pair_cache *c) { return c->n; }
size_t pm_pair_cache_active(const pm_pair_cache *c) { return c->active; }
size_t pm_pair_cache_skipped(const pm_pair_cache *c) { return c->skipped; }
pm_pair *pm_pair_cache_at(const pm_pair_cache *c, size_t index) { return index < c->n ? &c->pairs[index] : NULL; }

static const pm_pair_leg *lookup(const table *t, const pm_pair_leg *legs, const char *key, size_t len, size_t *n) {
    *n = 0;
    if (!t->slots) return NULL;
    const slot *s = table_find(t, key, len);
    if (!s->key || s->count == 0) return NULL;
    *n = s->count;
    return &legs[s->start];
}

const pm_pair_leg *pm_pair_cache_by_kalshi(const pm_pair_cache *c, const char *ticker, size_t len, size_t *n) {
    return lookup(&c->by_ticker, c->kalshi_legs, ticker, len, n);
}

const pm_pair_leg *pm_pair_cache_by_token(const pm_pair_cache *c, const char *token_id, size_t len, size_t *n) {
    return lookup(&c->by_token, c->token_legs, token_id, len, n);
}

pm_pair *pm_pair_cache_by_id(const pm_pair_cache *c, const char *id, size_t len) {
    if (!c->by_id.slots) return NULL;
    const slot *s = table_find(&c->by_id, id, len);
    return s->key ? &c->pairs[s->start] : NULL;
}

/* Takes pair p's leg out of the run for key (swap with the run's last active leg). */
static void drop_leg(table *t, pm_pair_leg *legs, const char *key, const pm_pair *p) {
    slot *s = table_find(t, key, strlen(key));
    if (!s->key) return;
    for (uint32_t i = s->start; i < s->start + s->count; i++) {
        if (legs[i].pair != p) continue;
        pm_pair_leg tmp = legs[i];
        legs[i] = legs[s->start + s->count - 1];
        legs[s->start + s->count - 1] = tmp;
        s->count--;
        return;
    }
}

size_t pm_pair_cache_close_market(pm_pair_cache *c, pm_venue venue, const char *platform_market_id, size_t len) {
    size_t closed = 0;
    for (size_t i = 0; i < c->n; i++) {
        pm_pair *p = &c->pairs[i];
        const char *id = venue == PM_VENUE_KALSHI ? p->kalshi.ticker : p->polymarket.condition_id;
        if (!p->active || strlen(id) != len || memcmp(id, platform_market_id, len) != 0) continue;
        p->active = 0;
        c->active--;
        closed++;
        if (!c->finished) continue;
        drop_leg(&c->by_ticker, c->kalshi_legs, p->kalshi.ticker, p);
        drop_leg(&c->by_token, c->token_legs, p->polymarket.token_yes, p);
        drop_leg(&c->by_token, c->token_legs, p->polymarket.token_no, p);
    }
    return closed;
}

void pm_pair_slot_init(pm_pair_slot *s, pm_pair_cache *initial) {
    atomic_init(&s->offered, NULL);
    s->reload_requested = 0;
    s->current = initial;
}

void pm_pair_slot_request_reload(pm_pair_slot *s) { s->reload_requested = 1; }

int pm_pair_slot_take_request(pm_pair_slot *s) {
    if (!s->reload_requested) return 0;
    s->reload_requested = 0;
    return 1;
}

void pm_pair_slot_publish(pm_pair_slot *s, pm_pair_cache *fresh) {
    pm_pair_cache_free(atomic_exchange(&s->offered, fresh));
}

pm_pair_cache *pm_pair_slot_adopt(pm_pair_slot *s) {
    pm_pair_cache *fresh = atomic_exchange(&s->offered, NULL);
    if (fresh) {
        pm_pair_cache_free(s->current);
        s->current = fresh;
    }
    return s->current;
}

void pm_pair_slot_destroy(pm_pair_slot *s) {
    pm_pair_cache_free(atomic_exchange(&s->offered, NULL));
    pm_pair_cache_free(s->current);
    s->current = NULL;
}
