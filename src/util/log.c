/* log.c — logfmt logging with secret redaction and repeat suppression (see log.h).
 *
 * Redaction happens twice: values of keys whose names say they are secret are never printed
 * (their name contains secret, passphrase, private_key, signature, password or authorization,
 * or is api_key), and every registered secret value is replaced wherever it appears in the
 * finished line — msg, values, even inside a longer value. Suppression: a warn/error line
 * identical (apart from its timestamp) to one printed less than the window ago is counted
 * instead of printed; the next time it gets through it carries repeated=N, and
 * pm_log_flush_suppressed() reports what is still pending. */
#define _GNU_SOURCE /* strcasestr */
#include "util/log.h"

#include "util/clock.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_LEN 4096
#define MAX_SECRETS 16
#define SUPPRESS_SLOTS 256
#define REDACTED "[redacted]"

typedef struct suppressed {
    uint64_t hash;           /* 0 = free slot */
    int64_t last_emit_ns;
    uint64_t count;          /* repeats swallowed since last_emit_ns */
    pm_log_level level;
    char body[512];          /* the line without its timestamp, for the flush report */
} suppressed;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pm_log_level min_level = PM_LOG_INFO;
static FILE *stream;
static int64_t window_ns = 10000LL * 1000000LL;
static char *secrets[MAX_SECRETS];
static int nsecrets;
static suppressed slots[SUPPRESS_SLOTS];

static const char *const level_names[] = {"debug", "info", "warn", "error"};

const char *pm_log_level_name(pm_log_level level) { return level_names[(unsigned)level & 3]; }

int pm_log_level_parse(const char *s, pm_log_level *out) {
    for (int i = 0; i < 4; i++) {
        if (s && strcmp(s, level_names[i]) == 0) {
            *out = (pm_log_level)i;
            return 0;
        }
    }
    return -1;
}

void pm_log_set_level(pm_log_level level) { min_level = level; }
pm_log_level pm_log_get_level(void) { return min_level; }
void pm_log_set_stream(FILE *f) { stream = f; }
void pm_log_set_rate_window_ms(int64_t ms) { window_ns = ms * 1000000LL; }

void pm_log_register_secret(const char *value) {
    if (!value || strlen(value) < 4) return;
    pthread_mutex_lock(&lock);
    int known = 0;
    for (int i = 0; i < nsecrets; i++) known |= strcmp(secrets[i], value) == 0;
    if (!known && nsecrets < MAX_SECRETS) secrets[nsecrets++] = strdup(value);
    pthread_mutex_unlock(&lock);
}

void pm_log_clear_secrets(void) {
    pthread_mutex_lock(&lock);
    for (int i = 0; i < nsecrets; i++) {
        memset(secrets[i], 0, strlen(secrets[i]));
        free(secrets[i]);
    }
    nsecrets = 0;
    pthread_mutex_unlock(&lock);
}

static int secret_key(const char *key) {
    static const char *const parts[] = {"secret", "passphrase", "private_key", "signature", "password",
                                        "authorization"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        if (strcasestr(key, parts[i])) return 1;
    return strcasecmp(key, "api_key") == 0;
}

typedef struct out {
    char *buf;
    size_t len, cap;
} out;

static void put(out *o, const char *s, size_t n) {
    if (o->len + n >= o->cap) n = o->cap - 1 - o->len;
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = '\0';
}

static void puts_(out *o, const char *s) { put(o, s, strlen(s)); }

/* A logfmt value: bare when it is plain, else quoted with escapes. */
static void put_value(out *o, const char *v) {
    int quote = *v == '\0';
    for (const unsigned char *p = (const unsigned char *)v; *p && !quote; p++)
        quote = *p <= ' ' || *p == '=' || *p == '"' || *p == '\\' || *p == 0x7f;
    if (!quote) {
        puts_(o, v);
        return;
    }
    put(o, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        char esc[8];
        switch (*p) {
        case '"': puts_(o, "\\\""); break;
        case '\\': puts_(o, "\\\\"); break;
        case '\n': puts_(o, "\\n"); break;
        case '\r': puts_(o, "\\r"); break;
        case '\t': puts_(o, "\\t"); break;
        default:
            if (*p < 0x20 || *p == 0x7f) {
                snprintf(esc, sizeof esc, "\\x%02x", *p);
                puts_(o, esc);
            } else {
                put(o, (const char *)p, 1);
            }
        }
    }
    put(o, "\"", 1);
}

/* Replaces every registered secret in s (in place, within cap). Caller holds the lock. */
static void redact(char *s, size_t cap) {
    for (int i = 0; i < nsecrets; i++) {
        size_t sl = strlen(secrets[i]), rl = strlen(REDACTED);
        char *hit;
        while ((hit = strstr(s, secrets[i])) != NULL) {
            size_t tail = strlen(hit + sl);
            if ((size_t)(hit - s) + rl + tail >= cap) tail = cap - 1 - (size_t)(hit - s) - rl;
            memmove(hit + rl, hit + sl, tail);
            memcpy(hit, REDACTED, rl);
            hit[rl + tail] = '\0';
        }
    }
}

/* A scale-6 fixed-point value, exact, with at least min_dec decimals. */
static void fixed_text(int64_t v, int min_dec, char *buf, size_t n) {
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    unsigned long long whole = mag / 1000000, frac = mag % 1000000;
    int dec = 6;
    while (dec > min_dec && dec > 0 && frac % 10 == 0) {
        frac /= 10;
        dec--;
    }
    if (dec > 0) snprintf(buf, n, "%s%llu.%0*llu", v < 0 ? "-" : "", whole, dec, frac);
    else snprintf(buf, n, "%s%llu", v < 0 ? "-" : "", whole);
}

static uint64_t fnv1a(const char *s) {
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h ? h : 1;
}

static void emit(int64_t wall_ns, const char *body, uint64_t repeated) {
    char ts[PM_ISO_TIME_LEN];
    pm_iso_time(wall_ns, ts);
    FILE *f = stream ? stream : stderr;
    if (repeated) fprintf(f, "ts=%s %s repeated=%llu\n", ts, body, (unsigned long long)repeated);
    else fprintf(f, "ts=%s %s\n", ts, body);
    fflush(f);
}

void pm_log_kv(pm_log_level level, const char *mod, const char *msg, const pm_kv *kv, int nkv) {
    if (level < min_level) return;
    char body[LINE_MAX_LEN];
    out o = {body, 0, sizeof body};
    body[0] = '\0';
    puts_(&o, "level=");
    puts_(&o, pm_log_level_name(level));
    puts_(&o, " mod=");
    put_value(&o, mod ? mod : "-");
    puts_(&o, " msg=");
    put_value(&o, msg ? msg : "");
    for (int i = 0; i < nkv; i++) {
        char num[32];
        const char *v = num;
        put(&o, " ", 1);
        puts_(&o, kv[i].key);
        put(&o, "=", 1);
        if (secret_key(kv[i].key)) v = REDACTED;
        else if (kv[i].type == PM_KV_STR) v = kv[i].v.s ? kv[i].v.s : "";
        else if (kv[i].type == PM_KV_INT) snprintf(num, sizeof num, "%lld", (long long)kv[i].v.i);
        else fixed_text(kv[i].v.i, kv[i].decimals, num, sizeof num);
        put_value(&o, v);
    }
    int64_t now = pm_wall_ns();
    pthread_mutex_lock(&lock);
    redact(body, sizeof body);
    uint64_t repeated = 0;
    if (level >= PM_LOG_WARN && window_ns > 0) {
        uint64_t h = fnv1a(body);
        suppressed *s = &slots[h % SUPPRESS_SLOTS];
        if (s->hash == h && strncmp(s->body, body, sizeof s->body - 1) == 0 && now - s->last_emit_ns < window_ns) {
            s->count++;
            pthread_mutex_unlock(&lock);
            return;
        }
        if (s->hash == h) repeated = s->count;
        else if (s->hash && s->count) emit(now, s->body, s->count); /* evicted: report it now */
        s->hash = h;
        s->last_emit_ns = now;
        s->count = 0;
        s->level = level;
        snprintf(s->body, sizeof s->body, "%.511s", body);
    }
    emit(now, body, repeated);
    pthread_mutex_unlock(&lock);
}

void pm_log_flush_suppressed(void) {
    int64_t now = pm_wall_ns();
    pthread_mutex_lock(&lock);
    for (int i = 0; i < SUPPRESS_SLOTS; i++) {
        if (slots[i].hash && slots[i].count) emit(now, slots[i].body, slots[i].count);
        slots[i].hash = 0;
        slots[i].count = 0;
    }
    pthread_mutex_unlock(&lock);
}
