/* log.h — structured logfmt logging to stderr.
 *
 *   ts=2026-11-24T01:37:20.123Z level=warn mod=kalshi msg="sequence gap" sid=2 expected=108
 *
 * Values are typed key/value pairs, quoted and escaped by the logger. Values of registered
 * secrets are replaced wherever they appear, and keys that name secrets (…secret…, …passphrase…,
 * …private_key…, …signature…, api_key, password, authorization) are always redacted. Identical
 * warn/error lines repeated within the rate-limit window are suppressed and counted; the next
 * line that gets through carries `repeated=N`. Thread-safe; not for the per-message hot path. */
#ifndef PM_UTIL_LOG_H
#define PM_UTIL_LOG_H

#include <stdint.h>
#include <stdio.h>

typedef enum pm_log_level {
    PM_LOG_DEBUG,
    PM_LOG_INFO,
    PM_LOG_WARN,
    PM_LOG_ERROR,
} pm_log_level;

typedef enum pm_kv_type { PM_KV_STR, PM_KV_INT, PM_KV_FIXED } pm_kv_type;

typedef struct pm_kv {
    const char *key;
    pm_kv_type type;
    int decimals; /* PM_KV_FIXED: fraction digits of the scale-6 value to print exactly */
    union {
        const char *s;
        int64_t i;
    } v;
} pm_kv;

#define PM_KV_S(k, val) ((pm_kv){.key = (k), .type = PM_KV_STR, .v.s = (val)})
#define PM_KV_I(k, val) ((pm_kv){.key = (k), .type = PM_KV_INT, .v.i = (int64_t)(val)})
/* A scale-6 fixed-point amount (price, quantity, dollars), printed exactly with ≥ dec decimals. */
#define PM_KV_FX(k, val, dec) ((pm_kv){.key = (k), .type = PM_KV_FIXED, .decimals = (dec), .v.i = (int64_t)(val)})

void pm_log_kv(pm_log_level level, const char *mod, const char *msg, const pm_kv *kv, int nkv);

#define PM_LOG_(level, mod, msg, ...)                                                   \
    pm_log_kv((level), (mod), (msg), (const pm_kv[]){__VA_ARGS__},                      \
              (int)(sizeof((const pm_kv[]){__VA_ARGS__}) / sizeof(pm_kv)))
#define pm_debug(mod, msg, ...) PM_LOG_(PM_LOG_DEBUG, mod, msg, __VA_ARGS__)
#define pm_info(mod, msg, ...)  PM_LOG_(PM_LOG_INFO, mod, msg, __VA_ARGS__)
#define pm_warn(mod, msg, ...)  PM_LOG_(PM_LOG_WARN, mod, msg, __VA_ARGS__)
#define pm_error(mod, msg, ...) PM_LOG_(PM_LOG_ERROR, mod, msg, __VA_ARGS__)

/* Settings (process-wide; set once at start, before threads). */
void pm_log_set_level(pm_log_level level);
pm_log_level pm_log_get_level(void);
int pm_log_level_parse(const char *s, pm_log_level *out); /* "debug|info|warn|error" → 0, else -1 */
const char *pm_log_level_name(pm_log_level level);
void pm_log_set_stream(FILE *f);              /* default stderr; tests capture through a file */
void pm_log_set_rate_window_ms(int64_t ms);   /* repeat suppression window; 0 disables; default 10000 */

/* Registers a secret value (≥ 4 characters) to be replaced by "[redacted]" in every line.
 * The logger keeps its own copy; pm_log_clear_secrets() wipes them. */
void pm_log_register_secret(const char *value);
void pm_log_clear_secrets(void);

/* Emits one summary line per suppressed repeat still pending (call at shutdown). */
void pm_log_flush_suppressed(void);

#endif
