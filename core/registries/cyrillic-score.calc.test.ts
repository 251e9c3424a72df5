import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { scoreRussianText } from './cyrillic-score.calc.ts';

const points = (text: string): number => scoreRussianText(text).points;

/** The same bytes read in another code page: what a wrong guess would show staff. */
const misread = (text: string, written: string, read: string): string => iconv.decode(iconv.encode(text, written), read);

describe('scoreRussianText', () => {
  it('gives ASCII nothing, so digits and Latin cannot tip a comparison', () => {
    expect(scoreRussianText('LS;FIO;SUMMA 1234.56\r\n')).toEqual({ points: 0, russianLetters: 0, otherNonAscii: 0 });
  });

  it('counts Russian letters apart from other non-ASCII characters', () => {
    expect(scoreRussianText('Ёлка № 5 ╬')).toMatchObject({ russianLetters: 4, otherNonAscii: 2 });
  });

  it.each([
    ['Иванов Иван Иванович', 'windows-1251', 'koi8-r'],
    ['ИВАНОВ ИВАН ИВАНОВИЧ', 'windows-1251', 'koi8-r'],
    ['подъезд объём съезд', 'koi8-r', 'windows-1251'],
    ['Холодное водоснабжение', 'cp866', 'windows-1251'],
    ['Холодное водоснабжение', 'windows-1251', 'cp866'],
  ])('prefers «%s» to the same %s bytes read as %s', (text, written, read) => {
    expect(points(text)).toBeGreaterThan(points(misread(text, written, read)) + 10);
  });

  it('penalises a word with a small letter before a capital, as windows-1251 read as KOI8-R gives', () => {
    expect(points('иВАНОВ')).toBeLessThan(points('ИВАНОВ') - 2);
    expect(points('Иванов')).toBeCloseTo(points('иванов'), 5);
  });

  it('penalises spellings Russian forbids, against the same letters in a possible order', () => {
    expect(points('ьто')).toBeLessThan(points('тьо') - 3); // no word starts with ь
    expect(points('жыр')).toBeLessThan(points('рыж') - 3); // жи, ши: never жы
    expect(points('съле')).toBeLessThan(points('слъе') - 3); // ъ only before е, ё, ю, я
  });

  it('penalises a run of one letter, which is how a box-drawn line looks in the wrong code page', () => {
    const line = '═'.repeat(20);
    expect(points(misread(line, 'cp866', 'windows-1251'))).toBeLessThan(points(line));
  });

  it('marks control characters and undefined bytes far below any letter', () => {
    expect(points('\u0098\uFFFD')).toBeLessThanOrEqual(-12);
  });
});
