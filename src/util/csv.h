/* csv.h — RFC 4180 CSV: a reader of records (quoted fields, doubled quotes, line breaks inside
 * quotes, CRLF or LF) and a field writer that quotes only when needed. */
#ifndef PM_UTIL_CSV_H
#define PM_UTIL_CSV_H

#include <stddef.h>
#include <stdio.h>

typedef struct pm_csv_record {
    char **field;  /* NUL-terminated fields, valid until the next read or free */
    size_t n;
    int line;      /* line number (1-based) where the record starts */
    char *buf;     /* storage of the fields */
    size_t cap, fcap;
} pm_csv_record;

/* Reads the next record from text at *pos. 1 when one was read, 0 at the end, -1 when a quoted
 * field is not closed (rec->line names where it began). *line counts lines consumed. */
int pm_csv_next(const char *text, size_t len, size_t *pos, int *line, pm_csv_record *rec);
void pm_csv_record_free(pm_csv_record *rec);

/* Writes s as one field (NULL as empty), quoted when it holds a comma, quote or line break. */
void pm_csv_write_field(FILE *f, const char *s);

#endif
