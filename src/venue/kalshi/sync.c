/* sync.c — Kalshi catalogue sync (see sync.h). */
#include "venue/kalshi/sync.h"

#include "util/clock.h"
#include "util/log.h"
#include "util/strmap.h"
#include "venue/kalshi/catalog.h"

#include <stdlib.h>
#include <string.h>

typedef struct series_fees {
    char ticker[128];
    kalshi_fees fees;
} series_fees;

typedef struct event_rules {
    char *ticker, *rules; /* from a per-event /markets request */
} event_rules;

typedef struct sync_ctx {
    kalshi_rest *r;
    pm_db *db;
    FILE *progress;
    kalshi_sync_stats *st;
    int64_t now_ns;
    kalshi_event_info *events;
    size_t nevents, capevents;
    pm_strmap event_index;
    series_fees *series;   /* capacity nevents: never reallocated, so the map's keys stay put */
    size_t nseries;
    pm_strmap series_index;
    pm_strmap fetched_events; /* events whose markets were fetched for rules (value unused) */
    size_t nfetched, capfetched;
    event_rules *rules;
    size_t nrules, caprules;
    pm_err *err;
} sync_ctx;

static int add_event(void *ctx_, const kalshi_event_info *e) {
    sync_ctx *c = ctx_;
    if (c->nevents == c->capevents) {
        size_t cap = c->capevents ? 2 * c->capevents : 256;
        kalshi_event_info *grown = realloc(c->events, cap * sizeof *grown);
        if (!grown) return pm_err_set(c->err, "out of memory");
        c->events = grown;
        c->capevents = cap;
    }
    c->events[c->nevents++] = *e;
    return 0;
}

/* Pages through GET path (which has a query already) with cursor, calling parse per page. */
typedef int (*page_fn)(sync_ctx *c, const pm_http_response *res, char cursor[KALSHI_CURSOR_MAX]);

static int page_through(sync_ctx *c, const char *path, page_fn parse) {
    char cursor[KALSHI_CURSOR_MAX] = "", url[KALSHI_CURSOR_MAX + 256];
    pm_http_response res = {0};
    int rc = 0;
    do {
        snprintf(url, sizeof url, "%s%s%s", path, cursor[0] ? "&cursor=" : "", cursor);
        if (kalshi_rest_get(c->r, url, &res, c->err) || parse(c, &res, cursor)) {
            rc = -1;
            break;
        }
        c->st->pages++;
    } while (cursor[0]);
    pm_http_response_free(&res);
    return rc;
}

static int events_page(sync_ctx *c, const pm_http_response *res, char cursor[KALSHI_CURSOR_MAX]) {
    return kalshi_parse_events(res->body, res->len, add_event, c, cursor, c->err);
}

/* The series' fee schedule, fetched once. */
static const kalshi_fees *series_of(sync_ctx *c, const char *ticker) {
    int64_t k = pm_strmap_get(&c->series_index, ticker, strlen(ticker));
    if (k >= 0) return &c->series[k].fees;
    if (c->nseries == c->nevents) return NULL; /* more series than events: cannot be */
    series_fees *s = &c->series[c->nseries];
    snprintf(s->ticker, sizeof s->ticker, "%s", ticker);
    s->fees.fee_multiplier = -1;
    char path[256];
    snprintf(path, sizeof path, "/series/%s", ticker);
    pm_http_response res = {0};
    int rc = kalshi_rest_get(c->r, path, &res, c->err) || kalshi_parse_series(res.body, res.len, &s->fees, c->err);
    pm_http_response_free(&res);
    if (rc) return NULL;
    pm_strmap_put(&c->series_index, s->ticker, strlen(s->ticker), (uint32_t)c->nseries++);
    c->st->series++;
    return &s->fees;
}

static int keep_rules(void *ctx_, pm_market *m) {
    sync_ctx *c = ctx_;
    if (!m->rules) return 0;
    if (c->nrules == c->caprules) {
        size_t cap = c->caprules ? 2 * c->caprules : 64;
        event_rules *grown = realloc(c->rules, cap * sizeof *grown);
        if (!grown) return pm_err_set(c->err, "out of memory");
        c->rules = grown;
        c->caprules = cap;
    }
    c->rules[c->nrules].ticker = strdup(m->platform_market_id);
    c->rules[c->nrules].rules = strdup(m->rules);
    c->nrules++;
    return 0;
}

/* Rules for a market the bulk listing gave none: from its event's own market listing. */
static const char *rules_from_event(sync_ctx *c, const char *event, const char *ticker) {
    if (event && pm_strmap_get(&c->fetched_events, event, strlen(event)) < 0 && c->fetched_events.slots) {
        char path[512];
        snprintf(path, sizeof path, "/markets?event_ticker=%s&limit=1000", event);
        char cursor[KALSHI_CURSOR_MAX];
        pm_http_response res = {0};
        if (kalshi_rest_get(c->r, path, &res, c->err) == 0)
            kalshi_parse_markets(res.body, res.len, keep_rules, c, cursor, c->err);
        pm_http_response_free(&res);
        char *key = c->nfetched < c->capfetched ? strdup(event) : NULL; /* a full cache only means refetching */
        if (key) {
            pm_strmap_put(&c->fetched_events, key, strlen(key), 0);
            c->nfetched++;
        }
    }
    for (size_t i = 0; i < c->nrules; i++)
        if (!strcmp(c->rules[i].ticker, ticker)) return c->rules[i].rules;
    return NULL;
}

static int store_market(void *ctx_, pm_market *m) {
    sync_ctx *c = ctx_;
    int64_t e = m->event_id ? pm_strmap_get(&c->event_index, m->event_id, strlen(m->event_id)) : -1;
    kalshi_fees fees = {"", -1};
    if (e >= 0) {
        const kalshi_event_info *ev = &c->events[e];
        const kalshi_fees *sf = ev->series_ticker[0] ? series_of(c, ev->series_ticker) : NULL;
        if (ev->series_ticker[0] && !sf) return -1;
        if (sf) fees = *sf;
        if (ev->override.fee_type[0]) snprintf(fees.fee_type, sizeof fees.fee_type, "%s", ev->override.fee_type);
        if (ev->override.fee_multiplier >= 0) fees.fee_multiplier = ev->override.fee_multiplier;
    }
    m->fee_type = fees.fee_type[0] ? fees.fee_type : NULL;
    m->fee_multiplier = fees.fee_multiplier;
    if (!m->rules) {
        m->rules = rules_from_event(c, m->event_id, m->platform_market_id);
        if (m->rules) c->st->rules_fetched++;
        else {
            c->st->missing_rules++;
            pm_warn("kalshi", "market has no rules text", PM_KV_S("ticker", m->platform_market_id));
        }
    }
    pm_upsert_result res;
    if (pm_store_upsert_market(c->db, m, c->now_ns, &res, c->err)) return -1;
    c->st->markets++;
    if (res == PM_UPSERT_NEW) c->st->added++;
    else if (res == PM_UPSERT_UPDATED) c->st->updated++;
    else c->st->unchanged++;
    return 0;
}

static int markets_page(sync_ctx *c, const pm_http_response *res, char cursor[KALSHI_CURSOR_MAX]) {
    if (pm_db_begin(c->db, c->err)) return -1;
    if (kalshi_parse_markets(res->body, res->len, store_market, c, cursor, c->err) || pm_db_commit(c->db, c->err)) {
        pm_db_rollback(c->db);
        return -1;
    }
    if (c->progress)
        fprintf(c->progress, "\rkalshi: %d markets (%d new, %d updated) after %d pages", c->st->markets, c->st->added,
                c->st->updated, c->st->pages + 1);
    return 0;
}

int kalshi_sync(kalshi_rest *r, pm_db *db, FILE *progress, kalshi_sync_stats *st, pm_err *err) {
    memset(st, 0, sizeof *st);
    sync_ctx c = {.r = r, .db = db, .progress = progress, .st = st, .now_ns = pm_wall_ns(), .err = err};
    int rc = -1;
    if (page_through(&c, "/events?status=open&limit=200", events_page)) goto done;
    st->events = (int)c.nevents;
    if (pm_strmap_init(&c.event_index, c.nevents) || pm_strmap_init(&c.series_index, c.nevents) ||
        pm_strmap_init(&c.fetched_events, (c.capfetched = c.nevents + 64)) ||
        !(c.series = calloc(c.nevents ? c.nevents : 1, sizeof *c.series))) {
        pm_err_set(err, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < c.nevents; i++)
        pm_strmap_put(&c.event_index, c.events[i].event_ticker, strlen(c.events[i].event_ticker), (uint32_t)i);
    if (page_through(&c, "/markets?status=open&limit=1000&mve_filter=exclude", markets_page)) goto done;
    if (pm_store_close_unseen_markets(db, PM_VENUE_KALSHI, c.now_ns, &st->closed, err)) goto done;
    rc = 0;
done:
    if (progress && st->pages) fputc('\n', progress);
    for (size_t i = 0; c.fetched_events.slots && i <= c.fetched_events.mask; i++) free((char *)c.fetched_events.slots[i].key);
    for (size_t i = 0; i < c.nrules; i++) free(c.rules[i].ticker), free(c.rules[i].rules);
    free(c.rules);
    free(c.events);
    free(c.series);
    pm_strmap_free(&c.event_index);
    pm_strmap_free(&c.series_index);
    pm_strmap_free(&c.fetched_events);
    return rc;
}
