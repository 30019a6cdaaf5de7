// Relay cursor connections: one set of types and one paginate() for every long list.
// Cursors are MikroORM's opaque keyset cursors over the list's order; `first`/`last` are capped at 100.
import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { Cursor, type EntityName, type FilterQuery, type OrderDefinition } from '@mikro-orm/core';
import type { EntityManager } from '../db/orm';
import { badInput } from '../errors';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

@ObjectType({ description: 'Where a page sits in its list.' })
export class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field() hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true }) startCursor!: string | null;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

@ArgsType()
export class ForwardPageArgs {
  @Field(() => Int, { nullable: true, description: `How many items, from 0 to ${MAX_PAGE_SIZE} (more is capped); default ${DEFAULT_PAGE_SIZE}.` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page.' })
  after?: string | null;
}

@ArgsType()
export class PageArgs extends ForwardPageArgs {
  @Field(() => Int, { nullable: true, description: `How many items before \`before\` (or at the end), from 0 to ${MAX_PAGE_SIZE}.` })
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'The startCursor of the next page.' })
  before?: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  /** A getter: counted only when a client selects it. */
  readonly totalCount: Promise<number>;
}

/** The GraphQL types `<Name>Connection` and `<Name>Edge` for a node type. */
export function connectionType<T extends object>(node: ClassType<T>, name = node.name) {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field() cursor!: string;
    @Field(() => node) node!: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionType {
    @Field(() => [EdgeType]) edges!: EdgeType[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
    @Field(() => Int, { description: 'How many items the whole list holds.' }) totalCount!: Promise<number>;
  }

  return ConnectionType;
}

function pageSize(value: number | null | undefined, field: string): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (value < 0) throw badInput({ [field]: 'must not be negative' });
  return Math.min(value, MAX_PAGE_SIZE);
}

/**
 * A cursor is ours when it decodes to one plain value (or a date: MikroORM revives ISO strings) per
 * ordering field: the values go into the keyset condition, where an object ({ "$ne": … }) would be
 * read as a query operator.
 */
function checkCursor(value: string | null | undefined, field: string, fields: number): string | undefined {
  if (value === null || value === undefined) return undefined;
  try {
    const values: unknown = Cursor.decode(value);
    if (Array.isArray(values) && values.length === fields && values.every((v) => v === null || v instanceof Date || ['string', 'number', 'boolean'].includes(typeof v))) return value;
  } catch {
    // reported below
  }
  throw badInput({ [field]: 'is not a cursor of this list' });
}

/** `where` may be a function making the filter afresh: raw() fragments in a filter can be used once only. */
export async function paginate<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T> | (() => FilterQuery<T>),
  orderBy: OrderDefinition<T>,
  args: PageArgs | ForwardPageArgs,
  options: { populate?: string[] } = {},
): Promise<Connection<T>> {
  const last = 'last' in args ? pageSize(args.last, 'last') : undefined;
  const fields = Object.keys(orderBy).length;
  const before = 'before' in args ? checkCursor(args.before, 'before', fields) : undefined;
  const first = pageSize(args.first, 'first') ?? (last === undefined ? DEFAULT_PAGE_SIZE : undefined);
  const after = checkCursor(args.after, 'after', fields);
  const filter = () => (typeof where === 'function' ? (where as () => FilterQuery<T>)() : where);
  const cursor = await em.findByCursor(entity, filter(), {
    first,
    after,
    last,
    before,
    orderBy,
    includeCount: false,
    populate: options.populate as never,
  });
  const edges = cursor.items.map((node) => ({ cursor: cursor.from(node), node: node as T }));
  return {
    edges,
    pageInfo: {
      hasNextPage: cursor.hasNextPage,
      hasPreviousPage: cursor.hasPrevPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    get totalCount() {
      return em.count(entity, filter());
    },
  };
}
