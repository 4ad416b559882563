/* cmd_book.c — `pmarb book kalshi TICKER` and `pmarb book polymarket TOKEN_ID`: stream one
 * market's order book and print its top (bid/ask with sizes, age) until Ctrl-C: the first check
 * that credentials and connectivity work. */
#include "cli/cli.h"
#include "config/secrets.h"
#include "util/clock.h"
#include "venue/kalshi/ws.h"
#include "venue/polymarket/ws.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: pmarb book kalshi TICKER [--seconds N]\n"
    "       pmarb book polymarket TOKEN_ID [--seconds N]\n\n"
    "kalshi: connects to Kalshi's WebSocket ([kalshi] env or ws_url) with KALSHI_API_KEY_ID and\n"
    "KALSHI_PRIVATE_KEY_PATH, subscribes to TICKER's order book and prints its top twice a\n"
    "second: YES bid/ask and NO bid/ask with sizes, and how long ago the book last changed.\n"
    "polymarket: subscribes to the outcome token TOKEN_ID on the public market channel\n"
    "([polymarket] ws_url + /market; no credentials) and prints that token's bid and ask with\n"
    "sizes, its tick size and the book's age twice a second.\n"
    "Runs until Ctrl-C, or for N seconds.\n";

static volatile sig_atomic_t stop;
static void on_signal(int sig) {
    (void)sig;
    stop = 1;
}

static void fmt_level(const pm_level *l, int mirror, char *out, size_t cap) {
    if (!l) {
        snprintf(out, cap, "%-18s", "-");
        return;
    }
    char px[PM_FIXED_BUF], qty[PM_FIXED_BUF];
    pm_fixed_format_exact(mirror ? PM_PX_ONE - l->px : l->px, 2, px, sizeof px);
    pm_fixed_format_exact(l->qty, 2, qty, sizeof qty);
    snprintf(out, cap, "%s x %-10s", px, qty);
}

static void print_top(const pm_book *b, const char *ticker) {
    static const char *const states[] = {"waiting for snapshot", "live", "stale: resyncing"};
    if (b->state != PM_BOOK_LIVE) {
        printf("%s  %s\n", ticker, states[b->state]);
        fflush(stdout);
        return;
    }
    const pm_level *yb = pm_book_best(&b->bid), *ya = pm_book_best(&b->ask);
    char ybid[96], yask[96], nbid[96], nask[96];
    fmt_level(yb, 0, ybid, sizeof ybid);
    fmt_level(ya, 0, yask, sizeof yask);
    fmt_level(ya, 1, nbid, sizeof nbid); /* NO bid = 1 − YES ask */
    fmt_level(yb, 1, nask, sizeof nask); /* NO ask = 1 − YES bid */
    printf("%s  YES bid %s ask %s  NO bid %s ask %s  age %lld ms\n", ticker, ybid, yask, nbid, nask,
           (long long)((pm_mono_ns() - b->updated_ns) / 1000000));
    fflush(stdout);
}

static void print_poly_top(const poly_feed *f, const char *token) {
    static const char *const states[] = {"waiting for snapshot", "live", "stale: resyncing"};
    const pm_book *b = poly_feed_book(f, 0);
    if (b->state != PM_BOOK_LIVE) {
        printf("%s  %s\n", token, states[b->state]);
        fflush(stdout);
        return;
    }
    char bid[96], ask[96], tick[PM_FIXED_BUF] = "?";
    fmt_level(pm_book_best(&b->bid), 0, bid, sizeof bid);
    fmt_level(pm_book_best(&b->ask), 0, ask, sizeof ask);
    if (poly_feed_tick_size(f, 0) != POLY_PX_NONE) pm_fixed_format_exact(poly_feed_tick_size(f, 0), 1, tick, sizeof tick);
    printf("%s  bid %s ask %s  tick %s  age %lld ms\n", token, bid, ask, tick,
           (long long)((pm_mono_ns() - b->updated_ns) / 1000000));
    fflush(stdout);
}

static void install_signals(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

static int book_polymarket(const pm_config *cfg, const char *token, double seconds) {
    poly_feed_config fc;
    poly_feed_config_from(cfg, &fc);
    poly_ws *ws;
    pm_err err;
    const char *tokens[] = {token};
    if (poly_ws_new(cfg->polymarket.ws_url, &fc, 1, tokens, 1, NULL, NULL, NULL, &ws, &err))
        return pm_cli_usage_error("book", "%s", err.msg);
    install_signals();
    int64_t start = pm_mono_ns(), next_print = start + 500000000LL;
    while (!stop && (seconds <= 0 || pm_mono_ns() - start < (int64_t)(seconds * 1e9))) {
        poly_ws_service(ws, 50);
        if (pm_mono_ns() >= next_print) {
            print_poly_top(poly_ws_feed(ws), token);
            next_print += 500000000LL;
        }
    }
    poly_feed_stats st;
    poly_feed_get_stats(poly_ws_feed(ws), &st);
    fprintf(stderr,
            "frames %llu, snapshots %llu, deltas %llu, resyncs %llu, malformed %llu, tick changes %llu, freezes %llu\n",
            (unsigned long long)st.frames, (unsigned long long)st.snapshots, (unsigned long long)st.deltas,
            (unsigned long long)st.resyncs, (unsigned long long)st.malformed, (unsigned long long)st.tick_changes,
            (unsigned long long)st.freezes);
    poly_ws_free(ws);
    return PM_EXIT_OK;
}

int pm_cmd_book(pm_cli *cli, int argc, char **argv) {
    if (pm_cli_wants_help(argc, argv)) {
        fputs(usage, stdout);
        return PM_EXIT_OK;
    }
    if (argc < 3) return pm_cli_usage_error("book", "needs a venue and a market");
    int poly = !strcmp(argv[1], "polymarket");
    if (!poly && strcmp(argv[1], "kalshi")) return pm_cli_usage_error("book", "venue must be kalshi or polymarket");
    const char *ticker = argv[2];
    double seconds = 0;
    for (int i = 3; i < argc; i++) {
        if (!strcmp(argv[i], "--seconds") && i + 1 < argc) seconds = atof(argv[++i]);
        else return pm_cli_usage_error("book", "unknown argument '%s'", argv[i]);
    }
    const pm_config *cfg = pm_cli_config(cli);
    if (!cfg) return PM_EXIT_USAGE;
    if (poly) return book_polymarket(cfg, ticker, seconds);
    pm_secrets sec;
    pm_secrets_load(&sec);
    const char *id = sec.value[PM_SECRET_KALSHI_API_KEY_ID], *path = sec.value[PM_SECRET_KALSHI_PRIVATE_KEY_PATH];
    if (!id || !path) return pm_cli_usage_error("book", "set KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_PATH (see README.md)");
    static char pem[64 * 1024];
    size_t len;
    pm_err err;
    kalshi_auth *auth;
    int rc = pm_keyfile_read(path, pem, sizeof pem, &len, &err) || kalshi_auth_new(id, pem, len, &auth, &err);
    memset(pem, 0, sizeof pem);
    if (rc) return pm_cli_usage_error("book", "%s", err.msg);
    kalshi_ws *ws;
    const char *tickers[] = {ticker};
    if (kalshi_ws_new(pm_config_kalshi_ws_url(cfg), auth, tickers, 1, 0, NULL, NULL, &ws, &err)) {
        kalshi_auth_free(auth);
        return pm_cli_fail("%s", err.msg);
    }
    install_signals();
    int64_t start = pm_mono_ns(), next_print = start + 500000000LL;
    while (!stop && (seconds <= 0 || pm_mono_ns() - start < (int64_t)(seconds * 1e9))) {
        kalshi_ws_service(ws, 50);
        if (pm_mono_ns() >= next_print) {
            print_top(kalshi_feed_book(kalshi_ws_feed(ws), 0), ticker);
            next_print += 500000000LL;
        }
    }
    kalshi_feed_stats st;
    kalshi_feed_get_stats(kalshi_ws_feed(ws), &st);
    fprintf(stderr, "frames %llu, book updates %llu, gaps %llu, resyncs %llu, malformed %llu, venue errors %llu\n",
            (unsigned long long)st.frames, (unsigned long long)st.book_updates, (unsigned long long)st.gaps,
            (unsigned long long)st.resyncs, (unsigned long long)st.malformed, (unsigned long long)st.venue_errors);
    kalshi_ws_free(ws);
    kalshi_auth_free(auth);
    return PM_EXIT_OK;
}
