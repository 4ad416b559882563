/* cmd_demo.c — `pmarb demo [--seconds N] [--json]`: the whole system end to end against the
 * simulator: `pmarb sim --demo` as a child, both venues synced, matching, the candidates at or
 * above the review threshold approved (this command only, said loudly), trading for N seconds
 * in two halves (sequential, then simultaneous execution), a summary, and the reconciliation of
 * pmarb's positions and cash with the simulator's ledger as the venues' APIs report it. */
#include "cli/cli.h"
#include "cli/demo_env.h"
#include "cli/demo_report.h"
#include "cli/render.h"
#include "config/secrets.h"
#include "core/money.h"
#include "engine/metrics.h"
#include "engine/run.h"
#include "match/candidates.h"
#include "match/run.h"
#include "store/matches.h"
#include "util/hist.h"
#include "util/log.h"
#include "venue/kalshi/sync.h"
#include "venue/polymarket/sync.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: pmarb demo [--seconds N] [--json] [--dir DIR] [--seed N]\n\n"
    "Runs everything against the simulator, on this machine, with nothing to configure:\n"
    "  1. starts `pmarb sim --demo` (dozens of questions phrased differently on the two venues,\n"
    "     some inverted, and look-alikes that must not match) with a fresh Kalshi RSA key and a\n"
    "     fresh Polymarket wallet whose API key it creates on the simulator;\n"
    "  2. syncs both venues and matches them (heuristics, or the LLM of your [llm] section);\n"
    "  3. approves the candidates at or above [match] review_threshold. ONLY THE DEMO DOES THIS:\n"
    "     everywhere else nothing trades until a person approves it with `pmarb review`;\n"
    "  4. trades live against the simulator for N seconds (default 60): the first half with\n"
    "     sequential execution, the second with simultaneous;\n"
    "  5. prints a summary per half — opportunities, orders, fills, one-legged trades and how\n"
    "     they were resolved, PnL by pair, latency percentiles — and reconciles pmarb's positions\n"
    "     and cash with what the venues' own APIs report. The exit status is 1 when they differ.\n\n"
    "  --seconds N  trading time in seconds, split in two halves (default 60, at least 2)\n"
    "  --json       the summary as one JSON document on stdout (with \"reconciled\": true|false)\n"
    "  --dir DIR    work in DIR (created if missing; an earlier demo's database there is\n"
    "               replaced) instead of a fresh temporary directory\n"
    "  --seed N     the simulator's seed (default 1)\n\n"
    "The directory keeps the database, pmarb.ini, the keys (never printed), the simulator's log\n"
    "and each half's engine summary. Your own pmarb.ini is read only for its [llm] section.\n";

typedef struct demo_opts {
    int64_t seconds;
    int json;
    const char *dir;
    uint64_t seed;
} demo_opts;

static int parse_args(int argc, char **argv, demo_opts *o) {
    static const struct option opts[] = {{"seconds", required_argument, NULL, 's'}, {"json", no_argument, NULL, 'j'},
                                         {"dir", required_argument, NULL, 'd'},     {"seed", required_argument, NULL, 'e'},
                                         {NULL, 0, NULL, 0}};
    *o = (demo_opts){.seconds = 60, .seed = 1};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 's':
            o->seconds = strtoll(optarg, &end, 10);
            if (*end || o->seconds < 2 || o->seconds > 86400)
                return pm_cli_usage_error("demo", "--seconds must be a whole number from 2 to 86400");
            break;
        case 'j': o->json = 1; break;
        case 'd': o->dir = optarg; break;
        case 'e':
            o->seed = strtoull(optarg, &end, 10);
            if (*end || !*optarg) return pm_cli_usage_error("demo", "--seed must be a number");
            break;
        default: return pm_cli_usage_error("demo", "unknown option or missing value '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return pm_cli_usage_error("demo", "unexpected argument '%s'", argv[optind]);
    return PM_EXIT_OK;
}

/* Everything the demo holds, released by demo_free on every path. */
typedef struct demo {
    demo_opts opt;
    FILE *say;                /* progress and the text summary: stderr with --json, else stdout */
    pm_demo_env env;
    pm_config cfg;
    pm_db *db;
    kalshi_auth *auth;
    json_t *doc;
} demo;

static void demo_free(demo *d) {
    pm_db_close(d->db);
    kalshi_auth_free(d->auth);
    pm_demo_env_stop(&d->env);
    json_decref(d->doc);
}

static int sync_venues(demo *d, pm_err *err) {
    kalshi_rest rest;
    kalshi_sync_stats ks;
    int rc = kalshi_rest_init(&rest, pm_config_kalshi_rest_url(&d->cfg), d->cfg.kalshi.tier, d->cfg.kalshi.timeout_ms,
                              NULL, err);
    if (rc == 0) rc = kalshi_sync(&rest, d->db, NULL, &ks, err);
    kalshi_rest_close(&rest);
    if (rc) return pm_err_wrap(err, "kalshi sync");
    poly_gamma gamma;
    poly_sync_stats ps;
    rc = poly_gamma_init(&gamma, d->cfg.polymarket.gamma_url, d->cfg.polymarket.timeout_ms, err);
    if (rc == 0) rc = poly_sync(&gamma, d->db, NULL, &ps, err);
    poly_gamma_close(&gamma);
    if (rc) return pm_err_wrap(err, "polymarket sync");
    fprintf(d->say, "synced: kalshi %d markets (%d events), polymarket %d markets\n", ks.markets, ks.events, ps.markets);
    json_object_set_new(d->doc, "markets", json_pack("{s:i, s:i}", "kalshi", ks.markets, "polymarket", ps.markets));
    return 0;
}

static int match_markets(demo *d, pm_err *err) {
    pm_llm_config llm;
    const pm_llm_config *use_llm = NULL;
    if (d->cfg.llm.base_url[0]) {
        pm_secrets secrets;
        pm_secrets_load(&secrets);
        pm_llm_config_defaults(&llm);
        llm.base_url = d->cfg.llm.base_url;
        llm.model = d->cfg.llm.model;
        llm.api_key = secrets.value[PM_SECRET_LLM_API_KEY];
        llm.timeout_ms = d->cfg.llm.timeout_ms;
        llm.max_concurrency = (int)d->cfg.llm.max_concurrency;
        llm.batch_size = (int)d->cfg.llm.batch_size;
        use_llm = &llm;
    }
    pm_match_set k, p;
    if (pm_match_load(d->db, PM_VENUE_KALSHI, &k, err)) return -1;
    if (pm_match_load(d->db, PM_VENUE_POLYMARKET, &p, err)) {
        pm_match_set_free(&k);
        return -1;
    }
    pm_match_options mo = {.top_k = (int)d->cfg.match.top_k, .date_tolerance_hours = d->cfg.match.date_tolerance_hours};
    pm_match_run_options ro = {.llm = use_llm, .review_threshold = d->cfg.match.review_threshold};
    pm_match_run_stats st;
    pm_match_candidate *cands = NULL;
    size_t nc = 0;
    int rc = pm_match_candidates(k.m, k.n, p.m, p.n, &mo, &cands, &nc, err) ||
             pm_match_judge_and_store(d->db, &k, &p, cands, nc, &ro, &st, err);
    free(cands);
    pm_match_set_free(&k);
    pm_match_set_free(&p);
    if (rc) return pm_err_wrap(err, "matching");
    fprintf(d->say, "matched (%s): %zu candidates, %zu vetoed, %zu for review, %zu rejected\n",
            use_llm ? d->cfg.llm.model : "heuristics", st.candidates, st.vetoed, st.pending, st.rejected);
    json_object_set_new(d->doc, "matching",
                        json_pack("{s:s, s:I, s:I, s:I, s:I}", "judge", use_llm ? d->cfg.llm.model : "heuristics",
                                  "candidates", (json_int_t)st.candidates, "vetoed", (json_int_t)st.vetoed,
                                  "pending_review", (json_int_t)st.pending, "rejected", (json_int_t)st.rejected));
    return 0;
}

typedef struct pending {
    int64_t threshold;
    char (*id)[PM_UUID_LEN];
    size_t n, cap;
    json_t *pairs;
} pending;

static int collect_pending(void *ctx, const pm_match_row *r) {
    pending *q = ctx;
    if (r->confidence < q->threshold) return 0;
    if (q->n == q->cap) {
        size_t cap = q->cap ? 2 * q->cap : 32;
        char(*g)[PM_UUID_LEN] = realloc(q->id, cap * sizeof *g);
        if (!g) return 1;
        q->id = g, q->cap = cap;
    }
    memcpy(q->id[q->n++], r->id, PM_UUID_LEN);
    char conf[PM_FIXED_BUF];
    pm_fixed_format(r->confidence, 2, PM_ROUND_FLOOR, conf, sizeof conf);
    json_array_append_new(q->pairs, json_pack("{s:s, s:s, s:s, s:s}", "kalshi", r->kalshi.platform_market_id, "polymarket",
                                              r->polymarket.title, "polarity", pm_polarity_name(r->polarity),
                                              "confidence", conf));
    return 0;
}

static void banner(FILE *f, size_t n, const char *threshold) {
    fprintf(f,
            "\n"
            "************************************************************************************\n"
            "*  DEMO ONLY: auto-approving %zu candidates at confidence >= %s against the simulator.\n"
            "*  Outside the demo nothing trades until a person approves it with `pmarb review`.\n"
            "************************************************************************************\n\n",
            n, threshold);
}

static int approve(demo *d, pm_err *err) {
    pending q = {.threshold = d->cfg.match.review_threshold, .pairs = json_array()};
    int rc = pm_store_list_matches(d->db, PM_MATCH_PENDING_REVIEW, collect_pending, &q, err);
    if (rc > 0) rc = pm_err_set(err, "out of memory");
    char th[PM_FIXED_BUF];
    pm_fixed_format_exact(q.threshold, 2, th, sizeof th);
    if (rc == 0) banner(d->say, q.n, th);
    size_t inverted = 0;
    for (size_t i = 0; rc == 0 && i < q.n; i++)
        rc = pm_store_review_match(d->db, q.id[i], PM_MATCH_APPROVED, "pmarb-demo",
                                   "approved automatically by `pmarb demo` (simulator only)", err);
    size_t i;
    json_t *p;
    json_array_foreach(q.pairs, i, p) inverted += !strcmp(json_string_value(json_object_get(p, "polarity")), "inverted");
    free(q.id);
    if (rc) {
        json_decref(q.pairs);
        return pm_err_wrap(err, "approving the demo's candidates");
    }
    fprintf(d->say, "approved: %zu pairs (%zu with inverted polarity)\n", q.n, inverted);
    json_object_set_new(d->doc, "approved",
                        json_pack("{s:s, s:I, s:I, s:s, s:o}", "threshold", th, "count", (json_int_t)q.n, "inverted",
                                  (json_int_t)inverted, "by", "pmarb demo (DEMO ONLY: outside it, `pmarb review`)",
                                  "pairs", q.pairs));
    return 0;
}

static int load_auth(demo *d, pm_err *err) {
    static char pem[64 * 1024];
    size_t len;
    int rc = pm_keyfile_read(d->env.key_path, pem, sizeof pem, &len, err) ||
             kalshi_auth_new(getenv("KALSHI_API_KEY_ID"), pem, len, &d->auth, err);
    memset(pem, 0, sizeof pem);
    return rc ? -1 : 0;
}

static json_t *span(pm_hist *h) {
    int n;
    pm_latency l = pm_hist_summary(h, &n);
    return json_pack("{s:I, s:I, s:I}", "p50_ns", (json_int_t)l.p50, "p99_ns", (json_int_t)l.p99, "samples", (json_int_t)n);
}

/* Latency percentiles per span of the period's live metrics. */
static json_t *latency_json(pm_live_metrics *m) {
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "feed_to_decision", span(&m->feed_to_decision),
                     "decision_to_wire_kalshi", span(&m->decision_to_wire[PM_VENUE_KALSHI]),
                     "decision_to_wire_polymarket", span(&m->decision_to_wire[PM_VENUE_POLYMARKET]),
                     "ack_to_second_wire", span(&m->ack_to_second_wire), "venue_rtt_kalshi",
                     span(&m->venue_rtt[PM_VENUE_KALSHI]), "venue_rtt_polymarket", span(&m->venue_rtt[PM_VENUE_POLYMARKET]));
}

/* The engine's own figures for the period, with the risk gate's refusals by reason. */
static json_t *engine_json(const pm_trading_report *r) {
    json_t *refused = json_object();
    for (int i = 1; i < PM_RISK_REASON_COUNT; i++)
        if (r->risk.refused[i])
            json_object_set_new(refused, pm_risk_reason_name((pm_risk_reason)i), json_integer((json_int_t)r->risk.refused[i]));
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:i, s:i, s:I, s:o}", "trades", (json_int_t)r->live.trades, "done",
                     (json_int_t)r->live.done, "one_legged", (json_int_t)r->live.one_legged, "hedged",
                     (json_int_t)r->live.hedged, "unwound", (json_int_t)r->live.unwound, "unresolved",
                     (json_int_t)r->live.unresolved, "orders", (json_int_t)r->live.orders, "locked_pnl",
                     pm_demo_money(r->live.locked_pnl), "reconcile_diffs", r->reconcile_diffs, "unknown_orders",
                     r->unknown_orders, "risk_accepted", (json_int_t)r->risk.refused[PM_RISK_OK], "risk_refused", refused);
}

/* One half of the trading time with the execution mode ex; its figures go into periods. */
static int trade_period(demo *d, int ex, int64_t seconds, json_t *periods, pm_err *err) {
    const char *name = ex == PM_EXEC_SIMULTANEOUS ? "simultaneous" : "sequential";
    char path[PM_DEMO_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/run-%s.txt", d->env.dir, name);
    pm_live_metrics *m = calloc(1, sizeof *m);
    FILE *out = m ? fopen(path, "w") : NULL;
    if (!out) {
        free(m);
        return pm_err_set(err, "cannot write %s", path);
    }
    pm_live_metrics_init(m);
    d->cfg.strategy.execution = ex;
    fprintf(d->say, "trading live against the simulator for %lld s (%s execution) ...\n", (long long)seconds, name);
    fflush(d->say);
    pm_demo_marks before, after;
    pm_trading_report report;
    memset(&report, 0, sizeof report);
    pm_run_options o = {.cfg = &d->cfg, .auth = d->auth, .seconds = seconds, .http_listen = "", .store = 1, .out = out,
                        .status = out, .live_metrics = m, .report = &report};
    int rc = pm_demo_mark(d->db, &before, err) || pm_run(&o, err) || pm_demo_mark(d->db, &after, err);
    fclose(out);
    json_t *p = rc ? NULL : pm_demo_period(d->db, &before, &after, err);
    if (p) {
        json_object_set_new(p, "seconds", json_integer(seconds));
        json_object_set_new(p, "latency", latency_json(m));
        json_object_set_new(p, "engine", engine_json(&report));
        json_object_set_new(periods, name, p);
    }
    free(m);
    if (rc) return pm_err_wrap(err, "trading (%s; the engine's output: %s)", name, path);
    return p ? 0 : -1;
}

static int trade(demo *d, pm_err *err) {
    pm_demo_cash before;
    if (load_auth(d, err) || pm_demo_read_cash(&d->cfg, d->auth, &before, err)) return -1;
    json_t *periods = json_object();
    json_object_set_new(d->doc, "periods", periods);
    int64_t first = d->opt.seconds / 2;
    if (trade_period(d, PM_EXEC_SEQUENTIAL, first, periods, err) ||
        trade_period(d, PM_EXEC_SIMULTANEOUS, d->opt.seconds - first, periods, err))
        return -1;
    json_t *recon = NULL;
    int ok = pm_demo_reconcile(d->db, &d->cfg, d->auth, &before, &recon, err);
    if (ok < 0) return pm_err_wrap(err, "reconciliation");
    json_object_set_new(d->doc, "reconciliation", recon);
    json_object_set_new(d->doc, "reconciled", json_boolean(ok));
    return 0;
}

/* ---- the text summary ---- */

static long long int_at(json_t *o, const char *a, const char *b) {
    json_t *v = json_object_get(o, a);
    return (long long)json_integer_value(b ? json_object_get(v, b) : v);
}

static void print_period(FILE *f, const char *name, json_t *p) {
    json_t *res = json_object_get(json_object_get(p, "one_legged"), "resolutions");
    fprintf(f, "\n%s execution, %lld s:\n", name, int_at(p, "seconds", NULL));
    fprintf(f, "  opportunities  traded %lld, rejected %lld, skipped %lld\n", int_at(p, "opportunities", "traded"),
            int_at(p, "opportunities", "rejected"), int_at(p, "opportunities", "skipped"));
    fprintf(f, "  orders         %lld (kalshi %lld, polymarket %lld); filled %lld, partial %lld, canceled %lld, rejected %lld\n",
            int_at(p, "orders", "total"), int_at(json_object_get(p, "orders"), "by_venue", "kalshi"),
            int_at(json_object_get(p, "orders"), "by_venue", "polymarket"),
            int_at(json_object_get(p, "orders"), "by_status", "filled"),
            int_at(json_object_get(p, "orders"), "by_status", "partial"),
            int_at(json_object_get(p, "orders"), "by_status", "canceled"),
            int_at(json_object_get(p, "orders"), "by_status", "rejected"));
    fprintf(f, "  fills          %lld\n", int_at(p, "fills", "total"));
    json_t *engine = json_object_get(p, "engine");
    fprintf(f, "  risk gate      %lld accepted", int_at(engine, "risk_accepted", NULL));
    const char *reason;
    json_t *n;
    json_object_foreach(json_object_get(engine, "risk_refused"), reason, n)
        fprintf(f, ", %lld refused (%s)", (long long)json_integer_value(n), reason);
    fputc('\n', f);
    fprintf(f, "  one-legged     %lld (hedged %lld, unwound %lld, dust %lld, unresolved %lld)\n",
            int_at(p, "one_legged", "trades"), int_at(res, "hedge", NULL), int_at(res, "unwind", NULL),
            int_at(res, "residual_dust", NULL), int_at(res, "residual_unresolved", NULL));
    fprintf(f, "  PnL            $%s (%s)\n", json_string_value(json_object_get(p, "pnl_total")),
            json_string_value(json_object_get(p, "pnl_basis")));
    fprintf(f, "  latency (µs)   %-28s %9s %9s %8s\n", "", "p50", "p99", "samples");
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(p, "latency"), k, v)
        fprintf(f, "                 %-28s %7lld.%lld %7lld.%lld %8lld\n", k, int_at(v, "p50_ns", NULL) / 1000,
                int_at(v, "p50_ns", NULL) % 1000 / 100, int_at(v, "p99_ns", NULL) / 1000, int_at(v, "p99_ns", NULL) % 1000 / 100,
                int_at(v, "samples", NULL));
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(p, "pnl_by_pair"), i, x)
        fprintf(f, "    %-22s %3lld trades  $%-10s %s\n", json_string_value(json_object_get(x, "kalshi")),
                int_at(x, "trades", NULL), json_string_value(json_object_get(x, "pnl")),
                json_string_value(json_object_get(x, "polymarket")));
}

static void print_venue(FILE *f, const char *name, json_t *v) {
    fprintf(f, "  %-10s cash: pmarb $%s, venue $%s (before $%s, spent $%s); %lld positions held\n", name,
            json_string_value(json_object_get(v, "cash_pmarb")), json_string_value(json_object_get(v, "cash_venue")),
            json_string_value(json_object_get(v, "cash_before")), json_string_value(json_object_get(v, "cash_spent")),
            int_at(v, "positions_held", NULL));
}

static void print_summary(demo *d) {
    FILE *f = d->say;
    json_t *periods = json_object_get(d->doc, "periods"), *recon = json_object_get(d->doc, "reconciliation");
    print_period(f, "sequential", json_object_get(periods, "sequential"));
    print_period(f, "simultaneous", json_object_get(periods, "simultaneous"));
    fprintf(f, "\nreconciliation with the simulator's ledger (the venues' own APIs):\n");
    print_venue(f, "kalshi", json_object_get(recon, "kalshi"));
    print_venue(f, "polymarket", json_object_get(recon, "polymarket"));
    fprintf(f, "  positions: %lld market outcomes compared, %lld differ\n", int_at(recon, "positions", "checked"),
            int_at(recon, "positions", "differ"));
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(recon, "differences"), i, x) {
        char *s = json_dumps(x, JSON_COMPACT);
        fprintf(f, "  DIFFERENCE %s\n", s ? s : "?");
        free(s);
    }
    fprintf(f, "%s\n", json_is_true(json_object_get(d->doc, "reconciled")) ? "RECONCILED: pmarb and the venues agree exactly"
                                                                          : "NOT RECONCILED: see the differences above");
    fprintf(f, "files: %s\n", d->env.dir);
}

/* ---- the whole run ---- */

static int setup(demo *d, const pm_config *user, pm_err *err) {
    if (pm_demo_env_start(&d->env, d->opt.dir, d->opt.seed, err)) return -1;
    fprintf(stderr, "pmarb demo: working in %s (simulator log: %s)\n", d->env.dir, d->env.sim_log);
    if (pm_demo_env_write_ini(&d->env, user, PM_MODE_LIVE, err) ||
        pm_config_load(&d->cfg, d->env.ini, err) || pm_demo_env_credentials(&d->env, &d->cfg, err))
        return -1;
    if (pm_db_open(d->cfg.db.path, PM_DB_MIGRATE, d->cfg.db.busy_timeout_ms, &d->db, err)) return -1;
    json_object_set_new(d->doc, "dir", json_string(d->env.dir));
    json_object_set_new(d->doc, "mode", json_string("live"));
    json_object_set_new(d->doc, "seed", json_integer((json_int_t)d->opt.seed));
    return 0;
}

int pm_cmd_demo(pm_cli *cli, int argc, char **argv) {
    if (pm_cli_wants_help(argc, argv)) {
        fputs(usage, stdout);
        return PM_EXIT_OK;
    }
    demo d;
    memset(&d, 0, sizeof d);
    int rc = parse_args(argc, argv, &d.opt);
    if (rc) return rc;
    const pm_config *user = NULL;
    if (cli->config_path || access("pmarb.ini", F_OK) == 0) {
        user = pm_cli_config(cli);
        if (!user) return PM_EXIT_USAGE;
    } else {
        pm_log_level level = PM_LOG_WARN;
        if (cli->log_level && pm_log_level_parse(cli->log_level, &level))
            return pm_cli_usage_error("demo", "--log-level must be debug, info, warn or error");
        pm_log_set_level(level);
    }
    d.say = d.opt.json ? stderr : stdout;
    d.doc = json_object();
    pm_err err;
    if (setup(&d, user, &err) || sync_venues(&d, &err) || match_markets(&d, &err) || approve(&d, &err) ||
        trade(&d, &err)) {
        rc = pm_cli_fail("demo: %s", err.msg);
        if (d.env.dir[0]) fprintf(stderr, "pmarb demo: its files are in %s\n", d.env.dir);
        demo_free(&d);
        return rc;
    }
    pm_demo_env_stop(&d.env);
    json_object_set_new(d.doc, "seconds", json_integer(d.opt.seconds));
    int reconciled = json_is_true(json_object_get(d.doc, "reconciled"));
    if (d.opt.json) rc = pm_render_print_json(d.doc) ? PM_EXIT_ERROR : PM_EXIT_OK;
    else print_summary(&d);
    demo_free(&d);
    if (rc) return rc;
    return reconciled ? PM_EXIT_OK : PM_EXIT_ERROR;
}
