/* every.c — periodic runs until a signal (every.h). */
#include "cli/every.h"

#include "util/clock.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int pm_every_parse(const char *s, int64_t *ns) {
    char *end = NULL;
    if (!s || *s < '0' || *s > '9') return -1;
    errno = 0;
    unsigned long long n = strtoull(s, &end, 10);
    if (errno || n == 0 || !end || end[0] == '\0' || end[1] != '\0') return -1;
    int64_t unit;
    switch (end[0]) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    default: return -1;
    }
    if (n > (unsigned long long)(INT64_MAX / 1000000000 / unit)) return -1;
    *ns = (int64_t)n * unit * 1000000000;
    return 0;
}

static volatile sig_atomic_t stop_requested;
static void on_stop(int sig) {
    (void)sig;
    stop_requested = 1;
}

int pm_every_loop(int64_t period_ns, int (*job)(void *ctx), void *ctx) {
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop; /* no SA_RESTART: the sleep between runs ends at once */
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    stop_requested = 0;
    int rc = 0;
    while (!stop_requested) {
        int64_t start = pm_mono_ns();
        rc = job(ctx);
        fflush(stdout);
        int64_t left = start + period_ns - pm_mono_ns();
        if (left <= 0 || stop_requested) continue;
        struct timespec ts = {.tv_sec = left / 1000000000, .tv_nsec = left % 1000000000};
        while (!stop_requested && nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    return rc;
}
