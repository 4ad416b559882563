/* veto.h — comparing two markets' extracted features: the hard vetoes that no score
 * overrides (different thresholds or ranges, dates beyond the tolerance, different measured
 * quantities or bet qualifiers, different resolution sources where both name one, different
 * subjects), the polarity (same / inverted: negation, win vs lose, complementary thresholds,
 * the other team's token), the structural agreements that raise a score, and the findings as
 * human-readable text. */
#ifndef PM_MATCH_VETO_H
#define PM_MATCH_VETO_H

#include <stddef.h>
#include <stdint.h>

#include "match/extract.h"

#define PM_MATCH_SCORE_ONE 1000000
#define PM_MATCH_WEAK_CAP 900000 /* best score without a date, threshold or subject that both state and agree on */

typedef struct pm_match_verdict {
    int vetoed;
    pm_polarity polarity;
    int agreements; /* date, thresholds, subject: how many both state and agree on */
    int weak;       /* 1: something is stated on one side only, or nothing structural agrees: cap the score */
} pm_match_verdict;

/* Compares a Kalshi market's features k with a Polymarket market's p; writes the findings
 * ("veto: …; …") into reason (cap bytes, always terminated). */
void pm_match_compare(const pm_features *k, const pm_features *p, int64_t date_tolerance_hours, pm_match_verdict *v,
                      char *reason, size_t cap);

/* The heuristic score of a pair from its token similarity (scale 6) and verdict: each
 * agreement halves the distance to 1; weak pairs are capped at PM_MATCH_WEAK_CAP; a vetoed
 * pair's score is half its similarity (below 0.5, under any review threshold). */
int64_t pm_match_score(int64_t similarity, const pm_match_verdict *v);

#endif
