/* demo_report.h — what `pmarb demo` reports: per trading period, read back from the database
 * (opportunities, orders, fills, one-legged events and how they were resolved, PnL by pair),
 * and the reconciliation of pmarb's live positions and cash with what each venue's own API says
 * the account holds, through the venues' exec adapters (Kalshi /portfolio/balance and
 * /portfolio/positions; Polymarket /balance-allowance COLLATERAL, and CONDITIONAL per token):
 * positions by engine/reconcile.h, cash here. Money is exact decimal strings. */
#ifndef PM_CLI_DEMO_REPORT_H
#define PM_CLI_DEMO_REPORT_H

#include <jansson.h>
#include <stdint.h>

#include "config/config.h"
#include "store/db.h"
#include "venue/kalshi/auth.h"

/* The last rowid of each table a period writes: a period's rows lie between two marks. */
typedef struct pm_demo_marks {
    int64_t opportunities, orders, fills, events;
} pm_demo_marks;

int pm_demo_mark(pm_db *db, pm_demo_marks *m, pm_err *err);

/* The live trading between from and to as a JSON object: opportunities by decision, orders by
 * status, venue and role, fills, one-legged trades and their resolutions, PnL by pair (the
 * trades' locked PnL: hedged contracts × $1 − their cash). NULL with err on a database error. */
json_t *pm_demo_period(pm_db *db, const pm_demo_marks *from, const pm_demo_marks *to, pm_err *err);

/* Cash each venue reports for the account, micro-dollars. */
typedef struct pm_demo_cash {
    int64_t kalshi, polymarket;
} pm_demo_cash;

int pm_demo_read_cash(const pm_config *cfg, kalshi_auth *auth, pm_demo_cash *out, pm_err *err);

/* Compares pmarb's view — cash before minus Σ orders.cash, the live positions table — with the
 * venues' figures now (pm_reconcile: every live position and both outcomes of every approved
 * pair's markets). *out gets {"reconciled": bool, "kalshi": {cash…}, "polymarket": {cash…},
 * "positions": {"checked", "differ"}, "differences": [...]}.
 * Returns 1 reconciled, 0 not, -1 with err when a venue or the database could not be read. */
int pm_demo_reconcile(pm_db *db, const pm_config *cfg, kalshi_auth *auth, const pm_demo_cash *before, json_t **out,
                      pm_err *err);

/* A scale-6 amount as an exact decimal string (negative allowed). */
json_t *pm_demo_money(int64_t v);

#endif
