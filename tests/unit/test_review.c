/* test_review.c — the human review: `pmarb review` under a pseudo-terminal (approve, flip,
 * reject, skip, quit; each decision in the database at once), its refusal without a terminal,
 * and `review export` / `review import` in CSV and JSON (round trip, every bad row named and
 * nothing changed, a reviewer required). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "store/markets.h"
#include <jansson.h>
#include "store/matches.h"
#include "testutil.h"
#include "util/clock.h"

#include <poll.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct fixture {
    char *dir, *db_path;
    char id[4][PM_UUID_LEN]; /* 0.99, 0.98, 0.97 pending; 0.40 rejected by auto */
} fixture;

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    f->dir = pm_test_tmpdir();
    f->db_path = pm_test_path(f->dir, "m.db");
    char *ini = pm_test_path(f->dir, "pmarb.ini");
    pm_test_write_file(ini, "[db]\npath = m.db\n", 0600);
    free(ini);
    pm_db *db;
    pm_err err;
    assert_int_equal(pm_db_open(f->db_path, PM_DB_MIGRATE, 5000, &db, &err), 0);
    static const char *const conf_reason[4] = {"LLM (equivalent): same meeting", "LLM (equivalent): same index",
                                               "LLM (equivalent): same race", "vetoed: different thresholds"};
    static const int64_t conf[4] = {990000, 980000, 970000, 400000};
    for (int i = 0; i < 4; i++) {
        char kt[16], pt[16], ktitle[64], ptitle[64];
        snprintf(kt, sizeof kt, "KXTEST-%d", i);
        snprintf(pt, sizeof pt, "0x%02d", i);
        snprintf(ktitle, sizeof ktitle, "Kalshi question %d?", i);
        snprintf(ptitle, sizeof ptitle, "Polymarket question %d?", i);
        pm_market k, p;
        pm_market_init(&k, PM_VENUE_KALSHI);
        k.platform_market_id = kt;
        k.title = ktitle;
        k.rules = "If the value is above 4.25%, per \"BLS\", then\nthe market resolves to Yes.";
        k.status = PM_MARKET_ACTIVE;
        k.close_time = "2026-12-10T19:00:00.000Z";
        pm_market_init(&p, PM_VENUE_POLYMARKET);
        p.platform_market_id = pt;
        p.title = ptitle;
        p.rules = "Resolves Yes per the official source.";
        p.status = PM_MARKET_ACTIVE;
        p.close_time = "2026-12-10T23:59:00.000Z";
        pm_upsert_result r;
        assert_int_equal(pm_store_upsert_market(db, &k, pm_wall_ns(), &r, &err), 0);
        assert_int_equal(pm_store_upsert_market(db, &p, pm_wall_ns(), &r, &err), 0);
        pm_candidate c = {.kalshi_market_id = k.id, .polymarket_market_id = p.id, .confidence = conf[i],
                          .polarity = PM_POLARITY_SAME, .reason = conf_reason[i], .model = "m1",
                          .prompt_version = "pmarb-match-1",
                          .status = i < 3 ? PM_MATCH_PENDING_REVIEW : PM_MATCH_REJECTED};
        pm_candidate_result res;
        assert_int_equal(pm_store_put_candidate(db, &c, f->id[i], &res, &err), 0);
    }
    pm_db_close(db);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    pm_test_rmtree(f->dir);
    free(f->dir);
    free(f->db_path);
    free(f);
    return 0;
}

/* "status polarity reviewed_by" of match i. */
static void state_of(fixture *f, int i, char *out, size_t cap) {
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->db_path, &db), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT status || ' ' || polarity || ' ' || COALESCE(reviewed_by, '-') || ' ' ||"
                                        " COALESCE(review_note, '-') FROM market_matches WHERE id = ?1",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, f->id[i], -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void assert_state(fixture *f, int i, const char *want) {
    char got[512];
    state_of(f, i, got, sizeof got);
    assert_string_equal(got, want);
}

/* ---- under a pseudo-terminal ---- */

typedef struct term {
    int fd, pid;
    char buf[1 << 20];
    size_t len, from;
} term;

static void term_start(term *t, fixture *f, const char *reviewer) {
    memset(t, 0, sizeof *t);
    const char *bin = getenv("PMARB_BIN");
    assert_non_null(bin);
    struct winsize ws = {.ws_row = 50, .ws_col = 120};
    pid_t pid = forkpty(&t->fd, NULL, NULL, &ws);
    assert_true(pid >= 0);
    if (pid == 0) {
        if (chdir(f->dir) != 0) _exit(127);
        execl(bin, "pmarb", "review", "--reviewer", reviewer, (char *)NULL);
        _exit(127);
    }
    t->pid = pid;
}

/* Reads until needle appears after what earlier calls matched (fails after 30 s of silence). */
static void expect(term *t, const char *needle) {
    for (;;) {
        t->buf[t->len] = '\0';
        char *hit = strstr(t->buf + t->from, needle);
        if (hit) {
            t->from = (size_t)(hit - t->buf) + strlen(needle);
            return;
        }
        struct pollfd p = {.fd = t->fd, .events = POLLIN};
        if (poll(&p, 1, 30000) <= 0) fail_msg("no '%s' in the terminal output:\n%s", needle, t->buf + t->from);
        ssize_t n = read(t->fd, t->buf + t->len, sizeof t->buf - 1 - t->len);
        if (n <= 0) fail_msg("terminal closed before '%s':\n%s", needle, t->buf + t->from);
        t->len += (size_t)n;
    }
}

static void press(term *t, char key) { assert_int_equal(write(t->fd, &key, 1), 1); }

static int term_wait(term *t) {
    int status = 0;
    assert_int_equal(waitpid(t->pid, &status, 0), t->pid);
    close(t->fd);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void test_interactive(void **state) {
    fixture *f = *state;
    term *t = malloc(sizeof *t);
    term_start(t, f, "alice");
    expect(t, "pair 1 of 3");
    expect(t, "Kalshi question 0?");
    expect(t, "Polymarket question 0?");
    expect(t, "2026-12-10T19:00:00.000Z");
    expect(t, "2026-12-10T23:59:00.000Z");
    expect(t, "per \"BLS\"");
    expect(t, "same — Polymarket YES pays when Kalshi YES pays");
    expect(t, "0.99 by m1");
    expect(t, "LLM (equivalent): same meeting");
    expect(t, "[q]uit > ");
    press(t, 'f');
    expect(t, "inverted — Polymarket YES pays when Kalshi NO pays");
    expect(t, "[q]uit > ");
    assert_state(f, 0, "pending_review inverted - -"); /* saved at once */
    press(t, 'a');
    expect(t, "approved");
    expect(t, "pair 2 of 3");
    expect(t, "[q]uit > ");
    assert_state(f, 0, "approved inverted alice -");
    press(t, 'r');
    expect(t, "rejected");
    expect(t, "pair 3 of 3");
    expect(t, "[q]uit > ");
    assert_state(f, 1, "rejected same alice -");
    press(t, 'q');
    expect(t, "1 approved, 1 rejected, 1 flipped, 0 skipped, by alice");
    assert_int_equal(term_wait(t), 0);
    assert_state(f, 2, "pending_review same - -");
    assert_state(f, 3, "rejected same auto -");
    /* Again: only the third pair is left; skip it. */
    term_start(t, f, "alice");
    expect(t, "pair 1 of 1");
    expect(t, "Kalshi question 2?");
    expect(t, "[q]uit > ");
    press(t, 's');
    expect(t, "no more pairs pending review");
    expect(t, "0 approved, 0 rejected, 0 flipped, 1 skipped, by alice");
    assert_int_equal(term_wait(t), 0);
    assert_state(f, 2, "pending_review same - -");
    free(t);
}

static void test_needs_a_terminal(void **state) {
    fixture *f = *state;
    const char *args[] = {"review", "--reviewer", "alice", NULL};
    pm_test_run_result r = pm_test_run(f->dir, NULL, args);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "review needs a terminal"));
    assert_non_null(strstr(r.err, "pmarb review export FILE.csv"));
    pm_test_run_free(&r);
}

/* ---- export / import ---- */

static pm_test_run_result review(fixture *f, const char *user, const char *a1, const char *a2, const char *a3,
                                 const char *a4) {
    const char *args[] = {"review", a1, a2, a3, a4, NULL};
    char env_user[64];
    snprintf(env_user, sizeof env_user, "USER=%s", user);
    const char *env[] = {env_user, NULL};
    return pm_test_run(f->dir, env, args);
}

static char *file_in(fixture *f, const char *name, const char *text) {
    char *p = pm_test_path(f->dir, name);
    if (text) pm_test_write_file(p, text, 0600);
    return p;
}

static char *slurp(const char *path) {
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    return buf;
}

/* Imports text as name; expects exit status and, when want is not NULL, that text in stdout
 * (status 0) or stderr. */
static void import_expect(fixture *f, const char *name, const char *text, int status, const char *want) {
    char *path = file_in(f, name, text);
    pm_test_run_result r = review(f, "carol", "import", path, NULL, NULL);
    if (r.status != status) fail_msg("status %d: %s%s", r.status, r.out, r.err);
    if (want && !strstr(status == 0 ? r.out : r.err, want)) fail_msg("no '%s' in: %s%s", want, r.out, r.err);
    pm_test_run_free(&r);
    free(path);
}

static void test_csv_round_trip_and_import(void **state) {
    fixture *f = *state;
    char *out = file_in(f, "all.csv", NULL);
    pm_test_run_result r = review(f, "carol", "export", out, "--status", "all");
    assert_int_equal(r.status, 0);
    char want[512];
    snprintf(want, sizeof want, "4 matches written to %s\n", out);
    assert_string_equal(r.out, want);
    pm_test_run_free(&r);
    const char *csv = slurp(out);
    const char *header = "match_id,status,polarity,confidence,kalshi_ticker,polymarket_condition_id,kalshi_title,"
                         "polymarket_title,kalshi_close_time,polymarket_close_time,reason,review_note,reviewed_by,"
                         "kalshi_rules,polymarket_rules\r\n";
    assert_memory_equal(csv, header, strlen(header));
    snprintf(want, sizeof want, "%s,pending_review,same,0.99,KXTEST-0,0x00,Kalshi question 0?,Polymarket question 0?,"
             "2026-12-10T19:00:00.000Z,2026-12-10T23:59:00.000Z,LLM (equivalent): same meeting,,,\"If the value is "
             "above 4.25%%, per \"\"BLS\"\", then\nthe market resolves to Yes.\",Resolves Yes per the official source.\r\n",
             f->id[0]);
    assert_non_null(strstr(csv, want));
    snprintf(want, sizeof want, "%s,rejected,same,0.40,KXTEST-3,", f->id[3]);
    assert_non_null(strstr(csv, want));
    /* The file as exported changes nothing. */
    import_expect(f, "all.csv", NULL, 0, "4 rows: 0 approved, 0 rejected, 0 back to pending_review, 0 polarity flips, "
                                         "4 unchanged; by carol\n");
    free(out);

    /* Bad files change nothing and name the row. */
    char text[1024];
    snprintf(text, sizeof text, "match_id,status,polarity\n%s,approved,same\n%s,maybe,same\n", f->id[0], f->id[2]);
    import_expect(f, "bad1.csv", text, 1, "line 3: status 'maybe' is not pending_review, approved or rejected");
    snprintf(text, sizeof text, "match_id,status,polarity\r\nnope,approved,same\r\n");
    import_expect(f, "bad2.csv", text, 1, "line 2: match_id 'nope' is not a stored match");
    snprintf(text, sizeof text, "match_id,status,polarity\n%s,approved,upside\n", f->id[0]);
    import_expect(f, "bad3.csv", text, 1, "line 2: polarity 'upside' is not same or inverted");
    snprintf(text, sizeof text, "match_id,status,polarity\n%s,approved,same\n%s,rejected,same\n", f->id[0], f->id[0]);
    snprintf(want, sizeof want, "line 3: match_id %s is also on line 2", f->id[0]);
    import_expect(f, "bad4.csv", text, 1, want);
    snprintf(text, sizeof text, "match_id,status\n%s,approved\n", f->id[0]);
    import_expect(f, "bad5.csv", text, 1, "the header has no polarity column");
    snprintf(text, sizeof text, "match_id,status,polarity\n%s,approved,same,extra\n", f->id[0]);
    import_expect(f, "bad6.csv", text, 1, "line 2 has 4 fields, the header 3");
    snprintf(text, sizeof text, "match_id,status,polarity,review_note\n%s,approved,same,\"never closed\n", f->id[0]);
    import_expect(f, "bad7.csv", text, 1, "line 2 opens a quoted field that never closes");
    import_expect(f, "bad1.txt", "x", 2, "the name must end in .csv or .json");
    assert_state(f, 0, "pending_review same - -");
    assert_state(f, 2, "pending_review same - -");

    /* A reviewed file: decisions, a flip, a note. */
    snprintf(text, sizeof text,
             "\xEF\xBB\xBFmatch_id,status,polarity,review_note\r\n%s,approved,same,\"checked BLS, same release\"\r\n"
             "%s,rejected,inverted,\r\n%s,pending_review,same,\r\n\r\n",
             f->id[0], f->id[1], f->id[2]);
    import_expect(f, "edit.csv", text, 0, "3 rows: 1 approved, 1 rejected, 0 back to pending_review, 1 polarity flips, "
                                          "1 unchanged; by carol\n");
    assert_state(f, 0, "approved same carol checked BLS, same release");
    assert_state(f, 1, "rejected inverted carol -");
    assert_state(f, 2, "pending_review same - -");
    assert_state(f, 3, "rejected same auto -");
}

static void test_json_and_reviewer(void **state) {
    fixture *f = *state;
    char *out = file_in(f, "pending.json", NULL);
    pm_test_run_result r = review(f, "carol", "export", out, NULL, NULL);
    assert_int_equal(r.status, 0);
    json_t *doc = json_load_file(out, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(doc, "count")), 3);
    json_t *first = json_array_get(json_object_get(doc, "matches"), 0);
    assert_string_equal(json_string_value(json_object_get(first, "match_id")), f->id[0]);
    assert_string_equal(json_string_value(json_object_get(first, "confidence")), "0.99");
    assert_string_equal(json_string_value(json_object_get(first, "kalshi_rules")),
                        "If the value is above 4.25%, per \"BLS\", then\nthe market resolves to Yes.");
    assert_true(json_is_null(json_object_get(first, "reviewed_by")));
    json_decref(doc);
    pm_test_run_free(&r);
    free(out);
    char text[1024];
    snprintf(text, sizeof text,
             "{\"matches\":[{\"match_id\":\"%s\",\"status\":\"approved\",\"polarity\":\"same\"},"
             "{\"match_id\":\"%s\",\"status\":\"rejected\",\"polarity\":\"sideways\"}]}",
             f->id[0], f->id[3]);
    import_expect(f, "bad.json", text, 1, "matches[1]: polarity 'sideways' is not same or inverted");
    assert_state(f, 0, "pending_review same - -");
    snprintf(text, sizeof text,
             "[{\"match_id\":\"%s\",\"status\":\"approved\",\"polarity\":\"inverted\",\"review_note\":\"win vs lose\"},"
             "{\"match_id\":\"%s\",\"status\":\"pending_review\",\"polarity\":\"same\",\"review_note\":null}]",
             f->id[0], f->id[3]);
    import_expect(f, "good.json", text, 0, "2 rows: 1 approved, 0 rejected, 1 back to pending_review, 1 polarity "
                                           "flips, 0 unchanged; by carol\n");
    assert_state(f, 0, "approved inverted carol win vs lose");
    assert_state(f, 3, "pending_review same carol -");
    /* No reviewer: refused before anything is read. */
    char *path = file_in(f, "good.json", NULL);
    r = review(f, "", "import", path, NULL, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "a reviewer name is needed: --reviewer NAME, or set $USER"));
    pm_test_run_free(&r);
    r = review(f, "", "import", path, "--reviewer", "auto");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "'auto' is the matcher's name"));
    pm_test_run_free(&r);
    free(path);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_interactive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_needs_a_terminal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csv_round_trip_and_import, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_and_reviewer, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
