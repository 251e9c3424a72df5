import type { ErrorCode } from './error-codes.ts';

/**
 * An error a user can cause or meet. `code` keys the message in locales/; `field` names what to fix;
 * `vars` fill the message. Across queues and processes recognise it by `code`, never by instanceof.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly vars: Readonly<Record<string, string | number>>;

  constructor(code: ErrorCode, options: { field?: string; vars?: Record<string, string | number>; cause?: unknown } = {}) {
    super(options.field ? `${code} (${options.field})` : code, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.field = options.field;
    this.vars = options.vars ?? {};
  }
}

export const isAppError = (e: unknown): e is AppError =>
  typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' && (e as Error).name === 'AppError';
