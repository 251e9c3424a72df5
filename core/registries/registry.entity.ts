import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { Organization } from '../orgs/orgs.entity.ts';

/**
 * A saved column mapping: our field → the header title in the organisation's files (normalised, see
 * normaliseHeader), so columns may move between months without breaking it. Staff confirm or fix it once.
 */
export const ImportProfile = defineEntity({
  name: 'ImportProfile',
  tableName: 'import_profiles',
  uniques: [{ properties: ['org', 'name'] }],
  properties: (p) => ({
    id: p.uuid().primary(),
    org: () => p.manyToOne(Organization).mapToPk(),
    name: p.string().length(100),
    columns: p.json<Record<string, string>>(),
    encoding: p.string().length(16).nullable(),
    delimiter: p.string().length(2).nullable(),
    /** Compare a total line («Итого», «=…») with the rows; a mismatch refuses the file. */
    totalsCheck: p.boolean().default(true),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  }),
});
export type ImportProfileRow = InferEntity<typeof ImportProfile>;

export const IMPORT_STATUSES = ['applied', 'rejected'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/**
 * Every import attempt that reached a verdict, with its report. Append-only like the files it names: a registry
 * once loaded is never edited (corrections arrive as new files). At most one applied import per file.
 */
export const RegistryImport = defineEntity({
  name: 'RegistryImport',
  tableName: 'registry_imports',
  indexes: [
    { properties: ['org', 'createdAt'] },
    {
      name: 'registry_imports_applied_file_unique',
      expression: `create unique index "registry_imports_applied_file_unique" on "registry_imports" ("org_id", "file_sha256") where "status" = 'applied'`,
    },
  ],
  properties: (p) => ({
    id: p.uuid().primary(),
    org: () => p.manyToOne(Organization).mapToPk(),
    fileSha256: p.string().length(64),
    fileName: p.string().length(255),
    format: p.string().length(8),
    encoding: p.string().length(16).nullable(),
    profileName: p.string().length(100).nullable(),
    status: p.enum([...IMPORT_STATUSES]),
    /** Staff chose to load the valid rows of a file with errors. */
    validRowsOnly: p.boolean().default(false),
    rows: p.integer(),
    lines: p.integer(),
    totalKop: p.bigint('number'),
    accountsCreated: p.integer(),
    accountsUpdated: p.integer(),
    errorsCount: p.integer(),
    report: p.json<Record<string, unknown>>(),
    /** The rejected rows as a file of their own (valid-rows imports), in the file store. */
    rejectedSha256: p.string().length(64).nullable(),
    source: p.string().length(16),
    actorId: p.uuid().nullable(),
    actorLabel: p.string().length(254),
    createdAt: p.datetime(),
  }),
});
export type RegistryImportRow = InferEntity<typeof RegistryImport>;

export const REGISTRY_ENTITIES = [ImportProfile, RegistryImport];
