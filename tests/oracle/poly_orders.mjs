// poly_orders.mjs — oracle for pmarb's Polymarket order signing and L2 HMAC tests, using the
// official @polymarket/clob-client-v2 unmodified.
//   node poly_orders.mjs orders CASES_FILE  → one JSON line per case (a JSON line each in the file)
//   node poly_orders.mjs hmac CASES_FILE    → one JSON line {"POLY_SIGNATURE": …} per case
//   node poly_orders.mjs verify CASES_FILE  → per order case carrying pmarb's "signature": the address
//                                              ethers recovers from it over the client's typed data
//
// orders: each case runs through the client's own public path — ClobClient.createOrder (limit) or
// createMarketOrder (FOK/FAK), then postOrder — with the client's caches filled (tick size,
// neg-risk, fee info, builder fee) so it needs no network, and its HTTP post replaced by a capture
// of the exact body and headers it would send. Date.now is pinned to the case's timestamp and
// Math.random to salt / timestamp, so the client's own salt and timestamp code yield the case's
// values (checked). A second result ("fromAmounts") signs pmarb's amounts through the client's
// lower-level ExchangeOrderBuilderV2/V3 (whose salt generator is a constructor argument) and
// orderToJsonV2: it pins hash, signature and body where pmarb deliberately differs in amounts.
import { readFileSync } from 'node:fs';
import { Wallet, utils } from 'ethers';
import { ClobClient, getContractConfig, orderToJsonV2, createL2Headers } from '@polymarket/clob-client-v2';
// not exported by the package's entry point: imported by file (the same module instance the client uses)
import { ExchangeOrderBuilderV2, ExchangeOrderBuilderV3 } from
  './node_modules/@polymarket/clob-client-v2/dist/order-utils/exchangeOrderBuilderV2.js';

const [op, file] = process.argv.slice(2);
const cases = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
const realNow = Date.now, realRandom = Math.random;
// funders arrive in lower case; users hand the client the checksummed form (ethers' getAddress)
for (const c of cases) if (c.funder) c.funder = utils.getAddress(c.funder);
const zero32 = '0x' + '0'.repeat(64);

function exchangeFor(c) {
  const cfg = getContractConfig(c.chainId);
  if (c.version === 3) return { address: cfg.exchangeV3, Builder: ExchangeOrderBuilderV3 };
  return { address: c.negRisk ? cfg.negRiskExchangeV2 : cfg.exchangeV2, Builder: ExchangeOrderBuilderV2 };
}

async function viaClient(c, wallet) {
  const client = new ClobClient({
    host: 'http://127.0.0.1:9', chain: c.chainId, signer: wallet,
    creds: { key: c.owner, secret: c.secret, passphrase: c.passphrase },
    signatureType: c.signatureType, funderAddress: c.funder ?? undefined,
  });
  client.tickSizes[c.tokenId] = c.tickSize;
  client.negRisk[c.tokenId] = c.negRisk;
  client.feeInfos[c.tokenId] = { rate: 0, exponent: 0 };
  if (c.builder !== zero32) client.builderFeeRates[c.builder] = { maker: 0, taker: 0 };
  let captured;
  client.post = async (endpoint, options) => { captured = { endpoint, options }; return { success: true }; };
  Date.now = () => c.timestampMs;
  Math.random = () => c.salt / c.timestampMs;
  try {
    const options = { tickSize: c.tickSize, negRisk: c.negRisk, version: c.version };
    const extra = {};
    if (c.builder !== zero32) extra.builderCode = c.builder;
    if (c.metadata !== zero32) extra.metadata = c.metadata;
    let order;
    if (c.orderType === 'FOK' || c.orderType === 'FAK') {
      order = await client.createMarketOrder({ tokenID: c.tokenId, side: c.side, amount: Number(c.sizeOrAmount),
        price: Number(c.price), orderType: c.orderType, ...extra }, options);
    } else {
      const o = { tokenID: c.tokenId, side: c.side, price: Number(c.price), size: Number(c.sizeOrAmount), ...extra };
      if (c.expiration !== '0') o.expiration = Number(c.expiration);
      order = await client.createOrder(o, options);
    }
    await client.postOrder(order, c.orderType, c.postOnly, c.deferExec);
  } finally {
    Date.now = realNow;
    Math.random = realRandom;
  }
  const body = JSON.stringify(captured.options.data); // what axios sends, and what the HMAC covered
  const sent = captured.options.data.order;
  if (sent.salt !== c.salt) throw new Error(`case ${c.id}: salt ${sent.salt} is not ${c.salt}`);
  const { address, Builder } = exchangeFor(c);
  const b = new Builder(address, c.chainId, wallet);
  const hash = b.buildOrderHash(b.buildOrderTypedData({ ...sent, salt: String(sent.salt) }));
  return { endpoint: captured.endpoint.replace(/^http:\/\/127\.0\.0\.1:9/, ''), body, hash,
           makerAmount: sent.makerAmount, takerAmount: sent.takerAmount, headers: captured.options.headers };
}

async function fromAmounts(c, wallet) {
  const { address, Builder } = exchangeFor(c);
  const b = new Builder(address, c.chainId, wallet, () => String(c.salt));
  const eoa = await wallet.getAddress();
  const maker = c.funder ?? eoa;
  const order = await b.buildSignedOrder({
    maker, signer: c.signatureType === 3 ? maker : eoa, tokenId: c.tokenId,
    makerAmount: c.pmarbMakerAmount, takerAmount: c.pmarbTakerAmount, side: c.side, signatureType: c.signatureType,
    timestamp: String(c.timestampMs), metadata: c.metadata, builder: c.builder, expiration: c.expiration,
  });
  const body = JSON.stringify(orderToJsonV2(order, c.owner, c.orderType, c.postOnly, c.deferExec));
  return { body, hash: b.buildOrderHash(b.buildOrderTypedData(order)) };
}

if (op === 'orders') {
  for (const c of cases) {
    const wallet = new Wallet(c.key);
    let client;
    try {
      client = await viaClient(c, wallet);
    } catch (e) {
      client = { error: String(e.message ?? e) };
    }
    const low = await fromAmounts(c, wallet);
    process.stdout.write(JSON.stringify({ id: c.id, client, fromAmounts: low }) + '\n');
  }
} else if (op === 'verify') {
  // signatures made with prepared (random) nonces: not the client's bytes, but they must verify
  // over the client's own typed data (for POLY_1271, the inner signature over the TypedDataSign
  // envelope, whose remaining bytes must be the client's)
  for (const c of cases) {
    const { address, Builder } = exchangeFor(c);
    const wallet = new Wallet(c.key);
    const eoa = await wallet.getAddress();
    const maker = c.funder ?? eoa;
    const order = { salt: String(c.salt), maker, signer: c.signatureType === 3 ? maker : eoa, tokenId: c.tokenId,
      makerAmount: c.pmarbMakerAmount, takerAmount: c.pmarbTakerAmount, side: c.side, signatureType: c.signatureType,
      timestamp: String(c.timestampMs), metadata: c.metadata, builder: c.builder, expiration: c.expiration };
    const b = new Builder(address, c.chainId, wallet, () => String(c.salt));
    const td = b.buildOrderTypedData(order);
    const hash = b.buildOrderHash(td);
    delete td.types.EIP712Domain;
    let recovered, tailMatches = true;
    if (c.signatureType !== 3) {
      recovered = utils.verifyTypedData(td.domain, td.types, td.message, c.signature);
    } else {
      const official = await b.buildOrderSignature(b.buildOrderTypedData(order));
      tailMatches = official.slice(132) === c.signature.slice(132);
      const types = { TypedDataSign: [{ name: 'contents', type: 'Order' }, { name: 'name', type: 'string' },
        { name: 'version', type: 'string' }, { name: 'chainId', type: 'uint256' },
        { name: 'verifyingContract', type: 'address' }, { name: 'salt', type: 'bytes32' }], Order: td.types.Order };
      recovered = utils.verifyTypedData(td.domain, types, { contents: td.message, name: 'DepositWallet', version: '1',
        chainId: c.chainId, verifyingContract: order.signer, salt: zero32 }, c.signature.slice(0, 132));
    }
    process.stdout.write(JSON.stringify({ id: c.id, hash, recovered, eoa, tailMatches }) + '\n');
  }
} else if (op === 'hmac') {
  for (const c of cases) {
    const wallet = new Wallet(c.key);
    const args = { method: c.method, requestPath: c.path };
    if (c.body !== null) args.body = c.body;
    const h = await createL2Headers(wallet, { key: c.apiKey, secret: c.secret, passphrase: c.passphrase }, args, c.timestamp);
    process.stdout.write(JSON.stringify(h) + '\n');
  }
} else {
  console.error('usage: poly_orders.mjs orders|hmac|verify CASES_FILE');
  process.exit(2);
}
