/* order.c — Kalshi V2 order bodies (see order.h). */
#include "venue/kalshi/order.h"

#include <stdio.h>
#include <string.h>

static const char *const tif_names[] = {"fill_or_kill", "immediate_or_cancel", "good_till_canceled"};

const char *kalshi_tif_name(kalshi_tif tif) { return tif_names[(unsigned)tif % 3]; }

kalshi_book_order kalshi_order_book_side(pm_side side, pm_outcome outcome, pm_px_t price) {
    int long_yes = (side == PM_SIDE_BUY) == (outcome == PM_OUTCOME_YES); /* buy YES or sell NO */
    kalshi_book_order b = {.ask = !long_yes, .yes_price = outcome == PM_OUTCOME_YES ? price : PM_PX_ONE - price};
    return b;
}

/* Plain identifier text for JSON: printable ASCII without quotes or backslashes. */
static int plain(const char *s, size_t max) {
    size_t n = strlen(s);
    if (n == 0 || n > max) return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] <= ' ' || s[i] > '~' || s[i] == '"' || s[i] == '\\') return 0;
    return 1;
}

int kalshi_order_body(const kalshi_order *o, char *buf, size_t cap, pm_err *err) {
    if (!o->ticker || !plain(o->ticker, 128)) return pm_err_set(err, "order ticker is empty or not plain text");
    if (!o->client_order_id || !plain(o->client_order_id, 64))
        return pm_err_set(err, "order client_order_id is empty or not plain text");
    kalshi_book_order b = kalshi_order_book_side(o->side, o->outcome, o->price);
    if (b.yes_price % 100 != 0) return pm_err_set(err, "price %lld micro-dollars has more than 4 decimals", (long long)o->price);
    if (b.yes_price < 100 || b.yes_price > PM_PX_ONE - 100) return pm_err_set(err, "price outside 0.0001..0.9999");
    if (o->count <= 0 || o->count % PM_CENT != 0) return pm_err_set(err, "count must be positive in steps of 0.01");
    char price[PM_FIXED_BUF], count[PM_FIXED_BUF];
    pm_fixed_format(b.yes_price, 4, PM_ROUND_FLOOR, price, sizeof price); /* exact: checked above */
    pm_fixed_format(o->count, 2, PM_ROUND_FLOOR, count, sizeof count);
    int n = snprintf(buf, cap,
                     "{\"ticker\":\"%s\",\"side\":\"%s\",\"price\":\"%s\",\"count\":\"%s\","
                     "\"time_in_force\":\"%s\",\"self_trade_prevention_type\":\"taker_at_cross\","
                     "\"client_order_id\":\"%s\",\"post_only\":false,\"reduce_only\":false}",
                     o->ticker, b.ask ? "ask" : "bid", price, count, kalshi_tif_name(o->tif), o->client_order_id);
    if (n < 0 || (size_t)n >= cap) return pm_err_set(err, "order body does not fit in %zu bytes", cap);
    return n;
}
