/* demo_env.c — the demo's directory, keys, simulator child, configuration and credentials (see demo_env.h). */
#define _GNU_SOURCE
#include "cli/demo_env.h"
#include "util/tmpdir.h"

#include "venue/polymarket/clob_api.h"
#include "venue/polymarket/wallet.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEMO_KEY_ID "pmarb-demo"
#define READY_TIMEOUT_MS 15000
#define STOP_GRACE_MS 3000

static const char *const secret_vars[] = {"KALSHI_API_KEY_ID", "KALSHI_PRIVATE_KEY_PATH", "POLY_PRIVATE_KEY",
                                          "POLY_API_KEY", "POLY_API_SECRET", "POLY_API_PASSPHRASE"};

static int path_in(char *out, const char *dir, const char *name, pm_err *err) {
    if ((size_t)snprintf(out, PM_DEMO_PATH_MAX, "%s/%s", dir, name) >= PM_DEMO_PATH_MAX)
        return pm_err_set(err, "the directory name %s is too long", dir);
    return 0;
}

static int make_dir(pm_demo_env *e, const char *dir, pm_err *err) {
    if (dir) {
        if (mkdir(dir, 0700) && errno != EEXIST) return pm_err_set(err, "cannot create %s: %s", dir, strerror(errno));
        if (strlen(dir) >= sizeof e->dir) return pm_err_set(err, "the directory name %s is too long", dir);
        snprintf(e->dir, sizeof e->dir, "%s", dir);
    } else {
        if (pm_tmpdir_make("pmarb-demo", e->dir, sizeof e->dir, err)) return -1;
    }
    return path_in(e->ini, e->dir, "pmarb.ini", err) || path_in(e->key_path, e->dir, "kalshi.pem", err) ||
           path_in(e->pub_path, e->dir, "kalshi.pub", err) || path_in(e->sim_log, e->dir, "sim.log", err);
}

/* An earlier demo's database and order journals in the directory belong to a simulator that
 * is gone: they are removed so that this run starts from nothing. */
static int clear_old_run(const pm_demo_env *e, pm_err *err) {
    static const char *const names[] = {"markets.db", "markets.db-wal", "markets.db-shm", "markets.db.kalshi.journal",
                                        "markets.db.polymarket.journal"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[PM_DEMO_PATH_MAX];
        if (path_in(path, e->dir, names[i], err)) return -1;
        if (unlink(path) && errno != ENOENT) return pm_err_set(err, "cannot remove %s: %s", path, strerror(errno));
    }
    return 0;
}

/* Writes the key as PEM to path with mode (created afresh: an old file is replaced). */
static int write_pem(const char *path, EVP_PKEY *key, int private_key, pm_err *err) {
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, private_key ? 0600 : 0644);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0) close(fd);
        return pm_err_set(err, "cannot write %s: %s", path, strerror(errno));
    }
    int ok = private_key ? PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) : PEM_write_PUBKEY(f, key);
    if (fclose(f) || !ok) return pm_err_set(err, "cannot write the key to %s", path);
    return 0;
}

static int make_kalshi_key(pm_demo_env *e, pm_err *err) {
    EVP_PKEY *key = EVP_RSA_gen(2048);
    if (!key) return pm_err_set(err, "generating an RSA key failed");
    int rc = write_pem(e->key_path, key, 1, err) || write_pem(e->pub_path, key, 0, err);
    EVP_PKEY_free(key);
    return rc ? -1 : 0;
}

/* The simulator runs in its own process group (a Ctrl-C reaches the demo, which stops it) and
 * is sent SIGTERM should the demo die first. */
static void child_exec(const pm_demo_env *e, int out_fd, const char *seed) {
    if (setpgid(0, 0) || prctl(PR_SET_PDEATHSIG, SIGTERM)) _exit(126);
    int log = open(e->sim_log, O_WRONLY | O_CREAT | O_TRUNC, 0644), null = open("/dev/null", O_RDONLY);
    if (log < 0 || null < 0 || dup2(out_fd, 1) < 0 || dup2(log, 2) < 0 || dup2(null, 0) < 0) _exit(126);
    const char *argv[] = {"pmarb", "sim", "--demo", "--seed", seed, "--kalshi-public-key", e->pub_path,
                          "--kalshi-key-id", DEMO_KEY_ID, NULL};
    execv("/proc/self/exe", (char *const *)argv);
    _exit(127);
}

/* Reads one line from fd within READY_TIMEOUT_MS. */
static int read_line(int fd, char *line, size_t cap, pm_err *err) {
    size_t n = 0;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (n + 1 < cap) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long left = READY_TIMEOUT_MS - ((now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000);
        struct pollfd p = {fd, POLLIN, 0};
        if (left <= 0) return pm_err_set(err, "the simulator printed no ready line within %d s", READY_TIMEOUT_MS / 1000);
        int r = poll(&p, 1, (int)left);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) continue;
        char c;
        ssize_t got = read(fd, &c, 1);
        if (got <= 0) return pm_err_set(err, "the simulator exited before it was ready");
        if (c == '\n') break;
        line[n++] = c;
    }
    line[n] = '\0';
    return 0;
}

static int url_of(json_t *r, const char *venue, const char *key, char *out, size_t cap, pm_err *err) {
    const char *s = json_string_value(json_object_get(json_object_get(r, venue), key));
    if (!s || strlen(s) >= cap) return pm_err_set(err, "the simulator's ready line has no %s.%s", venue, key);
    snprintf(out, cap, "%s", s);
    return 0;
}

static int parse_ready(pm_demo_env *e, const char *line, pm_err *err) {
    json_t *r = json_loads(line, 0, NULL);
    if (!r) return pm_err_set(err, "the simulator's ready line is not JSON");
    int rc = url_of(r, "kalshi", "rest", e->kalshi_rest, sizeof e->kalshi_rest, err) ||
             url_of(r, "kalshi", "ws", e->kalshi_ws, sizeof e->kalshi_ws, err) ||
             url_of(r, "polymarket", "gamma", e->poly_gamma, sizeof e->poly_gamma, err) ||
             url_of(r, "polymarket", "clob", e->poly_clob, sizeof e->poly_clob, err) ||
             url_of(r, "polymarket", "ws", e->poly_ws, sizeof e->poly_ws, err);
    json_decref(r);
    return rc ? -1 : 0;
}

static int start_sim(pm_demo_env *e, uint64_t seed, pm_err *err) {
    int fd[2];
    if (pipe2(fd, O_CLOEXEC)) return pm_err_set(err, "pipe: %s", strerror(errno));
    char seed_s[24];
    snprintf(seed_s, sizeof seed_s, "%llu", (unsigned long long)seed);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]), close(fd[1]);
        return pm_err_set(err, "fork: %s", strerror(errno));
    }
    if (pid == 0) child_exec(e, fd[1], seed_s);
    close(fd[1]);
    e->sim_pid = pid;
    char line[4096];
    int rc = read_line(fd[0], line, sizeof line, err) || parse_ready(e, line, err);
    close(fd[0]);
    if (rc) return pm_err_wrap(err, "starting `pmarb sim` (its log: %s)", e->sim_log);
    return 0;
}

int pm_demo_env_start(pm_demo_env *e, const char *dir, uint64_t seed, pm_err *err) {
    memset(e, 0, sizeof *e);
    if (make_dir(e, dir, err) || clear_old_run(e, err) || make_kalshi_key(e, err) || start_sim(e, seed, err)) {
        pm_demo_env_stop(e);
        return -1;
    }
    return 0;
}

int pm_demo_env_write_ini(pm_demo_env *e, const pm_config *user, int mode, pm_err *err) {
    FILE *f = fopen(e->ini, "w");
    if (!f) return pm_err_set(err, "cannot write %s: %s", e->ini, strerror(errno));
    /* the simulator's markets close weeks to months away: the annualized-return gate is left
     * open and the profit floor low, so the dislocations it opens are traded */
    fprintf(f,
            "; written by `pmarb demo`: every URL points at its simulator\n"
            "[db]\npath = %s/markets.db\n"
            "[kalshi]\nrest_url = %s\nws_url = %s\n"
            "[polymarket]\ngamma_url = %s\nclob_url = %s\nws_url = %s\n"
            "[strategy]\nmin_annualized_return = 0\nmin_profit = 0.01\nmax_size = 20\n"
            "[risk]\nmax_notional_per_pair = 40\nmax_notional_per_venue = 400\nmax_notional_total = 800\n"
            "max_orders_per_second = 20\nreconcile_seconds = 5\n"
            "[run]\nmode = %s\nhttp_listen =\nstatus_interval_s = 5\n",
            e->dir, e->kalshi_rest, e->kalshi_ws, e->poly_gamma, e->poly_clob, e->poly_ws,
            mode == PM_MODE_LIVE ? "live" : "paper");
    if (user && user->llm.base_url[0])
        fprintf(f, "[llm]\nbase_url = %s\nmodel = %s\ntimeout_ms = %lld\nmax_concurrency = %lld\nbatch_size = %lld\n",
                user->llm.base_url, user->llm.model, (long long)user->llm.timeout_ms,
                (long long)user->llm.max_concurrency, (long long)user->llm.batch_size);
    if (fclose(f)) return pm_err_set(err, "cannot write %s: %s", e->ini, strerror(errno));
    return 0;
}

static void hex_key(const uint8_t k[32], char out[67]) {
    static const char digits[] = "0123456789abcdef";
    out[0] = '0', out[1] = 'x';
    for (int i = 0; i < 32; i++) out[2 + 2 * i] = digits[k[i] >> 4], out[3 + 2 * i] = digits[k[i] & 15];
    out[66] = '\0';
}

/* A fresh wallet key from the CSPRNG, valid for secp256k1 (poly_wallet_new checks). */
static int new_wallet(char key[67], poly_wallet **w, pm_err *err) {
    for (int tries = 0; tries < 4; tries++) {
        uint8_t raw[32];
        if (RAND_bytes(raw, sizeof raw) != 1) return pm_err_set(err, "the random generator failed");
        hex_key(raw, key);
        OPENSSL_cleanse(raw, sizeof raw);
        if (poly_wallet_new(key, w, err) == 0) return 0;
    }
    return -1;
}

int pm_demo_env_credentials(pm_demo_env *e, const pm_config *cfg, pm_err *err) {
    if (setenv("KALSHI_API_KEY_ID", DEMO_KEY_ID, 1) || setenv("KALSHI_PRIVATE_KEY_PATH", e->key_path, 1))
        return pm_err_set(err, "setenv: %s", strerror(errno));
    char key[67];
    poly_wallet *w;
    if (new_wallet(key, &w, err)) return pm_err_wrap(err, "a Polymarket wallet key");
    poly_rest r;
    poly_creds c;
    int rc = poly_rest_init(&r, cfg->polymarket.clob_url, (uint64_t)cfg->polymarket.chain_id, cfg->polymarket.timeout_ms, err);
    if (rc == 0) {
        rc = poly_create_api_key(&r, w, 0, &c, err);
        poly_rest_close(&r);
    }
    poly_wallet_free(w);
    if (rc == 0 && (setenv("POLY_PRIVATE_KEY", key, 1) || setenv("POLY_API_KEY", c.key, 1) ||
                    setenv("POLY_API_SECRET", c.secret, 1) || setenv("POLY_API_PASSPHRASE", c.passphrase, 1)))
        rc = pm_err_set(err, "setenv: %s", strerror(errno));
    OPENSSL_cleanse(key, sizeof key);
    OPENSSL_cleanse(&c, sizeof c);
    return rc ? pm_err_wrap(err, "Polymarket API key from the simulator") : 0;
}

static int wait_for(pid_t pid, int ms) {
    for (int waited = 0; waited <= ms; waited += 10) {
        pid_t r = waitpid(pid, NULL, WNOHANG);
        if (r == pid || (r < 0 && errno == ECHILD)) return 0;
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
    return -1;
}

void pm_demo_env_stop(pm_demo_env *e) {
    if (e->sim_pid > 0) {
        kill(e->sim_pid, SIGTERM);
        if (wait_for(e->sim_pid, STOP_GRACE_MS)) {
            kill(e->sim_pid, SIGKILL);
            wait_for(e->sim_pid, STOP_GRACE_MS);
        }
        e->sim_pid = 0;
    }
    for (size_t i = 0; i < sizeof secret_vars / sizeof secret_vars[0]; i++) {
        char *v = getenv(secret_vars[i]);
        if (v) OPENSSL_cleanse(v, strlen(v));
        unsetenv(secret_vars[i]);
    }
}
