import { describe, expect, it } from 'vitest';
import { addressKey, normaliseArea } from './address.calc.ts';

describe('addressKey', () => {
  it('matches one house written with different case, dots and spaces', () => {
    expect(addressKey('г. Пермь, ул. Ленина, д. 5')).toBe(addressKey('г Пермь  ул Ленина д 5'));
    expect(addressKey('ул. Тёплая, 1')).toBe(addressKey('УЛ. ТЕПЛАЯ 1'));
  });
  it('keeps different houses apart', () => {
    expect(addressKey('ул. Ленина, д. 5')).not.toBe(addressKey('ул. Ленина, д. 15'));
  });
});

describe('normaliseArea', () => {
  it('reads decimal comma and dot into two places', () => {
    expect(normaliseArea('54,3')).toBe('54.30');
    expect(normaliseArea('054.35')).toBe('54.35');
    expect(normaliseArea(60)).toBe('60.00');
  });
  it('refuses zero, negatives, three decimals and words', () => {
    for (const bad of ['0', '0,00', '-5', '54.355', 'сорок', '']) expect(normaliseArea(bad)).toBeNull();
  });
});
