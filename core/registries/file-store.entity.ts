import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { Organization } from '../orgs/orgs.entity.ts';

/** Bytes per chunk row: large enough that a 200 MB registry is 200 rows, small enough to stay out of memory. */
export const FILE_CHUNK_BYTES = 1024 * 1024;

/**
 * A file an organisation handed us (or we produced for it), addressed by the SHA-256 of its bytes: one row per
 * (organisation, content). Append-only: the application role may insert and read it, never change it, and a
 * trigger refuses UPDATE, DELETE and TRUNCATE even to the owner (RELIABILITY.md M4).
 */
export const StoredFile = defineEntity({
  name: 'StoredFile',
  tableName: 'stored_files',
  uniques: [{ properties: ['org', 'sha256'] }],
  properties: (p) => ({
    // A surrogate id, because the chunks are written before the hash of the whole file is known.
    id: p.uuid().primary(),
    org: () => p.manyToOne(Organization).mapToPk(),
    /** Lowercase hex. */
    sha256: p.string().length(64),
    size: p.bigint('number'),
    /** The name the file had when it first arrived; storing the same bytes again under another name keeps it. */
    name: p.string().length(255),
    mediaType: p.string().length(255),
    createdAt: p.datetime(),
  }),
});
export type StoredFileRow = InferEntity<typeof StoredFile>;

/** The bytes, in PostgreSQL so every server process sees them; seq counts chunks from 0. */
export const StoredFileChunk = defineEntity({
  name: 'StoredFileChunk',
  tableName: 'stored_file_chunks',
  properties: (p) => ({
    // Deferred: the chunks go in first and the file row last, once the stream has been hashed (same transaction).
    file: () => p.manyToOne(StoredFile).mapToPk().primary().deferMode('deferred'),
    seq: p.integer().primary(),
    org: () => p.manyToOne(Organization).mapToPk(),
    bytes: p.blob(),
  }),
});

/**
 * One link per stored file of every organisation, in the order they were stored. hash covers the link's own
 * fields and the previous link's hash (file-store.chain.calc.ts has the canonical form), so editing, removing or
 * reordering any earlier link breaks every later one. Platform table: `familypay verify` walks it across
 * organisations; it holds hashes, sizes and names, never bytes.
 */
export const FileChainLink = defineEntity({
  name: 'FileChainLink',
  tableName: 'file_chain',
  uniques: [{ properties: ['org', 'sha256'] }],
  properties: (p) => ({
    // Assigned as head + 1 under a lock, not from a sequence: a rolled-back store must not leave a gap.
    seq: p.bigint('number').primary().autoincrement(false),
    org: () => p.manyToOne(Organization).mapToPk(),
    sha256: p.string().length(64),
    size: p.bigint('number'),
    name: p.string().length(255),
    storedAt: p.datetime(),
    prevHash: p.string().length(64),
    hash: p.string().length(64),
  }),
});
export type FileChainLinkRow = InferEntity<typeof FileChainLink>;

export const FILE_STORE_ENTITIES = [StoredFile, StoredFileChunk, FileChainLink];
