/* test_metrics.c — the run's metrics: the Prometheus text of a snapshot (exact), /health's
 * verdicts, the seqlock's copy, and the HTTP thread over a real loopback socket (GET /metrics,
 * /health, an unknown path, a non-GET method, a port already in use). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "engine/metrics.h"
#include "testutil.h"
#include "engine/metrics_http.h"
#include "net/http.h"

static pm_metrics_snap sample(void) {
    pm_metrics_snap s = {
        .frames = {1200, 3400}, .books = 4500, .stale_events = 3, .poly_hashes = {3300, 2, 1, 0},
        .det = {7, 2, 900, 40, 0, 5, 6, 1}, .traded = 5, .rejected = 1, .skipped = 1, .fills = 5,
        .pairs_active = 20, .books_total = 60, .books_not_live = 0,
        .conns_up = {1, 2}, .conns = {1, 2}, .pnl = 1234567,
    };
    return s;
}

static const char expected[] =
    "# HELP pmarb_frames_total WebSocket frames received.\n"
    "# TYPE pmarb_frames_total counter\n"
    "pmarb_frames_total{venue=\"kalshi\"} 1200\n"
    "pmarb_frames_total{venue=\"polymarket\"} 3400\n"
    "# HELP pmarb_book_updates_total Order book updates applied.\n"
    "# TYPE pmarb_book_updates_total counter\n"
    "pmarb_book_updates_total 4500\n"
    "# HELP pmarb_stale_events_total Books marked stale (gap, bad input, connection lost).\n"
    "# TYPE pmarb_stale_events_total counter\n"
    "pmarb_stale_events_total 3\n"
    "# HELP pmarb_polymarket_book_hashes_total Polymarket book hashes compared with the books pmarb holds, by result "
    "(unproven: a snapshot's not reproduced).\n"
    "# TYPE pmarb_polymarket_book_hashes_total counter\n"
    "pmarb_polymarket_book_hashes_total{result=\"agreed\"} 3300\n"
    "pmarb_polymarket_book_hashes_total{result=\"differed\"} 2\n"
    "pmarb_polymarket_book_hashes_total{result=\"unproven\"} 1\n"
    "pmarb_polymarket_book_hashes_total{result=\"unchecked\"} 0\n"
    "# HELP pmarb_detector_verdicts_total Detector scans of one pair direction, by verdict.\n"
    "# TYPE pmarb_detector_verdicts_total counter\n"
    "pmarb_detector_verdicts_total{status=\"found\"} 7\n"
    "pmarb_detector_verdicts_total{status=\"suppressed\"} 2\n"
    "pmarb_detector_verdicts_total{status=\"no_edge\"} 900\n"
    "pmarb_detector_verdicts_total{status=\"not_fresh\"} 40\n"
    "pmarb_detector_verdicts_total{status=\"no_fees\"} 0\n"
    "pmarb_detector_verdicts_total{status=\"too_small\"} 5\n"
    "pmarb_detector_verdicts_total{status=\"low_profit\"} 6\n"
    "pmarb_detector_verdicts_total{status=\"low_return\"} 1\n"
    "# HELP pmarb_opportunities_total Opportunities found, by decision.\n"
    "# TYPE pmarb_opportunities_total counter\n"
    "pmarb_opportunities_total{decision=\"traded\"} 5\n"
    "pmarb_opportunities_total{decision=\"rejected\"} 1\n"
    "pmarb_opportunities_total{decision=\"skipped\"} 1\n"
    "# HELP pmarb_paper_fills_total Opportunities filled on paper (two legs each).\n"
    "# TYPE pmarb_paper_fills_total counter\n"
    "pmarb_paper_fills_total 5\n"
    "# HELP pmarb_pairs_active Approved pairs being traded.\n"
    "# TYPE pmarb_pairs_active gauge\n"
    "pmarb_pairs_active 20\n"
    "# HELP pmarb_books Books of the active pairs' markets.\n"
    "# TYPE pmarb_books gauge\n"
    "pmarb_books 60\n"
    "# HELP pmarb_books_not_live Books of the active pairs' markets that are not live.\n"
    "# TYPE pmarb_books_not_live gauge\n"
    "pmarb_books_not_live 0\n"
    "# HELP pmarb_connections_up Venue WebSocket connections open.\n"
    "# TYPE pmarb_connections_up gauge\n"
    "pmarb_connections_up{venue=\"kalshi\"} 1\n"
    "pmarb_connections_up{venue=\"polymarket\"} 2\n"
    "# HELP pmarb_connections Venue WebSocket connections wanted.\n"
    "# TYPE pmarb_connections gauge\n"
    "pmarb_connections{venue=\"kalshi\"} 1\n"
    "pmarb_connections{venue=\"polymarket\"} 2\n"
    "# HELP pmarb_paper_pnl_dollars Paper PnL at settlement, dollars (exact).\n"
    "# TYPE pmarb_paper_pnl_dollars gauge\n"
    "pmarb_paper_pnl_dollars 1.234567\n"
    "# HELP pmarb_live 1 when [run] mode = live.\n"
    "# TYPE pmarb_live gauge\n"
    "pmarb_live 0\n";

static void test_render(void **state) {
    (void)state;
    pm_metrics_snap s = sample();
    char buf[8192];
    int n = pm_metrics_render(&s, NULL, buf, sizeof buf);
    assert_string_equal(buf, expected);
    assert_int_equal(n, (int)strlen(expected));
    s.pnl = -50000;
    pm_metrics_render(&s, NULL, buf, sizeof buf);
    assert_non_null(strstr(buf, "\npmarb_paper_pnl_dollars -0.050000\n"));
    assert_int_equal(pm_metrics_render(&s, NULL, buf, 100), -1); /* too small: refused, not cut */
}

/* The sample as a live run publishes it: refusals, an open order, the ledger's PnL. */
static pm_metrics_snap live_sample(void) {
    pm_metrics_snap s = sample();
    s.live = 1;
    s.risk_refused[PM_RISK_OK] = 7;
    s.risk_refused[PM_RISK_ORDER_RATE] = 2;
    s.open_orders = 1;
    s.live_pnl_realized = 2500000;
    s.live_pnl_marked = -10000;
    return s;
}

/* Live mode: risk refusals, kill/halt, PnL (the ledger's, and the daily loss limit's), the
 * executors' counters and histograms. */
static void test_render_live(void **state) {
    (void)state;
    pm_metrics_snap s = live_sample();
    s.live_pnl_locked = -1400000;
    s.live_residual_mark = 1140000;
    static pm_live_metrics m;
    pm_live_metrics_init(&m);
    atomic_store(&m.orders[PM_VENUE_KALSHI], 9);
    atomic_store(&m.results[PM_VENUE_POLYMARKET][PM_EXEC_PARTIAL], 3);
    atomic_store(&m.one_legged, 3);
    atomic_store(&m.hedged, 2);
    pm_hist_record(&m.ack_to_second_wire, 18000);  /* 18 µs */
    pm_hist_record(&m.ack_to_second_wire, 700000); /* 0.7 ms */
    static char buf[65536];
    assert_true(pm_metrics_render(&s, &m, buf, sizeof buf) > 0);
    const char *lines[] = {
        "\npmarb_live 1\n",
        "\npmarb_risk_refused_total{reason=\"ok\"} 7\n",
        "\npmarb_risk_refused_total{reason=\"order_rate\"} 2\n",
        "\npmarb_trading_killed 0\n",
        "\npmarb_open_orders 1\n",
        "\npmarb_live_pnl_dollars{kind=\"realized\"} 2.500000\n",
        "\npmarb_live_pnl_dollars{kind=\"marked\"} -0.010000\n",
        "\n# TYPE pmarb_risk_pnl_dollars gauge\npmarb_risk_pnl_dollars{kind=\"locked\"} -1.400000\n"
        "pmarb_risk_pnl_dollars{kind=\"residual_mark\"} 1.140000\n",
        "\npmarb_orders_total{venue=\"kalshi\"} 9\n",
        "\npmarb_order_results_total{venue=\"polymarket\",result=\"partial\"} 3\n",
        "\npmarb_one_legged_total 3\n",
        "\npmarb_one_legged_resolved_total{how=\"hedged\"} 2\n",
        "\npmarb_ack_to_second_wire_seconds_bucket{le=\"0.00001\"} 0\n",
        "\npmarb_ack_to_second_wire_seconds_bucket{le=\"0.00002\"} 1\n",
        "\npmarb_ack_to_second_wire_seconds_bucket{le=\"0.001\"} 2\n",
        "\npmarb_ack_to_second_wire_seconds_bucket{le=\"+Inf\"} 2\n",
        "\npmarb_ack_to_second_wire_seconds_sum 0.000718\n",
        "\npmarb_ack_to_second_wire_seconds_count 2\n",
        "\npmarb_venue_rtt_seconds_count{venue=\"polymarket\"} 0\n",
        "\n# TYPE pmarb_decision_to_wire_seconds histogram\n",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        if (!strstr(buf, lines[i])) fail_msg("missing %s", lines[i]);
    assert_null(strstr(buf + (strstr(buf, "# TYPE pmarb_venue_rtt_seconds") - buf) + 1, "# TYPE pmarb_venue_rtt_seconds"));
}

/* `pmarb status` against a live snapshot served by a real endpoint: the live lines, exactly. */
static void test_status_live(void **state) {
    (void)state;
    static pm_metrics_pub pub;
    static pm_live_metrics m;
    pm_metrics_snap s = live_sample();
    pm_live_metrics_init(&m);
    atomic_store(&m.orders[PM_VENUE_KALSHI], 9);
    atomic_store(&m.orders[PM_VENUE_POLYMARKET], 8);
    atomic_store(&m.fills[PM_VENUE_KALSHI], 9);
    atomic_store(&m.one_legged, 3);
    atomic_store(&m.hedged, 2);
    atomic_store(&m.unwound, 1);
    for (int i = 0; i < 99; i++) pm_hist_record(&m.ack_to_second_wire, 18000);
    pm_hist_record(&m.ack_to_second_wire, 700000);
    pm_metrics_publish(&pub, &s);
    pm_metrics_http *srv;
    pm_err err;
    assert_int_equal(pm_metrics_http_start("127.0.0.1:0", &pub, &m, &srv, &err), 0);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", pm_metrics_http_port(srv));
    pm_test_run_result r = pm_test_run(NULL, NULL, (const char *const[]){"status", "--url", url, NULL});
    pm_metrics_http_stop(srv);
    assert_int_equal(r.status, 0);
    const char *want =
        "live: orders kalshi 9, polymarket 8; fills kalshi 9, polymarket 0; open orders 1\n"
        "one-legged 3: hedged 2, unwound 1, unresolved 0; PnL realized 2.500000, open positions marked -0.010000\n"
        "risk refusals: order_rate 2\n"
        "latency (bucket bounds):\n"
        "  feed to decision               p50 -, p99 -\n"
        "  decision to wire, kalshi       p50 -, p99 -\n"
        "  decision to wire, polymarket   p50 -, p99 -\n"
        "  first ack to second wire       p50 <= 20 us, p99 <= 20 us\n"
        "  venue round trip, kalshi       p50 -, p99 -\n"
        "  venue round trip, polymarket   p50 -, p99 -\n";
    const char *live = strstr(r.out, "live: ");
    assert_non_null(live);
    assert_string_equal(live, want);
    pm_test_run_free(&r);
}

static void test_health(void **state) {
    (void)state;
    pm_metrics_snap s = sample();
    char buf[256];
    assert_int_equal(pm_metrics_health(&s, buf, sizeof buf), 200);
    assert_string_equal(buf, "{\"status\":\"ok\"}");
    s.books_not_live = 3;
    assert_int_equal(pm_metrics_health(&s, buf, sizeof buf), 503);
    assert_string_equal(buf, "{\"status\":\"unhealthy\",\"reason\":\"books not live 3/60\"}");
    s.conns_up[1] = 1;
    assert_int_equal(pm_metrics_health(&s, buf, sizeof buf), 503);
    assert_string_equal(buf, "{\"status\":\"unhealthy\",\"reason\":\"polymarket connections up 1/2\"}");
    s.conns_up[0] = 0;
    assert_int_equal(pm_metrics_health(&s, buf, sizeof buf), 503);
    assert_string_equal(buf, "{\"status\":\"unhealthy\",\"reason\":\"kalshi connections up 0/1\"}");
    s = sample();
    s.halted = 1;
    assert_int_equal(pm_metrics_health(&s, buf, sizeof buf), 503);
    assert_string_equal(buf, "{\"status\":\"unhealthy\",\"reason\":\"trading halted\"}");
    s.killed = 1;
    assert_int_equal(pm_metrics_health(&s, buf, sizeof buf), 503);
    assert_string_equal(buf, "{\"status\":\"unhealthy\",\"reason\":\"trading killed\"}");
}

static void test_publish_read(void **state) {
    (void)state;
    static pm_metrics_pub pub;
    pm_metrics_snap s = sample(), got;
    pm_metrics_publish(&pub, &s);
    pm_metrics_read(&pub, &got);
    assert_memory_equal(&got, &s, sizeof s);
    s.traded = 6;
    s.pnl = 7;
    pm_metrics_publish(&pub, &s);
    pm_metrics_read(&pub, &got);
    assert_int_equal(got.traded, 6);
    assert_int_equal(got.pnl, 7);
    assert_int_equal(atomic_load(&pub.seq), 4);
}

static long get(pm_http *h, const char *method, int port, const char *path, pm_http_response *res) {
    char url[128];
    pm_err err;
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    memset(res, 0, sizeof *res);
    assert_int_equal(pm_http_do(h, method, url, NULL, NULL, res, &err), 0);
    return res->status;
}

static void test_server(void **state) {
    (void)state;
    static pm_metrics_pub pub;
    pm_metrics_snap s = sample();
    pm_metrics_publish(&pub, &s);
    pm_metrics_http *srv, *dup;
    pm_err err;
    assert_int_equal(pm_metrics_http_start("127.0.0.1:0", &pub, NULL, &srv, &err), 0);
    int port = pm_metrics_http_port(srv);
    assert_true(port > 0);
    pm_http *h;
    assert_int_equal(pm_http_new(5000, &h, &err), 0);
    pm_http_response r;
    assert_int_equal(get(h, "GET", port, "/metrics", &r), 200);
    assert_string_equal(r.body, expected);
    pm_http_response_free(&r);
    assert_int_equal(get(h, "GET", port, "/health", &r), 200);
    assert_string_equal(r.body, "{\"status\":\"ok\"}");
    pm_http_response_free(&r);
    s.books_not_live = 2;
    pm_metrics_publish(&pub, &s);
    assert_int_equal(get(h, "GET", port, "/health?x=1", &r), 503);
    assert_string_equal(r.body, "{\"status\":\"unhealthy\",\"reason\":\"books not live 2/60\"}");
    pm_http_response_free(&r);
    assert_int_equal(get(h, "GET", port, "/nope", &r), 404);
    pm_http_response_free(&r);
    assert_int_equal(get(h, "DELETE", port, "/metrics", &r), 405);
    pm_http_response_free(&r);
    pm_http_free(h);
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%d", port);
    assert_int_equal(pm_metrics_http_start(addr, &pub, NULL, &dup, &err), -1);
    char want[128];
    snprintf(want, sizeof want, "cannot listen on [run] http_listen %s: Address already in use", addr);
    assert_string_equal(err.msg, want);
    pm_metrics_http_stop(srv);
    assert_int_equal(pm_metrics_http_start("localhost:1", &pub, NULL, &dup, &err), -1);
    assert_string_equal(err.msg, "[run] http_listen 'localhost:1': 'localhost' is not an IPv4 address");
    assert_int_equal(pm_metrics_http_start("127.0.0.1", &pub, NULL, &dup, &err), -1);
    assert_string_equal(err.msg, "[run] http_listen '127.0.0.1': expected HOST:PORT");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_render),
        cmocka_unit_test(test_render_live),
        cmocka_unit_test(test_status_live),
        cmocka_unit_test(test_health),
        cmocka_unit_test(test_publish_read),
        cmocka_unit_test(test_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
