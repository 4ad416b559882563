/* book_hash.c — Polymarket's book hash (see book_hash.h). */
#define OPENSSL_SUPPRESS_DEPRECATED /* SHA1_Init/Update/Final: no allocation, unlike EVP in 3.0 */
#include "venue/polymarket/book_hash.h"

#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>

/* The JSON text goes through a small buffer into SHA-1. */
typedef struct writer {
    SHA_CTX sha;
    size_t n;
    char buf[512];
} writer;

static void flush(writer *w) {
    SHA1_Update(&w->sha, w->buf, w->n);
    w->n = 0;
}

static void put(writer *w, const char *s, size_t n) {
    if (w->n + n > sizeof w->buf) flush(w);
    if (n > sizeof w->buf) {
        SHA1_Update(&w->sha, s, n);
        return;
    }
    memcpy(w->buf + w->n, s, n);
    w->n += n;
}

#define PUT_LIT(w, s) put(w, s, sizeof s - 1)

static void put_fixed(writer *w, int64_t v) {
    char t[PM_FIXED_BUF];
    pm_fixed_format_exact(v, 0, t, sizeof t);
    put(w, t, strlen(t));
}

static void put_side(writer *w, const pm_book_side *s) {
    PUT_LIT(w, "[");
    for (int i = 0; i < s->n; i++) {
        if (i) PUT_LIT(w, ",");
        PUT_LIT(w, "{\"price\":\"");
        put_fixed(w, s->lv[i].px);
        PUT_LIT(w, "\",\"size\":\"");
        put_fixed(w, s->lv[i].qty);
        PUT_LIT(w, "\"}");
    }
    PUT_LIT(w, "]");
}

static int plain_id(const char *s, size_t n) {
    if (!s || !n) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return 0;
    }
    return 1;
}

static int plain_decimal(const char *s) {
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || *s == '.')) return 0;
    return 1;
}

int poly_book_hash(const pm_book *b, const poly_book_head *h, char hex[POLY_BOOK_HASH_HEX + 1]) {
    if (b->bid.truncated || b->ask.truncated || !plain_id(h->market, h->market_len) || !plain_id(h->asset, h->asset_len) ||
        !plain_decimal(h->ltp) || h->tick <= 0 || h->min_order_size < 0)
        return -1;
    writer w;
    w.n = 0;
    SHA1_Init(&w.sha);
    char ts[24];
    PUT_LIT(&w, "{\"market\":\"");
    put(&w, h->market, h->market_len);
    PUT_LIT(&w, "\",\"asset_id\":\"");
    put(&w, h->asset, h->asset_len);
    PUT_LIT(&w, "\",\"timestamp\":\"");
    put(&w, ts, (size_t)snprintf(ts, sizeof ts, "%lld", (long long)h->ts_ms));
    PUT_LIT(&w, "\",\"hash\":\"\",\"bids\":");
    put_side(&w, &b->bid);
    PUT_LIT(&w, ",\"asks\":");
    put_side(&w, &b->ask);
    PUT_LIT(&w, ",\"min_order_size\":\"");
    put_fixed(&w, h->min_order_size);
    PUT_LIT(&w, "\",\"tick_size\":\"");
    put_fixed(&w, h->tick);
    if (h->neg_risk) PUT_LIT(&w, "\",\"neg_risk\":true,\"last_trade_price\":\"");
    else PUT_LIT(&w, "\",\"neg_risk\":false,\"last_trade_price\":\"");
    put(&w, h->ltp, strlen(h->ltp));
    PUT_LIT(&w, "\"}");
    flush(&w);
    unsigned char md[SHA_DIGEST_LENGTH];
    SHA1_Final(md, &w.sha);
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < SHA_DIGEST_LENGTH; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[POLY_BOOK_HASH_HEX] = '\0';
    return 0;
}

void poly_book_ltp_text(pm_px_t px, char out[POLY_LTP_MAX]) { pm_fixed_format_exact(px, 3, out, POLY_LTP_MAX); }
