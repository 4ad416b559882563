/* testutil.h — helpers shared by the unit tests: scratch directories and running the pmarb
 * binary (CTest passes its path in PMARB_BIN) with captured output. */
#ifndef PM_TESTUTIL_H
#define PM_TESTUTIL_H

#include <stddef.h>

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

/* Runs $PMARB_BIN with args (NULL-terminated) in directory cwd with the extra environment
 * assignments in env ("K=V", NULL-terminated; may be NULL). Aborts if the binary is missing. */
pm_test_run_result pm_test_run(const char *cwd, const char *const *env, const char *const *args);
void pm_test_run_free(pm_test_run_result *r);

#endif
