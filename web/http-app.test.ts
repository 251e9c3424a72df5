import { Router } from 'express';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { makeLogger } from '../core/infra/logger/logger.ts';
import { AppError } from '../core/shared/index.ts';
import { healthRoutes } from './health.routes.ts';
import { makeHttpApp } from './http-app.ts';

const servers: { close(): void }[] = [];
afterEach(() => { for (const s of servers.splice(0)) s.close(); });

async function serve(routers: Router[]) {
  const lines: string[] = [];
  const destination = new Writable({ write(chunk, _e, done) { lines.push(String(chunk)); done(); } });
  const app = makeHttpApp(makeLogger({ destination }), routers);
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((r) => server.once('listening', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, logs: () => lines.join('') };
}

const health = (db: boolean, queue: boolean) => healthRoutes({
  database: { health: async () => ({ ok: db, mode: 'pglite' as const, ...(db ? {} : { detail: 'connection refused' }) }) },
  queue: { health: async () => ({ ok: queue, kind: 'bullmq' as const }) },
  version: '0.1.0', startedAt: new Date(),
});

describe('/health', () => {
  it('answers 200 ok when the database and the queue answer', async () => {
    const { url } = await serve([health(true, true)]);
    const res = await fetch(`${url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', database: { ok: true }, queue: { ok: true } });
  });
  it('answers 200 degraded when only the queue is down (the outbox keeps the work)', async () => {
    const { url } = await serve([health(true, false)]);
    const res = await fetch(`${url}/health`);
    expect([res.status, (await res.json() as { status: string }).status]).toEqual([200, 'degraded']);
  });
  it('answers 503 when the database is down', async () => {
    const { url } = await serve([health(false, true)]);
    const res = await fetch(`${url}/health`);
    expect([res.status, (await res.json() as { status: string }).status]).toEqual([503, 'down']);
  });
});

describe('errors and logs', () => {
  const routes = Router();
  routes.get('/pay/:token', () => { throw new AppError('ACCOUNTS.NUMBER_TAKEN', { field: 'number', vars: { number: '100001' } }); });
  routes.get('/boom', () => { throw new Error('db password=hunter2 leaked'); });

  it('answers a user error in the user language, naming the field', async () => {
    const { url } = await serve([routes]);
    const ru = await fetch(`${url}/pay/secret-token-123`);
    expect(ru.status).toBe(400);
    expect(await ru.json()).toEqual({ error: { code: 'ACCOUNTS.NUMBER_TAKEN', field: 'number', message: 'Лицевой счёт № 100001 уже есть в этой организации.' } });
    const en = await fetch(`${url}/pay/x`, { headers: { 'Accept-Language': 'en-GB,en;q=0.9' } });
    expect((await en.json() as { error: { message: string } }).error.message).toBe('Account No. 100001 already exists in this organisation.');
  });

  it('hides an unexpected error behind a generic message with a request id', async () => {
    const { url } = await serve([routes]);
    const res = await fetch(`${url}/boom`, { headers: { 'X-Request-Id': 'req-12345678' } });
    expect(res.status).toBe(500);
    const body = await res.json() as { error: { message: string; requestId: string } };
    expect(body.error.message).toContain('Что-то пошло не так');
    expect(body.error.requestId).toBe('req-12345678');
    expect(JSON.stringify(body)).not.toContain('hunter2');
  });

  it('logs the route pattern, never the token in the path or query', async () => {
    const { url, logs } = await serve([routes]);
    await fetch(`${url}/pay/secret-token-123?phone=89123456789`);
    await new Promise((r) => setTimeout(r, 50));
    expect(logs()).toContain('"route":"/pay/:token"');
    expect(logs()).not.toContain('secret-token-123');
    expect(logs()).not.toContain('89123456789');
  });

  it('sends security headers and no x-powered-by', async () => {
    const { url } = await serve([health(true, true)]);
    const res = await fetch(`${url}/health`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});
