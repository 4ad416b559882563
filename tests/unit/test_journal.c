/* test_journal.c — the mapped order journal: entries read back exactly and in order, a reopened
 * journal appends after what an earlier run left, growth past its first size, an entry torn
 * by a crash (no magic) ends it, a damaged entry is skipped and counted, clearing, a journal
 * written by the earlier write(2) format, another format or a file that is no journal refused,
 * and the file's mode. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/journal.h"
#include "testutil.h"

typedef struct seen {
    int n;
    char ids[4096][PM_UUID_LEN];
    int64_t qty[4096];
} seen;

static int collect(void *ctx, const pm_rec_order *o) {
    seen *s = ctx;
    if (s->n < 4096) {
        snprintf(s->ids[s->n], sizeof s->ids[0], "%s", o->id);
        s->qty[s->n] = o->qty;
    }
    s->n++;
    return 0;
}

static void order(int i, pm_rec_order *o) {
    memset(o, 0, sizeof *o);
    snprintf(o->id, sizeof o->id, "o%d", i);
    snprintf(o->status, sizeof o->status, "sent");
    o->qty = 1000000LL * i;
}

static seen *read_all(const char *path, int *bad) {
    static seen s;
    memset(&s, 0, sizeof s);
    pm_err err;
    assert_int_equal(pm_journal_read(path, collect, &s, bad, &err), 0);
    return &s;
}

static void test_append_reopen_grow(void **state) {
    (void)state;
    char *dir = pm_test_tmpdir(), *path = pm_test_path(dir, "k.journal");
    pm_journal *j;
    pm_err err;
    int bad;
    assert_int_equal(read_all(path, &bad)->n, 0); /* none yet */
    assert_int_equal(pm_journal_open(path, &j, &err), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    /* a second pmarb on the same database is refused */
    pm_journal *other = NULL;
    assert_int_equal(pm_journal_open(path, &other, &err), -1);
    assert_non_null(strstr(err.msg, "in use by another pmarb"));
    pm_rec_order o;
    for (int i = 0; i < 3; i++) order(i, &o), assert_int_equal(pm_journal_append(j, &o, &err), 0);
    seen *s = read_all(path, &bad); /* visible before close: as a killed process leaves it */
    assert_int_equal(s->n, 3);
    assert_int_equal(bad, 0);
    assert_string_equal(s->ids[2], "o2");
    assert_int_equal(s->qty[2], 2000000);
    pm_journal_close(j);
    /* a new run appends after the earlier entries, past the first size of the file */
    assert_int_equal(pm_journal_open(path, &j, &err), 0);
    for (int i = 3; i < 2500; i++) {
        order(i, &o);
        assert_int_equal(pm_journal_append(j, &o, &err), 0);
        if (i % 100 == 0) assert_int_equal(pm_journal_upkeep(j, &err), 0);
    }
    s = read_all(path, &bad);
    assert_int_equal(s->n, 2500);
    assert_int_equal(bad, 0);
    for (int i = 0; i < 2500; i++) {
        char want[16];
        snprintf(want, sizeof want, "o%d", i);
        assert_string_equal(s->ids[i], want);
    }
    assert_int_equal(pm_journal_clear(j, &err), 0);
    assert_int_equal(read_all(path, &bad)->n, 0);
    order(7, &o);
    assert_int_equal(pm_journal_append(j, &o, &err), 0);
    s = read_all(path, &bad);
    assert_int_equal(s->n, 1);
    assert_string_equal(s->ids[0], "o7");
    pm_journal_close(j);
    pm_test_rmtree(dir);
    free(path);
    free(dir);
}

static void test_torn_and_damaged(void **state) {
    (void)state;
    char *dir = pm_test_tmpdir(), *path = pm_test_path(dir, "p.journal");
    pm_journal *j;
    pm_err err;
    int bad;
    pm_rec_order o;
    assert_int_equal(pm_journal_open(path, &j, &err), 0);
    for (int i = 0; i < 4; i++) order(i, &o), assert_int_equal(pm_journal_append(j, &o, &err), 0);
    pm_journal_close(j);
    size_t entry = 8 + sizeof(pm_rec_order);
    int fd = open(path, O_RDWR);
    /* entry 1 damaged (a flipped byte of its order) */
    char c = 'X';
    assert_int_equal(pwrite(fd, &c, 1, (off_t)(entry + 8)), 1);
    /* entry 3 torn: its order written, its magic not */
    uint32_t zero = 0;
    assert_int_equal(pwrite(fd, &zero, 4, (off_t)(3 * entry)), 4);
    close(fd);
    seen *s = read_all(path, &bad);
    assert_int_equal(s->n, 2);
    assert_string_equal(s->ids[0], "o0");
    assert_string_equal(s->ids[1], "o2");
    assert_int_equal(bad, 1);
    /* the next run writes over the torn entry */
    assert_int_equal(pm_journal_open(path, &j, &err), 0);
    order(9, &o);
    assert_int_equal(pm_journal_append(j, &o, &err), 0);
    pm_journal_close(j);
    s = read_all(path, &bad);
    assert_int_equal(s->n, 3);
    assert_string_equal(s->ids[2], "o9");
    pm_test_rmtree(dir);
    free(path);
    free(dir);
}

/* A journal the earlier format left: whole entries appended by write(2), and half of one. */
static void test_earlier_format(void **state) {
    (void)state;
    char *dir = pm_test_tmpdir(), *path = pm_test_path(dir, "old.journal");
    pm_journal *j;
    pm_err err;
    int bad;
    pm_rec_order o;
    assert_int_equal(pm_journal_open(path, &j, &err), 0);
    for (int i = 0; i < 2; i++) order(i, &o), assert_int_equal(pm_journal_append(j, &o, &err), 0);
    pm_journal_close(j);
    size_t entry = 8 + sizeof(pm_rec_order);
    char *buf = malloc(2 * entry + entry / 2);
    int fd = open(path, O_RDWR);
    assert_int_equal(pread(fd, buf, 2 * entry, 0), (ssize_t)(2 * entry));
    memcpy(buf + 2 * entry, buf, entry / 2);
    assert_int_equal(ftruncate(fd, 0), 0);
    assert_int_equal(pwrite(fd, buf, 2 * entry + entry / 2, 0), (ssize_t)(2 * entry + entry / 2));
    close(fd);
    free(buf);
    seen *s = read_all(path, &bad);
    assert_int_equal(s->n, 2);
    assert_int_equal(bad, 1); /* the half entry */
    assert_int_equal(pm_journal_open(path, &j, &err), 0);
    order(5, &o);
    assert_int_equal(pm_journal_append(j, &o, &err), 0);
    pm_journal_close(j);
    s = read_all(path, &bad);
    assert_int_equal(s->n, 3);
    assert_int_equal(bad, 0); /* the half entry was overwritten */
    assert_string_equal(s->ids[2], "o5");
    pm_test_rmtree(dir);
    free(path);
    free(dir);
}

/* A journal of another format (a later or earlier pmarb's entry layout) or a file that is no
 * journal is refused, for reading and for appending, saying what to do: its entries are
 * never taken for damaged ones and skipped. */
static void test_other_format_refused(void **state) {
    (void)state;
    char *dir = pm_test_tmpdir(), *path = pm_test_path(dir, "k.journal");
    pm_journal *j;
    pm_err err;
    int bad;
    pm_rec_order o;
    assert_int_equal(pm_journal_open(path, &j, &err), 0);
    order(1, &o);
    assert_int_equal(pm_journal_append(j, &o, &err), 0);
    pm_journal_close(j);
    int fd = open(path, O_RDWR);
    uint32_t other = 0x4a4d5051u; /* "QPMJ": format 'Q' */
    assert_int_equal(pwrite(fd, &other, 4, 0), 4);
    seen s;
    assert_int_equal(pm_journal_read(path, collect, &s, &bad, &err), -1);
    assert_non_null(strstr(err.msg, "another journal format ('Q', this one reads 'P')"));
    assert_non_null(strstr(err.msg, "run the pmarb that wrote it"));
    assert_int_equal(pm_journal_open(path, &j, &err), -1);
    assert_non_null(strstr(err.msg, "another journal format"));
    uint32_t junk = 0x12345678u;
    assert_int_equal(pwrite(fd, &junk, 4, 0), 4);
    assert_int_equal(pm_journal_read(path, collect, &s, &bad, &err), -1);
    assert_non_null(strstr(err.msg, "is not an order journal"));
    assert_int_equal(pm_journal_open(path, &j, &err), -1);
    close(fd);
    pm_test_rmtree(dir);
    free(path);
    free(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_reopen_grow),
        cmocka_unit_test(test_torn_and_damaged),
        cmocka_unit_test(test_earlier_format),
        cmocka_unit_test(test_other_format_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
