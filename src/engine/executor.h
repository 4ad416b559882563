/* executor.h — one executor thread per venue (DESIGN.md §6). It owns the venue's order
 * connection (core/exec.h, opened ahead) and its order journal, and takes commands from the feed
 * thread and from the other venue's executor through single-producer queues; results go back
 * to the feed thread through a third. The two venues' order code never meet: an executor only
 * calls its own venue module.
 *
 * Sequential trades hand over without the feed thread: the second leg is PARKed on its
 * executor (built and signed) while the first leg is in flight; the first leg's executor, as
 * soon as the venue answers, tells the other one GO (the first leg filled in full) or DROP.
 * A parked leg thus costs only the send when its GO arrives; the receiving executor spins a
 * moment before sleeping so the GO is picked up in microseconds. A first leg whose answer was
 * lost and that a look-up later finds filled gets DROP: its parked leg was priced on books that
 * may be old by then, and the one-legged residual is resolved on the current books instead.
 *
 * Every order is journalled before it is sent (journal.h) and sent once. When the answer is
 * unknown (timeout, connection lost, 5xx) the executor asks the venue what became of it
 * (find), with backoff, and reports what it learned — it never sends it again. After an order
 * filled, its fills (trade ids) are fetched and reported too. */
#ifndef PM_ENGINE_EXECUTOR_H
#define PM_ENGINE_EXECUTOR_H

#include <stddef.h>
#include <stdint.h>

#include "core/exec.h"
#include "engine/journal.h"
#include "engine/metrics.h"
#include "store/records.h"

#define PM_XRES_FILLS_MAX 8

typedef enum pm_xcmd_kind {
    PM_XCMD_SEND,          /* prepare and send `order` once (then find it if the answer is unknown) */
    PM_XCMD_PARK,          /* prepare `order` and keep it until GO or DROP for its trade */
    PM_XCMD_GO,            /* send the parked order of `trade` (from the first leg's executor) */
    PM_XCMD_DROP,          /* forget the parked order of `trade`: the first leg did not fill */
    PM_XCMD_FIND,          /* what became of `order`, sent earlier (an unknown answer, a crash) */
    PM_XCMD_CANCEL_ALL,    /* cancel every open order of the account */
} pm_xcmd_kind;

typedef struct pm_xcmd {
    pm_xcmd_kind kind;
    int trade;             /* the feed thread's trade slot */
    int leg;               /* the order's index in its trade */
    int then_venue;        /* SEND of a sequential first leg: the venue whose executor parked the second (-1 none) */
    int64_t intent_ns;     /* SEND / PARK: monotonic time the intent formed */
    pm_rec_order rec;      /* SEND / PARK: journalled before the send */
    pm_exec_order order;   /* last: its body is built by the executor (prepare) */
} pm_xcmd;

/* What of a command goes through the queues: all but the order's body. */
#define PM_XCMD_QUEUED (offsetof(pm_xcmd, order) + offsetof(pm_exec_order, body))

typedef enum pm_xres_kind {
    PM_XRES_ORDER,         /* an order's outcome: ack (sent = 0 when it never went out) */
    PM_XRES_FILLS,         /* the trades of an order */
    PM_XRES_DROPPED,       /* a parked order dropped (its first leg did not fill) */
    PM_XRES_CANCELED,      /* CANCEL_ALL done: canceled, or error */
} pm_xres_kind;

typedef struct pm_xres {
    pm_xres_kind kind;
    pm_venue venue;
    int trade, leg;
    char order_id[PM_UUID_LEN];
    char client_id[PM_EXEC_ID_MAX]; /* the order's client id as built (Polymarket: its hash) */
    int sent;              /* ORDER: 1 when the request went out (or may have) */
    pm_exec_ack ack;
    char error[PM_EXEC_ERROR_MAX]; /* why it was not sent / could not be found / cancel failed */
    size_t nfills;
    pm_exec_fill fills[PM_XRES_FILLS_MAX];
    int canceled;
} pm_xres;

typedef struct pm_executor pm_executor;

typedef struct pm_executor_config {
    pm_exec_venue *venue;       /* taken over (freed by pm_executor_stop, or on failure) */
    const char *journal_path;
    pm_live_metrics *metrics;   /* may be NULL */
    int find_attempts;          /* how often an unknown order is looked up before reporting it unknown */
    int64_t find_backoff_ms;    /* first delay between look-ups (doubling) */
    int64_t spin_ns;            /* busy-wait before sleeping (−1: always; a parked leg always spins) */
} pm_executor_config;

/* The spin of [run] executor_spin_us (microseconds, -1 always): "auto" spins always on a
 * machine with 4 or more online CPUs (the feed thread and both executors each keep a core),
 * else 2000 µs (spinning threads would take the cores the feed thread needs). */
int64_t pm_executor_spin_ns(int64_t spin_us);

int pm_executor_start(const pm_executor_config *cfg, pm_executor **out, pm_err *err);
/* a's GO/DROP for parked second legs go to b (and b's to a). Before any command. */
void pm_executor_pair(pm_executor *a, pm_executor *b);

/* Feed thread. 0, or -1 when the queue is full. */
int pm_executor_submit(pm_executor *x, const pm_xcmd *c);
/* Feed thread: 1 with a result, 0 when none waits. */
int pm_executor_poll(pm_executor *x, pm_xres *out);
/* Commands queued or being worked on. */
int pm_executor_busy(pm_executor *x);

/* Empties the journal (the caller has everything in it committed to the database): done by the
 * executor's thread between commands, waited for here. */
int pm_executor_clear_journal(pm_executor *x, pm_err *err);

/* Finishes the commands queued, stops the thread, frees the venue. Results not polled are lost:
 * poll until pm_executor_busy is 0 first. */
void pm_executor_stop(pm_executor *x);

#endif
