/* migrations.c — every schema change, numbered. Never edit a released migration: add one.
 *
 * Units in every table: prices and money are INTEGER micro-dollars (1 USD = 1,000,000);
 * quantities are INTEGER millionths of a contract; *_ns are Unix nanoseconds; *_at and
 * close_time are ISO-8601 UTC text ("2026-11-24T01:37:20.123Z"); ids are UUID text. */
#include "store/migrations.h"

/* 1: the seed schema of the original plan (DESIGN.md §7). */
static const char m1_seed[] =
    "CREATE TABLE markets ("
    "  id TEXT PRIMARY KEY,"
    "  platform TEXT NOT NULL CHECK (platform IN ('kalshi','polymarket')),"
    "  platform_market_id TEXT NOT NULL,"
    "  title TEXT NOT NULL,"
    "  description TEXT,"
    "  status TEXT NOT NULL,"
    "  fetched_at TEXT NOT NULL,"
    "  UNIQUE(platform, platform_market_id));"
    "CREATE TABLE market_matches ("
    "  id TEXT PRIMARY KEY,"
    "  kalshi_market_id TEXT NOT NULL REFERENCES markets(id),"
    "  polymarket_market_id TEXT NOT NULL REFERENCES markets(id),"
    "  confidence REAL,"
    "  match_reason TEXT,"
    "  status TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  reviewed_at TEXT);";

/* 2: what matching and trading need to know about markets and matches. */
static const char m2_market_details[] =
    "ALTER TABLE markets ADD COLUMN event_id TEXT;"
    "ALTER TABLE markets ADD COLUMN close_time TEXT;"
    "ALTER TABLE markets ADD COLUMN rules TEXT;"             /* resolution rules, full text */
    "ALTER TABLE markets ADD COLUMN outcome_yes_id TEXT;"    /* Polymarket YES token id */
    "ALTER TABLE markets ADD COLUMN outcome_no_id TEXT;"     /* Polymarket NO token id */
    "ALTER TABLE markets ADD COLUMN tick_size INTEGER;"      /* micro-dollars; NULL = varies/unknown */
    "ALTER TABLE markets ADD COLUMN min_order_size INTEGER;" /* millionths of a contract */
    "ALTER TABLE markets ADD COLUMN fee_type TEXT;"
    "ALTER TABLE markets ADD COLUMN fee_multiplier INTEGER;" /* scale 6: 1.0 = 1000000 */
    "ALTER TABLE markets ADD COLUMN fee_rate_bps INTEGER;"   /* taker rate, 0.05 = 500 */
    "ALTER TABLE markets ADD COLUMN neg_risk INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE markets ADD COLUMN raw_json TEXT;"          /* the venue's object as fetched */
    "ALTER TABLE markets ADD COLUMN content_hash TEXT;"      /* sha256 of the matchable text */
    "ALTER TABLE markets ADD COLUMN updated_at TEXT;"        /* last change of content or status */
    "UPDATE markets SET updated_at = fetched_at;"
    "CREATE INDEX markets_platform_status ON markets(platform, status);"
    "CREATE INDEX markets_outcome_yes ON markets(outcome_yes_id) WHERE outcome_yes_id IS NOT NULL;"
    "CREATE INDEX markets_outcome_no ON markets(outcome_no_id) WHERE outcome_no_id IS NOT NULL;"
    "ALTER TABLE market_matches ADD COLUMN polarity TEXT NOT NULL DEFAULT 'same'"
    "  CHECK (polarity IN ('same','inverted'));"
    "ALTER TABLE market_matches ADD COLUMN reviewed_by TEXT;" /* a person, or 'auto' */
    "ALTER TABLE market_matches ADD COLUMN model TEXT;"
    "ALTER TABLE market_matches ADD COLUMN prompt_version TEXT;"
    "ALTER TABLE market_matches ADD COLUMN review_note TEXT;"
    "ALTER TABLE market_matches ADD COLUMN updated_at TEXT;"
    "UPDATE market_matches SET updated_at = COALESCE(reviewed_at, created_at);"
    /* Older rows could repeat a pair: keep one per pair, a person's decision first. */
    "DELETE FROM market_matches WHERE rowid IN ("
    "  SELECT rowid FROM (SELECT rowid, ROW_NUMBER() OVER ("
    "    PARTITION BY kalshi_market_id, polymarket_market_id"
    "    ORDER BY CASE status WHEN 'approved' THEN 0 WHEN 'rejected' THEN 1 ELSE 2 END,"
    "             reviewed_at DESC, created_at) AS n FROM market_matches) WHERE n > 1);"
    "UPDATE market_matches SET status = 'pending_review'"
    "  WHERE status NOT IN ('pending_review','approved','rejected');"
    "CREATE UNIQUE INDEX market_matches_pair ON market_matches(kalshi_market_id, polymarket_market_id);"
    "CREATE INDEX market_matches_status ON market_matches(status);"
    "CREATE TRIGGER market_matches_status_insert BEFORE INSERT ON market_matches"
    "  WHEN NEW.status NOT IN ('pending_review','approved','rejected')"
    "  BEGIN SELECT RAISE(ABORT, 'market_matches.status must be pending_review, approved or rejected'); END;"
    "CREATE TRIGGER market_matches_status_update BEFORE UPDATE OF status ON market_matches"
    "  WHEN NEW.status NOT IN ('pending_review','approved','rejected')"
    "  BEGIN SELECT RAISE(ABORT, 'market_matches.status must be pending_review, approved or rejected'); END;";

/* 3: what trading leaves behind — enough to reconstruct every decision and every dollar. */
static const char m3_trading[] =
    "CREATE TABLE opportunities ("
    "  id TEXT PRIMARY KEY,"
    "  ts_ns INTEGER NOT NULL,"                 /* detection time */
    "  match_id TEXT NOT NULL REFERENCES market_matches(id),"
    "  direction TEXT NOT NULL CHECK (direction IN ('kalshi_yes','kalshi_no')),"
    "  kalshi_ticker TEXT NOT NULL,"
    "  polymarket_token_id TEXT NOT NULL,"
    "  qty INTEGER NOT NULL,"                   /* contracts per leg */
    "  kalshi_price INTEGER NOT NULL,"          /* worst (limit) price of the Kalshi leg */
    "  polymarket_price INTEGER NOT NULL,"      /* worst (limit) price of the Polymarket leg */
    "  kalshi_cost INTEGER NOT NULL,"           /* notional of the Kalshi leg, fee included */
    "  polymarket_cost INTEGER NOT NULL,"
    "  kalshi_fee INTEGER NOT NULL,"
    "  polymarket_fee INTEGER NOT NULL,"
    "  expected_profit INTEGER NOT NULL,"       /* payout − both costs */
    "  annualized_bps INTEGER,"
    "  kalshi_book_age_us INTEGER,"
    "  polymarket_book_age_us INTEGER,"
    "  mode TEXT NOT NULL CHECK (mode IN ('paper','live')),"
    "  decision TEXT NOT NULL,"                 /* traded | rejected | skipped */
    "  reason TEXT);"                           /* why it was rejected or skipped */
    "CREATE INDEX opportunities_match ON opportunities(match_id, ts_ns);"
    "CREATE TABLE orders ("
    "  id TEXT PRIMARY KEY,"
    "  venue TEXT NOT NULL CHECK (venue IN ('kalshi','polymarket')),"
    "  client_order_id TEXT NOT NULL,"          /* Kalshi client_order_id; Polymarket order hash */
    "  venue_order_id TEXT,"
    "  opportunity_id TEXT REFERENCES opportunities(id),"
    "  match_id TEXT REFERENCES market_matches(id),"
    "  role TEXT NOT NULL CHECK (role IN ('first','second','simultaneous','hedge','unwind','manual')),"
    "  market_id TEXT NOT NULL,"                /* Kalshi ticker; Polymarket token id */
    "  side TEXT NOT NULL CHECK (side IN ('buy','sell')),"
    "  outcome TEXT NOT NULL CHECK (outcome IN ('yes','no')),"
    "  price INTEGER NOT NULL,"                 /* limit price of the outcome bought/sold */
    "  qty INTEGER NOT NULL,"
    "  tif TEXT NOT NULL,"                      /* fok | fak | ioc | gtc | gtd */
    "  mode TEXT NOT NULL CHECK (mode IN ('paper','live')),"
    "  status TEXT NOT NULL,"                   /* created|sent|acked|partial|filled|canceled|rejected|unknown */
    "  filled_qty INTEGER NOT NULL DEFAULT 0,"
    "  avg_price INTEGER,"
    "  fee INTEGER NOT NULL DEFAULT 0,"
    "  error TEXT,"
    "  created_ns INTEGER NOT NULL,"
    "  sent_ns INTEGER,"
    "  updated_ns INTEGER NOT NULL,"
    "  UNIQUE(venue, client_order_id));"
    "CREATE INDEX orders_status ON orders(status);"
    "CREATE INDEX orders_opportunity ON orders(opportunity_id);"
    "CREATE TABLE fills ("
    "  id INTEGER PRIMARY KEY,"
    "  venue TEXT NOT NULL CHECK (venue IN ('kalshi','polymarket')),"
    "  venue_fill_id TEXT NOT NULL,"            /* Kalshi trade_id; Polymarket trade id; paper: generated */
    "  order_id TEXT REFERENCES orders(id),"    /* NULL when the order is not ours to know */
    "  venue_order_id TEXT,"
    "  market_id TEXT NOT NULL,"
    "  side TEXT NOT NULL CHECK (side IN ('buy','sell')),"
    "  outcome TEXT NOT NULL CHECK (outcome IN ('yes','no')),"
    "  price INTEGER NOT NULL,"
    "  qty INTEGER NOT NULL,"                   /* contracts matched */
    "  qty_delivered INTEGER NOT NULL,"         /* contracts received after fees taken in shares */
    "  fee INTEGER NOT NULL,"                   /* micro-dollars (share fees valued at the fill price) */
    "  is_taker INTEGER NOT NULL,"
    "  source TEXT NOT NULL CHECK (source IN ('rest','ws','paper','reconcile')),"
    "  ts_ns INTEGER NOT NULL,"                 /* venue's time of the fill */
    "  received_ns INTEGER NOT NULL,"
    "  UNIQUE(venue, venue_fill_id));"
    "CREATE INDEX fills_order ON fills(order_id);"
    "CREATE TABLE positions ("
    "  venue TEXT NOT NULL CHECK (venue IN ('kalshi','polymarket')),"
    "  market_id TEXT NOT NULL,"
    "  outcome TEXT NOT NULL CHECK (outcome IN ('yes','no')),"
    "  mode TEXT NOT NULL CHECK (mode IN ('paper','live')),"
    "  qty INTEGER NOT NULL,"
    "  cost INTEGER NOT NULL,"                  /* money paid for the open quantity, fees included */
    "  realized_pnl INTEGER NOT NULL DEFAULT 0,"
    "  updated_ns INTEGER NOT NULL,"
    "  PRIMARY KEY (venue, market_id, outcome, mode));"
    "CREATE TABLE events ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  ts_ns INTEGER NOT NULL,"
    "  level TEXT NOT NULL CHECK (level IN ('info','warn','error')),"
    "  kind TEXT NOT NULL,"                     /* e.g. leg_mismatch, hedge, halt, reconcile_diff */
    "  match_id TEXT,"
    "  order_id TEXT,"
    "  detail TEXT);"                           /* JSON object */
    "CREATE INDEX events_kind ON events(kind, ts_ns);";

/* 4: what Polymarket's Gamma API says about a market beyond migration 2's columns. Flags are
 * 0/1 with NULL for "not given"; fee_rate_bps (migration 2) holds feeSchedule.rate. */
static const char m4_polymarket_details[] =
    "ALTER TABLE markets ADD COLUMN gamma_id TEXT;"           /* Gamma market id, e.g. '1557558' */
    "ALTER TABLE markets ADD COLUMN protocol_version TEXT;"   /* Gamma version: 'v1', 'v2' (ExchangeV3) */
    "ALTER TABLE markets ADD COLUMN outcome_yes_name TEXT;"   /* outcome of outcome_yes_id: 'Yes' or a name */
    "ALTER TABLE markets ADD COLUMN outcome_no_name TEXT;"    /* outcome of outcome_no_id */
    "ALTER TABLE markets ADD COLUMN fees_enabled INTEGER;"    /* feesEnabled */
    "ALTER TABLE markets ADD COLUMN fee_exponent INTEGER;"    /* feeSchedule.exponent */
    "ALTER TABLE markets ADD COLUMN fee_taker_only INTEGER;"  /* feeSchedule.takerOnly */
    "ALTER TABLE markets ADD COLUMN fee_rebate_bps INTEGER;"  /* feeSchedule.rebateRate, 0.25 = 2500 */
    "ALTER TABLE markets ADD COLUMN accepting_orders INTEGER;"
    "ALTER TABLE markets ADD COLUMN order_book_enabled INTEGER;" /* enableOrderBook */
    "CREATE INDEX markets_gamma_id ON markets(gamma_id) WHERE gamma_id IS NOT NULL;";

/* 5: the matcher's memory. llm_answers caches the LLM judge's verdict per question, keyed by
 * the sha256 of (both markets' text, model, prompt version), with what the answering call
 * cost; match_basis holds the two markets' content hashes a match was last judged on, so a
 * run judges only what changed and a person's decision on changed text goes back to review. */
static const char m5_match_memory[] =
    "CREATE TABLE llm_answers ("
    "  key TEXT PRIMARY KEY,"
    "  model TEXT NOT NULL,"
    "  prompt_version TEXT NOT NULL,"
    "  equivalent INTEGER NOT NULL CHECK (equivalent IN (0,1)),"
    "  confidence INTEGER NOT NULL CHECK (confidence BETWEEN 0 AND 1000000)," /* scale 6 */
    "  polarity TEXT NOT NULL CHECK (polarity IN ('same','inverted')),"
    "  reason TEXT NOT NULL,"
    "  prompt_tokens INTEGER,"          /* of the whole call that answered (NULL: not reported) */
    "  completion_tokens INTEGER,"
    "  batch_pairs INTEGER NOT NULL,"   /* pairs asked in that call */
    "  latency_ms INTEGER NOT NULL,"
    "  created_at TEXT NOT NULL);"
    "CREATE TABLE match_basis ("
    "  match_id TEXT PRIMARY KEY REFERENCES market_matches(id),"
    "  kalshi_content_hash TEXT NOT NULL,"
    "  polymarket_content_hash TEXT NOT NULL,"
    "  judged_at TEXT NOT NULL);";

/* 6: same-venue opportunities ([strategy] same_venue: YES + NO bought on one venue) are stored
 * too. direction adds 'kalshi_same' and 'polymarket_same'; such a row names only its venue's
 * market (the other venue's id, price, cost and fee are NULL) and its venue's columns hold both
 * legs together: price = YES limit + NO limit, cost and fee = the two legs' sums (the fills
 * hold each leg). SQLite changes a CHECK only by rebuilding the table: the rows are copied out
 * and back, with foreign keys (orders.opportunity_id) checked at commit. */
static const char m6_same_venue[] =
    "PRAGMA defer_foreign_keys = ON;"
    "CREATE TEMP TABLE opportunities_m6 AS SELECT * FROM opportunities;"
    "DROP TABLE opportunities;"
    "CREATE TABLE opportunities ("
    "  id TEXT PRIMARY KEY,"
    "  ts_ns INTEGER NOT NULL,"
    "  match_id TEXT NOT NULL REFERENCES market_matches(id),"
    "  direction TEXT NOT NULL"
    "    CHECK (direction IN ('kalshi_yes','kalshi_no','kalshi_same','polymarket_same')),"
    "  kalshi_ticker TEXT,"                      /* NULL only for polymarket_same */
    "  polymarket_token_id TEXT,"                /* NULL only for kalshi_same */
    "  qty INTEGER NOT NULL,"
    "  kalshi_price INTEGER,"
    "  polymarket_price INTEGER,"
    "  kalshi_cost INTEGER,"
    "  polymarket_cost INTEGER,"
    "  kalshi_fee INTEGER,"
    "  polymarket_fee INTEGER,"
    "  expected_profit INTEGER NOT NULL,"
    "  annualized_bps INTEGER,"
    "  kalshi_book_age_us INTEGER,"
    "  polymarket_book_age_us INTEGER,"
    "  mode TEXT NOT NULL CHECK (mode IN ('paper','live')),"
    "  decision TEXT NOT NULL,"
    "  reason TEXT,"
    "  CHECK ((direction = 'polymarket_same') = (kalshi_ticker IS NULL)"
    "     AND (kalshi_ticker IS NULL) = (kalshi_price IS NULL AND kalshi_cost IS NULL AND kalshi_fee IS NULL)),"
    "  CHECK ((direction = 'kalshi_same') = (polymarket_token_id IS NULL)"
    "     AND (polymarket_token_id IS NULL) = (polymarket_price IS NULL AND polymarket_cost IS NULL"
    "                                          AND polymarket_fee IS NULL)));"
    "INSERT INTO opportunities SELECT * FROM temp.opportunities_m6;"
    "DROP TABLE temp.opportunities_m6;"
    "CREATE INDEX opportunities_match ON opportunities(match_id, ts_ns);";

/* 7: live execution. An order's delivered quantity (what the account holds from its fills: a
 * Polymarket buy's fee is withheld in shares) and cash (how much the venue's cash balance went
 * down for it, fees included; negative for a sale), so pmarb's view of each venue's cash is
 * its balance at the start minus Σ cash. pair_halts: pairs taken out of trading after repeated
 * one-legged fills, until a person clears them (`pmarb pairs clear-halt`). */
static const char m7_live_execution[] =
    "ALTER TABLE orders ADD COLUMN delivered_qty INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE orders ADD COLUMN cash INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE pair_halts ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  match_id TEXT NOT NULL REFERENCES market_matches(id),"
    "  reason TEXT NOT NULL,"
    "  created_ns INTEGER NOT NULL,"
    "  cleared_ns INTEGER,"                     /* NULL while the pair is halted */
    "  cleared_by TEXT);"
    "CREATE INDEX pair_halts_open ON pair_halts(match_id) WHERE cleared_ns IS NULL;";

const pm_migration pm_migrations[] = {
    {1, "seed schema: markets, market_matches", m1_seed},
    {2, "market details, match polarity and review fields", m2_market_details},
    {3, "trading records: opportunities, orders, fills, positions, events", m3_trading},
    {4, "Polymarket market details: Gamma id, protocol version, outcome names, fee schedule, order flags",
     m4_polymarket_details},
    {5, "matcher memory: LLM answer cache, content hashes each match was judged on", m5_match_memory},
    {6, "same-venue opportunities: directions kalshi_same / polymarket_same, the other venue's columns NULL",
     m6_same_venue},
    {7, "live execution: orders' delivered quantity and cash, pair halts", m7_live_execution},
};
const int pm_migration_count = (int)(sizeof pm_migrations / sizeof pm_migrations[0]);
