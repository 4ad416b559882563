/* test_live_faults.c — `pmarb run` in live mode against `pmarb sim` with the simulator's faults
 * injected while it trades (POST /admin/faults), each fault right after a dislocation opens so
 * that the run is tempted to trade through it:
 *   feeds: dropped connections on each venue, a Kalshi sequence gap, malformed frames on each
 *     venue — the run logs the loss and the resync, creates no order while a venue's feed is
 *     down, and trades again afterwards without a manual step;
 *   orders: 429 and 500 answers to order posts, slow answers, answers lost after the venue took
 *     the order, refused orders on each venue —
 *     nothing is sent twice, every order's outcome is the venue's, a first leg that did not
 *     fill sends no second leg, and the run goes on trading;
 *   partial fills on one leg — the one-legged outcome is recorded and resolved.
 * After each run the invariants of a live run hold (testutil.h pm_test_live_check). */
#define _GNU_SOURCE /* timegm */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testutil.h"
#include "util/clock.h"
#include "util/log.h"

/* Roomy limits (they are not what is under test here), fast log lines. */
#define INI_COMMON                                                                                                     \
    "[strategy]\nmin_annualized_return = 0\nmin_profit = 0.01\nmax_size = 5\nmax_book_age_ms = 2000\nfirst_leg = %s\n" \
    "[risk]\nmax_contracts_per_pair = 20\nmax_notional_per_pair = 20\nmax_contracts_per_venue = 200\n"               \
    "max_notional_per_venue = 200\nmax_contracts_total = 400\nmax_notional_total = 400\nmax_orders_per_second = 50\n" \
    "max_one_legged = 100\n[log]\nrate_limit_ms = 0\n"

static const pm_test_limits limits = {20000000, 20000000, 200000000, 200000000, 400000000, 400000000, 2000};

typedef struct run {
    pm_test_live f;
    long long cash[2];
    char *out, *err;
} run;

static int setup(void **state) {
    pm_log_set_level(PM_LOG_ERROR);
    run *r = calloc(1, sizeof *r);
    pm_test_live_start(&r->f, (const char *const[]){"--seed", "2", NULL});
    *state = r;
    return 0;
}

static int teardown(void **state) {
    run *r = *state;
    pm_test_live_stop(&r->f);
    free(r->out);
    free(r->err);
    free(r);
    return 0;
}

/* Starts the live run (first_leg: "kalshi", "polymarket" or "auto") and waits for both feeds. */
static void start(run *r, const char *first_leg) {
    char ini[2048];
    snprintf(ini, sizeof ini, INI_COMMON, first_leg);
    pm_test_live_ini(&r->f, "live", ini);
    assert_int_equal(pm_test_live_cash(&r->f, r->cash), 0);
    pm_test_live_spawn(&r->f, NULL);
    if (!pm_test_wait_text(r->f.err_path, "/ws/market\n", 20000) || !pm_test_wait_text(r->f.err_path, "/trade-api/ws/v2\n", 5000)) {
        char *err = pm_test_slurp(r->f.err_path);
        fail_msg("the live run did not start:\n%s", err);
    }
}

/* SIGTERM: exit 0, then the invariants. */
static void finish(run *r) {
    int status = pm_test_live_wait(&r->f, SIGTERM);
    r->out = pm_test_slurp(r->f.out_path);
    r->err = pm_test_slurp(r->f.err_path);
    if (status) fail_msg("pmarb run exited %d:\n%s\n%s", status, r->out, r->err);
    char why[8192];
    if (pm_test_live_check(&r->f, &limits, r->cash, why, sizeof why)) fail_msg("%s\n--- stdout:\n%s--- stderr:\n%s", why, r->out, r->err);
}

static json_t *fault(run *r, const char *venue, const char *body) {
    return pm_test_live_admin(&r->f, venue, "POST", "faults", body);
}

/* Wall time (ns) of the first log line at or after from_ns containing all of a and b (b may
 * be NULL); 0 when none. */
static long long log_ns(const char *log, long long from_ns, const char *a, const char *b) {
    for (const char *line = log; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        struct tm tm = {0};
        int ms = 0;
        if (sscanf(line, "ts=%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
                   &ms) == 7) {
            tm.tm_year -= 1900;
            tm.tm_mon -= 1;
            long long ns = (long long)timegm(&tm) * 1000000000LL + ms * 1000000LL;
            char *copy = strndup(line, len);
            int hit = ns >= from_ns - 1000000 && strstr(copy, a) && (!b || strstr(copy, b));
            free(copy);
            if (hit) return ns;
        }
        line += len + (end ? 1 : 0);
    }
    return 0;
}

/* Orders created after the millisecond of the log line at from_ms_ns and up to the end of the
 * millisecond of to_ms_ns (log times are whole milliseconds, rounded down). */
static long long orders_between(run *r, long long from_ms_ns, long long to_ms_ns) {
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM orders WHERE created_ns >= %lld AND created_ns < %lld", from_ms_ns + 1000000,
             to_ms_ns + 1000000);
    return pm_test_query_int(r->f.db_path, sql);
}

/* The text of the first column of "<select> <from>" (one row expected). */
static void sqlite_text(run *r, const char *select, const char *from, char *out, size_t cap) {
    char sql[1024];
    snprintf(sql, sizeof sql, "%s %s", select, from);
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open_v2(r->f.db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) != SQLITE_ROW) fail_msg("no row: %s", sql);
    snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* Traded opportunities on the i-th mirrored pair's Kalshi ticker. */
static long long traded_on(run *r, const char *ticker) {
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM opportunities WHERE decision = 'traded' AND kalshi_ticker = '%s'", ticker);
    return pm_test_query_int(r->f.db_path, sql);
}

static const char *const tickers[] = {"KXFEDDECISION-26DEC-H0", "KXFEDDECISION-26DEC-C1", "KXFEDDECISION-26DEC-C2",
                                      "KXFEDDECISION-26DEC-H3", "KXCPIYOY-26NOV-A0",      "KXCPIYOY-26NOV-A1",
                                      "KXCPIYOY-26NOV-A2",      "KXCPIYOY-26NOV-A3",      "KXBTCMAXY-26-A0",
                                      "KXBTCMAXY-26-A1",        "KXBTCMAXY-26-A2"};

/* The fault on venue, then at once a dislocation on pair i (it lasts two seconds: the run is
 * tempted while it recovers); *at gets the wall time before both. */
static void fault_then_dislocate(run *r, int i, const char *venue, const char *body, long long *at) {
    *at = pm_wall_ns();
    json_decref(fault(r, venue, body));
    pm_test_live_dislocate(&r->f, i, i % 2 ? -12 : 12, 100);
    pm_test_nap_ms(1500);
}

/* The feed faults of one venue; the last dislocation (no fault) must trade: the run recovered. */
static void feed_faults(run *r, const char *venue, const char *url_part) {
    int kalshi = !strcmp(venue, "kalshi");
    start(r, "auto");
    long long t_drop, t_gap = 0, t_bad;
    fault_then_dislocate(r, 0, venue, "{\"drop_connections\":true}", &t_drop);
    if (kalshi) fault_then_dislocate(r, 1, venue, "{\"skip_seq\":true}", &t_gap);
    fault_then_dislocate(r, 2, venue, "{\"malformed\":true}", &t_bad);
    pm_test_live_dislocate(&r->f, 3, -12, 100);
    pm_test_nap_ms(1500);
    finish(r);
    /* the drop: lost, redialled, and no order created while the feed was down */
    long long lost = log_ns(r->err, t_drop, "msg=\"connection lost\"", url_part);
    long long back = log_ns(r->err, lost, "msg=connected", url_part);
    if (!lost || !back) fail_msg("no loss and reconnection of %s logged:\n%s", venue, r->err);
    if (orders_between(r, lost, back)) {
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT MIN(created_ns) FROM orders WHERE created_ns >= %lld", lost + 1000000);
        fail_msg("%lld orders created between the loss (%lld) and the reconnection (%lld) of %s, the first at %lld:\n%s",
                 orders_between(r, lost, back), lost, back, venue, pm_test_query_int(r->f.db_path, sql), r->err);
    }
    if (kalshi && !log_ns(r->err, t_gap, "mod=kalshi msg=resubscribing", "orderbook_delta"))
        fail_msg("no resync after the sequence gap:\n%s", r->err);
    if (!log_ns(r->err, t_bad, kalshi ? "mod=kalshi msg=\"malformed frame dropped\"" : "mod=poly msg=\"malformed", NULL))
        fail_msg("the malformed frame was not noticed:\n%s", r->err);
    /* the dislocations opened with the faults are traded once the feed is back, and the one
     * after them too: the run recovers without a manual step */
    for (int i = 0; i < 3; i++)
        if ((kalshi || i != 1) && traded_on(r, tickers[i]) < 1) fail_msg("pair %d not traded:\n%s\n%s", i, r->out, r->err);
    if (traded_on(r, tickers[3]) < 1) fail_msg("no trade after the faults:\n%s\n%s", r->out, r->err);
}

static void test_kalshi_feed_faults(void **state) { feed_faults(*state, "kalshi", "/trade-api/ws/v2"); }
static void test_poly_feed_faults(void **state) { feed_faults(*state, "polymarket", "/ws/market"); }

/* The order faults on the first leg's venue, each followed by a dislocation; then one more
 * dislocation with no fault. */
static void order_faults(run *r, const char *venue) {
    start(r, venue);
    static const char *const faults[] = {
        "{\"http_status\":429,\"count\":1,\"orders_only\":true}",
        "{\"http_status\":500,\"count\":1,\"orders_only\":true}",
        "{\"reject_orders\":true,\"count\":1}",
        "{\"delay_ms\":3000,\"count\":1,\"orders_only\":true}",
        "{\"lose_answers\":true,\"count\":1}",
    };
    long long at[6];
    for (int i = 0; i < 5; i++) {
        fault_then_dislocate(r, i, venue, faults[i], &at[i]);
        if (i == 3) pm_test_nap_ms(2000); /* the slow answer holds the executor */
    }
    fault_then_dislocate(r, 5, venue, "{\"orders_only\":false}", &at[5]);
    finish(r);
    /* the first order after each fault is the first leg of a trade on that pair */
    for (int i = 0; i < 5; i++) {
        char sql[1024], cond[256];
        snprintf(cond, sizeof cond, "FROM orders WHERE created_ns >= %lld AND venue = '%s' ORDER BY created_ns LIMIT 1", at[i], venue);
        snprintf(sql, sizeof sql, "SELECT role = 'first' AND market_id = (SELECT %s FROM opportunities WHERE id = "
                                  "opportunity_id) %s", strcmp(venue, "kalshi") ? "polymarket_token_id" : "kalshi_ticker", cond);
        if (pm_test_query_int(r->f.db_path, sql) != 1) fail_msg("fault %d: no first leg on pair %d:\n%s", i, i, r->err);
        /* 429, 500 (the venue never saw the order) and a refusal: rejected, nothing filled, the
         * second leg not sent; the slow answer and the lost one (a 500 after the venue took the
         * order): looked up, not resent, filled — and, found filled only late, its parked second
         * leg is dropped (priced on books that may be old by then) and the residual completed or
         * unwound on the current books */
        snprintf(sql, sizeof sql, "SELECT (status = '%s') + 2 * (filled_qty %s 0) + 4 * ((SELECT status FROM orders o2 WHERE "
                                  "o2.opportunity_id = orders.opportunity_id AND o2.role = 'second') = 'dropped') + 8 * "
                                  "(EXISTS (SELECT 1 FROM orders o3 WHERE o3.opportunity_id = orders.opportunity_id AND "
                                  "o3.role IN ('hedge', 'unwind'))) %s",
                 i < 3 ? "rejected" : "filled", i < 3 ? "=" : ">", cond);
        long long got = pm_test_query_int(r->f.db_path, sql);
        if (got != (i < 3 ? 7 : 15)) fail_msg("fault %d (%s) on %s: %lld\n%s", i, faults[i], venue, got, r->err);
    }
    /* each refusal is an audit event */
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM events WHERE kind = 'order_rejected' AND detail LIKE '%%\"venue\":\"%s\"%%'", venue);
    assert_int_equal(pm_test_query_int(r->f.db_path, sql), 3);
    if (traded_on(r, tickers[5]) < 1) fail_msg("no trade after the faults:\n%s\n%s", r->out, r->err);
}

static void test_kalshi_order_faults(void **state) { order_faults(*state, "kalshi"); }
static void test_poly_order_faults(void **state) { order_faults(*state, "polymarket"); }

/* A partial fill on the second leg (Kalshi, fill-and-kill): the trade is one-legged, said as
 * such, and resolved — the short side completed or the long side unwound — with the orders
 * that resolve it recorded like any other. */
static void test_partial_second_leg(void **state) {
    run *r = *state;
    start(r, "polymarket");
    long long at, after;
    fault_then_dislocate(r, 0, "kalshi", "{\"partial_fill\":true,\"count\":1}", &at);
    pm_test_nap_ms(1000);
    fault_then_dislocate(r, 5, "kalshi", "{}", &after);
    finish(r);
    char sql[768], opp[64];
    snprintf(sql, sizeof sql, "FROM orders WHERE venue = 'kalshi' AND created_ns >= %lld ORDER BY created_ns LIMIT 1", at);
    char q[1024];
    /* the Kalshi leg of the first trade after the fault: two of five contracts */
    snprintf(q, sizeof q, "SELECT (role = 'second') + 2 * (status = 'partial') + 4 * (filled_qty = 2000000) %s", sql);
    if (pm_test_query_int(r->f.db_path, q) != 7) fail_msg("no partial second leg:\n%s", r->err);
    sqlite_text(r, "SELECT opportunity_id", sql, opp, sizeof opp);
    /* said, and resolved by an order of its own that the venue saw (the invariants) */
    snprintf(q, sizeof q, "SELECT COUNT(*) FROM events WHERE kind = 'leg_mismatch' AND detail LIKE '%%%s%%\"kalshi\":2000000%%'", opp);
    assert_int_equal(pm_test_query_int(r->f.db_path, q), 1);
    snprintf(q, sizeof q, "SELECT COUNT(*) FROM orders WHERE opportunity_id = '%s' AND role IN ('hedge', 'unwind') AND filled_qty > 0", opp);
    assert_true(pm_test_query_int(r->f.db_path, q) >= 1);
    assert_true(pm_test_query_int(r->f.db_path, "SELECT COUNT(*) FROM events WHERE kind IN ('hedge', 'unwind')") >= 1);
    /* what is left one-legged is less than a contract */
    char detail[1024];
    snprintf(q, sizeof q, "FROM events WHERE kind = 'trade_done' AND detail LIKE '%%%s%%'", opp);
    sqlite_text(r, "SELECT detail", q, detail, sizeof detail);
    json_t *d = json_loads(detail, 0, NULL), *held = json_object_get(d, "held");
    long long k = json_integer_value(json_array_get(held, 0)), p = json_integer_value(json_array_get(held, 1));
    json_decref(d);
    if (llabs(k - p) >= 1000000) fail_msg("one-legged after the resolution: %s", detail);
    assert_non_null(strstr(r->out, "one-legged "));
    if (traded_on(r, tickers[5]) < 1) fail_msg("no trade after the partial fill:\n%s\n%s", r->out, r->err);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_kalshi_feed_faults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_poly_feed_faults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kalshi_order_faults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_poly_order_faults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_partial_second_leg, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
