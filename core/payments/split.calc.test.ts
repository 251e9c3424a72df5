import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kopecks } from '../shared/index.ts';
import { SPLIT_RULES, SPLIT_TIE_RULE, splitPayment, splitRefund } from './split.calc.ts';
import type { CoverTarget, DebtKind, DebtLine, SplitInput, SplitPart, SplitRule } from './split.calc.ts';

const RUNS = process.env.FULL === '1' ? 100_000 : 1_000;
const TIMEOUT = process.env.FULL === '1' ? 1_200_000 : undefined;

// Codes sort differently from ids, so a test notices which of the two the canonical order uses.
const CODES: Record<string, string> = { heat: '01', water: '02', gas: '03', s1: '16', s2: '15', s3: '14', s4: '13', s5: '12', s6: '11' };
const RECIPIENTS: Record<string, string> = { heat: 'tgk', water: 'vodokanal', gas: 'gorgaz', s1: 'r1', s2: 'r2', s3: 'r3', s4: 'r1', s5: 'r2', s6: 'r3' };

const line = (serviceId: string, period: string, amount: number, kind: DebtKind = 'principal'): DebtLine => ({
  serviceId, serviceCode: CODES[serviceId] ?? serviceId, recipientId: RECIPIENTS[serviceId] ?? 'uk', period, kind, amount: kopecks(amount),
});

const split = (amount: number, lines: readonly DebtLine[], rule: SplitRule, more: Partial<SplitInput> = {}): SplitPart[] =>
  splitPayment({ amount: kopecks(amount), lines, rule, advanceBasis: [], fallbackRecipientId: 'uk', ...more });

/** [service or recipient, period, kind, amount, reason]: what the admin's proof of split shows. */
const brief = (parts: readonly SplitPart[]) => parts.map((p) => [p.serviceId ?? p.recipientId, p.period, p.kind, p.amount, p.reason]);

describe('splitPayment, worked examples', () => {
  it('pays March before April under oldest first, sharing the last month by debt', () => {
    const lines = [line('water', '2024-04', 500), line('heat', '2024-04', 1_000), line('heat', '2024-03', 1_000)];
    // April gets 200 over 1 000 : 500 → 133.3 and 66.7: the larger remainder takes the odd kopeck
    expect(brief(split(1_200, lines, 'oldestFirst'))).toEqual([
      ['heat', '2024-03', 'principal', 1_000, 'oldestFirst'],
      ['heat', '2024-04', 'principal', 133, 'oldestFirst'],
      ['water', '2024-04', 'principal', 67, 'oldestFirst'],
    ]);
  });

  it('leaves a penalty untouched until the principal is paid, unless the payer names it', () => {
    const lines = [line('heat', '2024-03', 100, 'penalty'), line('heat', '2024-03', 1_000), line('water', '2024-03', 500)];
    expect(brief(split(1_500, lines, 'proportional'))).toEqual([
      ['heat', '2024-03', 'principal', 1_000, 'proportional'],
      ['water', '2024-03', 'principal', 500, 'proportional'],
    ]);
    expect(brief(split(1_550, lines, 'proportional')).at(1)).toEqual(['heat', '2024-03', 'penalty', 50, 'penaltyLast']);
    expect(brief(split(150, lines, 'proportional', { cover: [{ serviceId: 'heat', kind: 'penalty' }] }))).toEqual([
      ['heat', '2024-03', 'principal', 33, 'proportional'],
      ['heat', '2024-03', 'penalty', 100, 'covered'],
      ['water', '2024-03', 'principal', 17, 'proportional'],
    ]);
  });

  it('pays the service the payer chose first, and only the period named when one is', () => {
    const lines = [line('heat', '2024-03', 1_000), line('water', '2024-03', 500), line('water', '2024-04', 500)];
    expect(brief(split(1_100, lines, 'proportional', { cover: [{ serviceId: 'water' }] }))).toEqual([
      ['heat', '2024-03', 'principal', 100, 'proportional'],
      ['water', '2024-03', 'principal', 500, 'covered'],
      ['water', '2024-04', 'principal', 500, 'covered'],
    ]);
    expect(brief(split(600, lines, 'oldestFirst', { cover: [{ serviceId: 'water', period: '2024-04' }] }))).toEqual([
      ['heat', '2024-03', 'principal', 67, 'oldestFirst'],
      ['water', '2024-03', 'principal', 33, 'oldestFirst'],
      ['water', '2024-04', 'principal', 500, 'covered'],
    ]);
  });

  it('shares 70/30 under fixed shares and re-pours what a capped service cannot take', () => {
    const lines = [line('heat', '2024-03', 10_000), line('water', '2024-03', 1_000), line('gas', '2024-03', 1_000)];
    const shares = { heat: 70, water: 30 };
    // 5 000 → 3 500 / 1 500, water owes only 1 000: its 500 goes back to heat; gas has no share and waits
    expect(brief(split(5_000, lines, 'fixedShares', { shares }))).toEqual([
      ['heat', '2024-03', 'principal', 4_000, 'fixedShare'],
      ['water', '2024-03', 'principal', 1_000, 'fixedShare'],
    ]);
    expect(brief(split(11_500, lines, 'fixedShares', { shares })).at(2)).toEqual(['gas', '2024-03', 'principal', 500, 'proportional']);
  });

  it('gives a fixed share per service, however many months it owes, and falls back to proportional without shares', () => {
    const lines = [line('heat', '2024-03', 5_000), line('heat', '2024-04', 5_000), line('water', '2024-04', 10_000)];
    expect(split(1_000, lines, 'fixedShares', { shares: { heat: 1, water: 1 } }).map((p) => p.amount)).toEqual([250, 250, 500]);
    expect(brief(split(1_000, lines, 'fixedShares', { shares: { gas: 5 } })).map((p) => [p[3], p[4]])).toEqual([
      [250, 'proportional'], [250, 'proportional'], [500, 'proportional'],
    ]);
  });

  it('gives 1 kop over three equal lines to the first in canonical order, as SPLIT_TIE_RULE says', () => {
    const lines = [line('gas', '2024-03', 100), line('water', '2024-03', 100), line('heat', '2024-03', 100)];
    for (const rule of SPLIT_RULES) {
      const parts = split(1, lines, rule, { shares: { heat: 1, water: 1, gas: 1 } });
      expect(brief(parts)).toEqual([['heat', '2024-03', 'principal', 1, rule === 'fixedShares' ? 'fixedShare' : rule]]);
      expect(split(1, [...lines].reverse(), rule, { shares: { gas: 1, water: 1, heat: 1 } })).toEqual(parts);
    }
    expect(SPLIT_TIE_RULE).toMatch(/remainder.*larger.*canonical order/);
  });

  it('turns an overpayment into advances by the basis, one per recipient, or all to the fallback', () => {
    const lines = [line('heat', '2024-03', 1_000)];
    const advanceBasis = [{ recipientId: 'vodokanal', weight: 1 }, { recipientId: 'tgk', weight: 2 }, { recipientId: 'vodokanal', weight: 1 }];
    expect(brief(split(2_001, lines, 'proportional', { advanceBasis })).slice(1)).toEqual([
      ['tgk', null, 'advance', 501, 'advance'],
      ['vodokanal', null, 'advance', 500, 'advance'],
    ]);
    expect(brief(split(1_300, lines, 'proportional', { advanceBasis: [{ recipientId: 'tgk', weight: 0 }] })).slice(1))
      .toEqual([['uk', null, 'advance', 300, 'advance']]);
    expect(brief(split(300, [], 'oldestFirst'))).toEqual([['uk', null, 'advance', 300, 'advance']]);
  });

  it('merges pieces of one debt, ignores lines with nothing owed, and returns nothing for nothing', () => {
    const pieces = [line('heat', '2024-03', 600), line('heat', '2024-03', -50), line('heat', '2024-03', 400), line('water', '2024-03', 0)];
    expect(split(500, pieces, 'proportional')).toEqual([
      { ...line('heat', '2024-03', 500), debtBefore: 1_000, reason: 'proportional' },
    ]);
    expect(split(0, pieces, 'proportional')).toEqual([]);
  });

  it('refuses input that is a bug upstream', () => {
    const ok = [line('heat', '2024-03', 100)];
    expect(() => split(-1, ok, 'proportional')).toThrow(RangeError);
    expect(() => split(1, [line('heat', '2024-3', 100)], 'proportional')).toThrow(RangeError);
    expect(() => split(1, [...ok, { ...ok[0]!, recipientId: 'other' }], 'proportional')).toThrow(RangeError);
    expect(() => split(1, ok, 'fixedShares', { shares: { heat: -1 } })).toThrow(RangeError);
    expect(() => split(1, ok, 'proportional', { advanceBasis: [{ recipientId: 'tgk', weight: 0.5 }] })).toThrow(RangeError);
  });
});

describe('splitRefund, worked examples', () => {
  const paid = split(1_500, [line('heat', '2024-03', 1_000), line('water', '2024-03', 400)], 'proportional');

  it('reverses the parts in proportion, with negative amounts and the same keys', () => {
    expect(brief(splitRefund(kopecks(750), paid))).toEqual([
      ['heat', '2024-03', 'principal', -500, 'proportional'],
      ['water', '2024-03', 'principal', -200, 'proportional'],
      ['uk', null, 'advance', -50, 'advance'],
    ]);
  });

  it('reverses what is left after an earlier refund, and refuses more than that', () => {
    const first = splitRefund(kopecks(1_000), paid);
    expect(splitRefund(kopecks(500), paid, first).map((p) => p.amount)).toEqual(paid.map((p, i) => -(p.amount + (first[i]?.amount ?? 0))));
    expect(() => splitRefund(kopecks(501), paid, first)).toThrow(RangeError);
    expect(splitRefund(kopecks(0), paid, first)).toEqual([]);
  });
});

// ---- properties (RELIABILITY.md M1) ----

type Tier = 'covered' | 'principal' | 'penalty';
const SERVICES = ['s1', 's2', 's3', 's4', 's5', 's6'];
const PERIODS = ['2023-11', '2023-12', '2024-01', '2024-02'];
const MAX_AMOUNT = 1_000_000_000_000;
const keyOf = (p: { serviceId: string | null; period: string | null; kind: string }) => JSON.stringify([p.serviceId, p.period, p.kind]);

const debtAmount = fc.oneof(
  { weight: 1, arbitrary: fc.integer({ min: -5, max: 0 }) }, // ignored lines
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 1_000 }) }, // small: ties and odd kopecks are common
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 100_000_000_000 }) },
);
const debtLine = fc.tuple(fc.constantFrom(...SERVICES), fc.constantFrom(...PERIODS), fc.constantFrom<DebtKind>('principal', 'penalty'), debtAmount)
  .map(([service, period, kind, amount]) => line(service, period, amount, kind));
const coverTarget: fc.Arbitrary<CoverTarget> = fc.record(
  { serviceId: fc.constantFrom(...SERVICES), period: fc.constantFrom(...PERIODS), kind: fc.constantFrom<DebtKind>('principal', 'penalty') },
  { requiredKeys: ['serviceId'] },
);
const basisEntry = fc.record({
  recipientId: fc.constantFrom('r0', 'r1', 'r2', 'r3'), weight: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 1_000_000_000 })),
});

const totalDebt = (lines: readonly DebtLine[]) => lines.reduce((sum, l) => sum + Math.max(0, l.amount), 0);
// Amounts below, at and above the debt, so that every tier and the advance are reached.
const amountFor = (lines: readonly DebtLine[]) => {
  const debt = Math.min(totalDebt(lines), MAX_AMOUNT);
  return fc.oneof(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: MAX_AMOUNT }), fc.integer({ min: 0, max: debt }),
    fc.integer({ min: Math.max(0, debt - 3), max: Math.min(MAX_AMOUNT, debt + 3) }));
};

const splitInput: fc.Arbitrary<SplitInput> = fc.record({
  lines: fc.array(debtLine, { minLength: 1, maxLength: 50 }),
  rule: fc.constantFrom(...SPLIT_RULES),
  shares: fc.option(fc.dictionary(fc.constantFrom(...SERVICES), fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 100 }))),
    { nil: undefined }),
  cover: fc.option(fc.array(coverTarget, { maxLength: 4 }), { nil: undefined }),
  advanceBasis: fc.array(basisEntry, { maxLength: 5 }),
}).chain((input) => amountFor(input.lines).map((amount) => ({ ...input, amount: kopecks(amount), fallbackRecipientId: 'uk' })));

/** An independent reading of the rules: merged debt per line, its tier, and what each tier takes. */
function model(input: SplitInput) {
  const debts = new Map<string, { owed: bigint; tier: Tier; serviceId: string; period: string }>();
  for (const l of input.lines.filter((x) => x.amount > 0)) {
    const named = (input.cover ?? [])
      .some((t) => t.serviceId === l.serviceId && (t.period ?? l.period) === l.period && (t.kind ?? 'principal') === l.kind);
    const tier: Tier = named ? 'covered' : l.kind;
    const seen = debts.get(keyOf(l));
    debts.set(keyOf(l), { owed: (seen?.owed ?? 0n) + BigInt(l.amount), tier, serviceId: l.serviceId, period: l.period });
  }
  let left = BigInt(input.amount);
  const takes = new Map<Tier, { take: bigint; owed: bigint }>();
  for (const tier of ['covered', 'principal', 'penalty'] as const) {
    const owed = [...debts.values()].filter((d) => d.tier === tier).reduce((sum, d) => sum + d.owed, 0n);
    const take = left < owed ? left : owed;
    takes.set(tier, { take, owed });
    left -= take;
  }
  return { debts, takes, advance: left };
}

const tierOfReason = (part: SplitPart): Tier | 'advance' =>
  part.reason === 'covered' ? 'covered' : part.reason === 'penaltyLast' ? 'penalty' : part.reason === 'advance' ? 'advance' : 'principal';
const shuffle = <T>(list: readonly T[]) => fc.shuffledSubarray([...list], { minLength: list.length, maxLength: list.length });
const sum = (parts: readonly SplitPart[]) => parts.reduce((acc, p) => acc + BigInt(p.amount), 0n);
const within1 = (part: bigint, take: bigint, weight: bigint, total: bigint) => {
  const gap = part * total - take * weight; // |part − take × weight / total| < 1
  return (gap < 0n ? -gap : gap) < total;
};

describe('splitPayment, properties (M1)', () => {
  it('adds up to the payment exactly, over-pays no line and leaves an advance only past the whole debt', { timeout: TIMEOUT }, () => {
    fc.assert(
      fc.property(splitInput, (input) => {
        const parts = splitPayment(input);
        const { debts, takes, advance } = model(input);
        expect(sum(parts)).toBe(BigInt(input.amount));
        expect(new Set(parts.map((p) => (p.kind === 'advance' ? p.recipientId : keyOf(p)))).size).toBe(parts.length);
        for (const part of parts.filter((p) => p.kind !== 'advance')) {
          expect(part.amount).toBeGreaterThan(0);
          expect(BigInt(part.debtBefore ?? -1)).toBe(debts.get(keyOf(part))?.owed);
          expect(part.amount).toBeLessThanOrEqual(part.debtBefore ?? -1);
          expect(tierOfReason(part)).toBe(debts.get(keyOf(part))?.tier);
        }
        const advances = parts.filter((p) => p.kind === 'advance');
        expect(sum(advances)).toBe(advance);
        advances.forEach((p) => expect(p.amount).toBeGreaterThan(0));
        for (const [tier, { take }] of takes) expect(sum(parts.filter((p) => tierOfReason(p) === tier))).toBe(take);
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps each rule inside its tier: proportional shares, oldest periods first, fixed shares before the rest', { timeout: TIMEOUT }, () => {
    fc.assert(
      fc.property(splitInput, (input) => {
        const parts = splitPayment(input);
        const { debts, takes } = model(input);
        const got = new Map(parts.map((p) => [keyOf(p), BigInt(p.amount)]));
        for (const [tier, { take, owed }] of takes) {
          const inTier = [...debts].filter(([, d]) => d.tier === tier).map(([key, d]) => ({ ...d, paid: got.get(key) ?? 0n }));
          if (input.rule === 'proportional') inTier.forEach((d) => expect(within1(d.paid, take, d.owed, owed)).toBe(true));
          if (input.rule === 'oldestFirst') {
            const started = inTier.filter((d) => d.paid > 0n).map((d) => d.period).sort().at(-1) ?? '';
            inTier.filter((d) => d.period < started).forEach((d) => expect(d.paid).toBe(d.owed));
          }
          if (input.rule === 'fixedShares') {
            const shareOf = (d: { serviceId: string }) => BigInt(input.shares?.[d.serviceId] ?? 0);
            const withShare = inTier.filter((d) => shareOf(d) > 0n);
            if (withShare.some((d) => d.paid < d.owed)) inTier.filter((d) => shareOf(d) === 0n).forEach((d) => expect(d.paid).toBe(0n));
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('gives the same parts for the same input, in any order and in any pieces', { timeout: TIMEOUT }, () => {
    const reordered = splitInput.chain((input) => fc.record({
      input: fc.constant(input),
      lines: shuffle(input.lines),
      cover: shuffle(input.cover ?? []),
      advanceBasis: shuffle(input.advanceBasis),
      cut: fc.tuple(fc.nat(), fc.double({ min: 0, max: 1, noNaN: true })),
    }));
    fc.assert(
      fc.property(reordered, ({ input, lines, cover, advanceBasis, cut: [at, fraction] }) => {
        const parts = splitPayment(input);
        expect(splitPayment(input)).toEqual(parts);
        // cut one line with debt into two pieces: merging must put them back together
        const index = at % lines.length;
        const whole = lines[index]!;
        const first = Math.floor(whole.amount * fraction);
        const pieces = whole.amount > 1 && first > 0 && first < whole.amount
          ? [...lines.slice(0, index), { ...whole, amount: kopecks(first) }, ...lines.slice(index + 1),
            { ...whole, amount: kopecks(whole.amount - first) }]
          : lines;
        const sorted = (ps: readonly SplitPart[]) => ps.map((p) => JSON.stringify(p)).sort();
        const again = splitPayment({ ...input, lines: pieces, cover, advanceBasis });
        expect(sorted(again)).toEqual(sorted(parts));
        expect(again).toEqual(parts); // the output order is canonical too
      }),
      { numRuns: RUNS },
    );
  });
});

describe('splitRefund, properties', () => {
  const partId = (p: SplitPart) => JSON.stringify([p.serviceId, p.period, p.kind, p.recipientId]);
  const refunds = splitInput.filter((input) => input.amount > 0).chain((input) => {
    const parts = splitPayment(input);
    return fc.record({
      amount: fc.constant(input.amount),
      parts: fc.constant(parts),
      shuffled: shuffle(parts),
      first: fc.integer({ min: 0, max: input.amount }),
      second: fc.double({ min: 0, max: 1, noNaN: true }),
    });
  });

  it('gives back exactly the parts of the payment after two partial refunds and the rest', { timeout: TIMEOUT }, () => {
    fc.assert(
      fc.property(refunds, ({ amount, parts, shuffled, first, second }) => {
        const back1 = splitRefund(kopecks(first), parts);
        expect(splitRefund(kopecks(first), shuffled)).toEqual(back1); // the order parts are loaded in changes nothing
        const byId = new Map(back1.map((b) => [partId(b), BigInt(b.amount)]));
        parts.forEach((p) => expect(within1(-(byId.get(partId(p)) ?? 0n), BigInt(first), BigInt(p.amount), BigInt(amount))).toBe(true));
        const r2 = Math.floor((amount - first) * second);
        const back2 = splitRefund(kopecks(r2), parts, back1);
        const rest = splitRefund(kopecks(amount - first - r2), parts, [...back1, ...back2]);
        for (const [back, refunded] of [[back1, first], [back2, r2], [rest, amount - first - r2]] as const) {
          expect(sum(back)).toBe(BigInt(-refunded));
          back.forEach((p) => expect(p.amount).toBeLessThan(0));
        }
        const total = new Map<string, number>();
        for (const p of [...back1, ...back2, ...rest]) total.set(partId(p), (total.get(partId(p)) ?? 0) + p.amount);
        expect(total).toEqual(new Map(parts.map((p) => [partId(p), -p.amount])));
        expect(() => splitRefund(kopecks(1), parts, [...back1, ...back2, ...rest])).toThrow(RangeError);
      }),
      { numRuns: RUNS },
    );
  });
});
