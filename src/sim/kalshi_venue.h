/* kalshi_venue.h — the simulated Kalshi exchange: series, events and markets of a scenario
 * with live order books, served under /trade-api/v2 with Kalshi's paths, field names and
 * fixed-point string formats, and Kalshi's RSA-PSS header check on authenticated endpoints. */
#ifndef PM_SIM_KALSHI_VENUE_H
#define PM_SIM_KALSHI_VENUE_H

#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>

#include "core/book.h"
#include "sim/http_server.h"

typedef struct sim_kseries {
    char ticker[32];
    char title[96];
    char fee_type[48];
    int64_t fee_multiplier; /* scale 6 */
} sim_kseries;

typedef struct sim_kevent {
    char ticker[64];
    char series[32];
    char title[160];
    char fee_type_override[48];      /* "" = none */
    int64_t fee_multiplier_override; /* -1 = none */
} sim_kevent;

typedef struct sim_kmarket {
    char ticker[80];
    char event[64];
    char title[160];
    char yes_sub_title[96];
    char rules_primary[512];
    char rules_secondary[256];
    char close_time[32];
    int active;
    pm_book book; /* bids: YES bids; asks: YES asks (each one a NO bid at 1 − price) */
} sim_kmarket;

typedef struct sim_kconn sim_kconn; /* one WebSocket client */

/* An order post the venue looked at (GET /admin/orders): its client id, the HTTP status it
 * answered and the order it created (-1 when refused). */
typedef struct sim_kseen {
    char client_id[72];
    int http_status;
    int order;
} sim_kseen;

typedef struct sim_kalshi {
    sim_kseries *series;
    sim_kevent *events;
    sim_kmarket *markets;
    int nseries, nevents, nmarkets;
    EVP_PKEY *public_key;   /* NULL: authenticated endpoints answer 401 */
    char key_id[128];
    uint64_t auth_failures;
    sim_kconn *conns;       /* open WebSocket connections */
    struct sim_korder *orders;
    int norders, caporders;
    struct sim_kfill *fills;
    int nfills, capfills;
    pm_qty_t *position;     /* per market: + YES, − NO contracts */
    pm_usd_t *fees_paid;    /* per market */
    int64_t balance;        /* micro-dollars */
    struct {                /* fault switches, set through POST /admin/faults */
        int http_status, http_count;   /* the next http_count REST requests answer http_status */
        int delay_ms, delay_count;     /* the next delay_count responses leave delay_ms late */
        int reject_orders;             /* the next orders are refused */
        int orders_only;               /* http_status and delay_ms apply to order posts only */
        int partial_orders;            /* the next orders match at most half their count */
        int lose_answers;              /* the next orders taken are answered 500 (the answer lost) */
    } faults;
    sim_kseen *seen;        /* every order post that reached the venue, in order */
    int nseen, capseen;
    uint64_t rest_requests, order_posts;
    int64_t next_sid;
    uint64_t rng;
    uint64_t ws_frames_sent;
} sim_kalshi;

/* WebSocket side, for sim_http_start. */
extern const sim_ws_ops sim_kalshi_ws;

/* Internals shared by the simulator's Kalshi files. */
struct json_t;
int sim_kalshi_authenticated(sim_kalshi *k, const sim_request *req, const char **why);
struct json_t *sim_dollars(int64_t v, int decimals);
void sim_respond_json(sim_response *res, int status, struct json_t *doc);
void sim_kalshi_publish_delta(sim_kalshi *k, int m, int yes, pm_px_t px, pm_qty_t delta);
void sim_kalshi_push_user(sim_kalshi *k, int fill, struct json_t *msg); /* takes the reference */
/* The /portfolio endpoints, after authentication (kalshi_orders.c); p is the path after /trade-api/v2. */
void sim_kalshi_portfolio(sim_kalshi *k, const sim_request *req, const char *p, sim_response *res);
void sim_kalshi_orders_free(sim_kalshi *k);
/* GET /admin/orders: every order post the venue looked at, with its outcome. */
void sim_kalshi_admin_orders(const sim_kalshi *k, sim_response *res);

/* Moves the price process one step: a random level of a random market changes, and every
 * subscription to that market gets the delta. */
void sim_kalshi_tick(sim_kalshi *k);

/* The shared price process: when the question's fair value (micro-dollars) has gone half a
 * cent past the market's best bid or best ask, its ladder moves one cent toward it (streamed
 * as deltas). Kalshi is the sluggish venue: it follows news (jumps), not the small drift. */
void sim_kalshi_follow(sim_kalshi *k, int m, pm_px_t fair);

/* The built-in scenario (deterministic for a seed): a few dozen markets over several
 * events and series, books around a fair value. */
int sim_kalshi_init(sim_kalshi *k, uint64_t seed, pm_err *err);
/* The demo catalogue instead (`pmarb sim --demo`): macro questions, with look-alikes Polymarket
 * does not mirror (see kalshi_venue.c). */
int sim_kalshi_init_demo(sim_kalshi *k, uint64_t seed, pm_err *err);
void sim_kalshi_free(sim_kalshi *k);

/* Empty state with room for a scenario of this size (used by both scenario sources). */
int sim_kalshi_alloc(sim_kalshi *k, int nseries, int nevents, int nmarkets, pm_err *err);

/* A scenario from a JSON file instead of the built-in one (format in scenario.c). */
int sim_kalshi_load_scenario(sim_kalshi *k, const char *path, pm_err *err);

/* Accepts requests signed by key_id with this RSA public key (PEM). */
int sim_kalshi_set_key(sim_kalshi *k, const char *key_id, const char *pem, size_t len, pm_err *err);

/* sim_handler for the Kalshi vhost. */
void sim_kalshi_handle(void *user, const sim_request *req, sim_response *res);

#endif
