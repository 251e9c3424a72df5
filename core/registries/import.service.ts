import type { Actor } from '../audit/index.ts';
import type { Database } from '../infra/database/database.ts';
import { AppError, type Clock, type Result } from '../shared/index.ts';
import { fileInfo, openStoredFile, storeFile, type FileContent, type StoredFileInfo, type StoredFileResult } from './file-store.ts';
import { runImport } from './import-run.ts';
import { emptyReport } from './import-report.ts';
import type { ImportListItem, ImportOptions, ImportReport, PreviewResult, ProfileInput, ReadOptions } from './import.types.ts';
import { withPrivateCopy, withStoredFile } from './materialise.ts';
import { createReadStream } from 'node:fs';
import { previewFile } from './preview.ts';
import { deleteProfile, listProfiles, loadProfile, saveProfile, type ProfileView } from './profiles.ts';
import { RegistryImport, type RegistryImportRow } from './registry.entity.ts';
import { rowError } from './row-error.ts';
import { isUuid } from '../shared/index.ts';

export type RegistriesService = {
  store(orgId: string, input: { name: string; mediaType?: string; content: FileContent }): Promise<StoredFileResult>;
  preview(orgId: string, sha256: string, options: ReadOptions): Promise<PreviewResult | null>;
  /** Imports a file already in the store (admin confirm, API). null when the organisation has no such file. */
  importStored(orgId: string, sha256: string, options: ImportOptions): Promise<ImportReport | null>;
  /** Stores the file at `path`, then imports it (CLI). */
  importPath(orgId: string, path: string, name: string, options: ImportOptions): Promise<ImportReport>;
  listImports(orgId: string, page: { limit: number; offset: number }): Promise<{ items: ImportListItem[]; total: number }>;
  getImport(orgId: string, id: string): Promise<{ item: ImportListItem; report: ImportReport } | null>;
  listProfiles(orgId: string): Promise<ProfileView[]>;
  saveProfile(orgId: string, actor: Actor, input: ProfileInput): Promise<Result<{ name: string }, AppError[]>>;
  deleteProfile(orgId: string, actor: Actor, name: string): Promise<boolean>;
  readStored(orgId: string, sha256: string): Promise<{ info: StoredFileInfo; bytes: AsyncIterable<Buffer> } | null>;
};

const item = (r: Omit<RegistryImportRow, 'report'>): ImportListItem => ({
  id: r.id, createdAt: r.createdAt, fileName: r.fileName, fileSha256: r.fileSha256, format: r.format, status: r.status,
  rows: r.rows, lines: r.lines, totalKop: r.totalKop, errorsCount: r.errorsCount, actorLabel: r.actorLabel, source: r.source,
});

export function makeRegistriesService(deps: { db: Database; clock: Clock }): RegistriesService {
  const { db, clock } = deps;

  /** The profile, and the options with its code page and separator where the caller named none. */
  async function withProfile(orgId: string, options: ImportOptions) {
    const profile = options.profileName && !options.mapping ? await loadProfile(db, orgId, options.profileName) : null;
    const merged: ImportOptions = {
      ...options,
      ...(profile?.encoding && !options.encoding ? { encoding: profile.encoding as ImportOptions['encoding'] } : {}),
      ...(profile?.delimiter && !options.delimiter ? { delimiter: profile.delimiter as ImportOptions['delimiter'] } : {}),
    };
    return { profile, options: merged };
  }

  async function importStored(orgId: string, sha256: string, options: ImportOptions): Promise<ImportReport | null> {
    const { profile, options: merged } = await withProfile(orgId, options);
    if (options.profileName && !options.mapping && !profile) {
      const info = await fileInfo(db, orgId, sha256);
      if (!info) return null;
      const report = emptyReport({ file: { name: info.name, sha256, size: info.size }, profile: null });
      const error = rowError('REGISTRIES.PROFILE_NOT_FOUND', null, null, null, { name: options.profileName });
      return { ...report, errors: [error], errorsTotal: 1 };
    }
    return withStoredFile(db, orgId, sha256, (path, info) =>
      runImport(deps, { orgId, path, file: { name: info.name, sha256, size: info.size }, options: merged, profile }));
  }

  return {
    store: (orgId, input) => storeFile(db, clock, orgId, input),
    async preview(orgId, sha256, options) {
      const profile = options.profileName ? await loadProfile(db, orgId, options.profileName) : null;
      const profiles = (await listProfiles(db, orgId)).map((p) => p.name);
      const readOptions: ReadOptions = {
        ...options,
        ...(profile?.encoding && !options.encoding ? { encoding: profile.encoding as ReadOptions['encoding'] } : {}),
      };
      return withStoredFile(db, orgId, sha256, (path, info) => previewFile({ path, name: info.name, sha256 }, readOptions, profile, profiles));
    },
    importStored,
    async importPath(orgId, path, name, options) {
      return withPrivateCopy(path, async (copy, sha256, size) => {
        // Storing and importing run side by side on a server (the import commits only after the file is stored);
        // PGlite has one connection, so there the store goes first.
        const stored = storeFile(db, clock, orgId, { name, content: createReadStream(copy) });
        stored.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
        if (db.mode === 'pglite') await stored;
        const { profile, options: merged } = await withProfile(orgId, options);
        if (options.profileName && !options.mapping && !profile) {
          await stored;
          return (await importStored(orgId, sha256, options))!;
        }
        const report = await runImport(deps, { orgId, path: copy, file: { name, sha256, size }, options: merged, profile, stored });
        await stored;
        return report;
      });
    },
    async listImports(orgId, page) {
      const [rows, total] = await db.withTenant(orgId, (em) =>
        em.findAndCount(RegistryImport, { org: orgId }, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: page.limit, offset: page.offset, exclude: ['report'] }));
      return { items: rows.map(item), total };
    },
    async getImport(orgId, id) {
      if (!isUuid(id)) return null;
      const row = await db.withTenant(orgId, (em) => em.findOne(RegistryImport, { org: orgId, id }));
      return row ? { item: item(row), report: row.report as unknown as ImportReport } : null;
    },
    listProfiles: (orgId) => listProfiles(db, orgId),
    saveProfile: (orgId, actor, input) => saveProfile(db, clock, orgId, actor, input),
    deleteProfile: (orgId, actor, name) => deleteProfile(db, clock, orgId, actor, name),
    readStored: (orgId, sha256) => openStoredFile(db, orgId, sha256),
  };
}
