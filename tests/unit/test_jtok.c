/* test_jtok.c — the hot-path JSON tokenizer: invalid JSON (missing colons, doubled or trailing
 * commas, bad literals and numbers, raw control characters in strings, bad escapes) is
 * rejected; valid JSON walks right, with strings scanned in 16-byte steps. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/jtok.h"

static int parse(const char *s) {
    static jsmntok_t t[64];
    pm_json j;
    return pm_json_parse(&j, t, 64, s, strlen(s));
}

static void test_rejects_invalid(void **state) {
    (void)state;
    const char *bad[] = {
        "{\"type\":\"a\",,}", "{\"type\" \"a\"}", "{\"type\":\"a\"]", "{type:1}", "{\"a\":tru}",
        "{\"a\":\"x\\q\"}",   "{\"a\":1,}",       "{\"a\":01}",     "{\"a\":\"b\":\"c\"}", "{\"a\":[1,2 3]}",
        "{\"a\":1 \"b\":2}",  "{\"a\":-}",        "{\"a\":1.}",     "{\"a\":1e}",  "{\"a\":nul}",
        "{1:2}",              "{\"a\"}",          "{\"a\":1} {}",   "[1,]",        "[,1]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (parse(bad[i]) != -2) fail_msg("accepted: %s", bad[i]);
    /* JSON forbids raw control characters inside strings, wherever they fall in a 16-byte step */
    char raw[64];
    for (int at = 0; at < 40; at++) {
        snprintf(raw, sizeof raw, "{\"a\":\"%.*s%c%s\"}", at, "0123456789012345678901234567890123456789", at % 2 ? '\t' : '\n', "z");
        if (parse(raw) != -2) fail_msg("accepted a control character at %d", at);
    }
    assert_int_equal(parse("{\"a\":\"0123456789abcdef0123456789abcdef\\t\"}"), 3); /* escaped: fine */
    assert_int_equal(parse("{\"a\":[1,2"), -3);
    assert_int_equal(parse(""), -3);
}

static void test_accepts_valid(void **state) {
    (void)state;
    assert_int_equal(parse("{\"a\":[1,2,3],\"b\":{\"c\":null,\"d\":[true,false,-1.5e3]},\"e\":\"x\"}"), 17);
    assert_int_equal(parse(" { \"a\" : [ ] , \"b\" : { } } \n"), 5);
    assert_int_equal(parse("[[[]]]"), 3);
    assert_int_equal(parse("{\"s\":\"a,b:c]\"}"), 3); /* separators inside strings are text */
    assert_int_equal(parse("{\"n\":0,\"m\":-0.25,\"e\":1E+9}"), 7);
}

static void test_walk(void **state) {
    (void)state;
    jsmntok_t t[64];
    pm_json j;
    const char *s = "{\"x\":{\"deep\":[1,{\"k\":2}]},\"type\":\"ok\",\"seq\":-42,\"big\":99999999999999999999}";
    assert_true(pm_json_parse(&j, t, 64, s, strlen(s)) > 0);
    assert_true(pm_json_eq(&j, pm_json_key(&j, 0, "type"), "ok"));
    assert_int_equal(pm_json_key(&j, 0, "k"), -1); /* only direct keys */
    int64_t v;
    assert_int_equal(pm_json_int(&j, pm_json_key(&j, 0, "seq"), &v), 0);
    assert_int_equal(v, -42);
    assert_int_equal(pm_json_int(&j, pm_json_key(&j, 0, "big"), &v), -1);  /* overflow */
    assert_int_equal(pm_json_int(&j, pm_json_key(&j, 0, "type"), &v), -1); /* a string */
    int x = pm_json_key(&j, 0, "x");
    assert_true(pm_json_is_obj(&j, x));
    assert_true(pm_json_is_arr(&j, pm_json_key(&j, x, "deep")));
    assert_int_equal(pm_json_next(&j, x), x + 7);
    jsmntok_t few[4];
    assert_int_equal(pm_json_parse(&j, few, 4, s, strlen(s)), -1);
}

static void test_unescape(void **state) {
    (void)state;
    pm_json j;
    const char *s = "{\"a\":\"line\\nnext \\\"q\\\" \\u00e9 \\ud83d\\ude00 \\/\",\"bad\":\"\\ud83d\",\"n\":1}";
    assert_true(pm_json_parse_alloc(&j, s, strlen(s)) > 0);
    char out[64];
    assert_int_equal(pm_json_unescape(&j, pm_json_key(&j, 0, "a"), out, sizeof out), 23);
    assert_string_equal(out, "line\nnext \"q\" \xc3\xa9 \xf0\x9f\x98\x80 /");
    assert_int_equal(pm_json_unescape(&j, pm_json_key(&j, 0, "bad"), out, sizeof out), -1); /* lone surrogate */
    assert_int_equal(pm_json_unescape(&j, pm_json_key(&j, 0, "n"), out, sizeof out), -1);   /* not a string */
    assert_int_equal(pm_json_unescape(&j, pm_json_key(&j, 0, "a"), out, 5), -1);             /* too small */
    char *d = pm_json_strdup(&j, pm_json_key(&j, 0, "a"));
    assert_string_equal(d, "line\nnext \"q\" \xc3\xa9 \xf0\x9f\x98\x80 /");
    free(d);
    pm_json_release(&j);
    assert_int_equal(pm_json_parse_alloc(&j, "{\"a\":1,}", 8), -2);
    assert_null(j.tok);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rejects_invalid),
        cmocka_unit_test(test_accepts_valid),
        cmocka_unit_test(test_walk),
        cmocka_unit_test(test_unescape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
