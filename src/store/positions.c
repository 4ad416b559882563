/* positions.c — typed reads of positions and of the approved pairs' market outcomes (see
 * positions.h). */
#include "store/positions.h"

#include <stdio.h>
#include <string.h>

static const char sql_list[] =
    "SELECT venue, market_id, outcome, mode, qty, cost, realized_pnl, updated_ns FROM positions"
    " WHERE mode = ?1 ORDER BY venue, market_id, outcome";

static const char sql_get[] =
    "SELECT venue, market_id, outcome, mode, qty, cost, realized_pnl, updated_ns FROM positions"
    " WHERE venue = ?1 AND market_id = ?2 AND outcome = ?3 AND mode = ?4";

static const char *mode_name(int live) { return live ? "live" : "paper"; }

static const char *col_text(sqlite3_stmt *st, int c) {
    const char *s = (const char *)sqlite3_column_text(st, c);
    return s ? s : "";
}

static int row_from(sqlite3_stmt *st, pm_position_row *p, pm_err *err) {
    memset(p, 0, sizeof *p);
    const char *market = col_text(st, 1);
    if (pm_venue_parse(col_text(st, 0), &p->venue) || pm_outcome_parse(col_text(st, 2), &p->outcome))
        return pm_err_set(err, "positions: unreadable row for market '%.96s'", market);
    if (strlen(market) >= sizeof p->market_id)
        return pm_err_set(err, "positions: market id '%.40s…' longer than %zu characters", market,
                          sizeof p->market_id - 1);
    memcpy(p->market_id, market, strlen(market) + 1);
    p->live = !strcmp(col_text(st, 3), "live");
    p->qty = sqlite3_column_int64(st, 4);
    p->cost = sqlite3_column_int64(st, 5);
    p->realized_pnl = sqlite3_column_int64(st, 6);
    p->updated_ns = sqlite3_column_int64(st, 7);
    return 0;
}

int pm_store_list_positions(pm_db *db, int live, pm_position_cb cb, void *ctx, pm_err *err) {
    sqlite3_stmt *st = pm_db_stmt(db, sql_list, err);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, mode_name(live), -1, SQLITE_STATIC);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        pm_position_row p;
        if (row_from(st, &p, err)) {
            sqlite3_reset(st);
            return -1;
        }
        stop = cb(ctx, &p);
    }
    if (!stop && rc != SQLITE_DONE) return pm_db_fail(db, "listing positions", err);
    sqlite3_reset(st);
    return stop;
}

int pm_store_get_position(pm_db *db, pm_venue venue, const char *market_id, pm_outcome outcome, int live,
                          pm_position_row *out, pm_err *err) {
    sqlite3_stmt *st = pm_db_stmt(db, sql_get, err);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, pm_venue_name(venue), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, market_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, pm_outcome_name(outcome), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, mode_name(live), -1, SQLITE_STATIC);
    int rc = sqlite3_step(st), found = 0;
    if (rc == SQLITE_ROW) found = row_from(st, out, err) ? -1 : 1;
    else if (rc != SQLITE_DONE) found = pm_db_fail(db, "reading a position", err);
    sqlite3_reset(st);
    return found;
}

#define APPROVED_PAIRS                                                                                   \
    " FROM market_matches x JOIN markets k ON k.id = x.kalshi_market_id"                                 \
    " JOIN markets p ON p.id = x.polymarket_market_id"                                                  \
    " WHERE x.status = 'approved' AND k.status = 'active' AND p.status = 'active'"

static const char sql_legs[] =
    "SELECT 'kalshi', k.platform_market_id, 'yes'" APPROVED_PAIRS
    " UNION SELECT 'kalshi', k.platform_market_id, 'no'" APPROVED_PAIRS
    " UNION SELECT 'polymarket', p.outcome_yes_id, 'yes'" APPROVED_PAIRS " AND p.outcome_yes_id IS NOT NULL"
    " UNION SELECT 'polymarket', p.outcome_no_id, 'no'" APPROVED_PAIRS " AND p.outcome_no_id IS NOT NULL"
    " ORDER BY 1, 2, 3";

int pm_store_list_approved_legs(pm_db *db, pm_pair_leg_cb cb, void *ctx, pm_err *err) {
    sqlite3_stmt *st = pm_db_stmt(db, sql_legs, err);
    if (!st) return -1;
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        pm_pair_leg_id leg;
        pm_venue_parse(col_text(st, 0), &leg.venue);
        pm_outcome_parse(col_text(st, 2), &leg.outcome);
        leg.market_id = col_text(st, 1);
        stop = cb(ctx, &leg);
    }
    if (!stop && rc != SQLITE_DONE) return pm_db_fail(db, "listing the approved pairs' markets", err);
    sqlite3_reset(st);
    return stop;
}
