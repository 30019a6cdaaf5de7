// The @rateLimit(limit, duration) directive for modules, counted in Redis or memory per caller
// (user id when signed in, else IP) and per field. A field can count by something else through
// `@Extensions({ rateLimit: { keyGenerator } })`, e.g. the account name being signed in to.
import { buildSchema as buildSdl, type GraphQLDirective, type GraphQLSchema } from 'graphql';
import { getSchemaCoordinate, rateLimitDirective, type RateLimitKeyGenerator } from 'graphql-rate-limit-directive';
import type { RateLimiterRes } from 'rate-limiter-flexible';
import { limitReached, type Kv } from '../kv';
import type { Context } from './context';

export type { RateLimitKeyGenerator };

export const callerKey = (ctx: Context) => (ctx.user ? `user:${ctx.user.userId}` : `ip:${ctx.ip}`);

export function createRateLimit(kv: Kv): { directive: GraphQLDirective; apply: (schema: GraphQLSchema) => GraphQLSchema } {
  const { rateLimitDirectiveTypeDefs, rateLimitDirectiveTransformer } = rateLimitDirective<Context>({
    keyGenerator: (_args, _source, _fieldArgs, ctx, info) => `${callerKey(ctx)}:${getSchemaCoordinate(info)}`,
    onLimit: (response: RateLimiterRes) => {
      throw limitReached(response);
    },
    limiterClass: kv.limiterStore.limiterClass,
    limiterOptions: kv.limiterStore.limiterOptions,
  });
  const directive = buildSdl(`${rateLimitDirectiveTypeDefs}\ntype Query { _: Int }`).getDirective('rateLimit');
  if (!directive) throw new Error('The rateLimit directive definition did not parse');
  return { directive, apply: rateLimitDirectiveTransformer };
}
