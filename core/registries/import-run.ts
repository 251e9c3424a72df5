import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { recordAudit } from '../audit/index.ts';
import type { Database, Em } from '../infra/database/database.ts';
import { newId, type Clock } from '../shared/index.ts';
import { crossRowProblems } from './import-checks.ts';
import { applyStaged, CrossRowConflict, ImportRefused, type ApplyCounts } from './import-apply.ts';
import { ImportCollector } from './import-collect.ts';
import type { ParseSetup } from './import-parse.ts';
import { parseEvents } from './parse-thread.ts';
import { storeReportFiles } from './import-files.ts';
import { emptyReport, reportOf, recordImport, findApplied } from './import-report.ts';
import type { ImportOptions, ImportReport } from './import.types.ts';
import { rowError } from './row-error.ts';
import { COPY_STAGING, CREATE_STAGING, STAGING_TABLE } from './staging.ts';
import type { ProfileColumns } from './columns.ts';
import { saveProfileIn } from './profiles.ts';

export type RunInput = {
  readonly orgId: string;
  readonly path: string;
  readonly file: { readonly name: string; readonly sha256: string; readonly size: number };
  readonly options: ImportOptions;
  readonly profile: (ProfileColumns & { readonly totalsCheck: boolean }) | null;
  /** The file being stored meanwhile: nothing that names it is recorded before it is. */
  readonly stored?: Promise<unknown>;
};

const IMPORT_LOCK = 43_219_870;

/** Leaves the transaction without applying anything; the collector already holds the report. */
class Rollback extends Error {
  constructor(readonly applied: (ApplyCounts & { totalKop: number }) | null) {
    super('import rolled back');
  }
}

/**
 * One import: parse in a stream into the staging table (COPY), check, apply — all in one tenant transaction, so a
 * file applies whole or not at all. Errors (unless staff chose the valid rows), dry runs and crashes roll back.
 */
export async function runImport(deps: { db: Database; clock: Clock }, input: RunInput): Promise<ImportReport> {
  const { db, clock } = deps;
  const { orgId, options } = input;
  const started = performance.now();
  const base = emptyReport(input);
  const previous = await findApplied(db, orgId, input.file.sha256);
  if (previous) return { ...base, status: 'already_imported', previous, durationMs: Math.round(performance.now() - started) };
  const keepValid = options.validRowsOnly === true;
  const scratch = keepValid ? path.join(tmpdir(), `familypay-rejected-${newId()}.jsonl`) : null;
  const collector = new ImportCollector(scratch);
  const setup: ParseSetup = {
    path: input.path, name: input.file.name, options, profile: input.profile, totalsCheck: options.totalsCheck ?? input.profile?.totalsCheck ?? true, keepValid,
  };
  const importId = newId();
  const at = clock.now();
  const phases: Record<string, number> = {};
  let lapStarted = performance.now();
  const lap = (phase: string) => {
    phases[phase] = Math.round(performance.now() - lapStarted);
    lapStarted = performance.now();
  };
  try {
    const applied = await db.withTenant(orgId, async (em) => {
      // One import of an organisation at a time: a second waits, then finds its accounts made by the first.
      await em.execute('select pg_advisory_xact_lock(?::int, hashtext(?))', [IMPORT_LOCK, orgId]);
      await em.execute(CREATE_STAGING);
      await db.copyFrom(em, COPY_STAGING, collector.batches(parseEvents(setup)));
      lap('parseAndCopy');
      if (collector.fatal) throw new Rollback(null);
      // A file refused anyway gets the whole list; a valid-rows import drops the repeats before applying. A clean
      // file skips the search: the apply itself trips over a repeat (below) far more cheaply than looking for one.
      if (keepValid || collector.errorsTotal > 0) {
        const cross = await crossRowProblems(em, keepValid);
        collector.addErrors(cross.errors, cross.total);
        if (!keepValid) throw new Rollback(null);
        lap('crossRowChecks');
      }
      const left = await stagedCount(em);
      if (left === 0 && collector.errorsTotal > 0) throw new Rollback(null);
      const counts = await applyOrExplain(em, collector, { em, orgId, importId, recipientId: await firstRecipient(em, orgId), at, lap, unnumbered: collector.unnumbered });
      const totalKop = await stagedTotal(em, collector.start?.moneyField ?? null);
      if (options.dryRun) throw new Rollback({ ...counts, totalKop });
      lap('total');
      await input.stored;
      const files = await storeReportFiles(em, clock, orgId, input.file.name, collector, counts.assigned);
      const report = reportOf(base, { importId, collector, counts, totalKop, files, started, status: 'applied', phases });
      await recordImport(em, orgId, report, { options, at });
      recordAudit(em, orgId, options.actor, {
        action: 'registry.import', entityType: 'registry_import', entityId: importId,
        changes: { file: [null, input.file.name], lines: [null, counts.lines], accountsCreated: [null, counts.accountsCreated] },
      }, at);
      if (options.saveProfileAs && collector.start) await saveProfileIn(em, orgId, options.actor, at, options.saveProfileAs, collector.start, setup.totalsCheck);
      await em.flush();
      lap('record');
      return { ...report, phases: { ...phases } };
    });
    return applied;
  } catch (e) {
    if (e instanceof ImportRefused) {
      collector.addErrors([e.error]);
      return rolledBack(deps, input, { base, importId, collector, applied: null, started, at, phases });
    }
    if (e instanceof Rollback) return rolledBack(deps, input, { base, importId, collector, applied: e.applied, started, at, phases });
    if (e instanceof UniqueConstraintViolationException && String(e.message).includes('registry_imports_applied_file_unique')) {
      const winner = await findApplied(db, orgId, input.file.sha256);
      return { ...base, status: 'already_imported', previous: winner, durationMs: Math.round(performance.now() - started) };
    }
    throw e;
  } finally {
    await collector.close();
    if (scratch) await rm(scratch, { force: true });
  }
}

type RolledBack = { base: ImportReport; importId: string; collector: ImportCollector; applied: (ApplyCounts & { totalKop: number }) | null; started: number; at: Date; phases: Record<string, number> };

async function rolledBack(deps: { db: Database; clock: Clock }, input: RunInput, r: RolledBack): Promise<ImportReport> {
  if (r.applied) {
    return reportOf(r.base, { importId: null, collector: r.collector, counts: r.applied, totalKop: r.applied.totalKop, files: null, started: r.started, status: 'dry_run', phases: r.phases });
  }
  if (!r.collector.fatal && r.collector.errorsTotal === 0) r.collector.addErrors([rowError('REGISTRIES.NO_ROWS', null, null, null)]);
  const report = reportOf(r.base, { importId: input.options.dryRun ? null : r.importId, collector: r.collector, counts: null, totalKop: 0, files: null, started: r.started, status: input.options.dryRun ? 'dry_run' : 'rejected', phases: r.phases });
  if (!input.options.dryRun) {
    await input.stored;
    await deps.db.withTenant(input.orgId, async (em) => {
      await recordImport(em, input.orgId, report, { options: input.options, at: r.at });
      await em.flush();
    });
  }
  return report;
}

/**
 * Applies the staged rows; when the apply finds the same account, service and period twice, or one account at two
 * places, it goes back to before the apply and names every such line.
 */
async function applyOrExplain(em: Em, collector: ImportCollector, ctx: Parameters<typeof applyStaged>[0]): Promise<ApplyCounts> {
  await em.execute('savepoint registry_apply');
  try {
    return await applyStaged(ctx);
  } catch (e) {
    if (!(e instanceof CrossRowConflict) && !isRepeatedKey(e)) throw e;
    await em.execute('rollback to savepoint registry_apply');
    const cross = await crossRowProblems(em, false);
    if (cross.total === 0) throw e;
    collector.addErrors(cross.errors, cross.total);
    throw new Rollback(null);
  }
}

/** A row written twice in one statement: a unique key (23505) or ON CONFLICT meeting its own row (21000). */
const isRepeatedKey = (e: unknown): boolean => {
  const code = (e as { code?: unknown }).code;
  return code === '23505' || code === '21000';
};

async function stagedCount(em: Em): Promise<number> {
  return Number((await em.execute<{ n: string }[]>(`select count(*) as n from ${STAGING_TABLE}`))[0]?.n ?? 0);
}

async function stagedTotal(em: Em, field: 'toPay' | 'accrued' | null): Promise<number> {
  if (!field) return 0;
  const column = field === 'toPay' ? 'to_pay' : 'accrued';
  return Number((await em.execute<{ n: string | null }[]>(`select coalesce(sum(${column}), 0) as n from ${STAGING_TABLE}`))[0]?.n ?? 0);
}

async function firstRecipient(em: Em, orgId: string): Promise<string | null> {
  const [row] = await em.execute<{ id: string }[]>(
    `select id from recipients where org_id = ? order by active desc, created_at limit 1`, [orgId]);
  return row?.id ?? null;
}
