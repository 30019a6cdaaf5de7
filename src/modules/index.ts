// The domain modules: their entities, and how they are wired into one app.
import type { Router } from 'express';
import type { Config } from '../config';
import type { Orm } from '../platform/db/orm';
import type { Kv } from '../platform/kv';
import type { Logger } from '../platform/logger';
import type { Container } from '../platform/graphql/container';
import type { Authenticator } from '../platform/graphql/context';
import type { ResolverClass } from '../platform/graphql/schema';
import type { RouteKit } from '../platform/http/server';
import type { GraphqlWs } from '../platform/http/graphql-ws';
import { OutboundHttp } from '../platform/net/outbound';
import { createAccountsModule } from './accounts';
import { PasswordReset, RefreshToken } from './accounts/session.entity';
import { User } from './accounts/user.entity';
import { createFilesModule } from './files';
import { WorkspaceFile } from './files/file.entity';
import { createToolsModule } from './tools';
import { createLlmModule } from './llm';
import { LlmConfig } from './llm/llm-config.entity';
import { createMcpModule } from './mcp';
import { McpServer } from './mcp/mcp-server.entity';

export const entities: Function[] = [
  // accounts
  User,
  RefreshToken,
  PasswordReset,
  // files
  WorkspaceFile,
  // llm
  LlmConfig,
  // mcp
  McpServer,
];

export interface ModuleDeps {
  config: Config;
  logger: Logger;
  orm: Orm;
  kv: Kv;
  container: Container;
}

export interface Modules {
  resolvers: ResolverClass[];
  authenticator: Authenticator | null;
  routes(router: Router, kit: RouteKit): void;
  /** Called once the server listens: e.g. to close the sockets of revoked users. */
  started(ws: GraphqlWs): Promise<void>;
  close(): Promise<void>;
}

export async function createModules(deps: ModuleDeps): Promise<Modules> {
  const outbound = new OutboundHttp(deps.config.net.allowedPrivateHosts, deps.config.net.maxResponseBytes);
  deps.container.set(OutboundHttp, outbound);
  const accounts = createAccountsModule(deps);
  await accounts.ensureFirstAdmin();
  const files = createFilesModule(deps, accounts.accounts);
  createToolsModule(deps, files.files);
  const llm = createLlmModule(deps, accounts.accounts);
  const mcp = await createMcpModule(deps, accounts.accounts, (userId) => files.storage.workspaceDir(userId));

  // Closed in reverse order of creation.
  const closers: Array<() => Promise<void>> = [() => outbound.close(), () => accounts.close()];
  closers.push(() => mcp.close());
  return {
    resolvers: [...accounts.resolvers, ...files.resolvers, ...llm.resolvers, ...mcp.resolvers],
    authenticator: accounts.authenticator,
    routes: (router, kit) => files.routes(router, kit),
    started: (ws) => accounts.started(ws),
    close: async () => {
      for (const close of closers.reverse()) await close();
    },
  };
}
