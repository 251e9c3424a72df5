import { open, type FileHandle } from 'node:fs/promises';
import type { ColumnMapping, RowError } from './import.types.ts';
import { MAX_REPORTED_ERRORS, type ParseEvent, type ParseStart } from './import-parse.ts';

/**
 * Sits between the parser and COPY: passes the batches of good rows on, and keeps what the report needs — the
 * start (format, mapping), the first errors with a count of all, and (for a valid-rows import) every rejected row
 * in a scratch file, so a million bad rows cost disk, not memory.
 */
export class ImportCollector {
  start: ParseStart | null = null;
  fatal: RowError | null = null;
  readonly errors: RowError[] = [];
  errorsTotal = 0;
  rows = 0;
  validRows = 0;
  unnumbered = 0;
  rejectedRows = 0;
  private scratch: FileHandle | null = null;

  constructor(private readonly scratchPath: string | null) {}

  get mapping(): ColumnMapping {
    return this.start?.mapping ?? {};
  }

  addErrors(errors: readonly RowError[], total = errors.length): void {
    this.errorsTotal += total;
    for (const e of errors) if (this.errors.length < MAX_REPORTED_ERRORS) this.errors.push(e);
  }

  /** The COPY input: batches only; everything else is recorded on the way. */
  async *batches(events: AsyncIterable<ParseEvent>): AsyncGenerator<Buffer> {
    for await (const event of events) {
      if (event.kind === 'batch') yield event.copy;
      else if (event.kind === 'start') this.start = event;
      else if (event.kind === 'fatal') this.fatal = event.error;
      else if (event.kind === 'end') {
        this.rows = event.rows;
        this.validRows = event.validRows;
        this.unnumbered = event.unnumbered;
        this.addErrors(event.fileErrors);
      } else {
        for (const row of event.rows) this.addErrors(row.errors);
        this.rejectedRows += event.rows.length;
        if (this.scratchPath) await this.keepRejected(event.rows);
      }
    }
  }

  private async keepRejected(rows: Extract<ParseEvent, { kind: 'rejected' }>['rows']): Promise<void> {
    this.scratch ??= await open(this.scratchPath!, 'w');
    const lines = rows.map((r) => JSON.stringify([r.line, r.errors.map((e) => [e.column ?? '', e.value ?? '', e.message]), r.cells]));
    await this.scratch.write(`${lines.join('\n')}\n`);
  }

  /** The rejected rows kept so far, one per line: [line, [[column, value, message]…], cells]. */
  async *rejected(): AsyncGenerator<[number, [string, string, string][], string[]]> {
    if (!this.scratch) return;
    await this.scratch.close();
    this.scratch = null;
    const file = await open(this.scratchPath!, 'r');
    try {
      for await (const line of file.readLines()) if (line) yield JSON.parse(line) as [number, [string, string, string][], string[]];
    } finally {
      await file.close();
    }
  }

  async close(): Promise<void> {
    await this.scratch?.close();
    this.scratch = null;
  }
}
