/* uuid.h — UUIDv7 identifiers (RFC 9562): time-ordered, 74 random bits from the OpenSSL CSPRNG.
 * Used as the text primary key of every row pmarb creates and as client order ids. */
#ifndef PM_UTIL_UUID_H
#define PM_UTIL_UUID_H

#define PM_UUID_LEN 37 /* 36 characters + NUL */

/* Writes a new lower-case UUIDv7 ("0192f0c4-...") into out. Returns 0, or -1 if the CSPRNG failed. */
int pm_uuid_v7(char out[PM_UUID_LEN]);

/* 1 when s is a canonical 36-character UUID text (any version), else 0. */
int pm_uuid_valid(const char *s);

#endif
