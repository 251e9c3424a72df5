import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LINK_PURPOSES, linkKey, signLink, signPaymentRef, verifyLink, verifyPaymentRef } from './pay-link.calc.ts';
import type { LinkClaims } from './pay-link.calc.ts';

const RUNS = process.env.FULL === '1' ? 10_000 : 1_000;
const TIMEOUT = process.env.FULL === '1' ? 600_000 : undefined;

const SECRET = 'test-secret-of-a-reasonable-length';
const KID = 7;
const key = linkKey(SECRET, KID);
const onlyKid7 = (kid: number) => (kid === KID ? key : undefined);
// Offers a key for every kid, so a mutated kid reaches the MAC check instead of stopping at «unknownKey».
const anyKid = (kid: number) => linkKey(SECRET, kid);

const NOW = new Date('2026-03-01T12:00:00Z');
const claims: LinkClaims = {
  kid: KID,
  orgId: '0f8e4a52-6a0b-4c1e-9d2b-3f4a5b6c7d8e',
  purpose: 'account',
  subjectId: '5b2c9d1e-7f3a-4b8c-a1d2-e3f4a5b6c7d8',
  expiresAt: new Date('2026-04-01T00:00:00Z'),
};
const token = signLink(claims, key);
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('signed payment links', () => {
  it('reads back the claims it signed', () => {
    expect(verifyLink(token, onlyKid7, NOW)).toEqual({ ok: true, value: claims });
  });

  it('reads back a plate link with no subject and a collector link with one', () => {
    for (const c of [{ ...claims, purpose: 'plate', subjectId: null }, { ...claims, purpose: 'collector' }] as const) {
      expect(verifyLink(signLink(c, key), onlyKid7, NOW)).toEqual({ ok: true, value: c });
    }
  });

  it('makes URL-safe tokens of at most 80 characters', () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(encodeURIComponent(token)).toBe(token);
    expect(token.length).toBeLessThanOrEqual(80);
  });

  it('refuses every single-bit flip of the signed bytes', () => {
    const bytes = Buffer.from(token, 'base64url');
    for (let i = 0; i < bytes.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const flipped = Buffer.from(bytes);
        flipped[i]! ^= 1 << bit;
        const result = verifyLink(flipped.toString('base64url'), anyKid, NOW);
        expect(result.ok, `byte ${i} bit ${bit}`).toBe(false);
        // organisation, subject, expiry and MAC are covered by the MAC alone, so they must read as forged
        if (i >= 4) expect(result, `byte ${i} bit ${bit}`).toEqual({ ok: false, error: 'forged' });
      }
    }
  });

  it('refuses every single-character change of the token, the spare bits of the last one included', () => {
    for (let i = 0; i < token.length; i++) {
      for (const c of BASE64URL) {
        if (c === token[i]) continue;
        const changed = token.slice(0, i) + c + token.slice(i + 1);
        expect(verifyLink(changed, anyKid, NOW).ok, `${i}: ${c}`).toBe(false);
      }
    }
  });

  it('calls a token signed with another key forged', () => {
    const other = linkKey('another-secret-of-a-reasonable-length', KID);
    expect(verifyLink(signLink(claims, other), onlyKid7, NOW)).toEqual({ ok: false, error: 'forged' });
  });

  it('opens until the second before expiry and is expired from that instant', () => {
    expect(verifyLink(token, onlyKid7, new Date(claims.expiresAt.getTime() - 1)).ok).toBe(true);
    expect(verifyLink(token, onlyKid7, claims.expiresAt)).toEqual({ ok: false, error: 'expired' });
    expect(verifyLink(token, onlyKid7, new Date('2030-01-01'))).toEqual({ ok: false, error: 'expired' });
  });

  it('calls an expired token with a bad MAC forged, so forging learns nothing about expiry', () => {
    const other = linkKey('another-secret-of-a-reasonable-length', KID);
    expect(verifyLink(signLink(claims, other), onlyKid7, new Date('2030-01-01'))).toEqual({ ok: false, error: 'forged' });
  });

  it('treats an invalid clock reading as expired rather than open', () => {
    expect(verifyLink(token, onlyKid7, new Date(Number.NaN))).toEqual({ ok: false, error: 'expired' });
  });

  it('refuses a retired key id as unknown', () => {
    expect(verifyLink(token, () => undefined, NOW)).toEqual({ ok: false, error: 'unknownKey' });
    expect(verifyLink(signLink({ ...claims, kid: 8 }, linkKey(SECRET, 8)), onlyKid7, NOW)).toEqual({ ok: false, error: 'unknownKey' });
  });

  it('derives a different key for every kid and every secret', () => {
    expect(linkKey(SECRET, 1).equals(linkKey(SECRET, 2))).toBe(false);
    expect(linkKey(SECRET, 1).equals(linkKey(`${SECRET}x`, 1))).toBe(false);
    expect(linkKey(SECRET, 1)).toHaveLength(32);
  });

  it('calls empty, short, long and non-base64url strings malformed', () => {
    for (const bad of ['', 'x', token.slice(1), `${token}A`, `${token.slice(0, 40)}+${token.slice(41)}`, `${token.slice(0, 74)}=`, ` ${token.slice(1)}`]) {
      expect(verifyLink(bad, anyKid, NOW)).toEqual({ ok: false, error: 'malformed' });
    }
  });

  it('will not sign an account link without a subject, a plate link with one, or claims out of range', () => {
    expect(() => signLink({ ...claims, subjectId: null }, key)).toThrow(/needs/);
    expect(() => signLink({ ...claims, purpose: 'collector', subjectId: null }, key)).toThrow(/needs/);
    expect(() => signLink({ ...claims, purpose: 'plate' }, key)).toThrow(/takes no/);
    expect(() => signLink({ ...claims, subjectId: '00000000-0000-0000-0000-000000000000' }, key)).toThrow(/nil/);
    expect(() => signLink({ ...claims, orgId: 'org-1' }, key)).toThrow(/UUID/);
    expect(() => signLink({ ...claims, kid: 65_536 }, key)).toThrow(/kid/);
    expect(() => signLink({ ...claims, expiresAt: new Date('2107-01-01') }, key)).toThrow(/expiresAt/);
    expect(() => signLink(claims, Buffer.alloc(0))).toThrow(/key/);
  });
});

describe('signed payment links, properties', () => {
  const wholeSeconds = fc.integer({ min: 1, max: 0xffff_ffff }).map((s) => new Date(s * 1000));
  const claimsArb: fc.Arbitrary<LinkClaims> = fc
    .record({ kid: fc.integer({ min: 0, max: 0xffff }), orgId: fc.uuid(), purpose: fc.constantFrom(...LINK_PURPOSES), subject: fc.uuid(), expiresAt: wholeSeconds })
    .map(({ subject, ...c }) => ({ ...c, subjectId: c.purpose === 'plate' ? null : subject }));

  it('reads back any claims it signed, before they expire', () => {
    fc.assert(
      fc.property(claimsArb, (c) => {
        const k = linkKey(SECRET, c.kid);
        expect(verifyLink(signLink(c, k), () => k, new Date(0))).toEqual({ ok: true, value: c });
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it('accepts no random string and never throws', () => {
    const strings = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.stringMatching(/^[A-Za-z0-9_-]{70,80}$/));
    fc.assert(
      fc.property(strings, (s) => {
        expect(verifyLink(s, anyKid, NOW).ok).toBe(false);
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it('calls any well-formed token with a MAC it did not make forged', () => {
    const body = fc.tuple(fc.integer({ min: 0, max: 2 }), fc.uint8Array({ minLength: 52, maxLength: 52 }));
    fc.assert(
      fc.property(body, ([purpose, rest]) => {
        const bytes = Buffer.concat([Buffer.from([1, 0, KID, purpose]), rest]);
        if (purpose === 1) bytes.fill(0, 20, 36); // a plate link has no subject
        fc.pre(purpose === 1 || !bytes.subarray(20, 36).equals(Buffer.alloc(16)));
        expect(verifyLink(bytes.toString('base64url'), onlyKid7, NOW)).toEqual({ ok: false, error: 'forged' });
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it('accepts none of many random mutations of a valid token', () => {
    const position = fc.nat({ max: token.length - 1 });
    const char = fc.constantFrom(...BASE64URL);
    const mutation = fc.oneof(
      fc.tuple(position, char).map(([i, c]) => token.slice(0, i) + c + token.slice(i + 1)),
      fc.tuple(position, char).map(([i, c]) => token.slice(0, i) + c + token.slice(i)),
      position.map((i) => token.slice(0, i) + token.slice(i + 1)),
      fc.tuple(position, position).map(([i, j]) => swap(token, i, j)),
      fc.array(fc.tuple(position, char), { minLength: 2, maxLength: 8 }).map((edits) => edits.reduce((t, [i, c]) => t.slice(0, i) + c + t.slice(i + 1), token)),
    );
    let accepted = 0;
    fc.assert(
      fc.property(mutation, (mutated) => {
        fc.pre(mutated !== token);
        if (verifyLink(mutated, anyKid, NOW).ok) accepted++;
      }),
      { numRuns: RUNS },
    );
    expect(accepted).toBe(0);
  }, TIMEOUT);
});

function swap(text: string, i: number, j: number): string {
  const chars = [...text];
  [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  return chars.join('');
}

describe('payment status references', () => {
  const refKey = linkKey(SECRET, 1);
  const paymentId = '9d3c1b2a-4e5f-4a6b-8c7d-0e1f2a3b4c5d';

  it('accepts the reference it made, for that payment only', () => {
    const ref = signPaymentRef(paymentId, refKey);
    expect(ref).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(verifyPaymentRef(paymentId, ref, refKey)).toBe(true);
    expect(verifyPaymentRef('9d3c1b2a-4e5f-4a6b-8c7d-0e1f2a3b4c5e', ref, refKey)).toBe(false);
    expect(verifyPaymentRef(paymentId, ref, linkKey(SECRET, 2))).toBe(false);
  });

  it('refuses every other character in every position, and odd lengths, without throwing', () => {
    const ref = signPaymentRef(paymentId, refKey);
    for (let i = 0; i < ref.length; i++) {
      for (const c of BASE64URL) if (c !== ref[i]) expect(verifyPaymentRef(paymentId, ref.slice(0, i) + c + ref.slice(i + 1), refKey)).toBe(false);
    }
    for (const bad of ['', ref.slice(1), `${ref}A`, `${ref.slice(0, 15)}=`, `${ref.slice(0, 15)}+`]) expect(verifyPaymentRef(paymentId, bad, refKey)).toBe(false);
  });
});
