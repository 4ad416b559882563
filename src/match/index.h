/* index.h — the inverted index over the Polymarket markets' similarity tokens: each token's
 * posting list (which markets carry it) and IDF weight (integer, scale 1000), and the
 * retrieval that, for one Kalshi market, accumulates weights over the postings of its
 * selective tokens only (tokens carried by more than max_df markets are too common to
 * retrieve on; they still count in the exact similarity), or, when it has fewer than two
 * selective tokens, over its rarest common ones up to two. A market's date token
 * (pm_features.datetok) takes part in retrieval, so that questions differing only by their
 * date rank apart, but not in the similarity: dates are compared by the vetoes. Never
 * all-pairs. */
#ifndef PM_MATCH_INDEX_H
#define PM_MATCH_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "match/extract.h"
#include "util/err.h"

#define PM_MATCH_MIN_RETRIEVAL_TOKENS 2

typedef struct pm_match_index {
    size_t ndocs;
    size_t nterms;
    uint64_t *terms;  /* sorted */
    uint32_t *start;  /* postings of terms[i]: post[start[i] .. start[i+1]) */
    uint32_t *post;   /* document numbers, ascending within a term */
    int64_t *weight;  /* idf² per term */
    int64_t *norm;    /* per document: sum of its tokens' idf² */
    int64_t unseen;   /* idf² of a token no document carries */
    uint32_t max_df;  /* posting lists longer than this are not retrieved on */
} pm_match_index;

int pm_match_index_build(pm_match_index *ix, const pm_features *docs, size_t n, pm_err *err);
void pm_match_index_free(pm_match_index *ix);

/* idf² of a token. */
int64_t pm_match_index_weight(const pm_match_index *ix, uint64_t token);

/* Scratch space for retrieval, reused across queries (no allocation per query). */
typedef struct pm_match_scratch {
    int64_t *acc;      /* per document, zero between queries */
    uint32_t *touched; /* documents with acc > 0 */
    size_t ntouched;
} pm_match_scratch;

int pm_match_scratch_init(pm_match_scratch *s, size_t ndocs, pm_err *err);
void pm_match_scratch_free(pm_match_scratch *s);

/* Accumulates into s the weights q shares with each document over selective tokens;
 * s->touched lists them (the caller clears acc for them before the next query). */
void pm_match_index_query(const pm_match_index *ix, const pm_features *q, pm_match_scratch *s);

/* Exact weighted cosine similarity of two token sets, scale 6. */
int64_t pm_match_similarity(const pm_match_index *ix, const pm_features *a, const pm_features *b);

#endif
