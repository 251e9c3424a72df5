import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A secret generated once and kept in a private file (mode 0600), so restarts reuse it. `wx` makes two processes
 * starting at once agree: the second finds the first's file and reads it instead of writing its own.
 */
export async function keptSecret(file: string, generate: () => string, minLength: number): Promise<string> {
  try {
    const stored = (await readFile(file, 'utf8')).trim();
    if (stored.length >= minLength) return stored;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await mkdir(path.dirname(file), { recursive: true });
  const secret = generate();
  try {
    await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return (await readFile(file, 'utf8')).trim();
  }
}
