/* recorder.h — recordings of the feeds' raw inputs, and the file format they use.
 *
 * File: the 8 bytes "PMREC01\n", then records, each a 16-byte little-endian header
 *   u8 type | u8 venue (0 kalshi, 1 polymarket) | u16 conn | u32 len | i64 t_ns
 * followed by len payload bytes. t_ns is the monotonic receive time. Types:
 *   1 PAIR          payload: one approved pair as a JSON object (pm_recording_pair_json)
 *   2 CONNECTED     the connection opened
 *   3 DISCONNECTED  the connection dropped
 *   4 FRAME         payload: the text frame exactly as received (len 0: an oversized one was dropped)
 *   5 TICK          the Polymarket timers of conn ran
 *   6 CLOCK         payload: i64 wall-clock Unix ns at t_ns (maps recorded times to dates)
 * The file is append-only; a reader stops at the first incomplete record and reports the
 * truncated tail instead of failing, so a recording cut short by a crash still replays.
 *
 * Writing: the feed thread copies each record into a lock-free single-producer ring (no
 * allocation, no locks, no I/O; a full ring drops the record and counts it); a thread of the
 * recorder writes the ring to the file and flushes it. */
#ifndef PM_ENGINE_RECORDER_H
#define PM_ENGINE_RECORDER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/feeds.h"
#include "engine/pair_cache.h"

#define PM_REC_MAGIC "PMREC01\n"
#define PM_REC_MAGIC_LEN 8
#define PM_REC_HEADER 16

typedef enum pm_rec_type {
    PM_RT_PAIR = 1,
    PM_RT_CONNECTED = PM_IN_CONNECTED,
    PM_RT_DISCONNECTED = PM_IN_DISCONNECTED,
    PM_RT_FRAME = PM_IN_FRAME,
    PM_RT_TICK = PM_IN_TICK,
    PM_RT_CLOCK = 6,
} pm_rec_type;

typedef struct pm_recorder pm_recorder;

typedef struct pm_recorder_stats {
    uint64_t records, frames, bytes; /* accepted into the ring */
    uint64_t dropped;                /* refused: the ring was full */
    uint64_t written;                /* bytes written to the file */
    int write_error;                 /* errno of the first failed write, 0 */
} pm_recorder_stats;

/* Creates path (truncating it), writes the magic, a CLOCK record and one PAIR record per
 * pair of the cache, and starts the writing thread. ring_bytes is rounded up to a power of two. */
int pm_recorder_open(const char *path, size_t ring_bytes, const pm_pair_cache *pairs, pm_recorder **out, pm_err *err);
/* A pm_feed_tap: records one input. Feed thread only. */
void pm_recorder_tap(void *user, pm_feed_input kind, pm_venue venue, int conn, const char *text, size_t len, int64_t now_ns);
void pm_recorder_get_stats(pm_recorder *r, pm_recorder_stats *out);
/* Writes everything queued, stops the thread, closes the file and frees r. 0, or -1 when a
 * write failed (err says why). */
int pm_recorder_close(pm_recorder *r, pm_recorder_stats *final, pm_err *err);

/* One pair as the JSON text of a PAIR record (into buf, size n): its length, or -1. */
int pm_recording_pair_json(const pm_pair *p, char *buf, size_t n);
/* Adds the pair of a PAIR record's JSON to a cache being built: 0, 1 skipped, -1 unreadable. */
int pm_recording_pair_add(pm_pair_cache *c, const char *json, size_t len, pm_err *err);

/* Reading. */
typedef struct pm_rec_reader {
    FILE *f;
    char *buf;
    size_t cap;
    uint64_t offset;   /* bytes consumed */
    uint64_t truncated; /* bytes of an incomplete last record (0 when the file ends cleanly) */
} pm_rec_reader;

typedef struct pm_rec_entry {
    pm_rec_type type;
    pm_venue venue;
    int conn;
    int64_t t_ns;
    const char *data; /* valid until the next read */
    size_t len;
} pm_rec_entry;

int pm_rec_reader_open(pm_rec_reader *r, const char *path, pm_err *err);
/* 1 with the next record, 0 at the end (see truncated), -1 on a corrupt record (err). */
int pm_rec_reader_next(pm_rec_reader *r, pm_rec_entry *e, pm_err *err);
void pm_rec_reader_close(pm_rec_reader *r);

#endif
