/* matches.c — typed queries on market_matches (see matches.h). */
#include "store/matches.h"

#include "util/clock.h"

#include <stdio.h>
#include <string.h>

static const char *const status_names[] = {"pending_review", "approved", "rejected"};

const char *pm_match_status_name(pm_match_status s) {
    return (unsigned)s < 3 ? status_names[s] : "invalid";
}

int pm_match_status_parse(const char *s, pm_match_status *out) {
    for (int i = 0; i < 3; i++) {
        if (s && strcmp(s, status_names[i]) == 0) {
            *out = (pm_match_status)i;
            return 0;
        }
    }
    return -1;
}

/* Confidence is REAL 0..1 in the table; exact to 6 decimals through these two conversions. */
static double confidence_to_real(int64_t c) { return (double)c / 1e6; }
static int64_t confidence_from_real(double r) {
    double scaled = r * 1e6;
    return (int64_t)(scaled < 0 ? scaled - 0.5 : scaled + 0.5);
}

static const char sql_existing[] =
    "SELECT id, reviewed_by FROM market_matches WHERE kalshi_market_id = ?1 AND polymarket_market_id = ?2";

static const char sql_insert[] =
    "INSERT INTO market_matches (id, kalshi_market_id, polymarket_market_id, confidence, match_reason,"
    " status, created_at, reviewed_at, polarity, reviewed_by, model, prompt_version, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, CASE WHEN ?8 IS NULL THEN NULL ELSE ?7 END, ?9, ?8, ?10, ?11, ?7)";

static const char sql_refresh[] =
    "UPDATE market_matches SET confidence = ?2, match_reason = ?3, status = ?4, polarity = ?5,"
    " reviewed_by = ?6, reviewed_at = CASE WHEN ?6 IS NULL THEN NULL ELSE ?7 END, model = ?8,"
    " prompt_version = ?9, updated_at = ?7"
    " WHERE id = ?1 AND (confidence IS NOT ?2 OR match_reason IS NOT ?3 OR status IS NOT ?4"
    " OR polarity IS NOT ?5 OR reviewed_by IS NOT ?6 OR model IS NOT ?8 OR prompt_version IS NOT ?9)";

int pm_store_put_candidate(pm_db *db, const pm_candidate *c, char id_out[PM_UUID_LEN],
                           pm_candidate_result *res, pm_err *err) {
    if (c->status == PM_MATCH_APPROVED)
        return pm_err_set(err, "a candidate cannot be stored as approved: only a person approves");
    if ((unsigned)c->status > PM_MATCH_REJECTED) return pm_err_set(err, "invalid candidate status");
    if (c->confidence < 0 || c->confidence > 1000000)
        return pm_err_set(err, "confidence must be within 0..1");
    const char *reviewer = c->status == PM_MATCH_REJECTED ? PM_REVIEWER_AUTO : NULL;
    char now[PM_ISO_TIME_LEN];
    pm_iso_time(pm_wall_ns(), now);

    sqlite3_stmt *st = pm_db_stmt(db, sql_existing, err);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, c->kalshi_market_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, c->polymarket_market_id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        snprintf(id_out, PM_UUID_LEN, "%s", (const char *)sqlite3_column_text(st, 0));
        const char *by = (const char *)sqlite3_column_text(st, 1);
        int human = by && strcmp(by, PM_REVIEWER_AUTO) != 0;
        sqlite3_reset(st);
        if (human) {
            *res = PM_CANDIDATE_KEPT;
            return 0;
        }
        if (!(st = pm_db_stmt(db, sql_refresh, err))) return -1;
        sqlite3_bind_text(st, 1, id_out, -1, SQLITE_STATIC);
        sqlite3_bind_double(st, 2, confidence_to_real(c->confidence));
        pm_db_bind_text(st, 3, c->reason);
        sqlite3_bind_text(st, 4, pm_match_status_name(c->status), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, pm_polarity_name(c->polarity), -1, SQLITE_STATIC);
        pm_db_bind_text(st, 6, reviewer);
        sqlite3_bind_text(st, 7, now, -1, SQLITE_STATIC);
        pm_db_bind_text(st, 8, c->model);
        pm_db_bind_text(st, 9, c->prompt_version);
        if (pm_db_exec_stmt(db, st, "refreshing match candidate", err)) return -1;
        *res = sqlite3_changes(pm_db_handle(db)) ? PM_CANDIDATE_UPDATED : PM_CANDIDATE_UNCHANGED;
        return 0;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return pm_db_fail(db, "looking up match candidate", err);
    if (pm_uuid_v7(id_out)) return pm_err_set(err, "random number generator failed");
    if (!(st = pm_db_stmt(db, sql_insert, err))) return -1;
    sqlite3_bind_text(st, 1, id_out, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, c->kalshi_market_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, c->polymarket_market_id, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 4, confidence_to_real(c->confidence));
    pm_db_bind_text(st, 5, c->reason);
    sqlite3_bind_text(st, 6, pm_match_status_name(c->status), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, now, -1, SQLITE_STATIC);
    pm_db_bind_text(st, 8, reviewer);
    sqlite3_bind_text(st, 9, pm_polarity_name(c->polarity), -1, SQLITE_STATIC);
    pm_db_bind_text(st, 10, c->model);
    pm_db_bind_text(st, 11, c->prompt_version);
    if (pm_db_exec_stmt(db, st, "inserting match candidate", err)) return -1;
    *res = PM_CANDIDATE_INSERTED;
    return 0;
}

static const char sql_review[] =
    "UPDATE market_matches SET status = ?2, reviewed_by = ?3, reviewed_at = ?4, review_note = ?5,"
    " updated_at = ?4 WHERE id = ?1";

int pm_store_review_match(pm_db *db, const char *match_id, pm_match_status status, const char *reviewer,
                          const char *note, pm_err *err) {
    if ((unsigned)status > PM_MATCH_REJECTED) return pm_err_set(err, "invalid review status");
    if (!reviewer || !*reviewer || strcmp(reviewer, PM_REVIEWER_AUTO) == 0)
        return pm_err_set(err, "a review needs the reviewer's name (not '%s')", PM_REVIEWER_AUTO);
    char now[PM_ISO_TIME_LEN];
    pm_iso_time(pm_wall_ns(), now);
    sqlite3_stmt *st = pm_db_stmt(db, sql_review, err);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, match_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, pm_match_status_name(status), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, reviewer, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
    pm_db_bind_text(st, 5, note);
    if (pm_db_exec_stmt(db, st, "reviewing match", err)) return -1;
    if (sqlite3_changes(pm_db_handle(db)) == 0) return pm_err_set(err, "no match with id %s", match_id);
    return 0;
}

static const char sql_polarity[] =
    "UPDATE market_matches SET polarity = ?2, updated_at = ?3 WHERE id = ?1";

int pm_store_set_match_polarity(pm_db *db, const char *match_id, pm_polarity polarity, pm_err *err) {
    char now[PM_ISO_TIME_LEN];
    pm_iso_time(pm_wall_ns(), now);
    sqlite3_stmt *st = pm_db_stmt(db, sql_polarity, err);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, match_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, pm_polarity_name(polarity), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    if (pm_db_exec_stmt(db, st, "setting match polarity", err)) return -1;
    if (sqlite3_changes(pm_db_handle(db)) == 0) return pm_err_set(err, "no match with id %s", match_id);
    return 0;
}

#define MATCH_SELECT                                                                              \
    "SELECT x.id, x.status, x.polarity, x.confidence, x.match_reason, x.model, x.prompt_version,"   \
    " x.reviewed_by, x.review_note, x.created_at, x.reviewed_at, " PM_MARKET_COLUMNS("k") ", "      \
    PM_MARKET_COLUMNS("p") " FROM market_matches x"                                                \
    " JOIN markets k ON k.id = x.kalshi_market_id JOIN markets p ON p.id = x.polymarket_market_id"
#define MATCH_NFIXED 11

static const char sql_list[] =
    MATCH_SELECT " WHERE (?1 IS NULL OR x.status = ?1) ORDER BY x.confidence DESC, x.created_at, x.id";
static const char sql_approved[] =
    MATCH_SELECT " WHERE x.status = 'approved' AND k.status = 'active' AND p.status = 'active'"
    " ORDER BY x.id";

static int each_match(pm_db *db, sqlite3_stmt *st, pm_match_cb cb, void *ctx, pm_err *err) {
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        pm_match_row r;
        memset(&r, 0, sizeof r);
        snprintf(r.id, sizeof r.id, "%s", (const char *)sqlite3_column_text(st, 0));
        pm_match_status s = PM_MATCH_PENDING_REVIEW;
        pm_match_status_parse((const char *)sqlite3_column_text(st, 1), &s);
        r.status = s;
        pm_polarity pol = PM_POLARITY_SAME;
        pm_polarity_parse((const char *)sqlite3_column_text(st, 2), &pol);
        r.polarity = pol;
        r.confidence = sqlite3_column_type(st, 3) == SQLITE_NULL ? -1 : confidence_from_real(sqlite3_column_double(st, 3));
        r.reason = (const char *)sqlite3_column_text(st, 4);
        r.model = (const char *)sqlite3_column_text(st, 5);
        r.prompt_version = (const char *)sqlite3_column_text(st, 6);
        r.reviewed_by = (const char *)sqlite3_column_text(st, 7);
        r.review_note = (const char *)sqlite3_column_text(st, 8);
        r.created_at = (const char *)sqlite3_column_text(st, 9);
        r.reviewed_at = (const char *)sqlite3_column_text(st, 10);
        pm_market_from_row(st, MATCH_NFIXED, &r.kalshi);
        pm_market_from_row(st, MATCH_NFIXED + PM_MARKET_NCOLUMNS, &r.polymarket);
        stop = cb(ctx, &r);
    }
    if (!stop && rc != SQLITE_DONE) {
        pm_db_fail(db, "reading matches", err);
        sqlite3_reset(st);
        return -1;
    }
    sqlite3_reset(st);
    return stop;
}

int pm_store_list_matches(pm_db *db, int status, pm_match_cb cb, void *ctx, pm_err *err) {
    sqlite3_stmt *st = pm_db_stmt(db, sql_list, err);
    if (!st) return -1;
    pm_db_bind_text(st, 1, status < 0 ? NULL : pm_match_status_name((pm_match_status)status));
    return each_match(db, st, cb, ctx, err);
}

int pm_store_list_approved_pairs(pm_db *db, pm_match_cb cb, void *ctx, pm_err *err) {
    sqlite3_stmt *st = pm_db_stmt(db, sql_approved, err);
    if (!st) return -1;
    return each_match(db, st, cb, ctx, err);
}
