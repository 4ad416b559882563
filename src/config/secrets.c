/* secrets.c — secrets from the environment and private key files (see secrets.h). */
#include "config/secrets.h"

#include "util/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const names[PM_SECRET_COUNT] = {
    "KALSHI_API_KEY_ID", "KALSHI_PRIVATE_KEY_PATH", "POLY_PRIVATE_KEY", "POLY_API_KEY",
    "POLY_API_SECRET",   "POLY_API_PASSPHRASE",     "POLY_FUNDER",      "LLM_API_KEY",
};

const char *pm_secret_name(pm_secret_id id) { return (unsigned)id < PM_SECRET_COUNT ? names[id] : "?"; }

int pm_secret_is_sensitive(pm_secret_id id) {
    return id != PM_SECRET_KALSHI_PRIVATE_KEY_PATH && id != PM_SECRET_POLY_FUNDER;
}

void pm_secrets_load(pm_secrets *s) {
    for (int i = 0; i < PM_SECRET_COUNT; i++) {
        const char *v = getenv(names[i]);
        s->value[i] = v && *v ? v : NULL;
        if (s->value[i] && pm_secret_is_sensitive((pm_secret_id)i)) pm_log_register_secret(s->value[i]);
    }
}

static int check_stat(const char *path, const struct stat *st, pm_err *err) {
    if (!S_ISREG(st->st_mode)) return pm_err_set(err, "key file %s is not a regular file", path);
    if (st->st_mode & (S_IRWXG | S_IRWXO))
        return pm_err_set(err, "key file %s is accessible by group or others (mode %03o): run `chmod 600 %s`",
                          path, (unsigned)(st->st_mode & 0777), path);
    return 0;
}

int pm_keyfile_check(const char *path, pm_err *err) {
    struct stat st;
    if (stat(path, &st) != 0) return pm_err_set(err, "key file %s: %s", path, strerror(errno));
    return check_stat(path, &st, err);
}

int pm_keyfile_read(const char *path, char *buf, size_t cap, size_t *len, pm_err *err) {
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return pm_err_set(err, "key file %s: %s", path, strerror(errno));
    struct stat st;
    /* check the file actually opened, not the name (no swap between check and read) */
    if (fstat(fd, &st) != 0 || check_stat(path, &st, err)) {
        close(fd);
        return -1;
    }
    size_t n = 0;
    for (;;) {
        if (n + 1 >= cap) {
            close(fd);
            return pm_err_set(err, "key file %s is too large (over %zu bytes)", path, cap - 1);
        }
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            close(fd);
            return pm_err_set(err, "key file %s: %s", path, strerror(errno));
        }
        if (r == 0) break;
        n += (size_t)r;
    }
    close(fd);
    buf[n] = '\0';
    *len = n;
    return 0;
}
