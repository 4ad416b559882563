/* judge.h — what the LLM judge is asked and how its answer is read: the prompt (versioned; it
 * makes the model look for differences in resolution source, date or deadline, threshold and
 * polarity), the JSON schema of the answer, strict validation of every field, and the cache
 * key of a question (sha256 of both markets' text, the model and the prompt version). */
#ifndef PM_MATCH_JUDGE_H
#define PM_MATCH_JUDGE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "match/candidates.h"

#define PM_JUDGE_PROMPT_VERSION "pmarb-match-1"
#define PM_JUDGE_KEY_LEN 65 /* sha256 hex + NUL */

/* One question: two markets and what the heuristics found about them. */
typedef struct pm_judge_pair {
    const pm_match_market *kalshi;
    const pm_match_market *polymarket;
    const pm_match_candidate *cand;
} pm_judge_pair;

/* The judge's answer on one pair. */
typedef struct pm_judge_verdict {
    int answered;              /* 1 when a valid answer arrived (or came from the cache) */
    int equivalent;
    int64_t confidence;        /* scale 6: the model's probability that its answer is right */
    pm_polarity polarity;
    char reason[PM_MATCH_REASON_MAX];
    int64_t prompt_tokens;     /* of the call that answered; -1 when the server did not say */
    int64_t completion_tokens;
    int batch_pairs;           /* pairs asked in that call */
    int64_t latency_ms;
} pm_judge_verdict;

/* The chat messages [system, user] asking about pairs[idx[0..n-1]], named "p1".."pn". */
json_t *pm_judge_messages(const pm_judge_pair *pairs, const size_t *idx, size_t n);

/* The response_format object: a strict JSON schema, or the plain JSON-object mode for servers
 * without schema support. */
json_t *pm_judge_response_format(int json_schema);

/* Reads the model's answer text for the batch pairs[idx[0..n-1]] and fills out[idx[i]] for
 * every valid element (answered = 1). Elements with an unknown or repeated id, a missing or
 * mistyped field, a confidence outside 0..1 or an unknown polarity are refused and logged.
 * Returns how many pairs were answered (0 when the text is not the expected JSON). */
size_t pm_judge_parse(const char *content, const size_t *idx, size_t n, pm_judge_verdict *out);

/* Cache key of a question: sha256 hex over both markets' text, model and prompt version. */
void pm_judge_key(const pm_judge_pair *p, const char *model, char out[PM_JUDGE_KEY_LEN]);

#endif
