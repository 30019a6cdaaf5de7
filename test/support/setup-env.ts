// Runs in every jest worker before the test files: quiet logs unless asked, test mode.
import 'reflect-metadata';

process.env.NODE_ENV = 'test';
process.env.LOG_LEVEL ??= process.env.TEST_LOG_LEVEL ?? 'silent';
