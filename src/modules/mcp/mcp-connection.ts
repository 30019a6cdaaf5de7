// One MCP client session to one server, over stdio (a child in its own process group) or
// Streamable HTTP. The pool keeps these alive; testConnection opens one and closes it.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolResultSchema,
  ErrorCode,
  McpError,
  ToolListChangedNotificationSchema,
  type CallToolResult,
  type Implementation,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { GroupStdioTransport } from './stdio-transport';
import { ResponseTooLargeError } from '../../platform/net/bounded-response';
import { causesOf } from '../../platform/errors';

export type McpTransportKind = 'STDIO' | 'STREAMABLE_HTTP';

/** Everything needed to reach one configured server; secrets already decrypted. */
export interface McpConnectionSpec {
  id: string;
  /** Named in error messages. */
  name: string;
  userId: string;
  /** Changes whenever the config changes: a pooled client of another version is closed. */
  version: string;
  transport: McpTransportKind;
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  /** The user's workspace: the child runs there and gets it as HOME. */
  cwd?: string;
  url?: string;
  headers?: Record<string, string>;
  /** The fetch this server's HTTP transport uses instead of the pool's: the guarded one of its owner's role. */
  fetch?: FetchLike;
  timeouts?: { listMs?: number; callMs?: number };
}

export interface ConnectionSettings {
  clientInfo: Implementation;
  /** PATH and the like: the only part of a stdio child's environment that is not the server's own. */
  stdioBaseEnv: Record<string, string>;
  fetch?: FetchLike;
  killGraceMs?: number;
}

export interface RequestLimits {
  signal?: AbortSignal;
  timeout: number;
}

/** The connection went away under a request: the request may or may not have reached the server. */
export class ConnectionLostError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ConnectionLostError';
  }
}

const MAX_TOOL_PAGES = 50;

export class McpConnection {
  /** Called once when the connection closes without close() being called (the child died). */
  onLost?: () => void;

  private readonly client: Client;
  private readonly transport: GroupStdioTransport | StreamableHTTPClientTransport;
  private lastError?: Error;
  private closing?: Promise<void>;
  private lost = false;

  constructor(spec: McpConnectionSpec, settings: ConnectionSettings, onToolsChanged?: () => void) {
    this.transport = createTransport(spec, settings);
    this.client = new Client(settings.clientInfo, { capabilities: {} });
    this.client.onerror = (error) => {
      this.lastError = error;
      // The SDK drops an answer it could not read and leaves its request waiting until its timeout:
      // an answer over OUTBOUND_MAX_RESPONSE_BYTES ends the connection, so that request fails now.
      if (tooLarge(error)) void this.transport.close();
    };
    this.client.onclose = () => {
      if (this.closing) return;
      this.lost = true;
      this.onLost?.();
    };
    if (onToolsChanged) this.client.setNotificationHandler(ToolListChangedNotificationSchema, onToolsChanged);
  }

  /** Starts the transport and initializes the session; on failure everything started is closed again. */
  async connect(timeoutMs: number): Promise<void> {
    try {
      await this.client.connect(this.transport, { timeout: timeoutMs });
    } catch (error) {
      const reason = this.explain(error);
      await this.close();
      throw reason;
    }
  }

  /** The PID (and process group) of a stdio server's child while it runs. */
  get pid(): number | undefined {
    return this.transport instanceof GroupStdioTransport ? this.transport.pid : undefined;
  }

  get serverInfo(): Implementation | undefined {
    return this.client.getServerVersion();
  }

  async listTools(limits: RequestLimits): Promise<Tool[]> {
    return this.request(async () => {
      const tools: Tool[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_TOOL_PAGES; page++) {
        const result = await this.client.listTools(cursor ? { cursor } : undefined, limits);
        tools.push(...result.tools);
        cursor = result.nextCursor;
        if (!cursor) break;
      }
      return tools;
    });
  }

  async callTool(name: string, args: Record<string, unknown>, limits: RequestLimits): Promise<CallToolResult> {
    return this.request(() =>
      this.client.request({ method: 'tools/call', params: { name, arguments: args } }, CallToolResultSchema, limits),
    );
  }

  /** Ends the session (HTTP: DELETE, briefly) and the transport; a stdio child and its group are gone when it resolves. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    if (this.transport instanceof StreamableHTTPClientTransport && this.transport.sessionId) {
      await Promise.race([this.transport.terminateSession().catch(() => undefined), delay(1000)]);
    }
    await this.client.close();
  }

  private async request<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw this.explain(error);
    }
  }

  // "Connection closed" says nothing: the transport's last report (exit code, stderr) says why.
  private explain(error: unknown): unknown {
    if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed && this.lost) {
      return new ConnectionLostError(this.lastError?.message ?? 'the connection closed');
    }
    return error;
  }
}

/** The SDK reports a stream's failure as text ("SSE stream disconnected: <error>"), without the error itself. */
function tooLarge(error: unknown): boolean {
  return causesOf(error).some((link) => link instanceof ResponseTooLargeError || (link instanceof Error && link.message.includes(ResponseTooLargeError.name)));
}

function createTransport(spec: McpConnectionSpec, settings: ConnectionSettings) {
  if (spec.transport === 'STDIO') {
    if (!spec.command) throw new Error('no command is configured');
    if (!spec.cwd) throw new Error('no working directory is given');
    return new GroupStdioTransport(
      {
        command: spec.command,
        args: spec.args ?? [],
        env: { ...settings.stdioBaseEnv, HOME: spec.cwd, ...spec.env },
        cwd: spec.cwd,
      },
      { killGraceMs: settings.killGraceMs },
    );
  }
  if (!spec.url) throw new Error('no URL is configured');
  return new StreamableHTTPClientTransport(new URL(spec.url), {
    fetch: spec.fetch ?? settings.fetch,
    requestInit: spec.headers ? { headers: spec.headers } : undefined,
  });
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
