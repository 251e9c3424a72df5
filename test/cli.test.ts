import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { postgresUrl } from './support/services.ts';
import { createScratchDatabase } from './support/test-database.ts';

const BIN = new URL('../cli/familypay.js', import.meta.url).pathname;

type Run = { code: number | null; stdout: string; stderr: string };

/** Runs `familypay …` to its end, as a user would, with exactly the given environment (no DATABASE_URL leaks in). */
function familypay(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += String(d); });
    child.stderr.on('data', (d) => { stderr += String(d); });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts a long-running command and resolves once its output matches `ready`; stop() sends SIGTERM and waits. */
function start(args: string[], env: Record<string, string>, ready: RegExp): Promise<{ stdout: string; stop: () => Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env } });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += String(d); });
    child.stdout.on('data', (d) => {
      stdout += String(d);
      if (ready.test(stdout)) resolve({ stdout, stop: () => { child.kill('SIGTERM'); return exited; } });
    });
    exited.then((code) => reject(new Error(`exited ${code} before ready: ${stdout}${stderr}`)));
  });
}

describe('familypay command', () => {
  it('stops on a bad setting with one line naming the variable and the expected form', async () => {
    const run = await familypay(['serve'], { PORT: 'three thousand' });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual(['Неверная настройка PORT: ожидается a TCP port from 0 to 65535.']);
  });

  it('prints usage for help and refuses an unknown command', async () => {
    expect((await familypay(['help'], {})).stdout).toContain('familypay <serve|worker|whatsapp|bots|migrate|seed --demo|user add|import|verify|links|help>');
    const unknown = await familypay(['frobnicate'], {});
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toContain('«frobnicate»');
  });

  it('serves /health on an empty DATA_DIR with no other settings, seeds the demo once, and stops cleanly', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'fp-cli-'));
    const server = await start(['serve'], { DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' }, /http:\/\/localhost:\d+\/health/);
    try {
      expect(server.stdout).toMatch(/Создана демо-организация «УК «Демо»» \(адрес demo\): получателей 2, услуг 6, домов 2, лицевых счетов 200\./);
      const url = /(http:\/\/localhost:\d+)\/health/.exec(server.stdout)![1]!.replace('localhost', '127.0.0.1');
      const res = await fetch(`${url}/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ok', database: { ok: true, mode: 'pglite' }, queue: { ok: true, kind: 'in-process' } });
      expect((await fetch(`${url}/nowhere`)).status).toBe(404);
      const login = await fetch(`${url}/admin/login`);
      expect([login.status, (await login.text()).includes('Вход для сотрудников')]).toEqual([200, true]);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    const again = await familypay(['seed', '--demo'], { DATA_DIR: dataDir });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Демо-организация «УК «Демо»» уже есть (лицевых счетов 200); ничего не изменено.');
    expect(again.stdout).toMatch(/почта admin@demo\.familypay\.local, пароль \S{10,}/);

    const added = await familypay(['user', 'add', '--org', 'demo', '--email', 'Buh@Demo.ru', '--role', 'accountant'], { DATA_DIR: dataDir });
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('Сотрудник buh@demo.ru добавлен в организацию demo с ролью accountant.');
    expect(added.stdout).toMatch(/Пароль \(покажем один раз\): \S{12,}/);
    const twice = await familypay(['user', 'add', '--org', 'demo', '--email', 'buh@demo.ru'], { DATA_DIR: dataDir });
    expect([twice.code, twice.stderr.trim()]).toEqual([1, 'Сотрудник с такой почтой уже есть.']);
  }, 180_000);

  it('migrates a PostgreSQL database once, then reports it up to date, and seeds the demo there', async (ctx) => {
    const server = await postgresUrl();
    if (!server) return ctx.skip();
    const scratch = await createScratchDatabase(server);
    try {
      const env = { DATABASE_URL: scratch.url, SECRET_KEY: 'k'.repeat(64) };
      const first = await familypay(['migrate'], env);
      expect(first.stdout).toMatch(/Применены миграции: Migration\d+_initial, Migration\d+_tenancy, .*Migration\d+_\w+\./);
      const second = await familypay(['migrate'], env);
      expect([second.code, second.stdout.trim()]).toEqual([0, 'База данных в актуальном состоянии.']);
      const seeded = await familypay(['seed', '--demo'], env);
      expect(seeded.stdout).toContain('лицевых счетов 200');
      await importsRegistries(env);
    } finally {
      await scratch.drop();
    }
  }, 120_000);
});

const FIXTURE = new URL('./fixtures/registries/accruals.cp1251.txt', import.meta.url).pathname;

/** `familypay import --json`: the last line is one JSON object; a second run of the same bytes changes nothing. */
async function importsRegistries(env: Record<string, string>): Promise<void> {
  const usage = await familypay(['import', FIXTURE], env);
  expect([usage.code, usage.stderr]).toEqual([2, expect.stringContaining('familypay import ФАЙЛ --org АДРЕС')]);
  const dry = await familypay(['import', FIXTURE, '--org', 'demo', '--dry-run', '--json'], env);
  expect(JSON.parse(dry.stdout.trim().split('\n').pop()!)).toMatchObject({ applied: false, status: 'dry_run', lines: 21 });
  const run = await familypay(['import', FIXTURE, '--org', 'demo', '--json'], env);
  expect(run.code).toBe(0);
  const summary = JSON.parse(run.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
  expect(Object.keys(summary)).toEqual(['file', 'sha256', 'format', 'encoding', 'rows', 'accounts', 'lines', 'totalKop', 'errors', 'applied', 'status']);
  expect(summary).toMatchObject({ file: 'accruals.cp1251.txt', format: 'txt', encoding: 'windows-1251', rows: 21, accounts: { created: 7, updated: 0 }, lines: 21, totalKop: 3_813_359, errors: [], applied: true });
  const again = await familypay(['import', FIXTURE, '--org', 'demo', '--json'], env);
  expect(again.stdout).toContain('уже был загружен');
  expect(JSON.parse(again.stdout.trim().split('\n').pop()!)).toMatchObject({ applied: false, status: 'already_imported' });
}
