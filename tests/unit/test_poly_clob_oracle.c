/* test_poly_clob_oracle.c — faithfulness of `pmarb sim` to Polymarket: the official
 * @polymarket/clob-client-v2 (tests/oracle) with an ethers 5 wallet, unmodified apart from its
 * host, obtains API credentials from its wallet alone, reads a market and its book, and has a
 * market buy it signed filled (balance and position change by exactly what the response says),
 * a resting limit order listed and cancelled, a market sell filled, and a batch of two orders
 * placed and cancelled together (tests/oracle/poly_clob_session.mjs). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/money.h"
#include "testutil.h"

#define KEY "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"

static int64_t base_units(json_t *obj, const char *key) {
    const char *s = json_string_value(json_object_get(obj, key));
    assert_non_null(s);
    char *end;
    long long v = strtoll(s, &end, 10);
    assert_true(*s && !*end);
    return v;
}

static int64_t decimal(json_t *obj, const char *key) {
    const char *s = json_string_value(json_object_get(obj, key));
    assert_non_null(s);
    int64_t v;
    assert_int_equal(pm_usd_parse(s, strlen(s), &v, NULL), 0);
    return v;
}

static void test_client_session(void **state) {
    (void)state;
    pm_test_proc sim;
    pm_test_start(&sim, (const char *const[]){"sim", NULL});
    json_t *ready = json_loads(sim.line, 0, NULL), *pm = json_object_get(ready, "polymarket");
    const char *clob = json_string_value(json_object_get(pm, "clob")), *gamma = json_string_value(json_object_get(pm, "gamma"));
    char *script = pm_test_source_path("tests/oracle/poly_clob_session.mjs");
    pm_test_run_result r = pm_test_exec(NULL, NULL, "node", (const char *const[]){"node", script, clob, gamma, KEY, NULL});
    if (r.status) fail_msg("client session failed: %s", r.err);
    json_t *seen = json_loads(r.out, 0, NULL);
    assert_non_null(seen);
    assert_int_equal(json_integer_value(json_object_get(seen, "key_length")), 36);
    assert_int_equal(json_integer_value(json_object_get(seen, "secret_length")), 44);
    assert_int_equal(json_integer_value(json_object_get(seen, "passphrase_length")), 64);
    assert_true(json_is_true(json_object_get(seen, "derived_same")));
    assert_true(json_is_true(json_object_get(seen, "book_market")));
    assert_true(json_integer_value(json_object_get(seen, "bids")) > 0);
    assert_true(json_integer_value(json_object_get(seen, "asks")) > 0);
    json_t *filled = json_object_get(seen, "filled"), *trade = json_object_get(seen, "trade");
    assert_true(json_is_true(json_object_get(filled, "success")));
    assert_string_equal(json_string_value(json_object_get(filled, "status")), "matched");
    assert_int_equal(json_integer_value(json_object_get(filled, "order_id_length")), 66);
    int64_t trades = json_integer_value(json_object_get(filled, "trades"));
    assert_true(trades >= 1);
    assert_int_equal(json_integer_value(json_object_get(filled, "hashes")), trades); /* every trade settled */
    assert_true(json_is_true(json_object_get(trade, "taker_order")));
    assert_string_equal(json_string_value(json_object_get(trade, "side")), "BUY");
    assert_string_equal(json_string_value(json_object_get(trade, "status")), "CONFIRMED");
    int64_t making = decimal(filled, "making"), taking = decimal(filled, "taking");
    assert_true(making > 0 && making <= 5 * PM_SCALE); /* a $5 market buy spends at most $5 */
    assert_int_equal(base_units(seen, "balance_after_buy"), base_units(seen, "balance_before") - making);
    assert_int_equal(base_units(seen, "shares"), taking);
    json_t *resting = json_object_get(seen, "resting");
    assert_string_equal(json_string_value(json_object_get(resting, "status")), "live");
    assert_string_equal(json_string_value(json_object_get(resting, "order_status")), "LIVE");
    assert_string_equal(json_string_value(json_object_get(resting, "order_size")), "10");
    assert_int_equal(json_integer_value(json_object_get(resting, "open")), 1);
    assert_true(json_is_true(json_object_get(resting, "canceled")));
    assert_int_equal(json_integer_value(json_object_get(resting, "open_after")), 0);
    json_t *sold = json_object_get(seen, "sold"), *batch = json_object_get(seen, "batch");
    assert_string_equal(json_string_value(json_object_get(sold, "status")), "matched");
    assert_int_equal(decimal(sold, "making"), 5 * PM_SCALE); /* a sell gives its shares, takes pUSD less the fee */
    assert_int_equal(base_units(seen, "shares_after_sell"), taking - 5 * PM_SCALE);
    assert_int_equal(base_units(seen, "balance_after_sell"), base_units(seen, "balance_after_buy") + decimal(sold, "taking"));
    assert_int_equal(json_array_size(batch), 2);
    assert_string_equal(json_string_value(json_array_get(batch, 0)), "live");
    assert_string_equal(json_string_value(json_array_get(batch, 1)), "live");
    assert_int_equal(json_integer_value(json_object_get(seen, "batch_cancelled")), 2);
    assert_int_equal(json_integer_value(json_object_get(seen, "cancel_all")), 0);
    json_decref(seen);
    json_decref(ready);
    pm_test_run_free(&r);
    assert_int_equal(pm_test_stop(&sim), 0);
    free(script);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_client_session)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
