// Refuses documents with more aliased fields than the limit: aliases are how one request asks for
// the same expensive field many times over.
import { GraphQLError, type ASTVisitor, type ValidationContext } from 'graphql';

export function aliasLimit(maxAliases: number) {
  return (context: ValidationContext): ASTVisitor => {
    let aliases = 0;
    return {
      Field(node) {
        if (node.alias && ++aliases === maxAliases + 1) {
          context.reportError(
            new GraphQLError(`The document uses more than ${maxAliases} aliases; the limit is ${maxAliases}.`, {
              nodes: [node],
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'aliases', max: maxAliases },
            }),
          );
        }
      },
    };
  };
}
