/* db.h — the SQLite database (markets.db): opening with the project's pragmas, numbered
 * migrations through PRAGMA user_version, transactions, and cached prepared statements.
 *
 * Each thread that touches the database opens its own pm_db (SQLite connections are not
 * shared). Write transactions start with BEGIN IMMEDIATE so that two processes writing at
 * once wait on the busy timeout instead of failing with "database is locked". */
#ifndef PM_STORE_DB_H
#define PM_STORE_DB_H

#include <sqlite3.h>
#include <stdint.h>

#include "util/err.h"

typedef struct pm_db pm_db;

#define PM_DB_MIGRATE 1 /* pm_db_open flag: bring the schema to the latest version */

/* Opens (creating if needed) the database at path with WAL, foreign_keys=ON, synchronous=FULL
 * and the busy timeout; with PM_DB_MIGRATE applies pending migrations. A database written by
 * a newer pmarb (user_version above the latest known) is refused. */
int pm_db_open(const char *path, int flags, int64_t busy_timeout_ms, pm_db **out, pm_err *err);
void pm_db_close(pm_db *db);
sqlite3 *pm_db_handle(pm_db *db);

int pm_db_latest_version(void);                       /* number of the newest migration */
int pm_db_version(pm_db *db, int *version, pm_err *err); /* current PRAGMA user_version */

/* Applies migrations up to target (-1 = latest), one transaction each. *from and *to (may be
 * NULL) receive the versions before and after. Safe when another process migrates at once. */
int pm_db_migrate(pm_db *db, int target, int *from, int *to, pm_err *err);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. */
int pm_db_begin(pm_db *db, pm_err *err);
int pm_db_commit(pm_db *db, pm_err *err);
void pm_db_rollback(pm_db *db);

/* Returns a prepared statement for a static SQL string, reset and with bindings cleared;
 * statements are cached per connection by the string's address. NULL with err on failure. */
sqlite3_stmt *pm_db_stmt(pm_db *db, const char *sql, pm_err *err);

/* Steps a statement that returns no rows; -1 with "<what>: <sqlite message>" on failure. */
int pm_db_exec_stmt(pm_db *db, sqlite3_stmt *st, const char *what, pm_err *err);

/* Binding helpers: text (NULL binds SQL NULL) and an integer that is NULL when it equals
 * `unknown`. */
void pm_db_bind_text(sqlite3_stmt *st, int i, const char *s);
void pm_db_bind_int_or_null(sqlite3_stmt *st, int i, int64_t v, int64_t unknown);

/* Records the SQLite error of the last call on db as "<what>: <message>"; returns -1. */
int pm_db_fail(pm_db *db, const char *what, pm_err *err);

#endif
