/* veto.c — hard vetoes, polarity and findings of a candidate pair (see veto.h). */
#include "match/veto.h"

#include "match/normalize.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct out_buf {
    char *s;
    size_t cap, len;
} out_buf;

static void say(out_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(out_buf *b, const char *fmt, ...) {
    if (b->len + 1 >= b->cap) return;
    if (b->len) {
        int w = snprintf(b->s + b->len, b->cap - b->len, "; ");
        b->len += (size_t)w < b->cap - b->len ? (size_t)w : b->cap - b->len - 1;
    }
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (w > 0) b->len += (size_t)w < b->cap - b->len ? (size_t)w : b->cap - b->len - 1;
}

/* 2 agree, 1 agree (both stated), 0 no evidence either way, -1 veto. */
static int compare_dates(const pm_match_date *a, const pm_match_date *b, int64_t tol, out_buf *o) {
    char x[32], y[32];
    pm_date_format(a, x, sizeof x);
    pm_date_format(b, y, sizeof y);
    if (a->gran == PM_DATE_NONE || b->gran == PM_DATE_NONE) return 0;
    if (a->gran == PM_DATE_TERM || b->gran == PM_DATE_TERM) {
        if (a->gran == b->gran) return 1;
        say(o, "veto: deadline '%s' vs '%s'", x, y);
        return -1;
    }
    int ay, am, ad, by, bm, bd;
    pm_civil_from_days(a->day, &ay, &am, &ad);
    pm_civil_from_days(b->day, &by, &bm, &bd);
    if (a->noyear || b->noyear) {
        /* a side without a year: month and day must agree, and it stays unproven */
        if (am != bm || (a->gran == PM_DATE_DAY && b->gran == PM_DATE_DAY && ad != bd)) {
            say(o, "veto: different dates (%s vs %s)", x, y);
            return -1;
        }
        return 0;
    }
    int close = a->from == PM_FROM_CLOSE || b->from == PM_FROM_CLOSE;
    if (a->gran == PM_DATE_YEAR || b->gran == PM_DATE_YEAR) {
        int ya = ay, yb = by;
        /* a close time may come a year after the event it settles (certification, appeals) */
        if (ya == yb || (close && abs(ya - yb) == 1 && (a->from == PM_FROM_CLOSE ? ya > yb : yb > ya)))
            return !close && a->gran == b->gran ? 1 : 0; /* a day within the year is only compatible */
        say(o, "veto: different years (%s vs %s)", x, y);
        return -1;
    }
    if (a->gran == PM_DATE_MONTH || b->gran == PM_DATE_MONTH) {
        if (ay == by && am == bm) return !close && a->gran == b->gran ? 1 : 0;
        say(o, "veto: different months (%s vs %s)", x, y);
        return -1;
    }
    if (close && a->from != b->from) {
        /* a stated day against a close instant: the day as US Eastern time (both venues' dates) */
        const pm_match_date *c = a->from == PM_FROM_CLOSE ? a : b, *t = c == a ? b : a;
        int64_t et = pm_eastern_day(c->day, c->minute);
        if (et == t->day) {
            say(o, "close time on the stated day");
            return 2;
        }
        if (llabs(et - t->day) * 24 > tol) {
            say(o, "veto: close time %s is not near the stated date %s", c == a ? x : y, c == a ? y : x);
            return -1;
        }
        return 0;
    }
    int64_t dd = (int64_t)a->day - b->day;
    if (a->minute >= 0 && b->minute >= 0 && !close) {
        int64_t dmin = dd * 1440 + a->minute - b->minute;
        if (llabs(dmin) > tol * 60) {
            say(o, "veto: times %lld h apart (%s vs %s, tolerance %lld h)", (long long)(llabs(dmin) / 60), x, y, (long long)tol);
            return -1;
        }
        return 1;
    }
    if (dd == 0) return close ? 0 : 1;
    int64_t hours = llabs(dd) * 24;
    /* whole calendar days: a gap equal to the tolerance is already a different deadline */
    if (close ? hours > tol : hours >= tol) {
        say(o, "veto: different %s (%s vs %s)", close ? "close dates" : "dates", x, y);
        return -1;
    }
    return close ? 0 : 1;
}

static int same_threshold(const pm_threshold *a, const pm_threshold *b) {
    return a->op == b->op && a->lo == b->lo && a->hi == b->hi && a->unit == b->unit;
}

static int complementary(const pm_threshold *a, const pm_threshold *b) {
    if (a->lo != b->lo || a->unit != b->unit) return 0;
    return (a->op == PM_OP_GT && b->op == PM_OP_LE) || (a->op == PM_OP_LE && b->op == PM_OP_GT) ||
           (a->op == PM_OP_GE && b->op == PM_OP_LT) || (a->op == PM_OP_LT && b->op == PM_OP_GE);
}

static void list_thresholds(const pm_features *f, char *out, size_t cap) {
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < f->nthr && len + 1 < cap; i++) {
        char t[64];
        pm_threshold_format(&f->thr[i], t, sizeof t);
        int w = snprintf(out + len, cap - len, "%s%s", i ? "," : "", t);
        if (w > 0) len += (size_t)w < cap - len ? (size_t)w : cap - len - 1;
    }
}

/* 1 agree, 0 none stated, -1 veto; *inverted when the two are complements. */
static int compare_thresholds(const pm_features *k, const pm_features *p, int *inverted, out_buf *o) {
    char a[160], b[160];
    if (!k->nthr && !p->nthr) return 0;
    list_thresholds(k, a, sizeof a);
    list_thresholds(p, b, sizeof b);
    if (!k->nthr || !p->nthr) {
        say(o, "veto: threshold on one side only (%s vs %s)", k->nthr ? a : "none", p->nthr ? b : "none");
        return -1;
    }
    if (k->nthr == p->nthr) {
        int same = 1;
        for (int i = 0; i < k->nthr && same; i++) same = same_threshold(&k->thr[i], &p->thr[i]);
        if (same) {
            say(o, "same threshold %s", a);
            return 1;
        }
        if (k->nthr == 1 && complementary(&k->thr[0], &p->thr[0])) {
            say(o, "complementary thresholds %s vs %s", a, b);
            *inverted = 1;
            return 1;
        }
    }
    say(o, "veto: different thresholds (%s vs %s)", a, b);
    return -1;
}

static int has_tok(const pm_features *f, uint64_t h) {
    int lo = 0, hi = f->ntok - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (f->tok[mid] == h) return 1;
        if (f->tok[mid] < h) lo = mid + 1;
        else hi = mid - 1;
    }
    return 0;
}

void pm_match_compare(const pm_features *k, const pm_features *p, int64_t tol, pm_match_verdict *v, char *reason,
                      size_t cap) {
    out_buf o = {reason, cap, 0};
    reason[0] = '\0';
    memset(v, 0, sizeof *v);
    int inverted = 0, r;
    r = compare_dates(&k->date, &p->date, tol, &o);
    if (r < 0) v->vetoed = 1;
    else if (r == 2) v->agreements++;
    else if (r > 0) {
        char d[32];
        pm_date_format(&k->date, d, sizeof d);
        say(&o, "same date %s", d);
        v->agreements++;
    } else if (k->date.gran == PM_DATE_NONE || p->date.gran == PM_DATE_NONE) {
        say(&o, "no date on %s", k->date.gran == PM_DATE_NONE && p->date.gran == PM_DATE_NONE ? "either side"
                                  : k->date.gran == PM_DATE_NONE                                 ? "the Kalshi side"
                                                                                                 : "the Polymarket side");
        v->weak = 1;
    } else {
        say(&o, "dates only compatible");
        v->weak = 1;
    }
    r = compare_thresholds(k, p, &inverted, &o);
    if (r < 0) v->vetoed = 1;
    else if (r > 0) v->agreements++;
    if (k->quantity && p->quantity && k->quantity != p->quantity) {
        say(&o, "veto: different measured quantity");
        v->vetoed = 1;
    }
    if (k->qualifier != p->qualifier) {
        say(&o, "veto: different bet (%s%s%s%s vs %s%s%s%s)", k->qualifier & PM_QUAL_1H ? "first half " : "",
            k->qualifier & PM_QUAL_2H ? "second half " : "", k->qualifier & PM_QUAL_SPREAD ? "spread " : "",
            k->qualifier & PM_QUAL_TOTAL ? "total " : "", p->qualifier & PM_QUAL_1H ? "first half " : "",
            p->qualifier & PM_QUAL_2H ? "second half " : "", p->qualifier & PM_QUAL_SPREAD ? "spread " : "",
            p->qualifier & PM_QUAL_TOTAL ? "total " : "");
        v->vetoed = 1;
    }
    if (k->sources && p->sources && !(k->sources & p->sources)) {
        say(&o, "veto: different resolution sources");
        v->vetoed = 1;
    } else if (k->sources & p->sources) {
        say(&o, "same resolution source");
    }
    if (k->subject[0] && p->subject[0]) {
        if (!strcmp(k->subject, p->subject)) {
            say(&o, "same subject %s", k->subject + 1);
            v->agreements++;
        } else if (has_tok(p, pm_extract_word_hash(k->subject)) && has_tok(k, pm_extract_word_hash(p->subject))) {
            say(&o, "Polymarket's first outcome is the other side (%s vs %s)", k->subject + 1, p->subject + 1);
            inverted ^= 1;
            v->agreements++;
        } else {
            say(&o, "veto: different subjects (%s vs %s)", k->subject + 1, p->subject + 1);
            v->vetoed = 1;
        }
    }
    if (k->negated != p->negated) {
        say(&o, "one side negated");
        inverted ^= 1;
    }
    if (k->lose != p->lose) {
        say(&o, "win vs lose");
        inverted ^= 1;
    }
    if (!v->agreements) v->weak = 1;
    v->polarity = inverted ? PM_POLARITY_INVERTED : PM_POLARITY_SAME;
}

int64_t pm_match_score(int64_t sim, const pm_match_verdict *v) {
    if (sim < 0) sim = 0;
    if (sim > PM_MATCH_SCORE_ONE) sim = PM_MATCH_SCORE_ONE;
    if (v->vetoed) return sim / 2;
    int64_t s = sim;
    for (int i = 0; i < v->agreements; i++) s += (PM_MATCH_SCORE_ONE - s) / 2;
    if (v->weak && s > PM_MATCH_WEAK_CAP) s = PM_MATCH_WEAK_CAP;
    return s;
}
