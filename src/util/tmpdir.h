/* tmpdir.h — a fresh private directory under $TMPDIR (or /tmp), for the commands that keep
 * their working files apart (`pmarb demo`, `pmarb bench-exec`). */
#ifndef PM_UTIL_TMPDIR_H
#define PM_UTIL_TMPDIR_H

#include <stddef.h>

#include "util/err.h"

/* Creates <$TMPDIR or /tmp>/<prefix>-<6 random characters> (mode 0700) and writes its path
 * into out. 0, or -1 with err (the name does not fit, or the directory cannot be made). */
int pm_tmpdir_make(const char *prefix, char *out, size_t cap, pm_err *err);

#endif
