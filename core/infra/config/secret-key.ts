import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, isEmbedded, type Config } from './config.ts';

const KEY_FILE = 'secret.key';

/**
 * Embedded mode keeps a generated key under DATA_DIR so signed links survive restarts. Server mode runs several
 * processes that must agree, so there the key has to be given.
 */
export async function resolveSecretKey(config: Config): Promise<string> {
  if (config.SECRET_KEY) return config.SECRET_KEY;
  if (!isEmbedded(config)) throw new ConfigError('SECRET_KEY', 'at least 32 characters; it is required when DATABASE_URL is set');
  const file = path.join(config.DATA_DIR, KEY_FILE);
  try {
    const stored = (await readFile(file, 'utf8')).trim();
    if (stored.length >= 32) return stored;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await mkdir(config.DATA_DIR, { recursive: true });
  const key = randomBytes(32).toString('hex');
  // wx: two processes starting at once must not overwrite each other's key.
  try {
    await writeFile(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return (await readFile(file, 'utf8')).trim();
  }
}
