/* testutil.h — helpers shared by the unit tests: scratch directories, running the pmarb binary
 * (CTest passes its path in PMARB_BIN) or another program with captured output, the
 * location of the test oracles (the venues' official clients under tests/oracle), and a
 * fixture for `pmarb run` against `pmarb sim` with the invariants of a live run. */
#ifndef PM_TESTUTIL_H
#define PM_TESTUTIL_H

#include <openssl/evp.h>
#include <stddef.h>

#include "core/market.h"

/* Creates a fresh directory under $TMPDIR (or /tmp) and returns its path (static storage per
 * call is not shared: the caller frees it). Aborts the test program on failure. */
char *pm_test_tmpdir(void);

/* Removes a directory tree created by pm_test_tmpdir. */
void pm_test_rmtree(const char *dir);

/* Joins dir and name into a new string (caller frees). */
char *pm_test_path(const char *dir, const char *name);

/* Writes text to path with the given mode. Aborts on failure. */
void pm_test_write_file(const char *path, const char *text, int mode);

typedef struct pm_test_run_result {
    int status;   /* exit status, or 128 + signal */
    char *out;    /* everything written to stdout (NUL-terminated, caller frees) */
    char *err;    /* everything written to stderr */
} pm_test_run_result;

/* Runs program (looked up in PATH when it has no '/') with argv (argv[0] included,
 * NULL-terminated) in directory cwd with the extra environment assignments in env. */
pm_test_run_result pm_test_exec(const char *cwd, const char *const *env, const char *program, const char *const *argv);

/* Runs $PMARB_BIN with args (NULL-terminated) in directory cwd with the extra environment
 * assignments in env ("K=V", NULL-terminated; may be NULL). Aborts if the binary is missing. */
pm_test_run_result pm_test_run(const char *cwd, const char *const *env, const char *const *args);
void pm_test_run_free(pm_test_run_result *r);

/* A background `pmarb <args>` whose first stdout line (the simulator's ready line) has been
 * read; pm_test_stop sends SIGTERM and waits. */
typedef struct pm_test_proc {
    int pid;
    char line[4096];
} pm_test_proc;
void pm_test_start(pm_test_proc *p, const char *const *args);
int pm_test_stop(pm_test_proc *p); /* the exit status */

/* A key as PEM text (caller frees): the public key ("BEGIN PUBLIC KEY"), or the private key
 * as PKCS#1 ("BEGIN RSA PRIVATE KEY") or PKCS#8 ("BEGIN PRIVATE KEY"). */
typedef enum pm_test_pem_form { PM_TEST_PEM_PUBLIC, PM_TEST_PEM_PKCS1, PM_TEST_PEM_PKCS8 } pm_test_pem_form;
char *pm_test_pem(EVP_PKEY *key, pm_test_pem_form form);

/* Path of a file in the source tree ($PMARB_SOURCE_DIR, set by CTest), caller frees. */
char *pm_test_source_path(const char *relative);

/* Contents of a file under the shared data folder ($PMARB_SHARED_DIR/research/data/<relative>),
 * NUL-terminated, caller frees; *len (may be NULL) gets its size. Fails the test if absent. */
char *pm_test_shared_data(const char *relative, size_t *len);

/* The simulator's built-in questions Polymarket mirrors: the Kalshi ticker, Polymarket's
 * question, and how their outcomes line up (twenty, two inverted). */
typedef struct pm_test_mirror {
    const char *ticker, *question;
    pm_polarity polarity;
} pm_test_mirror;
extern const pm_test_mirror pm_test_mirrors[];
extern const size_t pm_test_nmirrors;

/* ---- `pmarb run` against `pmarb sim` ----
 * A simulator started with an RSA key for Kalshi, a fresh database with both venues synced and
 * the simulator's mirrored pairs approved (twenty, two inverted), a Polymarket wallet with its
 * CLOB API key created on the simulator (`pmarb polymarket api-key create`), and pmarb.ini
 * pointing at the simulator. */
typedef struct pm_test_live {
    char *dir, *ini, *db_path, *key_path, *out_path, *err_path;
    EVP_PKEY *key;
    pm_test_proc sim;
    char kalshi_base[128], poly_base[128]; /* http://host:port of each venue (its /admin endpoints) */
    char env[6][512];                      /* KALSHI_* and POLY_* assignments for pmarb */
    int pid;                               /* the background `pmarb run`, 0 none */
} pm_test_live;

/* Starts the simulator (sim_args: more `pmarb sim` arguments, NULL-terminated, may be NULL),
 * syncs, approves, creates the API key and writes a paper-mode ini. Fails the test on error. */
void pm_test_live_start(pm_test_live *f, const char *const *sim_args);
/* Rewrites pmarb.ini: [run] mode, status lines every second, no http_listen; extra (may be
 * NULL) is appended as is (more sections: [strategy], [risk], ...). */
void pm_test_live_ini(pm_test_live *f, const char *mode, const char *extra);
/* `pmarb --config INI <args>` with the credentials, waited for. */
pm_test_run_result pm_test_live_pmarb(pm_test_live *f, const char *const *args);
/* `pmarb --config INI --log-level info run <args>` in the background, stdout and stderr to
 * out_path and err_path (emptied first); f->pid. */
void pm_test_live_spawn(pm_test_live *f, const char *const *args);
/* Sends sig to the background run (0: none, just wait) and waits: its exit status (128 + signal). */
int pm_test_live_wait(pm_test_live *f, int sig);
/* A request to a venue's /admin endpoint (venue "kalshi" or "polymarket", what e.g. "faults"),
 * the JSON answer (caller decrefs); fails the test unless it answers 200. */
struct json_t;
struct json_t *pm_test_live_admin(pm_test_live *f, const char *venue, const char *method, const char *what, const char *body);
/* Opens a dislocation on the i-th mirrored pair: Polymarket's quote of its question moves
 * cents (signed) off the fair value Kalshi follows, for ticks price steps (50 a second). */
void pm_test_live_dislocate(pm_test_live *f, int i, int cents, int ticks);
/* Stops the run (SIGTERM) if still going and the simulator, removes the directory. */
void pm_test_live_stop(pm_test_live *f);
/* cmocka setup / teardown: a pm_test_live started on `pmarb sim --seed 2` as *state, logs quiet. */
int pm_test_live_setup(void **state);
int pm_test_live_teardown(void **state);

/* The venues' cash (micro-dollars) as `pmarb reconcile --json` reads it; the command's exit status. */
int pm_test_live_cash(pm_test_live *f, long long cash[2]);

/* The limits a live run was given, micro-units as in the ini ([risk], [strategy] max_book_age_ms). */
typedef struct pm_test_limits {
    long long pair_qty, pair_usd, venue_qty, venue_usd, total_qty, total_usd;
    long long max_book_age_ms;
} pm_test_limits;

/* The invariants of a finished live run, against the simulator and the database: every order
 * the simulator saw is in `orders` once, with the simulator's fill (refused ones rejected or
 * canceled, unfilled); no order was sent twice; every order that filled is one the simulator
 * saw; `pmarb reconcile --json` finds the positions equal; each venue's cash is cash_before
 * less Σ orders.cash (not checked when cash_before is NULL); every traded opportunity's books were no older than max_book_age_ms and
 * every order belongs to an opportunity or is a hedge or unwind; no order is left created,
 * sent or unknown; exposure per pair, per venue and in total is within the limits. 0, or -1
 * with what broke in why. */
int pm_test_live_check(pm_test_live *f, const pm_test_limits *lim, const long long cash_before[2], char *why, size_t cap);

/* Waits up to ms for path to contain text (1) or not (0). */
int pm_test_wait_text(const char *path, const char *text, int ms);
/* The whole file, NUL-terminated (caller frees; "" when missing). */
char *pm_test_slurp(const char *path);
void pm_test_nap_ms(long ms);
/* The first column of the first row of sql on the database at path (-1 none). */
long long pm_test_query_int(const char *db_path, const char *sql);

#endif
