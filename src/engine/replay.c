/* replay.c — a recording through the production path (see replay.h). */
#include "engine/replay.h"

#include "engine/engine.h"
#include "engine/recorder.h"

#include <string.h>

static int64_t le64(const char *p) {
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v |= (uint64_t)(unsigned char)p[i] << (8 * i);
    return (int64_t)v;
}

/* Applies one feed input as the sockets did. */
static void apply(pm_feeds *f, const pm_rec_entry *r) {
    switch (r->type) {
    case PM_RT_CONNECTED: pm_feeds_connected(f, r->venue, r->conn, r->t_ns); break;
    case PM_RT_DISCONNECTED: pm_feeds_disconnected(f, r->venue, r->conn, r->t_ns); break;
    case PM_RT_FRAME: pm_feeds_frame(f, r->venue, r->conn, r->data, r->len, r->t_ns); break;
    case PM_RT_TICK: pm_feeds_tick(f, r->conn, r->t_ns); break;
    default: break;
    }
    size_t len; /* commands would go to the venue: a replay sends nothing */
    if (r->venue == PM_VENUE_KALSHI) while (pm_feeds_next_command(f, PM_VENUE_KALSHI, 0, &len)) {}
    else while (pm_feeds_next_command(f, PM_VENUE_POLYMARKET, r->conn, &len)) {}
}

int pm_replay(const pm_config *cfg, const char *path, FILE *out, pm_replay_stats *st, pm_err *err) {
    memset(st, 0, sizeof *st);
    pm_rec_reader rd;
    if (pm_rec_reader_open(&rd, path, err)) return -1;
    pm_pair_cache *pairs = pm_pair_cache_new(16);
    pm_engine *e = NULL;
    int64_t offset = 0;
    int rc = pairs ? 0 : pm_err_set(err, "out of memory");
    pm_rec_entry r;
    int got;
    while (!rc && (got = pm_rec_reader_next(&rd, &r, err)) != 0) {
        if (got < 0) {
            rc = -1;
            break;
        }
        st->records++;
        if (r.type == PM_RT_CLOCK) {
            if (r.len == 8) offset = le64(r.data) - r.t_ns;
            continue;
        }
        if (r.type == PM_RT_PAIR) {
            if (e) continue; /* pairs come first; a later one is not part of this run */
            if (pm_recording_pair_add(pairs, r.data, r.len, err) < 0) rc = -1;
            continue;
        }
        if (!e) {
            if (pm_pair_cache_finish(pairs, err)) {
                rc = -1;
                break;
            }
            pm_pair_cache *given = pairs;
            pairs = NULL; /* the engine takes the cache over, even when it fails */
            if (pm_engine_new(cfg, given, NULL, 2 * pm_pair_cache_count(given), &e, err)) {
                rc = -1;
                break;
            }
            pm_engine_set_clock_offset(e, offset);
        }
        if (r.type == PM_RT_FRAME) st->frames++;
        apply(pm_engine_feeds(e), &r);
    }
    st->truncated = rd.truncated;
    pm_rec_reader_close(&rd);
    if (!rc && !e) rc = pm_err_set(err, "%s holds no feed input", path);
    if (!rc) pm_engine_summary(e, out);
    pm_engine_free(e);
    pm_pair_cache_free(pairs);
    return rc;
}
