/* db.c — connection setup, migrations and the prepared-statement cache (see db.h). */
#include "store/db.h"

#include "store/migrations.h"
#include "util/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STMT_CACHE_MAX 64

struct pm_db {
    sqlite3 *h;
    int nstmt;
    struct {
        const char *sql; /* identity of the cached statement: the static string's address */
        sqlite3_stmt *st;
    } stmts[STMT_CACHE_MAX];
};

int pm_db_fail(pm_db *db, const char *what, pm_err *err) {
    return pm_err_set(err, "%s: %s", what, db && db->h ? sqlite3_errmsg(db->h) : "no database");
}

static int exec(pm_db *db, const char *sql, const char *what, pm_err *err) {
    char *msg = NULL;
    if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
        pm_err_set(err, "%s: %s", what, msg ? msg : sqlite3_errmsg(db->h));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

int pm_db_latest_version(void) { return pm_migrations[pm_migration_count - 1].version; }

int pm_db_version(pm_db *db, int *version, pm_err *err) {
    sqlite3_stmt *st = pm_db_stmt(db, "PRAGMA user_version", err);
    if (!st) return -1;
    if (sqlite3_step(st) != SQLITE_ROW) return pm_db_fail(db, "reading user_version", err);
    *version = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    return 0;
}

int pm_db_begin(pm_db *db, pm_err *err) { return exec(db, "BEGIN IMMEDIATE", "begin transaction", err); }
int pm_db_commit(pm_db *db, pm_err *err) { return exec(db, "COMMIT", "commit", err); }
void pm_db_rollback(pm_db *db) {
    if (!sqlite3_get_autocommit(db->h)) sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

int pm_db_migrate(pm_db *db, int target, int *from, int *to, pm_err *err) {
    int latest = pm_db_latest_version();
    if (target < 0) target = latest;
    if (target > latest) return pm_err_set(err, "no migration to version %d (latest is %d)", target, latest);
    int start = -1, v = 0;
    for (;;) {
        /* Read the version inside the write transaction: another process may be migrating. */
        if (pm_db_begin(db, err)) return -1;
        if (pm_db_version(db, &v, err)) goto fail;
        if (start < 0) start = v;
        if (v > latest) {
            pm_db_rollback(db);
            return pm_err_set(err, "database schema version %d is newer than this pmarb knows (%d): "
                                   "upgrade pmarb", v, latest);
        }
        if (v >= target) break;
        const pm_migration *m = &pm_migrations[v];
        char what[160], bump[48];
        snprintf(what, sizeof what, "migration %d (%s)", m->version, m->name);
        if (exec(db, m->sql, what, err)) goto fail;
        snprintf(bump, sizeof bump, "PRAGMA user_version = %d", m->version);
        if (exec(db, bump, what, err)) goto fail;
        if (pm_db_commit(db, err)) goto fail;
    }
    if (pm_db_commit(db, err)) goto fail;
    if (from) *from = start;
    if (to) *to = v;
    return 0;
fail:
    pm_db_rollback(db);
    return -1;
}

int pm_db_open(const char *path, int flags, int64_t busy_timeout_ms, pm_db **out, pm_err *err) {
    *out = NULL;
    pm_db *db = calloc(1, sizeof *db);
    if (!db) return pm_err_set(err, "out of memory");
    int rc = sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        pm_err_set(err, "opening database %s: %s", path, db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
        pm_db_close(db);
        return -1;
    }
    sqlite3_extended_result_codes(db->h, 1);
    sqlite3_busy_timeout(db->h, busy_timeout_ms > 0x7fffffff ? 0x7fffffff : (int)busy_timeout_ms);
    char what[64];
    snprintf(what, sizeof what, "configuring database %.40s", path);
    /* Switching a new file to WAL can answer BUSY without going through the busy handler
     * (two processes creating the database at once): retry until the busy timeout. */
    int64_t deadline = pm_mono_ns() + busy_timeout_ms * 1000000LL;
    int wal = 0;
    for (;;) {
        sqlite3_stmt *st = NULL;
        rc = sqlite3_prepare_v2(db->h, "PRAGMA journal_mode=WAL", -1, &st, NULL);
        if (rc == SQLITE_OK) rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) wal = strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
        sqlite3_finalize(st);
        int busy = (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
        if (rc == SQLITE_ROW || !busy || pm_mono_ns() > deadline) break;
        struct timespec ts = {0, 5000000};
        nanosleep(&ts, NULL);
    }
    if (rc != SQLITE_ROW) {
        pm_db_fail(db, what, err);
        pm_db_close(db);
        return -1;
    }
    if (!wal) {
        pm_err_set(err, "%s: WAL journal mode is not available", what);
        pm_db_close(db);
        return -1;
    }
    if (exec(db, "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL;", what, err) ||
        ((flags & PM_DB_MIGRATE) && pm_db_migrate(db, -1, NULL, NULL, err))) {
        pm_db_close(db);
        return -1;
    }
    *out = db;
    return 0;
}

void pm_db_close(pm_db *db) {
    if (!db) return;
    for (int i = 0; i < db->nstmt; i++) sqlite3_finalize(db->stmts[i].st);
    sqlite3_close(db->h);
    free(db);
}

sqlite3 *pm_db_handle(pm_db *db) { return db->h; }

sqlite3_stmt *pm_db_stmt(pm_db *db, const char *sql, pm_err *err) {
    for (int i = 0; i < db->nstmt; i++) {
        if (db->stmts[i].sql == sql) {
            sqlite3_reset(db->stmts[i].st);
            sqlite3_clear_bindings(db->stmts[i].st);
            return db->stmts[i].st;
        }
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK) {
        pm_db_fail(db, "preparing statement", err);
        return NULL;
    }
    if (db->nstmt < STMT_CACHE_MAX) {
        db->stmts[db->nstmt].sql = sql;
        db->stmts[db->nstmt].st = st;
        db->nstmt++;
        return st;
    }
    sqlite3_finalize(st);
    pm_err_set(err, "statement cache full (%d): raise STMT_CACHE_MAX", STMT_CACHE_MAX);
    return NULL;
}

int pm_db_exec_stmt(pm_db *db, sqlite3_stmt *st, const char *what, pm_err *err) {
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        pm_db_fail(db, what, err);
        sqlite3_reset(st);
        return -1;
    }
    sqlite3_reset(st);
    return 0;
}

void pm_db_bind_text(sqlite3_stmt *st, int i, const char *s) {
    if (s) sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else sqlite3_bind_null(st, i);
}

void pm_db_bind_int_or_null(sqlite3_stmt *st, int i, int64_t v, int64_t unknown) {
    if (v != unknown) sqlite3_bind_int64(st, i, v);
    else sqlite3_bind_null(st, i);
}
