import jsqrModule from 'jsqr';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { qrPng, qrSvg } from './pay-qr.ts';

// tsx hands over the function, plain Node ESM the CommonJS namespace (STACK.md G16)
const jsQR = ((jsqrModule as { default?: unknown }).default ?? jsqrModule) as typeof jsqrModule.default;

const LINK = 'https://pay.familypay.ru/l/AQAHAA-OSlJqC0wenSs_SltsfY5bLJ0efzpLjKHS4_SltsfYaczKAKf1gJX2bJJ2iMr1_vJe2V3Q';
const CYRILLIC = 'https://пример.рф/оплата?лс=1234567&адрес=ул. Ленина, 1';

function decode(png: Buffer) {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
}

/** Dark modules read at each module's centre, the 4-module quiet zone skipped. */
function modulesOf(png: Buffer, scale: number): boolean[] {
  const image = PNG.sync.read(png);
  const size = image.width / scale - 8;
  const dark: boolean[] = [];
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const x = (col + 4) * scale + Math.floor(scale / 2);
      const y = (row + 4) * scale + Math.floor(scale / 2);
      dark.push(image.data[(y * image.width + x) * 4]! < 128);
    }
  }
  return dark;
}

const expectedModules = (text: string, level: 'L' | 'M') =>
  Array.from(QRCode.create([{ data: Buffer.from(text, 'utf8'), mode: 'byte' }], { errorCorrectionLevel: level }).modules.data, Boolean);

/** A strict little XML reader: one root, every tag closed in order, quoted attributes, no stray «<» or «&». */
function isWellFormedXml(xml: string): boolean {
  const token = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[A-Za-z_:][\w:.-]*="[^"<&]*")*)\s*(\/?)>|([^<&]+)/gy;
  const open: string[] = [];
  let roots = 0;
  let at = 0;
  for (let m = token.exec(xml); m !== null; m = token.exec(xml)) {
    at = token.lastIndex;
    const [, closing, name, , selfClosing, text] = m;
    if (text !== undefined) {
      if (open.length === 0 && text.trim() !== '') return false;
      continue;
    }
    if (closing && (selfClosing || open.pop() !== name)) return false;
    if (!closing && open.length === 0) roots++;
    if (!closing && !selfClosing) open.push(name!);
  }
  return at === xml.length && open.length === 0 && roots === 1;
}

describe('pay link QR codes', () => {
  it('decodes from the PNG to exactly the link, Cyrillic included', async () => {
    for (const text of [LINK, CYRILLIC]) {
      const code = decode(await qrPng(text));
      expect(code?.data).toBe(text);
      expect(Buffer.from(code!.binaryData)).toEqual(Buffer.from(text, 'utf8'));
    }
  });

  it('draws the level M symbol of one byte segment, inside a 4-module quiet zone', async () => {
    const png = await qrPng(LINK, { scale: 3 });
    const image = PNG.sync.read(png);
    expect(modulesOf(png, 3)).toEqual(expectedModules(LINK, 'M'));
    expect(modulesOf(png, 3)).not.toEqual(expectedModules(LINK, 'L'));
    const border = 4 * 3;
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        const inside = x >= border && y >= border && x < image.width - border && y < image.height - border;
        if (!inside) expect(image.data[(y * image.width + x) * 4], `${x},${y}`).toBe(255);
      }
    }
  });

  it('packs the PNG as 1-bit greyscale, under 1 KB for a pay link', async () => {
    const png = await qrPng(LINK);
    expect(png.length).toBeLessThan(1024);
    expect(png.subarray(24, 26)).toEqual(Buffer.from([1, 0])); // IHDR bit depth and colour type
  });

  it('scales the PNG by whole pixels a module and refuses a scale it cannot draw', async () => {
    const modules = Math.sqrt(expectedModules(LINK, 'M').length) + 8;
    expect(PNG.sync.read(await qrPng(LINK, { scale: 2 })).width).toBe(modules * 2);
    expect(PNG.sync.read(await qrPng(LINK)).width).toBe(modules * 8);
    await expect(qrPng(LINK, { scale: 0 })).rejects.toThrow(/scale/);
    await expect(qrPng(LINK, { scale: 2.5 })).rejects.toThrow(/scale/);
  });

  it('refuses an empty text and one longer than a level M code holds', async () => {
    await expect(qrSvg('')).rejects.toThrow(/nothing/);
    await expect(qrPng('x'.repeat(2_332))).rejects.toThrow();
    expect(decode(await qrPng('x'.repeat(2_331), { scale: 2 }))?.data).toBe('x'.repeat(2_331));
  });

  it('writes a well-formed SVG without script, even for a link full of markup', async () => {
    const hostile = 'https://pay.familypay.ru/l/x?q="><script>alert(1)</script><a onload="x" href="javascript:y">';
    for (const text of [LINK, hostile]) {
      const svg = await qrSvg(text);
      expect(isWellFormedXml(svg.trim()), svg).toBe(true);
      expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 (\d+) \1"/);
      expect(svg).not.toMatch(/<script|<foreignObject|javascript:|\son\w+=|href=/i);
    }
  });

  it('has a checker that would notice broken markup', () => {
    expect(isWellFormedXml('<svg><path d="M0 0"/></svg>')).toBe(true);
    for (const bad of ['<svg><path d="M0 0"></svg>', '<svg>', '<svg></svg><svg></svg>', '<svg a=1></svg>', '<svg>&</svg>']) expect(isWellFormedXml(bad), bad).toBe(false);
  });
});
