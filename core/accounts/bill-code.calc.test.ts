import { describe, expect, it } from 'vitest';
import { billCode, billCodePeriods, checkBillCode } from './bill-code.calc.ts';

describe('bill code', () => {
  const key = 's'.repeat(40);
  it('is six digits, differs by account and month, and is stable', () => {
    const a = billCode(key, 'org', 'acc-1', '2026-11');
    expect(a).toMatch(/^\d{6}$/);
    expect(billCode(key, 'org', 'acc-1', '2026-11')).toBe(a);
    expect(billCode(key, 'org', 'acc-2', '2026-11')).not.toBe(a);
    expect(billCode(key, 'org', 'acc-1', '2026-12')).not.toBe(a);
    expect(billCode('t'.repeat(40), 'org', 'acc-1', '2026-11')).not.toBe(a);
  });

  it("accepts this month's and last month's codes only", () => {
    expect(billCodePeriods('2027-01')).toEqual(['2027-01', '2026-12']);
    const now = billCode(key, 'o', 'a', '2027-01');
    const last = billCode(key, 'o', 'a', '2026-12');
    const old = billCode(key, 'o', 'a', '2026-11');
    expect(checkBillCode(key, 'o', 'a', '2027-01', now)).toBe(true);
    expect(checkBillCode(key, 'o', 'a', '2027-01', ` ${last} `)).toBe(true);
    expect(checkBillCode(key, 'o', 'a', '2027-01', old)).toBe(old === now || old === last);
    expect(checkBillCode(key, 'o', 'a', '2027-01', `${now}1`)).toBe(false);
    expect(checkBillCode(key, 'o', 'a', '2027-01', '')).toBe(false);
  });
});
