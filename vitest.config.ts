import { defineConfig } from 'vitest/config';

// execArgv: MikroORM's Migrator imports migration files natively from node_modules (STACK.md G8).
export default defineConfig({
  test: {
    execArgv: ['--import', 'tsx'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'data/**'],
  },
});
