/* market.c — text forms of venues, outcomes and polarity (see market.h). */
#include "core/market.h"

#include <string.h>

static int parse_name(const char *s, const char *const names[2], int *out) {
    for (int i = 0; i < 2; i++) {
        if (s && strcmp(s, names[i]) == 0) {
            *out = i;
            return 0;
        }
    }
    return -1;
}

static const char *const venue_names[2] = {"kalshi", "polymarket"};
static const char *const outcome_names[2] = {"yes", "no"};
static const char *const polarity_names[2] = {"same", "inverted"};
static const char *const side_names[2] = {"buy", "sell"};

const char *pm_venue_name(pm_venue v) { return venue_names[v & 1]; }
const char *pm_outcome_name(pm_outcome o) { return outcome_names[o & 1]; }
const char *pm_polarity_name(pm_polarity p) { return polarity_names[p & 1]; }
const char *pm_side_name(pm_side s) { return side_names[s & 1]; }

int pm_venue_parse(const char *s, pm_venue *out) {
    int i;
    if (parse_name(s, venue_names, &i)) return -1;
    *out = (pm_venue)i;
    return 0;
}

int pm_outcome_parse(const char *s, pm_outcome *out) {
    int i;
    if (parse_name(s, outcome_names, &i)) return -1;
    *out = (pm_outcome)i;
    return 0;
}

int pm_polarity_parse(const char *s, pm_polarity *out) {
    int i;
    if (parse_name(s, polarity_names, &i)) return -1;
    *out = (pm_polarity)i;
    return 0;
}

int pm_side_parse(const char *s, pm_side *out) {
    int i;
    if (parse_name(s, side_names, &i)) return -1;
    *out = (pm_side)i;
    return 0;
}
