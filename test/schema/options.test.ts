import { printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { field, InMemoryBackend, Model } from '../../src/orm/index.js';
import { buildSchema } from '../../src/schema/index.js';
import { createServer } from '../../src/server.js';

const backend = new InMemoryBackend();
class Person extends Model(
  'Person',
  {
    id: field.string({ primaryKey: true }),
    name: field.string({ description: 'Shown to everyone.' }),
    passwordHash: field.string({ graphql: false, default: 'x' }),
  },
  { plural: 'people' },
) {
  static meta = { backend };
}

async function run(query: string) {
  const yoga = createServer({
    schema: buildSchema({ models: [Person] }),
    logging: false,
    graphiql: false,
  });
  const res = await yoga.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return (await res.json()) as { data?: Record<string, unknown>; errors?: { message: string }[] };
}

describe('schema options from the model', () => {
  it('uses the overridden plural, field descriptions, and hides fields marked graphql: false', () => {
    const sdl = printSchema(buildSchema({ models: [Person] }));
    expect(sdl).toContain('people(where: PersonWhere');
    expect(sdl).toContain('"""Shown to everyone."""');
    expect(sdl).not.toContain('passwordHash');
  });

  it('runs create then update in one request, and later reads see the update', async () => {
    const r = await run(
      'mutation { a: createPerson(input: { rowId: "p1", name: "Ann" }) { name } b: updatePerson(rowId: "p1", input: { name: "Anna" }) { name } }',
    );
    expect(r).toEqual({ data: { a: { name: 'Ann' }, b: { name: 'Anna' } } });
    const q = await run('{ person(rowId: "p1") { name } nodes(ids: []) { __typename } }');
    expect(q).toEqual({ data: { person: { name: 'Anna' }, nodes: [] } });
    expect((await Person.get({ id: 'p1' }))?.passwordHash).toBe('x');
  });

  it('resolves several global IDs with nodes(ids:)', async () => {
    await Person.upsert({ id: 'p2', name: 'Bo' });
    const ids = (await run('{ a: person(rowId: "p1") { id } b: person(rowId: "p2") { id } }'))
      .data as { a: { id: string }; b: { id: string } };
    const r = await run(
      `{ nodes(ids: ["${ids.b.id}", "${ids.a.id}"]) { ... on Person { rowId } } }`,
    );
    expect(r).toEqual({ data: { nodes: [{ rowId: 'p2' }, { rowId: 'p1' }] } });
  });

  it('refuses connections that would scan the table when allowScans is false', async () => {
    const schema = buildSchema({ models: [Person], allowScans: false });
    const yoga = createServer({ schema, logging: false, graphiql: false });
    const res = await yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ people { edges { node { rowId } } } }' }),
    });
    const body = (await res.json()) as {
      errors?: { message: string; extensions?: { code?: string } }[];
    };
    expect(body.errors?.[0]).toMatchObject({
      message: expect.stringContaining('would scan the whole table'),
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });
});
