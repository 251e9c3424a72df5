import { parentPort, workerData } from 'node:worker_threads';
import { parseRegistry, type ParseSetup } from './import-parse.ts';

/**
 * The parser's thread (parse-thread.ts starts it): reads, validates and formats the registry while the main
 * thread feeds COPY, so decoding a million rows and PostgreSQL writing them overlap. At most IN_FLIGHT batches
 * wait unacknowledged: memory stays bounded however slow the database is.
 */
const IN_FLIGHT = 4;
const port = parentPort!;
let unacknowledged = 0;
let resume: (() => void) | null = null;
port.on('message', () => {
  unacknowledged -= 1;
  resume?.();
  resume = null;
});

try {
  for await (const event of parseRegistry(workerData as ParseSetup)) {
    if (event.kind === 'batch') {
      // A copy of its own to transfer: a small Buffer may sit in Node's shared pool, which must not be detached.
      const bytes = new Uint8Array(event.copy);
      port.postMessage({ ...event, copy: bytes }, [bytes.buffer]);
      unacknowledged += 1;
      while (unacknowledged >= IN_FLIGHT) await new Promise<void>((r) => { resume = r; });
    } else {
      port.postMessage(event);
    }
  }
  port.postMessage({ kind: 'done' });
} catch (e) {
  port.postMessage({ kind: 'crash', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
}
