/* records.c — typed inserts of the trading records (see records.h). */
#include "store/records.h"

#include <stdio.h>

static const char *const kind_names[] = {"opportunity", "order", "order_update", "fill", "position", "event", "pair_halt"};

const char *pm_rec_kind_name(pm_rec_kind k) { return (unsigned)k < 6 ? kind_names[k] : "invalid"; }

/* Optional text: an empty string is stored as NULL. */
static void bind_opt(sqlite3_stmt *st, int i, const char *s) {
    if (s[0]) sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else sqlite3_bind_null(st, i);
}

/* v, or NULL when the column does not apply (a same-venue opportunity's other venue). */
static void bind_int_if(sqlite3_stmt *st, int i, int64_t v, int applies) {
    if (applies) sqlite3_bind_int64(st, i, v);
    else sqlite3_bind_null(st, i);
}

static void bind_str(sqlite3_stmt *st, int i, const char *s) { sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC); }

static const char *mode(int live) { return live ? "live" : "paper"; }

static const char sql_opportunity[] =
    "INSERT INTO opportunities (id, ts_ns, match_id, direction, kalshi_ticker, polymarket_token_id, qty,"
    " kalshi_price, polymarket_price, kalshi_cost, polymarket_cost, kalshi_fee, polymarket_fee,"
    " expected_profit, annualized_bps, kalshi_book_age_us, polymarket_book_age_us, mode, decision, reason)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)";

static sqlite3_stmt *opportunity(pm_db *db, const pm_rec_opportunity *o, pm_err *err) {
    sqlite3_stmt *st = pm_db_stmt(db, sql_opportunity, err);
    if (!st) return NULL;
    bind_str(st, 1, o->id);
    sqlite3_bind_int64(st, 2, o->ts_ns);
    bind_str(st, 3, o->match_id);
    int k = !o->same_venue || o->kalshi_ticker[0], p = !o->same_venue || !o->kalshi_ticker[0];
    bind_str(st, 4, o->same_venue ? (k ? "kalshi_same" : "polymarket_same")
                                  : o->kalshi_outcome == PM_OUTCOME_YES ? "kalshi_yes" : "kalshi_no");
    bind_opt(st, 5, k ? o->kalshi_ticker : "");
    bind_opt(st, 6, p ? o->polymarket_token_id : "");
    sqlite3_bind_int64(st, 7, o->qty);
    bind_int_if(st, 8, o->kalshi_price, k);
    bind_int_if(st, 9, o->polymarket_price, p);
    bind_int_if(st, 10, o->kalshi_cost, k);
    bind_int_if(st, 11, o->polymarket_cost, p);
    bind_int_if(st, 12, o->kalshi_fee, k);
    bind_int_if(st, 13, o->polymarket_fee, p);
    sqlite3_bind_int64(st, 14, o->expected_profit);
    pm_db_bind_int_or_null(st, 15, o->annualized_bps, -1);
    pm_db_bind_int_or_null(st, 16, k ? o->kalshi_book_age_us : -1, -1);
    pm_db_bind_int_or_null(st, 17, p ? o->polymarket_book_age_us : -1, -1);
    bind_str(st, 18, mode(o->live));
    bind_str(st, 19, o->decision);
    bind_opt(st, 20, o->reason);
    return st;
}

static const char sql_order[] =
    "INSERT INTO orders (id, venue, client_order_id, venue_order_id, opportunity_id, match_id, role,"
    " market_id, side, outcome, price, qty, tif, mode, status, created_ns, sent_ns, updated_ns)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?16)"
    " ON CONFLICT (id) DO NOTHING"; /* recorded again from the order journal after a crash: kept once */

static sqlite3_stmt *order(pm_db *db, const pm_rec_order *o, pm_err *err) {
    sqlite3_stmt *st = pm_db_stmt(db, sql_order, err);
    if (!st) return NULL;
    bind_str(st, 1, o->id);
    bind_str(st, 2, pm_venue_name(o->venue));
    bind_str(st, 3, o->client_order_id);
    bind_opt(st, 4, o->venue_order_id);
    bind_opt(st, 5, o->opportunity_id);
    bind_opt(st, 6, o->match_id);
    bind_str(st, 7, o->role);
    bind_str(st, 8, o->market_id);
    bind_str(st, 9, pm_side_name(o->side));
    bind_str(st, 10, pm_outcome_name(o->outcome));
    sqlite3_bind_int64(st, 11, o->price);
    sqlite3_bind_int64(st, 12, o->qty);
    bind_str(st, 13, o->tif);
    bind_str(st, 14, mode(o->live));
    bind_str(st, 15, o->status);
    sqlite3_bind_int64(st, 16, o->created_ns);
    pm_db_bind_int_or_null(st, 17, o->sent_ns, 0);
    return st;
}

static const char sql_order_update[] =
    "UPDATE orders SET status = ?2, venue_order_id = COALESCE(?3, venue_order_id), filled_qty = ?4,"
    " avg_price = COALESCE(?5, avg_price), fee = ?6, error = COALESCE(?7, error),"
    " sent_ns = COALESCE(?8, sent_ns), updated_ns = ?9, delivered_qty = ?10, cash = ?11,"
    " client_order_id = COALESCE(?12, client_order_id) WHERE id = ?1";

static sqlite3_stmt *order_update(pm_db *db, const pm_rec_order_update *u, pm_err *err) {
    sqlite3_stmt *st = pm_db_stmt(db, sql_order_update, err);
    if (!st) return NULL;
    bind_str(st, 1, u->id);
    bind_str(st, 2, u->status);
    bind_opt(st, 3, u->venue_order_id);
    sqlite3_bind_int64(st, 4, u->filled_qty);
    pm_db_bind_int_or_null(st, 5, u->avg_price, -1);
    sqlite3_bind_int64(st, 6, u->fee);
    bind_opt(st, 7, u->error);
    pm_db_bind_int_or_null(st, 8, u->sent_ns, 0);
    sqlite3_bind_int64(st, 9, u->updated_ns);
    sqlite3_bind_int64(st, 10, u->delivered_qty);
    sqlite3_bind_int64(st, 11, u->cash);
    bind_opt(st, 12, u->client_order_id);
    return st;
}

static const char sql_fill[] =
    "INSERT INTO fills (venue, venue_fill_id, order_id, venue_order_id, market_id, side, outcome, price,"
    " qty, qty_delivered, fee, is_taker, source, ts_ns, received_ns)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
    " ON CONFLICT (venue, venue_fill_id) DO NOTHING";

static sqlite3_stmt *fill(pm_db *db, const pm_rec_fill *f, pm_err *err) {
    sqlite3_stmt *st = pm_db_stmt(db, sql_fill, err);
    if (!st) return NULL;
    bind_str(st, 1, pm_venue_name(f->venue));
    bind_str(st, 2, f->venue_fill_id);
    bind_opt(st, 3, f->order_id);
    bind_opt(st, 4, f->venue_order_id);
    bind_str(st, 5, f->market_id);
    bind_str(st, 6, pm_side_name(f->side));
    bind_str(st, 7, pm_outcome_name(f->outcome));
    sqlite3_bind_int64(st, 8, f->price);
    sqlite3_bind_int64(st, 9, f->qty);
    sqlite3_bind_int64(st, 10, f->qty_delivered);
    sqlite3_bind_int64(st, 11, f->fee);
    sqlite3_bind_int(st, 12, f->is_taker ? 1 : 0);
    bind_str(st, 13, f->source);
    sqlite3_bind_int64(st, 14, f->ts_ns);
    sqlite3_bind_int64(st, 15, f->received_ns);
    return st;
}

static const char sql_position[] =
    "INSERT INTO positions (venue, market_id, outcome, mode, qty, cost, realized_pnl, updated_ns)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
    " ON CONFLICT (venue, market_id, outcome, mode) DO UPDATE SET qty = excluded.qty,"
    " cost = excluded.cost, realized_pnl = excluded.realized_pnl, updated_ns = excluded.updated_ns";

static sqlite3_stmt *position(pm_db *db, const pm_rec_position *p, pm_err *err) {
    sqlite3_stmt *st = pm_db_stmt(db, sql_position, err);
    if (!st) return NULL;
    bind_str(st, 1, pm_venue_name(p->venue));
    bind_str(st, 2, p->market_id);
    bind_str(st, 3, pm_outcome_name(p->outcome));
    bind_str(st, 4, mode(p->live));
    sqlite3_bind_int64(st, 5, p->qty);
    sqlite3_bind_int64(st, 6, p->cost);
    sqlite3_bind_int64(st, 7, p->realized_pnl);
    sqlite3_bind_int64(st, 8, p->updated_ns);
    return st;
}

static const char sql_event[] =
    "INSERT INTO events (ts_ns, level, kind, match_id, order_id, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

static sqlite3_stmt *event(pm_db *db, const pm_rec_event *e, pm_err *err) {
    sqlite3_stmt *st = pm_db_stmt(db, sql_event, err);
    if (!st) return NULL;
    sqlite3_bind_int64(st, 1, e->ts_ns);
    bind_str(st, 2, e->level);
    bind_str(st, 3, e->kind);
    bind_opt(st, 4, e->match_id);
    bind_opt(st, 5, e->order_id);
    bind_opt(st, 6, e->detail);
    return st;
}

static const char sql_pair_halt[] = "INSERT INTO pair_halts (match_id, reason, created_ns) VALUES (?1, ?2, ?3)";

static sqlite3_stmt *pair_halt(pm_db *db, const pm_rec_pair_halt *h, pm_err *err) {
    sqlite3_stmt *st = pm_db_stmt(db, sql_pair_halt, err);
    if (!st) return NULL;
    bind_str(st, 1, h->match_id);
    bind_str(st, 2, h->reason);
    sqlite3_bind_int64(st, 3, h->created_ns);
    return st;
}

int pm_store_write_record(pm_db *db, const pm_record *r, int *inserted, pm_err *err) {
    sqlite3_stmt *st;
    switch (r->kind) {
    case PM_REC_OPPORTUNITY: st = opportunity(db, &r->u.opportunity, err); break;
    case PM_REC_ORDER: st = order(db, &r->u.order, err); break;
    case PM_REC_ORDER_UPDATE: st = order_update(db, &r->u.order_update, err); break;
    case PM_REC_FILL: st = fill(db, &r->u.fill, err); break;
    case PM_REC_POSITION: st = position(db, &r->u.position, err); break;
    case PM_REC_EVENT: st = event(db, &r->u.event, err); break;
    case PM_REC_PAIR_HALT: st = pair_halt(db, &r->u.pair_halt, err); break;
    default: return pm_err_set(err, "unknown record kind %d", (int)r->kind);
    }
    if (!st) return -1;
    char what[48];
    snprintf(what, sizeof what, "writing %s", pm_rec_kind_name(r->kind));
    if (pm_db_exec_stmt(db, st, what, err)) return -1;
    int changed = sqlite3_changes(pm_db_handle(db));
    if (r->kind == PM_REC_ORDER_UPDATE && changed == 0)
        return pm_err_set(err, "order update for unknown order %s", r->u.order_update.id);
    if (inserted) *inserted = changed > 0;
    return 0;
}
