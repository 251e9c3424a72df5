import { open } from 'node:fs/promises';
import { decode, detectEncoding, REGISTRY_ENCODINGS, SAMPLE_BYTES } from './encoding.calc.ts';
import { HEADER_SEARCH_ROWS } from './headers.calc.ts';
import { locateHeader, readerChoices, type ProfileColumns } from './columns.ts';
import type { PreviewResult, ReadOptions } from './import.types.ts';
import { openRegistry } from './open-registry.ts';
import { RegistryReadError, type RawRow } from './reader.ts';
import { fromAppError } from './row-error.ts';

const PREVIEW_ROWS = 20;
const SAMPLE_LINES = 8;

type FileRef = { readonly path: string; readonly name: string; readonly sha256: string };

/** What staff confirm before an import: format, encoding, the mapping (saved, guessed or theirs) and the first rows. */
export async function previewFile(file: FileRef, options: ReadOptions, profile: ProfileColumns | null, profiles: readonly string[]): Promise<PreviewResult> {
  const base = { sha256: file.sha256, file: file.name };
  try {
    const opened = await openRegistry(file.path, { name: file.name, maxRows: HEADER_SEARCH_ROWS + PREVIEW_ROWS, ...readerChoices(options) });
    const rows: RawRow[] = [];
    for await (const row of opened.rows()) rows.push(row);
    // An unresolved mapping still previews: staff map the columns by hand.
    const { resolved, header, headerLine, bodyStart } = locateHeader(opened.fieldNames, rows, options, profile, file.name);
    const body = rows.slice(bodyStart, bodyStart + PREVIEW_ROWS);
    const width = Math.max(header.length, ...body.map((r) => r.cells.length));
    return {
      kind: 'ok', ...base, format: opened.format, encoding: opened.encoding, delimiter: opened.delimiter,
      headerLine,
      columns: Array.from({ length: width }, (_, index) => ({ index, label: opened.columnLabel(index), title: header[index] ?? '' })),
      mapping: 'code' in resolved ? {} : resolved.mapping,
      mappingSource: 'code' in resolved ? 'guess' : resolved.source,
      rows: body, profiles,
    };
  } catch (e) {
    if (!(e instanceof RegistryReadError)) throw e;
    if (e.error.code === 'REGISTRIES.ENCODING_AMBIGUOUS') return { kind: 'ambiguous', ...base, candidates: await samples(file.path) };
    return { kind: 'unreadable', ...base, error: fromAppError(e.error) };
  }
}

/** The first lines decoded in each plausible code page, best first, for staff to see which reads as Russian. */
async function samples(path: string): Promise<{ encoding: (typeof REGISTRY_ENCODINGS)[number]; sample: string[] }[]> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(SAMPLE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SAMPLE_BYTES, 0);
    const bytes = buffer.subarray(0, bytesRead);
    const guess = detectEncoding(bytes);
    const order = guess.kind === 'ambiguous' ? [...guess.candidates, ...REGISTRY_ENCODINGS.filter((e) => !guess.candidates.includes(e))] : REGISTRY_ENCODINGS;
    return order.map((encoding) => ({ encoding, sample: decode(bytes, encoding).split(/\r?\n/).slice(0, SAMPLE_LINES) }));
  } finally {
    await handle.close();
  }
}
