import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, ConfigError, parseConfig } from './config.ts';
import { resolveSecretKey } from './secret-key.ts';

describe('configuration', () => {
  it('starts with no variables at all, in embedded mode with the documented defaults', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({ PORT: 3000, DATA_DIR: './data', TZ_DEFAULT: 'Europe/Moscow', LOG_LEVEL: 'info', DEMO_SEED: 'auto' });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
  });

  it('treats empty strings as unset', () => {
    expect(parseConfig({ PORT: '', DATABASE_URL: '' })).toMatchObject({ PORT: 3000, DATABASE_URL: undefined });
  });

  it.each([
    ['PORT', 'seventy'], ['PORT', '70000'], ['DATABASE_URL', 'mysql://x@y/z'], ['REDIS_URL', '127.0.0.1:6379'],
    ['PUBLIC_URL', 'pay.example.ru'], ['TZ_DEFAULT', 'Moscow'], ['SECRET_KEY', 'short'], ['LOG_LEVEL', 'loud'],
    ['DATABASE_POOL_MAX', '0'], ['DEMO_SEED', 'yes'],
  ])('names %s and the expected form when it is %j', (variable, value) => {
    let caught: unknown;
    try { parseConfig({ [variable]: value }); } catch (e) { caught = e; }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe(variable);
    expect((caught as ConfigError).message).toBe(`Invalid setting ${variable}: expected ${CONFIG_VARIABLES[variable as keyof typeof CONFIG_VARIABLES].expected}.`);
    expect((caught as ConfigError).message).not.toContain('\n');
  });

  it('is documented: every variable appears in the README table', async () => {
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    for (const name of Object.keys(CONFIG_VARIABLES)) expect(readme, name).toContain(`| \`${name}\``);
  });
});

describe('secret key', () => {
  it('is generated once in embedded mode, kept private under DATA_DIR, and reused', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fp-key-'));
    const config = parseConfig({ DATA_DIR: dir });
    const first = await resolveSecretKey(config);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(await resolveSecretKey(config)).toBe(first);
    expect((await stat(path.join(dir, 'secret.key'))).mode & 0o077).toBe(0);
  });

  it('gives the same key to processes starting at the same moment', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fp-key-'));
    const config = parseConfig({ DATA_DIR: dir });
    const keys = await Promise.all([1, 2, 3, 4].map(() => resolveSecretKey(config)));
    expect(new Set(keys).size).toBe(1);
  });

  it('must be given in server mode, where processes have to agree on it', async () => {
    const config = parseConfig({ DATABASE_URL: 'postgres://u@127.0.0.1/db' });
    await expect(resolveSecretKey(config)).rejects.toMatchObject({ variable: 'SECRET_KEY' });
    expect(await resolveSecretKey(parseConfig({ DATABASE_URL: 'postgres://u@127.0.0.1/db', SECRET_KEY: 'k'.repeat(40) }))).toBe('k'.repeat(40));
  });
});
