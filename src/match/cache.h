/* cache.h — the matcher's memory in the database (migration 5): the LLM answer cache, keyed by
 * the question's hash (judge.h), and each match's basis — the two markets' content hashes it
 * was last judged on — plus the lookup of a pair's stored decision. */
#ifndef PM_MATCH_CACHE_H
#define PM_MATCH_CACHE_H

#include "match/judge.h"
#include "store/db.h"
#include "store/matches.h"

/* 1 and *v filled when the key is cached, 0 when not, -1 on error. */
int pm_cache_get_answer(pm_db *db, const char *key, pm_judge_verdict *v, pm_err *err);
/* Stores an answered verdict under key with its model and prompt version (replacing any). */
int pm_cache_put_answer(pm_db *db, const char *key, const char *model, const pm_judge_verdict *v, pm_err *err);

/* What is stored for a (kalshi, polymarket) pair of markets.id. */
typedef struct pm_pair_state {
    int exists;                           /* a market_matches row exists */
    char match_id[PM_UUID_LEN];
    pm_match_status status;
    int decided_by_person;                /* reviewed_by is set and is not "auto" */
    int has_basis;
    char kalshi_hash[PM_JUDGE_KEY_LEN];   /* content hashes at the last judgement ("" when none) */
    char polymarket_hash[PM_JUDGE_KEY_LEN];
} pm_pair_state;

int pm_cache_pair_state(pm_db *db, const char *kalshi_id, const char *polymarket_id, pm_pair_state *s, pm_err *err);

/* Records the content hashes match_id was judged on. */
int pm_cache_put_basis(pm_db *db, const char *match_id, const char *kalshi_hash, const char *polymarket_hash,
                       pm_err *err);

/* A person's decision whose market text changed: the match leaves their hands (reviewed_by and
 * reviewed_at cleared, status pending_review) with note saying why. */
int pm_cache_reopen_match(pm_db *db, const char *match_id, const char *note, pm_err *err);

/* Every match decided by a person whose market text changed since its basis — pairs the
 * candidates of this run no longer reach — goes back to pending_review with a note, its basis
 * moved to the current text. *count gets how many. */
int pm_cache_reopen_changed(pm_db *db, int *count, pm_err *err);

#endif
