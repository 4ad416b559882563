/* review_io.c — export and import of matches for review in a spreadsheet (review_io.h). */
#include "match/review_io.h"

#include "core/money.h"
#include "store/matches.h"
#include "util/csv.h"
#include "util/strmap.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int pm_review_format(const char *path) {
    size_t n = strlen(path);
    if (n > 4 && strcasecmp(path + n - 4, ".csv") == 0) return 0;
    if (n > 5 && strcasecmp(path + n - 5, ".json") == 0) return 1;
    return -1;
}

static const char *const columns[] = {
    "match_id", "status", "polarity", "confidence", "kalshi_ticker", "polymarket_condition_id", "kalshi_title",
    "polymarket_title", "kalshi_close_time", "polymarket_close_time", "reason", "review_note", "reviewed_by",
    "kalshi_rules", "polymarket_rules",
};
#define NCOLUMNS (sizeof columns / sizeof columns[0])

typedef struct export_ctx {
    FILE *f;
    int json;
    json_t *array;
    int count;
} export_ctx;

static int export_row(void *ctx_, const pm_match_row *r) {
    export_ctx *ctx = ctx_;
    char conf[PM_FIXED_BUF] = "";
    if (r->confidence >= 0) pm_fixed_format_exact(r->confidence, 2, conf, sizeof conf);
    const char *v[NCOLUMNS] = {
        r->id, pm_match_status_name(r->status), pm_polarity_name(r->polarity), conf, r->kalshi.platform_market_id,
        r->polymarket.platform_market_id, r->kalshi.title, r->polymarket.title, r->kalshi.close_time,
        r->polymarket.close_time, r->reason, r->review_note, r->reviewed_by, r->kalshi.rules, r->polymarket.rules,
    };
    ctx->count++;
    if (ctx->json) {
        json_t *o = json_object();
        for (size_t i = 0; i < NCOLUMNS; i++)
            json_object_set_new(o, columns[i], v[i] && (i != 3 || *v[i]) ? json_string(v[i]) : json_null());
        json_array_append_new(ctx->array, o);
        return 0;
    }
    for (size_t i = 0; i < NCOLUMNS; i++) {
        if (i) fputc(',', ctx->f);
        pm_csv_write_field(ctx->f, v[i]);
    }
    fputs("\r\n", ctx->f);
    return 0;
}

int pm_review_export(pm_db *db, const char *path, int status, int *count, pm_err *err) {
    int fmt = pm_review_format(path);
    if (fmt < 0) return pm_err_set(err, "%s: the file name must end in .csv or .json", path);
    export_ctx ctx = {.json = fmt == 1};
    if (!(ctx.f = fopen(path, "w"))) return pm_err_set(err, "cannot write %s", path);
    if (ctx.json) ctx.array = json_array();
    else
        for (size_t i = 0; i < NCOLUMNS; i++) fprintf(ctx.f, "%s%s", i ? "," : "", columns[i]);
    if (!ctx.json) fputs("\r\n", ctx.f);
    int rc = pm_store_list_matches(db, status, export_row, &ctx, err);
    if (rc == 0 && ctx.json) {
        json_t *doc = json_pack("{s:o, s:i}", "matches", ctx.array, "count", ctx.count);
        ctx.array = NULL;
        if (json_dumpf(doc, ctx.f, JSON_INDENT(2)) || fputc('\n', ctx.f) == EOF) rc = pm_err_set(err, "cannot write %s", path);
        json_decref(doc);
    }
    json_decref(ctx.array);
    if (fclose(ctx.f) && rc == 0) rc = pm_err_set(err, "cannot write %s", path);
    *count = ctx.count;
    return rc;
}

/* ---- import ---- */

typedef struct stored {
    char *id, *note;
    pm_match_status status;
    pm_polarity polarity;
    int seen_at;   /* where an import row named it (0: not yet) */
} stored;

typedef struct stored_set {
    stored *s;
    size_t n, cap;
    pm_strmap map;
} stored_set;

static int collect(void *ctx_, const pm_match_row *r) {
    stored_set *set = ctx_;
    if (set->n == set->cap) {
        size_t cap = set->cap ? 2 * set->cap : 64;
        stored *grown = realloc(set->s, cap * sizeof *grown);
        if (!grown) return 1;
        set->s = grown;
        set->cap = cap;
    }
    stored *x = &set->s[set->n++];
    x->id = strdup(r->id);
    x->note = r->review_note ? strdup(r->review_note) : NULL;
    x->status = r->status;
    x->polarity = r->polarity;
    x->seen_at = 0;
    return x->id ? 0 : 1;
}

static void stored_free(stored_set *set) {
    for (size_t i = 0; i < set->n; i++) {
        free(set->s[i].id);
        free(set->s[i].note);
    }
    free(set->s);
    pm_strmap_free(&set->map);
}

/* One row of the file as read, before checking. */
typedef struct in_row {
    int where;                  /* CSV line, or JSON array index */
    const char *id, *status, *polarity, *note;
    pm_match_status st;
    pm_polarity pol;
    stored *target;
} in_row;

typedef struct in_file {
    int json;
    in_row *rows;
    size_t n;
    char *text;                 /* CSV: the file; field strings live in copies below */
    char **copies;
    size_t ncopies;
    json_t *doc;                /* JSON: strings point into it */
} in_file;

static void in_file_free(in_file *f) {
    for (size_t i = 0; i < f->ncopies; i++) free(f->copies[i]);
    free(f->copies);
    free(f->rows);
    free(f->text);
    json_decref(f->doc);
}

static char *read_all(const char *path, size_t *len, pm_err *err) {
    FILE *f = fopen(path, "rb");
    if (!f) return pm_err_set(err, "cannot read %s", path), NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (cap - n < 65536) {
            char *grown = realloc(buf, cap = cap ? 2 * cap : 65536);
            if (!grown) {
                free(buf);
                fclose(f);
                return pm_err_set(err, "out of memory reading %s", path), NULL;
            }
            buf = grown;
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
    } while (got > 0);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return pm_err_set(err, "cannot read %s", path), NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static const char *copy_of(in_file *f, const char *s) {
    char *c = strdup(s);
    char **grown = c ? realloc(f->copies, (f->ncopies + 1) * sizeof *grown) : NULL;
    if (!grown) {
        free(c);
        return NULL;
    }
    f->copies = grown;
    f->copies[f->ncopies++] = c;
    return c;
}

static int add_row(in_file *f, size_t *cap) {
    if (f->n == *cap) {
        size_t nc = *cap ? 2 * *cap : 64;
        in_row *grown = realloc(f->rows, nc * sizeof *grown);
        if (!grown) return -1;
        f->rows = grown;
        *cap = nc;
    }
    memset(&f->rows[f->n], 0, sizeof f->rows[0]);
    return 0;
}

static int read_csv(const char *path, in_file *f, pm_err *err) {
    size_t len, pos = 0, cap = 0;
    if (!(f->text = read_all(path, &len, err))) return -1;
    if (len >= 3 && memcmp(f->text, "\xEF\xBB\xBF", 3) == 0) pos = 3; /* a spreadsheet's BOM */
    int line = 1, col[4] = {-1, -1, -1, -1}, rc;
    static const char *const wanted[4] = {"match_id", "status", "polarity", "review_note"};
    pm_csv_record rec = {0};
    if ((rc = pm_csv_next(f->text, len, &pos, &line, &rec)) <= 0) {
        pm_csv_record_free(&rec);
        return pm_err_set(err, "%s: no header line", path);
    }
    for (size_t i = 0; i < rec.n; i++)
        for (int w = 0; w < 4; w++)
            if (strcmp(rec.field[i], wanted[w]) == 0) col[w] = (int)i;
    for (int w = 0; w < 3; w++)
        if (col[w] < 0) {
            pm_csv_record_free(&rec);
            return pm_err_set(err, "%s: the header has no %s column", path, wanted[w]);
        }
    size_t ncols = rec.n;
    while ((rc = pm_csv_next(f->text, len, &pos, &line, &rec)) > 0) {
        if (rec.n == 1 && rec.field[0][0] == '\0') continue; /* blank line */
        if (rec.n != ncols) {
            pm_err_set(err, "%s: line %d has %zu fields, the header %zu", path, rec.line, rec.n, ncols);
            pm_csv_record_free(&rec);
            return -1;
        }
        if (add_row(f, &cap)) break;
        in_row *r = &f->rows[f->n++];
        r->where = rec.line;
        r->id = copy_of(f, rec.field[col[0]]);
        r->status = copy_of(f, rec.field[col[1]]);
        r->polarity = copy_of(f, rec.field[col[2]]);
        r->note = col[3] >= 0 && rec.field[col[3]][0] ? copy_of(f, rec.field[col[3]]) : NULL;
        if (!r->id || !r->status || !r->polarity) break;
    }
    int line_bad = rec.line;
    pm_csv_record_free(&rec);
    if (rc < 0) return pm_err_set(err, "%s: line %d opens a quoted field that never closes", path, line_bad);
    if (rc > 0) return pm_err_set(err, "out of memory reading %s", path);
    return 0;
}

static int read_json(const char *path, in_file *f, pm_err *err) {
    json_error_t je;
    f->json = 1;
    if (!(f->doc = json_load_file(path, 0, &je))) return pm_err_set(err, "%s: line %d: %s", path, je.line, je.text);
    const json_t *list = json_is_array(f->doc) ? f->doc : json_object_get(f->doc, "matches");
    if (!json_is_array(list)) return pm_err_set(err, "%s: expected {\"matches\": [...]} or an array", path);
    size_t i, cap = 0;
    const json_t *e;
    json_array_foreach(list, i, e) {
        if (add_row(f, &cap)) return pm_err_set(err, "out of memory reading %s", path);
        in_row *r = &f->rows[f->n++];
        r->where = (int)i;
        if (!json_is_object(e)) return pm_err_set(err, "%s: matches[%zu] is not an object", path, i);
        static const char *const keys[3] = {"match_id", "status", "polarity"};
        const char **dst[3] = {&r->id, &r->status, &r->polarity};
        for (int k = 0; k < 3; k++)
            if (!(*dst[k] = json_string_value(json_object_get(e, keys[k]))))
                return pm_err_set(err, "%s: matches[%zu] has no %s string", path, i, keys[k]);
        const json_t *note = json_object_get(e, "review_note");
        if (note && !json_is_null(note) && !json_is_string(note))
            return pm_err_set(err, "%s: matches[%zu]: review_note is not a string", path, i);
        r->note = json_string_value(note);
        if (r->note && !*r->note) r->note = NULL;
    }
    return 0;
}

/* Every row checked against the store before anything is written. */
static int check_rows(const char *path, in_file *f, stored_set *set, pm_err *err) {
    for (size_t i = 0; i < f->n; i++) {
        in_row *r = &f->rows[i];
        char where[48];
        if (f->json) snprintf(where, sizeof where, "matches[%d]", r->where);
        else snprintf(where, sizeof where, "line %d", r->where);
        int64_t k = pm_strmap_get(&set->map, r->id, strlen(r->id));
        if (k < 0) return pm_err_set(err, "%s: %s: match_id '%.80s' is not a stored match", path, where, r->id);
        r->target = &set->s[k];
        if (r->target->seen_at)
            return pm_err_set(err, "%s: %s: match_id %s is also on %s %d", path, where, r->id,
                              f->json ? "matches index" : "line", r->target->seen_at - (f->json ? 1 : 0));
        r->target->seen_at = r->where + (f->json ? 1 : 0);
        if (pm_match_status_parse(r->status, &r->st))
            return pm_err_set(err, "%s: %s: status '%.40s' is not pending_review, approved or rejected", path, where,
                              r->status);
        if (pm_polarity_parse(r->polarity, &r->pol))
            return pm_err_set(err, "%s: %s: polarity '%.40s' is not same or inverted", path, where, r->polarity);
    }
    return 0;
}

static int apply_rows(pm_db *db, in_file *f, const char *reviewer, pm_review_import_stats *st, pm_err *err) {
    if (pm_db_begin(db, err)) return -1;
    for (size_t i = 0; i < f->n; i++) {
        const in_row *r = &f->rows[i];
        const stored *s = r->target;
        int flip = r->pol != s->polarity, restatus = r->st != s->status;
        int renote = r->note && (!s->note || strcmp(r->note, s->note) != 0);
        if (!flip && !restatus && !renote) {
            st->unchanged++;
            continue;
        }
        if (flip && pm_store_set_match_polarity(db, s->id, r->pol, err)) goto fail;
        if (pm_store_review_match(db, s->id, r->st, reviewer, r->note ? r->note : s->note, err)) goto fail;
        if (flip) st->flipped++;
        if (r->st == PM_MATCH_APPROVED) st->approved++;
        else if (r->st == PM_MATCH_REJECTED) st->rejected++;
        else st->pending++;
    }
    if (pm_db_commit(db, err)) goto fail;
    return 0;
fail:
    pm_db_rollback(db);
    return -1;
}

int pm_review_import(pm_db *db, const char *path, const char *reviewer, pm_review_import_stats *st, pm_err *err) {
    memset(st, 0, sizeof *st);
    int fmt = pm_review_format(path);
    if (fmt < 0) return pm_err_set(err, "%s: the file name must end in .csv or .json", path);
    if (!reviewer || !*reviewer) return pm_err_set(err, "a reviewer name is needed (--reviewer NAME or $USER)");
    in_file f = {0};
    stored_set set = {0};
    int rc = -1;
    if ((fmt == 1 ? read_json(path, &f, err) : read_csv(path, &f, err))) goto done;
    int listed = pm_store_list_matches(db, -1, collect, &set, err);
    if (listed) {
        if (listed > 0) pm_err_set(err, "out of memory reading the matches");
        goto done;
    }
    if (pm_strmap_init(&set.map, set.n ? set.n : 1)) {
        pm_err_set(err, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < set.n; i++) pm_strmap_put(&set.map, set.s[i].id, strlen(set.s[i].id), (uint32_t)i);
    if (check_rows(path, &f, &set, err)) goto done;
    st->rows = (int)f.n;
    rc = apply_rows(db, &f, reviewer, st, err);
done:
    in_file_free(&f);
    stored_free(&set);
    return rc;
}
