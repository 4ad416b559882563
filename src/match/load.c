/* load.c — stored markets as matcher input (see load.h). */
#include "match/load.h"

#include <stdlib.h>
#include <string.h>

typedef struct load_ctx {
    pm_match_set *set;
    pm_err *err;
} load_ctx;

static char *dup_or_null(const char *s, int *oom) {
    if (!s) return NULL;
    char *d = strdup(s);
    if (!d) *oom = 1;
    return d;
}

static void free_market(pm_match_market *m) {
    free((char *)m->id), free((char *)m->platform_id), free((char *)m->title), free((char *)m->subtitle);
    free((char *)m->rules), free((char *)m->close_time), free((char *)m->content_hash);
}

static int add(void *ctx_, const pm_market *m) {
    load_ctx *c = ctx_;
    pm_match_set *s = c->set;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 256;
        pm_match_market *grown = realloc(s->m, cap * sizeof *grown);
        if (!grown) return pm_err_set(c->err, "out of memory");
        s->m = grown;
        s->cap = cap;
    }
    int oom = 0;
    pm_match_market *o = &s->m[s->n];
    o->id = dup_or_null(m->id, &oom);
    o->platform_id = dup_or_null(m->platform_market_id, &oom);
    o->title = dup_or_null(m->title, &oom);
    o->subtitle = dup_or_null(m->platform == PM_VENUE_KALSHI ? m->description : m->outcome_yes_name, &oom);
    o->rules = dup_or_null(m->rules, &oom);
    o->close_time = dup_or_null(m->close_time, &oom);
    o->content_hash = dup_or_null(m->content_hash, &oom);
    if (oom) {
        free_market(o);
        return pm_err_set(c->err, "out of memory");
    }
    s->n++;
    return 0;
}

int pm_match_load(pm_db *db, pm_venue venue, const char *status, pm_match_set *set, pm_err *err) {
    load_ctx c = {set, err};
    return pm_store_list_markets(db, (int)venue, status, add, &c, err) ? -1 : 0;
}

void pm_match_set_free(pm_match_set *set) {
    for (size_t i = 0; i < set->n; i++) free_market(&set->m[i]);
    free(set->m);
    memset(set, 0, sizeof *set);
}
