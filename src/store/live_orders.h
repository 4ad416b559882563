/* live_orders.h — what a start of live trading reads back: orders whose outcome the database
 * does not know yet (an earlier run stopped before its answer was stored), orders named by an
 * executor's journal, and pair halts (positions: positions.h). */
#ifndef PM_STORE_LIVE_ORDERS_H
#define PM_STORE_LIVE_ORDERS_H

#include "store/db.h"
#include "store/records.h"

/* Live orders with status created, sent, unknown or resting, oldest first; cb returns 0 to go on. */
int pm_store_open_orders(pm_db *db, int (*cb)(void *ctx, const pm_rec_order *o), void *ctx, pm_err *err);

/* An order the journal says was sent: inserted when missing (without its opportunity when the
 * run stopped before storing that); when stored as 'created' (the send was not recorded) its
 * client id, status 'sent' and send time are set. */
int pm_store_order_journaled(pm_db *db, const pm_rec_order *o, pm_err *err);

/* The match id of every pair halted and not cleared (pair_halts); cb returns 0 to go on. */
int pm_store_halted_pairs(pm_db *db, int (*cb)(void *ctx, const char *match_id), void *ctx, pm_err *err);

/* Clears the halts of a pair (a person decided it may trade again): *cleared gets how many. */
int pm_store_clear_pair_halt(pm_db *db, const char *match_id, const char *by, int64_t now_ns, int *cleared, pm_err *err);

#endif
