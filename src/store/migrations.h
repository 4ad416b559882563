/* migrations.h — the schema's history: migration N brings user_version N-1 to N. */
#ifndef PM_STORE_MIGRATIONS_H
#define PM_STORE_MIGRATIONS_H

typedef struct pm_migration {
    int version;       /* user_version after this migration */
    const char *name;  /* one-line summary */
    const char *sql;   /* statements run in one transaction */
} pm_migration;

extern const pm_migration pm_migrations[];
extern const int pm_migration_count;

#endif
