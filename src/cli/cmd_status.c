/* cmd_status.c — `pmarb status [--url URL] [--json]`: reads GET /health and GET /metrics of a
 * running `pmarb run` ([run] http_listen unless --url) and prints a short report; exit 1 when
 * it is unreachable or unhealthy. */
#include "cli/cli.h"
#include "net/http.h"
#include "util/hist.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TIMEOUT_MS 3000

static const char usage[] =
    "usage: pmarb status [--url URL] [--json]\n\n"
    "Asks a running `pmarb run` for GET /health and GET /metrics on [run] http_listen (or\n"
    "URL, e.g. http://127.0.0.1:9464) and prints its pairs, books, connections, counters and\n"
    "paper PnL (live: orders, fills, one-legged outcomes, risk refusals, kill switch, PnL and\n"
    "latency percentiles); --json prints them as one JSON object (\"healthy\", \"reason\", \"metrics\").\n"
    "Exit status 1 when it cannot be reached or is unhealthy.\n";

/* The value of sample `key` (exactly as the exposition writes it), or "?" when absent. */
static const char *sample(json_t *m, const char *key) {
    json_t *v = json_object_get(m, key);
    return v ? json_string_value(v) : "?";
}

/* Every sample line "name{labels} value" into m (name{labels} → value text). */
static void parse_samples(const char *text, json_t *m) {
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p);
        if (*p != '#' && end > p) {
            const char *sp = end;
            while (sp > p && sp[-1] != ' ') sp--;
            if (sp > p + 1) {
                char *key = strndup(p, (size_t)(sp - 1 - p)), *val = strndup(sp, (size_t)(end - sp));
                if (key && val) json_object_set_new(m, key, json_string(val));
                free(key);
                free(val);
            }
        }
        p = nl ? nl + 1 : end;
    }
}

static void report(const char *url, int healthy, const char *reason, json_t *m) {
    printf("pmarb at %s: %s%s%s\n", url, healthy ? "healthy" : "unhealthy", reason ? ": " : "", reason ? reason : "");
    printf("pairs active %s, books %s (%s not live), connections kalshi %s/%s, polymarket %s/%s\n",
           sample(m, "pmarb_pairs_active"), sample(m, "pmarb_books"), sample(m, "pmarb_books_not_live"),
           sample(m, "pmarb_connections_up{venue=\"kalshi\"}"), sample(m, "pmarb_connections{venue=\"kalshi\"}"),
           sample(m, "pmarb_connections_up{venue=\"polymarket\"}"), sample(m, "pmarb_connections{venue=\"polymarket\"}"));
    printf("frames kalshi %s, polymarket %s; book updates %s, stale events %s\n",
           sample(m, "pmarb_frames_total{venue=\"kalshi\"}"), sample(m, "pmarb_frames_total{venue=\"polymarket\"}"),
           sample(m, "pmarb_book_updates_total"), sample(m, "pmarb_stale_events_total"));
    printf("opportunities traded %s, rejected %s, skipped %s; paper fills %s, PnL at settlement %s\n",
           sample(m, "pmarb_opportunities_total{decision=\"traded\"}"), sample(m, "pmarb_opportunities_total{decision=\"rejected\"}"),
           sample(m, "pmarb_opportunities_total{decision=\"skipped\"}"), sample(m, "pmarb_paper_fills_total"),
           sample(m, "pmarb_paper_pnl_dollars"));
}

/* The bound of the bucket holding quantile q (per mille) of histogram name{labels}, as
 * "≤ N µs"; "-" when it has no observations. */
static void quantile(json_t *m, const char *name, const char *labels, int permille, char *out, size_t cap) {
    char key[256], le[32];
    snprintf(key, sizeof key, "%s_bucket{%s%sle=\"+Inf\"}", name, labels, labels[0] ? "," : "");
    long long total = atoll(sample(m, key));
    snprintf(out, cap, "-");
    if (total <= 0) return;
    long long want = (total * permille + 999) / 1000;
    for (int i = 0; i < PM_HIST_BUCKETS; i++) {
        pm_hist_le_text(i, le, sizeof le);
        snprintf(key, sizeof key, "%s_bucket{%s%sle=\"%s\"}", name, labels, labels[0] ? "," : "", le);
        if (atoll(sample(m, key)) >= want) {
            snprintf(out, cap, "<= %lld us", (long long)(pm_hist_bound_ns(i) / 1000));
            return;
        }
    }
    snprintf(out, cap, "> 5 s");
}

static void span_line(json_t *m, const char *what, const char *name, const char *labels) {
    char p50[32], p99[32];
    quantile(m, name, labels, 500, p50, sizeof p50);
    quantile(m, name, labels, 990, p99, sizeof p99);
    printf("  %-30s p50 %s, p99 %s\n", what, p50, p99);
}

/* The live lines: orders, results, fills, one-legged outcomes, refusals, kill/halt, PnL, latency. */
static void report_live(json_t *m) {
    printf("live: orders kalshi %s, polymarket %s; fills kalshi %s, polymarket %s; open orders %s%s%s\n",
           sample(m, "pmarb_orders_total{venue=\"kalshi\"}"), sample(m, "pmarb_orders_total{venue=\"polymarket\"}"),
           sample(m, "pmarb_fills_total{venue=\"kalshi\"}"), sample(m, "pmarb_fills_total{venue=\"polymarket\"}"),
           sample(m, "pmarb_open_orders"), !strcmp(sample(m, "pmarb_trading_killed"), "1") ? "; KILL SWITCH ON" : "",
           !strcmp(sample(m, "pmarb_trading_halted"), "1") ? "; TRADING HALTED" : "");
    printf("one-legged %s: hedged %s, unwound %s, unresolved %s; PnL realized %s, open positions marked %s\n",
           sample(m, "pmarb_one_legged_total"), sample(m, "pmarb_one_legged_resolved_total{how=\"hedged\"}"),
           sample(m, "pmarb_one_legged_resolved_total{how=\"unwound\"}"),
           sample(m, "pmarb_one_legged_resolved_total{how=\"unresolved\"}"), sample(m, "pmarb_live_pnl_dollars{kind=\"realized\"}"),
           sample(m, "pmarb_live_pnl_dollars{kind=\"marked\"}"));
    printf("risk refusals:");
    int any = 0;
    const char *prefix = "pmarb_risk_refused_total{reason=\"";
    for (void *it = json_object_iter(m); it; it = json_object_iter_next(m, it)) {
        const char *k = json_object_iter_key(it), *v = json_string_value(json_object_iter_value(it));
        if (strncmp(k, prefix, strlen(prefix)) || !strncmp(k + strlen(prefix), "ok\"", 3) || !v || !strcmp(v, "0")) continue;
        printf(" %.*s %s", (int)(strlen(k) - strlen(prefix) - 2), k + strlen(prefix), v);
        any = 1;
    }
    printf("%s\nlatency (bucket bounds):\n", any ? "" : " none");
    span_line(m, "feed to decision", "pmarb_feed_to_decision_seconds", "");
    span_line(m, "decision to wire, kalshi", "pmarb_decision_to_wire_seconds", "venue=\"kalshi\"");
    span_line(m, "decision to wire, polymarket", "pmarb_decision_to_wire_seconds", "venue=\"polymarket\"");
    span_line(m, "first ack to second wire", "pmarb_ack_to_second_wire_seconds", "");
    span_line(m, "venue round trip, kalshi", "pmarb_venue_rtt_seconds", "venue=\"kalshi\"");
    span_line(m, "venue round trip, polymarket", "pmarb_venue_rtt_seconds", "venue=\"polymarket\"");
}

int pm_cmd_status(pm_cli *cli, int argc, char **argv) {
    if (pm_cli_wants_help(argc, argv)) {
        fputs(usage, stdout);
        return PM_EXIT_OK;
    }
    const char *url_arg = NULL;
    int as_json = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--url") && i + 1 < argc) url_arg = argv[++i];
        else if (!strcmp(argv[i], "--json")) as_json = 1;
        else return pm_cli_usage_error("status", "unknown argument '%s'", argv[i]);
    }
    char base[512];
    if (url_arg) snprintf(base, sizeof base, "%s", url_arg);
    else {
        const pm_config *cfg = pm_cli_config(cli);
        if (!cfg) return PM_EXIT_USAGE;
        if (!cfg->run.http_listen[0]) return pm_cli_usage_error("status", "[run] http_listen is empty: give --url");
        snprintf(base, sizeof base, "http://%s", cfg->run.http_listen);
    }
    size_t blen = strlen(base);
    while (blen && base[blen - 1] == '/') base[--blen] = '\0';
    pm_http *h;
    pm_err err;
    if (pm_http_new(TIMEOUT_MS, &h, &err)) return pm_cli_fail("status: %s", err.msg);
    char url[600];
    pm_http_response health = {0}, metrics = {0};
    snprintf(url, sizeof url, "%s/health", base);
    int rc = pm_http_do(h, "GET", url, NULL, NULL, &health, &err);
    snprintf(url, sizeof url, "%s/metrics", base);
    if (!rc) rc = pm_http_do(h, "GET", url, NULL, NULL, &metrics, &err);
    pm_http_free(h);
    if (rc || metrics.status != 200 || (health.status != 200 && health.status != 503)) {
        if (!rc) pm_err_set(&err, "unexpected answer (health %ld, metrics %ld)", health.status, metrics.status);
        pm_http_response_free(&health);
        pm_http_response_free(&metrics);
        return pm_cli_fail("status: %s is not reachable: %s", base, err.msg);
    }
    json_t *hj = json_loads(health.body, 0, NULL), *m = json_object();
    const char *reason = json_string_value(json_object_get(hj, "reason"));
    int healthy = health.status == 200;
    parse_samples(metrics.body, m);
    if (as_json) {
        json_t *doc = json_pack("{s:s, s:b, s:s?, s:O}", "url", base, "healthy", healthy, "reason", reason, "metrics", m);
        char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
        if (text) puts(text);
        free(text);
        json_decref(doc);
    } else {
        report(base, healthy, reason, m);
        if (!strcmp(sample(m, "pmarb_live"), "1")) report_live(m);
    }
    json_decref(m);
    json_decref(hj);
    pm_http_response_free(&health);
    pm_http_response_free(&metrics);
    return healthy ? PM_EXIT_OK : PM_EXIT_ERROR;
}
