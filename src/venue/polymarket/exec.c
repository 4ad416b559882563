/* exec.c — Polymarket's pm_exec_ops (core/exec.h): FOK/FAK market orders signed by one order
 * builder per venue object (owner = POLY_API_KEY, prepared nonces, refilled while idle), POSTed
 * once to /order over pmarb's own connection to the venue (net/wire.h, opened at start and
 * reopened while idle if the venue closed it), and answered exactly from the venue's response
 * and its trades (read over a second, libcurl connection).
 *
 * How an order of o->qty shares at limit o->price is expressed (the venue's market-order rules,
 * ../shared/research/polymarket.md §5, amounts.h):
 *   - BUY is sized in collateral: amount = qty × price rounded DOWN to whole cents (market-buy
 *     maker amounts carry 2 decimals), so the signed share count is amount / price cut to 4
 *     decimals. It equals qty exactly whenever qty × price is whole cents (whole shares on the
 *     0.01 tick, multiples of 10 shares on 0.001, …); otherwise it is up to 0.01 / price short.
 *     Rounding down means the order never buys more than qty nor pays more than price per
 *     share. The executor sizes qty so that qty × price is whole cents when it needs qty exact;
 *     the ack always reports what actually matched.
 *   - SELL is sized in shares, cut to 2 decimals (the rest stays held).
 * Fees (§7): a taker BUY's fee is withheld in shares, a SELL's taken from its pUSD proceeds.
 * The ack of a matched order takes cash and delivered shares from the response's
 * makingAmount / takingAmount (BUY: pUSD paid, shares received net of the fee; SELL: shares
 * given, pUSD received net of the fee) and the gross matched shares, prices and fees from the
 * order's /data/trades (rate from fee_rate_bps, exponent 1 as on every current schedule).
 * Where only trades are known (find, fills) a fill costs ⌈size × price⌉ to buy and yields
 * ⌊size × price⌋ − fee to sell, as core/poly_fee.h rounds the fee. */
#include "venue/polymarket/exec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/poly_amount.h"
#include "core/poly_fee.h"
#include "util/clock.h"
#include "venue/polymarket/clob_api.h"
#include "venue/polymarket/eip712.h"
#include "venue/polymarket/order_build.h"
#include "venue/polymarket/wallet.h"

#define PEXEC_NONCES 64          /* prepared signing nonces kept ready */
#define PEXEC_LOOKBACK_S 5       /* trade look-ups start this long before the order was built */
#define PEXEC_FEE_EXPONENT 1

typedef struct poly_exec {
    pm_exec_venue base;
    poly_wallet *wallet;
    poly_order_builder builder;
    poly_rest rest;              /* reads, cancels */
    poly_rest orders;            /* order posts: a direct connection (poly_rest_fork_direct) */
    pm_http_response res;        /* reused: its body buffer grows once */
    poly_order_response answer;
    int signature_type;
} poly_exec;

static poly_exec *self(pm_exec_venue *v) { return (poly_exec *)v; }

/* --- prepare --- */

static int order_params(const pm_exec_order *o, poly_order_params *p, pm_err *err) {
    poly_order_params_init(p);
    if (!memchr(o->market_id, '\0', sizeof o->market_id) || !o->market_id[0])
        return pm_err_set(err, "order %s: no token id", o->id);
    if (o->side != PM_SIDE_BUY && o->side != PM_SIDE_SELL) return pm_err_set(err, "order %s: bad side", o->id);
    if (o->tif != PM_TIF_FOK && o->tif != PM_TIF_FAK) return pm_err_set(err, "order %s: bad time in force", o->id);
    if (o->qty <= 0) return pm_err_set(err, "order %s: quantity must be positive", o->id);
    if (o->mkt.exchange_version != 2 && o->mkt.exchange_version != 3)
        return pm_err_set(err, "order %s: exchange version %d (2 or 3)", o->id, o->mkt.exchange_version);
    p->token_id = o->market_id;
    p->side = o->side;
    p->price = o->price;
    p->tick = o->mkt.tick > 0 ? o->mkt.tick : PM_CENT;
    p->neg_risk = o->mkt.neg_risk != 0;
    p->exchange_version = o->mkt.exchange_version;
    p->order_type = o->tif == PM_TIF_FOK ? POLY_ORDER_FOK : POLY_ORDER_FAK;
    if (o->side == PM_SIDE_SELL) {
        p->size = o->qty;
        return 0;
    }
    pm_qty_t shares;
    if (pm_poly_buy_size(o->price, p->tick, o->qty, &p->amount, &shares))
        return pm_err_set(err, "order %s: price outside 0..1, unknown tick or quantity too large", o->id);
    if (shares != o->qty) { /* what was recorded is what is signed: the sizing uses pm_poly_buy_size */
        char q[PM_FIXED_BUF], px[PM_FIXED_BUF], s[PM_FIXED_BUF];
        pm_fixed_format_exact(o->qty, 2, q, sizeof q);
        pm_fixed_format_exact(o->price, 2, px, sizeof px);
        pm_fixed_format_exact(shares, 2, s, sizeof s);
        return pm_err_set(err, "order %s: a market buy of %s shares at %s cannot be signed (the nearest is %s)", o->id, q,
                          px, s);
    }
    return 0;
}

/* Shares the prepared order was signed for (BUY: its taker amount; SELL: its maker amount). */
static pm_qty_t signed_shares(const pm_exec_order *o) {
    poly_order_params p;
    poly_amounts a;
    if (order_params(o, &p, NULL) || poly_order_check(&p, &a, NULL)) return o->qty;
    return o->side == PM_SIDE_BUY ? a.taker_amount : a.maker_amount;
}

static int pexec_prepare(pm_exec_venue *v, pm_exec_order *o, pm_err *err) {
    poly_exec *x = self(v);
    poly_order_params p;
    poly_signed_order so;
    if (order_params(o, &p, err) || poly_order_sign(&x->builder, &p, &so, err)) return -1;
    int len = poly_order_body(&x->builder, &p, &so, o->body, sizeof o->body, err);
    if (len < 0) return -1;
    o->body_len = (size_t)len;
    poly_hex(so.hash, sizeof so.hash, o->client_id);
    o->prepared_unix_s = poly_rest_now_s(&x->rest);
    return 0;
}

/* --- trades → fills and totals --- */

typedef struct tally {
    pm_qty_t filled, delivered;
    pm_usd_t cash, fee;
    __int128 px_qty;             /* Σ price × qty, for the average price */
    int n;
} tally;

/* One fill of an order on side at px for qty, as taker or maker; its cash into *cash. */
static void fill_of(pm_side side, int taker, pm_px_t px, pm_qty_t qty, int64_t rate, pm_exec_fill *f, pm_usd_t *cash) {
    pm_usd_t notional = 0, fee = taker ? pm_poly_fee_usd(qty, px, rate, PEXEC_FEE_EXPONENT) : 0;
    if (fee < 0) fee = 0;
    f->price = px;
    f->qty = qty;
    f->is_taker = taker;
    f->fee = fee;
    if (side == PM_SIDE_BUY) {
        pm_qty_t fee_shares = taker ? pm_poly_fee_shares(qty, px, rate, PEXEC_FEE_EXPONENT) : 0;
        pm_notional(px, qty, PM_ROUND_CEIL, &notional, NULL);
        f->delivered = qty - (fee_shares > 0 ? fee_shares : 0);
        *cash = notional;
    } else {
        pm_notional(px, qty, PM_ROUND_FLOOR, &notional, NULL);
        f->delivered = qty;
        *cash = -(notional - fee);
    }
}

static void tally_add(tally *t, const pm_exec_fill *f, pm_usd_t cash) {
    t->filled += f->qty;
    t->delivered += f->delivered;
    t->cash += cash;
    t->fee += f->fee;
    t->px_qty += (__int128)f->price * f->qty;
    t->n++;
}

static pm_px_t tally_avg(const tally *t) {
    if (t->filled <= 0) return -1;
    return (pm_px_t)((t->px_qty + t->filled / 2) / t->filled);
}

typedef struct walk {
    const char *hash;
    pm_side side;
    pm_exec_fill *out;           /* NULL: totals only */
    size_t cap, n;
    tally t;
} walk;

static void walk_fill(walk *w, const poly_trade *t, int taker, pm_px_t px, pm_qty_t qty) {
    pm_exec_fill f;
    pm_usd_t cash;
    memset(&f, 0, sizeof f);
    fill_of(w->side, taker, px, qty, t->fee_rate_bps > 0 ? t->fee_rate_bps * 100 : 0, &f, &cash);
    snprintf(f.trade_id, sizeof f.trade_id, "%s", t->id);
    f.ts_ns = t->match_time > 0 ? t->match_time * 1000000000LL : 0;
    tally_add(&w->t, &f, cash);
    if (w->out && w->n < w->cap) w->out[w->n] = f;
    w->n++;
}

static int walk_trade(void *ctx, const poly_trade *t) {
    walk *w = ctx;
    if (!strcasecmp(t->taker_order_id, w->hash)) walk_fill(w, t, 1, t->price, t->size);
    for (size_t k = 0; k < t->nmaker_orders; k++) {
        const poly_maker_order *m = &t->maker_orders[k];
        if (!strcasecmp(m->order_id, w->hash)) walk_fill(w, t, 0, m->price, m->matched_amount);
    }
    return 0;
}

/* Unix seconds from which the order's trades are looked up. */
static int64_t lookup_from(const pm_exec_order *o) {
    return o->prepared_unix_s > PEXEC_LOOKBACK_S ? o->prepared_unix_s - PEXEC_LOOKBACK_S : 0;
}

/* The order's trades on its token since it was built. */
static int walk_trades(poly_exec *x, const pm_exec_order *o, walk *w, pm_err *err) {
    w->hash = o->client_id;
    w->side = o->side;
    poly_trade_filter f = {.asset_id = o->market_id, .after = lookup_from(o)};
    return poly_list_trades(&x->rest, &f, walk_trade, w, err);
}

/* --- acks --- */

/* prefix and text into the ack's error, cut to fit. */
static void ack_error(pm_exec_ack *a, const char *prefix, const char *text) {
    int room = (int)(sizeof a->error - strlen(prefix) - 1);
    snprintf(a->error, sizeof a->error, "%s%.*s", prefix, room > 0 ? room : 0, text);
}

static void ack_init(pm_exec_ack *a, const pm_exec_order *o) {
    memset(a, 0, sizeof *a);
    a->status = PM_EXEC_UNKNOWN;
    a->avg_price = -1;
    snprintf(a->venue_order_id, sizeof a->venue_order_id, "%s", o->client_id);
}

static void ack_from_tally(pm_exec_ack *a, const pm_exec_order *o, const tally *t) {
    a->filled = t->filled;
    a->delivered = t->delivered;
    a->cash = t->cash;
    a->fee = t->fee;
    a->avg_price = tally_avg(t);
    a->status = t->filled <= 0 ? PM_EXEC_UNFILLED : t->filled >= signed_shares(o) ? PM_EXEC_FILLED : PM_EXEC_PARTIAL;
}

/* A matched order, from the answer alone: cash and delivered shares from the response's
 * amounts (the venue's own account of it); a FOK filled what it was signed for, a FAK at least
 * what it holds. settle reads the trades for the gross shares, prices and fees. */
static void ack_matched(const pm_exec_order *o, const poly_order_response *r, pm_exec_ack *a) {
    int buy = o->side == PM_SIDE_BUY;
    pm_qty_t shares = buy ? r->taking_amount : r->making_amount;
    pm_usd_t usd = buy ? r->making_amount : r->taking_amount;
    if (shares >= 0 && usd >= 0) {
        if (buy) a->delivered = shares, a->cash = usd;
        else a->filled = a->delivered = shares, a->cash = -usd;
    }
    if (buy) a->filled = o->tif == PM_TIF_FOK ? signed_shares(o) : a->delivered;
    a->status = a->filled >= signed_shares(o) ? PM_EXEC_FILLED : PM_EXEC_PARTIAL;
}

/* Gross shares, prices and fees of a matched order from its trades; the response's cash and
 * delivered shares are kept. */
static int pexec_settle(pm_exec_venue *v, const pm_exec_order *o, pm_exec_ack *a, pm_err *err) {
    (void)err;
    poly_exec *x = self(v);
    if (poly_wallet_prepared(x->wallet) < PEXEC_NONCES / 4) poly_wallet_prepare(x->wallet, PEXEC_NONCES, NULL); /* a burst */
    if (a->status != PM_EXEC_FILLED && a->status != PM_EXEC_PARTIAL) return 0;
    walk w = {0};
    pm_err terr = {{0}};
    if (walk_trades(x, o, &w, &terr) || w.t.filled <= 0) {
        ack_error(a, "fills not read: ", w.t.filled > 0 || !terr.msg[0] ? "none listed" : terr.msg);
        return 0;
    }
    pm_qty_t delivered = a->delivered;
    pm_usd_t cash = a->cash;
    ack_from_tally(a, o, &w.t);
    if (!delivered && !cash) return 0; /* the answer had no amounts: the trades' figures stand */
    if (o->side == PM_SIDE_BUY) a->delivered = delivered, a->cash = cash;
    else a->filled = a->delivered = delivered, a->cash = cash;
    return 0;
}

/* A refusal's text that says the order was taken and killed unfilled (FOK, FAK). */
static int killed_unfilled(const char *text) {
    return strstr(text, "couldn't be fully filled") || strstr(text, "no orders found to match");
}

static void ack_refused(pm_exec_ack *a, const char *text) {
    a->status = killed_unfilled(text) ? PM_EXEC_UNFILLED : PM_EXEC_REJECTED;
    snprintf(a->error, sizeof a->error, "%s", text);
}

/* The ack of a 2xx answer. */
static void ack_answer(poly_exec *x, const pm_exec_order *o, pm_exec_ack *a) {
    poly_order_response *r = &x->answer;
    pm_err perr;
    memset(r, 0, sizeof *r);
    r->making_amount = r->taking_amount = -1;
    if (poly_parse_order_response(x->res.body, x->res.len, r, &perr)) {
        ack_error(a, "unreadable answer: ", perr.msg);
        return;
    }
    if (r->order_id[0]) snprintf(a->venue_order_id, sizeof a->venue_order_id, "%s", r->order_id);
    if (!r->success) return ack_refused(a, r->error[0] ? r->error : "success false");
    switch (r->status) {
    case POLY_STATUS_MATCHED: return ack_matched(o, r, a);
    case POLY_STATUS_UNMATCHED: a->status = PM_EXEC_UNFILLED; return;
    case POLY_STATUS_LIVE: a->status = PM_EXEC_RESTING; return;
    default:
        snprintf(a->error, sizeof a->error, "order status \"%s\": fate not yet known", r->status_text);
        return;
    }
}

static int pexec_send(pm_exec_venue *v, const pm_exec_order *o, pm_exec_ack *a, pm_err *err) {
    poly_exec *x = self(v);
    ack_init(a, o);
    a->call_ns = pm_mono_ns();
    poly_req q = {.method = "POST", .path = "/order", .body = o->body, .auth = POLY_AUTH_L2, .ep = POLY_EP_POST_ORDER};
    int rc = o->body_len && o->client_id[0] ? poly_rest_write(&x->orders, &q, &x->res, err)
                                            : pm_err_set(err, "order %s was not prepared", o->id);
    a->ack_ns = pm_mono_ns();
    long st = o->body_len && o->client_id[0] ? x->res.status : -1;
    a->http_status = st > 0 ? st : 0;
    if (st > 0 && x->res.pretransfer_ns > 0) a->wire_ns = a->ack_ns - x->res.elapsed_ns + x->res.pretransfer_ns;
    if (st < 0) { /* nothing went out */
        a->status = PM_EXEC_REJECTED;
        ack_error(a, "", err->msg);
    } else if (st == 0) {
        ack_error(a, "no answer: ", err->msg);
    } else if (st == 429 || st >= 500) {
        poly_error_text(x->res.body, x->res.len, a->error, sizeof a->error);
    } else if (rc) {
        char text[PM_EXEC_ERROR_MAX];
        poly_error_text(x->res.body, x->res.len, text, sizeof text);
        ack_refused(a, text);
    } else {
        ack_answer(x, o, a);
    }
    return st != 0 ? 0 : -1; /* an answer, or certainly not sent: the fate is known */
}

/* --- find, fills --- */

static int pexec_find(pm_exec_venue *v, const pm_exec_order *o, pm_exec_ack *a, pm_err *err) {
    poly_exec *x = self(v);
    poly_order_fate fate;
    ack_init(a, o);
    a->call_ns = pm_mono_ns();
    if (poly_find_order_fate(&x->rest, o->client_id, o->market_id, lookup_from(o), &fate, err)) return -1;
    if (fate.fate == POLY_FATE_NOT_FOUND) {
        a->ack_ns = pm_mono_ns();
        a->status = PM_EXEC_REJECTED;
        snprintf(a->error, sizeof a->error, "the venue has no such order (never taken, or cancelled unfilled)");
        return 0;
    }
    walk w = {0};
    if (walk_trades(x, o, &w, err)) return -1;
    a->ack_ns = pm_mono_ns();
    ack_from_tally(a, o, &w.t);
    if (fate.fate == POLY_FATE_OPEN) a->status = PM_EXEC_RESTING;
    return 0;
}

static int pexec_fills(pm_exec_venue *v, const pm_exec_order *o, const pm_exec_ack *a, pm_exec_fill *out, size_t cap,
                       size_t *n, pm_err *err) {
    (void)a;
    walk w = {.out = out, .cap = cap};
    *n = 0;
    if (walk_trades(self(v), o, &w, err)) return -1;
    *n = w.n < cap ? w.n : cap;
    return 0;
}

/* --- the account --- */

static int pexec_cancel_all(pm_exec_venue *v, int *canceled, pm_err *err) {
    poly_cancel_result r = {0};
    *canceled = 0;
    if (poly_cancel_all(&self(v)->rest, &r, err)) {
        poly_cancel_result_free(&r);
        return -1;
    }
    *canceled = (int)r.ncanceled;
    poly_cancel_result_free(&r);
    return 0;
}

/* A balance read after asking the venue to refresh its cached copy (balances are cached). */
static int read_balance(poly_exec *x, const char *asset_type, const char *token_id, int64_t *out, pm_err *err) {
    poly_balance b;
    if (poly_update_balance_allowance(&x->rest, asset_type, token_id, x->signature_type, err) ||
        poly_get_balance_allowance(&x->rest, asset_type, token_id, x->signature_type, &b, err))
        return -1;
    *out = b.balance;
    return 0;
}

static int pexec_balance(pm_exec_venue *v, pm_usd_t *cash, pm_err *err) {
    return read_balance(self(v), "COLLATERAL", NULL, cash, err);
}

static int pexec_holdings(pm_exec_venue *v, pm_exec_holding *h, size_t n, pm_err *err) {
    for (size_t i = 0; i < n; i++)
        if (read_balance(self(v), "CONDITIONAL", h[i].market_id, &h[i].qty, err))
            return pm_err_wrap(err, "holding of token %s", h[i].market_id);
    return 0;
}

static void pexec_free(pm_exec_venue *v) {
    poly_exec *x = self(v);
    if (x->orders.http) poly_rest_close(&x->orders);
    poly_rest_close(&x->rest);
    poly_wallet_free(x->wallet);
    pm_http_response_free(&x->res);
    memset(&x->builder, 0, sizeof x->builder);
    free(x);
}

/* Refills the prepared signing nonces and reopens the order connection if the venue closed it. */
static int pexec_upkeep(pm_exec_venue *v, pm_err *err) {
    poly_exec *x = self(v);
    if (poly_wallet_prepared(x->wallet) < PEXEC_NONCES / 2 && poly_wallet_prepare(x->wallet, PEXEC_NONCES, err)) return -1;
    return pm_http_warm(x->orders.http, err);
}

static const pm_exec_ops poly_exec_ops = {
    .prepare = pexec_prepare,
    .send = pexec_send,
    .settle = pexec_settle,
    .find = pexec_find,
    .fills = pexec_fills,
    .cancel_all = pexec_cancel_all,
    .balance = pexec_balance,
    .holdings = pexec_holdings,
    .free = pexec_free,
    .upkeep = pexec_upkeep,
};

/* --- construction --- */

static int need(const pm_secrets *s, pm_secret_id id, pm_err *err) {
    if (s->value[id]) return 0;
    return pm_err_set(err, "Polymarket execution needs %s", pm_secret_name(id));
}

static int copy_cred(char *dst, size_t cap, const pm_secrets *s, pm_secret_id id, pm_err *err) {
    const char *src = s->value[id];
    if (strlen(src) >= cap) return pm_err_set(err, "%s is too long", pm_secret_name(id));
    memcpy(dst, src, strlen(src) + 1);
    return 0;
}

static int exec_init(poly_exec *x, const pm_config *cfg, const pm_secrets *s, int64_t timeout_ms, pm_err *err) {
    const char *const *sv = s->value;
    int st = cfg->polymarket.signature_type;
    if (need(s, PM_SECRET_POLY_PRIVATE_KEY, err) || need(s, PM_SECRET_POLY_API_KEY, err) ||
        need(s, PM_SECRET_POLY_API_SECRET, err) || need(s, PM_SECRET_POLY_API_PASSPHRASE, err) ||
        (st != PM_SIG_EOA && need(s, PM_SECRET_POLY_FUNDER, err)))
        return -1;
    poly_creds c;
    memset(&c, 0, sizeof c);
    if (copy_cred(c.key, sizeof c.key, s, PM_SECRET_POLY_API_KEY, err) ||
        copy_cred(c.secret, sizeof c.secret, s, PM_SECRET_POLY_API_SECRET, err) ||
        copy_cred(c.passphrase, sizeof c.passphrase, s, PM_SECRET_POLY_API_PASSPHRASE, err))
        return -1;
    if (poly_wallet_new(sv[PM_SECRET_POLY_PRIVATE_KEY], &x->wallet, err))
        return pm_err_wrap(err, "%s", pm_secret_name(PM_SECRET_POLY_PRIVATE_KEY));
    x->signature_type = st;
    poly_builder_config bc = {x->wallet, st, st == PM_SIG_EOA ? NULL : sv[PM_SECRET_POLY_FUNDER],
                              (uint64_t)cfg->polymarket.chain_id, c.key, 1};
    if (poly_builder_init(&x->builder, &bc, err) || poly_wallet_prepare(x->wallet, PEXEC_NONCES, err) ||
        poly_rest_init(&x->rest, cfg->polymarket.clob_url, (uint64_t)cfg->polymarket.chain_id,
                       timeout_ms > 0 ? timeout_ms : cfg->polymarket.timeout_ms, err)) {
        memset(&c, 0, sizeof c);
        return -1;
    }
    uint8_t addr[20];
    poly_wallet_address(x->wallet, addr);
    poly_rest_set_creds(&x->rest, &c, addr);
    memset(&c, 0, sizeof c);
    return poly_rest_fork_direct(&x->rest, &x->orders, timeout_ms > 0 ? timeout_ms : cfg->polymarket.timeout_ms, err);
}

int poly_exec_new(const pm_config *cfg, const pm_secrets *secrets, int64_t timeout_ms, pm_exec_venue **out, pm_err *err) {
    *out = NULL;
    poly_exec *x = calloc(1, sizeof *x);
    if (!x) return pm_err_set(err, "out of memory");
    x->base.ops = &poly_exec_ops;
    x->base.venue = PM_VENUE_POLYMARKET;
    if (exec_init(x, cfg, secrets, timeout_ms, err)) {
        if (x->rest.http) poly_rest_close(&x->rest);
        poly_wallet_free(x->wallet);
        free(x);
        return -1;
    }
    *out = &x->base;
    return 0;
}
