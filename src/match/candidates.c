/* candidates.c — deterministic candidate generation (see candidates.h): features of every
 * market, an inverted index over the Polymarket side, and per Kalshi market a shortlist by
 * selective-token retrieval, exact similarity, vetoes and polarity, top-K kept. */
#include "match/candidates.h"

#include "match/extract.h"
#include "match/index.h"
#include "match/veto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHORTLIST_EXTRA 16 /* shortlist = 4 × top_k + this, re-scored exactly */

typedef struct slot {
    unsigned __int128 key; /* acc² / norm: the retrieval's approximate cosine, squared and scaled */
    uint32_t doc;
} slot;

/* a is better than b: higher key, then lower document number */
static int better(const slot *a, const slot *b) { return a->key != b->key ? a->key > b->key : a->doc < b->doc; }

/* Min-heap of the best m slots (the root is the worst kept). */
static void heap_push(slot *h, int *n, int m, slot s) {
    if (*n < m) {
        int i = (*n)++;
        h[i] = s;
        while (i > 0 && better(&h[(i - 1) / 2], &h[i])) {
            slot t = h[i];
            h[i] = h[(i - 1) / 2];
            h[(i - 1) / 2] = t;
            i = (i - 1) / 2;
        }
        return;
    }
    if (!better(&s, &h[0])) return;
    h[0] = s;
    for (int i = 0;;) {
        int l = 2 * i + 1, r = l + 1, w = i;
        if (l < *n && better(&h[w], &h[l])) w = l;
        if (r < *n && better(&h[w], &h[r])) w = r;
        if (w == i) break;
        slot t = h[i];
        h[i] = h[w];
        h[w] = t;
        i = w;
    }
}

typedef struct scored {
    int64_t score;
    uint32_t doc;
    pm_match_candidate c;
} scored;

static int cmp_scored(const void *a_, const void *b_) {
    const scored *a = a_, *b = b_;
    if (a->score != b->score) return a->score > b->score ? -1 : 1;
    return (a->doc > b->doc) - (a->doc < b->doc);
}

int pm_match_candidates(const pm_match_market *kalshi, size_t nk, const pm_match_market *poly, size_t np,
                        const pm_match_options *opt, pm_match_candidate **out, size_t *nout, pm_err *err) {
    *out = NULL;
    *nout = 0;
    int top_k = opt->top_k < 1 ? 1 : opt->top_k > 100 ? 100 : opt->top_k;
    int m = 4 * top_k + SHORTLIST_EXTRA;
    pm_features *fk = malloc((nk ? nk : 1) * sizeof *fk), *fp = malloc((np ? np : 1) * sizeof *fp);
    slot *heap = malloc((size_t)m * sizeof *heap);
    scored *sc = malloc((size_t)m * sizeof *sc);
    pm_match_index ix = {0};
    pm_match_scratch s = {0};
    pm_match_candidate *res = NULL;
    size_t nres = 0, capres = 0;
    int rc = -1;
    if (!fk || !fp || !heap || !sc) {
        pm_err_set(err, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < nk; i++) pm_extract(&kalshi[i], &fk[i]);
    for (size_t i = 0; i < np; i++) pm_extract(&poly[i], &fp[i]);
    if (pm_match_index_build(&ix, fp, np, err) || pm_match_scratch_init(&s, np, err)) goto done;
    for (size_t k = 0; k < nk; k++) {
        pm_match_index_query(&ix, &fk[k], &s);
        int nh = 0;
        for (size_t t = 0; t < s.ntouched; t++) {
            uint32_t d = s.touched[t];
            unsigned __int128 a = (unsigned __int128)s.acc[d];
            slot sl = {a * a / (unsigned __int128)(ix.norm[d] ? ix.norm[d] : 1), d};
            heap_push(heap, &nh, m, sl);
            s.acc[d] = 0;
        }
        for (int h = 0; h < nh; h++) {
            uint32_t d = heap[h].doc;
            scored *x = &sc[h];
            int64_t sim = pm_match_similarity(&ix, &fk[k], &fp[d]);
            pm_match_verdict v;
            char findings[PM_MATCH_REASON_MAX - 48];
            pm_match_compare(&fk[k], &fp[d], opt->date_tolerance_hours, &v, findings, sizeof findings);
            x->score = pm_match_score(sim, &v);
            x->doc = d;
            x->c.kalshi = (uint32_t)k;
            x->c.polymarket = d;
            x->c.score = x->score;
            x->c.polarity = v.polarity;
            x->c.vetoed = v.vetoed;
            snprintf(x->c.reason, sizeof x->c.reason, "similarity %lld.%06lld%s%s", (long long)(sim / 1000000),
                     (long long)(sim % 1000000), findings[0] ? "; " : "", findings);
        }
        qsort(sc, (size_t)nh, sizeof *sc, cmp_scored);
        int keep = nh < top_k ? nh : top_k;
        if (nres + (size_t)keep > capres) {
            size_t cap = capres ? capres * 2 : 1024;
            while (cap < nres + (size_t)keep) cap *= 2;
            pm_match_candidate *grown = realloc(res, cap * sizeof *grown);
            if (!grown) {
                pm_err_set(err, "out of memory");
                goto done;
            }
            res = grown;
            capres = cap;
        }
        for (int h = 0; h < keep; h++) res[nres++] = sc[h].c;
    }
    *out = res;
    *nout = nres;
    res = NULL;
    rc = 0;
done:
    free(res);
    free(fk), free(fp), free(heap), free(sc);
    pm_match_index_free(&ix);
    pm_match_scratch_free(&s);
    return rc;
}
