import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decode, detectEncoding, SAMPLE_BYTES } from './encoding.calc.ts';
import type { RegistryEncoding } from './encoding.calc.ts';

const RUNS = process.env.FULL === '1' ? 100_000 : 1_000;
const TIMEOUT = process.env.FULL === '1' ? 600_000 : undefined;
const SINGLE_BYTE = ['windows-1251', 'cp866', 'koi8-r'] as const;

const REGISTRY = [
  'ЛС;ФИО;Адрес;Период;Услуга;Начислено',
  '100234;Иванов Иван Иванович;г. Пермь, ул. Ленина, д. 5, кв. 12;03.2026;Холодное водоснабжение;1 234,56',
  '100235;Петрова Анна Сергеевна;г. Пермь, ул. Гагарина, д. 17, кв. 3;03.2026;Отопление;2 817,40',
  '100236;СИДОРОВ ПЁТР НИКОЛАЕВИЧ;Г. ПЕРМЬ, УЛ. МИРА, Д. 1;03.2026;Вывоз ТКО;312,08',
  '100237;Кузнецова Ольга Юрьевна;г. Пермь, пр-т Парковый, д. 40, кв. 77;03.2026;Электроэнергия (день);845,00',
].join('\r\n');

// Housing vocabulary, names and streets plus plain words; every letter of the alphabet occurs.
const WORDS = `управляющая компания начислила плату за содержание жилья холодное горячее водоснабжение
водоотведение отопление электроэнергия вывоз мусора капитальный ремонт лицевой счет квартира дом улица
проспект переулок площадь проживает собственник наниматель показания счетчика прибор учета тариф объем
перерасчет льгота задолженность оплачено поступило пени итого к оплате период март апрель май июнь
сентябрь октябрь ноябрь декабрь января февраля жильцы подъезд лифт уборка территории домофон газ
иванов петров сидорова кузнецова смирнов попова васильев новиков морозова волков соколова лебедев
иван петр сергей анна мария ольга татьяна николай алексей дмитрий елена наталья юрий владимир
иванович петровна сергеевич николаевна алексеевич дмитриевна ленина гагарина пушкина мира садовая
центральная набережная советская молодежная школьная зеленая лесная полевая речная новая
просим оплатить счет до пятнадцатого числа следующего месяца спасибо что вовремя платите
в на по с из для от при без над под у о об и но а или не уже еще только очень все это тот
который когда где если чтобы потому был была были будет есть нет можно нужно сегодня завтра
большой маленький хороший новый старый первый последний общий горячий холодный теплый
ёлка объявление съезд подъём мягкий тёплый щётка чёрный жёлтый ёмкость эхо фрукты цех`.split(/\s+/);

const CASES = {
  sentence: (s: string) => `${s[0]!.toUpperCase()}${s.slice(1)}.`,
  upper: (s: string) => s.toUpperCase(),
  title: (s: string) => s.replace(/(^|\s)(\S)/g, (_, sp: string, c: string) => `${sp}${c.toUpperCase()}`),
  lower: (s: string) => s,
};

const phrase = fc
  .tuple(fc.array(fc.constantFrom(...WORDS), { minLength: 4, maxLength: 16 }), fc.constantFrom(...Object.values(CASES)))
  .map(([words, style]) => style(words.join(' ')))
  .filter((s) => s.length >= 40);

const encode = (text: string, encoding: RegistryEncoding): Buffer => iconv.encode(text, encoding);

/** R3: the right code page or a question to staff; a wrong code page is never an answer. */
function neverWrong(text: string, encoding: RegistryEncoding): void {
  const guess = detectEncoding(encode(text, encoding));
  if (guess.kind === 'sure') expect(guess.encoding, text).toBe(encoding);
  else if (guess.kind === 'ambiguous') expect(guess.candidates, text).toContain(encoding);
  else expect.fail(`binary for «${text}»`);
}

describe('detectEncoding on a registry', () => {
  it.each(SINGLE_BYTE)('recognises a registry written in %s', (encoding) => {
    expect(detectEncoding(encode(REGISTRY, encoding))).toEqual({ kind: 'sure', encoding, bom: false });
  });

  it('recognises UTF-8 without a BOM, and with one', () => {
    const utf8 = Buffer.from(REGISTRY, 'utf8');
    expect(detectEncoding(utf8)).toEqual({ kind: 'sure', encoding: 'utf-8', bom: false });
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]);
    expect(detectEncoding(withBom)).toEqual({ kind: 'sure', encoding: 'utf-8', bom: true });
  });

  it('recognises a header line alone', () => {
    for (const encoding of SINGLE_BYTE) {
      expect(detectEncoding(encode('ЛС;ФИО;Адрес;Период;Услуга;Начислено', encoding))).toMatchObject({ kind: 'sure', encoding });
    }
  });

  it('calls pure ASCII UTF-8, since the four code pages agree on it', () => {
    expect(detectEncoding(Buffer.from('LS;FIO;SUMMA\r\n100234;Ivanov;12.50\r\n'))).toEqual({ kind: 'sure', encoding: 'utf-8', bom: false });
  });

  it('reads the first 64 KiB of a UTF-8 file cut in the middle of a letter', () => {
    const head = Buffer.from(`${REGISTRY}\r\n`, 'utf8');
    const padding = Buffer.alloc(SAMPLE_BYTES - 1 - head.length, ' ');
    const file = Buffer.concat([head, padding, Buffer.from('Жильцы\r\n', 'utf8')]);
    const cut = file.subarray(0, SAMPLE_BYTES);
    expect(cut.at(-1)).toBe(0xd0); // the first of the two bytes of «Ж»
    expect(detectEncoding(cut)).toEqual({ kind: 'sure', encoding: 'utf-8', bom: false });
    expect(detectEncoding(file)).toEqual({ kind: 'sure', encoding: 'utf-8', bom: false });
  });

  it('tells a CP866 report with box drawing from windows-1251', () => {
    const box = '╔════════╤═══════════════╗\r\n║ ЛС     │ ФИО           ║\r\n╟────────┼───────────────╢\r\n';
    const rows = '║ 100234 │ Иванов Иван   ║\r\n║ 100235 │ Петрова Анна  ║\r\n╚════════╧═══════════════╝\r\n';
    const guess = detectEncoding(encode(box + rows + REGISTRY, 'cp866'));
    expect(guess).toEqual({ kind: 'sure', encoding: 'cp866', bom: false });
  });
});

describe('detectEncoding when unsure', () => {
  it.each(SINGLE_BYTE)('asks about «Да» in %s instead of guessing', (encoding) => {
    const guess = detectEncoding(encode('Да', encoding));
    expect(guess.kind).toBe('ambiguous');
    expect(guess.kind === 'ambiguous' && guess.candidates).toContain(encoding);
  });

  it('never calls damaged UTF-8 a single-byte code page', () => {
    const damaged = Buffer.from(REGISTRY, 'utf8');
    damaged[damaged.indexOf(0xd0, 200) + 1] = 0x20; // the second byte of a letter becomes a space
    expect(detectEncoding(damaged)).toEqual({ kind: 'ambiguous', candidates: ['utf-8'] });
  });

  it('asks about a lone «№», the only non-ASCII byte', () => {
    expect(detectEncoding(encode('Счет № 12', 'windows-1251').subarray(5))).toMatchObject({ kind: 'ambiguous' });
  });
});

describe('detectEncoding on binary data', () => {
  it('calls a NUL-laden buffer binary', () => {
    expect(detectEncoding(Buffer.from('ЛС\0;\0Ф\0И\0О\0', 'utf16le'))).toEqual({ kind: 'binary' });
    expect(detectEncoding(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]))).toEqual({ kind: 'binary' });
  });

  it('calls text full of control bytes binary, but forgives one stray control', () => {
    expect(detectEncoding(Buffer.from('\x01\x02\x03\x1b[0mLS;FIO\x05\x06'))).toEqual({ kind: 'binary' });
    expect(detectEncoding(Buffer.from(`${REGISTRY}\x1b`, 'utf8'))).toMatchObject({ kind: 'sure', encoding: 'utf-8' });
  });

  it('reads only the first 64 KiB, so what follows cannot change the answer', () => {
    const text = encode(REGISTRY.repeat(200), 'koi8-r').subarray(0, SAMPLE_BYTES);
    const withTail = Buffer.concat([text, Buffer.alloc(1024 * 1024)]);
    expect(detectEncoding(withTail)).toEqual({ kind: 'sure', encoding: 'koi8-r', bom: false });
  });
});

describe('detectEncoding properties', () => {
  it.each(SINGLE_BYTE)('never takes a Russian phrase of 40+ characters in %s for another code page', (encoding) => {
    fc.assert(fc.property(phrase, (text) => neverWrong(text, encoding)), { numRuns: RUNS });
  }, TIMEOUT);

  it('is sure of every Russian phrase in UTF-8', () => {
    fc.assert(fc.property(phrase, (text) => {
      expect(detectEncoding(Buffer.from(text, 'utf8'))).toEqual({ kind: 'sure', encoding: 'utf-8', bom: false });
    }), { numRuns: RUNS });
  }, TIMEOUT);

  it('never takes a short phrase for another code page either, though it may ask', () => {
    const short = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 3 }).map((w) => w.join(' '));
    fc.assert(fc.property(short, fc.constantFrom(...SINGLE_BYTE), (text, encoding) => neverWrong(text, encoding)), { numRuns: RUNS });
  }, TIMEOUT);
});

describe('decode', () => {
  it.each(SINGLE_BYTE)('maps every byte of %s as iconv-lite does', (encoding) => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, b) => b));
    expect(decode(all, encoding)).toBe(iconv.decode(all, encoding));
  });

  it.each(['utf-8', ...SINGLE_BYTE] as const)('round-trips a registry through %s', (encoding) => {
    expect(decode(encode(REGISTRY, encoding), encoding)).toBe(REGISTRY);
  });

  it('drops the UTF-8 BOM and marks broken UTF-8 with U+FFFD', () => {
    expect(decode(Buffer.from([0xef, 0xbb, 0xbf, 0x4c, 0x53]), 'utf-8')).toBe('LS');
    expect(decode(Buffer.from([0x4c, 0xd0, 0x20]), 'utf-8')).toBe('L\uFFFD ');
  });
});
