import { GraphQLScalarType, valueFromASTUntyped } from 'graphql';

/**
 * A segment definition as JSON (docs/SEGMENTS.md): an object literal in the query or a variable.
 * The scalar only carries the value; the definition checker validates it and answers with the
 * path of every problem, which a GraphQL input type could not express for a recursive language.
 */
export const SegmentDefinitionScalar = new GraphQLScalarType<unknown, unknown>({
  name: 'SegmentDefinition',
  description: 'A segment definition as JSON: {"all": [...]}, {"feature": "orders_30d", "op": "gte", "value": 2}, {"event": …}, … (docs/SEGMENTS.md)',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables ?? undefined),
});
