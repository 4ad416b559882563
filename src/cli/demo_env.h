/* demo_env.h — what `pmarb demo` sets up before it trades: a working directory, an RSA key for
 * Kalshi and a wallet key for Polymarket, `pmarb sim --demo` as a child process, a pmarb.ini
 * pointing every URL at it, and the credentials in the process environment (where
 * config/secrets.h reads them). Secrets are never printed. */
#ifndef PM_CLI_DEMO_ENV_H
#define PM_CLI_DEMO_ENV_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "util/err.h"

#define PM_DEMO_PATH_MAX 1024

typedef struct pm_demo_env {
    char dir[PM_DEMO_PATH_MAX];      /* working directory (created unless given) */
    char ini[PM_DEMO_PATH_MAX];      /* dir/pmarb.ini */
    char key_path[PM_DEMO_PATH_MAX]; /* dir/kalshi.pem (0600) */
    char pub_path[PM_DEMO_PATH_MAX];
    char sim_log[PM_DEMO_PATH_MAX];  /* the simulator's stderr */
    int sim_pid;                     /* 0 when not running */
    char kalshi_rest[256], kalshi_ws[256], poly_gamma[256], poly_clob[256], poly_ws[256];
} pm_demo_env;

/* Creates (or uses) the directory — removing an earlier demo's database and order journals
 * there —, the keys, starts the simulator with seed and waits for its ready line. On error
 * everything started is stopped again. */
int pm_demo_env_start(pm_demo_env *e, const char *dir, uint64_t seed, pm_err *err);

/* Writes dir/pmarb.ini for mode (paper or live), carrying [llm] over from user (may be NULL). */
int pm_demo_env_write_ini(pm_demo_env *e, const pm_config *user, int mode, pm_err *err);

/* Sets KALSHI_API_KEY_ID / KALSHI_PRIVATE_KEY_PATH, generates a Polymarket wallet key, creates
 * its API key on the simulator (cfg's clob_url) and sets POLY_PRIVATE_KEY, POLY_API_KEY,
 * POLY_API_SECRET, POLY_API_PASSPHRASE. */
int pm_demo_env_credentials(pm_demo_env *e, const pm_config *cfg, pm_err *err);

/* Stops the simulator (SIGTERM, then SIGKILL if it lingers) and wipes the secrets from the
 * environment. Safe to call twice. */
void pm_demo_env_stop(pm_demo_env *e);

#endif
