import { basename } from 'node:path';
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { ImportReport, RegistryEncoding } from '../core/registries/index.ts';
import { parseEncodingName, DELIMITERS } from '../core/registries/index.ts';
import { formatRubles, kopecks, translate } from '../core/shared/index.ts';
import type { App } from './compose.ts';

const text = (key: string, vars: Readonly<Record<string, unknown>> = {}) => translate('ru', `cli.${key}`, vars);

/** The `--json` line: exactly the fields the issue names, plus the status. */
export function jsonSummary(r: ImportReport): string {
  return JSON.stringify({
    file: r.file, sha256: r.sha256, format: r.format, encoding: r.encoding, rows: r.rows,
    accounts: { created: r.accounts.created, updated: r.accounts.updated }, lines: r.lines, totalKop: r.totalKop,
    errors: r.errors.map((e) => ({ line: e.line, column: e.column, message: e.message })), applied: r.applied, status: r.status,
  });
}

/**
 * `familypay import FILE --org SLUG [--profile NAME] [--encoding ENC] [--dry-run] [--valid-rows] [--period MM.YYYY]
 * [--save-profile NAME] [--no-totals-check] [--json]`: 0 when applied (or a clean dry run, or already imported), 1 when refused.
 */
export async function importCommand(app: App, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: {
      org: { type: 'string' }, profile: { type: 'string' }, encoding: { type: 'string' }, delimiter: { type: 'string' },
      period: { type: 'string' }, 'dry-run': { type: 'boolean' }, 'valid-rows': { type: 'boolean' }, 'save-profile': { type: 'string' },
      'no-totals-check': { type: 'boolean' }, json: { type: 'boolean' },
    },
  });
  const [file] = positionals;
  if (!file || positionals.length > 1 || !values.org) { console.error(text('importUsage')); return 2; }
  const encoding: RegistryEncoding | null = values.encoding ? parseEncodingName(values.encoding) : null;
  if (values.encoding && !encoding) { console.error(translate('ru', 'REGISTRIES.ENCODING_UNKNOWN', { encoding: values.encoding })); return 2; }
  const delimiter = values.delimiter === 'tab' ? '\t' : values.delimiter;
  if (delimiter && !DELIMITERS.includes(delimiter as never)) { console.error(text('importUsage')); return 2; }
  const orgId = await app.orgs.orgIdBySlug(values.org);
  if (!orgId) { console.error(text('importNoOrg', { slug: values.org })); return 2; }
  if (!(await stat(file).catch(() => null))?.isFile()) { console.error(text('importNoFile', { file })); return 2; }
  const report = await app.registries.importPath(orgId, file, basename(file), {
    source: 'cli', actor: { userId: null, label: 'cli' },
    ...(values.profile ? { profileName: values.profile } : {}), ...(encoding ? { encoding } : {}),
    ...(delimiter ? { delimiter: delimiter as never } : {}), ...(values.period ? { period: toPeriod(values.period) } : {}),
    dryRun: values['dry-run'] === true, validRowsOnly: values['valid-rows'] === true,
    ...(values['no-totals-check'] ? { totalsCheck: false } : {}),
    ...(values['save-profile'] ? { saveProfileAs: values['save-profile'] } : {}),
  });
  printReport(report);
  if (values.json) console.log(jsonSummary(report));
  return report.status === 'rejected' ? 1 : 0;
}

/** «03.2026» or «2026-03» → '2026-03'; anything else is passed on for the import to refuse. */
const toPeriod = (s: string) => (/^\d{2}\.\d{4}$/.test(s) ? `${s.slice(3)}-${s.slice(0, 2)}` : s);

function printReport(r: ImportReport): void {
  const say = (key: string, vars: Record<string, unknown> = {}) => console.log(text(key, vars));
  say(`importStatus_${r.status}`, { file: r.file, previous: r.previous?.importId ?? '', at: r.previous?.at ?? '' });
  if (r.format) say('importFormat', { format: r.format.toUpperCase(), encoding: r.encoding ?? '—', sha256: r.sha256 });
  if (r.status === 'applied' || r.status === 'dry_run') {
    say('importCounts', { rows: r.rows, lines: r.lines, total: formatRubles(kopecks(r.totalKop)), created: r.accounts.created, updated: r.accounts.updated, buildings: r.buildingsCreated, premises: r.premisesCreated, readings: r.readings });
    for (const a of r.accounts.assigned.slice(0, 20)) say('importAssigned', a);
    if (r.accounts.assigned.length > 20) say('importAssignedMore', { more: r.accounts.assigned.length - 20 });
    for (const s of r.servicesCreated) say('importServiceCreated', s);
  }
  for (const e of r.errors.slice(0, 50)) console.error(e.message);
  if (r.errorsTotal > 50) console.error(text('importErrorsMore', { more: r.errorsTotal - 50 }));
  if (r.rejectedRows > 0) say('importRejected', { rows: r.rejectedRows, sha256: r.rejectedSha256 ?? '' });
}
