export type Delimiter = ';' | '\t' | '|' | ',';

/**
 * Tie rule: when several separators give a consistent table, the first of these wins. «;» is what Russian
 * Excel and bank registries write (the comma is the decimal separator there); a tab or «|» almost never
 * occurs inside a value; «,» comes last because decimal commas («1 234,56») and addresses («г. Пермь,
 * ул. Ленина») can line up into a false but regular table, while the reverse mistake needs a «;» in every row.
 */
export const DELIMITERS: readonly Delimiter[] = [';', '\t', '|', ','];

/** Enough records to see a pattern; the scan stops there, so the cost does not grow with the sample. */
const MAX_RECORDS = 30;
/** Title lines («Реестр начислений за март 2026», an organisation's name) allowed above the header. */
const MAX_TITLE_LINES = 10;

type Scan = { fields: number; quoted: boolean; fieldStart: boolean; blank: boolean };

/** Fields per record, RFC 4180 quotes honoured («"a;b"» is one field, «""» an escaped quote, newlines inside). */
function fieldCounts(text: string, delimiter: Delimiter): number[] {
  const counts: number[] = [];
  const s: Scan = { fields: 1, quoted: false, fieldStart: true, blank: true };
  for (let i = 0; i < text.length && counts.length < MAX_RECORDS; i++) {
    const c = text[i];
    if (s.quoted) {
      if (c === '"' && text[i + 1] === '"') i++;
      else if (c === '"') s.quoted = false;
    } else if (c === '"' && s.fieldStart) {
      Object.assign(s, { quoted: true, fieldStart: false, blank: false });
    } else if (c === delimiter) {
      Object.assign(s, { fields: s.fields + 1, fieldStart: true, blank: false });
    } else if (c === '\n' || c === '\r') {
      if (!s.blank) counts.push(s.fields); // «\r\n» ends one record, not two
      Object.assign(s, { fields: 1, fieldStart: true, blank: true });
    } else {
      s.fieldStart = false;
      if (c !== ' ') s.blank = false;
    }
  }
  // The last line of a sample may be cut off; it counts only when it is all there is.
  if (counts.length === 0 && !s.blank && !s.quoted) counts.push(s.fields);
  return counts;
}

/** The column count most records share (ties: the wider table). */
function modalCount(counts: readonly number[]): number {
  const tally = new Map<number, number>();
  for (const n of counts) tally.set(n, (tally.get(n) ?? 0) + 1);
  let best = 0;
  for (const [n, times] of tally) {
    const bestTimes = tally.get(best) ?? 0;
    if (times > bestTimes || (times === bestTimes && n > best)) best = n;
  }
  return best;
}

/**
 * Consistent: at least two columns; the records from the first one with that width on all have it, after at
 * most MAX_TITLE_LINES title lines, and at least two of them do. The final record may differ (a Sberbank «=count;total» line, or a sample
 * cut mid-line); beyond ten records one stray in ten is forgiven (a row an exporter left ragged).
 */
function isConsistent(counts: readonly number[]): boolean {
  const columns = modalCount(counts);
  if (columns < 2) return false;
  const first = counts.indexOf(columns);
  if (first > MAX_TITLE_LINES) return false;
  const rest = counts.slice(first);
  const body = rest.length > 1 && rest.at(-1) !== columns ? rest.slice(0, -1) : rest;
  const strays = body.filter((n) => n !== columns).length;
  // One matching line among several is a coincidence, not a table; a lone header line is a table.
  const enough = counts.length === 1 || body.length - strays >= 2;
  return enough && strays <= Math.floor(body.length / 10);
}

/**
 * The separator of a delimited text from its first lines, or null when none gives a regular table. A
 * separator that splits every line but unevenly is a ragged table in that separator: then null, because
 * falling through to a later one is how decimal commas get taken for columns.
 */
export function detectDelimiter(sampleText: string): Delimiter | null {
  for (const delimiter of DELIMITERS) {
    const counts = fieldCounts(sampleText, delimiter);
    if (isConsistent(counts)) return delimiter;
    if (counts.length > 1 && counts.every((n) => n >= 2)) return null;
  }
  return null;
}
