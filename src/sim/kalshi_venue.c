/* kalshi_venue.c — the simulated Kalshi exchange (see kalshi_venue.h). */
#include "sim/kalshi_venue.h"

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

int sim_kalshi_init(sim_kalshi *k, uint64_t seed, pm_err *err) {
    memset(k, 0, sizeof *k);
    uint64_t rng = seed * 2654435761ULL + 88172645463325252ULL;
    k->series = calloc(NTEMPLATES, sizeof *k->series);
    k->events = calloc(NTEMPLATES, sizeof *k->events);
    k->markets = calloc(NTEMPLATES * 5, sizeof *k->markets);
    if (!k->series || !k->events || !k->markets) return pm_err_set(err, "out of memory");
    k->balance_cents = 1000000;
    for (int t = 0; t < NTEMPLATES; t++) {
        const event_template *e = &templates[t];
        sim_kseries *s = &k->series[k->nseries++];
        snprintf(s->ticker, sizeof s->ticker, "%s", e->series);
        snprintf(s->title, sizeof s->title, "%s", e->series_title);
        snprintf(s->fee_type, sizeof s->fee_type, "%s", e->fee_type);
        s->fee_multiplier = e->fee_multiplier;
        sim_kevent *ev = &k->events[k->nevents++];
        snprintf(ev->ticker, sizeof ev->ticker, "%s", e->event);
        snprintf(ev->series, sizeof ev->series, "%s", e->series);
        snprintf(ev->title, sizeof ev->title, "%s", e->title);
        ev->fee_multiplier_override = -1;
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

void sim_kalshi_free(sim_kalshi *k) {
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
static int authenticated(sim_kalshi *k, const sim_request *req, const char **why) {
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

static json_t *dollars(int64_t v, int decimals) {
    char buf[PM_FIXED_BUF];
    pm_fixed_format(v, decimals, PM_ROUND_FLOOR, buf, sizeof buf);
    return json_string(buf);
}

static json_t *market_json(const sim_kmarket *m) {
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
    json_object_set_new(o, "yes_bid_dollars", dollars(bid ? bid->px : 0, 4));
    json_object_set_new(o, "yes_ask_dollars", dollars(ask ? ask->px : PM_PX_ONE, 4));
    json_object_set_new(o, "no_bid_dollars", dollars(ask ? PM_PX_ONE - ask->px : 0, 4));
    json_object_set_new(o, "no_ask_dollars", dollars(bid ? PM_PX_ONE - bid->px : PM_PX_ONE, 4));
    json_object_set_new(o, "rules_primary", json_string(m->rules_primary));
    json_object_set_new(o, "rules_secondary", json_string(m->rules_secondary));
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

static void respond_json(sim_response *res, int status, json_t *doc) {
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
        json_array_append_new(arr, market_json(m));
        next = seen;
    }
    json_t *doc = json_object();
    json_object_set_new(doc, "markets", arr);
    json_object_set_new(doc, "cursor", cursor_after(next, total));
    respond_json(res, 200, doc);
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
    respond_json(res, 200, doc);
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
        json_array_append_new(l, dollars(m->book.bid.lv[i].px, 4));
        json_array_append_new(l, dollars(m->book.bid.lv[i].qty, 2));
        json_array_append_new(yes, l);
    }
    for (int i = 0; i < m->book.ask.n; i++) { /* asks are stored worst first: NO bids ascending */
        json_t *l = json_array();
        json_array_append_new(l, dollars(PM_PX_ONE - m->book.ask.lv[i].px, 4));
        json_array_append_new(l, dollars(m->book.ask.lv[i].qty, 2));
        json_array_append_new(no, l);
    }
    json_t *fp = json_object(), *doc = json_object();
    json_object_set_new(fp, "yes_dollars", yes);
    json_object_set_new(fp, "no_dollars", no);
    json_object_set_new(doc, "orderbook_fp", fp);
    respond_json(res, 200, doc);
}

void sim_kalshi_handle(void *user, const sim_request *req, sim_response *res) {
    sim_kalshi *k = user;
    k->requests++;
    if (strncmp(req->path, PREFIX "/", sizeof PREFIX)) {
        sim_respond_error(res, 404, "not_found", "no such endpoint");
        return;
    }
    const char *p = req->path + strlen(PREFIX);
    if (!strncmp(p, "/portfolio/", 11)) {
        const char *why;
        if (!authenticated(k, req, &why)) {
            k->auth_failures++;
            sim_respond_error(res, 401, "authentication_error", why);
            return;
        }
        if (!strcmp(req->method, "GET") && !strcmp(p, "/portfolio/balance")) {
            sim_respondf(res, 200, "{\"balance\":%lld,\"balance_dollars\":\"%lld.%02lld\",\"portfolio_value\":0,\"updated_ts\":%lld}",
                         (long long)k->balance_cents, (long long)(k->balance_cents / 100),
                         (long long)(k->balance_cents % 100), (long long)(pm_wall_ns() / 1000000000));
            return;
        }
        sim_respond_error(res, 404, "not_found", "this portfolio endpoint is not simulated");
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
            json_object_set_new(doc, "market", market_json(m));
            return respond_json(res, 200, doc);
        }
        if (!strcmp(slash, "/orderbook")) return orderbook(m, res);
        return sim_respond_error(res, 404, "not_found", "no such endpoint");
    }
    if (!strncmp(p, "/events/", 8)) {
        for (int i = 0; i < k->nevents; i++) {
            if (strcmp(k->events[i].ticker, p + 8)) continue;
            json_t *doc = json_object();
            json_object_set_new(doc, "event", event_json(&k->events[i]));
            return respond_json(res, 200, doc);
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
