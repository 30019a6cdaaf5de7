import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import { compileServer } from '../support/compiled-server';

describe('configuration from the environment', () => {
  it('starts on embedded defaults with nothing set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 4000,
      database: { url: null, sqlitePath: './data/hub.sqlite', migrateOnStart: true },
      redis: { url: null },
      graphql: { introspection: true, maxDepth: 10, maxAliases: 15 },
      auth: { accessTokenTtlSeconds: 1800, jwtSecretGenerated: true },
      files: { dir: './data/files', maxBytes: 25 * 1024 * 1024 },
      llm: { cacheTtlSeconds: 0 },
    });
  });

  it('reports every bad value at once, each naming its variable', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'postgres://x', REDIS_URL: 'http://x', JWT_SECRET: 'short', GRAPHQL_INTROSPECTION: 'maybe', NODE_ENV: 'staging', ALLOWED_PRIVATE_HOSTS: 'localhost:11434, http://ollama:11434', ADMIN_USERNAME: 'admin@example.com', ADMIN_PASSWORD: 'long enough' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        'NODE_ENV must be one of development, production, test (got "staging")',
        'PORT must be an integer from 0 to 65535 (got "eighty")',
        'DATABASE_URL must be a URL starting with mysql:// or mariadb://',
        'REDIS_URL must be a URL starting with redis:// or rediss://',
        'JWT_SECRET must be at least 32 bytes long',
        'GRAPHQL_INTROSPECTION must be true or false (got "maybe")',
        'ALLOWED_PRIVATE_HOSTS: "http://ollama:11434" is a URL; give only the host or host:port (e.g. localhost:11434, 10.0.0.5, [fd00::5]:8000)',
        'ADMIN_USERNAME must be 3 to 50 letters, digits, dots, dashes or underscores (got "admin@example.com")',
      ]),
    );
    expect(problems).toHaveLength(8);
  });

  it('requires JWT_SECRET and SECRETS_KEY in production, and turns introspection off there', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET is required when NODE_ENV=production[\s\S]*SECRETS_KEY is required/);
    const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), SECRETS_KEY: 'ab'.repeat(32) });
    expect(config.graphql.introspection).toBe(false);
    expect(config.secretsKey).toHaveLength(32);
  });

  it('reads TRUST_PROXY as Express means it: a number of hops, true, or trusted addresses', () => {
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe('loopback, 10.0.0.0/8');
    expect(() => loadConfig({ TRUST_PROXY: 'the load balancer' })).toThrow(/TRUST_PROXY must be a number of proxies, true, or addresses/);
  });

  it('stops the server process before it starts, with the message on stderr', () => {
    const dir = compileServer();
    const result = spawnSync(process.execPath, [join(dir, 'src', 'main.js')], { env: { PATH: process.env.PATH, PORT: '-1' }, encoding: 'utf8', timeout: 20_000 });
    expect(result.status).toBe(78);
    expect(result.stderr).toBe('Invalid configuration:\n  - PORT must be an integer from 0 to 65535 (got "-1")\n');
  });
});
