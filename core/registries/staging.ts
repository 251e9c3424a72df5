import type { ImportRow } from './row-validate.ts';

/**
 * The import's scratch table: validated rows go in by COPY (text format), and set-based statements apply them.
 * A temporary table is private to the transaction and skips the write-ahead log, so staging costs little.
 */
export const STAGING_TABLE = 'registry_staging';

const COLUMNS: readonly (readonly [string, string, (r: ImportRow) => string | number | null])[] = [
  ['line', 'int', (r) => r.line],
  ['account', 'text', (r) => r.account],
  ['payer_name', 'text', (r) => r.payerName],
  ['address', 'text', (r) => r.address],
  ['address_key', 'text', (r) => r.addressKey],
  ['premise', 'text', (r) => r.premise],
  ['area', 'numeric', (r) => r.area],
  ['residents', 'int', (r) => r.residents],
  ['period', 'date', (r) => `${r.period}-01`],
  ['service_code', 'text', (r) => r.serviceCode],
  ['service_name', 'text', (r) => r.serviceName],
  ['service_key', 'text', (r) => r.serviceKey],
  ['method', 'text', (r) => r.method],
  ['tariff', 'numeric', (r) => r.tariff],
  ['volume', 'numeric', (r) => r.volume],
  ['accrued', 'bigint', (r) => r.accrued],
  ['recalculation', 'bigint', (r) => r.recalculation],
  ['benefit', 'bigint', (r) => r.benefit],
  ['opening_balance', 'bigint', (r) => r.openingBalance],
  ['paid', 'bigint', (r) => r.paid],
  ['to_pay', 'bigint', (r) => r.toPay],
  ['penalty', 'bigint', (r) => r.penalty],
  ['meter_number', 'text', (r) => r.meterNumber],
  ['previous_reading', 'numeric', (r) => r.previousReading],
  ['current_reading', 'numeric', (r) => r.currentReading],
  ['reading_date', 'date', (r) => r.readingDate],
  ['els', 'text', (r) => r.els],
  ['izhku', 'text', (r) => r.izhku],
  ['ipd', 'text', (r) => r.ipd],
];

export const CREATE_STAGING = `create temporary table ${STAGING_TABLE} (${COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ')}) on commit drop`;
export const COPY_STAGING = `COPY ${STAGING_TABLE} (${COLUMNS.map(([name]) => name).join(', ')}) FROM STDIN`;

// COPY text format: backslash, tab, newline and carriage return are escaped; \N is NULL.
const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const NEWLINE = 10;
/** Batches handed to COPY: large enough to keep round trips rare, small enough to stay out of the way. */
export const STAGING_BATCH_BYTES = 1 << 20;

/**
 * Writes rows as COPY text straight into a buffer: no per-row strings to concatenate and flatten later, which
 * made formatting cost more than parsing. The field order is COLUMNS' (checked at load, below).
 */
export class StagingWriter {
  private buffer = Buffer.allocUnsafe(STAGING_BATCH_BYTES * 2);
  private at = 0;
  rows = 0;

  /** The rows written since the last take, or null when fewer than a batch are waiting (unless `all`). */
  take(all = false): Buffer | null {
    if (this.at === 0 || (!all && this.at < STAGING_BATCH_BYTES)) return null;
    const out = Buffer.from(this.buffer.subarray(0, this.at));
    this.at = 0;
    return out;
  }

  add(row: ImportRow): void {
    // A row is at most a few KiB (cells are capped), so one check per row keeps the buffer from overflowing.
    if (this.at > this.buffer.length - 64 * 1024) this.grow();
    // One short string per row, written once: cheaper than a write per field, and no long rope to flatten.
    let line = '';
    for (let i = 0; i < COLUMNS.length; i++) {
      const value = COLUMNS[i]![2](row);
      const text = value === null ? '\\N' : typeof value === 'number' ? String(value)
        : SPECIAL.test(value) ? value.replace(SPECIAL_ALL, (c) => ESCAPES[c]!) : value;
      line = i === 0 ? text : `${line}\t${text}`;
    }
    this.at += this.buffer.write(line, this.at, 'utf8');
    this.buffer[this.at++] = NEWLINE;
    this.rows += 1;
  }

  private grow(): void {
    const bigger = Buffer.allocUnsafe(this.buffer.length * 2);
    this.buffer.copy(bigger, 0, 0, this.at);
    this.buffer = bigger;
  }
}

