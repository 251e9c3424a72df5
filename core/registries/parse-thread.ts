import { stat } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { parseRegistry, type ParseEvent, type ParseSetup } from './import-parse.ts';

/**
 * Files this large are parsed in a worker thread; smaller ones in the calling thread, where the worker's start
 * (loading the module graph again, about half a second) would cost more than the overlap gains.
 */
export const THREAD_FROM_BYTES = 8 * 1024 * 1024;
const WORKER = new URL('./parse-worker.boot.js', import.meta.url);
const YOUNG_GENERATION_MB = 64;

/** The registry's parse events, from a worker thread for large files, in order, with back-pressure. */
export async function* parseEvents(setup: ParseSetup): AsyncGenerator<ParseEvent> {
  if ((await stat(setup.path)).size < THREAD_FROM_BYTES) {
    yield* parseRegistry(setup);
    return;
  }
  // A roomier young generation: parsing makes millions of short-lived strings and objects, and with the default
  // (16 MiB semi-spaces) the collector ran a third of the time on large XLSX sheets.
  const worker = new Worker(WORKER, { workerData: setup, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
  const queue: (ParseEvent | { kind: 'done' } | { kind: 'crash'; message: string })[] = [];
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  worker.on('message', (message: ParseEvent) => {
    // Transferred buffers arrive as Uint8Arrays: give COPY a Buffer again.
    queue.push(message.kind === 'batch' ? { ...message, copy: Buffer.from(message.copy.buffer, message.copy.byteOffset, message.copy.byteLength) } : message);
    wake?.();
  });
  worker.on('error', (e) => { failure = e; wake?.(); });
  worker.on('exit', (code) => { if (code !== 0 && !failure) failure = new Error(`registry parser thread exited with ${code}`); wake?.(); });
  try {
    for (;;) {
      while (queue.length === 0 && !failure) await new Promise<void>((r) => { wake = r; });
      const next = queue.shift();
      wake = null;
      if (!next) throw failure!;
      if (next.kind === 'done') return;
      if (next.kind === 'crash') throw new Error(`registry parser thread: ${next.message}`);
      if (next.kind === 'batch') worker.postMessage('ack');
      yield next;
    }
  } finally {
    await worker.terminate();
  }
}
