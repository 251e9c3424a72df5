import express from 'express';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveDocumentFile, signFileRef } from '../core/documents/index.ts';
import { systemClock } from '../core/shared/index.ts';
import { filesRoutes } from '../web/files.routes.ts';
import { makePaymentsOrg } from './support/payments-fixture.ts';
import { openTestDatabase, type TestDatabase } from './support/test-database.ts';

const SECRET = 'f'.repeat(40);
let test: TestDatabase;
let server: Server;
let base = '';
let orgA = '';
let orgB = '';
let fileId = '';

beforeAll(async () => {
  test = await openTestDatabase();
  orgA = (await makePaymentsOrg(test.db, 'filesa', { accounts: 1 })).orgId;
  orgB = (await makePaymentsOrg(test.db, 'filesb', { accounts: 1 })).orgId;
  fileId = await test.db.withTenant(orgA, (em) => saveDocumentFile(em, orgA, { kind: 'statement', name: 'Структура долга.pdf', mime: 'application/pdf', data: Buffer.from('%PDF-1.4 test') }, new Date()));
  const app = express().use(filesRoutes({ db: test.db, clock: systemClock, secretKey: SECRET }));
  server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await test?.drop();
});

const url = (org: string, id: string, expires: number, sig?: string) => `${base}/files/${org}/${id}?e=${expires}&s=${sig ?? signFileRef(SECRET, org, id, expires)}`;
const later = () => Math.floor(Date.now() / 1000) + 3600;

describe('conversation files', () => {
  it('serves a file through its signed link', async () => {
    const res = await fetch(url(orgA, fileId, later()));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toContain(encodeURIComponent('Структура долга.pdf'));
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe('%PDF-1.4 test');
  });

  it('answers 404 to a stale, altered or foreign link', async () => {
    const past = Math.floor(Date.now() / 1000) - 1;
    expect((await fetch(url(orgA, fileId, past))).status).toBe(404);
    const sig = signFileRef(SECRET, orgA, fileId, later());
    expect((await fetch(url(orgA, fileId, later(), `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`))).status).toBe(404);
    expect((await fetch(url(orgB, fileId, later()))).status).toBe(404);
    expect((await fetch(url(orgA, fileId, later() + 1, sig))).status).toBe(404);
  });
});
