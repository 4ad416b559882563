/* ws_queue.h — the simulator's outbound frame queue for one WebSocket client: a ring of owned,
 * NUL-terminated frames waiting for lws to ask for the next one, shared by the Kalshi and
 * Polymarket channels. A client that lets SIM_WS_QUEUE_MAX frames pile up is cut off by its
 * venue (the push reports it full). */
#ifndef PM_SIM_WS_QUEUE_H
#define PM_SIM_WS_QUEUE_H

#include <stddef.h>

#define SIM_WS_QUEUE_MAX 8192 /* frames waiting for a slow client before it is dropped */

typedef struct sim_ws_queue {
    char **frames; /* ring of SIM_WS_QUEUE_MAX */
    size_t head, len;
    char *sending; /* the frame handed to lws last, freed at the next pop */
} sim_ws_queue;

/* Allocates the ring of an all-zero queue. 0, or -1 when out of memory. */
int sim_ws_queue_init(sim_ws_queue *q);

/* Appends text (taking ownership). 0, or -1 when the ring is full: text is freed. */
int sim_ws_queue_push(sim_ws_queue *q, char *text);

/* Frees the frame returned last and returns the oldest waiting one (its length in *len), or
 * NULL when none waits. */
const char *sim_ws_queue_pop(sim_ws_queue *q, size_t *len);

/* Frees every frame and the ring. */
void sim_ws_queue_free(sim_ws_queue *q);

#endif
