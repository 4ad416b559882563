/* err.h — the project's error convention.
 *
 * Functions that can fail return 0 on success and -1 on failure; when the caller passed a
 * non-NULL `pm_err *`, the failure's human-readable reason is in err->msg. Nothing else
 * carries error state (no errno-style globals). */
#ifndef PM_UTIL_ERR_H
#define PM_UTIL_ERR_H

#define PM_ERR_MSG_MAX 512

typedef struct pm_err {
    char msg[PM_ERR_MSG_MAX]; /* NUL-terminated reason of the last failure */
} pm_err;

/* Writes the formatted reason into err (if non-NULL) and returns -1, so callers can write
 * `return pm_err_set(err, "...", ...);`. */
int pm_err_set(pm_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prefixes the existing message with a formatted context ("loading x: <old msg>"); returns -1. */
int pm_err_wrap(pm_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
