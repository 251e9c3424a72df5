import { createHash } from 'node:crypto';
import type { Database } from '../infra/database/database.ts';
import { GENESIS_HASH, linkHash } from './file-store.chain.calc.ts';
import { storedChunks } from './file-store.chunks.ts';
import { FileChainLink, type FileChainLinkRow } from './file-store.entity.ts';

/**
 * What can be wrong with a link, in the order the verifier checks them:
 * - seq-gap: the links before it are missing (its seq is not the previous seq + 1);
 * - predecessor: its prev_hash is not the previous link's hash (an earlier link was rewritten or removed);
 * - link-hash: its own fields no longer give its hash (the link was edited);
 * - file-missing: the organisation has no stored file with the link's sha256;
 * - record-changed: the stored file's size or name differs from the link;
 * - bytes-changed: the stored bytes do not hash to the link's sha256 or size (a chunk changed, vanished or was added);
 * - unchained-file: a stored file that no link names (found after the walk; e.g. the chain's tail was cut).
 */
export const CHAIN_PROBLEMS = ['seq-gap', 'predecessor', 'link-hash', 'file-missing', 'record-changed', 'bytes-changed', 'unchained-file'] as const;
export type ChainProblem = (typeof CHAIN_PROBLEMS)[number];

/** seq is null only for an unchained file. */
export type ChainBreak = { readonly seq: number | null; readonly orgId: string; readonly name: string; readonly sha256: string; readonly problem: ChainProblem };
export type ChainReport =
  | { readonly ok: true; readonly files: number; readonly head: { readonly seq: number; readonly hash: string } | null }
  | { readonly ok: false; readonly verified: number; readonly broken: ChainBreak };

const PAGE = 500;

/** The links in seq order, a page at a time (the chain may be long; memory stays flat). */
async function* chainLinks(db: Database): AsyncGenerator<FileChainLinkRow> {
  for (let after = 0; ;) {
    const page = await db.withoutTenant((em) => em.find(FileChainLink, { seq: { $gt: after } }, { orderBy: { seq: 'asc' }, limit: PAGE }));
    yield* page;
    if (page.length < PAGE) return;
    after = page.at(-1)!.seq;
  }
}

/**
 * Walks the whole chain from its first link: recomputes every hash, checks seq and prev_hash continuity, and
 * re-reads every file's bytes as its organisation. Stops at the first broken link; a clean walk then looks for
 * stored files that no link names.
 */
export async function verifyFileChain(db: Database): Promise<ChainReport> {
  let expected = { seq: 1, prevHash: GENESIS_HASH };
  let verified = 0;
  const orgs = new Set<string>();
  for await (const link of chainLinks(db)) {
    const problem = await checkLink(db, link, expected);
    if (problem) return { ok: false, verified, broken: { seq: link.seq, orgId: link.org, name: link.name, sha256: link.sha256, problem } };
    expected = { seq: link.seq + 1, prevHash: link.hash };
    verified += 1;
    orgs.add(link.org);
  }
  for (const orgId of orgs) {
    const stray = await unchainedFile(db, orgId);
    if (stray) return { ok: false, verified, broken: { seq: null, orgId, ...stray, problem: 'unchained-file' } };
  }
  return { ok: true, files: verified, head: verified ? { seq: expected.seq - 1, hash: expected.prevHash } : null };
}

async function checkLink(db: Database, link: FileChainLinkRow, expected: { seq: number; prevHash: string }): Promise<ChainProblem | null> {
  if (link.seq !== expected.seq) return 'seq-gap';
  if (link.prevHash !== expected.prevHash) return 'predecessor';
  const fields = { seq: link.seq, orgId: link.org, sha256: link.sha256, size: link.size, name: link.name, storedAt: link.storedAt, prevHash: link.prevHash };
  if (linkHash(fields) !== link.hash) return 'link-hash';
  const [file] = await db.withTenant(link.org, (em) => em.execute<{ id: string; size: string | number; name: string }[]>(
    'select id, size, name from stored_files where org_id = ? and sha256 = ?', [link.org, link.sha256]));
  if (!file) return 'file-missing';
  if (Number(file.size) !== link.size || file.name !== link.name) return 'record-changed';
  return (await bytesMatch(db, link, file.id)) ? null : 'bytes-changed';
}

async function bytesMatch(db: Database, link: FileChainLinkRow, fileId: string): Promise<boolean> {
  const hash = createHash('sha256');
  let size = 0;
  let expected = 0;
  for await (const chunk of storedChunks(db, link.org, fileId)) {
    if (chunk.seq !== expected) return false;
    expected += 1;
    size += chunk.bytes.length;
    if (size > link.size) return false;
    hash.update(chunk.bytes);
  }
  return size === link.size && hash.digest('hex') === link.sha256;
}

async function unchainedFile(db: Database, orgId: string): Promise<{ name: string; sha256: string } | null> {
  const [row] = await db.withTenant(orgId, (em) => em.execute<{ name: string; sha256: string }[]>(
    `select f.name, f.sha256 from stored_files f where f.org_id = ?
     and not exists (select 1 from file_chain c where c.org_id = f.org_id and c.sha256 = f.sha256) order by f.created_at limit 1`, [orgId]));
  return row ?? null;
}
