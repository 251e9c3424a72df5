/**
 * How much a decoded text looks like Russian. Points behave like natural-log likelihood ratios («Russian
 * text» against «letters at random»), so the same bytes decoded in two code pages compare by subtraction.
 * ASCII scores 0 in every decoding (the four registry encodings share it), so digits, Latin and separators
 * cannot dilute the comparison: only the bytes ≥ 0x80, where the code pages differ, decide.
 */
export type TextScore = {
  /** Higher is more Russian. */
  readonly points: number;
  /** Letters of the Russian alphabet (ё folded into е). */
  readonly russianLetters: number;
  /** Non-ASCII characters that are not Russian letters: symbols, box drawing, foreign letters, controls. */
  readonly otherNonAscii: number;
};

// а…я in Unicode order (ё is folded into е). Shares per 10 000 letters of Russian prose, from the
// frequency dictionary of Lyashevskaya & Sharoff (2009); registries lean to names and addresses, close enough.
const SHARE = [
  801, 159, 454, 170, 298, 849, 94, 165, 735, 121, 349, 440, 321, 670, 1097, 281,
  473, 547, 626, 262, 26, 97, 48, 144, 73, 36, 4, 190, 174, 32, 64, 201,
];
const LETTERS = 'абвгдежзийклмнопрстуфхцчшщъыьэюя';
const BOUNDARY = 32;
const SIDE = 33;

// «ъ» is rarer in prose (ln ≈ −4.4) than in registries («объём», «подъезд»); its misplacement is caught by
// the pair rules below, so the floor only stops one rare letter from outweighing a whole word.
const RAREST = -2.5;
/** ln(share × 32): above 0 for letters commoner than at random. */
const UNIGRAM = Float64Array.from(SHARE, (s) => Math.max(RAREST, Math.log((s / 10_000) * LETTERS.length)));

// Frequent pairs earn a little; pairs Russian spelling forbids cost a lot. Mis-decoded text (KOI8-R read as
// windows-1251 turns «о» into «П», «з» into «Ъ») is full of the forbidden ones.
const COMMON_BONUS = 0.5;
const RARE = -2;
const IMPOSSIBLE = -4;
const COMMON_PAIRS =
  'ст но то на ен ов ни ра во ко ал ро ол пр по ре ер ан ет ор ли ть от ла ка не ва ос го ел ат ит те ри ' +
  'ле ск ис ин ны од ом ой ый ие ия ая ав де ед ес ем ам ак ар ки ти ев ше ви ди ме ве за се ил ма ту ру ' +
  'лу чи че ся ую их ых ег ог др тр ий ль ьн ич ют ще см';
const VOWELS = 'аеиоуыэюя';
const CONSONANTS = 'бвгджзйклмнпрстфхцчшщ';
const ALL = `${LETTERS}#`;

function indexOf(c: string): number {
  return c === '#' ? BOUNDARY : LETTERS.indexOf(c);
}

function buildBigrams(): Float64Array {
  const table = new Float64Array(SIDE * SIDE);
  const rule = (firsts: string, seconds: string, points: number): void => {
    for (const a of firsts) for (const b of seconds) table[indexOf(a) * SIDE + indexOf(b)] = points;
  };
  for (const pair of COMMON_PAIRS.split(' ')) rule(pair[0]!, pair[1]!, COMMON_BONUS);
  // «#» is a word boundary. No word starts with ь, ъ or ы; ъ precedes only е/ё, ю, я.
  rule('#', 'ьъы', IMPOSSIBLE);
  rule(`${VOWELS}ьъй`, 'ьъ', IMPOSSIBLE);
  rule('ъ', ALL.replace(/[еюя]/g, ''), IMPOSSIBLE);
  rule('жшчщ', 'ы', IMPOSSIBLE); // «жи, ши» spelling rule
  rule(`${VOWELS}ьъй`, 'ы', IMPOSSIBLE);
  rule('жшчщц', 'яю', RARE); // only loans: жюри, брошюра, парашют
  rule('й', 'аиуэюя', RARE); // Майя, фойе exist; rare all the same
  rule(CONSONANTS, 'э', RARE); // мэр, сэр
  return table;
}

const BIGRAM = buildBigrams();

/**
 * Three identical letters in a row: only «ООО», and those bytes cost every decoding alike. A box-drawn line
 * read in the wrong page («═════» in CP866 is «ННННН» in windows-1251) is full of them.
 */
const REPEAT = -4;
/** A word with a lower-case letter before a capital («хБЮМНБ» is «Иванов» in windows-1251 read as KOI8-R). */
const MIXED_CASE = -3;
/** A fourth consonant or third vowel in a row: «взгляд», «аэропорт» exist, so mild; mis-decodings pile them up. */
const CLUSTER = -2;
const CLASS = Uint8Array.from(LETTERS, (c) => (VOWELS.includes(c) ? 1 : c === 'ь' || c === 'ъ' ? 0 : 2));
const CLUSTER_LIMIT = [Infinity, 2, 3]; // by class: sign, vowel, consonant
// Non-letters beyond ASCII, in the same points: typography a little, foreign letters and box drawing
// more, controls and undefined bytes most.
const TYPOGRAPHIC = -1;
const FOREIGN = -3;
const PSEUDOGRAPHIC = -3;
const CONTROL = -6;

// Punctuation a Russian registry legitimately carries outside ASCII: « » № – — … “ ” „ ‘ ’ ₽ ° ·
const TYPOGRAPHY = new Set([0xab, 0xbb, 0x2116, 0x2013, 0x2014, 0x2026, 0x201c, 0x201d, 0x201e, 0x2018, 0x2019, 0x20bd, 0xb0, 0xb7]);

function russianLetter(code: number): number {
  if (code >= 0x430 && code <= 0x44f) return code - 0x430;
  if (code >= 0x410 && code <= 0x42f) return code - 0x410;
  return code === 0x451 || code === 0x401 ? 5 : -1;
}

function symbolPoints(code: number): number {
  if (code === 0xa0) return 0; // no-break space: thousands separator in amounts
  if (TYPOGRAPHY.has(code)) return TYPOGRAPHIC;
  if (code < 0xa0 || code === 0xfffd) return CONTROL; // C1 controls and bytes the code page does not define
  if (code >= 0x2500 && code <= 0x25ff) return PSEUDOGRAPHIC;
  return FOREIGN;
}

type WordState = { prev: number; run: number; cls: number; clsRun: number; sawLower: boolean; mixed: boolean };

function endWord(w: WordState): number {
  const points = w.prev === BOUNDARY ? 0 : BIGRAM[w.prev * SIDE + BOUNDARY]! + (w.mixed ? MIXED_CASE : 0);
  w.prev = BOUNDARY;
  w.run = 0;
  w.cls = 0;
  w.clsRun = 0;
  w.sawLower = false;
  w.mixed = false;
  return points;
}

function letterPoints(w: WordState, letter: number, lower: boolean): number {
  if (lower) w.sawLower = true;
  else if (w.sawLower) w.mixed = true;
  w.run = letter === w.prev ? w.run + 1 : 1;
  const cls = CLASS[letter]!;
  w.clsRun = cls === w.cls ? w.clsRun + 1 : 1;
  w.cls = cls;
  const cluster = w.clsRun > CLUSTER_LIMIT[cls]! ? CLUSTER : 0;
  const points = UNIGRAM[letter]! + BIGRAM[w.prev * SIDE + letter]! + (w.run > 2 ? REPEAT : 0) + cluster;
  w.prev = letter;
  return points;
}

/** O(text length), one pass, no allocation per character. */
export function scoreRussianText(text: string): TextScore {
  const word: WordState = { prev: BOUNDARY, run: 0, cls: 0, clsRun: 0, sawLower: false, mixed: false };
  let points = 0;
  let russianLetters = 0;
  let otherNonAscii = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const letter = russianLetter(code);
    if (letter >= 0) {
      russianLetters++;
      points += letterPoints(word, letter, code >= 0x430);
      continue;
    }
    points += endWord(word);
    if (code >= 0x80) {
      otherNonAscii++;
      points += symbolPoints(code);
    }
  }
  return { points: points + endWord(word), russianLetters, otherNonAscii };
}
