/* tmpdir.c — fresh private directories under $TMPDIR (see tmpdir.h). */
#include "util/tmpdir.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pm_tmpdir_make(const char *prefix, char *out, size_t cap, pm_err *err) {
    const char *base = getenv("TMPDIR");
    if (!base || !*base) base = "/tmp";
    int n = snprintf(out, cap, "%s/%s-%s", base, prefix, "XXXXXX"); /* mkdtemp's template */
    if (n < 0 || (size_t)n >= cap) return pm_err_set(err, "the directory name under %s is too long", base);
    if (!mkdtemp(out)) return pm_err_set(err, "cannot create a directory under %s: %s", base, strerror(errno));
    return 0;
}
