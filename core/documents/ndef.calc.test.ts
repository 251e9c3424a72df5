import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ndefHex, ndefTlv, ndefUriRecord } from './ndef.calc.ts';

const RUNS = process.env.FULL === '1' ? 100_000 : 1_000;
const TIMEOUT = process.env.FULL === '1' ? 600_000 : undefined;

// NFC Forum URI RTD table, as a reader knows it (full, so the decoder does not merely mirror the encoder).
const PREFIX_BY_CODE: Readonly<Record<number, string>> = { 0: '', 1: 'http://www.', 2: 'https://www.', 3: 'http://', 4: 'https://', 5: 'tel:', 6: 'mailto:' };
const hex = (text: string) => Buffer.from(text.replaceAll(' ', ''), 'hex');

/** Reads one NDEF message back as a phone would: exactly one well-known «U» record with MB and ME set. */
function decodeMessage(message: Buffer): string {
  const header = message[0]!;
  expect(header & 0xc0, 'MB and ME').toBe(0xc0);
  expect(header & 0x20, 'CF').toBe(0);
  expect(header & 0x08, 'IL').toBe(0);
  expect(header & 0x07, 'TNF').toBe(0x01);
  expect(message[1], 'type length').toBe(1);
  const short = (header & 0x10) !== 0;
  const payloadLength = short ? message[2]! : message.readUInt32BE(2);
  const typeAt = short ? 3 : 6;
  expect(message[typeAt], 'type').toBe(0x55);
  const payload = message.subarray(typeAt + 1);
  expect(payload.length, 'nothing after the record').toBe(payloadLength);
  return PREFIX_BY_CODE[payload[0]!]! + payload.subarray(1).toString('utf8');
}

/** Walks the tag's TLVs: the NDEF Message TLV, then the terminator and nothing after it. */
function decodeTlv(area: Buffer): string {
  expect(area[0]).toBe(0x03);
  const long = area[1] === 0xff;
  const length = long ? area.readUInt16BE(2) : area[1]!;
  const start = long ? 4 : 2;
  expect(area[start + length], 'terminator').toBe(0xfe);
  expect(area.length).toBe(start + length + 1);
  return decodeMessage(area.subarray(start, start + length));
}

describe('NDEF URI record for a collector card', () => {
  it('writes the known bytes of https://example.com', () => {
    expect(ndefHex('https://example.com')).toBe('D1 01 0C 55 04 65 78 61 6D 70 6C 65 2E 63 6F 6D');
    expect(ndefTlv('https://example.com')).toEqual(hex('03 10 D1 01 0C 55 04 65 78 61 6D 70 6C 65 2E 63 6F 6D FE'));
  });

  it('abbreviates each known prefix, the www forms before the bare ones, and leaves other schemes whole', () => {
    expect(ndefUriRecord('https://www.a.ru')).toEqual(hex('D1 01 05 55 02 61 2E 72 75'));
    expect(ndefUriRecord('http://www.a.ru')).toEqual(hex('D1 01 05 55 01 61 2E 72 75'));
    expect(ndefUriRecord('http://a.ru')).toEqual(hex('D1 01 05 55 03 61 2E 72 75'));
    expect(ndefUriRecord('tel:1')).toEqual(hex('D1 01 06 55 00 74 65 6C 3A 31'));
    expect(ndefUriRecord('HTTPS://a')).toEqual(hex('D1 01 0A 55 00 48 54 54 50 53 3A 2F 2F 61'));
  });

  it('writes the rest of the URI in UTF-8', () => {
    expect(ndefHex('https://я.рф')).toBe('D1 01 08 55 04 D1 8F 2E D1 80 D1 84');
  });

  it('keeps the short form up to a 255-byte payload and switches to a 4-byte length after it', () => {
    const at255 = ndefUriRecord(`https://${'a'.repeat(254)}`);
    expect(at255.subarray(0, 4)).toEqual(hex('D1 01 FF 55'));
    expect(at255).toHaveLength(4 + 255);
    const at256 = ndefUriRecord(`https://${'a'.repeat(255)}`);
    expect(at256.subarray(0, 7)).toEqual(hex('C1 01 00 00 01 00 55'));
    expect(at256).toHaveLength(7 + 256);
  });

  it('uses the 3-byte TLV length from a 255-byte message on', () => {
    const at254 = ndefTlv(`https://${'a'.repeat(249)}`); // message 4 + 250
    expect(at254.subarray(0, 2)).toEqual(hex('03 FE'));
    const at255 = ndefTlv(`https://${'a'.repeat(250)}`);
    expect(at255.subarray(0, 4)).toEqual(hex('03 FF 00 FF'));
    expect(at255.at(-1)).toBe(0xfe);
    expect(() => ndefTlv(`https://${'a'.repeat(70_000)}`)).toThrow(/TLV/);
  });

  it('fits a signed pay link on the 144-byte data area of an NTAG213', () => {
    const link = 'https://pay.familypay.ru/l/AQAHAA-OSlJqC0wenSs_SltsfY5bLJ0efzpLjKHS4_SltsfYaczKAKf1gJX2bJJ2iMr1_vJe2V3Q';
    expect(ndefTlv(link).length).toBeLessThanOrEqual(144);
    expect(decodeTlv(ndefTlv(link))).toBe(link);
  });

  it('reads back any URI, through the record and through the tag TLV', () => {
    const uri = fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.string({ unit: 'grapheme', maxLength: 400 }).map((s) => `https://www.${s}`), fc.string({ unit: 'grapheme', maxLength: 600 }));
    fc.assert(
      fc.property(uri, (url) => {
        expect(decodeMessage(ndefUriRecord(url))).toBe(url);
        expect(decodeTlv(ndefTlv(url))).toBe(url);
        expect(Buffer.from(ndefHex(url).replaceAll(' ', ''), 'hex')).toEqual(ndefUriRecord(url));
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);
});
