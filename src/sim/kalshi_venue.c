/* kalshi_venue.c — the simulated Kalshi exchange (see kalshi_venue.h). */
#define _GNU_SOURCE /* asprintf */
#include "sim/kalshi_venue.h"

#include "sim/price_process.h"
#include "sim/ws_queue.h"
#include "util/clock.h"

#include <jansson.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PREFIX "/trade-api/v2"

/* The scenario: events of a few series, each with markets at thresholds or outcomes. */
typedef struct event_template {
    const char *series, *series_title, *fee_type;
    int64_t fee_multiplier;
    const char *event, *title, *close_time;
    const char *outcomes[5]; /* yes_sub_title of each market */
    const char *rule;        /* "{}" stands for the outcome */
} event_template;

static const event_template templates[] = {
    {"KXFEDDECISION", "Fed decision", "quadratic", 1000000, "KXFEDDECISION-26DEC", "Fed decision in December 2026?",
     "2026-12-16T18:55:00Z", {"Hold", "Cut 25bps", "Cut >25bps", "Hike", NULL},
     "If the FOMC's December 2026 decision is: {}, the market resolves to Yes. Source: federalreserve.gov."},
    {"KXCPIYOY", "CPI year over year", "quadratic", 1000000, "KXCPIYOY-26NOV", "CPI inflation in November 2026?",
     "2026-12-10T13:25:00Z", {"Above 2.5%", "Above 2.8%", "Above 3.0%", "Above 3.2%", NULL},
     "If year-over-year CPI for November 2026, as first released by the BLS, is {}, resolves Yes."},
    {"KXBTCMAXY", "Bitcoin yearly high", "quadratic_with_maker_fees", 1000000, "KXBTCMAXY-26", "How high will Bitcoin get in 2026?",
     "2026-12-31T23:59:00Z", {"Above $150,000", "Above $175,000", "Above $200,000", NULL, NULL},
     "If the CF Benchmarks Bitcoin Real-Time Index is {} at any time before Jan 1, 2027, resolves Yes."},
    {"KXNBACHAMP", "NBA champion", "quadratic", 1000000, "KXNBACHAMP-27", "2027 NBA champion?", "2027-06-30T00:00:00Z",
     {"Boston Celtics", "Oklahoma City Thunder", "Denver Nuggets", "New York Knicks", NULL},
     "If the {} win the 2027 NBA Finals, resolves Yes."},
    {"KXINXY", "S&P 500 year end", "quadratic", 500000, "KXINXY-26DEC31", "S&P 500 at the end of 2026?",
     "2026-12-31T21:00:00Z", {"Above 6,500", "Above 7,000", "Above 7,500", NULL, NULL},
     "If the S&P 500 closes {} on December 31, 2026, resolves Yes."},
    {"KXGOVSHUT", "Government shutdown", "quadratic", 1000000, "KXGOVSHUT-26DEC", "Government shutdown by December 31, 2026?",
     "2026-12-31T23:59:00Z", {"Yes", NULL, NULL, NULL, NULL},
     "If a lapse in US federal appropriations begins before Jan 1, 2027, resolves {}."},
    {"KXRECSSNBER", "US recession", "quadratic", 1000000, "KXRECSSNBER-26", "US recession in 2026?", "2027-03-31T00:00:00Z",
     {"Yes", NULL, NULL, NULL, NULL}, "If the NBER declares a recession beginning in 2026, resolves {}."},
    {"KXOSCARPIC", "Oscar Best Picture", "quadratic", 1000000, "KXOSCARPIC-27", "Best Picture at the 2027 Oscars?",
     "2027-03-14T00:00:00Z", {"Hamnet", "Marty Supreme", "One Battle After Another", "Sinners", "Frankenstein"},
     "If {} wins Best Picture at the 99th Academy Awards, resolves Yes."},
};
#define NTEMPLATES (int)(sizeof templates / sizeof templates[0])

/* The demo catalogue (`pmarb sim --demo`, used by `pmarb demo`): macro questions Polymarket
 * mirrors in its own words (poly_catalog.c), some inverted, and look-alikes it does not list:
 * the last market of an event with more outcomes than its mirror, and whole events a month or
 * half a year off. */
static const event_template demo_templates[] = {
    {"KXUNRATE", "Unemployment rate", "quadratic", 1000000, "KXUNRATE-26NOV", "Unemployment rate in November 2026?",
     "2026-12-04T13:25:00Z", {"Above 4.2%", "Above 4.4%", "Above 4.6%", "Above 4.8%", "Above 5.0%"},
     "If the US unemployment rate for November 2026, as first released by the BLS, is {}, resolves Yes."},
    {"KXUNRATE", "Unemployment rate", "quadratic", 1000000, "KXUNRATE-26OCT", "Unemployment rate in October 2026?",
     "2026-11-06T13:25:00Z", {"Above 4.2%", "Above 4.4%", NULL, NULL, NULL},
     "If the US unemployment rate for October 2026, as first released by the BLS, is {}, resolves Yes."},
    {"KXCORECPI", "Core CPI year over year", "quadratic", 1000000, "KXCORECPI-26NOV", "Core CPI inflation in November 2026?",
     "2026-12-10T13:25:00Z", {"Above 2.8%", "Above 3.0%", "Above 3.2%", "Above 3.4%", NULL},
     "If year-over-year core CPI for November 2026, as first released by the BLS, is {}, resolves Yes."},
    {"KXWTI", "WTI crude oil year end", "quadratic", 1000000, "KXWTI-26DEC31", "WTI crude oil price at the end of 2026?",
     "2026-12-31T21:00:00Z", {"Above $60", "Above $70", "Above $80", "Above $90", "Above $100"},
     "If the front-month WTI crude oil futures settlement price on December 31, 2026 is {}, resolves Yes."},
    {"KXGOLD", "Gold year end", "quadratic", 1000000, "KXGOLD-26DEC31", "Gold price at the end of 2026?",
     "2026-12-31T21:00:00Z", {"Above $3,000", "Above $3,500", "Above $4,000", "Above $4,500", NULL},
     "If the gold spot price at the close on December 31, 2026 is {}, resolves Yes."},
    {"KXGOLD", "Gold year end", "quadratic", 1000000, "KXGOLD-26JUN30", "Gold price at the end of June 2026?",
     "2026-06-30T21:00:00Z", {"Above $3,500", "Above $4,000", NULL, NULL, NULL},
     "If the gold spot price at the close on June 30, 2026 is {}, resolves Yes."},
    {"KXSILVER", "Silver year end", "quadratic", 1000000, "KXSILVER-26DEC31", "Silver price at the end of 2026?",
     "2026-12-31T21:00:00Z", {"Above $30", "Above $35", "Above $40", "Above $45", NULL},
     "If the silver spot price at the close on December 31, 2026 is {}, resolves Yes."},
    {"KXNDXY", "Nasdaq-100 year end", "quadratic", 500000, "KXNDXY-26DEC31", "Nasdaq-100 at the end of 2026?",
     "2026-12-31T21:00:00Z", {"Above 22,000", "Above 24,000", "Above 26,000", "Above 28,000", NULL},
     "If the Nasdaq-100 index closes {} on December 31, 2026, resolves Yes."},
    {"KXGDP", "US GDP growth", "quadratic", 1000000, "KXGDP-26Q4", "US GDP growth in Q4 2026?", "2027-01-28T13:25:00Z",
     {"Above 1.0%", "Above 2.0%", "Above 3.0%", NULL, NULL},
     "If the BEA's advance estimate of annualized real US GDP growth for Q4 2026 is {}, resolves Yes."},
};
#define NDEMO (int)(sizeof demo_templates / sizeof demo_templates[0])

/* The template with "{}" replaced by value. */
static void fill(char *out, size_t cap, const char *tmpl, const char *value) {
    const char *at = strstr(tmpl, "{}");
    if (!at) snprintf(out, cap, "%s", tmpl);
    else snprintf(out, cap, "%.*s%s%s", (int)(at - tmpl), tmpl, value, at + 2);
}

static uint64_t next_rand(uint64_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* A book around fair value (cents): three YES bids below it, three NO bids below 1 − it. */
static int seed_book(pm_book *b, int fair, uint64_t *rng) {
    pm_level bids[3], asks[3];
    int bid_gap = 1 + (int)(next_rand(rng) % 2), ask_gap = 1 + (int)(next_rand(rng) % 2);
    for (int i = 0; i < 3; i++) {
        bids[i] = (pm_level){(pm_px_t)(fair - bid_gap - i) * 10000, (pm_qty_t)(50 + next_rand(rng) % 450) * 1000000};
        asks[i] = (pm_level){(pm_px_t)(fair + ask_gap + i) * 10000, (pm_qty_t)(50 + next_rand(rng) % 450) * 1000000};
    }
    pm_book_init(b);
    return pm_book_snapshot(b, bids, 3, asks, 3, pm_mono_ns());
}

int sim_kalshi_alloc(sim_kalshi *k, int nseries, int nevents, int nmarkets, pm_err *err) {
    memset(k, 0, sizeof *k);
    k->series = calloc((size_t)nseries + 1, sizeof *k->series);
    k->events = calloc((size_t)nevents + 1, sizeof *k->events);
    k->markets = calloc((size_t)nmarkets + 1, sizeof *k->markets);
    k->position = calloc((size_t)nmarkets + 1, sizeof *k->position);
    k->fees_paid = calloc((size_t)nmarkets + 1, sizeof *k->fees_paid);
    k->balance = 10000LL * PM_SCALE; /* $10,000 */
    if (!k->series || !k->events || !k->markets || !k->position || !k->fees_paid) return pm_err_set(err, "out of memory");
    return 0;
}

/* The series of ticker, added when it is new. */
static void add_series(sim_kalshi *k, const event_template *e) {
    for (int i = 0; i < k->nseries; i++)
        if (!strcmp(k->series[i].ticker, e->series)) return;
    sim_kseries *s = &k->series[k->nseries++];
    snprintf(s->ticker, sizeof s->ticker, "%s", e->series);
    snprintf(s->title, sizeof s->title, "%s", e->series_title);
    snprintf(s->fee_type, sizeof s->fee_type, "%s", e->fee_type);
    s->fee_multiplier = e->fee_multiplier;
}

static int init_from(sim_kalshi *k, const event_template *tmpl, int n, uint64_t seed, pm_err *err) {
    uint64_t rng = seed * 2654435761ULL + 88172645463325252ULL;
    if (sim_kalshi_alloc(k, n, n, n * 5, err)) return -1;
    for (int t = 0; t < n; t++) {
        const event_template *e = &tmpl[t];
        add_series(k, e);
        sim_kevent *ev = &k->events[k->nevents++];
        snprintf(ev->ticker, sizeof ev->ticker, "%s", e->event);
        snprintf(ev->series, sizeof ev->series, "%s", e->series);
        snprintf(ev->title, sizeof ev->title, "%s", e->title);
        ev->fee_multiplier_override = -1;
        if (!strcmp(e->event, "KXRECSSNBER-26")) { /* an event whose fees differ from its series' */
            snprintf(ev->fee_type_override, sizeof ev->fee_type_override, "quadratic_with_maker_fees");
            ev->fee_multiplier_override = 500000;
        }
        for (int o = 0; o < 5 && e->outcomes[o]; o++) {
            sim_kmarket *m = &k->markets[k->nmarkets++];
            char code[16];
            snprintf(code, sizeof code, "%c%d", e->outcomes[o][0], o);
            snprintf(m->ticker, sizeof m->ticker, "%s-%s", e->event, code);
            snprintf(m->event, sizeof m->event, "%s", e->event);
            snprintf(m->title, sizeof m->title, "%s", e->title);
            snprintf(m->yes_sub_title, sizeof m->yes_sub_title, "%s", e->outcomes[o]);
            fill(m->rules_primary, sizeof m->rules_primary, e->rule, e->outcomes[o]);
            snprintf(m->rules_secondary, sizeof m->rules_secondary, "%s",
                     "The market closes early if the outcome is known before the close time.");
            snprintf(m->close_time, sizeof m->close_time, "%s", e->close_time);
            m->active = 1;
            if (seed_book(&m->book, 10 + (int)(next_rand(&rng) % 80), &rng))
                return pm_err_set(err, "scenario book for %s is invalid", m->ticker);
        }
    }
    return 0;
}

int sim_kalshi_init(sim_kalshi *k, uint64_t seed, pm_err *err) { return init_from(k, templates, NTEMPLATES, seed, err); }

int sim_kalshi_init_demo(sim_kalshi *k, uint64_t seed, pm_err *err) { return init_from(k, demo_templates, NDEMO, seed, err); }

void sim_kalshi_free(sim_kalshi *k) {
    sim_kalshi_orders_free(k);
    free(k->position);
    free(k->fees_paid);
    free(k->series);
    free(k->events);
    free(k->markets);
    EVP_PKEY_free(k->public_key);
    memset(k, 0, sizeof *k);
}

int sim_kalshi_set_key(sim_kalshi *k, const char *key_id, const char *pem, size_t len, pm_err *err) {
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    EVP_PKEY *key = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    if (!key || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
        EVP_PKEY_free(key);
        return pm_err_set(err, "--kalshi-public-key is not an RSA public key in PEM (\"BEGIN PUBLIC KEY\")");
    }
    EVP_PKEY_free(k->public_key);
    k->public_key = key;
    snprintf(k->key_id, sizeof k->key_id, "%s", key_id);
    return 0;
}

/* The three KALSHI-ACCESS-* headers: right key, fresh timestamp, valid RSA-PSS signature
 * over timestamp + METHOD + path. */
int sim_kalshi_authenticated(sim_kalshi *k, const sim_request *req, const char **why) {
    char key[256], ts[64], sig64[2048];
    *why = "missing KALSHI-ACCESS-KEY, KALSHI-ACCESS-TIMESTAMP or KALSHI-ACCESS-SIGNATURE header";
    if (sim_request_header(req, "KALSHI-ACCESS-KEY", key, sizeof key) < 0 ||
        sim_request_header(req, "KALSHI-ACCESS-TIMESTAMP", ts, sizeof ts) < 0 ||
        sim_request_header(req, "KALSHI-ACCESS-SIGNATURE", sig64, sizeof sig64) < 0)
        return 0;
    *why = "unknown API key";
    if (!k->public_key || strcmp(key, k->key_id)) return 0;
    *why = "timestamp is not within 60 seconds of the server's clock";
    long long t = atoll(ts), now = (long long)(pm_wall_ns() / 1000000);
    if (t <= 0 || llabs(now - t) > 60000) return 0;
    *why = "invalid signature";
    unsigned char sig[1024];
    size_t slen = strlen(sig64);
    if (slen == 0 || slen > 1360) return 0;
    int n = EVP_DecodeBlock(sig, (const unsigned char *)sig64, (int)slen);
    if (n < 0) return 0;
    size_t siglen = (size_t)n - (sig64[slen - 1] == '=') - (slen > 1 && sig64[slen - 2] == '=');
    char msg[2048];
    snprintf(msg, sizeof msg, "%s%s%s", ts, req->method, req->path);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    int ok = md && EVP_DigestVerifyInit(md, &pctx, EVP_sha256(), NULL, k->public_key) == 1 &&
             EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1 &&
             EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) == 1 &&
             EVP_DigestVerify(md, sig, siglen, (const unsigned char *)msg, strlen(msg)) == 1;
    EVP_MD_CTX_free(md);
    return ok;
}

json_t *sim_dollars(int64_t v, int decimals) {
    char buf[PM_FIXED_BUF];
    pm_fixed_format(v, decimals, PM_ROUND_FLOOR, buf, sizeof buf);
    return json_string(buf);
}

static json_t *market_json(const sim_kmarket *m, int with_rules) {
    json_t *o = json_object();
    json_object_set_new(o, "ticker", json_string(m->ticker));
    json_object_set_new(o, "event_ticker", json_string(m->event));
    json_object_set_new(o, "market_type", json_string("binary"));
    json_object_set_new(o, "title", json_string(m->title));
    json_object_set_new(o, "subtitle", json_string(""));
    json_object_set_new(o, "yes_sub_title", json_string(m->yes_sub_title));
    json_object_set_new(o, "no_sub_title", json_string(m->yes_sub_title));
    json_object_set_new(o, "open_time", json_string("2026-01-01T00:00:00Z"));
    json_object_set_new(o, "close_time", json_string(m->close_time));
    json_object_set_new(o, "status", json_string(m->active ? "active" : "closed"));
    const pm_level *bid = pm_book_best(&m->book.bid), *ask = pm_book_best(&m->book.ask);
    json_object_set_new(o, "yes_bid_dollars", sim_dollars(bid ? bid->px : 0, 4));
    json_object_set_new(o, "yes_ask_dollars", sim_dollars(ask ? ask->px : PM_PX_ONE, 4));
    json_object_set_new(o, "no_bid_dollars", sim_dollars(ask ? PM_PX_ONE - ask->px : 0, 4));
    json_object_set_new(o, "no_ask_dollars", sim_dollars(bid ? PM_PX_ONE - bid->px : PM_PX_ONE, 4));
    if (with_rules) {
        json_object_set_new(o, "rules_primary", json_string(m->rules_primary));
        json_object_set_new(o, "rules_secondary", json_string(m->rules_secondary));
    }
    json_object_set_new(o, "price_level_structure", json_string("linear_cent"));
    json_t *ranges = json_array(), *r = json_object();
    json_object_set_new(r, "start", json_string("0.0000"));
    json_object_set_new(r, "end", json_string("1.0000"));
    json_object_set_new(r, "step", json_string("0.0100"));
    json_array_append_new(ranges, r);
    json_object_set_new(o, "price_ranges", ranges);
    return o;
}

static json_t *event_json(const sim_kevent *e) {
    json_t *o = json_object();
    json_object_set_new(o, "event_ticker", json_string(e->ticker));
    json_object_set_new(o, "series_ticker", json_string(e->series));
    json_object_set_new(o, "title", json_string(e->title));
    json_object_set_new(o, "sub_title", json_string(""));
    json_object_set_new(o, "mutually_exclusive", json_true());
    if (e->fee_type_override[0]) json_object_set_new(o, "fee_type_override", json_string(e->fee_type_override));
    if (e->fee_multiplier_override >= 0) {
        char buf[PM_FIXED_BUF];
        pm_fixed_format_exact(e->fee_multiplier_override, 0, buf, sizeof buf);
        json_object_set_new(o, "fee_multiplier_override", json_loads(buf, JSON_DECODE_ANY, NULL));
    }
    return o;
}

void sim_respond_json(sim_response *res, int status, json_t *doc) {
    char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(doc);
    res->status = status;
    res->body = text;
}

/* Offset-based cursors: "o<offset>"; limit clamped to 1..max (default def). */
static void paging(const sim_request *req, int def, int max, int *offset, int *limit) {
    char buf[64];
    *offset = 0;
    *limit = def;
    if (sim_query_arg(req, "cursor", buf, sizeof buf) > 1 && buf[0] == 'o') *offset = atoi(buf + 1);
    if (sim_query_arg(req, "limit", buf, sizeof buf) > 0) *limit = atoi(buf);
    if (*limit < 1) *limit = 1;
    if (*limit > max) *limit = max;
}

static json_t *cursor_after(int next, int total) {
    char buf[32] = "";
    if (next < total) snprintf(buf, sizeof buf, "o%d", next);
    return json_string(buf);
}

static int status_matches(const sim_request *req, int active) {
    char st[32];
    if (sim_query_arg(req, "status", st, sizeof st) < 0) return 1;
    return !strcmp(st, "open") ? active : !strcmp(st, "closed") || !strcmp(st, "settled") ? !active : 1;
}

static void list_markets(sim_kalshi *k, const sim_request *req, sim_response *res) {
    int offset, limit;
    paging(req, 100, 1000, &offset, &limit);
    char event[96];
    int by_event = sim_query_arg(req, "event_ticker", event, sizeof event) > 0;
    json_t *arr = json_array();
    int seen = 0, next = 0, total = 0;
    for (int i = 0; i < k->nmarkets; i++) {
        const sim_kmarket *m = &k->markets[i];
        if (!status_matches(req, m->active) || (by_event && strcmp(m->event, event))) continue;
        total++;
        if (seen++ < offset || (int)json_array_size(arr) >= limit) continue;
        /* like the real bulk listing at times, one series' markets come without their rules */
        int with_rules = by_event || strncmp(m->ticker, "KXOSCARPIC", 10);
        json_array_append_new(arr, market_json(m, with_rules));
        next = seen;
    }
    json_t *doc = json_object();
    json_object_set_new(doc, "markets", arr);
    json_object_set_new(doc, "cursor", cursor_after(next, total));
    sim_respond_json(res, 200, doc);
}

static void list_events(sim_kalshi *k, const sim_request *req, sim_response *res) {
    int offset, limit;
    paging(req, 100, 200, &offset, &limit);
    json_t *arr = json_array();
    int end = offset + limit < k->nevents ? offset + limit : k->nevents;
    for (int i = offset; i < end; i++) json_array_append_new(arr, event_json(&k->events[i]));
    json_t *doc = json_object();
    json_object_set_new(doc, "events", arr);
    json_object_set_new(doc, "cursor", cursor_after(end, k->nevents));
    sim_respond_json(res, 200, doc);
}

static const sim_kmarket *find_market(const sim_kalshi *k, const char *ticker, size_t len) {
    for (int i = 0; i < k->nmarkets; i++)
        if (strlen(k->markets[i].ticker) == len && !strncmp(k->markets[i].ticker, ticker, len)) return &k->markets[i];
    return NULL;
}

static void orderbook(const sim_kmarket *m, sim_response *res) {
    json_t *yes = json_array(), *no = json_array();
    for (int i = 0; i < m->book.bid.n; i++) { /* ascending: best bid last */
        json_t *l = json_array();
        json_array_append_new(l, sim_dollars(m->book.bid.lv[i].px, 4));
        json_array_append_new(l, sim_dollars(m->book.bid.lv[i].qty, 2));
        json_array_append_new(yes, l);
    }
    for (int i = 0; i < m->book.ask.n; i++) { /* asks are stored worst first: NO bids ascending */
        json_t *l = json_array();
        json_array_append_new(l, sim_dollars(PM_PX_ONE - m->book.ask.lv[i].px, 4));
        json_array_append_new(l, sim_dollars(m->book.ask.lv[i].qty, 2));
        json_array_append_new(no, l);
    }
    json_t *fp = json_object(), *doc = json_object();
    json_object_set_new(fp, "yes_dollars", yes);
    json_object_set_new(fp, "no_dollars", no);
    json_object_set_new(doc, "orderbook_fp", fp);
    sim_respond_json(res, 200, doc);
}

static void admin_faults(sim_kalshi *k, const sim_request *req, sim_response *res);

static void handle(sim_kalshi *k, const sim_request *req, sim_response *res);

void sim_kalshi_handle(void *user, const sim_request *req, sim_response *res) {
    sim_kalshi *k = user;
    int order_post = !strcmp(req->method, "POST") && !strcmp(req->path, PREFIX "/portfolio/events/orders");
    handle(k, req, res);
    if (order_post && k->faults.lose_answers > 0 && res->status >= 200 && res->status < 300) {
        k->faults.lose_answers--;
        sim_respond_error(res, 500, "internal_error", "the order was taken; its answer was lost (injected by the simulator)");
    }
}

static void handle(sim_kalshi *k, const sim_request *req, sim_response *res) {
    if (!strcmp(req->path, "/admin/faults") && !strcmp(req->method, "POST")) return admin_faults(k, req, res);
    if (!strcmp(req->path, "/admin/stats") && !strcmp(req->method, "GET"))
        return sim_respondf(res, 200, "{\"rest_requests\":%llu,\"order_posts\":%llu,\"auth_failures\":%llu,\"orders\":%d}",
                            (unsigned long long)k->rest_requests, (unsigned long long)k->order_posts,
                            (unsigned long long)k->auth_failures, k->norders);
    if (!strcmp(req->path, "/admin/orders") && !strcmp(req->method, "GET")) return sim_kalshi_admin_orders(k, res);
    k->rest_requests++;
    int order_post = !strcmp(req->method, "POST") && strstr(req->path, "/portfolio/events/orders");
    if (order_post) k->order_posts++;
    int faulted = order_post || !k->faults.orders_only;
    if (faulted && k->faults.delay_count > 0) {
        k->faults.delay_count--;
        res->delay_ms = k->faults.delay_ms;
    }
    if (faulted && k->faults.http_count > 0) {
        k->faults.http_count--;
        if (k->faults.http_status == 429) return sim_respondf(res, 429, "{\"error\":\"too many requests\"}");
        return sim_respond_error(res, k->faults.http_status, "internal_error", "injected by the simulator");
    }
    if (strncmp(req->path, PREFIX "/", sizeof PREFIX)) {
        sim_respond_error(res, 404, "not_found", "no such endpoint");
        return;
    }
    const char *p = req->path + strlen(PREFIX);
    if (!strncmp(p, "/portfolio/", 11)) {
        const char *why;
        if (!sim_kalshi_authenticated(k, req, &why)) {
            k->auth_failures++;
            sim_respond_error(res, 401, "authentication_error", why);
            return;
        }
        sim_kalshi_portfolio(k, req, p, res);
        return;
    }
    if (strcmp(req->method, "GET")) {
        sim_respond_error(res, 405, "method_not_allowed", "method not allowed");
        return;
    }
    if (!strcmp(p, "/markets")) return list_markets(k, req, res);
    if (!strcmp(p, "/events")) return list_events(k, req, res);
    if (!strncmp(p, "/markets/", 9)) {
        const char *t = p + 9, *slash = strchr(t, '/');
        const sim_kmarket *m = find_market(k, t, slash ? (size_t)(slash - t) : strlen(t));
        if (!m) return sim_respond_error(res, 404, "not_found", "market not found");
        if (!slash) {
            json_t *doc = json_object();
            json_object_set_new(doc, "market", market_json(m, 1));
            return sim_respond_json(res, 200, doc);
        }
        if (!strcmp(slash, "/orderbook")) return orderbook(m, res);
        return sim_respond_error(res, 404, "not_found", "no such endpoint");
    }
    if (!strncmp(p, "/events/", 8)) {
        for (int i = 0; i < k->nevents; i++) {
            if (strcmp(k->events[i].ticker, p + 8)) continue;
            json_t *doc = json_object();
            json_object_set_new(doc, "event", event_json(&k->events[i]));
            return sim_respond_json(res, 200, doc);
        }
        return sim_respond_error(res, 404, "not_found", "event not found");
    }
    if (!strncmp(p, "/series/", 8)) {
        for (int i = 0; i < k->nseries; i++) {
            const sim_kseries *s = &k->series[i];
            if (strcmp(s->ticker, p + 8)) continue;
            char mult[PM_FIXED_BUF];
            pm_fixed_format_exact(s->fee_multiplier, 0, mult, sizeof mult);
            sim_respondf(res, 200, "{\"series\":{\"ticker\":\"%s\",\"title\":\"%s\",\"frequency\":\"custom\","
                         "\"fee_type\":\"%s\",\"fee_multiplier\":%s}}", s->ticker, s->title, s->fee_type, mult);
            return;
        }
        return sim_respond_error(res, 404, "not_found", "series not found");
    }
    sim_respond_error(res, 404, "not_found", "no such endpoint");
}

/* ---- WebSocket: /trade-api/ws/v2 ---------------------------------------------------- */

typedef enum kchannel { CH_BOOK, CH_LIFECYCLE, CH_FILL, CH_ORDERS, CH_UNKNOWN } kchannel;
static const char *const channel_names[] = {"orderbook_delta", "market_lifecycle_v2", "fill", "user_orders"};

typedef struct ksub {
    int64_t sid, seq;
    int skip_next;          /* fault: the next delta skips a seq number */
    kchannel channel;
    int use_yes_price;
    unsigned char *markets; /* CH_BOOK: 1 for each subscribed market index */
} ksub;

struct sim_kconn {
    struct lws *wsi;
    ksub subs[16];
    int nsubs;
    sim_ws_queue out;
    int drop;
    int malformed_next;     /* fault: the next frame is broken JSON */
    sim_kconn *next;
};

static void enqueue(sim_kconn *c, char *text) {
    if (!text) return;
    if (c->malformed_next) { /* replace this frame with broken JSON */
        c->malformed_next = 0;
        free(text);
        text = strdup("{\"type\":\"orderbook_delta\",\"sid\":");
    }
    if (sim_ws_queue_push(&c->out, text)) c->drop = 1; /* a client this slow is cut off, as the venue does */
    sim_ws_wake(c->wsi);
}

static char *dumps(json_t *doc) {
    char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(doc);
    return text;
}

static json_t *levels_json(const pm_book_side *side, int no_side, int yes_scale) {
    json_t *arr = json_array();
    for (int i = 0; i < side->n; i++) {
        pm_px_t px = side->lv[i].px; /* asks hold YES asks: the NO bid is 1 − px */
        if (no_side && !yes_scale) px = PM_PX_ONE - px;
        json_t *l = json_array();
        json_array_append_new(l, sim_dollars(px, 4));
        json_array_append_new(l, sim_dollars(side->lv[i].qty, 2));
        json_array_append_new(arr, l);
    }
    return arr;
}

static char *snapshot_frame(const sim_kalshi *k, ksub *s, int m) {
    const sim_kmarket *mk = &k->markets[m];
    json_t *msg = json_object(), *doc = json_object();
    json_object_set_new(msg, "market_ticker", json_string(mk->ticker));
    json_object_set_new(msg, "market_id", json_string(""));
    if (mk->book.bid.n) json_object_set_new(msg, "yes_dollars_fp", levels_json(&mk->book.bid, 0, s->use_yes_price));
    if (mk->book.ask.n) json_object_set_new(msg, "no_dollars_fp", levels_json(&mk->book.ask, 1, s->use_yes_price));
    json_object_set_new(doc, "type", json_string("orderbook_snapshot"));
    json_object_set_new(doc, "sid", json_integer(s->sid));
    json_object_set_new(doc, "seq", json_integer(++s->seq));
    json_object_set_new(doc, "msg", msg);
    return dumps(doc);
}

static char *error_frame(int64_t id, int code, const char *text) {
    json_t *doc = json_object(), *msg = json_object();
    json_object_set_new(doc, "type", json_string("error"));
    json_object_set_new(doc, "id", json_integer(id));
    json_object_set_new(msg, "code", json_integer(code));
    json_object_set_new(msg, "msg", json_string(text));
    json_object_set_new(doc, "msg", msg);
    return dumps(doc);
}

static int market_index(const sim_kalshi *k, const char *ticker) {
    for (int i = 0; i < k->nmarkets; i++)
        if (!strcmp(k->markets[i].ticker, ticker)) return i;
    return -1;
}

static int ws_accept(void *user, const sim_request *handshake) {
    sim_kalshi *k = user;
    const char *why;
    if (strcmp(handshake->path, "/trade-api/ws/v2")) return -1;
    if (!sim_kalshi_authenticated(k, handshake, &why)) {
        k->auth_failures++;
        return -1;
    }
    return 0;
}

static void *ws_open(void *user, const sim_request *handshake) {
    sim_kalshi *k = user;
    sim_kconn *c = calloc(1, sizeof *c);
    if (!c || sim_ws_queue_init(&c->out)) {
        free(c);
        return NULL;
    }
    c->wsi = handshake->wsi;
    c->next = k->conns;
    k->conns = c;
    return c;
}

static void subscribe_cmd(sim_kalshi *k, sim_kconn *c, int64_t id, json_t *params) {
    json_t *channels = json_object_get(params, "channels");
    if (!json_is_array(channels) || json_array_size(channels) == 0) return enqueue(c, error_frame(id, 3, "Channels required"));
    json_t *tickers = json_object_get(params, "market_tickers");
    if (!tickers && json_is_string(json_object_get(params, "market_ticker"))) {
        tickers = json_array();
        json_array_append(tickers, json_object_get(params, "market_ticker"));
    } else {
        json_incref(tickers);
    }
    size_t i;
    json_t *ch;
    json_array_foreach(channels, i, ch) {
        kchannel kind = CH_UNKNOWN;
        for (int n = 0; n < 4; n++)
            if (json_is_string(ch) && !strcmp(json_string_value(ch), channel_names[n])) kind = (kchannel)n;
        if (kind == CH_UNKNOWN) {
            enqueue(c, error_frame(id, 8, "Unknown channel name"));
            continue;
        }
        if (kind == CH_BOOK && (!json_is_array(tickers) || json_array_size(tickers) == 0)) {
            enqueue(c, error_frame(id, 14, "Market ticker required"));
            continue;
        }
        if (c->nsubs == 16) {
            enqueue(c, error_frame(id, 1, "Unable to process message"));
            continue;
        }
        ksub *s = &c->subs[c->nsubs];
        memset(s, 0, sizeof *s);
        s->sid = ++k->next_sid;
        s->channel = kind;
        s->use_yes_price = json_is_true(json_object_get(params, "use_yes_price"));
        if (kind == CH_BOOK) {
            s->markets = calloc((size_t)k->nmarkets, 1);
            size_t t;
            json_t *tk;
            int bad = 0;
            json_array_foreach(tickers, t, tk) {
                int m = json_is_string(tk) ? market_index(k, json_string_value(tk)) : -1;
                if (m < 0) bad = 1;
                else s->markets[m] = 1;
            }
            if (bad) {
                free(s->markets);
                enqueue(c, error_frame(id, 11, "Invalid parameter: unknown market ticker"));
                continue;
            }
        }
        c->nsubs++;
        char *ok = NULL;
        if (asprintf(&ok, "{\"type\":\"subscribed\",\"id\":%lld,\"msg\":{\"channel\":\"%s\",\"sid\":%lld}}", (long long)id,
                     channel_names[kind], (long long)s->sid) < 0)
            ok = NULL;
        enqueue(c, ok);
        for (int m = 0; kind == CH_BOOK && m < k->nmarkets; m++)
            if (s->markets[m]) enqueue(c, snapshot_frame(k, s, m));
    }
    json_decref(tickers);
}

static ksub *sub_of(sim_kconn *c, int64_t sid) {
    for (int i = 0; i < c->nsubs; i++)
        if (c->subs[i].sid == sid) return &c->subs[i];
    return NULL;
}

static void ws_frame(void *user, void *conn, const char *text, size_t len) {
    sim_kalshi *k = user;
    sim_kconn *c = conn;
    json_error_t e;
    json_t *doc = json_loadb(text, len, 0, &e);
    json_t *params = json_object_get(doc, "params");
    const char *cmd = json_string_value(json_object_get(doc, "cmd"));
    int64_t id = json_integer_value(json_object_get(doc, "id"));
    if (!doc || !cmd) enqueue(c, error_frame(id, 1, "Unable to process message"));
    else if (!strcmp(cmd, "subscribe")) subscribe_cmd(k, c, id, params);
    else if (!strcmp(cmd, "unsubscribe")) {
        size_t i;
        json_t *sid;
        json_array_foreach(json_object_get(params, "sids"), i, sid) {
            ksub *s = sub_of(c, json_integer_value(sid));
            if (!s) {
                enqueue(c, error_frame(id, 7, "Unknown subscription ID"));
                continue;
            }
            char *out = NULL;
            if (asprintf(&out, "{\"id\":%lld,\"sid\":%lld,\"seq\":%lld,\"type\":\"unsubscribed\"}", (long long)id,
                         (long long)s->sid, (long long)++s->seq) < 0)
                out = NULL;
            enqueue(c, out);
            free(s->markets);
            *s = c->subs[--c->nsubs];
        }
    } else if (!strcmp(cmd, "update_subscription") &&
               !strcmp(json_string_value(json_object_get(params, "action")) ?: "", "get_snapshot")) {
        ksub *s = sub_of(c, json_integer_value(json_object_get(params, "sid")));
        if (!s || s->channel != CH_BOOK) enqueue(c, error_frame(id, 7, "Unknown subscription ID"));
        else
            for (int m = 0; m < k->nmarkets; m++)
                if (s->markets[m]) enqueue(c, snapshot_frame(k, s, m));
    } else {
        enqueue(c, error_frame(id, 5, "Unknown command"));
    }
    json_decref(doc);
}

static const char *ws_next(void *user, void *conn, size_t *len) {
    sim_kalshi *k = user;
    sim_kconn *c = conn;
    if (c->drop) {
        *len = (size_t)-1;
        return "";
    }
    const char *frame = sim_ws_queue_pop(&c->out, len);
    if (frame) k->ws_frames_sent++;
    return frame;
}

static void ws_close(void *user, void *conn) {
    sim_kalshi *k = user;
    sim_kconn *c = conn;
    for (sim_kconn **p = &k->conns; *p; p = &(*p)->next)
        if (*p == c) {
            *p = c->next;
            break;
        }
    for (int i = 0; i < c->nsubs; i++) free(c->subs[i].markets);
    sim_ws_queue_free(&c->out);
    free(c);
}

const sim_ws_ops sim_kalshi_ws = {ws_accept, ws_open, ws_frame, ws_next, ws_close};

void sim_kalshi_publish_delta(sim_kalshi *k, int m, int yes, pm_px_t px, pm_qty_t delta) {
    const sim_kmarket *mk = &k->markets[m];
    for (sim_kconn *c = k->conns; c; c = c->next) {
        for (int i = 0; i < c->nsubs; i++) {
            ksub *s = &c->subs[i];
            if (s->channel != CH_BOOK || !s->markets[m]) continue;
            if (s->skip_next) {
                s->seq++;
                s->skip_next = 0;
            }
            pm_px_t wire = yes || s->use_yes_price ? px : PM_PX_ONE - px;
            char price[PM_FIXED_BUF], qty[PM_FIXED_BUF], *out = NULL;
            pm_fixed_format(wire, 4, PM_ROUND_FLOOR, price, sizeof price);
            pm_fixed_format(delta, 2, PM_ROUND_FLOOR, qty, sizeof qty);
            if (asprintf(&out, "{\"type\":\"orderbook_delta\",\"sid\":%lld,\"seq\":%lld,\"msg\":{\"market_ticker\":\"%s\","
                         "\"market_id\":\"\",\"price_dollars\":\"%s\",\"delta_fp\":\"%s\",\"side\":\"%s\",\"ts_ms\":%lld}}",
                         (long long)s->sid, (long long)++s->seq, mk->ticker, price, qty, yes ? "yes" : "no",
                         (long long)(pm_wall_ns() / 1000000)) < 0)
                out = NULL;
            enqueue(c, out);
        }
    }
}

void sim_kalshi_push_user(sim_kalshi *k, int fill, json_t *msg) {
    for (sim_kconn *c = k->conns; c; c = c->next) {
        for (int i = 0; i < c->nsubs; i++) {
            if (c->subs[i].channel != (fill ? CH_FILL : CH_ORDERS)) continue;
            json_t *doc = json_object();
            json_object_set_new(doc, "type", json_string(fill ? "fill" : "user_order"));
            json_object_set_new(doc, "sid", json_integer(c->subs[i].sid));
            json_object_set(doc, "msg", msg);
            enqueue(c, dumps(doc));
        }
    }
    json_decref(msg);
}

/* market_lifecycle_v2 to every lifecycle subscription (they take no market filter). */
static void publish_lifecycle(sim_kalshi *k, int m, const char *event_type) {
    for (sim_kconn *c = k->conns; c; c = c->next) {
        for (int i = 0; i < c->nsubs; i++) {
            ksub *s = &c->subs[i];
            if (s->channel != CH_LIFECYCLE) continue;
            char *out = NULL;
            if (asprintf(&out, "{\"type\":\"market_lifecycle_v2\",\"sid\":%lld,\"seq\":%lld,\"msg\":{\"market_ticker\":"
                         "\"%s\",\"event_type\":\"%s\",\"result\":\"yes\",\"determination_ts\":%lld}}",
                         (long long)s->sid, (long long)++s->seq, k->markets[m].ticker, event_type,
                         (long long)(pm_wall_ns() / 1000000000)) < 0)
                out = NULL;
            enqueue(c, out);
        }
    }
}

void sim_kalshi_tick(sim_kalshi *k) {
    if (!k->nmarkets) return;
    if (!k->rng) k->rng = 0x9E3779B97F4A7C15ULL;
    int m = (int)(next_rand(&k->rng) % (uint64_t)k->nmarkets);
    sim_kmarket *mk = &k->markets[m];
    pm_book_side *side = next_rand(&k->rng) & 1 ? &mk->book.bid : &mk->book.ask;
    if (!side->n) return;
    const pm_level *l = &side->lv[next_rand(&k->rng) % side->n];
    pm_px_t px = l->px;
    pm_qty_t delta = (pm_qty_t)(1 + next_rand(&k->rng) % 20) * 1000000;
    if (next_rand(&k->rng) & 1 && l->qty > delta) delta = -delta;
    if (pm_book_side_add(side, px, delta)) return;
    sim_kalshi_publish_delta(k, m, side == &mk->book.bid, px, delta);
}

/* Changes one level by delta and streams it (side: the YES bids or the YES asks). */
static void move_level(sim_kalshi *k, int m, pm_book_side *side, pm_px_t px, pm_qty_t delta) {
    if (px < PM_CENT || px > PM_PX_ONE - PM_CENT || pm_book_side_add(side, px, delta)) return;
    sim_kalshi_publish_delta(k, m, side->kind == PM_BID, px, delta);
}

void sim_kalshi_follow(sim_kalshi *k, int m, pm_px_t fair) {
    sim_kmarket *mk = &k->markets[m];
    const pm_level *bid = pm_book_best(&mk->book.bid), *ask = pm_book_best(&mk->book.ask);
    if (!mk->active || !bid || !ask || (fair > bid->px - PM_CENT / 2 && fair < ask->px + PM_CENT / 2)) return;
    if (!k->rng) k->rng = 0x9E3779B97F4A7C15ULL;
    int up = fair >= ask->px + PM_CENT / 2;
    pm_px_t step = up ? PM_CENT : -PM_CENT;
    pm_book_side *toward = up ? &mk->book.bid : &mk->book.ask, *away = up ? &mk->book.ask : &mk->book.bid;
    /* the side being approached gives up its best level and gains one beyond its worst */
    move_level(k, m, away, pm_book_best(away)->px, -pm_book_best(away)->qty);
    if (away->n < 3 && away->n > 0)
        move_level(k, m, away, away->lv[0].px + step, (pm_qty_t)(50 + sim_rand(&k->rng) % 450) * PM_SCALE);
    /* the other side quotes one cent closer and drops its worst level */
    move_level(k, m, toward, pm_book_best(toward)->px + step, (pm_qty_t)(50 + sim_rand(&k->rng) % 450) * PM_SCALE);
    if (toward->n > 3) move_level(k, m, toward, toward->lv[0].px, -toward->lv[0].qty);
}

/* POST /admin/faults — not a Kalshi endpoint: the simulator's fault switches. Fields (each
 * optional): "drop_connections", "skip_seq", "malformed" (WebSocket), "http_status" (429 or 5xx
 * for the next "count" requests), "delay_ms" (for the next "count" responses), "reject_orders"
 * (the next "count" orders), "partial_fill" (the next "count" orders match at most half their
 * count, in whole contracts: a fill-or-kill one is killed), "lose_answers" (the next "count"
 * orders the venue takes are answered 500, as if the answer were lost), "determine_market" (a ticker: it stops trading and a lifecycle event
 * goes out), "orders_only" (true: http_status and delay_ms count and hit order posts only; false
 * lifts it). GET /admin/stats counts what reached the venue; GET /admin/orders lists every order
 * post the venue looked at. */
static void admin_faults(sim_kalshi *k, const sim_request *req, sim_response *res) {
    json_t *doc = json_loads(req->body, 0, NULL);
    if (!json_is_object(doc)) {
        json_decref(doc);
        return sim_respond_error(res, 400, "bad_request", "expected a JSON object");
    }
    int status = (int)json_integer_value(json_object_get(doc, "http_status"));
    int count = json_is_integer(json_object_get(doc, "count")) ? (int)json_integer_value(json_object_get(doc, "count")) : 1;
    if (status >= 400 && status <= 599) {
        k->faults.http_status = status;
        k->faults.http_count = count;
    }
    if (json_integer_value(json_object_get(doc, "delay_ms")) > 0) {
        k->faults.delay_ms = (int)json_integer_value(json_object_get(doc, "delay_ms"));
        k->faults.delay_count = count;
    }
    if (json_is_true(json_object_get(doc, "reject_orders"))) k->faults.reject_orders = count;
    if (json_is_true(json_object_get(doc, "partial_fill"))) k->faults.partial_orders = count;
    if (json_is_true(json_object_get(doc, "lose_answers"))) k->faults.lose_answers = count;
    if (json_is_boolean(json_object_get(doc, "orders_only"))) k->faults.orders_only = json_is_true(json_object_get(doc, "orders_only"));
    const char *determine = json_string_value(json_object_get(doc, "determine_market"));
    if (determine) {
        int m = market_index(k, determine);
        if (m < 0) {
            json_decref(doc);
            return sim_respond_error(res, 404, "not_found", "market not found");
        }
        k->markets[m].active = 0;
        publish_lifecycle(k, m, "determined");
    }
    if (json_is_true(json_object_get(doc, "drop_connections")))
        for (sim_kconn *c = k->conns; c; c = c->next) {
            c->drop = 1;
            sim_ws_wake(c->wsi);
        }
    for (sim_kconn *c = k->conns; c; c = c->next) {
        for (int i = 0; i < c->nsubs; i++)
            if (json_is_true(json_object_get(doc, "skip_seq")) && c->subs[i].channel == CH_BOOK) c->subs[i].skip_next = 1;
        if (json_is_true(json_object_get(doc, "malformed"))) c->malformed_next = 1;
    }
    json_decref(doc);
    sim_respondf(res, 200, "{\"ok\":true}");
}
