/* cmd_match.c — `pmarb match`: candidates from the stored markets of both venues, judged by the
 * LLM (or the heuristics alone without [llm] base_url), stored for review; `--every` repeats it,
 * `--evaluate` scores the stored matches against a labelled file. */
#include "cli/cli.h"
#include "cli/every.h"
#include "cli/render.h"
#include "config/secrets.h"
#include "core/money.h"
#include "match/candidates.h"
#include "match/evaluate.h"
#include "match/run.h"
#include "util/clock.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: pmarb match [--every DURATION] [--json]\n"
    "       pmarb match --evaluate LABELS.csv [--json]\n\n"
    "Proposes matches between the active Kalshi and Polymarket markets in the database: the top\n"
    "[match] top_k Polymarket candidates of every Kalshi market (heuristics: normalized text,\n"
    "entities, dates, thresholds; vetoes for different thresholds, dates, quantities or resolution\n"
    "sources), then the LLM's verdict on each pair ([llm] base_url, model; key from LLM_API_KEY),\n"
    "asked once per question: answers are cached by both markets' text, model and prompt version,\n"
    "and only pairs new or changed since the last run are judged. A pair whose confidence reaches\n"
    "[match] review_threshold is stored pending_review; the rest, and every vetoed pair, rejected\n"
    "by \"auto\" with the reason. Nothing is approved here: `pmarb review` does that. A person's\n"
    "decision is kept unless a market's text changed since; then the pair goes back to review.\n"
    "Without [llm] base_url the heuristic score is the confidence.\n\n"
    "  --every DURATION  run again every DURATION (90s, 15m, 6h, 1d) until SIGINT/SIGTERM\n"
    "  --evaluate FILE   score the stored matches against FILE (kalshi_ticker,\n"
    "                    polymarket_condition_id,equivalent,polarity): precision, recall and\n"
    "                    polarity accuracy at the review threshold; no matching run\n"
    "  --json            one JSON document per run\n";

typedef struct match_job {
    pm_cli *cli;
    int json;
    int said_no_llm;
} match_job;

static void print_stats(const match_job *j, size_t nk, size_t np, const pm_match_run_stats *st, int64_t ms,
                        const char *model) {
    if (j->json) {
        json_t *doc = json_pack(
            "{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:I}", "kalshi_markets",
            (json_int_t)nk, "polymarket_markets", (json_int_t)np, "candidates", (json_int_t)st->candidates, "unchanged",
            (json_int_t)st->unchanged, "vetoed", (json_int_t)st->vetoed, "cached", (json_int_t)st->cached, "asked",
            (json_int_t)st->asked, "unanswered", (json_int_t)st->unanswered, "pending_review", (json_int_t)st->pending,
            "rejected", (json_int_t)st->rejected, "inserted", (json_int_t)st->inserted, "updated",
            (json_int_t)st->updated, "kept", (json_int_t)st->kept, "reopened", (json_int_t)st->reopened, "llm",
            model ? json_pack("{s:s, s:i, s:i, s:i, s:I, s:I, s:I, s:b}", "model", model, "calls", st->llm.calls,
                              "http_retries", st->llm.http_retries, "pairs_retried", st->llm.pairs_retried,
                              "prompt_tokens", (json_int_t)st->llm.prompt_tokens, "completion_tokens",
                              (json_int_t)st->llm.completion_tokens, "latency_ms", (json_int_t)st->llm.latency_ms,
                              "json_object_mode", st->llm.json_object_mode)
                  : json_null(),
            "elapsed_ms", (json_int_t)ms);
        pm_render_print_json(doc);
        json_decref(doc);
        return;
    }
    printf("match: %zu kalshi x %zu polymarket markets -> %zu candidates (%zu unchanged since the last run; of the "
           "rest %zu vetoed)\n",
           nk, np, st->candidates, st->unchanged, st->vetoed);
    if (model)
        printf("judge: %s, %zu from the cache, %zu asked in %d calls (%d retried after 429/5xx/timeout, %d pairs asked "
               "again), %lld prompt + %lld completion tokens, %zu unanswered (asked again next run)\n",
               model, st->cached, st->asked, st->llm.calls, st->llm.http_retries, st->llm.pairs_retried,
               (long long)st->llm.prompt_tokens, (long long)st->llm.completion_tokens, st->unanswered);
    printf("stored: %zu pending_review, %zu rejected (%zu new, %zu updated); %zu decided by a person kept, %zu back "
           "to review after a text change; %lld ms\n",
           st->pending, st->rejected, st->inserted, st->updated, st->kept, st->reopened, (long long)ms);
}

static int match_once(void *ctx) {
    match_job *j = ctx;
    const pm_config *cfg = pm_cli_config(j->cli);
    if (!cfg) return PM_EXIT_USAGE;
    int64_t t0 = pm_mono_ns();
    pm_llm_config llm;
    const pm_llm_config *use_llm = NULL;
    pm_secrets secrets;
    if (cfg->llm.base_url[0]) {
        if (!cfg->llm.model[0]) return pm_cli_usage_error("match", "[llm] base_url is set but [llm] model is empty");
        pm_secrets_load(&secrets);
        pm_llm_config_defaults(&llm);
        llm.base_url = cfg->llm.base_url;
        llm.model = cfg->llm.model;
        llm.api_key = secrets.value[PM_SECRET_LLM_API_KEY];
        llm.timeout_ms = cfg->llm.timeout_ms;
        llm.max_concurrency = (int)cfg->llm.max_concurrency;
        llm.batch_size = (int)cfg->llm.batch_size;
        use_llm = &llm;
    } else if (!j->said_no_llm) {
        fprintf(stderr, "pmarb match: no [llm] base_url configured: the heuristic score is the confidence\n");
        j->said_no_llm = 1;
    }
    pm_db *db = pm_cli_open_db(j->cli);
    if (!db) return PM_EXIT_ERROR;
    pm_match_set k, p;
    pm_match_candidate *cands = NULL;
    size_t nc = 0;
    pm_err err;
    int rc = PM_EXIT_ERROR;
    if (pm_match_load(db, PM_VENUE_KALSHI, &k, &err)) goto closed;
    if (pm_match_load(db, PM_VENUE_POLYMARKET, &p, &err)) {
        pm_match_set_free(&k);
        goto closed;
    }
    pm_match_options mo = {.top_k = (int)cfg->match.top_k, .date_tolerance_hours = cfg->match.date_tolerance_hours};
    pm_match_run_options ro = {.llm = use_llm, .review_threshold = cfg->match.review_threshold};
    pm_match_run_stats st;
    if (pm_match_candidates(k.m, k.n, p.m, p.n, &mo, &cands, &nc, &err) == 0 &&
        pm_match_judge_and_store(db, &k, &p, cands, nc, &ro, &st, &err) == 0) {
        print_stats(j, k.n, p.n, &st, (pm_mono_ns() - t0) / 1000000, use_llm ? llm.model : NULL);
        rc = PM_EXIT_OK;
    }
    free(cands);
    pm_match_set_free(&k);
    pm_match_set_free(&p);
closed:
    pm_db_close(db);
    if (rc) pm_cli_fail("match failed (nothing of this run was stored): %s", err.msg);
    return rc;
}

static void ratio(const char *name, int64_t v) {
    char buf[PM_FIXED_BUF] = "undefined";
    if (v >= 0) pm_fixed_format(v, 4, PM_ROUND_FLOOR, buf, sizeof buf);
    printf("%-18s %s\n", name, buf);
}

static int evaluate(pm_cli *cli, const char *labels, int json) {
    const pm_config *cfg = pm_cli_config(cli);
    if (!cfg) return PM_EXIT_USAGE;
    pm_db *db = pm_cli_open_db(cli);
    if (!db) return PM_EXIT_ERROR;
    pm_match_eval ev;
    pm_err err;
    int rc = pm_match_evaluate(db, labels, cfg->match.review_threshold, &ev, &err);
    pm_db_close(db);
    if (rc) return pm_cli_fail("%s", err.msg);
    if (json) {
        json_t *doc = json_pack("{s:o, s:o, s:o, s:o, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}",
                                "threshold", pm_render_fixed_json(ev.threshold), "precision",
                                pm_render_fixed_json(ev.precision), "recall", pm_render_fixed_json(ev.recall),
                                "polarity_accuracy", pm_render_fixed_json(ev.polarity_accuracy), "labels", ev.labels,
                                "labels_equivalent", ev.labels_equivalent, "labels_unknown", ev.labels_unknown,
                                "candidates", ev.candidates, "predicted", ev.predicted, "true_positive",
                                ev.true_positive, "false_positive", ev.false_positive, "false_negative",
                                ev.false_negative, "true_negative", ev.true_negative, "unlabelled", ev.unlabelled,
                                "polarity_correct", ev.polarity_correct);
        int prc = pm_render_print_json(doc);
        json_decref(doc);
        return prc ? PM_EXIT_ERROR : PM_EXIT_OK;
    }
    char th[PM_FIXED_BUF];
    pm_fixed_format_exact(ev.threshold, 2, th, sizeof th);
    printf("at confidence >= %s: %d labelled pairs (%d equivalent, %d naming unknown markets), %d stored matches\n", th,
           ev.labels, ev.labels_equivalent, ev.labels_unknown, ev.candidates);
    ratio("precision", ev.precision);
    ratio("recall", ev.recall);
    ratio("polarity accuracy", ev.polarity_accuracy);
    printf("true positive %d, false positive %d, false negative %d, true negative %d, predicted but unlabelled %d\n",
           ev.true_positive, ev.false_positive, ev.false_negative, ev.true_negative, ev.unlabelled);
    return PM_EXIT_OK;
}

int pm_cmd_match(pm_cli *cli, int argc, char **argv) {
    if (pm_cli_wants_help(argc, argv)) {
        fputs(usage, stdout);
        return PM_EXIT_OK;
    }
    static const struct option opts[] = {
        {"every", required_argument, NULL, 'e'},
        {"evaluate", required_argument, NULL, 'v'},
        {"json", no_argument, NULL, 'j'},
        {NULL, 0, NULL, 0},
    };
    match_job j = {.cli = cli};
    const char *every = NULL, *labels = NULL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'e': every = optarg; break;
        case 'v': labels = optarg; break;
        case 'j': j.json = 1; break;
        default: return pm_cli_usage_error("match", "unknown option or missing value '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return pm_cli_usage_error("match", "unexpected argument '%s'", argv[optind]);
    if (labels && every) return pm_cli_usage_error("match", "--evaluate and --every do not go together");
    if (labels) return evaluate(cli, labels, j.json);
    if (!every) return match_once(&j);
    int64_t period;
    if (pm_every_parse(every, &period))
        return pm_cli_usage_error("match", "--every wants a duration such as 90s, 15m, 6h or 1d (got '%s')", every);
    return pm_every_loop(period, match_once, &j);
}
