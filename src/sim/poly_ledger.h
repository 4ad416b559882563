/* poly_ledger.h — internals of the simulated Polymarket order side, shared by poly_auth.c
 * (API keys, L1 ClobAuth and L2 HMAC checks), poly_sig.c (EIP-712 order signatures),
 * poly_match.c (matching against the books, fees, balances, positions, user-channel pushes)
 * and poly_orders.c (the private endpoints). Used only by src/sim and its tests.
 *
 * Accounts are keyed by the address that owns an API key: its pUSD balance and its outcome
 * token positions. The sim has no chain, so a proxy, Safe or deposit wallet named as an
 * order's maker trades with the funds of the API key's account. */
#ifndef PM_SIM_POLY_LEDGER_H
#define PM_SIM_POLY_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "sim/poly_venue.h"
#include "util/uuid.h"
#include "venue/polymarket/eip712.h"

#define SIM_POLY_CHAIN_ID 137
#define SIM_POLY_AUTH_SKEW_S 300  /* accepted |POLY_TIMESTAMP − now| */
#define SIM_POLY_BATCH_MAX 15     /* orders per POST /orders */
#define SIM_POLY_CANCEL_MAX 1000  /* ids per DELETE /orders */
#define SIM_POLY_GTD_GRACE_S 60   /* a GTD order must outlive now by more than this */
#define SIM_POLY_SIZE_STEP (PM_SCALE / 100) /* order sizes are in hundredths of a share */

typedef struct sim_pkey {
    char api_key[PM_UUID_LEN];
    char secret[48];      /* base64url of 32 random bytes, '=' kept */
    char passphrase[65];  /* 64 hex digits */
    uint8_t address[20];  /* POLY_ADDRESS that created it */
    uint64_t nonce;
    int account;
} sim_pkey;

typedef struct sim_paccount {
    uint8_t address[20];
    pm_usd_t balance;     /* pUSD, micro-dollars */
    pm_qty_t *position;   /* [market * 2 + outcome], millionths of a token */
} sim_paccount;

typedef enum sim_porder_type { SIM_PO_GTC, SIM_PO_GTD, SIM_PO_FOK, SIM_PO_FAK } sim_porder_type;
typedef enum sim_porder_status { SIM_PO_LIVE, SIM_PO_MATCHED, SIM_PO_CANCELED } sim_porder_status;

typedef struct sim_porder {
    char id[67];              /* the EIP-712 order hash, 0x + 64 hex */
    char maker[43];           /* the order's maker address, lower-case hex */
    int key, account, market;
    pm_outcome outcome;
    pm_side side;
    sim_porder_type type;
    int64_t maker_amount, taker_amount; /* 6-decimal base units, as signed */
    pm_px_t price;            /* limit price (BUY rounded down, SELL up when not exact) */
    pm_qty_t original, matched; /* shares */
    pm_qty_t match_cap;       /* most it may match: original, less under the partial_fill fault */
    pm_usd_t paid;            /* BUY: pUSD spent; SELL: pUSD received (after fees) */
    pm_qty_t got;             /* BUY: shares received (after fees); SELL: shares given */
    int64_t expiration;       /* unix seconds, 0 = none */
    int64_t created_s;
    sim_porder_status status;
} sim_porder;

typedef struct sim_ptrade {
    char id[PM_UUID_LEN];
    char tx_hash[67];         /* synthetic settlement hash */
    int order;
    pm_px_t price;            /* outcome price of the fill */
    pm_qty_t size;            /* shares matched */
    pm_usd_t fee_usd;         /* SELL: taken from the proceeds */
    pm_qty_t fee_shares;      /* BUY: taken from the shares received */
    int64_t ts_s;
} sim_ptrade;

/* An order post the venue looked at (GET /admin/orders): its hash, the HTTP status of its
 * placement and the order it created (-1 when refused). */
typedef struct sim_pseen {
    char id[67];
    int http_status;
    int order;
} sim_pseen;

struct sim_poly_ledger {
    int64_t starting_balance;
    struct secp256k1_context_struct *secp;
    sim_pkey *keys;
    int nkeys, capkeys;
    sim_paccount *accounts;
    int naccounts, capaccounts;
    sim_porder *orders;
    int norders, caporders;
    sim_ptrade *trades;
    int ntrades, captrades;
    sim_pseen *seen;          /* every order whose signature checked out, in order */
    int nseen, capseen;
};

/* --- poly_auth.c --- */

/* ecrecover: the address that produced the 65-byte r ‖ s ‖ v (v 27/28) signature of digest. */
int sim_poly_recover(const struct sim_poly_ledger *l, const uint8_t digest[32], const uint8_t sig[65], uint8_t addr[20]);
/* POST /auth/api-key (create) and GET /auth/derive-api-key (derive), behind L1 headers. */
void sim_poly_l1_keys(sim_poly *p, const sim_request *req, int create, sim_response *res);
/* The key index of a request whose five L2 headers check out, or -1. */
int sim_poly_l2_key(sim_poly *p, const sim_request *req);
/* Lower-case hex with 0x (43 bytes). */
void sim_poly_address_text(const uint8_t a[20], char out[43]);

/* --- poly_sig.c --- */

/* The exchange domain separator a market's orders are signed under: version "2" with the V2
 * CTF or V2 Neg-Risk exchange (by neg_risk) for version-1 markets, "3" with ExchangeV3 for
 * version-2 markets. */
void sim_poly_exchange_domain(const sim_pmarket *m, uint64_t chain_id, uint8_t out[32]);
/* Checks an order's signature (bytes, len) against its struct hash under domain. For types
 * 0-2, a 65-byte signature whose signer must be o->signer; for type 3 (POLY_1271) the ERC-7739
 * envelope innerSig ‖ appDomainSeparator ‖ contentsHash ‖ typeString ‖ uint16 length, whose
 * inner signature over the TypedDataSign hash must come from owner. 0 when valid. */
int sim_poly_check_order_sig(const struct sim_poly_ledger *l, const poly_order *o, const uint8_t domain[32],
                             uint64_t chain_id, const uint8_t *sig, size_t len, const uint8_t owner[20]);

/* --- poly_match.c --- */

/* Ledger storage. NULL / -1 when out of memory. */
sim_porder *sim_poly_new_order(struct sim_poly_ledger *l);
pm_qty_t *sim_poly_position(sim_poly *p, int account, int market, pm_outcome o);
/* pUSD and shares of a token held by live orders of an account (what new orders cannot use). */
pm_usd_t sim_poly_reserved_usd(const struct sim_poly_ledger *l, int account);
pm_qty_t sim_poly_reserved_shares(const struct sim_poly_ledger *l, int account, int market, pm_outcome o);
/* Shares the book offers an order at its price or better. */
pm_qty_t sim_poly_fillable(const sim_poly *p, const sim_porder *o);
/* Executes an accepted order: takes liquidity at its price or better (publishing the book
 * changes, last_trade_price and the user-channel trade messages), then rests a GTC/GTD
 * remainder. Returns the number of fills (their trades are the last ones in the ledger). */
int sim_poly_execute(sim_poly *p, int order);
/* Takes a live order off the book (what the book still shows of it) and marks it CANCELED. */
void sim_poly_cancel(sim_poly *p, int order);
/* Cancels live GTD orders whose expiration has passed. */
void sim_poly_expire(sim_poly *p, int64_t now_s);
/* A price, size or amount as the venue writes it ("0.56", "5"), as a JSON string. */
struct json_t *sim_poly_decimal_json(int64_t v);
/* A trade as GET /data/trades lists it (ws 0) or the user channel's trade message (ws 1). */
struct json_t *sim_poly_trade_json(const sim_poly *p, const sim_ptrade *t, int ws);
/* The user channel's order message (type PLACEMENT, UPDATE or CANCELLATION). */
void sim_poly_push_order(sim_poly *p, int order, const char *type);

#endif
