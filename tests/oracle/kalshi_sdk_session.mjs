// kalshi_sdk_session.mjs — faithfulness check: the official kalshi-typescript SDK, unmodified
// apart from its base path, lists markets, reads an order book, places a V2 order and cancels it
// against `pmarb sim`. Prints one JSON line of what it saw; exits non-zero on any SDK error.
//   node kalshi_sdk_session.mjs BASE_PATH KEY_ID PRIVATE_KEY_PEM_FILE
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { Configuration, MarketApi, OrdersApi, PortfolioApi } from 'kalshi-typescript';

const [basePath, apiKey, pemFile] = process.argv.slice(2);
const config = new Configuration({ apiKey, privateKeyPem: readFileSync(pemFile, 'utf8'), basePath });
try {
  const market = new MarketApi(config);
  const listed = await market.getMarkets(100, undefined, undefined, undefined, undefined, undefined, undefined,
    undefined, undefined, undefined, undefined, 'open');
  const ticker = listed.data.markets[0].ticker;
  const book = await market.getMarketOrderbook(ticker);
  const orders = new OrdersApi(config);
  const clientOrderId = randomUUID();
  const created = await orders.createOrderV2({
    ticker, side: 'bid', price: '0.0300', count: '2.00', time_in_force: 'good_till_canceled',
    self_trade_prevention_type: 'taker_at_cross', client_order_id: clientOrderId,
  });
  const fetched = await orders.getOrder(created.data.order_id);
  const cancelled = await orders.cancelOrderV2(created.data.order_id, undefined, undefined, ticker);
  const balance = await new PortfolioApi(config).getBalance();
  console.log(JSON.stringify({
    markets: listed.data.markets.length, cursor: listed.data.cursor, ticker,
    yes_levels: book.data.orderbook_fp.yes_dollars.length, no_levels: book.data.orderbook_fp.no_dollars.length,
    order_id: created.data.order_id, client_order_id: created.data.client_order_id,
    remaining: created.data.remaining_count, status: fetched.data.order.status,
    reduced_by: cancelled.data.reduced_by, balance_dollars: balance.data.balance_dollars,
  }));
} catch (e) {
  console.error('SDK call failed:', e.response ? `${e.response.status} ${JSON.stringify(e.response.data)}` : e.message);
  process.exit(1);
}
