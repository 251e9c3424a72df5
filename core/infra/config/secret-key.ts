import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ConfigError, isEmbedded, type Config } from './config.ts';
import { keptSecret } from './kept-secret.ts';

/**
 * Embedded mode keeps a generated key under DATA_DIR so signed links survive restarts. Server mode runs several
 * processes that must agree, so there the key has to be given.
 */
export async function resolveSecretKey(config: Config): Promise<string> {
  if (config.SECRET_KEY) return config.SECRET_KEY;
  if (!isEmbedded(config)) throw new ConfigError('SECRET_KEY', 'at least 32 characters; it is required when DATABASE_URL is set');
  return keptSecret(path.join(config.DATA_DIR, 'secret.key'), () => randomBytes(32).toString('hex'), 32);
}
