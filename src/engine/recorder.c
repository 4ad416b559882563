/* recorder.c — recordings of the feeds' raw inputs (see recorder.h). */
#include "engine/recorder.h"

#include "util/clock.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct pm_recorder {
    FILE *f;
    unsigned char *ring;
    uint64_t mask;
    _Atomic uint64_t head, tail; /* bytes produced, bytes consumed */
    atomic_int stopping;
    pthread_t thread;
    int started;
    /* producer-side counters (feed thread), read by get_stats as a snapshot */
    _Atomic uint64_t records, frames, bytes, dropped;
    _Atomic uint64_t written;
    atomic_int write_error;
};

static void put_le(unsigned char *p, uint64_t v, int n) {
    for (int i = 0; i < n; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void ring_copy(pm_recorder *r, uint64_t at, const void *src, size_t n) {
    size_t off = (size_t)(at & r->mask), first = n < r->mask + 1 - off ? n : (size_t)(r->mask + 1 - off);
    memcpy(r->ring + off, src, first);
    if (n > first) memcpy(r->ring, (const unsigned char *)src + first, n - first);
}

/* Lock-free single producer: the record is copied whole, or dropped and counted. */
static int put(pm_recorder *r, pm_rec_type type, pm_venue venue, int conn, int64_t t, const void *data, size_t len) {
    uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    uint64_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
    uint64_t need = PM_REC_HEADER + (uint64_t)len;
    if (len > UINT32_MAX || need > r->mask + 1 - (head - tail)) {
        atomic_fetch_add_explicit(&r->dropped, 1, memory_order_relaxed);
        return -1;
    }
    unsigned char h[PM_REC_HEADER];
    h[0] = (unsigned char)type;
    h[1] = (unsigned char)venue;
    put_le(h + 2, (uint16_t)conn, 2);
    put_le(h + 4, (uint32_t)len, 4);
    put_le(h + 8, (uint64_t)t, 8);
    ring_copy(r, head, h, sizeof h);
    if (len) ring_copy(r, head + sizeof h, data, len);
    atomic_store_explicit(&r->head, head + need, memory_order_release);
    atomic_fetch_add_explicit(&r->records, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&r->bytes, need, memory_order_relaxed);
    if (type == PM_RT_FRAME) atomic_fetch_add_explicit(&r->frames, 1, memory_order_relaxed);
    return 0;
}

static void write_out(pm_recorder *r, const unsigned char *p, size_t n) {
    if (atomic_load(&r->write_error)) return;
    if (fwrite(p, 1, n, r->f) != n) atomic_store(&r->write_error, errno ? errno : EIO);
    else atomic_fetch_add_explicit(&r->written, n, memory_order_relaxed);
}

/* Drains what the ring holds; 1 when it wrote something. */
static int drain(pm_recorder *r) {
    uint64_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    uint64_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    if (head == tail) return 0;
    size_t off = (size_t)(tail & r->mask), n = (size_t)(head - tail);
    size_t first = n < r->mask + 1 - off ? n : (size_t)(r->mask + 1 - off);
    write_out(r, r->ring + off, first);
    if (n > first) write_out(r, r->ring, n - first);
    atomic_store_explicit(&r->tail, head, memory_order_release);
    if (fflush(r->f) && !atomic_load(&r->write_error)) atomic_store(&r->write_error, errno ? errno : EIO);
    return 1;
}

static void *run(void *arg) {
    pm_recorder *r = arg;
    const struct timespec nap = {0, 2000000};
    for (;;) {
        int stopping = atomic_load(&r->stopping);
        if (!drain(r)) {
            if (stopping) break;
            nanosleep(&nap, NULL);
        }
    }
    return NULL;
}

int pm_recording_pair_json(const pm_pair *p, char *buf, size_t n) {
    char kc[PM_ISO_TIME_LEN], pc[PM_ISO_TIME_LEN];
    pm_iso_time(p->kalshi.close_ns, kc);
    pm_iso_time(p->polymarket.close_ns, pc);
    json_t *o = json_pack("{s:s, s:s, s:{s:s, s:s, s:s?, s:I, s:I, s:s, s:I}, s:{s:s, s:s, s:s, s:s, s:s?, s:I, s:I, s:I, s:b}}",
                          "id", p->id, "polarity", pm_polarity_name(p->polarity), "kalshi", "market_id", p->kalshi.market_id,
                          "ticker", p->kalshi.ticker, "close_time", p->kalshi.close_ns ? kc : NULL, "tick_size",
                          (json_int_t)p->kalshi.tick_size, "min_order_size", (json_int_t)p->kalshi.min_order_size,
                          "fee_type", p->kalshi.fee_type, "fee_multiplier", (json_int_t)p->kalshi.fee_multiplier,
                          "polymarket", "market_id", p->polymarket.market_id, "condition_id", p->polymarket.condition_id,
                          "token_yes", p->polymarket.token_yes, "token_no", p->polymarket.token_no, "close_time",
                          p->polymarket.close_ns ? pc : NULL, "tick_size", (json_int_t)p->polymarket.tick_size,
                          "min_order_size", (json_int_t)p->polymarket.min_order_size, "fee_rate_bps",
                          (json_int_t)p->polymarket.fee_rate_bps, "neg_risk", p->polymarket.neg_risk);
    if (!o) return -1;
    char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!text) return -1;
    size_t len = strlen(text);
    int rc = len < n ? (int)len : -1;
    if (rc >= 0) memcpy(buf, text, len + 1);
    free(text);
    return rc;
}

int pm_recording_pair_add(pm_pair_cache *c, const char *json, size_t len, pm_err *err) {
    json_error_t je;
    json_t *o = json_loadb(json, len, 0, &je);
    if (!o) return pm_err_set(err, "PAIR record: %s", je.text);
    pm_match_row row;
    memset(&row, 0, sizeof row);
    pm_market_init(&row.kalshi, PM_VENUE_KALSHI);
    pm_market_init(&row.polymarket, PM_VENUE_POLYMARKET);
    const char *id = NULL, *pol = NULL, *kid = NULL, *pid = NULL, *kft = NULL;
    json_int_t ktick, kmin, kmult, ptick, pmin, prate;
    int neg = 0;
    int rc = json_unpack_ex(o, &je, 0,
                            "{s:s, s:s, s:{s:s, s:s, s?s, s:I, s:I, s:s, s:I}, s:{s:s, s:s, s:s, s:s, s?s, s:I, s:I, s:I, s:b}}",
                            "id", &id, "polarity", &pol, "kalshi", "market_id", &kid, "ticker",
                            &row.kalshi.platform_market_id, "close_time", &row.kalshi.close_time, "tick_size", &ktick,
                            "min_order_size", &kmin, "fee_type", &kft, "fee_multiplier", &kmult, "polymarket",
                            "market_id", &pid, "condition_id", &row.polymarket.platform_market_id, "token_yes",
                            &row.polymarket.outcome_yes_id, "token_no", &row.polymarket.outcome_no_id, "close_time",
                            &row.polymarket.close_time, "tick_size", &ptick, "min_order_size", &pmin, "fee_rate_bps",
                            &prate, "neg_risk", &neg);
    if (rc || strlen(id) >= sizeof row.id || strlen(kid) >= sizeof row.kalshi.id || strlen(pid) >= sizeof row.polymarket.id ||
        pm_polarity_parse(pol, &row.polarity)) {
        json_decref(o);
        return pm_err_set(err, "PAIR record: %s", rc ? je.text : "bad id or polarity");
    }
    snprintf(row.id, sizeof row.id, "%s", id);
    snprintf(row.kalshi.id, sizeof row.kalshi.id, "%s", kid);
    snprintf(row.polymarket.id, sizeof row.polymarket.id, "%s", pid);
    row.status = PM_MATCH_APPROVED;
    row.kalshi.fee_type = kft;
    row.kalshi.tick_size = ktick;
    row.kalshi.min_order_size = kmin;
    row.kalshi.fee_multiplier = kmult;
    row.polymarket.tick_size = ptick;
    row.polymarket.min_order_size = pmin;
    row.polymarket.fee_rate_bps = prate;
    row.polymarket.neg_risk = neg;
    rc = pm_pair_cache_add(c, &row, err);
    json_decref(o);
    return rc;
}

int pm_recorder_open(const char *path, size_t ring_bytes, const pm_pair_cache *pairs, pm_recorder **out, pm_err *err) {
    *out = NULL;
    pm_recorder *r = calloc(1, sizeof *r);
    if (!r) return pm_err_set(err, "out of memory");
    uint64_t cap = 4096;
    while (cap < ring_bytes) cap <<= 1;
    r->mask = cap - 1;
    if (!(r->ring = malloc(cap))) {
        free(r);
        return pm_err_set(err, "out of memory");
    }
    if (!(r->f = fopen(path, "wb"))) {
        int e = errno;
        free(r->ring);
        free(r);
        return pm_err_set(err, "cannot create %s: %s", path, strerror(e));
    }
    if (fwrite(PM_REC_MAGIC, 1, PM_REC_MAGIC_LEN, r->f) != PM_REC_MAGIC_LEN) atomic_store(&r->write_error, errno ? errno : EIO);
    int64_t mono = pm_mono_ns();
    unsigned char wall[8];
    put_le(wall, (uint64_t)pm_wall_ns(), 8);
    put(r, PM_RT_CLOCK, PM_VENUE_KALSHI, 0, mono, wall, sizeof wall);
    char json[2048];
    for (size_t i = 0; i < pm_pair_cache_count(pairs); i++) {
        const pm_pair *p = pm_pair_cache_at(pairs, i);
        int n = pm_recording_pair_json(p, json, sizeof json);
        if (n < 0 || put(r, PM_RT_PAIR, PM_VENUE_KALSHI, 0, mono, json, (size_t)n)) {
            pm_recorder_close(r, NULL, NULL);
            return pm_err_set(err, "cannot record pair %s", p->id);
        }
    }
    if (pthread_create(&r->thread, NULL, run, r)) {
        pm_recorder_close(r, NULL, NULL);
        return pm_err_set(err, "cannot start the recording thread");
    }
    r->started = 1;
    *out = r;
    return 0;
}

void pm_recorder_tap(void *user, pm_feed_input kind, pm_venue venue, int conn, const char *text, size_t len, int64_t now_ns) {
    put(user, (pm_rec_type)kind, venue, conn, now_ns, text, kind == PM_IN_FRAME ? len : 0);
}

void pm_recorder_get_stats(pm_recorder *r, pm_recorder_stats *out) {
    out->records = atomic_load(&r->records);
    out->frames = atomic_load(&r->frames);
    out->bytes = atomic_load(&r->bytes);
    out->dropped = atomic_load(&r->dropped);
    out->written = atomic_load(&r->written);
    out->write_error = atomic_load(&r->write_error);
}

int pm_recorder_close(pm_recorder *r, pm_recorder_stats *final, pm_err *err) {
    atomic_store(&r->stopping, 1);
    if (r->started) pthread_join(r->thread, NULL);
    else drain(r);
    if (fclose(r->f) && !atomic_load(&r->write_error)) atomic_store(&r->write_error, errno ? errno : EIO);
    pm_recorder_stats st;
    pm_recorder_get_stats(r, &st);
    if (final) *final = st;
    free(r->ring);
    free(r);
    if (st.write_error) return err ? pm_err_set(err, "recording write failed: %s", strerror(st.write_error)) : -1;
    return 0;
}

int pm_rec_reader_open(pm_rec_reader *r, const char *path, pm_err *err) {
    memset(r, 0, sizeof *r);
    if (!(r->f = fopen(path, "rb"))) return pm_err_set(err, "cannot open %s: %s", path, strerror(errno));
    char magic[PM_REC_MAGIC_LEN];
    if (fread(magic, 1, sizeof magic, r->f) != sizeof magic || memcmp(magic, PM_REC_MAGIC, sizeof magic)) {
        fclose(r->f);
        r->f = NULL;
        return pm_err_set(err, "%s is not a pmarb recording", path);
    }
    r->offset = PM_REC_MAGIC_LEN;
    return 0;
}

int pm_rec_reader_next(pm_rec_reader *r, pm_rec_entry *e, pm_err *err) {
    unsigned char h[PM_REC_HEADER];
    size_t got = fread(h, 1, sizeof h, r->f);
    if (got < sizeof h) {
        r->truncated = got;
        return 0;
    }
    size_t len = (size_t)get_le(h + 4, 4);
    if (len + 1 > r->cap) {
        size_t cap = r->cap ? r->cap : 65536;
        while (cap < len + 1) cap *= 2;
        char *b = realloc(r->buf, cap);
        if (!b) return pm_err_set(err, "out of memory");
        r->buf = b;
        r->cap = cap;
    }
    got = len ? fread(r->buf, 1, len, r->f) : 0;
    if (got < len) {
        r->truncated = sizeof h + got;
        return 0;
    }
    r->buf[len] = '\0';
    if (h[0] < PM_RT_PAIR || h[0] > PM_RT_CLOCK || h[1] > PM_VENUE_POLYMARKET)
        return pm_err_set(err, "corrupt record at byte %llu (type %u, venue %u)", (unsigned long long)r->offset, h[0], h[1]);
    r->offset += sizeof h + len;
    e->type = (pm_rec_type)h[0];
    e->venue = (pm_venue)h[1];
    e->conn = (int)get_le(h + 2, 2);
    e->t_ns = (int64_t)get_le(h + 8, 8);
    e->data = r->buf;
    e->len = len;
    return 1;
}

void pm_rec_reader_close(pm_rec_reader *r) {
    if (r->f) fclose(r->f);
    free(r->buf);
    memset(r, 0, sizeof *r);
}
