/* journal.h — an executor's order journal. Every live order is appended here (a store into a
 * file mapped from the page cache, under a microsecond) before its request goes out, because
 * the database writer is asynchronous: if the process is killed between the send and the
 * writer's commit, the journal still names the order, and the next start inserts it and asks
 * the venue what became of it. Survives the process being killed (not the machine losing
 * power: no fsync on the order path). One journal per executor thread; entries are fixed-size
 * with a checksum, a torn last entry is ignored. Cleared once everything it names is in the
 * database. */
#ifndef PM_ENGINE_JOURNAL_H
#define PM_ENGINE_JOURNAL_H

#include "store/records.h"
#include "util/err.h"

typedef struct pm_journal pm_journal;

/* Opens (creating, mode 0600) path for appending, locked against another process. */
int pm_journal_open(const char *path, pm_journal **out, pm_err *err);
void pm_journal_close(pm_journal *j);

/* Appends one order. 0, or -1 with err (the caller does not send the order). */
int pm_journal_append(pm_journal *j, const pm_rec_order *o, pm_err *err);

/* Grows the file ahead when little room is left (the executor calls it while idle). */
int pm_journal_upkeep(pm_journal *j, pm_err *err);

/* Empties the journal (everything in it is in the database). The journal's thread only (the
 * executor's: pm_executor_clear_journal asks it). */
int pm_journal_clear(pm_journal *j, pm_err *err);

/* Calls cb for every complete, intact entry of the journal at path (none when it does not
 * exist); *bad gets the number of damaged entries skipped. cb returns 0 to go on. */
int pm_journal_read(const char *path, int (*cb)(void *ctx, const pm_rec_order *o), void *ctx, int *bad, pm_err *err);

#endif
