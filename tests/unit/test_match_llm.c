/* test_match_llm.c — the LLM judge's client against a fake OpenAI-compatible server on
 * loopback (the simulator's HTTP module) with scripted answers: valid batches across threads,
 * malformed JSON, missing ids, refused fields, 429 and 5xx then success, a timeout, a server
 * without JSON-schema support, a refused key; and `pmarb match`'s run never asking the same
 * question twice while a changed rules text is asked again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "match/cache.h"
#include "match/llm.h"
#include "match/run.h"
#include "sim/http_server.h"
#include "store/markets.h"
#include "testutil.h"
#include "util/clock.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the fake server ---- */

typedef enum step_kind {
    STEP_ECHO,          /* a valid answer for every id asked */
    STEP_SKIP_FIRST,    /* valid answers for all ids but p1 */
    STEP_RAW,           /* status and body as given */
    STEP_CONTENT,       /* 200 with this text as the model's message content */
    STEP_SLOW_ECHO,     /* STEP_ECHO, 1.5 s late */
} step_kind;

typedef struct step {
    step_kind kind;
    int status;
    const char *text;
} step;

#define MAX_REQ 32

typedef struct fake {
    struct lws_context *ctx;
    sim_http_server *srv;
    int port;
    pthread_t thread;
    atomic_int stop;
    pthread_mutex_t mu;
    const step *script;
    int nscript, next;
    char *req[MAX_REQ];
    char auth[MAX_REQ][128];
    int nreq;
} fake;

static struct lws_protocols fake_protocols[2];

/* The ids asked in a request body, as a JSON array (caller decrefs). */
static json_t *asked_ids(const char *body) {
    json_t *req = json_loads(body, 0, NULL), *ids = json_array();
    const char *user = json_string_value(json_object_get(json_array_get(json_object_get(req, "messages"), 1), "content"));
    json_t *doc = user ? json_loads(user, 0, NULL) : NULL;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(doc, "pairs"), i, e) json_array_append(ids, json_object_get(e, "id"));
    json_decref(doc);
    json_decref(req);
    return ids;
}

static char *envelope(const char *content) {
    json_t *doc = json_pack("{s:[{s:{s:s, s:s}}], s:{s:i, s:i}}", "choices", "message", "role", "assistant", "content",
                            content, "usage", "prompt_tokens", 100, "completion_tokens", 20);
    char *s = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    return s;
}

static char *echo_content(const char *body, int skip_first) {
    json_t *ids = asked_ids(body), *pairs = json_array();
    size_t i;
    json_t *id;
    json_array_foreach(ids, i, id) {
        if (skip_first && i == 0) continue;
        json_array_append_new(pairs, json_pack("{s:O, s:b, s:f, s:s, s:s}", "id", id, "equivalent", 1, "confidence",
                                               0.97, "polarity", "same", "reason", "same question, source and date"));
    }
    json_t *doc = json_pack("{s:o}", "pairs", pairs);
    char *s = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    json_decref(ids);
    return s;
}

static void fake_handle(void *user, const sim_request *req, sim_response *res) {
    fake *f = user;
    pthread_mutex_lock(&f->mu);
    step st = f->next < f->nscript ? f->script[f->next++] : (step){STEP_ECHO, 200, NULL};
    if (f->nreq < MAX_REQ) {
        lws_hdr_copy(req->wsi, f->auth[f->nreq], (int)sizeof f->auth[0], WSI_TOKEN_HTTP_AUTHORIZATION);
        f->req[f->nreq++] = strdup(req->body);
    }
    pthread_mutex_unlock(&f->mu);
    if (strcmp(req->path, "/v1/chat/completions") != 0) {
        sim_respond_error(res, 404, "not_found", "no such path");
        return;
    }
    char *content = NULL;
    switch (st.kind) {
    case STEP_RAW:
        res->status = st.status;
        res->body = strdup(st.text);
        return;
    case STEP_CONTENT: content = strdup(st.text); break;
    case STEP_SKIP_FIRST: content = echo_content(req->body, 1); break;
    case STEP_SLOW_ECHO: res->delay_ms = 1500; /* fall through */
    case STEP_ECHO: content = echo_content(req->body, 0); break;
    }
    res->status = 200;
    res->body = envelope(content);
    free(content);
}

static void *fake_loop(void *arg) {
    fake *f = arg;
    while (!atomic_load(&f->stop)) lws_service(f->ctx, 0);
    return NULL;
}

static void fake_start(fake *f, const step *script, int n) {
    memset(f, 0, sizeof *f);
    pthread_mutex_init(&f->mu, NULL);
    f->script = script;
    f->nscript = n;
    lws_set_log_level(LLL_ERR, NULL);
    fake_protocols[0] = (struct lws_protocols){"fake-llm", sim_http_callback, SIM_HTTP_SESSION_SIZE, 65536, 0, NULL, 0};
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.protocols = fake_protocols;
    f->ctx = lws_create_context(&info);
    assert_non_null(f->ctx);
    pm_err err;
    assert_int_equal(sim_http_start(f->ctx, fake_protocols, "127.0.0.1", &f->port, fake_handle, NULL, f, &f->srv, &err), 0);
    assert_int_equal(pthread_create(&f->thread, NULL, fake_loop, f), 0);
}

static void fake_stop(fake *f) {
    atomic_store(&f->stop, 1);
    lws_cancel_service(f->ctx);
    pthread_join(f->thread, NULL);
    lws_context_destroy(f->ctx);
    sim_http_free(f->srv);
    for (int i = 0; i < f->nreq; i++) free(f->req[i]);
    pthread_mutex_destroy(&f->mu);
}

/* ---- pairs to ask about ---- */

#define NPAIRS 5

typedef struct pairs_fixture {
    pm_match_market k[NPAIRS], p[NPAIRS];
    pm_match_candidate c[NPAIRS];
    pm_judge_pair pairs[NPAIRS];
    char ktitle[NPAIRS][64], ptitle[NPAIRS][64];
} pairs_fixture;

static void make_pairs(pairs_fixture *x) {
    memset(x, 0, sizeof *x);
    for (int i = 0; i < NPAIRS; i++) {
        snprintf(x->ktitle[i], sizeof x->ktitle[i], "Will the Fed cut rates in meeting %d?", i + 1);
        snprintf(x->ptitle[i], sizeof x->ptitle[i], "Fed rate cut at meeting %d?", i + 1);
        x->k[i] = (pm_match_market){.id = "k", .platform_id = "KXFED", .title = x->ktitle[i],
                                    .rules = "Resolves Yes if the FOMC lowers the target range.",
                                    .close_time = "2026-12-10T19:00:00Z", .content_hash = "hk"};
        x->p[i] = (pm_match_market){.id = "p", .platform_id = "0xabc", .title = x->ptitle[i],
                                    .rules = "Resolves per the Federal Reserve statement.",
                                    .close_time = "2026-12-10T19:00:00Z", .content_hash = "hp"};
        x->c[i] = (pm_match_candidate){.kalshi = (uint32_t)i, .polymarket = (uint32_t)i, .score = 910000,
                                       .polarity = PM_POLARITY_SAME, .reason = "same entity FOMC, same date"};
        x->pairs[i] = (pm_judge_pair){&x->k[i], &x->p[i], &x->c[i]};
    }
}

static void config_for(pm_llm_config *c, const fake *f, char *url, size_t cap) {
    pm_llm_config_defaults(c);
    snprintf(url, cap, "http://127.0.0.1:%d/v1/", f->port);
    c->base_url = url;
    c->model = "test-model";
    c->api_key = "test-key";
    c->timeout_ms = 5000;
    c->batch_size = 2;
    c->max_concurrency = 2;
    c->backoff_base_ms = 1;
    c->backoff_max_ms = 2;
}

static void assert_all_answered(const pm_judge_verdict *v, size_t n) {
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(v[i].answered, 1);
        assert_int_equal(v[i].equivalent, 1);
        assert_int_equal(v[i].confidence, 970000);
        assert_int_equal(v[i].polarity, PM_POLARITY_SAME);
        assert_string_equal(v[i].reason, "same question, source and date");
        assert_int_equal(v[i].prompt_tokens, 100);
        assert_int_equal(v[i].completion_tokens, 20);
    }
}

/* Runs the judge over the first n pairs against script. */
static int judge_with(const step *script, int nscript, size_t n, int batch, fake *f, pm_judge_verdict *v,
                      pm_llm_stats *st, pm_err *err, pm_llm_config *overrides) {
    static pairs_fixture x;
    make_pairs(&x);
    fake_start(f, script, nscript);
    pm_llm_config c;
    char url[128];
    config_for(&c, f, url, sizeof url);
    c.batch_size = batch;
    if (overrides && overrides->timeout_ms) c.timeout_ms = overrides->timeout_ms;
    if (overrides && overrides->max_concurrency) c.max_concurrency = overrides->max_concurrency;
    return pm_llm_judge(&c, x.pairs, n, v, st, err);
}

static void test_valid_batches(void **state) {
    (void)state;
    fake f;
    pm_judge_verdict v[NPAIRS];
    pm_llm_stats st;
    pm_err err;
    assert_int_equal(judge_with(NULL, 0, NPAIRS, 2, &f, v, &st, &err, NULL), 0);
    assert_all_answered(v, NPAIRS);
    assert_int_equal(v[4].batch_pairs, 1);
    assert_int_equal(v[0].batch_pairs, 2);
    assert_int_equal(st.calls, 3);
    assert_int_equal(st.http_retries, 0);
    assert_int_equal(st.pairs_retried, 0);
    assert_int_equal(st.pairs_unanswered, 0);
    assert_int_equal(st.prompt_tokens, 300);
    assert_int_equal(st.completion_tokens, 60);
    assert_int_equal(f.nreq, 3);
    /* The request: model, temperature 0, the JSON schema format, the prompt's checks, both markets. */
    for (int i = 0; i < f.nreq; i++) {
        assert_string_equal(f.auth[i], "Bearer test-key");
        json_t *req = json_loads(f.req[i], 0, NULL);
        assert_string_equal(json_string_value(json_object_get(req, "model")), "test-model");
        assert_int_equal(json_integer_value(json_object_get(req, "temperature")), 0);
        json_t *rf = json_object_get(req, "response_format");
        assert_string_equal(json_string_value(json_object_get(rf, "type")), "json_schema");
        assert_true(json_is_true(json_object_get(json_object_get(rf, "json_schema"), "strict")));
        const char *sys = json_string_value(json_object_get(json_array_get(json_object_get(req, "messages"), 0), "content"));
        assert_non_null(strstr(sys, "resolution source"));
        assert_non_null(strstr(sys, "deadline"));
        assert_non_null(strstr(sys, "threshold"));
        assert_non_null(strstr(sys, "polarity"));
        json_decref(req);
    }
    int found = 0;
    for (int i = 0; i < f.nreq; i++)
        if (strstr(f.req[i], "Will the Fed cut rates in meeting 5?") && strstr(f.req[i], "Fed rate cut at meeting 5?") &&
            strstr(f.req[i], "Resolves per the Federal Reserve statement.") && strstr(f.req[i], "2026-12-10T19:00:00Z") &&
            strstr(f.req[i], "same entity FOMC, same date") && strstr(f.req[i], "0.91"))
            found++;
    assert_int_equal(found, 1);
    fake_stop(&f);
}

static void test_malformed_json_retried_once(void **state) {
    (void)state;
    const step script[] = {{STEP_CONTENT, 200, "Sure! {\"pairs\": [ {\"id\": \"p1\", "}};
    fake f;
    pm_judge_verdict v[NPAIRS];
    pm_llm_stats st;
    pm_err err;
    assert_int_equal(judge_with(script, 1, 2, 2, &f, v, &st, &err, NULL), 0);
    assert_all_answered(v, 2);
    assert_int_equal(st.calls, 2);
    assert_int_equal(st.pairs_retried, 2);
    assert_int_equal(st.pairs_unanswered, 0);
    fake_stop(&f);
}

static void test_missing_id_asked_alone(void **state) {
    (void)state;
    const step script[] = {{STEP_SKIP_FIRST, 200, NULL}};
    fake f;
    pm_judge_verdict v[NPAIRS];
    pm_llm_stats st;
    pm_err err;
    assert_int_equal(judge_with(script, 1, 2, 2, &f, v, &st, &err, NULL), 0);
    assert_all_answered(v, 2);
    assert_int_equal(st.pairs_retried, 1);
    assert_int_equal(f.nreq, 2);
    assert_non_null(strstr(f.req[1], "meeting 1?"));
    assert_null(strstr(f.req[1], "meeting 2?"));
    assert_int_equal(v[0].batch_pairs, 1);
    assert_int_equal(v[1].batch_pairs, 2);
    fake_stop(&f);
}

static void test_bad_fields_twice_left_unanswered(void **state) {
    (void)state;
    const char *bad = "{\"pairs\":[{\"id\":\"p1\",\"equivalent\":true,\"confidence\":1.5,\"polarity\":\"same\",\"reason\":\"x\"},"
                      "{\"id\":\"p2\",\"equivalent\":\"yes\",\"confidence\":0.9,\"polarity\":\"same\",\"reason\":\"x\"},"
                      "{\"id\":\"p3\",\"equivalent\":true,\"confidence\":0.9,\"polarity\":\"maybe\",\"reason\":\"x\"},"
                      "{\"id\":\"p9\",\"equivalent\":true,\"confidence\":0.9,\"polarity\":\"same\",\"reason\":\"x\"},"
                      "{\"id\":\"p4\",\"equivalent\":false,\"confidence\":0.8,\"polarity\":\"inverted\",\"reason\":\"\"},"
                      "{\"id\":\"p5\",\"equivalent\":false,\"confidence\":0.8,\"polarity\":\"inverted\",\"reason\":\"dates differ\"},"
                      "{\"id\":\"p5\",\"equivalent\":true,\"confidence\":0.99,\"polarity\":\"same\",\"reason\":\"repeat\"}]}";
    const step script[] = {{STEP_CONTENT, 200, bad}, {STEP_CONTENT, 200, bad}};
    fake f;
    pm_judge_verdict v[NPAIRS];
    pm_llm_stats st;
    pm_err err;
    assert_int_equal(judge_with(script, 2, NPAIRS, NPAIRS, &f, v, &st, &err, NULL), 0);
    for (int i = 0; i < 4; i++) assert_int_equal(v[i].answered, 0);
    assert_int_equal(v[4].answered, 1);
    assert_int_equal(v[4].equivalent, 0);
    assert_int_equal(v[4].confidence, 800000);
    assert_int_equal(v[4].polarity, PM_POLARITY_INVERTED);
    assert_string_equal(v[4].reason, "dates differ");
    assert_int_equal(st.pairs_retried, 4);
    assert_int_equal(st.pairs_unanswered, 4);
    assert_int_equal(st.calls, 2);
    fake_stop(&f);
}

static void test_429_and_5xx_then_success(void **state) {
    (void)state;
    const step script[] = {{STEP_RAW, 429, "{\"error\":{\"message\":\"rate limited\"}}"},
                           {STEP_RAW, 503, "{\"error\":{\"message\":\"overloaded\"}}"}};
    fake f;
    pm_judge_verdict v[NPAIRS];
    pm_llm_stats st;
    pm_err err;
    assert_int_equal(judge_with(script, 2, 2, 2, &f, v, &st, &err, NULL), 0);
    assert_all_answered(v, 2);
    assert_int_equal(st.calls, 3);
    assert_int_equal(st.http_retries, 2);
    assert_int_equal(st.pairs_retried, 0);
    fake_stop(&f);
}

static void test_timeout_then_success(void **state) {
    (void)state;
    const step script[] = {{STEP_SLOW_ECHO, 200, NULL}};
    fake f;
    pm_judge_verdict v[NPAIRS];
    pm_llm_stats st;
    pm_err err;
    pm_llm_config o = {.timeout_ms = 300};
    assert_int_equal(judge_with(script, 1, 2, 2, &f, v, &st, &err, &o), 0);
    assert_all_answered(v, 2);
    assert_int_equal(st.http_retries, 1);
    assert_int_equal(st.calls, 2);
    fake_stop(&f);
}

static void test_schema_refused_json_object_mode(void **state) {
    (void)state;
    const step script[] = {{STEP_RAW, 400, "{\"error\":{\"message\":\"response_format json_schema is not supported\"}}"}};
    fake f;
    pm_judge_verdict v[NPAIRS];
    pm_llm_stats st;
    pm_err err;
    pm_llm_config o = {.max_concurrency = 1}; /* one call at a time: every call after the refusal is JSON-object */
    assert_int_equal(judge_with(script, 1, 4, 2, &f, v, &st, &err, &o), 0);
    assert_all_answered(v, 4);
    assert_int_equal(st.json_object_mode, 1);
    assert_int_equal(f.nreq, 3);
    for (int i = 1; i < f.nreq; i++) {
        json_t *req = json_loads(f.req[i], 0, NULL);
        assert_string_equal(json_string_value(json_object_get(json_object_get(req, "response_format"), "type")), "json_object");
        json_decref(req);
    }
    fake_stop(&f);
}

static void test_refused_key_stops(void **state) {
    (void)state;
    const step script[] = {{STEP_RAW, 401, "{\"error\":{\"message\":\"invalid api key\"}}"}};
    fake f;
    pm_judge_verdict v[NPAIRS];
    pm_llm_stats st;
    pm_err err;
    pm_llm_config o = {.timeout_ms = 5000};
    assert_int_equal(judge_with(script, 1, 2, 2, &f, v, &st, &err, &o), -1);
    assert_non_null(strstr(err.msg, "HTTP 401"));
    assert_non_null(strstr(err.msg, "invalid api key"));
    assert_int_equal(st.calls, 1);
    fake_stop(&f);
}

/* ---- the run: never the same question twice ---- */

static void upsert(pm_db *db, pm_venue v, const char *pid, const char *title, const char *rules) {
    pm_market m;
    pm_market_init(&m, v);
    m.platform_market_id = pid;
    m.title = title;
    m.rules = rules;
    m.status = PM_MARKET_ACTIVE;
    m.close_time = "2026-12-10T19:00:00.000Z";
    pm_upsert_result r;
    pm_err err;
    assert_int_equal(pm_store_upsert_market(db, &m, pm_wall_ns(), &r, &err), 0);
}

static int count(pm_db *db, const char *sql) {
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(pm_db_handle(db), sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void run_once(pm_db *db, const pm_llm_config *c, pm_match_run_stats *st) {
    pm_match_set k, p;
    pm_err err;
    assert_int_equal(pm_match_load(db, PM_VENUE_KALSHI, &k, &err), 0);
    assert_int_equal(pm_match_load(db, PM_VENUE_POLYMARKET, &p, &err), 0);
    pm_match_candidate cand[2] = {{.kalshi = 0, .polymarket = 0, .score = 900000, .reason = "FOMC, December"},
                                  {.kalshi = 1, .polymarket = 1, .score = 880000, .reason = "BTC 100k, 2026"}};
    pm_match_run_options opt = {.llm = c, .review_threshold = 950000};
    assert_int_equal(pm_match_judge_and_store(db, &k, &p, cand, 2, &opt, st, &err), 0);
    pm_match_set_free(&k);
    pm_match_set_free(&p);
}

static void test_run_asks_each_question_once(void **state) {
    (void)state;
    char *dir = pm_test_tmpdir(), *path = pm_test_path(dir, "m.db");
    pm_db *db;
    pm_err err;
    assert_int_equal(pm_db_open(path, PM_DB_MIGRATE, 5000, &db, &err), 0);
    upsert(db, PM_VENUE_KALSHI, "KXA-FED-26DEC", "Fed cut in December?", "FOMC lowers the range.");
    upsert(db, PM_VENUE_KALSHI, "KXB-BTC-26", "BTC above 100k?", "CF Benchmarks BRTI.");
    upsert(db, PM_VENUE_POLYMARKET, "0x01", "Fed decreases rates in December?", "Per the FOMC statement.");
    upsert(db, PM_VENUE_POLYMARKET, "0x02", "Bitcoin above $100k on Dec 31?", "Binance BTC/USDT 1m candle.");
    fake f;
    fake_start(&f, NULL, 0);
    pm_llm_config c;
    char url[128];
    config_for(&c, &f, url, sizeof url);
    pm_match_run_stats st;
    run_once(db, &c, &st);
    assert_int_equal(st.asked, 2);
    assert_int_equal(st.pending, 2); /* 0.97 ≥ 0.95 */
    assert_int_equal(st.inserted, 2);
    assert_int_equal(f.nreq, 1);
    assert_int_equal(count(db, "SELECT count(*) FROM llm_answers WHERE model = 'test-model' AND prompt_version = '"
                               PM_JUDGE_PROMPT_VERSION "' AND prompt_tokens = 100 AND batch_pairs = 2"), 2);
    assert_int_equal(count(db, "SELECT count(*) FROM market_matches WHERE status = 'pending_review' AND model = 'test-model'"
                               " AND abs(confidence - 0.97) < 1e-9 AND reviewed_by IS NULL"), 2);
    /* Same text: nothing judged. */
    run_once(db, &c, &st);
    assert_int_equal(st.unchanged, 2);
    assert_int_equal(st.asked, 0);
    /* Judged anew (basis forgotten): the cache answers. */
    assert_int_equal(sqlite3_exec(pm_db_handle(db), "DELETE FROM match_basis", NULL, NULL, NULL), SQLITE_OK);
    run_once(db, &c, &st);
    assert_int_equal(st.cached, 2);
    assert_int_equal(st.asked, 0);
    assert_int_equal(f.nreq, 1);
    /* A changed rules text is a new question. */
    upsert(db, PM_VENUE_POLYMARKET, "0x02", "Bitcoin above $100k on Dec 31?", "Coinbase BTC-USD close.");
    run_once(db, &c, &st);
    assert_int_equal(st.unchanged, 1);
    assert_int_equal(st.asked, 1);
    assert_int_equal(f.nreq, 2);
    assert_non_null(strstr(f.req[1], "Coinbase BTC-USD close."));
    assert_null(strstr(f.req[1], "Fed cut in December?"));
    fake_stop(&f);
    pm_db_close(db);
    pm_test_rmtree(dir);
    free(path);
    free(dir);
}

/* `pmarb match` end to end on the labelled fixture: the key from LLM_API_KEY, every pair that
 * is not vetoed asked once, nothing asked on the second run. */
static void test_cli_match_with_llm(void **state) {
    (void)state;
    fake f;
    fake_start(&f, NULL, 0);
    char *dir = pm_test_tmpdir(), *ini = pm_test_path(dir, "pmarb.ini"), text[512];
    snprintf(text, sizeof text,
             "[db]\npath = m.db\n[llm]\nbase_url = http://127.0.0.1:%d/v1\nmodel = fixture-model\nbatch_size = 50\n"
             "max_concurrency = 2\ntimeout_ms = 10000\n",
             f.port);
    pm_test_write_file(ini, text, 0600);
    char *kalshi = pm_test_source_path("tests/fixtures/match/kalshi_markets.json"),
         *gamma = pm_test_source_path("tests/fixtures/match/gamma_markets.json");
    const char *imp_k[] = {"markets", "import", "--venue", "kalshi", kalshi, NULL},
               *imp_p[] = {"markets", "import", "--venue", "polymarket", gamma, NULL}, *match[] = {"match", "--json", NULL};
    const char *env[] = {"LLM_API_KEY=cli-key", NULL};
    pm_test_run_result r = pm_test_run(dir, NULL, imp_k);
    assert_int_equal(r.status, 0);
    pm_test_run_free(&r);
    r = pm_test_run(dir, NULL, imp_p);
    assert_int_equal(r.status, 0);
    pm_test_run_free(&r);
    r = pm_test_run(dir, env, match);
    if (r.status != 0) fail_msg("%s%s", r.out, r.err);
    assert_null(strstr(r.err, "no [llm] base_url"));
    json_t *doc = json_loads(r.out, 0, NULL);
    assert_non_null(doc);
    json_int_t cands = json_integer_value(json_object_get(doc, "candidates")),
               vetoed = json_integer_value(json_object_get(doc, "vetoed")),
               asked = json_integer_value(json_object_get(doc, "asked"));
    assert_true(cands > vetoed && vetoed > 0);
    assert_int_equal(asked, cands - vetoed);
    assert_int_equal(json_integer_value(json_object_get(doc, "pending_review")), asked); /* the fake says 0.97 */
    assert_int_equal(json_integer_value(json_object_get(doc, "rejected")), vetoed);
    assert_int_equal(json_integer_value(json_object_get(doc, "unanswered")), 0);
    json_t *llm = json_object_get(doc, "llm");
    assert_string_equal(json_string_value(json_object_get(llm, "model")), "fixture-model");
    assert_int_equal(json_integer_value(json_object_get(llm, "calls")), (asked + 49) / 50);
    assert_int_equal(json_integer_value(json_object_get(llm, "prompt_tokens")), 100 * ((asked + 49) / 50));
    json_decref(doc);
    pm_test_run_free(&r);
    assert_string_equal(f.auth[0], "Bearer cli-key");
    int calls = f.nreq;
    r = pm_test_run(dir, env, match);
    assert_int_equal(r.status, 0);
    doc = json_loads(r.out, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(doc, "unchanged")), cands);
    assert_int_equal(json_integer_value(json_object_get(doc, "asked")), 0);
    json_decref(doc);
    pm_test_run_free(&r);
    assert_int_equal(f.nreq, calls);
    fake_stop(&f);
    pm_test_rmtree(dir);
    free(kalshi);
    free(gamma);
    free(ini);
    free(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_batches),
        cmocka_unit_test(test_malformed_json_retried_once),
        cmocka_unit_test(test_missing_id_asked_alone),
        cmocka_unit_test(test_bad_fields_twice_left_unanswered),
        cmocka_unit_test(test_429_and_5xx_then_success),
        cmocka_unit_test(test_timeout_then_success),
        cmocka_unit_test(test_schema_refused_json_object_mode),
        cmocka_unit_test(test_refused_key_stops),
        cmocka_unit_test(test_run_asks_each_question_once),
        cmocka_unit_test(test_cli_match_with_llm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
