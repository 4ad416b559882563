/* err.c — formatting of error messages for the pm_err convention (see err.h). */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int pm_err_set(pm_err *err, const char *fmt, ...) {
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
}

int pm_err_wrap(pm_err *err, const char *fmt, ...) {
    if (err) {
        char old[PM_ERR_MSG_MAX];
        memcpy(old, err->msg, sizeof old);
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        size_t len = n < 0 ? 0 : (size_t)n < sizeof err->msg ? (size_t)n : sizeof err->msg - 1;
        if (len + 3 < sizeof err->msg) {
            memcpy(err->msg + len, ": ", 3);
            len += 2;
            size_t room = sizeof err->msg - 1 - len, oldlen = strnlen(old, sizeof old - 1);
            size_t take = oldlen < room ? oldlen : room;
            memcpy(err->msg + len, old, take);
            err->msg[len + take] = '\0';
        }
    }
    return -1;
}
