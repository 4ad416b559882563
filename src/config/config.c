/* config.c — the key table and the INI loader (see config.h). */
#include "config/config.h"

#include <errno.h>
#include <ini.h>
#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

typedef enum key_type { T_STR, T_INT, T_BOOL, T_ENUM, T_USD, T_QTY, T_RATIO } key_type;

typedef struct key_def {
    const char *section, *key;
    key_type type;
    size_t offset, size;        /* field in pm_config; size for strings */
    const char *def;            /* default, as it would be written in the file */
    const char *const *names;   /* T_ENUM: allowed values, NULL-terminated, index = value;
                                   T_INT: non-NULL when it also takes "auto" (PM_CFG_AUTO) */
    int64_t min, max;           /* T_INT bounds; T_RATIO bounds (scale 6) */
} key_def;

static const char *const env_names[] = {"demo", "prod", NULL};
static const char *const tier_names[] = {"basic", "advanced", "premier", "paragon", "prime", NULL};
static const char *const sig_names[] = {"eoa", "poly_proxy", "poly_gnosis_safe", "poly_1271", NULL};
static const char *const exec_names[] = {"sequential", "simultaneous", NULL};
static const char *const leg_names[] = {"auto", "kalshi", "polymarket", NULL};
static const char *const mode_names[] = {"paper", "live", NULL};
static const char *const auto_name[] = {"auto", NULL};
static const char *const level_names[] = {"debug", "info", "warn", "error", NULL};

#define F(sec, name) offsetof(pm_config, sec.name), sizeof(((pm_config *)0)->sec.name)
#define STR(sec, name, d) {#sec, #name, T_STR, F(sec, name), d, NULL, 0, 0}
#define INT(sec, name, d, lo, hi) {#sec, #name, T_INT, F(sec, name), d, NULL, lo, hi}
#define INT_AUTO(sec, name, d, lo, hi) {#sec, #name, T_INT, F(sec, name), d, auto_name, lo, hi}
#define BOOL(sec, name, d) {#sec, #name, T_BOOL, F(sec, name), d, NULL, 0, 1}
#define ENUM(sec, name, d, n) {#sec, #name, T_ENUM, F(sec, name), d, n, 0, 0}
#define USD(sec, name, d) {#sec, #name, T_USD, F(sec, name), d, NULL, 0, 0}
#define QTY(sec, name, d) {#sec, #name, T_QTY, F(sec, name), d, NULL, 0, 0}
#define RATIO(sec, name, d, hi) {#sec, #name, T_RATIO, F(sec, name), d, NULL, 0, hi}

static const key_def keys[] = {
    STR(db, path, "markets.db"),
    INT(db, busy_timeout_ms, "5000", 0, 600000),
    INT(db, writer_queue, "65536", 2, 1 << 24),
    ENUM(kalshi, env, "demo", env_names),
    STR(kalshi, rest_url, ""),
    STR(kalshi, ws_url, ""),
    ENUM(kalshi, tier, "basic", tier_names),
    INT(kalshi, timeout_ms, "10000", 100, 600000),
    INT(kalshi, signature_max_age_ms, "5000", 100, 60000),
    USD(kalshi, flat_fee, "0.02"),
    STR(polymarket, gamma_url, "https://gamma-api.polymarket.com"),
    STR(polymarket, clob_url, "https://clob.polymarket.com"),
    STR(polymarket, ws_url, "wss://ws-subscriptions-clob.polymarket.com/ws"),
    INT(polymarket, chain_id, "137", 1, INT64_MAX),
    ENUM(polymarket, signature_type, "eoa", sig_names),
    INT(polymarket, timeout_ms, "10000", 100, 600000),
    INT(polymarket, assets_per_connection, "200", 1, 500),
    INT(polymarket, freeze_floor_ms, "15000", 100, 3600000),
    INT(polymarket, freeze_factor, "20", 2, 1000),
    INT(polymarket, consistency_grace_ms, "2000", 1, 600000),
    STR(llm, base_url, ""),
    STR(llm, model, ""),
    INT(llm, timeout_ms, "60000", 100, 3600000),
    INT(llm, max_concurrency, "2", 1, 64),
    INT(llm, batch_size, "10", 1, 100),
    RATIO(match, review_threshold, "0.95", 1000000),
    INT(match, top_k, "5", 1, 100),
    INT(match, date_tolerance_hours, "24", 0, 24 * 366),
    USD(strategy, min_edge, "0.01"),
    USD(strategy, min_profit, "0.10"),
    QTY(strategy, max_size, "100"),
    INT(strategy, max_book_age_ms, "2000", 1, 3600000),
    RATIO(strategy, min_annualized_return, "0.10", 1000000000),
    BOOL(strategy, same_venue, "off"),
    ENUM(strategy, execution, "sequential", exec_names),
    ENUM(strategy, first_leg, "auto", leg_names),
    INT(strategy, second_leg_timeout_ms, "2000", 1, 600000),
    QTY(risk, max_contracts_per_pair, "100"),
    USD(risk, max_notional_per_pair, "50"),
    QTY(risk, max_contracts_per_venue, "500"),
    USD(risk, max_notional_per_venue, "250"),
    QTY(risk, max_contracts_total, "1000"),
    USD(risk, max_notional_total, "500"),
    INT(risk, max_open_orders, "20", 0, 100000),
    INT(risk, max_orders_per_second, "5", 0, 10000),
    USD(risk, daily_loss_limit, "25"),
    USD(risk, min_balance_kalshi, "0"),
    USD(risk, min_balance_polymarket, "0"),
    USD(risk, max_hedge_loss, "0.05"),
    INT(risk, max_one_legged, "3", 1, 1000),
    INT(risk, one_legged_window_s, "3600", 1, 86400 * 30),
    INT(risk, reconcile_seconds, "60", 1, 86400),
    STR(risk, kill_file, ""),
    ENUM(run, mode, "paper", mode_names),
    STR(run, http_listen, "127.0.0.1:9464"),
    INT(run, status_interval_s, "5", 1, 3600),
    INT_AUTO(run, executor_spin_us, "auto", -1, 10000000),
    ENUM(log, level, "info", level_names),
    INT(log, rate_limit_ms, "10000", 0, 3600000),
};
#define NKEYS ((int)(sizeof keys / sizeof keys[0]))
_Static_assert(sizeof keys / sizeof keys[0] <= sizeof ((pm_config *)0)->line / sizeof(int), "pm_config.line too small");

/* Environment variables that hold secrets: their names (any case) are refused as INI keys. */
static const char *const secret_names[] = {"kalshi_api_key_id", "kalshi_private_key_path", "poly_private_key",
                                           "poly_api_key", "poly_api_secret", "poly_api_passphrase",
                                           "poly_funder", "llm_api_key", "api_key", "private_key",
                                           "api_secret", "passphrase", NULL};

int pm_config_key_count(void) { return NKEYS; }

void pm_config_key_name(int i, const char **section, const char **key) {
    *section = keys[i].section;
    *key = keys[i].key;
}

static void *field(pm_config *cfg, const key_def *k) { return (char *)cfg + k->offset; }
static const void *cfield(const pm_config *cfg, const key_def *k) { return (const char *)cfg + k->offset; }

/* Parses text into the key's field; returns 0 or -1 with a reason naming the allowed form. */
static int set_value(pm_config *cfg, const key_def *k, const char *text, pm_err *err) {
    void *f = field(cfg, k);
    size_t len = strlen(text);
    switch (k->type) {
    case T_STR:
        if (len >= k->size) return pm_err_set(err, "value is too long (at most %zu characters)", k->size - 1);
        memcpy(f, text, len + 1);
        return 0;
    case T_INT: {
        static const pm_decimal_spec spec = {0, 0, 1, INT64_MIN + 1, INT64_MAX, "value"};
        int64_t v;
        if (k->names && !strcasecmp(text, "auto")) v = PM_CFG_AUTO;
        else if (pm_decimal_parse(text, len, &spec, &v, NULL) || v < k->min || v > k->max)
            return pm_err_set(err, "must be %sa whole number from %lld to %lld", k->names ? "auto or " : "", (long long)k->min,
                              (long long)k->max);
        *(int64_t *)f = v;
        return 0;
    }
    case T_BOOL: {
        static const char *const on[] = {"on", "true", "yes", "1"}, *const off[] = {"off", "false", "no", "0"};
        for (int i = 0; i < 4; i++) {
            if (!strcasecmp(text, on[i]) || !strcasecmp(text, off[i])) {
                *(int *)f = !strcasecmp(text, on[i]);
                return 0;
            }
        }
        return pm_err_set(err, "must be on or off");
    }
    case T_ENUM: {
        for (int i = 0; k->names[i]; i++) {
            if (!strcmp(text, k->names[i])) {
                *(int *)f = i;
                return 0;
            }
        }
        char allowed[256] = "";
        for (int i = 0; k->names[i]; i++) {
            strncat(allowed, i ? " | " : "", sizeof allowed - strlen(allowed) - 1);
            strncat(allowed, k->names[i], sizeof allowed - strlen(allowed) - 1);
        }
        return pm_err_set(err, "must be one of %s", allowed);
    }
    case T_USD:
    case T_QTY: {
        pm_decimal_spec spec = {6, 6, 0, 0, INT64_MAX, k->type == T_USD ? "amount in dollars" : "number of contracts"};
        pm_err perr;
        if (pm_decimal_parse(text, len, &spec, (int64_t *)f, &perr)) return pm_err_set(err, "%s", perr.msg);
        return 0;
    }
    case T_RATIO: {
        pm_decimal_spec spec = {6, 6, 0, k->min, k->max, "ratio"};
        pm_err perr;
        if (pm_decimal_parse(text, len, &spec, (int64_t *)f, &perr)) return pm_err_set(err, "%s", perr.msg);
        return 0;
    }
    }
    return pm_err_set(err, "unknown key type");
}

void pm_config_defaults(pm_config *cfg) {
    memset(cfg, 0, sizeof *cfg);
    for (int i = 0; i < NKEYS; i++) {
        pm_err err;
        if (set_value(cfg, &keys[i], keys[i].def, &err)) abort(); /* a broken table is a build bug */
    }
}

typedef struct load_ctx {
    pm_config *cfg;
    const char *path;
    FILE *f;
    int line;       /* lines read so far: the handler's key is on this line */
    int failed;
    pm_err *err;
} load_ctx;

static int known_section(const char *s) {
    for (int i = 0; i < NKEYS; i++)
        if (!strcmp(keys[i].section, s)) return 1;
    return 0;
}

/* inih's reader: fgets that counts lines, so that every error can name its line, and checks
 * section headers as they pass (inih reports a section only through its keys, so an unknown
 * empty section would otherwise go unnoticed). Returning NULL ends the parse. */
static char *read_line(char *buf, int size, void *stream) {
    load_ctx *ctx = stream;
    if (ctx->failed || !fgets(buf, size, ctx->f)) return NULL;
    ctx->line++;
    const char *p = buf + strspn(buf, " \t");
    if (*p == '[') {
        const char *end = strchr(p, ']');
        char name[64];
        int n = end ? (int)(end - p - 1) : -1;
        if (n < 0 || n >= (int)sizeof name) return buf; /* malformed: inih reports the line */
        memcpy(name, p + 1, (size_t)n);
        name[n] = '\0';
        if (!known_section(name)) {
            ctx->failed = 1;
            pm_err_set(ctx->err, "%s:%d: unknown section [%s]", ctx->path, ctx->line, name);
            return NULL;
        }
    }
    return buf;
}

static int on_key(void *user, const char *section, const char *name, const char *value) {
    load_ctx *ctx = user;
    if (ctx->failed) return 0;
    ctx->failed = 1;
    for (int i = 0; secret_names[i]; i++) {
        if (!strcasecmp(name, secret_names[i])) {
            pm_err_set(ctx->err, "%s:%d: [%s] %s: secrets are never read from the configuration file; set the "
                       "environment variable instead (see README.md)", ctx->path, ctx->line, section, name);
            return 0;
        }
    }
    if (!*section) {
        pm_err_set(ctx->err, "%s:%d: key '%s' is outside any section", ctx->path, ctx->line, name);
        return 0;
    }
    for (int i = 0; i < NKEYS; i++) {
        if (strcmp(keys[i].section, section) || strcmp(keys[i].key, name)) continue;
        if (ctx->cfg->line[i]) {
            pm_err_set(ctx->err, "%s:%d: [%s] %s is set twice (first on line %d)", ctx->path, ctx->line, section,
                       name, ctx->cfg->line[i]);
            return 0;
        }
        pm_err verr;
        if (set_value(ctx->cfg, &keys[i], value, &verr)) {
            pm_err_set(ctx->err, "%s:%d: [%s] %s = '%s': %s", ctx->path, ctx->line, section, name, value, verr.msg);
            return 0;
        }
        ctx->cfg->line[i] = ctx->line;
        ctx->failed = 0;
        return 1;
    }
    pm_err_set(ctx->err, "%s:%d: unknown key '%s' in [%s]", ctx->path, ctx->line, name, section);
    return 0;
}

int pm_config_load(pm_config *cfg, const char *path, pm_err *err) {
    pm_config_defaults(cfg);
    int explicit = path != NULL;
    if (!path) {
        path = "pmarb.ini";
        if (access(path, F_OK) != 0) return 0;
    }
    FILE *f = fopen(path, "r");
    if (!f) return pm_err_set(err, "cannot open configuration file %s: %s%s", path, strerror(errno),
                              explicit ? "" : " (remove it or fix its permissions)");
    if (strlen(path) >= sizeof cfg->source) {
        fclose(f);
        return pm_err_set(err, "configuration path is too long");
    }
    ini_allow_multiline = false; /* an indented line is a line of its own, never a continuation */
    load_ctx ctx = {cfg, path, f, 0, 0, err};
    int rc = ini_parse_stream(read_line, &ctx, on_key, &ctx);
    fclose(f);
    if (ctx.failed) return -1;
    if (rc > 0) return pm_err_set(err, "%s:%d: not a valid INI line (expected [section] or key = value)", path, rc);
    if (rc < 0) return pm_err_set(err, "cannot read configuration file %s", path);
    snprintf(cfg->source, sizeof cfg->source, "%s", path);
    return 0;
}

static int key_index(const char *section, const char *key) {
    for (int i = 0; i < NKEYS; i++)
        if (!strcmp(keys[i].section, section) && !strcmp(keys[i].key, key)) return i;
    return -1;
}

int pm_config_require(const pm_config *cfg, const char *section, const char *key, const char *for_what, pm_err *err) {
    int i = key_index(section, key);
    if (i < 0) return pm_err_set(err, "internal: no configuration key [%s] %s", section, key);
    if (keys[i].type == T_STR && *(const char *)cfield(cfg, &keys[i]) == '\0')
        return pm_err_set(err, "[%s] %s is required %s: set it in %s", section, key, for_what,
                          cfg->source[0] ? cfg->source : "pmarb.ini (see pmarb.example.ini)");
    return 0;
}

const char *pm_config_kalshi_rest_url(const pm_config *cfg) {
    if (cfg->kalshi.rest_url[0]) return cfg->kalshi.rest_url;
    return cfg->kalshi.env == PM_KALSHI_PROD ? "https://external-api.kalshi.com/trade-api/v2"
                                             : "https://external-api.demo.kalshi.co/trade-api/v2";
}

const char *pm_config_kalshi_ws_url(const pm_config *cfg) {
    if (cfg->kalshi.ws_url[0]) return cfg->kalshi.ws_url;
    return cfg->kalshi.env == PM_KALSHI_PROD ? "wss://external-api-ws.kalshi.com/trade-api/ws/v2"
                                             : "wss://external-api-ws.demo.kalshi.co/trade-api/ws/v2";
}

/* The key's effective value as it would be written in the file. */
static void value_text(const pm_config *cfg, const key_def *k, char *out, size_t n) {
    const void *f = cfield(cfg, k);
    switch (k->type) {
    case T_STR: snprintf(out, n, "%s", (const char *)f); break;
    case T_INT:
        if (k->names && *(const int64_t *)f == PM_CFG_AUTO) snprintf(out, n, "auto");
        else snprintf(out, n, "%lld", (long long)*(const int64_t *)f);
        break;
    case T_BOOL: snprintf(out, n, "%s", *(const int *)f ? "on" : "off"); break;
    case T_ENUM: snprintf(out, n, "%s", k->names[*(const int *)f]); break;
    default: pm_fixed_format_exact(*(const int64_t *)f, 0, out, n); break;
    }
}

static void origin_text(const pm_config *cfg, int i, char *out, size_t n) {
    if (cfg->line[i]) snprintf(out, n, "%s:%d", cfg->source, cfg->line[i]);
    else snprintf(out, n, "default");
}

void pm_config_print(const pm_config *cfg, FILE *f) {
    fprintf(f, "# configuration: %s\n", cfg->source[0] ? cfg->source : "built-in defaults (no pmarb.ini)");
    const char *section = "";
    for (int i = 0; i < NKEYS; i++) {
        if (strcmp(section, keys[i].section)) {
            section = keys[i].section;
            fprintf(f, "%s[%s]\n", i ? "\n" : "", section);
        }
        char v[PM_CFG_STR_MAX], from[PM_CFG_STR_MAX + 16];
        value_text(cfg, &keys[i], v, sizeof v);
        origin_text(cfg, i, from, sizeof from);
        fprintf(f, "%-24s = %-40s ; %s\n", keys[i].key, v, from);
    }
    fprintf(f, "\n# effective Kalshi URLs: %s  %s\n", pm_config_kalshi_rest_url(cfg), pm_config_kalshi_ws_url(cfg));
}

json_t *pm_config_json(const pm_config *cfg) {
    json_t *doc = json_object(), *sections = json_object();
    json_object_set_new(doc, "file", cfg->source[0] ? json_string(cfg->source) : json_null());
    for (int i = 0; i < NKEYS; i++) {
        json_t *sec = json_object_get(sections, keys[i].section);
        if (!sec) {
            sec = json_object();
            json_object_set_new(sections, keys[i].section, sec);
        }
        char v[PM_CFG_STR_MAX], from[PM_CFG_STR_MAX + 16];
        value_text(cfg, &keys[i], v, sizeof v);
        origin_text(cfg, i, from, sizeof from);
        json_t *entry = json_object();
        json_object_set_new(entry, "value", json_string(v));
        json_object_set_new(entry, "from", json_string(from));
        json_object_set_new(sec, keys[i].key, entry);
    }
    json_object_set_new(doc, "sections", sections);
    json_t *urls = json_object();
    json_object_set_new(urls, "kalshi_rest", json_string(pm_config_kalshi_rest_url(cfg)));
    json_object_set_new(urls, "kalshi_ws", json_string(pm_config_kalshi_ws_url(cfg)));
    json_object_set_new(doc, "effective", urls);
    return doc;
}
