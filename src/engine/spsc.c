/* spsc.c — the single-producer single-consumer ring (see spsc.h). */
#include "engine/spsc.h"

#include <stdlib.h>
#include <string.h>

int pm_spsc_init(pm_spsc *q, size_t item_size, size_t capacity) {
    size_t cap = 2;
    while (cap < capacity) cap <<= 1;
    memset(q, 0, sizeof *q);
    q->buf = calloc(cap, item_size);
    if (!q->buf) return -1;
    q->item = item_size;
    q->mask = cap - 1;
    return 0;
}

void pm_spsc_destroy(pm_spsc *q) {
    free(q->buf);
    q->buf = NULL;
}

int pm_spsc_push_n(pm_spsc *q, const void *item, size_t n) {
    size_t head = atomic_load_explicit(&q->head, memory_order_relaxed);
    if (head - atomic_load_explicit(&q->tail, memory_order_acquire) > q->mask) return -1;
    memcpy(q->buf + (head & q->mask) * q->item, item, n < q->item ? n : q->item);
    atomic_store_explicit(&q->head, head + 1, memory_order_release);
    return 0;
}

int pm_spsc_pop_n(pm_spsc *q, void *out, size_t n) {
    size_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);
    if (tail == atomic_load_explicit(&q->head, memory_order_acquire)) return 0;
    memcpy(out, q->buf + (tail & q->mask) * q->item, n < q->item ? n : q->item);
    atomic_store_explicit(&q->tail, tail + 1, memory_order_release);
    return 1;
}

int pm_spsc_push(pm_spsc *q, const void *item) { return pm_spsc_push_n(q, item, q->item); }
int pm_spsc_pop(pm_spsc *q, void *out) { return pm_spsc_pop_n(q, out, q->item); }

size_t pm_spsc_size(pm_spsc *q) {
    return atomic_load_explicit(&q->head, memory_order_acquire) - atomic_load_explicit(&q->tail, memory_order_acquire);
}
