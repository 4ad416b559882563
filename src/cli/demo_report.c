/* demo_report.c — the demo's per-period figures and its reconciliation with the venues (see demo_report.h). */
#include "cli/demo_report.h"

#include "config/secrets.h"
#include "core/money.h"
#include "engine/reconcile.h"
#include "venue/kalshi/exec.h"
#include "venue/polymarket/exec.h"

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

/* PnL by pair: the trade_done events' locked PnL (hedged contracts × $1 − their cash).
 * Columns: Kalshi ticker, Polymarket question, trades, PnL. */
static const char pnl_sql[] =
    "SELECT k.platform_market_id, p.title, COUNT(*), SUM(json_extract(e.detail, '$.locked_pnl'))"
    "  FROM events e JOIN market_matches m ON m.id = e.match_id"
    "  JOIN markets k ON k.id = m.kalshi_market_id JOIN markets p ON p.id = m.polymarket_market_id"
    "  WHERE e.kind = 'trade_done' AND e.id > ?1 AND e.id <= ?2 GROUP BY m.id ORDER BY 4 DESC, 1";

json_t *pm_demo_period(pm_db *db, const pm_demo_marks *from, const pm_demo_marks *to, pm_err *err) {
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
             query(db, pnl_sql, ev, 2, pnl_row, &pairs, err);
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
                     "locked: hedged contracts x $1 - their cash");
}

/* ---- the venues ---- */

static void close_venues(pm_exec_venue *v[PM_VENUE_COUNT]) {
    for (int i = 0; i < PM_VENUE_COUNT; i++) {
        pm_exec_free(v[i]);
        v[i] = NULL;
    }
}

/* Both venues' exec adapters, as the executors and the reconciler use them. */
static int open_venues(const pm_config *cfg, kalshi_auth *auth, pm_exec_venue *v[PM_VENUE_COUNT], pm_err *err) {
    pm_secrets s;
    pm_secrets_load(&s);
    v[PM_VENUE_KALSHI] = v[PM_VENUE_POLYMARKET] = NULL;
    if (kalshi_exec_new(cfg, auth, 0, &v[PM_VENUE_KALSHI], err) ||
        poly_exec_new(cfg, &s, 0, &v[PM_VENUE_POLYMARKET], err)) {
        close_venues(v);
        return -1;
    }
    return 0;
}

int pm_demo_read_cash(const pm_config *cfg, kalshi_auth *auth, pm_demo_cash *out, pm_err *err) {
    pm_exec_venue *v[PM_VENUE_COUNT];
    if (open_venues(cfg, auth, v, err)) return -1;
    int rc = pm_exec_balance(v[PM_VENUE_KALSHI], &out->kalshi, err) ||
             pm_exec_balance(v[PM_VENUE_POLYMARKET], &out->polymarket, err);
    close_venues(v);
    return rc ? pm_err_wrap(err, "the venues' balances") : 0;
}

static void cash_total(void *ctx, sqlite3_stmt *st) {
    pm_demo_cash *c = ctx;
    const char *venue = (const char *)sqlite3_column_text(st, 0);
    if (venue && !strcmp(venue, "kalshi")) c->kalshi = sqlite3_column_int64(st, 1);
    else if (venue) c->polymarket = sqlite3_column_int64(st, 1);
}

/* A venue's cash both ways; a difference is appended to diffs. */
static json_t *cash_section(const char *name, int64_t before, int64_t spent, int64_t now, json_t *diffs, int *ok) {
    int64_t expected = before - spent;
    if (expected != now) {
        *ok = 0;
        json_array_append_new(diffs, json_pack("{s:s, s:s, s:o, s:o}", "venue", name, "what", "cash", "ours",
                                               pm_demo_money(expected), "theirs", pm_demo_money(now)));
    }
    return json_pack("{s:o, s:o, s:o, s:o}", "cash_before", pm_demo_money(before), "cash_spent", pm_demo_money(spent),
                     "cash_pmarb", pm_demo_money(expected), "cash_venue", pm_demo_money(now));
}

static void held_count(void *ctx, sqlite3_stmt *st) {
    const char *venue = (const char *)sqlite3_column_text(st, 0);
    if (venue) json_object_set_new(ctx, venue, json_integer(sqlite3_column_int64(st, 1)));
}

int pm_demo_reconcile(pm_db *db, const pm_config *cfg, kalshi_auth *auth, const pm_demo_cash *before, json_t **out,
                      pm_err *err) {
    pm_demo_cash spent = {0, 0};
    static pm_recon r; /* large: kept off the stack */
    pm_exec_venue *v[PM_VENUE_COUNT];
    json_t *held = json_object();
    int rc = query(db, "SELECT venue, SUM(cash) FROM orders WHERE mode = 'live' GROUP BY venue", NULL, 0, cash_total,
                   &spent, err) ||
             query(db, "SELECT venue, COUNT(*) FROM positions WHERE mode = 'live' AND qty != 0 GROUP BY venue", NULL, 0,
                   held_count, held, err);
    if (rc == 0 && open_venues(cfg, auth, v, err) == 0) {
        rc = pm_reconcile(db, v, &r, err);
        close_venues(v);
    } else {
        rc = -1;
    }
    if (rc) {
        json_decref(held);
        return -1;
    }
    int ok = r.ndiffs_total == 0;
    json_t *diffs = json_array();
    for (size_t i = 0; i < r.ndiffs; i++) json_array_append_new(diffs, pm_recon_diff_json(&r.diff[i]));
    json_t *k = cash_section("kalshi", before->kalshi, spent.kalshi, r.venue_cash[PM_VENUE_KALSHI], diffs, &ok);
    json_t *p = cash_section("polymarket", before->polymarket, spent.polymarket, r.venue_cash[PM_VENUE_POLYMARKET], diffs,
                             &ok);
    json_object_set_new(k, "positions_held", json_integer(json_integer_value(json_object_get(held, "kalshi"))));
    json_object_set_new(p, "positions_held", json_integer(json_integer_value(json_object_get(held, "polymarket"))));
    json_decref(held);
    *out = json_pack("{s:b, s:o, s:o, s:{s:I, s:I}, s:o}", "reconciled", ok, "kalshi", k, "polymarket", p, "positions",
                     "checked", (json_int_t)r.checked, "differ", (json_int_t)r.ndiffs_total, "differences", diffs);
    return ok;
}
