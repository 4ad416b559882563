/* cmd_review.c — `pmarb review`: a person approves, rejects or flips the polarity of the
 * matches pending review, one pair at a time on a terminal, both venues side by side, each
 * decision saved as it is made; `review export` / `review import` do the same in a spreadsheet. */
#include "cli/cli.h"
#include "cli/render.h"
#include "core/money.h"
#include "match/review_io.h"
#include "store/matches.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static const char usage[] =
    "usage: pmarb review [--reviewer NAME]\n"
    "       pmarb review export FILE.csv|FILE.json [--status S|all]\n"
    "       pmarb review import FILE.csv|FILE.json [--reviewer NAME]\n\n"
    "Without a subcommand, shows each match pending review on the terminal: both markets side by\n"
    "side (titles, rules, close times), the polarity, the confidence, the matcher's reason with\n"
    "the LLM's verdict and the vetoes. Keys: a approve, r reject, s skip, f flip polarity,\n"
    "q quit. Every decision is saved at once. Needs a terminal: elsewhere use export/import.\n\n"
    "export writes the matches (default: pending_review; --status all for every one) as CSV or\n"
    "JSON by the file's extension. Edit status (pending_review|approved|rejected), polarity\n"
    "(same|inverted) and review_note, then import: every row is checked first (the match exists,\n"
    "the status and polarity are valid, no match twice); a bad file changes nothing and the error\n"
    "names its line. Changed rows become NAME's decisions.\n\n"
    "The reviewer is --reviewer NAME, else $USER; one of them is required.\n";

/* Reads the options of argv[1..]: --reviewer NAME into *who (NULL without it). PM_EXIT_OK, or the
 * usage error for any other option; optind is left at the first operand. */
static int reviewer_option(int argc, char **argv, const char **who) {
    static const struct option opts[] = {{"reviewer", required_argument, NULL, 'r'}, {NULL, 0, NULL, 0}};
    int c;
    *who = NULL;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c != 'r') return pm_cli_usage_error("review", "unknown option '%s'", argv[optind - 1]);
        *who = optarg;
    }
    return PM_EXIT_OK;
}

static const char *reviewer_of(const char *opt) {
    const char *u = opt && *opt ? opt : getenv("USER");
    return u && *u ? u : NULL;
}

/* ---- the terminal ---- */

typedef struct side {
    char *ticker, *title, *subtitle, *rules, *close_time;
} side;

typedef struct item {
    char id[PM_UUID_LEN];
    pm_polarity polarity;
    int64_t confidence;
    char *reason, *model, *note;
    side k, p;
} item;

typedef struct items {
    item *v;
    size_t n, cap;
} items;

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

static int collect_pending(void *ctx_, const pm_match_row *r) {
    items *it = ctx_;
    if (it->n == it->cap) {
        size_t cap = it->cap ? 2 * it->cap : 32;
        item *grown = realloc(it->v, cap * sizeof *grown);
        if (!grown) return 1;
        it->v = grown;
        it->cap = cap;
    }
    item *x = &it->v[it->n++];
    memset(x, 0, sizeof *x);
    memcpy(x->id, r->id, sizeof x->id);
    x->polarity = r->polarity;
    x->confidence = r->confidence;
    x->reason = dup_or_null(r->reason);
    x->model = dup_or_null(r->model);
    x->note = dup_or_null(r->review_note);
    x->k = (side){dup_or_null(r->kalshi.platform_market_id), dup_or_null(r->kalshi.title),
                  dup_or_null(r->kalshi.description), dup_or_null(r->kalshi.rules), dup_or_null(r->kalshi.close_time)};
    const char *yes = r->polymarket.outcome_yes_name;
    x->p = (side){dup_or_null(r->polymarket.platform_market_id), dup_or_null(r->polymarket.title),
                  dup_or_null(yes && strcmp(yes, "Yes") != 0 ? yes : NULL), dup_or_null(r->polymarket.rules),
                  dup_or_null(r->polymarket.close_time)};
    return 0;
}

static void side_free(side *s) {
    free(s->ticker);
    free(s->title);
    free(s->subtitle);
    free(s->rules);
    free(s->close_time);
}

static void items_free(items *it) {
    for (size_t i = 0; i < it->n; i++) {
        free(it->v[i].reason);
        free(it->v[i].model);
        free(it->v[i].note);
        side_free(&it->v[i].k);
        side_free(&it->v[i].p);
    }
    free(it->v);
}

static size_t cp_len(const char *s, size_t n) {
    size_t c = 0;
    for (size_t i = 0; i < n; i++) c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* Bytes of s that fit in width code points, cut at a space when one is near. */
static size_t fit(const char *s, size_t width, int *at_space) {
    size_t i = 0, cps = 0, last_space = 0;
    *at_space = 0;
    while (s[i] && s[i] != '\n') {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (cps == width) break;
            cps++;
        }
        if (s[i] == ' ') last_space = i;
        i++;
    }
    if (s[i] && s[i] != '\n' && last_space > width / 3) {
        *at_space = 1;
        return last_space;
    }
    return i;
}

/* Prints label, then left and right wrapped in columns of width w. */
static void row2(const char *label, const char *left, const char *right, size_t w) {
    const char *a = left ? left : "-", *b = right ? right : "-";
    int first = 1;
    while (*a || *b || first) {
        int sa, sb;
        size_t na = fit(a, w, &sa), nb = fit(b, w, &sb);
        printf("%-11s %.*s%*s | %.*s\r\n", first ? label : "", (int)na, a, (int)(w - cp_len(a, na)), "", (int)nb, b);
        a += na + (sa || a[na] == '\n');
        b += nb + (sb || b[nb] == '\n');
        first = 0;
    }
}

static void wrapped(const char *label, const char *text, size_t w) {
    const char *a = text ? text : "-";
    int first = 1;
    while (*a || first) {
        int s;
        size_t n = fit(a, w, &s);
        printf("%-11s %.*s\r\n", first ? label : "", (int)n, a);
        a += n + (s || a[n] == '\n');
        first = 0;
    }
}

static void show(const item *x, size_t i, size_t n, size_t width) {
    size_t col = width > 40 ? (width - 15) / 2 : 12;
    char conf[PM_FIXED_BUF] = "unknown";
    if (x->confidence >= 0) pm_fixed_format_exact(x->confidence, 2, conf, sizeof conf);
    printf("\033[H\033[2J");
    printf("pair %zu of %zu — match %s\r\n\r\n", i + 1, n, x->id);
    row2("", "KALSHI", "POLYMARKET", col);
    row2("market", x->k.ticker, x->p.ticker, col);
    row2("title", x->k.title, x->p.title, col);
    if (x->k.subtitle || x->p.subtitle) row2("subtitle", x->k.subtitle, x->p.subtitle, col);
    row2("closes", x->k.close_time, x->p.close_time, col);
    row2("rules", x->k.rules, x->p.rules, col);
    printf("\r\n");
    printf("%-11s %s — %s\r\n", "polarity", pm_polarity_name(x->polarity),
           x->polarity == PM_POLARITY_SAME ? "Polymarket YES pays when Kalshi YES pays"
                                           : "Polymarket YES pays when Kalshi NO pays");
    printf("%-11s %s%s%s\r\n", "confidence", conf, x->model ? " by " : " (heuristics)", x->model ? x->model : "");
    wrapped("reason", x->reason, width > 20 ? width - 12 : 8);
    if (x->note) wrapped("note", x->note, width > 20 ? width - 12 : 8);
    printf("\r\n[a]pprove  [r]eject  [s]kip  [f]lip polarity  [q]uit > ");
    fflush(stdout);
}

static volatile sig_atomic_t interrupted;
static void on_signal(int sig) {
    (void)sig;
    interrupted = 1;
}

/* One key, or -1 at end of input or on SIGINT/SIGTERM. */
static int read_key(void) {
    unsigned char c;
    for (;;) {
        if (interrupted) return -1;
        ssize_t r = read(STDIN_FILENO, &c, 1);
        if (r == 1) return c;
        if (r == 0 || errno != EINTR) return -1;
    }
}

typedef struct tally {
    int approved, rejected, flipped, skipped;
} tally;

static int review_loop(pm_db *db, items *it, const char *reviewer, tally *t) {
    struct winsize ws;
    size_t width = ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40 ? ws.ws_col : 100;
    pm_err err;
    size_t i = 0;
    for (; i < it->n; i++) {
        item *x = &it->v[i];
        show(x, i, it->n, width);
        for (int done = 0; !done;) {
            int key = read_key();
            switch (key) {
            case 'a':
            case 'r':
                if (pm_store_review_match(db, x->id, key == 'a' ? PM_MATCH_APPROVED : PM_MATCH_REJECTED, reviewer,
                                          NULL, &err)) {
                    printf("\r\n");
                    return pm_cli_fail("saving the decision on %s: %s", x->id, err.msg);
                }
                if (key == 'a') t->approved++;
                else t->rejected++;
                printf("%s\r\n", key == 'a' ? "approved" : "rejected");
                done = 1;
                break;
            case 's':
                t->skipped++;
                printf("skipped\r\n");
                done = 1;
                break;
            case 'f': {
                pm_polarity np = x->polarity == PM_POLARITY_SAME ? PM_POLARITY_INVERTED : PM_POLARITY_SAME;
                if (pm_store_set_match_polarity(db, x->id, np, &err)) {
                    printf("\r\n");
                    return pm_cli_fail("saving the polarity of %s: %s", x->id, err.msg);
                }
                x->polarity = np;
                t->flipped++;
                show(x, i, it->n, width);
                break;
            }
            case 'q':
            case -1:
                printf("\r\n");
                return PM_EXIT_OK;
            default: break;
            }
        }
    }
    printf("\r\nno more pairs pending review\r\n");
    return PM_EXIT_OK;
}

static int interactive(pm_cli *cli, const char *reviewer) {
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return pm_cli_fail("review needs a terminal; without one use `pmarb review export FILE.csv`, edit the file, "
                           "then `pmarb review import FILE.csv`");
    if (!reviewer) return pm_cli_usage_error("review", "a reviewer name is needed: --reviewer NAME, or set $USER");
    pm_db *db = pm_cli_open_db(cli);
    if (!db) return PM_EXIT_ERROR;
    items it = {0};
    pm_err err;
    int listed = pm_store_list_matches(db, PM_MATCH_PENDING_REVIEW, collect_pending, &it, &err);
    if (listed) {
        items_free(&it);
        pm_db_close(db);
        return pm_cli_fail("%s", listed > 0 ? "out of memory" : err.msg);
    }
    if (it.n == 0) {
        printf("no pairs pending review\n");
        items_free(&it);
        pm_db_close(db);
        return PM_EXIT_OK;
    }
    struct termios saved, raw;
    tcgetattr(STDIN_FILENO, &saved);
    raw = saved;
    raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: a read in progress returns EINTR */
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
    tally t = {0};
    int rc = review_loop(db, &it, reviewer, &t);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    printf("%d approved, %d rejected, %d flipped, %d skipped, by %s\n", t.approved, t.rejected, t.flipped, t.skipped,
           reviewer);
    items_free(&it);
    pm_db_close(db);
    return rc;
}

/* ---- export / import ---- */

static int export_cmd(pm_cli *cli, int argc, char **argv) {
    static const struct option opts[] = {{"status", required_argument, NULL, 's'}, {NULL, 0, NULL, 0}};
    int status = PM_MATCH_PENDING_REVIEW, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        pm_match_status s;
        if (c != 's') return pm_cli_usage_error("review", "unknown option '%s'", argv[optind - 1]);
        if (strcmp(optarg, "all") == 0) status = -1;
        else if (pm_match_status_parse(optarg, &s) == 0) status = (int)s;
        else return pm_cli_usage_error("review", "--status must be pending_review, approved, rejected or all");
    }
    if (optind != argc - 1) return pm_cli_usage_error("review", "export needs exactly one FILE.csv or FILE.json");
    const char *path = argv[optind];
    if (pm_review_format(path) < 0) return pm_cli_usage_error("review", "%s: the name must end in .csv or .json", path);
    pm_db *db = pm_cli_open_db(cli);
    if (!db) return PM_EXIT_ERROR;
    int n = 0;
    pm_err err;
    int rc = pm_review_export(db, path, status, &n, &err);
    pm_db_close(db);
    if (rc) return pm_cli_fail("%s", err.msg);
    printf("%d matches written to %s\n", n, path);
    return PM_EXIT_OK;
}

static int import_cmd(pm_cli *cli, int argc, char **argv) {
    const char *who;
    int bad = reviewer_option(argc, argv, &who);
    if (bad != PM_EXIT_OK) return bad;
    if (optind != argc - 1) return pm_cli_usage_error("review", "import needs exactly one FILE.csv or FILE.json");
    const char *path = argv[optind], *reviewer = reviewer_of(who);
    if (!reviewer) return pm_cli_usage_error("review", "a reviewer name is needed: --reviewer NAME, or set $USER");
    if (strcmp(reviewer, PM_REVIEWER_AUTO) == 0)
        return pm_cli_usage_error("review", "'%s' is the matcher's name, not a reviewer's", PM_REVIEWER_AUTO);
    if (pm_review_format(path) < 0) return pm_cli_usage_error("review", "%s: the name must end in .csv or .json", path);
    pm_db *db = pm_cli_open_db(cli);
    if (!db) return PM_EXIT_ERROR;
    pm_review_import_stats st;
    pm_err err;
    int rc = pm_review_import(db, path, reviewer, &st, &err);
    pm_db_close(db);
    if (rc) return pm_cli_fail("nothing imported: %s", err.msg);
    printf("%d rows: %d approved, %d rejected, %d back to pending_review, %d polarity flips, %d unchanged; by %s\n",
           st.rows, st.approved, st.rejected, st.pending, st.flipped, st.unchanged, reviewer);
    return PM_EXIT_OK;
}

int pm_cmd_review(pm_cli *cli, int argc, char **argv) {
    if (pm_cli_wants_help(argc, argv)) {
        fputs(usage, stdout);
        return PM_EXIT_OK;
    }
    if (argc >= 2 && strcmp(argv[1], "export") == 0) return export_cmd(cli, argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "import") == 0) return import_cmd(cli, argc - 1, argv + 1);
    const char *who;
    int bad = reviewer_option(argc, argv, &who);
    if (bad != PM_EXIT_OK) return bad;
    if (optind < argc) return pm_cli_usage_error("review", "unknown subcommand '%s'", argv[optind]);
    const char *reviewer = reviewer_of(who);
    if (reviewer && strcmp(reviewer, PM_REVIEWER_AUTO) == 0)
        return pm_cli_usage_error("review", "'%s' is the matcher's name, not a reviewer's", PM_REVIEWER_AUTO);
    return interactive(cli, reviewer);
}
