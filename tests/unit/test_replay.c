/* test_replay.c — recordings and replay: the record layout byte for byte, pairs surviving the
 * round trip, a truncated tail tolerated, a corrupt record refused; and a session recorded
 * from `pmarb sim` (tests/fixtures/run/) replayed through the production path to its exact
 * summary, twice. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/recorder.h"
#include "store/markets.h"
#include "testutil.h"
#include "util/log.h"

static pm_pair_cache *one_pair(void) {
    pm_match_row r;
    memset(&r, 0, sizeof r);
    snprintf(r.id, sizeof r.id, "0192f0c4-0000-7000-8000-000000000001");
    r.status = PM_MATCH_APPROVED;
    r.polarity = PM_POLARITY_INVERTED;
    pm_market_init(&r.kalshi, PM_VENUE_KALSHI);
    pm_market_init(&r.polymarket, PM_VENUE_POLYMARKET);
    snprintf(r.kalshi.id, sizeof r.kalshi.id, "k-market");
    snprintf(r.polymarket.id, sizeof r.polymarket.id, "p-market");
    r.kalshi.platform_market_id = "KXGOVSHUT-26DEC-Y0";
    r.kalshi.close_time = "2026-12-31T23:59:00Z";
    r.kalshi.tick_size = -1;
    r.kalshi.min_order_size = -1;
    r.kalshi.fee_type = "quadratic";
    r.kalshi.fee_multiplier = 1000000;
    r.polymarket.platform_market_id = "0xaa36";
    r.polymarket.outcome_yes_id = "111";
    r.polymarket.outcome_no_id = "222";
    r.polymarket.close_time = "2026-12-31T23:59:00Z";
    r.polymarket.tick_size = 10000;
    r.polymarket.min_order_size = 5000000;
    r.polymarket.fee_rate_bps = 400;
    pm_pair_cache *c = pm_pair_cache_new(1);
    pm_err err;
    assert_int_equal(pm_pair_cache_add(c, &r, &err), 0);
    assert_int_equal(pm_pair_cache_finish(c, &err), 0);
    return c;
}

static char *read_all(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    rewind(f);
    char *b = malloc(*len + 1);
    assert_int_equal(fread(b, 1, *len, f), *len);
    fclose(f);
    return b;
}

static void write_all(const char *path, const char *b, size_t len) {
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b, 1, len, f), len);
    fclose(f);
}

static void test_round_trip(void **state) {
    (void)state;
    char *dir = pm_test_tmpdir(), *path = pm_test_path(dir, "r.pmrec"), *cut = pm_test_path(dir, "cut.pmrec");
    pm_pair_cache *c = one_pair();
    pm_recorder *r;
    pm_err err;
    assert_int_equal(pm_recorder_open(path, 1 << 16, c, &r, &err), 0);
    pm_recorder_tap(r, PM_IN_CONNECTED, PM_VENUE_KALSHI, 0, NULL, 0, 100);
    pm_recorder_tap(r, PM_IN_FRAME, PM_VENUE_POLYMARKET, 3, "[{\"x\":1}]", 9, 0x0102030405060708LL);
    pm_recorder_tap(r, PM_IN_TICK, PM_VENUE_POLYMARKET, 3, NULL, 0, 300);
    pm_recorder_tap(r, PM_IN_DISCONNECTED, PM_VENUE_KALSHI, 0, NULL, 0, 400);
    pm_recorder_stats st;
    assert_int_equal(pm_recorder_close(r, &st, &err), 0);
    assert_int_equal(st.records, 6); /* CLOCK, PAIR, four inputs */
    assert_int_equal(st.frames, 1);
    assert_int_equal(st.dropped, 0);

    size_t len;
    char *bytes = read_all(path, &len);
    assert_int_equal(len, PM_REC_MAGIC_LEN + st.bytes);
    assert_memory_equal(bytes, "PMREC01\n", 8);
    /* the FRAME record is the last but two: header then the text */
    static const unsigned char frame_hdr[16] = {4, 1, 3, 0, 9, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1};
    const char *tail = bytes + len - 3 * 16 - 9;
    assert_memory_equal(tail, frame_hdr, 16);
    assert_memory_equal(tail + 16, "[{\"x\":1}]", 9);

    pm_rec_reader rd;
    pm_rec_entry e;
    assert_int_equal(pm_rec_reader_open(&rd, path, &err), 0);
    assert_int_equal(pm_rec_reader_next(&rd, &e, &err), 1);
    assert_int_equal(e.type, PM_RT_CLOCK);
    assert_int_equal(e.len, 8);
    assert_int_equal(pm_rec_reader_next(&rd, &e, &err), 1);
    assert_int_equal(e.type, PM_RT_PAIR);
    pm_pair_cache *back = pm_pair_cache_new(1);
    assert_int_equal(pm_recording_pair_add(back, e.data, e.len, &err), 0);
    assert_int_equal(pm_pair_cache_finish(back, &err), 0);
    const pm_pair *a = pm_pair_cache_at(c, 0), *b = pm_pair_cache_at(back, 0);
    assert_string_equal(b->id, a->id);
    assert_int_equal(b->polarity, PM_POLARITY_INVERTED);
    assert_string_equal(b->kalshi.ticker, "KXGOVSHUT-26DEC-Y0");
    assert_string_equal(b->kalshi.market_id, "k-market");
    assert_int_equal(b->kalshi.close_ns, a->kalshi.close_ns);
    assert_int_equal(b->kalshi.tick_size, -1);
    assert_string_equal(b->kalshi.fee_type, "quadratic");
    assert_int_equal(b->kalshi.fee_multiplier, 1000000);
    assert_string_equal(b->polymarket.condition_id, "0xaa36");
    assert_string_equal(b->polymarket.token_yes, "111");
    assert_string_equal(b->polymarket.token_no, "222");
    assert_int_equal(b->polymarket.tick_size, 10000);
    assert_int_equal(b->polymarket.min_order_size, 5000000);
    assert_int_equal(b->polymarket.fee_rate_bps, 400);
    assert_int_equal(b->polymarket.close_ns, a->polymarket.close_ns);
    pm_pair_cache_free(back);
    static const pm_rec_type types[] = {PM_RT_CONNECTED, PM_RT_FRAME, PM_RT_TICK, PM_RT_DISCONNECTED};
    static const int64_t times[] = {100, 0x0102030405060708LL, 300, 400};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pm_rec_reader_next(&rd, &e, &err), 1);
        assert_int_equal(e.type, types[i]);
        assert_int_equal(e.t_ns, times[i]);
        assert_int_equal(e.venue, i == 1 || i == 2 ? PM_VENUE_POLYMARKET : PM_VENUE_KALSHI);
        assert_int_equal(e.conn, i == 1 || i == 2 ? 3 : 0);
    }
    assert_int_equal(pm_rec_reader_next(&rd, &e, &err), 0);
    assert_int_equal(rd.truncated, 0);
    pm_rec_reader_close(&rd);

    /* cut inside the FRAME's text: the records before it read, the rest is a truncated tail */
    write_all(cut, bytes, len - 2 * 16 - 4);
    assert_int_equal(pm_rec_reader_open(&rd, cut, &err), 0);
    int n = 0;
    while (pm_rec_reader_next(&rd, &e, &err) == 1) n++;
    assert_int_equal(n, 3);
    assert_int_equal(rd.truncated, 16 + 5);
    pm_rec_reader_close(&rd);

    /* a record of an unknown type is corrupt */
    bytes[len - 16] = 9;
    write_all(cut, bytes, len);
    assert_int_equal(pm_rec_reader_open(&rd, cut, &err), 0);
    while ((n = pm_rec_reader_next(&rd, &e, &err)) == 1) {}
    assert_int_equal(n, -1);
    assert_non_null(strstr(err.msg, "corrupt record at byte"));
    pm_rec_reader_close(&rd);

    write_all(cut, "PMREC02\n", 8);
    assert_int_equal(pm_rec_reader_open(&rd, cut, &err), -1);
    assert_non_null(strstr(err.msg, "is not a pmarb recording"));

    free(bytes);
    pm_pair_cache_free(c);
    pm_test_rmtree(dir);
    free(dir), free(path), free(cut);
}

/* The summary of tests/fixtures/run/sim-seed2.pmrec: `pmarb sim --seed 2`, four pairs (two of
 * them inverted), 20 seconds, recorded by `pmarb record` whose own summary was exactly this,
 * but for the Polymarket legs: they now buy what whole cents buy at their limits
 * (core/poly_amount.h), 0.14 and 0.009 shares more, for $0.0065 and $0.0055 more. */
static const char fixture_summary[] =
    "pairs 4 (4 active), books 12 (0 not live)\n"
    "frames kalshi 153, polymarket 196; book updates 547, stale events 0, market events 0, pairs closed 0\n"
    "scans: found 2 suppressed 0 no_edge 1004 not_fresh 32 no_fees 0 too_small 56 low_profit 0 low_return 0\n"
    "opportunities 2: traded 2, rejected 0, skipped 0\n"
    "paper fills 2: 102 contracts hedged, cost 98.919962 (fees 1.599337), PnL at settlement 3.080038, marked at bids 0.856801\n"
    "position kalshi KXFEDDECISION-26DEC-C1 no: 51 contracts, cost 47.190000\n"
    "position kalshi KXNBACHAMP-27-D2 no: 51 contracts, cost 19.710000\n"
    "position polymarket 25708322017182161300046751345132394551379509734675146071960074471796292981347 yes: 51.150354 contracts, cost 2.309999\n"
    "position polymarket 34730014966708162729928595422583322542937465204984356004868776588571189963807 yes: 51.010713 contracts, cost 29.709963\n";

static pm_test_run_result replay(const char *dir, const char *file) {
    char *ini = pm_test_source_path("tests/fixtures/run/replay.ini");
    pm_test_run_result r = pm_test_run(dir, NULL, (const char *const[]){"--config", ini, "replay", file, NULL});
    free(ini);
    return r;
}

static void test_fixture_replays_exactly(void **state) {
    (void)state;
    char *dir = pm_test_tmpdir(), *file = pm_test_source_path("tests/fixtures/run/sim-seed2.pmrec");
    for (int i = 0; i < 2; i++) {
        pm_test_run_result r = replay(dir, file);
        assert_int_equal(r.status, 0);
        assert_string_equal(r.out, fixture_summary);
        assert_string_equal(r.err, "replayed 540 records (349 frames)\n");
        pm_test_run_free(&r);
    }
    /* cut 7 bytes into the record after the second fill: replayed up to the cut */
    size_t len;
    char *bytes = read_all(file, &len), *cut = pm_test_path(dir, "cut.pmrec");
    write_all(cut, bytes, 233517);
    pm_test_run_result r = replay(dir, cut);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "frames kalshi 136, polymarket 169; book updates 476, stale events 0"));
    assert_non_null(strstr(r.out, "opportunities 2: traded 2, rejected 0, skipped 0\n"));
    assert_string_equal(r.err, "replayed 476 records (305 frames); ignored an incomplete last record of 7 bytes\n");
    pm_test_run_free(&r);
    free(bytes);
    pm_test_rmtree(dir);
    free(dir), free(file), free(cut);
}

int main(void) {
    pm_log_set_level(PM_LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_fixture_replays_exactly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
