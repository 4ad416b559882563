/* ws_queue.c — one WebSocket client's outbound frame ring in the simulator (see ws_queue.h). */
#include "sim/ws_queue.h"

#include <stdlib.h>
#include <string.h>

int sim_ws_queue_init(sim_ws_queue *q) {
    q->frames = calloc(SIM_WS_QUEUE_MAX, sizeof *q->frames);
    return q->frames ? 0 : -1;
}

int sim_ws_queue_push(sim_ws_queue *q, char *text) {
    if (q->len == SIM_WS_QUEUE_MAX) {
        free(text);
        return -1;
    }
    q->frames[(q->head + q->len++) % SIM_WS_QUEUE_MAX] = text;
    return 0;
}

const char *sim_ws_queue_pop(sim_ws_queue *q, size_t *len) {
    free(q->sending);
    q->sending = NULL;
    if (!q->len) return NULL;
    q->sending = q->frames[q->head];
    q->head = (q->head + 1) % SIM_WS_QUEUE_MAX;
    q->len--;
    *len = strlen(q->sending);
    return q->sending;
}

void sim_ws_queue_free(sim_ws_queue *q) {
    while (q->len) {
        free(q->frames[q->head]);
        q->head = (q->head + 1) % SIM_WS_QUEUE_MAX;
        q->len--;
    }
    free(q->sending);
    free(q->frames);
    q->sending = NULL;
    q->frames = NULL;
}
