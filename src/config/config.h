/* config.h — pmarb's configuration: an INI file (pmarb.ini by default) read with inih into
 * typed fields. One table of keys (config.c) drives defaults, parsing, validation, the
 * `pmarb config check` listing and the documentation test of pmarb.example.ini. Unknown
 * sections and keys are errors naming the file and line; money is parsed as exact decimals.
 * Secrets never live here: see secrets.h. */
#ifndef PM_CONFIG_CONFIG_H
#define PM_CONFIG_CONFIG_H

#include <stdint.h>
#include <stdio.h>

#include "core/money.h"
#include "util/err.h"
#include "util/log.h"

#define PM_CFG_STR_MAX 1024
#define PM_CFG_AUTO INT64_MIN /* an integer key set to "auto" */

typedef enum pm_kalshi_env { PM_KALSHI_DEMO = 0, PM_KALSHI_PROD = 1 } pm_kalshi_env;
typedef enum pm_kalshi_tier { PM_TIER_BASIC, PM_TIER_ADVANCED, PM_TIER_PREMIER, PM_TIER_PARAGON, PM_TIER_PRIME } pm_kalshi_tier;
typedef enum pm_poly_sig_type { PM_SIG_EOA = 0, PM_SIG_POLY_PROXY = 1, PM_SIG_POLY_GNOSIS_SAFE = 2, PM_SIG_POLY_1271 = 3 } pm_poly_sig_type;
typedef enum pm_execution { PM_EXEC_SEQUENTIAL = 0, PM_EXEC_SIMULTANEOUS = 1 } pm_execution;
typedef enum pm_first_leg { PM_FIRST_AUTO = 0, PM_FIRST_KALSHI = 1, PM_FIRST_POLYMARKET = 2 } pm_first_leg;
typedef enum pm_run_mode { PM_MODE_PAPER = 0, PM_MODE_LIVE = 1 } pm_run_mode;

typedef struct pm_config {
    struct {
        char path[PM_CFG_STR_MAX];     /* SQLite database file */
        int64_t busy_timeout_ms;
        int64_t writer_queue;          /* records the writer thread can hold */
    } db;
    struct {
        int env;                       /* pm_kalshi_env */
        char rest_url[PM_CFG_STR_MAX]; /* "" = derived from env: use pm_config_kalshi_rest_url() */
        char ws_url[PM_CFG_STR_MAX];
        int tier;                      /* pm_kalshi_tier: rate-limit budget */
        int64_t timeout_ms;
        int64_t signature_max_age_ms;  /* oldest prepared signature the order path may use */
        pm_usd_t flat_fee;             /* fee per contract on fee_type "flat" series */
    } kalshi;
    struct {
        char gamma_url[PM_CFG_STR_MAX];
        char clob_url[PM_CFG_STR_MAX];
        char ws_url[PM_CFG_STR_MAX];   /* /market and /user are appended */
        int64_t chain_id;
        int signature_type;            /* pm_poly_sig_type */
        int64_t timeout_ms;
        int64_t assets_per_connection;
        int64_t freeze_floor_ms;       /* market-channel silence never called a freeze below this */
        int64_t freeze_factor;         /* silence of this many mean message gaps is a freeze */
        int64_t consistency_grace_ms;  /* how long the venue's top may disagree with our book */
    } polymarket;
    struct {
        char base_url[PM_CFG_STR_MAX]; /* "" = no LLM: heuristic matching only */
        char model[256];
        int64_t timeout_ms;
        int64_t max_concurrency;
        int64_t batch_size;
    } llm;
    struct {
        int64_t review_threshold;      /* scale 6: 0.95 = 950000 */
        int64_t top_k;
        int64_t date_tolerance_hours;
    } match;
    struct {
        pm_usd_t min_edge;             /* per contract */
        pm_usd_t min_profit;           /* per opportunity */
        pm_qty_t max_size;             /* contracts per opportunity */
        int64_t max_book_age_ms;
        int64_t min_annualized_return; /* scale 6: 0.10 = 10 % a year */
        int same_venue;
        int execution;                 /* pm_execution */
        int first_leg;                 /* pm_first_leg */
        int64_t second_leg_timeout_ms;
    } strategy;
    struct {
        pm_qty_t max_contracts_per_pair;
        pm_usd_t max_notional_per_pair;
        pm_qty_t max_contracts_per_venue;
        pm_usd_t max_notional_per_venue;
        pm_qty_t max_contracts_total;
        pm_usd_t max_notional_total;
        int64_t max_open_orders;
        int64_t max_orders_per_second;
        pm_usd_t daily_loss_limit;
        pm_usd_t min_balance_kalshi;
        pm_usd_t min_balance_polymarket;
        pm_usd_t max_hedge_loss;       /* per contract */
        int64_t max_one_legged;
        int64_t one_legged_window_s;
        int64_t reconcile_seconds;
        char kill_file[PM_CFG_STR_MAX];
    } risk;
    struct {
        int mode;                      /* pm_run_mode */
        char http_listen[256];
        int64_t status_interval_s;
        int64_t executor_spin_us;      /* how long an idle executor busy-waits before sleeping; -1 always;
                                          PM_CFG_AUTO: pm_executor_spin_ns decides */
    } run;
    struct {
        int level;                     /* pm_log_level */
        int64_t rate_limit_ms;
    } log;
    char source[PM_CFG_STR_MAX];       /* the file loaded, or "" for built-in defaults */
    int line[96];                      /* per key (table order): line it was set on, 0 = default */
} pm_config;

/* Built-in defaults. */
void pm_config_defaults(pm_config *cfg);

/* Loads path over the defaults. path NULL: ./pmarb.ini if it exists, else defaults only; a
 * path that does not exist is an error. */
int pm_config_load(pm_config *cfg, const char *path, pm_err *err);

/* Fails with "[section] key is required <for what>: set it in <file>" when the key is empty. */
int pm_config_require(const pm_config *cfg, const char *section, const char *key, const char *for_what, pm_err *err);

/* Effective Kalshi URLs (explicit, or derived from env). */
const char *pm_config_kalshi_rest_url(const pm_config *cfg);
const char *pm_config_kalshi_ws_url(const pm_config *cfg);

/* Prints every key with its effective value and origin ("default" or file:line). */
void pm_config_print(const pm_config *cfg, FILE *f);

/* The same as a JSON object {"file": ..., "sections": {"db": {"path": {"value": ..., "from": ...}}}};
 * caller owns the reference. */
struct json_t;
struct json_t *pm_config_json(const pm_config *cfg);

/* The key table, for documentation checks: number of keys and each one's section and name. */
int pm_config_key_count(void);
void pm_config_key_name(int i, const char **section, const char **key);

#endif
