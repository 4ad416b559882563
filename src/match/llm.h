/* llm.h — the LLM judge's client: OpenAI-compatible Chat Completions over libcurl (OpenAI,
 * OpenRouter, vLLM, llama.cpp's server, Ollama). Pairs go in batches of batch_size, up to
 * max_concurrency calls at once (one thread and one connection each); a strict JSON schema
 * response_format is asked for and, when the server refuses it, plain JSON-object mode. A call
 * answered 429/5xx or not at all (timeout) is retried with backoff; pairs whose answer was
 * malformed or missing are asked once more. */
#ifndef PM_MATCH_LLM_H
#define PM_MATCH_LLM_H

#include <stddef.h>
#include <stdint.h>

#include "match/judge.h"
#include "util/err.h"

typedef struct pm_llm_config {
    const char *base_url;      /* e.g. https://api.openai.com/v1; /chat/completions is appended */
    const char *model;
    const char *api_key;       /* Bearer token; NULL for servers without one */
    int64_t timeout_ms;        /* per call */
    int max_concurrency;
    int batch_size;
    int max_attempts;          /* per call, on 429/5xx/no response */
    int64_t backoff_base_ms;
    int64_t backoff_max_ms;
} pm_llm_config;

/* pm_llm_config from [llm]: five attempts, backoff from 500 ms up to 20 s. */
void pm_llm_config_defaults(pm_llm_config *c);

typedef struct pm_llm_stats {
    int calls;                 /* HTTP requests sent */
    int http_retries;          /* of those, repeats after 429/5xx/no response */
    int pairs_retried;         /* pairs asked again after a malformed or partial answer */
    int pairs_unanswered;      /* still without a valid answer at the end */
    int json_object_mode;      /* 1 when the server refused the JSON schema format */
    int64_t prompt_tokens;
    int64_t completion_tokens;
    int64_t latency_ms;        /* summed over calls */
} pm_llm_stats;

/* Asks about pairs[0..n-1], filling out[i] (answered = 0 where no valid answer came). -1 with
 * err only when the server refuses the requests themselves (401, 403, 404, another 4xx): the
 * remaining batches are not sent. */
int pm_llm_judge(const pm_llm_config *cfg, const pm_judge_pair *pairs, size_t n, pm_judge_verdict *out,
                 pm_llm_stats *st, pm_err *err);

#endif
