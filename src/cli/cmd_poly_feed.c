/* cmd_poly_feed.c — `pmarb polymarket bench-feed`: how fast the market-channel path runs on one
 * core. Generated frames in the venue's current shapes (a `book` per token, then price_change
 * messages each carrying the YES entry and its mirrored NO entry, as the venue sends them) go
 * through the whole path — jsmn parse, book update, top-of-book consistency check, core
 * events — and the run reports messages/s and per-message latency. */
#include "cli/cli.h"
#include "util/clock.h"
#include "util/stats.h"
#include "venue/polymarket/feed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: pmarb polymarket bench-feed [--messages N] [--markets M] [--json]\n\n"
    "Streams N generated price_change messages (default 1000000; each carries one market's YES\n"
    "and NO entries) over M markets (default 1000, so 2M tokens, on connections of\n"
    "[polymarket] assets_per_connection) through parse + book + consistency check on one core,\n"
    "after one book snapshot per token, and prints messages/s and p50/p99/p99.9 latency per\n"
    "message. Fails if the stream was not applied cleanly.\n";

#define LEVELS 20          /* per side: bids 0.30..0.49, asks 0.51..0.70 */
#define POOL 65536         /* distinct messages, replayed in a cycle (each pair restores the book) */

static void token_id(char *out, size_t cap, int outcome, int market) {
    snprintf(out, cap, "%s%06d",
             outcome ? "54179564009642723353355316176091991063553046330768303687769988635499280"
                     : "76670567130917723816490572615540605537878462672464291990940067659127658",
             market);
}

typedef struct gen_book {
    int bid[LEVELS], ask[LEVELS]; /* sizes in whole shares; bid[i] at 0.30 + i/100, ask[i] at 0.51 + i/100 */
} gen_book;

static int best_bid(const gen_book *b) {
    for (int i = LEVELS - 1; i >= 0; i--)
        if (b->bid[i]) return 30 + i;
    return 0;
}
static int best_ask(const gen_book *b) {
    for (int i = 0; i < LEVELS; i++)
        if (b->ask[i]) return 51 + i;
    return 100;
}

/* "0.xx" for cents 1..99, "" for an empty side (0 or 100). */
static const char *px_text(int cents, char *buf) {
    if (cents <= 0 || cents >= 100) return "";
    snprintf(buf, 8, "0.%02d", cents);
    return buf;
}

static size_t snapshot(char *out, size_t cap, int outcome, int market, const gen_book *b) {
    char id[96];
    token_id(id, sizeof id, outcome, market);
    size_t pos = (size_t)snprintf(out, cap, "{\"market\":\"0x285746de0e4f751fd4dc8f9dc2cecd0101ba9ad0096a43145ed9643b%06d\","
                                            "\"asset_id\":\"%s\",\"timestamp\":\"1790658661234\",\"hash\":"
                                            "\"5511583ad6f3eb4678e0a374e0cc2bd3b1975d07\",\"bids\":[",
                                  market, id);
    for (int i = 0; i < LEVELS; i++) /* NO bids mirror YES asks */
        pos += (size_t)snprintf(out + pos, cap - pos, "%s{\"price\":\"0.%02d\",\"size\":\"%d\"}", i ? "," : "",
                                outcome ? 49 - i : 30 + i, outcome ? b->ask[i] : b->bid[i]);
    pos += (size_t)snprintf(out + pos, cap - pos, "],\"asks\":[");
    for (int i = 0; i < LEVELS; i++)
        pos += (size_t)snprintf(out + pos, cap - pos, "%s{\"price\":\"0.%02d\",\"size\":\"%d\"}", i ? "," : "",
                                70 - i, outcome ? b->bid[i] : b->ask[LEVELS - 1 - i]);
    pos += (size_t)snprintf(out + pos, cap - pos, "],\"event_type\":\"book\"}");
    return pos;
}

/* One price_change: YES side/level gets `size`, NO the mirrored level; bests after the change. */
static size_t change(char *out, size_t cap, int market, int yes_bid, int cents, int size, const gen_book *b) {
    char yes[96], no[96], p1[8], p2[8], yb[8], ya[8], nb[8], na[8];
    token_id(yes, sizeof yes, 0, market);
    token_id(no, sizeof no, 1, market);
    int bb = best_bid(b), ba = best_ask(b);
    return (size_t)snprintf(
        out, cap,
        "{\"market\":\"0x285746de0e4f751fd4dc8f9dc2cecd0101ba9ad0096a43145ed9643b%06d\",\"price_changes\":["
        "{\"asset_id\":\"%s\",\"price\":\"%s\",\"size\":\"%d\",\"side\":\"%s\",\"hash\":\"b7623b6417b3ae46dbe5d608a65474c9cec84ef9\","
        "\"best_bid\":\"%s\",\"best_ask\":\"%s\"},"
        "{\"asset_id\":\"%s\",\"price\":\"%s\",\"size\":\"%d\",\"side\":\"%s\",\"hash\":\"c0978ce48e525b35579b9fb4556a08538ebf265a\","
        "\"best_bid\":\"%s\",\"best_ask\":\"%s\"}],\"timestamp\":\"1790658674035\",\"event_type\":\"price_change\"}",
        market, yes, px_text(cents, p1), size, yes_bid ? "BUY" : "SELL", px_text(bb, yb), px_text(ba, ya), no,
        px_text(100 - cents, p2), size, yes_bid ? "SELL" : "BUY", px_text(100 - ba, nb), px_text(100 - bb, na));
}

typedef struct stream {
    char *buf;
    size_t *off;   /* frame k is buf[off[k] .. off[k + 1]) */
    int *conn;     /* connection of frame k */
    int n;
} stream;

static void xorshift(uint64_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
}

/* Snapshots for every token, then POOL changes in restoring pairs. */
static int generate(stream *s, poly_feed *f, int markets, gen_book *books) {
    size_t cap = (size_t)markets * 2 * 2048 + (size_t)POOL * 1024, pos = 0; /* frames are shorter */
    int n = markets * 2 + POOL;
    s->buf = malloc(cap);
    s->off = malloc((size_t)(n + 1) * sizeof *s->off);
    s->conn = malloc((size_t)n * sizeof *s->conn);
    if (!s->buf || !s->off || !s->conn) return -1;
    uint64_t rng = 88172645463325252ULL;
    int k = 0;
    for (int m = 0; m < markets; m++) {
        for (int i = 0; i < LEVELS; i++) books[m].bid[i] = 100 + i * 10, books[m].ask[i] = 300 - i * 10;
        for (int o = 0; o < 2; o++) {
            s->off[k] = pos;
            s->conn[k++] = poly_feed_conn_of(f, 2 * m + o);
            pos += snapshot(s->buf + pos, cap - pos, o, m, &books[m]);
        }
    }
    while (k < n) {
        xorshift(&rng);
        int m = (int)(rng % (uint64_t)markets), lvl = (int)((rng >> 24) % LEVELS), bid = (int)((rng >> 40) & 1);
        int remove = (int)((rng >> 41) & 1), size = 1 + (int)((rng >> 44) % 5000);
        int *slot = bid ? &books[m].bid[lvl] : &books[m].ask[lvl];
        int cents = bid ? 30 + lvl : 51 + lvl, was = *slot;
        for (int step = 0; step < 2; step++) { /* change, then restore */
            *slot = step ? was : remove ? 0 : size;
            s->off[k] = pos;
            s->conn[k++] = poly_feed_conn_of(f, 2 * m);
            pos += change(s->buf + pos, cap - pos, m, bid, cents, *slot, &books[m]);
        }
    }
    s->off[n] = pos;
    s->n = n;
    return 0;
}

static uint64_t book_events;
static void on_event(void *user, const pm_event *ev) {
    (void)user;
    if (ev->kind == PM_EV_BOOK) book_events++;
}

int pm_cmd_poly_bench_feed(pm_cli *cli, int argc, char **argv) {
    if (pm_cli_wants_help(argc, argv)) {
        fputs(usage, stdout);
        return PM_EXIT_OK;
    }
    int messages = 1000000, markets = 1000, json = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) json = 1;
        else if (!strcmp(argv[i], "--messages") && i + 1 < argc) messages = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--markets") && i + 1 < argc) markets = atoi(argv[++i]);
        else return pm_cli_usage_error("polymarket", "unknown argument '%s'", argv[i]);
    }
    if (messages < 100 || messages > 50000000 || markets < 1 || markets > 100000)
        return pm_cli_usage_error("polymarket", "--messages must be 100..50000000 and --markets 1..100000");
    messages += messages % 2; /* whole change/restore pairs */
    const pm_config *cfg = pm_cli_config(cli);
    if (!cfg) return PM_EXIT_USAGE;
    poly_feed_config fc;
    poly_feed_config_default(&fc);
    fc.assets_per_connection = cfg->polymarket.assets_per_connection;
    pm_err err;
    poly_feed *f = poly_feed_new(&fc, (size_t)markets * 2, &err);
    if (!f) return pm_cli_fail("%s", err.msg);
    for (int m = 0; m < markets; m++)
        for (int o = 0; o < 2; o++) {
            char id[96];
            token_id(id, sizeof id, o, m);
            if (poly_feed_add(f, id, &err) < 0) {
                poly_feed_free(f);
                return pm_cli_fail("%s", err.msg);
            }
        }
    for (size_t c = 0; c < poly_feed_connections(f); c++) {
        poly_feed_connected(f, (int)c, 0);
        size_t len;
        while (poly_feed_next_command(f, (int)c, &len)) {
        }
    }
    gen_book *books = calloc((size_t)markets, sizeof *books);
    stream s = {0};
    int64_t *lat = malloc((size_t)messages * sizeof *lat);
    if (!books || !lat || generate(&s, f, markets, books)) {
        poly_feed_free(f);
        free(s.buf);
        free(s.off);
        free(s.conn);
        free(books);
        free(lat);
        return pm_cli_fail("out of memory for the benchmark stream");
    }
    int snaps = markets * 2;
    for (int k = 0; k < snaps; k++) poly_feed_frame(f, s.conn[k], s.buf + s.off[k], s.off[k + 1] - s.off[k], 0, on_event, NULL);
    int64_t start = pm_mono_ns();
    for (int i = 0; i < messages; i++) {
        int k = snaps + i % POOL;
        int64_t t0 = pm_mono_ns();
        poly_feed_frame(f, s.conn[k], s.buf + s.off[k], s.off[k + 1] - s.off[k], t0, on_event, NULL);
        lat[i] = pm_mono_ns() - t0;
    }
    int64_t elapsed = pm_mono_ns() - start;
    poly_feed_stats st;
    poly_feed_get_stats(f, &st);
    int clean = st.deltas == (uint64_t)messages * 2 && !st.resyncs && !st.mismatches && !st.malformed &&
                book_events == (uint64_t)snaps + (uint64_t)messages * 2;
    for (int a = 0; clean && a < snaps; a++) { /* every change was undone: the books are the snapshots */
        const pm_book *b = poly_feed_book(f, a);
        clean = b->state == PM_BOOK_LIVE && b->bid.n == LEVELS && b->ask.n == LEVELS && pm_book_best(&b->bid)->px == 490000 &&
                pm_book_best(&b->ask)->px == 510000;
    }
    poly_feed_free(f);
    free(s.buf);
    free(s.off);
    free(s.conn);
    free(books);
    pm_latency q = pm_latency_summarize(lat, messages);
    free(lat);
    if (!clean)
        return pm_cli_fail("benchmark stream was not applied cleanly (%llu deltas of %d, %llu resyncs, %llu mismatches, %llu malformed)",
                           (unsigned long long)st.deltas, messages * 2, (unsigned long long)st.resyncs,
                           (unsigned long long)st.mismatches, (unsigned long long)st.malformed);
    double rate = (double)messages * 1e9 / (double)elapsed;
    if (json)
        printf("{\"messages\":%d,\"markets\":%d,\"tokens\":%d,\"msgs_per_s\":%.0f,\"p50_ns\":%lld,\"p99_ns\":%lld,\"p999_ns\":%lld}\n",
               messages, markets, snaps, rate, (long long)q.p50, (long long)q.p99, (long long)q.p999);
    else
        printf("Polymarket feed (parse + book + consistency check), %d price_change messages (2 entries each) over %d tokens, one core:\n"
               "  %.0f messages/s   p50 %lld ns   p99 %lld ns   p99.9 %lld ns\n",
               messages, snaps, rate, (long long)q.p50, (long long)q.p99, (long long)q.p999);
    return PM_EXIT_OK;
}
