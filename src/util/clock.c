/* clock.c — time sources and ISO-8601 conversion (see clock.h). */
#include "util/clock.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int64_t ts_ns(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t pm_wall_ns(void) { return ts_ns(CLOCK_REALTIME); }
int64_t pm_mono_ns(void) { return ts_ns(CLOCK_MONOTONIC); }

void pm_iso_time(int64_t unix_ns, char out[PM_ISO_TIME_LEN]) {
    int64_t secs = unix_ns / 1000000000LL, rem = unix_ns % 1000000000LL;
    if (rem < 0) {
        rem += 1000000000LL;
        secs -= 1;
    }
    time_t t = (time_t)secs;
    struct tm tm;
    gmtime_r(&t, &tm);
    char text[80]; /* the fields' widest forms; real dates use 24 characters */
    snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(rem / 1000000));
    snprintf(out, PM_ISO_TIME_LEN, "%.24s", text);
}

static int digits(const char **p, int n, int *out) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9') return -1;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

int pm_iso_parse(const char *s, int64_t *unix_ns) {
    int y, mo, d, h = 0, mi = 0, sec = 0;
    int64_t frac_ns = 0;
    const char *p = s;
    if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' || digits(&p, 2, &d))
        return -1;
    if (*p == 'T' || *p == ' ') {
        p++;
        if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi)) return -1;
        if (*p == ':') {
            p++;
            if (digits(&p, 2, &sec)) return -1;
        }
        if (*p == '.') {
            p++;
            int64_t scale = 100000000LL;
            if (*p < '0' || *p > '9') return -1;
            while (*p >= '0' && *p <= '9') {
                frac_ns += (*p - '0') * scale;
                scale /= 10;
                p++;
            }
        }
        if (*p == 'Z') p++;
        else if (strcmp(p, "+00:00") == 0) p += 6;
        else return -1;
    }
    if (*p != '\0') return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return -1;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
                    .tm_min = mi, .tm_sec = sec};
    time_t t = timegm(&tm);
    *unix_ns = (int64_t)t * 1000000000LL + frac_ns;
    return 0;
}
