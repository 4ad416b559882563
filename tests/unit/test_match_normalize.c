/* test_match_normalize.c — exact tokens of market text (case, punctuation, unicode quotes and
 * dashes, ≥, °F/°C, number formats, ISO dates and times, aliases, stemming, stop words) and
 * exact features extracted from real venue titles, subtitles, tickers and rules (dates,
 * deadlines, thresholds with their comparison, quantities, sources, negation, subjects). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "match/extract.h"
#include "match/normalize.h"

static void dump_tokens(const char *s, char *out, size_t cap) {
    pm_ntok t[64];
    int n = pm_normalize(s, t, 64);
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        char b[64];
        if (t[i].type == PM_NT_WORD) snprintf(b, sizeof b, "%s%s", t[i].word, t[i].stop ? "*" : "");
        else if (t[i].type == PM_NT_NUM) snprintf(b, sizeof b, "#%lld/%x", (long long)t[i].num, t[i].flags);
        else if (t[i].type == PM_NT_DATE) {
            int y, m, d;
            pm_civil_from_days(t[i].num, &y, &m, &d);
            snprintf(b, sizeof b, "@%04d-%02d-%02d", y, m, d);
        } else if (t[i].type == PM_NT_TIME)
            snprintf(b, sizeof b, "t%02lld:%02lld", (long long)t[i].num / 60, (long long)t[i].num % 60);
        else snprintf(b, sizeof b, "%c", t[i].sym);
        len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? " " : "", b);
    }
}

static const char *const token_cases[][2] = {
    {"Will the price of Bitcoin be less than $64,000 on June 7?",
     "will* the* price* of* btc be* less* than* #64000000000/1 on* jun #7000000/0"},
    {"Will BTC be ≥ 100k by Dec 31st?", "will* btc be* G #100000000000/0 by* dec #31000000/40"},
    {"Fed’s “decision”: 4.25% – 4.50%?", "fed decision #4250000/2 - #4500000/2"},
    {"Will the Federal Reserve cut rates by 25bps at the FOMC meeting?",
     "will* the* fed cut rate by* #25000000/4 at* the* fed meeting*"},
    {"Will J.D. Vance win the 2028 U.S. presidential election?",
     "will* jd vance win the* #2028000000/0 usa president election"},
    {"S&P 500 closes above 6,000 on 2026-12-31 at 4:00 PM ET",
     "spx close above* #6000000000/0 on* @2026-12-31 at* t16:00 et"},
    {"Will the highest temperature in Chicago be between 42-43°F on March 2?",
     "will* the* hightemp in* tchi be* between* #42000000/0 - #43000000/8 on* mar #2000000/0"},
    {"Will the #1 Movie on Netflix have at least 12 million views?",
     "will* the* #1000000/40 movie on* netflix have* at* least* #12000000000000/0 view"},
    {"Spread: Lakers (-3.5)", "spread tlal #-3500000/0"},
    {"Bucks vs. Lakers: 1H O/U 118.5", "tmil vs* tlal 1h total #118500000/0"},
    {"Will the GOP or the Democrats win? São Paulo 28°C, 5pm",
     "will* the* gop or* the* dem win sao paulo #28000000/10 t17:00"},
    {"Will Ethereum dip to $1.5K? Ripple $0.62 to 0.6399",
     "will* eth dip* to* #1500000000/1 xrp #620000/1 to* #639900/0"},
};

static void test_tokens(void **state) {
    (void)state;
    char out[2048];
    for (size_t i = 0; i < sizeof token_cases / sizeof token_cases[0]; i++) {
        dump_tokens(token_cases[i][0], out, sizeof out);
        if (strcmp(out, token_cases[i][1])) fail_msg("%s\n  got      %s\n  expected %s", token_cases[i][0], out, token_cases[i][1]);
    }
    pm_ntok t[4];
    assert_int_equal(pm_normalize(NULL, t, 4), 0);
    assert_int_equal(pm_normalize("a b c d e f", t, 4), 4); /* capped, never overrun */
}

static void describe(const pm_match_market *m, char *out, size_t cap) {
    pm_features f;
    pm_extract(m, &f);
    char d[32], thr[160] = "";
    size_t len = 0;
    pm_date_format(&f.date, d, sizeof d);
    for (int i = 0; i < f.nthr; i++) {
        char b[48];
        pm_threshold_format(&f.thr[i], b, sizeof b);
        len += (size_t)snprintf(thr + len, sizeof thr - len, "%s%s", i ? "," : "", b);
    }
    static const char *const from[] = {"text", "ticker", "rules", "close"};
    snprintf(out, cap, "date=%s/%s min=%d thr=%s q=%x qual=%x src=%x neg=%d lose=%d subj=%s", d, from[f.date.from],
             f.date.minute, thr, f.quantity, f.qualifier, f.sources, f.negated, f.lose, f.subject);
}

typedef struct extract_case {
    pm_match_market m;
    const char *expected;
} extract_case;

static const extract_case extract_cases[] = {
    {{"1", "KXBTC-26JUN0717-B51375", "Bitcoin price range on Jun 7, 2026?", "$51,250 to 51,499.99", NULL, NULL, NULL},
     "date=2026-06-07/text min=-1 thr=51250..51499.99 q=1 qual=0 src=0 neg=0 lose=0 subj="},
    {{"2", "0xa", "Will the price of Bitcoin be less than $64,000 on June 7?", NULL,
      "This market will resolve to \"Yes\" if the Binance 1 minute candle for BTC/USDT 12:00 in the ET timezone (noon) on "
      "the date specified in the title has a final \"Close\" price lower than the price specified in the title.",
      "2026-06-07T16:00:00Z", NULL},
     "date=2026-06-07/text min=-1 thr=<64000 q=1 qual=0 src=2 neg=0 lose=0 subj="},
    {{"3", "KXWTI-26JUN0814-T87.99", "Will the WTI crude oil settlement price be above 87.99 USD/Bbl on Jun 8, 2026?", NULL,
      NULL, NULL, NULL},
     "date=2026-06-08/text min=-1 thr=>87.99 q=100 qual=0 src=0 neg=0 lose=0 subj="},
    {{"4", "0xb", "Will the Fed increase interest rates by 50+ bps after the September 2026 meeting?", NULL, NULL,
      "2026-09-17T00:00:00Z", NULL},
     "date=2026-09/text min=-1 thr=>=50bps q=0 qual=0 src=0 neg=0 lose=0 subj="},
    {{"5", "0xc", "Trump impeached by end of 2026?", NULL, NULL, "2026-12-31T00:00:00Z", NULL},
     "date=2026-12-31/text min=-1 thr= q=0 qual=0 src=0 neg=0 lose=0 subj="},
    {{"6", "KXIMPEACH-29-JAN20", "Will the President be impeached before Jan 20, 2029?", "Before Jan 20, 2029", NULL,
      "2029-01-20T15:00:00Z", NULL},
     "date=2029-01-19/text min=-1 thr= q=0 qual=0 src=0 neg=0 lose=0 subj="},
    {{"7", "KXTRUMPRESIGN", "Will President Trump resign before his term is up?", "Before his term ends", NULL,
      "2029-01-21T15:00:00Z", NULL},
     "date=end of term/text min=-1 thr= q=0 qual=0 src=0 neg=0 lose=0 subj="},
    {{"8", "KXNBAGAME-26JAN09MILLAL-LAL", "Milwaukee at Los Angeles L", "Los Angeles L", NULL, NULL, NULL},
     "date=2026-01-09/ticker min=-1 thr= q=0 qual=0 src=0 neg=0 lose=0 subj=tlal"},
    {{"9", "0xd", "Bucks vs. Lakers", "Bucks",
      "In the upcoming NBA game, scheduled for January 9 at 10:30 PM ET:\nIf the Bucks win, the market will resolve to "
      "\"Bucks\".",
      "2026-01-10T03:30:00Z", NULL},
     "date=2026-01-09/rules min=1350 thr= q=0 qual=0 src=0 neg=0 lose=0 subj=tmil"},
    {{"10", "0xe", "Will core CPI be above 3.1% in December 2026?", NULL, "Resolves on the Bureau of Labor Statistics release.",
      NULL, NULL},
     "date=2026-12/text min=-1 thr=>3.1% q=40 qual=0 src=10 neg=0 lose=0 subj="},
    {{"11", "0xf", "Will Ethereum NOT reach $4,000 by December 31st?", NULL, "Per CF Benchmarks.", "2026-12-31T12:00:00Z",
      NULL},
     "date=2026-12-31/text min=-1 thr=>=4000 q=2 qual=0 src=1 neg=1 lose=0 subj="},
    {{"12", "0x1", "Will the Lakers lose to the Bucks?", NULL, NULL, NULL, NULL},
     "date=none/text min=-1 thr= q=0 qual=0 src=0 neg=0 lose=1 subj="},
    {{"13", "KXFEDDECISION-26SEP-H25", "Will the Federal Reserve hike rates by 25bps?", "Hike 25bps", NULL, NULL, NULL},
     "date=2026-09/ticker min=-1 thr==25bps q=0 qual=0 src=0 neg=0 lose=0 subj="},
    {{"14", "0x2", "Will the high temp in Chicago be >47° on Mar 2, 2026?", NULL, NULL, NULL, NULL},
     "date=2026-03-02/text min=-1 thr=>47° q=800 qual=0 src=0 neg=0 lose=0 subj="},
    {{"15", "0x3", "Bucks vs. Lakers: 1H Moneyline", "Bucks", NULL, "2026-01-10T03:30:00Z", NULL},
     "date=2026-01-10/close min=210 thr= q=0 qual=1 src=0 neg=0 lose=0 subj=tmil"},
    {{"16", "0x4", "Will the price of Solana be above $30 on June 7?", NULL, NULL, NULL, NULL},
     "date=--06-07/text min=-1 thr=>30 q=4 qual=0 src=0 neg=0 lose=0 subj="},
    /* one deadline, five ways to write it */
    {{"17", "0x5", "Will X happen by Dec 31 2026?", NULL, NULL, NULL, NULL},
     "date=2026-12-31/text min=-1 thr= q=0 qual=0 src=0 neg=0 lose=0 subj="},
    {{"18", "0x6", "Will X happen by December 31st?", NULL, NULL, "2026-12-31T12:00:00Z", NULL},
     "date=2026-12-31/text min=-1 thr= q=0 qual=0 src=0 neg=0 lose=0 subj="},
    {{"19", "0x7", "Will X happen by 31 December 2026?", NULL, NULL, NULL, NULL},
     "date=2026-12-31/text min=-1 thr= q=0 qual=0 src=0 neg=0 lose=0 subj="},
    {{"20", "0x8", "Will X happen by end of 2026?", NULL, NULL, NULL, NULL},
     "date=2026-12-31/text min=-1 thr= q=0 qual=0 src=0 neg=0 lose=0 subj="},
    {{"21", "0x9", "Will X happen before 2027?", NULL, NULL, NULL, NULL},
     "date=2026-12-31/text min=-1 thr= q=0 qual=0 src=0 neg=0 lose=0 subj="},
    /* comparisons */
    {{"22", "0x10", "Will BTC be between $90,000 and $95,000 on Jan 1, 2027?", NULL, NULL, NULL, NULL},
     "date=2027-01-01/text min=-1 thr=90000..95000 q=1 qual=0 src=0 neg=0 lose=0 subj="},
    {{"23", "0x11", "Will unemployment be 4.2% or higher in June 2026?", NULL, NULL, NULL, NULL},
     "date=2026-06/text min=-1 thr=>=4.2% q=80 qual=0 src=0 neg=0 lose=0 subj="},
    {{"24", "0x12", "Will CPI be exactly 3%?", NULL, NULL, "2026-12-31T12:00:00Z", NULL},
     "date=2026-12-31/close min=720 thr==3% q=20 qual=0 src=0 neg=0 lose=0 subj="},
    {{"25", "0x13", "Will there be 5 or fewer named storms?", NULL, NULL, NULL, NULL},
     "date=none/text min=-1 thr=<=5 q=0 qual=0 src=0 neg=0 lose=0 subj="},
};

static void test_extract(void **state) {
    (void)state;
    char out[512];
    for (size_t i = 0; i < sizeof extract_cases / sizeof extract_cases[0]; i++) {
        describe(&extract_cases[i].m, out, sizeof out);
        if (strcmp(out, extract_cases[i].expected))
            fail_msg("%s\n  got      %s\n  expected %s", extract_cases[i].m.title, out, extract_cases[i].expected);
    }
}

static void test_dates(void **state) {
    (void)state;
    assert_int_equal(pm_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(pm_days_from_civil(2026, 12, 31), 20818);
    int y, m, d;
    pm_civil_from_days(20818, &y, &m, &d);
    assert_int_equal(y, 2026), assert_int_equal(m, 12), assert_int_equal(d, 31);
    assert_int_equal(pm_month_of("sep"), 9);
    assert_int_equal(pm_month_of("september"), 0); /* canonical forms only */
    /* US Eastern day of a UTC instant: 03:30Z on Jan 10 is Jan 9 in New York; 03:30Z on Jul 10 too (EDT) */
    assert_int_equal(pm_eastern_day((int32_t)pm_days_from_civil(2026, 1, 10), 210), pm_days_from_civil(2026, 1, 9));
    assert_int_equal(pm_eastern_day((int32_t)pm_days_from_civil(2026, 7, 10), 210), pm_days_from_civil(2026, 7, 9));
    assert_int_equal(pm_eastern_day((int32_t)pm_days_from_civil(2026, 7, 10), 250), pm_days_from_civil(2026, 7, 10));
    assert_int_equal(pm_eastern_day((int32_t)pm_days_from_civil(2026, 1, 10), 290), pm_days_from_civil(2026, 1, 9));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_extract),
        cmocka_unit_test(test_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
