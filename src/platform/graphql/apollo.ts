// Apollo Server over HTTP: limits, error masking with a request id, and a log line per operation.
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { Logger } from '../logger';
import type { Context } from './context';
import { assertCostWithin } from './cost-limit';
import { formatError } from './format-error';
import { validationRules, type LimitOptions } from './validation';

export function errorCode(error: GraphQLFormattedError | undefined): string | undefined {
  const code = error?.extensions?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Logs each operation once, the hidden cause of each masked error, and stamps errors with the request id. */
function operationLogPlugin(logger: Logger): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            if (formatError(error.toJSON(), error).masked) {
              contextValue.log.error({ err: error.originalError ?? error, path: error.path }, 'unexpected error');
            }
          }
        },
        async willSendResponse({ response, operationName, operation }) {
          const body = response.body.kind === 'single' ? response.body.singleResult : response.body.initialResult;
          const errors = body.errors as Array<GraphQLFormattedError & { extensions?: Record<string, unknown> }> | undefined;
          for (const error of errors ?? []) error.extensions = { ...error.extensions, requestId: contextValue.requestId };
          logger.info(
            {
              requestId: contextValue.requestId,
              operation: operationName ?? operation?.name?.value ?? null,
              type: operation?.operation ?? null,
              userId: contextValue.user?.userId ?? null,
              durationMs: Math.round(performance.now() - started),
              errorCode: errorCode(errors?.[0]) ?? null,
            },
            'graphql operation',
          );
        },
      };
    },
  };
}

function costLimitPlugin(schema: GraphQLSchema, maxCost: number): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operationName, request }) {
          assertCostWithin(maxCost, schema, document, operationName, request.variables);
        },
      };
    },
  };
}

export function createApollo(options: {
  schema: GraphQLSchema;
  logger: Logger;
  limits: LimitOptions;
  plugins: ApolloServerPlugin<Context>[];
}): ApolloServer<Context> {
  return new ApolloServer<Context>({
    schema: options.schema,
    introspection: options.limits.introspection,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // main.ts owns SIGTERM/SIGINT; Apollo's own handlers would race it and re-raise the signal.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    validationRules: validationRules(options.limits),
    formatError: (formatted, error) => formatError(formatted, error).formatted,
    plugins: [operationLogPlugin(options.logger), costLimitPlugin(options.schema, options.limits.maxCost), ...options.plugins],
    logger: {
      debug: (m) => options.logger.debug(m),
      info: (m) => options.logger.info(m),
      warn: (m) => options.logger.warn(m),
      error: (m) => options.logger.error(m),
    },
  });
}
