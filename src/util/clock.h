/* clock.h — wall-clock and monotonic time in integer nanoseconds, and ISO-8601 UTC text.
 * Every timestamp pmarb stores is UTC; database text times look like 2026-11-24T01:37:20.123Z. */
#ifndef PM_UTIL_CLOCK_H
#define PM_UTIL_CLOCK_H

#include <stddef.h>
#include <stdint.h>

#define PM_ISO_TIME_LEN 25 /* "YYYY-MM-DDTHH:MM:SS.mmmZ" + NUL */

int64_t pm_wall_ns(void);      /* CLOCK_REALTIME, ns since the Unix epoch */
int64_t pm_mono_ns(void);      /* CLOCK_MONOTONIC, ns; for durations and ages only */

/* Formats a Unix time in ns as "YYYY-MM-DDTHH:MM:SS.mmmZ" (milliseconds, truncated). */
void pm_iso_time(int64_t unix_ns, char out[PM_ISO_TIME_LEN]);

/* Parses ISO-8601 UTC text ("2026-03-12T09:25:00Z", optional fractional seconds, "Z" or
 * "+00:00"; also a bare date "2026-03-12" = midnight UTC) into Unix ns. Returns 0 or -1. */
int pm_iso_parse(const char *s, int64_t *unix_ns);

#endif
