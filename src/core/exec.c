/* exec.c — the text names of execution statuses and times in force (see exec.h). */
#include "core/exec.h"

const char *pm_exec_status_name(pm_exec_status s) {
    static const char *const names[PM_EXEC_STATUS_COUNT] = {"filled", "partial", "unfilled", "rejected", "resting", "unknown"};
    return (unsigned)s < PM_EXEC_STATUS_COUNT ? names[s] : "?";
}

const char *pm_tif_name(pm_tif t) { return t == PM_TIF_FOK ? "fok" : "fak"; }
