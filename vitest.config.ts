import { defineConfig } from 'vitest/config';

// One config for the whole workspace. chDB allows one engine per process, so test files run
// in forked processes (one chDB data directory each), never in worker threads.
export default defineConfig({
  test: {
    include: ['{ingest,processor,dashboard,sql}/{src,server}/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: true,
    maxWorkers: 2,
  },
});
