/* live_orders.c — reading back orders and positions for live trading (see live_orders.h). */
#include "store/live_orders.h"

#include <stdio.h>
#include <string.h>

static void col_text(sqlite3_stmt *st, int i, char *out, size_t cap) {
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(out, cap, "%s", t ? (const char *)t : "");
}

static const char sql_open[] =
    "SELECT id, venue, client_order_id, venue_order_id, opportunity_id, match_id, role, market_id, side, outcome,"
    " price, qty, tif, status, created_ns, sent_ns FROM orders"
    " WHERE mode = 'live' AND status IN ('created','sent','unknown','resting') ORDER BY created_ns";

int pm_store_open_orders(pm_db *db, int (*cb)(void *ctx, const pm_rec_order *o), void *ctx, pm_err *err) {
    sqlite3_stmt *st = pm_db_stmt(db, sql_open, err);
    if (!st) return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        pm_rec_order o;
        memset(&o, 0, sizeof o);
        char text[16];
        col_text(st, 0, o.id, sizeof o.id);
        col_text(st, 1, text, sizeof text);
        if (pm_venue_parse(text, &o.venue)) continue;
        col_text(st, 2, o.client_order_id, sizeof o.client_order_id);
        col_text(st, 3, o.venue_order_id, sizeof o.venue_order_id);
        col_text(st, 4, o.opportunity_id, sizeof o.opportunity_id);
        col_text(st, 5, o.match_id, sizeof o.match_id);
        col_text(st, 6, o.role, sizeof o.role);
        col_text(st, 7, o.market_id, sizeof o.market_id);
        col_text(st, 8, text, sizeof text);
        if (pm_side_parse(text, &o.side)) continue;
        col_text(st, 9, text, sizeof text);
        if (pm_outcome_parse(text, &o.outcome)) continue;
        o.price = sqlite3_column_int64(st, 10);
        o.qty = sqlite3_column_int64(st, 11);
        col_text(st, 12, o.tif, sizeof o.tif);
        col_text(st, 13, o.status, sizeof o.status);
        o.created_ns = sqlite3_column_int64(st, 14);
        o.sent_ns = sqlite3_column_int64(st, 15);
        o.live = 1;
        if (cb(ctx, &o)) break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return pm_db_fail(db, "reading open orders", err);
    return 0;
}

static const char sql_journaled[] =
    "UPDATE orders SET client_order_id = ?2, status = 'sent', sent_ns = ?3 WHERE id = ?1 AND status = 'created'";

static const char sql_opportunity[] = "SELECT 1 FROM opportunities WHERE id = ?1";

int pm_store_order_journaled(pm_db *db, const pm_rec_order *o, pm_err *err) {
    pm_record r = {.kind = PM_REC_ORDER};
    r.u.order = *o;
    sqlite3_stmt *q = o->opportunity_id[0] ? pm_db_stmt(db, sql_opportunity, err) : NULL;
    if (o->opportunity_id[0] && !q) return -1;
    if (q) {
        pm_db_bind_text(q, 1, o->opportunity_id);
        int rc = sqlite3_step(q);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) return pm_db_fail(db, "looking up a journalled order's opportunity", err);
        if (rc == SQLITE_DONE) r.u.order.opportunity_id[0] = '\0'; /* the run stopped before storing it */
    }
    if (pm_store_write_record(db, &r, NULL, err)) return -1;
    sqlite3_stmt *st = pm_db_stmt(db, sql_journaled, err);
    if (!st) return -1;
    pm_db_bind_text(st, 1, o->id);
    pm_db_bind_text(st, 2, o->client_order_id);
    sqlite3_bind_int64(st, 3, o->sent_ns);
    return pm_db_exec_stmt(db, st, "recording a journalled order", err);
}

static const char sql_halted[] = "SELECT DISTINCT match_id FROM pair_halts WHERE cleared_ns IS NULL ORDER BY match_id";

int pm_store_halted_pairs(pm_db *db, int (*cb)(void *ctx, const char *match_id), void *ctx, pm_err *err) {
    sqlite3_stmt *st = pm_db_stmt(db, sql_halted, err);
    if (!st) return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (cb(ctx, (const char *)sqlite3_column_text(st, 0))) break;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return pm_db_fail(db, "reading pair halts", err);
    return 0;
}

static const char sql_clear[] =
    "UPDATE pair_halts SET cleared_ns = ?2, cleared_by = ?3 WHERE match_id = ?1 AND cleared_ns IS NULL";

int pm_store_clear_pair_halt(pm_db *db, const char *match_id, const char *by, int64_t now_ns, int *cleared, pm_err *err) {
    sqlite3_stmt *st = pm_db_stmt(db, sql_clear, err);
    if (!st) return -1;
    pm_db_bind_text(st, 1, match_id);
    sqlite3_bind_int64(st, 2, now_ns);
    pm_db_bind_text(st, 3, by);
    if (pm_db_exec_stmt(db, st, "clearing a pair halt", err)) return -1;
    *cleared = sqlite3_changes(pm_db_handle(db));
    return 0;
}
