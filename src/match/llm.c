/* llm.c — OpenAI-compatible Chat Completions client for the LLM judge (llm.h). */
#include "match/llm.h"

#include "net/http.h"
#include "util/log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void pm_llm_config_defaults(pm_llm_config *c) {
    memset(c, 0, sizeof *c);
    c->timeout_ms = 60000;
    c->max_concurrency = 1;
    c->batch_size = 8;
    c->max_attempts = 5;
    c->backoff_base_ms = 500;
    c->backoff_max_ms = 20000;
}

typedef struct llm_run {
    const pm_llm_config *cfg;
    const pm_judge_pair *pairs;
    pm_judge_verdict *out;
    char url[1200];
    char auth[1100];
    atomic_int json_object; /* the server refused the schema format: JSON-object mode from now on */
    pthread_mutex_t mu;     /* guards everything below */
    const size_t *queue;
    size_t nqueue, next;
    int fatal;
    pm_err fatal_err;
    pm_llm_stats st;
} llm_run;

static void sleep_ms(int64_t ms) {
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) != 0) {}
}

static char *request_body(llm_run *r, const size_t *idx, size_t n) {
    json_t *req = json_pack("{s:s, s:i, s:o, s:o}", "model", r->cfg->model, "temperature", 0, "messages",
                            pm_judge_messages(r->pairs, idx, n), "response_format",
                            pm_judge_response_format(!atomic_load(&r->json_object)));
    char *body = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    return body;
}

/* A 400 that names the response format: the server does not do JSON schema. */
static int refuses_schema(const pm_http_response *res) {
    return res->status == 400 && res->body &&
           (strstr(res->body, "response_format") || strstr(res->body, "json_schema"));
}

static int64_t usage_of(const json_t *doc, const char *key) {
    const json_t *v = json_object_get(json_object_get(doc, "usage"), key);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : -1;
}

/* Reads the envelope of a 2xx answer and the verdicts in it. */
static void read_answer(llm_run *r, const size_t *idx, size_t n, const pm_http_response *res) {
    json_error_t je;
    json_t *doc = json_loadb(res->body, res->len, 0, &je);
    const json_t *content =
        json_object_get(json_object_get(json_array_get(json_object_get(doc, "choices"), 0), "message"), "content");
    int64_t latency = res->elapsed_ns / 1000000, pt = usage_of(doc, "prompt_tokens"),
            ct = usage_of(doc, "completion_tokens");
    size_t got = 0;
    if (json_is_string(content)) got = pm_judge_parse(json_string_value(content), idx, n, r->out);
    else pm_warn("match", "LLM response without choices[0].message.content", PM_KV_I("status", res->status));
    for (size_t i = 0; i < n; i++) {
        pm_judge_verdict *v = &r->out[idx[i]];
        if (!v->answered) continue;
        v->prompt_tokens = pt;
        v->completion_tokens = ct;
        v->batch_pairs = (int)n;
        v->latency_ms = latency;
    }
    if (got < n) pm_warn("match", "LLM answered part of a batch", PM_KV_I("asked", n), PM_KV_I("answered", got));
    pthread_mutex_lock(&r->mu);
    if (pt > 0) r->st.prompt_tokens += pt;
    if (ct > 0) r->st.completion_tokens += ct;
    r->st.latency_ms += latency;
    pthread_mutex_unlock(&r->mu);
    json_decref(doc);
}

/* Stops the run: what, and the start of the server's answer. */
static void set_fatal(llm_run *r, const char *what, long status, const char *detail) {
    pthread_mutex_lock(&r->mu);
    if (!r->fatal) {
        pm_err_set(&r->fatal_err, "%s (HTTP %ld): %.200s", what, status, detail ? detail : "");
        r->fatal = 1;
    }
    pthread_mutex_unlock(&r->mu);
}

/* One batch: the call, repeated on 429/5xx/no response with backoff. */
static void do_batch(llm_run *r, pm_http *h, const size_t *idx, size_t n) {
    const char *headers[] = {r->auth[0] ? r->auth : NULL, NULL};
    pm_http_response res = {0};
    for (int attempt = 1;; attempt++) {
        char *body = request_body(r, idx, n);
        pm_err err;
        int rc = pm_http_do(h, "POST", r->url, headers, body, &res, &err);
        free(body);
        pthread_mutex_lock(&r->mu);
        r->st.calls++;
        if (attempt > 1) r->st.http_retries++;
        pthread_mutex_unlock(&r->mu);
        long status = rc ? 0 : res.status;
        if (status >= 200 && status < 300) {
            read_answer(r, idx, n, &res);
            break;
        }
        if (rc == 0 && refuses_schema(&res) && !atomic_exchange(&r->json_object, 1)) {
            pm_warn("match", "LLM server refuses the JSON schema format: using JSON-object mode");
            attempt--;
            continue;
        }
        if (!pm_http_retryable(status)) {
            set_fatal(r, "LLM server refused the request", status, res.body);
            break;
        }
        if (attempt >= r->cfg->max_attempts) {
            pm_warn("match", "LLM call failed after retries", PM_KV_I("status", status), PM_KV_I("attempts", attempt),
                    PM_KV_S("error", rc ? err.msg : "retryable status"));
            break;
        }
        sleep_ms(pm_http_backoff_ms(attempt, r->cfg->backoff_base_ms, r->cfg->backoff_max_ms));
    }
    pm_http_response_free(&res);
}

static void *worker(void *arg) {
    llm_run *r = arg;
    pm_http *h;
    pm_err err;
    if (pm_http_new(r->cfg->timeout_ms, &h, &err)) {
        set_fatal(r, "LLM client could not start", 0, err.msg);
        return NULL;
    }
    size_t batch = (size_t)(r->cfg->batch_size > 0 ? r->cfg->batch_size : 1);
    for (;;) {
        pthread_mutex_lock(&r->mu);
        size_t start = r->next, n = r->nqueue - start < batch ? r->nqueue - start : batch;
        r->next += n;
        int stop = r->fatal || n == 0;
        pthread_mutex_unlock(&r->mu);
        if (stop) break;
        do_batch(r, h, r->queue + start, n);
    }
    pm_http_free(h);
    return NULL;
}

/* Runs the queued pairs in batches on up to max_concurrency threads. */
static void run_pass(llm_run *r, const size_t *queue, size_t n) {
    r->queue = queue;
    r->nqueue = n;
    r->next = 0;
    size_t batch = (size_t)(r->cfg->batch_size > 0 ? r->cfg->batch_size : 1), nb = (n + batch - 1) / batch;
    size_t nt = (size_t)(r->cfg->max_concurrency > 0 ? r->cfg->max_concurrency : 1);
    if (nt > nb) nt = nb;
    if (nt <= 1) {
        if (n) worker(r);
        return;
    }
    pthread_t *t = calloc(nt, sizeof *t);
    size_t started = 0;
    for (; started < nt; started++)
        if (pthread_create(&t[started], NULL, worker, r)) break;
    if (started == 0) worker(r);
    for (size_t i = 0; i < started; i++) pthread_join(t[i], NULL);
    free(t);
}

int pm_llm_judge(const pm_llm_config *cfg, const pm_judge_pair *pairs, size_t n, pm_judge_verdict *out,
                 pm_llm_stats *st, pm_err *err) {
    llm_run r;
    memset(&r, 0, sizeof r);
    r.cfg = cfg;
    r.pairs = pairs;
    r.out = out;
    size_t blen = strlen(cfg->base_url);
    while (blen && cfg->base_url[blen - 1] == '/') blen--;
    snprintf(r.url, sizeof r.url, "%.*s/chat/completions", (int)blen, cfg->base_url);
    if (cfg->api_key && *cfg->api_key) snprintf(r.auth, sizeof r.auth, "Authorization: Bearer %s", cfg->api_key);
    pthread_mutex_init(&r.mu, NULL);
    size_t *queue = malloc((n ? n : 1) * sizeof *queue), nt = 0;
    for (size_t i = 0; i < n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        queue[i] = i;
    }
    run_pass(&r, queue, n);
    for (size_t i = 0; i < n && !r.fatal; i++)
        if (!out[i].answered) queue[nt++] = i;
    r.st.pairs_retried = (int)nt;
    if (nt && !r.fatal) run_pass(&r, queue, nt);
    free(queue);
    for (size_t i = 0; i < n; i++)
        if (!out[i].answered) r.st.pairs_unanswered++;
    r.st.json_object_mode = atomic_load(&r.json_object);
    pthread_mutex_destroy(&r.mu);
    if (st) *st = r.st;
    if (r.fatal) {
        pm_err_set(err, "%s", r.fatal_err.msg);
        return -1;
    }
    return 0;
}
