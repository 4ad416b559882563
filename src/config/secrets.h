/* secrets.h — credentials, read only from environment variables (never from the INI file,
 * never stored in the database). Every secret value loaded is registered with the logger,
 * which redacts it wherever it would appear. Key files must be private to their owner. */
#ifndef PM_CONFIG_SECRETS_H
#define PM_CONFIG_SECRETS_H

#include <stddef.h>

#include "util/err.h"

typedef enum pm_secret_id {
    PM_SECRET_KALSHI_API_KEY_ID,
    PM_SECRET_KALSHI_PRIVATE_KEY_PATH,
    PM_SECRET_POLY_PRIVATE_KEY,
    PM_SECRET_POLY_API_KEY,
    PM_SECRET_POLY_API_SECRET,
    PM_SECRET_POLY_API_PASSPHRASE,
    PM_SECRET_POLY_FUNDER,
    PM_SECRET_LLM_API_KEY,
    PM_SECRET_COUNT
} pm_secret_id;

typedef struct pm_secrets {
    const char *value[PM_SECRET_COUNT]; /* from the environment; NULL when unset or empty */
} pm_secrets;

/* Environment variable name of a secret. */
const char *pm_secret_name(pm_secret_id id);

/* 1 for values that must never be shown (all but the key file path and POLY_FUNDER, an address). */
int pm_secret_is_sensitive(pm_secret_id id);

/* Reads every variable and registers the sensitive ones with the logger. */
void pm_secrets_load(pm_secrets *s);

/* Refuses a key file that is missing, not a regular file, or readable or writable by group or
 * others, with a message that says how to fix it. */
int pm_keyfile_check(const char *path, pm_err *err);

/* pm_keyfile_check, then reads the whole file into buf (cap bytes, NUL-terminated); *len gets
 * its size. */
int pm_keyfile_read(const char *path, char *buf, size_t cap, size_t *len, pm_err *err);

#endif
