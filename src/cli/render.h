/* render.h — how the CLI shows stored rows: JSON objects (jansson) with money as exact decimal
 * strings, and fixed-width text cells for terminals. */
#ifndef PM_CLI_RENDER_H
#define PM_CLI_RENDER_H

#include <jansson.h>
#include <stddef.h>

#include "store/markets.h"
#include "store/matches.h"

/* A market as a JSON object; rules/description included when full is set. */
json_t *pm_render_market_json(const pm_market *m, int full);

/* A match (with both markets, without their long texts) as a JSON object. */
json_t *pm_render_match_json(const pm_match_row *r);

/* A scale-6 value as the shortest exact decimal string, or JSON null when negative (unknown). */
json_t *pm_render_fixed_json(int64_t v);

/* Copies s into out (size n), cutting it to width characters with "…" when longer, counting
 * UTF-8 code points; NULL becomes "-". */
void pm_render_cell(const char *s, size_t width, char *out, size_t n);

/* Ends a listing: with json, prints {"<key>": array, "count": n} on stdout (taking the
 * array); otherwise "<n> <noun>(s)" on stderr, under the text rows. */
void pm_render_list_end(int json, const char *key, json_t *array, int count, const char *noun);

/* Prints a JSON document on stdout followed by a newline; returns 0 or -1. */
int pm_render_print_json(json_t *doc);

#endif
