import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: two files at a time, each in its own database cloned from the migrated template.
    maxWorkers: 2,
    // In CI a JSON report as well, from which .ci/run prints the closing "N passed, N failed" line, and
    // the errors that escaped every test, which that report leaves out (test/unhandled-errors-reporter.ts).
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: '.vitest-results.json' }], ['./test/unhandled-errors-reporter.ts', { outputFile: '.vitest-unhandled-errors.json' }]]
      : ['default'],
  },
})
