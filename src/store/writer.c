/* writer.c — the writer thread (see writer.h).
 *
 * Queue: a bounded multi-producer ring in the style of D. Vyukov's array queue — each cell
 * carries a sequence number telling producers and the consumer whose turn it is, so producers
 * claim cells with one compare-and-swap and no lock. A POSIX semaphore (a futex underneath:
 * no system call unless the writer sleeps) wakes the writer. Batches of up to BATCH_MAX
 * records go in one BEGIN IMMEDIATE transaction; a record the database refuses fails alone
 * (SQLite undoes just that statement) and is logged; a transaction that cannot begin or commit
 * (busy, disk full) is retried with backoff, keeping its records, until the database takes it. */
#include "store/writer.h"

#include "store/db.h"
#include "util/clock.h"
#include "util/log.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH_MAX 512

typedef struct cell {
    _Atomic size_t seq;
    pm_record rec;
} cell;

struct pm_writer {
    cell *cells;
    size_t mask;
    _Alignas(64) _Atomic size_t head; /* next cell producers claim */
    _Alignas(64) size_t tail;         /* next cell the writer reads (writer thread only) */
    _Alignas(64) sem_t wake;
    _Atomic int stopping;      /* set by stop: submissions are refused from now on */
    _Atomic int inflight;      /* producers between their stopping check and their enqueue */
    _Atomic int closing;       /* set once no producer is in flight: the writer exits when empty */
    _Atomic uint64_t submitted, written, rejected_full, failed, batches;
    pthread_mutex_t done_lock; /* only for flush waiters */
    pthread_cond_t done_cond;
    uint64_t done;             /* records handled (written + failed), under done_lock */
    pm_db *db;
    pthread_t thread;
    pm_record batch[BATCH_MAX];
};

static int enqueue(pm_writer *w, const pm_record *r) {
    size_t pos = atomic_load_explicit(&w->head, memory_order_relaxed);
    for (;;) {
        cell *c = &w->cells[pos & w->mask];
        size_t seq = atomic_load_explicit(&c->seq, memory_order_acquire);
        intptr_t dif = (intptr_t)seq - (intptr_t)pos;
        if (dif == 0) {
            if (atomic_compare_exchange_weak_explicit(&w->head, &pos, pos + 1, memory_order_relaxed,
                                                      memory_order_relaxed)) {
                c->rec = *r;
                atomic_store_explicit(&c->seq, pos + 1, memory_order_release);
                atomic_fetch_add_explicit(&w->submitted, 1, memory_order_relaxed);
                sem_post(&w->wake);
                return 0;
            }
        } else if (dif < 0) {
            atomic_fetch_add_explicit(&w->rejected_full, 1, memory_order_relaxed);
            return -1;
        } else {
            pos = atomic_load_explicit(&w->head, memory_order_relaxed);
        }
    }
}

int pm_writer_submit(pm_writer *w, const pm_record *r) {
    atomic_fetch_add(&w->inflight, 1);
    int rc = atomic_load(&w->stopping) ? -1 : enqueue(w, r);
    atomic_fetch_sub(&w->inflight, 1);
    return rc;
}

/* Takes one record for the writer; 0 when the queue is empty. */
static int take(pm_writer *w, pm_record *out) {
    cell *c = &w->cells[w->tail & w->mask];
    size_t seq = atomic_load_explicit(&c->seq, memory_order_acquire);
    if ((intptr_t)seq - (intptr_t)(w->tail + 1) < 0) return 0;
    *out = c->rec;
    atomic_store_explicit(&c->seq, w->tail + w->mask + 1, memory_order_release);
    w->tail++;
    return 1;
}

static void sleep_ms(int64_t ms) {
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void mark_done(pm_writer *w, uint64_t n) {
    pthread_mutex_lock(&w->done_lock);
    w->done += n;
    pthread_cond_broadcast(&w->done_cond);
    pthread_mutex_unlock(&w->done_lock);
}

/* Commits the batch, retrying the transaction until the database takes it. */
static void write_batch(pm_writer *w, int n) {
    int64_t backoff_ms = 10;
    for (;;) {
        pm_err err;
        uint64_t failed = 0;
        if (pm_db_begin(w->db, &err) == 0) {
            for (int i = 0; i < n; i++) {
                pm_err rerr;
                if (pm_store_write_record(w->db, &w->batch[i], NULL, &rerr)) {
                    failed++;
                    pm_error("writer", "record refused by the database",
                             PM_KV_S("kind", pm_rec_kind_name(w->batch[i].kind)), PM_KV_S("error", rerr.msg));
                }
            }
            if (pm_db_commit(w->db, &err) == 0) {
                atomic_fetch_add_explicit(&w->written, (uint64_t)n - failed, memory_order_relaxed);
                atomic_fetch_add_explicit(&w->failed, failed, memory_order_relaxed);
                atomic_fetch_add_explicit(&w->batches, 1, memory_order_relaxed);
                mark_done(w, (uint64_t)n);
                return;
            }
            pm_db_rollback(w->db);
        }
        pm_warn("writer", "transaction failed; retrying", PM_KV_S("error", err.msg), PM_KV_I("records", n),
                PM_KV_I("retry_in_ms", backoff_ms));
        sleep_ms(backoff_ms);
        if (backoff_ms < 1000) backoff_ms *= 2;
    }
}

static void *run(void *arg) {
    pm_writer *w = arg;
    for (;;) {
        int n = 0;
        while (n < BATCH_MAX && take(w, &w->batch[n])) n++;
        if (n > 0) {
            write_batch(w, n);
            continue;
        }
        if (atomic_load(&w->closing)) break; /* no producer can add anything any more */
        while (sem_wait(&w->wake) != 0 && errno == EINTR) {
        }
    }
    return NULL;
}

/* Releases everything pm_writer_start set up (the thread is not running). */
static void destroy(pm_writer *w) {
    pm_db_close(w->db);
    sem_destroy(&w->wake);
    pthread_mutex_destroy(&w->done_lock);
    pthread_cond_destroy(&w->done_cond);
    free(w->cells);
    free(w);
}

int pm_writer_start(const char *db_path, int64_t busy_timeout_ms, size_t capacity, pm_writer **out, pm_err *err) {
    *out = NULL;
    size_t cap = 2;
    while (cap < capacity) {
        if (cap > ((size_t)1 << 30)) return pm_err_set(err, "writer queue capacity too large");
        cap <<= 1;
    }
    pm_writer *w = calloc(1, sizeof *w);
    if (!w) return pm_err_set(err, "out of memory");
    w->cells = calloc(cap, sizeof *w->cells);
    if (!w->cells) {
        free(w);
        return pm_err_set(err, "out of memory for a writer queue of %zu records", cap);
    }
    w->mask = cap - 1;
    for (size_t i = 0; i < cap; i++) atomic_init(&w->cells[i].seq, i);
    if (pm_db_open(db_path, 0, busy_timeout_ms, &w->db, err)) {
        free(w->cells);
        free(w);
        return pm_err_wrap(err, "starting the writer");
    }
    sem_init(&w->wake, 0, 0);
    pthread_mutex_init(&w->done_lock, NULL);
    pthread_cond_init(&w->done_cond, NULL);
    int rc = pthread_create(&w->thread, NULL, run, w);
    if (rc != 0) {
        destroy(w);
        return pm_err_set(err, "starting the writer thread: %s", strerror(rc));
    }
    *out = w;
    return 0;
}

int pm_writer_flush(pm_writer *w, int64_t timeout_ms) {
    uint64_t target = atomic_load_explicit(&w->submitted, memory_order_acquire);
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    if (timeout_ms >= 0) {
        deadline.tv_sec += timeout_ms / 1000;
        deadline.tv_nsec += (timeout_ms % 1000) * 1000000L;
        if (deadline.tv_nsec >= 1000000000L) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000L;
        }
    }
    int rc = 0;
    pthread_mutex_lock(&w->done_lock);
    while (w->done < target && rc == 0) {
        if (timeout_ms < 0) pthread_cond_wait(&w->done_cond, &w->done_lock);
        else if (pthread_cond_timedwait(&w->done_cond, &w->done_lock, &deadline) == ETIMEDOUT)
            rc = w->done < target ? -1 : 0;
    }
    pthread_mutex_unlock(&w->done_lock);
    return rc;
}

void pm_writer_get_stats(pm_writer *w, pm_writer_stats *out) {
    out->submitted = atomic_load(&w->submitted);
    out->written = atomic_load(&w->written);
    out->rejected_full = atomic_load(&w->rejected_full);
    out->failed = atomic_load(&w->failed);
    out->batches = atomic_load(&w->batches);
}

void pm_writer_stop(pm_writer *w, pm_writer_stats *final) {
    if (!w) return;
    atomic_store(&w->stopping, 1);
    while (atomic_load(&w->inflight) > 0) sched_yield();
    atomic_store(&w->closing, 1);
    sem_post(&w->wake);
    pthread_join(w->thread, NULL);
    if (final) pm_writer_get_stats(w, final);
    destroy(w);
}
