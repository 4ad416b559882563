/* scenario.c — `pmarb sim --scenario FILE`: the simulated Kalshi catalogue from a JSON file.
 *
 *   {"kalshi": {
 *     "series":  [{"ticker": "KXFED", "title": "Fed", "fee_type": "quadratic", "fee_multiplier": "1"}],
 *     "events":  [{"ticker": "KXFED-26DEC", "series": "KXFED", "title": "Fed in December?",
 *                  "fee_type_override": "…", "fee_multiplier_override": "0.5"}],        (overrides optional)
 *     "markets": [{"ticker": "KXFED-26DEC-H0", "event": "KXFED-26DEC", "title": "…", "yes_sub_title": "Hold",
 *                  "rules_primary": "…", "rules_secondary": "…", "close_time": "2026-12-16T19:00:00Z",
 *                  "status": "active", "yes_bids": [["0.40", "100"]], "no_bids": [["0.55", "50"]]}]}}
 *
 * Prices and sizes are decimal strings read exactly; every entry is checked and an error names
 * the entry and the field. */
#include "sim/kalshi_venue.h"

#include "util/clock.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

/* Copies a required (or optional, when def is non-NULL) string field. */
static int str_field(json_t *o, const char *key, char *out, size_t cap, const char *def, const char *where, pm_err *err) {
    json_t *v = json_object_get(o, key);
    const char *s = json_is_string(v) ? json_string_value(v) : def;
    if (!s) return pm_err_set(err, "%s: \"%s\" is missing or not a string", where, key);
    if (strlen(s) >= cap) return pm_err_set(err, "%s: \"%s\" is longer than %zu characters", where, key, cap - 1);
    snprintf(out, cap, "%s", s);
    return 0;
}

static int ratio_field(json_t *o, const char *key, int64_t *out, const char *where, pm_err *err) {
    static const pm_decimal_spec spec = {6, 6, 0, 0, 100 * PM_SCALE, "multiplier"};
    const char *s = json_string_value(json_object_get(o, key));
    if (!s || pm_decimal_parse(s, strlen(s), &spec, out, err)) return pm_err_wrap(err, "%s: \"%s\"", where, key);
    return 0;
}

static int levels(json_t *arr, pm_level *lv, size_t cap, size_t *n, int no_side, const char *where, pm_err *err) {
    *n = 0;
    if (!arr) return 0;
    if (!json_is_array(arr) || json_array_size(arr) > cap) return pm_err_set(err, "%s: book side is not a short array", where);
    size_t i;
    json_t *l;
    json_array_foreach(arr, i, l) {
        const char *p = json_string_value(json_array_get(l, 0)), *q = json_string_value(json_array_get(l, 1));
        pm_px_t px;
        pm_qty_t qty;
        if (!p || !q || pm_px_parse(p, strlen(p), &px, err) || pm_qty_parse(q, strlen(q), &qty, err))
            return pm_err_wrap(err, "%s: level %zu must be [\"price\", \"size\"]", where, i);
        lv[(*n)++] = (pm_level){no_side ? PM_PX_ONE - px : px, qty};
    }
    return 0;
}

static int find(const char *name, int n, const char *(*at)(const sim_kalshi *, int), const sim_kalshi *k) {
    for (int i = 0; i < n; i++)
        if (!strcmp(at(k, i), name)) return i;
    return -1;
}
static const char *series_at(const sim_kalshi *k, int i) { return k->series[i].ticker; }
static const char *event_at(const sim_kalshi *k, int i) { return k->events[i].ticker; }
static const char *market_at(const sim_kalshi *k, int i) { return k->markets[i].ticker; }

static int load(sim_kalshi *k, json_t *root, pm_err *err) {
    json_t *kal = json_object_get(root, "kalshi"), *series = json_object_get(kal, "series"),
           *events = json_object_get(kal, "events"), *markets = json_object_get(kal, "markets");
    if (!json_is_array(series) || !json_is_array(events) || !json_is_array(markets))
        return pm_err_set(err, "expected {\"kalshi\": {\"series\": [...], \"events\": [...], \"markets\": [...]}}");
    if (sim_kalshi_alloc(k, (int)json_array_size(series), (int)json_array_size(events), (int)json_array_size(markets), err))
        return -1;
    size_t i;
    json_t *o;
    char where[160];
    json_array_foreach(series, i, o) {
        sim_kseries *s = &k->series[k->nseries];
        snprintf(where, sizeof where, "kalshi.series[%zu]", i);
        if (str_field(o, "ticker", s->ticker, sizeof s->ticker, NULL, where, err) ||
            str_field(o, "title", s->title, sizeof s->title, "", where, err) ||
            str_field(o, "fee_type", s->fee_type, sizeof s->fee_type, "quadratic", where, err) ||
            ratio_field(o, "fee_multiplier", &s->fee_multiplier, where, err))
            return -1;
        if (find(s->ticker, k->nseries, series_at, k) >= 0) return pm_err_set(err, "%s: ticker repeated", where);
        k->nseries++;
    }
    json_array_foreach(events, i, o) {
        sim_kevent *e = &k->events[k->nevents];
        snprintf(where, sizeof where, "kalshi.events[%zu]", i);
        e->fee_multiplier_override = -1;
        if (str_field(o, "ticker", e->ticker, sizeof e->ticker, NULL, where, err) ||
            str_field(o, "series", e->series, sizeof e->series, NULL, where, err) ||
            str_field(o, "title", e->title, sizeof e->title, NULL, where, err) ||
            str_field(o, "fee_type_override", e->fee_type_override, sizeof e->fee_type_override, "", where, err) ||
            (json_object_get(o, "fee_multiplier_override") &&
             ratio_field(o, "fee_multiplier_override", &e->fee_multiplier_override, where, err)))
            return -1;
        if (find(e->series, k->nseries, series_at, k) < 0) return pm_err_set(err, "%s: unknown series %s", where, e->series);
        if (find(e->ticker, k->nevents, event_at, k) >= 0) return pm_err_set(err, "%s: ticker repeated", where);
        k->nevents++;
    }
    json_array_foreach(markets, i, o) {
        sim_kmarket *m = &k->markets[k->nmarkets];
        char status[16];
        int64_t t;
        snprintf(where, sizeof where, "kalshi.markets[%zu]", i);
        if (str_field(o, "ticker", m->ticker, sizeof m->ticker, NULL, where, err) ||
            str_field(o, "event", m->event, sizeof m->event, NULL, where, err) ||
            str_field(o, "title", m->title, sizeof m->title, NULL, where, err) ||
            str_field(o, "yes_sub_title", m->yes_sub_title, sizeof m->yes_sub_title, "", where, err) ||
            str_field(o, "rules_primary", m->rules_primary, sizeof m->rules_primary, NULL, where, err) ||
            str_field(o, "rules_secondary", m->rules_secondary, sizeof m->rules_secondary, "", where, err) ||
            str_field(o, "close_time", m->close_time, sizeof m->close_time, NULL, where, err) ||
            str_field(o, "status", status, sizeof status, "active", where, err))
            return -1;
        if (pm_iso_parse(m->close_time, &t)) return pm_err_set(err, "%s: close_time is not ISO-8601", where);
        if (find(m->event, k->nevents, event_at, k) < 0) return pm_err_set(err, "%s: unknown event %s", where, m->event);
        if (find(m->ticker, k->nmarkets, market_at, k) >= 0) return pm_err_set(err, "%s: ticker repeated", where);
        if (strcmp(status, "active") && strcmp(status, "closed")) return pm_err_set(err, "%s: status must be active or closed", where);
        m->active = !strcmp(status, "active");
        pm_level bids[PM_BOOK_DEPTH], asks[PM_BOOK_DEPTH];
        size_t nb, na;
        if (levels(json_object_get(o, "yes_bids"), bids, PM_BOOK_DEPTH, &nb, 0, where, err) ||
            levels(json_object_get(o, "no_bids"), asks, PM_BOOK_DEPTH, &na, 1, where, err))
            return -1;
        pm_book_init(&m->book);
        if (pm_book_snapshot(&m->book, bids, nb, asks, na, pm_mono_ns()))
            return pm_err_set(err, "%s: a book side repeats a price", where);
        if (nb && na && pm_book_best(&m->book.bid)->px >= pm_book_best(&m->book.ask)->px)
            return pm_err_set(err, "%s: the book is crossed (YES bid ≥ 1 − NO bid)", where);
        k->nmarkets++;
    }
    return 0;
}

int sim_kalshi_load_scenario(sim_kalshi *k, const char *path, pm_err *err) {
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root) return pm_err_set(err, "scenario %s:%d: %s", path, je.line, je.text);
    int rc = load(k, root, err);
    json_decref(root);
    if (rc) {
        pm_err_wrap(err, "scenario %s", path);
        sim_kalshi_free(k);
    }
    return rc;
}
