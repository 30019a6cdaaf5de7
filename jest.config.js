/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { swcrc: true }] },
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 30000,
  // The suites start real servers and child processes: bound the parallelism to the machine.
  maxWorkers: process.env.JEST_MAX_WORKERS ?? '50%',
  reporters: ['default', '<rootDir>/test/support/totals-reporter.js'],
};
