// poly_clob_session.mjs — faithfulness check: the official @polymarket/clob-client-v2 with an
// ethers 5 Wallet, unmodified apart from its host (the simulator's CLOB URL, chain 137), creates
// (or derives) an API key, reads a market and its order book, then creates, signs and posts a
// market (FOK) buy that must fill, a resting GTC buy that it reads back and cancels, a market
// sell of part of the shares, and a batch of two orders cancelled together; reads its balances. Prints one JSON line of what it saw; exits non-zero on any client error.
//   node poly_clob_session.mjs CLOB_URL GAMMA_URL PRIVATE_KEY
import { AssetType, ClobClient, OrderType, Side } from '@polymarket/clob-client-v2';
import { Wallet } from 'ethers';

const [host, gamma, privateKey] = process.argv.slice(2);
const signer = new Wallet(privateKey);
try {
  const creds = await new ClobClient({ host, chain: 137, signer }).createOrDeriveApiKey();
  const derived = await new ClobClient({ host, chain: 137, signer }).deriveApiKey();
  const client = new ClobClient({ host, chain: 137, signer, creds, throwOnError: true });

  const markets = await (await fetch(`${gamma}/markets?limit=100&active=true&closed=false`)).json();
  const market = markets.find((m) => !m.negRisk && m.version === 'v1' && m.feesEnabled && m.acceptingOrders &&
    m.orderPriceMinTickSize === 0.01);
  const [yes] = JSON.parse(market.clobTokenIds);
  const info = await client.getClobMarketInfo(market.conditionId);
  const book = await client.getOrderBook(yes);
  const before = await client.getBalanceAllowance({ asset_type: AssetType.COLLATERAL });

  // a $5 market buy, its worst price three ticks through the best ask (the book keeps moving);
  // the client signs it for the V2 CTF exchange
  const bestAsk = Math.min(...book.asks.map((l) => Number(l.price)));
  const worst = Math.min(0.99, Math.round((bestAsk + 0.03) * 100) / 100);
  const filled = await client.createAndPostMarketOrder({ tokenID: yes, amount: 5, side: Side.BUY, price: worst },
    undefined, OrderType.FOK);
  const trades = await client.getTrades({ id: filled.tradeIDs[0] });
  const afterBuy = await client.getBalanceAllowance({ asset_type: AssetType.COLLATERAL });
  const shares = await client.getBalanceAllowance({ asset_type: AssetType.CONDITIONAL, token_id: yes });

  // a limit buy far below the book rests; read it back, then cancel it
  const resting = await client.createAndPostOrder({ tokenID: yes, price: 0.01, size: 10, side: Side.BUY }, undefined,
    OrderType.GTC);
  const order = await client.getOrder(resting.orderID);
  const open = await client.getOpenOrders({ market: market.conditionId });
  const cancelled = await client.cancelOrder({ orderID: resting.orderID });
  const openAfter = await client.getOpenOrders({ market: market.conditionId });

  // sell 5 of the shares back at the market, its worst price three ticks under the best bid
  const bids = (await client.getOrderBook(yes)).bids.map((l) => Number(l.price));
  const floor = Math.max(0.01, Math.round((Math.max(...bids) - 0.03) * 100) / 100);
  const sold = await client.createAndPostMarketOrder({ tokenID: yes, amount: 5, side: Side.SELL, price: floor },
    undefined, OrderType.FOK);
  const afterSell = await client.getBalanceAllowance({ asset_type: AssetType.COLLATERAL });
  const sharesAfterSell = await client.getBalanceAllowance({ asset_type: AssetType.CONDITIONAL, token_id: yes });

  // a batch of two resting orders, cancelled together; then cancel-all finds nothing left
  const batch = await client.postOrders([
    { order: await client.createOrder({ tokenID: yes, price: 0.01, size: 10, side: Side.BUY }), orderType: OrderType.GTC },
    { order: await client.createOrder({ tokenID: yes, price: 0.02, size: 10, side: Side.BUY }), orderType: OrderType.GTC },
  ]);
  const batchCancelled = await client.cancelOrders(batch.map((r) => r.orderID));
  const cancelAll = await client.cancelAll();

  console.log(JSON.stringify({
    key_length: creds.key.length, secret_length: creds.secret.length, passphrase_length: creds.passphrase.length,
    derived_same: derived.key === creds.key && derived.secret === creds.secret && derived.passphrase === creds.passphrase,
    market_tick: info.mts, book_market: book.market === market.conditionId, bids: book.bids.length, asks: book.asks.length,
    balance_before: before.balance,
    filled: { success: filled.success, status: filled.status, making: filled.makingAmount, taking: filled.takingAmount,
      trades: filled.tradeIDs.length, hashes: filled.transactionsHashes.length, order_id_length: filled.orderID.length },
    trade: { taker_order: trades[0].taker_order_id === filled.orderID, side: trades[0].side, status: trades[0].status },
    balance_after_buy: afterBuy.balance, shares: shares.balance,
    resting: { status: resting.status, order_status: order.status, order_size: order.original_size, open: open.length,
      canceled: cancelled.canceled.length === 1 && cancelled.canceled[0] === resting.orderID, open_after: openAfter.length },
    sold: { status: sold.status, making: sold.makingAmount, taking: sold.takingAmount },
    balance_after_sell: afterSell.balance, shares_after_sell: sharesAfterSell.balance,
    batch: batch.map((r) => r.status), batch_cancelled: batchCancelled.canceled.length, cancel_all: cancelAll.canceled.length,
  }));
} catch (e) {
  console.error('client call failed:', e.status ?? '', e.message, e.data ? JSON.stringify(e.data) : '');
  process.exit(1);
}
