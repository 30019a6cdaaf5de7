// Builds the executable schema from the modules' resolvers, and prints it the one way it is committed.
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import type { Kv } from '../kv';
import { authChecker } from './auth-checker';
import type { Container } from './container';
import { createRateLimit } from './rate-limit';
import { SystemResolver } from './system.resolver';

export type ResolverClass = Function;

export async function buildAppSchema(options: { resolvers: ResolverClass[]; container: Container; kv: Kv }): Promise<GraphQLSchema> {
  const rateLimit = createRateLimit(options.kv);
  const schema = await buildSchema({
    resolvers: [SystemResolver, ...options.resolvers] as NonEmptyArray<ResolverClass>,
    container: options.container,
    authChecker,
    pubSub: options.kv.pubSub,
    validate: { forbidUnknownValues: false, validationError: { target: false, value: false } },
    directives: [rateLimit.directive],
  });
  return rateLimit.apply(schema);
}

export function printSortedSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
