/* test_cli.c — the pmarb binary end to end: help and version, db migrate, markets list and
 * pairs list (text and --json, filters), and errors on stderr with non-zero exit status. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/db.h"
#include "store/markets.h"
#include "store/matches.h"
#include "store/migrations.h"
#include "testutil.h"

typedef struct fixture {
    char *dir;
} fixture;

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    f->dir = pm_test_tmpdir();
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    pm_test_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

#define RUN(f, ...) pm_test_run((f)->dir, NULL, (const char *const[]){__VA_ARGS__, NULL})

static json_t *parse_json(const char *text) {
    json_error_t e;
    json_t *doc = json_loads(text, 0, &e);
    if (!doc) fail_msg("not JSON (%s): %s", e.text, text);
    return doc;
}

/* Fills markets.db in the fixture directory: two Kalshi, two Polymarket markets, one approved
 * inverted pair, one pending, one rejected. */
static void seed(fixture *f) {
    char *path = pm_test_path(f->dir, "markets.db");
    pm_db *db;
    pm_err err;
    if (pm_db_open(path, PM_DB_MIGRATE, 5000, &db, &err)) fail_msg("%s", err.msg);
    pm_market k1, k2, p1, p2;
    pm_market_init(&k1, PM_VENUE_KALSHI);
    k1.platform_market_id = "KXFEDDECISION-26DEC-H0";
    k1.title = "Fed holds rates in December 2026?";
    k1.rules = "Resolves Yes if the FOMC leaves the target range unchanged.";
    k1.close_time = "2026-12-16T19:00:00Z";
    k1.tick_size = 10000;
    k1.fee_type = "quadratic";
    k1.fee_multiplier = 1000000;
    k2 = k1;
    k2.platform_market_id = "KXFEDDECISION-26DEC-C25";
    k2.title = "Fed cuts 25bp in December 2026?";
    pm_market_init(&p1, PM_VENUE_POLYMARKET);
    p1.platform_market_id = "0xaaa";
    p1.title = "Will the Fed change rates in December?";
    p1.outcome_yes_id = "1001";
    p1.outcome_no_id = "1002";
    p1.tick_size = 1000;
    p1.min_order_size = 5000000;
    p1.fee_rate_bps = 400;
    p1.neg_risk = 1;
    p1.status = PM_MARKET_CLOSED;
    p2 = p1;
    p2.platform_market_id = "0xbbb";
    p2.title = "Fed decision in December: no change?";
    p2.status = PM_MARKET_ACTIVE;
    pm_market *all[] = {&k1, &k2, &p1, &p2};
    pm_upsert_result res;
    for (int i = 0; i < 4; i++)
        if (pm_store_upsert_market(db, all[i], 1000000000LL, &res, &err)) fail_msg("%s", err.msg);
    char id[PM_UUID_LEN];
    pm_candidate_result cr;
    pm_candidate c = {.kalshi_market_id = k1.id, .polymarket_market_id = p2.id, .confidence = 990000,
                      .polarity = PM_POLARITY_SAME, .reason = "same meeting, same outcome",
                      .status = PM_MATCH_PENDING_REVIEW};
    if (pm_store_put_candidate(db, &c, id, &cr, &err)) fail_msg("%s", err.msg);
    if (pm_store_review_match(db, id, PM_MATCH_APPROVED, "alice", NULL, &err)) fail_msg("%s", err.msg);
    c = (pm_candidate){.kalshi_market_id = k1.id, .polymarket_market_id = p1.id, .confidence = 960000,
                       .polarity = PM_POLARITY_INVERTED, .reason = "change vs hold", .status = PM_MATCH_PENDING_REVIEW};
    if (pm_store_put_candidate(db, &c, id, &cr, &err)) fail_msg("%s", err.msg);
    c = (pm_candidate){.kalshi_market_id = k2.id, .polymarket_market_id = p2.id, .confidence = 200000,
                       .polarity = PM_POLARITY_SAME, .reason = "different outcome", .status = PM_MATCH_REJECTED};
    if (pm_store_put_candidate(db, &c, id, &cr, &err)) fail_msg("%s", err.msg);
    pm_db_close(db);
    free(path);
}

static void test_help_and_version(void **state) {
    fixture *f = *state;
    pm_test_run_result r = RUN(f, "--version");
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "pmarb " PMARB_VERSION "\n");
    pm_test_run_free(&r);
    r = RUN(f, "--help");
    assert_int_equal(r.status, 0);
    const char *cmds[] = {"config", "db", "markets", "pairs"};
    for (size_t i = 0; i < 4; i++) assert_non_null(strstr(r.out, cmds[i]));
    pm_test_run_free(&r);
    const char *sub[] = {"config", "db", "markets", "pairs"};
    for (size_t i = 0; i < 4; i++) {
        r = RUN(f, sub[i], "--help");
        assert_int_equal(r.status, 0);
        assert_non_null(strstr(r.out, "usage: pmarb"));
        pm_test_run_free(&r);
    }
    r = pm_test_run(f->dir, NULL, (const char *const[]){NULL});
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "usage: pmarb"));
    pm_test_run_free(&r);
    r = RUN(f, "frobnicate");
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");
    assert_non_null(strstr(r.err, "unknown command 'frobnicate'"));
    pm_test_run_free(&r);
}

static void test_db_migrate(void **state) {
    fixture *f = *state;
    int latest = pm_migrations[pm_migration_count - 1].version;
    char want[128];
    pm_test_run_result r = RUN(f, "db", "migrate");
    assert_int_equal(r.status, 0);
    snprintf(want, sizeof want, "markets.db: schema migrated from version 0 to %d\n", latest);
    assert_string_equal(r.out, want);
    pm_test_run_free(&r);
    r = RUN(f, "db", "migrate");
    assert_int_equal(r.status, 0);
    snprintf(want, sizeof want, "markets.db: schema is up to date (version %d)\n", latest);
    assert_string_equal(r.out, want);
    pm_test_run_free(&r);
    /* [db] path from a config file */
    char *ini = pm_test_path(f->dir, "other.ini");
    pm_test_write_file(ini, "[db]\npath = other.db\n", 0644);
    r = RUN(f, "--config", ini, "db", "migrate");
    assert_int_equal(r.status, 0);
    snprintf(want, sizeof want, "other.db: schema migrated from version 0 to %d\n", latest);
    assert_string_equal(r.out, want);
    pm_test_run_free(&r);
    r = RUN(f, "--config", "missing.ini", "db", "migrate");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "missing.ini"));
    pm_test_run_free(&r);
    r = RUN(f, "db", "vacuum");
    assert_int_equal(r.status, 2);
    pm_test_run_free(&r);
    free(ini);
}

static void test_markets_list(void **state) {
    fixture *f = *state;
    seed(f);
    pm_test_run_result r = RUN(f, "markets", "list", "--json");
    assert_int_equal(r.status, 0);
    json_t *doc = parse_json(r.out);
    assert_int_equal(json_integer_value(json_object_get(doc, "count")), 4);
    json_t *m = json_array_get(json_object_get(doc, "markets"), 0); /* kalshi first, then by id */
    assert_string_equal(json_string_value(json_object_get(m, "platform_market_id")), "KXFEDDECISION-26DEC-C25");
    assert_string_equal(json_string_value(json_object_get(m, "tick_size")), "0.01");
    assert_string_equal(json_string_value(json_object_get(m, "fee_multiplier")), "1");
    assert_true(json_is_null(json_object_get(m, "min_order_size")));
    m = json_array_get(json_object_get(doc, "markets"), 2);
    assert_string_equal(json_string_value(json_object_get(m, "platform_market_id")), "0xaaa");
    assert_string_equal(json_string_value(json_object_get(m, "tick_size")), "0.001");
    assert_string_equal(json_string_value(json_object_get(m, "min_order_size")), "5");
    assert_int_equal(json_integer_value(json_object_get(m, "fee_rate_bps")), 400);
    assert_true(json_is_true(json_object_get(m, "neg_risk")));
    assert_string_equal(json_string_value(json_object_get(m, "outcome_yes_id")), "1001");
    json_decref(doc);
    pm_test_run_free(&r);

    r = RUN(f, "markets", "list", "--platform", "polymarket", "--status", "active", "--json");
    assert_int_equal(r.status, 0);
    doc = parse_json(r.out);
    assert_int_equal(json_integer_value(json_object_get(doc, "count")), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(doc, "markets"), 0),
                                                          "platform_market_id")),
                        "0xbbb");
    json_decref(doc);
    pm_test_run_free(&r);

    r = RUN(f, "markets", "list", "--platform", "kalshi");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "KXFEDDECISION-26DEC-H0"));
    assert_non_null(strstr(r.out, "Fed holds rates in December 2026?"));
    assert_null(strstr(r.out, "0xbbb"));
    assert_string_equal(r.err, "2 markets\n");
    pm_test_run_free(&r);

    r = RUN(f, "markets", "list", "--platform", "nyse");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--platform must be kalshi or polymarket"));
    assert_string_equal(r.out, "");
    pm_test_run_free(&r);
    r = RUN(f, "markets", "list", "--status", "open");
    assert_int_equal(r.status, 2);
    pm_test_run_free(&r);
    r = RUN(f, "markets", "list", "--bogus");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "unknown option '--bogus'"));
    pm_test_run_free(&r);
}

static void test_pairs_list(void **state) {
    fixture *f = *state;
    seed(f);
    pm_test_run_result r = RUN(f, "pairs", "list", "--json");
    assert_int_equal(r.status, 0);
    json_t *doc = parse_json(r.out);
    assert_int_equal(json_integer_value(json_object_get(doc, "count")), 3);
    json_t *first = json_array_get(json_object_get(doc, "pairs"), 0);
    assert_string_equal(json_string_value(json_object_get(first, "confidence")), "0.99");
    assert_string_equal(json_string_value(json_object_get(first, "status")), "approved");
    assert_string_equal(json_string_value(json_object_get(first, "reviewed_by")), "alice");
    assert_string_equal(json_string_value(json_object_get(json_object_get(first, "kalshi"), "platform_market_id")),
                        "KXFEDDECISION-26DEC-H0");
    assert_string_equal(json_string_value(json_object_get(json_object_get(first, "polymarket"), "outcome_no_id")),
                        "1002");
    json_decref(doc);
    pm_test_run_free(&r);

    r = RUN(f, "pairs", "list", "--status", "pending_review", "--json");
    doc = parse_json(r.out);
    assert_int_equal(json_integer_value(json_object_get(doc, "count")), 1);
    json_t *p = json_array_get(json_object_get(doc, "pairs"), 0);
    assert_string_equal(json_string_value(json_object_get(p, "polarity")), "inverted");
    assert_string_equal(json_string_value(json_object_get(p, "confidence")), "0.96");
    json_decref(doc);
    pm_test_run_free(&r);

    r = RUN(f, "pairs", "list", "--status", "rejected", "--json");
    doc = parse_json(r.out);
    assert_int_equal(json_integer_value(json_object_get(doc, "count")), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(doc, "pairs"), 0), "reviewed_by")),
                        "auto");
    json_decref(doc);
    pm_test_run_free(&r);

    r = RUN(f, "pairs", "list", "--status", "approved");
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "approved"));
    assert_non_null(strstr(r.out, "KXFEDDECISION-26DEC-H0"));
    assert_string_equal(r.err, "1 pair\n");
    pm_test_run_free(&r);

    r = RUN(f, "pairs", "list", "--status", "maybe");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--status must be approved, pending_review or rejected"));
    pm_test_run_free(&r);
}

static void test_config_check(void **state) {
    fixture *f = *state;
    char *key = pm_test_path(f->dir, "kalshi.pem");
    pm_test_write_file(key, "-----BEGIN PRIVATE KEY-----\n", 0600);
    char key_env[4200];
    snprintf(key_env, sizeof key_env, "KALSHI_PRIVATE_KEY_PATH=%s", key);
    const char *env[] = {"POLY_API_SECRET=very-secret-value-123", key_env, "LLM_API_KEY=", NULL};
    pm_test_run_result r = pm_test_exec(f->dir, env, getenv("PMARB_BIN"),
                                        (const char *const[]){"pmarb", "config", "check", "--json", NULL});
    assert_int_equal(r.status, 0);
    assert_null(strstr(r.out, "very-secret-value-123"));
    json_t *doc = parse_json(r.out);
    json_t *sec = json_object_get(doc, "secrets");
    assert_string_equal(json_string_value(json_object_get(sec, "POLY_API_SECRET")), "set");
    assert_string_equal(json_string_value(json_object_get(sec, "KALSHI_PRIVATE_KEY_PATH")), "set");
    assert_string_equal(json_string_value(json_object_get(sec, "LLM_API_KEY")), "unset");
    json_t *path = json_object_get(json_object_get(json_object_get(doc, "sections"), "db"), "path");
    assert_string_equal(json_string_value(json_object_get(path, "value")), "markets.db");
    assert_string_equal(json_string_value(json_object_get(path, "from")), "default");
    assert_true(json_is_true(json_object_get(doc, "ok")));
    json_decref(doc);
    pm_test_run_free(&r);

    char *ini = pm_test_path(f->dir, "pmarb.ini");
    pm_test_write_file(ini, "[strategy]\nmin_edge = 0.02\n", 0644);
    r = pm_test_exec(f->dir, env, getenv("PMARB_BIN"), (const char *const[]){"pmarb", "config", "check", NULL});
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "min_edge                 = 0.02"));
    assert_non_null(strstr(r.out, "; pmarb.ini:2"));
    assert_non_null(strstr(r.out, "POLY_API_SECRET          = set"));
    assert_null(strstr(r.out, "very-secret-value-123"));
    pm_test_run_free(&r);

    chmod(key, 0644); /* a key file others can read is refused, with the fix */
    r = pm_test_exec(f->dir, env, getenv("PMARB_BIN"), (const char *const[]){"pmarb", "config", "check", NULL});
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "chmod 600"));
    pm_test_run_free(&r);

    pm_test_write_file(ini, "[strategy]\nmin_egde = 0.02\n", 0644);
    r = RUN(f, "config", "check");
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "pmarb: pmarb.ini:2: unknown key 'min_egde' in [strategy]\n");
    pm_test_run_free(&r);
    r = RUN(f, "markets", "list"); /* every command refuses a broken configuration */
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "min_egde"));
    pm_test_run_free(&r);
    free(ini);
    free(key);
}

static void test_kalshi_sign(void **state) {
    fixture *f = *state;
    EVP_PKEY *key = EVP_RSA_gen(2048);
    BIO *bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey_traditional(bio, key, NULL, NULL, 0, NULL, NULL);
    char *data;
    long len = BIO_get_mem_data(bio, &data);
    char *pem = strndup(data, (size_t)len);
    BIO_free(bio);
    char *path = pm_test_path(f->dir, "k.pem");
    pm_test_write_file(path, pem, 0600);
    char key_env[4200];
    snprintf(key_env, sizeof key_env, "KALSHI_PRIVATE_KEY_PATH=%s", path);
    const char *env[] = {"KALSHI_API_KEY_ID=a952bcbe-ec3b-4b5b-b8f9-11dae589608c", key_env, NULL};
    pm_test_run_result r = pm_test_exec(f->dir, env, getenv("PMARB_BIN"),
                                        (const char *const[]){"pmarb", "kalshi", "sign", "--method", "GET", "--path",
                                                              "/trade-api/v2/portfolio/balance?x=1", "--timestamp",
                                                              "1703123456789", NULL});
    assert_int_equal(r.status, 0);
    json_t *doc = parse_json(r.out);
    assert_string_equal(json_string_value(json_object_get(doc, "KALSHI-ACCESS-KEY")), "a952bcbe-ec3b-4b5b-b8f9-11dae589608c");
    assert_string_equal(json_string_value(json_object_get(doc, "KALSHI-ACCESS-TIMESTAMP")), "1703123456789");
    const char *sig64 = json_string_value(json_object_get(doc, "KALSHI-ACCESS-SIGNATURE"));
    unsigned char sig[512];
    int n = EVP_DecodeBlock(sig, (const unsigned char *)sig64, (int)strlen(sig64));
    assert_int_equal(n, 258); /* 256 signature bytes; EVP_DecodeBlock counts the two padding bytes */
    const char *msg = "1703123456789GET/trade-api/v2/portfolio/balance";
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    assert_int_equal(EVP_DigestVerifyInit(md, &pctx, EVP_sha256(), NULL, key), 1);
    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32);
    assert_int_equal(EVP_DigestVerify(md, sig, 256, (const unsigned char *)msg, strlen(msg)), 1);
    EVP_MD_CTX_free(md);
    json_decref(doc);
    pm_test_run_free(&r);
    chmod(path, 0640);
    r = pm_test_exec(f->dir, env, getenv("PMARB_BIN"),
                     (const char *const[]){"pmarb", "kalshi", "sign", "--method", "GET", "--path", "/x", NULL});
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "chmod 600"));
    assert_string_equal(r.out, "");
    pm_test_run_free(&r);
    r = RUN(f, "kalshi", "sign", "--method", "GET", "--path", "/x");
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "set KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_PATH"));
    pm_test_run_free(&r);
    r = RUN(f, "kalshi", "bench-auth", "--iterations", "20", "--json");
    assert_int_equal(r.status, 0);
    doc = parse_json(r.out);
    assert_int_equal(json_integer_value(json_object_get(doc, "iterations")), 20);
    assert_true(json_integer_value(json_object_get(json_object_get(doc, "prepared_signature"), "p50_ns")) > 0);
    json_decref(doc);
    pm_test_run_free(&r);
    r = RUN(f, "kalshi", "bench-feed", "--messages", "1000", "--markets", "10", "--json");
    assert_int_equal(r.status, 0); /* the benchmark itself fails unless every frame applied cleanly */
    doc = parse_json(r.out);
    assert_int_equal(json_integer_value(json_object_get(doc, "messages")), 1010);
    json_decref(doc);
    pm_test_run_free(&r);
    EVP_PKEY_free(key);
    free(pem);
    free(path);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_help_and_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_db_migrate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_markets_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pairs_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_check, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kalshi_sign, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
