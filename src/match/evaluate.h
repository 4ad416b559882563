/* evaluate.h — scores the candidates stored in market_matches against a labelled CSV file
 * (`kalshi_ticker,polymarket_condition_id,equivalent,polarity`, header first; equivalent is
 * 1 or 0; polarity is same|inverted, and may be empty when equivalent is 0) at a confidence
 * threshold: precision, recall and polarity accuracy, with the counts behind them. This is
 * how `pmarb match --evaluate` judges a model, a prompt or the heuristics before trusting
 * them. Ratios are scale 6 (1.0 = 1000000), rounded down; -1 when undefined (0/0). */
#ifndef PM_MATCH_EVALUATE_H
#define PM_MATCH_EVALUATE_H

#include <stdint.h>

#include "store/db.h"
#include "util/err.h"

typedef struct pm_match_eval {
    int64_t threshold;         /* scale 6: a stored match at or above it is predicted equivalent */
    int labels;                /* data rows in the labels file */
    int labels_equivalent;     /* of which equivalent = 1 */
    int labels_unknown;        /* rows naming a market that is not in the database */
    int candidates;            /* stored matches (any status) */
    int predicted;             /* stored matches at or above the threshold */
    int true_positive;         /* predicted and labelled 1 */
    int false_positive;        /* predicted and labelled 0 */
    int unlabelled;            /* predicted but the pair is not in the labels (not in precision) */
    int false_negative;        /* labelled 1 but not predicted (below the threshold or never proposed) */
    int true_negative;         /* labelled 0 and not predicted */
    int polarity_correct;      /* true positives whose stored polarity equals the label's */
    int64_t precision;         /* TP / (TP + FP) */
    int64_t recall;            /* TP / labelled 1 */
    int64_t polarity_accuracy; /* polarity_correct / TP */
} pm_match_eval;

/* Reads labels_path, joins each row with the stored matches by (Kalshi ticker, Polymarket
 * condition id) and fills *out. A malformed file (missing header, wrong column count, an
 * equivalent other than 0/1, an unknown polarity, an equivalent row without polarity, a pair
 * listed twice) is an error naming the line. 0, or -1 with err. */
int pm_match_evaluate(pm_db *db, const char *labels_path, int64_t threshold, pm_match_eval *out, pm_err *err);

#endif
