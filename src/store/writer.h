/* writer.h — the database writer thread. Producers (feed thread, executors) hand it records
 * by copy through a bounded lock-free queue and never wait on disk; it commits them in
 * batches on its own connection. A full queue is an error the producer sees and can count —
 * never a silent drop. Stopping drains everything queued before the thread exits. */
#ifndef PM_STORE_WRITER_H
#define PM_STORE_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "store/records.h"
#include "util/err.h"

typedef struct pm_writer pm_writer;

typedef struct pm_writer_stats {
    uint64_t submitted;     /* records accepted into the queue */
    uint64_t written;       /* records committed (a duplicate fill counts: it was handled) */
    uint64_t rejected_full; /* submissions refused because the queue was full */
    uint64_t failed;        /* records the database refused (logged with their reason) */
    uint64_t batches;       /* transactions committed */
} pm_writer_stats;

/* Opens its own connection to db_path (already migrated) and starts the thread. capacity is
 * rounded up to a power of two (≥ 2). */
int pm_writer_start(const char *db_path, int64_t busy_timeout_ms, size_t capacity, pm_writer **out, pm_err *err);

/* Queues a copy of r. Lock-free, never blocks, allocates nothing. 0, or -1 when the queue is
 * full (counted in rejected_full) or the writer is stopping. */
int pm_writer_submit(pm_writer *w, const pm_record *r);

/* Waits until every record submitted before the call is committed or failed, or timeout_ms
 * passes (-1: no limit). 0 when done, -1 on timeout. Not for the hot path. */
int pm_writer_flush(pm_writer *w, int64_t timeout_ms);

void pm_writer_get_stats(pm_writer *w, pm_writer_stats *out);

/* Stops accepting records, writes everything queued, joins the thread, closes the
 * connection and frees w. final (may be NULL) receives the last stats. */
void pm_writer_stop(pm_writer *w, pm_writer_stats *final);

#endif
