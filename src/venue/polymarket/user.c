/* user.c — Polymarket user channel: subscription and own order/trade events (see user.h). */
#include "venue/polymarket/user.h"

#include "util/log.h"
#include "venue/polymarket/ws_msg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define USER_MAX_TOKENS 8192

enum { LOGGED_MALFORMED = 1, LOGGED_UNKNOWN_TYPE = 2 };

struct poly_user {
    char api_key[128];
    char *sub;                /* the subscription text */
    size_t sub_len;
    poly_parser *parser;
    poly_msg msg;
    poly_keepalive ka;
    int logged;               /* LOGGED_* kinds already logged */
    poly_user_stats stats;
};

/* Credentials and ids go into JSON unescaped: refuse anything that would need escaping. */
static int plain(const char *s, size_t max) {
    size_t n = strlen(s);
    if (n == 0 || n > max) return 0;
    for (size_t k = 0; k < n; k++)
        if (s[k] == '"' || s[k] == '\\' || (unsigned char)s[k] < 0x20) return 0;
    return 1;
}

poly_user *poly_user_new(const char *api_key, const char *secret, const char *passphrase,
                         const char *const *condition_ids, size_t n, pm_err *err) {
    if (!api_key || !secret || !passphrase || !plain(api_key, 120) || !plain(secret, 256) || !plain(passphrase, 256)) {
        pm_err_set(err, "the user channel needs POLY_API_KEY, POLY_API_SECRET and POLY_API_PASSPHRASE (plain text)");
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if (!plain(condition_ids[i], 80)) {
            pm_err_set(err, "bad condition id '%.80s'", condition_ids[i]);
            return NULL;
        }
    poly_user *u = calloc(1, sizeof *u);
    size_t cap = 128 + strlen(api_key) + strlen(secret) + strlen(passphrase) + n * 84;
    if (!u || !(u->sub = malloc(cap)) || !(u->parser = poly_parser_new(USER_MAX_TOKENS))) {
        poly_user_free(u);
        pm_err_set(err, "out of memory");
        return NULL;
    }
    snprintf(u->api_key, sizeof u->api_key, "%s", api_key);
    size_t pos = (size_t)snprintf(u->sub, cap, "{\"auth\":{\"apiKey\":\"%s\",\"secret\":\"%s\",\"passphrase\":\"%s\"},\"markets\":[",
                                  api_key, secret, passphrase);
    for (size_t i = 0; i < n; i++) pos += (size_t)snprintf(u->sub + pos, cap - pos, "%s\"%s\"", i ? "," : "", condition_ids[i]);
    pos += (size_t)snprintf(u->sub + pos, cap - pos, "],\"type\":\"user\"}");
    u->sub_len = pos;
    return u;
}

void poly_user_free(poly_user *u) {
    if (!u) return;
    if (u->sub) memset(u->sub, 0, u->sub_len);
    memset(u->api_key, 0, sizeof u->api_key);
    free(u->sub);
    poly_parser_free(u->parser);
    free(u);
}

const char *poly_user_subscription(poly_user *u, size_t *len) {
    *len = u->sub_len;
    return u->sub;
}

static pm_str S(poly_str s) { return (pm_str){s.p, s.n}; }

static int word_is(poly_str s, const char *w) {
    size_t n = strlen(w);
    if (s.n != n) return 0;
    for (size_t k = 0; k < n; k++) {
        char c = s.p[k];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != w[k]) return 0;
    }
    return 1;
}

static pm_outcome outcome_of(poly_str s) { return word_is(s, "no") ? PM_OUTCOME_NO : PM_OUTCOME_YES; }

static pm_order_state order_state(const poly_msg *m) {
    if (word_is(m->kind, "cancellation") || word_is(m->status, "canceled") || word_is(m->status, "unmatched"))
        return PM_ORD_CANCELED;
    if (word_is(m->status, "matched")) return PM_ORD_EXECUTED;
    if (word_is(m->status, "live")) return PM_ORD_RESTING;
    return PM_ORD_UNKNOWN;
}

static void base(pm_event *ev, pm_event_kind kind, int64_t now_ns) {
    memset(ev, 0, sizeof *ev);
    ev->kind = kind;
    ev->venue = PM_VENUE_POLYMARKET;
    ev->recv_ns = now_ns;
    ev->market = -1;
    ev->fee_multiplier = -1;
}

static void on_order(poly_user *u, int64_t now_ns, pm_event_fn emit, void *user) {
    const poly_msg *m = &u->msg;
    pm_event ev;
    base(&ev, PM_EV_ORDER, now_ns);
    ev.id = S(m->asset);
    ev.order_id = S(m->id);
    ev.order_state = order_state(m);
    ev.detail = S(m->status.n ? m->status : m->kind);
    ev.outcome = outcome_of(m->outcome);
    ev.price = m->px;
    ev.qty = m->size_matched;
    ev.remaining = m->size > m->size_matched ? m->size - m->size_matched : 0;
    u->stats.orders++;
    if (emit) emit(user, &ev);
}

static void on_trade(poly_user *u, int64_t now_ns, pm_event_fn emit, void *user) {
    const poly_msg *m = &u->msg;
    size_t key = strlen(u->api_key);
    int ours = 0;
    for (size_t k = 0; k < m->nmakers; k++) {
        const poly_maker *x = &m->makers[k];
        if (x->owner.n != key || memcmp(x->owner.p, u->api_key, key)) continue;
        pm_event ev;
        base(&ev, PM_EV_FILL, now_ns);
        ev.id = S(x->asset.n ? x->asset : m->asset);
        ev.order_id = S(x->order_id);
        ev.trade_id = S(m->id);
        ev.detail = S(m->status);
        ev.outcome = outcome_of(x->outcome);
        ev.price = x->px;
        ev.qty = x->qty;
        ev.order_state = PM_ORD_UNKNOWN;
        u->stats.fills++;
        ours = 1;
        if (emit) emit(user, &ev);
    }
    int taker = poly_str_is(m->trader_side, "TAKER") ||
                (!m->trader_side.n && m->owner.n == key && !memcmp(m->owner.p, u->api_key, key) && !ours);
    if (!taker) {
        if (!ours) u->stats.foreign++;
        return;
    }
    pm_event ev;
    base(&ev, PM_EV_FILL, now_ns);
    ev.id = S(m->asset);
    ev.order_id = S(m->taker_order_id);
    ev.trade_id = S(m->id);
    ev.detail = S(m->status);
    ev.outcome = outcome_of(m->outcome);
    ev.price = m->px;
    ev.qty = m->size;
    ev.is_taker = 1;
    ev.order_state = PM_ORD_UNKNOWN;
    u->stats.fills++;
    if (emit) emit(user, &ev);
}

void poly_user_frame(poly_user *u, const char *frame, size_t len, int64_t now_ns, pm_event_fn emit, void *user) {
    pm_err err;
    u->stats.frames++;
    int kind = poly_parse_frame(u->parser, frame, len, &err);
    if (kind == POLY_FRAME_PONG) {
        u->stats.pongs++;
        poly_keepalive_pong(&u->ka);
        return;
    }
    if (kind == POLY_FRAME_TEXT) {
        u->stats.texts++;
        return;
    }
    if (kind < 0) {
        u->stats.malformed++;
        if (!(u->logged & LOGGED_MALFORMED)) {
            u->logged |= LOGGED_MALFORMED;
            pm_warn("poly", "malformed user-channel frame dropped", PM_KV_S("error", err.msg), PM_KV_I("bytes", len),
                    PM_KV_S("note", "logged once; see the user-channel counters"));
        }
        return;
    }
    int rc;
    while ((rc = poly_parse_next(u->parser, &u->msg, &err)) != 0) {
        if (rc < 0) {
            u->stats.malformed++;
            if (!(u->logged & LOGGED_MALFORMED)) {
                u->logged |= LOGGED_MALFORMED;
                pm_warn("poly", "malformed user-channel message dropped", PM_KV_S("error", err.msg),
                        PM_KV_S("note", "logged once; see the user-channel counters"));
            }
            continue;
        }
        if (u->msg.type == POLY_MSG_ORDER) on_order(u, now_ns, emit, user);
        else if (u->msg.type == POLY_MSG_TRADE) on_trade(u, now_ns, emit, user);
        else {
            u->stats.unknown_type++;
            if (!(u->logged & LOGGED_UNKNOWN_TYPE)) {
                u->logged |= LOGGED_UNKNOWN_TYPE;
                char t[64];
                snprintf(t, sizeof t, "%.*s", (int)(u->msg.event_type.n < 60 ? u->msg.event_type.n : 60),
                         u->msg.event_type.p ? u->msg.event_type.p : "");
                pm_warn("poly", "unknown user-channel event_type ignored", PM_KV_S("event_type", t),
                        PM_KV_S("note", "logged once"));
            }
        }
    }
}

poly_keepalive *poly_user_keepalive(poly_user *u) { return &u->ka; }
void poly_user_get_stats(const poly_user *u, poly_user_stats *out) { *out = u->stats; }
