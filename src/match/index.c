/* index.c — inverted index and IDF-weighted retrieval (see index.h). */
#include "match/index.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct pair {
    uint64_t term;
    uint32_t doc;
} pair;

static int cmp_pair(const void *a_, const void *b_) {
    const pair *a = a_, *b = b_;
    if (a->term != b->term) return a->term < b->term ? -1 : 1;
    return (a->doc > b->doc) - (a->doc < b->doc);
}

/* idf = ln((N + 1) / df) + 1, scale 1000, squared: computed once per term, rounded to an
 * integer, so every later sum is exact and the ranking deterministic. */
static int64_t idf2(size_t n, size_t df) {
    double idf = log((double)(n + 1) / (double)(df ? df : 1)) + 1.0;
    int64_t w = (int64_t)lround(idf * 1000.0);
    return w * w;
}

int pm_match_index_build(pm_match_index *ix, const pm_features *docs, size_t n, pm_err *err) {
    memset(ix, 0, sizeof *ix);
    ix->ndocs = n;
    size_t total = 0;
    for (size_t i = 0; i < n; i++) total += (size_t)docs[i].ntok + (docs[i].datetok != 0);
    pair *pairs = malloc((total ? total : 1) * sizeof *pairs);
    ix->norm = calloc(n ? n : 1, sizeof *ix->norm);
    if (!pairs || !ix->norm) {
        free(pairs);
        pm_match_index_free(ix);
        return pm_err_set(err, "out of memory building the match index");
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        for (int t = 0; t < docs[i].ntok; t++) pairs[k++] = (pair){docs[i].tok[t], (uint32_t)i};
        if (docs[i].datetok) pairs[k++] = (pair){docs[i].datetok, (uint32_t)i};
    }
    qsort(pairs, total, sizeof *pairs, cmp_pair);
    size_t nterms = 0;
    for (size_t i = 0; i < total; i++)
        if (i == 0 || pairs[i].term != pairs[i - 1].term) nterms++;
    ix->terms = malloc((nterms ? nterms : 1) * sizeof *ix->terms);
    ix->start = malloc((nterms + 1) * sizeof *ix->start);
    ix->weight = malloc((nterms ? nterms : 1) * sizeof *ix->weight);
    ix->post = malloc((total ? total : 1) * sizeof *ix->post);
    if (!ix->terms || !ix->start || !ix->weight || !ix->post) {
        free(pairs);
        pm_match_index_free(ix);
        return pm_err_set(err, "out of memory building the match index");
    }
    size_t t = 0;
    for (size_t i = 0; i < total; i++) {
        if (i == 0 || pairs[i].term != pairs[i - 1].term) {
            ix->terms[t] = pairs[i].term;
            ix->start[t] = (uint32_t)i;
            t++;
        }
        ix->post[i] = pairs[i].doc;
    }
    ix->start[nterms] = (uint32_t)total;
    ix->nterms = nterms;
    for (size_t i = 0; i < nterms; i++) ix->weight[i] = idf2(n, ix->start[i + 1] - ix->start[i]);
    ix->unseen = idf2(n, 1);
    for (size_t i = 0; i < total; i++) {
        size_t lo = 0, hi = nterms;
        while (lo + 1 < hi) {
            size_t mid = (lo + hi) / 2;
            if (ix->start[mid] <= i) lo = mid;
            else hi = mid;
        }
        ix->norm[ix->post[i]] += ix->weight[lo];
    }
    ix->max_df = n / 20 > 256 ? (uint32_t)(n / 20) : 256;
    free(pairs);
    return 0;
}

void pm_match_index_free(pm_match_index *ix) {
    free(ix->terms), free(ix->start), free(ix->post), free(ix->weight), free(ix->norm);
    memset(ix, 0, sizeof *ix);
}

static long find_term(const pm_match_index *ix, uint64_t token) {
    size_t lo = 0, hi = ix->nterms;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ix->terms[mid] == token) return (long)mid;
        if (ix->terms[mid] < token) lo = mid + 1;
        else hi = mid;
    }
    return -1;
}

int64_t pm_match_index_weight(const pm_match_index *ix, uint64_t token) {
    long t = find_term(ix, token);
    return t < 0 ? ix->unseen : ix->weight[t];
}

int pm_match_scratch_init(pm_match_scratch *s, size_t ndocs, pm_err *err) {
    s->acc = calloc(ndocs ? ndocs : 1, sizeof *s->acc);
    s->touched = malloc((ndocs ? ndocs : 1) * sizeof *s->touched);
    s->ntouched = 0;
    if (!s->acc || !s->touched) {
        pm_match_scratch_free(s);
        return pm_err_set(err, "out of memory");
    }
    return 0;
}

void pm_match_scratch_free(pm_match_scratch *s) {
    free(s->acc), free(s->touched);
    memset(s, 0, sizeof *s);
}

static void accumulate(const pm_match_index *ix, long t, pm_match_scratch *s) {
    int64_t w = ix->weight[t];
    for (uint32_t p = ix->start[t]; p < ix->start[t + 1]; p++) {
        uint32_t d = ix->post[p];
        if (!s->acc[d]) s->touched[s->ntouched++] = d;
        s->acc[d] += w;
    }
}

void pm_match_index_query(const pm_match_index *ix, const pm_features *q, pm_match_scratch *s) {
    long common[PM_FEAT_TOKENS + 1];
    int ncommon = 0, used = 0;
    s->ntouched = 0;
    for (int i = 0; i <= q->ntok; i++) {
        long t = find_term(ix, i < q->ntok ? q->tok[i] : q->datetok);
        if (t < 0) continue;
        if (ix->start[t + 1] - ix->start[t] > ix->max_df) {
            common[ncommon++] = t;
            continue;
        }
        accumulate(ix, t, s);
        used++;
    }
    /* a question made only of common words still needs its two rarest to be found */
    while (used < PM_MATCH_MIN_RETRIEVAL_TOKENS && ncommon) {
        int best = 0;
        for (int i = 1; i < ncommon; i++)
            if (ix->start[common[i] + 1] - ix->start[common[i]] < ix->start[common[best] + 1] - ix->start[common[best]])
                best = i;
        accumulate(ix, common[best], s);
        common[best] = common[--ncommon];
        used++;
    }
}

static uint64_t isqrt(unsigned __int128 x) {
    uint64_t r = (uint64_t)sqrtl((long double)x);
    while ((unsigned __int128)r * r > x) r--;
    while ((unsigned __int128)(r + 1) * (r + 1) <= x) r++;
    return r;
}

int64_t pm_match_similarity(const pm_match_index *ix, const pm_features *a, const pm_features *b) {
    int64_t dot = 0, na = 0, nb = 0;
    int i = 0, j = 0;
    while (i < a->ntok || j < b->ntok) {
        if (j >= b->ntok || (i < a->ntok && a->tok[i] < b->tok[j])) na += pm_match_index_weight(ix, a->tok[i++]);
        else if (i >= a->ntok || b->tok[j] < a->tok[i]) nb += pm_match_index_weight(ix, b->tok[j++]);
        else {
            int64_t w = pm_match_index_weight(ix, a->tok[i]);
            dot += w, na += w, nb += w;
            i++, j++;
        }
    }
    if (!na || !nb) return 0;
    uint64_t den = isqrt((unsigned __int128)na * (unsigned __int128)nb);
    return den ? (int64_t)((unsigned __int128)dot * 1000000 / den) : 0;
}
