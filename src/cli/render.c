/* render.c — JSON and text rendering of stored rows for the CLI (see render.h). */
#include "cli/render.h"

#include <stdio.h>
#include <string.h>

static json_t *str_or_null(const char *s) { return s ? json_string(s) : json_null(); }

json_t *pm_render_fixed_json(int64_t v) {
    char buf[PM_FIXED_BUF];
    if (v < 0 || pm_fixed_format_exact(v, 0, buf, sizeof buf) < 0) return json_null();
    return json_string(buf);
}

json_t *pm_render_market_json(const pm_market *m, int full) {
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(m->id));
    json_object_set_new(o, "platform", json_string(pm_venue_name(m->platform)));
    json_object_set_new(o, "platform_market_id", str_or_null(m->platform_market_id));
    json_object_set_new(o, "event_id", str_or_null(m->event_id));
    json_object_set_new(o, "title", str_or_null(m->title));
    json_object_set_new(o, "status", str_or_null(m->status));
    json_object_set_new(o, "close_time", str_or_null(m->close_time));
    json_object_set_new(o, "outcome_yes_id", str_or_null(m->outcome_yes_id));
    json_object_set_new(o, "outcome_no_id", str_or_null(m->outcome_no_id));
    json_object_set_new(o, "tick_size", pm_render_fixed_json(m->tick_size));
    json_object_set_new(o, "min_order_size", pm_render_fixed_json(m->min_order_size));
    json_object_set_new(o, "fee_type", str_or_null(m->fee_type));
    json_object_set_new(o, "fee_multiplier", pm_render_fixed_json(m->fee_multiplier));
    json_object_set_new(o, "fee_rate_bps", m->fee_rate_bps < 0 ? json_null() : json_integer(m->fee_rate_bps));
    json_object_set_new(o, "neg_risk", json_boolean(m->neg_risk));
    json_object_set_new(o, "fetched_at", str_or_null(m->fetched_at));
    json_object_set_new(o, "updated_at", str_or_null(m->updated_at));
    if (full) {
        json_object_set_new(o, "description", str_or_null(m->description));
        json_object_set_new(o, "rules", str_or_null(m->rules));
    }
    return o;
}

json_t *pm_render_match_json(const pm_match_row *r) {
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(r->id));
    json_object_set_new(o, "status", json_string(pm_match_status_name(r->status)));
    json_object_set_new(o, "confidence", pm_render_fixed_json(r->confidence));
    json_object_set_new(o, "polarity", json_string(pm_polarity_name(r->polarity)));
    json_object_set_new(o, "reason", str_or_null(r->reason));
    json_object_set_new(o, "model", str_or_null(r->model));
    json_object_set_new(o, "prompt_version", str_or_null(r->prompt_version));
    json_object_set_new(o, "reviewed_by", str_or_null(r->reviewed_by));
    json_object_set_new(o, "review_note", str_or_null(r->review_note));
    json_object_set_new(o, "created_at", str_or_null(r->created_at));
    json_object_set_new(o, "reviewed_at", str_or_null(r->reviewed_at));
    json_object_set_new(o, "kalshi", pm_render_market_json(&r->kalshi, 0));
    json_object_set_new(o, "polymarket", pm_render_market_json(&r->polymarket, 0));
    return o;
}

void pm_render_cell(const char *s, size_t width, char *out, size_t n) {
    if (!s) s = "-";
    size_t o = 0, chars = 0, i = 0;
    while (s[i] && o + 4 < n) {
        size_t cp = 1; /* bytes of this code point */
        while ((s[i + cp] & 0xC0) == 0x80) cp++;
        if (chars + 1 == width && s[i + cp]) { /* room for one more: the ellipsis */
            memcpy(out + o, "\xE2\x80\xA6", 3);
            o += 3;
            break;
        }
        if (o + cp + 4 >= n) break;
        for (size_t k = 0; k < cp; k++) {
            char c = s[i + k];
            out[o++] = (c == '\n' || c == '\t' || c == '\r') ? ' ' : c;
        }
        i += cp;
        chars++;
    }
    out[o] = '\0';
}

int pm_render_print_json(json_t *doc) {
    int rc = json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    return rc;
}

void pm_render_list_end(int json, const char *key, json_t *array, int count, const char *noun) {
    if (!json) {
        fprintf(stderr, "%d %s%s\n", count, noun, count == 1 ? "" : "s");
        return;
    }
    json_t *doc = json_object();
    json_object_set_new(doc, key, array);
    json_object_set_new(doc, "count", json_integer(count));
    pm_render_print_json(doc);
    json_decref(doc);
}
