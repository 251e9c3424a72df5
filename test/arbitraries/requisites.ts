import fc from 'fast-check';
import { withControlKey } from '../../core/orgs/requisites.calc.ts';

/**
 * fast-check arbitraries for valid Russian requisites. The INN and OGRN check digits are computed here on their own
 * (not with the validators under test), so a property that feeds these to the validators checks one implementation
 * against another.
 */

const digitString = (length: number): fc.Arbitrary<string> =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length }).map((ds) => ds.join(''));

const checkDigit = (body: string, weights: readonly number[], modulus: number): string => {
  let sum = 0;
  for (let i = 0; i < weights.length; i += 1) sum += Number(body[i]) * (weights[i] ?? 0);
  return String((sum % modulus) % 10);
};

// First two digits are a region code, never 00.
const innHead = fc.integer({ min: 1, max: 99 }).map((region) => String(region).padStart(2, '0'));

export const validInn10: fc.Arbitrary<string> = fc
  .tuple(innHead, digitString(7))
  .map(([head, rest]) => head + rest)
  .map((body) => body + checkDigit(body, [2, 4, 10, 3, 5, 9, 4, 6, 8], 11));

export const validInn12: fc.Arbitrary<string> = fc
  .tuple(innHead, digitString(8))
  .map(([head, rest]) => head + rest)
  .map((body) => body + checkDigit(body, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8], 11))
  .map((body) => body + checkDigit(body, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8], 11));

const withModCheck = (body: string, modulus: bigint): string => body + String((BigInt(body) % modulus) % 10n);

export const validOgrn13: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('1', '5'), digitString(11))
  .map(([kind, rest]) => withModCheck(kind + rest, 11n));

export const validOgrn15: fc.Arbitrary<string> = digitString(13).map((rest) => withModCheck(`3${rest}`, 13n));

/** Both kinds of BIK: a credit organisation (digits 7–9 from 050) and a Bank of Russia institution (000–002). */
export const validBik: fc.Arbitrary<string> = fc
  .tuple(
    digitString(4),
    fc.oneof(
      fc.integer({ min: 50, max: 999 }).map((n) => String(n).padStart(3, '0')),
      fc.constantFrom('000', '001', '002'),
    ),
  )
  .map(([region, tail]) => `04${region}${tail}`);

export const validAccountFor = (bik: string): fc.Arbitrary<string> =>
  digitString(20).map((account) => withControlKey(account, bik));
