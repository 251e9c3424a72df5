import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { maskPhone, normalisePhone, validateEls } from './phone.calc.ts';

describe('normalisePhone', () => {
  it.each([
    '8 (912) 345-67-89',
    '+7 912 345 67 89',
    '9123456789',
    '79123456789',
    '89123456789',
    '+7(912)345-67-89',
    ' +7\u00a0912\u00a0345\u00a067\u00a089 ',
  ])('reads %j as +79123456789', (input) => {
    expect(normalisePhone(input)).toEqual({ ok: true, value: '+79123456789' });
  });

  it('keeps a Moscow landline and a free 8-800 number', () => {
    expect(normalisePhone('8 (495) 123-45-67')).toEqual({ ok: true, value: '+74951234567' });
    expect(normalisePhone('8 800 555-35-35')).toEqual({ ok: true, value: '+78005553535' });
  });

  it.each([
    '',
    '912345678',
    '+8 912 345 67 89',
    '+7 912 345 67 8',
    '+7 912 345 67 890',
    '99123456789',
    '0123456789',
    '+7 512 345 67 89',
    '8 912 345 67 89 доб. 12',
    '+7 912 345+67 89',
  ])('rejects %j', (input) => {
    const result = normalisePhone(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect([result.error.code, result.error.field]).toEqual(['ACCOUNTS.PHONE_INVALID', 'phone']);
  });

  it('gives the same number for its own output', () => {
    const national = fc.tuple(fc.constantFrom('3', '4', '8', '9'), fc.stringMatching(/^\d{9}$/));
    fc.assert(
      fc.property(national, ([first, rest]) => {
        const once = normalisePhone(`8${first}${rest}`);
        return once.ok && normalisePhone(once.value).ok && once.value === `+7${first}${rest}`;
      }),
    );
  });
});

describe('maskPhone', () => {
  it('shows the operator code and the last two digits only', () => {
    expect(maskPhone('+79123456789')).toBe('+7 912 ***-**-89');
  });

  it('masks anything not in normalised form whole, so a raw phone never reaches a log', () => {
    expect(maskPhone('8 (912) 345-67-89')).toBe('***');
    expect(maskPhone('+791234567890')).toBe('***');
  });
});

describe('validateEls', () => {
  it.each([
    ['00АА123456', '00АА123456'],
    ['12AB345678', '12AB345678'],
    [' 00ЁЯ 123456 ', '00ЁЯ123456'],
  ])('accepts %j as %j', (input, expected) => {
    expect(validateEls(input)).toEqual({ ok: true, value: expected });
  });

  it.each(['00АА12345', '00АА1234567', '00аа123456', '00АА-12345', '00ÄÄ123456'])('rejects %j', (input) => {
    const result = validateEls(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect([result.error.code, result.error.field]).toEqual(['ACCOUNTS.ELS_INVALID', 'els']);
  });
});
