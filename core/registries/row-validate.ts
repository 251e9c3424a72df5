import { addressKey } from '../accounts/index.ts';
import type { ErrorCode } from '../shared/index.ts';
import type { RegistryField } from './header-synonyms.calc.ts';
import type { ColumnMapping } from './import.types.ts';
import {
  accountCell, amountCell, areaCell, dateCell, decimalCell, elsCell, methodCell, periodCell, residentsCell, splitPremise,
  textCell, type CellCheck,
} from './row-cells.ts';

/** One data row as the import stores it: exact text for decimals, kopecks for money, null where the file is silent. */
export type ImportRow = {
  readonly line: number;
  readonly account: string | null;
  readonly payerName: string | null;
  readonly address: string | null;
  readonly addressKey: string | null;
  readonly premise: string | null;
  readonly area: string | null;
  readonly residents: number | null;
  /** 'YYYY-MM'. */
  readonly period: string;
  readonly serviceCode: string | null;
  readonly serviceName: string | null;
  /** What the service is matched by: its code, else its name (lower case). */
  readonly serviceKey: string;
  readonly method: string | null;
  readonly tariff: string | null;
  readonly volume: string | null;
  readonly accrued: number | null;
  readonly recalculation: number | null;
  readonly benefit: number | null;
  readonly openingBalance: number | null;
  readonly paid: number | null;
  readonly toPay: number | null;
  readonly penalty: number | null;
  readonly meterNumber: string | null;
  readonly previousReading: string | null;
  readonly currentReading: string | null;
  readonly readingDate: string | null;
  readonly els: string | null;
  readonly izhku: string | null;
  readonly ipd: string | null;
};

/** A problem in one row; column is the 0-based index of the cell at fault, null for the row as a whole. */
export type RowProblem = { readonly code: ErrorCode; readonly column: number | null; readonly value: string | null; readonly params?: Record<string, string | number> };

export const MONEY_FIELDS = ['accrued', 'recalculation', 'benefit', 'openingBalance', 'paid', 'toPay', 'penalty'] as const;

const CHECKS = {
  account: accountCell, payerName: textCell(300), address: textCell(500), premise: textCell(32), area: areaCell,
  residents: residentsCell, period: periodCell, serviceCode: textCell(32), serviceName: textCell(200), method: methodCell,
  tariff: decimalCell(4), volume: decimalCell(6), accrued: amountCell, recalculation: amountCell, benefit: amountCell,
  openingBalance: amountCell, paid: amountCell, toPay: amountCell, penalty: amountCell, meterNumber: textCell(32),
  previousReading: decimalCell(4, true), currentReading: decimalCell(4, true), readingDate: dateCell, els: elsCell,
  izhku: textCell(20), ipd: textCell(40),
} satisfies Record<RegistryField, (text: string) => CellCheck<unknown>>;

type Values = { -readonly [F in RegistryField]: ReturnType<(typeof CHECKS)[F]> extends CellCheck<infer T> ? T | null : never };

/** The service every line of a file without a service column is booked to (a bank's debt registry: ЛС, ФИО, долг). */
export const WHOLE_ACCOUNT_SERVICE = { code: 'ЛС', name: 'Задолженность по лицевому счёту' } as const;

export type RowContext = {
  readonly mapping: ColumnMapping;
  /** 'YYYY-MM' for rows without a period (a file-wide period). */
  readonly period: string | null;
};

export type RowOutcome = { readonly ok: true; readonly row: ImportRow } | { readonly ok: false; readonly problems: readonly RowProblem[] };

type Step = {
  readonly field: RegistryField;
  readonly column: number;
  readonly check: (text: string) => CellCheck<unknown>;
  /** Verdicts of the values seen, for columns whose values repeat; null for amounts, which rarely do. */
  readonly seen: Map<string, CellCheck<unknown>> | null;
};

/** Amounts and readings differ row to row: remembering them would cost more than reading them again. */
const UNREPEATED: ReadonlySet<RegistryField> = new Set([...MONEY_FIELDS, 'volume', 'previousReading', 'currentReading']);
/** A column remembers this many distinct values, then starts over: enough for a file's services and periods. */
const SEEN_LIMIT = 256;

/**
 * Validates the rows of one file. Registries repeat themselves (an account's five services share its name,
 * address and period; service codes and tariffs cycle), so such columns remember the verdicts of the values
 * they have seen: a repeated value costs one lookup, and a million rows stay cheap.
 */
export function rowValidator(context: RowContext): (line: number, cells: readonly string[]) => RowOutcome {
  const steps: Step[] = (Object.entries(context.mapping) as [RegistryField, number][])
    .map(([field, column]) => ({ field, column, check: CHECKS[field], seen: UNREPEATED.has(field) ? null : new Map() }));
  let lastAddress: string | null = null;
  let lastKey: string | null = null;
  const keyOf = (address: string) => {
    if (address !== lastAddress) {
      lastAddress = address;
      lastKey = addressKey(address);
    }
    return lastKey!;
  };
  return (line, cells) => {
    let problems: RowProblem[] | null = null;
    const values = {} as Values;
    for (const step of steps) {
      const text = (cells[step.column] ?? '').trim();
      if (text === '') continue;
      let checked = step.seen?.get(text);
      if (!checked) {
        checked = text.includes('\uFFFD') ? { ok: false, code: 'REGISTRIES.CELL_GARBLED' } : step.check(text);
        if (step.seen) {
          if (step.seen.size >= SEEN_LIMIT) step.seen.clear();
          step.seen.set(text, checked);
        }
      }
      if (checked.ok) (values as Record<string, unknown>)[step.field] = checked.value;
      else {
        const value = checked.code === 'REGISTRIES.CELL_GARBLED' ? null : text.slice(0, 100);
        (problems ??= []).push({ code: checked.code, column: step.column, value, ...(checked.params ? { params: checked.params } : {}) });
      }
    }
    if (problems) return { ok: false, problems };
    return completeRow(line, values, context, keyOf);
  };
}


function completeRow(line: number, v: Values, context: RowContext, keyOf: (address: string) => string): RowOutcome {
  const problems: RowProblem[] = [];
  let address = v.address ?? null;
  let premise = v.premise ?? null;
  if (address && !premise) {
    const split = splitPremise(address);
    if (split) ({ address, premise } = split);
  }
  if (!v.account && !(address && premise)) problems.push({ code: 'REGISTRIES.ROW_NO_ACCOUNT', column: null, value: null });
  const period = v.period ?? context.period;
  if (!period) problems.push({ code: 'REGISTRIES.ROW_NO_PERIOD', column: context.mapping.period ?? null, value: null });
  const serviceColumns = context.mapping.serviceCode !== undefined || context.mapping.serviceName !== undefined;
  const serviceCode = v.serviceCode ?? (serviceColumns ? null : WHOLE_ACCOUNT_SERVICE.code);
  const serviceName = v.serviceName ?? (serviceColumns ? null : WHOLE_ACCOUNT_SERVICE.name);
  if (!serviceCode && !serviceName) problems.push({ code: 'REGISTRIES.ROW_NO_SERVICE', column: null, value: null });
  if (MONEY_FIELDS.every((f) => v[f] === undefined || v[f] === null)) problems.push({ code: 'REGISTRIES.ROW_NO_AMOUNT', column: null, value: null });
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    row: {
      line, account: v.account ?? null, payerName: v.payerName ?? null, address, addressKey: address ? keyOf(address) : null,
      premise, area: v.area ?? null, residents: v.residents ?? null, period: period!, serviceCode, serviceName,
      serviceKey: serviceCode ? `code:${serviceCode}` : `name:${serviceName!.toLowerCase()}`,
      method: v.method ?? null, tariff: v.tariff ?? null, volume: v.volume ?? null,
      accrued: v.accrued ?? null, recalculation: v.recalculation ?? null, benefit: v.benefit ?? null,
      openingBalance: v.openingBalance ?? null, paid: v.paid ?? null, toPay: v.toPay ?? null, penalty: v.penalty ?? null,
      meterNumber: v.meterNumber ?? null, previousReading: v.previousReading ?? null, currentReading: v.currentReading ?? null,
      readingDate: v.readingDate ?? null, els: v.els ?? null, izhku: v.izhku ?? null, ipd: v.ipd ?? null,
    },
  };
}
