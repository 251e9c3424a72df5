import { pino, type DestinationStream, type Logger } from 'pino';
import { scrub, scrubError, scrubString } from './scrub.ts';

export type { Logger } from 'pino';

/**
 * pino with every record passed through scrub(): both the merged object and the message. Error objects keep
 * only name, code and message; stacks stay, as they carry code paths, not data.
 */
export function makeLogger(options: { level?: string; destination?: DestinationStream; base?: Record<string, unknown> } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'familypay', ...options.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: {
        err: (e: unknown) => (e instanceof Error ? scrubError(e) : e),
      },
      formatters: { log: (object) => scrub(object) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? scrubString(a) : a)) as Parameters<typeof method>;
          method.apply(this, scrubbed);
        },
      },
    },
    options.destination ?? pino.destination({ fd: 1, sync: false }),
  );
}
