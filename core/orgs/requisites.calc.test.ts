import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  isTreasuryBik,
  validateBik,
  validateCorrAccount,
  validateInn,
  validateKpp,
  validateOgrn,
  validateSettlementAccount,
  withControlKey,
} from './requisites.calc.ts';
import { validAccountFor, validBik, validInn10, validInn12, validOgrn13, validOgrn15 } from '../../test/arbitraries/requisites.ts';
import type { Result, AppError } from '../shared/index.ts';

const full = process.env.FULL === '1';
const numRuns = full ? 100_000 : 1_000;
// Checking every single-digit change of 100 000 values takes minutes (each rejection builds an AppError).
const exhaustive = { timeout: full ? 900_000 : 60_000 };

const errorOf = (result: Result<string, AppError>): { code: string; field: string | undefined } => {
  if (result.ok) throw new Error(`expected an error, got ${result.value}`);
  return { code: result.error.code, field: result.error.field };
};

/** Every string that differs from `value` in exactly one digit. */
const singleDigitChanges = (value: string): string[] =>
  Array.from(value).flatMap((original, i) =>
    '0123456789'
      .split('')
      .filter((d) => d !== original)
      .map((d) => value.slice(0, i) + d + value.slice(i + 1)),
  );

/**
 * Requisites recalled from banks' public payment details. Each passes every check below; since a check digit
 * agrees with a mistyped number one time in ten, agreement is evidence, not proof, that they were recalled right.
 */
const BANKS = [
  { name: 'Sberbank', inn: '7707083893', ogrn: '1027700132195', bik: '044525225', corr: '30101810400000000225' },
  { name: 'T-Bank', inn: '7710140679', ogrn: '1027739642281', bik: '044525974', corr: '30101810145250000974' },
  { name: 'VTB', inn: '7702070139', ogrn: '1027739609391', bik: '044525187', corr: '30101810700000000187' },
  { name: 'Alfa-Bank', inn: '7728168971', ogrn: '1027700067328', bik: '044525593', corr: '30101810200000000593' },
  { name: 'Gazprombank', inn: '7744001497', ogrn: '1027700167110', bik: '044525823', corr: '30101810200000000823' },
] as const;

describe('requisites of real banks', () => {
  it.each(BANKS)('accepts the INN, OGRN, BIK and corr account of $name', ({ inn, ogrn, bik, corr }) => {
    expect(validateInn(inn)).toEqual({ ok: true, value: inn });
    expect(validateOgrn(ogrn)).toEqual({ ok: true, value: ogrn });
    expect(validateBik(bik)).toEqual({ ok: true, value: bik });
    expect(validateCorrAccount(corr, bik)).toEqual({ ok: true, value: corr });
  });

  it("accepts Sberbank's KPP", () => {
    expect(validateKpp('773601001')).toEqual({ ok: true, value: '773601001' });
  });
});

describe('validateInn', () => {
  it('removes spaces, including non-breaking ones pasted from PDFs', () => {
    expect(validateInn(' 7707\u00a0083 893 ')).toEqual({ ok: true, value: '7707083893' });
  });

  // Constructed, not a person's number: Σ₁ = 214 ≡ 5, Σ₂ = 219 ≡ 10 → 0 (mod 11).
  it('accepts a 12-digit individual INN, writing a remainder of 10 as 0', () => {
    expect(validateInn('500123456750')).toEqual({ ok: true, value: '500123456750' });
  });

  it.each(['770708389', '77070838930', '7707083894', '770708389X', '', '500123456740', '500123456751'])(
    'rejects %j with ORGS.INN_INVALID',
    (inn) => {
      expect(errorOf(validateInn(inn))).toEqual({ code: 'ORGS.INN_INVALID', field: 'inn' });
    },
  );

  it('rejects the all-zero placeholder although its checksum holds', () => {
    expect(validateInn('0000000000').ok).toBe(false);
  });

  it('names the field the caller passed', () => {
    expect(errorOf(validateInn('1', 'payerInn')).field).toBe('payerInn');
  });

  it('accepts every generated 10- and 12-digit INN', () => {
    fc.assert(fc.property(fc.oneof(validInn10, validInn12), (inn) => validateInn(inn).ok), { numRuns });
  });

  it('rejects any single-digit change of a 10-digit INN whose check digit is not 0', exhaustive, () => {
    fc.assert(
      fc.property(validInn10, (inn) => {
        fc.pre(!inn.endsWith('0'));
        return singleDigitChanges(inn).every((changed) => !validateInn(changed).ok);
      }),
      { numRuns },
    );
  });

  it('rejects any single-digit change of a 12-digit INN unless both check digits are 0', exhaustive, () => {
    fc.assert(
      fc.property(validInn12, (inn) => {
        fc.pre(!inn.endsWith('00'));
        return singleDigitChanges(inn).every((changed) => !validateInn(changed).ok);
      }),
      { numRuns },
    );
  });

  // Remainders 0 and 10 share the check digit 0, so a change moving the sum between them goes unnoticed.
  // Both numbers were constructed: 2·1 + 8·8 = 66 ≡ 0 and 2·6 + 8·8 = 76 ≡ 10 (mod 11).
  it('cannot catch a change that moves the remainder between 0 and 10, a blind spot of the ФНС rule', () => {
    expect(validateInn('1000000080').ok).toBe(true);
    expect(validateInn('6000000080').ok).toBe(true);
  });
});

describe('validateKpp', () => {
  it('accepts letters in the reason code (constructed value)', () => {
    expect(validateKpp('7736AB001')).toEqual({ ok: true, value: '7736AB001' });
  });

  it.each(['77360100', '7736010011', '773601A01', 'A73601001', '7736ab001', '7736ЖЖ001'])('rejects %j', (kpp) => {
    expect(errorOf(validateKpp(kpp))).toEqual({ code: 'ORGS.KPP_INVALID', field: 'kpp' });
  });
});

describe('validateOgrn', () => {
  // Constructed, not a real entrepreneur's number: 30450012345678 ≡ 3 (mod 13).
  it('accepts a 15-digit ОГРНИП checked mod 13', () => {
    expect(validateOgrn('304500123456783')).toEqual({ ok: true, value: '304500123456783' });
  });

  it.each(['1027700132194', '102770013219', '304500123456784', 'ОГРН'])(
    'rejects %j with ORGS.OGRN_INVALID',
    (ogrn) => {
      expect(errorOf(validateOgrn(ogrn))).toEqual({ code: 'ORGS.OGRN_INVALID', field: 'ogrn' });
    },
  );

  it('accepts every generated ОГРН and ОГРНИП', () => {
    fc.assert(fc.property(fc.oneof(validOgrn13, validOgrn15), (ogrn) => validateOgrn(ogrn).ok), { numRuns });
  });

  it('rejects any single-digit change of an ОГРН whose check digit is not 0', exhaustive, () => {
    fc.assert(
      fc.property(validOgrn13, (ogrn) => {
        fc.pre(!ogrn.endsWith('0'));
        return singleDigitChanges(ogrn).every((changed) => !validateOgrn(changed).ok);
      }),
      { numRuns },
    );
  });

  // mod 13 leaves 13 remainders for 10 digits, so check digits 0, 1 and 2 each stand for two remainders.
  it('rejects any single-digit change of an ОГРНИП whose check digit is 3 or more', exhaustive, () => {
    fc.assert(
      fc.property(validOgrn15, (ogrn) => {
        fc.pre(Number(ogrn.slice(-1)) >= 3);
        return singleDigitChanges(ogrn).every((changed) => !validateOgrn(changed).ok);
      }),
      { numRuns },
    );
  });

  // Constructed: both checksums hold, but 2… is a ГРН of some other ЕГРЮЛ record and 4… a ГРНИП, not registration numbers.
  it.each(['2027700132194', '404500123456780'])('rejects the record number %s although its checksum holds', (grn) => {
    expect(validateOgrn(grn).ok).toBe(false);
  });

  // Constructed: 102770000003 ≡ 0 and 103770000003 ≡ 10 (mod 11).
  it('cannot catch a change that moves the remainder between 0 and 10', () => {
    expect(validateOgrn('1027700000030').ok).toBe(true);
    expect(validateOgrn('1037700000030').ok).toBe(true);
  });
});

describe('validateBik', () => {
  it.each(['04452522', '0445252250', '054525225', '04452522Z'])('rejects %j', (bik) => {
    expect(errorOf(validateBik(bik, 'recipientBik'))).toEqual({ code: 'ORGS.BIK_INVALID', field: 'recipientBik' });
  });

  it('rejects a treasury BIK, which isTreasuryBik recognises', () => {
    expect(validateBik('004525988').ok).toBe(false);
    expect(isTreasuryBik('004525988')).toBe(true);
    expect(isTreasuryBik('024501901')).toBe(true);
    expect(isTreasuryBik('044525225')).toBe(false);
  });
});

describe('validateSettlementAccount', () => {
  // Bank of Russia letter No. 515 (08.09.1997), appendix, example 3: a client of the credit organisation 049805746.
  it("accepts the Bank of Russia's worked example of a client account", () => {
    expect(validateSettlementAccount('40602810700000000025', '049805746').ok).toBe(true);
    expect(validateSettlementAccount('40602810000000000025', '049805746').ok).toBe(false);
  });

  it('keys an account at a Bank of Russia division with «0» and BIK digits 5–6 (constructed account)', () => {
    // Hand check: 005 + 40102810K00000000002 gives Σ = 81 + 3K, so K = 3.
    const account = withControlKey('40102810000000000002', '049805000');
    expect(account).toBe('40102810300000000002');
    expect(validateSettlementAccount(account, '049805000').ok).toBe(true);
    expect(validateSettlementAccount(account, '049805001').ok).toBe(true);
    expect(validateSettlementAccount(account, '049806000').ok).toBe(false);
  });

  it('removes spaces and reports the caller’s field', () => {
    const account = withControlKey('40702810000000012345', '044525225');
    const spaced = `${account.slice(0, 5)} ${account.slice(5, 10)} ${account.slice(10)}`;
    expect(validateSettlementAccount(spaced, '044525225')).toEqual({ ok: true, value: account });
    expect(errorOf(validateSettlementAccount(`${account}0`, '044525225', 'recipientAccount'))).toEqual({
      code: 'ORGS.ACCOUNT_INVALID',
      field: 'recipientAccount',
    });
  });

  it('reports a malformed BIK as ORGS.BIK_INVALID rather than blaming the account', () => {
    expect(errorOf(validateSettlementAccount('40602810700000000025', '49805746'))).toEqual({
      code: 'ORGS.BIK_INVALID',
      field: 'bik',
    });
  });

  it('accepts every account keyed by withControlKey, for either kind of BIK', () => {
    const pair = validBik.chain((bik) => validAccountFor(bik).map((account) => ({ bik, account })));
    fc.assert(fc.property(pair, ({ bik, account }) => validateSettlementAccount(account, bik).ok), { numRuns });
  });

  // 7, 1 and 3 are all coprime to 10, so changing one digit by δ changes Σ by weight·δ ≢ 0 (mod 10).
  it('rejects every single-digit change of a valid account', exhaustive, () => {
    const pair = validBik.chain((bik) => validAccountFor(bik).map((account) => ({ bik, account })));
    fc.assert(
      fc.property(pair, ({ bik, account }) =>
        singleDigitChanges(account).every((changed) => !validateSettlementAccount(changed, bik).ok),
      ),
      { numRuns },
    );
  });

  it('refuses to key malformed input, which only a caller bug produces', () => {
    expect(() => withControlKey('4070281', '044525225')).toThrow(RangeError);
  });
});

describe('validateCorrAccount', () => {
  // Bank of Russia letter No. 515, example 1: bank 746 served by the division 049805000.
  it("accepts the Bank of Russia's worked example of a corr account", () => {
    expect(validateCorrAccount('30101810800000000746', '049805746').ok).toBe(true);
  });

  it("rejects another bank's corr account from the same region, which the key alone would let through", () => {
    // VTB's corr account keys correctly with any Moscow BIK, since only BIK digits 5–6 enter the key.
    expect(errorOf(validateCorrAccount('30101810700000000187', '044525225'))).toEqual({
      code: 'ORGS.CORR_ACCOUNT_INVALID',
      field: 'corrAccount',
    });
  });

  it.each([
    ['a broken key', '30101810500000000225'],
    ['a settlement account in its place', '40702810400000000225'],
    ['19 digits', '3010181040000000225'],
  ])('rejects %s', (_, corr) => {
    expect(validateCorrAccount(corr, '044525225').ok).toBe(false);
  });
});
