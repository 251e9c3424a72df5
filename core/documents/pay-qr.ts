import { crc32, deflateSync } from 'node:zlib';
import QRCode from 'qrcode';
import type { QRCodeSegment } from 'qrcode';

/**
 * Level M restores about 15 % of the symbol: enough for a creased bill or a scratched entrance plate, while a
 * signed pay link (about 100 characters) still fits a version 6–7 code that cheap phone cameras read at a glance.
 */
const LEVEL = 'M';
/** ISO/IEC 18004 asks for a 4-module quiet zone; with less, cameras lose the code against the text of a bill. */
const QUIET_ZONE = 4;
/** 8 pixels a module: a pay link's code is about 400 px, 33 mm at 300 dpi, which prints crisply. */
const DEFAULT_SCALE = 8;
const MAX_SCALE = 64;

/**
 * One byte-mode segment of the UTF-8 bytes and no ECI (STACK.md G15): every scanner hands back exactly these
 * bytes, and the symbol's size depends only on their length, not on how qrcode would split the text into modes.
 */
function segments(text: string): QRCodeSegment[] {
  if (text === '') throw new Error('pay-qr: nothing to encode');
  return [{ data: Buffer.from(text, 'utf8'), mode: 'byte' }];
}

/** An SVG of the code: paths only, nothing of the text itself, so a hostile URL cannot inject markup. */
export async function qrSvg(text: string): Promise<string> {
  return QRCode.toString(segments(text), { type: 'svg', errorCorrectionLevel: LEVEL, margin: QUIET_ZONE });
}

/**
 * A black-on-white PNG, `scale` pixels a module. Throws if the text is longer than a QR code holds (2 331 bytes
 * at M). qrcode draws the symbol; the PNG is packed here as 1-bit greyscale, because qrcode's own RGBA renderer
 * took about 18 ms and 3.5 KB a pay link against about 2.5 ms and 0.6 KB, and a bulk export makes 100 000.
 */
export async function qrPng(text: string, options: { readonly scale?: number } = {}): Promise<Buffer> {
  const scale = options.scale ?? DEFAULT_SCALE;
  if (!Number.isInteger(scale) || scale < 1 || scale > MAX_SCALE) throw new Error(`pay-qr: scale must be 1–${MAX_SCALE}, got ${scale}`);
  const { modules } = QRCode.create(segments(text), { errorCorrectionLevel: LEVEL });
  return packPng(modules.size, (row, col) => Boolean(modules.get(row, col)), scale);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const GREYSCALE = 0;

/** Writes one chunk (length, type, data, CRC of type and data) at `at`; returns where the next one starts. */
function writeChunk(png: Buffer, at: number, type: string, data: Buffer): number {
  png.writeUInt32BE(data.length, at);
  png.write(type, at + 4, 'latin1');
  data.copy(png, at + 8);
  png.writeUInt32BE(crc32(png.subarray(at + 4, at + 8 + data.length)), at + 8 + data.length);
  return at + 12 + data.length;
}

/** PNG (ISO/IEC 15948): 1 bit a pixel, 1 is white; each scanline is filter byte 0 and then its bits. */
function packPng(size: number, isDark: (row: number, col: number) => boolean, scale: number): Buffer {
  const side = (size + 2 * QUIET_ZONE) * scale;
  const stride = 1 + Math.ceil(side / 8);
  const white = Buffer.alloc(stride, 0xff);
  white[0] = 0;
  const pixels = Buffer.alloc(stride * side);
  const line = Buffer.alloc(stride);
  for (let row = -QUIET_ZONE; row < size + QUIET_ZONE; row++) {
    white.copy(line);
    for (let col = 0; row >= 0 && row < size && col < size; col++) {
      if (!isDark(row, col)) continue;
      for (let x = (col + QUIET_ZONE) * scale, end = x + scale; x < end; x++) line[1 + (x >> 3)]! &= ~(0x80 >> (x & 7));
    }
    // Every module row is `scale` identical scanlines.
    for (let k = 0; k < scale; k++) line.copy(pixels, ((row + QUIET_ZONE) * scale + k) * stride);
  }
  const header = Buffer.alloc(13); // width, height, bit depth 1, greyscale, deflate, adaptive filters, no interlace
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.writeUInt8(1, 8);
  header.writeUInt8(GREYSCALE, 9);
  const data = deflateSync(pixels, { level: 9 });
  // Outside Buffer's 8 KB pool: a bulk export keeps a few bytes of every entry (yazl's file names), and pooled
  // images would leave each pool slab pinned by two or three of those names — about 4 KB an account.
  const png = Buffer.allocUnsafeSlow(PNG_SIGNATURE.length + 12 * 3 + header.length + data.length);
  PNG_SIGNATURE.copy(png);
  writeChunk(png, writeChunk(png, writeChunk(png, PNG_SIGNATURE.length, 'IHDR', header), 'IDAT', data), 'IEND', Buffer.alloc(0));
  return png;
}
