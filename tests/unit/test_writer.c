/* test_writer.c — the writer thread: everything submitted is in the database after stop
 * (counted row by row), duplicate fills are stored once, refused records are counted and do
 * not take their batch down, a full queue is reported to the producer, flush waits, and many
 * producer threads at once lose nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/writer.h"
#include "testutil.h"
#include "util/clock.h"
#include "util/log.h"

typedef struct fixture {
    char *dir, *path;
    pm_db *db; /* the test's own connection, for checking */
} fixture;

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    f->dir = pm_test_tmpdir();
    f->path = pm_test_path(f->dir, "markets.db");
    pm_err err;
    if (pm_db_open(f->path, PM_DB_MIGRATE, 5000, &f->db, &err)) fail_msg("%s", err.msg);
    /* orders and opportunities reference a match: make one */
    char *msg = NULL;
    if (sqlite3_exec(pm_db_handle(f->db),
                     "INSERT INTO markets (id, platform, platform_market_id, title, status, fetched_at) VALUES"
                     " ('mk', 'kalshi', 'K', 't', 'active', 'x'), ('mp', 'polymarket', 'P', 't', 'active', 'x');"
                     "INSERT INTO market_matches (id, kalshi_market_id, polymarket_market_id, status, created_at)"
                     " VALUES ('match-1', 'mk', 'mp', 'approved', 'x')",
                     NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s", msg);
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

static int64_t count(fixture *f, const char *table) {
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(pm_db_handle(f->db), sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static pm_record order_rec(int i) {
    pm_record r = {.kind = PM_REC_ORDER};
    pm_rec_order *o = &r.u.order;
    snprintf(o->id, sizeof o->id, "00000000-0000-7000-8000-%012d", i);
    o->venue = PM_VENUE_KALSHI;
    snprintf(o->client_order_id, sizeof o->client_order_id, "%s", o->id);
    strcpy(o->match_id, "match-1");
    strcpy(o->role, "first");
    strcpy(o->market_id, "K");
    o->side = PM_SIDE_BUY;
    o->outcome = PM_OUTCOME_YES;
    o->price = 420000;
    o->qty = 10000000;
    strcpy(o->tif, "fok");
    strcpy(o->status, "created");
    o->created_ns = 1000 + i;
    return r;
}

static pm_record fill_rec(int order, const char *fill_id) {
    pm_record r = {.kind = PM_REC_FILL};
    pm_rec_fill *f = &r.u.fill;
    f->venue = PM_VENUE_KALSHI;
    snprintf(f->venue_fill_id, sizeof f->venue_fill_id, "%s", fill_id);
    snprintf(f->order_id, sizeof f->order_id, "00000000-0000-7000-8000-%012d", order);
    strcpy(f->market_id, "K");
    f->side = PM_SIDE_BUY;
    f->outcome = PM_OUTCOME_YES;
    f->price = 420000;
    f->qty = f->qty_delivered = 10000000;
    f->fee = 170000;
    f->is_taker = 1;
    strcpy(f->source, "ws");
    f->ts_ns = f->received_ns = 5;
    return r;
}

static pm_record event_rec(const char *kind) {
    pm_record r = {.kind = PM_REC_EVENT};
    r.u.event.ts_ns = 7;
    strcpy(r.u.event.level, "info");
    snprintf(r.u.event.kind, sizeof r.u.event.kind, "%s", kind);
    strcpy(r.u.event.detail, "{\"n\":1}");
    return r;
}

static void submit_ok(pm_writer *w, pm_record r) { assert_int_equal(pm_writer_submit(w, &r), 0); }

static void test_everything_written_on_stop(void **state) {
    fixture *f = *state;
    pm_writer *w;
    pm_err err;
    assert_int_equal(pm_writer_start(f->path, 5000, 1 << 14, &w, &err), 0);
    enum { N = 2000 };
    for (int i = 0; i < N; i++) submit_ok(w, order_rec(i));
    for (int i = 0; i < N; i++) {
        pm_record u = {.kind = PM_REC_ORDER_UPDATE};
        snprintf(u.u.order_update.id, sizeof u.u.order_update.id, "00000000-0000-7000-8000-%012d", i);
        strcpy(u.u.order_update.status, "filled");
        strcpy(u.u.order_update.venue_order_id, "venue-1");
        u.u.order_update.filled_qty = 10000000;
        u.u.order_update.avg_price = 420000;
        u.u.order_update.fee = 170000;
        u.u.order_update.updated_ns = 99;
        submit_ok(w, u);
    }
    for (int i = 0; i < N; i++) {
        char id[32];
        snprintf(id, sizeof id, "trade-%d", i);
        submit_ok(w, fill_rec(i, id));
        submit_ok(w, fill_rec(i, id)); /* the same fill from the other channel */
    }
    for (int i = 0; i < N; i++) submit_ok(w, event_rec("leg_mismatch"));
    pm_record pos = {.kind = PM_REC_POSITION};
    strcpy(pos.u.position.market_id, "K");
    pos.u.position.qty = 10000000;
    pos.u.position.cost = 4370000;
    submit_ok(w, pos);
    pos.u.position.qty = 20000000;
    submit_ok(w, pos);
    pm_writer_stats st;
    pm_writer_stop(w, &st); /* no flush: stop itself must drain */
    assert_int_equal(st.submitted, 5 * N + 2);
    assert_int_equal(st.written, 5 * N + 2);
    assert_int_equal(st.failed, 0);
    assert_int_equal(st.rejected_full, 0);
    assert_int_equal(count(f, "orders"), N);
    assert_int_equal(count(f, "fills"), N);
    assert_int_equal(count(f, "events"), N);
    assert_int_equal(count(f, "positions"), 1);
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_prepare_v2(pm_db_handle(f->db),
                                        "SELECT count(*) FROM orders WHERE status = 'filled' AND filled_qty = 10000000"
                                        " AND avg_price = 420000 AND fee = 170000 AND venue_order_id = 'venue-1'"
                                        " AND updated_ns = 99 AND mode = 'paper'",
                                        -1, &q, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int64(q, 0), N);
    sqlite3_finalize(q);
    assert_int_equal(sqlite3_prepare_v2(pm_db_handle(f->db), "SELECT qty FROM positions", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int64(q, 0), 20000000);
    sqlite3_finalize(q);
}

static void test_refused_record_counted(void **state) {
    fixture *f = *state;
    pm_writer *w;
    pm_err err;
    assert_int_equal(pm_writer_start(f->path, 5000, 64, &w, &err), 0);
    pm_record u = {.kind = PM_REC_ORDER_UPDATE};
    strcpy(u.u.order_update.id, "no-such-order");
    strcpy(u.u.order_update.status, "filled");
    u.u.order_update.avg_price = -1;
    submit_ok(w, event_rec("before"));
    submit_ok(w, u);
    submit_ok(w, event_rec("after"));
    pm_writer_stats st;
    pm_writer_stop(w, &st);
    assert_int_equal(st.submitted, 3);
    assert_int_equal(st.written, 2);
    assert_int_equal(st.failed, 1);
    assert_int_equal(count(f, "events"), 2);
}

static void test_queue_full_reported(void **state) {
    fixture *f = *state;
    /* Hold the write lock so the writer cannot commit: the queue fills up. */
    assert_int_equal(sqlite3_exec(pm_db_handle(f->db), "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    pm_writer *w;
    pm_err err;
    assert_int_equal(pm_writer_start(f->path, 20, 4, &w, &err), 0);
    int accepted = 0, refused = 0;
    for (int i = 0; i < 100; i++) {
        pm_record e = event_rec("burst");
        if (pm_writer_submit(w, &e) == 0) accepted++;
        else refused++;
    }
    assert_true(refused > 0);
    assert_true(accepted >= 4);
    pm_writer_stats st;
    pm_writer_get_stats(w, &st);
    assert_int_equal(st.rejected_full, (uint64_t)refused);
    assert_int_equal(st.submitted, (uint64_t)accepted);
    assert_int_equal(sqlite3_exec(pm_db_handle(f->db), "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    pm_writer_stop(w, &st);
    assert_int_equal(st.written, (uint64_t)accepted);
    assert_int_equal(count(f, "events"), accepted);
}

static void test_flush(void **state) {
    fixture *f = *state;
    pm_writer *w;
    pm_err err;
    assert_int_equal(pm_writer_start(f->path, 5000, 1024, &w, &err), 0);
    for (int i = 0; i < 500; i++) submit_ok(w, event_rec("flush"));
    assert_int_equal(pm_writer_flush(w, 10000), 0);
    assert_int_equal(count(f, "events"), 500);
    assert_int_equal(pm_writer_flush(w, 0), 0); /* nothing pending: done at once */
    pm_writer_stop(w, NULL);
}

typedef struct producer {
    pm_writer *w;
    int n, refused;
} producer;

static void *produce(void *arg) {
    producer *p = arg;
    for (int i = 0; i < p->n; i++) {
        pm_record e = event_rec("thread");
        if (pm_writer_submit(p->w, &e)) p->refused++;
    }
    return NULL;
}

static void test_many_producers(void **state) {
    fixture *f = *state;
    pm_writer *w;
    pm_err err;
    enum { THREADS = 4, EACH = 5000 };
    assert_int_equal(pm_writer_start(f->path, 5000, THREADS * EACH, &w, &err), 0);
    pthread_t t[THREADS];
    producer p[THREADS];
    for (int i = 0; i < THREADS; i++) {
        p[i] = (producer){.w = w, .n = EACH};
        assert_int_equal(pthread_create(&t[i], NULL, produce, &p[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(p[i].refused, 0);
    }
    pm_writer_stats st;
    pm_writer_stop(w, &st);
    assert_int_equal(st.written, THREADS * EACH);
    assert_int_equal(count(f, "events"), THREADS * EACH);
    assert_true(st.batches < THREADS * EACH); /* batched, not one transaction per record */
}

int main(void) {
    pm_log_set_level(PM_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_everything_written_on_stop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_record_counted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue_full_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flush, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_producers, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
