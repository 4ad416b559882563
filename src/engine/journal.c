/* journal.c — the append-only order journal (see journal.h). */
#include "engine/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAGIC 0x4a4d5050u /* "PPMJ" */

typedef struct entry {
    uint32_t magic;
    uint32_t sum;         /* FNV-1a of order */
    pm_rec_order order;
} entry;

struct pm_journal {
    int fd;
};

static uint32_t fnv1a(const void *p, size_t n) {
    const unsigned char *b = p;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 16777619u;
    return h;
}

int pm_journal_open(const char *path, pm_journal **out, pm_err *err) {
    *out = NULL;
    pm_journal *j = calloc(1, sizeof *j);
    if (!j) return pm_err_set(err, "out of memory");
    j->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (j->fd < 0) {
        free(j);
        return pm_err_set(err, "cannot open the order journal %s: %s", path, strerror(errno));
    }
    *out = j;
    return 0;
}

void pm_journal_close(pm_journal *j) {
    if (!j) return;
    close(j->fd);
    free(j);
}

int pm_journal_append(pm_journal *j, const pm_rec_order *o, pm_err *err) {
    entry e;
    memset(&e, 0, sizeof e);
    e.magic = MAGIC;
    e.order = *o;
    e.sum = fnv1a(&e.order, sizeof e.order);
    ssize_t n = write(j->fd, &e, sizeof e);
    if (n != (ssize_t)sizeof e)
        return pm_err_set(err, "cannot write the order journal: %s", n < 0 ? strerror(errno) : "short write");
    return 0;
}

int pm_journal_clear(pm_journal *j, pm_err *err) {
    if (ftruncate(j->fd, 0)) return pm_err_set(err, "cannot clear the order journal: %s", strerror(errno));
    return 0;
}

int pm_journal_read(const char *path, int (*cb)(void *ctx, const pm_rec_order *o), void *ctx, int *bad, pm_err *err) {
    *bad = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return 0;
        return pm_err_set(err, "cannot read the order journal %s: %s", path, strerror(errno));
    }
    entry e;
    ssize_t n;
    int rc = 0;
    while ((n = read(fd, &e, sizeof e)) == (ssize_t)sizeof e) {
        if (e.magic != MAGIC || e.sum != fnv1a(&e.order, sizeof e.order)) {
            (*bad)++;
            continue;
        }
        e.order.status[sizeof e.order.status - 1] = '\0';
        if (cb(ctx, &e.order)) break;
    }
    if (n < 0) rc = pm_err_set(err, "cannot read the order journal %s: %s", path, strerror(errno));
    else if (n > 0) (*bad)++; /* a torn last entry */
    close(fd);
    return rc;
}
