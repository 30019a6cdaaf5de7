// One live MCP client per server config, shared by every request and agent run: opened on first
// use, closed when idle, when its config changes, and on shutdown. Tool lists are cached briefly.
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, Implementation, Tool } from '@modelcontextprotocol/sdk/types.js';
import { AppError, upstreamFailed } from '../../platform/errors';
import { describeFailure, isConnectionFailure, isStaleConnection, redact } from './connection-error';
import { Deadline } from './deadline';
import { McpConnection, type ConnectionSettings, type McpConnectionSpec } from './mcp-connection';

export type { McpConnectionSpec } from './mcp-connection';

export interface McpClientPoolOptions {
  idleMs?: number;
  listTimeoutMs?: number;
  callTimeoutMs?: number;
  toolsCacheMs?: number;
  maxStdioPerUser?: number;
  maxStdioTotal?: number;
  /** The fetch HTTP transports use unless their spec brings its own. */
  fetch?: FetchLike;
  /** PATH and the like for stdio children; nothing else of our environment reaches them. */
  stdioBaseEnv: Record<string, string>;
  clientInfo?: Implementation;
  /** Between SIGTERM and SIGKILL when a stdio server's group is closed. */
  killGraceMs?: number;
}

export type McpServerState = 'UNKNOWN' | 'OK' | 'ERROR';

export interface McpServerStatus {
  state: McpServerState;
  error: string | null;
  checkedAt: Date | null;
}

export interface McpConnectionTest {
  ok: boolean;
  latencyMs: number;
  serverName: string | null;
  serverVersion: string | null;
  toolCount: number | null;
  error: string | null;
}

export interface CallToolOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

interface Entry {
  spec: McpConnectionSpec;
  connection: McpConnection;
  ready: Promise<McpConnection>;
  inFlight: number;
  lastUsed: number;
  idleTimer?: NodeJS.Timeout;
  releaseSlot: () => void;
  retired: boolean;
}

interface CachedTools {
  version: string;
  tools: Tool[];
  expiresAt: number;
}

const UNKNOWN: McpServerStatus = { state: 'UNKNOWN', error: null, checkedAt: null };

export class McpClientPool {
  private readonly idleMs: number;
  private readonly listTimeoutMs: number;
  private readonly callTimeoutMs: number;
  private readonly toolsCacheMs: number;
  private readonly maxStdioPerUser: number;
  private readonly maxStdioTotal: number;
  private readonly settings: ConnectionSettings;

  private readonly entries = new Map<string, Entry>();
  private readonly toolCache = new Map<string, CachedTools>();
  private readonly listings = new Map<string, { version: string; promise: Promise<Tool[]> }>();
  // Bumped whenever a server's tool list is known to be stale, so a listing begun earlier is not cached.
  private readonly toolEpochs = new Map<string, number>();
  private readonly statuses = new Map<string, McpServerStatus>();
  private readonly stdioByUser = new Map<string, number>();
  private stdioTotal = 0;
  private readonly testConnections = new Set<McpConnection>();
  private readonly closing = new Set<Promise<void>>();
  private shut = false;

  constructor(options: McpClientPoolOptions) {
    this.idleMs = options.idleMs ?? 300_000;
    this.listTimeoutMs = options.listTimeoutMs ?? 10_000;
    this.callTimeoutMs = options.callTimeoutMs ?? 60_000;
    this.toolsCacheMs = options.toolsCacheMs ?? 60_000;
    this.maxStdioPerUser = options.maxStdioPerUser ?? 8;
    this.maxStdioTotal = options.maxStdioTotal ?? 64;
    this.settings = {
      clientInfo: options.clientInfo ?? { name: 'mcp-agent-hub', version: '0.1.0' },
      stdioBaseEnv: options.stdioBaseEnv,
      fetch: options.fetch,
      killGraceMs: options.killGraceMs,
    };
  }

  /** The server's tools, from the cache while fresh; throws an AppError (UPSTREAM_FAILED, RATE_LIMITED). */
  listTools(spec: McpConnectionSpec): Promise<Tool[]> {
    const cached = this.toolCache.get(spec.id);
    if (cached && cached.version === spec.version && cached.expiresAt > Date.now()) return Promise.resolve(cached.tools);
    const pending = this.listings.get(spec.id);
    if (pending && pending.version === spec.version) return pending.promise;

    const epoch = this.toolEpochs.get(spec.id) ?? 0;
    const promise = this.fetchTools(spec)
      .then((tools) => {
        if ((this.toolEpochs.get(spec.id) ?? 0) === epoch) {
          this.toolCache.set(spec.id, { version: spec.version, tools, expiresAt: Date.now() + this.toolsCacheMs });
        }
        return tools;
      })
      .finally(() => {
        if (this.listings.get(spec.id)?.promise === promise) this.listings.delete(spec.id);
      });
    this.listings.set(spec.id, { version: spec.version, promise });
    return promise;
  }

  /** listTools that never throws: a server that cannot be reached gives no tools and says why in its status. */
  async resolveTools(spec: McpConnectionSpec): Promise<{ tools: Tool[]; status: McpServerStatus }> {
    try {
      const tools = await this.listTools(spec);
      return { tools, status: this.status(spec.id) };
    } catch {
      return { tools: [], status: this.status(spec.id) };
    }
  }

  /**
   * Calls a tool on the pooled client. A tool that reports an error comes back as a result with
   * isError; a server that fails throws UPSTREAM_FAILED; an abort by the caller rejects with its reason.
   */
  async callTool(
    spec: McpConnectionSpec,
    name: string,
    args: Record<string, unknown>,
    options: CallToolOptions = {},
  ): Promise<CallToolResult> {
    const deadline = new Deadline(options.timeoutMs ?? spec.timeouts?.callMs ?? this.callTimeoutMs, options.signal);
    try {
      const result = await this.withConnection(spec, deadline, false, (connection) =>
        connection.callTool(name, args, { signal: deadline.signal, timeout: deadline.remaining() }),
      );
      this.setStatus(spec.id, null);
      return result;
    } catch (error) {
      if (deadline.cancelled) throw options.signal?.reason;
      throw this.failure(spec, error, deadline, `tools/call "${name}"`, isConnectionFailure(error));
    } finally {
      deadline.dispose();
    }
  }

  /** Closes the server's client now (its config changed or was deleted) and forgets its tools and status. */
  async invalidate(id: string): Promise<void> {
    this.forgetTools(id);
    this.statuses.delete(id);
    const entry = this.entries.get(id);
    if (entry) await this.retire(entry);
  }

  status(id: string): McpServerStatus {
    return this.statuses.get(id) ?? UNKNOWN;
  }

  /** A fresh connection, not pooled: initialize, list tools, close. Never throws. */
  async testConnection(spec: McpConnectionSpec): Promise<McpConnectionTest> {
    const startedAt = performance.now();
    const timeoutMs = spec.timeouts?.listMs ?? this.listTimeoutMs;
    const deadline = new Deadline(timeoutMs);
    let connection: McpConnection | undefined;
    let releaseSlot = () => {};
    const latencyMs = () => Math.round(performance.now() - startedAt);
    try {
      this.assertOpen();
      connection = new McpConnection(spec, this.settings);
      if (spec.transport === 'STDIO') releaseSlot = this.takeStdioSlot(spec.userId);
      this.testConnections.add(connection);
      await deadline.race(connection.connect(timeoutMs));
      const tools = await connection.listTools({ signal: deadline.signal, timeout: deadline.remaining() });
      const server = connection.serverInfo;
      return {
        ok: true,
        latencyMs: latencyMs(),
        serverName: server?.name ?? null,
        serverVersion: server?.version ?? null,
        toolCount: tools.length,
        error: null,
      };
    } catch (error) {
      const reason = error instanceof AppError ? error.message : this.reason(spec, error, deadline);
      return { ok: false, latencyMs: latencyMs(), serverName: null, serverVersion: null, toolCount: null, error: reason };
    } finally {
      deadline.dispose();
      if (connection) {
        await connection.close();
        this.testConnections.delete(connection);
      }
      releaseSlot();
    }
  }

  /** Closes every client; every stdio child and its group are gone when it resolves. */
  async close(): Promise<void> {
    this.shut = true;
    for (const entry of [...this.entries.values()]) void this.retire(entry);
    const tests = [...this.testConnections].map((connection) => connection.close());
    await Promise.all([...this.closing, ...tests]);
  }

  /** The PID of a pooled stdio server's child, while it runs. */
  pidOf(id: string): number | undefined {
    return this.entries.get(id)?.connection.pid;
  }

  /** Live pooled clients and live stdio processes (pooled and under test). */
  counts(): { clients: number; stdioProcesses: number } {
    return { clients: this.entries.size, stdioProcesses: this.stdioTotal };
  }

  private async fetchTools(spec: McpConnectionSpec): Promise<Tool[]> {
    const deadline = new Deadline(spec.timeouts?.listMs ?? this.listTimeoutMs);
    try {
      const tools = await this.withConnection(spec, deadline, true, (connection) =>
        connection.listTools({ signal: deadline.signal, timeout: deadline.remaining() }),
      );
      this.setStatus(spec.id, null);
      return tools;
    } catch (error) {
      throw this.failure(spec, error, deadline, 'tools/list', true);
    } finally {
      deadline.dispose();
    }
  }

  // Runs `send` on the pooled client; once, a connection found stale is replaced and `send` retried.
  private async withConnection<T>(
    spec: McpConnectionSpec,
    deadline: Deadline,
    idempotent: boolean,
    send: (connection: McpConnection) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const entry = this.acquire(spec);
      try {
        return await send(await deadline.race(entry.ready));
      } catch (error) {
        if (attempt > 1 || deadline.signal.aborted || !isStaleConnection(error, idempotent)) throw error;
        void this.retire(entry);
      } finally {
        this.release(entry);
      }
    }
  }

  private acquire(spec: McpConnectionSpec): Entry {
    this.assertOpen();
    let entry = this.entries.get(spec.id);
    if (entry && entry.spec.version !== spec.version) {
      this.forgetTools(spec.id);
      void this.retire(entry);
      entry = undefined;
    }
    entry ??= this.open(spec);
    entry.inFlight++;
    clearTimeout(entry.idleTimer);
    return entry;
  }

  private open(spec: McpConnectionSpec): Entry {
    const connection = new McpConnection(spec, this.settings, () => this.forgetTools(spec.id));
    const releaseSlot = spec.transport === 'STDIO' ? this.takeStdioSlot(spec.userId) : () => {};
    const entry: Entry = {
      spec,
      connection,
      ready: connection.connect(spec.timeouts?.listMs ?? this.listTimeoutMs).then(() => connection),
      inFlight: 0,
      lastUsed: Date.now(),
      releaseSlot,
      retired: false,
    };
    // A failed connect is seen by whoever awaits it; the entry itself must just go away.
    entry.ready.catch(() => this.retire(entry));
    connection.onLost = () => {
      this.forgetTools(spec.id);
      void this.retire(entry);
    };
    this.entries.set(spec.id, entry);
    return entry;
  }

  private release(entry: Entry): void {
    entry.inFlight--;
    entry.lastUsed = Date.now();
    if (entry.inFlight > 0 || entry.retired) return;
    clearTimeout(entry.idleTimer);
    entry.idleTimer = setTimeout(() => void this.retire(entry), this.idleMs);
    entry.idleTimer.unref();
  }

  private retire(entry: Entry): Promise<void> {
    if (this.entries.get(entry.spec.id) === entry) this.entries.delete(entry.spec.id);
    clearTimeout(entry.idleTimer);
    if (entry.retired) return entry.connection.close();
    entry.retired = true;
    const closed = entry.connection.close().finally(() => {
      entry.releaseSlot();
      this.closing.delete(closed);
    });
    this.closing.add(closed);
    return closed;
  }

  private takeStdioSlot(userId: string): () => void {
    const mine = this.stdioByUser.get(userId) ?? 0;
    if (this.stdioTotal >= this.maxStdioTotal) {
      throw new AppError(
        'RATE_LIMITED',
        `Too many MCP server processes are running on this host (${this.maxStdioTotal}); try again shortly.`,
        { retryAfterSeconds: this.secondsUntilIdleClose() },
      );
    }
    if (mine >= this.maxStdioPerUser) {
      throw new AppError(
        'RATE_LIMITED',
        `You already have ${this.maxStdioPerUser} MCP server processes running, the most allowed at once; ` +
          `unused ones stop after ${Math.round(this.idleMs / 1000)} s.`,
        { retryAfterSeconds: this.secondsUntilIdleClose(userId) },
      );
    }
    this.stdioByUser.set(userId, mine + 1);
    this.stdioTotal++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.stdioTotal--;
      const left = (this.stdioByUser.get(userId) ?? 1) - 1;
      if (left > 0) this.stdioByUser.set(userId, left);
      else this.stdioByUser.delete(userId);
    };
  }

  // When the first idle stdio client (of this user, or of anyone) is due to close.
  private secondsUntilIdleClose(userId?: string): number {
    let soonest = this.idleMs;
    for (const entry of this.entries.values()) {
      if (entry.spec.transport !== 'STDIO' || entry.inFlight > 0) continue;
      if (userId !== undefined && entry.spec.userId !== userId) continue;
      soonest = Math.min(soonest, entry.lastUsed + this.idleMs - Date.now());
    }
    return Math.max(1, Math.ceil(soonest / 1000));
  }

  private forgetTools(id: string): void {
    this.toolCache.delete(id);
    this.listings.delete(id);
    this.toolEpochs.set(id, (this.toolEpochs.get(id) ?? 0) + 1);
  }

  private assertOpen(): void {
    if (this.shut) throw new AppError('SERVICE_UNAVAILABLE', 'MCP connections are shutting down.');
  }

  private setStatus(id: string, error: string | null): void {
    this.statuses.set(id, { state: error === null ? 'OK' : 'ERROR', error, checkedAt: new Date() });
  }

  private failure(spec: McpConnectionSpec, error: unknown, deadline: Deadline, what: string, affectsStatus: boolean): AppError {
    // A request on a client the config has since replaced says nothing about the server now.
    const recordStatus = affectsStatus && (this.entries.get(spec.id)?.spec.version ?? spec.version) === spec.version;
    if (error instanceof AppError) {
      if (recordStatus) this.setStatus(spec.id, error.message);
      return error;
    }
    const reason = this.reason(spec, error, deadline);
    if (recordStatus) this.setStatus(spec.id, reason);
    return upstreamFailed(`MCP server "${spec.name}" failed on ${what}: ${reason}`, { serverId: spec.id });
  }

  private reason(spec: McpConnectionSpec, error: unknown, deadline: Deadline): string {
    const described = deadline.timedOut ? `no answer within ${deadline.ms} ms` : describeFailure(error, deadline.ms);
    return redact(described, [...Object.values(spec.env ?? {}), ...Object.values(spec.headers ?? {})]);
  }
}
