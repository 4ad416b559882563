/* book_hash.h — the `hash` Polymarket puts on every `book` message and every price_change
 * entry: the SHA-1, in lowercase hex, of the book summary as compact JSON with "hash" empty,
 *   {"market":M,"asset_id":A,"timestamp":T,"hash":"","bids":[{"price":P,"size":S},…],
 *    "asks":[…],"min_order_size":N,"tick_size":K,"neg_risk":false,"last_trade_price":L}
 * bids ascending, asks descending (the best level last), prices and sizes as the shortest
 * decimals, the timestamp the message's (ms), and last_trade_price as the venue writes it
 * (three decimals at least: "0.870"). Reproduced here on the captured venue messages in
 * ../shared/research/data (a `book` snapshot, ten `book` messages from other markets, and the
 * burst of price_change messages, whose entries hash the book after the change); a price_change
 * the venue sends as several messages for one match carries the hash of the book after all of
 * them. Hot path: no allocation (SHA-1 on OpenSSL's block functions, the JSON streamed in). */
#ifndef PM_VENUE_POLYMARKET_BOOK_HASH_H
#define PM_VENUE_POLYMARKET_BOOK_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "core/book.h"

#define POLY_BOOK_HASH_HEX 40
#define POLY_LTP_MAX 24 /* last_trade_price text, NUL included */

/* What the summary holds besides the levels. */
typedef struct poly_book_head {
    const char *market, *asset; /* condition id, token id (as sent: [0-9A-Za-z] only) */
    size_t market_len, asset_len;
    int64_t ts_ms;
    pm_qty_t min_order_size;
    pm_px_t tick;
    int neg_risk;
    const char *ltp;            /* last_trade_price text, "" when none */
} poly_book_head;

/* The hash of book b under head into hex (POLY_BOOK_HASH_HEX characters and a NUL). -1 when
 * it cannot be computed: a side pmarb holds only in part (truncated), an id with characters
 * JSON would escape, or a last_trade_price that is not a plain decimal. */
int poly_book_hash(const pm_book *b, const poly_book_head *head, char hex[POLY_BOOK_HASH_HEX + 1]);

/* last_trade_price as a `book` summary writes a price a last_trade_price message gives: the
 * shortest decimal with at least three decimals ("0.46" → "0.460"). */
void poly_book_ltp_text(pm_px_t px, char out[POLY_LTP_MAX]);

#endif
