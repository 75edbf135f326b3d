import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { GraphQLInt, GraphQLObjectType, GraphQLSchema, GraphQLString, graphql } from 'graphql';
import { inlinePlainFields } from '../../../../src/features/serving/graphql/inline-plain-fields';

// What NestJS generates for a code-first @Field without middleware (its closure's name is the marker).
function nestResolver(name: string) {
  const rootFieldResolver = (root: Record<string, unknown>) => root[name];
  return rootFieldResolver;
}

function schema(): GraphQLSchema {
  const item = new GraphQLObjectType({
    name: 'Item',
    fields: {
      plain: { type: GraphQLString, resolve: nestResolver('plain') },
      computed: { type: GraphQLString, resolve: () => 'computed' },
      withArgs: { type: GraphQLString, args: { n: { type: GraphQLInt } }, resolve: nestResolver('withArgs') },
    },
  });
  const other = new GraphQLObjectType({ name: 'Other', fields: { plain: { type: GraphQLString, resolve: nestResolver('plain') } } });
  return new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        item: { type: item, resolve: () => ({ plain: 'p', withArgs: 'a' }) },
        other: { type: other, resolve: () => ({ plain: 'o' }) },
      },
    }),
  });
}

describe('inlinePlainFields', () => {
  it('drops only NestJS property resolvers of argument-free fields of the named types, and answers stay the same', async () => {
    const built = schema();
    const before = await graphql({ schema: built, source: '{ item { plain computed withArgs } other { plain } }' });
    assert.deepEqual(inlinePlainFields(built, ['Item', 'Missing']), ['Item.plain']);
    const fields = (built.getType('Item') as GraphQLObjectType).getFields();
    assert.equal(fields.plain?.resolve, undefined);
    assert.notEqual(fields.computed?.resolve, undefined, 'a real resolver stays');
    assert.notEqual(fields.withArgs?.resolve, undefined, 'a field with arguments stays');
    assert.notEqual((built.getType('Other') as GraphQLObjectType).getFields().plain?.resolve, undefined, 'types not named stay');
    assert.deepEqual(await graphql({ schema: built, source: '{ item { plain computed withArgs } other { plain } }' }), before);
  });
});
