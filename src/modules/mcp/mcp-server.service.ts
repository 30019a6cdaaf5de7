// The rules of MCP server configs (each user's own, names unique per user, env and headers sealed,
// who may run commands, URLs through the SSRF policy) and their live side through the pool: tools
// and status, connection tests, and the tool calls the agent makes.
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { EntityManager } from '../../platform/db/orm';
import { AppError, badInput, conflict, forbidden, notFound } from '../../platform/errors';
import { paginate, type Connection, type ForwardPageArgs } from '../../platform/graphql/connection';
import type { Principal, Role } from '../../platform/graphql/context';
import type { Logger } from '../../platform/logger';
import type { OutboundHttp } from '../../platform/net/outbound';
import type { McpClientPool, McpConnectionSpec, McpConnectionTest } from './client-pool';
import { McpServer, McpTransport, type ToolApproval } from './mcp-server.entity';
import type { CreateMcpServerInput, UpdateMcpServerInput } from './mcp-server.inputs';
import { argsProblem, checkEnv, checkHeaders, commandRefusal, type StringMapCheck } from './mcp-server.rules';
import { McpServerState, type McpServerStatus, type McpTool } from './mcp-server.types';
import type { ServerChanges } from './server-changes';
import type { McpOwner, ServerSpecs } from './server-specs';
import { toolResultText, type ToolResultText } from './tool-result';

/** The current role of a user: their servers run and reach the network as that role may. */
export type RoleOf = (em: EntityManager, userId: string) => Promise<Role>;

/** A server's tools as listed just now (or moments ago), and how reaching it went. */
export interface LiveServer {
  tools: McpTool[];
  status: McpServerStatus;
}

/** One enabled server's tools, as the agent offers them to the model. */
export interface OfferedServer extends LiveServer {
  serverId: string;
  serverName: string;
  toolApproval: ToolApproval;
}

export interface McpServerServiceOptions {
  stdioAllowedCommands: readonly string[];
  /** Tool results handed to the model are cut to this many bytes of text. */
  toolResultMaxBytes: number;
}

type ServerInput = CreateMcpServerInput | UpdateMcpServerInput;

const DRAFTED = [
  'name',
  'nameKey',
  'description',
  'transport',
  'command',
  'args',
  'envEncrypted',
  'url',
  'headersEncrypted',
  'enabled',
  'toolApproval',
  'listTimeoutMs',
  'callTimeoutMs',
] as const;
/** The fields an input may change, copied off the entity. */
type ServerDraft = Pick<McpServer, (typeof DRAFTED)[number]>;
const draftOf = (server: McpServer): ServerDraft => Object.fromEntries(DRAFTED.map((key) => [key, server[key]])) as ServerDraft;

const NOT_FOUND = 'MCP server';
const NAME_TAKEN = 'is already the name of another of your MCP servers';
const DISABLED: McpServerStatus = { state: McpServerState.DISABLED, error: null, checkedAt: null };

/** A value given for a field: not absent, null, blank, nor an empty list or object. */
const given = (value: unknown) =>
  value !== undefined && value !== null && value !== '' && !(typeof value === 'object' && Object.keys(value).length === 0);

export class McpServerService {
  constructor(
    private readonly pool: McpClientPool,
    private readonly specs: ServerSpecs,
    private readonly outbound: OutboundHttp,
    private readonly changes: ServerChanges,
    private readonly roleOf: RoleOf,
    private readonly options: McpServerServiceOptions,
    private readonly logger: Logger,
  ) {}

  list(em: EntityManager, userId: string, page: ForwardPageArgs): Promise<Connection<McpServer>> {
    return paginate(em, McpServer, { userId }, { nameKey: 'ASC' }, page);
  }

  /** The user's server; null for any other id, whoever's it is. */
  find(em: EntityManager, userId: string, id: string): Promise<McpServer | null> {
    return em.findOne(McpServer, { id, userId });
  }

  /** The user's server; NOT_FOUND for any other id, whoever's it is. */
  async get(em: EntityManager, userId: string, id: string): Promise<McpServer> {
    const server = await this.find(em, userId, id);
    if (!server) throw notFound(NOT_FOUND);
    return server;
  }

  async create(em: EntityManager, principal: Principal, input: CreateMcpServerInput): Promise<McpServer> {
    const server = new McpServer();
    server.userId = principal.userId;
    await this.apply(em, principal, server, input);
    em.persist(server);
    await this.save(em);
    return server;
  }

  /** Any change closes the server's live client at once, on every instance. */
  async update(em: EntityManager, principal: Principal, id: string, input: UpdateMcpServerInput): Promise<McpServer> {
    const server = await this.get(em, principal.userId, id);
    await this.apply(em, principal, server, input);
    server.revision++;
    await this.save(em);
    await this.changes.changed([server.id]);
    return server;
  }

  async delete(em: EntityManager, userId: string, id: string): Promise<void> {
    const server = await this.get(em, userId, id);
    await em.remove(server).flush();
    await this.changes.changed([id]);
  }

  /** Connects afresh (not through the pool), initializes and lists tools; a failure is ok: false with the reason. */
  async test(em: EntityManager, userId: string, id: string): Promise<McpConnectionTest> {
    const server = await this.get(em, userId, id);
    try {
      return await this.pool.testConnection(await this.specFor(await this.ownerOf(em, userId), server));
    } catch (error) {
      return { ok: false, latencyMs: 0, serverName: null, serverVersion: null, toolCount: null, error: this.reasonOf(error, server) };
    }
  }

  /**
   * The live tools and status of each of the user's servers, all asked in parallel. Never throws: a
   * server that cannot be reached, or does not answer within its timeout, has no tools and an ERROR status.
   */
  async live(em: EntityManager, userId: string, servers: readonly McpServer[]): Promise<LiveServer[]> {
    if (!servers.some((server) => server.enabled)) return servers.map(() => ({ tools: [], status: DISABLED }));
    const owner = await this.ownerOf(em, userId);
    return Promise.all(servers.map((server) => this.liveOne(owner, server)));
  }

  /** For the agent: the tools of every enabled server of the user, with what to call them by. */
  async toolsFor(em: EntityManager, userId: string): Promise<OfferedServer[]> {
    const servers = await em.find(McpServer, { userId, enabled: true }, { orderBy: { nameKey: 'ASC' } });
    const live = await this.live(em, userId, servers);
    return servers.map((server, i) => ({ serverId: server.id, serverName: server.name, toolApproval: server.toolApproval, ...live[i] }));
  }

  /**
   * For the agent: calls a tool on the user's server through the pool and gives back its text, cut to
   * TOOL_RESULT_MAX_BYTES and marked when cut. A tool's own failure is isError; a server that fails
   * is UPSTREAM_FAILED; a disabled server CONFLICT; an abort through `signal` rejects with its reason.
   */
  async callTool(
    em: EntityManager,
    userId: string,
    serverId: string,
    name: string,
    args: Record<string, unknown>,
    options: { signal?: AbortSignal } = {},
  ): Promise<ToolResultText> {
    const server = await this.get(em, userId, serverId);
    if (!server.enabled) throw conflict(`The MCP server "${server.name}" is disabled; enable it to call its tools.`);
    const spec = await this.specFor(await this.ownerOf(em, userId), server);
    const result = await this.pool.callTool(spec, name, args, { signal: options.signal });
    return toolResultText(result, this.options.toolResultMaxBytes);
  }

  /** deleteMe: removes the user's servers (inside its transaction); their clients close right after. */
  async deleteAllOf(em: EntityManager, userId: string): Promise<void> {
    const ids = (await em.find(McpServer, { userId }, { fields: ['id'] })).map((server) => server.id);
    await em.nativeDelete(McpServer, { userId });
    // Not awaited: a child's exit must not hold the transaction open.
    this.changes.changed(ids).catch((error: unknown) => this.logger.error({ err: error, userId }, "could not close a deleted user's MCP servers"));
  }

  private async liveOne(owner: McpOwner, server: McpServer): Promise<LiveServer> {
    if (!server.enabled) return { tools: [], status: DISABLED };
    try {
      const { tools, status } = await this.pool.resolveTools(await this.specFor(owner, server));
      return { tools: tools.map(toMcpTool), status: { ...status, state: McpServerState[status.state] } };
    } catch (error) {
      return { tools: [], status: { state: McpServerState.ERROR, error: this.reasonOf(error, server), checkedAt: new Date() } };
    }
  }

  private async specFor(owner: McpOwner, server: McpServer): Promise<McpConnectionSpec> {
    try {
      return await this.specs.specFor(owner, server);
    } catch (error) {
      // A client started while its owner could still run the server must not outlive that right.
      if (error instanceof AppError) await this.pool.invalidate(server.id);
      throw error;
    }
  }

  private async ownerOf(em: EntityManager, userId: string): Promise<McpOwner> {
    return { userId, role: await this.roleOf(em, userId) };
  }

  // Our own failures (an unreadable secret, a workspace that cannot be made) are logged, not shown.
  private reasonOf(error: unknown, server: McpServer): string {
    if (error instanceof AppError) return error.message;
    this.logger.error({ err: error, serverId: server.id }, 'could not prepare an MCP server connection');
    return 'The connection could not be prepared on our side; the server log says why.';
  }

  /**
   * Applies the input to the server once every field checks out and the caller may run or reach
   * what it describes. Worked out on a draft: a refused change must not linger in the caller's
   * entity manager, where its next flush would save it.
   */
  private async apply(em: EntityManager, principal: Principal, server: McpServer, input: ServerInput): Promise<void> {
    const next = draftOf(server);
    const fields: Record<string, string> = {};
    if (input.name !== undefined && input.name !== null) {
      next.name = input.name.trim();
      next.nameKey = next.name.toLowerCase();
      if (!next.name) fields.name = 'must not be blank';
    }
    if (input.description !== undefined) next.description = input.description?.trim() || null;
    if (input.enabled !== undefined && input.enabled !== null) next.enabled = input.enabled;
    if (input.toolApproval !== undefined && input.toolApproval !== null) next.toolApproval = input.toolApproval;
    if (input.listTimeoutMs !== undefined) next.listTimeoutMs = input.listTimeoutMs;
    if (input.callTimeoutMs !== undefined) next.callTimeoutMs = input.callTimeoutMs;
    const switched = input.transport !== undefined && input.transport !== null && input.transport !== next.transport;
    if (switched) next.transport = input.transport!;

    if (next.transport === McpTransport.STDIO) {
      const givenEnv = this.applyStdio(next, input, switched, fields);
      if (Object.keys(fields).length) throw badInput(fields);
      if (switched || input.command !== undefined || input.args !== undefined || input.env !== undefined) {
        const env = input.env === undefined ? this.specs.open(next.envEncrypted) : givenEnv;
        const refusal = commandRefusal(next.command!, Object.keys(env ?? {}), principal.role, this.options.stdioAllowedCommands);
        if (refusal) throw forbidden(refusal);
      }
    } else {
      this.applyHttp(next, input, switched, fields);
      if (Object.keys(fields).length) throw badInput(fields);
      if (switched || input.url !== undefined) await this.outbound.assertAllowed(next.url!, principal.role, 'url');
    }
    if (next.nameKey !== server.nameKey) await this.assertNameFree(em, server, next.name);
    Object.assign(server, next);
  }

  /** Returns the env given, if any, to check who may set it. */
  private applyStdio(next: ServerDraft, input: ServerInput, switched: boolean, fields: Record<string, string>): Record<string, string> | undefined {
    if (given(input.url)) fields.url = 'is only for STREAMABLE_HTTP servers';
    if (given(input.headers)) fields.headers = 'is only for STREAMABLE_HTTP servers';
    if (switched) {
      next.url = null;
      next.headersEncrypted = null;
    }
    if (input.command !== undefined) next.command = input.command?.trim() || null;
    if (!next.command) fields.command = 'is required for a STDIO server';
    if (input.args !== undefined) {
      next.args = input.args ?? [];
      const problem = argsProblem(next.args);
      if (problem) fields.args = problem;
    }
    if (input.env === undefined) return undefined;
    const env = this.accepted(checkEnv(input.env ?? {}), 'env', fields);
    if (env !== undefined) next.envEncrypted = this.specs.seal(env);
    return env;
  }

  private applyHttp(next: ServerDraft, input: ServerInput, switched: boolean, fields: Record<string, string>): void {
    for (const field of ['command', 'args', 'env'] as const) {
      if (given(input[field])) fields[field] = 'is only for STDIO servers';
    }
    if (switched) {
      next.command = null;
      next.args = [];
      next.envEncrypted = null;
    }
    if (input.url !== undefined) next.url = input.url?.trim() || null;
    if (!next.url) fields.url = 'is required for a STREAMABLE_HTTP server';
    if (input.headers === undefined) return;
    const headers = this.accepted(checkHeaders(input.headers ?? {}), 'headers', fields);
    if (headers !== undefined) next.headersEncrypted = this.specs.seal(headers);
  }

  /** The checked map, or undefined with the problem put in `fields`. */
  private accepted(check: StringMapCheck, field: string, fields: Record<string, string>): Record<string, string> | undefined {
    if ('problem' in check) {
      fields[field] = check.problem;
      return undefined;
    }
    return check.map;
  }

  private async assertNameFree(em: EntityManager, server: McpServer, name: string): Promise<void> {
    const taken = await em.count(McpServer, { userId: server.userId, nameKey: name.toLowerCase(), id: { $ne: server.id } });
    if (taken) throw conflict(`You already have an MCP server named "${name}".`, { name: NAME_TAKEN });
  }

  private async save(em: EntityManager): Promise<void> {
    try {
      await em.flush();
    } catch (error) {
      // Two saves raced for the same name: the unique index decides.
      if (error instanceof UniqueConstraintViolationException) throw conflict('You already have an MCP server of that name.', { name: NAME_TAKEN });
      throw error;
    }
  }
}

function toMcpTool(tool: Tool): McpTool {
  return {
    name: tool.name,
    title: tool.title ?? tool.annotations?.title ?? null,
    description: tool.description ?? null,
    inputSchema: tool.inputSchema,
    annotations: tool.annotations ?? null,
  };
}
