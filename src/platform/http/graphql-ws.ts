// GraphQL over WebSocket (graphql-transport-ws) on the HTTP server's port and path. The token is
// checked on connect and again on every subscribe; sockets can be closed per user (revocation).
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { GraphQLError, parse, validate, specifiedRules, getOperationAST, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import { WebSocketServer, type WebSocket } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import type { Context as WsContext } from 'graphql-ws';
import type { Orm } from '../db/orm';
import { isAppError } from '../errors';
import type { Logger } from '../logger';
import { bearerToken, createContext, type Authenticator, type Principal } from '../graphql/context';
import { assertCostWithin } from '../graphql/cost-limit';
import { formatError, INTERNAL_MESSAGE } from '../graphql/format-error';
import { validationRules, type LimitOptions } from '../graphql/validation';
import type { IncomingMessage } from 'node:http';

/** An operation running on a socket, for its closing log line. */
interface RunningOperation {
  started: number;
  requestId: string;
  operation: string | null;
  type: string | null;
  userId: string | null;
  errorCode: string | null;
}

type Extra = Record<PropertyKey, unknown> & {
  operations?: Map<string, RunningOperation>;
  socket: WebSocket;
  request: IncomingMessage;
  user?: Principal | null;
  token?: string | null;
  connectionId?: string;
};

type Ctx = WsContext<Record<string, unknown> | undefined, Extra>;

/** graphql-ws's close code for a forbidden connection. */
const FORBIDDEN = 4403;
/** The largest message, as the largest JSON body over HTTP. */
const MAX_MESSAGE_BYTES = 1024 * 1024;

export interface GraphqlWs {
  /** Closes the sockets signed in as this user (on this instance): all of them, or those of the given sessions. */
  closeSessions(userId: string, sessionIds: string[] | null, reason: string): void;
  dispose(): Promise<void>;
}

export function attachGraphqlWs(options: {
  server: Server;
  schema: GraphQLSchema;
  orm: Orm;
  logger: Logger;
  limits: LimitOptions;
  authenticator: Authenticator | null;
  clientIp: (request: IncomingMessage) => string;
}): GraphqlWs {
  const { schema, logger, limits, authenticator } = options;
  const wss = new WebSocketServer({ server: options.server, path: '/graphql', maxPayload: MAX_MESSAGE_BYTES });
  const socketsByUser = new Map<string, Map<WebSocket, Principal>>();
  const rules = [...specifiedRules, ...validationRules(limits)];

  const authenticate = async (token: string | null): Promise<Principal | null> => {
    if (!token) return null;
    if (!authenticator) throw new GraphQLError('Sign-in is not available on this server.', { extensions: { code: 'UNAUTHENTICATED' } });
    return authenticator.authenticate(token);
  };

  const forget = (extra: Extra) => {
    const userId = extra.user?.userId;
    if (!userId) return;
    const sockets = socketsByUser.get(userId);
    sockets?.delete(extra.socket);
    if (sockets?.size === 0) socketsByUser.delete(userId);
  };

  /** The operation's one closing line, as HTTP operations have theirs: name, user, duration, error code. */
  const logEnd = (op: RunningOperation, ended: 'completed' | 'failed' | 'socket closed') =>
    logger.info(
      { requestId: op.requestId, operation: op.operation, type: op.type, userId: op.userId, durationMs: Math.round(performance.now() - op.started), errorCode: op.errorCode, ended },
      'graphql operation',
    );

  const formatErrors = (errors: readonly GraphQLError[], requestId: string, log: Logger) =>
    errors.map((error) => {
      const { formatted, masked } = formatError(error.toJSON(), error);
      if (masked) log.error({ err: error.originalError ?? error, requestId }, 'unexpected error');
      return { ...formatted, extensions: { ...formatted.extensions, requestId } };
    });

  const cleanup = useServer<Record<string, unknown> | undefined, Extra>(
    {
      schema,
      // Whatever still escapes closes the socket as "Internal server error", never with its own message.
      isProd: true,
      onConnect: async (ctx: Ctx) => {
        const extra = ctx.extra;
        extra.connectionId = randomUUID();
        try {
          extra.token = bearerToken(ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization);
          extra.user = await authenticate(extra.token);
        } catch (error) {
          const message = isAppError(error) || error instanceof GraphQLError ? error.message : 'Authentication failed.';
          if (!isAppError(error) && !(error instanceof GraphQLError)) logger.error({ err: error }, 'websocket authentication failed');
          extra.socket.close(FORBIDDEN, `Forbidden: ${message}`.slice(0, 120));
          return false;
        }
        if (extra.user) {
          const sockets = socketsByUser.get(extra.user.userId) ?? new Map<WebSocket, Principal>();
          sockets.set(extra.socket, extra.user);
          socketsByUser.set(extra.user.userId, sockets);
        }
        return true;
      },
      onClose: (ctx: Ctx) => {
        forget(ctx.extra);
        for (const op of ctx.extra.operations?.values() ?? []) logEnd(op, 'socket closed');
      },
      onSubscribe: async (ctx: Ctx, id, payload) => {
        const requestId = randomUUID();
        const log = logger.child({ requestId, connectionId: ctx.extra.connectionId });
        let user: Principal | null;
        try {
          // The token may have been revoked or have expired since the socket connected.
          user = await authenticate(ctx.extra.token ?? null);
        } catch (error) {
          // An unexpected failure (the store is down) is masked and logged by onError, and ends no session.
          if (!isAppError(error) && !(error instanceof GraphQLError)) return [new GraphQLError(INTERNAL_MESSAGE, { originalError: error as Error })];
          extraClose(ctx.extra, error.message);
          return [new GraphQLError(error.message, { extensions: { code: 'UNAUTHENTICATED' } })];
        }
        // Errors returned here are formatted by onError.
        let document;
        try {
          document = parse(payload.query);
        } catch (error) {
          return [error as GraphQLError];
        }
        const errors = validate(schema, document, rules);
        if (errors.length) return errors;
        try {
          assertCostWithin(limits.maxCost, schema, document, payload.operationName, payload.variables);
        } catch (error) {
          return [error as GraphQLError];
        }
        const operation = getOperationAST(document, payload.operationName);
        const running: RunningOperation = {
          started: performance.now(),
          requestId,
          operation: payload.operationName ?? operation?.name?.value ?? null,
          type: operation?.operation ?? null,
          userId: user?.userId ?? null,
          errorCode: null,
        };
        (ctx.extra.operations ??= new Map()).set(id, running);
        log.info({ operation: running.operation, type: running.type, userId: running.userId, subscriptionId: id }, 'graphql operation started');
        const contextValue = createContext({
          requestId,
          user,
          orm: options.orm,
          ip: options.clientIp(ctx.extra.request),
          logger,
        });
        const args: ExecutionArgs = { schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue };
        return args;
      },
      onNext: (ctx: Ctx, id, _payload, args, result) => {
        if (!result.errors?.length) return undefined;
        const context = args.contextValue as { requestId: string; log: Logger };
        const errors = formatErrors(result.errors, context.requestId, context.log);
        const running = ctx.extra.operations?.get(id);
        if (running) running.errorCode ??= codeOf(errors[0]);
        return { ...result, errors };
      },
      onError: (ctx: Ctx, id, _payload, errors) => {
        const running = ctx.extra.operations?.get(id);
        const formatted = formatErrors(errors, running?.requestId ?? randomUUID(), logger);
        ctx.extra.operations?.delete(id);
        const op = running ?? { started: performance.now(), requestId: String(formatted[0]?.extensions.requestId), operation: null, type: null, userId: ctx.extra.user?.userId ?? null, errorCode: null };
        logEnd({ ...op, errorCode: codeOf(formatted[0]) }, 'failed');
        return formatted;
      },
      onComplete: (ctx: Ctx, id) => {
        const running = ctx.extra.operations?.get(id);
        if (!running) return;
        ctx.extra.operations?.delete(id);
        logEnd(running, 'completed');
      },
    },
    wss,
  );

  function codeOf(error: { extensions?: Record<string, unknown> } | undefined): string | null {
    const code = error?.extensions?.code;
    return typeof code === 'string' ? code : null;
  }

  function extraClose(extra: Extra, reason: string) {
    // A revoked or expired session must not keep its other subscriptions either.
    setImmediate(() => extra.socket.close(FORBIDDEN, `Forbidden: ${reason}`.slice(0, 120)));
  }

  return {
    closeSessions(userId: string, sessionIds: string[] | null, reason: string) {
      for (const [socket, principal] of socketsByUser.get(userId) ?? []) {
        if (!sessionIds || sessionIds.includes(principal.sessionId)) socket.close(FORBIDDEN, `Forbidden: ${reason}`.slice(0, 120));
      }
    },
    dispose: async () => {
      await cleanup.dispose();
    },
  };
}
