/* test_config.c — configuration loading: defaults, typed values, errors that name the file,
 * line and key (unknown section or key, bad values, excess precision, secrets in the file,
 * duplicates), required keys, key-file permissions, and pmarb.example.ini documenting exactly
 * the keys pmarb knows. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "config/secrets.h"
#include "testutil.h"

typedef struct fixture {
    char *dir, *ini;
} fixture;

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    f->dir = pm_test_tmpdir();
    f->ini = pm_test_path(f->dir, "test.ini");
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    pm_test_rmtree(f->dir);
    free(f->ini);
    free(f->dir);
    free(f);
    return 0;
}

/* Loads text as a configuration file; returns the load's result and leaves the message in err. */
static int load(fixture *f, const char *text, pm_config *cfg, pm_err *err) {
    pm_test_write_file(f->ini, text, 0644);
    return pm_config_load(cfg, f->ini, err);
}

static void expect_error(fixture *f, const char *text, const char *want_suffix) {
    pm_config cfg;
    pm_err err;
    assert_int_equal(load(f, text, &cfg, &err), -1);
    char want[1024];
    snprintf(want, sizeof want, "%s:%s", f->ini, want_suffix);
    if (strcmp(err.msg, want) != 0) fail_msg("got  '%s'\nwant '%s'", err.msg, want);
}

static void test_defaults(void **state) {
    (void)state;
    pm_config c;
    pm_config_defaults(&c);
    assert_string_equal(c.db.path, "markets.db");
    assert_int_equal(c.db.busy_timeout_ms, 5000);
    assert_int_equal(c.kalshi.env, PM_KALSHI_DEMO);
    assert_string_equal(pm_config_kalshi_rest_url(&c), "https://external-api.demo.kalshi.co/trade-api/v2");
    assert_string_equal(pm_config_kalshi_ws_url(&c), "wss://external-api-ws.demo.kalshi.co/trade-api/ws/v2");
    assert_int_equal(c.match.review_threshold, 950000);
    assert_int_equal(c.strategy.min_edge, 10000);
    assert_int_equal(c.strategy.min_profit, 100000);
    assert_int_equal(c.strategy.max_size, 100000000);
    assert_int_equal(c.strategy.execution, PM_EXEC_SEQUENTIAL);
    assert_int_equal(c.run.mode, PM_MODE_PAPER);
    assert_int_equal(c.risk.max_hedge_loss, 50000);
    assert_int_equal(c.log.level, PM_LOG_INFO);
    assert_true(c.run.executor_spin_us == PM_CFG_AUTO);
    assert_string_equal(c.source, "");
    for (int i = 0; i < pm_config_key_count(); i++) assert_int_equal(c.line[i], 0);
}

static void test_valid_file(void **state) {
    fixture *f = *state;
    pm_config c;
    pm_err err;
    int rc = load(f,
                  "# comment\n"
                  "[db]\npath = /var/lib/pmarb/m.db\n\n"
                  "[kalshi]\nenv = prod\ntier = premier ; inline comment\n"
                  "[strategy]\nmin_edge = 0.015\nsame_venue = ON\nexecution = simultaneous\nmax_size = 12.5\n"
                  "[match]\nreview_threshold = 0.9\n"
                  "[risk]\nkill_file = /tmp/stop pmarb\n"
                  "[log]\nlevel = debug\n"
                  "[run]\nexecutor_spin_us = -1\n",
                  &c, &err);
    if (rc) fail_msg("%s", err.msg);
    assert_string_equal(c.db.path, "/var/lib/pmarb/m.db");
    assert_int_equal(c.kalshi.env, PM_KALSHI_PROD);
    assert_int_equal(c.kalshi.tier, PM_TIER_PREMIER);
    assert_string_equal(pm_config_kalshi_rest_url(&c), "https://external-api.kalshi.com/trade-api/v2");
    assert_int_equal(c.strategy.min_edge, 15000);
    assert_int_equal(c.strategy.same_venue, 1);
    assert_int_equal(c.strategy.execution, PM_EXEC_SIMULTANEOUS);
    assert_int_equal(c.strategy.max_size, 12500000);
    assert_int_equal(c.match.review_threshold, 900000);
    assert_string_equal(c.risk.kill_file, "/tmp/stop pmarb");
    assert_int_equal(c.log.level, PM_LOG_DEBUG);
    assert_int_equal(c.run.executor_spin_us, -1);
    assert_string_equal(c.source, f->ini);
    assert_int_equal(c.line[0], 3); /* [db] path is on line 3 */
    assert_int_equal(load(f, "[run]\nexecutor_spin_us = AUTO\n", &c, &err), 0);
    assert_true(c.run.executor_spin_us == PM_CFG_AUTO);
    assert_int_equal(load(f, "[run]\nexecutor_spin_us = 500\n", &c, &err), 0);
    assert_int_equal(c.run.executor_spin_us, 500);
}

static void test_errors_name_file_and_line(void **state) {
    fixture *f = *state;
    expect_error(f, "[db]\npath = x\n[dbb]\npath = y\n", "3: unknown section [dbb]");
    expect_error(f, "[db]\n\npaht = x\n", "3: unknown key 'paht' in [db]");
    expect_error(f, "[kalshi]\nenv = production\n", "2: [kalshi] env = 'production': must be one of demo | prod");
    expect_error(f, "[db]\nbusy_timeout_ms = 5s\n", "2: [db] busy_timeout_ms = '5s': must be a whole number from 0 to 600000");
    expect_error(f, "[db]\nbusy_timeout_ms = auto\n", "2: [db] busy_timeout_ms = 'auto': must be a whole number from 0 to 600000");
    expect_error(f, "[run]\nexecutor_spin_us = -2\n",
                 "2: [run] executor_spin_us = '-2': must be auto or a whole number from -1 to 10000000");
    expect_error(f, "[db]\nbusy_timeout_ms = 600001\n",
                 "2: [db] busy_timeout_ms = '600001': must be a whole number from 0 to 600000");
    expect_error(f, "[strategy]\nsame_venue = maybe\n", "2: [strategy] same_venue = 'maybe': must be on or off");
    expect_error(f, "[strategy]\nmin_edge = 0.0000001\n",
                 "2: [strategy] min_edge = '0.0000001': amount in dollars: '0.0000001' has more than 6 decimal places");
    expect_error(f, "[strategy]\nmin_edge = -0.01\n",
                 "2: [strategy] min_edge = '-0.01': amount in dollars: '-0.01' must not be negative");
    expect_error(f, "[match]\nreview_threshold = 1.5\n",
                 "2: [match] review_threshold = '1.5': ratio: '1.5' is out of range");
    expect_error(f, "[polymarket]\nPOLY_PRIVATE_KEY = 0xabc\n",
                 "2: [polymarket] POLY_PRIVATE_KEY: secrets are never read from the configuration file; set the "
                 "environment variable instead (see README.md)");
    expect_error(f, "[llm]\napi_key = sk-123\n",
                 "2: [llm] api_key: secrets are never read from the configuration file; set the environment "
                 "variable instead (see README.md)");
    expect_error(f, "[db]\npath = a\npath = b\n", "3: [db] path is set twice (first on line 2)");
    expect_error(f, "path = a\n", "1: key 'path' is outside any section");
    expect_error(f, "[db]\nthis line has no equals sign\n", "2: not a valid INI line (expected [section] or key = value)");
    expect_error(f, "[db]\npath = a\n  busy_timeout_ms = 1\n[nope]\n", "4: unknown section [nope]");
}

static void test_missing_file(void **state) {
    fixture *f = *state;
    pm_config c;
    pm_err err;
    char *missing = pm_test_path(f->dir, "missing.ini");
    assert_int_equal(pm_config_load(&c, missing, &err), -1);
    assert_non_null(strstr(err.msg, "cannot open configuration file"));
    assert_non_null(strstr(err.msg, "missing.ini"));
    free(missing);
    /* no --config and no ./pmarb.ini: defaults */
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(f->dir), 0);
    assert_int_equal(pm_config_load(&c, NULL, &err), 0);
    assert_string_equal(c.source, "");
    pm_test_write_file("pmarb.ini", "[db]\npath = here.db\n", 0644);
    assert_int_equal(pm_config_load(&c, NULL, &err), 0);
    assert_string_equal(c.source, "pmarb.ini");
    assert_string_equal(c.db.path, "here.db");
    assert_int_equal(chdir(cwd), 0);
}

static void test_require(void **state) {
    fixture *f = *state;
    pm_config c;
    pm_err err;
    assert_int_equal(load(f, "[llm]\nmodel = m\n", &c, &err), 0);
    assert_int_equal(pm_config_require(&c, "llm", "model", "to judge candidates", &err), 0);
    assert_int_equal(pm_config_require(&c, "llm", "base_url", "to judge candidates", &err), -1);
    char want[1024];
    snprintf(want, sizeof want, "[llm] base_url is required to judge candidates: set it in %s", f->ini);
    assert_string_equal(err.msg, want);
    pm_config_defaults(&c);
    assert_int_equal(pm_config_require(&c, "llm", "base_url", "to judge candidates", &err), -1);
    assert_string_equal(err.msg,
                        "[llm] base_url is required to judge candidates: set it in pmarb.ini (see pmarb.example.ini)");
}

static void test_example_documents_every_key(void **state) {
    (void)state;
    char *path = pm_test_source_path("pmarb.example.ini");
    pm_config c, d;
    pm_err err;
    if (pm_config_load(&c, path, &err)) fail_msg("%s", err.msg);
    pm_config_defaults(&d);
    for (int i = 0; i < pm_config_key_count(); i++) {
        const char *sec, *key;
        pm_config_key_name(i, &sec, &key);
        if (c.line[i] == 0) fail_msg("pmarb.example.ini does not document [%s] %s", sec, key);
    }
    /* and at their defaults: the values equal a defaults-only configuration */
    memcpy(c.source, d.source, sizeof c.source);
    memcpy(c.line, d.line, sizeof c.line);
    assert_memory_equal(&c, &d, sizeof c);
    free(path);
}

static void test_keyfile_permissions(void **state) {
    fixture *f = *state;
    char *key = pm_test_path(f->dir, "kalshi.pem");
    pm_err err;
    pm_test_write_file(key, "-----BEGIN PRIVATE KEY-----\n", 0644);
    assert_int_equal(pm_keyfile_check(key, &err), -1);
    char want[1024];
    snprintf(want, sizeof want, "key file %s is accessible by group or others (mode 644): run `chmod 600 %s`", key, key);
    assert_string_equal(err.msg, want);
    char buf[256];
    size_t len;
    assert_int_equal(pm_keyfile_read(key, buf, sizeof buf, &len, &err), -1);
    pm_test_write_file(key, "-----BEGIN PRIVATE KEY-----\n", 0600);
    assert_int_equal(pm_keyfile_check(key, &err), 0);
    assert_int_equal(pm_keyfile_read(key, buf, sizeof buf, &len, &err), 0);
    assert_int_equal(len, 28);
    assert_string_equal(buf, "-----BEGIN PRIVATE KEY-----\n");
    assert_int_equal(pm_keyfile_read(key, buf, 8, &len, &err), -1);
    assert_non_null(strstr(err.msg, "too large"));
    pm_test_write_file(key, "x", 0640);
    assert_int_equal(pm_keyfile_check(key, &err), -1);
    assert_int_equal(pm_keyfile_check(f->dir, &err), -1);
    assert_non_null(strstr(err.msg, "not a regular file"));
    char *none = pm_test_path(f->dir, "none.pem");
    assert_int_equal(pm_keyfile_check(none, &err), -1);
    assert_non_null(strstr(err.msg, "No such file"));
    free(none);
    free(key);
}

static void test_secrets_from_env(void **state) {
    (void)state;
    setenv("KALSHI_API_KEY_ID", "kid-1", 1);
    setenv("LLM_API_KEY", "", 1); /* empty counts as unset */
    unsetenv("POLY_API_SECRET");
    pm_secrets s;
    pm_secrets_load(&s);
    assert_string_equal(s.value[PM_SECRET_KALSHI_API_KEY_ID], "kid-1");
    assert_null(s.value[PM_SECRET_LLM_API_KEY]);
    assert_null(s.value[PM_SECRET_POLY_API_SECRET]);
    assert_string_equal(pm_secret_name(PM_SECRET_POLY_API_PASSPHRASE), "POLY_API_PASSPHRASE");
    assert_false(pm_secret_is_sensitive(PM_SECRET_POLY_FUNDER));
    assert_true(pm_secret_is_sensitive(PM_SECRET_POLY_PRIVATE_KEY));
    unsetenv("KALSHI_API_KEY_ID");
    unsetenv("LLM_API_KEY");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test_setup_teardown(test_valid_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors_name_file_and_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_require, setup, teardown),
        cmocka_unit_test(test_example_documents_every_key),
        cmocka_unit_test_setup_teardown(test_keyfile_permissions, setup, teardown),
        cmocka_unit_test(test_secrets_from_env),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
