/* test_reconcile.c — position reconciliation against fake venues (a pm_exec_venue whose
 * holdings and balance answer from a table) over a real database built with the store APIs:
 * the exact set asked for, equal positions, a difference on a known position, a holding on a
 * pair's market the database does not know of, adoption (positions, costs, audit events),
 * a position changed between comparison and adoption, more differences than are kept, a
 * venue that cannot be asked, and the audit event's detail text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/reconcile.h"
#include "store/markets.h"
#include "store/matches.h"
#include "store/positions.h"
#include "store/records.h"
#include "testutil.h"
#include "util/log.h"

#define Q(n) ((pm_qty_t)(n) * PM_SCALE) /* whole contracts */
#define MAX_HOLD 80

typedef struct fake_hold {
    char market_id[PM_EXEC_MARKET_MAX];
    pm_outcome outcome;
    pm_qty_t qty;
} fake_hold;

/* A venue whose account holds `hold` (everything else 0) and `cash`. */
typedef struct fake_venue {
    pm_exec_venue base;
    fake_hold hold[MAX_HOLD];
    size_t nhold;
    pm_usd_t cash;
    int fail_holdings, fail_balance;
    int holdings_calls, balance_calls;
    char asked[2048]; /* "market:outcome," for every outcome of the last holdings call */
} fake_venue;

static int fake_holdings(pm_exec_venue *v, pm_exec_holding *h, size_t n, pm_err *err) {
    fake_venue *f = (fake_venue *)v;
    f->holdings_calls++;
    if (f->fail_holdings) return pm_err_set(err, "venue down");
    f->asked[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(f->asked);
        snprintf(f->asked + len, sizeof f->asked - len, "%s:%s,", h[i].market_id, pm_outcome_name(h[i].outcome));
        h[i].qty = 0;
        for (size_t j = 0; j < f->nhold; j++)
            if (!strcmp(f->hold[j].market_id, h[i].market_id) && f->hold[j].outcome == h[i].outcome) h[i].qty = f->hold[j].qty;
    }
    return 0;
}

static int fake_balance(pm_exec_venue *v, pm_usd_t *cash, pm_err *err) {
    fake_venue *f = (fake_venue *)v;
    f->balance_calls++;
    if (f->fail_balance) return pm_err_set(err, "401 unauthorized");
    *cash = f->cash;
    return 0;
}

static const pm_exec_ops fake_ops = {.balance = fake_balance, .holdings = fake_holdings};

static void fake_init(fake_venue *f, pm_venue venue, pm_usd_t cash) {
    memset(f, 0, sizeof *f);
    f->base.ops = &fake_ops;
    f->base.venue = venue;
    f->cash = cash;
}

static void fake_hold_set(fake_venue *f, const char *market, pm_outcome o, pm_qty_t qty) {
    fake_hold *h = &f->hold[f->nhold++];
    snprintf(h->market_id, sizeof h->market_id, "%s", market);
    h->outcome = o;
    h->qty = qty;
}

typedef struct fixture {
    char *dir, *path;
    pm_db *db;
    fake_venue k, p;
    pm_exec_venue *venues[PM_VENUE_COUNT];
} fixture;

static void put_market(pm_db *db, pm_market *m) {
    pm_err err;
    pm_upsert_result res;
    if (pm_store_upsert_market(db, m, 1000, &res, &err)) fail_msg("%s", err.msg);
}

/* A Kalshi market and a Polymarket market (tokens yes/no) matched with the given status. */
static void put_pair(pm_db *db, const char *ticker, const char *cid, const char *yes, const char *no, int approve) {
    pm_market k, p;
    pm_market_init(&k, PM_VENUE_KALSHI);
    k.platform_market_id = ticker;
    k.title = "k";
    pm_market_init(&p, PM_VENUE_POLYMARKET);
    p.platform_market_id = cid;
    p.title = "p";
    p.outcome_yes_id = yes;
    p.outcome_no_id = no;
    put_market(db, &k);
    put_market(db, &p);
    pm_candidate c = {.kalshi_market_id = k.id, .polymarket_market_id = p.id, .confidence = 990000,
                      .polarity = PM_POLARITY_INVERTED, .status = PM_MATCH_PENDING_REVIEW};
    char id[PM_UUID_LEN];
    pm_candidate_result cr;
    pm_err err;
    if (pm_store_put_candidate(db, &c, id, &cr, &err)) fail_msg("%s", err.msg);
    if (approve && pm_store_review_match(db, id, PM_MATCH_APPROVED, "alice", NULL, &err)) fail_msg("%s", err.msg);
}

static void put_position(pm_db *db, pm_venue v, const char *market, pm_outcome o, int live, pm_qty_t qty, pm_usd_t cost,
                         pm_usd_t pnl) {
    pm_record r = {.kind = PM_REC_POSITION};
    r.u.position = (pm_rec_position){.venue = v, .outcome = o, .live = live, .qty = qty, .cost = cost,
                                     .realized_pnl = pnl, .updated_ns = 100};
    snprintf(r.u.position.market_id, sizeof r.u.position.market_id, "%s", market);
    pm_err err;
    if (pm_store_write_record(db, &r, NULL, &err)) fail_msg("%s", err.msg);
}

/* The database: pair KXA ↔ 0xc1 (tokens 111 yes, 222 no) approved, KXP ↔ 0xc2 pending; live
 * positions KXA yes 10 ($4.50, realized $0.25), KXOLD no 3 ($1.20) (no longer a pair market),
 * 111 yes 10 ($5.00); a paper position KXA no 7. The venues hold exactly that. */
static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    f->dir = pm_test_tmpdir();
    f->path = pm_test_path(f->dir, "markets.db");
    pm_err err;
    if (pm_db_open(f->path, PM_DB_MIGRATE, 5000, &f->db, &err)) fail_msg("%s", err.msg);
    put_pair(f->db, "KXA", "0xc1", "111", "222", 1);
    put_pair(f->db, "KXP", "0xc2", "333", "444", 0);
    put_position(f->db, PM_VENUE_KALSHI, "KXA", PM_OUTCOME_YES, 1, Q(10), 4500000, 250000);
    put_position(f->db, PM_VENUE_KALSHI, "KXOLD", PM_OUTCOME_NO, 1, Q(3), 1200000, 0);
    put_position(f->db, PM_VENUE_POLYMARKET, "111", PM_OUTCOME_YES, 1, Q(10), 5000000, 0);
    put_position(f->db, PM_VENUE_KALSHI, "KXA", PM_OUTCOME_NO, 0, Q(7), 3000000, 0);
    fake_init(&f->k, PM_VENUE_KALSHI, 123450000);
    fake_init(&f->p, PM_VENUE_POLYMARKET, 50000001);
    fake_hold_set(&f->k, "KXA", PM_OUTCOME_YES, Q(10));
    fake_hold_set(&f->k, "KXOLD", PM_OUTCOME_NO, Q(3));
    fake_hold_set(&f->p, "111", PM_OUTCOME_YES, Q(10));
    f->venues[PM_VENUE_KALSHI] = &f->k.base;
    f->venues[PM_VENUE_POLYMARKET] = &f->p.base;
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

/* "venue market outcome qty cost pnl updated" for every position of the mode, one per line. */
static void positions_text(pm_db *db, char *buf, size_t cap) {
    sqlite3_stmt *st;
    buf[0] = '\0';
    assert_int_equal(sqlite3_prepare_v2(pm_db_handle(db),
                                        "SELECT venue, market_id, outcome, mode, qty, cost, realized_pnl, updated_ns"
                                        " FROM positions ORDER BY mode, venue, market_id, outcome", -1, &st, NULL),
                     SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        size_t len = strlen(buf);
        snprintf(buf + len, cap - len, "%s %s %s %s %lld %lld %lld %lld\n", sqlite3_column_text(st, 0),
                 sqlite3_column_text(st, 1), sqlite3_column_text(st, 2), sqlite3_column_text(st, 3),
                 (long long)sqlite3_column_int64(st, 4), (long long)sqlite3_column_int64(st, 5),
                 (long long)sqlite3_column_int64(st, 6), (long long)sqlite3_column_int64(st, 7));
    }
    sqlite3_finalize(st);
}

/* "ts level kind detail" for every event, one per line. */
static void events_text(pm_db *db, char *buf, size_t cap) {
    sqlite3_stmt *st;
    buf[0] = '\0';
    assert_int_equal(sqlite3_prepare_v2(pm_db_handle(db), "SELECT ts_ns, level, kind, match_id, order_id, detail FROM events ORDER BY id",
                                        -1, &st, NULL),
                     SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        size_t len = strlen(buf);
        snprintf(buf + len, cap - len, "%lld %s %s %s %s %s\n", (long long)sqlite3_column_int64(st, 0),
                 sqlite3_column_text(st, 1), sqlite3_column_text(st, 2),
                 sqlite3_column_type(st, 3) == SQLITE_NULL ? "-" : "?", sqlite3_column_type(st, 4) == SQLITE_NULL ? "-" : "?",
                 sqlite3_column_text(st, 5));
    }
    sqlite3_finalize(st);
}

static const char positions_before[] =
    "kalshi KXA yes live 10000000 4500000 250000 100\n"
    "kalshi KXOLD no live 3000000 1200000 0 100\n"
    "polymarket 111 yes live 10000000 5000000 0 100\n"
    "kalshi KXA no paper 7000000 3000000 0 100\n";

static void test_equal(void **state) {
    fixture *f = *state;
    pm_recon r;
    pm_err err;
    assert_int_equal(pm_reconcile(f->db, f->venues, &r, &err), 0);
    assert_int_equal(r.checked, 5);
    assert_int_equal(r.ndiffs, 0);
    assert_int_equal(r.ndiffs_total, 0);
    assert_int_equal(r.venue_cash[PM_VENUE_KALSHI], 123450000);
    assert_int_equal(r.venue_cash[PM_VENUE_POLYMARKET], 50000001);
    /* one call per venue, for exactly the live rows ∪ the approved pair's outcomes (the pending
     * pair's and the paper row's markets are not asked unless a live row names them) */
    assert_int_equal(f->k.holdings_calls, 1);
    assert_int_equal(f->p.holdings_calls, 1);
    assert_int_equal(f->k.balance_calls, 1);
    assert_int_equal(f->p.balance_calls, 1);
    assert_string_equal(f->k.asked, "KXA:yes,KXA:no,KXOLD:no,");
    assert_string_equal(f->p.asked, "111:yes,222:no,");
}

static void test_diff_known_position(void **state) {
    fixture *f = *state;
    f->k.hold[0].qty = Q(8);
    pm_recon r;
    pm_err err;
    assert_int_equal(pm_reconcile(f->db, f->venues, &r, &err), 0);
    assert_int_equal(r.checked, 5);
    assert_int_equal(r.ndiffs, 1);
    assert_int_equal(r.ndiffs_total, 1);
    assert_int_equal(r.diff[0].venue, PM_VENUE_KALSHI);
    assert_string_equal(r.diff[0].market_id, "KXA");
    assert_int_equal(r.diff[0].outcome, PM_OUTCOME_YES);
    assert_int_equal(r.diff[0].ours, Q(10));
    assert_int_equal(r.diff[0].theirs, Q(8));
}

static void test_unknown_holding_on_pair_market(void **state) {
    fixture *f = *state;
    fake_hold_set(&f->p, "222", PM_OUTCOME_NO, 4500000);
    fake_hold_set(&f->p, "333", PM_OUTCOME_YES, Q(1)); /* pending pair: not compared */
    pm_recon r;
    pm_err err;
    assert_int_equal(pm_reconcile(f->db, f->venues, &r, &err), 0);
    assert_int_equal(r.checked, 5);
    assert_int_equal(r.ndiffs_total, 1);
    assert_int_equal(r.diff[0].venue, PM_VENUE_POLYMARKET);
    assert_string_equal(r.diff[0].market_id, "222");
    assert_int_equal(r.diff[0].outcome, PM_OUTCOME_NO);
    assert_int_equal(r.diff[0].ours, 0);
    assert_int_equal(r.diff[0].theirs, 4500000);
}

static void test_adopt(void **state) {
    fixture *f = *state;
    f->k.hold[0].qty = Q(8);
    f->k.hold[1].qty = 0;
    fake_hold_set(&f->p, "222", PM_OUTCOME_NO, 4500000);
    pm_recon r;
    pm_err err;
    assert_int_equal(pm_reconcile(f->db, f->venues, &r, &err), 0);
    assert_int_equal(r.ndiffs, 3);
    assert_int_equal(pm_reconcile_adopt(f->db, &r, 5000, &err), 0);
    char buf[4096];
    positions_text(f->db, buf, sizeof buf);
    assert_string_equal(buf, "kalshi KXA yes live 8000000 3600000 250000 5000\n" /* cost 4.50 × 8/10 */
                             "kalshi KXOLD no live 0 0 0 5000\n"
                             "polymarket 111 yes live 10000000 5000000 0 100\n"
                             "polymarket 222 no live 4500000 0 0 5000\n"
                             "kalshi KXA no paper 7000000 3000000 0 100\n");
    events_text(f->db, buf, sizeof buf);
    assert_string_equal(buf,
                        "5000 warn reconcile_adopt - - {\"venue\":\"kalshi\",\"market\":\"KXA\",\"outcome\":\"yes\","
                        "\"ours\":\"10\",\"theirs\":\"8\",\"cost_before\":\"4.50\",\"cost_after\":\"3.60\"}\n"
                        "5000 warn reconcile_adopt - - {\"venue\":\"kalshi\",\"market\":\"KXOLD\",\"outcome\":\"no\","
                        "\"ours\":\"3\",\"theirs\":\"0\",\"cost_before\":\"1.20\",\"cost_after\":\"0.00\"}\n"
                        "5000 warn reconcile_adopt - - {\"venue\":\"polymarket\",\"market\":\"222\",\"outcome\":\"no\","
                        "\"ours\":\"0\",\"theirs\":\"4.5\",\"cost_before\":\"0.00\",\"cost_after\":\"0.00\"}\n");
    assert_int_equal(pm_reconcile(f->db, f->venues, &r, &err), 0);
    assert_int_equal(r.checked, 5);
    assert_int_equal(r.ndiffs_total, 0);
}

static void test_adopt_rounds_cost_half_even(void **state) {
    fixture *f = *state;
    put_position(f->db, PM_VENUE_POLYMARKET, "111", PM_OUTCOME_YES, 1, Q(3), 1000001, 0);
    f->p.hold[0].qty = 1500000; /* 1.000001 × 1.5/3 = 0.5000005 → 0.500000 (tie to even) */
    pm_recon r;
    pm_err err;
    assert_int_equal(pm_reconcile(f->db, f->venues, &r, &err), 0);
    assert_int_equal(pm_reconcile_adopt(f->db, &r, 6000, &err), 0);
    pm_position_row p;
    assert_int_equal(pm_store_get_position(f->db, PM_VENUE_POLYMARKET, "111", PM_OUTCOME_YES, 1, &p, &err), 1);
    assert_int_equal(p.qty, 1500000);
    assert_int_equal(p.cost, 500000);
}

static void test_adopt_refuses_changed_position(void **state) {
    fixture *f = *state;
    f->k.hold[0].qty = Q(8);
    fake_hold_set(&f->p, "222", PM_OUTCOME_NO, Q(1));
    pm_recon r;
    pm_err err;
    assert_int_equal(pm_reconcile(f->db, f->venues, &r, &err), 0);
    assert_int_equal(r.ndiffs, 2);
    put_position(f->db, PM_VENUE_POLYMARKET, "222", PM_OUTCOME_NO, 1, Q(1), 400000, 0); /* a fill came in */
    assert_int_equal(pm_reconcile_adopt(f->db, &r, 5000, &err), -1);
    assert_string_equal(err.msg, "adopting the venues' positions: the position polymarket 222 no is now 1, not the 0 "
                                 "compared: reconcile again");
    char buf[4096];
    positions_text(f->db, buf, sizeof buf);
    assert_string_equal(buf, "kalshi KXA yes live 10000000 4500000 250000 100\n" /* the first was rolled back */
                             "kalshi KXOLD no live 3000000 1200000 0 100\n"
                             "polymarket 111 yes live 10000000 5000000 0 100\n"
                             "polymarket 222 no live 1000000 400000 0 100\n"
                             "kalshi KXA no paper 7000000 3000000 0 100\n");
    events_text(f->db, buf, sizeof buf);
    assert_string_equal(buf, "");
}

static void test_more_diffs_than_kept(void **state) {
    fixture *f = *state;
    for (int i = 0; i < 70; i++) { /* 70 live rows the venue does not hold */
        char m[16];
        snprintf(m, sizeof m, "KXM%02d", i);
        put_position(f->db, PM_VENUE_KALSHI, m, PM_OUTCOME_YES, 1, Q(1), 500000, 0);
    }
    pm_recon r;
    pm_err err;
    assert_int_equal(pm_reconcile(f->db, f->venues, &r, &err), 0);
    assert_int_equal(r.checked, 75);
    assert_int_equal(r.ndiffs, PM_RECON_DIFF_MAX);
    assert_int_equal(r.ndiffs_total, 70);
    assert_string_equal(r.diff[0].market_id, "KXM00");
    assert_string_equal(r.diff[63].market_id, "KXM63");
    assert_int_equal(pm_reconcile_adopt(f->db, &r, 7000, &err), 0);
    assert_int_equal(pm_reconcile(f->db, f->venues, &r, &err), 0);
    assert_int_equal(r.ndiffs_total, 6);
    assert_string_equal(r.diff[0].market_id, "KXM64");
    assert_int_equal(pm_reconcile_adopt(f->db, &r, 7001, &err), 0);
    assert_int_equal(pm_reconcile(f->db, f->venues, &r, &err), 0);
    assert_int_equal(r.ndiffs_total, 0);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(pm_db_handle(f->db), "SELECT count(*) FROM events WHERE kind = 'reconcile_adopt'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 70);
    sqlite3_finalize(st);
}

/* A venue that cannot be asked: -1, *out zeroed, and adopting it writes nothing. */
static void check_venue_error(fixture *f, const char *want) {
    f->k.hold[0].qty = Q(8);
    pm_recon r;
    pm_err err;
    assert_int_equal(pm_reconcile(f->db, f->venues, &r, &err), -1);
    assert_string_equal(err.msg, want);
    assert_int_equal(r.checked, 0);
    assert_int_equal(r.ndiffs, 0);
    assert_int_equal(r.ndiffs_total, 0);
    assert_int_equal(r.venue_cash[PM_VENUE_KALSHI], 0);
    assert_int_equal(pm_reconcile_adopt(f->db, &r, 5000, &err), 0);
    char buf[4096];
    positions_text(f->db, buf, sizeof buf);
    assert_string_equal(buf, positions_before);
    events_text(f->db, buf, sizeof buf);
    assert_string_equal(buf, "");
}

static void test_venue_holdings_error(void **state) {
    fixture *f = *state;
    f->p.fail_holdings = 1;
    check_venue_error(f, "polymarket holdings: venue down");
}

static void test_venue_balance_error(void **state) {
    fixture *f = *state;
    f->k.fail_balance = 1;
    check_venue_error(f, "kalshi balance: 401 unauthorized");
}

static void test_venue_missing(void **state) {
    fixture *f = *state;
    f->venues[PM_VENUE_POLYMARKET] = &f->k.base; /* the wrong venue in the Polymarket slot */
    check_venue_error(f, "reconcile: no polymarket venue given");
    f->venues[PM_VENUE_POLYMARKET] = NULL;
    check_venue_error(f, "reconcile: no polymarket venue given");
}

static void test_event_detail(void **state) {
    fixture *f = *state;
    f->k.hold[0].qty = Q(8);
    fake_hold_set(&f->p, "222", PM_OUTCOME_NO, 4500000);
    pm_recon r;
    pm_err err;
    assert_int_equal(pm_reconcile(f->db, f->venues, &r, &err), 0);
    char buf[PM_REC_DETAIL_MAX];
    static const char want[] =
        "{\"checked\":5,\"differ\":2,\"shown\":2,\"cash\":{\"kalshi\":\"123.45\",\"polymarket\":\"50.000001\"},"
        "\"diffs\":[{\"venue\":\"kalshi\",\"market\":\"KXA\",\"outcome\":\"yes\",\"ours\":\"10\",\"theirs\":\"8\"},"
        "{\"venue\":\"polymarket\",\"market\":\"222\",\"outcome\":\"no\",\"ours\":\"0\",\"theirs\":\"4.5\"}]}";
    assert_int_equal(pm_recon_event_detail(&r, buf, sizeof buf), (int)strlen(want));
    assert_string_equal(buf, want);
    /* too small for the second difference: only the first is shown */
    static const char want1[] =
        "{\"checked\":5,\"differ\":2,\"shown\":1,\"cash\":{\"kalshi\":\"123.45\",\"polymarket\":\"50.000001\"},"
        "\"diffs\":[{\"venue\":\"kalshi\",\"market\":\"KXA\",\"outcome\":\"yes\",\"ours\":\"10\",\"theirs\":\"8\"}]}";
    assert_int_equal(pm_recon_event_detail(&r, buf, strlen(want)), (int)strlen(want1));
    assert_string_equal(buf, want1);
    assert_int_equal(pm_recon_event_detail(&r, buf, 20), -1);
    pm_recon none = {.checked = 0};
    static const char want0[] =
        "{\"checked\":0,\"differ\":0,\"shown\":0,\"cash\":{\"kalshi\":\"0.00\",\"polymarket\":\"0.00\"},\"diffs\":[]}";
    assert_int_equal(pm_recon_event_detail(&none, buf, sizeof buf), (int)strlen(want0));
    assert_string_equal(buf, want0);
}

/* 64 differences on 78-digit token ids with a quote in one: the detail is valid JSON, fits
 * PM_REC_DETAIL_MAX, and shows as many as fit. */
static void test_event_detail_full(void **state) {
    (void)state;
    pm_recon r = {.checked = 200, .ndiffs = PM_RECON_DIFF_MAX, .ndiffs_total = 99};
    r.venue_cash[PM_VENUE_KALSHI] = INT64_MAX;
    r.venue_cash[PM_VENUE_POLYMARKET] = INT64_MIN;
    for (size_t i = 0; i < PM_RECON_DIFF_MAX; i++) {
        pm_recon_diff *d = &r.diff[i];
        d->venue = PM_VENUE_POLYMARKET;
        memset(d->market_id, '7', 78);
        d->market_id[0] = i == 0 ? '"' : '1';
        d->outcome = PM_OUTCOME_NO;
        d->ours = INT64_MAX;
        d->theirs = 1;
    }
    char buf[PM_REC_DETAIL_MAX];
    int len = pm_recon_event_detail(&r, buf, sizeof buf);
    assert_true(len > 0 && len < PM_REC_DETAIL_MAX);
    assert_int_equal((size_t)len, strlen(buf));
    json_error_t jerr;
    json_t *o = json_loads(buf, 0, &jerr);
    assert_non_null(o);
    assert_int_equal(json_integer_value(json_object_get(o, "differ")), 99);
    json_t *diffs = json_object_get(o, "diffs");
    assert_int_equal(json_integer_value(json_object_get(o, "shown")), (json_int_t)json_array_size(diffs));
    assert_int_equal(json_array_size(diffs), 2);
    assert_int_equal(json_string_value(json_object_get(json_array_get(diffs, 0), "market"))[0], '"');
    assert_string_equal(json_string_value(json_object_get(json_array_get(diffs, 0), "ours")), "9223372036854.775807");
    assert_string_equal(json_string_value(json_object_get(json_object_get(o, "cash"), "polymarket")),
                        "-9223372036854.775808");
    json_decref(o);
}

int main(void) {
    pm_log_set_level(PM_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_equal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_diff_known_position, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_holding_on_pair_market, setup, teardown),
        cmocka_unit_test_setup_teardown(test_adopt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_adopt_rounds_cost_half_even, setup, teardown),
        cmocka_unit_test_setup_teardown(test_adopt_refuses_changed_position, setup, teardown),
        cmocka_unit_test_setup_teardown(test_more_diffs_than_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_venue_holdings_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_venue_balance_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_venue_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_event_detail, setup, teardown),
        cmocka_unit_test(test_event_detail_full),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
