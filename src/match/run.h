/* run.h — one run of `pmarb match` after candidate generation: for every candidate whose two
 * markets are new or changed since the last run (content hashes in match_basis), a verdict
 * from the LLM answer cache, the LLM judge, or (without an LLM) the heuristic score; then the
 * row in market_matches. At or above the review threshold → pending_review; below, or vetoed,
 * → rejected by "auto" with the reason. Nothing is approved here. A person's decision is kept
 * unless a market's text changed since it was judged: then it goes back to pending_review
 * (rejected by "auto" when now vetoed) with a note — also when the pair is no longer among
 * the candidates. */
#ifndef PM_MATCH_RUN_H
#define PM_MATCH_RUN_H

#include <stddef.h>

#include "match/candidates.h"
#include "match/llm.h"
#include "store/db.h"

/* The active markets of one venue, copied out of the database. */
typedef struct pm_match_set {
    pm_match_market *m;
    size_t n;
    char **strings; /* every copied string, freed with the set */
    size_t nstrings, capstrings;
} pm_match_set;

/* Loads the venue's active markets (Kalshi subtitle: yes_sub_title; Polymarket subtitle: the
 * YES outcome's name when it is not "Yes"). */
int pm_match_load(pm_db *db, pm_venue venue, pm_match_set *out, pm_err *err);
void pm_match_set_free(pm_match_set *s);

typedef struct pm_match_run_options {
    const pm_llm_config *llm;     /* NULL: no LLM, the heuristic score is the confidence */
    int64_t review_threshold;     /* scale 6 */
} pm_match_run_options;

typedef struct pm_match_run_stats {
    size_t candidates;
    size_t unchanged;             /* skipped: judged before on the same text */
    size_t vetoed;
    size_t cached;                /* verdicts from the answer cache */
    size_t asked;                 /* pairs sent to the LLM */
    size_t unanswered;            /* no valid LLM answer: not written, asked again next run */
    size_t pending, rejected;     /* rows written with these statuses */
    size_t inserted, updated, kept, reopened;
    pm_llm_stats llm;
} pm_match_run_stats;

/* Judges and stores cands (indices into kalshi / poly). -1 with err on a database error or when
 * the LLM server refuses the requests (then nothing of this run is written). */
int pm_match_judge_and_store(pm_db *db, const pm_match_set *kalshi, const pm_match_set *poly,
                             const pm_match_candidate *cands, size_t nc, const pm_match_run_options *opt,
                             pm_match_run_stats *st, pm_err *err);

#endif
