/* test_log.c — logfmt lines: exact shape and quoting, level filter, suppression of repeated
 * warnings with their count, and redaction of secrets (registered values anywhere in the
 * line, values of secret-named keys, and secrets loaded from the environment). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/secrets.h"
#include "util/log.h"

static FILE *capture;

static int setup(void **state) {
    (void)state;
    capture = tmpfile();
    pm_log_set_stream(capture);
    pm_log_set_level(PM_LOG_DEBUG);
    pm_log_set_rate_window_ms(10000);
    pm_log_flush_suppressed();
    rewind(capture);
    return capture ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    pm_log_clear_secrets();
    pm_log_set_stream(NULL);
    fclose(capture);
    return 0;
}

/* Everything logged since setup, timestamps cut off: each line from "level=". */
static char *logged(void) {
    fflush(capture);
    long n = ftell(capture);
    char *raw = calloc(1, (size_t)n + 1), *out = calloc(1, (size_t)n + 1);
    rewind(capture);
    assert_int_equal(fread(raw, 1, (size_t)n, capture), (size_t)n);
    char *o = out;
    for (char *line = strtok(raw, "\n"); line; line = strtok(NULL, "\n")) {
        assert_memory_equal(line, "ts=", 3);
        assert_int_equal(line[3 + 24], ' '); /* ts=YYYY-MM-DDTHH:MM:SS.mmmZ */
        o += sprintf(o, "%s\n", line + 3 + 25);
    }
    free(raw);
    return out;
}

static void test_shape_and_quoting(void **state) {
    (void)state;
    pm_info("kalshi", "sequence gap", PM_KV_I("sid", 2), PM_KV_I("expected", -108), PM_KV_S("ticker", "KX-A"),
            PM_KV_FX("price", 560000, 2), PM_KV_FX("qty", 1, 0), PM_KV_FX("pnl", -1250000, 2));
    pm_warn("store", "odd \"value\"", PM_KV_S("text", "a b=c\\d\ne\x01"), PM_KV_S("empty", ""), PM_KV_S("null", NULL));
    pm_debug("x", "y");
    char *s = logged();
    assert_string_equal(s,
                        "level=info mod=kalshi msg=\"sequence gap\" sid=2 expected=-108 ticker=KX-A price=0.56 "
                        "qty=0.000001 pnl=-1.25\n"
                        "level=warn mod=store msg=\"odd \\\"value\\\"\" text=\"a b=c\\\\d\\ne\\x01\" empty=\"\" null=\"\"\n"
                        "level=debug mod=x msg=y\n");
    free(s);
}

static void test_level_filter(void **state) {
    (void)state;
    pm_log_set_level(PM_LOG_WARN);
    pm_info("a", "hidden");
    pm_debug("a", "hidden");
    pm_error("a", "shown");
    char *s = logged();
    assert_string_equal(s, "level=error mod=a msg=shown\n");
    free(s);
    pm_log_level l;
    assert_int_equal(pm_log_level_parse("warn", &l), 0);
    assert_int_equal(l, PM_LOG_WARN);
    assert_int_equal(pm_log_level_parse("verbose", &l), -1);
    assert_string_equal(pm_log_level_name(PM_LOG_ERROR), "error");
}

static void test_repeats_suppressed(void **state) {
    (void)state;
    for (int i = 0; i < 5; i++) pm_warn("ws", "malformed frame", PM_KV_S("ticker", "T"));
    pm_warn("ws", "malformed frame", PM_KV_S("ticker", "U")); /* different line: printed */
    for (int i = 0; i < 3; i++) pm_info("ws", "info is never suppressed");
    pm_log_flush_suppressed();
    char *s = logged();
    assert_string_equal(s, "level=warn mod=ws msg=\"malformed frame\" ticker=T\n"
                           "level=warn mod=ws msg=\"malformed frame\" ticker=U\n"
                           "level=info mod=ws msg=\"info is never suppressed\"\n"
                           "level=info mod=ws msg=\"info is never suppressed\"\n"
                           "level=info mod=ws msg=\"info is never suppressed\"\n"
                           "level=warn mod=ws msg=\"malformed frame\" ticker=T repeated=4\n");
    free(s);
}

static void test_window_expiry_carries_count(void **state) {
    (void)state;
    pm_log_set_rate_window_ms(1);
    pm_warn("ws", "gap");
    pm_warn("ws", "gap"); /* may fall inside the 1 ms window or not: either way nothing is lost */
    struct timespec ts = {0, 3000000};
    nanosleep(&ts, NULL);
    pm_warn("ws", "gap");
    pm_log_flush_suppressed();
    char *s = logged();
    int lines = 0, total = 0;
    for (char *p = s; (p = strstr(p, "msg=gap")); p++) {
        lines++;
        char *r = strstr(p, "repeated=");
        char *nl = strchr(p, '\n');
        total += 1 + (r && r < nl ? atoi(r + 9) : 0);
    }
    assert_true(lines >= 2);
    assert_int_equal(total, 3); /* every occurrence printed or counted */
    free(s);
}

static void test_secrets_redacted(void **state) {
    (void)state;
    pm_log_register_secret("s3cr3t-API-secret-value");
    pm_log_register_secret("abc"); /* too short to redact safely: ignored */
    pm_warn("poly", "auth failed for s3cr3t-API-secret-value", PM_KV_S("body", "{\"k\":\"xs3cr3t-API-secret-valuex\"}"),
            PM_KV_S("api_secret", "another"), PM_KV_S("passphrase", "pp"), PM_KV_S("POLY_PRIVATE_KEY", "0xdead"),
            PM_KV_S("api_key", "k"), PM_KV_S("signature", "sig"), PM_KV_S("key_id", "visible-id"));
    char *s = logged();
    assert_null(strstr(s, "s3cr3t"));
    assert_null(strstr(s, "another"));
    assert_null(strstr(s, "0xdead"));
    assert_string_equal(s, "level=warn mod=poly msg=\"auth failed for [redacted]\" body=\"{\\\"k\\\":\\\"x[redacted]x\\\"}\" "
                           "api_secret=[redacted] passphrase=[redacted] POLY_PRIVATE_KEY=[redacted] api_key=[redacted] "
                           "signature=[redacted] key_id=visible-id\n");
    free(s);
}

static void test_env_secrets_redacted(void **state) {
    (void)state;
    setenv("POLY_API_PASSPHRASE", "passphrase-from-env-123", 1);
    setenv("POLY_FUNDER", "0x00000000000000000000000000000000000000f1", 1);
    pm_secrets sec;
    pm_secrets_load(&sec);
    assert_string_equal(sec.value[PM_SECRET_POLY_API_PASSPHRASE], "passphrase-from-env-123");
    pm_info("x", "headers", PM_KV_S("value", "POLY_PASSPHRASE: passphrase-from-env-123"),
            PM_KV_S("funder", sec.value[PM_SECRET_POLY_FUNDER]));
    char *s = logged();
    assert_string_equal(s, "level=info mod=x msg=headers value=\"POLY_PASSPHRASE: [redacted]\" "
                           "funder=0x00000000000000000000000000000000000000f1\n");
    free(s);
    unsetenv("POLY_API_PASSPHRASE");
    unsetenv("POLY_FUNDER");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_shape_and_quoting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_level_filter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_repeats_suppressed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_window_expiry_carries_count, setup, teardown),
        cmocka_unit_test_setup_teardown(test_secrets_redacted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_env_secrets_redacted, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
