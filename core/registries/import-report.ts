import type { Database, Em } from '../infra/database/database.ts';
import type { ApplyCounts } from './import-apply.ts';
import type { ImportCollector } from './import-collect.ts';
import type { ImportOptions, ImportReport, ImportStatus } from './import.types.ts';
import { RegistryImport } from './registry.entity.ts';
import type { ReportFiles } from './import-files.ts';

type Base = { readonly file: { readonly name: string; readonly sha256: string; readonly size: number }; readonly profile: { readonly name: string } | null };

export function emptyReport(input: Base): ImportReport {
  return {
    importId: null, status: 'rejected', applied: false, previous: null, file: input.file.name, sha256: input.file.sha256,
    size: input.file.size, format: null, encoding: null, profile: input.profile?.name ?? null, mapping: {}, rows: 0, lines: 0,
    totalKop: 0, accounts: { created: 0, updated: 0, assigned: [] }, buildingsCreated: 0, premisesCreated: 0, servicesCreated: [],
    readings: 0, errors: [], errorsTotal: 0, rejectedRows: 0, rejectedSha256: null, assignedSha256: null, durationMs: 0, phases: {},
  };
}

/** The assigned numbers listed in the report itself; all of them are in the stored list (assignedSha256). */
const REPORTED_ASSIGNED = 1_000;

type Outcome = {
  readonly importId: string | null;
  readonly collector: ImportCollector;
  readonly counts: ApplyCounts | null;
  readonly totalKop: number;
  readonly files: ReportFiles | null;
  readonly started: number;
  readonly status: ImportStatus;
  readonly phases: Readonly<Record<string, number>>;
};

export function reportOf(base: ImportReport, o: Outcome): ImportReport {
  const { collector: c, counts } = o;
  return {
    ...base,
    importId: o.importId,
    status: o.status,
    applied: o.status === 'applied',
    format: c.start?.format ?? null,
    encoding: c.start?.encoding ?? null,
    mapping: c.mapping,
    rows: c.rows,
    lines: counts?.lines ?? 0,
    totalKop: o.totalKop,
    accounts: counts
      ? { created: counts.accountsCreated, updated: counts.accountsUpdated, assigned: counts.assigned.slice(0, REPORTED_ASSIGNED) }
      : base.accounts,
    buildingsCreated: counts?.buildingsCreated ?? 0,
    premisesCreated: counts?.premisesCreated ?? 0,
    servicesCreated: counts?.servicesCreated ?? [],
    readings: counts?.readings ?? 0,
    errors: c.fatal ? [c.fatal, ...c.errors] : c.errors,
    errorsTotal: c.errorsTotal + (c.fatal ? 1 : 0),
    rejectedRows: o.status === 'applied' ? c.rejectedRows : 0,
    rejectedSha256: o.files?.rejectedSha256 ?? null,
    assignedSha256: o.files?.assignedSha256 ?? null,
    durationMs: Math.round(performance.now() - o.started),
    phases: { ...o.phases },
  };
}

export async function recordImport(em: Em, orgId: string, report: ImportReport, extra: { options: ImportOptions; at: Date }): Promise<void> {
  em.create(RegistryImport, {
    id: report.importId!, org: orgId, fileSha256: report.sha256, fileName: report.file.slice(0, 255), format: report.format ?? '?',
    encoding: report.encoding, profileName: report.profile, status: report.status === 'applied' ? 'applied' : 'rejected',
    validRowsOnly: extra.options.validRowsOnly === true, rows: report.rows, lines: report.lines, totalKop: report.totalKop,
    accountsCreated: report.accounts.created, accountsUpdated: report.accounts.updated, errorsCount: report.errorsTotal,
    report: structuredClone(report) as unknown as Record<string, unknown>, rejectedSha256: report.rejectedSha256, source: extra.options.source,
    actorId: extra.options.actor.userId, actorLabel: extra.options.actor.label.slice(0, 254), createdAt: extra.at,
  });
}

export async function findApplied(db: Database, orgId: string, sha256: string): Promise<{ importId: string; at: string } | null> {
  const row = await db.withTenant(orgId, (em) => em.findOne(RegistryImport, { org: orgId, fileSha256: sha256, status: 'applied' }));
  return row ? { importId: row.id, at: row.createdAt.toISOString() } : null;
}
