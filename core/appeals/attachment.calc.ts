import { err, ok, type Result } from '../shared/index.ts';

export type AttachmentRefusal = 'tooLarge' | 'wrongType';

/** What residents may attach: photos and scans. Staff open these files, so nothing that runs (SVG, HTML, Office macros). */
const SIGNATURES: readonly { readonly mime: string; readonly test: (b: Buffer) => boolean }[] = [
  { mime: 'image/jpeg', test: (b) => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { mime: 'image/png', test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { mime: 'image/gif', test: (b) => /^GIF8[79]a$/.test(b.subarray(0, 6).toString('latin1')) },
  { mime: 'image/webp', test: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP' },
  // iPhone photos sent as files: an ISO media box `ftyp` with a HEIF brand.
  { mime: 'image/heic', test: (b) => b.subarray(4, 8).toString('latin1') === 'ftyp' && /^(heic|heix|hevc|heif|mif1|msf1)$/.test(b.subarray(8, 12).toString('latin1')) },
  { mime: 'application/pdf', test: (b) => b.subarray(0, 5).toString('latin1') === '%PDF-' },
];

/**
 * The type of a resident's file by its first bytes, not by the name or the type the messenger declared (either can
 * say anything): an image or a PDF passes with its real MIME type, anything else is refused, as is a file over
 * `maxBytes`.
 */
export function checkAttachment(data: Buffer, maxBytes: number): Result<{ mime: string }, AttachmentRefusal> {
  if (data.length > maxBytes) return err('tooLarge');
  const found = SIGNATURES.find((s) => s.test(data));
  return found ? ok({ mime: found.mime }) : err('wrongType');
}
