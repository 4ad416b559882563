/* price_process.c — the shared fair-value process of the simulator (see price_process.h). */
#include "sim/price_process.h"

#include <stdlib.h>
#include <string.h>

#define FAIR_MIN (3 * PM_CENT)
#define FAIR_MAX (97 * PM_CENT)
#define STEP (2 * PM_CENT / 10) /* a drift step: 0.2¢ */
#define PULL (6 * PM_CENT / 10) /* beyond 0.6¢ from its anchor the drift leans back 3:1 */
/* Per step, out of 10000: how often the picked question drifts, jumps, overshoots or lags. */
#define P_DRIFT 2500
#define P_JUMP 4
#define P_OVERSHOOT 40
#define P_LAG 40

uint64_t sim_rand(uint64_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

uint64_t sim_rand_seed(uint64_t seed, uint64_t stream) {
    uint64_t z = seed + stream * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL; /* splitmix64 */
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return z ? z : 0x9E3779B97F4A7C15ULL;
}

static pm_px_t clamp(pm_px_t v, pm_px_t lo, pm_px_t hi) { return v < lo ? lo : v > hi ? hi : v; }

int sim_prices_init(sim_prices *p, int n, uint64_t seed, pm_err *err) {
    memset(p, 0, sizeof *p);
    p->q = calloc((size_t)n + 1, sizeof *p->q);
    if (!p->q) return pm_err_set(err, "out of memory");
    p->n = n;
    p->rng = sim_rand_seed(seed, 7);
    p->overshoot = P_OVERSHOOT;
    for (int i = 0; i < n; i++) sim_prices_set(p, i, PM_PX_ONE / 2);
    return 0;
}

void sim_prices_free(sim_prices *p) {
    free(p->q);
    memset(p, 0, sizeof *p);
}

void sim_prices_set(sim_prices *p, int q, pm_px_t fair) {
    p->q[q].fair = p->q[q].anchor = clamp(fair, FAIR_MIN, FAIR_MAX);
}

/* A uniformly drawn value in lo..hi. */
static int64_t draw(uint64_t *rng, int64_t lo, int64_t hi) { return lo + (int64_t)(sim_rand(rng) % (uint64_t)(hi - lo + 1)); }

int sim_prices_step(sim_prices *p) {
    for (int i = 0; i < p->n; i++) { /* overshoots and lags run out */
        sim_question *s = &p->q[i];
        if (s->poly_offset_ticks && --s->poly_offset_ticks == 0) s->poly_offset = 0;
        if (s->poly_lag_ticks) s->poly_lag_ticks--;
    }
    if (!p->n) return -1;
    int i = (int)(sim_rand(&p->rng) % (uint64_t)p->n);
    sim_question *s = &p->q[i];
    int64_t roll = draw(&p->rng, 0, 9999);
    if (roll < P_JUMP) { /* news: the anchor moves 2–4¢ and the fair value with it */
        pm_px_t jump = draw(&p->rng, 2, 4) * PM_CENT * (sim_rand(&p->rng) & 1 ? 1 : -1);
        s->anchor = clamp(s->anchor + jump, FAIR_MIN, FAIR_MAX);
        s->fair = s->anchor;
        p->jumps++;
    } else if (roll < P_JUMP + p->overshoot) { /* Polymarket overreacts for 1–3 s */
        s->poly_offset = draw(&p->rng, 4, 7) * PM_CENT * (sim_rand(&p->rng) & 1 ? 1 : -1);
        s->poly_offset_ticks = (int)draw(&p->rng, 50, 150);
        p->overshoots++;
    } else if (roll < P_JUMP + p->overshoot + P_LAG) { /* Polymarket stops following for 1–4 s */
        s->poly_held = sim_prices_poly_quote(p, i);
        s->poly_lag_ticks = (int)draw(&p->rng, 50, 200);
        p->lags++;
    } else if (roll < P_JUMP + p->overshoot + P_LAG + P_DRIFT) { /* drift, pulled back toward the anchor */
        pm_px_t gap = s->fair - s->anchor;
        int up = gap > PULL ? draw(&p->rng, 0, 3) == 0 : gap < -PULL ? draw(&p->rng, 0, 3) != 0 : (int)(sim_rand(&p->rng) & 1);
        s->fair = clamp(s->fair + (up ? STEP : -STEP), FAIR_MIN, FAIR_MAX);
    } else {
        return -1;
    }
    return i;
}

pm_px_t sim_prices_poly_quote(const sim_prices *p, int q) {
    const sim_question *s = &p->q[q];
    pm_px_t v = s->poly_lag_ticks ? s->poly_held : s->fair + s->poly_offset;
    return clamp(v, 2 * PM_CENT, 98 * PM_CENT);
}
