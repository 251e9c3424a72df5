import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalLink, GENESIS_HASH, linkHash } from './file-store.chain.calc.ts';

describe('the canonical form of a file chain link', () => {
  const link = { seq: 7, orgId: 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', sha256: 'ab'.repeat(32), size: 1024,
    name: 'реестр\nстрока.csv', storedAt: new Date('2026-11-26T09:00:00Z'), prevHash: 'cd'.repeat(32) };

  it('is the documented text, so another program can check the chain', () => {
    const text = `familypay.file_chain.v1\n7\na0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\n${'ab'.repeat(32)}\n1024\n`
      + `2026-11-26T09:00:00.000Z\n${'cd'.repeat(32)}\nреестр\nстрока.csv`;
    expect(canonicalLink(link)).toBe(text);
    expect(linkHash(link)).toBe(createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex'));
  });

  it('changes the hash when any field changes, by as little as a millisecond or a trailing space', () => {
    const changed = [
      { seq: 8 }, { orgId: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12' }, { sha256: 'ab'.repeat(31) + 'ac' }, { size: 1025 },
      { name: 'реестр\nстрока.csv ' }, { storedAt: new Date('2026-11-26T09:00:00.001Z') }, { prevHash: GENESIS_HASH },
    ];
    const hashes = new Set([linkHash(link), ...changed.map((change) => linkHash({ ...link, ...change }))]);
    expect(hashes.size).toBe(changed.length + 1);
  });
});
