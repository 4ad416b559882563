/* wake.c — futex wake-ups between queue producers and their consumer (see wake.h). */
#include "engine/wake.h"

#include "util/clock.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

void pm_wake_init(pm_wake *w) {
    atomic_store(&w->seq, 0);
    atomic_store(&w->sleeping, 0);
}

void pm_wake_signal(pm_wake *w) {
    atomic_fetch_add_explicit(&w->seq, 1, memory_order_seq_cst);
    if (atomic_load_explicit(&w->sleeping, memory_order_seq_cst))
        syscall(SYS_futex, (unsigned *)&w->seq, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

void pm_wake_wait(pm_wake *w, unsigned mark, int64_t spin_ns, int64_t timeout_ns) {
    int64_t start = pm_mono_ns();
    /* spinning yields the core to any other runnable thread (the feed thread, the other
     * executor): on a machine with fewer cores than busy threads, a spinner that held its core
     * would delay the very work it waits for */
    while (pm_mono_ns() - start < spin_ns) {
        if (atomic_load_explicit(&w->seq, memory_order_acquire) != mark) return;
        sched_yield();
    }
    atomic_store_explicit(&w->sleeping, 1, memory_order_seq_cst);
    if (atomic_load_explicit(&w->seq, memory_order_seq_cst) == mark) {
        struct timespec ts = {.tv_sec = timeout_ns / 1000000000LL, .tv_nsec = timeout_ns % 1000000000LL};
        syscall(SYS_futex, (unsigned *)&w->seq, FUTEX_WAIT_PRIVATE, mark, &ts, NULL, 0);
    }
    atomic_store_explicit(&w->sleeping, 0, memory_order_relaxed);
}
