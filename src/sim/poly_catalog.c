/* poly_catalog.c — the simulated Polymarket catalogue and its books: markets mirroring the
 * built-in Kalshi events (the same questions phrased Polymarket-style, a few inverted) and
 * Polymarket-only ones (neg-risk events, a Protocol-V2 market, ticks 0.01 / 0.005 / 0.0025 /
 * 0.001, fee-free and fee-enabled markets, a closed market), with a market maker quoting
 * each YES book around the shared price process (see poly_venue.h, price_process.h). */
#include "sim/poly_venue.h"

#include "sim/kalshi_venue.h"
#include "sim/price_process.h"
#include "util/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LADDER 4       /* market-maker levels per side */
#define MAX_CHANGES 32 /* level changes one requote can make */

typedef struct market_tmpl {
    const char *question;
    const char *group; /* the outcome within its event (stands for "{}" in the rules) */
    int inverted, version, closed;
    pm_px_t tick;      /* 0: the event's */
} market_tmpl;

typedef struct event_tmpl {
    const char *kalshi_event; /* the Kalshi event it mirrors, market for market; NULL: Polymarket-only */
    const char *title, *slug, *end_date;
    int neg_risk;
    pm_px_t tick;
    const char *fee_type;     /* NULL: fee-free */
    int64_t fee_rate, fee_rebate; /* scale 6 */
    const char *rules;        /* "{}" stands for the market's group item */
    market_tmpl m[5];
} event_tmpl;

static const event_tmpl events[] = {
    {"KXFEDDECISION-26DEC", "Fed decision in December?", "fed-decision-in-december-2026", "2026-12-16T00:00:00Z", 1, 1000,
     "economics_fees", 50000, 250000,
     "This market will resolve to \"Yes\" if the FOMC's decision announced at its December 2026 meeting is: {}. Otherwise, "
     "this market will resolve to \"No\". The resolution source for this market is the FOMC statement on federalreserve.gov.",
     {{"Will the Fed hold rates at the December 2026 meeting?", "No change"},
      {"Will the Fed cut rates by 25 bps at the December 2026 meeting?", "25 bps decrease"},
      {"Will the Fed cut rates by more than 25 bps at the December 2026 meeting?", "50+ bps decrease"},
      {"Will the Fed raise rates at the December 2026 meeting?", "25+ bps increase"}}},
    {"KXCPIYOY-26NOV", "November 2026 CPI inflation", "november-2026-cpi-inflation", "2026-12-10T00:00:00Z", 0, 10000,
     "economics_fees", 50000, 250000,
     "This market will resolve to \"Yes\" if year-over-year US CPI inflation for November 2026, as first published by the "
     "Bureau of Labor Statistics, is {}. Otherwise, this market will resolve to \"No\".",
     {{"Will US CPI inflation for November 2026 be above 2.5%?", "above 2.5%"},
      {"Will US CPI inflation for November 2026 be above 2.8%?", "above 2.8%"},
      {"Will US CPI inflation for November 2026 be 3.0% or lower?", "3.0% or lower", 1},
      {"Will US CPI inflation for November 2026 be above 3.2%?", "above 3.2%"}}},
    {"KXBTCMAXY-26", "What price will Bitcoin hit in 2026?", "what-price-will-bitcoin-hit-in-2026", "2026-12-31T23:59:00Z", 0,
     1000, "crypto_fees", 72000, 200000,
     "This market will resolve to \"Yes\" if any Binance 1-minute candle for BTC/USDT in 2026 has a final high price of {} "
     "or more. Otherwise, this market will resolve to \"No\".",
     {{"Will Bitcoin reach $150,000 in 2026?", "$150,000"},
      {"Will Bitcoin reach $175,000 in 2026?", "$175,000"},
      {"Will Bitcoin reach $200,000 in 2026?", "$200,000", 0, 2}}},
    {"KXNBACHAMP-27", "2027 NBA Champion", "2027-nba-champion", "2027-06-30T00:00:00Z", 1, 1000, "sports_fees_v2", 30000, 250000,
     "This market will resolve to \"Yes\" if the {} win the 2027 NBA Finals. Otherwise, this market will resolve to \"No\".",
     {{"Will the Boston Celtics win the 2027 NBA Finals?", "Boston Celtics"},
      {"Will the Oklahoma City Thunder win the 2027 NBA Finals?", "Oklahoma City Thunder"},
      {"Will the Denver Nuggets win the 2027 NBA Finals?", "Denver Nuggets"},
      {"Will the New York Knicks win the 2027 NBA Finals?", "New York Knicks"}}},
    {"KXINXY-26DEC31", "S&P 500 on December 31, 2026", "sp-500-on-december-31-2026", "2026-12-31T21:00:00Z", 0, 10000,
     "finance_fees", 40000, 250000,
     "This market will resolve to \"Yes\" if the S&P 500 index closes {} on December 31, 2026, per the official closing "
     "value published by S&P Dow Jones Indices. Otherwise, this market will resolve to \"No\".",
     {{"Will the S&P 500 close above 6,500 on December 31, 2026?", "above 6,500"},
      {"Will the S&P 500 close above 7,000 on December 31, 2026?", "above 7,000"},
      {"Will the S&P 500 close above 7,500 on December 31, 2026?", "above 7,500", 0, 1, 0, 5000}}},
    {"KXGOVSHUT-26DEC", "US government shutdown in 2026?", "us-government-shutdown-in-2026", "2026-12-31T23:59:00Z", 0, 10000,
     "politics_fees", 40000, 250000,
     "This market will resolve to \"Yes\" if no lapse in US federal appropriations begins between market creation and "
     "December 31, 2026, 11:59 PM ET. If a shutdown begins in that period, this market will resolve to \"No\".",
     {{"Will the US government avoid a shutdown through December 31, 2026?", "", 1}}},
    {"KXRECSSNBER-26", "US recession in 2026?", "us-recession-in-2026", "2027-03-31T00:00:00Z", 0, 10000, "economics_fees",
     50000, 250000,
     "This market will resolve to \"Yes\" if the NBER announces a US recession beginning in 2026 by March 31, 2027. "
     "Otherwise, this market will resolve to \"No\".",
     {{"US recession in 2026?", ""}}},
    {NULL, "Russia x Ukraine ceasefire in 2026?", "russia-x-ukraine-ceasefire-in-2026", "2026-12-31T23:59:00Z", 0, 10000, NULL,
     0, 0,
     "This market will resolve to \"Yes\" if Russia and Ukraine publicly announce an official, mutually agreed ceasefire by "
     "December 31, 2026, 11:59 PM ET. Otherwise, this market will resolve to \"No\".",
     {{"Russia x Ukraine ceasefire in 2026?", ""}}},
    {NULL, "Super Bowl Champion 2027", "super-bowl-champion-2027", "2027-02-14T00:00:00Z", 1, 2500, "sports_fees_v2", 30000,
     250000, "This market will resolve to \"Yes\" if the {} win Super Bowl LXI. Otherwise, this market will resolve to \"No\".",
     {{"Will the Kansas City Chiefs win Super Bowl LXI?", "Kansas City Chiefs"},
      {"Will the Philadelphia Eagles win Super Bowl LXI?", "Philadelphia Eagles"},
      {"Will the Buffalo Bills win Super Bowl LXI?", "Buffalo Bills"}}},
    {NULL, "2026 FIFA World Cup Winner", "2026-fifa-world-cup-winner", "2026-07-19T00:00:00Z", 0, 10000, "sports_fees_v2", 30000,
     250000, "This market will resolve to \"Yes\" if Spain wins the 2026 FIFA World Cup. Otherwise, this market will resolve "
     "to \"No\".",
     {{"Will Spain win the 2026 FIFA World Cup?", "", 0, 1, 1}}},
    {NULL, "What price will Ethereum hit in 2026?", "what-price-will-ethereum-hit-in-2026", "2026-12-31T23:59:00Z", 0, 10000,
     "crypto_fees", 72000, 200000,
     "This market will resolve to \"Yes\" if any Binance 1-minute candle for ETH/USDT in 2026 has a final high price of "
     "$10,000 or more. Otherwise, this market will resolve to \"No\".",
     {{"Will Ethereum reach $10,000 in 2026?", ""}}},
    /* the demo catalogue's mirrors (kalshi_venue.c demo_templates): absent under the built-in one;
     * most fee-free, as many Polymarket markets are */
    {"KXUNRATE-26NOV", "US unemployment rate for November 2026", "us-unemployment-rate-november-2026", "2026-12-04T00:00:00Z",
     0, 10000, NULL, 0, 0,
     "This market will resolve to \"Yes\" if the US unemployment rate for November 2026, as first published by the Bureau "
     "of Labor Statistics (BLS), is {}. Otherwise, this market will resolve to \"No\".",
     {{"Will the US unemployment rate for November 2026 be above 4.2%?", "above 4.2%"},
      {"Will the US unemployment rate for November 2026 be above 4.4%?", "above 4.4%"},
      {"Will the US unemployment rate for November 2026 be at most 4.6%?", "at most 4.6%", 1},
      {"Will the US unemployment rate for November 2026 be above 4.8%?", "above 4.8%"}}},
    {"KXCORECPI-26NOV", "November 2026 core CPI inflation", "november-2026-core-cpi-inflation", "2026-12-10T00:00:00Z", 0,
     10000, "economics_fees", 50000, 250000,
     "This market will resolve to \"Yes\" if year-over-year US core CPI inflation for November 2026, as first published by "
     "the Bureau of Labor Statistics (BLS), is {}. Otherwise, this market will resolve to \"No\".",
     {{"Will US core CPI inflation for November 2026 be above 2.8%?", "above 2.8%"},
      {"Will US core CPI inflation for November 2026 be above 3.0%?", "above 3.0%"},
      {"Will US core CPI inflation for November 2026 be above 3.2%?", "above 3.2%"},
      {"Will US core CPI inflation for November 2026 be at most 3.4%?", "at most 3.4%", 1}}},
    {"KXWTI-26DEC31", "WTI crude oil on December 31, 2026", "wti-crude-oil-on-december-31-2026", "2026-12-31T21:00:00Z", 0,
     10000, NULL, 0, 0,
     "This market will resolve to \"Yes\" if the front-month WTI crude oil futures contract settles {} on December 31, "
     "2026. Otherwise, this market will resolve to \"No\".",
     {{"Will WTI crude oil settle above $60 on December 31, 2026?", "above $60"},
      {"Will WTI crude oil settle above $70 on December 31, 2026?", "above $70"},
      {"Will WTI crude oil settle at $80 or below on December 31, 2026?", "at $80 or below", 1},
      {"Will WTI crude oil settle above $90 on December 31, 2026?", "above $90"}}},
    {"KXGOLD-26DEC31", "Gold on December 31, 2026", "gold-on-december-31-2026", "2026-12-31T21:00:00Z", 0, 10000,
     NULL, 0, 0,
     "This market will resolve to \"Yes\" if the spot price of gold closes {} on December 31, 2026. Otherwise, this "
     "market will resolve to \"No\".",
     {{"Will gold close above $3,000 on December 31, 2026?", "above $3,000"},
      {"Will gold close above $3,500 on December 31, 2026?", "above $3,500"},
      {"Will gold close above $4,000 on December 31, 2026?", "above $4,000"},
      {"Will gold close above $4,500 on December 31, 2026?", "above $4,500"}}},
    {"KXSILVER-26DEC31", "Silver on December 31, 2026", "silver-on-december-31-2026", "2026-12-31T21:00:00Z", 0, 10000,
     NULL, 0, 0,
     "This market will resolve to \"Yes\" if the spot price of silver closes {} on December 31, 2026. Otherwise, this "
     "market will resolve to \"No\".",
     {{"Will silver close above $30 on December 31, 2026?", "above $30"},
      {"Will silver close above $35 on December 31, 2026?", "above $35"},
      {"Will silver close at $40 or below on December 31, 2026?", "at $40 or below", 1},
      {"Will silver close above $45 on December 31, 2026?", "above $45"}}},
    {"KXNDXY-26DEC31", "Nasdaq-100 on December 31, 2026", "nasdaq-100-on-december-31-2026", "2026-12-31T21:00:00Z", 0, 10000,
     NULL, 0, 0,
     "This market will resolve to \"Yes\" if the Nasdaq-100 index closes {} on December 31, 2026, per the official closing "
     "value published by Nasdaq. Otherwise, this market will resolve to \"No\".",
     {{"Will the Nasdaq-100 close above 22,000 on December 31, 2026?", "above 22,000"},
      {"Will the Nasdaq-100 close above 24,000 on December 31, 2026?", "above 24,000"},
      {"Will the Nasdaq-100 close above 26,000 on December 31, 2026?", "above 26,000"}}},
    {"KXGDP-26Q4", "US GDP growth in Q4 2026", "us-gdp-growth-in-q4-2026", "2027-01-28T00:00:00Z", 0, 10000,
     "economics_fees", 50000, 250000,
     "This market will resolve to \"Yes\" if the advance estimate of annualized real US GDP growth for Q4 2026, as "
     "published by the Bureau of Economic Analysis (BEA), is {}. Otherwise, this market will resolve to \"No\".",
     {{"Will US GDP growth in Q4 2026 be above 1.0%?", "above 1.0%"},
      {"Will US GDP growth in Q4 2026 be above 2.0%?", "above 2.0%"},
      {"Will US GDP growth in Q4 2026 be above 3.0%?", "above 3.0%"}}},
};
#define NEVENTS (int)(sizeof events / sizeof events[0])

/* Decimal digits from the generator: a 77-digit uint256-sized token id. */
static void token_id(uint64_t *rng, char *out) {
    out[0] = (char)('1' + sim_rand(rng) % 9);
    for (int i = 1; i < 77; i++) out[i] = (char)('0' + sim_rand(rng) % 10);
    out[77] = '\0';
}

static void hex32(uint64_t *rng, char *out) {
    out[0] = '0', out[1] = 'x';
    for (int i = 0; i < 4; i++) snprintf(out + 2 + 16 * i, 17, "%016llx", (unsigned long long)sim_rand(rng));
}

static void slugify(const char *text, char *out, size_t cap) {
    size_t n = 0;
    for (const char *c = text; *c && n + 1 < cap; c++) {
        char ch = *c;
        if (ch >= 'A' && ch <= 'Z') ch = (char)(ch - 'A' + 'a');
        if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) out[n++] = ch;
        else if (n && out[n - 1] != '-') out[n++] = '-';
    }
    while (n && out[n - 1] == '-') n--;
    out[n] = '\0';
}

/* The n-th market (in catalogue order) of a Kalshi event, or -1. */
static int kalshi_market(const sim_kalshi *k, const char *event, int n) {
    for (int i = 0; i < k->nmarkets; i++)
        if (!strcmp(k->markets[i].event, event) && n-- == 0) return i;
    return -1;
}

static int outcomes(const event_tmpl *ev) {
    int n = 0;
    while (n < 5 && ev->m[n].question) n++;
    return n;
}

static int count_markets(const sim_kalshi *k) {
    int n = 0;
    for (int e = 0; e < NEVENTS; e++)
        for (int j = 0; j < 5 && events[e].m[j].question; j++)
            if (!events[e].kalshi_event || kalshi_market(k, events[e].kalshi_event, j) >= 0) n++;
    return n;
}

static void fill_rules(char *out, size_t cap, const char *tmpl, const char *value) {
    const char *at = strstr(tmpl, "{}");
    if (!at) snprintf(out, cap, "%s", tmpl);
    else snprintf(out, cap, "%.*s%s%s", (int)(at - tmpl), tmpl, value, at + 2);
}

/* A market maker's size: 10.00 to 500.00 shares. */
static pm_qty_t mm_size(uint64_t *rng) { return (pm_qty_t)(1000 + sim_rand(rng) % 49001) * (PM_SCALE / 100); }

static pm_px_t quote_of(const sim_poly *p, const sim_pmarket *m) {
    pm_px_t q = sim_prices_poly_quote(p->prices, m->fair_q);
    return m->inverted ? PM_PX_ONE - q : q;
}

/* The market maker's ladder around quote: best bid and ask half a cent away, rounded out to
 * the tick, LADDER levels a side one spacing apart. */
static void ladder(const sim_pmarket *m, pm_px_t quote, pm_px_t *bids, pm_px_t *asks) {
    pm_px_t t = m->tick, step = t >= PM_CENT ? t : PM_CENT / t >= 4 ? 2 * t : t;
    pm_px_t bid = (quote - PM_CENT / 2) / t * t, ask = (quote + PM_CENT / 2 + t - 1) / t * t;
    if (ask <= bid) ask = bid + t;
    for (int i = 0; i < LADDER; i++) {
        bids[i] = bid - i * step;
        asks[i] = ask + i * step;
    }
}

static int in_range(const sim_pmarket *m, pm_px_t px) { return px >= m->tick && px <= PM_PX_ONE - m->tick; }

typedef struct changes {
    sim_plevel lv[MAX_CHANGES];
    int n;
} changes;

static void record(changes *c, pm_book_side_kind side, pm_px_t px, pm_qty_t qty) {
    for (int i = 0; i < c->n; i++)
        if (c->lv[i].side == side && c->lv[i].px == px) {
            c->lv[i].qty = qty;
            return;
        }
    if (c->n < MAX_CHANGES) c->lv[c->n++] = (sim_plevel){side, px, qty};
}

static pm_book_side *side_of(pm_book *b, pm_book_side_kind s) { return s == PM_BID ? &b->bid : &b->ask; }

/* Changes the market maker's size at a level by delta, and the visible book with it. */
static void mm_change(sim_pmarket *m, pm_book_side_kind s, pm_px_t px, pm_qty_t delta, changes *c) {
    pm_qty_t mine = pm_book_qty_at(side_of(&m->mm, s), px), seen = pm_book_qty_at(side_of(&m->book, s), px);
    if (mine + delta < 0) delta = -mine;
    pm_qty_t now = seen + delta < 0 ? 0 : seen + delta;
    if (pm_book_side_set(side_of(&m->mm, s), px, mine + delta) || pm_book_side_set(side_of(&m->book, s), px, now)) return;
    record(c, s, px, now);
}

static int wanted(const pm_px_t *set, pm_px_t px) {
    for (int i = 0; i < LADDER; i++)
        if (set[i] == px) return 1;
    return 0;
}

/* Moves the market maker's quotes to the ladder around quote, never crossing what others
 * rest in the book. */
static void requote_market(sim_pmarket *m, pm_px_t quote, uint64_t *rng, changes *c) {
    pm_px_t want[2][LADDER];
    ladder(m, quote, want[PM_BID], want[PM_ASK]);
    for (int s = PM_BID; s <= PM_ASK; s++) {
        pm_book_side *mine = side_of(&m->mm, (pm_book_side_kind)s);
        for (int i = mine->n - 1; i >= 0; i--)
            if (!wanted(want[s], mine->lv[i].px)) mm_change(m, (pm_book_side_kind)s, mine->lv[i].px, -mine->lv[i].qty, c);
    }
    for (int s = PM_BID; s <= PM_ASK; s++) {
        for (int i = 0; i < LADDER; i++) {
            pm_px_t px = want[s][i];
            if (!in_range(m, px) || pm_book_qty_at(side_of(&m->mm, (pm_book_side_kind)s), px)) continue;
            const pm_level *other = pm_book_best(s == PM_BID ? &m->book.ask : &m->book.bid);
            if (other && (s == PM_BID ? px >= other->px : px <= other->px)) continue;
            mm_change(m, (pm_book_side_kind)s, px, mm_size(rng), c);
        }
    }
}

static void publish(sim_poly *p, int mi, const changes *c) {
    if (!c->n) return;
    p->markets[mi].book_ts_ms = pm_wall_ns() / 1000000;
    sim_poly_ws_price_change(p, mi, c->lv, c->n);
}

int sim_poly_init(sim_poly *p, const sim_kalshi *k, sim_prices *prices, uint64_t seed, pm_err *err) {
    memset(p, 0, sizeof *p);
    p->prices = prices;
    p->rng = sim_rand_seed(seed, 13);
    uint64_t ids = sim_rand_seed(seed, 11);
    int n = count_markets(k), own = k->nmarkets;
    if (own + SIM_POLY_OWN_QUESTIONS > prices->n) return pm_err_set(err, "the price process has too few questions");
    p->markets = calloc((size_t)n + 1, sizeof *p->markets);
    if (!p->markets) return pm_err_set(err, "out of memory");
    for (int e = 0; e < NEVENTS; e++) {
        const event_tmpl *ev = &events[e];
        char event_id[16], neg_id[67];
        snprintf(event_id, sizeof event_id, "%d", 31000 + 17 * e);
        hex32(&ids, neg_id);
        for (int j = 0; j < 5 && ev->m[j].question; j++) {
            const market_tmpl *t = &ev->m[j];
            int km = ev->kalshi_event ? kalshi_market(k, ev->kalshi_event, j) : -1;
            if (ev->kalshi_event && km < 0) continue;
            sim_pmarket *m = &p->markets[p->nmarkets];
            snprintf(m->gamma_id, sizeof m->gamma_id, "%d", 560000 + 3 * p->nmarkets);
            hex32(&ids, m->condition_id);
            hex32(&ids, m->question_id);
            for (int o = 0; o < 2; o++) token_id(&ids, m->token[o]);
            m->version = t->version ? t->version : 1;
            for (int o = 0; m->version == 2 && o < 2; o++) token_id(&ids, m->ctf_token[o]);
            snprintf(m->question, sizeof m->question, "%s", t->question);
            slugify(t->question, m->slug, sizeof m->slug);
            fill_rules(m->description, sizeof m->description, ev->rules, t->group);
            snprintf(m->end_date, sizeof m->end_date, "%s", ev->end_date);
            snprintf(m->event_id, sizeof m->event_id, "%s", event_id);
            snprintf(m->event_slug, sizeof m->event_slug, "%s", ev->slug);
            snprintf(m->event_title, sizeof m->event_title, "%s", ev->title);
            snprintf(m->outcome[0], sizeof m->outcome[0], "Yes");
            snprintf(m->outcome[1], sizeof m->outcome[1], "No");
            m->neg_risk = ev->neg_risk;
            if (ev->neg_risk) {
                snprintf(m->neg_risk_market_id, sizeof m->neg_risk_market_id, "%s", neg_id);
                snprintf(m->group_item, sizeof m->group_item, "%s", t->group);
            }
            m->tick = t->tick ? t->tick : ev->tick;
            m->min_size = 5 * PM_SCALE;
            if (ev->fee_type) {
                snprintf(m->fee_type, sizeof m->fee_type, "%s", ev->fee_type);
                m->fee_rate = ev->fee_rate;
                m->fee_exponent = 1;
                m->fee_taker_only = 1;
                m->fee_rebate = ev->fee_rebate;
            }
            m->closed = t->closed;
            m->active = 1;
            m->accepting_orders = !t->closed;
            m->kalshi_market = km;
            m->inverted = t->inverted;
            m->fair_q = km >= 0 ? km : own++;
            if (km < 0) /* the outcomes of a neg-risk event share one dollar */
                sim_prices_set(prices, m->fair_q, (pm_px_t)(10 + sim_rand(&p->rng) % 81) * PM_CENT / (ev->neg_risk ? outcomes(ev) : 1));
            pm_book_init(&m->book);
            pm_book_init(&m->mm);
            pm_book_snapshot(&m->book, NULL, 0, NULL, 0, pm_mono_ns());
            pm_book_snapshot(&m->mm, NULL, 0, NULL, 0, pm_mono_ns());
            changes c = {.n = 0};
            if (!m->closed) requote_market(m, quote_of(p, m), &p->rng, &c);
            m->book_ts_ms = pm_wall_ns() / 1000000;
            p->nmarkets++;
        }
    }
    return 0;
}

void sim_poly_free(sim_poly *p) {
    free(p->markets);
    p->markets = NULL;
    p->nmarkets = 0;
}

int sim_poly_find_token(const sim_poly *p, const char *token_id, pm_outcome *outcome) {
    for (int i = 0; i < p->nmarkets; i++)
        for (int o = 0; o < 2; o++)
            if (!strcmp(p->markets[i].token[o], token_id)) {
                if (outcome) *outcome = (pm_outcome)o;
                return i;
            }
    return -1;
}

int sim_poly_find_condition(const sim_poly *p, const char *condition_id) {
    for (int i = 0; i < p->nmarkets; i++)
        if (!strcmp(p->markets[i].condition_id, condition_id)) return i;
    return -1;
}

int sim_poly_set_level(sim_poly *p, int market, pm_outcome outcome, pm_book_side_kind side, pm_px_t px, pm_qty_t qty) {
    sim_pmarket *m = &p->markets[market];
    if (px < 0 || px > PM_PX_ONE || px % m->tick || qty < 0) return -1;
    if (outcome == PM_OUTCOME_NO) { /* a NO bid at p is a YES ask at 1 − p */
        px = PM_PX_ONE - px;
        side = side == PM_BID ? PM_ASK : PM_BID;
    }
    if (pm_book_side_set(side_of(&m->book, side), px, qty)) return -1;
    pm_qty_t mine = pm_book_qty_at(side_of(&m->mm, side), px); /* what was taken came out of the market maker's share first */
    if (mine > qty) pm_book_side_set(side_of(&m->mm, side), px, qty);
    changes c = {.n = 0};
    record(&c, side, px, qty);
    publish(p, market, &c);
    return 0;
}

/* One market-maker level of a random open market changes size by up to 20 shares. */
static void churn(sim_poly *p) {
    int mi = (int)(sim_rand(&p->rng) % (uint64_t)p->nmarkets);
    sim_pmarket *m = &p->markets[mi];
    pm_book_side_kind s = sim_rand(&p->rng) & 1 ? PM_BID : PM_ASK;
    pm_book_side *mine = side_of(&m->mm, s);
    if (m->closed || !mine->n) return;
    const pm_level *l = &mine->lv[sim_rand(&p->rng) % mine->n];
    pm_qty_t delta = (pm_qty_t)(1 + sim_rand(&p->rng) % 20) * PM_SCALE;
    if (sim_rand(&p->rng) & 1 && l->qty > delta) delta = -delta;
    changes c = {.n = 0};
    mm_change(m, s, l->px, delta, &c);
    publish(p, mi, &c);
}

static void requote_question(sim_poly *p, int q) {
    for (int i = 0; i < p->nmarkets; i++) {
        sim_pmarket *m = &p->markets[i];
        if (m->fair_q != q || m->closed) continue;
        changes c = {.n = 0};
        requote_market(m, quote_of(p, m), &p->rng, &c);
        publish(p, i, &c);
    }
}

void sim_poly_tick(sim_poly *p, int moved) {
    if (!p->nmarkets) return;
    if (moved >= 0) requote_question(p, moved);
    p->next_requote = (p->next_requote + 1) % p->nmarkets;
    requote_question(p, p->markets[p->next_requote].fair_q);
    churn(p);
}

void sim_poly_overshoot(sim_poly *p, int market, pm_px_t offset, int ticks) {
    sim_question *s = &p->prices->q[p->markets[market].fair_q];
    s->poly_offset = offset;
    s->poly_offset_ticks = ticks;
    s->poly_lag_ticks = 0;
    requote_question(p, p->markets[market].fair_q);
}

/* Withdraws the market maker from a market that closed (see the close_market fault). */
void sim_poly_close_market(sim_poly *p, int market) {
    sim_pmarket *m = &p->markets[market];
    m->closed = 1;
    m->accepting_orders = 0;
    changes c = {.n = 0};
    for (int s = PM_BID; s <= PM_ASK; s++) {
        pm_book_side *mine = side_of(&m->mm, (pm_book_side_kind)s);
        for (int i = mine->n - 1; i >= 0; i--) mm_change(m, (pm_book_side_kind)s, mine->lv[i].px, -mine->lv[i].qty, &c);
    }
    publish(p, market, &c);
    sim_poly_ws_resolved(p, market);
}

/* A tick size change (the tick_size_change fault): the market maker's levels off the new
 * grid are withdrawn and the channel announces the change. */
int sim_poly_change_tick(sim_poly *p, int market, pm_px_t tick) {
    sim_pmarket *m = &p->markets[market];
    if (tick <= 0 || PM_PX_ONE % tick) return -1;
    pm_px_t old = m->tick;
    m->tick = tick;
    changes c = {.n = 0};
    for (int s = PM_BID; s <= PM_ASK; s++) {
        pm_book_side *mine = side_of(&m->mm, (pm_book_side_kind)s);
        for (int i = mine->n - 1; i >= 0; i--)
            if (mine->lv[i].px % tick) mm_change(m, (pm_book_side_kind)s, mine->lv[i].px, -mine->lv[i].qty, &c);
    }
    if (!m->closed) requote_market(m, quote_of(p, m), &p->rng, &c);
    m->book_ts_ms = pm_wall_ns() / 1000000;
    sim_poly_ws_tick_size(p, market, old);
    return 0;
}
