/* every.h — `--every DURATION` for the periodic jobs (`pmarb sync`, `pmarb match`): parsing
 * "90s", "15m", "6h", "1d", and a loop that runs a job at that period until SIGINT or SIGTERM.
 * A signal during a run lets the run finish, then the loop ends. */
#ifndef PM_CLI_EVERY_H
#define PM_CLI_EVERY_H

#include <stdint.h>

/* A positive whole number with unit s, m, h or d → nanoseconds; -1 when malformed or zero. */
int pm_every_parse(const char *s, int64_t *ns);

/* Runs job(ctx) now and then every period_ns (measured from each run's start; a run longer than
 * the period is followed at once), until SIGINT/SIGTERM. A failed run is reported by the job and
 * the loop goes on. Returns the exit status of the last run. */
int pm_every_loop(int64_t period_ns, int (*job)(void *ctx), void *ctx);

#endif
