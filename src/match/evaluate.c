/* evaluate.c — stored matches scored against a labels CSV (see evaluate.h). */
#include "match/evaluate.h"

#include "store/matches.h"
#include "util/strmap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_LEN 1024
static const char header[] = "kalshi_ticker,polymarket_condition_id,equivalent,polarity";

typedef struct label {
    char *key; /* "<ticker>\t<condition id>" */
    int equivalent;
    pm_polarity polarity;
    int predicted;
} label;

typedef struct eval_ctx {
    label *labels;
    size_t n;
    pm_strmap map;
    pm_match_eval *out;
} eval_ctx;

static void free_labels(eval_ctx *c) {
    for (size_t i = 0; i < c->n; i++) free(c->labels[i].key);
    free(c->labels);
    pm_strmap_free(&c->map);
}

static void chomp(char *s) {
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r')) s[--n] = '\0';
}

static int read_labels(const char *path, eval_ctx *c, pm_err *err) {
    FILE *f = fopen(path, "r");
    if (!f) return pm_err_set(err, "%s: %s", path, strerror(errno));
    char line[LINE_MAX_LEN];
    size_t cap = 0;
    int lineno = 0, rc = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            rc = pm_err_set(err, "%s:%d: line too long", path, lineno);
            break;
        }
        chomp(line);
        if (lineno == 1) {
            if (strcmp(line, header)) {
                rc = pm_err_set(err, "%s:1: the header must be '%s'", path, header);
                break;
            }
            continue;
        }
        if (!line[0]) continue;
        char *field[5];
        int nf = 0;
        for (char *p = line, *q; nf < 5; p = q + 1) {
            field[nf++] = p;
            if (!(q = strchr(p, ','))) break;
            *q = '\0';
        }
        if (nf != 4) {
            rc = pm_err_set(err, "%s:%d: expected 4 columns", path, lineno);
            break;
        }
        if (!field[0][0] || !field[1][0]) {
            rc = pm_err_set(err, "%s:%d: empty ticker or condition id", path, lineno);
            break;
        }
        if (strcmp(field[2], "0") && strcmp(field[2], "1")) {
            rc = pm_err_set(err, "%s:%d: equivalent must be 1 or 0, not '%s'", path, lineno, field[2]);
            break;
        }
        label l = {.equivalent = field[2][0] == '1', .polarity = PM_POLARITY_SAME};
        if (field[3][0] && pm_polarity_parse(field[3], &l.polarity)) {
            rc = pm_err_set(err, "%s:%d: polarity must be same or inverted, not '%s'", path, lineno, field[3]);
            break;
        }
        if (l.equivalent && !field[3][0]) {
            rc = pm_err_set(err, "%s:%d: an equivalent pair needs its polarity", path, lineno);
            break;
        }
        size_t kl = strlen(field[0]) + strlen(field[1]) + 2;
        if (!(l.key = malloc(kl))) {
            rc = pm_err_set(err, "out of memory");
            break;
        }
        snprintf(l.key, kl, "%s\t%s", field[0], field[1]);
        if (c->n == cap) {
            cap = cap ? 2 * cap : 256;
            label *grown = realloc(c->labels, cap * sizeof *grown);
            if (!grown) {
                free(l.key);
                rc = pm_err_set(err, "out of memory");
                break;
            }
            c->labels = grown;
        }
        c->labels[c->n++] = l;
    }
    if (!rc && ferror(f)) rc = pm_err_set(err, "%s: read error", path);
    if (!rc && lineno == 0) rc = pm_err_set(err, "%s: empty file (no header)", path);
    fclose(f);
    if (rc) return rc;
    if (pm_strmap_init(&c->map, c->n ? c->n : 1)) return pm_err_set(err, "out of memory");
    for (size_t i = 0; i < c->n; i++) {
        size_t kl = strlen(c->labels[i].key);
        if (pm_strmap_get(&c->map, c->labels[i].key, kl) >= 0) {
            char *tab = strchr(c->labels[i].key, '\t');
            return pm_err_set(err, "%s: the pair %.*s, %s is labelled twice", path, (int)(tab - c->labels[i].key),
                              c->labels[i].key, tab + 1);
        }
        pm_strmap_put(&c->map, c->labels[i].key, kl, (uint32_t)i);
    }
    return 0;
}

static int on_match(void *ctx_, const pm_match_row *r) {
    eval_ctx *c = ctx_;
    pm_match_eval *o = c->out;
    o->candidates++;
    if (r->confidence < 0 || r->confidence < o->threshold) return 0;
    o->predicted++;
    char key[2 * LINE_MAX_LEN];
    int kl = snprintf(key, sizeof key, "%s\t%s", r->kalshi.platform_market_id, r->polymarket.platform_market_id);
    int64_t i = kl > 0 && (size_t)kl < sizeof key ? pm_strmap_get(&c->map, key, (size_t)kl) : -1;
    if (i < 0) {
        o->unlabelled++;
        return 0;
    }
    label *l = &c->labels[i];
    l->predicted = 1;
    if (l->equivalent) {
        o->true_positive++;
        if (r->polarity == l->polarity) o->polarity_correct++;
    } else {
        o->false_positive++;
    }
    return 0;
}

static int found(void *ctx, const pm_market *m) {
    (void)ctx, (void)m;
    return 0;
}

static int64_t ratio(int num, int den) { return den ? (int64_t)num * 1000000 / den : -1; }

int pm_match_evaluate(pm_db *db, const char *labels_path, int64_t threshold, pm_match_eval *out, pm_err *err) {
    memset(out, 0, sizeof *out);
    out->threshold = threshold;
    eval_ctx c = {.out = out};
    int rc = read_labels(labels_path, &c, err);
    for (size_t i = 0; rc == 0 && i < c.n; i++) {
        char *tab = strchr(c.labels[i].key, '\t');
        *tab = '\0';
        int k = pm_store_find_market(db, PM_VENUE_KALSHI, c.labels[i].key, found, NULL, err);
        int p = k < 0 ? -1 : pm_store_find_market(db, PM_VENUE_POLYMARKET, tab + 1, found, NULL, err);
        *tab = '\t';
        if (k < 0 || p < 0) rc = -1;
        else if (!k || !p) out->labels_unknown++;
    }
    if (rc == 0) rc = pm_store_list_matches(db, -1, on_match, &c, err);
    if (rc == 0) {
        out->labels = (int)c.n;
        for (size_t i = 0; i < c.n; i++) {
            const label *l = &c.labels[i];
            out->labels_equivalent += l->equivalent;
            if (!l->predicted) {
                if (l->equivalent) out->false_negative++;
                else out->true_negative++;
            }
        }
        out->precision = ratio(out->true_positive, out->true_positive + out->false_positive);
        out->recall = ratio(out->true_positive, out->labels_equivalent);
        out->polarity_accuracy = ratio(out->polarity_correct, out->true_positive);
    }
    free_labels(&c);
    return rc;
}
