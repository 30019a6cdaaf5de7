// One port: GraphQL over HTTP and WebSocket at /graphql, /health, /ready, and the modules' routes.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import proxyaddr from 'proxy-addr';
import type { GraphQLSchema } from 'graphql';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import type { Config } from '../../config';
import { pingDatabase, type Orm } from '../db/orm';
import { isAppError } from '../errors';
import type { Kv } from '../kv';
import type { Logger } from '../logger';
import { createApollo } from '../graphql/apollo';
import { bearerToken, createContext, type Authenticator, type Context } from '../graphql/context';
import { attachGraphqlWs, type GraphqlWs } from './graphql-ws';
import { graphqlHttpHandler } from './graphql-http';

export interface HttpServer {
  server: Server;
  /** http://host:port of the listening server. */
  url: string;
  ws: GraphqlWs;
  /** Stops accepting, lets in-flight requests finish (up to the grace period), closes WebSockets with 1001. */
  close(): Promise<void>;
}

export interface RouteKit {
  /** The caller's context, as GraphQL resolvers get it; UNAUTHENTICATED errors for a bad token. */
  contextFor(req: IncomingMessage): Promise<Context>;
}

export interface HttpServerOptions {
  config: Config;
  logger: Logger;
  orm: Orm;
  kv: Kv;
  schema: GraphQLSchema;
  authenticator: Authenticator | null;
  routes?: (router: Router, kit: RouteKit) => void;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;
const CHECK_TIMEOUT_MS = 2_000;

/** Every request carries its id: the client's X-Request-Id when well-formed, else a new one. */
const requestIds = new WeakMap<IncomingMessage, string>();
export const requestIdOf = (req: IncomingMessage): string => requestIds.get(req) ?? randomUUID();

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { config, logger, orm, kv, schema, authenticator } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  const limits = config.graphql;
  let shuttingDown = false;

  const clientIp = (request: IncomingMessage) => proxyaddr(request, app.get('trust proxy fn'));

  const contextFor = async (req: IncomingMessage, requestId = requestIdOf(req)): Promise<Context> => {
    const token = bearerToken(req.headers.authorization);
    const user = token && authenticator ? await authenticator.authenticate(token) : null;
    return createContext({ requestId, user, orm, ip: clientIp(req), logger });
  };

  let graphqlHttp: ReturnType<typeof graphqlHttpHandler> | null = null;
  const server = createServer((req, res) => {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    requestIds.set(req, requestId);
    res.setHeader('x-request-id', requestId);
    const path = req.url?.split('?', 1)[0];
    if (path === '/graphql' && graphqlHttp) graphqlHttp(req, res, requestId);
    else app(req, res);
  });

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/ready', async (_req, res) => {
    const [database, redis] = await Promise.all([
      check('database', () => pingDatabase(orm.em.fork()), logger),
      kv.kind === 'redis' ? check('redis', () => kv.ping(), logger) : Promise.resolve('memory'),
    ]);
    const ok = !shuttingDown && database === 'ok' && redis !== 'down';
    res.status(ok ? 200 : 503).json({ status: shuttingDown ? 'shutting_down' : ok ? 'ok' : 'unavailable', checks: { database, redis } });
  });

  const ws = attachGraphqlWs({ server, schema, orm, logger, limits, authenticator, clientIp });
  const apollo = createApollo({
    schema,
    logger,
    limits,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: server, stopGracePeriodMillis: Math.max(config.shutdownTimeoutMs - 1_000, 0) }),
      { serverWillStart: async () => ({ drainServer: () => ws.dispose() }) },
    ],
  });
  await apollo.start();

  graphqlHttp = graphqlHttpHandler({ apollo, corsOrigins: config.corsOrigins, context: contextFor, logger });

  if (options.routes) {
    const router = express.Router();
    options.routes(router, { contextFor });
    app.use(router);
  }

  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: 'No such route.' } });
  });

  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const requestId = requestIdOf(req);
    if (isAppError(error)) {
      res.status(error.httpStatus).json({ error: { code: error.code, message: error.message, ...error.extensions, requestId } });
      return;
    }
    const status = (error as { status?: number; type?: string }).status;
    if (status && status >= 400 && status < 500) {
      const type = (error as { type?: string }).type;
      const message = type === 'entity.too.large' ? 'The request body is too large.' : type === 'entity.parse.failed' ? 'The request body is not valid JSON.' : 'Bad request.';
      res.status(status).json({ error: { code: status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST', message, requestId } });
      return;
    }
    logger.error({ err: error, requestId, path: req.path }, 'unexpected error');
    if (!res.headersSent) res.status(500).json({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error', requestId } });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address === '::' ? '::1' : address.address}]` : address.address === '0.0.0.0' ? '127.0.0.1' : address.address;

  let closing: Promise<void> | null = null;
  return {
    server,
    url: `http://${host}:${address.port}`,
    ws,
    close: () => {
      shuttingDown = true;
      closing ??= apollo.stop();
      return closing;
    },
  };
}

async function check(name: string, probe: () => Promise<void>, logger: Logger): Promise<'ok' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return 'ok';
  } catch (error) {
    logger.warn({ err: error, check: name }, 'readiness check failed');
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}
