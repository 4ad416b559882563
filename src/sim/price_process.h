/* price_process.h — the simulator's shared price process: one fair value per simulated
 * question (a Kalshi market, or a Polymarket-only market), drifting slowly around an anchor
 * that now and then jumps (news). Both venues quote the same question around it; Kalshi
 * follows it sluggishly, and Polymarket's quote now and then lags (holds while the fair value
 * moves) or overshoots (quotes a few cents off for a moment), which is what opens the
 * cross-venue dislocations (YES on one venue + NO on the other < $1). Deterministic for a
 * seed; prices in micro-dollars, no floating point. */
#ifndef PM_SIM_PRICE_PROCESS_H
#define PM_SIM_PRICE_PROCESS_H

#include <stdint.h>

#include "core/money.h"
#include "util/err.h"

typedef struct sim_question {
    pm_px_t fair;        /* the question's fair YES value */
    pm_px_t anchor;      /* where the fair value drifts back to */
    pm_px_t poly_offset; /* Polymarket's overshoot, added to its quote */
    int poly_offset_ticks; /* ticks the overshoot lasts */
    int poly_lag_ticks;    /* ticks Polymarket holds its quote */
    pm_px_t poly_held;   /* the quote Polymarket holds while lagging */
} sim_question;

typedef struct sim_prices {
    sim_question *q;
    int n;
    uint64_t rng;
    uint64_t jumps, overshoots, lags; /* counted for /admin/stats */
    int overshoot;       /* chance of an overshoot per step, in 1/10000 (sim_prices_init: 40) */
} sim_prices;

/* xorshift64: the simulator's deterministic random numbers (state must be non-zero). */
uint64_t sim_rand(uint64_t *state);
/* A non-zero generator state derived from a seed and a stream number. */
uint64_t sim_rand_seed(uint64_t seed, uint64_t stream);

/* n questions, every fair value 0.5 until set. */
int sim_prices_init(sim_prices *p, int n, uint64_t seed, pm_err *err);
void sim_prices_free(sim_prices *p);

/* Sets question q's fair value and anchor (clamped to 0.03..0.97). */
void sim_prices_set(sim_prices *p, int q, pm_px_t fair);

/* One step of the process (called once per simulator tick): may move one question's fair
 * value, start a jump, an overshoot or a lag, and runs down the overshoots and lags in
 * progress (their end shows at the next requote of the question). Returns the question that
 * changed, or -1. */
int sim_prices_step(sim_prices *p);

/* The price Polymarket quotes question q's YES around (the fair value unless it lags or
 * overshoots), clamped to 0.02..0.98. */
pm_px_t sim_prices_poly_quote(const sim_prices *p, int q);

#endif
