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
const SPECIAL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function field(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return value.replace(SPECIAL, (c) => ESCAPES[c]!);
}

/** One row as a line of COPY text, newline included. */
export function stagingLine(row: ImportRow): string {
  let line = '';
  for (let i = 0; i < COLUMNS.length; i++) line += (i ? '\t' : '') + field(COLUMNS[i]![2](row));
  return `${line}\n`;
}
