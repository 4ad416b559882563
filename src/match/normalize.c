/* normalize.c — market text to canonical tokens (see normalize.h). */
#include "match/normalize.h"

#include "util/strmap.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define FOLD_MAX 8192 /* bytes of text read: titles and the start of rules texts */
#define RAW_MAX 1024

/* Aliases: phrase (words separated by one space) → canonical word. */
typedef struct alias {
    const char *from, *to;
} alias;

static const alias aliases[] = {
    {"fed", "fed"}, {"fomc", "fed"}, {"federal reserve", "fed"}, {"the fed", "fed"}, {"federal open market committee", "fed"},
    {"btc", "btc"}, {"bitcoin", "btc"}, {"eth", "eth"}, {"ethereum", "eth"}, {"ether", "eth"}, {"sol", "sol"},
    {"solana", "sol"}, {"xrp", "xrp"}, {"ripple", "xrp"}, {"doge", "doge"}, {"dogecoin", "doge"},
    {"s&p", "spx"}, {"s&p 500", "spx"}, {"spx", "spx"}, {"sp500", "spx"}, {"nasdaq 100", "ndx"}, {"nasdaq", "ndx"},
    {"gop", "gop"}, {"republican", "gop"}, {"republicans", "gop"}, {"republican party", "gop"},
    {"dem", "dem"}, {"dems", "dem"}, {"democrat", "dem"}, {"democrats", "dem"}, {"democratic", "dem"},
    {"democratic party", "dem"}, {"u.s.", "usa"}, {"us", "usa"}, {"usa", "usa"}, {"united states", "usa"},
    {"united states of america", "usa"}, {"president", "president"}, {"presidency", "president"},
    {"presidential", "president"}, {"donald trump", "trump"}, {"donald j trump", "trump"}, {"president trump", "trump"},
    {"win", "win"}, {"wins", "win"}, {"won", "win"}, {"winning", "win"}, {"winner", "win"},
    {"lose", "lose"}, {"loses", "lose"}, {"lost", "lose"}, {"losing", "lose"}, {"loser", "lose"},
    {"cpi", "cpi"}, {"consumer price index", "cpi"}, {"inflation", "cpi"}, {"core cpi", "corecpi"},
    {"core inflation", "corecpi"}, {"unemployment rate", "unemployment"}, {"jobless rate", "unemployment"},
    {"wti", "wti"}, {"crude oil", "wti"}, {"wti crude oil", "wti"}, {"interest rate", "rate"}, {"interest rates", "rate"},
    {"rates", "rate"}, {"hike", "hike"}, {"raise", "hike"}, {"increase", "hike"}, {"cut", "cut"}, {"decrease", "cut"},
    {"lower", "cut"}, {"hold", "nochange"}, {"no change", "nochange"}, {"unchanged", "nochange"}, {"first half", "1h"}, {"1st half", "1h"}, {"1h", "1h"}, {"second half", "2h"}, {"2h", "2h"},
    {"o/u", "total"}, {"over/under", "total"}, {"hot 100", "hot100"}, {"high temp", "hightemp"},
    {"highest temperature", "hightemp"}, {"maximum temperature", "hightemp"}, {"high temperature", "hightemp"},
    {"low temp", "lowtemp"}, {"lowest temperature", "lowtemp"}, {"minimum temperature", "lowtemp"},
    {"low temperature", "lowtemp"}, {"cf benchmarks", "cfbenchmarks"}, {"bureau of labor statistics", "bls"},
    {"associated press", "ap"}, {"o'hare", "ohare"}, {"central park", "centralpark"}, {"la guardia", "laguardia"},
    {"won't", "not"}, {"wont", "not"}, {"isn't", "not"}, {"doesn't", "not"}, {"fail to", "not"},
    {"end of", "endof"}, {"end of the year", "endof"}, {"term ends", "termend"}, {"term is up", "termend"},
    {"end of his term", "termend"}, {"end of term", "termend"}, {"scheduled for", "scheduled"},
    /* NBA and NFL teams: city as Kalshi titles them, and nickname as Polymarket does */
    {"milwaukee", "tmil"}, {"bucks", "tmil"}, {"los angeles l", "tlal"}, {"lakers", "tlal"},
    {"los angeles c", "tlac"}, {"clippers", "tlac"}, {"sacramento", "tsac"}, {"kings", "tsac"},
    {"golden state", "tgsw"}, {"warriors", "tgsw"}, {"houston", "thou"}, {"rockets", "thou"},
    {"portland", "tpor"}, {"trail blazers", "tpor"}, {"blazers", "tpor"}, {"new york", "tnyk"}, {"knicks", "tnyk"},
    {"phoenix", "tphx"}, {"suns", "tphx"}, {"atlanta", "tatl"}, {"hawks", "tatl"}, {"denver", "tden"},
    {"nuggets", "tden"}, {"brooklyn", "tbkn"}, {"nets", "tbkn"}, {"toronto", "ttor"}, {"raptors", "ttor"},
    {"boston", "tbos"}, {"celtics", "tbos"}, {"philadelphia", "tphi"}, {"76ers", "tphi"}, {"sixers", "tphi"},
    {"orlando", "torl"}, {"magic", "torl"}, {"new orleans", "tnop"}, {"pelicans", "tnop"},
    {"washington", "twas"}, {"wizards", "twas"}, {"minnesota", "tmin"}, {"timberwolves", "tmin"},
    {"cleveland", "tcle"}, {"cavaliers", "tcle"}, {"miami", "tmia"}, {"heat", "tmia"}, {"indiana", "tind"},
    {"pacers", "tind"}, {"detroit", "tdet"}, {"pistons", "tdet"}, {"san antonio", "tsas"}, {"spurs", "tsas"},
    {"dallas", "tdal"}, {"mavericks", "tdal"}, {"chicago", "tchi"}, {"bulls", "tchi"}, {"charlotte", "tcha"},
    {"hornets", "tcha"}, {"utah", "tuta"}, {"jazz", "tuta"}, {"memphis", "tmem"}, {"grizzlies", "tmem"},
    {"oklahoma city", "tokc"}, {"thunder", "tokc"}, {"los angeles r", "tlar"}, {"rams", "tlar"},
    {"carolina", "tcar"}, {"panthers", "tcar"}, {"green bay", "tgb"}, {"packers", "tgb"}, {"bears", "tchi"},
    {"seattle", "tsea"}, {"seahawks", "tsea"}, {"cowboys", "tdal"}, {"oregon", "tore"}, {"ducks", "tore"},
    {"hoosiers", "tind"},
};

static const char *const stop_words[] = {
    "a", "an", "the", "of", "in", "on", "by", "at", "to", "for", "and", "or", "is", "be", "will", "who", "what",
    "which", "this", "that", "with", "as", "from", "its", "it", "are", "was", "were", "been", "has", "have", "had",
    "do", "does", "did", "than", "then", "there", "vs", "v", "versus", "market", "above", "below", "over", "under",
    "least", "most", "more", "less", "greater", "higher", "between", "exactly", "before", "after", "during", "any",
    "his", "her", "their", "they", "he", "she", "price", "reach", "hit", "dip", "fall", "drop", "exceed", "get",
    "endof", "scheduled", "moneyline", "game", "meeting", "s",
};

typedef struct tables {
    pm_strmap alias_map; /* phrase → index in aliases */
    pm_strmap stop_map;
    int max_words;       /* longest alias phrase in words */
} tables;

static tables g_tables;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void build_tables(void) {
    size_t na = sizeof aliases / sizeof aliases[0], ns = sizeof stop_words / sizeof stop_words[0];
    if (pm_strmap_init(&g_tables.alias_map, na) || pm_strmap_init(&g_tables.stop_map, ns)) return;
    for (size_t i = 0; i < na; i++) {
        pm_strmap_put(&g_tables.alias_map, aliases[i].from, strlen(aliases[i].from), (uint32_t)i);
        int w = 1;
        for (const char *p = aliases[i].from; *p; p++) w += *p == ' ';
        if (w > g_tables.max_words) g_tables.max_words = w;
    }
    for (size_t i = 0; i < ns; i++) pm_strmap_put(&g_tables.stop_map, stop_words[i], strlen(stop_words[i]), (uint32_t)i);
}

static const tables *get_tables(void) {
    pthread_once(&g_once, build_tables);
    return &g_tables;
}

int64_t pm_days_from_civil(int64_t y, int m, int d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void pm_civil_from_days(int64_t z, int *y, int *m, int *d) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static const char *const months[12] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
static const char *const months_long[12] = {"january", "february", "march", "april", "may", "june",
                                            "july", "august", "september", "october", "november", "december"};

int pm_is_team(const char *w) {
    size_t n = strlen(w);
    if (w[0] != 't' || n < 3 || n > 4) return 0;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (!strcmp(aliases[i].to, w)) return 1;
    return 0;
}

int pm_month_of(const char *w) {
    for (int i = 0; i < 12; i++)
        if (!strcmp(w, months[i])) return i + 1;
    return 0;
}

/* Folds text to lower-case ASCII; ≥ ≤ ° become the bytes 1, 2, 3. Returns the length. */
static size_t fold(const char *s, char *out, size_t cap) {
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
    while (*p && n + 1 < cap) {
        unsigned c = *p, cp;
        int len;
        if (c < 0x80) cp = c, len = 1;
        else if ((c & 0xE0) == 0xC0 && (p[1] & 0xC0) == 0x80) cp = ((c & 0x1F) << 6) | (p[1] & 0x3F), len = 2;
        else if ((c & 0xF0) == 0xE0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80)
            cp = ((c & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F), len = 3;
        else cp = 0xFFFD, len = 1;
        p += len;
        char o;
        if (cp >= 'A' && cp <= 'Z') o = (char)(cp + 32);
        else if (cp < 0x80) o = (char)cp;
        else if (cp == 0x2018 || cp == 0x2019 || cp == 0x201B || cp == 0x2032 || cp == 0x00B4) o = '\'';
        else if (cp == 0x2013 || cp == 0x2014 || cp == 0x2212 || cp == 0x2010 || cp == 0x2011) o = '-';
        else if (cp == 0x2265) o = 1;
        else if (cp == 0x2264) o = 2;
        else if (cp == 0x00B0 || cp == 0x00BA) o = 3;
        else if (cp >= 0xC0 && cp <= 0xFF && cp != 0xD7 && cp != 0xF7) {
            static const char latin[] = "aaaaaaaceeeeiiiidnooooo_ouuuuyts";
            o = latin[(cp - 0xC0) & 0x1F];
        } else o = ' ';
        out[n++] = o;
    }
    out[n] = '\0';
    return n;
}

static int is_al(char c) { return c >= 'a' && c <= 'z'; }
static int is_dig(char c) { return c >= '0' && c <= '9'; }
static int is_alnum(char c) { return is_al(c) || is_dig(c); }

static void set_word(pm_ntok *t, const char *w, size_t n) {
    memset(t, 0, sizeof *t);
    t->type = PM_NT_WORD;
    if (n >= PM_NWORD_MAX) n = PM_NWORD_MAX - 1;
    memcpy(t->word, w, n);
    t->word[n] = '\0';
}

#define NUM_CAP 9000000000000000000LL /* scale-6 values beyond 9e18 (9e12 units) are clamped */

/* Reads digits[,ddd][.dddddd] at b+i; value scale 6 into *v. Returns the index after it. */
static size_t read_number(const char *b, size_t i, size_t n, int64_t *v) {
    int64_t ip = 0, frac = 0;
    int fd = 0;
    while (i < n) {
        if (is_dig(b[i])) {
            if (ip < NUM_CAP / 10) ip = ip * 10 + (b[i] - '0');
            i++;
        } else if (b[i] == ',' && i + 3 < n + 1 && is_dig(b[i + 1]) && is_dig(b[i + 2]) && is_dig(b[i + 3]) &&
                   (i + 4 >= n || !is_dig(b[i + 4]))) {
            i++;
        } else break;
    }
    if (i + 1 < n && b[i] == '.' && is_dig(b[i + 1])) {
        i++;
        while (i < n && is_dig(b[i])) {
            if (fd < 6) frac = frac * 10 + (b[i] - '0'), fd++;
            i++;
        }
    }
    while (fd < 6) frac *= 10, fd++;
    if (ip > NUM_CAP / 1000000) ip = NUM_CAP / 1000000;
    *v = ip * 1000000 + frac;
    return i;
}

static int64_t scale_mul(int64_t v, int64_t m) { return v > NUM_CAP / m ? NUM_CAP : v * m; }

/* Raw scan: words, numbers with their attached signs, dates, times, comparison symbols. */
static int scan(const char *b, size_t n, pm_ntok *out, int cap) {
    int k = 0, money = 0, neg = 0, ordinal = 0;
    size_t i = 0;
    while (i < n && k < cap) {
        char c = b[i];
        pm_ntok *prev = k ? &out[k - 1] : NULL;
        int prev_num = prev && prev->type == PM_NT_NUM;
        if (c == '$') money = 1, i++;
        else if (c == '#' && i + 1 < n && is_dig(b[i + 1])) ordinal = 1, i++;
        else if (c == '>' || c == '<' || c == 1 || c == 2) {
            char s = c == 1 ? 'G' : c == 2 ? 'L' : c;
            if ((c == '>' || c == '<') && i + 1 < n && b[i + 1] == '=') s = c == '>' ? 'G' : 'L', i++;
            memset(&out[k], 0, sizeof out[k]);
            out[k].type = PM_NT_SYM, out[k].sym = s, out[k].stop = 1;
            k++, i++;
        } else if (c == '+') {
            if (prev_num) prev->flags |= PM_NUM_PLUS;
            i++;
        } else if (c == '%') {
            if (prev_num) prev->flags |= PM_NUM_PERCENT;
            i++;
        } else if (c == 3) {
            i++;
            if (prev_num) {
                prev->flags |= PM_NUM_DEG;
                if (i < n && (b[i] == 'f' || b[i] == 'c') && (i + 1 >= n || !is_alnum(b[i + 1]))) {
                    prev->flags = (uint8_t)((prev->flags & ~PM_NUM_DEG) | (b[i] == 'f' ? PM_NUM_DEGF : PM_NUM_DEGC));
                    i++;
                }
            }
        } else if (c == '-') {
            size_t j = i + 1;
            while (j < n && b[j] == ' ') j++;
            if (prev_num && j < n && (is_dig(b[j]) || b[j] == '$')) {
                memset(&out[k], 0, sizeof out[k]);
                out[k].type = PM_NT_SYM, out[k].sym = '-', out[k].stop = 1;
                k++;
            } else if (i + 1 < n && is_dig(b[i + 1]) && (i == 0 || b[i - 1] == '(' || b[i - 1] == ' ')) neg = 1;
            i++;
        } else if (is_dig(c)) {
            size_t start = i;
            /* ISO date yyyy-mm-dd */
            if (i + 10 <= n && is_dig(b[i + 1]) && is_dig(b[i + 2]) && is_dig(b[i + 3]) && b[i + 4] == '-' &&
                is_dig(b[i + 5]) && is_dig(b[i + 6]) && b[i + 7] == '-' && is_dig(b[i + 8]) && is_dig(b[i + 9]) &&
                (i + 10 == n || !is_dig(b[i + 10]))) {
                int y = (b[i] - '0') * 1000 + (b[i + 1] - '0') * 100 + (b[i + 2] - '0') * 10 + (b[i + 3] - '0');
                int mo = (b[i + 5] - '0') * 10 + (b[i + 6] - '0'), d = (b[i + 8] - '0') * 10 + (b[i + 9] - '0');
                i += 10;
                if (mo >= 1 && mo <= 12 && d >= 1 && d <= 31) {
                    memset(&out[k], 0, sizeof out[k]);
                    out[k].type = PM_NT_DATE, out[k].num = pm_days_from_civil(y, mo, d);
                    k++;
                }
                money = neg = ordinal = 0;
                continue;
            }
            /* time h:mm */
            size_t j = i;
            while (j < n && is_dig(b[j])) j++;
            if (j - i <= 2 && j + 2 < n + 1 && b[j] == ':' && j + 2 < n + 1 && is_dig(b[j + 1]) && is_dig(b[j + 2])) {
                int h = 0;
                for (size_t q = i; q < j; q++) h = h * 10 + (b[q] - '0');
                int mi = (b[j + 1] - '0') * 10 + (b[j + 2] - '0');
                memset(&out[k], 0, sizeof out[k]);
                out[k].type = PM_NT_TIME, out[k].num = h * 60 + mi;
                k++;
                i = j + 3;
                money = neg = ordinal = 0;
                continue;
            }
            int64_t v;
            i = read_number(b, i, n, &v);
            size_t a = i;
            while (a < n && is_alnum(b[a])) a++;
            const char *suf = b + i;
            size_t sl = a - i;
            uint8_t flags = 0;
            int word = 0;
#define SUF(s) (sl == sizeof(s) - 1 && !memcmp(suf, s, sl))
            if (sl == 0) {
            } else if (SUF("k")) v = scale_mul(v, 1000);
            else if (SUF("m") || SUF("mn")) v = scale_mul(v, 1000000);
            else if (SUF("b") || SUF("bn")) v = scale_mul(v, 1000000000);
            else if (SUF("bps") || SUF("bp")) flags |= PM_NUM_BPS;
            else if (SUF("st") || SUF("nd") || SUF("rd") || SUF("th")) flags |= PM_NUM_ORDINAL;
            else if (SUF("pm") || SUF("am")) {
                int64_t h = v / 1000000 % 12 + (SUF("pm") ? 12 : 0);
                memset(&out[k], 0, sizeof out[k]);
                out[k].type = PM_NT_TIME, out[k].num = h * 60;
                k++;
                i = a;
                money = neg = ordinal = 0;
                continue;
            } else word = 1;
#undef SUF
            if (word) {
                set_word(&out[k++], b + start, a - start);
            } else {
                memset(&out[k], 0, sizeof out[k]);
                out[k].type = PM_NT_NUM;
                out[k].num = neg ? -v : v;
                out[k].flags = (uint8_t)(flags | (money ? PM_NUM_MONEY : 0) | (ordinal ? PM_NUM_ORDINAL : 0));
                k++;
            }
            i = a;
            money = neg = ordinal = 0;
        } else if (is_al(c)) {
            char w[64];
            size_t wl = 0;
            while (i < n) {
                char d = b[i];
                if (is_alnum(d)) {
                    if (wl + 1 < sizeof w) w[wl++] = d;
                    i++;
                } else if ((d == '.' || d == '&') && i + 1 < n && is_al(b[i + 1]) && wl && is_al(w[wl - 1]) &&
                           (d == '&' || wl == 1 || !is_al(w[wl - 2]))) {
                    if (d == '&' && wl + 1 < sizeof w) w[wl++] = '&';
                    i++; /* j.d. → jd, u.s. → us, s&p → s&p */
                } else if (d == '.' && wl == 1 && i + 1 < n && b[i + 1] == ' ') {
                    i++;
                    break;
                } else if (d == '\'' && i + 1 < n && is_al(b[i + 1])) {
                    if (b[i + 1] == 's' && (i + 2 >= n || !is_alnum(b[i + 2]))) i += 2; /* trump's → trump */
                    else if (b[i + 1] == 't' && (i + 2 >= n || !is_alnum(b[i + 2])) && wl + 2 < sizeof w) {
                        w[wl++] = '\'', w[wl++] = 't', i += 2; /* won't */
                    } else i++;
                } else if (d == '/' && i + 1 < n && is_al(b[i + 1]) && wl <= 5) {
                    if (wl + 1 < sizeof w) w[wl++] = '/'; /* o/u, over/under */
                    i++;
                } else break;
            }
            if (wl == 2 && !memcmp(w, "us", 2) && i < n && b[i] == '.') i++;
            set_word(&out[k++], w, wl);
            money = neg = ordinal = 0;
        } else {
            if (c != ' ') money = neg = ordinal = 0;
            i++;
        }
    }
    return k;
}

static int word_is(const pm_ntok *t, const char *w) { return t->type == PM_NT_WORD && !strcmp(t->word, w); }

static void stem(char *w) {
    size_t n = strlen(w);
    if (w[0] == 't' && n == 4) return; /* team codes */
    if (n >= 5 && !strcmp(w + n - 3, "ies")) {
        w[n - 3] = 'y', w[n - 2] = '\0';
    } else if (n >= 4 && w[n - 1] == 's' && w[n - 2] != 's' && w[n - 2] != 'u' && w[n - 2] != 'i' && w[n - 2] != 'o') {
        w[n - 1] = '\0';
    }
}

int pm_normalize(const char *text, pm_ntok *out, int cap) {
    const tables *tb = get_tables();
    char buf[FOLD_MAX];
    size_t n = fold(text ? text : "", buf, sizeof buf);
    pm_ntok raw[RAW_MAX];
    int nr = scan(buf, n, raw, RAW_MAX), k = 0;
    for (int i = 0; i < nr && k < cap; i++) {
        pm_ntok *t = &raw[i];
        if (t->type == PM_NT_NUM && i + 1 < nr && raw[i + 1].type == PM_NT_WORD) {
            const char *w = raw[i + 1].word;
            int64_t mul = !strcmp(w, "thousand") ? 1000 : !strcmp(w, "million") ? 1000000 : !strcmp(w, "billion") ? 1000000000 : 0;
            if (mul) {
                t->num = scale_mul(t->num, mul);
                raw[i + 1].type = PM_NT_SYM, raw[i + 1].sym = ' ';
            } else if (!strcmp(w, "percent") || !strcmp(w, "pct")) {
                t->flags |= PM_NUM_PERCENT;
                raw[i + 1].type = PM_NT_SYM, raw[i + 1].sym = ' ';
            } else if (!strcmp(w, "bps") || !strcmp(w, "bp") || (!strcmp(w, "basis") && i + 2 < nr && !strncmp(raw[i + 2].word, "point", 5))) {
                t->flags |= PM_NUM_BPS;
                raw[i + 1].type = PM_NT_SYM, raw[i + 1].sym = ' ';
                if (!strcmp(w, "basis")) raw[i + 2].type = PM_NT_SYM, raw[i + 2].sym = ' ';
            } else if ((!strcmp(w, "pm") || !strcmp(w, "am")) && t->num % 1000000 == 0 && t->num <= 12000000) {
                t->type = PM_NT_TIME;
                t->num = (t->num / 1000000 % 12 + (w[0] == 'p' ? 12 : 0)) * 60;
                raw[i + 1].type = PM_NT_SYM, raw[i + 1].sym = ' ';
            }
        }
        if (t->type == PM_NT_TIME && i + 1 < nr && (word_is(&raw[i + 1], "pm") || word_is(&raw[i + 1], "am"))) {
            if (raw[i + 1].word[0] == 'p' && t->num < 12 * 60) t->num += 12 * 60;
            if (raw[i + 1].word[0] == 'a' && t->num >= 12 * 60) t->num -= 12 * 60;
            raw[i + 1].type = PM_NT_SYM, raw[i + 1].sym = ' ';
        }
        if (t->type == PM_NT_SYM && t->sym == ' ') continue;
        if (t->type != PM_NT_WORD) {
            out[k++] = *t;
            continue;
        }
        /* longest alias phrase starting here */
        int used = 0;
        for (int len = tb->max_words; len >= 1 && !used; len--) {
            if (i + len > nr) continue;
            char phrase[128];
            size_t pl = 0;
            int ok = 1;
            for (int q = 0; q < len && ok; q++) {
                const pm_ntok *u = &raw[i + q];
                char num[24];
                const char *w = u->word;
                if (q && u->type == PM_NT_NUM && !u->flags && u->num % 1000000 == 0 && u->num > 0) {
                    snprintf(num, sizeof num, "%lld", (long long)(u->num / 1000000)); /* "s&p 500", "hot 100" */
                    w = num;
                } else if (u->type != PM_NT_WORD) ok = 0;
                size_t wl = strlen(w);
                if (!ok || pl + wl + 2 > sizeof phrase) ok = 0;
                else {
                    if (q) phrase[pl++] = ' ';
                    memcpy(phrase + pl, w, wl);
                    pl += wl;
                }
            }
            if (!ok) continue;
            int64_t a = pm_strmap_get(&tb->alias_map, phrase, pl);
            if (a >= 0) {
                set_word(&out[k], aliases[a].to, strlen(aliases[a].to));
                used = len;
            }
        }
        if (used) {
            i += used - 1;
        } else {
            out[k] = *t;
            for (int m = 0; m < 12; m++)
                if (!strcmp(t->word, months_long[m]) || (!strcmp(t->word, months[m])) ||
                    (m == 8 && !strcmp(t->word, "sept")))
                    snprintf(out[k].word, PM_NWORD_MAX, "%s", months[m]);
            if (!pm_month_of(out[k].word)) stem(out[k].word);
        }
        out[k].stop = pm_strmap_get(&tb->stop_map, out[k].word, strlen(out[k].word)) >= 0;
        k++;
    }
    return k;
}
