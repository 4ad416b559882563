/* spsc.h — a bounded lock-free queue of fixed-size items between exactly one producer thread
 * and one consumer thread (feed thread → executor, executor → executor, executor → feed
 * thread). Push and pop copy the item, never block and never allocate; a full queue is the
 * producer's to handle. Capacity is a power of two fixed at init. */
#ifndef PM_ENGINE_SPSC_H
#define PM_ENGINE_SPSC_H

#include <stdatomic.h>
#include <stddef.h>

typedef struct pm_spsc {
    _Alignas(64) atomic_size_t head;   /* next slot the producer writes */
    _Alignas(64) atomic_size_t tail;   /* next slot the consumer reads */
    _Alignas(64) size_t item, mask;
    unsigned char *buf;
} pm_spsc;

/* capacity is rounded up to a power of two (≥ 2). -1 when out of memory. */
int pm_spsc_init(pm_spsc *q, size_t item_size, size_t capacity);
void pm_spsc_destroy(pm_spsc *q);

/* Producer: 0, or -1 when full. */
int pm_spsc_push(pm_spsc *q, const void *item);
/* Consumer: 1 with *out filled, or 0 when empty. */
int pm_spsc_pop(pm_spsc *q, void *out);
/* The same, copying only the first n bytes of the item (n ≤ the item size): for items whose
 * tail the consumer fills itself (an order's body, built on the executor). The rest of the
 * slot is left as it was. */
int pm_spsc_push_n(pm_spsc *q, const void *item, size_t n);
int pm_spsc_pop_n(pm_spsc *q, void *out, size_t n);
/* Either side: items waiting (a snapshot). */
size_t pm_spsc_size(pm_spsc *q);

#endif
