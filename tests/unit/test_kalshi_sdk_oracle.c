/* test_kalshi_sdk_oracle.c — faithfulness of `pmarb sim` to Kalshi: the official
 * kalshi-typescript SDK (tests/oracle), unmodified apart from its base path and signing with
 * its own KalshiAuth, lists markets, reads an order book, places, reads and cancels a V2
 * order, and reads the balance. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static void test_sdk_session(void **state) {
    (void)state;
    char *dir = pm_test_tmpdir(), *pub = pm_test_path(dir, "k.pub"), *priv = pm_test_path(dir, "k.pem");
    EVP_PKEY *key = EVP_RSA_gen(2048);
    char *text = pm_test_pem(key, PM_TEST_PEM_PUBLIC);
    pm_test_write_file(pub, text, 0644);
    free(text);
    text = pm_test_pem(key, PM_TEST_PEM_PKCS1);
    pm_test_write_file(priv, text, 0600);
    free(text);
    pm_test_proc sim;
    pm_test_start(&sim, (const char *const[]){"sim", "--kalshi-public-key", pub, "--kalshi-key-id", "sdk-key", NULL});
    json_t *ready = json_loads(sim.line, 0, NULL);
    const char *rest = json_string_value(json_object_get(json_object_get(ready, "kalshi"), "rest"));
    char *script = pm_test_source_path("tests/oracle/kalshi_sdk_session.mjs");
    pm_test_run_result r = pm_test_exec(NULL, NULL, "node", (const char *const[]){"node", script, rest, "sdk-key", priv, NULL});
    if (r.status) fail_msg("SDK session failed: %s", r.err);
    json_t *seen = json_loads(r.out, 0, NULL);
    assert_non_null(seen);
    assert_int_equal(json_integer_value(json_object_get(seen, "markets")), 25);
    assert_string_equal(json_string_value(json_object_get(seen, "cursor")), "");
    assert_string_equal(json_string_value(json_object_get(seen, "ticker")), "KXFEDDECISION-26DEC-H0");
    assert_int_equal(json_integer_value(json_object_get(seen, "yes_levels")), 3);
    assert_int_equal(json_integer_value(json_object_get(seen, "no_levels")), 3);
    assert_string_equal(json_string_value(json_object_get(seen, "remaining")), "2.00");
    assert_string_equal(json_string_value(json_object_get(seen, "status")), "resting");
    assert_string_equal(json_string_value(json_object_get(seen, "reduced_by")), "2.00");
    assert_string_equal(json_string_value(json_object_get(seen, "balance_dollars")), "10000.00");
    assert_int_equal(strlen(json_string_value(json_object_get(seen, "order_id"))), 36);
    json_decref(seen);
    json_decref(ready);
    pm_test_run_free(&r);
    assert_int_equal(pm_test_stop(&sim), 0);
    EVP_PKEY_free(key);
    pm_test_rmtree(dir);
    free(dir), free(pub), free(priv), free(script);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_sdk_session)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
