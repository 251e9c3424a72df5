import { HEADER_SYNONYMS, REGISTRY_FIELDS, STRONG_WORDS, WEAK_WORDS } from './header-synonyms.calc.ts';
import type { RegistryField } from './header-synonyms.calc.ts';

export type { RegistryField } from './header-synonyms.calc.ts';

export type HeaderMapping = {
  /** The header row among the rows given; −1 when none of the first ten maps two fields. */
  readonly headerRow: number;
  /** Field → column. Each column serves one field at most, each field one column. */
  readonly mapping: Partial<Record<RegistryField, number>>;
  /** Columns of the header row with a title that no field took, for staff to map by hand. */
  readonly unmapped: number[];
};

/** Title lines («Реестр начислений за март 2026», the organisation) sit above the header, never ten of them. */
export const HEADER_SEARCH_ROWS = 10;
// A header is short and narrow; longer cells and columns past these are data, and skipping them keeps a
// hostile 16 384-column sheet cheap (R2).
const MAX_HEADER_CELL = 200;
const MAX_COLUMNS = 512;

const WORD = 10;
const WEAK = 4;
const STRONG = 15;
/** The synonym covers the whole header: «Период» is surely the period, «Период оплаты» less so. */
const WHOLE = 5;
/** Russian headers lead with their noun: «Адрес плательщика» is an address, «ЛС абонента» an account. */
const HEAD = 2;

/** Lower case, ё → е, «кол-во» → «колво», «м²» → «м2», anything but letters and digits → one space. */
export function normaliseHeader(text: string): string {
  return text
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/(?<![а-я])кол[\s.-]*во(?![а-я])/gu, 'колво')
    .replace(/м²/g, 'м2')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

type Synonym = { readonly field: RegistryField; readonly words: readonly string[] };

const SYNONYMS: readonly Synonym[] = REGISTRY_FIELDS.flatMap((field) =>
  HEADER_SYNONYMS[field].map((synonym) => ({ field, words: synonym.split(' ') })),
);

// Stems of four letters or more match the words they begin; shorter ones only whole words.
const matches = (headerWord: string, stem: string): boolean =>
  headerWord === stem || (stem.length >= 4 && headerWord.startsWith(stem));

const wordWeight = (stem: string): number => (STRONG_WORDS.has(stem) ? STRONG : WEAK_WORDS.has(stem) ? WEAK : WORD);

/** 0 unless every word of the synonym finds its own word in the header. */
function synonymScore(header: readonly string[], synonym: Synonym): number {
  const used = new Set<number>();
  let score = 0;
  for (const stem of synonym.words) {
    const at = header.findIndex((word, i) => !used.has(i) && matches(word, stem));
    if (at < 0) return 0;
    used.add(at);
    score += wordWeight(stem);
  }
  const whole = used.size === header.length;
  if (!whole && synonym.words.every((stem) => WEAK_WORDS.has(stem))) return 0;
  return score + (whole ? WHOLE : 0) + (used.has(0) ? HEAD : 0);
}

type Candidate = { readonly column: number; readonly field: RegistryField; readonly score: number };

function candidates(row: readonly (string | undefined)[]): Candidate[] {
  const found: Candidate[] = [];
  row.slice(0, MAX_COLUMNS).forEach((cell, column) => {
    if (cell === undefined || cell.length > MAX_HEADER_CELL) return;
    const header = normaliseHeader(cell).split(' ').filter(Boolean);
    if (header.length === 0) return;
    const best = new Map<RegistryField, number>();
    for (const synonym of SYNONYMS) {
      const score = synonymScore(header, synonym);
      if (score > (best.get(synonym.field) ?? 0)) best.set(synonym.field, score);
    }
    for (const [field, score] of best) found.push({ column, field, score });
  });
  return found;
}

/**
 * Greedy by score: the surest pair is taken first, and neither its column nor its field is offered again.
 * Ties go to the leftmost column, then to the field listed first in REGISTRY_FIELDS.
 */
function mapRow(row: readonly (string | undefined)[]): Partial<Record<RegistryField, number>> {
  const order = (field: RegistryField) => REGISTRY_FIELDS.indexOf(field);
  const ranked = candidates(row).sort((a, b) => b.score - a.score || a.column - b.column || order(a.field) - order(b.field));
  const mapping: Partial<Record<RegistryField, number>> = {};
  const taken = new Set<number>();
  for (const { column, field } of ranked) {
    if (taken.has(column) || mapping[field] !== undefined) continue;
    mapping[field] = column;
    taken.add(column);
  }
  return mapping;
}

/**
 * Which row is the header and which column holds which field, from common Russian, DBF and English names.
 * The header is the row of the first ten that maps the most fields (two at least); the earliest wins a tie.
 * A guess for staff to confirm, not a decision: the confirmed mapping is saved as the organisation's profile.
 */
export function guessMapping(rows: readonly (readonly (string | undefined)[])[]): HeaderMapping {
  let headerRow = -1;
  let mapping: Partial<Record<RegistryField, number>> = {};
  rows.slice(0, HEADER_SEARCH_ROWS).forEach((row, index) => {
    const candidate = mapRow(row);
    if (Object.keys(candidate).length > Math.max(1, Object.keys(mapping).length)) {
      headerRow = index;
      mapping = candidate;
    }
  });
  const taken = new Set(Object.values(mapping));
  const header = headerRow < 0 ? [] : rows[headerRow]!.slice(0, MAX_COLUMNS);
  const unmapped = header.flatMap((cell, column) => (cell?.trim() && !taken.has(column) ? [column] : []));
  return { headerRow, mapping, unmapped };
}
