import type { QueueLogger } from './queue.port.ts';

/** Used when the composition root passes no logger, so failed jobs are never silent. */
export const consoleQueueLogger: QueueLogger = {
  warn: (fields, message) => console.warn(message, fields),
  error: (fields, message) => console.error(message, fields),
};

/** Name, code and message only: a stack or `cause` may carry payload data, which logs must not hold. */
export const errorFields = (e: unknown): Record<string, unknown> => {
  if (typeof e !== 'object' || e === null) return { error: String(e) };
  const { name, code, message } = e as { name?: unknown; code?: unknown; message?: unknown };
  return { errorName: name, errorCode: code, error: message };
};
