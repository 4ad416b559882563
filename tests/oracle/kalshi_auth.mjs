// kalshi_auth.mjs — oracle for pmarb's Kalshi signing tests, using the official SDK's KalshiAuth.
//   node kalshi_auth.mjs sign   PEM_FILE KEY_ID METHOD PATH  → prints the SDK's three headers as JSON
//   node kalshi_auth.mjs verify PEM_FILE MESSAGE SIGNATURE   → exit 0 if the RSA-PSS signature verifies
import { readFileSync } from 'node:fs';
import * as crypto from 'node:crypto';
import { KalshiAuth } from 'kalshi-typescript/dist/auth.js';

const [op, pemFile, a, b, c] = process.argv.slice(2);
const pem = readFileSync(pemFile, 'utf8');
if (op === 'sign') {
  const auth = new KalshiAuth(a, pem);
  process.stdout.write(JSON.stringify(auth.generateAuthHeaders(b, c)) + '\n');
} else if (op === 'verify') {
  const ok = crypto.verify('sha256', Buffer.from(a), {
    key: crypto.createPublicKey(pem),
    padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
    saltLength: crypto.constants.RSA_PSS_SALTLEN_DIGEST,
  }, Buffer.from(b, 'base64'));
  process.exit(ok ? 0 : 1);
} else {
  console.error('usage: kalshi_auth.mjs sign|verify ...');
  process.exit(2);
}
