/* test_demo.c — `pmarb demo --seconds 8 --json` end to end: it starts `pmarb sim --demo` itself,
 * syncs, matches with the heuristics and approves exactly the 26 mirrored pairs of the demo
 * catalogue — the 4 inverted phrasings with polarity inverted, none of the 7 look-alikes —,
 * trades live in both halves (sequential, then simultaneous): orders sent and filled, the
 * engine's order count the database's, and its reconciliation of positions and cash with the
 * venues agrees exactly (exit status 0). The text summary says the same; bad arguments are
 * refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* The demo catalogue's mirrored pairs (src/sim/kalshi_venue.c demo_templates, poly_catalog.c). */
static const char *const inverted[] = {"KXUNRATE-26NOV-A2", "KXCORECPI-26NOV-A3", "KXWTI-26DEC31-A2",
                                       "KXSILVER-26DEC31-A2"};
/* Kalshi markets Polymarket does not list, each one threshold or one date away from one it does. */
static const char *const look_alikes[] = {"KXUNRATE-26NOV-A4",  "KXUNRATE-26OCT-A0",  "KXUNRATE-26OCT-A1",
                                          "KXWTI-26DEC31-A4",   "KXGOLD-26JUN30-A0",  "KXGOLD-26JUN30-A1",
                                          "KXNDXY-26DEC31-A3"};
#define N(a) (sizeof a / sizeof a[0])

static json_t *approved_pair(json_t *pairs, const char *ticker) {
    size_t i;
    json_t *p;
    json_array_foreach(pairs, i, p) if (!strcmp(json_string_value(json_object_get(p, "kalshi")), ticker)) return p;
    return NULL;
}

static json_int_t period_int(json_t *period, const char *a, const char *b) {
    return json_integer_value(json_object_get(json_object_get(period, a), b));
}

static void test_demo_json(void **state) {
    (void)state;
    char *dir = pm_test_tmpdir(), *work = pm_test_path(dir, "demo");
    pm_test_run_result r = pm_test_run(dir, NULL, (const char *const[]){"demo", "--seconds", "8", "--json", "--dir", work, NULL});
    if (r.status) fail_msg("pmarb demo exited %d: %s", r.status, r.err);
    json_error_t je;
    json_t *doc = json_loads(r.out, 0, &je);
    if (!doc) fail_msg("not one JSON document: %s\n%s", je.text, r.out);

    assert_true(json_is_true(json_object_get(doc, "reconciled")));
    assert_true(json_is_true(json_object_get(json_object_get(doc, "reconciliation"), "reconciled")));
    assert_int_equal(json_array_size(json_object_get(json_object_get(doc, "reconciliation"), "differences")), 0);
    assert_string_equal(json_string_value(json_object_get(doc, "dir")), work);
    assert_int_equal(json_integer_value(json_object_get(doc, "seconds")), 8);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "markets"), "kalshi")), 33);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "markets"), "polymarket")), 31);
    assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "matching"), "judge")), "heuristics");

    json_t *approved = json_object_get(doc, "approved"), *pairs = json_object_get(approved, "pairs");
    assert_int_equal(json_integer_value(json_object_get(approved, "count")), 26);
    assert_int_equal(json_array_size(pairs), 26);
    assert_int_equal(json_integer_value(json_object_get(approved, "inverted")), N(inverted));
    assert_string_equal(json_string_value(json_object_get(approved, "threshold")), "0.95");
    for (size_t i = 0; i < N(inverted); i++) {
        json_t *p = approved_pair(pairs, inverted[i]);
        if (!p) fail_msg("inverted pair %s not approved", inverted[i]);
        assert_string_equal(json_string_value(json_object_get(p, "polarity")), "inverted");
    }
    for (size_t i = 0; i < N(look_alikes); i++)
        if (approved_pair(pairs, look_alikes[i])) fail_msg("look-alike %s approved", look_alikes[i]);
    /* every approved pair is the mirror of its own outcome: Kalshi "Above X" against a question naming X */
    size_t i;
    json_t *p;
    json_array_foreach(pairs, i, p) {
        const char *k = json_string_value(json_object_get(p, "kalshi"));
        assert_non_null(strstr(k, "-A"));
        assert_true(strcmp(json_string_value(json_object_get(p, "confidence")), "0.95") >= 0);
    }

    json_t *periods = json_object_get(doc, "periods"), *seq = json_object_get(periods, "sequential"),
           *sim = json_object_get(periods, "simultaneous");
    assert_non_null(seq);
    assert_non_null(sim);
    assert_int_equal(json_integer_value(json_object_get(seq, "seconds")), 4);
    assert_int_equal(json_integer_value(json_object_get(sim, "seconds")), 4);
    assert_string_equal(json_string_value(json_object_get(doc, "mode")), "live");
    /* the simulator's dislocations were traded: orders sent and filled, and each half reports
     * its latency spans */
    assert_true(period_int(seq, "orders", "total") + period_int(sim, "orders", "total") > 0);
    assert_true(period_int(seq, "fills", "total") + period_int(sim, "fills", "total") > 0);
    static const char *const spans[] = {"feed_to_decision", "decision_to_wire_kalshi", "decision_to_wire_polymarket",
                                        "ack_to_second_wire", "venue_rtt_kalshi", "venue_rtt_polymarket"};
    for (size_t s = 0; s < N(spans); s++) {
        assert_non_null(json_object_get(json_object_get(seq, "latency"), spans[s]));
        assert_non_null(json_object_get(json_object_get(sim, "latency"), spans[s]));
    }
    /* the engine's count of orders is the database's */
    assert_int_equal(period_int(seq, "engine", "orders"), period_int(seq, "orders", "total"));
    assert_int_equal(period_int(sim, "engine", "orders"), period_int(sim, "orders", "total"));
    assert_int_equal(period_int(seq, "engine", "unknown_orders") + period_int(sim, "engine", "unknown_orders"), 0);
    /* the positions compared are both outcomes of both markets of every approved pair */
    assert_true(period_int(json_object_get(doc, "reconciliation"), "positions", "checked") >= 4 * 26);
    assert_int_equal(period_int(json_object_get(doc, "reconciliation"), "positions", "differ"), 0);
    /* the loud banner went to stderr, never a secret */
    assert_non_null(strstr(r.err, "DEMO ONLY: auto-approving 26 candidates"));
    assert_non_null(strstr(r.err, "`pmarb review`"));
    assert_null(strstr(r.err, "BEGIN PRIVATE KEY"));
    assert_null(strstr(r.out, "BEGIN PRIVATE KEY"));
    assert_null(strstr(r.err, "POLY_API_SECRET="));
    json_decref(doc);
    pm_test_run_free(&r);
    pm_test_rmtree(dir);
    free(work);
    free(dir);
}

static void test_demo_text_and_usage(void **state) {
    (void)state;
    char *dir = pm_test_tmpdir(), *work = pm_test_path(dir, "demo");
    pm_test_run_result r = pm_test_run(dir, NULL, (const char *const[]){"demo", "--seconds", "2", "--dir", work, NULL});
    if (r.status) fail_msg("pmarb demo exited %d: %s", r.status, r.err);
    assert_non_null(strstr(r.out, "DEMO ONLY: auto-approving 26 candidates"));
    assert_non_null(strstr(r.out, "approved: 26 pairs (4 with inverted polarity)"));
    assert_non_null(strstr(r.out, "\nsequential execution, 1 s:\n"));
    assert_non_null(strstr(r.out, "\nsimultaneous execution, 1 s:\n"));
    assert_non_null(strstr(r.out, "RECONCILED: pmarb and the venues agree exactly"));
    pm_test_run_free(&r);

    r = pm_test_run(dir, NULL, (const char *const[]){"demo", "--seconds", "1", NULL});
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--seconds must be a whole number from 2 to 86400"));
    pm_test_run_free(&r);
    r = pm_test_run(dir, NULL, (const char *const[]){"demo", "--bogus", NULL});
    assert_int_equal(r.status, 2);
    pm_test_run_free(&r);
    pm_test_rmtree(dir);
    free(work);
    free(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_demo_json),
        cmocka_unit_test(test_demo_text_and_usage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
