// MCP servers: each user's configs, the app's one pool of live clients, and the service the agent calls.
import type { ModuleDeps } from '../index';
import type { AccountService } from '../accounts';
import { OutboundHttp } from '../../platform/net/outbound';
import { Secrets } from '../../platform/secrets';
import { McpClientPool } from './client-pool';
import { McpServerResolver } from './mcp-server.resolver';
import { McpServerService, type LiveServer, type OfferedServer } from './mcp-server.service';
import { ServerChanges } from './server-changes';
import { ServerSpecs, type WorkspaceDir } from './server-specs';
import type { ToolResultText } from './tool-result';

export { McpServerService, type LiveServer, type OfferedServer, type ToolResultText };

/** `workspaceDir`: the user's workspace folder, where their stdio servers run and find their HOME. */
export async function createMcpModule({ config, logger, kv, container }: ModuleDeps, accounts: AccountService, workspaceDir: WorkspaceDir) {
  const outbound = container.get(OutboundHttp);
  const pool = new McpClientPool({
    idleMs: config.mcp.idleTimeoutMs,
    listTimeoutMs: config.mcp.listTimeoutMs,
    callTimeoutMs: config.mcp.callTimeoutMs,
    toolsCacheMs: config.mcp.toolsCacheMs,
    maxStdioPerUser: config.mcp.maxStdioPerUser,
    maxStdioTotal: config.mcp.maxStdioTotal,
    // Every spec brings its owner's fetch; this one only backs that up with the stricter policy.
    fetch: outbound.fetchFor('USER'),
    // Nothing else of our environment (JWT_SECRET, DATABASE_URL…) reaches a stdio server.
    stdioBaseEnv: { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin' },
  });
  const changes = new ServerChanges(kv.pubSub, pool, logger);
  await changes.listen();
  const { stdioAllowedCommands } = config.mcp;
  const servers = new McpServerService(
    pool,
    new ServerSpecs(container.get(Secrets), outbound, workspaceDir, stdioAllowedCommands),
    outbound,
    changes,
    // Looked up at use, not stored with the config: a demoted admin's servers lose their reach at once.
    async (em, userId) => (await accounts.requireUser(em, userId)).role,
    { stdioAllowedCommands, toolResultMaxBytes: config.tools.resultMaxBytes },
    logger,
  );
  container.set(McpServerService, servers);
  accounts.ownsUserData((em, userId) => servers.deleteAllOf(em, userId));

  return {
    servers,
    resolvers: [McpServerResolver],
    /** Every stdio child and its process group are gone when it resolves. */
    async close(): Promise<void> {
      changes.close();
      await pool.close();
    },
  };
}
