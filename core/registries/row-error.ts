import { translate, type AppError, type ErrorCode } from '../shared/index.ts';
import type { RowError } from './import.types.ts';

/** A problem as staff read it: where (line, column as their program names it), what, and the Russian message. */
export function rowError(code: ErrorCode, line: number | null, column: string | null, value: string | null, params: Record<string, string | number> = {}): RowError {
  const full = { ...params, ...(line !== null ? { line } : {}), ...(column !== null ? { column } : {}), ...(value !== null ? { value } : {}) };
  return { line, column, value, code, params: full, message: translate('ru', code, full) };
}

export const fromAppError = (error: AppError): RowError =>
  rowError(error.code, typeof error.vars.line === 'number' ? error.vars.line : null, null, null, { ...error.vars });
