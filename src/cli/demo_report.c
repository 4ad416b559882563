/* demo_report.c — the demo's per-period figures and its reconciliation with the venues (see demo_report.h). */
#include "cli/demo_report.h"

#include "config/secrets.h"
#include "core/money.h"
#include "store/matches.h"
#include "venue/kalshi/rest.h"
#include "venue/kalshi/trading.h"
#include "venue/polymarket/clob_api.h"
#include "venue/polymarket/wallet.h"

#include <openssl/crypto.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *pm_demo_money(int64_t v) {
    char buf[PM_FIXED_BUF];
    pm_fixed_format_exact(v, 2, buf, sizeof buf);
    return json_string(buf);
}

static int db_fail(sqlite3 *h, pm_err *err) { return pm_err_set(err, "database: %s", sqlite3_errmsg(h)); }

/* Runs sql (with ?1..?n bound to the int64 values) and calls row for each result row. */
static int query(pm_db *db, const char *sql, const int64_t *args, int nargs, void (*row)(void *ctx, sqlite3_stmt *st),
                 void *ctx, pm_err *err) {
    sqlite3 *h = pm_db_handle(db);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) return db_fail(h, err);
    for (int i = 0; i < nargs; i++) sqlite3_bind_int64(st, i + 1, args[i]);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) row(ctx, st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : db_fail(h, err);
}

static void one_int(void *ctx, sqlite3_stmt *st) { *(int64_t *)ctx = sqlite3_column_int64(st, 0); }

int pm_demo_mark(pm_db *db, pm_demo_marks *m, pm_err *err) {
    return query(db, "SELECT COALESCE(MAX(rowid), 0) FROM opportunities", NULL, 0, one_int, &m->opportunities, err) ||
                   query(db, "SELECT COALESCE(MAX(rowid), 0) FROM orders", NULL, 0, one_int, &m->orders, err) ||
                   query(db, "SELECT COALESCE(MAX(rowid), 0) FROM fills", NULL, 0, one_int, &m->fills, err) ||
                   query(db, "SELECT COALESCE(MAX(id), 0) FROM events", NULL, 0, one_int, &m->events, err)
               ? -1
               : 0;
}

/* Rows "key, count" into an object {key: count}. */
static void count_into(void *ctx, sqlite3_stmt *st) {
    const char *k = (const char *)sqlite3_column_text(st, 0);
    json_object_set_new(ctx, k ? k : "?", json_integer(sqlite3_column_int64(st, 1)));
}

typedef struct pnl {
    json_t *pairs;
    int64_t total;
} pnl;

static void pnl_row(void *ctx, sqlite3_stmt *st) {
    pnl *x = ctx;
    const char *k = (const char *)sqlite3_column_text(st, 0), *p = (const char *)sqlite3_column_text(st, 1);
    int64_t v = sqlite3_column_int64(st, 3);
    x->total += v;
    json_array_append_new(x->pairs, json_pack("{s:s, s:s, s:I, s:o}", "kalshi", k ? k : "?", "polymarket", p ? p : "?",
                                              "trades", (json_int_t)sqlite3_column_int64(st, 2), "pnl", pm_demo_money(v)));
}

/* PnL by pair: live, the trade_done events' locked PnL; paper, the traded opportunities'
 * expected profit. Columns: Kalshi ticker, Polymarket question, trades, PnL. */
static const char pnl_live_sql[] =
    "SELECT k.platform_market_id, p.title, COUNT(*), SUM(json_extract(e.detail, '$.locked_pnl'))"
    "  FROM events e JOIN market_matches m ON m.id = e.match_id"
    "  JOIN markets k ON k.id = m.kalshi_market_id JOIN markets p ON p.id = m.polymarket_market_id"
    "  WHERE e.kind = 'trade_done' AND e.id > ?1 AND e.id <= ?2 GROUP BY m.id ORDER BY 4 DESC, 1";
static const char pnl_paper_sql[] =
    "SELECT k.platform_market_id, p.title, COUNT(*), SUM(o.expected_profit)"
    "  FROM opportunities o JOIN market_matches m ON m.id = o.match_id"
    "  JOIN markets k ON k.id = m.kalshi_market_id JOIN markets p ON p.id = m.polymarket_market_id"
    "  WHERE o.decision = 'traded' AND o.mode = 'paper' AND o.rowid > ?1 AND o.rowid <= ?2"
    "  GROUP BY m.id ORDER BY 4 DESC, 1";

json_t *pm_demo_period(pm_db *db, const pm_demo_marks *from, const pm_demo_marks *to, int live, pm_err *err) {
    int64_t opp[2] = {from->opportunities, to->opportunities}, ord[2] = {from->orders, to->orders},
            fil[2] = {from->fills, to->fills}, ev[2] = {from->events, to->events};
    json_t *decisions = json_object(), *by_status = json_object(), *by_venue = json_object(), *by_role = json_object(),
           *resolutions = json_object();
    pnl pairs = {json_array(), 0};
    int64_t fills = 0, fills_by_ws = 0, one_legged = 0;
    int rc = query(db, "SELECT decision, COUNT(*) FROM opportunities WHERE rowid > ?1 AND rowid <= ?2 GROUP BY 1", opp,
                   2, count_into, decisions, err) ||
             query(db, "SELECT status, COUNT(*) FROM orders WHERE rowid > ?1 AND rowid <= ?2 GROUP BY 1", ord, 2,
                   count_into, by_status, err) ||
             query(db, "SELECT venue, COUNT(*) FROM orders WHERE rowid > ?1 AND rowid <= ?2 GROUP BY 1", ord, 2,
                   count_into, by_venue, err) ||
             query(db, "SELECT role, COUNT(*) FROM orders WHERE rowid > ?1 AND rowid <= ?2 GROUP BY 1", ord, 2,
                   count_into, by_role, err) ||
             query(db, "SELECT COUNT(*) FROM fills WHERE rowid > ?1 AND rowid <= ?2", fil, 2, one_int, &fills, err) ||
             query(db, "SELECT COUNT(*) FROM fills WHERE rowid > ?1 AND rowid <= ?2 AND source = 'ws'", fil, 2, one_int,
                   &fills_by_ws, err) ||
             query(db, "SELECT COUNT(*) FROM events WHERE kind = 'leg_mismatch' AND id > ?1 AND id <= ?2", ev, 2,
                   one_int, &one_legged, err) ||
             query(db,
                   "SELECT kind, COUNT(*) FROM events WHERE kind IN ('hedge', 'unwind', 'residual_dust',"
                   " 'residual_unresolved', 'pair_cooldown', 'pair_halted') AND id > ?1 AND id <= ?2 GROUP BY 1",
                   ev, 2, count_into, resolutions, err) ||
             query(db, live ? pnl_live_sql : pnl_paper_sql, live ? ev : opp, 2, pnl_row, &pairs, err);
    if (rc) {
        json_decref(decisions), json_decref(by_status), json_decref(by_venue), json_decref(by_role);
        json_decref(resolutions), json_decref(pairs.pairs);
        return NULL;
    }
    int64_t orders = 0;
    const char *k;
    json_t *v;
    json_object_foreach(by_venue, k, v) orders += json_integer_value(v);
    return json_pack("{s:o, s:{s:I, s:o, s:o, s:o}, s:{s:I, s:I}, s:{s:I, s:o}, s:o, s:o, s:s}", "opportunities",
                     decisions, "orders", "total", (json_int_t)orders, "by_status", by_status, "by_venue", by_venue,
                     "by_role", by_role, "fills", "total", (json_int_t)fills, "from_user_channel", (json_int_t)fills_by_ws,
                     "one_legged", "trades", (json_int_t)one_legged, "resolutions", resolutions, "pnl_total",
                     pm_demo_money(pairs.total), "pnl_by_pair", pairs.pairs, "pnl_basis",
                     live ? "locked: hedged contracts x $1 - their cash" : "expected profit (paper)");
}

/* ---- the venues ---- */

typedef struct poly_conn {
    poly_rest rest;
    int open;
    int sig_type;
} poly_conn;

static int poly_connect(const pm_config *cfg, poly_conn *c, pm_err *err) {
    pm_secrets s;
    pm_secrets_load(&s);
    const char *key = s.value[PM_SECRET_POLY_PRIVATE_KEY];
    if (!key || !s.value[PM_SECRET_POLY_API_KEY] || !s.value[PM_SECRET_POLY_API_SECRET] ||
        !s.value[PM_SECRET_POLY_API_PASSPHRASE])
        return pm_err_set(err, "the Polymarket credentials are not set");
    poly_wallet *w;
    if (poly_wallet_new(key, &w, err)) return -1;
    uint8_t addr[20];
    poly_wallet_address(w, addr);
    poly_wallet_free(w);
    if (poly_rest_init(&c->rest, cfg->polymarket.clob_url, (uint64_t)cfg->polymarket.chain_id, cfg->polymarket.timeout_ms,
                       err))
        return -1;
    poly_creds creds;
    memset(&creds, 0, sizeof creds);
    snprintf(creds.key, sizeof creds.key, "%s", s.value[PM_SECRET_POLY_API_KEY]);
    snprintf(creds.secret, sizeof creds.secret, "%s", s.value[PM_SECRET_POLY_API_SECRET]);
    snprintf(creds.passphrase, sizeof creds.passphrase, "%s", s.value[PM_SECRET_POLY_API_PASSPHRASE]);
    poly_rest_set_creds(&c->rest, &creds, addr);
    OPENSSL_cleanse(&creds, sizeof creds);
    c->open = 1;
    c->sig_type = cfg->polymarket.signature_type;
    return 0;
}

static void poly_disconnect(poly_conn *c) {
    if (c->open) poly_rest_close(&c->rest);
    c->open = 0;
}

static int poly_balance_of(poly_conn *c, const char *token, int64_t *out, pm_err *err) {
    poly_balance b;
    if (poly_get_balance_allowance(&c->rest, token ? "CONDITIONAL" : "COLLATERAL", token, c->sig_type, &b, err))
        return -1;
    *out = b.balance;
    return 0;
}

int pm_demo_read_cash(const pm_config *cfg, kalshi_auth *auth, pm_demo_cash *out, pm_err *err) {
    kalshi_rest k;
    int rc = kalshi_rest_init(&k, pm_config_kalshi_rest_url(cfg), cfg->kalshi.tier, cfg->kalshi.timeout_ms, auth, err);
    if (rc == 0) {
        rc = kalshi_get_balance(&k, &out->kalshi, err);
        kalshi_rest_close(&k);
    }
    if (rc) return pm_err_wrap(err, "Kalshi balance");
    poly_conn p = {0};
    rc = poly_connect(cfg, &p, err) || poly_balance_of(&p, NULL, &out->polymarket, err);
    poly_disconnect(&p);
    return rc ? pm_err_wrap(err, "Polymarket balance") : 0;
}

/* One market outcome as pmarb and the venue see it. */
typedef struct holding {
    char market[96];
    int64_t ours, venue;
} holding;

typedef struct holdings {
    holding *v;
    size_t n, cap;
    int failed;
} holdings;

static holding *holding_at(holdings *h, const char *market) {
    for (size_t i = 0; i < h->n; i++)
        if (!strcmp(h->v[i].market, market)) return &h->v[i];
    if (h->n == h->cap) {
        size_t cap = h->cap ? 2 * h->cap : 64;
        holding *g = realloc(h->v, cap * sizeof *g);
        if (!g) {
            h->failed = 1;
            return NULL;
        }
        h->v = g, h->cap = cap;
    }
    holding *x = &h->v[h->n++];
    memset(x, 0, sizeof *x);
    snprintf(x->market, sizeof x->market, "%s", market);
    return x;
}

typedef struct both {
    holdings k, p;
} both;

/* Positions rows (venue, market, outcome, qty): Kalshi nets YES − NO per ticker (as the venue
 * reports it), Polymarket holds per token. */
static void our_position(void *ctx, sqlite3_stmt *st) {
    both *b = ctx;
    const char *venue = (const char *)sqlite3_column_text(st, 0), *market = (const char *)sqlite3_column_text(st, 1),
               *outcome = (const char *)sqlite3_column_text(st, 2);
    if (!venue || !market || !outcome) return;
    int kalshi = !strcmp(venue, "kalshi");
    holding *x = holding_at(kalshi ? &b->k : &b->p, market);
    if (!x) return;
    int64_t q = sqlite3_column_int64(st, 3);
    x->ours += kalshi && !strcmp(outcome, "no") ? -q : q;
}

static int add_pair_markets(void *ctx, const pm_match_row *r) {
    both *b = ctx;
    if (r->kalshi.platform_market_id) holding_at(&b->k, r->kalshi.platform_market_id);
    if (r->polymarket.outcome_yes_id) holding_at(&b->p, r->polymarket.outcome_yes_id);
    if (r->polymarket.outcome_no_id) holding_at(&b->p, r->polymarket.outcome_no_id);
    return b->k.failed || b->p.failed;
}

static int kalshi_position_cb(void *ctx, const kalshi_position *p) {
    holding *x = holding_at(ctx, p->ticker);
    if (x) x->venue = p->position;
    return x ? 0 : 1;
}

static int venue_holdings(const pm_config *cfg, kalshi_auth *auth, both *b, pm_err *err) {
    kalshi_rest k;
    int rc = kalshi_rest_init(&k, pm_config_kalshi_rest_url(cfg), cfg->kalshi.tier, cfg->kalshi.timeout_ms, auth, err);
    if (rc == 0) {
        rc = kalshi_get_positions(&k, kalshi_position_cb, &b->k, err);
        kalshi_rest_close(&k);
    }
    if (rc) return pm_err_wrap(err, "Kalshi positions");
    poly_conn p = {0};
    rc = poly_connect(cfg, &p, err);
    for (size_t i = 0; rc == 0 && i < b->p.n; i++) rc = poly_balance_of(&p, b->p.v[i].market, &b->p.v[i].venue, err);
    poly_disconnect(&p);
    return rc ? pm_err_wrap(err, "Polymarket token balances") : 0;
}

static void cash_total(void *ctx, sqlite3_stmt *st) {
    pm_demo_cash *c = ctx;
    const char *venue = (const char *)sqlite3_column_text(st, 0);
    if (venue && !strcmp(venue, "kalshi")) c->kalshi = sqlite3_column_int64(st, 1);
    else if (venue) c->polymarket = sqlite3_column_int64(st, 1);
}

/* The venue's section: cash both ways, holdings compared; differences appended. */
static json_t *venue_section(const char *name, int64_t before, int64_t spent, int64_t now, const holdings *h, json_t *diffs,
                             int *ok) {
    int64_t expected = before - spent;
    json_t *held = json_object();
    size_t nonzero = 0;
    if (expected != now) {
        *ok = 0;
        json_array_append_new(diffs, json_pack("{s:s, s:s, s:o, s:o}", "venue", name, "what", "cash", "pmarb",
                                               pm_demo_money(expected), "venue_says", pm_demo_money(now)));
    }
    for (size_t i = 0; i < h->n; i++) {
        const holding *x = &h->v[i];
        if (x->ours || x->venue) {
            nonzero++;
            json_object_set_new(held, x->market, pm_demo_money(x->venue));
        }
        if (x->ours != x->venue) {
            *ok = 0;
            json_array_append_new(diffs, json_pack("{s:s, s:s, s:o, s:o}", "venue", name, "market", x->market, "pmarb",
                                                   pm_demo_money(x->ours), "venue_says", pm_demo_money(x->venue)));
        }
    }
    return json_pack("{s:o, s:o, s:o, s:o, s:I, s:I, s:o}", "cash_before", pm_demo_money(before), "cash_spent",
                     pm_demo_money(spent), "cash_pmarb", pm_demo_money(expected), "cash_venue", pm_demo_money(now),
                     "markets_compared", (json_int_t)h->n, "markets_held", (json_int_t)nonzero, "holdings", held);
}

int pm_demo_reconcile(pm_db *db, const pm_config *cfg, kalshi_auth *auth, const pm_demo_cash *before, json_t **out,
                      pm_err *err) {
    both b;
    memset(&b, 0, sizeof b);
    pm_demo_cash spent = {0, 0}, now;
    int rc = query(db, "SELECT venue, market_id, outcome, qty FROM positions WHERE mode = 'live'", NULL, 0, our_position,
                   &b, err) ||
             pm_store_list_approved_pairs(db, add_pair_markets, &b, err) ||
             query(db, "SELECT venue, SUM(cash) FROM orders WHERE mode = 'live' GROUP BY venue", NULL, 0, cash_total,
                   &spent, err);
    if (rc == 0 && (b.k.failed || b.p.failed)) rc = pm_err_set(err, "out of memory");
    if (rc == 0) rc = pm_demo_read_cash(cfg, auth, &now, err) || venue_holdings(cfg, auth, &b, err);
    if (rc == 0 && (b.k.failed || b.p.failed)) rc = pm_err_set(err, "out of memory");
    int ok = 1;
    if (rc == 0) {
        json_t *diffs = json_array();
        json_t *k = venue_section("kalshi", before->kalshi, spent.kalshi, now.kalshi, &b.k, diffs, &ok);
        json_t *p = venue_section("polymarket", before->polymarket, spent.polymarket, now.polymarket, &b.p, diffs, &ok);
        *out = json_pack("{s:b, s:o, s:o, s:o}", "reconciled", ok, "kalshi", k, "polymarket", p, "differences", diffs);
    }
    free(b.k.v);
    free(b.p.v);
    return rc ? -1 : ok;
}
