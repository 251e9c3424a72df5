import { describe, expect, it } from 'vitest';
import { checkAttachment } from './attachment.calc.ts';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
const HEIC = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic\0\0\0\0mif1heic')]);

describe('checkAttachment', () => {
  it.each([
    ['image/jpeg', JPEG],
    ['image/png', PNG],
    ['image/gif', Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1')],
    ['image/webp', Buffer.from('RIFF\x24\x00\x00\x00WEBPVP8 ', 'latin1')],
    ['image/heic', HEIC],
    ['application/pdf', Buffer.from('%PDF-1.7\n%âãÏÓ\n', 'latin1')],
  ])('knows %s by its first bytes', (mime, data) => {
    expect(checkAttachment(data, 1000)).toEqual({ ok: true, value: { mime } });
  });

  it.each([
    ['an SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')],
    ['an executable', Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1')],
    ['a Word file (zip)', Buffer.from('PK\x03\x04\x14\x00\x06\x00', 'latin1')],
    ['plain text', Buffer.from('протечка в подвале')],
    ['an empty file', Buffer.alloc(0)],
    ['a HEIF box of another brand', Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom')])],
  ])('refuses %s', (_name, data) => {
    expect(checkAttachment(data, 1000)).toEqual({ ok: false, error: 'wrongType' });
  });

  it('refuses a file one byte over the limit and takes one exactly at it', () => {
    const at = Buffer.concat([JPEG, Buffer.alloc(90)]);
    expect(checkAttachment(at, at.length).ok).toBe(true);
    expect(checkAttachment(Buffer.concat([at, Buffer.alloc(1)]), at.length)).toEqual({ ok: false, error: 'tooLarge' });
  });
});
