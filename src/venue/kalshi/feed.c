/* feed.c — the Kalshi market-data state machine (see feed.h). */
#include "venue/kalshi/feed.h"

#include "util/log.h"
#include "util/strmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum sub_kind { SUB_BOOK, SUB_LIFECYCLE, SUB_FILL, SUB_ORDERS } sub_kind;
static const char *const channel_of[] = {"orderbook_delta", "market_lifecycle_v2", "fill", "user_orders"};

typedef struct sub {
    sub_kind kind;
    size_t first, count;  /* SUB_BOOK: the tickers [first, first + count) */
    int64_t cmd_id;       /* id of the subscribe command in flight or answered; 0 = none */
    int64_t sid;          /* -1 until the venue answers `subscribed` */
    int64_t last_seq;     /* 0 = nothing received yet on this sid */
    int wanted;           /* subscribed on this connection */
} sub;

typedef enum cmd_kind { CMD_SUBSCRIBE, CMD_UNSUBSCRIBE } cmd_kind;

typedef struct cmd {
    cmd_kind kind;
    int sub;              /* CMD_SUBSCRIBE: which subscription */
    int64_t sid;          /* CMD_UNSUBSCRIBE: which sid */
} cmd;

struct kalshi_feed {
    size_t n;
    char **tickers;
    pm_book *books;
    int *sub_of;          /* the book subscription of each ticker */
    pm_strmap index;
    sub *subs;
    int nsubs;
    int use_yes_price;
    int connected;        /* between kalshi_feed_connected and kalshi_feed_disconnected */
    int64_t next_id;
    cmd *queue;           /* pending commands (ring) */
    int qcap, qhead, qlen;
    char *out;            /* the command text handed out */
    kalshi_parser *parser;
    kalshi_msg msg;
    kalshi_feed_stats stats;
};

static int valid_ticker(const char *t, pm_err *err) {
    size_t len = strlen(t);
    if (len == 0 || len > 128 || strpbrk(t, "\"\\ ")) return pm_err_set(err, "bad Kalshi ticker '%.64s'", t);
    return 0;
}

kalshi_feed *kalshi_feed_new(const char *const *tickers, size_t n, int use_yes_price, pm_err *err) {
    kalshi_feed *f = calloc(1, sizeof *f);
    if (!f) goto oom;
    f->n = n;
    f->use_yes_price = use_yes_price;
    f->next_id = 1;
    int nbook = (int)((n + KALSHI_FEED_TICKERS_PER_SUB - 1) / KALSHI_FEED_TICKERS_PER_SUB);
    f->nsubs = nbook + 3;
    f->qcap = 2 * f->nsubs + 4;
    f->tickers = calloc(n ? n : 1, sizeof *f->tickers);
    f->books = calloc(n ? n : 1, sizeof *f->books);
    f->sub_of = calloc(n ? n : 1, sizeof *f->sub_of);
    f->subs = calloc((size_t)f->nsubs, sizeof *f->subs);
    f->queue = calloc((size_t)f->qcap, sizeof *f->queue);
    f->out = malloc(KALSHI_FEED_CMD_MAX);
    f->parser = malloc(sizeof *f->parser);
    if (!f->tickers || !f->books || !f->sub_of || !f->subs || !f->queue || !f->out || !f->parser ||
        pm_strmap_init(&f->index, n))
        goto oom;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(tickers[i]);
        if (valid_ticker(tickers[i], err)) {
            kalshi_feed_free(f);
            return NULL;
        }
        if (!(f->tickers[i] = strdup(tickers[i]))) goto oom;
        pm_strmap_put(&f->index, f->tickers[i], len, (uint32_t)i);
        pm_book_init(&f->books[i]);
        f->sub_of[i] = (int)(i / KALSHI_FEED_TICKERS_PER_SUB);
    }
    for (int s = 0; s < f->nsubs; s++) {
        sub *x = &f->subs[s];
        x->sid = -1;
        if (s < nbook) {
            x->kind = SUB_BOOK;
            x->first = (size_t)s * KALSHI_FEED_TICKERS_PER_SUB;
            x->count = n - x->first < KALSHI_FEED_TICKERS_PER_SUB ? n - x->first : KALSHI_FEED_TICKERS_PER_SUB;
        } else {
            x->kind = (sub_kind)(SUB_LIFECYCLE + (s - nbook));
        }
    }
    return f;
oom:
    pm_err_set(err, "out of memory for the Kalshi feed");
    kalshi_feed_free(f);
    return NULL;
}

void kalshi_feed_free(kalshi_feed *f) {
    if (!f) return;
    for (size_t i = 0; f->tickers && i < f->n; i++) free(f->tickers[i]);
    free(f->tickers);
    free(f->books);
    free(f->sub_of);
    free(f->subs);
    free(f->queue);
    free(f->out);
    free(f->parser);
    pm_strmap_free(&f->index);
    free(f);
}

static void push(kalshi_feed *f, cmd c) {
    if (f->qlen == f->qcap) { /* cannot happen: each subscription queues at most two commands */
        pm_error("kalshi", "command queue full; dropping the oldest command");
        f->qhead = (f->qhead + 1) % f->qcap;
        f->qlen--;
    }
    f->queue[(f->qhead + f->qlen) % f->qcap] = c;
    f->qlen++;
}

static void subscribe(kalshi_feed *f, int s) {
    f->subs[s].sid = -1;
    f->subs[s].last_seq = 0;
    f->subs[s].cmd_id = f->next_id++;
    f->subs[s].wanted = 1;
    push(f, (cmd){CMD_SUBSCRIBE, s, 0});
}

void kalshi_feed_connected(kalshi_feed *f, int with_user_channels) {
    f->connected = 1;
    f->qlen = 0;
    for (int s = 0; s < f->nsubs; s++) {
        sub_kind k = f->subs[s].kind;
        f->subs[s].wanted = 0;
        if ((k == SUB_BOOK && f->subs[s].count > 0) || k == SUB_LIFECYCLE || with_user_channels) subscribe(f, s);
    }
}

int kalshi_feed_add(kalshi_feed *f, const char *const *tickers, size_t n, pm_err *err) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (valid_ticker(tickers[i], err)) return -1;
        int dup = pm_strmap_get(&f->index, tickers[i], strlen(tickers[i])) >= 0;
        for (size_t j = 0; j < i && !dup; j++) dup = !strcmp(tickers[i], tickers[j]);
        k += !dup;
    }
    if (!k) return 0;
    size_t total = f->n + k;
    int nnew = (int)((k + KALSHI_FEED_TICKERS_PER_SUB - 1) / KALSHI_FEED_TICKERS_PER_SUB), nsubs = f->nsubs + nnew;
    int qcap = 2 * nsubs + 4;
    pm_strmap index;
    cmd *queue = calloc((size_t)qcap, sizeof *queue);
    if (!queue || pm_strmap_init(&index, total)) {
        free(queue);
        return pm_err_set(err, "out of memory for the Kalshi feed");
    }
    /* grown arrays only gain room: on failure the feed is unchanged but for their capacity */
    char **t = realloc(f->tickers, total * sizeof *t);
    if (t) f->tickers = t;
    pm_book *b = t ? realloc(f->books, total * sizeof *b) : NULL;
    if (b) f->books = b;
    int *so = b ? realloc(f->sub_of, total * sizeof *so) : NULL;
    if (so) f->sub_of = so;
    sub *sb = so ? realloc(f->subs, (size_t)nsubs * sizeof *sb) : NULL;
    if (sb) f->subs = sb;
    if (!sb) {
        free(queue);
        pm_strmap_free(&index);
        return pm_err_set(err, "out of memory for the Kalshi feed");
    }
    size_t at = f->n;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(tickers[i]);
        if (pm_strmap_get(&f->index, tickers[i], len) >= 0) continue;
        int dup = 0;
        for (size_t j = f->n; j < at && !dup; j++) dup = !strcmp(tickers[i], f->tickers[j]);
        if (dup) continue;
        char *copy = strdup(tickers[i]);
        if (!copy) {
            for (size_t j = f->n; j < at; j++) free(f->tickers[j]), f->tickers[j] = NULL;
            free(queue);
            pm_strmap_free(&index);
            return pm_err_set(err, "out of memory for the Kalshi feed");
        }
        f->tickers[at] = copy;
        pm_book_init(&f->books[at]);
        f->sub_of[at] = f->nsubs + (int)((at - f->n) / KALSHI_FEED_TICKERS_PER_SUB);
        at++;
    }
    for (size_t i = 0; i < total; i++) pm_strmap_put(&index, f->tickers[i], strlen(f->tickers[i]), (uint32_t)i);
    pm_strmap_free(&f->index);
    f->index = index;
    for (int q = 0; q < f->qlen; q++) queue[q] = f->queue[(f->qhead + q) % f->qcap];
    free(f->queue);
    f->queue = queue;
    f->qcap = qcap;
    f->qhead = 0;
    for (int s = f->nsubs; s < nsubs; s++) {
        sub *x = &f->subs[s];
        memset(x, 0, sizeof *x);
        x->kind = SUB_BOOK;
        x->first = f->n + (size_t)(s - f->nsubs) * KALSHI_FEED_TICKERS_PER_SUB;
        x->count = total - x->first < KALSHI_FEED_TICKERS_PER_SUB ? total - x->first : KALSHI_FEED_TICKERS_PER_SUB;
        x->sid = -1;
    }
    int first = f->nsubs;
    f->nsubs = nsubs;
    f->n = total;
    if (f->connected)
        for (int s = first; s < nsubs; s++) subscribe(f, s);
    return 0;
}

static void stale_books(kalshi_feed *f, const sub *x) {
    for (size_t i = x->first; i < x->first + x->count; i++) pm_book_invalidate(&f->books[i]);
}

void kalshi_feed_disconnected(kalshi_feed *f) {
    f->connected = 0;
    f->qlen = 0;
    for (int s = 0; s < f->nsubs; s++) {
        f->subs[s].sid = -1;
        f->subs[s].cmd_id = 0;
        f->subs[s].last_seq = 0;
        if (f->subs[s].kind == SUB_BOOK) stale_books(f, &f->subs[s]);
    }
}

/* Continuity of subscription s is lost: its books are stale until a new subscription's snapshots. */
static void resync(kalshi_feed *f, int s, const char *why) {
    sub *x = &f->subs[s];
    f->stats.resyncs++;
    pm_warn("kalshi", "resubscribing", PM_KV_S("channel", channel_of[x->kind]), PM_KV_I("sid", x->sid),
            PM_KV_S("reason", why));
    if (x->kind == SUB_BOOK) stale_books(f, x);
    if (x->sid >= 0) push(f, (cmd){CMD_UNSUBSCRIBE, s, x->sid});
    subscribe(f, s);
}

static int sub_by_sid(const kalshi_feed *f, int64_t sid) {
    for (int s = 0; sid >= 0 && s < f->nsubs; s++)
        if (f->subs[s].sid == sid) return s;
    return -1;
}

static int sub_by_cmd(const kalshi_feed *f, int64_t id) {
    for (int s = 0; id > 0 && s < f->nsubs; s++)
        if (f->subs[s].cmd_id == id) return s;
    return -1;
}

static void resync_all_books(kalshi_feed *f, const char *why) {
    for (int s = 0; s < f->nsubs; s++)
        if (f->subs[s].kind == SUB_BOOK && f->subs[s].wanted) resync(f, s, why);
}

/* seq continuity on subscription s: 0 when in order, -1 after starting a resync. */
static int check_seq(kalshi_feed *f, int s, int64_t seq) {
    sub *x = &f->subs[s];
    if (seq < 0) return 0;
    if (x->last_seq > 0 && seq != x->last_seq + 1) {
        f->stats.gaps++;
        char why[80];
        snprintf(why, sizeof why, "sequence gap: expected %lld, got %lld", (long long)(x->last_seq + 1), (long long)seq);
        resync(f, s, why);
        return -1;
    }
    x->last_seq = seq;
    return 0;
}

static void on_book(kalshi_feed *f, int s, int64_t now_ns, kalshi_feed_result *res) {
    kalshi_msg *m = &f->msg;
    int64_t i = pm_strmap_get(&f->index, m->ticker.p, m->ticker.n);
    if (i < 0) {
        f->stats.unknown_ticker++;
        pm_warn("kalshi", "book message for a ticker not subscribed", PM_KV_I("sid", m->sid));
        return;
    }
    pm_book *b = &f->books[i];
    if (m->type == KALSHI_MSG_SNAPSHOT) {
        for (size_t k = 0; k < m->nno; k++) m->no[k].px = PM_PX_ONE - m->no[k].px; /* NO bid → YES ask */
        f->stats.snapshots++;
        if (pm_book_snapshot(b, m->yes, m->nyes, m->no, m->nno, now_ns)) {
            f->stats.inconsistent++;
            resync(f, s, "snapshot with repeated or invalid levels");
            res->event = KALSHI_FEED_STALE;
            return;
        }
    } else {
        if (b->state != PM_BOOK_LIVE) return; /* waiting for the snapshot */
        int rc = m->side == PM_OUTCOME_YES ? pm_book_side_add(&b->bid, m->px, m->delta)
                                           : pm_book_side_add(&b->ask, PM_PX_ONE - m->px, m->delta);
        if (rc || !pm_book_side_known(&b->bid) || !pm_book_side_known(&b->ask)) {
            f->stats.inconsistent++;
            resync(f, s, rc ? "delta takes a level below zero" : "book deeper than pmarb keeps was emptied");
            res->event = KALSHI_FEED_STALE;
            return;
        }
        b->updated_ns = now_ns;
    }
    f->stats.book_updates++;
    res->event = KALSHI_FEED_BOOK;
    res->market = (int)i;
}

void kalshi_feed_frame(kalshi_feed *f, const char *frame, size_t len, int64_t now_ns, kalshi_feed_result *res) {
    kalshi_msg *m = &f->msg;
    pm_err err;
    res->event = KALSHI_FEED_NONE;
    res->market = -1;
    res->msg = m;
    f->stats.frames++;
    if (kalshi_parse_frame(f->parser, frame, len, f->use_yes_price, m, &err)) {
        f->stats.malformed++;
        pm_warn("kalshi", "malformed frame dropped", PM_KV_S("error", err.msg), PM_KV_I("sid", m->sid),
                PM_KV_I("seq", m->seq), PM_KV_I("bytes", len));
        int s = sub_by_sid(f, m->sid);
        if (s >= 0) resync(f, s, "malformed frame");
        else resync_all_books(f, "malformed frame of unknown subscription");
        res->event = KALSHI_FEED_STALE;
        return;
    }
    int s = sub_by_sid(f, m->sid);
    switch (m->type) {
    case KALSHI_MSG_SUBSCRIBED: {
        int k = sub_by_cmd(f, m->id);
        if (k < 0) return;
        f->subs[k].sid = m->sid;
        f->subs[k].last_seq = 0;
        return;
    }
    case KALSHI_MSG_ERROR: {
        f->stats.venue_errors++;
        int k = s >= 0 ? s : sub_by_cmd(f, m->id);
        char text[160];
        snprintf(text, sizeof text, "%.*s", (int)m->text.n, m->text.p ? m->text.p : "");
        pm_warn("kalshi", "venue error", PM_KV_I("code", m->code), PM_KV_S("text", text), PM_KV_I("id", m->id),
                PM_KV_I("sid", m->sid));
        if (m->code == 10 || m->code == 25) { /* terminal for the subscription: start over */
            if (k >= 0) resync(f, k, "venue error 10/25");
            else resync_all_books(f, "venue error 10/25");
            res->event = KALSHI_FEED_STALE;
        } else if (k >= 0 && f->subs[k].sid < 0 && f->subs[k].kind == SUB_BOOK) {
            pm_error("kalshi", "subscription refused: its books stay stale", PM_KV_I("code", m->code),
                     PM_KV_S("text", text));
        }
        return;
    }
    case KALSHI_MSG_SNAPSHOT:
    case KALSHI_MSG_DELTA:
        if (s < 0 || f->subs[s].kind != SUB_BOOK) return; /* a subscription already replaced */
        if (check_seq(f, s, m->seq)) {
            res->event = KALSHI_FEED_STALE;
            return;
        }
        on_book(f, s, now_ns, res);
        return;
    case KALSHI_MSG_LIFECYCLE:
        if (s >= 0) check_seq(f, s, m->seq);
        res->event = KALSHI_FEED_MARKET;
        res->market = (int)pm_strmap_get(&f->index, m->ticker.p, m->ticker.n);
        return;
    case KALSHI_MSG_EVENT_FEE:
        if (s >= 0) check_seq(f, s, m->seq);
        res->event = KALSHI_FEED_FEE;
        return;
    case KALSHI_MSG_FILL: res->event = KALSHI_FEED_FILL; return;
    case KALSHI_MSG_USER_ORDER: res->event = KALSHI_FEED_ORDER; return;
    case KALSHI_MSG_OK:
    case KALSHI_MSG_UNSUBSCRIBED:
        if (s >= 0 && check_seq(f, s, m->seq)) res->event = KALSHI_FEED_STALE; /* acks consume a seq too */
        return;
    case KALSHI_MSG_TICKER:
    case KALSHI_MSG_TRADE:
    case KALSHI_MSG_UNKNOWN:
        f->stats.unknown_type++;
        if (s >= 0 && check_seq(f, s, m->seq)) res->event = KALSHI_FEED_STALE;
        return;
    }
}

/* Appends text to the command buffer (commands are bounded: tickers ≤ 128 characters, 200 per command). */
static void cat(char *out, size_t *pos, const char *text) {
    size_t n = strlen(text);
    if (*pos + n >= KALSHI_FEED_CMD_MAX) n = KALSHI_FEED_CMD_MAX - 1 - *pos;
    memcpy(out + *pos, text, n);
    *pos += n;
    out[*pos] = '\0';
}

const char *kalshi_feed_next_command(kalshi_feed *f, size_t *len) {
    while (f->qlen > 0) {
        cmd c = f->queue[f->qhead];
        f->qhead = (f->qhead + 1) % f->qcap;
        f->qlen--;
        if (c.kind == CMD_UNSUBSCRIBE) {
            int n = snprintf(f->out, KALSHI_FEED_CMD_MAX, "{\"id\":%lld,\"cmd\":\"unsubscribe\",\"params\":{\"sids\":[%lld]}}",
                             (long long)f->next_id++, (long long)c.sid);
            *len = (size_t)n;
            return f->out;
        }
        const sub *x = &f->subs[c.sub];
        if (!x->wanted) continue;
        size_t pos = (size_t)snprintf(f->out, KALSHI_FEED_CMD_MAX, "{\"id\":%lld,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"%s\"]",
                                      (long long)x->cmd_id, channel_of[x->kind]);
        if (x->kind == SUB_BOOK) {
            cat(f->out, &pos, ",\"market_tickers\":[");
            for (size_t i = x->first; i < x->first + x->count; i++) {
                cat(f->out, &pos, i == x->first ? "\"" : ",\"");
                cat(f->out, &pos, f->tickers[i]);
                cat(f->out, &pos, "\"");
            }
            cat(f->out, &pos, f->use_yes_price ? "],\"use_yes_price\":true" : "],\"use_yes_price\":false");
        }
        cat(f->out, &pos, "}}");
        *len = pos;
        return f->out;
    }
    return NULL;
}

int kalshi_feed_ready(const kalshi_feed *f) {
    int any = 0;
    for (int s = 0; s < f->nsubs; s++) {
        if (!f->subs[s].wanted) continue;
        if (f->subs[s].sid < 0) return 0;
        any = 1;
    }
    return any;
}

size_t kalshi_feed_count(const kalshi_feed *f) { return f->n; }
int kalshi_feed_index(const kalshi_feed *f, const char *ticker, size_t len) {
    return (int)pm_strmap_get(&f->index, ticker, len);
}
const char *kalshi_feed_ticker(const kalshi_feed *f, int market) { return f->tickers[market]; }
const pm_book *kalshi_feed_book(const kalshi_feed *f, int market) { return &f->books[market]; }
void kalshi_feed_get_stats(const kalshi_feed *f, kalshi_feed_stats *out) { *out = f->stats; }
