import type { QueueLogger } from './queue.port.ts';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls instead of sleeping a fixed time, so fast adapters finish fast and slow ones still pass. */
export const waitFor = async (condition: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
};

export type LogEntry = { readonly level: 'warn' | 'error'; readonly fields: Record<string, unknown>; readonly message: string };

export const recordingLogger = (): QueueLogger & { readonly entries: LogEntry[] } => {
  const entries: LogEntry[] = [];
  return {
    entries,
    warn: (fields, message) => entries.push({ level: 'warn', fields, message }),
    error: (fields, message) => entries.push({ level: 'error', fields, message }),
  };
};

export const silentLogger: QueueLogger = { warn: () => undefined, error: () => undefined };
