// Entry point: config → createApp → listen; graceful shutdown on SIGTERM/SIGINT.
import 'reflect-metadata';
import { ConfigError, loadConfig } from './config';
import { createApp } from './app';
import { createLogger } from './platform/logger';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const app = await createApp(config, { logger: createLogger({ level: config.logLevel, pretty: config.nodeEnv === 'development', buffered: true }) });
  if (config.auth.jwtSecretGenerated) app.logger.warn('JWT_SECRET is not set: using a random secret, so sessions end when this process stops.');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'shutting down');
    // Whatever still runs after the grace period is cut off: the process must exit in time.
    setTimeout(() => {
      app.logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`mcp-agent-hub failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
