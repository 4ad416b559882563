/* extract.c — features of a market's text for matching (see extract.h). */
#include "match/extract.h"

#include "match/normalize.h"
#include "util/clock.h"
#include "util/strmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOK_MAX 256
#define USED_DATE 1      /* used[] marks: a token read as part of a date */
#define USED_THRESHOLD 2 /* … or as a threshold */

typedef struct word_bit {
    const char *word;
    uint32_t bit;
} word_bit;

static const word_bit quantity_words[] = {
    {"btc", PM_Q_BTC}, {"eth", PM_Q_ETH}, {"sol", PM_Q_SOL}, {"xrp", PM_Q_XRP}, {"doge", PM_Q_DOGE},
    {"cpi", PM_Q_CPI}, {"corecpi", PM_Q_CORECPI}, {"unemployment", PM_Q_UNEMPLOYMENT}, {"wti", PM_Q_WTI},
    {"spx", PM_Q_SPX}, {"ndx", PM_Q_NDX}, {"hightemp", PM_Q_HIGHTEMP}, {"lowtemp", PM_Q_LOWTEMP}, {"gdp", PM_Q_GDP},
    {"gold", PM_Q_GOLD},
};
static const word_bit qualifier_words[] = {
    {"1h", PM_QUAL_1H}, {"2h", PM_QUAL_2H}, {"spread", PM_QUAL_SPREAD}, {"total", PM_QUAL_TOTAL},
};
static const word_bit source_words[] = {
    {"cfbenchmarks", PM_SRC_CFB}, {"binance", PM_SRC_BINANCE}, {"coinbase", PM_SRC_COINBASE},
    {"chainlink", PM_SRC_CHAINLINK}, {"bls", PM_SRC_BLS}, {"ap", PM_SRC_AP}, {"nws", PM_SRC_NWS},
    {"wunderground", PM_SRC_WUNDERGROUND}, {"midway", PM_SRC_MIDWAY}, {"kmdw", PM_SRC_MIDWAY},
    {"ohare", PM_SRC_OHARE}, {"kord", PM_SRC_OHARE}, {"laguardia", PM_SRC_LAGUARDIA}, {"klga", PM_SRC_LAGUARDIA},
    {"centralpark", PM_SRC_CENTRALPARK}, {"knyc", PM_SRC_CENTRALPARK}, {"bea", PM_SRC_BEA},
};

static uint32_t bits_of(const char *w, const word_bit *t, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!strcmp(w, t[i].word)) return t[i].bit;
    return 0;
}

uint64_t pm_extract_word_hash(const char *word) { return pm_strhash(word, strlen(word)) | 1; }

static uint64_t number_hash(int64_t v, uint8_t unit) {
    uint64_t h = (uint64_t)v * 0x9E3779B97F4A7C15ULL ^ ((uint64_t)unit << 56);
    h ^= h >> 29;
    return h & ~1ULL; /* even: never equal to a word's hash */
}

static int is_word(const pm_ntok *t, const char *w) { return t->type == PM_NT_WORD && !strcmp(t->word, w); }
static int plain_int(const pm_ntok *t) { return t->type == PM_NT_NUM && t->num % 1000000 == 0 && !(t->flags & PM_NUM_UNITS); }
static int64_t ival(const pm_ntok *t) { return t->num / 1000000; }

typedef struct scan_state {
    pm_match_date date;
} scan_state;

static void set_date(scan_state *s, int gran, int64_t day, int minute, int year_missing) {
    s->date.noyear = (uint8_t)year_missing;
    s->date.gran = (uint8_t)gran;
    s->date.from = PM_FROM_TEXT;
    s->date.day = (int32_t)day;
    s->date.minute = minute;
}

/* Finds dates in t[0..n), marking their tokens used; the last one found is the market's. */
static void find_dates(pm_ntok *t, int n, uint8_t *used, scan_state *s) {
    for (int i = 0; i < n; i++) {
        if (used[i]) continue;
        int before = i > 0 && is_word(&t[i - 1], "before");
        int m = t[i].type == PM_NT_WORD ? pm_month_of(t[i].word) : 0;
        if (m) {
            int j = i + 1;
            if (j < n && t[j].type == PM_NT_NUM && (t[j].flags & ~PM_NUM_ORDINAL) == 0 && t[j].num % 1000000 == 0 &&
                ival(&t[j]) >= 1 && ival(&t[j]) <= 31) {
                int d = (int)ival(&t[j]);
                int64_t y = 0;
                used[i] = used[j] = USED_DATE;
                if (j + 1 < n && plain_int(&t[j + 1]) && ival(&t[j + 1]) >= 1900 && ival(&t[j + 1]) <= 2200) {
                    y = ival(&t[j + 1]);
                    used[j + 1] = USED_DATE;
                    j++;
                }
                int minute = -1;
                for (int q = j + 1; q < n && q <= j + 2; q++)
                    if (t[q].type == PM_NT_TIME) {
                        minute = (int)t[q].num;
                        used[q] = USED_DATE;
                    }
                int64_t day = pm_days_from_civil(y ? y : 1970, m, d) - (before ? 1 : 0);
                set_date(s, PM_DATE_DAY, day, before ? -1 : minute, !y);
                continue;
            }
            if (j < n && plain_int(&t[j]) && ival(&t[j]) >= 1900 && ival(&t[j]) <= 2200) {
                used[i] = used[j] = USED_DATE;
                set_date(s, PM_DATE_MONTH, pm_days_from_civil(ival(&t[j]), m, 1), -1, 0);
                continue;
            }
            used[i] = USED_DATE;
            set_date(s, PM_DATE_MONTH, pm_days_from_civil(1970, m, 1), -1, 1);
            continue;
        }
        if (t[i].type == PM_NT_DATE) {
            int minute = -1;
            used[i] = USED_DATE;
            for (int q = i + 1; q < n && q <= i + 2; q++)
                if (t[q].type == PM_NT_TIME) minute = (int)t[q].num, used[q] = USED_DATE;
            set_date(s, PM_DATE_DAY, t[i].num - (before ? 1 : 0), before ? -1 : minute, 0);
            continue;
        }
        if (t[i].type == PM_NT_NUM && (t[i].flags & ~PM_NUM_ORDINAL) == 0 && t[i].num % 1000000 == 0 && ival(&t[i]) >= 1 &&
            ival(&t[i]) <= 31 && i + 1 < n && t[i + 1].type == PM_NT_WORD && pm_month_of(t[i + 1].word)) {
            int64_t y = 0;
            used[i] = used[i + 1] = USED_DATE;
            if (i + 2 < n && plain_int(&t[i + 2]) && ival(&t[i + 2]) >= 1900 && ival(&t[i + 2]) <= 2200) {
                y = ival(&t[i + 2]);
                used[i + 2] = USED_DATE;
            }
            set_date(s, PM_DATE_DAY, pm_days_from_civil(y ? y : 1970, pm_month_of(t[i + 1].word), (int)ival(&t[i])) - (before ? 1 : 0),
                     -1, !y);
            continue;
        }
        if (plain_int(&t[i]) && ival(&t[i]) >= 2000 && ival(&t[i]) <= 2200) {
            int64_t y = ival(&t[i]);
            used[i] = USED_DATE;
            if (before) set_date(s, PM_DATE_DAY, pm_days_from_civil(y, 1, 1) - 1, -1, 0);
            else if (i > 0 && is_word(&t[i - 1], "endof")) set_date(s, PM_DATE_DAY, pm_days_from_civil(y, 12, 31), -1, 0);
            else if (s->date.gran == PM_DATE_NONE || s->date.gran == PM_DATE_YEAR) set_date(s, PM_DATE_YEAR, pm_days_from_civil(y, 1, 1), -1, 0);
            continue;
        }
        if (is_word(&t[i], "termend") || is_word(&t[i], "lifetime")) {
            used[i] = USED_DATE;
            if (s->date.gran == PM_DATE_NONE) set_date(s, PM_DATE_TERM, 0, -1, 0);
        }
    }
}

static int op_before(const pm_ntok *t, int i, int lo) {
    for (int q = i - 1; q >= lo && q >= i - 3; q--) {
        const pm_ntok *u = &t[q];
        if (u->type == PM_NT_NUM) break;
        if (u->type == PM_NT_SYM) {
            if (u->sym == '>') return PM_OP_GT;
            if (u->sym == 'G') return PM_OP_GE;
            if (u->sym == '<') return PM_OP_LT;
            if (u->sym == 'L') return PM_OP_LE;
            continue;
        }
        const char *w = u->word;
        if (!strcmp(w, "least")) return PM_OP_GE;
        if (!strcmp(w, "most")) return PM_OP_LE;
        if (!strcmp(w, "reach") || !strcmp(w, "hit")) return PM_OP_GE;
        if (!strcmp(w, "dip") || !strcmp(w, "fall") || !strcmp(w, "drop")) return PM_OP_LE;
        if (!strcmp(w, "exactly")) return PM_OP_EQ;
        if (!strcmp(w, "less") || !strcmp(w, "below") || !strcmp(w, "under") || !strcmp(w, "lower")) return PM_OP_LT;
        if (!strcmp(w, "more") || !strcmp(w, "greater") || !strcmp(w, "above") || !strcmp(w, "over") ||
            !strcmp(w, "higher") || !strcmp(w, "exceed"))
            return PM_OP_GT;
        if (!u->stop && strcmp(w, "than") && strcmp(w, "to")) break;
    }
    return -1;
}

static int op_after(const pm_ntok *t, int i, int n) {
    if (i + 2 < n && is_word(&t[i + 1], "or")) {
        const char *w = t[i + 2].word;
        if (!strcmp(w, "more") || !strcmp(w, "above") || !strcmp(w, "higher") || !strcmp(w, "greater")) return PM_OP_GE;
        if (!strcmp(w, "less") || !strcmp(w, "fewer") || !strcmp(w, "below") || !strcmp(w, "lower")) return PM_OP_LE;
    }
    if (i + 1 < n && (is_word(&t[i + 1], "plu") || is_word(&t[i + 1], "plus"))) return PM_OP_GE;
    return -1;
}

static void add_threshold(pm_features *f, int op, uint8_t unit, int64_t lo, int64_t hi) {
    if (f->nthr == PM_FEAT_THRESH) return;
    pm_threshold *t = &f->thr[f->nthr++];
    t->op = (uint8_t)op, t->unit = unit, t->lo = lo, t->hi = hi;
}

static void find_thresholds(const pm_ntok *t, int n, uint8_t *used, pm_features *f) {
    for (int i = 0; i < n; i++) {
        if (used[i] || t[i].type != PM_NT_NUM) continue;
        uint8_t unit = t[i].flags & PM_NUM_UNITS & ~PM_NUM_MONEY;
        /* ranges: X-Y, X to Y, between X and Y */
        if (i + 2 < n && t[i + 2].type == PM_NT_NUM && !used[i + 2] &&
            ((t[i + 1].type == PM_NT_SYM && t[i + 1].sym == '-') || is_word(&t[i + 1], "to") ||
             (is_word(&t[i + 1], "and") && i > 0 && is_word(&t[i - 1], "between")))) {
            unit |= t[i + 2].flags & PM_NUM_UNITS & ~PM_NUM_MONEY;
            add_threshold(f, PM_OP_RANGE, unit, t[i].num, t[i + 2].num);
            used[i] = used[i + 2] = USED_THRESHOLD;
            i += 2;
            continue;
        }
        int op = op_before(t, i, 0);
        int after = op_after(t, i, n);
        if (t[i].flags & PM_NUM_PLUS) after = PM_OP_GE;
        if (after >= 0) op = after;
        if (op < 0) op = PM_OP_EQ;
        add_threshold(f, op, unit, t[i].num, t[i].num);
        used[i] = USED_THRESHOLD;
    }
}

static int cmp_thr(const void *a_, const void *b_) {
    const pm_threshold *a = a_, *b = b_;
    if (a->op != b->op) return a->op < b->op ? -1 : 1;
    if (a->lo != b->lo) return a->lo < b->lo ? -1 : 1;
    if (a->hi != b->hi) return a->hi < b->hi ? -1 : 1;
    return (a->unit > b->unit) - (a->unit < b->unit);
}

static int cmp_u64(const void *a_, const void *b_) {
    uint64_t a = *(const uint64_t *)a_, b = *(const uint64_t *)b_;
    return (a > b) - (a < b);
}

static void add_tok(pm_features *f, uint64_t h) {
    for (int i = 0; i < f->ntok; i++)
        if (f->tok[i] == h) return;
    if (f->ntok < PM_FEAT_TOKENS) f->tok[f->ntok++] = h;
}

/* Kalshi ticker dates: a segment starting YYMONDD (day) or YYMON (month), e.g. 26JAN09, 26SEP. */
static int ticker_date(const char *tk, pm_match_date *d) {
    static const char mons[] = "JANFEBMARAPRMAYJUNJULAUGSEPOCTNOVDEC";
    for (const char *p = tk ? strchr(tk, '-') : NULL; p; p = strchr(p + 1, '-')) {
        const char *s = p + 1;
        if (!(s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9')) continue;
        const char *mp = NULL;
        for (int m = 0; m < 12; m++)
            if (!strncmp(s + 2, mons + 3 * m, 3)) mp = mons + 3 * m;
        if (!mp) continue;
        int y = 2000 + (s[0] - '0') * 10 + (s[1] - '0'), m = (int)((mp - mons) / 3) + 1;
        d->from = PM_FROM_TICKER;
        d->minute = -1;
        if (s[5] >= '0' && s[5] <= '9' && s[6] >= '0' && s[6] <= '9') {
            d->gran = PM_DATE_DAY;
            d->day = (int32_t)pm_days_from_civil(y, m, (s[5] - '0') * 10 + (s[6] - '0'));
        } else {
            d->gran = PM_DATE_MONTH;
            d->day = (int32_t)pm_days_from_civil(y, m, 1);
        }
        return 1;
    }
    return 0;
}

static void fill_year(scan_state *s, int32_t close_day) {
    if (!s->date.noyear || close_day < 0) return;
    int cy, cm, cd, y, m, d;
    pm_civil_from_days(close_day, &cy, &cm, &cd);
    pm_civil_from_days(s->date.day, &y, &m, &d);
    int64_t day = pm_days_from_civil(cy, m, d);
    if (day > close_day + 62) day = pm_days_from_civil(cy - 1, m, d); /* the close falls early next year */
    s->date.day = (int32_t)day;
    s->date.noyear = 0;
}

static void scan_words(const pm_ntok *t, int n, pm_features *f, int similarity) {
    for (int i = 0; i < n; i++) {
        if (t[i].type != PM_NT_WORD) continue;
        const char *w = t[i].word;
        f->sources |= bits_of(w, source_words, sizeof source_words / sizeof source_words[0]);
        if (!similarity) continue;
        f->quantity |= bits_of(w, quantity_words, sizeof quantity_words / sizeof quantity_words[0]);
        f->qualifier |= bits_of(w, qualifier_words, sizeof qualifier_words / sizeof qualifier_words[0]);
        if (!strcmp(w, "not")) f->negated ^= 1;
        if (!strcmp(w, "lose")) f->lose ^= 1;
    }
}

void pm_extract(const pm_match_market *m, pm_features *f) {
    memset(f, 0, sizeof *f);
    f->close_day = -1;
    int64_t ns;
    int32_t close_minute = -1;
    if (m->close_time && !pm_iso_parse(m->close_time, &ns)) {
        int64_t secs = ns / 1000000000;
        f->close_day = (int32_t)((secs >= 0 ? secs : secs - 86399) / 86400);
        close_minute = (int32_t)((secs - (int64_t)f->close_day * 86400) / 60);
    }
    pm_ntok t[TOK_MAX];
    int n = pm_normalize(m->title, t, TOK_MAX), nt;
    nt = n;
    if (m->subtitle && strcmp(m->subtitle, "Yes") && strcmp(m->subtitle, "yes")) {
        n += pm_normalize(m->subtitle, t + n, TOK_MAX - n);
        pm_ntok sub[16];
        int ns_ = pm_normalize(m->subtitle, sub, 16);
        if (ns_ == 1 && sub[0].type == PM_NT_WORD && pm_is_team(sub[0].word)) memcpy(f->subject, sub[0].word, strlen(sub[0].word) + 1);
    }
    uint8_t used[TOK_MAX] = {0};
    scan_state s = {{PM_DATE_NONE, PM_FROM_TEXT, 0, 0, -1}};
    find_dates(t, n, used, &s);
    if (s.date.gran != PM_DATE_NONE) fill_year(&s, f->close_day);
    find_thresholds(t, nt, used, f);
    /* the subtitle states the outcome precisely ("87.99 or above"): it replaces a title's
     * threshold of the same value ("above 87.99") */
    pm_features sub = {0};
    find_thresholds(t + nt, n - nt, used + nt, &sub);
    for (int i = 0; i < sub.nthr; i++) {
        for (int j = 0; j < f->nthr; j++)
            if (f->thr[j].lo == sub.thr[i].lo && f->thr[j].op != PM_OP_RANGE) f->thr[j--] = f->thr[--f->nthr];
        add_threshold(f, sub.thr[i].op, sub.thr[i].unit, sub.thr[i].lo, sub.thr[i].hi);
    }
    qsort(f->thr, (size_t)f->nthr, sizeof f->thr[0], cmp_thr);
    int nthr = 0; /* a threshold the subtitle repeats ("Hike 25bps") counts once */
    for (int i = 0; i < f->nthr; i++)
        if (!nthr || cmp_thr(&f->thr[nthr - 1], &f->thr[i])) f->thr[nthr++] = f->thr[i];
    f->nthr = nthr;
    scan_words(t, n, f, 1);
    /* similarity tokens: non-stop words, thresholds' numbers, years (not days of the month) */
    for (int i = 0; i < n; i++) {
        if (t[i].type == PM_NT_WORD && !t[i].stop) add_tok(f, pm_extract_word_hash(t[i].word));
        else if (t[i].type == PM_NT_NUM && (used[i] == USED_THRESHOLD || (plain_int(&t[i]) && ival(&t[i]) >= 1900 && ival(&t[i]) <= 2200)))
            add_tok(f, number_hash(t[i].num, t[i].flags & PM_NUM_UNITS & ~PM_NUM_MONEY));
    }
    f->date = s.date;
    if (f->date.gran == PM_DATE_NONE) ticker_date(m->platform_id, &f->date);
    if (m->rules && *m->rules) {
        pm_ntok r[TOK_MAX];
        int nr = pm_normalize(m->rules, r, TOK_MAX);
        scan_words(r, nr, f, 0);
        if (f->date.gran == PM_DATE_NONE) {
            for (int i = 0; i + 1 < nr; i++)
                if (is_word(&r[i], "scheduled")) {
                    uint8_t ru[TOK_MAX] = {0};
                    scan_state rs = {{PM_DATE_NONE, PM_FROM_RULES, 0, 0, -1}};
                    int end = i + 8 < nr ? i + 8 : nr;
                    find_dates(r + i + 1, end - i - 1, ru, &rs);
                    if (rs.date.gran == PM_DATE_DAY) {
                        fill_year(&rs, f->close_day);
                        f->date = rs.date;
                        f->date.from = PM_FROM_RULES;
                    }
                    break;
                }
        }
    }
    qsort(f->tok, (size_t)f->ntok, sizeof f->tok[0], cmp_u64);
    if (f->date.gran == PM_DATE_NONE && f->close_day >= 0) {
        f->date.gran = PM_DATE_DAY;
        f->date.from = PM_FROM_CLOSE;
        f->date.day = f->close_day;
        f->date.minute = close_minute; /* UTC */
    }
    if (f->date.gran == PM_DATE_DAY || f->date.gran == PM_DATE_MONTH) {
        int64_t day = f->date.from == PM_FROM_CLOSE ? pm_eastern_day(f->date.day, f->date.minute) : f->date.day;
        f->datetok = number_hash(day * 16 + f->date.gran, 0xFF);
    }
}

int64_t pm_eastern_day(int32_t day, int32_t minute) {
    int y, m, d;
    pm_civil_from_days(day, &y, &m, &d);
    int64_t mar1 = pm_days_from_civil(y, 3, 1), nov1 = pm_days_from_civil(y, 11, 1);
    int64_t dst_start = mar1 + (7 - (mar1 + 4) % 7) % 7 + 7, dst_end = nov1 + (7 - (nov1 + 4) % 7) % 7;
    int64_t t = (int64_t)day * 1440 + (minute >= 0 ? minute : 0);
    int dst = t >= dst_start * 1440 + 420 && t < dst_end * 1440 + 360;
    t -= dst ? 240 : 300;
    return t >= 0 ? t / 1440 : (t - 1439) / 1440;
}

void pm_threshold_format(const pm_threshold *t, char *out, size_t cap) {
    static const char *const ops[] = {"=", ">", ">=", "<", "<=", ""};
    char lo[32], hi[32];
    snprintf(lo, sizeof lo, "%lld.%06lld", (long long)(t->lo / 1000000), (long long)llabs(t->lo % 1000000));
    snprintf(hi, sizeof hi, "%lld.%06lld", (long long)(t->hi / 1000000), (long long)llabs(t->hi % 1000000));
    for (char *p = lo + strlen(lo) - 1; *p == '0' || *p == '.'; p--) {
        int dot = *p == '.';
        *p = '\0';
        if (dot) break;
    }
    for (char *p = hi + strlen(hi) - 1; *p == '0' || *p == '.'; p--) {
        int dot = *p == '.';
        *p = '\0';
        if (dot) break;
    }
    const char *u = t->unit & PM_NUM_PERCENT ? "%" : t->unit & PM_NUM_BPS ? "bps" : t->unit & PM_NUM_DEGF ? "°F"
                    : t->unit & PM_NUM_DEGC ? "°C" : t->unit & PM_NUM_DEG ? "°" : "";
    if (t->op == PM_OP_RANGE) snprintf(out, cap, "%s..%s%s", lo, hi, u);
    else snprintf(out, cap, "%s%s%s", ops[t->op], lo, u);
}

void pm_date_format(const pm_match_date *d, char *out, size_t cap) {
    int y, m, dd;
    pm_civil_from_days(d->day, &y, &m, &dd);
    switch (d->gran) {
    case PM_DATE_DAY:
        if (d->noyear) snprintf(out, cap, "--%02d-%02d", m, dd);
        else snprintf(out, cap, "%04d-%02d-%02d", y, m, dd);
        break;
    case PM_DATE_MONTH:
        if (d->noyear) snprintf(out, cap, "--%02d", m);
        else snprintf(out, cap, "%04d-%02d", y, m);
        break;
    case PM_DATE_YEAR: snprintf(out, cap, "%04d", y); break;
    case PM_DATE_TERM: snprintf(out, cap, "end of term"); break;
    default: snprintf(out, cap, "none"); break;
    }
}
