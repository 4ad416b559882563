/* cache.c — LLM answer cache, match basis and pair state on markets.db (cache.h). */
#include "match/cache.h"

#include "util/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char sql_get_answer[] =
    "SELECT equivalent, confidence, polarity, reason, prompt_tokens, completion_tokens, batch_pairs, latency_ms"
    " FROM llm_answers WHERE key = ?1";

static int64_t int_or_unknown(sqlite3_stmt *st, int col) {
    return sqlite3_column_type(st, col) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, col);
}

int pm_cache_get_answer(pm_db *db, const char *key, pm_judge_verdict *v, pm_err *err) {
    sqlite3_stmt *st = pm_db_stmt(db, sql_get_answer, err);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        memset(v, 0, sizeof *v);
        v->answered = 1;
        v->equivalent = sqlite3_column_int(st, 0) != 0;
        v->confidence = sqlite3_column_int64(st, 1);
        pm_polarity p = PM_POLARITY_SAME;
        pm_polarity_parse((const char *)sqlite3_column_text(st, 2), &p);
        v->polarity = p;
        snprintf(v->reason, sizeof v->reason, "%s", (const char *)sqlite3_column_text(st, 3));
        v->prompt_tokens = int_or_unknown(st, 4);
        v->completion_tokens = int_or_unknown(st, 5);
        v->batch_pairs = sqlite3_column_int(st, 6);
        v->latency_ms = sqlite3_column_int64(st, 7);
    }
    sqlite3_reset(st);
    if (rc == SQLITE_ROW) return 1;
    if (rc == SQLITE_DONE) return 0;
    return pm_db_fail(db, "reading the LLM answer cache", err);
}

static const char sql_put_answer[] =
    "INSERT OR REPLACE INTO llm_answers (key, model, prompt_version, equivalent, confidence, polarity, reason,"
    " prompt_tokens, completion_tokens, batch_pairs, latency_ms, created_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";

int pm_cache_put_answer(pm_db *db, const char *key, const char *model, const pm_judge_verdict *v, pm_err *err) {
    char now[PM_ISO_TIME_LEN];
    pm_iso_time(pm_wall_ns(), now);
    sqlite3_stmt *st = pm_db_stmt(db, sql_put_answer, err);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, model, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, PM_JUDGE_PROMPT_VERSION, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, v->equivalent ? 1 : 0);
    sqlite3_bind_int64(st, 5, v->confidence);
    sqlite3_bind_text(st, 6, pm_polarity_name(v->polarity), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, v->reason, -1, SQLITE_STATIC);
    pm_db_bind_int_or_null(st, 8, v->prompt_tokens, -1);
    pm_db_bind_int_or_null(st, 9, v->completion_tokens, -1);
    sqlite3_bind_int(st, 10, v->batch_pairs);
    sqlite3_bind_int64(st, 11, v->latency_ms);
    sqlite3_bind_text(st, 12, now, -1, SQLITE_STATIC);
    return pm_db_exec_stmt(db, st, "storing an LLM answer", err);
}

static const char sql_pair_state[] =
    "SELECT x.id, x.status, x.reviewed_by, b.kalshi_content_hash, b.polymarket_content_hash"
    " FROM market_matches x LEFT JOIN match_basis b ON b.match_id = x.id"
    " WHERE x.kalshi_market_id = ?1 AND x.polymarket_market_id = ?2";

int pm_cache_pair_state(pm_db *db, const char *kalshi_id, const char *polymarket_id, pm_pair_state *s, pm_err *err) {
    memset(s, 0, sizeof *s);
    sqlite3_stmt *st = pm_db_stmt(db, sql_pair_state, err);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, kalshi_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, polymarket_id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        s->exists = 1;
        snprintf(s->match_id, sizeof s->match_id, "%s", (const char *)sqlite3_column_text(st, 0));
        pm_match_status ms = PM_MATCH_PENDING_REVIEW;
        pm_match_status_parse((const char *)sqlite3_column_text(st, 1), &ms);
        s->status = ms;
        const char *by = (const char *)sqlite3_column_text(st, 2);
        s->decided_by_person = by && strcmp(by, PM_REVIEWER_AUTO) != 0;
        const char *kh = (const char *)sqlite3_column_text(st, 3), *ph = (const char *)sqlite3_column_text(st, 4);
        s->has_basis = kh && ph;
        snprintf(s->kalshi_hash, sizeof s->kalshi_hash, "%s", kh ? kh : "");
        snprintf(s->polymarket_hash, sizeof s->polymarket_hash, "%s", ph ? ph : "");
    }
    sqlite3_reset(st);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) return 0;
    return pm_db_fail(db, "reading a match's state", err);
}

static const char sql_put_basis[] =
    "INSERT INTO match_basis (match_id, kalshi_content_hash, polymarket_content_hash, judged_at)"
    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(match_id) DO UPDATE SET kalshi_content_hash = excluded.kalshi_content_hash,"
    " polymarket_content_hash = excluded.polymarket_content_hash, judged_at = excluded.judged_at";

int pm_cache_put_basis(pm_db *db, const char *match_id, const char *kalshi_hash, const char *polymarket_hash,
                       pm_err *err) {
    char now[PM_ISO_TIME_LEN];
    pm_iso_time(pm_wall_ns(), now);
    sqlite3_stmt *st = pm_db_stmt(db, sql_put_basis, err);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, match_id, -1, SQLITE_STATIC);
    pm_db_bind_text(st, 2, kalshi_hash ? kalshi_hash : "");
    pm_db_bind_text(st, 3, polymarket_hash ? polymarket_hash : "");
    sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
    return pm_db_exec_stmt(db, st, "recording a match's basis", err);
}

static const char sql_reopen[] =
    "UPDATE market_matches SET status = 'pending_review', reviewed_by = NULL, reviewed_at = NULL,"
    " review_note = ?2, updated_at = ?3 WHERE id = ?1";

int pm_cache_reopen_match(pm_db *db, const char *match_id, const char *note, pm_err *err) {
    char now[PM_ISO_TIME_LEN];
    pm_iso_time(pm_wall_ns(), now);
    sqlite3_stmt *st = pm_db_stmt(db, sql_reopen, err);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, match_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, note, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    if (pm_db_exec_stmt(db, st, "reopening a match", err)) return -1;
    if (sqlite3_changes(pm_db_handle(db)) == 0) return pm_err_set(err, "no match with id %s", match_id);
    return 0;
}

static const char sql_changed[] =
    "SELECT x.id, x.status, k.content_hash, p.content_hash FROM market_matches x"
    " JOIN match_basis b ON b.match_id = x.id"
    " JOIN markets k ON k.id = x.kalshi_market_id JOIN markets p ON p.id = x.polymarket_market_id"
    " WHERE x.reviewed_by IS NOT NULL AND x.reviewed_by <> 'auto'"
    " AND (b.kalshi_content_hash IS NOT k.content_hash OR b.polymarket_content_hash IS NOT p.content_hash)"
    " ORDER BY x.id";

typedef struct changed {
    char id[PM_UUID_LEN];
    char status[16];
    char kh[PM_JUDGE_KEY_LEN], ph[PM_JUDGE_KEY_LEN];
} changed;

int pm_cache_reopen_changed(pm_db *db, int *count, pm_err *err) {
    *count = 0;
    sqlite3_stmt *st = pm_db_stmt(db, sql_changed, err);
    if (!st) return -1;
    changed *v = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            changed *grown = realloc(v, (cap = cap ? 2 * cap : 16) * sizeof *grown);
            if (!grown) {
                sqlite3_reset(st);
                free(v);
                return pm_err_set(err, "out of memory");
            }
            v = grown;
        }
        const char *kh = (const char *)sqlite3_column_text(st, 2), *ph = (const char *)sqlite3_column_text(st, 3);
        snprintf(v[n].id, sizeof v[n].id, "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(v[n].status, sizeof v[n].status, "%s", (const char *)sqlite3_column_text(st, 1));
        snprintf(v[n].kh, sizeof v[n].kh, "%s", kh ? kh : "");
        snprintf(v[n].ph, sizeof v[n].ph, "%s", ph ? ph : "");
        n++;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        free(v);
        return pm_db_fail(db, "finding decisions on changed markets", err);
    }
    for (size_t i = 0; i < n; i++) {
        char note[200];
        snprintf(note, sizeof note,
                 "market text changed after this pair was %s by a person, and it is no longer a candidate: review it "
                 "again",
                 v[i].status);
        if (pm_cache_reopen_match(db, v[i].id, note, err) || pm_cache_put_basis(db, v[i].id, v[i].kh, v[i].ph, err)) {
            free(v);
            return -1;
        }
    }
    free(v);
    *count = (int)n;
    return 0;
}
