/* wake.h — how a thread that consumes queues sleeps when they are empty and is woken when one
 * is pushed to: a futex word bumped by every producer after a push. The consumer spins a
 * short while first (a second leg must follow its first leg's ack within microseconds), then
 * sleeps on the futex; a producer makes the system call only when the consumer sleeps. */
#ifndef PM_ENGINE_WAKE_H
#define PM_ENGINE_WAKE_H

#include <stdatomic.h>
#include <stdint.h>

typedef struct pm_wake {
    atomic_uint seq;        /* bumped after every push */
    atomic_int sleeping;    /* 1 while the consumer is (about to be) in the futex wait */
} pm_wake;

void pm_wake_init(pm_wake *w);
/* Producer, after pushing. */
void pm_wake_signal(pm_wake *w);
/* Consumer: the value to pass to pm_wake_wait, read BEFORE checking the queues. */
static inline unsigned pm_wake_mark(pm_wake *w) { return atomic_load_explicit(&w->seq, memory_order_acquire); }
/* Consumer, after finding the queues empty: spins for spin_ns, then sleeps until seq moves
 * past mark or timeout_ns passes. */
void pm_wake_wait(pm_wake *w, unsigned mark, int64_t spin_ns, int64_t timeout_ns);

#endif
