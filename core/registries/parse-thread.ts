import { open } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { parseRegistry, type ParseEvent, type ParseSetup } from './import-parse.ts';

/**
 * Large XLSX books are parsed in a worker thread with a roomier young generation; everything else in the calling
 * thread. Measured on 200 000–1 000 000-row files: exceljs makes so many short-lived objects that the default young
 * generation spent a third of the time collecting (9.5 s in the worker against 15 s here), while text and DBF
 * parse as fast here as there, and the worker's second module graph costs 200 MiB of memory.
 */
export const THREAD_FROM_BYTES = 8 * 1024 * 1024;
const ZIP_MAGIC = Buffer.from('PK\x03\x04', 'latin1');

async function wantsThread(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    if (size < THREAD_FROM_BYTES) return false;
    const head = Buffer.alloc(4);
    await file.read(head, 0, 4, 0);
    return head.equals(ZIP_MAGIC);
  } finally {
    await file.close();
  }
}
const WORKER = new URL('./parse-worker.boot.js', import.meta.url);
const YOUNG_GENERATION_MB = 64;

/** The registry's parse events, from a worker thread for large XLSX books, in order, with back-pressure. */
export async function* parseEvents(setup: ParseSetup): AsyncGenerator<ParseEvent> {
  if (!(await wantsThread(setup.path))) {
    yield* parseRegistry(setup);
    return;
  }
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
