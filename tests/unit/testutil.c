/* testutil.c — scratch directories and subprocess runs for the unit tests (see testutil.h). */
#define _GNU_SOURCE
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <openssl/pem.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what) {
    fprintf(stderr, "testutil: %s: %s\n", what, strerror(errno));
    abort();
}

char *pm_test_tmpdir(void) {
    const char *base = getenv("TMPDIR");
    char *path;
    if (asprintf(&path, "%s/pmarb-test-XXXXXX", base && *base ? base : "/tmp") < 0) die("asprintf");
    if (!mkdtemp(path)) die("mkdtemp");
    return path;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

void pm_test_rmtree(const char *dir) { nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS); }

char *pm_test_path(const char *dir, const char *name) {
    char *p;
    if (asprintf(&p, "%s/%s", dir, name) < 0) die("asprintf");
    return p;
}

void pm_test_write_file(const char *path, const char *text, int mode) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0) die(path);
    size_t len = strlen(text);
    if (write(fd, text, len) != (ssize_t)len) die(path);
    if (fchmod(fd, (mode_t)mode) != 0) die(path);
    close(fd);
}

typedef struct buf {
    char *data;
    size_t len, cap;
} buf;

static void buf_add(buf *b, const char *p, size_t n) {
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->data = realloc(b->data, b->cap);
        if (!b->data) die("realloc");
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

pm_test_run_result pm_test_run(const char *cwd, const char *const *env, const char *const *args) {
    const char *bin = getenv("PMARB_BIN");
    if (!bin || access(bin, X_OK) != 0) {
        fprintf(stderr, "testutil: PMARB_BIN must name the pmarb binary (is %s)\n", bin ? bin : "unset");
        abort();
    }
    const char *argv[64] = {bin};
    for (size_t i = 0; args[i]; i++) {
        if (i + 2 >= sizeof argv / sizeof argv[0]) abort();
        argv[i + 1] = args[i];
    }
    return pm_test_exec(cwd, env, bin, argv);
}

pm_test_run_result pm_test_exec(const char *cwd, const char *const *env, const char *program, const char *const *argv) {
    int out_pipe[2], err_pipe[2];
    if (pipe2(out_pipe, O_CLOEXEC) || pipe2(err_pipe, O_CLOEXEC)) die("pipe");
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
        dup2(out_pipe[1], 1);
        dup2(err_pipe[1], 2);
        close(out_pipe[0]), close(out_pipe[1]), close(err_pipe[0]), close(err_pipe[1]);
        if (cwd && chdir(cwd) != 0) _exit(126);
        for (const char *const *e = env; e && *e; e++) putenv((char *)*e);
        execvp(program, (char *const *)argv);
        _exit(127);
    }
    close(out_pipe[1]);
    close(err_pipe[1]);
    buf out = {0}, err = {0};
    buf_add(&out, "", 0);
    buf_add(&err, "", 0);
    struct pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    int open_fds = 2;
    while (open_fds > 0) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            die("poll");
        }
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char chunk[4096];
            ssize_t r = read(fds[i].fd, chunk, sizeof chunk);
            if (r > 0) {
                buf_add(i == 0 ? &out : &err, chunk, (size_t)r);
            } else {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            }
        }
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) die("waitpid");
    pm_test_run_result r = {
        .status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
        .out = out.data,
        .err = err.data,
    };
    return r;
}

void pm_test_run_free(pm_test_run_result *r) {
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

char *pm_test_source_path(const char *relative) {
    const char *root = getenv("PMARB_SOURCE_DIR");
    if (!root) {
        fprintf(stderr, "testutil: PMARB_SOURCE_DIR is not set (run the tests through ctest)\n");
        abort();
    }
    return pm_test_path(root, relative);
}

char *pm_test_shared_data(const char *relative, size_t *len) {
    const char *root = getenv("PMARB_SHARED_DIR");
    if (!root) {
        fprintf(stderr, "testutil: PMARB_SHARED_DIR is not set (run the tests through ctest)\n");
        abort();
    }
    char *path;
    if (asprintf(&path, "%s/research/data/%s", root, relative) < 0) die("asprintf");
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "testutil: cannot open %s: %s\n", path, strerror(errno));
        abort();
    }
    buf b = {0};
    buf_add(&b, "", 0);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_add(&b, chunk, n);
    fclose(f);
    free(path);
    if (len) *len = b.len;
    return b.data;
}

void pm_test_start(pm_test_proc *p, const char *const *args) {
    const char *bin = getenv("PMARB_BIN");
    if (!bin) abort();
    int out[2];
    if (pipe2(out, O_CLOEXEC)) die("pipe");
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
        dup2(out[1], 1);
        close(out[0]);
        close(out[1]);
        const char *argv[64] = {bin};
        for (size_t i = 0; args[i] && i + 2 < 64; i++) argv[i + 1] = args[i];
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    close(out[1]);
    p->pid = pid;
    size_t n = 0;
    char c;
    while (n + 1 < sizeof p->line && read(out[0], &c, 1) == 1 && c != '\n') p->line[n++] = c;
    p->line[n] = '\0';
    close(out[0]);
    if (n == 0) {
        fprintf(stderr, "testutil: pmarb %s printed no ready line\n", args[0]);
        abort();
    }
}

int pm_test_stop(pm_test_proc *p) {
    int status = 0;
    kill(p->pid, SIGTERM);
    while (waitpid(p->pid, &status, 0) < 0)
        if (errno != EINTR) die("waitpid");
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

char *pm_test_pem(EVP_PKEY *key, pm_test_pem_form form) {
    BIO *b = BIO_new(BIO_s_mem());
    int ok = form == PM_TEST_PEM_PUBLIC ? PEM_write_bio_PUBKEY(b, key)
             : form == PM_TEST_PEM_PKCS1 ? PEM_write_bio_PrivateKey_traditional(b, key, NULL, NULL, 0, NULL, NULL)
                                         : PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0, NULL, NULL);
    char *data;
    long n = BIO_get_mem_data(b, &data);
    char *s = ok ? strndup(data, (size_t)n) : NULL;
    BIO_free(b);
    if (!s) abort();
    return s;
}
