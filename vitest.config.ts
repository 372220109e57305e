import { defineConfig } from 'vitest/config';

// Two projects: every test on SQLite (the store suite loops over Postgres itself), and the
// end-to-end suites again with each Gatehouse on a Postgres schema of its own.
const shared = { testTimeout: 20_000, hookTimeout: 30_000, pool: 'forks' as const };

export default defineConfig({
  test: {
    ...shared,
    projects: [
      { extends: true, test: { name: 'all', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'e2e-postgres',
          include: ['test/e2e/**/*.test.ts'],
          // Each test's Gatehouse is the only replica on its schema unless the test says otherwise
          // (the replica suites set GATEHOUSE_REDIS_URL): see src/app/replica-safety.ts.
          env: { GATEHOUSE_TEST_E2E_DB: 'postgres', GATEHOUSE_SINGLE_REPLICA: 'true' },
        },
      },
    ],
  },
});
