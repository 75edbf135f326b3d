import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { withoutInputValues } from '../../src/graphql/without-input-values';

describe("graphql-js's messages without the input values they quote", () => {
  const cases: Array<[string, string]> = [
    ['String cannot represent a non string value: 9876543210', 'String cannot represent a non string value.'],
    ['Int cannot represent non 32-bit signed integer value: 98765432109', 'Int cannot represent non 32-bit signed integer value.'],
    ['Float cannot represent non numeric value: "a@b.in"', 'Float cannot represent non numeric value.'],
    ['Boolean cannot represent a non boolean value: "+919800000000"', 'Boolean cannot represent a non boolean value.'],
    ['Enum "IdentifierType" cannot represent non-enum value: "a@b.in".', 'Enum "IdentifierType" cannot represent non-enum value.'],
    ['Value "a@b.in" does not exist in "IdentifierType" enum. Did you mean the enum value "email"?', 'The value does not exist in "IdentifierType" enum. Did you mean the enum value "email"?'],
    ['Expected value of type "Int!", found "a@b.in".', 'Expected value of type "Int!".'],
    ['Expected value of type "Feature", found "a@b.in"; Feature cannot hold "a@b.in"', 'Expected value of type "Feature".'],
    ['Expected value of type "String!", found 98; String cannot represent a non string value: 98', 'Expected value of type "String!"; String cannot represent a non string value.'],
    ['Argument "value" has invalid value 9876543210.', 'Argument "value" has an invalid value.'],
    ['Variable "$v" got invalid value "a; b@c.in"; Int cannot represent non-integer value: "a; b@c.in"', 'Variable "$v" got an invalid value; Int cannot represent non-integer value.'],
    ['Variable "$i" got invalid value { value: 98 } at "i.value"; String cannot represent a non string value: 98', 'Variable "$i" got an invalid value at "i.value"; String cannot represent a non string value.'],
    ['Variable "$i" got invalid value { type: "phone" }; Field "value" of required type "String!" was not provided.', 'Variable "$i" got an invalid value; Field "value" of required type "String!" was not provided.'],
    ['Variable "$i" got invalid value { x: 1 }', 'Variable "$i" got an invalid value.'],
    ['Syntax Error: Expected ":", found String "9876543210".', 'Syntax Error: Expected ":", found String.'],
    ['Syntax Error: Unexpected Int "9876543210".', 'Syntax Error: Unexpected Int.'],
  ];
  for (const [message, expected] of cases) {
    it(`${message.slice(0, 60)}…`, () => {
      assert.equal(withoutInputValues(message), expected);
    });
  }

  it('leaves messages that quote no value as they are', () => {
    for (const message of ['Cannot query field "nope" on type "Query".', 'Syntax Error: Expected Name, found <EOF>.', 'Field "value" of required type "String!" was not provided.']) {
      assert.equal(withoutInputValues(message), message);
    }
  });
});
