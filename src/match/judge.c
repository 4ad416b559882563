/* judge.c — the LLM judge's prompt, answer schema, answer validation and cache key (judge.h). */
#include "match/judge.h"

#include "core/money.h"
#include "util/log.h"

#include <math.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char system_prompt[] =
    "You decide whether two prediction-market questions, one listed on Kalshi and one on Polymarket, "
    "resolve the same way in every possible world. Someone will hold opposite positions on the two, so "
    "a wrong \"equivalent\" loses money on both: be strict, and when in doubt answer false.\n"
    "For every pair compare the titles, the full rules and the close times, and name in your reason each "
    "difference you find in:\n"
    "1. the resolution source: the agency, index, exchange, data provider, publication or official result "
    "each one resolves on (\"CPI-U from BLS\" is not \"PCE from BEA\");\n"
    "2. the date, deadline or observation window: the day, the time and time zone, \"by\" a date versus "
    "\"on\" a date, the period measured, and when each market closes;\n"
    "3. the threshold, range or measured quantity: the number, its unit, strict versus inclusive "
    "comparison (\"above\" versus \"at or above\"), ranges and their ends, rounding;\n"
    "4. the polarity: \"same\" when both markets' YES pay in the same world, \"inverted\" when one "
    "market's YES pays exactly when the other's NO does (\"Will X win?\" against \"Will X lose?\");\n"
    "5. anything else in the rules that can make one resolve YES while the other resolves NO or is "
    "voided: ties, cancellations, postponements, early resolution, a different office, person or place.\n"
    "equivalent is true only when, after applying the polarity, the two markets resolve the same way in "
    "every world. confidence is your probability, from 0 to 1, that both your equivalent and your "
    "polarity are right. The heuristic findings come from a deterministic matcher and may be wrong; "
    "its vetoes are differences it found in the text.\n"
    "Answer with JSON only, exactly one element per pair id given: "
    "{\"pairs\":[{\"id\":\"p1\",\"equivalent\":false,\"confidence\":0.97,\"polarity\":\"same\","
    "\"reason\":\"...\"}]}";

static json_t *str_or_null(const char *s) { return s ? json_string(s) : json_null(); }

static json_t *market_json(const pm_match_market *m) {
    return json_pack("{s:o, s:o, s:o, s:o, s:o}", "id", str_or_null(m->platform_id), "title",
                     str_or_null(m->title), "subtitle", str_or_null(m->subtitle), "rules", str_or_null(m->rules),
                     "close_time", str_or_null(m->close_time));
}

json_t *pm_judge_messages(const pm_judge_pair *pairs, const size_t *idx, size_t n) {
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        const pm_judge_pair *p = &pairs[idx[i]];
        char id[24], score[PM_FIXED_BUF];
        snprintf(id, sizeof id, "p%zu", i + 1);
        pm_fixed_format_exact(p->cand->score, 1, score, sizeof score);
        json_t *h = json_pack("{s:s, s:s, s:b, s:s}", "score", score, "polarity", pm_polarity_name(p->cand->polarity),
                              "vetoed", p->cand->vetoed, "findings", p->cand->reason);
        json_array_append_new(list, json_pack("{s:s, s:o, s:o, s:o}", "id", id, "kalshi", market_json(p->kalshi),
                                              "polymarket", market_json(p->polymarket), "heuristic", h));
    }
    json_t *doc = json_pack("{s:o}", "pairs", list);
    char *user = json_dumps(doc, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(doc);
    json_t *msgs = json_pack("[{s:s, s:s}, {s:s, s:s}]", "role", "system", "content", system_prompt, "role", "user",
                             "content", user ? user : "");
    free(user);
    return msgs;
}

json_t *pm_judge_response_format(int json_schema) {
    if (!json_schema) return json_pack("{s:s}", "type", "json_object");
    json_t *item = json_pack(
        "{s:s, s:b, s:[s,s,s,s,s], s:{s:{s:s}, s:{s:s}, s:{s:s, s:i, s:i}, s:{s:s, s:[s,s]}, s:{s:s}}}", "type",
        "object", "additionalProperties", 0, "required", "id", "equivalent", "confidence", "polarity", "reason",
        "properties", "id", "type", "string", "equivalent", "type", "boolean", "confidence", "type", "number",
        "minimum", 0, "maximum", 1, "polarity", "type", "string", "enum", "same", "inverted", "reason", "type",
        "string");
    json_t *schema = json_pack("{s:s, s:b, s:[s], s:{s:{s:s, s:o}}}", "type", "object", "additionalProperties", 0,
                               "required", "pairs", "properties", "pairs", "type", "array", "items", item);
    return json_pack("{s:s, s:{s:s, s:b, s:o}}", "type", "json_schema", "json_schema", "name", "pmarb_match_verdicts",
                     "strict", 1, "schema", schema);
}

/* Models sometimes wrap the JSON in prose or a code fence: read from the first '{' to the last '}'. */
static json_t *load_object(const char *content) {
    const char *a = content ? strchr(content, '{') : NULL, *b = content ? strrchr(content, '}') : NULL;
    if (!a || !b || b < a) return NULL;
    json_error_t je;
    json_t *doc = json_loadb(a, (size_t)(b - a + 1), 0, &je);
    if (doc && !json_is_object(doc)) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}

/* A probability as JSON number → scale 6, rounded half away from zero; -1 outside 0..1. */
static int64_t confidence_of(const json_t *v) {
    double x = json_number_value(v);
    if (!json_is_number(v) || !(x >= 0.0 && x <= 1.0)) return -1;
    return (int64_t)llround(x * 1e6);
}

static int element_verdict(const json_t *e, pm_judge_verdict *v, const char **why) {
    const json_t *eq = json_object_get(e, "equivalent"), *pol = json_object_get(e, "polarity"),
                 *reason = json_object_get(e, "reason");
    int64_t conf = confidence_of(json_object_get(e, "confidence"));
    pm_polarity p;
    if (!json_is_boolean(eq)) return *why = "equivalent is not a boolean", -1;
    if (conf < 0) return *why = "confidence is not a number within 0..1", -1;
    if (!json_is_string(pol) || pm_polarity_parse(json_string_value(pol), &p))
        return *why = "polarity is not \"same\" or \"inverted\"", -1;
    if (!json_is_string(reason) || json_string_length(reason) == 0) return *why = "reason is missing or empty", -1;
    v->equivalent = json_is_true(eq);
    v->confidence = conf;
    v->polarity = p;
    snprintf(v->reason, sizeof v->reason, "%s", json_string_value(reason));
    v->answered = 1;
    return 0;
}

size_t pm_judge_parse(const char *content, const size_t *idx, size_t n, pm_judge_verdict *out) {
    json_t *doc = load_object(content);
    const json_t *list = json_object_get(doc, "pairs");
    if (!json_is_array(list)) {
        pm_warn("match", "LLM answer refused: not a JSON object with a pairs array", PM_KV_I("pairs_asked", n));
        json_decref(doc);
        return 0;
    }
    size_t answered = 0, i;
    unsigned char *seen = calloc(n ? n : 1, 1);
    const json_t *e;
    json_array_foreach(list, i, e) {
        const char *id = json_string_value(json_object_get(e, "id")), *why = "id is unknown or repeated";
        char *end = NULL;
        unsigned long k = id && id[0] == 'p' ? strtoul(id + 1, &end, 10) : 0;
        int ok = k >= 1 && k <= n && end && *end == '\0' && !seen[k - 1];
        if (ok) {
            pm_judge_verdict v;
            memset(&v, 0, sizeof v);
            ok = element_verdict(e, &v, &why) == 0;
            if (ok) {
                seen[k - 1] = 1;
                out[idx[k - 1]] = v;
                answered++;
            }
        }
        if (!ok) {
            pm_warn("match", "LLM answer element refused", PM_KV_S("id", id ? id : "(none)"), PM_KV_S("error", why));
        }
    }
    free(seen);
    json_decref(doc);
    return answered;
}

static void hash_field(EVP_MD_CTX *c, const char *s) {
    /* Length-prefixed, NULL distinct from "": no two field lists hash alike. */
    unsigned long long len = s ? (unsigned long long)strlen(s) : ~0ULL;
    unsigned char b[8];
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)(len >> (8 * i));
    EVP_DigestUpdate(c, b, sizeof b);
    if (s) EVP_DigestUpdate(c, s, strlen(s));
}

void pm_judge_key(const pm_judge_pair *p, const char *model, char out[PM_JUDGE_KEY_LEN]) {
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    EVP_DigestInit_ex(c, EVP_sha256(), NULL);
    const pm_match_market *m[2] = {p->kalshi, p->polymarket};
    for (int i = 0; i < 2; i++) {
        hash_field(c, m[i]->platform_id);
        hash_field(c, m[i]->title);
        hash_field(c, m[i]->subtitle);
        hash_field(c, m[i]->rules);
        hash_field(c, m[i]->close_time);
    }
    hash_field(c, model);
    hash_field(c, PM_JUDGE_PROMPT_VERSION);
    unsigned char md[32];
    unsigned int len = 0;
    EVP_DigestFinal_ex(c, md, &len);
    EVP_MD_CTX_free(c);
    for (int i = 0; i < 32; i++) snprintf(out + 2 * i, 3, "%02x", md[i]);
}
