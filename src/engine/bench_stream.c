/* bench_stream.c — the benchmark's generated venue stream (see bench_stream.h). */
#include "engine/bench_stream.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BAND 16                /* book levels live within fair ± BAND cents */
#define SLOTS (2 * BAND + 1)   /* slot j is the YES price fair − BAND + j cents */
#define INITIAL_LEVELS 10      /* per side in the first snapshots */

typedef struct gen_pair {
    int fair;                  /* cents, 20..80 */
    uint32_t kb[SLOTS];        /* Kalshi YES bids (hundredths of a contract) */
    uint32_t ka[SLOTS];        /* Kalshi YES asks = NO bids at 100 − price */
    uint32_t pb[SLOTS];        /* Polymarket YES token bids (NO token asks at 100 − price) */
    uint32_t pa[SLOTS];        /* Polymarket YES token asks (NO token bids at 100 − price) */
    char market_id[40];        /* Kalshi market_id (a UUID) */
} gen_pair;

struct pm_bench_gen {
    size_t n;
    gen_pair *p;
    char (*ticker)[PM_BENCH_ID_MAX];
    char (*cond)[PM_BENCH_ID_MAX];
    char (*tok)[2][PM_BENCH_ID_MAX];
    int64_t *sid;              /* per pair: the Kalshi subscription its ticker is on */
    int64_t *seq;              /* last seq per sid (index sid − 1; sids are 1..n + 1) */
    int yes_price;             /* Kalshi NO levels written at YES prices (use_yes_price subscriptions) */
    uint64_t rng;
    size_t emitted;
    int64_t ms;                /* venue clock, Unix ms */
};

static uint64_t next(pm_bench_gen *g) { /* xorshift64* */
    g->rng ^= g->rng >> 12;
    g->rng ^= g->rng << 25;
    g->rng ^= g->rng >> 27;
    return g->rng * 2685821657736338717ULL;
}

static uint32_t below(pm_bench_gen *g, uint32_t n) { return (uint32_t)((next(g) >> 32) % n); }

static void hex(pm_bench_gen *g, char *out, size_t n) {
    static const char digits[] = "0123456789abcdef";
    for (size_t k = 0; k < n; k++) out[k] = digits[below(g, 16)];
    out[n] = '\0';
}

pm_bench_gen *pm_bench_gen_new(size_t pairs, uint64_t seed, int kalshi_yes_price, pm_err *err) {
    if (pairs < 1 || pairs > 1000000) {
        pm_err_set(err, "pairs must be 1..1000000");
        return NULL;
    }
    pm_bench_gen *g = calloc(1, sizeof *g);
    if (!g) goto oom;
    g->n = pairs;
    g->yes_price = kalshi_yes_price;
    g->p = calloc(pairs, sizeof *g->p);
    g->ticker = calloc(pairs, sizeof *g->ticker);
    g->cond = calloc(pairs, sizeof *g->cond);
    g->tok = calloc(pairs, sizeof *g->tok);
    g->sid = calloc(pairs, sizeof *g->sid);
    g->seq = calloc(pairs + 1, sizeof *g->seq);
    if (!g->p || !g->ticker || !g->cond || !g->tok || !g->sid || !g->seq) goto oom;
    g->rng = seed ? seed : 0x9E3779B97F4A7C15ULL;
    g->ms = 1790658661234;
    for (size_t i = 0; i < pairs; i++) {
        gen_pair *p = &g->p[i];
        g->sid[i] = (int64_t)(i / PM_BENCH_TICKERS_PER_SID) + 1;
        p->fair = 20 + (int)below(g, 61);
        for (int k = 1; k <= INITIAL_LEVELS; k++) {
            p->kb[BAND - k] = 100 * (1 + below(g, 3000));
            p->ka[BAND + k] = 100 * (1 + below(g, 3000));
            p->pb[BAND - k] = 100 * (1 + below(g, 3000)) + below(g, 100);
            p->pa[BAND + k] = 100 * (1 + below(g, 3000)) + below(g, 100);
        }
        snprintf(g->ticker[i], PM_BENCH_ID_MAX, "KXBENCH%02u-26DEC31-T%06zu.99", below(g, 100), i);
        g->cond[i][0] = '0';
        g->cond[i][1] = 'x';
        hex(g, g->cond[i] + 2, 64);
        for (int o = 0; o < 2; o++) { /* a decimal uint256 of 77 digits */
            char *t = g->tok[i][o];
            t[0] = (char)('1' + below(g, 9));
            for (int k = 1; k < 77; k++) t[k] = (char)('0' + below(g, 10));
            t[77] = '\0';
        }
        char u[33];
        hex(g, u, 32);
        snprintf(p->market_id, sizeof p->market_id, "%.8s-%.4s-4%.3s-a%.3s-%.12s", u, u + 8, u + 12, u + 15, u + 18);
    }
    return g;
oom:
    pm_err_set(err, "out of memory for the benchmark stream");
    pm_bench_gen_free(g);
    return NULL;
}

void pm_bench_gen_free(pm_bench_gen *g) {
    if (!g) return;
    free(g->p);
    free(g->ticker);
    free(g->cond);
    free(g->tok);
    free(g->sid);
    free(g->seq);
    free(g);
}

size_t pm_bench_gen_pairs(const pm_bench_gen *g) { return g->n; }
const char *pm_bench_ticker(const pm_bench_gen *g, size_t i) { return g->ticker[i]; }
const char *pm_bench_condition(const pm_bench_gen *g, size_t i) { return g->cond[i]; }
const char *pm_bench_token(const pm_bench_gen *g, size_t i, pm_outcome o) { return g->tok[i][o == PM_OUTCOME_NO]; }
int pm_bench_gen_set_sid(pm_bench_gen *g, size_t pair, int64_t sid) {
    if (pair >= g->n || sid < 1 || sid > (int64_t)g->n + 1) return -1;
    g->sid[pair] = sid;
    return 0;
}
size_t pm_bench_initial(const pm_bench_gen *g) { return 3 * g->n; }

int pm_bench_batch_init(pm_bench_batch *b, size_t cap, size_t text_cap) {
    memset(b, 0, sizeof *b);
    if (text_cap < PM_BENCH_MSG_MAX) text_cap = PM_BENCH_MSG_MAX;
    b->text = malloc(text_cap);
    b->msg = malloc((cap ? cap : 1) * sizeof *b->msg);
    if (!b->text || !b->msg) {
        pm_bench_batch_free(b);
        return -1;
    }
    b->text_cap = text_cap;
    b->cap = cap;
    return 0;
}

void pm_bench_batch_free(pm_bench_batch *b) {
    free(b->text);
    free(b->msg);
    memset(b, 0, sizeof *b);
}

/* ---------- text ---------- */

typedef struct out {
    char *p;
    size_t n, cap;
} out;

__attribute__((format(printf, 2, 3))) static void put(out *o, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(o->p + o->n, o->cap - o->n, fmt, ap);
    va_end(ap);
    if (k > 0) o->n += (size_t)k < o->cap - o->n ? (size_t)k : o->cap - o->n - 1;
}

/* Polymarket writes decimals without trailing zeros: 0.5, 0.48 (cents 1..99); 1000, 422.69, 3793.8. */
static const char *poly_px(int cents, char *buf) {
    buf[0] = '0';
    buf[1] = '.';
    buf[2] = (char)('0' + cents / 10 % 10);
    buf[3] = cents % 10 ? (char)('0' + cents % 10) : '\0';
    buf[4] = '\0';
    return buf;
}

static const char *poly_size(uint32_t h, char *buf) {
    if (h % 100 == 0) snprintf(buf, 24, "%u", h / 100);
    else if (h % 10 == 0) snprintf(buf, 24, "%u.%u", h / 100, h % 100 / 10);
    else snprintf(buf, 24, "%u.%02u", h / 100, h % 100);
    return buf;
}

static int px_of(const gen_pair *p, int slot) { return p->fair - BAND + slot; }

static int best_bid(const uint32_t *b) {
    for (int j = SLOTS - 1; j >= 0; j--)
        if (b[j]) return j;
    return -1;
}

static int best_ask(const uint32_t *a) {
    for (int j = 0; j < SLOTS; j++)
        if (a[j]) return j;
    return SLOTS;
}

static int levels(const uint32_t *s) {
    int n = 0;
    for (int j = 0; j < SLOTS; j++) n += s[j] != 0;
    return n;
}

/* ---------- messages ---------- */

static void kalshi_snapshot(pm_bench_gen *g, size_t i, out *o) {
    const gen_pair *p = &g->p[i];
    int64_t sid = g->sid[i];
    put(o, "{\"type\":\"orderbook_snapshot\",\"sid\":%lld,\"seq\":%lld,\"msg\":{\"market_ticker\":\"%s\",\"market_id\":\"%s\","
           "\"yes_dollars_fp\":[",
        (long long)sid, (long long)++g->seq[sid - 1], g->ticker[i], p->market_id);
    int first = 1;
    for (int j = 0; j < SLOTS; j++) /* YES bids, ascending */
        if (p->kb[j]) {
            put(o, "%s[\"0.%02d00\",\"%u.%02u\"]", first ? "" : ",", px_of(p, j), p->kb[j] / 100, p->kb[j] % 100);
            first = 0;
        }
    put(o, "],\"no_dollars_fp\":[");
    first = 1;
    for (int j = SLOTS - 1; j >= 0; j--) /* NO bids at 100 − ask (or at the ask's YES price), ascending */
        if (p->ka[j]) {
            put(o, "%s[\"0.%02d00\",\"%u.%02u\"]", first ? "" : ",", g->yes_price ? px_of(p, j) : 100 - px_of(p, j),
                p->ka[j] / 100, p->ka[j] % 100);
            first = 0;
        }
    put(o, "]}}");
}

static void poly_book(pm_bench_gen *g, size_t i, int no, out *o) {
    const gen_pair *p = &g->p[i];
    char h[41], a[8], s[24];
    hex(g, h, 40);
    put(o, "{\"market\":\"%s\",\"asset_id\":\"%s\",\"timestamp\":\"%lld\",\"hash\":\"%s\",\"bids\":[", g->cond[i],
        g->tok[i][no], (long long)g->ms, h);
    /* YES: bids ascending, asks descending (best last). NO: bids at 100 − YES asks, asks at 100 − YES bids. */
    const uint32_t *bids = no ? p->pa : p->pb, *asks = no ? p->pb : p->pa;
    int first = 1;
    for (int k = 0; k < SLOTS; k++) {
        int j = no ? SLOTS - 1 - k : k;
        if (!bids[j]) continue;
        int c = no ? 100 - px_of(p, j) : px_of(p, j);
        put(o, "%s{\"price\":\"%s\",\"size\":\"%s\"}", first ? "" : ",", poly_px(c, a), poly_size(bids[j], s));
        first = 0;
    }
    put(o, "],\"asks\":[");
    first = 1;
    for (int k = 0; k < SLOTS; k++) {
        int j = no ? k : SLOTS - 1 - k;
        if (!asks[j]) continue;
        int c = no ? 100 - px_of(p, j) : px_of(p, j);
        put(o, "%s{\"price\":\"%s\",\"size\":\"%s\"}", first ? "" : ",", poly_px(c, a), poly_size(asks[j], s));
        first = 0;
    }
    put(o, "],\"tick_size\":\"0.01\",\"event_type\":\"book\",\"last_trade_price\":\"%s\"}", poly_px(no ? 100 - p->fair : p->fair, a));
}

/* A new quantity near the top of one side of (bids, asks); returns the slot, writes old/new. */
static int move_level(pm_bench_gen *g, uint32_t *bids, uint32_t *asks, int bid_side, uint32_t *old, uint32_t *now) {
    int bb = best_bid(bids), ba = best_ask(asks);
    int r = (int)below(g, 8) - 1; /* −1 improves the top, 0..6 at or behind it */
    int j;
    if (bid_side) {
        j = bb - r;
        if (j >= ba) j = ba - 1;
        if (j < 0) j = 0;
    } else {
        j = ba + r;
        if (j <= bb) j = bb + 1;
        if (j > SLOTS - 1) j = SLOTS - 1;
    }
    uint32_t *s = bid_side ? &bids[j] : &asks[j];
    *old = *s;
    uint32_t v;
    if (*s && levels(bid_side ? bids : asks) > 1 && below(g, 100) < 35) v = 0;
    else
        do v = 100 * (1 + below(g, 5000)) + (below(g, 10) < 7 ? 0 : 1 + below(g, 99));
        while (v == *s);
    *s = v;
    *now = v;
    return j;
}

static void kalshi_delta(pm_bench_gen *g, size_t i, out *o) {
    gen_pair *p = &g->p[i];
    int yes = (int)below(g, 2);
    uint32_t old, now;
    int j = move_level(g, p->kb, p->ka, yes, &old, &now);
    int c = yes || g->yes_price ? px_of(p, j) : 100 - px_of(p, j);
    uint32_t d = now > old ? now - old : old - now;
    int64_t sid = g->sid[i], ms = g->ms;
    int64_t day = ms % 86400000;
    put(o, "{\"type\":\"orderbook_delta\",\"sid\":%lld,\"seq\":%lld,\"msg\":{\"market_ticker\":\"%s\",\"market_id\":\"%s\","
           "\"price_dollars\":\"0.%02d00\",\"delta_fp\":\"%s%u.%02u\",\"side\":\"%s\",\"ts\":\"2026-09-24T%02lld:%02lld:%02lld.%03lld%03uZ\","
           "\"ts_ms\":%lld}}",
        (long long)sid, (long long)++g->seq[sid - 1], g->ticker[i], p->market_id, c, now > old ? "" : "-", d / 100,
        d % 100, yes ? "yes" : "no", (long long)(day / 3600000), (long long)(day / 60000 % 60),
        (long long)(day / 1000 % 60), (long long)(day % 1000), below(g, 1000), (long long)ms);
}

static void poly_change(pm_bench_gen *g, size_t i, out *o) {
    gen_pair *p = &g->p[i];
    int bid = (int)below(g, 2);
    uint32_t old, now;
    int j = move_level(g, p->pb, p->pa, bid, &old, &now);
    int c = px_of(p, j), bb = px_of(p, best_bid(p->pb)), ba = px_of(p, best_ask(p->pa));
    char h1[41], h2[41], a[8], b[8], x[8], y[8], z[8], w[8], s[24];
    hex(g, h1, 40);
    hex(g, h2, 40);
    poly_size(now, s);
    put(o,
        "{\"market\":\"%s\",\"price_changes\":[{\"asset_id\":\"%s\",\"price\":\"%s\",\"size\":\"%s\",\"side\":\"%s\","
        "\"hash\":\"%s\",\"best_bid\":\"%s\",\"best_ask\":\"%s\"},{\"asset_id\":\"%s\",\"price\":\"%s\",\"size\":\"%s\","
        "\"side\":\"%s\",\"hash\":\"%s\",\"best_bid\":\"%s\",\"best_ask\":\"%s\"}],\"timestamp\":\"%lld\","
        "\"event_type\":\"price_change\"}",
        g->cond[i], g->tok[i][0], poly_px(c, a), s, bid ? "BUY" : "SELL", h1, poly_px(bb, x), poly_px(ba, y), g->tok[i][1],
        poly_px(100 - c, b), s, bid ? "SELL" : "BUY", h2, poly_px(100 - ba, z), poly_px(100 - bb, w), (long long)g->ms);
}

size_t pm_bench_gen_fill(pm_bench_gen *g, pm_bench_batch *b, size_t want) {
    b->n = 0;
    b->text_len = 0;
    while (b->n < want && b->n < b->cap && b->text_cap - b->text_len >= PM_BENCH_MSG_MAX) {
        out o = {b->text + b->text_len, 0, PM_BENCH_MSG_MAX};
        pm_bench_msg *m = &b->msg[b->n];
        size_t i;
        m->token = 0;
        if (g->emitted < 3 * g->n) { /* every book's first snapshot */
            i = g->emitted / 3;
            m->kind = g->emitted % 3 == 0 ? PM_BENCH_K_SNAPSHOT : PM_BENCH_P_BOOK;
            if (m->kind == PM_BENCH_K_SNAPSHOT) kalshi_snapshot(g, i, &o);
            else poly_book(g, i, m->token = (int)(g->emitted % 3 == 2), &o);
        } else {
            i = below(g, (uint32_t)g->n);
            uint32_t r = below(g, 1000);
            g->ms += below(g, 3);
            if (r < 550) m->kind = PM_BENCH_P_CHANGE, poly_change(g, i, &o);
            else if (r < 570) m->kind = PM_BENCH_P_BOOK, poly_book(g, i, m->token = (int)below(g, 2), &o);
            else if (r < 575) m->kind = PM_BENCH_K_SNAPSHOT, kalshi_snapshot(g, i, &o);
            else m->kind = PM_BENCH_K_DELTA, kalshi_delta(g, i, &o);
        }
        m->venue = m->kind <= PM_BENCH_K_DELTA ? PM_VENUE_KALSHI : PM_VENUE_POLYMARKET;
        m->pair = (uint32_t)i;
        m->off = (uint32_t)b->text_len;
        m->len = (uint32_t)o.n;
        b->text_len += o.n;
        b->n++;
        g->emitted++;
    }
    return b->n;
}
