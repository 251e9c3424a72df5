import { createHash, timingSafeEqual } from 'node:crypto';

type Scalar = string | number | boolean;

const isScalar = (value: unknown): value is Scalar =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

// The bank sorts keys "по алфавиту"; byte order of the UTF-8 keys is the one reading that is not locale-dependent.
const byKeyBytes = ([a]: readonly [string, string], [b]: readonly [string, string]): number =>
  Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/**
 * The signature T-Bank requires on every request and puts on every notification («Подпись запроса»): the root-level
 * scalar values plus `Password`, ordered by key, concatenated without separators, SHA-256, lowercase hex.
 * Nested objects and arrays (DATA, Receipt) are not signed — the bank's rule — so nothing read from them can be
 * trusted. Only values are hashed, not keys: where one value ends and the next begins is not signed either.
 */
export function tbankToken(params: Readonly<Record<string, unknown>>, password: string): string {
  const pairs: [string, string][] = [];
  for (const [key, value] of Object.entries(params)) {
    // A `Password` inside the params would stand in for ours; the terminal's password is the only one signed.
    if (key === 'Token' || key === 'Password' || !isScalar(value)) continue;
    pairs.push([key, String(value)]);
  }
  pairs.push(['Password', password]);
  pairs.sort(byKeyBytes);
  return createHash('sha256').update(pairs.map(([, value]) => value).join(''), 'utf8').digest('hex');
}

/** True when `body.Token` is the token of `body` under `password`. Compares in constant time; never throws. */
export function verifyTbankToken(body: Readonly<Record<string, unknown>>, password: string): boolean {
  const given = body['Token'];
  if (typeof given !== 'string') return false;
  const expected = Buffer.from(tbankToken(body, password), 'utf8');
  const actual = Buffer.from(given, 'utf8');
  // timingSafeEqual throws on unequal lengths; the length of a hex SHA-256 is public anyway.
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
