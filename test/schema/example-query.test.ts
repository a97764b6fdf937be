import { parse, buildSchema as parseSDL, printSchema, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createModels } from '../../examples/demo/models.js';
import { field, InMemoryBackend, Model } from '../../src/orm/index.js';
import { buildSchema, exampleQuery } from '../../src/schema/index.js';

describe('the query GraphiQL opens with', () => {
  it('says what the server is and lists a model with a relation, valid against the schema', () => {
    const schema = buildSchema({ models: createModels(new InMemoryBackend()) });
    const query = exampleQuery(schema);
    expect(query).toMatch(
      /^# tablegraph: GraphQL over one DynamoDB table\.\n# Models: User, TodoItem, Order, Product\n/,
    );
    expect(query).toContain('todoItems(first: 5) {');
    expect(query).toMatch(/ {8}user \{\n {10}rowId\n/);
    expect(validate(schema, parse(query))).toEqual([]);
    expect(Math.max(...query.split('\n').map((l) => l.length))).toBeLessThanOrEqual(60);
  });

  it('falls back to a plain list when no model has a relation', () => {
    const backend = new InMemoryBackend();
    class Note extends Model('Note', {
      id: field.string({ primaryKey: true }),
      text: field.string(),
    }) {
      static meta = { backend };
    }
    const schema = buildSchema({ models: [Note] });
    const query = exampleQuery(schema);
    expect(query).toContain('notes(first: 5) {');
    expect(validate(parseSDL(printSchema(schema)), parse(query))).toEqual([]);
  });
});
