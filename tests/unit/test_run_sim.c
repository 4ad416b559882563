/* test_run_sim.c — `pmarb run` in paper mode over real sockets against `pmarb sim`: both venues
 * synced into a temporary database, twenty mirrored pairs approved through the store API (two
 * of them inverted), the run streams every pair's books, finds the dislocations the simulator
 * opens and fills them on paper; every traded opportunity hedges (the Polymarket token bought
 * pays exactly when the Kalshi outcome bought does not), fills and positions agree with the
 * opportunities, the PnL at settlement is the sum of the expected profits and not negative;
 * SIGHUP reloads the pairs; a market the venue resolves drops its pair; GET /metrics and /health
 * on [run] http_listen and `pmarb status` report the run (counters consistent with its summary;
 * the simulator's book hashes reproduced);
 * SIGTERM stops the run with exit status 0 (and `pmarb status` then finds nothing to reach).
 * With nothing approved, neither mode starts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "net/http.h"
#include "store/db.h"
#include "store/markets.h"
#include "store/matches.h"
#include "testutil.h"
#include "util/log.h"

#define NMIRRORS pm_test_nmirrors

typedef struct fixture {
    char *dir, *ini, *db_path, *key_path, *pub_path, *out_path, *err_path;
    EVP_PKEY *key;
    pm_test_proc sim;
    int http_port;   /* [run] http_listen: a loopback port free when the test started */
} fixture;

static int free_port(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    close(fd);
    return ntohs(sa.sin_port);
}

static void write_ini(fixture *f, const char *ready, const char *mode) {
    json_t *r = json_loads(ready, 0, NULL);
    assert_non_null(r);
    json_t *k = json_object_get(r, "kalshi"), *p = json_object_get(r, "polymarket");
    char text[4096];
    /* the simulator's markets close weeks to months from now: the annualized-return gate is
     * left open so that every dislocation the simulator opens counts */
    snprintf(text, sizeof text,
             "[db]\npath = %s\n[kalshi]\nrest_url = %s\nws_url = %s\n[polymarket]\ngamma_url = %s\nclob_url = %s\n"
             "ws_url = %s\n[strategy]\nmin_annualized_return = 0\nmin_profit = 0.01\n[run]\nmode = %s\n"
             "status_interval_s = 1\nhttp_listen = 127.0.0.1:%d\n",
             f->db_path, json_string_value(json_object_get(k, "rest")), json_string_value(json_object_get(k, "ws")),
             json_string_value(json_object_get(p, "gamma")), json_string_value(json_object_get(p, "clob")),
             json_string_value(json_object_get(p, "ws")), mode, f->http_port);
    json_decref(r);
    pm_test_write_file(f->ini, text, 0644);
}

static int setup(void **state) {
    pm_log_set_level(PM_LOG_ERROR);
    fixture *f = calloc(1, sizeof *f);
    f->dir = pm_test_tmpdir();
    f->ini = pm_test_path(f->dir, "pmarb.ini");
    f->db_path = pm_test_path(f->dir, "markets.db");
    f->key_path = pm_test_path(f->dir, "kalshi.pem");
    f->pub_path = pm_test_path(f->dir, "kalshi.pub");
    f->out_path = pm_test_path(f->dir, "run.out");
    f->err_path = pm_test_path(f->dir, "run.err");
    f->key = EVP_RSA_gen(2048);
    f->http_port = free_port();
    char *pem = pm_test_pem(f->key, PM_TEST_PEM_PUBLIC);
    pm_test_write_file(f->pub_path, pem, 0644);
    free(pem);
    pem = pm_test_pem(f->key, PM_TEST_PEM_PKCS8);
    pm_test_write_file(f->key_path, pem, 0600);
    free(pem);
    pm_test_start(&f->sim, (const char *const[]){"sim", "--seed", "2", "--kalshi-public-key", f->pub_path, "--kalshi-key-id",
                                                 "kid", NULL});
    write_ini(f, f->sim.line, "paper");
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    assert_int_equal(pm_test_stop(&f->sim), 0);
    EVP_PKEY_free(f->key);
    pm_test_rmtree(f->dir);
    free(f->dir), free(f->ini), free(f->db_path), free(f->key_path), free(f->pub_path), free(f->out_path), free(f->err_path);
    free(f);
    return 0;
}

static pm_test_run_result pmarb(fixture *f, const char *const *args) {
    const char *argv[16] = {"pmarb", "--config", f->ini};
    int n = 3;
    for (const char *const *a = args; *a; a++) argv[n++] = *a;
    argv[n] = NULL;
    char id[64], path[1100];
    snprintf(id, sizeof id, "KALSHI_API_KEY_ID=kid");
    snprintf(path, sizeof path, "KALSHI_PRIVATE_KEY_PATH=%s", f->key_path);
    const char *env[] = {id, path, NULL};
    return pm_test_exec(f->dir, env, getenv("PMARB_BIN"), argv);
}

typedef struct found {
    const char *key;   /* platform_market_id or title */
    int by_title;
    char id[PM_UUID_LEN];
} found;

static int find_cb(void *ctx, const pm_market *m) {
    found *x = ctx;
    if (!strcmp(x->by_title ? m->title : m->platform_market_id, x->key)) snprintf(x->id, sizeof x->id, "%s", m->id);
    return 0;
}

static void market_id(pm_db *db, pm_venue v, const char *key, char out[PM_UUID_LEN]) {
    found x = {key, v == PM_VENUE_POLYMARKET, ""};
    pm_err err;
    assert_int_equal(pm_store_list_markets(db, v, "active", find_cb, &x, &err), 0);
    if (!x.id[0]) fail_msg("no %s market '%s'", pm_venue_name(v), key);
    snprintf(out, PM_UUID_LEN, "%s", x.id);
}

static void sync_and_approve(fixture *f) {
    pm_test_run_result r = pmarb(f, (const char *const[]){"sync", "--venue", "kalshi", NULL});
    if (r.status) fail_msg("kalshi sync: %s", r.err);
    pm_test_run_free(&r);
    r = pmarb(f, (const char *const[]){"sync", "--venue", "polymarket", NULL});
    if (r.status) fail_msg("polymarket sync: %s", r.err);
    pm_test_run_free(&r);
    pm_db *db;
    pm_err err;
    assert_int_equal(pm_db_open(f->db_path, PM_DB_MIGRATE, 5000, &db, &err), 0);
    for (size_t i = 0; i < NMIRRORS; i++) {
        char k[PM_UUID_LEN], p[PM_UUID_LEN], id[PM_UUID_LEN];
        market_id(db, PM_VENUE_KALSHI, pm_test_mirrors[i].ticker, k);
        market_id(db, PM_VENUE_POLYMARKET, pm_test_mirrors[i].question, p);
        pm_candidate c = {.kalshi_market_id = k, .polymarket_market_id = p, .confidence = 990000,
                          .polarity = pm_test_mirrors[i].polarity, .reason = "the simulator's mirror", .status = PM_MATCH_PENDING_REVIEW};
        pm_candidate_result res;
        assert_int_equal(pm_store_put_candidate(db, &c, id, &res, &err), 0);
        assert_int_equal(pm_store_review_match(db, id, PM_MATCH_APPROVED, "test", NULL, &err), 0);
    }
    pm_db_close(db);
}

static pid_t spawn_run(fixture *f) {
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int out = open(f->out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644), err = open(f->err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (out < 0 || err < 0 || chdir(f->dir)) _exit(126);
        dup2(out, 1);
        dup2(err, 2);
        setenv("KALSHI_API_KEY_ID", "kid", 1);
        setenv("KALSHI_PRIVATE_KEY_PATH", f->key_path, 1);
        execl(getenv("PMARB_BIN"), "pmarb", "--config", f->ini, "--log-level", "info", "run", (char *)NULL);
        _exit(127);
    }
    return pid;
}

static int64_t query_int(sqlite3 *db, const char *sql) {
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    int64_t v = -1;
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void nap_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static char *slurp(const char *path) {
    size_t len;
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    len = (size_t)ftell(fp);
    rewind(fp);
    char *b = calloc(1, len + 1);
    assert_int_equal(fread(b, 1, len, fp), len);
    fclose(fp);
    return b;
}

static void close_poly_market(fixture *f, sqlite3 *db, const char *title) {
    sqlite3_stmt *st;
    const char *sql = "SELECT platform_market_id FROM markets WHERE platform = 'polymarket' AND title = ?";
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, title, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    char body[256], url[512];
    snprintf(body, sizeof body, "{\"close_market\": \"%s\"}", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    json_t *r = json_loads(f->sim.line, 0, NULL);
    snprintf(url, sizeof url, "%s/admin/faults", json_string_value(json_object_get(json_object_get(r, "polymarket"), "clob")));
    json_decref(r);
    pm_http *h;
    pm_err err;
    pm_http_response res = {0};
    assert_int_equal(pm_http_new(5000, &h, &err), 0);
    assert_int_equal(pm_http_do(h, "POST", url, NULL, body, &res, &err), 0);
    assert_int_equal(res.status, 200);
    pm_http_response_free(&res);
    pm_http_free(h);
}

/* GET path on the run's endpoint: the status, the body into *body (malloc'd). */
static long get_run(fixture *f, const char *path, char **body) {
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", f->http_port, path);
    pm_http *h;
    pm_err err;
    pm_http_response res = {0};
    assert_int_equal(pm_http_new(5000, &h, &err), 0);
    if (pm_http_do(h, "GET", url, NULL, NULL, &res, &err)) fail_msg("GET %s: %s", url, err.msg);
    pm_http_free(h);
    *body = strdup(res.body);
    long status = res.status;
    pm_http_response_free(&res);
    return status;
}

/* The value of the exposition's sample line "key value", as an integer. */
static int64_t metric(const char *text, const char *key) {
    char pat[160];
    snprintf(pat, sizeof pat, "\n%s ", key);
    const char *p = strstr(text, pat);
    if (!p) fail_msg("no sample %s in:\n%s", key, text);
    return strtoll(p + strlen(pat), NULL, 10);
}

/* Mid-run: /metrics names every counter and gauge, /health says ok once the books are live,
 * and `pmarb status` (text and --json) reports the same. Returns the traded count it saw. */
static int64_t check_endpoint(fixture *f) {
    static const char *const names[] = {
        "# TYPE pmarb_frames_total counter", "pmarb_frames_total{venue=\"kalshi\"} ", "pmarb_frames_total{venue=\"polymarket\"} ",
        "# TYPE pmarb_book_updates_total counter", "# TYPE pmarb_stale_events_total counter",
        "pmarb_detector_verdicts_total{status=\"found\"} ", "pmarb_detector_verdicts_total{status=\"no_edge\"} ",
        "pmarb_opportunities_total{decision=\"rejected\"} ", "pmarb_opportunities_total{decision=\"skipped\"} ",
        "# TYPE pmarb_paper_fills_total counter", "# TYPE pmarb_pairs_active gauge", "# TYPE pmarb_books_not_live gauge",
        "\npmarb_connections_up{venue=\"kalshi\"} 1\n", "\npmarb_connections_up{venue=\"polymarket\"} 1\n",
        "\npmarb_pairs_active 19\n", "\npmarb_books 60\n", "# TYPE pmarb_paper_pnl_dollars gauge\npmarb_paper_pnl_dollars ",
    };
    char *body;
    long st = 0;
    for (int i = 0; i < 40 && st != 200; i++) { /* the books are live within moments of the resolution */
        if (i) nap_ms(250);
        st = get_run(f, "/health", &body);
        if (st == 200) assert_string_equal(body, "{\"status\":\"ok\"}");
        else {
            assert_int_equal(st, 503);
            assert_non_null(strstr(body, "{\"status\":\"unhealthy\",\"reason\":\""));
        }
        free(body);
    }
    assert_int_equal(st, 200);
    assert_int_equal(get_run(f, "/metrics", &body), 200);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strstr(body, names[i])) fail_msg("no '%s' in /metrics:\n%s", names[i], body);
    int64_t traded = metric(body, "pmarb_opportunities_total{decision=\"traded\"}");
    assert_true(traded >= 2);
    assert_int_equal(metric(body, "pmarb_paper_fills_total"), traded); /* every trade filled both legs */
    assert_true(metric(body, "pmarb_frames_total{venue=\"kalshi\"}") > 0);
    assert_true(metric(body, "pmarb_book_updates_total") > 0);
    /* the simulator's book hashes are reproduced by the books pmarb holds, and none differed */
    assert_true(metric(body, "pmarb_polymarket_book_hashes_total{result=\"agreed\"}") > 0);
    assert_int_equal(metric(body, "pmarb_polymarket_book_hashes_total{result=\"differed\"}"), 0);
    assert_int_equal(metric(body, "pmarb_polymarket_book_hashes_total{result=\"unproven\"}"), 0);
    free(body);

    pm_test_run_result r = pmarb(f, (const char *const[]){"status", NULL});
    char want[160];
    snprintf(want, sizeof want, "pmarb at http://127.0.0.1:%d: %s", f->http_port, r.status ? "unhealthy: " : "healthy\n");
    if (strncmp(r.out, want, strlen(want))) fail_msg("pmarb status (exit %d):\n%s%s", r.status, r.out, r.err);
    assert_non_null(strstr(r.out, "\npairs active 19, books 60 ("));
    assert_non_null(strstr(r.out, "connections kalshi 1/1, polymarket 1/1\nframes kalshi "));
    assert_non_null(strstr(r.out, "\nopportunities traded "));
    assert_non_null(strstr(r.out, ", PnL at settlement "));
    pm_test_run_free(&r);
    r = pmarb(f, (const char *const[]){"status", "--json", NULL});
    json_t *doc = json_loads(r.out, 0, NULL);
    if (!doc) fail_msg("pmarb status --json:\n%s%s", r.out, r.err);
    assert_int_equal(json_is_true(json_object_get(doc, "healthy")), r.status == 0);
    json_t *m = json_object_get(doc, "metrics");
    assert_string_equal(json_string_value(json_object_get(m, "pmarb_pairs_active")), "19");
    assert_true(strtoll(json_string_value(json_object_get(m, "pmarb_paper_fills_total")), NULL, 10) >= traded);
    json_decref(doc);
    pm_test_run_free(&r);
    return traded;
}

static void test_paper_run(void **state) {
    fixture *f = *state;
    sync_and_approve(f);
    pid_t pid = spawn_run(f);
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(f->db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    /* wait (at most two minutes) until two opportunities were paper-filled */
    int64_t traded = 0;
    for (int i = 0; i < 240 && traded < 2; i++) {
        nap_ms(500);
        traded = query_int(db, "SELECT COUNT(*) FROM opportunities WHERE decision = 'traded'");
        if (i == 4) kill(pid, SIGHUP); /* the pairs are reloaded and adopted without a restart */
    }
    /* the venue resolves one pair's Polymarket market: the pair is dropped */
    close_poly_market(f, db, "US recession in 2026?");
    char *err = NULL;
    for (int i = 0; i < 40 && !(err && strstr(err, "status pairs_live=19 ")); i++) {
        nap_ms(250);
        free(err);
        err = slurp(f->err_path);
    }
    free(err);
    int64_t traded_seen = check_endpoint(f);
    kill(pid, SIGTERM);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    char *out = slurp(f->out_path);
    err = slurp(f->err_path);
    if (traded < 2) fail_msg("only %lld traded opportunities; stdout:\n%s\nstderr:\n%s", (long long)traded, out, err);
    assert_non_null(strstr(err, "msg=\"approved pairs reloaded\" pairs=20 active=20"));
    assert_non_null(strstr(err, "status pairs_live=20 books_stale=0/60 kalshi_up=1 polymarket_up=1/1"));
    assert_non_null(strstr(err, "status pairs_live=19 "));
    assert_non_null(strstr(out, "pairs 20 (19 active), books 60"));
    assert_non_null(strstr(out, ", pairs closed 1\n"));

    traded = query_int(db, "SELECT COUNT(*) FROM opportunities WHERE decision = 'traded'");
    assert_true(traded >= 2);
    /* every traded opportunity: paper mode, at least min_profit, costs that add up */
    assert_int_equal(query_int(db, "SELECT COUNT(*) FROM opportunities WHERE decision = 'traded' AND (mode <> 'paper' OR "
                                   "expected_profit < 10000 OR expected_profit <> qty - kalshi_cost - polymarket_cost)"),
                     0);
    /* it hedges: the token bought pays exactly when the Kalshi outcome bought does not */
    assert_int_equal(query_int(db,
                               "SELECT COUNT(*) FROM opportunities o JOIN market_matches m ON m.id = o.match_id "
                               "JOIN markets p ON p.id = m.polymarket_market_id WHERE o.decision = 'traded' AND "
                               "o.polymarket_token_id <> CASE WHEN (o.direction = 'kalshi_yes') = (m.polarity = 'same') "
                               "THEN p.outcome_no_id ELSE p.outcome_yes_id END"),
                     0);
    /* two paper fills per traded opportunity, the Kalshi one of exactly its quantity */
    assert_int_equal(query_int(db, "SELECT COUNT(*) FROM fills WHERE source = 'paper'"), 2 * traded);
    assert_int_equal(query_int(db, "SELECT COUNT(*) FROM opportunities o WHERE decision = 'traded' AND qty <> "
                                   "(SELECT qty_delivered FROM fills WHERE venue = 'kalshi' AND venue_fill_id = "
                                   "'paper-' || o.id || '-0')"),
                     0);
    assert_int_equal(query_int(db, "SELECT COUNT(*) FROM opportunities o WHERE decision = 'traded' AND qty > "
                                   "(SELECT qty_delivered FROM fills WHERE venue = 'polymarket' AND venue_fill_id = "
                                   "'paper-' || o.id || '-1')"),
                     0);
    /* positions are the sums of the fills */
    assert_int_equal(query_int(db, "SELECT COUNT(*) FROM positions p WHERE mode = 'paper' AND qty <> (SELECT SUM(qty_delivered) "
                                   "FROM fills f WHERE f.venue = p.venue AND f.market_id = p.market_id AND f.outcome = p.outcome)"),
                     0);
    assert_int_equal(query_int(db, "SELECT COUNT(*) FROM positions"),
                     query_int(db, "SELECT COUNT(*) FROM (SELECT DISTINCT venue, market_id, outcome FROM fills)"));
    /* Kalshi position cost: the opportunities' Kalshi legs */
    assert_int_equal(query_int(db, "SELECT COUNT(*) FROM positions p WHERE venue = 'kalshi' AND cost <> (SELECT SUM(kalshi_cost) "
                                   "FROM opportunities o WHERE decision = 'traded' AND o.kalshi_ticker = p.market_id AND "
                                   "o.direction = 'kalshi_' || p.outcome)"),
                     0);
    /* the summary's PnL at settlement is the sum of the expected profits, never negative */
    int64_t profit = query_int(db, "SELECT SUM(expected_profit) FROM opportunities WHERE decision = 'traded'");
    assert_true(profit > 0);
    char line[128];
    snprintf(line, sizeof line, "PnL at settlement %lld.%06lld,", (long long)(profit / 1000000), (long long)(profit % 1000000));
    assert_non_null(strstr(out, line));
    snprintf(line, sizeof line, ": traded %lld,", (long long)traded);
    assert_non_null(strstr(out, line));
    assert_true(traded_seen <= traded); /* /metrics counted what the summary counts, up to then */
    snprintf(line, sizeof line, "paper fills %lld: ", (long long)traded);
    assert_non_null(strstr(out, line));
    /* the run is gone: nothing to reach */
    pm_test_run_result r = pmarb(f, (const char *const[]){"status", NULL});
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, " is not reachable: "));
    assert_string_equal(r.out, "");
    pm_test_run_free(&r);
    sqlite3_close(db);
    free(out);
    free(err);
}

/* Nothing approved yet: both modes refuse to start, saying what to do. */
static void test_nothing_approved(void **state) {
    fixture *f = *state;
    const char *modes[] = {"live", "paper"};
    for (int i = 0; i < 2; i++) {
        write_ini(f, f->sim.line, modes[i]);
        pm_test_run_result r = pmarb(f, (const char *const[]){"run", "--seconds", "1", NULL});
        assert_int_equal(r.status, 1);
        assert_non_null(strstr(r.err, "no approved pairs in "));
        assert_non_null(strstr(r.err, "approve some with `pmarb review` first"));
        assert_string_equal(r.out, "");
        pm_test_run_free(&r);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_nothing_approved, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paper_run, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
