import pg from 'pg';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeOrgsService } from '../core/orgs/index.ts';
import { settableClock } from '../core/shared/index.ts';
import type { Database } from '../core/infra/database/database.ts';
import { fileInfo, readFile, storeFile, StoredFileCorruptError } from '../core/registries/file-store.ts';
import { verifyFileChain, type ChainProblem, type ChainReport } from '../core/registries/file-store.verify.ts';
import { GENESIS_HASH, linkHash } from '../core/registries/file-store.chain.calc.ts';
import { verifyCommand } from '../cli/verify-command.ts';
import type { App } from '../cli/compose.ts';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';
import { orgInput } from './fixtures/orgs.ts';

/** The immutable file store: RELIABILITY.md R4 (tampering is found, first broken link named) and M4 (append-only). */
let test: TestDatabase;
let db: Database;
const clock = settableClock(new Date('2026-11-26T09:00:00.123Z'));
const org: Record<'a' | 'b' | 'c', string> = { a: '', b: '', c: '' };
const MiB = 1024 * 1024;
const BIN = new URL('../cli/familypay.js', import.meta.url).pathname;

beforeAll(async () => {
  test = await openTestDatabase();
  db = test.db;
  const orgs = makeOrgsService({ db, clock });
  for (const slug of ['a', 'b', 'c'] as const) {
    const created = await orgs.createOrganization(orgInput(`files-${slug}`));
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    org[slug] = created.value.id;
  }
});
afterAll(() => test.drop());

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
/** A stream that hands the bytes over in pieces of an awkward size, as a socket or a file reader would. */
const streamOf = (bytes: Buffer, piece = 100_003) => Readable.from((function* pieces() {
  for (let at = 0; at < bytes.length; at += piece) yield bytes.subarray(at, at + piece);
})());
const store = (orgId: string, name: string, bytes: Buffer) => {
  clock.advance(1_000);
  return storeFile(db, clock, orgId, { name, mediaType: 'text/csv', content: streamOf(bytes) });
};
async function readAll(orgId: string, sha256: string): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of (await readFile(db, orgId, sha256))!) pieces.push(piece);
  return Buffer.concat(pieces);
}
const count = async (sql: string, params: unknown[] = [], orgId: string | null = null) => {
  const run = (em: Parameters<Parameters<Database['withoutTenant']>[0]>[0]) => em.execute<{ n: number }[]>(sql, params);
  const [row] = orgId ? await db.withTenant(orgId, run) : await db.withoutTenant(run);
  return Number(row!.n);
};
const linksOf = (orgId: string) => count('select count(*)::int as n from file_chain where org_id = ?', [orgId]);

describe('storing and reading', () => {
  it('stores a 3.5 MiB stream as four 1 MiB chunks and reads the same bytes back', async () => {
    const bytes = randomBytes(3.5 * MiB);
    const stored = await store(org.a, 'начисления_ноябрь.csv', bytes);
    expect(stored).toMatchObject({ sha256: sha(bytes), size: bytes.length, alreadyStored: false });
    const sizes = await db.withTenant(org.a, (em) => em.execute<{ n: number }[]>(
      `select length(c.bytes) as n from stored_file_chunks c join stored_files f on f.id = c.file_id where f.sha256 = ? order by c.seq`, [stored.sha256]));
    expect(sizes.map((r) => Number(r.n))).toEqual([MiB, MiB, MiB, MiB / 2]);
    const read = await readAll(org.a, stored.sha256);
    expect(read.equals(bytes)).toBe(true);
    expect(await fileInfo(db, org.a, stored.sha256.toUpperCase())).toMatchObject({
      sha256: stored.sha256, size: bytes.length, name: 'начисления_ноябрь.csv', mediaType: 'text/csv', chainSeq: stored.chainSeq,
    });
  });

  it('stores a Buffer, an empty file, and strips control characters from the name', async () => {
    const stored = await storeFile(db, clock, org.a, { name: 'реестр\n\u0000.txt', content: Buffer.from('ЛС;Сумма\n') });
    expect(await fileInfo(db, org.a, stored.sha256)).toMatchObject({ name: 'реестр.txt', mediaType: 'application/octet-stream' });
    const empty = await storeFile(db, clock, org.a, { name: 'пустой.csv', content: Readable.from([]) });
    expect(empty).toMatchObject({ sha256: sha(Buffer.alloc(0)), size: 0, alreadyStored: false });
    expect(await readAll(org.a, empty.sha256)).toEqual(Buffer.alloc(0));
  });

  it('answers alreadyStored for the same bytes again, adding no file, chunk or link', async () => {
    const bytes = randomBytes(MiB + 17);
    const first = await store(org.a, 'debts.csv', bytes);
    const before = { links: await linksOf(org.a), chunks: await count('select count(*)::int as n from stored_file_chunks', [], org.a) };
    const again = await store(org.a, 'debts (копия).csv', bytes);
    expect(again).toEqual({ sha256: first.sha256, size: bytes.length, alreadyStored: true, chainSeq: first.chainSeq });
    expect({ links: await linksOf(org.a), chunks: await count('select count(*)::int as n from stored_file_chunks', [], org.a) }).toEqual(before);
    expect((await fileInfo(db, org.a, first.sha256))!.name).toBe('debts.csv');
  });

  it('answers null for bytes the organisation never stored, and for a malformed address', async () => {
    expect(await readFile(db, org.a, sha(Buffer.from('never stored')))).toBeNull();
    expect(await fileInfo(db, org.a, 'not-a-hash')).toBeNull();
  });
});

describe('organisations', () => {
  it('give each organisation its own file and link for the same bytes, and hide each from the other', async () => {
    const bytes = Buffer.from('ЛС;ФИО;Сумма\n0001;Петров П. П.;1234,56\n');
    const a = await store(org.b, 'from-b.csv', bytes);
    expect(await readFile(db, org.c, a.sha256)).toBeNull();
    const c = await store(org.c, 'from-c.csv', bytes);
    expect(c).toMatchObject({ sha256: a.sha256, alreadyStored: false });
    expect(c.chainSeq).toBe(a.chainSeq + 1);
    expect((await readAll(org.c, c.sha256)).equals(bytes)).toBe(true);
    for (const table of ['stored_files', 'stored_file_chunks', 'file_chain']) {
      const seen = await db.withTenant(org.b, (em) => em.execute<{ org_id: string }[]>(`select distinct org_id from "${table}"`));
      expect({ table, orgs: seen.map((r) => r.org_id) }).toEqual({ table, orgs: [org.b] });
    }
    expect(await count('select count(*)::int as n from stored_files')).toBe(0);
    expect(await count('select count(*)::int as n from stored_file_chunks')).toBe(0);
    // The chain is platform data: with no tenant set, `familypay verify` sees every organisation's links.
    expect(await count('select count(distinct org_id)::int as n from file_chain')).toBeGreaterThanOrEqual(3);
  });

  it("refuses a file, a chunk or a link written for organisation C while acting for B", async () => {
    const forged = [
      [`insert into stored_files (id, org_id, sha256, size, name, media_type, created_at) values (gen_random_uuid(), ?, ?, 0, 'x', 'x', now())`, [org.c, '1'.repeat(64)]],
      [`insert into stored_file_chunks (file_id, seq, org_id, bytes) values (gen_random_uuid(), 0, ?, '\\x00')`, [org.c]],
      [`insert into file_chain (seq, org_id, sha256, size, name, stored_at, prev_hash, hash) values (100000, ?, ?, 0, 'x', now(), ?, ?)`, [org.c, '1'.repeat(64), GENESIS_HASH, GENESIS_HASH]],
    ] as const;
    for (const [sql, params] of forged) {
      await expect(db.withTenant(org.b, (em) => em.execute(sql, [...params])), sql).rejects.toThrow(/row-level security/);
    }
  });
});

describe('concurrent stores', () => {
  it('append one unbroken chain, storing bytes sent twice at once only once', async () => {
    const files = Array.from({ length: 8 }, (_, i) => randomBytes(100_000 + i));
    const before = await count('select count(*)::int as n from file_chain');
    const results = await Promise.all([...files, files[0]!, files[1]!].map((bytes, i) =>
      storeFile(db, clock, i % 2 ? org.a : org.b, { name: `parallel-${i}.csv`, content: streamOf(bytes, 16_384) })));
    expect(results.filter((r) => r.alreadyStored)).toHaveLength(2);
    expect(await count('select count(*)::int as n from file_chain')).toBe(before + 8);
    const seqs = await db.withoutTenant((em) => em.execute<{ seq: string }[]>('select seq from file_chain order by seq'));
    expect(seqs.map((r) => Number(r.seq))).toEqual(seqs.map((_, i) => i + 1));
    expect(await verifyFileChain(db)).toMatchObject({ ok: true, files: before + 8 });
  });
});

const APPEND_ONLY = ['stored_files', 'stored_file_chunks', 'file_chain'] as const;

describe('append-only (M4)', () => {
  const attempts = (table: string) => [
    { what: 'an update', sql: table === 'stored_file_chunks' ? `update "${table}" set seq = seq` : `update "${table}" set sha256 = sha256` },
    { what: 'a delete', sql: `delete from "${table}"` },
    { what: 'a truncate', sql: `truncate "${table}"` },
    { what: 'disabling its trigger', sql: `alter table "${table}" disable trigger "${table}_append_only"` },
    { what: 'disabling all triggers', sql: `alter table "${table}" disable trigger all` },
    { what: 'replica mode, which skips triggers', sql: `set session_replication_role = replica` },
  ];
  /** Per table: the number of rows organisation A sees and a digest of their contents. */
  const snapshot = async () => (await db.withTenant(org.a, (em) => em.execute<Record<string, string>[]>(`select ${APPEND_ONLY.map((t) =>
    `(select count(*) || ' ' || md5(string_agg(t::text, ',' order by t::text)) from "${t}" t) as "${t}"`).join(', ')}`)))[0]!;

  it.each(APPEND_ONLY)('refuses the application role every change to %s, and leaves it as it was', async (table) => {
    const before = await snapshot();
    expect(Object.values(before).every((digest) => !digest.startsWith('0 '))).toBe(true);
    for (const { what, sql } of attempts(table)) {
      await expect(db.withTenant(org.a, (em) => em.execute(sql)), what).rejects.toThrow(/permission denied|must be owner/);
    }
    expect(await snapshot()).toEqual(before);
    const [role] = await db.withoutTenant((em) => em.execute<{ role: string }[]>('select current_user as role'));
    expect(role!.role).toBe('familypay_app');
  });

  it.each(APPEND_ONLY)('refuses an update, a delete and a truncate of %s even to the owner (the trigger)', async (table) => {
    const before = await snapshot();
    for (const sql of [attempts(table)[0]!.sql, `delete from "${table}"`, `truncate "${table}" cascade`]) {
      await expect(asOwner([[sql, []]], { replica: false }), sql).rejects.toThrow(new RegExp(`${table} is append-only`));
    }
    expect(await snapshot()).toEqual(before);
  });
});

type Statement = readonly [string, readonly unknown[]];
/** `?` placeholders (MikroORM's) as `$1, $2…` (node-postgres's). */
const numbered = (sql: string) => { let n = 0; return sql.replace(/\?/g, () => `$${(n += 1)}`); };

/**
 * Statements as the owner, in one committed transaction: the attacker the chain exists for. With replica: true the
 * session skips triggers (session_replication_role = replica, a superuser's right), so the append-only trigger
 * does not stop the change. On PostgreSQL through the owner's own connection; on PGlite the one session leaves
 * the application role with SET LOCAL, which the end of the transaction undoes.
 */
async function asOwner(statements: readonly Statement[], { replica = true } = {}): Promise<void> {
  if (test.ownerUrl) {
    const client = new pg.Client({ connectionString: test.ownerUrl });
    await client.connect();
    try {
      await client.query('begin');
      if (replica) await client.query('set local session_replication_role = replica');
      for (const [sql, params] of statements) await client.query(numbered(sql), [...params]);
      await client.query('commit');
    } finally {
      await client.end(); // ends an unfinished transaction with a rollback
    }
    return;
  }
  try {
    await db.withoutTenant(async (em) => {
      await em.execute('set local role none');
      if (replica) await em.execute('set local session_replication_role = replica');
      for (const [sql, params] of statements) await em.execute(sql, [...params]);
    });
  } finally {
    const [role] = await db.withoutTenant((em) => em.execute<{ role: string }[]>('select current_user as role'));
    if (role!.role !== 'familypay_app') throw new Error(`the session was left acting as ${role!.role}`);
  }
}

describe('tampering is found, and the first broken link named (R4)', () => {
  type Kept = { bytes: Buffer; seq: number; sha256: string; id: string; name: string; createdAt: Date };
  const kept: Kept[] = [];
  let chainLength = 0;

  beforeAll(async () => {
    const contents = [randomBytes(2 * MiB + 4096), Buffer.from('day 1'), Buffer.from('day 2'), Buffer.from('day 3')];
    for (const [i, bytes] of contents.entries()) {
      const stored = await store(org.a, `реестр-${i + 1}.csv`, bytes);
      const info = (await fileInfo(db, org.a, stored.sha256))!;
      kept.push({ bytes, seq: stored.chainSeq, sha256: stored.sha256, id: info.id, name: info.name, createdAt: info.createdAt });
    }
    chainLength = kept.at(-1)!.seq;
  });

  type LinkRow = { org_id: string; sha256: string; name: string; stored_at: Date; prev_hash: string; hash: string };
  const link = async (seq: number) =>
    (await db.withoutTenant((em) => em.execute<LinkRow[]>('select * from file_chain where seq = ?', [seq])))[0]!;
  /** The file's link renamed with its own hash recomputed, as a careful forger would; and the way back. */
  const renamed = async (file: Kept, name: string): Promise<[Statement, Statement]> => {
    const row = await link(file.seq);
    const hash = linkHash({ seq: file.seq, orgId: org.a, sha256: file.sha256, size: file.bytes.length, name, storedAt: new Date(row.stored_at), prevHash: row.prev_hash });
    const set = 'update file_chain set name = ?, hash = ? where seq = ?';
    return [[set, [name, hash, file.seq]], [set, [file.name, row.hash, file.seq]]];
  };
  /** The file's link deleted; and put back as it was. */
  const removed = async (file: Kept): Promise<[Statement, Statement]> => {
    const row = await link(file.seq);
    return [['delete from file_chain where seq = ?', [file.seq]],
      ['insert into file_chain (seq, org_id, sha256, size, name, stored_at, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?)',
        [file.seq, org.a, file.sha256, file.bytes.length, file.name, new Date(row.stored_at), row.prev_hash, row.hash]]];
  };

  /** Tampers as the owner, checks what verify says, then puts everything back and checks the chain is whole again. */
  async function tampered(attack: readonly Statement[], repair: readonly Statement[], expected: ChainReport | ((report: ChainReport) => Promise<void>)) {
    await asOwner(attack);
    try {
      const report = await verifyFileChain(db);
      if (typeof expected === 'function') await expected(report);
      else expect(report).toEqual(expected);
    } finally {
      await asOwner(repair);
    }
    expect(await verifyFileChain(db)).toMatchObject({ ok: true, files: chainLength });
  }
  /** The report naming this file's link; `as` overrides what the tampered link now says, `verified` the links before it. */
  const broken = (file: Kept, problem: ChainProblem, as: { name?: string; sha256?: string; verified?: number } = {}): ChainReport =>
    ({ ok: false, verified: as.verified ?? file.seq - 1,
      broken: { seq: file.seq, orgId: org.a, name: as.name ?? file.name, sha256: as.sha256 ?? file.sha256, problem } });

  it('verifies the clean chain, naming its head', async () => {
    const report = await verifyFileChain(db);
    expect(report).toEqual({ ok: true, files: chainLength, head: { seq: chainLength, hash: (await link(chainLength)).hash } });
  });

  it('finds a flipped byte in the middle of a multi-chunk file, naming it before a later broken one; readFile refuses it', async () => {
    const [f1, , f3] = kept;
    const flips: Statement[] = [
      ['update stored_file_chunks set bytes = set_byte(bytes, 1000, get_byte(bytes, 1000) # 1) where file_id = ? and seq = 1', [f1!.id]],
      ['update stored_file_chunks set bytes = set_byte(bytes, 0, get_byte(bytes, 0) # 1) where file_id = ? and seq = 0', [f3!.id]],
    ];
    await tampered(flips, flips, async (report) => {
      expect(report).toEqual(broken(f1!, 'bytes-changed'));
      await expect(readAll(org.a, f1!.sha256)).rejects.toThrow(StoredFileCorruptError);
    });
  });

  it('finds a deleted chunk', async () => {
    const [f1] = kept;
    await tampered(
      [['delete from stored_file_chunks where file_id = ? and seq = 1', [f1!.id]]],
      [['insert into stored_file_chunks (file_id, seq, org_id, bytes) values (?, 1, ?, ?)', [f1!.id, org.a, f1!.bytes.subarray(MiB, 2 * MiB)]]],
      async (report) => {
        expect(report).toEqual(broken(f1!, 'bytes-changed'));
        await expect(readAll(org.a, f1!.sha256)).rejects.toThrow(/chunk 1 is missing/);
      });
  });

  it('finds a deleted file', async () => {
    const f2 = kept[1]!;
    await tampered(
      [['delete from stored_file_chunks where file_id = ?', [f2.id]], ['delete from stored_files where id = ?', [f2.id]]],
      [['insert into stored_files (id, org_id, sha256, size, name, media_type, created_at) values (?, ?, ?, ?, ?, ?, ?)',
        [f2.id, org.a, f2.sha256, f2.bytes.length, f2.name, 'text/csv', f2.createdAt]],
      ['insert into stored_file_chunks (file_id, seq, org_id, bytes) values (?, 0, ?, ?)', [f2.id, org.a, f2.bytes]]],
      broken(f2, 'file-missing'));
  });

  it("finds two links whose files were swapped (their sha256 exchanged)", async () => {
    const [, f2, f3] = kept;
    // Through a placeholder, as (org_id, sha256) is unique; `to` says whose sha256 each of the two links gets.
    const setTo = (to: readonly [Kept, Kept]): Statement[] => [
      ['update file_chain set sha256 = ? where seq = ?', ['0'.repeat(64), f2!.seq]],
      ['update file_chain set sha256 = ? where seq = ?', [to[1].sha256, f3!.seq]],
      ['update file_chain set sha256 = ? where seq = ?', [to[0].sha256, f2!.seq]],
    ];
    await tampered(setTo([f3!, f2!]), setTo([f2!, f3!]), broken(f2!, 'link-hash', { sha256: f3!.sha256 }));
  });

  it('finds a link renamed with its own hash recomputed (and its file renamed too): the next link no longer follows', async () => {
    const f2 = kept[1]!;
    const [attack, repair] = await renamed(f2, 'подмена.csv');
    const next = await link(f2.seq + 1);
    await tampered(
      [attack, ['update stored_files set name = ? where id = ?', ['подмена.csv', f2.id]]],
      [repair, ['update stored_files set name = ? where id = ?', [f2.name, f2.id]]],
      { ok: false, verified: f2.seq, broken: { seq: f2.seq + 1, orgId: next.org_id, name: next.name, sha256: next.sha256, problem: 'predecessor' } });
  });

  it('finds a link renamed with its own hash recomputed when the file kept its name', async () => {
    const f3 = kept[2]!;
    const [attack, repair] = await renamed(f3, 'подмена.csv');
    await tampered([attack], [repair], broken(f3, 'record-changed', { name: 'подмена.csv' }));
  });

  it('finds a removed link: the one after it has a gap before it', async () => {
    const [, f2, f3] = kept;
    const [attack, repair] = await removed(f2!);
    await tampered([attack], [repair], broken(f3!, 'seq-gap', { verified: f2!.seq - 1 }));
  });

  it('has `familypay verify` print the verdict in Russian: the count and head, or the first broken link with exit 1', async () => {
    const app = { db } as unknown as App;
    const clean = await captured(() => verifyCommand(app, []));
    const head = await link(chainLength);
    expect(clean).toEqual({ code: 0, stderr: [], stdout: [
      `Цепочка файлов цела: ${chainLength} ${pluralFiles(chainLength)}.`,
      `Последнее звено № ${chainLength}, хеш ${head.hash}. Сохраните его вне базы: по нему видно, если хвост цепочки удалят вместе с файлами.`,
    ] });
    const f1 = kept[0]!;
    const flip: Statement = ['update stored_file_chunks set bytes = set_byte(bytes, 7, get_byte(bytes, 7) # 128) where file_id = ? and seq = 2', [f1.id]];
    await tampered([flip], [flip], async () => {
      expect(await captured(() => verifyCommand(app, []))).toEqual({ code: 1, stdout: [], stderr: [
        `Цепочка файлов нарушена: звено № ${f1.seq}, файл «реестр-1.csv» (организация ${org.a}) — содержимое файла изменено: байты не дают записанный хеш или размер.`,
        `Звеньев до него проверено и в порядке: ${f1.seq - 1}.`,
      ] });
    });
  });

  it("finds the chain's last link cut off: its file is left with no link", async () => {
    const f4 = kept[3]!;
    const [attack, repair] = await removed(f4);
    await tampered([attack], [repair], { ok: false, verified: chainLength - 1, broken: { seq: null, orgId: org.a, name: f4.name, sha256: f4.sha256, problem: 'unchained-file' } });
  });
});

/** Russian plural of «файл» for a count, written out independently of the CLI's own rule. */
const pluralFiles = (n: number) => (n % 10 === 1 && n % 100 !== 11 ? 'файл'
  : [2, 3, 4].includes(n % 10) && ![12, 13, 14].includes(n % 100) ? 'файла' : 'файлов');

async function captured(run: () => Promise<number>): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => { stdout.push(String(line)); });
  const error = vi.spyOn(console, 'error').mockImplementation((line: unknown) => { stderr.push(String(line)); });
  try {
    return { code: await run(), stdout, stderr };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('the familypay verify command', () => {
  it('runs from the shell and reports a whole chain with exit 0', async () => {
    // On PostgreSQL against this suite's database and its chain; on PGlite against a fresh, empty data directory.
    const dataDir = await mkdtemp(path.join(tmpdir(), 'fp-verify-'));
    const env: Record<string, string> = test.ownerUrl ? { DATABASE_URL: test.ownerUrl, SECRET_KEY: 'k'.repeat(64) } : { DATA_DIR: dataDir };
    const files = test.ownerUrl ? await count('select count(*)::int as n from file_chain') : 0;
    // execFile rejects on any exit code but 0.
    const run = await promisify(execFile)(process.execPath, [BIN, 'verify'], { env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env } })
      .finally(() => rm(dataDir, { recursive: true, force: true }));
    expect({ first: run.stdout.split('\n')[0], stderr: run.stderr }).toEqual({ first: `Цепочка файлов цела: ${files} ${pluralFiles(files)}.`, stderr: '' });
  }, 60_000);
});

describe('memory', () => {
  // FULL=1 and PostgreSQL only: embedded PGlite keeps the whole database in this process's memory.
  it.runIf(process.env.FULL === '1')('stores and reads back a 200 MB stream without memory growing with it', async (ctx) => {
    if (!test.ownerUrl) return ctx.skip();
    const block = randomBytes(64 * 1024);
    const written = createHash('sha256');
    const content = Readable.from((function* blocks() {
      for (let i = 0; i < (200 * MiB) / block.length; i += 1) {
        const piece = Buffer.from(block);
        piece.writeUInt32BE(i, 0);
        written.update(piece);
        yield piece;
      }
    })());
    const base = process.memoryUsage().rss;
    let peak = base;
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 10);
    try {
      const started = performance.now();
      const stored = await storeFile(db, clock, org.b, { name: 'большой.txt', content });
      const storedMs = Math.round(performance.now() - started);
      expect(stored).toMatchObject({ size: 200 * MiB, sha256: written.digest('hex'), alreadyStored: false });
      const read = createHash('sha256');
      for await (const piece of (await readFile(db, org.b, stored.sha256))!) read.update(piece);
      expect(read.digest('hex')).toBe(stored.sha256);
      console.info(`200 MB: stored in ${storedMs} ms, read in ${Math.round(performance.now() - started) - storedMs} ms; RSS ${base >> 20} → peak ${peak >> 20} MiB`);
    } finally {
      clearInterval(sampler);
    }
    // Buffering the file anywhere would add at least its 200 MiB; streaming adds a few chunks and the collector's slack.
    expect((peak - base) / MiB).toBeLessThan(150);
  }, 120_000);
});
