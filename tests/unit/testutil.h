/* testutil.h — helpers shared by the unit tests: scratch directories, running the pmarb binary
 * (CTest passes its path in PMARB_BIN) or another program with captured output, and the
 * location of the test oracles (the venues' official clients under tests/oracle). */
#ifndef PM_TESTUTIL_H
#define PM_TESTUTIL_H

#include <openssl/evp.h>
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

#endif
