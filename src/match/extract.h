/* extract.h — what a market's text says, as the matcher compares it: the similarity tokens
 * (hashes of its canonical non-stop words and numbers), its deadline or event date (from the
 * title and subtitle; else a Kalshi ticker's date; else a "scheduled for" date in the rules;
 * else the close time), numeric thresholds with their comparison and unit, the measured
 * quantity (BTC vs ETH, CPI vs core CPI, high vs low temperature…), bet qualifiers (first
 * half, spread, total), resolution sources named anywhere in the text, negation and win/lose
 * phrasing, and the subject team of a per-team market. */
#ifndef PM_MATCH_EXTRACT_H
#define PM_MATCH_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "match/candidates.h"

#define PM_FEAT_TOKENS 48
#define PM_FEAT_THRESH 4

typedef enum pm_cmp_op { PM_OP_EQ = 0, PM_OP_GT, PM_OP_GE, PM_OP_LT, PM_OP_LE, PM_OP_RANGE } pm_cmp_op;

typedef struct pm_threshold {
    uint8_t op;    /* pm_cmp_op */
    uint8_t unit;  /* PM_NUM_* unit flags except money */
    int64_t lo;    /* scale 6; the value, or a range's lower end */
    int64_t hi;    /* a range's upper end (= lo otherwise) */
} pm_threshold;

typedef enum pm_date_gran { PM_DATE_NONE = 0, PM_DATE_DAY, PM_DATE_MONTH, PM_DATE_YEAR, PM_DATE_TERM } pm_date_gran;
typedef enum pm_date_from { PM_FROM_TEXT = 0, PM_FROM_TICKER, PM_FROM_RULES, PM_FROM_CLOSE } pm_date_from;

typedef struct pm_match_date {
    uint8_t gran;   /* pm_date_gran; TERM: an open deadline such as "before his term ends" */
    uint8_t from;   /* pm_date_from */
    uint8_t noyear; /* 1: no year stated nor a close time to take it from (day is in 1970) */
    int32_t day;    /* days since 1970-01-01 (first day of the month or year for coarser dates) */
    int32_t minute; /* minute of the day (UTC for close times), -1 when not stated */
} pm_match_date;

/* Measured quantities and qualifiers (bit sets). */
enum {
    PM_Q_BTC = 1 << 0, PM_Q_ETH = 1 << 1, PM_Q_SOL = 1 << 2, PM_Q_XRP = 1 << 3, PM_Q_DOGE = 1 << 4,
    PM_Q_CPI = 1 << 5, PM_Q_CORECPI = 1 << 6, PM_Q_UNEMPLOYMENT = 1 << 7, PM_Q_WTI = 1 << 8, PM_Q_SPX = 1 << 9,
    PM_Q_NDX = 1 << 10, PM_Q_HIGHTEMP = 1 << 11, PM_Q_LOWTEMP = 1 << 12, PM_Q_GDP = 1 << 13, PM_Q_GOLD = 1 << 14,
};
enum { PM_QUAL_1H = 1 << 0, PM_QUAL_2H = 1 << 1, PM_QUAL_SPREAD = 1 << 2, PM_QUAL_TOTAL = 1 << 3 };
enum {
    PM_SRC_CFB = 1 << 0, PM_SRC_BINANCE = 1 << 1, PM_SRC_COINBASE = 1 << 2, PM_SRC_CHAINLINK = 1 << 3,
    PM_SRC_BLS = 1 << 4, PM_SRC_AP = 1 << 5, PM_SRC_NWS = 1 << 6, PM_SRC_WUNDERGROUND = 1 << 7,
    PM_SRC_MIDWAY = 1 << 8, PM_SRC_OHARE = 1 << 9, PM_SRC_LAGUARDIA = 1 << 10, PM_SRC_CENTRALPARK = 1 << 11,
    PM_SRC_BEA = 1 << 12,
};

typedef struct pm_features {
    uint64_t tok[PM_FEAT_TOKENS]; /* sorted, unique */
    int ntok;
    pm_threshold thr[PM_FEAT_THRESH]; /* sorted */
    int nthr;
    pm_match_date date;
    int32_t close_day;  /* day of the close time, -1 unknown */
    uint32_t quantity;  /* PM_Q_* */
    uint32_t qualifier; /* PM_QUAL_* */
    uint32_t sources;   /* PM_SRC_* */
    uint8_t negated;    /* odd number of "not" */
    uint8_t lose;       /* phrased as losing */
    char subject[8];    /* team of a per-team market ("tmil"), "" when none */
    uint64_t datetok;   /* the date (a close time's US Eastern day) as a retrieval token, 0 none */
} pm_features;

/* The US Eastern calendar day of a UTC instant (day, minute of the day; UTC−4 from the second
 * Sunday of March to the first Sunday of November, else UTC−5): both venues date in ET. */
int64_t pm_eastern_day(int32_t day, int32_t minute);

/* Extracts the features of one market. Deterministic, allocation-free. */
void pm_extract(const pm_match_market *m, pm_features *f);

/* The similarity token of a canonical word (the same hash pm_extract puts in tok). */
uint64_t pm_extract_word_hash(const char *word);

/* "≥100000", "42..43 °F", "=4.2%": a threshold as text for reasons. */
void pm_threshold_format(const pm_threshold *t, char *out, size_t cap);
/* "2026-12-31", "2026-09", "2028", "--06-07" (no year), "end of term": a date as text. */
void pm_date_format(const pm_match_date *d, char *out, size_t cap);

#endif
