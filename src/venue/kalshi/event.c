/* event.c — Kalshi feed results as core events (see event.h). */
#include "venue/kalshi/event.h"

#include <string.h>

static pm_str str_of(kalshi_str s) { return (pm_str){s.p, s.n}; }

static int is(kalshi_str s, const char *word) { return s.n == strlen(word) && !memcmp(s.p, word, s.n); }

static pm_market_state market_state_of(kalshi_str type) {
    if (is(type, "activated")) return PM_MKT_OPEN;
    if (is(type, "deactivated")) return PM_MKT_PAUSED;
    if (is(type, "closed")) return PM_MKT_CLOSED;
    if (is(type, "determined")) return PM_MKT_DETERMINED;
    if (is(type, "settled")) return PM_MKT_SETTLED;
    return PM_MKT_CHANGED;
}

static pm_order_state order_state_of(kalshi_str status) {
    if (is(status, "resting")) return PM_ORD_RESTING;
    if (is(status, "canceled")) return PM_ORD_CANCELED;
    if (is(status, "executed")) return PM_ORD_EXECUTED;
    return PM_ORD_UNKNOWN;
}

int kalshi_feed_to_event(const kalshi_feed *f, const kalshi_feed_result *r, int64_t now_ns, pm_event *ev) {
    static const pm_event_kind kinds[] = {
        [KALSHI_FEED_BOOK] = PM_EV_BOOK, [KALSHI_FEED_STALE] = PM_EV_STALE, [KALSHI_FEED_MARKET] = PM_EV_MARKET,
        [KALSHI_FEED_FILL] = PM_EV_FILL, [KALSHI_FEED_ORDER] = PM_EV_ORDER, [KALSHI_FEED_FEE] = PM_EV_FEE,
    };
    if (r->event == KALSHI_FEED_NONE || (r->event == KALSHI_FEED_BOOK && r->market < 0)) return 0;
    memset(ev, 0, sizeof *ev);
    ev->kind = kinds[r->event];
    ev->venue = PM_VENUE_KALSHI;
    ev->recv_ns = now_ns;
    ev->market = r->market;
    ev->fee_multiplier = -1;
    const kalshi_msg *m = r->msg;
    if (ev->kind == PM_EV_BOOK) {
        ev->book = kalshi_feed_book(f, r->market);
        ev->id.p = kalshi_feed_ticker(f, r->market);
        ev->id.n = strlen(ev->id.p);
        return 1;
    }
    if (ev->kind == PM_EV_STALE || !m) return 1;
    ev->id = str_of(m->ticker);
    if (ev->kind == PM_EV_MARKET) {
        ev->market_state = market_state_of(m->event_type);
        ev->detail = str_of(m->event_type);
    }
    if (ev->kind == PM_EV_FEE) {
        ev->id = str_of(m->event_ticker);
        ev->fee_type = str_of(m->fee_type);
        ev->fee_multiplier = m->fee_multiplier;
    }
    if (ev->kind == PM_EV_FILL || ev->kind == PM_EV_ORDER) {
        ev->order_id = str_of(m->order_id);
        ev->client_order_id = str_of(m->client_order_id);
        ev->trade_id = str_of(m->trade_id);
        ev->order_state = ev->kind == PM_EV_ORDER ? order_state_of(m->status) : PM_ORD_UNKNOWN;
        ev->outcome = m->outcome;
        ev->price = m->price;
        ev->qty = m->count;
        ev->remaining = m->remaining;
        ev->fee = m->fee;
        ev->is_taker = m->is_taker;
    }
    return 1;
}
