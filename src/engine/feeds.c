/* feeds.c — both venues' feed state machines behind one set of inputs (see feeds.h). */
#include "engine/feeds.h"

#include "venue/kalshi/event.h"

#include <stdlib.h>
#include <string.h>

struct pm_feeds {
    kalshi_feed *kalshi;
    poly_feed *poly;
    pm_event_fn emit;
    void *user;
    pm_feed_tap tap;
    void *tap_user;
    int user_channels;
};

int pm_feeds_new(const char *const *tickers, size_t ntick, const char *const *tokens, size_t ntok, size_t max_tokens,
                 const poly_feed_config *cfg, pm_event_fn emit, void *user, pm_feeds **out, pm_err *err) {
    *out = NULL;
    pm_feeds *f = calloc(1, sizeof *f);
    if (!f) return pm_err_set(err, "out of memory");
    f->emit = emit;
    f->user = user;
    if (max_tokens < ntok) max_tokens = ntok;
    if (!(f->kalshi = kalshi_feed_new(tickers, ntick, 1, err)) || !(f->poly = poly_feed_new(cfg, max_tokens ? max_tokens : 1, err))) {
        pm_feeds_free(f);
        return -1;
    }
    for (size_t i = 0; i < ntok; i++)
        if (poly_feed_add(f->poly, tokens[i], err) < 0) {
            pm_feeds_free(f);
            return -1;
        }
    *out = f;
    return 0;
}

void pm_feeds_free(pm_feeds *f) {
    if (!f) return;
    kalshi_feed_free(f->kalshi);
    poly_feed_free(f->poly);
    free(f);
}

void pm_feeds_set_user_channels(pm_feeds *f, int on) { f->user_channels = on; }

void pm_feeds_set_tap(pm_feeds *f, pm_feed_tap tap, void *user) {
    f->tap = tap;
    f->tap_user = user;
}

static void tap(pm_feeds *f, pm_feed_input kind, pm_venue venue, int conn, const char *text, size_t len, int64_t now) {
    if (f->tap) f->tap(f->tap_user, kind, venue, conn, text, len, now);
}

static void emit_stale(pm_feeds *f, int64_t now) {
    pm_event ev = {.kind = PM_EV_STALE, .venue = PM_VENUE_KALSHI, .recv_ns = now, .market = -1, .fee_multiplier = -1};
    f->emit(f->user, &ev);
}

void pm_feeds_connected(pm_feeds *f, pm_venue venue, int conn, int64_t now_ns) {
    tap(f, PM_IN_CONNECTED, venue, conn, NULL, 0, now_ns);
    if (venue == PM_VENUE_KALSHI) kalshi_feed_connected(f->kalshi, f->user_channels);
    else poly_feed_connected(f->poly, conn, now_ns);
}

void pm_feeds_disconnected(pm_feeds *f, pm_venue venue, int conn, int64_t now_ns) {
    tap(f, PM_IN_DISCONNECTED, venue, conn, NULL, 0, now_ns);
    if (venue == PM_VENUE_KALSHI) {
        kalshi_feed_disconnected(f->kalshi);
        emit_stale(f, now_ns);
    } else poly_feed_disconnected(f->poly, conn, now_ns, f->emit, f->user);
}

void pm_feeds_frame(pm_feeds *f, pm_venue venue, int conn, const char *text, size_t len, int64_t now_ns) {
    if (!text) len = 0;
    tap(f, PM_IN_FRAME, venue, conn, text ? text : "", len, now_ns);
    if (venue == PM_VENUE_KALSHI) {
        kalshi_feed_result res;
        kalshi_feed_frame(f->kalshi, text ? text : "", len, now_ns, &res);
        pm_event ev;
        if (kalshi_feed_to_event(f->kalshi, &res, now_ns, &ev)) f->emit(f->user, &ev);
    } else poly_feed_frame(f->poly, conn, text ? text : "", len, now_ns, f->emit, f->user);
}

poly_feed_action pm_feeds_tick(pm_feeds *f, int conn, int64_t now_ns) {
    tap(f, PM_IN_TICK, PM_VENUE_POLYMARKET, conn, NULL, 0, now_ns);
    return poly_feed_tick(f->poly, conn, now_ns, f->emit, f->user);
}

const char *pm_feeds_next_command(pm_feeds *f, pm_venue venue, int conn, size_t *len) {
    return venue == PM_VENUE_KALSHI ? kalshi_feed_next_command(f->kalshi, len) : poly_feed_next_command(f->poly, conn, len);
}

kalshi_feed *pm_feeds_kalshi(pm_feeds *f) { return f->kalshi; }
poly_feed *pm_feeds_poly(pm_feeds *f) { return f->poly; }
