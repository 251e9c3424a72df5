import type { Em } from '../infra/database/database.ts';
import { translate, type Clock } from '../shared/index.ts';
import { storeFileIn } from './file-store.ts';
import type { ImportCollector } from './import-collect.ts';
import type { AssignedNumber } from './import.types.ts';
import { writeDelimited } from './writer.ts';

export type ReportFiles = { readonly rejectedSha256: string | null; readonly assignedSha256: string | null };

const t = (key: string) => translate('ru', `registries.${key}`);
// UTF-8 with a BOM and «;»: what Russian Excel opens by a double click; formulas are neutralised (R7).
const CSV = { encoding: 'utf-8', delimiter: ';', bom: true, guardFormulas: true } as const;
const baseName = (name: string) => name.replace(/\.[^.]+$/, '');

/**
 * The files a report points to, stored with the import in its transaction: the rejected rows of a valid-rows
 * import (where, what, the message, then the row as it was) and every account number FamilyPay assigned.
 */
export async function storeReportFiles(em: Em, clock: Clock, orgId: string, name: string, collector: ImportCollector, assigned: readonly AssignedNumber[]): Promise<ReportFiles> {
  let rejectedSha256: string | null = null;
  if (collector.rejectedRows > 0 || (collector.errorsTotal > 0)) {
    const header = [t('rejected.line'), t('rejected.column'), t('rejected.value'), t('rejected.error')];
    const rows = rejectedLines(collector);
    const stored = await storeFileIn(em, clock, orgId, { name: `${baseName(name)}.rejected.csv`, mediaType: 'text/csv', content: writeDelimited(header, rows, CSV) });
    rejectedSha256 = stored.sha256;
  }
  let assignedSha256: string | null = null;
  if (assigned.length > 0) {
    const header = [t('assigned.line'), t('assigned.address'), t('assigned.premise'), t('assigned.number')];
    const rows = assigned.map((a) => [String(a.line), a.address, a.premise, a.number]);
    const stored = await storeFileIn(em, clock, orgId, { name: `${baseName(name)}.assigned.csv`, mediaType: 'text/csv', content: writeDelimited(header, rows, CSV) });
    assignedSha256 = stored.sha256;
  }
  return { rejectedSha256, assignedSha256 };
}

/** Rows refused while reading (with their cells), then those refused across rows (duplicates, conflicts). */
async function* rejectedLines(collector: ImportCollector): AsyncGenerator<string[]> {
  const seen = new Set<number>();
  for await (const [line, problems, cells] of collector.rejected()) {
    seen.add(line);
    yield [String(line), problems.map((p) => p[0]).join(', '), problems.map((p) => p[1]).join(', '), problems.map((p) => p[2]).join(' '), ...cells];
  }
  for (const e of collector.errors) {
    if (e.line !== null && seen.has(e.line)) continue;
    yield [e.line === null ? '' : String(e.line), e.column ?? '', e.value ?? '', e.message];
  }
}
