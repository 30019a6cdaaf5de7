// Estimates what an operation can make the server do: each field costs 1 for every time it can be
// resolved, and a paginated field (`first`/`last`, or their defaults) multiplies what is under it.
// Operations over the limit are refused before anything runs.
import {
  GraphQLError,
  Kind,
  getNamedType,
  isObjectType,
  isInterfaceType,
  valueFromAST,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
  type FieldNode,
  type GraphQLField,
} from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './connection';

const PAGE_ARGS = ['first', 'last'];

export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  stopAbove = Number.POSITIVE_INFINITY,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation = null;
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    else if (def.kind === Kind.OPERATION_DEFINITION && (!operationName || def.name?.value === operationName)) operation ??= def;
  }
  if (!operation) return 0;
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;

  // As paginate() serves them: without `first` or `last` a page of the default size, and never more than the cap.
  const pageSize = (field: FieldNode, def: GraphQLField<unknown, unknown>): number => {
    let paged = false;
    let size: number | null = null;
    for (const arg of def.args) {
      if (!PAGE_ARGS.includes(arg.name)) continue;
      paged = true;
      const node = field.arguments?.find((a) => a.name.value === arg.name);
      const value = node ? valueFromAST(node.value, arg.type, variables ?? undefined) : arg.defaultValue;
      if (typeof value === 'number') size = Math.max(size ?? 1, Math.min(value, MAX_PAGE_SIZE));
    }
    if (!paged) return 1;
    return size ?? DEFAULT_PAGE_SIZE;
  };

  const costOf = (set: SelectionSetNode, type: GraphQLNamedType, multiplier: number, visiting: Set<string>): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (total > stopAbove) break;
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue;
        const def = isObjectType(type) || isInterfaceType(type) ? type.getFields()[selection.name.value] : undefined;
        total += multiplier;
        if (def && selection.selectionSet) {
          total += costOf(selection.selectionSet, getNamedType(def.type), multiplier * pageSize(selection, def), visiting);
        }
      } else {
        const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
        if (!fragment) continue;
        const name = selection.kind === Kind.FRAGMENT_SPREAD ? selection.name.value : null;
        if (name && visiting.has(name)) continue;
        const condition = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : type;
        if (name) visiting.add(name);
        total += costOf(fragment.selectionSet, condition ?? type, multiplier, visiting);
        if (name) visiting.delete(name);
      }
    }
    return total;
  };

  return costOf(operation.selectionSet, root, 1, new Set());
}

export function assertCostWithin(
  maxCost: number,
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): void {
  const cost = operationCost(schema, document, operationName, variables, maxCost);
  if (cost > maxCost) {
    throw new GraphQLError(`The operation could resolve about ${cost} fields, over the limit of ${maxCost}: ask for smaller pages or fewer nested lists.`, {
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost', max: maxCost, cost, http: { status: 400 } },
    });
  }
}
