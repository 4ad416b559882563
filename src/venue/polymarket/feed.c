/* feed.c — the Polymarket market-channel state machine (see feed.h). */
#include "venue/polymarket/feed.h"

#include "util/log.h"
#include "util/strmap.h"
#include "venue/polymarket/book_hash.h"
#include "venue/polymarket/keepalive.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SLOT_FREE = 0, SLOT_ACTIVE, SLOT_LEAVING, SLOT_GONE }; /* GONE: unsubscribed, still known */
enum { PEND_UNSUB = 1, PEND_SUB = 2 };
enum { LOGGED_MALFORMED = 1, LOGGED_UNKNOWN_TYPE = 2, LOGGED_UNKNOWN_ASSET = 4, LOGGED_TEXT = 8, LOGGED_HASH = 16 };
/* The venue's book hash for an asset: not checked (its market's minimum size is not known),
 * not reproduced yet (checked, but a mismatch says nothing), or reproduced (a mismatch means
 * the book differs from the venue's). */
enum { HASH_OFF = 0, HASH_UNPROVEN, HASH_PROVEN };
#define POLY_MARKET_MAX 80 /* condition ids: "0x" and 64 hex digits */

typedef struct asset {
    char *id;
    size_t len;
    int conn;
    uint8_t slot;             /* SLOT_* */
    uint8_t pend;             /* PEND_* commands owed on its connection */
    uint8_t mismatch;         /* UNCONFIRMED: the venue's top disagreed with ours */
    pm_px_t tick;
    int64_t mismatch_ts;      /* venue ms of the first disagreement (-1 when it had none) */
    int64_t mismatch_ns;      /* our clock at the first disagreement */
    uint8_t hash_state;       /* HASH_* */
    uint8_t neg_risk;
    pm_qty_t min_size;        /* the market's min_order_size (in its summary) */
    char ltp[POLY_LTP_MAX];   /* last_trade_price as its summary writes it: the market's last
                                 trade, either token's (both summaries carry it) */
    char market[POLY_MARKET_MAX]; /* its condition id, from its snapshots ("" until one) */
    char last_hash[POLY_BOOK_HASH_HEX]; /* the venue's hash of the book as it is now */
    char hash_ltp[POLY_LTP_MAX]; /* last_trade_price when that hash came: a trade reported since
                                    changes the summary, not the book */
    uint8_t has_hash;         /* last_hash is the current book's */
    uint8_t hash_pending;     /* UNCONFIRMED because that hash differed: checked on every message */
    int64_t last_ts;          /* the venue time of last_hash */
} asset;

typedef struct conn {
    int connected;
    int initial;              /* the opening subscription is owed */
    int ping_due;
    int owed;                 /* some asset of it may owe a command (PEND_*): next_command scans */
    size_t nassets;           /* ACTIVE assets on it */
    size_t nmismatch;         /* of which UNCONFIRMED */
    int64_t connected_ns, last_data_ns, gap_ns;
    uint64_t samples;         /* data messages seen (gaps measured) */
    poly_keepalive ka;
} conn;

/* Last entry of the current price_change for one asset. */
typedef struct touched {
    int asset;
    pm_px_t best_bid, best_ask;
    poly_str hash;
} touched;

struct poly_feed {
    poly_feed_config cfg;
    size_t cap;
    asset *assets;
    pm_book *books;
    pm_strmap index;
    conn *conns;
    size_t nconns, maxconns;
    char *out;
    size_t out_cap;
    poly_parser *parser;
    poly_msg msg;
    touched *touched;
    int *touched_at;          /* per asset: position in `touched`, -1 */
    int logged;               /* LOGGED_* kinds already logged */
    poly_feed_stats stats;
};

void poly_feed_config_default(poly_feed_config *c) {
    c->assets_per_connection = 200;
    c->ping_interval_ms = POLY_PING_INTERVAL_MS;
    c->pong_timeout_ms = POLY_PONG_TIMEOUT_MS;
    c->freeze_floor_ms = 15000;
    c->freeze_factor = 20;
    c->consistency_grace_ms = 2000;
}

void poly_feed_config_from(const pm_config *cfg, poly_feed_config *c) {
    poly_feed_config_default(c);
    c->assets_per_connection = cfg->polymarket.assets_per_connection;
    c->freeze_floor_ms = cfg->polymarket.freeze_floor_ms;
    c->freeze_factor = cfg->polymarket.freeze_factor;
    c->consistency_grace_ms = cfg->polymarket.consistency_grace_ms;
}

poly_feed *poly_feed_new(const poly_feed_config *cfg, size_t max_assets, pm_err *err) {
    if (cfg->assets_per_connection < 1) {
        pm_err_set(err, "assets_per_connection must be at least 1");
        return NULL;
    }
    poly_feed *f = calloc(1, sizeof *f);
    if (!f) goto oom;
    f->cfg = *cfg;
    f->cap = max_assets ? max_assets : 1;
    size_t per = (size_t)cfg->assets_per_connection;
    f->maxconns = (f->cap + per - 1) / per;
    f->out_cap = per * (POLY_ASSET_ID_MAX + 3) + 128;
    f->assets = calloc(f->cap, sizeof *f->assets);
    f->books = calloc(f->cap, sizeof *f->books);
    f->conns = calloc(f->maxconns, sizeof *f->conns);
    f->out = malloc(f->out_cap);
    f->touched = malloc(POLY_MAX_CHANGES * sizeof *f->touched);
    f->touched_at = malloc(f->cap * sizeof *f->touched_at);
    f->parser = poly_parser_new(POLY_FEED_MAX_TOKENS);
    if (!f->assets || !f->books || !f->conns || !f->out || !f->touched || !f->touched_at || !f->parser ||
        pm_strmap_init(&f->index, f->cap))
        goto oom;
    for (size_t i = 0; i < f->cap; i++) {
        pm_book_init(&f->books[i]);
        f->touched_at[i] = -1;
    }
    return f;
oom:
    pm_err_set(err, "out of memory for the Polymarket feed");
    poly_feed_free(f);
    return NULL;
}

void poly_feed_free(poly_feed *f) {
    if (!f) return;
    for (size_t i = 0; f->assets && i < f->cap; i++) free(f->assets[i].id);
    free(f->assets);
    free(f->books);
    free(f->conns);
    free(f->out);
    free(f->touched);
    free(f->touched_at);
    poly_parser_free(f->parser);
    pm_strmap_free(&f->index);
    free(f);
}

/* ---------- events ---------- */

static void event_init(pm_event *ev, pm_event_kind kind, int market, const char *id, size_t len, int64_t now_ns) {
    memset(ev, 0, sizeof *ev);
    ev->kind = kind;
    ev->venue = PM_VENUE_POLYMARKET;
    ev->recv_ns = now_ns;
    ev->market = market;
    ev->id = (pm_str){id, len};
    ev->fee_multiplier = -1;
}

static void emit_event(pm_event_fn emit, void *user, pm_event_kind kind, int market, const char *id, size_t len,
                       const pm_book *book, int64_t now_ns) {
    if (!emit) return;
    pm_event ev;
    event_init(&ev, kind, market, id, len, now_ns);
    ev.book = book;
    emit(user, &ev);
}

static void emit_market(poly_feed *f, pm_event_fn emit, void *user, int market, poly_str id, pm_market_state st,
                        const char *detail, int64_t now_ns) {
    f->stats.market_events++;
    if (!emit) return;
    pm_event ev;
    event_init(&ev, PM_EV_MARKET, market, id.p, id.n, now_ns);
    ev.market_state = st;
    ev.detail = (pm_str){detail, strlen(detail)};
    emit(user, &ev);
}

/* ---------- assets and connections ---------- */

static int valid_id(const char *s, size_t n) {
    if (n == 0 || n > POLY_ASSET_ID_MAX) return 0;
    for (size_t k = 0; k < n; k++) {
        char c = s[k];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return 0;
    }
    return 1;
}

static void rebuild_index(poly_feed *f) {
    memset(f->index.slots, 0, (f->index.mask + 1) * sizeof *f->index.slots);
    for (size_t i = 0; i < f->cap; i++)
        if (f->assets[i].slot != SLOT_FREE) pm_strmap_put(&f->index, f->assets[i].id, f->assets[i].len, (uint32_t)i);
}

static int pick_conn(poly_feed *f) {
    for (size_t c = 0; c < f->nconns; c++)
        if (f->conns[c].nassets < (size_t)f->cfg.assets_per_connection) return (int)c;
    if (f->nconns == f->maxconns) return -1;
    memset(&f->conns[f->nconns], 0, sizeof f->conns[0]);
    return (int)f->nconns++;
}

static void set_mismatch(poly_feed *f, int i, int on, int64_t ts, int64_t now_ns) {
    asset *a = &f->assets[i];
    if (a->mismatch == on) return;
    a->mismatch = (uint8_t)on;
    f->books[i].suspect = (uint8_t)on; /* no order is priced on it until the venue agrees again */
    if (on) {
        a->mismatch_ts = ts;
        a->mismatch_ns = now_ns;
        f->conns[a->conn].nmismatch++;
    } else {
        f->conns[a->conn].nmismatch--;
    }
}

int poly_feed_add(poly_feed *f, const char *asset_id, pm_err *err) {
    size_t len = strlen(asset_id);
    if (!valid_id(asset_id, len)) return pm_err_set(err, "bad Polymarket token id '%.64s'", asset_id);
    int64_t i = pm_strmap_get(&f->index, asset_id, len);
    if (i >= 0 && f->assets[i].slot == SLOT_ACTIVE) return (int)i;
    if (i >= 0 && f->assets[i].slot == SLOT_LEAVING) { /* back before its unsubscribe went out */
        asset *a = &f->assets[i];
        a->slot = SLOT_ACTIVE;
        a->pend = PEND_UNSUB | PEND_SUB;
        f->conns[a->conn].owed = 1;
        f->conns[a->conn].nassets++;
        return (int)i;
    }
    int c = pick_conn(f);
    if (c < 0) return pm_err_set(err, "the Polymarket feed holds at most %zu assets", f->cap);
    if (i < 0) { /* a new id: a free slot, else the slot of an asset long gone */
        for (size_t k = 0; k < f->cap && i < 0; k++)
            if (f->assets[k].slot == SLOT_FREE) i = (int64_t)k;
        for (size_t k = 0; k < f->cap && i < 0; k++)
            if (f->assets[k].slot == SLOT_GONE) i = (int64_t)k;
        if (i < 0) return pm_err_set(err, "the Polymarket feed holds at most %zu assets", f->cap);
        char *copy = strdup(asset_id);
        if (!copy) return pm_err_set(err, "out of memory");
        int reused = f->assets[i].slot == SLOT_GONE;
        free(f->assets[i].id);
        f->assets[i].id = copy;
        f->assets[i].len = len;
        f->assets[i].slot = SLOT_ACTIVE;
        if (reused) rebuild_index(f);
        else pm_strmap_put(&f->index, copy, len, (uint32_t)i);
    }
    asset *a = &f->assets[i];
    a->slot = SLOT_ACTIVE;
    a->conn = c;
    a->mismatch = 0;
    a->tick = POLY_PX_NONE;
    a->hash_state = HASH_OFF;
    a->ltp[0] = a->hash_ltp[0] = a->market[0] = '\0';
    a->has_hash = a->hash_pending = 0;
    conn *x = &f->conns[c];
    a->pend = x->connected && !x->initial ? PEND_SUB : 0;
    if (a->pend) x->owed = 1;
    x->nassets++;
    pm_book_init(&f->books[i]);
    return (int)i;
}

void poly_feed_set_market(poly_feed *f, int i, pm_qty_t min_order_size, int neg_risk) {
    if (i < 0 || (size_t)i >= f->cap || f->assets[i].slot != SLOT_ACTIVE) return;
    asset *a = &f->assets[i];
    if (a->hash_state != HASH_OFF && a->min_size == min_order_size && a->neg_risk == (neg_risk != 0)) return;
    a->min_size = min_order_size;
    a->neg_risk = neg_risk != 0;
    a->hash_state = min_order_size >= 0 ? HASH_UNPROVEN : HASH_OFF;
}

int poly_feed_remove(poly_feed *f, const char *asset_id) {
    int64_t i = pm_strmap_get(&f->index, asset_id, strlen(asset_id));
    if (i < 0 || f->assets[i].slot != SLOT_ACTIVE) return -1;
    asset *a = &f->assets[i];
    conn *x = &f->conns[a->conn];
    set_mismatch(f, (int)i, 0, 0, 0);
    x->nassets--;
    pm_book_init(&f->books[i]);
    if (x->connected && !x->initial) {
        a->slot = SLOT_LEAVING;
        a->pend = PEND_UNSUB;
        x->owed = 1;
    } else {
        a->slot = SLOT_GONE;
        a->pend = 0;
    }
    return 0;
}

size_t poly_feed_connections(const poly_feed *f) { return f->nconns; }
size_t poly_feed_conn_assets(const poly_feed *f, int c) { return f->conns[c].nassets; }
int poly_feed_conn_up(const poly_feed *f, int c) { return c >= 0 && (size_t)c < f->nconns && f->conns[c].connected; }

void poly_feed_connected(poly_feed *f, int c, int64_t now_ns) {
    conn *x = &f->conns[c];
    x->connected = 1;
    x->initial = 1;
    x->ping_due = 0;
    x->connected_ns = now_ns;
    x->last_data_ns = 0;
    poly_keepalive_start(&x->ka, now_ns);
}

void poly_feed_disconnected(poly_feed *f, int c, int64_t now_ns, pm_event_fn emit, void *user) {
    conn *x = &f->conns[c];
    x->connected = 0;
    x->initial = 0;
    x->ping_due = 0;
    for (size_t i = 0; i < f->cap; i++) {
        asset *a = &f->assets[i];
        if (a->slot == SLOT_FREE || a->conn != c) continue;
        if (a->slot == SLOT_LEAVING) a->slot = SLOT_GONE;
        a->pend = 0;
        if (a->slot == SLOT_ACTIVE) {
            set_mismatch(f, (int)i, 0, 0, 0);
            pm_book_invalidate(&f->books[i]);
        }
    }
    emit_event(emit, user, PM_EV_STALE, -1, NULL, 0, NULL, now_ns);
}

/* Continuity of asset i is lost: its book is STALE until the snapshot a fresh subscription brings. */
static int resync_as(poly_feed *f, int i, const char *why, int64_t now_ns, pm_event_fn emit, void *user, int log) {
    asset *a = &f->assets[i];
    conn *x = &f->conns[a->conn];
    if (a->slot != SLOT_ACTIVE) return 0;
    set_mismatch(f, i, 0, 0, 0);
    pm_book_invalidate(&f->books[i]);
    if (!x->connected || x->initial || (a->pend & PEND_SUB)) return 0; /* a subscription is already owed */
    f->stats.resyncs++;
    a->pend |= PEND_UNSUB | PEND_SUB;
    x->owed = 1;
    if (log) pm_warn("poly", "resubscribing", PM_KV_S("asset", a->id), PM_KV_I("conn", a->conn), PM_KV_S("reason", why));
    emit_event(emit, user, PM_EV_STALE, i, a->id, a->len, &f->books[i], now_ns);
    return 1;
}

static void resync(poly_feed *f, int i, const char *why, int64_t now_ns, pm_event_fn emit, void *user) {
    resync_as(f, i, why, now_ns, emit, user, 1);
}

/* Resyncs the assets whose ids appear as "asset_id" values in text (a bad frame or message);
 * every asset of the connection when none can be found. */
static void resync_text(poly_feed *f, int c, const char *text, size_t len, const char *why, int64_t now_ns,
                        pm_event_fn emit, void *user) {
    static const char key[] = "\"asset_id\"";
    const size_t kn = sizeof key - 1;
    int found = 0;
    for (size_t k = 0; k + kn <= len; k++) {
        if (text[k] != '"' || memcmp(text + k, key, kn)) continue;
        size_t p = k + kn;
        while (p < len && (text[p] == ' ' || text[p] == ':' || text[p] == '\n' || text[p] == '\t' || text[p] == '\r')) p++;
        if (p >= len || text[p] != '"') continue;
        size_t s = ++p;
        while (p < len && text[p] != '"') p++;
        if (p >= len) break; /* cut inside the id */
        int64_t i = pm_strmap_get(&f->index, text + s, p - s);
        if (i >= 0 && f->assets[i].slot == SLOT_ACTIVE) {
            resync(f, (int)i, why, now_ns, emit, user);
            found = 1;
        }
        k = p;
    }
    if (found) return;
    int n = 0;
    for (size_t i = 0; i < f->cap; i++)
        if (f->assets[i].slot == SLOT_ACTIVE && f->assets[i].conn == c) n += resync_as(f, (int)i, why, now_ns, emit, user, 0);
    if (n) pm_warn("poly", "resubscribing every asset of the connection", PM_KV_I("conn", c), PM_KV_I("assets", n),
                   PM_KV_S("reason", why));
}

/* ---------- messages ---------- */

static void log_first(poly_feed *f, int kind, const char *msg, const char *what, int c, const char *text, size_t n) {
    if (f->logged & kind) return;
    f->logged |= kind;
    char ctx[96];
    snprintf(ctx, sizeof ctx, "%.*s", (int)(n < 80 ? n : 80), text ? text : "");
    pm_warn("poly", msg, PM_KV_S("detail", what), PM_KV_I("conn", c), PM_KV_S("text", ctx),
            PM_KV_S("note", "logged once; see the feed counters"));
}

/* Index of an ACTIVE asset of the message, or -1 (counted when it is not one of ours at all). */
static int asset_of(poly_feed *f, int c, poly_str id) {
    int64_t i = pm_strmap_get(&f->index, id.p, id.n);
    if (i >= 0) return f->assets[i].slot == SLOT_ACTIVE ? (int)i : -1; /* leaving: late messages */
    f->stats.unknown_asset++;
    log_first(f, LOGGED_UNKNOWN_ASSET, "message for an asset not subscribed", "asset_id", c, id.p, id.n);
    return -1;
}

/* The venue's hash of the book as the message left it (none: has_hash 0). */
static void keep_hash(asset *a, poly_str hash, int64_t ts) {
    a->has_hash = hash.n == POLY_BOOK_HASH_HEX && ts >= 0;
    if (a->has_hash) memcpy(a->last_hash, hash.p, POLY_BOOK_HASH_HEX);
    memcpy(a->hash_ltp, a->ltp, sizeof a->ltp);
    a->last_ts = ts;
}

/* 1 when the venue's hash is that of our book of asset i at venue time ts, 0 when it is not,
 * -1 when there is nothing to compare (no hash, the market or tick unknown, a side held in part). */
static int hash_agrees(poly_feed *f, int i, poly_str market, poly_str hash, int64_t ts) {
    asset *a = &f->assets[i];
    if (a->hash_state == HASH_OFF || hash.n != POLY_BOOK_HASH_HEX || a->tick == POLY_PX_NONE || ts < 0) return -1;
    poly_book_head h = {.market = market.p, .market_len = market.n, .asset = a->id, .asset_len = a->len, .ts_ms = ts,
                        .min_order_size = a->min_size, .tick = a->tick, .neg_risk = a->neg_risk, .ltp = a->hash_ltp};
    char hex[POLY_BOOK_HASH_HEX + 1];
    if (poly_book_hash(&f->books[i], &h, hex)) {
        f->stats.hash_unchecked++;
        return -1;
    }
    if (memcmp(hex, hash.p, POLY_BOOK_HASH_HEX)) return 0;
    f->stats.hash_ok++;
    a->hash_state = HASH_PROVEN;
    return 1;
}

static void on_book(poly_feed *f, int c, int64_t now_ns, pm_event_fn emit, void *user) {
    poly_msg *m = &f->msg;
    int i = asset_of(f, c, m->asset);
    if (i < 0) return;
    pm_book *b = &f->books[i];
    f->stats.snapshots++;
    if (pm_book_snapshot(b, m->bids, m->nbids, m->asks, m->nasks, now_ns)) {
        f->stats.malformed++;
        resync(f, i, "snapshot with repeated or invalid levels", now_ns, emit, user);
        return;
    }
    asset *a = &f->assets[i];
    if (m->tick != POLY_PX_NONE) a->tick = m->tick;
    if (m->ltp.n && m->ltp.n < sizeof a->ltp) {
        memcpy(a->ltp, m->ltp.p, m->ltp.n);
        a->ltp[m->ltp.n] = '\0';
    }
    if (m->market.n && m->market.n < sizeof a->market) {
        memcpy(a->market, m->market.p, m->market.n);
        a->market[m->market.n] = '\0';
    }
    /* a snapshot is the venue's own book: a hash that differs means pmarb does not know what
     * its summary holds (a trade's price missed, say): later ones prove nothing until one agrees */
    keep_hash(a, m->hash, m->ts_ms);
    a->hash_pending = 0;
    if (!hash_agrees(f, i, m->market, m->hash, m->ts_ms)) {
        f->stats.hash_unproven++;
        a->hash_state = HASH_UNPROVEN;
        log_first(f, LOGGED_HASH, "book hash not reproduced: its later hashes are not checked until one agrees",
                  "asset_id", c, a->id, a->len);
    }
    set_mismatch(f, i, 0, 0, 0);
    f->stats.book_updates++;
    emit_event(emit, user, PM_EV_BOOK, i, f->assets[i].id, f->assets[i].len, b, now_ns);
}

/* Our best price of a side as the venue would write it (POLY_PX_NONE when empty), or -2 when
 * unknown (a truncated side that emptied). */
static pm_px_t best_of(const pm_book_side *s) {
    const pm_level *l = pm_book_best(s);
    if (l) return l->px;
    return pm_book_side_known(s) ? POLY_PX_NONE : -2;
}

static void check_top(poly_feed *f, const touched *t, poly_str market, int64_t ts, int64_t now_ns, pm_event_fn emit,
                      void *user) {
    pm_book *b = &f->books[t->asset];
    asset *a = &f->assets[t->asset];
    pm_px_t bid = best_of(&b->bid), ask = best_of(&b->ask);
    if (bid == -2 || ask == -2) {
        resync(f, t->asset, "book deeper than pmarb keeps was emptied", now_ns, emit, user);
        return;
    }
    /* the venue writes an empty side as "" or as the bound: best_bid "0", best_ask "1" */
    pm_px_t vbid = t->best_bid == 0 ? POLY_PX_NONE : t->best_bid;
    pm_px_t vask = t->best_ask == PM_PX_ONE ? POLY_PX_NONE : t->best_ask;
    int top = bid == vbid && ask == vask;
    /* the top agrees: that settles it, unless the hash differed before (poly_feed_verify), which
     * is then checked again on every message until it agrees */
    if (top && (!a->hash_pending || hash_agrees(f, t->asset, market, t->hash, ts) != 0 || a->hash_state != HASH_PROVEN)) {
        a->hash_pending = 0;
        set_mismatch(f, t->asset, 0, 0, 0);
        return;
    }
    if (top) f->stats.hash_mismatches++;
    else f->stats.mismatches++;
    if (a->mismatch && ts > a->mismatch_ts && a->mismatch_ts >= 0) {
        char why[128];
        if (top) snprintf(why, sizeof why, "the venue's book hash differs from ours after a later message");
        else
            snprintf(why, sizeof why, "venue top %lld/%lld disagrees with ours %lld/%lld after a later message",
                     (long long)vbid, (long long)vask, (long long)bid, (long long)ask);
        resync(f, t->asset, why, now_ns, emit, user);
        return;
    }
    if (!a->mismatch) set_mismatch(f, t->asset, 1, ts, now_ns);
}

static void on_price_change(poly_feed *f, int c, int64_t now_ns, pm_event_fn emit, void *user) {
    poly_msg *m = &f->msg;
    size_t nt = 0;
    for (size_t k = 0; k < m->nchanges; k++) {
        const poly_change *ch = &m->changes[k];
        int i = asset_of(f, c, ch->asset);
        if (i < 0) continue;
        pm_book *b = &f->books[i];
        if (b->state != PM_BOOK_LIVE) {
            f->stats.ignored_deltas++;
            continue;
        }
        f->stats.deltas++;
        pm_book_side_set(ch->side == PM_BID ? &b->bid : &b->ask, ch->px, ch->size); /* validated: cannot fail */
        b->updated_ns = now_ns;
        int at = f->touched_at[i];
        if (at < 0) {
            at = (int)nt++;
            f->touched_at[i] = at;
            f->touched[at].asset = i;
        }
        f->touched[at].best_bid = ch->best_bid;
        f->touched[at].best_ask = ch->best_ask;
        f->touched[at].hash = ch->hash;
    }
    /* every book the message touched is checked, and holds the venue's hash of it, before any
     * is announced: a pair's scan on one token's update prices the other token's book too */
    for (size_t k = 0; k < nt; k++) {
        const touched *t = &f->touched[k];
        f->touched_at[t->asset] = -1;
        keep_hash(&f->assets[t->asset], t->hash, m->ts_ms);
        check_top(f, t, m->market, m->ts_ms, now_ns, emit, user);
    }
    for (size_t k = 0; k < nt; k++) {
        const touched *t = &f->touched[k];
        const pm_book *b = &f->books[t->asset];
        if (b->state != PM_BOOK_LIVE) continue;
        f->stats.book_updates++;
        emit_event(emit, user, PM_EV_BOOK, t->asset, f->assets[t->asset].id, f->assets[t->asset].len, b, now_ns);
    }
}

/* A trade: its price is the last_trade_price of its market's summaries that follow, both
 * tokens'. */
static void on_last_trade(poly_feed *f, int c) {
    poly_msg *m = &f->msg;
    f->stats.trades++;
    int i = asset_of(f, c, m->asset);
    if (i < 0 || m->px <= 0 || m->px >= PM_PX_ONE) return;
    char ltp[POLY_LTP_MAX];
    poly_book_ltp_text(m->px, ltp);
    memcpy(f->assets[i].ltp, ltp, sizeof ltp);
    for (size_t k = 0; m->market.n && k < f->cap; k++) {
        asset *a = &f->assets[k];
        if (a->slot == SLOT_ACTIVE && m->market.n < sizeof a->market && !strncmp(a->market, m->market.p, m->market.n) &&
            a->market[m->market.n] == '\0')
            memcpy(a->ltp, ltp, sizeof ltp);
    }
}

static void on_tick_size(poly_feed *f, int c, int64_t now_ns, pm_event_fn emit, void *user) {
    poly_msg *m = &f->msg;
    int i = asset_of(f, c, m->asset);
    if (i < 0) return;
    f->stats.tick_changes++;
    f->assets[i].tick = m->new_tick;
    resync(f, i, "tick_size_change: new book epoch", now_ns, emit, user);
    emit_market(f, emit, user, i, m->asset, PM_MKT_CHANGED, "tick_size_change", now_ns);
}

static void on_resolved(poly_feed *f, int64_t now_ns, pm_event_fn emit, void *user) {
    poly_msg *m = &f->msg;
    int any = 0;
    for (size_t k = 0; k < m->nids; k++) {
        int64_t i = pm_strmap_get(&f->index, m->ids[k].p, m->ids[k].n);
        if (i < 0 || f->assets[i].slot != SLOT_ACTIVE) continue;
        emit_market(f, emit, user, (int)i, m->ids[k], PM_MKT_DETERMINED, "market_resolved", now_ns);
        any = 1;
    }
    if (!any) emit_market(f, emit, user, -1, m->market, PM_MKT_DETERMINED, "market_resolved", now_ns);
}

/* Data arrived on c: the freeze detector's inter-arrival estimate. */
static void saw_data(conn *x, int64_t now_ns) {
    if (x->last_data_ns > 0) {
        int64_t gap = now_ns - x->last_data_ns;
        x->gap_ns = x->samples ? x->gap_ns + (gap - x->gap_ns) / 8 : gap;
        x->samples++;
    }
    x->last_data_ns = now_ns;
}

static void on_bad_message(poly_feed *f, int c, const pm_err *err, int64_t now_ns, pm_event_fn emit, void *user) {
    poly_msg *m = &f->msg;
    f->stats.malformed++;
    if (!(f->logged & LOGGED_MALFORMED)) {
        f->logged |= LOGGED_MALFORMED;
        char asset_id[POLY_ASSET_ID_MAX + 1];
        snprintf(asset_id, sizeof asset_id, "%.*s", (int)(m->asset.n > POLY_ASSET_ID_MAX ? POLY_ASSET_ID_MAX : m->asset.n),
                 m->asset.p ? m->asset.p : "");
        pm_warn("poly", "malformed message dropped", PM_KV_S("error", err->msg), PM_KV_S("asset", asset_id),
                PM_KV_I("conn", c), PM_KV_S("note", "logged once; see the feed counters"));
    }
    /* only what can change a book needs a resync */
    if (m->type == POLY_MSG_BOOK || m->type == POLY_MSG_PRICE_CHANGE || m->type == POLY_MSG_TICK_SIZE ||
        m->type == POLY_MSG_UNKNOWN)
        resync_text(f, c, m->raw, m->raw_len, err->msg, now_ns, emit, user);
}

void poly_feed_frame(poly_feed *f, int c, const char *frame, size_t len, int64_t now_ns, pm_event_fn emit,
                     void *user) {
    conn *x = &f->conns[c];
    pm_err err;
    f->stats.frames++;
    int kind = poly_parse_frame(f->parser, frame, len, &err);
    if (kind < 0) {
        f->stats.malformed++;
        if (!(f->logged & LOGGED_MALFORMED)) {
            f->logged |= LOGGED_MALFORMED;
            pm_warn("poly", "malformed frame dropped", PM_KV_S("error", err.msg), PM_KV_I("conn", c),
                    PM_KV_I("bytes", len), PM_KV_S("note", "logged once; see the feed counters"));
        }
        resync_text(f, c, frame, len, err.msg, now_ns, emit, user);
        return;
    }
    if (kind == POLY_FRAME_PONG) {
        f->stats.pongs++;
        poly_keepalive_pong(&x->ka);
        return;
    }
    if (kind == POLY_FRAME_TEXT) {
        f->stats.texts++;
        log_first(f, LOGGED_TEXT, "plain-text frame ignored", "text", c, frame, len);
        return;
    }
    poly_msg *m = &f->msg;
    int rc;
    while ((rc = poly_parse_next(f->parser, m, &err)) != 0) {
        f->stats.messages++;
        if (rc < 0) {
            on_bad_message(f, c, &err, now_ns, emit, user);
            continue;
        }
        switch (m->type) {
        case POLY_MSG_BOOK: saw_data(x, now_ns); on_book(f, c, now_ns, emit, user); break;
        case POLY_MSG_PRICE_CHANGE: saw_data(x, now_ns); on_price_change(f, c, now_ns, emit, user); break;
        case POLY_MSG_TICK_SIZE: saw_data(x, now_ns); on_tick_size(f, c, now_ns, emit, user); break;
        case POLY_MSG_LAST_TRADE: saw_data(x, now_ns); on_last_trade(f, c); break;
        case POLY_MSG_BEST_BID_ASK: saw_data(x, now_ns); f->stats.best_bid_asks++; break;
        case POLY_MSG_NEW_MARKET:
            emit_market(f, emit, user, -1, m->market, PM_MKT_OPEN, "new_market", now_ns);
            break;
        case POLY_MSG_RESOLVED: on_resolved(f, now_ns, emit, user); break;
        case POLY_MSG_ORDER:
        case POLY_MSG_TRADE:
        case POLY_MSG_UNKNOWN:
            f->stats.unknown_type++;
            log_first(f, LOGGED_UNKNOWN_TYPE, "unknown event_type ignored", "event_type", c, m->event_type.p,
                      m->event_type.n);
            break;
        }
    }
}

/* ---------- timers ---------- */

poly_feed_action poly_feed_tick(poly_feed *f, int c, int64_t now_ns, pm_event_fn emit, void *user) {
    conn *x = &f->conns[c];
    if (!x->connected) return POLY_FEED_OK;
    poly_keepalive_action ka = poly_keepalive_check(&x->ka, now_ns, f->cfg.ping_interval_ms, f->cfg.pong_timeout_ms);
    if (ka == POLY_KEEPALIVE_DEAD) {
        f->stats.pong_timeouts++;
        pm_warn("poly", "no PONG: reconnecting", PM_KV_I("conn", c), PM_KV_I("timeout_ms", f->cfg.pong_timeout_ms));
        return POLY_FEED_RECONNECT;
    }
    if (ka == POLY_KEEPALIVE_PING) x->ping_due = 1;
    if (x->nassets > 0 && x->samples >= POLY_FREEZE_MIN_SAMPLES) {
        int64_t since = x->last_data_ns > x->connected_ns ? x->last_data_ns : x->connected_ns;
        int64_t limit = f->cfg.freeze_floor_ms * 1000000LL;
        if (x->gap_ns > 0 && x->gap_ns <= INT64_MAX / f->cfg.freeze_factor && x->gap_ns * f->cfg.freeze_factor > limit)
            limit = x->gap_ns * f->cfg.freeze_factor;
        if (now_ns - since > limit) {
            f->stats.freezes++;
            pm_warn("poly", "market data stopped while the socket stays open: reconnecting", PM_KV_I("conn", c),
                    PM_KV_I("quiet_ms", (now_ns - since) / 1000000), PM_KV_I("mean_gap_ms", x->gap_ns / 1000000));
            return POLY_FEED_RECONNECT;
        }
    }
    if (x->nmismatch > 0) {
        int64_t grace = f->cfg.consistency_grace_ms * 1000000LL;
        for (size_t i = 0; i < f->cap; i++) {
            asset *a = &f->assets[i];
            if (a->slot == SLOT_ACTIVE && a->conn == c && a->mismatch && now_ns - a->mismatch_ns >= grace)
                resync(f, (int)i, "venue top disagrees with ours past the grace period", now_ns, emit, user);
        }
    }
    return POLY_FEED_OK;
}

/* ---------- commands ---------- */

static void cat(poly_feed *f, size_t *pos, const char *text, size_t n) {
    if (*pos + n >= f->out_cap) n = f->out_cap - 1 - *pos;
    memcpy(f->out + *pos, text, n);
    *pos += n;
    f->out[*pos] = '\0';
}

/* {"assets_ids":[ids of conn's assets matching (slot, pend bit)]<tail>; clears the bit. */
static size_t build(poly_feed *f, int c, int want_slot, int bit, const char *tail) {
    size_t pos = 0, count = 0;
    f->out[0] = '\0';
    cat(f, &pos, "{\"assets_ids\":[", 15);
    for (size_t i = 0; i < f->cap; i++) {
        asset *a = &f->assets[i];
        if (a->conn != c || a->slot == SLOT_FREE || a->slot == SLOT_GONE) continue;
        if (want_slot >= 0 && a->slot != want_slot) continue;
        if (bit && !(a->pend & bit)) continue;
        cat(f, &pos, count ? ",\"" : "\"", count ? 2 : 1);
        cat(f, &pos, a->id, a->len);
        cat(f, &pos, "\"", 1);
        a->pend &= (uint8_t)~bit;
        if (a->slot == SLOT_LEAVING && bit == PEND_UNSUB) a->slot = SLOT_GONE;
        count++;
    }
    cat(f, &pos, "]", 1);
    cat(f, &pos, tail, strlen(tail));
    return count ? pos : 0;
}

const char *poly_feed_next_command(poly_feed *f, int c, size_t *len) {
    conn *x = &f->conns[c];
    if (!x->connected) return NULL;
    if (x->initial) {
        x->initial = 0;
        x->owed = 1;
        for (size_t i = 0; i < f->cap; i++) {
            asset *a = &f->assets[i];
            if (a->conn != c) continue;
            if (a->slot == SLOT_LEAVING) a->slot = SLOT_GONE;
            if (a->slot == SLOT_ACTIVE) a->pend = PEND_SUB; /* cleared by build */
        }
        if ((*len = build(f, c, SLOT_ACTIVE, PEND_SUB, ",\"type\":\"market\",\"custom_feature_enabled\":true}")))
            return f->out;
    }
    if (x->owed) { /* the scans below cost O(capacity): only when something may be owed */
        if ((*len = build(f, c, -1, PEND_UNSUB, ",\"operation\":\"unsubscribe\",\"custom_feature_enabled\":true}")))
            return f->out;
        if ((*len = build(f, c, SLOT_ACTIVE, PEND_SUB, ",\"operation\":\"subscribe\",\"custom_feature_enabled\":true}")))
            return f->out;
        x->owed = 0;
    }
    if (x->ping_due) {
        x->ping_due = 0;
        memcpy(f->out, "PING", 5);
        *len = 4;
        return f->out;
    }
    return NULL;
}

/* ---------- accessors ---------- */

size_t poly_feed_capacity(const poly_feed *f) { return f->cap; }
int poly_feed_index(const poly_feed *f, const char *asset_id, size_t len) {
    int64_t i = pm_strmap_get(&f->index, asset_id, len);
    return i >= 0 && f->assets[i].slot == SLOT_ACTIVE ? (int)i : -1;
}
const char *poly_feed_asset(const poly_feed *f, int i) { return f->assets[i].slot == SLOT_ACTIVE ? f->assets[i].id : NULL; }
int poly_feed_conn_of(const poly_feed *f, int i) { return f->assets[i].conn; }
const pm_book *poly_feed_book(const poly_feed *f, int i) { return &f->books[i]; }
pm_px_t poly_feed_tick_size(const poly_feed *f, int i) { return f->assets[i].tick; }
int poly_feed_confirmed(const poly_feed *f, int i) { return !f->assets[i].mismatch; }

int poly_feed_verify(poly_feed *f, int i, int64_t now_ns) {
    if (i < 0 || (size_t)i >= f->cap || f->assets[i].slot != SLOT_ACTIVE) return 1;
    asset *a = &f->assets[i];
    if (!a->has_hash) return 1;
    poly_str market = {a->market, strlen(a->market)}, hash = {a->last_hash, POLY_BOOK_HASH_HEX};
    if (hash_agrees(f, i, market, hash, a->last_ts) != 0 || a->hash_state != HASH_PROVEN) return 1;
    f->stats.hash_mismatches++;
    a->hash_pending = 1;
    if (!a->mismatch) set_mismatch(f, i, 1, a->last_ts, now_ns);
    return 0;
}

void poly_feed_get_stats(const poly_feed *f, poly_feed_stats *out) { *out = f->stats; }
