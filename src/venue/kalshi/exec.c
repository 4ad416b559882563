/* exec.c — Kalshi's side of order execution (see exec.h).
 *
 * An order is a V2 order on POST /portfolio/events/orders: buy or sell an outcome at its own
 * price (order.h turns it into Kalshi's single YES book), fill_or_kill or immediate_or_cancel,
 * pmarb's order id as client_order_id. It is signed with the order path's presigned headers
 * (auth.h), refreshed while the executor is idle; a presign that went stale is replaced by a
 * signature on the spot (counted and logged once). It goes out over pmarb's own connection to
 * the venue (net/wire.h), opened at start and reopened while idle if the venue closed it; an
 * order that could not be written at all is refused, not looked up.
 *
 * Cash. Kalshi charges every fill to the cent and nets a ticker's outcomes (a YES + NO pair is
 * paid out at once), and rebates whole cents of rounding per order, so what an order cost the
 * balance is not a function of its average price. The venue's balance is read after every
 * order that filled (settle: after a first leg's handover): its cash is the drop since the
 * balance last read (the account is
 * pmarb's: orders placed by hand meanwhile would be counted here, and the reconciliation
 * would then find positions that differ). An order of an earlier run, looked up at start, was
 * in the balance before this run read it: its cash comes from its fills, charged as the venue
 * charges them (to the cent per fill; a sale paying $1 per contract it closes). */
#include "venue/kalshi/exec.h"

#include "core/kalshi_fee.h"
#include "util/clock.h"
#include "util/log.h"
#include "venue/kalshi/order.h"
#include "venue/kalshi/rest.h"
#include "venue/kalshi/trading.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FILLS_PAGE_MAX 4096

typedef struct kalshi_exec {
    pm_exec_venue base;
    const pm_config *cfg;
    kalshi_rest rest;
    pm_http *orders;              /* the order connection: pmarb's own (net/wire.h), kept open */
    pm_http_response res;         /* its response buffer, reused */
    kalshi_presign presign;
    char url[1024];
    pm_usd_t balance;             /* last read; -1 unknown */
    int spot_signed_logged;
} kalshi_exec;

static kalshi_exec *self_of(pm_exec_venue *v) { return (kalshi_exec *)v; }

static int k_prepare(pm_exec_venue *v, pm_exec_order *o, pm_err *err) {
    (void)v;
    snprintf(o->client_id, sizeof o->client_id, "%s", o->id);
    kalshi_order ko = {.ticker = o->market_id, .side = o->side, .outcome = o->outcome, .price = o->price, .count = o->qty,
                       .tif = o->tif == PM_TIF_FOK ? KALSHI_TIF_FOK : KALSHI_TIF_IOC, .client_order_id = o->client_id};
    int n = kalshi_order_body(&ko, o->body, sizeof o->body, err);
    if (n < 0) return -1;
    o->body_len = (size_t)n;
    o->prepared_unix_s = pm_wall_ns() / 1000000000LL;
    return 0;
}

/* The balance now; the drop since the last reading becomes *cash. */
static void cash_since(kalshi_exec *k, pm_exec_ack *a) {
    pm_usd_t now;
    pm_err err;
    if (kalshi_get_balance(&k->rest, &now, &err)) {
        snprintf(a->error, sizeof a->error, "balance not read after the fill: %.100s", err.msg);
        k->balance = -1;
        return;
    }
    if (k->balance >= 0) a->cash = k->balance - now;
    else snprintf(a->error, sizeof a->error, "balance unknown before the fill: its cash is not known");
    k->balance = now;
}

/* filled / remaining of qty → status. */
static pm_exec_status status_of(pm_qty_t filled, pm_qty_t qty, int done) {
    if (!done) return PM_EXEC_RESTING;
    if (filled >= qty) return PM_EXEC_FILLED;
    return filled > 0 ? PM_EXEC_PARTIAL : PM_EXEC_UNFILLED;
}

static void ack_from(const pm_exec_order *o, const kalshi_order_result *kr, int done, pm_exec_ack *a) {
    snprintf(a->venue_order_id, sizeof a->venue_order_id, "%s", kr->order_id);
    a->filled = a->delivered = kr->filled;
    a->fee = kr->fees;
    a->avg_price = kr->avg_price; /* what the venue says its fills averaged, -1 none */
    a->status = status_of(kr->filled, o->qty, done);
}

static int k_send(pm_exec_venue *v, const pm_exec_order *o, pm_exec_ack *a, pm_err *err) {
    kalshi_exec *k = self_of(v);
    memset(a, 0, sizeof *a);
    a->avg_price = -1;
    a->status = PM_EXEC_UNKNOWN;
    a->call_ns = pm_mono_ns();
    int64_t now_ms = pm_wall_ns() / 1000000;
    kalshi_headers h;
    if (kalshi_presign_get(&k->presign, now_ms, k->cfg->kalshi.signature_max_age_ms, &h)) {
        if (!k->spot_signed_logged) {
            k->spot_signed_logged = 1;
            pm_warn("kalshi", "order signed on the spot: the prepared signature was stale (logged once)",
                    PM_KV_I("max_age_ms", k->cfg->kalshi.signature_max_age_ms));
        }
        if (kalshi_auth_sign(k->rest.auth, now_ms, "POST", k->presign.path, &h, err)) {
            a->status = PM_EXEC_REJECTED;
            snprintf(a->error, sizeof a->error, "not signed: %.140s", err->msg);
            return 0;
        }
    }
    char hk[KALSHI_KEY_ID_MAX + 32], ht[64], hs[KALSHI_SIG_B64_MAX + 32];
    snprintf(hk, sizeof hk, "KALSHI-ACCESS-KEY: %s", h.key);
    snprintf(ht, sizeof ht, "KALSHI-ACCESS-TIMESTAMP: %s", h.timestamp);
    snprintf(hs, sizeof hs, "KALSHI-ACCESS-SIGNATURE: %s", h.signature);
    const char *headers[] = {hk, ht, hs, "Content-Type: application/json", NULL};
    pm_bucket_wait(&k->rest.write, KALSHI_REQUEST_COST);
    int rc = pm_http_do(k->orders, "POST", k->url, headers, o->body, &k->res, err);
    a->ack_ns = pm_mono_ns();
    a->http_status = k->res.status;
    if (k->res.pretransfer_ns > 0) a->wire_ns = a->ack_ns - k->res.elapsed_ns + k->res.pretransfer_ns;
    if (rc && k->res.status < 0) { /* not a byte went out: nothing to look up */
        a->status = PM_EXEC_REJECTED;
        a->http_status = 0;
        snprintf(a->error, sizeof a->error, "%.150s", err->msg);
        return 0;
    }
    if (rc) {
        snprintf(a->error, sizeof a->error, "%.150s", err->msg);
        return -1;
    }
    long st = k->res.status;
    if (st == 429 || st >= 500) {
        snprintf(a->error, sizeof a->error, "HTTP %ld: %.130s", st, k->res.body ? k->res.body : "");
        return pm_err_set(err, "%s", a->error);
    }
    if (st < 200 || st >= 300) {
        a->status = PM_EXEC_REJECTED;
        snprintf(a->error, sizeof a->error, "HTTP %ld: %.130s", st, k->res.body ? k->res.body : "");
        return 0;
    }
    kalshi_order_result kr;
    if (kalshi_parse_order_response(k->res.body, k->res.len, &kr, err)) {
        snprintf(a->error, sizeof a->error, "answer not understood: %.120s", err->msg);
        return -1; /* accepted, but what it did is unknown: look it up */
    }
    ack_from(o, &kr, 1, a);
    return 0;
}

typedef struct charge_ctx {
    const char *order_id;
    pm_side side;
    pm_usd_t cash;
    int n;
} charge_ctx;

/* Each fill is charged to the cent (notional rounded up, plus its fee); a sale closes what is
 * held, so each contract sold also pays out $1 (a sale is an order on the other outcome). */
static int charge_cb(void *ctx_, const kalshi_fill *f) {
    charge_ctx *c = ctx_;
    if (strcmp(f->order_id, c->order_id)) return 0;
    pm_usd_t notional, payout;
    pm_notional(f->price, f->count, PM_ROUND_CEIL, &notional, NULL);
    c->cash += pm_kalshi_balance_charge(notional + f->fee);
    if (c->side == PM_SIDE_SELL) {
        pm_notional(PM_PX_ONE, f->count, PM_ROUND_FLOOR, &payout, NULL);
        c->cash -= payout;
    }
    c->n++;
    return 0;
}

/* An order of an earlier run: the balance already held its fills when this run read it, so its
 * cash is worked out from its fills as the venue charges them. */
static void cash_from_fills(kalshi_exec *k, const pm_exec_order *o, pm_exec_ack *a) {
    charge_ctx c = {.order_id = a->venue_order_id, .side = o->side};
    pm_err err;
    if (kalshi_get_fills(&k->rest, charge_cb, &c, &err) || !c.n)
        snprintf(a->error, sizeof a->error, "fills not read: its cash is not known: %.100s", c.n ? err.msg : "none listed");
    else
        a->cash = c.cash;
}

static int k_find(pm_exec_venue *v, const pm_exec_order *o, pm_exec_ack *a, pm_err *err) {
    kalshi_exec *k = self_of(v);
    memset(a, 0, sizeof *a);
    a->avg_price = -1;
    kalshi_order_result kr;
    int found = kalshi_find_order(&k->rest, o->market_id, o->client_id, &kr, err);
    if (found < 0) return -1;
    if (!found) {
        a->status = PM_EXEC_REJECTED;
        snprintf(a->error, sizeof a->error, "the venue has no order with this client_order_id: it was not taken");
        return 0;
    }
    ack_from(o, &kr, strcmp(kr.status, "resting") != 0, a);
    if (a->filled > 0 && o->earlier_run) cash_from_fills(k, o, a);
    else if (a->filled > 0) cash_since(k, a);
    return 0;
}

static int k_settle(pm_exec_venue *v, const pm_exec_order *o, pm_exec_ack *a, pm_err *err) {
    (void)o;
    (void)err;
    if (a->filled > 0) cash_since(self_of(v), a);
    return 0;
}

typedef struct fills_ctx {
    const char *order_id;
    pm_exec_fill *out;
    size_t cap, n;
} fills_ctx;

static int fill_cb(void *ctx_, const kalshi_fill *f) {
    fills_ctx *c = ctx_;
    if (strcmp(f->order_id, c->order_id) || c->n == c->cap) return 0;
    pm_exec_fill *x = &c->out[c->n++];
    memset(x, 0, sizeof *x);
    snprintf(x->trade_id, sizeof x->trade_id, "%s", f->trade_id);
    x->price = f->price;
    x->qty = x->delivered = f->count;
    x->fee = f->fee;
    x->is_taker = f->is_taker;
    return 0;
}

static int k_fills(pm_exec_venue *v, const pm_exec_order *o, const pm_exec_ack *a, pm_exec_fill *out, size_t cap,
                   size_t *n, pm_err *err) {
    (void)o;
    fills_ctx c = {.order_id = a->venue_order_id, .out = out, .cap = cap};
    *n = 0;
    if (!a->venue_order_id[0]) return pm_err_set(err, "no venue order id to look its fills up by");
    if (kalshi_get_fills(&self_of(v)->rest, fill_cb, &c, err)) return -1;
    *n = c.n;
    return 0;
}

typedef struct cancel_ctx {
    kalshi_exec *k;
    int canceled, failed;
    pm_err *err;
} cancel_ctx;

static int cancel_cb(void *ctx_, const char *order_id, const char *ticker) {
    cancel_ctx *c = ctx_;
    pm_qty_t reduced;
    pm_err err;
    if (kalshi_cancel_order(&c->k->rest, order_id, ticker, &reduced, &err)) {
        c->failed++;
        pm_err_set(c->err, "%.400s", err.msg);
    } else
        c->canceled++;
    return 0;
}

static int k_cancel_all(pm_exec_venue *v, int *canceled, pm_err *err) {
    cancel_ctx c = {.k = self_of(v), .err = err};
    int rc = kalshi_list_resting(&c.k->rest, cancel_cb, &c, err);
    *canceled = c.canceled;
    return rc || c.failed ? -1 : 0;
}

static int k_balance(pm_exec_venue *v, pm_usd_t *cash, pm_err *err) {
    kalshi_exec *k = self_of(v);
    if (kalshi_get_balance(&k->rest, cash, err)) return -1;
    k->balance = *cash;
    return 0;
}

typedef struct holdings_ctx {
    pm_exec_holding *h;
    size_t n;
} holdings_ctx;

static int position_cb(void *ctx_, const kalshi_position *p) {
    holdings_ctx *c = ctx_;
    for (size_t i = 0; i < c->n; i++) {
        if (strcmp(c->h[i].market_id, p->ticker)) continue;
        pm_qty_t yes = p->position > 0 ? p->position : 0, no = p->position < 0 ? -p->position : 0;
        c->h[i].qty = c->h[i].outcome == PM_OUTCOME_YES ? yes : no;
    }
    return 0;
}

static int k_holdings(pm_exec_venue *v, pm_exec_holding *h, size_t n, pm_err *err) {
    for (size_t i = 0; i < n; i++) h[i].qty = 0;
    holdings_ctx c = {h, n};
    return kalshi_get_positions(&self_of(v)->rest, position_cb, &c, err);
}

static void k_free(pm_exec_venue *v) {
    kalshi_exec *k = self_of(v);
    pm_http_response_free(&k->res);
    pm_http_free(k->orders);
    kalshi_rest_close(&k->rest);
    free(k);
}

/* Refreshes the presigned order headers when older than half of [kalshi] signature_max_age_ms,
 * and reopens the order connection if the venue closed it. */
static int k_upkeep(pm_exec_venue *v, pm_err *err) {
    kalshi_exec *k = self_of(v);
    if (kalshi_presign_refresh(&k->presign, k->rest.auth, pm_wall_ns() / 1000000, k->cfg->kalshi.signature_max_age_ms / 2,
                               err) < 0)
        return -1;
    return pm_http_warm(k->orders, err);
}

static const pm_exec_ops ops = {k_prepare, k_send, k_settle, k_find, k_fills, k_cancel_all, k_balance, k_holdings, k_free,
                                k_upkeep};

int kalshi_exec_new(const pm_config *cfg, kalshi_auth *auth, int64_t timeout_ms, pm_exec_venue **out, pm_err *err) {
    *out = NULL;
    kalshi_exec *k = calloc(1, sizeof *k);
    if (!k) return pm_err_set(err, "out of memory");
    k->base.ops = &ops;
    k->base.venue = PM_VENUE_KALSHI;
    k->cfg = cfg;
    k->balance = -1;
    int64_t t = timeout_ms > 0 ? timeout_ms : cfg->kalshi.timeout_ms;
    if (kalshi_rest_init(&k->rest, pm_config_kalshi_rest_url(cfg), cfg->kalshi.tier, cfg->kalshi.timeout_ms, auth, err)) {
        free(k);
        return -1;
    }
    char path[KALSHI_PATH_MAX];
    snprintf(path, sizeof path, "%s/portfolio/events/orders", k->rest.prefix);
    snprintf(k->url, sizeof k->url, "%s/portfolio/events/orders", k->rest.base);
    if (pm_http_new_direct(t, k->rest.base, &k->orders, err) || kalshi_presign_init(&k->presign, "POST", path, err) ||
        k_upkeep(&k->base, err) || kalshi_get_balance(&k->rest, &k->balance, err)) {
        k_free(&k->base);
        return -1;
    }
    *out = &k->base;
    return 0;
}
