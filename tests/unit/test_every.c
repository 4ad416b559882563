/* test_every.c — `--every DURATION` of the periodic jobs: duration parsing, and `pmarb sync
 * --every` running, reporting a failed run, waiting for the next, and ending on SIGTERM with the
 * last run's exit status; `pmarb match --every` repeating and saying once that no LLM is set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cli/every.h"
#include "testutil.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void test_parse(void **state) {
    (void)state;
    int64_t ns = 0;
    assert_int_equal(pm_every_parse("90s", &ns), 0);
    assert_int_equal(ns, 90000000000LL);
    assert_int_equal(pm_every_parse("15m", &ns), 0);
    assert_int_equal(ns, 900000000000LL);
    assert_int_equal(pm_every_parse("6h", &ns), 0);
    assert_int_equal(ns, 21600000000000LL);
    assert_int_equal(pm_every_parse("1d", &ns), 0);
    assert_int_equal(ns, 86400000000000LL);
    const char *bad[] = {"", "0s", "15", "m", "-5m", "1.5h", "10 m", "5x", "1hh", "99999999999999999999d", "106752d"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) assert_int_equal(pm_every_parse(bad[i], &ns), -1);
}

/* Starts `pmarb args` in dir with stdout and stderr on a pipe; returns the pid, *fd the pipe. */
static pid_t start(const char *dir, const char *const *args, int *fd) {
    const char *bin = getenv("PMARB_BIN");
    assert_non_null(bin);
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(p[1], 1);
        dup2(p[1], 2);
        close(p[0]);
        close(p[1]);
        if (chdir(dir) != 0) _exit(127);
        const char *argv[16] = {"pmarb"};
        for (int i = 0; args[i] && i < 14; i++) argv[i + 1] = args[i];
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    close(p[1]);
    *fd = p[0];
    return pid;
}

static int count_of(const char *hay, const char *needle) {
    int n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle)) n++;
    return n;
}

/* Reads the pipe into buf until needle has appeared `times` times (fails after 60 s of silence). */
static void wait_for(int fd, const char *needle, int times, char *buf, size_t cap) {
    size_t len = strlen(buf);
    for (;;) {
        if (count_of(buf, needle) >= times) return;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 60000) <= 0) fail_msg("no '%s' in: %s", needle, buf);
        ssize_t n = read(fd, buf + len, cap - 1 - len);
        if (n <= 0) fail_msg("output ended before '%s': %s", needle, buf);
        len += (size_t)n;
        buf[len] = '\0';
    }
}

static void test_sync_every_until_sigterm(void **state) {
    (void)state;
    char *dir = pm_test_tmpdir(), *ini = pm_test_path(dir, "pmarb.ini");
    /* Nothing listens on port 9: every run fails at once. */
    pm_test_write_file(ini, "[db]\npath = m.db\n[polymarket]\ngamma_url = http://127.0.0.1:9\ntimeout_ms = 500\n", 0600);
    const char *args[] = {"sync", "--venue", "polymarket", "--every", "1h", NULL};
    int fd;
    pid_t pid = start(dir, args, &fd);
    static char buf[1 << 16];
    buf[0] = '\0';
    wait_for(fd, "pmarb: polymarket sync failed (nothing was marked closed)", 1, buf, sizeof buf);
    /* The loop now waits an hour for the next run; SIGTERM ends it with the last run's status. */
    assert_int_equal(kill(pid, SIGTERM), 0);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 1);
    close(fd);
    const char *bad[] = {"sync", "--venue", "polymarket", "--every", "soon", NULL};
    pm_test_run_result r = pm_test_run(dir, NULL, bad);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--every wants a duration such as 90s, 15m, 6h or 1d (got 'soon')"));
    pm_test_run_free(&r);
    pm_test_rmtree(dir);
    free(ini);
    free(dir);
}

static void test_match_every_until_sigterm(void **state) {
    (void)state;
    char *dir = pm_test_tmpdir(), *ini = pm_test_path(dir, "pmarb.ini");
    pm_test_write_file(ini, "[db]\npath = m.db\n", 0600);
    const char *args[] = {"match", "--every", "1s", NULL};
    int fd;
    pid_t pid = start(dir, args, &fd);
    static char buf[1 << 16];
    buf[0] = '\0';
    wait_for(fd, "stored: 0 pending_review", 2, buf, sizeof buf);
    assert_int_equal(kill(pid, SIGTERM), 0);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    close(fd);
    /* Two runs, the missing LLM said once. */
    assert_int_equal(count_of(buf, "match: 0 kalshi x 0 polymarket markets -> 0 candidates"), 2);
    assert_int_equal(count_of(buf, "pmarb match: no [llm] base_url configured: the heuristic score is the confidence"), 1);
    pm_test_rmtree(dir);
    free(ini);
    free(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_sync_every_until_sigterm),
        cmocka_unit_test(test_match_every_until_sigterm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
