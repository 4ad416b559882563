/* sync.c — Polymarket catalogue sync (see sync.h). */
#include "venue/polymarket/sync.h"

#include "util/clock.h"
#include "util/log.h"

#include <stdarg.h>
#include <string.h>

typedef struct sync_ctx {
    pm_db *db;
    poly_sync_stats *st;
    int64_t now_ns;
    pm_err *err;
} sync_ctx;

static int store_market(void *ctx_, pm_market *m) {
    sync_ctx *c = ctx_;
    pm_upsert_result res;
    if (pm_store_upsert_market(c->db, m, c->now_ns, &res, c->err)) return -1;
    c->st->markets++;
    if (res == PM_UPSERT_NEW) c->st->added++;
    else if (res == PM_UPSERT_UPDATED) c->st->updated++;
    else c->st->unchanged++;
    return 0;
}

/* One page in one transaction; its next cursor into page->next_cursor. */
static int sync_page(sync_ctx *c, const pm_http_response *res, poly_gamma_page *page) {
    if (pm_db_begin(c->db, c->err)) return -1;
    if (poly_gamma_parse_page(res->body, res->len, store_market, c, page, c->err) || pm_db_commit(c->db, c->err)) {
        pm_db_rollback(c->db);
        return -1;
    }
    c->st->objects += page->objects;
    for (int r = 0; r < POLY_SKIP_COUNT; r++) {
        if (page->skipped[r] && !c->st->skipped[r]) /* once per reason and sync: the summary counts them all */
            pm_warn("polymarket", "markets skipped", PM_KV_S("reason", poly_skip_name((poly_skip)r)),
                    PM_KV_S("example", page->first_error[r]), PM_KV_S("note", "each one is logged at debug level"));
        c->st->skipped[r] += page->skipped[r];
        c->st->skipped_total += page->skipped[r];
    }
    return 0;
}

int poly_sync(poly_gamma *g, pm_db *db, FILE *progress, poly_sync_stats *st, pm_err *err) {
    memset(st, 0, sizeof *st);
    sync_ctx c = {.db = db, .st = st, .now_ns = pm_wall_ns(), .err = err};
    char cursor[POLY_GAMMA_CURSOR_MAX] = "", path[3 * POLY_GAMMA_CURSOR_MAX + 128];
    pm_http_response res = {0};
    poly_gamma_page page;
    int rc = -1;
    do {
        if (st->pages == POLY_SYNC_MAX_PAGES) {
            pm_err_set(err, "more than %d pages: Gamma's cursor is not advancing", POLY_SYNC_MAX_PAGES);
            goto done;
        }
        if (poly_gamma_keyset_path(cursor, g->page_limit, path, sizeof path)) {
            pm_err_set(err, "Gamma cursor too long");
            goto done;
        }
        if (poly_gamma_get(g, path, &res, err) || sync_page(&c, &res, &page)) goto done;
        st->pages++;
        if (progress)
            fprintf(progress, "\rpolymarket: %d markets (%d new, %d updated) after %d pages", st->markets, st->added,
                    st->updated, st->pages);
        if (page.next_cursor[0] && !strcmp(page.next_cursor, cursor)) {
            pm_err_set(err, "Gamma returned the cursor it was sent as next_cursor: paging would not advance");
            goto done;
        }
        memcpy(cursor, page.next_cursor, sizeof cursor);
    } while (cursor[0]);
    if (pm_store_close_unseen_markets(db, PM_VENUE_POLYMARKET, c.now_ns, &st->closed, err)) goto done;
    rc = 0;
done:
    if (progress && st->pages) fputc('\n', progress);
    pm_http_response_free(&res);
    return rc;
}

__attribute__((format(printf, 4, 5))) static void append(char *out, size_t cap, size_t *at, const char *fmt, ...) {
    if (*at >= cap) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out + *at, cap - *at, fmt, ap);
    va_end(ap);
    *at = n < 0 ? cap : *at + (size_t)n;
}

void poly_sync_summary(const poly_sync_stats *st, char *out, size_t cap) {
    size_t at = 0;
    if (cap) out[0] = '\0';
    append(out, cap, &at, "polymarket: %d markets (%d new, %d updated, %d unchanged), %d closed; %d pages", st->markets,
           st->added, st->updated, st->unchanged, st->closed, st->pages);
    if (!st->skipped_total) return;
    append(out, cap, &at, "; %d skipped (", st->skipped_total);
    const char *sep = "";
    for (int r = 0; r < POLY_SKIP_COUNT; r++)
        if (st->skipped[r]) {
            append(out, cap, &at, "%s%d %s", sep, st->skipped[r], poly_skip_name((poly_skip)r));
            sep = ", ";
        }
    append(out, cap, &at, ")");
}
