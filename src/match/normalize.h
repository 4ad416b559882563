/* normalize.h — market text as a stream of canonical tokens for matching: lower case, no
 * punctuation, unicode quotes/dashes/comparison signs folded to ASCII, numbers read in fixed
 * point whatever their format (100k, 100,000, $100K, 4.25%, 25bps, 28°C, 3rd), ISO dates
 * (2026-12-31) and times of day (10:30 PM, 5pm) recognised, aliases folded to one name
 * (Fed/FOMC/Federal Reserve, BTC/Bitcoin, S&P/SPX, GOP/Republican, team cities/nicknames/
 * codes…), light plural stemming, and stop words marked (kept: extraction reads them). */
#ifndef PM_MATCH_NORMALIZE_H
#define PM_MATCH_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>

typedef enum pm_ntype {
    PM_NT_WORD = 0, /* word: canonical text in word */
    PM_NT_NUM,      /* number: value in num, scale 6; unit and form in flags */
    PM_NT_DATE,     /* ISO date: days since 1970-01-01 in num */
    PM_NT_TIME,     /* time of day: minutes after midnight in num */
    PM_NT_SYM,      /* comparison or range sign in sym: '>', '<', 'G' (≥), 'L' (≤), '-' (range), '+' */
} pm_ntype;

/* Flags of a number. */
#define PM_NUM_MONEY   0x01 /* $ */
#define PM_NUM_PERCENT 0x02 /* % */
#define PM_NUM_BPS     0x04 /* bps / bp / basis points */
#define PM_NUM_DEGF    0x08 /* °F */
#define PM_NUM_DEGC    0x10 /* °C */
#define PM_NUM_DEG     0x20 /* ° without a scale */
#define PM_NUM_ORDINAL 0x40 /* 1st, 31st, #1 */
#define PM_NUM_PLUS    0x80 /* 50+ : "or more" */
#define PM_NUM_UNITS   (PM_NUM_MONEY | PM_NUM_PERCENT | PM_NUM_BPS | PM_NUM_DEGF | PM_NUM_DEGC | PM_NUM_DEG)

#define PM_NWORD_MAX 24

typedef struct pm_ntok {
    uint8_t type;  /* pm_ntype */
    uint8_t flags; /* PM_NUM_* for numbers */
    uint8_t stop;  /* 1: a stop word (not used for similarity) */
    char sym;      /* PM_NT_SYM */
    char word[PM_NWORD_MAX];
    int64_t num;
} pm_ntok;

/* Tokenizes text (NULL = empty) into out (at most cap tokens; the rest is dropped) and
 * returns the count. Deterministic, allocation-free. */
int pm_normalize(const char *text, pm_ntok *out, int cap);

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1..12). */
int64_t pm_days_from_civil(int64_t y, int m, int d);
void pm_civil_from_days(int64_t days, int *y, int *m, int *d);

/* 1 when word is a team's canonical name ("tmil": t + the venues' 2–3 letter code). */
int pm_is_team(const char *word);

/* 1..12 for a canonical month word ("jan".."dec"), else 0. */
int pm_month_of(const char *word);

#endif
