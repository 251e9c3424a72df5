/**
 * Errors of the MAX adapter, recognised across queues by `code` (STYLE.md «Errors»). Messages name the operation
 * (`POST /messages`) and MAX's error key only: never the token, a query string (it carries chat and user ids) or
 * MAX's free-text message (it may echo what we sent).
 */

/** MAX refused the request (4xx other than 429, or `success: false`): retrying the same request will not help. */
export class MaxApiError extends Error {
  readonly code = 'MAX.API_REFUSED';
  readonly permanent = true;
  constructor(readonly operation: string, readonly status: number, readonly apiCode: string) {
    super(`MAX ${operation} refused: HTTP ${status} ${apiCode}`);
    this.name = 'MaxApiError';
  }
}

/** MAX could not be reached or failed (network, timeout, 5xx): the queue retries with backoff. */
export class MaxUnavailableError extends Error {
  readonly code = 'MAX.UNAVAILABLE';
  readonly retryable = true;
  constructor(readonly operation: string, detail: string, options?: { cause?: unknown }) {
    super(`MAX ${operation} unavailable: ${detail}`, options);
    this.name = 'MaxUnavailableError';
  }
}

/** An outbound message names no active MAX connection (deleted or switched off in admin). */
export class MaxConnectionError extends Error {
  readonly code = 'MAX.NO_CONNECTION';
  readonly permanent = true;
  constructor(readonly connectionId: string | null) {
    super(`no active MAX connection ${connectionId ?? '(none)'}`);
    this.name = 'MaxConnectionError';
  }
}

// MAX's error keys look like `verify.token`, `attachment.not.ready`; anything else is not passed on.
export const apiCodeOf = (body: unknown): string => {
  const code = typeof body === 'object' && body !== null ? (body as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[\w.-]{1,64}$/.test(code) ? code : 'unknown';
};
