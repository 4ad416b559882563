/* markets.c — typed queries on the markets table (see markets.h). */
#include "store/markets.h"

#include "util/clock.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

void pm_market_init(pm_market *m, pm_venue platform) {
    memset(m, 0, sizeof *m);
    m->platform = platform;
    m->status = PM_MARKET_ACTIVE;
    m->tick_size = -1;
    m->min_order_size = -1;
    m->fee_multiplier = -1;
    m->fee_rate_bps = -1;
    m->fees_enabled = -1;
    m->fee_exponent = -1;
    m->fee_taker_only = -1;
    m->fee_rebate_bps = -1;
    m->accepting_orders = -1;
    m->order_book_enabled = -1;
}

/* sha256 over the text a matcher reads; a change means an earlier judgement is stale. Outcome
 * names join the text only when the venue names its outcomes (Polymarket), so that the hashes
 * of markets without them stay what they were before outcome names were stored. */
static int content_hash(const pm_market *m, char out[65]) {
    int named = m->outcome_yes_name || m->outcome_no_name;
    const char *parts[] = {m->title, m->description, m->rules, m->close_time, m->outcome_yes_name, m->outcome_no_name};
    size_t nparts = named ? 6 : 4;
    unsigned char md[32];
    unsigned int mdlen = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    for (size_t i = 0; ok && i < nparts; i++) {
        const char *p = parts[i] ? parts[i] : "";
        ok = EVP_DigestUpdate(ctx, p, strlen(p) + 1); /* include the NUL as a separator */
    }
    ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen);
    EVP_MD_CTX_free(ctx);
    if (!ok) return -1;
    for (int i = 0; i < 32; i++) snprintf(out + 2 * i, 3, "%02x", md[i]);
    return 0;
}

static const char sql_select_id[] =
    "SELECT id FROM markets WHERE platform = ?1 AND platform_market_id = ?2";

static const char sql_insert[] =
    "INSERT INTO markets (id, platform, platform_market_id, event_id, title, description, rules,"
    " status, close_time, outcome_yes_id, outcome_no_id, tick_size, min_order_size, fee_type,"
    " fee_multiplier, fee_rate_bps, neg_risk, raw_json, content_hash, fetched_at, updated_at, gamma_id,"
    " protocol_version, outcome_yes_name, outcome_no_name, fees_enabled, fee_exponent, fee_taker_only,"
    " fee_rebate_bps, accepting_orders, order_book_enabled)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?20,"
    " ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30)";

/* Changes the details only when one differs, so that changes() tells "updated" apart. */
static const char sql_update_details[] =
    "UPDATE markets SET event_id = ?4, title = ?5, description = ?6, rules = ?7, status = ?8,"
    " close_time = ?9, outcome_yes_id = ?10, outcome_no_id = ?11, tick_size = ?12,"
    " min_order_size = ?13, fee_type = ?14, fee_multiplier = ?15, fee_rate_bps = ?16,"
    " neg_risk = ?17, content_hash = ?19, updated_at = ?20, gamma_id = ?21, protocol_version = ?22,"
    " outcome_yes_name = ?23, outcome_no_name = ?24, fees_enabled = ?25, fee_exponent = ?26,"
    " fee_taker_only = ?27, fee_rebate_bps = ?28, accepting_orders = ?29, order_book_enabled = ?30"
    " WHERE id = ?1 AND (event_id IS NOT ?4 OR title IS NOT ?5 OR description IS NOT ?6"
    " OR rules IS NOT ?7 OR status IS NOT ?8 OR close_time IS NOT ?9 OR outcome_yes_id IS NOT ?10"
    " OR outcome_no_id IS NOT ?11 OR tick_size IS NOT ?12 OR min_order_size IS NOT ?13"
    " OR fee_type IS NOT ?14 OR fee_multiplier IS NOT ?15 OR fee_rate_bps IS NOT ?16"
    " OR neg_risk IS NOT ?17 OR gamma_id IS NOT ?21 OR protocol_version IS NOT ?22"
    " OR outcome_yes_name IS NOT ?23 OR outcome_no_name IS NOT ?24 OR fees_enabled IS NOT ?25"
    " OR fee_exponent IS NOT ?26 OR fee_taker_only IS NOT ?27 OR fee_rebate_bps IS NOT ?28"
    " OR accepting_orders IS NOT ?29 OR order_book_enabled IS NOT ?30)";

static const char sql_touch[] = "UPDATE markets SET fetched_at = ?2, raw_json = ?3 WHERE id = ?1";

static int validate(const pm_market *m, pm_err *err) {
    if (!m->platform_market_id || !*m->platform_market_id)
        return pm_err_set(err, "market without platform_market_id");
    if (!m->title || !*m->title)
        return pm_err_set(err, "market %s: title is required", m->platform_market_id);
    if (!m->status || (strcmp(m->status, PM_MARKET_ACTIVE) && strcmp(m->status, PM_MARKET_CLOSED)))
        return pm_err_set(err, "market %s: status must be active or closed, not '%s'", m->platform_market_id,
                          m->status ? m->status : "(null)");
    int64_t t;
    if (m->close_time && pm_iso_parse(m->close_time, &t))
        return pm_err_set(err, "market %s: close_time '%s' is not ISO-8601 UTC", m->platform_market_id,
                          m->close_time);
    if (m->tick_size == 0 || m->tick_size > PM_PX_ONE)
        return pm_err_set(err, "market %s: tick size out of range", m->platform_market_id);
    return 0;
}

static void bind_details(sqlite3_stmt *st, const pm_market *m, const char *hash, const char *now) {
    sqlite3_bind_text(st, 2, pm_venue_name(m->platform), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, m->platform_market_id, -1, SQLITE_STATIC);
    pm_db_bind_text(st, 4, m->event_id);
    pm_db_bind_text(st, 5, m->title);
    pm_db_bind_text(st, 6, m->description);
    pm_db_bind_text(st, 7, m->rules);
    pm_db_bind_text(st, 8, m->status);
    pm_db_bind_text(st, 9, m->close_time);
    pm_db_bind_text(st, 10, m->outcome_yes_id);
    pm_db_bind_text(st, 11, m->outcome_no_id);
    pm_db_bind_int_or_null(st, 12, m->tick_size, -1);
    pm_db_bind_int_or_null(st, 13, m->min_order_size, -1);
    pm_db_bind_text(st, 14, m->fee_type);
    pm_db_bind_int_or_null(st, 15, m->fee_multiplier, -1);
    pm_db_bind_int_or_null(st, 16, m->fee_rate_bps, -1);
    sqlite3_bind_int(st, 17, m->neg_risk ? 1 : 0);
    pm_db_bind_text(st, 18, m->raw_json);
    sqlite3_bind_text(st, 19, hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 20, now, -1, SQLITE_STATIC);
    pm_db_bind_text(st, 21, m->gamma_id);
    pm_db_bind_text(st, 22, m->protocol_version);
    pm_db_bind_text(st, 23, m->outcome_yes_name);
    pm_db_bind_text(st, 24, m->outcome_no_name);
    pm_db_bind_int_or_null(st, 25, m->fees_enabled, -1);
    pm_db_bind_int_or_null(st, 26, m->fee_exponent, -1);
    pm_db_bind_int_or_null(st, 27, m->fee_taker_only, -1);
    pm_db_bind_int_or_null(st, 28, m->fee_rebate_bps, -1);
    pm_db_bind_int_or_null(st, 29, m->accepting_orders, -1);
    pm_db_bind_int_or_null(st, 30, m->order_book_enabled, -1);
}

int pm_store_upsert_market(pm_db *db, pm_market *m, int64_t now_ns, pm_upsert_result *res, pm_err *err) {
    if (validate(m, err)) return -1;
    char hash[65], now[PM_ISO_TIME_LEN];
    if (content_hash(m, hash)) return pm_err_set(err, "sha256 failed");
    pm_iso_time(now_ns, now);

    sqlite3_stmt *st = pm_db_stmt(db, sql_select_id, err);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, pm_venue_name(m->platform), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, m->platform_market_id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        snprintf(m->id, sizeof m->id, "%s", (const char *)sqlite3_column_text(st, 0));
        sqlite3_reset(st);
        if (!(st = pm_db_stmt(db, sql_update_details, err))) return -1;
        sqlite3_bind_text(st, 1, m->id, -1, SQLITE_STATIC);
        bind_details(st, m, hash, now);
        if (pm_db_exec_stmt(db, st, "updating market", err)) return -1;
        *res = sqlite3_changes(pm_db_handle(db)) ? PM_UPSERT_UPDATED : PM_UPSERT_UNCHANGED;
        if (!(st = pm_db_stmt(db, sql_touch, err))) return -1;
        sqlite3_bind_text(st, 1, m->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
        pm_db_bind_text(st, 3, m->raw_json);
        return pm_db_exec_stmt(db, st, "updating market", err);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return pm_db_fail(db, "looking up market", err);
    if (pm_uuid_v7(m->id)) return pm_err_set(err, "random number generator failed");
    if (!(st = pm_db_stmt(db, sql_insert, err))) return -1;
    sqlite3_bind_text(st, 1, m->id, -1, SQLITE_STATIC);
    bind_details(st, m, hash, now);
    if (pm_db_exec_stmt(db, st, "inserting market", err)) return -1;
    *res = PM_UPSERT_NEW;
    return 0;
}

static const char sql_close_unseen[] =
    "UPDATE markets SET status = 'closed', updated_at = ?3"
    " WHERE platform = ?1 AND status = 'active' AND fetched_at < ?2";

int pm_store_close_unseen_markets(pm_db *db, pm_venue platform, int64_t since_ns, int *count, pm_err *err) {
    char since[PM_ISO_TIME_LEN], now[PM_ISO_TIME_LEN];
    pm_iso_time(since_ns, since);
    pm_iso_time(pm_wall_ns(), now);
    sqlite3_stmt *st = pm_db_stmt(db, sql_close_unseen, err);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, pm_venue_name(platform), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, since, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
    if (pm_db_exec_stmt(db, st, "closing unseen markets", err)) return -1;
    *count = sqlite3_changes(pm_db_handle(db));
    return 0;
}

static const char *col_text(sqlite3_stmt *st, int i) { return (const char *)sqlite3_column_text(st, i); }

static int64_t col_opt_int(sqlite3_stmt *st, int i) {
    return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, i);
}

void pm_market_from_row(sqlite3_stmt *st, int c, pm_market *m) {
    memset(m, 0, sizeof *m);
    snprintf(m->id, sizeof m->id, "%s", col_text(st, c) ? col_text(st, c) : "");
    pm_venue v = PM_VENUE_KALSHI;
    pm_venue_parse(col_text(st, c + 1), &v);
    m->platform = v;
    m->platform_market_id = col_text(st, c + 2);
    m->event_id = col_text(st, c + 3);
    m->title = col_text(st, c + 4);
    m->description = col_text(st, c + 5);
    m->rules = col_text(st, c + 6);
    m->status = col_text(st, c + 7);
    m->close_time = col_text(st, c + 8);
    m->outcome_yes_id = col_text(st, c + 9);
    m->outcome_no_id = col_text(st, c + 10);
    m->tick_size = col_opt_int(st, c + 11);
    m->min_order_size = col_opt_int(st, c + 12);
    m->fee_type = col_text(st, c + 13);
    m->fee_multiplier = col_opt_int(st, c + 14);
    m->fee_rate_bps = col_opt_int(st, c + 15);
    m->neg_risk = sqlite3_column_int(st, c + 16);
    m->raw_json = col_text(st, c + 17);
    m->content_hash = col_text(st, c + 18);
    m->fetched_at = col_text(st, c + 19);
    m->updated_at = col_text(st, c + 20);
    m->gamma_id = col_text(st, c + 21);
    m->protocol_version = col_text(st, c + 22);
    m->outcome_yes_name = col_text(st, c + 23);
    m->outcome_no_name = col_text(st, c + 24);
    m->fees_enabled = (int)col_opt_int(st, c + 25);
    m->fee_exponent = col_opt_int(st, c + 26);
    m->fee_taker_only = (int)col_opt_int(st, c + 27);
    m->fee_rebate_bps = col_opt_int(st, c + 28);
    m->accepting_orders = (int)col_opt_int(st, c + 29);
    m->order_book_enabled = (int)col_opt_int(st, c + 30);
}

static int each_row(pm_db *db, sqlite3_stmt *st, pm_market_cb cb, void *ctx, int *found, pm_err *err) {
    int rc, stop = 0;
    *found = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        pm_market m;
        pm_market_from_row(st, 0, &m);
        (*found)++;
        stop = cb(ctx, &m);
    }
    if (!stop && rc != SQLITE_DONE) {
        pm_db_fail(db, "reading markets", err);
        sqlite3_reset(st);
        return -1;
    }
    sqlite3_reset(st);
    return stop;
}

static const char sql_list[] =
    "SELECT " PM_MARKET_COLUMNS("m") " FROM markets m"
    " WHERE (?1 IS NULL OR m.platform = ?1) AND (?2 IS NULL OR m.status = ?2)"
    " ORDER BY m.platform, m.platform_market_id";

int pm_store_list_markets(pm_db *db, int platform, const char *status, pm_market_cb cb, void *ctx, pm_err *err) {
    sqlite3_stmt *st = pm_db_stmt(db, sql_list, err);
    if (!st) return -1;
    pm_db_bind_text(st, 1, platform < 0 ? NULL : pm_venue_name((pm_venue)platform));
    pm_db_bind_text(st, 2, status);
    int found;
    return each_row(db, st, cb, ctx, &found, err);
}

static const char sql_get[] = "SELECT " PM_MARKET_COLUMNS("m") " FROM markets m WHERE m.id = ?1";
static const char sql_find[] =
    "SELECT " PM_MARKET_COLUMNS("m") " FROM markets m WHERE m.platform = ?1 AND m.platform_market_id = ?2";

int pm_store_get_market(pm_db *db, const char *id, pm_market_cb cb, void *ctx, pm_err *err) {
    sqlite3_stmt *st = pm_db_stmt(db, sql_get, err);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    int found;
    if (each_row(db, st, cb, ctx, &found, err) < 0) return -1;
    return found > 0;
}

int pm_store_find_market(pm_db *db, pm_venue platform, const char *platform_market_id, pm_market_cb cb,
                         void *ctx, pm_err *err) {
    sqlite3_stmt *st = pm_db_stmt(db, sql_find, err);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, pm_venue_name(platform), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, platform_market_id, -1, SQLITE_STATIC);
    int found;
    if (each_row(db, st, cb, ctx, &found, err) < 0) return -1;
    return found > 0;
}
