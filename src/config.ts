// The environment, read once into a typed Config. Every problem is collected and reported together,
// each naming its variable, so a bad deployment fails at start-up rather than at first use.
import { randomBytes } from 'node:crypto';
import proxyaddr from 'proxy-addr';
import { parseAllowedPrivateHosts } from './platform/net/allowed-private-hosts';
import { isValidUsername, USERNAME_RULE } from './modules/accounts/username';

export type NodeEnv = 'development' | 'production' | 'test';

export interface Config {
  nodeEnv: NodeEnv;
  host: string;
  port: number;
  logLevel: string;
  /** Set when the server runs behind a proxy that sets X-Forwarded-For (Express `trust proxy`): hops, all, or addresses. */
  trustProxy: number | boolean | string;
  corsOrigins: string[];
  publicUrl: string | null;
  shutdownTimeoutMs: number;
  database: { url: string | null; sqlitePath: string; migrateOnStart: boolean; debug: boolean };
  redis: { url: string | null; prefix: string };
  graphql: { introspection: boolean; maxDepth: number; maxAliases: number; maxCost: number };
  auth: {
    jwtSecret: string;
    /** True when no JWT_SECRET was given and one was made up for this process. */
    jwtSecretGenerated: boolean;
    accessTokenTtlSeconds: number;
    refreshTokenTtlSeconds: number;
    passwordResetTtlSeconds: number;
    adminUsername: string | null;
    adminPassword: string | null;
    adminEmail: string | null;
    /** Sign-ups, sign-ins and reset requests allowed per client IP per minute. */
    ipAttemptsPerMinute: number;
    /** Failed sign-ins allowed per account name per 15 minutes, before that name is locked for 15 minutes. */
    loginFailuresPerAccount: number;
  };
  secretsKey: Buffer;
  /** `json:` keeps mails in memory as JSON (nodemailer's JSON transport), for tests and dry runs. */
  mail: { smtpUrl: string | null; from: string };
  net: { allowedPrivateHosts: string[]; maxResponseBytes: number };
  mcp: {
    stdioAllowedCommands: string[];
    idleTimeoutMs: number;
    listTimeoutMs: number;
    callTimeoutMs: number;
    toolsCacheMs: number;
    maxStdioPerUser: number;
    maxStdioTotal: number;
  };
  llm: { cacheTtlSeconds: number; timeoutMs: number; maxRetries: number };
  tools: {
    resultMaxBytes: number;
    searxngUrl: string | null;
    webSearchTimeoutMs: number;
    /** DuckDuckGo's HTML endpoint; only for tests (a local fake) and mirrors. */
    duckDuckGoUrl: string | null;
  };
  files: { dir: string; maxBytes: number; quotaBytes: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

class Reader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === '' ? undefined : value;
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  optional(name: string): string | null {
    return this.raw(name) ?? null;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!/^-?\d+$/.test(value) || n < min || n > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max} (got "${value}")`);
      return fallback;
    }
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    if (['0', 'false', 'no', 'off'].includes(value)) return false;
    this.problems.push(`${name} must be true or false (got "${value}")`);
    return fallback;
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
    return fallback;
  }

  list(name: string): string[] {
    return (this.raw(name) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }

  url(name: string, protocols: string[]): string | null {
    const value = this.raw(name);
    if (value === undefined) return null;
    try {
      const url = new URL(value);
      if (protocols.includes(url.protocol)) return value;
    } catch {
      // reported below
    }
    this.problems.push(`${name} must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);
    return null;
  }
}

const MB = 1024 * 1024;

export function loadConfig(env: Env = process.env): Config {
  const r = new Reader(env);
  const nodeEnv = r.oneOf<NodeEnv>('NODE_ENV', 'development', ['development', 'production', 'test']);
  const production = nodeEnv === 'production';

  const databaseUrl = r.url('DATABASE_URL', ['mysql:', 'mariadb:']);
  const jwtSecretValue = r.raw('JWT_SECRET');
  if (jwtSecretValue !== undefined && Buffer.byteLength(jwtSecretValue) < 32) {
    r.problems.push('JWT_SECRET must be at least 32 bytes long');
  } else if (jwtSecretValue === undefined && production) {
    r.problems.push('JWT_SECRET is required when NODE_ENV=production (at least 32 bytes, e.g. `openssl rand -base64 48`)');
  }

  const secretsKey = readSecretsKey(r, production);
  const adminUsername = r.optional('ADMIN_USERNAME');
  const adminPassword = r.optional('ADMIN_PASSWORD');
  if ((adminUsername === null) !== (adminPassword === null)) {
    r.problems.push('ADMIN_USERNAME and ADMIN_PASSWORD must be set together');
  }
  if (adminUsername !== null && !isValidUsername(adminUsername)) {
    r.problems.push(`ADMIN_USERNAME ${USERNAME_RULE} (got "${adminUsername}")`);
  }
  if (adminPassword !== null && (adminPassword.length < 8 || adminPassword.length > 256)) {
    r.problems.push('ADMIN_PASSWORD must be 8 to 256 characters');
  }
  const config: Config = {
    nodeEnv,
    host: r.string('HOST', '0.0.0.0'),
    port: r.int('PORT', 4000, 0, 65535),
    logLevel: r.oneOf('LOG_LEVEL', production ? 'info' : 'debug', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    trustProxy: readTrustProxy(r),
    corsOrigins: r.list('CORS_ORIGINS'),
    publicUrl: r.url('PUBLIC_URL', ['http:', 'https:']),
    shutdownTimeoutMs: r.int('SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    database: {
      url: databaseUrl,
      sqlitePath: r.string('SQLITE_PATH', './data/hub.sqlite'),
      migrateOnStart: r.bool('DB_MIGRATE_ON_START', true),
      debug: r.bool('DB_DEBUG', false),
    },
    redis: { url: r.url('REDIS_URL', ['redis:', 'rediss:']), prefix: r.string('REDIS_PREFIX', 'hub:') },
    graphql: {
      introspection: r.bool('GRAPHQL_INTROSPECTION', !production),
      maxDepth: r.int('GRAPHQL_MAX_DEPTH', 10, 1, 100),
      maxAliases: r.int('GRAPHQL_MAX_ALIASES', 15, 0, 1000),
      maxCost: r.int('GRAPHQL_MAX_COST', 20_000, 1, 10_000_000),
    },
    auth: {
      jwtSecret: jwtSecretValue ?? randomBytes(48).toString('base64'),
      jwtSecretGenerated: jwtSecretValue === undefined,
      accessTokenTtlSeconds: r.int('JWT_ACCESS_TTL_SECONDS', 30 * 60, 30, 7 * 24 * 3600),
      refreshTokenTtlSeconds: r.int('REFRESH_TOKEN_TTL_SECONDS', 30 * 24 * 3600, 60, 365 * 24 * 3600),
      passwordResetTtlSeconds: r.int('PASSWORD_RESET_TTL_SECONDS', 30 * 60, 60, 7 * 24 * 3600),
      adminUsername,
      adminPassword,
      adminEmail: r.optional('ADMIN_EMAIL'),
      ipAttemptsPerMinute: r.int('AUTH_IP_ATTEMPTS_PER_MINUTE', 20, 1, 1_000_000),
      loginFailuresPerAccount: r.int('AUTH_LOGIN_FAILURES_PER_ACCOUNT', 10, 1, 1_000_000),
    },
    secretsKey,
    mail: { smtpUrl: r.url('SMTP_URL', ['smtp:', 'smtps:', 'json:']), from: r.string('MAIL_FROM', 'mcp-agent-hub <no-reply@localhost>') },
    net: { allowedPrivateHosts: readAllowedPrivateHosts(r), maxResponseBytes: r.int('OUTBOUND_MAX_RESPONSE_BYTES', 32 * MB, 1024, 1024 * MB) },
    mcp: {
      stdioAllowedCommands: r.list('MCP_STDIO_ALLOWED_COMMANDS'),
      idleTimeoutMs: r.int('MCP_IDLE_TIMEOUT_MS', 5 * 60_000, 1_000, 24 * 3600_000),
      listTimeoutMs: r.int('MCP_LIST_TIMEOUT_MS', 10_000, 100, 600_000),
      callTimeoutMs: r.int('MCP_CALL_TIMEOUT_MS', 60_000, 100, 3600_000),
      toolsCacheMs: r.int('MCP_TOOLS_CACHE_MS', 60_000, 0, 3600_000),
      maxStdioPerUser: r.int('MCP_MAX_STDIO_PER_USER', 5, 0, 1000),
      maxStdioTotal: r.int('MCP_MAX_STDIO_TOTAL', 50, 0, 100_000),
    },
    llm: {
      cacheTtlSeconds: r.int('LLM_CACHE_TTL', 0, 0, 30 * 24 * 3600),
      timeoutMs: r.int('LLM_TIMEOUT_MS', 120_000, 1_000, 3600_000),
      maxRetries: r.int('LLM_MAX_RETRIES', 2, 0, 10),
    },
    tools: {
      resultMaxBytes: r.int('TOOL_RESULT_MAX_BYTES', 100 * 1024, 1024, 10 * MB),
      searxngUrl: r.url('SEARXNG_URL', ['http:', 'https:']),
      webSearchTimeoutMs: r.int('WEB_SEARCH_TIMEOUT_MS', 10_000, 100, 120_000),
      duckDuckGoUrl: r.url('WEB_SEARCH_DUCKDUCKGO_URL', ['http:', 'https:']),
    },
    files: {
      dir: r.string('FILES_DIR', './data/files'),
      maxBytes: r.int('FILES_MAX_BYTES', 25 * MB, 1, 10 * 1024 * MB),
      quotaBytes: r.int('FILES_QUOTA_BYTES', 1024 * MB, 1, 1024 * 1024 * MB),
    },
  };
  if (r.problems.length) throw new ConfigError(r.problems);
  return config;
}

function readAllowedPrivateHosts(r: Reader): string[] {
  try {
    return parseAllowedPrivateHosts(r.raw('ALLOWED_PRIVATE_HOSTS'));
  } catch (error) {
    r.problems.push((error as Error).message);
    return [];
  }
}

/** Express reads a string as addresses only: a hop count must reach it as a number, "true" as a boolean. */
function readTrustProxy(r: Reader): number | boolean | string {
  const value = r.raw('TRUST_PROXY');
  if (value === undefined || value.toLowerCase() === 'false') return false;
  if (value.toLowerCase() === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  try {
    proxyaddr.compile(value.split(',').map((s) => s.trim()));
    return value;
  } catch {
    r.problems.push(`TRUST_PROXY must be a number of proxies, true, or addresses and subnets such as loopback or 10.0.0.0/8 (got "${value}")`);
    return false;
  }
}

function readSecretsKey(r: Reader, production: boolean): Buffer {
  const value = r.raw('SECRETS_KEY');
  if (value === undefined) {
    if (production) r.problems.push('SECRETS_KEY is required when NODE_ENV=production (32 bytes as hex or base64, e.g. `openssl rand -hex 32`)');
    // Outside production a fixed development key keeps stored secrets readable across restarts.
    return Buffer.alloc(32, 'mcp-agent-hub-development-key');
  }
  const key = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== 32) r.problems.push('SECRETS_KEY must be 32 bytes, as 64 hex characters or base64');
  return key;
}
