import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compose, type App } from '../../cli/compose.ts';
import { seedDemo } from '../../cli/demo-seed.ts';
import { parseConfig } from '../../core/infra/config/config.ts';

export type EmbeddedDemo = { readonly app: App; readonly demoId: string; readonly dir: string; close(): Promise<void> };

/** The app as `familypay` composes it in embedded mode (PGlite in a temp DATA_DIR) with the demo organisation seeded. */
export async function embeddedDemo(prefix: string): Promise<EmbeddedDemo> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  const app = await compose(parseConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent' }));
  const demoId = (await seedDemo(app)).orgId;
  return {
    app, demoId, dir,
    close: async () => {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
