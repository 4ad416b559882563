/* cmd_bench.c — `pmarb bench`: the hot path on one core. A generated stream of Kalshi and
 * Polymarket book messages (engine/bench_stream.h) goes through exactly what `pmarb run` and
 * `pmarb replay` run — the engine's feeds (Kalshi and Polymarket state machines: parse, seq,
 * book update, consistency check), its pair-cache lookup, the detector over both directions of
 * every touched pair and paper fills — and then, for comparison, through a plain DOM variant
 * of the same work (jansson parses each frame into a tree, which is applied to books and
 * followed by the same pair lookup and detector). Reports messages/s, per-message latency
 * percentiles and peak memory. */
#include "cli/cli.h"
#include "core/detector.h"
#include "core/fees.h"
#include "engine/bench_stream.h"
#include "engine/engine.h"
#include "engine/pair_cache.h"
#include "util/clock.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static const char usage[] =
    "usage: pmarb bench [--messages N] [--pairs P] [--seed S] [--json]\n\n"
    "Generates N messages (default 1000000) of P approved pairs (default 1000): first a snapshot\n"
    "of every book (3 per pair), then 55% Polymarket price_change (both tokens' entries), 2%\n"
    "Polymarket book, 42.5% Kalshi orderbook_delta, 0.5% Kalshi orderbook_snapshot, in the\n"
    "venues' wire formats. Runs them through the production path (engine feeds, books, pair\n"
    "cache, detector, paper fills) on one core, then through a jansson DOM variant of the same\n"
    "work, and prints messages/s and p50/p99/p99.9 latency per message for both, and peak RSS.\n"
    "Generation is not timed. Fails unless both paths applied the stream cleanly.\n";

#define BATCH 16384
#define BATCH_TEXT (BATCH * 1024)

typedef struct figures {
    size_t messages;
    double msgs_per_s;
    int64_t p50, p99, p999;
    uint64_t opportunities;
    uint64_t det[PM_DET_STATUS_COUNT]; /* the engine path: verdicts of the detector's scans */
} figures;

static int cmp64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static void summarize(int64_t *lat, size_t n, int64_t busy_ns, figures *f) {
    qsort(lat, n, sizeof *lat, cmp64);
    f->messages = n;
    f->msgs_per_s = busy_ns > 0 ? (double)n * 1e9 / (double)busy_ns : 0;
    f->p50 = lat[n / 2];
    f->p99 = lat[(size_t)((unsigned __int128)n * 99 / 100)];
    f->p999 = lat[(size_t)((unsigned __int128)n * 999 / 1000)];
}

static long peak_rss_kb(void) {
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) ? -1 : ru.ru_maxrss;
}

/* The approved pairs of the stream: polarity SAME, fees and grids as common on both venues. */
static pm_pair_cache *bench_pairs(const pm_bench_gen *g, pm_err *err) {
    size_t n = pm_bench_gen_pairs(g);
    pm_pair_cache *c = pm_pair_cache_new(n);
    if (!c) {
        pm_err_set(err, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        pm_match_row row;
        memset(&row, 0, sizeof row);
        snprintf(row.id, sizeof row.id, "00000000-0000-4000-8000-%012u", (unsigned)(i % 1000000000000ULL));
        row.status = PM_MATCH_APPROVED;
        row.polarity = PM_POLARITY_SAME;
        pm_market_init(&row.kalshi, PM_VENUE_KALSHI);
        pm_market_init(&row.polymarket, PM_VENUE_POLYMARKET);
        row.kalshi.platform_market_id = pm_bench_ticker(g, i);
        row.kalshi.close_time = "2027-06-30T00:00:00Z";
        row.kalshi.tick_size = 10000;
        row.kalshi.min_order_size = 1000000;
        row.kalshi.fee_type = "quadratic";
        row.kalshi.fee_multiplier = 1000000;
        row.polymarket.platform_market_id = pm_bench_condition(g, i);
        row.polymarket.outcome_yes_id = pm_bench_token(g, i, PM_OUTCOME_YES);
        row.polymarket.outcome_no_id = pm_bench_token(g, i, PM_OUTCOME_NO);
        row.polymarket.close_time = "2027-06-30T00:00:00Z";
        row.polymarket.tick_size = 10000;
        row.polymarket.min_order_size = 5000000;
        row.polymarket.fee_rate_bps = i % 2 ? 0 : 300;
        if (pm_pair_cache_add(c, &row, err) || (i + 1 == n && pm_pair_cache_finish(c, err))) {
            pm_pair_cache_free(c);
            return NULL;
        }
    }
    return c;
}

/* Kalshi subscriptions: acknowledge every subscribe command (sid = its rank), so the feed is
 * ready, and tell the generator which sid each ticker's book messages carry. */
static int ack_kalshi(pm_feeds *feeds, pm_bench_gen *g, const pm_pair_cache *pairs, int64_t now_ns) {
    size_t len;
    const char *cmd;
    int64_t sid = 0, books = 0;
    char (*acks)[192] = NULL;
    size_t nacks = 0;
    int rc = -1;
    pm_feeds_connected(feeds, PM_VENUE_KALSHI, 0, now_ns);
    while ((cmd = pm_feeds_next_command(feeds, PM_VENUE_KALSHI, 0, &len))) {
        const char *id = strstr(cmd, "\"id\":"), *ch = strstr(cmd, "\"channels\":[\"");
        if (!id || !ch || !strstr(cmd, "\"subscribe\"")) continue;
        ch += 13;
        const char *che = strchr(ch, '"');
        if (!che || che - ch > 64) continue;
        char (*grown)[192] = realloc(acks, (nacks + 1) * sizeof *acks);
        if (!grown) goto done;
        acks = grown;
        sid++;
        snprintf(acks[nacks++], sizeof *acks, "{\"type\":\"subscribed\",\"id\":%lld,\"msg\":{\"channel\":\"%.*s\",\"sid\":%lld}}",
                 strtoll(id + 5, NULL, 10), (int)(che - ch), ch, (long long)sid);
        if (strncmp(ch, "orderbook_delta\"", 16)) continue;
        books++;
        for (const char *p = strstr(cmd, "\"market_tickers\":["); p && (p = strchr(p, '"'));) { /* its tickers */
            if (p[1] == ']') break;
            const char *q = strchr(p + 1, '"');
            if (!q) break;
            if (p[-1] == '[' || p[-1] == ',') {
                size_t nl;
                const pm_pair_leg *leg = pm_pair_cache_by_kalshi(pairs, p + 1, (size_t)(q - p - 1), &nl);
                for (size_t k = 0; k < nl; k++) pm_bench_gen_set_sid(g, leg[k].pair->index, sid);
            }
            p = q + 1;
        }
    }
    for (size_t k = 0; k < nacks; k++) pm_feeds_frame(feeds, PM_VENUE_KALSHI, 0, acks[k], strlen(acks[k]), now_ns);
    rc = books > 0 && kalshi_feed_ready(pm_feeds_kalshi(feeds)) ? 0 : -1;
done:
    free(acks);
    return rc;
}

/* ---------- the production path ---------- */

static int run_engine(const pm_config *cfg, size_t npairs, size_t messages, uint64_t seed, figures *fig, long *rss_kb,
                      pm_err *err) {
    pm_bench_gen *g = pm_bench_gen_new(npairs, seed, 1, err);
    if (!g) return -1;
    pm_pair_cache *pairs = bench_pairs(g, err);
    pm_engine *e = NULL;
    pm_bench_batch b = {0};
    int64_t *lat = malloc(messages * sizeof *lat);
    int (*conn)[2] = malloc(npairs * sizeof *conn);
    int rc = -1;
    if (!pairs || !lat || !conn || pm_bench_batch_init(&b, BATCH, BATCH_TEXT)) {
        if (pairs) pm_err_set(err, "out of memory");
        pm_pair_cache_free(pairs);
        goto done;
    }
    if (pm_engine_new(cfg, pairs, NULL, 2 * npairs, &e, err)) goto done;
    pm_feeds *feeds = pm_engine_feeds(e);
    poly_feed *pf = pm_feeds_poly(feeds);
    int64_t t = pm_mono_ns();
    pm_engine_set_clock_offset(e, pm_wall_ns() - t);
    if (ack_kalshi(feeds, g, pm_engine_pairs(e), t)) {
        pm_err_set(err, "the Kalshi feed is not ready after acknowledging its subscriptions");
        goto done;
    }
    for (size_t c = 0; c < poly_feed_connections(pf); c++) {
        size_t len;
        pm_feeds_connected(feeds, PM_VENUE_POLYMARKET, (int)c, t);
        while (pm_feeds_next_command(feeds, PM_VENUE_POLYMARKET, (int)c, &len)) {
        }
    }
    for (size_t i = 0; i < npairs; i++)
        for (int o = 0; o < 2; o++) {
            const char *tok = pm_bench_token(g, i, o ? PM_OUTCOME_NO : PM_OUTCOME_YES);
            conn[i][o] = poly_feed_conn_of(pf, poly_feed_index(pf, tok, strlen(tok)));
        }
    int64_t busy = 0;
    size_t done_n = 0;
    while (done_n < messages) {
        size_t n = pm_bench_gen_fill(g, &b, messages - done_n);
        int64_t start = pm_mono_ns();
        for (size_t k = 0; k < n; k++) {
            const pm_bench_msg *m = &b.msg[k];
            int c = m->venue == PM_VENUE_KALSHI ? 0 : conn[m->pair][m->token];
            int64_t t0 = pm_mono_ns();
            pm_feeds_frame(feeds, m->venue, c, b.text + m->off, m->len, t0);
            lat[done_n + k] = pm_mono_ns() - t0;
        }
        busy += pm_mono_ns() - start;
        done_n += n;
    }
    *rss_kb = peak_rss_kb();
    kalshi_feed_stats ks;
    poly_feed_stats ps;
    pm_engine_stats es;
    kalshi_feed_get_stats(pm_feeds_kalshi(feeds), &ks);
    poly_feed_get_stats(pf, &ps);
    pm_engine_get_stats(e, &es);
    if (ks.malformed || ks.gaps || ks.inconsistent || ks.unknown_ticker || ks.resyncs || ps.malformed || ps.resyncs ||
        ps.mismatches || ps.unknown_asset || ps.ignored_deltas) {
        pm_err_set(err,
                   "the stream was not applied cleanly: Kalshi %llu malformed, %llu gaps, %llu inconsistent, %llu resyncs; "
                   "Polymarket %llu malformed, %llu resyncs, %llu mismatches, %llu ignored",
                   (unsigned long long)ks.malformed, (unsigned long long)ks.gaps, (unsigned long long)ks.inconsistent,
                   (unsigned long long)ks.resyncs, (unsigned long long)ps.malformed, (unsigned long long)ps.resyncs,
                   (unsigned long long)ps.mismatches, (unsigned long long)ps.ignored_deltas);
        goto done;
    }
    summarize(lat, messages, busy, fig);
    fig->opportunities = es.opportunities;
    memcpy(fig->det, es.det, sizeof fig->det);
    rc = 0;
done:
    pm_engine_free(e);
    pm_bench_batch_free(&b);
    free(lat);
    free(conn);
    pm_bench_gen_free(g);
    return rc;
}

/* ---------- the DOM variant ---------- */

typedef struct dom {
    const pm_config *cfg;
    pm_pair_cache *pairs;
    pm_book *kbook;               /* per pair: Kalshi YES book (asks from NO bids) */
    pm_book (*pbook)[2];          /* per pair: Polymarket YES / NO token books */
    pm_det_market *km, *pm;       /* per pair, pointing at those books */
    pm_det_memo (*memo)[PM_DIR_COUNT];
    int64_t *seq;                 /* per sid */
    size_t nsid;
    pm_level *bids, *asks;        /* scratch for snapshots */
    pm_det_params params;
    pm_det_limits lim;
    int64_t clock_offset;
    uint64_t bad, applied, opportunities;
} dom;

enum { DOM_MAX_LEVELS = 4096 };

static const char *sget(json_t *o, const char *key) { return json_string_value(json_object_get(o, key)); }

static int dec(const char *s, int px, int64_t *out) {
    pm_err err;
    return !s || (px ? pm_px_parse(s, strlen(s), out, &err) : pm_qty_parse(s, strlen(s), out, &err));
}

static void dom_detect(dom *d, size_t pair, int64_t now_ns) {
    const pm_pair *p = pm_pair_cache_at(d->pairs, pair);
    pm_det_clock clk = {now_ns, now_ns + d->clock_offset};
    pm_opportunity out[PM_DIR_COUNT];
    d->opportunities += (uint64_t)pm_det_scan_pair(&d->params, &d->lim, &clk, &d->km[pair], &d->pm[pair], p->polarity,
                                                   d->memo[pair], out, NULL);
}

/* [[price, size], ...] or [{"price","size"}, ...] into lv; -1 when malformed. */
static int dom_levels(json_t *arr, int objects, pm_level *lv, size_t *n, int complement) {
    *n = 0;
    if (!arr) return 0;
    if (!json_is_array(arr) || json_array_size(arr) > DOM_MAX_LEVELS) return -1;
    for (size_t k = 0; k < json_array_size(arr); k++) {
        json_t *e = json_array_get(arr, k);
        const char *px = objects ? sget(e, "price") : json_string_value(json_array_get(e, 0));
        const char *qty = objects ? sget(e, "size") : json_string_value(json_array_get(e, 1));
        if (dec(px, 1, &lv[k].px) || dec(qty, 0, &lv[k].qty)) return -1;
        if (complement) lv[k].px = PM_PX_ONE - lv[k].px;
    }
    *n = json_array_size(arr);
    return 0;
}

static int dom_kalshi(dom *d, json_t *root, int64_t now_ns) {
    const char *type = sget(root, "type");
    json_t *msg = json_object_get(root, "msg");
    const char *ticker = sget(msg, "market_ticker");
    json_int_t sid = json_integer_value(json_object_get(root, "sid")), seq = json_integer_value(json_object_get(root, "seq"));
    if (!type || !ticker || sid < 1 || (size_t)sid > d->nsid) return -1;
    if (d->seq[sid - 1] && seq != d->seq[sid - 1] + 1) return -1;
    d->seq[sid - 1] = seq;
    size_t nl;
    const pm_pair_leg *leg = pm_pair_cache_by_kalshi(d->pairs, ticker, strlen(ticker), &nl);
    if (!nl) return -1;
    size_t pair = leg->pair->index;
    pm_book *b = &d->kbook[pair];
    if (!strcmp(type, "orderbook_snapshot")) {
        size_t nb, na; /* use_yes_price: NO levels arrive at YES prices, the YES asks */
        if (dom_levels(json_object_get(msg, "yes_dollars_fp"), 0, d->bids, &nb, 0) ||
            dom_levels(json_object_get(msg, "no_dollars_fp"), 0, d->asks, &na, 0) ||
            pm_book_snapshot(b, d->bids, nb, d->asks, na, now_ns))
            return -1;
    } else if (!strcmp(type, "orderbook_delta")) {
        const char *side = sget(msg, "side");
        pm_px_t px;
        pm_qty_t delta;
        if (!side || dec(sget(msg, "price_dollars"), 1, &px)) return -1;
        const char *ds = sget(msg, "delta_fp");
        int neg = ds && ds[0] == '-';
        if (dec(ds ? ds + neg : NULL, 0, &delta)) return -1;
        if (pm_book_side_add(!strcmp(side, "yes") ? &b->bid : &b->ask, px, neg ? -delta : delta)) return -1;
        b->updated_ns = now_ns;
    } else {
        return -1;
    }
    d->applied++;
    dom_detect(d, pair, now_ns);
    return 0;
}

static pm_book *dom_token(dom *d, const char *asset, size_t *pair) {
    size_t nl;
    const pm_pair_leg *leg = asset ? pm_pair_cache_by_token(d->pairs, asset, strlen(asset), &nl) : NULL;
    if (!leg || !nl) return NULL;
    *pair = leg->pair->index;
    return &d->pbook[*pair][leg->outcome == PM_OUTCOME_NO];
}

static int dom_poly(dom *d, json_t *root, int64_t now_ns) {
    const char *type = sget(root, "event_type");
    if (!type) return -1;
    size_t pair;
    if (!strcmp(type, "book")) {
        pm_book *b = dom_token(d, sget(root, "asset_id"), &pair);
        size_t nb, na;
        if (!b || dom_levels(json_object_get(root, "bids"), 1, d->bids, &nb, 0) ||
            dom_levels(json_object_get(root, "asks"), 1, d->asks, &na, 0) || pm_book_snapshot(b, d->bids, nb, d->asks, na, now_ns))
            return -1;
        d->applied++;
        dom_detect(d, pair, now_ns);
        return 0;
    }
    if (strcmp(type, "price_change")) return -1;
    json_t *arr = json_object_get(root, "price_changes");
    if (!json_is_array(arr)) return -1;
    size_t last = SIZE_MAX;
    for (size_t k = 0; k < json_array_size(arr); k++) {
        json_t *e = json_array_get(arr, k);
        pm_book *b = dom_token(d, sget(e, "asset_id"), &pair);
        const char *side = sget(e, "side");
        pm_px_t px, bb, ba;
        pm_qty_t qty;
        if (!b || !side || dec(sget(e, "price"), 1, &px) || dec(sget(e, "size"), 0, &qty) || dec(sget(e, "best_bid"), 1, &bb) ||
            dec(sget(e, "best_ask"), 1, &ba) || pm_book_side_set(!strcmp(side, "BUY") ? &b->bid : &b->ask, px, qty))
            return -1;
        b->updated_ns = now_ns;
        const pm_level *tb = pm_book_best(&b->bid), *ta = pm_book_best(&b->ask); /* the venue's top must be ours */
        if (!tb || !ta || tb->px != bb || ta->px != ba) return -1;
        d->applied++;
        if (pair != last && last != SIZE_MAX) dom_detect(d, last, now_ns);
        last = pair;
    }
    if (last != SIZE_MAX) dom_detect(d, last, now_ns);
    return 0;
}

static void dom_free(dom *d) {
    pm_pair_cache_free(d->pairs);
    free(d->kbook);
    free(d->pbook);
    free(d->km);
    free(d->pm);
    free(d->memo);
    free(d->seq);
    free(d->bids);
    free(d->asks);
}

static int dom_init(dom *d, const pm_config *cfg, const pm_bench_gen *g, pm_err *err) {
    size_t n = pm_bench_gen_pairs(g);
    memset(d, 0, sizeof *d);
    d->cfg = cfg;
    if (!(d->pairs = bench_pairs(g, err))) return -1;
    d->nsid = n + 1;
    d->kbook = calloc(n, sizeof *d->kbook);
    d->pbook = calloc(n, sizeof *d->pbook);
    d->km = calloc(n, sizeof *d->km);
    d->pm = calloc(n, sizeof *d->pm);
    d->memo = calloc(n, sizeof *d->memo);
    d->seq = calloc(d->nsid, sizeof *d->seq);
    d->bids = malloc(DOM_MAX_LEVELS * sizeof *d->bids);
    d->asks = malloc(DOM_MAX_LEVELS * sizeof *d->asks);
    if (!d->kbook || !d->pbook || !d->km || !d->pm || !d->memo || !d->seq || !d->bids || !d->asks)
        return pm_err_set(err, "out of memory");
    d->params = pm_engine_det_params(cfg);
    d->lim = (pm_det_limits){cfg->risk.max_contracts_per_pair, cfg->risk.max_notional_per_pair};
    for (size_t i = 0; i < n; i++) {
        const pm_pair *p = pm_pair_cache_at(d->pairs, i);
        pm_book_init(&d->kbook[i]);
        pm_book_init(&d->pbook[i][0]);
        pm_book_init(&d->pbook[i][1]);
        pm_det_market *k = &d->km[i], *m = &d->pm[i];
        *k = (pm_det_market){.venue = PM_VENUE_KALSHI, .yes = &d->kbook[i], .id_yes = p->kalshi.ticker, .id_no = p->kalshi.ticker,
                             .tick = p->kalshi.tick_size, .lot = 1000000, .min_qty = p->kalshi.min_order_size,
                             .balance = cfg->risk.max_notional_per_venue, .close_ns = p->kalshi.close_ns, .alive = 1};
        if (pm_fee_kalshi_parse(p->kalshi.fee_type, p->kalshi.fee_multiplier, cfg->kalshi.flat_fee, &k->fee, err)) return -1;
        *m = (pm_det_market){.venue = PM_VENUE_POLYMARKET, .yes = &d->pbook[i][0], .no = &d->pbook[i][1],
                             .id_yes = p->polymarket.token_yes, .id_no = p->polymarket.token_no,
                             .fee = pm_fee_poly_bps(p->polymarket.fee_rate_bps), .tick = p->polymarket.tick_size,
                             .lot = 10000, .min_qty = p->polymarket.min_order_size, .buy_in_cents = 1,
                             .balance = cfg->risk.max_notional_per_venue, .close_ns = p->polymarket.close_ns, .alive = 1};
    }
    return 0;
}

static int run_dom(const pm_config *cfg, size_t npairs, size_t messages, uint64_t seed, figures *fig, pm_err *err) {
    pm_bench_gen *g = pm_bench_gen_new(npairs, seed, 1, err);
    if (!g) return -1;
    dom d;
    pm_bench_batch b = {0};
    int64_t *lat = malloc(messages * sizeof *lat);
    int rc = -1;
    if (dom_init(&d, cfg, g, err)) goto done;
    if (!lat || pm_bench_batch_init(&b, BATCH, BATCH_TEXT)) {
        pm_err_set(err, "out of memory");
        goto done;
    }
    d.clock_offset = pm_wall_ns() - pm_mono_ns();
    int64_t busy = 0;
    size_t done_n = 0;
    while (done_n < messages) {
        size_t n = pm_bench_gen_fill(g, &b, messages - done_n);
        int64_t start = pm_mono_ns();
        for (size_t k = 0; k < n; k++) {
            const pm_bench_msg *m = &b.msg[k];
            int64_t t0 = pm_mono_ns();
            json_error_t je;
            json_t *root = json_loadb(b.text + m->off, m->len, 0, &je);
            if (!root || (m->venue == PM_VENUE_KALSHI ? dom_kalshi(&d, root, t0) : dom_poly(&d, root, t0))) d.bad++;
            json_decref(root);
            lat[done_n + k] = pm_mono_ns() - t0;
        }
        busy += pm_mono_ns() - start;
        done_n += n;
    }
    if (d.bad) {
        pm_err_set(err, "the DOM variant could not apply %llu messages", (unsigned long long)d.bad);
        goto done;
    }
    summarize(lat, messages, busy, fig);
    fig->opportunities = d.opportunities;
    rc = 0;
done:
    dom_free(&d);
    pm_bench_batch_free(&b);
    free(lat);
    pm_bench_gen_free(g);
    return rc;
}

/* ---------- the command ---------- */

static void print_json_figures(const figures *f) {
    printf("\"messages\":%zu,\"msgs_per_s\":%.0f,\"p50_ns\":%lld,\"p99_ns\":%lld,\"p999_ns\":%lld,\"opportunities\":%llu", f->messages,
           f->msgs_per_s, (long long)f->p50, (long long)f->p99, (long long)f->p999, (unsigned long long)f->opportunities);
}

int pm_cmd_bench(pm_cli *cli, int argc, char **argv) {
    if (pm_cli_wants_help(argc, argv)) {
        fputs(usage, stdout);
        return PM_EXIT_OK;
    }
    long long messages = 1000000, pairs = 1000, seed = 1;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) json = 1;
        else if (!strcmp(argv[i], "--messages") && i + 1 < argc) messages = atoll(argv[++i]);
        else if (!strcmp(argv[i], "--pairs") && i + 1 < argc) pairs = atoll(argv[++i]);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc) seed = atoll(argv[++i]);
        else return pm_cli_usage_error("bench", "unknown argument '%s'", argv[i]);
    }
    if (pairs < 1 || pairs > 100000 || messages < 3 * pairs || messages > 100000000)
        return pm_cli_usage_error("bench", "--pairs must be 1..100000 and --messages 3×pairs..100000000");
    const pm_config *cfg = pm_cli_config(cli);
    if (!cfg) return PM_EXIT_USAGE;
    figures fast = {0}, base = {0};
    long rss_kb = 0;
    pm_err err;
    if (run_engine(cfg, (size_t)pairs, (size_t)messages, (uint64_t)seed, &fast, &rss_kb, &err) ||
        run_dom(cfg, (size_t)pairs, (size_t)messages, (uint64_t)seed, &base, &err))
        return pm_cli_fail("%s", err.msg);
    if (json) {
        printf("{");
        print_json_figures(&fast);
        printf(",\"pairs\":%lld,\"books\":%lld,\"peak_rss_kb\":%ld,\"baseline\":{", pairs, 3 * pairs, rss_kb);
        print_json_figures(&base);
        printf("}}\n");
        return PM_EXIT_OK;
    }
    printf("pmarb bench: %zu messages over %lld pairs (%lld books), one core\n", fast.messages, pairs, 3 * pairs);
    printf("  %-34s %12s %9s %9s %9s %14s\n", "path", "messages/s", "p50 ns", "p99 ns", "p99.9 ns", "opportunities");
    printf("  %-34s %12.0f %9lld %9lld %9lld %14llu\n", "hot path (jtok + books + detector)", fast.msgs_per_s,
           (long long)fast.p50, (long long)fast.p99, (long long)fast.p999, (unsigned long long)fast.opportunities);
    printf("  %-34s %12.0f %9lld %9lld %9lld %14llu\n", "DOM baseline (jansson)", base.msgs_per_s, (long long)base.p50,
           (long long)base.p99, (long long)base.p999, (unsigned long long)base.opportunities);
    printf("  detector verdicts (hot path):");
    for (int k = 0; k < PM_DET_STATUS_COUNT; k++)
        printf(" %s %llu", pm_det_status_name((pm_det_status)k), (unsigned long long)fast.det[k]);
    printf("\n");
    printf("  peak RSS after the hot-path run: %ld kB (books, feeds, pair cache, generator, latency samples)\n", rss_kb);
    return PM_EXIT_OK;
}
