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

export const entities: Function[] = [];

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

export async function createModules(_deps: ModuleDeps): Promise<Modules> {
  return {
    resolvers: [],
    authenticator: null,
    routes: () => undefined,
    started: async () => undefined,
    close: async () => undefined,
  };
}
