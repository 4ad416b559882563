/* testutil.c — scratch directories, subprocess runs and the `pmarb run` against `pmarb sim`
 * fixture for the unit tests (see testutil.h). */
#define _GNU_SOURCE
#include "testutil.h"

#include "core/money.h"
#include "net/http.h"
#include "store/db.h"
#include "store/markets.h"
#include "store/matches.h"
#include "util/log.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <poll.h>
#include <sqlite3.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what) {
    fprintf(stderr, "testutil: %s: %s\n", what, strerror(errno));
    abort();
}

char *pm_test_tmpdir(void) {
    const char *base = getenv("TMPDIR");
    char *path;
    if (asprintf(&path, "%s/pmarb-test-XXXXXX", base && *base ? base : "/tmp") < 0) die("asprintf");
    if (!mkdtemp(path)) die("mkdtemp");
    return path;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

void pm_test_rmtree(const char *dir) { nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS); }

char *pm_test_path(const char *dir, const char *name) {
    char *p;
    if (asprintf(&p, "%s/%s", dir, name) < 0) die("asprintf");
    return p;
}

void pm_test_write_file(const char *path, const char *text, int mode) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0) die(path);
    size_t len = strlen(text);
    if (write(fd, text, len) != (ssize_t)len) die(path);
    if (fchmod(fd, (mode_t)mode) != 0) die(path);
    close(fd);
}

typedef struct buf {
    char *data;
    size_t len, cap;
} buf;

static void buf_add(buf *b, const char *p, size_t n) {
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->data = realloc(b->data, b->cap);
        if (!b->data) die("realloc");
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

pm_test_run_result pm_test_run(const char *cwd, const char *const *env, const char *const *args) {
    const char *bin = getenv("PMARB_BIN");
    if (!bin || access(bin, X_OK) != 0) {
        fprintf(stderr, "testutil: PMARB_BIN must name the pmarb binary (is %s)\n", bin ? bin : "unset");
        abort();
    }
    const char *argv[64] = {bin};
    for (size_t i = 0; args[i]; i++) {
        if (i + 2 >= sizeof argv / sizeof argv[0]) abort();
        argv[i + 1] = args[i];
    }
    return pm_test_exec(cwd, env, bin, argv);
}

pm_test_run_result pm_test_exec(const char *cwd, const char *const *env, const char *program, const char *const *argv) {
    int out_pipe[2], err_pipe[2];
    if (pipe2(out_pipe, O_CLOEXEC) || pipe2(err_pipe, O_CLOEXEC)) die("pipe");
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
        dup2(out_pipe[1], 1);
        dup2(err_pipe[1], 2);
        close(out_pipe[0]), close(out_pipe[1]), close(err_pipe[0]), close(err_pipe[1]);
        if (cwd && chdir(cwd) != 0) _exit(126);
        for (const char *const *e = env; e && *e; e++) putenv((char *)*e);
        execvp(program, (char *const *)argv);
        _exit(127);
    }
    close(out_pipe[1]);
    close(err_pipe[1]);
    buf out = {0}, err = {0};
    buf_add(&out, "", 0);
    buf_add(&err, "", 0);
    struct pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    int open_fds = 2;
    while (open_fds > 0) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            die("poll");
        }
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char chunk[4096];
            ssize_t r = read(fds[i].fd, chunk, sizeof chunk);
            if (r > 0) {
                buf_add(i == 0 ? &out : &err, chunk, (size_t)r);
            } else {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            }
        }
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) die("waitpid");
    pm_test_run_result r = {
        .status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
        .out = out.data,
        .err = err.data,
    };
    return r;
}

void pm_test_run_free(pm_test_run_result *r) {
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

char *pm_test_source_path(const char *relative) {
    const char *root = getenv("PMARB_SOURCE_DIR");
    if (!root) {
        fprintf(stderr, "testutil: PMARB_SOURCE_DIR is not set (run the tests through ctest)\n");
        abort();
    }
    return pm_test_path(root, relative);
}

char *pm_test_shared_data(const char *relative, size_t *len) {
    const char *root = getenv("PMARB_SHARED_DIR");
    if (!root) {
        fprintf(stderr, "testutil: PMARB_SHARED_DIR is not set (run the tests through ctest)\n");
        abort();
    }
    char *path;
    if (asprintf(&path, "%s/research/data/%s", root, relative) < 0) die("asprintf");
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "testutil: cannot open %s: %s\n", path, strerror(errno));
        abort();
    }
    buf b = {0};
    buf_add(&b, "", 0);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_add(&b, chunk, n);
    fclose(f);
    free(path);
    if (len) *len = b.len;
    return b.data;
}

void pm_test_start(pm_test_proc *p, const char *const *args) {
    const char *bin = getenv("PMARB_BIN");
    if (!bin) abort();
    int out[2];
    if (pipe2(out, O_CLOEXEC)) die("pipe");
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
        dup2(out[1], 1);
        close(out[0]);
        close(out[1]);
        const char *argv[64] = {bin};
        for (size_t i = 0; args[i] && i + 2 < 64; i++) argv[i + 1] = args[i];
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    close(out[1]);
    p->pid = pid;
    size_t n = 0;
    char c;
    while (n + 1 < sizeof p->line && read(out[0], &c, 1) == 1 && c != '\n') p->line[n++] = c;
    p->line[n] = '\0';
    close(out[0]);
    if (n == 0) {
        fprintf(stderr, "testutil: pmarb %s printed no ready line\n", args[0]);
        abort();
    }
}

int pm_test_stop(pm_test_proc *p) {
    int status = 0;
    kill(p->pid, SIGTERM);
    while (waitpid(p->pid, &status, 0) < 0)
        if (errno != EINTR) die("waitpid");
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

char *pm_test_pem(EVP_PKEY *key, pm_test_pem_form form) {
    BIO *b = BIO_new(BIO_s_mem());
    int ok = form == PM_TEST_PEM_PUBLIC ? PEM_write_bio_PUBKEY(b, key)
             : form == PM_TEST_PEM_PKCS1 ? PEM_write_bio_PrivateKey_traditional(b, key, NULL, NULL, 0, NULL, NULL)
                                         : PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0, NULL, NULL);
    char *data;
    long n = BIO_get_mem_data(b, &data);
    char *s = ok ? strndup(data, (size_t)n) : NULL;
    BIO_free(b);
    if (!s) abort();
    return s;
}

/* ---- `pmarb run` against `pmarb sim` ---- */

const pm_test_mirror pm_test_mirrors[] = {
    {"KXFEDDECISION-26DEC-H0", "Will the Fed hold rates at the December 2026 meeting?", PM_POLARITY_SAME},
    {"KXFEDDECISION-26DEC-C1", "Will the Fed cut rates by 25 bps at the December 2026 meeting?", PM_POLARITY_SAME},
    {"KXFEDDECISION-26DEC-C2", "Will the Fed cut rates by more than 25 bps at the December 2026 meeting?", PM_POLARITY_SAME},
    {"KXFEDDECISION-26DEC-H3", "Will the Fed raise rates at the December 2026 meeting?", PM_POLARITY_SAME},
    {"KXCPIYOY-26NOV-A0", "Will US CPI inflation for November 2026 be above 2.5%?", PM_POLARITY_SAME},
    {"KXCPIYOY-26NOV-A1", "Will US CPI inflation for November 2026 be above 2.8%?", PM_POLARITY_SAME},
    {"KXCPIYOY-26NOV-A2", "Will US CPI inflation for November 2026 be 3.0% or lower?", PM_POLARITY_INVERTED},
    {"KXCPIYOY-26NOV-A3", "Will US CPI inflation for November 2026 be above 3.2%?", PM_POLARITY_SAME},
    {"KXBTCMAXY-26-A0", "Will Bitcoin reach $150,000 in 2026?", PM_POLARITY_SAME},
    {"KXBTCMAXY-26-A1", "Will Bitcoin reach $175,000 in 2026?", PM_POLARITY_SAME},
    {"KXBTCMAXY-26-A2", "Will Bitcoin reach $200,000 in 2026?", PM_POLARITY_SAME},
    {"KXNBACHAMP-27-B0", "Will the Boston Celtics win the 2027 NBA Finals?", PM_POLARITY_SAME},
    {"KXNBACHAMP-27-O1", "Will the Oklahoma City Thunder win the 2027 NBA Finals?", PM_POLARITY_SAME},
    {"KXNBACHAMP-27-D2", "Will the Denver Nuggets win the 2027 NBA Finals?", PM_POLARITY_SAME},
    {"KXNBACHAMP-27-N3", "Will the New York Knicks win the 2027 NBA Finals?", PM_POLARITY_SAME},
    {"KXINXY-26DEC31-A0", "Will the S&P 500 close above 6,500 on December 31, 2026?", PM_POLARITY_SAME},
    {"KXINXY-26DEC31-A1", "Will the S&P 500 close above 7,000 on December 31, 2026?", PM_POLARITY_SAME},
    {"KXINXY-26DEC31-A2", "Will the S&P 500 close above 7,500 on December 31, 2026?", PM_POLARITY_SAME},
    {"KXGOVSHUT-26DEC-Y0", "Will the US government avoid a shutdown through December 31, 2026?", PM_POLARITY_INVERTED},
    {"KXRECSSNBER-26-Y0", "US recession in 2026?", PM_POLARITY_SAME},
};
const size_t pm_test_nmirrors = sizeof pm_test_mirrors / sizeof pm_test_mirrors[0];

static void live_fail(const char *what, const char *detail) {
    fprintf(stderr, "testutil: %s: %s\n", what, detail ? detail : "");
    abort();
}

typedef struct live_found {
    const char *key;
    int by_title;
    char id[PM_UUID_LEN];
} live_found;

static int live_find_cb(void *ctx, const pm_market *m) {
    live_found *x = ctx;
    if (!strcmp(x->by_title ? m->title : m->platform_market_id, x->key)) snprintf(x->id, sizeof x->id, "%s", m->id);
    return 0;
}

static void live_market_id(pm_db *db, pm_venue v, const char *key, char out[PM_UUID_LEN]) {
    live_found x = {key, v == PM_VENUE_POLYMARKET, ""};
    pm_err err;
    if (pm_store_list_markets(db, v, "active", live_find_cb, &x, &err) || !x.id[0]) live_fail("no market", key);
    snprintf(out, PM_UUID_LEN, "%s", x.id);
}

static void live_approve(pm_test_live *f) {
    pm_db *db;
    pm_err err;
    if (pm_db_open(f->db_path, PM_DB_MIGRATE, 5000, &db, &err)) live_fail("open the database", err.msg);
    for (size_t i = 0; i < pm_test_nmirrors; i++) {
        char k[PM_UUID_LEN], p[PM_UUID_LEN], id[PM_UUID_LEN];
        live_market_id(db, PM_VENUE_KALSHI, pm_test_mirrors[i].ticker, k);
        live_market_id(db, PM_VENUE_POLYMARKET, pm_test_mirrors[i].question, p);
        pm_candidate c = {.kalshi_market_id = k, .polymarket_market_id = p, .confidence = 990000,
                          .polarity = pm_test_mirrors[i].polarity, .reason = "the simulator's mirror",
                          .status = PM_MATCH_PENDING_REVIEW};
        pm_candidate_result res;
        if (pm_store_put_candidate(db, &c, id, &res, &err) || pm_store_review_match(db, id, PM_MATCH_APPROVED, "test", NULL, &err))
            live_fail("approve a pair", err.msg);
    }
    pm_db_close(db);
}

/* "http://host:port" of a URL. */
static void live_base(const char *url, char out[128]) {
    const char *host = strstr(url, "://"), *slash = host ? strchr(host + 3, '/') : NULL;
    snprintf(out, 128, "%.*s", (int)(slash ? (size_t)(slash - url) : strlen(url)), url);
}

static const char *live_ready(pm_test_live *f, const char *venue, const char *key) {
    static char v[512];
    json_t *r = json_loads(f->sim.line, 0, NULL);
    snprintf(v, sizeof v, "%s", json_string_value(json_object_get(json_object_get(r, venue), key)));
    json_decref(r);
    return v;
}

void pm_test_live_ini(pm_test_live *f, const char *mode, const char *extra) {
    char text[8192];
    char krest[512], kws[512], gamma[512], clob[512], pws[512];
    snprintf(krest, sizeof krest, "%s", live_ready(f, "kalshi", "rest"));
    snprintf(kws, sizeof kws, "%s", live_ready(f, "kalshi", "ws"));
    snprintf(gamma, sizeof gamma, "%s", live_ready(f, "polymarket", "gamma"));
    snprintf(clob, sizeof clob, "%s", live_ready(f, "polymarket", "clob"));
    snprintf(pws, sizeof pws, "%s", live_ready(f, "polymarket", "ws"));
    snprintf(text, sizeof text,
             "[db]\npath = %s\n[kalshi]\nrest_url = %s\nws_url = %s\n[polymarket]\ngamma_url = %s\nclob_url = %s\nws_url = %s\n"
             "[run]\nmode = %s\nstatus_interval_s = 1\nhttp_listen =\n%s",
             f->db_path, krest, kws, gamma, clob, pws, mode, extra ? extra : "");
    pm_test_write_file(f->ini, text, 0644);
}

pm_test_run_result pm_test_live_pmarb(pm_test_live *f, const char *const *args) {
    const char *argv[32] = {"pmarb", "--config", f->ini};
    int n = 3;
    for (const char *const *a = args; *a && n < 31; a++) argv[n++] = *a;
    argv[n] = NULL;
    const char *env[7];
    int ne = 0;
    for (int i = 0; i < 6; i++)
        if (f->env[i][0]) env[ne++] = f->env[i];
    env[ne] = NULL;
    return pm_test_exec(f->dir, env, getenv("PMARB_BIN"), argv);
}

/* The value of `export NAME=value` in text, into out. */
static void live_export(const char *text, const char *name, char *out, size_t cap) {
    char pat[64];
    snprintf(pat, sizeof pat, "export %s=", name);
    const char *p = strstr(text, pat);
    if (!p) live_fail("no export line", name);
    p += strlen(pat);
    snprintf(out, cap, "%s=%.*s", name, (int)strcspn(p, "\n"), p);
}

void pm_test_live_start(pm_test_live *f, const char *const *sim_args) {
    memset(f, 0, sizeof *f);
    f->dir = pm_test_tmpdir();
    f->ini = pm_test_path(f->dir, "pmarb.ini");
    f->db_path = pm_test_path(f->dir, "markets.db");
    f->key_path = pm_test_path(f->dir, "kalshi.pem");
    f->out_path = pm_test_path(f->dir, "run.out");
    f->err_path = pm_test_path(f->dir, "run.err");
    char *pub_path = pm_test_path(f->dir, "kalshi.pub");
    f->key = EVP_RSA_gen(2048);
    char *pem = pm_test_pem(f->key, PM_TEST_PEM_PUBLIC);
    pm_test_write_file(pub_path, pem, 0644);
    free(pem);
    pem = pm_test_pem(f->key, PM_TEST_PEM_PKCS8);
    pm_test_write_file(f->key_path, pem, 0600);
    free(pem);
    const char *args[32] = {"sim", "--kalshi-public-key", pub_path, "--kalshi-key-id", "kid"};
    int n = 5;
    for (const char *const *a = sim_args; a && *a && n < 31; a++) args[n++] = *a;
    args[n] = NULL;
    pm_test_start(&f->sim, args);
    free(pub_path);
    live_base(live_ready(f, "kalshi", "rest"), f->kalshi_base);
    live_base(live_ready(f, "polymarket", "clob"), f->poly_base);
    snprintf(f->env[0], sizeof f->env[0], "KALSHI_API_KEY_ID=kid");
    snprintf(f->env[1], sizeof f->env[1], "KALSHI_PRIVATE_KEY_PATH=%s", f->key_path);
    unsigned char secret[32];
    if (RAND_bytes(secret, sizeof secret) != 1) live_fail("RAND_bytes", NULL);
    int at = snprintf(f->env[2], sizeof f->env[2], "POLY_PRIVATE_KEY=0x");
    for (size_t i = 0; i < sizeof secret; i++) at += snprintf(f->env[2] + at, sizeof f->env[2] - (size_t)at, "%02x", secret[i]);
    pm_test_live_ini(f, "paper", NULL);
    pm_test_run_result r = pm_test_live_pmarb(f, (const char *const[]){"sync", "--venue", "kalshi", NULL});
    if (r.status) live_fail("kalshi sync", r.err);
    pm_test_run_free(&r);
    r = pm_test_live_pmarb(f, (const char *const[]){"sync", "--venue", "polymarket", NULL});
    if (r.status) live_fail("polymarket sync", r.err);
    pm_test_run_free(&r);
    live_approve(f);
    r = pm_test_live_pmarb(f, (const char *const[]){"polymarket", "api-key", "create", NULL});
    if (r.status) live_fail("polymarket api-key create", r.err);
    live_export(r.out, "POLY_API_KEY", f->env[3], sizeof f->env[3]);
    live_export(r.out, "POLY_API_SECRET", f->env[4], sizeof f->env[4]);
    live_export(r.out, "POLY_API_PASSPHRASE", f->env[5], sizeof f->env[5]);
    pm_test_run_free(&r);
}

void pm_test_live_spawn(pm_test_live *f, const char *const *args) {
    pm_test_write_file(f->out_path, "", 0644); /* emptied before the run starts: waits see only its lines */
    pm_test_write_file(f->err_path, "", 0644);
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
        int out = open(f->out_path, O_WRONLY | O_APPEND), err = open(f->err_path, O_WRONLY | O_APPEND);
        if (out < 0 || err < 0 || chdir(f->dir)) _exit(126);
        dup2(out, 1);
        dup2(err, 2);
        for (int i = 0; i < 6; i++)
            if (f->env[i][0]) putenv(f->env[i]);
        const char *argv[32] = {"pmarb", "--config", f->ini, "--log-level", "info", "run"};
        int n = 6;
        for (const char *const *a = args; a && *a && n < 31; a++) argv[n++] = *a;
        argv[n] = NULL;
        execv(getenv("PMARB_BIN"), (char *const *)argv);
        _exit(127);
    }
    f->pid = pid;
}

int pm_test_live_wait(pm_test_live *f, int sig) {
    if (!f->pid) return -1;
    if (sig) kill(f->pid, sig);
    int status;
    while (waitpid(f->pid, &status, 0) < 0)
        if (errno != EINTR) die("waitpid");
    f->pid = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

json_t *pm_test_live_admin(pm_test_live *f, const char *venue, const char *method, const char *what, const char *body) {
    char url[256];
    snprintf(url, sizeof url, "%s/admin/%s", strcmp(venue, "kalshi") ? f->poly_base : f->kalshi_base, what);
    pm_http *h;
    pm_err err;
    pm_http_response res = {0};
    if (pm_http_new(5000, &h, &err)) live_fail("pm_http_new", err.msg);
    if (pm_http_do(h, method, url, NULL, body, &res, &err)) live_fail(url, err.msg);
    pm_http_free(h);
    if (res.status != 200) live_fail(url, res.body);
    json_t *doc = json_loads(res.body, 0, NULL);
    pm_http_response_free(&res);
    if (!doc) live_fail(url, "not JSON");
    return doc;
}

int pm_test_live_setup(void **state) {
    pm_log_set_level(PM_LOG_ERROR);
    pm_test_live *f = calloc(1, sizeof *f);
    if (!f) abort();
    pm_test_live_start(f, (const char *const[]){"--seed", "2", NULL});
    *state = f;
    return 0;
}

int pm_test_live_teardown(void **state) {
    pm_test_live *f = *state;
    pm_test_live_stop(f);
    free(f);
    return 0;
}

void pm_test_live_stop(pm_test_live *f) {
    if (f->pid) pm_test_live_wait(f, SIGTERM);
    pm_test_stop(&f->sim);
    EVP_PKEY_free(f->key);
    pm_test_rmtree(f->dir);
    free(f->dir), free(f->ini), free(f->db_path), free(f->key_path), free(f->out_path), free(f->err_path);
    OPENSSL_cleanse(f->env, sizeof f->env);
}

char *pm_test_slurp(const char *path) {
    buf b = {0};
    buf_add(&b, "", 0);
    FILE *fp = fopen(path, "rb");
    if (!fp) return b.data;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) buf_add(&b, chunk, n);
    fclose(fp);
    return b.data;
}

void pm_test_nap_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
}

int pm_test_wait_text(const char *path, const char *text, int ms) {
    for (int waited = 0;; waited += 50) {
        char *s = pm_test_slurp(path);
        int found = strstr(s, text) != NULL;
        free(s);
        if (found || waited >= ms) return found;
        pm_test_nap_ms(50);
    }
}

long long pm_test_query_int(const char *db_path, const char *sql) {
    sqlite3 *db;
    sqlite3_stmt *st;
    long long v = -1;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) live_fail("open", db_path);
    sqlite3_busy_timeout(db, 5000);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) live_fail(sql, sqlite3_errmsg(db));
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

int pm_test_live_cash(pm_test_live *f, long long cash[2]) {
    pm_test_run_result r = pm_test_live_pmarb(f, (const char *const[]){"reconcile", "--json", NULL});
    json_t *doc = json_loads(r.out, 0, NULL), *c = json_object_get(doc, "cash");
    const char *names[2] = {"kalshi", "polymarket"};
    for (int v = 0; v < 2; v++) {
        const char *s = json_string_value(json_object_get(c, names[v]));
        pm_usd_t x = -1;
        if (!s || pm_usd_parse(s, strlen(s), &x, NULL)) x = -1;
        cash[v] = x;
    }
    json_decref(doc);
    int status = r.status;
    pm_test_run_free(&r);
    return status;
}

typedef struct live_check {
    sqlite3 *db;
    char *why;
    size_t cap, len;
    int bad;
} live_check;

static void check_fail(live_check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void check_fail(live_check *c, const char *fmt, ...) {
    c->bad = 1;
    if (c->len + 2 >= c->cap) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(c->why + c->len, c->cap - c->len, fmt, ap);
    va_end(ap);
    if (n > 0) c->len += (size_t)n < c->cap - c->len ? (size_t)n : c->cap - c->len - 1;
    if (c->len + 1 < c->cap) c->why[c->len++] = '\n', c->why[c->len] = '\0';
}

/* The first column of sql with up to two text parameters (-1 when no row). */
static long long check_int(live_check *c, const char *sql, const char *a, const char *b) {
    sqlite3_stmt *st;
    long long v = -1;
    if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK) {
        check_fail(c, "SQL %s: %s", sql, sqlite3_errmsg(c->db));
        return -1;
    }
    if (a) sqlite3_bind_text(st, 1, a, -1, SQLITE_TRANSIENT);
    if (b) sqlite3_bind_text(st, 2, b, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Every order the venue saw is in the database once, with the venue's figures. Returns how
 * many it filled. */
static long long check_seen(live_check *c, pm_test_live *f, const char *venue) {
    int kalshi = !strcmp(venue, "kalshi");
    json_t *doc = pm_test_live_admin(f, venue, "GET", "orders", NULL), *seen = json_object_get(doc, "orders"), *e;
    size_t i;
    long long filled_orders = 0;
    json_array_foreach(seen, i, e) {
        const char *id = json_string_value(json_object_get(e, kalshi ? "client_order_id" : "id"));
        const char *fill = json_string_value(json_object_get(e, kalshi ? "fill_count_fp" : "size_matched"));
        int accepted = json_is_true(json_object_get(e, "accepted"));
        for (size_t j = 0; j < i; j++)
            if (!strcmp(id, json_string_value(json_object_get(json_array_get(seen, j), kalshi ? "client_order_id" : "id"))))
                check_fail(c, "%s saw order %s twice", venue, id);
        if (check_int(c, "SELECT COUNT(*) FROM orders WHERE venue = ?1 AND client_order_id = ?2", venue, id) != 1) {
            check_fail(c, "%s saw order %s (HTTP %lld), the database does not have it", venue, id,
                       (long long)json_integer_value(json_object_get(e, "http_status")));
            continue;
        }
        long long db_filled = check_int(c, "SELECT filled_qty FROM orders WHERE venue = ?1 AND client_order_id = ?2", venue, id);
        pm_qty_t want = 0;
        if (accepted && (!fill || pm_qty_parse(fill, strlen(fill), &want, NULL))) check_fail(c, "%s order %s: bad fill '%s'", venue, id, fill);
        if (db_filled != want) check_fail(c, "%s order %s filled %lld on the venue, %lld in the database", venue, id, (long long)want, db_filled);
        if (want > 0) filled_orders++;
        if (!accepted && check_int(c, "SELECT COUNT(*) FROM orders WHERE venue = ?1 AND client_order_id = ?2 AND status IN "
                                      "('rejected', 'canceled')", venue, id) != 1)
            check_fail(c, "%s refused order %s: the database says otherwise", venue, id);
    }
    json_decref(doc);
    return filled_orders;
}

static void check_exposure(live_check *c, const pm_test_limits *lim) {
    const char *leg = "SELECT match_id, venue, SUM(CASE side WHEN 'buy' THEN delivered_qty ELSE -delivered_qty END) AS q, "
                      "SUM(cash) AS usd FROM orders WHERE mode = 'live' GROUP BY match_id, venue";
    char sql[1024];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM (SELECT match_id, MAX(q) AS q, SUM(usd) AS usd FROM (%s) GROUP BY match_id) "
                              "WHERE q > %lld OR usd > %lld", leg, lim->pair_qty, lim->pair_usd);
    if (check_int(c, sql, NULL, NULL)) check_fail(c, "a pair holds more than the [risk] per-pair limits");
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM (SELECT venue, SUM(q) AS q, SUM(usd) AS usd FROM (%s) GROUP BY venue) "
                              "WHERE q > %lld OR usd > %lld", leg, lim->venue_qty, lim->venue_usd);
    if (check_int(c, sql, NULL, NULL)) check_fail(c, "a venue holds more than the [risk] per-venue limits");
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM (SELECT SUM(q) AS q, SUM(usd) AS usd FROM (SELECT MAX(q) AS q, SUM(usd) AS usd "
                              "FROM (%s) GROUP BY match_id)) WHERE q > %lld OR usd > %lld", leg, lim->total_qty, lim->total_usd);
    if (check_int(c, sql, NULL, NULL)) check_fail(c, "more held in total than the [risk] total limits");
}

int pm_test_live_check(pm_test_live *f, const pm_test_limits *lim, const long long cash_before[2], char *why, size_t cap) {
    live_check c = {.why = why, .cap = cap};
    why[0] = '\0';
    if (sqlite3_open_v2(f->db_path, &c.db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) live_fail("open", f->db_path);
    sqlite3_busy_timeout(c.db, 5000);
    long long filled = check_seen(&c, f, "kalshi") + check_seen(&c, f, "polymarket");
    long long db_filled = check_int(&c, "SELECT COUNT(*) FROM orders WHERE filled_qty > 0", NULL, NULL);
    if (db_filled != filled) check_fail(&c, "%lld orders filled in the database, %lld on the venues", db_filled, filled);
    long long n = check_int(&c, "SELECT COUNT(*) FROM orders WHERE status IN ('created', 'sent', 'unknown')", NULL, NULL);
    if (n) check_fail(&c, "%lld orders left created, sent or unknown", n);
    n = check_int(&c, "SELECT COUNT(*) FROM orders WHERE opportunity_id IS NULL AND role NOT IN ('hedge', 'unwind')", NULL, NULL);
    if (n) check_fail(&c, "%lld orders belong to no opportunity and are no hedge or unwind", n);
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM opportunities WHERE decision = 'traded' AND (kalshi_book_age_us IS NULL OR "
                              "polymarket_book_age_us IS NULL OR kalshi_book_age_us > %lld OR polymarket_book_age_us > %lld)",
             lim->max_book_age_ms * 1000, lim->max_book_age_ms * 1000);
    n = check_int(&c, sql, NULL, NULL);
    if (n) check_fail(&c, "%lld opportunities traded on books older than max_book_age_ms", n);
    check_exposure(&c, lim);
    const char *names[2] = {"kalshi", "polymarket"};
    long long spent[2];
    for (int v = 0; v < 2; v++) spent[v] = check_int(&c, "SELECT COALESCE(SUM(cash), 0) FROM orders WHERE venue = ?1", names[v], NULL);
    sqlite3_close(c.db);
    long long after[2];
    pm_test_run_result r = pm_test_live_pmarb(f, (const char *const[]){"reconcile", "--json", NULL});
    if (r.status || !strstr(r.out, "\"equal\": true")) check_fail(&c, "pmarb reconcile (exit %d): %s%s", r.status, r.out, r.err);
    pm_test_run_free(&r);
    pm_test_live_cash(f, after);
    for (int v = 0; v < 2 && cash_before; v++)
        if (after[v] != cash_before[v] - spent[v])
            check_fail(&c, "%s cash %lld after, %lld before, the orders spent %lld", names[v], after[v], cash_before[v], spent[v]);
    return c.bad ? -1 : 0;
}

void pm_test_live_dislocate(pm_test_live *f, int i, int cents, int ticks) {
    sqlite3 *db;
    sqlite3_stmt *st;
    if (sqlite3_open_v2(f->db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) live_fail("open", f->db_path);
    sqlite3_busy_timeout(db, 5000);
    const char *sql = "SELECT platform_market_id FROM markets WHERE platform = 'polymarket' AND title = ?";
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) live_fail(sql, sqlite3_errmsg(db));
    sqlite3_bind_text(st, 1, pm_test_mirrors[i].question, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW) live_fail("no Polymarket market", pm_test_mirrors[i].question);
    char body[256];
    snprintf(body, sizeof body, "{\"overshoot\":{\"market\":\"%s\",\"cents\":%d,\"ticks\":%d}}", (const char *)sqlite3_column_text(st, 0),
             cents, ticks);
    sqlite3_finalize(st);
    sqlite3_close(db);
    json_decref(pm_test_live_admin(f, "polymarket", "POST", "faults", body));
}
