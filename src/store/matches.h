/* matches.h — typed queries on market_matches: candidates from `pmarb match` (idempotent,
 * never overwriting a person's decision), human review, and the joined listings that the
 * review tools and the engine's pair cache read. Nothing here ever approves automatically. */
#ifndef PM_STORE_MATCHES_H
#define PM_STORE_MATCHES_H

#include <stdint.h>

#include "core/market.h"
#include "store/db.h"
#include "store/markets.h"
#include "util/uuid.h"

typedef enum pm_match_status {
    PM_MATCH_PENDING_REVIEW = 0,
    PM_MATCH_APPROVED = 1,
    PM_MATCH_REJECTED = 2,
} pm_match_status;

const char *pm_match_status_name(pm_match_status s); /* "pending_review" | "approved" | "rejected" */
int pm_match_status_parse(const char *s, pm_match_status *out);

#define PM_REVIEWER_AUTO "auto" /* reviewed_by of an automatic (matcher) rejection */

/* A candidate proposed by the matcher. */
typedef struct pm_candidate {
    const char *kalshi_market_id;     /* markets.id of the Kalshi market */
    const char *polymarket_market_id; /* markets.id of the Polymarket market */
    int64_t confidence;               /* scale 6: 0.95 = 950000 */
    pm_polarity polarity;
    const char *reason;
    const char *model;                /* LLM model, or NULL for heuristic-only */
    const char *prompt_version;
    pm_match_status status;           /* PENDING_REVIEW or REJECTED (rejections are by "auto") */
} pm_candidate;

typedef enum pm_candidate_result {
    PM_CANDIDATE_INSERTED,
    PM_CANDIDATE_UPDATED,   /* an earlier automatic row was refreshed */
    PM_CANDIDATE_UNCHANGED, /* identical to what is stored */
    PM_CANDIDATE_KEPT,      /* a person already decided this pair: left as it is */
} pm_candidate_result;

/* Inserts or refreshes the candidate for its (kalshi, polymarket) pair; fills id_out. */
int pm_store_put_candidate(pm_db *db, const pm_candidate *c, char id_out[PM_UUID_LEN],
                           pm_candidate_result *res, pm_err *err);

/* A person's decision: status APPROVED, REJECTED or back to PENDING_REVIEW, by reviewer (not
 * empty, not "auto"), with an optional note; sets reviewed_at. Unknown id is an error. */
int pm_store_review_match(pm_db *db, const char *match_id, pm_match_status status, const char *reviewer,
                          const char *note, pm_err *err);

/* Changes a match's polarity (the reviewer's "flip"). Unknown id is an error. */
int pm_store_set_match_polarity(pm_db *db, const char *match_id, pm_polarity polarity, pm_err *err);

/* A match joined with both markets; pointers valid only during the callback. */
typedef struct pm_match_row {
    char id[PM_UUID_LEN];
    pm_match_status status;
    pm_polarity polarity;
    int64_t confidence; /* scale 6, -1 when unknown */
    const char *reason;
    const char *model;
    const char *prompt_version;
    const char *reviewed_by;
    const char *review_note;
    const char *created_at;
    const char *reviewed_at;
    pm_market kalshi;
    pm_market polymarket;
} pm_match_row;

typedef int (*pm_match_cb)(void *ctx, const pm_match_row *row);

/* Every match with status (or all when status < 0), highest confidence first. The callback
 * returns 0 to continue, non-zero to stop (that value is returned). */
int pm_store_list_matches(pm_db *db, int status, pm_match_cb cb, void *ctx, pm_err *err);

/* Approved matches whose two markets are both still active: what the engine may trade. */
int pm_store_list_approved_pairs(pm_db *db, pm_match_cb cb, void *ctx, pm_err *err);

#endif
