import { createHash } from 'node:crypto';

/** prev_hash of the first link. */
export const GENESIS_HASH = '0'.repeat(64);

/** Tag of the canonical form; a future form gets a new tag, so old links keep verifying under the old one. */
export const CHAIN_FORMAT = 'familypay.file_chain.v1';

export type ChainLinkFields = {
  readonly seq: number;
  readonly orgId: string;
  readonly sha256: string;
  readonly size: number;
  readonly name: string;
  readonly storedAt: Date;
  readonly prevHash: string;
};

/**
 * The exact text a link's hash covers: eight fields joined by "\n" (LF), encoded as UTF-8, no trailing newline:
 *
 *   familypay.file_chain.v1
 *   <seq, decimal, no leading zeros>
 *   <org_id, lowercase UUID with hyphens>
 *   <sha256 of the bytes, 64 lowercase hex>
 *   <size in bytes, decimal>
 *   <stored_at, ISO 8601 UTC with milliseconds: 2026-11-26T09:00:00.000Z>
 *   <prev_hash, 64 lowercase hex; 64 zeros for the first link>
 *   <name, as stored>
 *
 * The name goes last because it is the only free text: every field before it is fixed-form and holds no newline,
 * so the text parses back unambiguously whatever the name contains, with no escaping to get wrong in another
 * language. hash = lowercase hex SHA-256 of this text.
 */
export function canonicalLink(link: ChainLinkFields): string {
  return [
    CHAIN_FORMAT,
    String(link.seq),
    link.orgId.toLowerCase(),
    link.sha256,
    String(link.size),
    link.storedAt.toISOString(),
    link.prevHash,
    link.name,
  ].join('\n');
}

export const linkHash = (link: ChainLinkFields): string =>
  createHash('sha256').update(canonicalLink(link), 'utf8').digest('hex');
