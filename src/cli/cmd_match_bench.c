/* cmd_match_bench.c — `pmarb bench-match`: times candidate generation on generated markets
 * (default 50,000 Kalshi × 50,000 Polymarket): crypto thresholds, games, elections, Fed
 * decisions (a few), temperature ranges and free-form questions, half of them listed on both venues
 * in each venue's own phrasing. Prints the wall time and how many of the twins were found. */
#include "cli/cli.h"
#include "match/candidates.h"
#include "util/clock.h"
#include "util/strmap.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: pmarb bench-match [--kalshi N] [--polymarket M] [--top-k K] [--seed S] [--json]\n\n"
    "Generates N Kalshi and M Polymarket markets (default 50000 each; half of the smaller side\n"
    "are twins listed on both venues, phrased as each venue phrases them, the rest distinct\n"
    "look-alikes with other thresholds, dates and names) and times pm_match_candidates over\n"
    "them: text normalization and extraction, the inverted index, retrieval, exact scoring and\n"
    "vetoes. Prints the seconds taken, the candidates produced, how many of those at the review\n"
    "threshold (0.95) ask a different question (false matches), and how many twins were found\n"
    "in their Kalshi market's top K unvetoed (or a market asking the identical question: a\n"
    "generated Fed meeting or game can repeat). Deterministic for a seed.\n";

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t next(rng *r) {
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return r->s;
}
static int pick(rng *r, int n) { return (int)(next(r) % (uint64_t)n); }

static const char *const assets[][2] = {{"Bitcoin", "BTC"}, {"Ethereum", "ETH"}, {"Solana", "SOL"}, {"XRP", "XRP"}, {"Dogecoin", "DOGE"}};
static const char *const teams[][2] = {
    {"Milwaukee", "Bucks"}, {"Los Angeles L", "Lakers"}, {"Boston", "Celtics"}, {"Toronto", "Raptors"},
    {"Denver", "Nuggets"}, {"Atlanta", "Hawks"}, {"Miami", "Heat"}, {"Chicago", "Bulls"}, {"Dallas", "Mavericks"},
    {"Phoenix", "Suns"}, {"New York", "Knicks"}, {"Brooklyn", "Nets"}, {"Houston", "Rockets"}, {"Utah", "Jazz"},
    {"Memphis", "Grizzlies"}, {"Orlando", "Magic"}, {"Detroit", "Pistons"}, {"Indiana", "Pacers"},
};
static const char *const months[] = {"January", "February", "March", "April", "May", "June", "July", "August",
                                     "September", "October", "November", "December"};
static const char *const mon3[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const syll[] = {"ka", "ro", "mi", "ten", "sal", "vor", "lin", "dra", "pe", "su", "mar", "gol",
                                   "zen", "ti", "bra", "no", "lek", "fa", "qui", "ros", "ven", "dal", "cor", "ith"};
static const char *const offices[][2] = {{"governor race", "gubernatorial election"}, {"Senate race", "Senate election"},
                                         {"mayoral race", "mayoral election"}, {"House race", "House election"}};
static const char *const cities[] = {"Chicago", "Miami", "Denver", "Austin", "Seattle", "Boston", "Phoenix", "Atlanta"};

/* A made-up proper name of 2–3 syllables, capitalized. */
static void name(rng *r, char *out, size_t cap) {
    int n = 2 + pick(r, 2);
    out[0] = '\0';
    for (int i = 0; i < n; i++) strncat(out, syll[pick(r, (int)(sizeof syll / sizeof *syll))], cap - strlen(out) - 1);
    if (out[0] >= 'a' && out[0] <= 'z') out[0] = (char)(out[0] - 32);
}

typedef struct arena {
    char *buf;
    size_t len, cap;
} arena;

static const char *keep(arena *a, const char *s) {
    size_t n = strlen(s) + 1;
    if (a->len + n > a->cap) return NULL;
    char *p = a->buf + a->len;
    memcpy(p, s, n);
    a->len += n;
    return p;
}

/* One question: its Kalshi and Polymarket phrasing. */
typedef struct question {
    char kt[160], ks[64], pt[160], ps[32], close[64];
    uint64_t game; /* a game: its teams (either order: two teams play once a day) and day, else 0 */
} question;

static void make(rng *r, uint64_t serial, question *q) {
    int y = 2026 + pick(r, 2), m = 1 + pick(r, 12), d = 1 + pick(r, 28);
    snprintf(q->close, sizeof q->close, "%04d-%02d-%02dT23:00:00Z", y, m, d);
    q->ks[0] = q->ps[0] = '\0';
    q->game = 0;
    /* a venue lists a few outcomes per Fed meeting: the first 120 questions only */
    int kind = serial < 120 ? 3 : pick(r, 5);
    if (kind >= 3 && serial >= 120) kind++;
    switch (kind) {
    case 0: {
        int a = pick(r, 5), above = pick(r, 2);
        long thr = (1 + pick(r, 400)) * 250L;
        snprintf(q->kt, sizeof q->kt, "Will %s be %s $%ld,%03ld on %s %d, %d?", assets[a][0], above ? "above" : "below", thr / 1000,
                 thr % 1000, mon3[m - 1], d, y);
        snprintf(q->pt, sizeof q->pt, "Will the price of %s be %s $%ld on %s %d?", assets[a][1],
                 above ? "above" : "less than", thr, months[m - 1], d);
        break;
    }
    case 1: {
        int h = pick(r, 18), v = (h + 1 + pick(r, 17)) % 18;
        snprintf(q->kt, sizeof q->kt, "%s at %s", teams[v][0], teams[h][0]);
        snprintf(q->ks, sizeof q->ks, "%s", teams[v][0]);
        snprintf(q->pt, sizeof q->pt, "%s vs. %s on %s %d, %d", teams[v][1], teams[h][1], months[m - 1], d, y);
        snprintf(q->ps, sizeof q->ps, "%s", teams[v][1]);
        snprintf(q->kt + strlen(q->kt), sizeof q->kt - strlen(q->kt), " (%s %d, %d)", mon3[m - 1], d, y);
        q->game = 1 + (uint64_t)(h < v ? h * 18 + v : v * 18 + h) * 1000000 + (uint64_t)(y * 10000 + m * 100 + d);
        break;
    }
    case 2: {
        char first[32], last[32], state[32];
        name(r, first, sizeof first), name(r, last, sizeof last), name(r, state, sizeof state);
        int o = pick(r, 4);
        snprintf(q->kt, sizeof q->kt, "Will %s %s win the %d %s %s?", first, last, y, state, offices[o][0]);
        snprintf(q->pt, sizeof q->pt, "Will %s %s win the %d %s %s?", first, last, y, state, offices[o][1]);
        break;
    }
    case 3: {
        static const int bps[] = {0, 25, 50};
        int b = bps[pick(r, 3)], hike = pick(r, 2);
        if (b) {
            snprintf(q->kt, sizeof q->kt, "Will the Federal Reserve %s rates by %dbps at the %s %d meeting?", hike ? "hike" : "cut",
                     b, months[m - 1], y);
            snprintf(q->pt, sizeof q->pt, "Will the Fed %s interest rates by %d bps after the %s %d meeting?",
                     hike ? "increase" : "decrease", b, months[m - 1], y);
        } else {
            snprintf(q->kt, sizeof q->kt, "Will the FOMC hold rates at the %s %d meeting?", months[m - 1], y);
            snprintf(q->pt, sizeof q->pt, "Will there be no change in Fed interest rates after the %s %d meeting?", months[m - 1], y);
        }
        break;
    }
    case 4: {
        int c = pick(r, 8), lo = 20 + pick(r, 70);
        snprintf(q->kt, sizeof q->kt, "Will the high temp in %s be %d-%d° on %s %d, %d?", cities[c], lo, lo + 1, mon3[m - 1], d, y);
        snprintf(q->pt, sizeof q->pt, "Will the highest temperature in %s be between %d-%d°F on %s %d?", cities[c], lo, lo + 1,
                 months[m - 1], d);
        break;
    }
    default: {
        char a[32], b[32], c[32];
        name(r, a, sizeof a), name(r, b, sizeof b), name(r, c, sizeof c);
        snprintf(q->kt, sizeof q->kt, "Will %s %s announce the %s deal before %s %d, %d?", a, b, c, mon3[m - 1], d, y);
        snprintf(q->pt, sizeof q->pt, "%s %s announces %s deal by %s %d, %d?", a, b, c, months[m - 1], d > 1 ? d - 1 : d, y);
        if (d == 1) snprintf(q->pt, sizeof q->pt, "%s %s announces %s deal before %s %d, %d?", a, b, c, months[m - 1], d, y);
        break;
    }
    }
}

/* The question a market asks, as a number: its game, or its Polymarket phrasing hashed. */
static uint64_t question_key(const question *q) { return q->game ? q->game : pm_strhash(q->pt, strlen(q->pt)); }

static int fill(pm_match_market *mk, arena *a, const question *q, int kalshi, uint64_t serial) {
    char id[64];
    snprintf(id, sizeof id, "%s-%llu", kalshi ? "K" : "P", (unsigned long long)serial);
    mk->id = keep(a, id);
    mk->platform_id = keep(a, id);
    mk->title = keep(a, kalshi ? q->kt : q->pt);
    mk->subtitle = (kalshi ? q->ks[0] : q->ps[0]) ? keep(a, kalshi ? q->ks : q->ps) : NULL;
    mk->rules = NULL;
    mk->close_time = keep(a, q->close);
    mk->content_hash = NULL;
    return mk->id && mk->title && mk->close_time ? 0 : -1;
}

int pm_cmd_bench_match(pm_cli *cli, int argc, char **argv) {
    (void)cli;
    if (pm_cli_wants_help(argc, argv)) {
        fputs(usage, stdout);
        return PM_EXIT_OK;
    }
    long nk = 50000, np = 50000, top_k = 5, seed = 1;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        long *dst = !strcmp(argv[i], "--kalshi") ? &nk : !strcmp(argv[i], "--polymarket") ? &np
                    : !strcmp(argv[i], "--top-k") ? &top_k : !strcmp(argv[i], "--seed") ? &seed : NULL;
        if (!strcmp(argv[i], "--json")) json = 1;
        else if (dst && i + 1 < argc) {
            char *end;
            *dst = strtol(argv[++i], &end, 10);
            if (*end || *dst < (dst == &seed ? 1 : dst == &top_k ? 1 : 0) || *dst > (dst == &top_k ? 100 : 10000000))
                return pm_cli_usage_error("bench-match", "bad value for %s", argv[i - 1]);
        } else return pm_cli_usage_error("bench-match", "unknown argument '%s'", argv[i]);
    }
    size_t twins = (size_t)(nk < np ? nk : np) / 2;
    pm_match_market *k = calloc((size_t)nk ? (size_t)nk : 1, sizeof *k), *p = calloc((size_t)np ? (size_t)np : 1, sizeof *p);
    uint32_t *twin_of = malloc(((size_t)nk ? (size_t)nk : 1) * sizeof *twin_of); /* Kalshi index → Polymarket index, or UINT32_MAX */
    uint64_t *kkey = malloc(((size_t)nk ? (size_t)nk : 1) * sizeof *kkey), *pkey = malloc(((size_t)np ? (size_t)np : 1) * sizeof *pkey);
    unsigned char *got = calloc((size_t)nk ? (size_t)nk : 1, 1);
    arena a = {NULL, 0, ((size_t)nk + (size_t)np) * 420};
    a.buf = malloc(a.cap);
    if (!k || !p || !twin_of || !a.buf || !kkey || !pkey || !got) {
        free(k), free(p), free(twin_of), free(a.buf), free(kkey), free(pkey), free(got);
        return pm_cli_fail("out of memory");
    }
    rng r = {(uint64_t)seed * 0x9E3779B97F4A7C15ULL};
    question q;
    int rc = 0;
    /* Polymarket i < twins shares its question with Kalshi at position (i * 7919) mod nk: twins spread through the list */
    for (long i = 0; i < nk; i++) twin_of[i] = UINT32_MAX;
    for (size_t i = 0; i < twins && rc == 0; i++) {
        make(&r, i, &q);
        size_t ki = (i * 7919) % (size_t)nk;
        while (twin_of[ki] != UINT32_MAX) ki = (ki + 1) % (size_t)nk;
        twin_of[ki] = (uint32_t)i;
        kkey[ki] = pkey[i] = question_key(&q);
        rc = fill(&k[ki], &a, &q, 1, i) || fill(&p[i], &a, &q, 0, i);
    }
    uint64_t serial = twins;
    for (long i = 0; i < nk && rc == 0; i++)
        if (twin_of[i] == UINT32_MAX) make(&r, serial, &q), kkey[i] = question_key(&q), rc = fill(&k[i], &a, &q, 1, serial++);
    for (size_t i = twins; i < (size_t)np && rc == 0; i++)
        make(&r, serial, &q), pkey[i] = question_key(&q), rc = fill(&p[i], &a, &q, 0, serial++);
    if (rc) {
        free(k), free(p), free(twin_of), free(a.buf), free(kkey), free(pkey), free(got);
        return pm_cli_fail("generated text exceeds its arena");
    }
    pm_match_options opt = {(int)top_k, 24};
    pm_match_candidate *c = NULL;
    size_t n = 0;
    pm_err err;
    int64_t t0 = pm_mono_ns();
    rc = pm_match_candidates(k, (size_t)nk, p, (size_t)np, &opt, &c, &n, &err);
    int64_t ns = pm_mono_ns() - t0;
    size_t found = 0, vetoed = 0, review = 0, wrong = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const pm_match_candidate *x = &c[i];
        int at_review = !x->vetoed && x->score >= 950000;
        /* the same question: the twin, or another market asking it (a Fed meeting, a game can repeat) */
        int same = kkey[x->kalshi] == pkey[x->polymarket];
        vetoed += x->vetoed != 0;
        review += at_review;
        wrong += at_review && !same;
        if (!x->vetoed && same && twin_of[x->kalshi] != UINT32_MAX && !got[x->kalshi]) got[x->kalshi] = 1, found++;
    }
    free(c), free(k), free(p), free(twin_of), free(a.buf), free(kkey), free(pkey), free(got);
    if (rc) return pm_cli_fail("%s", err.msg);
    if (json) {
        json_t *o = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "kalshi", (json_int_t)nk, "polymarket",
                              (json_int_t)np, "top_k", (json_int_t)top_k, "nanoseconds", (json_int_t)ns, "candidates",
                              (json_int_t)n, "vetoed", (json_int_t)vetoed, "at_review_threshold", (json_int_t)review,
                              "false_at_review_threshold", (json_int_t)wrong, "twins", (json_int_t)twins, "twins_found",
                              (json_int_t)found);
        char *s = json_dumps(o, JSON_COMPACT);
        puts(s);
        free(s);
        json_decref(o);
    } else {
        printf("bench-match: %ld Kalshi x %ld Polymarket markets in %lld.%03lld s: %zu candidates (top %ld), %zu vetoed, %zu at 0.95 or "
               "above (%zu of them a different question); %zu of %zu twins found unvetoed\n",
               nk, np, (long long)(ns / 1000000000), (long long)(ns / 1000000 % 1000), n, top_k, vetoed, review, wrong, found,
               twins);
    }
    return PM_EXIT_OK;
}
