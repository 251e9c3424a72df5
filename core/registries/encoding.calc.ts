import { TextDecoder } from 'node:util';
import { scoreRussianText } from './cyrillic-score.calc.ts';
import type { TextScore } from './cyrillic-score.calc.ts';

/** The code pages customers' registries arrive in (DOMAIN.md «Registry formats»). */
export type RegistryEncoding = 'utf-8' | 'windows-1251' | 'cp866' | 'koi8-r';

export const REGISTRY_ENCODINGS: readonly RegistryEncoding[] = ['utf-8', 'windows-1251', 'cp866', 'koi8-r'];

/** How messages name the code pages to staff. */
export const ENCODING_LABELS: Readonly<Record<RegistryEncoding, string>> = {
  'utf-8': 'UTF-8', 'windows-1251': 'windows-1251', cp866: 'CP866', 'koi8-r': 'KOI8-R',
};

export type EncodingGuess =
  | { readonly kind: 'sure'; readonly encoding: RegistryEncoding; readonly bom: boolean }
  /** Best first. Staff pick one from previews: a wrong guess would store garbled names (R3). */
  | { readonly kind: 'ambiguous'; readonly candidates: readonly RegistryEncoding[] }
  | { readonly kind: 'binary' };

/** Detection reads at most this much, so it costs the same for a 1 KiB and a 1 GiB file. */
export const SAMPLE_BYTES = 64 * 1024;

/**
 * The best decoding must beat the runner-up by this many points (≈ natural-log likelihood ratio, see
 * cyrillic-score.calc.ts) to be called sure: e^12 ≈ 160 000 to 1 under the letter model. One registry row
 * of names and addresses scores 15–170 points apart, the header «ЛС;ФИО;Адрес;Период;Услуга;Начислено»
 * 38–75, so a line decides; «Да» (2–5 apart) or «ЛС;ФИО» do not. Over 1.8 million random Russian phrases
 * and prose fragments a wrong decoding never beat the right one by more than 7 points (6-character
 * fragments), and never at all from 40 characters on; the margin keeps clear of that worst case.
 */
export const SURE_MARGIN = 12;

// Names as WHATWG (Node's TextDecoder) spells them; byte-for-byte the tables iconv-lite uses, see decode().
const WHATWG_NAME: Record<RegistryEncoding, string> = {
  'utf-8': 'utf-8',
  'windows-1251': 'windows-1251',
  cp866: 'ibm866',
  'koi8-r': 'koi8-r',
};

// ICU's ibm866 rotates three ASCII controls (0x1A→U+001C, 0x1C→U+007F, 0x7F→U+001A), a relic of IBM's
// PC mapping; 0x1A is the DOS end-of-file mark, so it must come back as itself.
const IBM866_CONTROLS = /[\u001a\u001c\u007f]/g;
const IBM866_FIX: Record<string, string> = { '\u001c': '\u001a', '\u007f': '\u001c', '\u001a': '\u007f' };

// A decoder called without { stream: true } keeps no state between calls, so one per code page serves every
// caller; making a new one per line was half of what reading a large text registry cost.
const DECODERS = new Map<RegistryEncoding, TextDecoder>();
function decoderFor(encoding: RegistryEncoding): TextDecoder {
  let decoder = DECODERS.get(encoding);
  if (!decoder) DECODERS.set(encoding, (decoder = new TextDecoder(WHATWG_NAME[encoding])));
  return decoder;
}

/**
 * Bytes → text. Undefined bytes (0x98 in windows-1251) and broken UTF-8 become U+FFFD, which the readers
 * must refuse row by row; a UTF-8 BOM is dropped. Node's decoders rather than iconv-lite: native (fast on
 * whole files), and test/boundaries.test.ts lets a .calc.ts import nothing but node: and core/shared.
 */
export function decode(buf: Uint8Array, encoding: RegistryEncoding): string {
  const text = decoderFor(encoding).decode(buf);
  if (encoding === 'cp866') return text.replace(IBM866_CONTROLS, (c) => IBM866_FIX[c]!);
  if (encoding === 'windows-1251') return text.replaceAll('\u0098', '\uFFFD');
  return text;
}

/**
 * Which code page a text registry is in, from its first bytes. Never guesses: when two code pages read
 * about equally well as Russian, the answer is 'ambiguous' and staff choose (RELIABILITY.md R3).
 */
export function detectEncoding(sample: Uint8Array): EncodingGuess {
  const bytes = sample.subarray(0, SAMPLE_BYTES);
  if (looksBinary(bytes)) return { kind: 'binary' };
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { kind: 'sure', encoding: 'utf-8', bom: true };
  if (bytes.every((b) => b < 0x80)) return { kind: 'sure', encoding: 'utf-8', bom: false };
  // A sample that fills the window is taken as the head of a longer file, which may go on mid-letter.
  const utf8 = strictUtf8(bytes, bytes.length === SAMPLE_BYTES);
  // Single-byte Russian text is valid UTF-8 only by freak chance (a capital and «»/№ in exact pairs), so
  // valid UTF-8 that carries Cyrillic settles it.
  if (utf8 !== null && /[\u0400-\u04ff]/.test(utf8)) return { kind: 'sure', encoding: 'utf-8', bom: false };
  return rankDecodings(bytes, utf8 !== null);
}

type Scored = { readonly encoding: RegistryEncoding; readonly score: TextScore };

function rankDecodings(bytes: Uint8Array, validUtf8: boolean): EncodingGuess {
  // UTF-8 stays in the race even when broken: a damaged UTF-8 file must not win as a single-byte page.
  const ranked: Scored[] = REGISTRY_ENCODINGS.map((encoding) => ({ encoding, score: scoreRussianText(decode(bytes, encoding)) }))
    .sort((a, b) => b.score.points - a.score.points);
  const [best, runnerUp] = ranked as [Scored, Scored];
  const clear = best.score.points - runnerUp.score.points >= SURE_MARGIN;
  const trusted = best.encoding === 'utf-8' ? validUtf8 : mostlyRussian(best.score);
  if (clear && trusted) return { kind: 'sure', encoding: best.encoding, bom: false };
  const close = ranked.filter((s) => best.score.points - s.score.points < SURE_MARGIN).map((s) => s.encoding);
  return { kind: 'ambiguous', candidates: close };
}

/** Winning by a margin is not enough if the winner itself is mostly symbols: then it is no Russian text. */
function mostlyRussian(score: TextScore): boolean {
  return score.russianLetters > 0 && score.russianLetters >= score.otherNonAscii;
}

/** Null when not UTF-8. A cut sample is forgiven its last incomplete sequence. */
function strictUtf8(bytes: Uint8Array, truncated: boolean): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: truncated });
  } catch {
    return null;
  }
}

// Control bytes text files never carry. Tab, LF, VT, FF, CR and 0x1A (DOS end of file) are allowed.
const TEXT_CONTROLS = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1a]);
const isControl = (b: number): boolean => b === 0x7f || (b < 0x20 && !TEXT_CONTROLS.has(b));

/**
 * A NUL never occurs in our four encodings' text (it does in UTF-16, XLSX, DBF, PDF); otherwise more than
 * 1 % of controls. One stray control in a long text is a typo, not a binary file.
 */
function looksBinary(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return true;
  let controls = 0;
  for (const b of bytes) if (isControl(b)) controls++;
  return controls * 100 > bytes.length;
}

// What people type for the four code pages: «1251», «cp1251», «win-1251», «866», «dos», «koi8r», «utf8»…
const ENCODING_ALIASES: Record<string, RegistryEncoding> = {
  'utf-8': 'utf-8', utf8: 'utf-8', 'windows-1251': 'windows-1251', cp1251: 'windows-1251', '1251': 'windows-1251',
  win1251: 'windows-1251', 'win-1251': 'windows-1251', ansi: 'windows-1251', cp866: 'cp866', '866': 'cp866', ibm866: 'cp866',
  dos: 'cp866', 'koi8-r': 'koi8-r', koi8r: 'koi8-r', koi8: 'koi8-r',
};

/** A code page as staff or a customer's system names it; null when it is none of ours. */
export function parseEncodingName(text: string): RegistryEncoding | null {
  return ENCODING_ALIASES[text.trim().toLowerCase().replace(/_/g, '-')] ?? null;
}
