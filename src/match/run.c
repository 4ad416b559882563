/* run.c — judging candidates and storing them in market_matches (run.h). */
#include "match/run.h"

#include "match/cache.h"
#include "store/markets.h"
#include "store/matches.h"
#include "util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *keep(pm_match_set *s, const char *text) {
    if (!text) return NULL;
    if (s->nstrings == s->capstrings) {
        size_t cap = s->capstrings ? 2 * s->capstrings : 1024;
        char **grown = realloc(s->strings, cap * sizeof *grown);
        if (!grown) return NULL;
        s->strings = grown;
        s->capstrings = cap;
    }
    char *copy = strdup(text);
    if (copy) s->strings[s->nstrings++] = copy;
    return copy;
}

typedef struct load_ctx {
    pm_match_set *set;
    size_t cap;
    int oom;
} load_ctx;

static int load_one(void *ctx_, const pm_market *m) {
    load_ctx *ctx = ctx_;
    pm_match_set *s = ctx->set;
    if (s->n == ctx->cap) {
        size_t cap = ctx->cap ? 2 * ctx->cap : 256;
        pm_match_market *grown = realloc(s->m, cap * sizeof *grown);
        if (!grown) return ctx->oom = 1;
        s->m = grown;
        ctx->cap = cap;
    }
    const char *sub = m->platform == PM_VENUE_KALSHI ? m->description
                      : m->outcome_yes_name && strcmp(m->outcome_yes_name, "Yes") != 0 ? m->outcome_yes_name
                                                                                      : NULL;
    pm_match_market *x = &s->m[s->n++];
    x->id = keep(s, m->id);
    x->platform_id = keep(s, m->platform_market_id);
    x->title = keep(s, m->title);
    x->subtitle = keep(s, sub);
    x->rules = keep(s, m->rules);
    x->close_time = keep(s, m->close_time);
    x->content_hash = keep(s, m->content_hash ? m->content_hash : "");
    if (!x->id || !x->platform_id || !x->title || !x->content_hash) return ctx->oom = 1;
    return 0;
}

int pm_match_load(pm_db *db, pm_venue venue, pm_match_set *out, pm_err *err) {
    memset(out, 0, sizeof *out);
    load_ctx ctx = {.set = out};
    int rc = pm_store_list_markets(db, (int)venue, PM_MARKET_ACTIVE, load_one, &ctx, err);
    if (rc == 0 && !ctx.oom) return 0;
    pm_match_set_free(out);
    return ctx.oom ? pm_err_set(err, "out of memory loading %s markets", pm_venue_name(venue)) : -1;
}

void pm_match_set_free(pm_match_set *s) {
    for (size_t i = 0; i < s->nstrings; i++) free(s->strings[i]);
    free(s->strings);
    free(s->m);
    memset(s, 0, sizeof *s);
}

/* One candidate to write this run. */
typedef struct work {
    const pm_match_candidate *c;
    pm_judge_pair pair;
    pm_pair_state state;
    int text_changed;            /* a stored judgement was made on other text */
    char key[PM_JUDGE_KEY_LEN];
    int from_cache;
    pm_judge_verdict v;          /* answered = 0: no LLM verdict (none asked, or none came) */
} work;

static int same_basis(const pm_pair_state *s, const pm_match_market *k, const pm_match_market *p) {
    return s->has_basis && strcmp(s->kalshi_hash, k->content_hash) == 0 && strcmp(s->polymarket_hash, p->content_hash) == 0;
}

/* The row to store for w: confidence of equivalence, polarity, reason, status. */
static void decide(const work *w, const pm_match_run_options *opt, pm_candidate *c, char *reason, size_t cap) {
    const pm_match_candidate *h = w->c;
    c->model = NULL;
    c->prompt_version = NULL;
    if (h->vetoed) {
        c->confidence = h->score;
        c->polarity = h->polarity;
        c->status = PM_MATCH_REJECTED;
        snprintf(reason, cap, "vetoed: %s", h->reason);
        return;
    }
    if (w->v.answered) {
        const pm_judge_verdict *v = &w->v;
        c->confidence = v->equivalent ? v->confidence : 1000000 - v->confidence;
        c->polarity = v->polarity;
        c->model = opt->llm->model;
        c->prompt_version = PM_JUDGE_PROMPT_VERSION;
        c->status = v->equivalent && c->confidence >= opt->review_threshold ? PM_MATCH_PENDING_REVIEW : PM_MATCH_REJECTED;
        char pol[96] = "";
        if (v->polarity != h->polarity)
            snprintf(pol, sizeof pol, "polarity: LLM says %s, heuristics say %s; ", pm_polarity_name(v->polarity),
                     pm_polarity_name(h->polarity));
        snprintf(reason, cap, "%sLLM (%s): %s | heuristics: %s", pol, v->equivalent ? "equivalent" : "not equivalent",
                 v->reason, h->reason);
        return;
    }
    c->confidence = h->score;
    c->polarity = h->polarity;
    c->status = h->score >= opt->review_threshold ? PM_MATCH_PENDING_REVIEW : PM_MATCH_REJECTED;
    snprintf(reason, cap, "%s%s", opt->llm ? "no LLM answer; heuristics: " : "heuristics: ", h->reason);
}

static int store_one(pm_db *db, work *w, const pm_match_run_options *opt, pm_match_run_stats *st, pm_err *err) {
    pm_candidate c = {.kalshi_market_id = w->pair.kalshi->id, .polymarket_market_id = w->pair.polymarket->id};
    char reason[3 * PM_MATCH_REASON_MAX];
    decide(w, opt, &c, reason, sizeof reason);
    c.reason = reason;
    if (w->state.exists && w->state.decided_by_person && w->text_changed) {
        char note[160];
        snprintf(note, sizeof note, "market text changed after this pair was %s by a person: review it again",
                 pm_match_status_name(w->state.status));
        if (pm_cache_reopen_match(db, w->state.match_id, note, err)) return -1;
        if (c.status == PM_MATCH_REJECTED && !w->c->vetoed) c.status = PM_MATCH_PENDING_REVIEW;
        st->reopened++;
    }
    char id[PM_UUID_LEN];
    pm_candidate_result res;
    if (pm_store_put_candidate(db, &c, id, &res, err)) return -1;
    switch (res) {
    case PM_CANDIDATE_INSERTED: st->inserted++; break;
    case PM_CANDIDATE_UPDATED: st->updated++; break;
    case PM_CANDIDATE_UNCHANGED: break;
    case PM_CANDIDATE_KEPT: st->kept++; break;
    }
    if (res != PM_CANDIDATE_KEPT) {
        if (c.status == PM_MATCH_PENDING_REVIEW) st->pending++;
        else st->rejected++;
    }
    return pm_cache_put_basis(db, id, w->pair.kalshi->content_hash, w->pair.polymarket->content_hash, err);
}

/* Cached verdicts first, then the LLM for the rest. */
static int judge(pm_db *db, work *ws, size_t nw, const pm_match_run_options *opt, pm_match_run_stats *st,
                 pm_err *err) {
    pm_judge_pair *ask = malloc((nw ? nw : 1) * sizeof *ask);
    size_t *who = malloc((nw ? nw : 1) * sizeof *who), na = 0;
    pm_judge_verdict *got = NULL;
    int rc = -1;
    if (!ask || !who) {
        pm_err_set(err, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < nw; i++) {
        if (ws[i].c->vetoed) continue;
        pm_judge_key(&ws[i].pair, opt->llm->model, ws[i].key);
        int hit = pm_cache_get_answer(db, ws[i].key, &ws[i].v, err);
        if (hit < 0) goto done;
        if (hit) {
            ws[i].from_cache = 1;
            st->cached++;
        } else {
            ask[na] = ws[i].pair;
            who[na++] = i;
        }
    }
    st->asked = na;
    if (na) {
        if (!(got = calloc(na, sizeof *got))) {
            pm_err_set(err, "out of memory");
            goto done;
        }
        if (pm_llm_judge(opt->llm, ask, na, got, &st->llm, err)) goto done;
        for (size_t j = 0; j < na; j++) ws[who[j]].v = got[j];
    }
    rc = 0;
done:
    free(ask);
    free(who);
    free(got);
    return rc;
}

int pm_match_judge_and_store(pm_db *db, const pm_match_set *kalshi, const pm_match_set *poly,
                             const pm_match_candidate *cands, size_t nc, const pm_match_run_options *opt,
                             pm_match_run_stats *st, pm_err *err) {
    memset(st, 0, sizeof *st);
    st->candidates = nc;
    work *ws = calloc(nc ? nc : 1, sizeof *ws);
    if (!ws) return pm_err_set(err, "out of memory");
    size_t nw = 0;
    int rc = -1;
    for (size_t i = 0; i < nc; i++) {
        const pm_match_candidate *c = &cands[i];
        if (c->kalshi >= kalshi->n || c->polymarket >= poly->n) {
            pm_err_set(err, "candidate %zu names a market out of range", i);
            goto done;
        }
        work *w = &ws[nw];
        w->c = c;
        w->pair = (pm_judge_pair){.kalshi = &kalshi->m[c->kalshi], .polymarket = &poly->m[c->polymarket], .cand = c};
        if (pm_cache_pair_state(db, w->pair.kalshi->id, w->pair.polymarket->id, &w->state, err)) goto done;
        if (w->state.exists && same_basis(&w->state, w->pair.kalshi, w->pair.polymarket)) {
            st->unchanged++;
            continue;
        }
        w->text_changed = w->state.exists && w->state.has_basis;
        if (c->vetoed) st->vetoed++;
        nw++;
    }
    if (opt->llm && judge(db, ws, nw, opt, st, err)) goto done;
    if (pm_db_begin(db, err)) goto done;
    for (size_t i = 0; i < nw; i++) {
        work *w = &ws[i];
        if (opt->llm && !w->c->vetoed && w->v.answered && !w->from_cache &&
            pm_cache_put_answer(db, w->key, opt->llm->model, &w->v, err))
            goto rollback;
        /* No answer: a new pair waits for the next run; a person's decision on changed text
         * cannot wait, it goes back to review on the heuristics. */
        if (opt->llm && !w->c->vetoed && !w->v.answered) {
            st->unanswered++;
            if (!(w->state.decided_by_person && w->text_changed)) continue;
        }
        if (store_one(db, w, opt, st, err)) goto rollback;
    }
    int gone;
    if (pm_cache_reopen_changed(db, &gone, err)) goto rollback;
    st->reopened += (size_t)gone;
    if (pm_db_commit(db, err)) goto rollback;
    rc = 0;
    goto done;
rollback:
    pm_db_rollback(db);
done:
    free(ws);
    return rc;
}
