/* review_io.h — reviewing in a spreadsheet: `pmarb review export` writes matches to CSV or
 * JSON (by the file's extension), `pmarb review import` reads a reviewed file back. Every row is
 * checked first (the id is a stored match, the status a known value, the polarity valid, no id
 * twice); a bad file changes nothing and the error names its row. Rows whose status, polarity
 * or note differ from what is stored become the named reviewer's decisions, in one
 * transaction. Columns (CSV header, JSON keys): match_id, status, polarity, review_note are
 * read; the others are there for the reviewer. */
#ifndef PM_MATCH_REVIEW_IO_H
#define PM_MATCH_REVIEW_IO_H

#include "store/db.h"

/* The format of path by its extension: 0 CSV (.csv), 1 JSON (.json), -1 neither. */
int pm_review_format(const char *path);

/* Writes the matches with status (< 0: all) to path; *count gets how many. */
int pm_review_export(pm_db *db, const char *path, int status, int *count, pm_err *err);

typedef struct pm_review_import_stats {
    int rows, approved, rejected, pending, flipped, unchanged;
} pm_review_import_stats;

int pm_review_import(pm_db *db, const char *path, const char *reviewer, pm_review_import_stats *st, pm_err *err);

#endif
