/* poly_ws.c — the simulated Polymarket WebSocket channels on the Polymarket port (see
 * poly_venue.h): /ws/market (subscriptions by token id, `book` snapshots on subscribe,
 * `price_change` with both tokens' entries, `last_trade_price`, `tick_size_change`, and with
 * custom features `best_bid_ask` and `market_resolved`; text PING → PONG; several messages
 * sometimes batched as one JSON array) and /ws/user (credentials checked by the order side,
 * messages filtered by condition id). Fault switches: drop, malformed frame, freeze, and
 * price_change messages of one market left unsent (skip_updates). */
#define _GNU_SOURCE /* asprintf */
#include "sim/poly_venue.h"

#include "sim/price_process.h"
#include "sim/ws_queue.h"
#include "util/clock.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum pchannel { CH_MARKET, CH_USER } pchannel;

struct sim_pconn {
    struct lws *wsi;
    pchannel channel;
    unsigned char *subs;    /* per market: bit o set when subscribed to outcome o (market
                               channel) or to the market's condition (user channel, bit 0) */
    int all_markets;        /* user channel subscribed with an empty market list */
    int custom;             /* custom_feature_enabled */
    int authed;             /* user channel: credentials accepted */
    char api_key[128];
    int frozen;             /* fault: no market data, PING still answered */
    int drop;
    int malformed_next;     /* fault: the next frame is broken JSON */
    sim_ws_queue out;
    sim_pconn *next;
};

static void enqueue(sim_pconn *c, char *text) {
    if (!text) return;
    if (c->malformed_next) {
        c->malformed_next = 0;
        free(text);
        text = strdup("{\"event_type\":\"price_change\",\"market\":");
    }
    if (sim_ws_queue_push(&c->out, text)) c->drop = 1; /* a client this slow is cut off */
    sim_ws_wake(c->wsi);
}

static void now_ms(char out[24]) { snprintf(out, 24, "%lld", (long long)(pm_wall_ns() / 1000000)); }

static int wants_market_data(const sim_pconn *c, int market, int outcome_mask) {
    return c->channel == CH_MARKET && !c->frozen && !c->drop && (c->subs[market] & outcome_mask);
}

/* ---- messages ---------------------------------------------------------------------- */

static char *book_text(const sim_poly *p, int m, pm_outcome o) {
    return sim_poly_dumps(sim_poly_book_summary(p, m, o, p->markets[m].book_ts_ms, 1));
}

/* Best bid and ask of an outcome token (0 when the side is empty). */
static void best_of(const sim_pmarket *m, pm_outcome o, pm_px_t *bid, pm_px_t *ask) {
    const pm_level *b = pm_book_best(&m->book.bid), *a = pm_book_best(&m->book.ask);
    if (o == PM_OUTCOME_YES) {
        *bid = b ? b->px : 0;
        *ask = a ? a->px : 0;
    } else {
        *bid = a ? PM_PX_ONE - a->px : 0;
        *ask = b ? PM_PX_ONE - b->px : 0;
    }
}

static json_t *dec(int64_t v, int empty_none) {
    char buf[PM_FIXED_BUF];
    sim_poly_decimal(v, empty_none, buf);
    return json_string(buf);
}

static json_t *best_bid_ask(const sim_pmarket *m, pm_outcome o, const char *ts) {
    pm_px_t bid, ask;
    best_of(m, o, &bid, &ask);
    json_t *doc = json_object();
    json_object_set_new(doc, "event_type", json_string("best_bid_ask"));
    json_object_set_new(doc, "market", json_string(m->condition_id));
    json_object_set_new(doc, "asset_id", json_string(m->token[o]));
    json_object_set_new(doc, "best_bid", dec(bid, 1));
    json_object_set_new(doc, "best_ask", dec(ask, 1));
    json_object_set_new(doc, "spread", bid && ask ? dec(ask - bid, 0) : json_string(""));
    json_object_set_new(doc, "timestamp", json_string(ts));
    return doc;
}

void sim_poly_ws_price_change(sim_poly *p, int market, const sim_plevel *lv, int n) {
    const sim_pmarket *m = &p->markets[market];
    if (p->skip_updates > 0 && market == p->skip_market) { /* lost: the venue's book moved on without it */
        p->skip_updates--;
        p->skipped_updates++;
        return;
    }
    int subscribers = 0;
    for (sim_pconn *c = p->conns; c; c = c->next) subscribers += wants_market_data(c, market, 3);
    if (!subscribers) return;
    char ts[24];
    int64_t ms = pm_wall_ns() / 1000000;
    snprintf(ts, sizeof ts, "%lld", (long long)ms);
    char hash[2][48];
    for (int o = 0; o < 2; o++) { /* the book after the change, at the message's timestamp */
        json_t *b = sim_poly_book_summary(p, market, (pm_outcome)o, ms, 0);
        snprintf(hash[o], sizeof hash[o], "%s", json_string_value(json_object_get(b, "hash")));
        json_decref(b);
    }
    pm_px_t best[2][2];
    for (int o = 0; o < 2; o++) best_of(m, (pm_outcome)o, &best[o][0], &best[o][1]);
    int bad = p->bad_best_next, top = 0;
    p->bad_best_next = 0;
    json_t *changes = json_array();
    for (int i = 0; i < n; i++) {
        const pm_level *b = pm_book_best(lv[i].side == PM_BID ? &m->book.bid : &m->book.ask);
        top |= !b || (lv[i].side == PM_BID ? lv[i].px >= b->px : lv[i].px <= b->px);
        for (int o = 0; o < 2; o++) { /* a YES bid at p is a NO ask at 1 − p */
            int buy = (lv[i].side == PM_BID) == (o == PM_OUTCOME_YES);
            pm_px_t bb = best[o][0];
            if (bad && o == PM_OUTCOME_YES) bb = bb > m->tick ? bb - m->tick : bb + m->tick;
            json_t *e = json_object();
            json_object_set_new(e, "asset_id", json_string(m->token[o]));
            json_object_set_new(e, "price", dec(o == PM_OUTCOME_YES ? lv[i].px : PM_PX_ONE - lv[i].px, 0));
            json_object_set_new(e, "size", dec(lv[i].qty, 0));
            json_object_set_new(e, "side", json_string(buy ? "BUY" : "SELL"));
            json_object_set_new(e, "hash", json_string(hash[o]));
            json_object_set_new(e, "best_bid", dec(bb, 1));
            json_object_set_new(e, "best_ask", dec(best[o][1], 1));
            json_array_append_new(changes, e);
        }
    }
    json_t *msg = json_object();
    json_object_set_new(msg, "market", json_string(m->condition_id));
    json_object_set_new(msg, "price_changes", changes);
    json_object_set_new(msg, "timestamp", json_string(ts));
    json_object_set_new(msg, "event_type", json_string("price_change"));
    json_t *batch = json_array(); /* custom-feature sockets get the new top with it, in one frame */
    json_array_append(batch, msg);
    for (int o = 0; o < 2 && top; o++) json_array_append_new(batch, best_bid_ask(m, (pm_outcome)o, ts));
    char *plain = sim_poly_dumps(msg), *custom = sim_poly_dumps(batch);
    p->price_changes++;
    for (sim_pconn *c = p->conns; c; c = c->next)
        if (wants_market_data(c, market, 3)) enqueue(c, strdup(c->custom && top ? custom : plain));
    free(plain);
    free(custom);
}

/* A trade at px on one outcome: its token's last_trade_price message, to the subscribers of
 * either token (the market's summaries, both tokens', then write px as last_trade_price, as the
 * venue's do: the captured burst's NO summaries carry the YES token's last trade). */
void sim_poly_publish_trade(sim_poly *p, int market, pm_outcome outcome, pm_side side, pm_px_t px, pm_qty_t qty) {
    sim_pmarket *m = &p->markets[market];
    m->last_trade[outcome] = px;
    m->last_trade[pm_outcome_flip(outcome)] = PM_PX_ONE - px;
    m->summary_ltp = px;
    char ts[24], bps[24];
    now_ms(ts);
    snprintf(bps, sizeof bps, "%lld", (long long)(m->fee_rate / 100)); /* scale 6 → basis points */
    json_t *doc = json_object();
    json_object_set_new(doc, "asset_id", json_string(m->token[outcome]));
    json_object_set_new(doc, "event_type", json_string("last_trade_price"));
    json_object_set_new(doc, "fee_rate_bps", json_string(bps));
    json_object_set_new(doc, "market", json_string(m->condition_id));
    json_object_set_new(doc, "price", dec(px, 0));
    json_object_set_new(doc, "side", json_string(side == PM_SIDE_BUY ? "BUY" : "SELL"));
    json_object_set_new(doc, "size", dec(qty, 0));
    json_object_set_new(doc, "timestamp", json_string(ts));
    char *text = sim_poly_dumps(doc);
    for (sim_pconn *c = p->conns; c && text; c = c->next)
        if (wants_market_data(c, market, 3)) enqueue(c, strdup(text));
    free(text);
}

void sim_poly_ws_tick_size(sim_poly *p, int market, pm_px_t old_tick) {
    const sim_pmarket *m = &p->markets[market];
    char ts[24];
    now_ms(ts);
    for (int o = 0; o < 2; o++) {
        json_t *doc = json_object();
        json_object_set_new(doc, "event_type", json_string("tick_size_change"));
        json_object_set_new(doc, "asset_id", json_string(m->token[o]));
        json_object_set_new(doc, "market", json_string(m->condition_id));
        json_object_set_new(doc, "old_tick_size", dec(old_tick, 0));
        json_object_set_new(doc, "new_tick_size", dec(m->tick, 0));
        json_object_set_new(doc, "timestamp", json_string(ts));
        char *text = sim_poly_dumps(doc);
        for (sim_pconn *c = p->conns; c && text; c = c->next)
            if (wants_market_data(c, market, 1 << o)) { /* then the book on the new grid */
                enqueue(c, strdup(text));
                enqueue(c, book_text(p, market, (pm_outcome)o));
            }
        free(text);
    }
}

void sim_poly_ws_resolved(sim_poly *p, int market) {
    const sim_pmarket *m = &p->markets[market];
    pm_px_t yes = sim_prices_poly_quote(p->prices, m->fair_q);
    if (m->inverted) yes = PM_PX_ONE - yes;
    int win = yes >= PM_PX_ONE / 2 ? PM_OUTCOME_YES : PM_OUTCOME_NO;
    char ts[24];
    now_ms(ts);
    json_t *doc = json_object(), *ids = json_array();
    json_object_set_new(doc, "event_type", json_string("market_resolved"));
    json_object_set_new(doc, "id", json_string(m->gamma_id));
    json_object_set_new(doc, "market", json_string(m->condition_id));
    json_array_append_new(ids, json_string(m->token[0]));
    json_array_append_new(ids, json_string(m->token[1]));
    json_object_set_new(doc, "assets_ids", ids);
    json_object_set_new(doc, "winning_asset_id", json_string(m->token[win]));
    json_object_set_new(doc, "winning_outcome", json_string(m->outcome[win]));
    json_object_set_new(doc, "timestamp", json_string(ts));
    char *text = sim_poly_dumps(doc);
    for (sim_pconn *c = p->conns; c && text; c = c->next)
        if (c->custom && wants_market_data(c, market, 3)) enqueue(c, strdup(text));
    free(text);
}

void sim_poly_push_user(sim_poly *p, const char *api_key, const char *condition_id, const char *json) {
    int m = condition_id ? sim_poly_find_condition(p, condition_id) : -1;
    for (sim_pconn *c = p->conns; c; c = c->next)
        if (c->channel == CH_USER && c->authed && !c->drop && !strcmp(c->api_key, api_key) &&
            (c->all_markets || (m >= 0 && c->subs[m])))
            enqueue(c, strdup(json));
}

void sim_poly_ws_faults(sim_poly *p, int drop, int malformed, int freeze) {
    for (sim_pconn *c = p->conns; c; c = c->next) {
        if (drop) {
            c->drop = 1;
            sim_ws_wake(c->wsi);
        }
        if (malformed && c->channel == CH_MARKET) c->malformed_next = 1;
        if (freeze >= 0 && c->channel == CH_MARKET) c->frozen = freeze;
    }
}

int sim_poly_ws_count(const sim_poly *p) {
    int n = 0;
    for (const sim_pconn *c = p->conns; c; c = c->next) n++;
    return n;
}

/* ---- subscriptions ----------------------------------------------------------------- */

/* Market channel: {"assets_ids":[…],"type":"market","custom_feature_enabled":b} at first,
 * {"assets_ids":[…],"operation":"subscribe"|"unsubscribe"} later. Every asset subscribed gets
 * a `book` (several at once: one JSON array), also when it was subscribed already. */
static void market_message(sim_poly *p, sim_pconn *c, json_t *doc) {
    json_t *assets = json_object_get(doc, "assets_ids"), *custom = json_object_get(doc, "custom_feature_enabled");
    const char *op = json_string_value(json_object_get(doc, "operation"));
    if (json_is_boolean(custom)) c->custom = json_is_true(custom);
    if (!json_is_array(assets)) return;
    int unsub = op && !strcmp(op, "unsubscribe");
    json_t *books = json_array(), *a;
    size_t i;
    json_array_foreach(assets, i, a) {
        pm_outcome o;
        int m = json_is_string(a) ? sim_poly_find_token(p, json_string_value(a), &o) : -1;
        if (m < 0) continue;
        if (unsub) {
            c->subs[m] &= (unsigned char)~(1u << o);
            continue;
        }
        c->subs[m] |= (unsigned char)(1u << o);
        if (!c->frozen) json_array_append_new(books, sim_poly_book_summary(p, m, o, p->markets[m].book_ts_ms, 1));
    }
    if (json_array_size(books) == 1) enqueue(c, sim_poly_dumps(json_incref(json_array_get(books, 0))));
    else if (json_array_size(books) > 1) enqueue(c, sim_poly_dumps(json_incref(books)));
    json_decref(books);
}

/* User channel: {"auth":{"apiKey","secret","passphrase"},"markets":[condition ids],"type":"user"}
 * first (bad credentials close the socket), then {"markets":[…],"operation":…} changes. */
static void user_message(sim_poly *p, sim_pconn *c, json_t *doc) {
    json_t *auth = json_object_get(doc, "auth");
    if (!c->authed) {
        const char *key = json_string_value(json_object_get(auth, "apiKey"));
        const char *secret = json_string_value(json_object_get(auth, "secret"));
        const char *pass = json_string_value(json_object_get(auth, "passphrase"));
        if (!key || !secret || !pass || strlen(key) >= sizeof c->api_key || sim_poly_user_auth(p, key, secret, pass)) {
            c->drop = 1;
            sim_ws_wake(c->wsi);
            return;
        }
        c->authed = 1;
        snprintf(c->api_key, sizeof c->api_key, "%s", key);
    }
    json_t *markets = json_object_get(doc, "markets"), *cid;
    const char *op = json_string_value(json_object_get(doc, "operation"));
    int unsub = op && !strcmp(op, "unsubscribe");
    if (!json_is_array(markets)) return;
    if (json_array_size(markets) == 0 && !unsub) c->all_markets = 1;
    size_t i;
    json_array_foreach(markets, i, cid) {
        int m = json_is_string(cid) ? sim_poly_find_condition(p, json_string_value(cid)) : -1;
        if (m >= 0) c->subs[m] = !unsub;
    }
}

/* ---- sim_ws_ops ------------------------------------------------------------------- */

static int ws_accept(void *user, const sim_request *handshake) {
    (void)user;
    return strcmp(handshake->path, "/ws/market") && strcmp(handshake->path, "/ws/user") ? -1 : 0;
}

static void *ws_open(void *user, const sim_request *handshake) {
    sim_poly *p = user;
    sim_pconn *c = calloc(1, sizeof *c);
    if (!c || sim_ws_queue_init(&c->out) || !(c->subs = calloc((size_t)p->nmarkets + 1, 1))) {
        if (c) sim_ws_queue_free(&c->out);
        free(c);
        return NULL;
    }
    c->wsi = handshake->wsi;
    c->channel = !strcmp(handshake->path, "/ws/user") ? CH_USER : CH_MARKET;
    c->next = p->conns;
    p->conns = c;
    p->ws_connections++;
    return c;
}

static void ws_frame(void *user, void *conn, const char *text, size_t len) {
    sim_poly *p = user;
    sim_pconn *c = conn;
    if (len == 4 && !memcmp(text, "PING", 4)) { /* the venue's text keep-alive */
        p->pings++;
        enqueue(c, strdup("PONG"));
        return;
    }
    json_t *doc = json_loadb(text, len, 0, NULL);
    if (json_is_object(doc)) {
        if (c->channel == CH_MARKET) market_message(p, c, doc);
        else user_message(p, c, doc);
    } else if (c->channel == CH_USER && !c->authed) { /* no credentials: refused */
        c->drop = 1;
        sim_ws_wake(c->wsi);
    }
    json_decref(doc);
}

static const char *ws_next(void *user, void *conn, size_t *len) {
    sim_poly *p = user;
    sim_pconn *c = conn;
    if (c->drop) {
        *len = (size_t)-1;
        return "";
    }
    const char *frame = sim_ws_queue_pop(&c->out, len);
    if (frame) p->ws_frames_sent++;
    return frame;
}

static void ws_close(void *user, void *conn) {
    sim_poly *p = user;
    sim_pconn *c = conn;
    for (sim_pconn **q = &p->conns; *q; q = &(*q)->next)
        if (*q == c) {
            *q = c->next;
            break;
        }
    sim_ws_queue_free(&c->out);
    free(c->subs);
    free(c);
}

const sim_ws_ops sim_poly_ws = {ws_accept, ws_open, ws_frame, ws_next, ws_close};
