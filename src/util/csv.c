/* csv.c — RFC 4180 CSV reading and writing (csv.h). */
#include "util/csv.h"

#include <stdlib.h>
#include <string.h>

static int push_char(pm_csv_record *r, size_t *used, char c) {
    if (*used + 1 >= r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 256;
        char *grown = realloc(r->buf, cap);
        if (!grown) return -1;
        r->buf = grown;
        r->cap = cap;
    }
    r->buf[(*used)++] = c;
    return 0;
}

int pm_csv_next(const char *text, size_t len, size_t *pos, int *line, pm_csv_record *rec) {
    size_t p = *pos, used = 0;
    if (p >= len) return 0;
    rec->line = *line;
    rec->n = 0;
    size_t nstarts = 0, scap = 16;
    size_t *starts = malloc(scap * sizeof *starts);
    if (!starts) return -1;
    starts[nstarts++] = 0;
    int quoted = 0, rc = 1;
    for (;;) {
        if (p >= len) {
            if (quoted) rc = -1;
            break;
        }
        char c = text[p++];
        if (quoted) {
            if (c == '"' && p < len && text[p] == '"') {
                p++;
                if (push_char(rec, &used, '"')) rc = -1;
            } else if (c == '"') {
                quoted = 0;
            } else {
                if (c == '\n') (*line)++;
                if (push_char(rec, &used, c)) rc = -1;
            }
        } else if (c == '"') {
            quoted = 1;
        } else if (c == ',') {
            if (push_char(rec, &used, '\0')) rc = -1;
            if (nstarts == scap) {
                size_t *grown = realloc(starts, 2 * scap * sizeof *starts);
                if (!grown) rc = -1;
                else starts = grown, scap *= 2;
            }
            if (rc > 0) starts[nstarts++] = used;
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && p < len && text[p] == '\n') p++;
            (*line)++;
            break;
        } else if (push_char(rec, &used, c)) {
            rc = -1;
        }
        if (rc < 0) break;
    }
    if (rc > 0 && push_char(rec, &used, '\0')) rc = -1;
    if (rc > 0 && nstarts > rec->fcap) {
        char **grown = realloc(rec->field, nstarts * sizeof *grown);
        if (!grown) rc = -1;
        else rec->field = grown, rec->fcap = nstarts;
    }
    if (rc > 0) {
        for (size_t i = 0; i < nstarts; i++) rec->field[i] = rec->buf + starts[i];
        rec->n = nstarts;
    }
    free(starts);
    *pos = p;
    return rc;
}

void pm_csv_record_free(pm_csv_record *rec) {
    free(rec->buf);
    free(rec->field);
    memset(rec, 0, sizeof *rec);
}

void pm_csv_write_field(FILE *f, const char *s) {
    if (!s) return;
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}
