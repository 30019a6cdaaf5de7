// The rules every operation passes before it runs, over HTTP and WebSocket alike.
import { NoSchemaIntrospectionCustomRule, type ValidationRule } from 'graphql';
import { aliasLimit } from './alias-limit';
import { depthLimit } from './depth-limit';

export interface LimitOptions {
  introspection: boolean;
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
}

export function validationRules(limits: LimitOptions): ValidationRule[] {
  const rules = [depthLimit(limits.maxDepth), aliasLimit(limits.maxAliases)];
  if (!limits.introspection) rules.push(NoSchemaIntrospectionCustomRule);
  return rules;
}
