/* replay.h — `pmarb replay FILE`: a recording (recorder.h) run through the production path —
 * the same feed state machines, books, detector and paper fills as `pmarb run` — with every
 * time taken from the recording, so two replays of one file print the same summary. The
 * pairs are the ones recorded in the file; nothing is stored in the database. */
#ifndef PM_ENGINE_REPLAY_H
#define PM_ENGINE_REPLAY_H

#include <stdint.h>
#include <stdio.h>

#include "config/config.h"

typedef struct pm_replay_stats {
    uint64_t records, frames;
    uint64_t truncated; /* bytes of an incomplete last record that were ignored */
} pm_replay_stats;

/* Replays path with cfg's [strategy] and [risk]; prints the engine's summary on out. */
int pm_replay(const pm_config *cfg, const char *path, FILE *out, pm_replay_stats *st, pm_err *err);

#endif
