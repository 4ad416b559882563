/* candidates.h — deterministic candidate generation for matching (no LLM): normalized text,
 * extracted entities, dates and numeric thresholds, an inverted index over the Polymarket
 * markets, and for every Kalshi market its top-K Polymarket candidates with a heuristic score,
 * the polarity, and the hard vetoes that no score overrides (different thresholds or ranges,
 * dates beyond the tolerance, measured quantities, resolution sources). Never all-pairs.
 * Implemented in src/match/ (normalize, extract, index, veto, candidates); consumed by the
 * LLM judge and `pmarb match`. */
#ifndef PM_MATCH_CANDIDATES_H
#define PM_MATCH_CANDIDATES_H

#include <stddef.h>
#include <stdint.h>

#include "core/market.h"
#include "util/err.h"

/* A market as the matcher reads it (strings are the caller's, valid during the call). */
typedef struct pm_match_market {
    const char *id;           /* markets.id */
    const char *platform_id;  /* Kalshi ticker; Polymarket condition id */
    const char *title;
    const char *subtitle;     /* Kalshi yes_sub_title or Polymarket outcome name; may be NULL */
    const char *rules;        /* resolution rules text; may be NULL */
    const char *close_time;   /* ISO-8601 UTC; may be NULL */
    const char *content_hash; /* markets.content_hash: changes when the matchable text does */
} pm_match_market;

#define PM_MATCH_REASON_MAX 512

typedef struct pm_match_candidate {
    uint32_t kalshi;          /* index into the Kalshi array */
    uint32_t polymarket;      /* index into the Polymarket array */
    int64_t score;            /* heuristic similarity, scale 6 (0..1000000) */
    pm_polarity polarity;     /* which Polymarket outcome pays when Kalshi's YES pays */
    int vetoed;               /* 1: a hard veto applies — never at or above the review threshold */
    char reason[PM_MATCH_REASON_MAX]; /* findings and vetoes, human-readable (stored as the reason) */
} pm_match_candidate;

typedef struct pm_match_options {
    int top_k;                     /* candidates kept per Kalshi market ([match] top_k) */
    int64_t date_tolerance_hours;  /* [match] date_tolerance_hours */
} pm_match_options;

/* Generates the candidates (caller frees *out). Deterministic for the same input. */
int pm_match_candidates(const pm_match_market *kalshi, size_t nk, const pm_match_market *poly, size_t np,
                        const pm_match_options *opt, pm_match_candidate **out, size_t *nout, pm_err *err);

#endif
