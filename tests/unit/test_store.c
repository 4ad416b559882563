/* test_store.c — the SQLite store: migrations from every earlier version, idempotent market
 * upserts, Polymarket details (migration 4), opportunities of every direction (migration 6),
 * closing unseen markets, match candidates and reviews, and two processes writing at once
 * without "database is locked". */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/db.h"
#include "store/markets.h"
#include "store/matches.h"
#include "store/migrations.h"
#include "store/records.h"
#include "testutil.h"
#include "util/clock.h"

typedef struct fixture {
    char *dir;
    char *path;
    pm_db *db;
} fixture;

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    f->dir = pm_test_tmpdir();
    f->path = pm_test_path(f->dir, "markets.db");
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    pm_db_close(f->db);
    pm_test_rmtree(f->dir);
    free(f->path);
    free(f->dir);
    free(f);
    return 0;
}

static pm_db *open_db(fixture *f, int flags) {
    pm_err err;
    pm_db *db = NULL;
    if (pm_db_open(f->path, flags, 5000, &db, &err)) fail_msg("open: %s", err.msg);
    return db;
}

static int64_t query_int(pm_db *db, const char *sql) {
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(pm_db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static char *query_text(pm_db *db, const char *sql) {
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(pm_db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
    int rc = sqlite3_step(st);
    char *s = NULL;
    if (rc == SQLITE_ROW && sqlite3_column_text(st, 0)) s = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return s;
}

static void exec_sql(pm_db *db, const char *sql) {
    char *msg = NULL;
    if (sqlite3_exec(pm_db_handle(db), sql, NULL, NULL, &msg) != SQLITE_OK) fail_msg("%s: %s", sql, msg);
}

/* The whole schema as text, to compare databases reached by different paths. */
static char *schema_of(pm_db *db) {
    return query_text(db, "SELECT group_concat(type || ' ' || name || ': ' || COALESCE(sql, ''), char(10))"
                          " FROM (SELECT * FROM sqlite_master ORDER BY type, name)");
}

static void test_migrate_from_empty(void **state) {
    fixture *f = *state;
    f->db = open_db(f, PM_DB_MIGRATE);
    int v = -1;
    pm_err err;
    assert_int_equal(pm_db_version(f->db, &v, &err), 0);
    int latest = pm_migrations[pm_migration_count - 1].version;
    assert_int_equal(latest, pm_migration_count);
    assert_int_equal(v, latest);
    assert_int_equal(pm_db_latest_version(), latest);
    const char *tables[] = {"markets", "market_matches", "opportunities", "orders", "fills", "positions", "events",
                            "llm_answers", "match_basis"};
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='%s'", tables[i]);
        assert_int_equal(query_int(f->db, sql), 1);
    }
    char *mode = query_text(f->db, "PRAGMA journal_mode");
    assert_string_equal(mode, "wal");
    free(mode);
    assert_int_equal(query_int(f->db, "PRAGMA foreign_keys"), 1);
    int from, to;
    assert_int_equal(pm_db_migrate(f->db, -1, &from, &to, &err), 0);
    assert_int_equal(from, latest);
    assert_int_equal(to, latest);
}

/* Data written at version k survives the migrations after it, and the schema reached equals a
 * fresh database's. */
static void test_migrate_from_each_version(void **state) {
    fixture *f = *state;
    f->db = open_db(f, PM_DB_MIGRATE);
    char *fresh = schema_of(f->db);
    pm_db_close(f->db);
    f->db = NULL;
    for (int k = 0; k < pm_db_latest_version(); k++) {
        unlink(f->path);
        pm_db *db = open_db(f, 0);
        pm_err err;
        int from, to;
        assert_int_equal(pm_db_migrate(db, k, &from, &to, &err), 0);
        assert_int_equal(from, 0);
        assert_int_equal(to, k);
        if (k >= 1) {
            exec_sql(db, "INSERT INTO markets (id, platform, platform_market_id, title, description, status, fetched_at)"
                         " VALUES ('m-k', 'kalshi', 'KXA', 'A?', 'desc', 'active', '2026-01-01T00:00:00.000Z'),"
                         " ('m-p', 'polymarket', '0xabc', 'A?', 'desc', 'active', '2026-01-01T00:00:00.000Z')");
            exec_sql(db, "INSERT INTO market_matches (id, kalshi_market_id, polymarket_market_id, confidence,"
                         " match_reason, status, created_at) VALUES ('x1', 'm-k', 'm-p', 0.97, 'same', 'approved',"
                         " '2026-01-02T00:00:00.000Z')");
        }
        if (k == 1) /* a duplicate of the pair, undecided: migration 2 keeps the approved row */
            exec_sql(db, "INSERT INTO market_matches (id, kalshi_market_id, polymarket_market_id, confidence,"
                         " match_reason, status, created_at) VALUES ('x0', 'm-k', 'm-p', 0.5, 'dup', 'pending',"
                         " '2026-01-01T00:00:00.000Z')");
        if (k >= 2) /* a Polymarket market as migration 2 could store it */
            exec_sql(db, "UPDATE markets SET outcome_yes_id = '111', outcome_no_id = '222', tick_size = 1000,"
                         " fee_rate_bps = 300, neg_risk = 1 WHERE id = 'm-p'");
        if (k >= 3) /* an opportunity and an order placed for it */
            exec_sql(db, "INSERT INTO opportunities VALUES ('o1', 7, 'x1', 'kalshi_no', 'KXA', '111', 2000000,"
                         " 610000, 350000, 1250000, 700000, 30000, 0, 50000, 1200, 15, 40, 'paper', 'traded', NULL);"
                         "INSERT INTO orders (id, venue, client_order_id, opportunity_id, match_id, role, market_id,"
                         " side, outcome, price, qty, tif, mode, status, created_ns, updated_ns) VALUES ('r1',"
                         " 'kalshi', 'c1', 'o1', 'x1', 'first', 'KXA', 'buy', 'no', 610000, 2000000, 'fok', 'paper',"
                         " 'filled', 8, 9)");
        assert_int_equal(pm_db_migrate(db, -1, &from, &to, &err), 0);
        assert_int_equal(from, k);
        assert_int_equal(to, pm_db_latest_version());
        char *got = schema_of(db);
        assert_string_equal(got, fresh);
        free(got);
        if (k >= 1) {
            assert_int_equal(query_int(db, "SELECT count(*) FROM markets"), 2);
            assert_int_equal(query_int(db, "SELECT count(*) FROM market_matches"), 1);
            /* Rows older than migration 2 get updated_at from their existing times. */
            const char *updated = k == 1 ? "2026-01-02T00:00:00.000Z" : "-";
            char want[96];
            char *s = query_text(db, "SELECT id || ' ' || status || ' ' || polarity || ' ' || COALESCE(updated_at, '-')"
                                     " FROM market_matches");
            snprintf(want, sizeof want, "x1 approved same %s", updated);
            assert_string_equal(s, want);
            free(s);
            s = query_text(db, "SELECT COALESCE(updated_at, '-') || ' ' || neg_risk FROM markets WHERE id = 'm-k'");
            snprintf(want, sizeof want, "%s 0", k == 1 ? "2026-01-01T00:00:00.000Z" : "-");
            assert_string_equal(s, want);
            free(s);
            /* Migration 4's columns start unknown; what was stored before stays. */
            s = query_text(db, "SELECT COALESCE(gamma_id, '-') || COALESCE(protocol_version, '-') ||"
                               " COALESCE(outcome_yes_name, '-') || COALESCE(outcome_no_name, '-') ||"
                               " COALESCE(fees_enabled, '-') || COALESCE(fee_exponent, '-') ||"
                               " COALESCE(fee_taker_only, '-') || COALESCE(fee_rebate_bps, '-') ||"
                               " COALESCE(accepting_orders, '-') || COALESCE(order_book_enabled, '-') || ' ' ||"
                               " COALESCE(outcome_yes_id, '-') || ' ' || COALESCE(fee_rate_bps, '-') || ' ' || neg_risk"
                               " FROM markets WHERE id = 'm-p'");
            assert_string_equal(s, k >= 2 ? "---------- 111 300 1" : "---------- - - 0");
            free(s);
            /* Migration 5 starts with no cached answers and no basis: every match is judged anew. */
            assert_int_equal(query_int(db, "SELECT (SELECT count(*) FROM llm_answers) + (SELECT count(*) FROM match_basis)"), 0);
            /* Migration 6 rebuilds opportunities: its rows, and the orders pointing at them, stay. */
            s = query_text(db, "SELECT group_concat(x, ';') FROM (SELECT o.id || ' ' || direction || ' ' || kalshi_ticker"
                               " || ' ' || polymarket_token_id || ' ' || o.qty || ' ' || kalshi_price || ' ' ||"
                               " polymarket_cost || ' ' || expected_profit || ' ' || decision || ' ' || r.id AS x"
                               " FROM opportunities o JOIN orders r ON r.opportunity_id = o.id)");
            if (k >= 3) assert_string_equal(s, "o1 kalshi_no KXA 111 2000000 610000 700000 50000 traded r1");
            else assert_null(s);
            free(s);
            assert_int_equal(query_int(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
        }
        pm_db_close(db);
    }
    free(fresh);
}

static void test_newer_schema_refused(void **state) {
    fixture *f = *state;
    f->db = open_db(f, PM_DB_MIGRATE);
    exec_sql(f->db, "PRAGMA user_version = 99");
    pm_db_close(f->db);
    f->db = NULL;
    pm_err err;
    pm_db *db = NULL;
    assert_int_equal(pm_db_open(f->path, PM_DB_MIGRATE, 5000, &db, &err), -1);
    assert_null(db);
    assert_non_null(strstr(err.msg, "version 99 is newer"));
}

static void test_status_trigger(void **state) {
    fixture *f = *state;
    f->db = open_db(f, PM_DB_MIGRATE);
    exec_sql(f->db, "INSERT INTO markets (id, platform, platform_market_id, title, status, fetched_at)"
                    " VALUES ('a', 'kalshi', 'K', 't', 'active', 'x'), ('b', 'polymarket', 'P', 't', 'active', 'x')");
    char *msg = NULL;
    int rc = sqlite3_exec(pm_db_handle(f->db),
                          "INSERT INTO market_matches (id, kalshi_market_id, polymarket_market_id, status, created_at)"
                          " VALUES ('m', 'a', 'b', 'maybe', 'x')",
                          NULL, NULL, &msg);
    assert_int_not_equal(rc, SQLITE_OK);
    assert_non_null(strstr(msg, "must be pending_review, approved or rejected"));
    sqlite3_free(msg);
}

static pm_market kalshi_market(const char *ticker, const char *title) {
    pm_market m;
    pm_market_init(&m, PM_VENUE_KALSHI);
    m.platform_market_id = ticker;
    m.event_id = "KXEVT";
    m.title = title;
    m.rules = "Resolves Yes if ...";
    m.close_time = "2026-12-31T23:59:00Z";
    m.tick_size = 10000;
    m.min_order_size = 10000;
    m.fee_type = "quadratic";
    m.fee_multiplier = 1000000;
    m.raw_json = "{\"ticker\":\"x\"}";
    return m;
}

static pm_market poly_market(const char *cid, const char *title) {
    pm_market m;
    pm_market_init(&m, PM_VENUE_POLYMARKET);
    m.platform_market_id = cid;
    m.title = title;
    m.description = "This market resolves to Yes if ...";
    m.outcome_yes_id = "111";
    m.outcome_no_id = "222";
    m.tick_size = 1000;
    m.min_order_size = 5000000;
    m.fee_rate_bps = 400;
    m.neg_risk = 1;
    return m;
}

static void test_upsert_idempotent(void **state) {
    fixture *f = *state;
    f->db = open_db(f, PM_DB_MIGRATE);
    pm_err err;
    pm_upsert_result res;
    pm_market m = kalshi_market("KXFED-26DEC-T4.25", "Fed above 4.25%?");
    assert_int_equal(pm_store_upsert_market(f->db, &m, 1000000000LL, &res, &err), 0);
    assert_int_equal(res, PM_UPSERT_NEW);
    char id[PM_UUID_LEN];
    strcpy(id, m.id);
    assert_true(pm_uuid_valid(id));

    pm_market again = kalshi_market("KXFED-26DEC-T4.25", "Fed above 4.25%?");
    again.raw_json = "{\"ticker\":\"x\",\"yes_bid_dollars\":\"0.41\"}"; /* volatile fields don't count */
    assert_int_equal(pm_store_upsert_market(f->db, &again, 2000000000LL, &res, &err), 0);
    assert_int_equal(res, PM_UPSERT_UNCHANGED);
    assert_string_equal(again.id, id);

    pm_market changed = kalshi_market("KXFED-26DEC-T4.25", "Fed above 4.25%?");
    changed.rules = "Resolves Yes if the upper bound is above 4.25%";
    assert_int_equal(pm_store_upsert_market(f->db, &changed, 3000000000LL, &res, &err), 0);
    assert_int_equal(res, PM_UPSERT_UPDATED);
    assert_string_equal(changed.id, id);

    assert_int_equal(query_int(f->db, "SELECT count(*) FROM markets"), 1);
    char *s = query_text(f->db, "SELECT fetched_at || ' ' || updated_at || ' ' || raw_json FROM markets");
    assert_string_equal(s, "1970-01-01T00:00:03.000Z 1970-01-01T00:00:03.000Z {\"ticker\":\"x\"}");
    free(s);
    s = query_text(f->db, "SELECT tick_size || ' ' || min_order_size || ' ' || fee_multiplier || ' ' ||"
                          " COALESCE(fee_rate_bps, 'null') || ' ' || event_id FROM markets");
    assert_string_equal(s, "10000 10000 1000000 null KXEVT");
    free(s);

    /* Same id string on the other venue is another market. */
    pm_market p = poly_market("KXFED-26DEC-T4.25", "Fed above 4.25%?");
    assert_int_equal(pm_store_upsert_market(f->db, &p, 3000000000LL, &res, &err), 0);
    assert_int_equal(res, PM_UPSERT_NEW);
    assert_string_not_equal(p.id, id);
}

static void test_upsert_validation(void **state) {
    fixture *f = *state;
    f->db = open_db(f, PM_DB_MIGRATE);
    pm_err err;
    pm_upsert_result res;
    pm_market m = kalshi_market("KX", NULL);
    assert_int_equal(pm_store_upsert_market(f->db, &m, 1, &res, &err), -1);
    assert_string_equal(err.msg, "market KX: title is required");
    m = kalshi_market("KX", "t");
    m.status = "open";
    assert_int_equal(pm_store_upsert_market(f->db, &m, 1, &res, &err), -1);
    assert_string_equal(err.msg, "market KX: status must be active or closed, not 'open'");
    m = kalshi_market("KX", "t");
    m.close_time = "next tuesday";
    assert_int_equal(pm_store_upsert_market(f->db, &m, 1, &res, &err), -1);
    assert_string_equal(err.msg, "market KX: close_time 'next tuesday' is not ISO-8601 UTC");
    m = kalshi_market("", "t");
    assert_int_equal(pm_store_upsert_market(f->db, &m, 1, &res, &err), -1);
    assert_string_equal(err.msg, "market without platform_market_id");
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM markets"), 0);
}

typedef struct poly_seen {
    char gamma[16], version[8], yes_name[16], no_name[16];
    int fees_enabled, taker_only, accepting, book;
    int64_t exponent, rebate, rate;
} poly_seen;

static int poly_grab(void *ctx, const pm_market *m) {
    poly_seen *x = ctx;
    snprintf(x->gamma, sizeof x->gamma, "%s", m->gamma_id ? m->gamma_id : "-");
    snprintf(x->version, sizeof x->version, "%s", m->protocol_version ? m->protocol_version : "-");
    snprintf(x->yes_name, sizeof x->yes_name, "%s", m->outcome_yes_name ? m->outcome_yes_name : "-");
    snprintf(x->no_name, sizeof x->no_name, "%s", m->outcome_no_name ? m->outcome_no_name : "-");
    x->fees_enabled = m->fees_enabled, x->taker_only = m->fee_taker_only;
    x->accepting = m->accepting_orders, x->book = m->order_book_enabled;
    x->exponent = m->fee_exponent, x->rebate = m->fee_rebate_bps, x->rate = m->fee_rate_bps;
    return 0;
}

/* Migration 4's Polymarket details round-trip, count as changes, and feed the content hash
 * only when outcome names are given (a Kalshi market's hash is what it was before). */
/* Opportunities of every direction are stored (migration 6): a same-venue one names only its
 * venue's market, whose columns hold both legs; the other venue's columns are NULL. */
static void test_opportunity_directions(void **state) {
    fixture *f = *state;
    f->db = open_db(f, PM_DB_MIGRATE);
    exec_sql(f->db, "INSERT INTO markets (id, platform, platform_market_id, title, status, fetched_at)"
                    " VALUES ('a', 'kalshi', 'K', 't', 'active', 'x'), ('b', 'polymarket', 'P', 't', 'active', 'x');"
                    "INSERT INTO market_matches (id, kalshi_market_id, polymarket_market_id, status, created_at)"
                    " VALUES ('x1', 'a', 'b', 'approved', 'x')");
    static const struct {
        int same, outcome;
        const char *ticker, *token, *want;
    } cases[] = {
        {0, PM_OUTCOME_YES, "KXA", "111", "kalshi_yes KXA 111 1 2 3 4 5 6 7 8"},
        {0, PM_OUTCOME_NO, "KXA", "222", "kalshi_no KXA 222 1 2 3 4 5 6 7 8"},
        {1, PM_OUTCOME_YES, "KXA", "", "kalshi_same KXA - 1 - 3 - 5 - 7 -"},
        {1, PM_OUTCOME_YES, "", "111", "polymarket_same - 111 - 2 - 4 - 6 - 8"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pm_record r;
        memset(&r, 0, sizeof r);
        r.kind = PM_REC_OPPORTUNITY;
        pm_rec_opportunity *o = &r.u.opportunity;
        snprintf(o->id, sizeof o->id, "o%zu", i);
        snprintf(o->match_id, sizeof o->match_id, "x1");
        o->same_venue = cases[i].same;
        o->kalshi_outcome = (pm_outcome)cases[i].outcome;
        snprintf(o->kalshi_ticker, sizeof o->kalshi_ticker, "%s", cases[i].ticker);
        snprintf(o->polymarket_token_id, sizeof o->polymarket_token_id, "%s", cases[i].token);
        o->qty = 1000000;
        o->kalshi_price = 1, o->polymarket_price = 2, o->kalshi_cost = 3, o->polymarket_cost = 4;
        o->kalshi_fee = 5, o->polymarket_fee = 6, o->expected_profit = 9;
        o->kalshi_book_age_us = 7;
        o->polymarket_book_age_us = 8;
        o->annualized_bps = -1;
        snprintf(o->decision, sizeof o->decision, "traded");
        int inserted = 0;
        pm_err err;
        if (pm_store_write_record(f->db, &r, &inserted, &err)) fail_msg("%s: %s", cases[i].want, err.msg);
        assert_int_equal(inserted, 1);
        char sql[512];
        snprintf(sql, sizeof sql, "SELECT direction || ' ' || COALESCE(kalshi_ticker, '-') || ' ' ||"
                 " COALESCE(polymarket_token_id, '-') || ' ' || COALESCE(kalshi_price, '-') || ' ' ||"
                 " COALESCE(polymarket_price, '-') || ' ' || COALESCE(kalshi_cost, '-') || ' ' ||"
                 " COALESCE(polymarket_cost, '-') || ' ' || COALESCE(kalshi_fee, '-') || ' ' ||"
                 " COALESCE(polymarket_fee, '-') || ' ' || COALESCE(kalshi_book_age_us, '-') || ' ' ||"
                 " COALESCE(polymarket_book_age_us, '-') FROM opportunities WHERE id = 'o%zu'", i);
        char *got = query_text(f->db, sql);
        assert_string_equal(got, cases[i].want);
        free(got);
    }
    /* a cross-venue row must name both markets */
    char *msg = NULL;
    int rc = sqlite3_exec(pm_db_handle(f->db),
                          "INSERT INTO opportunities (id, ts_ns, match_id, direction, kalshi_ticker, qty, kalshi_price,"
                          " kalshi_cost, kalshi_fee, expected_profit, mode, decision) VALUES ('bad', 1, 'x1',"
                          " 'kalshi_yes', 'KXA', 1, 1, 1, 1, 1, 'paper', 'traded')",
                          NULL, NULL, &msg);
    assert_int_equal(rc, SQLITE_CONSTRAINT_CHECK);
    sqlite3_free(msg);
}

static void test_polymarket_details(void **state) {
    fixture *f = *state;
    f->db = open_db(f, PM_DB_MIGRATE);
    pm_err err;
    pm_upsert_result res;
    pm_market p = poly_market("0x01", "Counter-Strike: FaZe vs illwill");
    p.gamma_id = "1878152";
    p.protocol_version = "v2";
    p.outcome_yes_name = "FaZe";
    p.outcome_no_name = "illwill";
    p.fees_enabled = 1;
    p.fee_exponent = 1;
    p.fee_taker_only = 1;
    p.fee_rebate_bps = 2500;
    p.accepting_orders = 0;
    p.order_book_enabled = 1;
    assert_int_equal(pm_store_upsert_market(f->db, &p, 1000000000LL, &res, &err), 0);
    assert_int_equal(res, PM_UPSERT_NEW);
    poly_seen x;
    assert_int_equal(pm_store_find_market(f->db, PM_VENUE_POLYMARKET, "0x01", poly_grab, &x, &err), 1);
    assert_string_equal(x.gamma, "1878152");
    assert_string_equal(x.version, "v2");
    assert_string_equal(x.yes_name, "FaZe");
    assert_string_equal(x.no_name, "illwill");
    assert_int_equal(x.fees_enabled, 1);
    assert_int_equal(x.exponent, 1);
    assert_int_equal(x.taker_only, 1);
    assert_int_equal(x.rebate, 2500);
    assert_int_equal(x.accepting, 0);
    assert_int_equal(x.book, 1);
    assert_int_equal(x.rate, 400);
    assert_int_equal(pm_store_upsert_market(f->db, &p, 2000000000LL, &res, &err), 0);
    assert_int_equal(res, PM_UPSERT_UNCHANGED);
    char *named = query_text(f->db, "SELECT content_hash FROM markets WHERE platform_market_id = '0x01'");
    p.accepting_orders = 1; /* the venue opens the book */
    assert_int_equal(pm_store_upsert_market(f->db, &p, 3000000000LL, &res, &err), 0);
    assert_int_equal(res, PM_UPSERT_UPDATED);
    p.outcome_no_name = "ILLWILL";
    assert_int_equal(pm_store_upsert_market(f->db, &p, 4000000000LL, &res, &err), 0);
    assert_int_equal(res, PM_UPSERT_UPDATED);
    char *renamed = query_text(f->db, "SELECT content_hash FROM markets WHERE platform_market_id = '0x01'");
    assert_string_not_equal(named, renamed);
    free(named), free(renamed);
    /* unknown stays unknown (NULL), not 0 */
    pm_market k = kalshi_market("KXA", "A?");
    assert_int_equal(pm_store_upsert_market(f->db, &k, 1000000000LL, &res, &err), 0);
    assert_int_equal(pm_store_find_market(f->db, PM_VENUE_KALSHI, "KXA", poly_grab, &x, &err), 1);
    assert_string_equal(x.gamma, "-");
    assert_int_equal(x.fees_enabled, -1);
    assert_int_equal(x.accepting, -1);
    assert_int_equal(x.exponent, -1);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM markets WHERE platform = 'kalshi' AND fees_enabled IS NULL"
                                      " AND accepting_orders IS NULL AND outcome_yes_name IS NULL"),
                     1);
    /* the hash of a market without outcome names covers title, description, rules, close time */
    char *hash = query_text(f->db, "SELECT content_hash FROM markets WHERE platform_market_id = 'KXA'");
    assert_string_equal(hash, "3a3fb34b2fd1226a08d220ab3e060aad17ab1eff10604c4746a737379d121189");
    free(hash);
}

static int count_cb(void *ctx, const pm_market *m) {
    (void)m;
    (*(int *)ctx)++;
    return 0;
}

static void test_close_unseen(void **state) {
    fixture *f = *state;
    f->db = open_db(f, PM_DB_MIGRATE);
    pm_err err;
    pm_upsert_result res;
    const char *tickers[] = {"KA", "KB", "KC"};
    for (int i = 0; i < 3; i++) {
        pm_market m = kalshi_market(tickers[i], "t");
        assert_int_equal(pm_store_upsert_market(f->db, &m, 1000000000LL, &res, &err), 0);
    }
    pm_market p = poly_market("0x1", "t");
    assert_int_equal(pm_store_upsert_market(f->db, &p, 1000000000LL, &res, &err), 0);
    /* The next sync starts at t=5 s and sees only KA and KC. */
    int64_t sync_start = 5000000000LL;
    pm_market a = kalshi_market("KA", "t"), c = kalshi_market("KC", "t");
    assert_int_equal(pm_store_upsert_market(f->db, &a, sync_start, &res, &err), 0);
    assert_int_equal(pm_store_upsert_market(f->db, &c, sync_start + 1000000, &res, &err), 0);
    int closed = -1;
    assert_int_equal(pm_store_close_unseen_markets(f->db, PM_VENUE_KALSHI, sync_start, &closed, &err), 0);
    assert_int_equal(closed, 1);
    char *s = query_text(f->db, "SELECT group_concat(platform_market_id || '=' || status, ',') FROM"
                                " (SELECT * FROM markets ORDER BY platform_market_id)");
    assert_string_equal(s, "0x1=active,KA=active,KB=closed,KC=active");
    free(s);
    int n = 0;
    assert_int_equal(pm_store_list_markets(f->db, PM_VENUE_KALSHI, PM_MARKET_ACTIVE, count_cb, &n, &err), 0);
    assert_int_equal(n, 2);
    n = 0;
    assert_int_equal(pm_store_list_markets(f->db, -1, NULL, count_cb, &n, &err), 0);
    assert_int_equal(n, 4);
    /* A market seen again reopens: its status is part of what the sync reports. */
    pm_market b = kalshi_market("KB", "t");
    assert_int_equal(pm_store_upsert_market(f->db, &b, sync_start + 2000000, &res, &err), 0);
    assert_int_equal(res, PM_UPSERT_UPDATED);
}

typedef struct seen {
    int n;
    char ids[8][PM_UUID_LEN];
    char kalshi[8][32];
    pm_polarity polarity[8];
    int64_t confidence[8];
} seen;

static int collect(void *ctx, const pm_match_row *r) {
    seen *s = ctx;
    strcpy(s->ids[s->n], r->id);
    snprintf(s->kalshi[s->n], sizeof s->kalshi[0], "%s", r->kalshi.platform_market_id);
    s->polarity[s->n] = r->polarity;
    s->confidence[s->n] = r->confidence;
    s->n++;
    return 0;
}

static void test_candidates_and_review(void **state) {
    fixture *f = *state;
    f->db = open_db(f, PM_DB_MIGRATE);
    pm_err err;
    pm_upsert_result res;
    pm_market k1 = kalshi_market("K1", "Will X win?"), k2 = kalshi_market("K2", "Will Y win?");
    pm_market p1 = poly_market("0xP1", "X wins?"), p2 = poly_market("0xP2", "Y loses?");
    pm_market *all[] = {&k1, &k2, &p1, &p2};
    for (int i = 0; i < 4; i++) assert_int_equal(pm_store_upsert_market(f->db, all[i], 1000, &res, &err), 0);

    pm_candidate c = {.kalshi_market_id = k1.id, .polymarket_market_id = p1.id, .confidence = 970000,
                      .polarity = PM_POLARITY_SAME, .reason = "same event", .model = "m1",
                      .prompt_version = "v1", .status = PM_MATCH_PENDING_REVIEW};
    char id1[PM_UUID_LEN], again[PM_UUID_LEN];
    pm_candidate_result cr;
    assert_int_equal(pm_store_put_candidate(f->db, &c, id1, &cr, &err), 0);
    assert_int_equal(cr, PM_CANDIDATE_INSERTED);
    assert_int_equal(pm_store_put_candidate(f->db, &c, again, &cr, &err), 0);
    assert_int_equal(cr, PM_CANDIDATE_UNCHANGED);
    assert_string_equal(again, id1);
    c.confidence = 980000;
    assert_int_equal(pm_store_put_candidate(f->db, &c, again, &cr, &err), 0);
    assert_int_equal(cr, PM_CANDIDATE_UPDATED);
    assert_string_equal(again, id1);

    pm_candidate rej = {.kalshi_market_id = k2.id, .polymarket_market_id = p2.id, .confidence = 400000,
                        .polarity = PM_POLARITY_INVERTED, .reason = "different threshold",
                        .status = PM_MATCH_REJECTED};
    char id2[PM_UUID_LEN];
    assert_int_equal(pm_store_put_candidate(f->db, &rej, id2, &cr, &err), 0);
    char *s = query_text(f->db, "SELECT reviewed_by FROM market_matches WHERE status = 'rejected'");
    assert_string_equal(s, "auto");
    free(s);

    pm_candidate bad = c;
    bad.status = PM_MATCH_APPROVED;
    assert_int_equal(pm_store_put_candidate(f->db, &bad, again, &cr, &err), -1);
    assert_non_null(strstr(err.msg, "only a person approves"));
    bad = c;
    bad.confidence = 1000001;
    assert_int_equal(pm_store_put_candidate(f->db, &bad, again, &cr, &err), -1);

    seen pend = {0};
    assert_int_equal(pm_store_list_matches(f->db, PM_MATCH_PENDING_REVIEW, collect, &pend, &err), 0);
    assert_int_equal(pend.n, 1);
    assert_string_equal(pend.kalshi[0], "K1");
    assert_int_equal(pend.confidence[0], 980000);

    seen appr = {0};
    assert_int_equal(pm_store_list_approved_pairs(f->db, collect, &appr, &err), 0);
    assert_int_equal(appr.n, 0);

    assert_int_equal(pm_store_review_match(f->db, id1, PM_MATCH_APPROVED, "auto", NULL, &err), -1);
    assert_int_equal(pm_store_review_match(f->db, "no-such-id", PM_MATCH_APPROVED, "alice", NULL, &err), -1);
    assert_string_equal(err.msg, "no match with id no-such-id");
    assert_int_equal(pm_store_review_match(f->db, id1, PM_MATCH_APPROVED, "alice", "checked rules", &err), 0);
    s = query_text(f->db, "SELECT reviewed_by || ' ' || review_note || ' ' || (reviewed_at IS NOT NULL)"
                          " FROM market_matches WHERE status = 'approved'");
    assert_string_equal(s, "alice checked rules 1");
    free(s);

    /* A later matcher run never overwrites a person's decision. */
    c.confidence = 500000;
    assert_int_equal(pm_store_put_candidate(f->db, &c, again, &cr, &err), 0);
    assert_int_equal(cr, PM_CANDIDATE_KEPT);
    assert_int_equal(query_int(f->db, "SELECT confidence * 1000000 FROM market_matches WHERE id = (SELECT id FROM"
                                      " market_matches WHERE status = 'approved')"),
                     980000);

    /* A person overturns the automatic rejection and flips polarity. */
    assert_int_equal(pm_store_review_match(f->db, id2, PM_MATCH_APPROVED, "bob", NULL, &err), 0);
    assert_int_equal(pm_store_set_match_polarity(f->db, id2, PM_POLARITY_SAME, &err), 0);
    assert_int_equal(pm_store_set_match_polarity(f->db, "nope", PM_POLARITY_SAME, &err), -1);
    appr.n = 0;
    assert_int_equal(pm_store_list_approved_pairs(f->db, collect, &appr, &err), 0);
    assert_int_equal(appr.n, 2);

    /* An approved pair whose market closed is not tradable any more. */
    int closed;
    assert_int_equal(pm_store_close_unseen_markets(f->db, PM_VENUE_POLYMARKET, 2000000000LL, &closed, &err), 0);
    assert_int_equal(closed, 2);
    appr.n = 0;
    assert_int_equal(pm_store_list_approved_pairs(f->db, collect, &appr, &err), 0);
    assert_int_equal(appr.n, 0);
    seen all_m = {0};
    assert_int_equal(pm_store_list_matches(f->db, -1, collect, &all_m, &err), 0);
    assert_int_equal(all_m.n, 2);
    assert_int_equal(all_m.confidence[0], 980000); /* highest confidence first */
}

/* Two processes upsert markets at the same time, each in many short transactions. */
static int child_writer(const char *path, int who, int n) {
    pm_err err;
    pm_db *db;
    if (pm_db_open(path, PM_DB_MIGRATE, 10000, &db, &err)) {
        fprintf(stderr, "child %d: %s\n", who, err.msg);
        return 1;
    }
    for (int i = 0; i < n; i++) {
        char ticker[32];
        snprintf(ticker, sizeof ticker, "P%d-%04d", who, i);
        pm_market m = kalshi_market(ticker, "concurrent");
        pm_upsert_result res;
        if (pm_db_begin(db, &err) || pm_store_upsert_market(db, &m, pm_wall_ns(), &res, &err) ||
            pm_db_commit(db, &err)) {
            fprintf(stderr, "child %d at %d: %s\n", who, i, err.msg);
            pm_db_close(db);
            return 1;
        }
    }
    pm_db_close(db);
    return 0;
}

static void test_two_processes(void **state) {
    fixture *f = *state;
    enum { PER_CHILD = 400 };
    pid_t pids[2];
    for (int c = 0; c < 2; c++) {
        pids[c] = fork();
        assert_true(pids[c] >= 0);
        if (pids[c] == 0) _exit(child_writer(f->path, c, PER_CHILD));
    }
    for (int c = 0; c < 2; c++) {
        int status;
        assert_int_equal(waitpid(pids[c], &status, 0), pids[c]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    f->db = open_db(f, PM_DB_MIGRATE);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM markets"), 2 * PER_CHILD);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_migrate_from_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_from_each_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_trigger, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upsert_idempotent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upsert_validation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_unseen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_polymarket_details, setup, teardown),
        cmocka_unit_test_setup_teardown(test_opportunity_directions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_candidates_and_review, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_processes, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
