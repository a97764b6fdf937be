import { stitchSchemas } from '@graphql-tools/stitch';
import { createSchema, createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModels, seed } from '../../src/demo/models.js';
import { DynamoDBBackend } from '../../src/orm/index.js';
import { buildSchema, useTablegraph } from '../../src/schema/index.js';
import { countRequests, type Engine, startDynalite } from '../helpers/engines.js';

const QUERY = '{ orders { edges { node { orderId user { name } product { name } } } } }';

describe('embedding the schema in another Yoga server', () => {
  let engine: Engine;
  let backend: DynamoDBBackend;
  let requests: ReturnType<typeof countRequests>;
  let schema: ReturnType<typeof buildSchema>;

  beforeAll(async () => {
    engine = await startDynalite();
    backend = new DynamoDBBackend({ tableName: 'embedded', endpoint: engine.endpoint });
    const models = createModels(backend);
    await backend.createTable(models);
    await seed(models);
    schema = buildSchema({ models });
    requests = countRequests(backend);
  });
  afterAll(async () => {
    backend.close();
    await engine.close();
  });

  async function ask(
    yoga: { fetch: (url: string, init: RequestInit) => Response | Promise<Response> },
    query: string,
  ) {
    const res = await yoga.fetch('http://embedded/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    return (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  }

  it('answers through a Yoga server the caller builds, with useTablegraph() and batching intact', async () => {
    const yoga = createYoga({ schema, plugins: [useTablegraph()], logging: false });
    requests.reset();
    const r = await ask(yoga, QUERY);
    expect(r.errors).toBeUndefined();
    const edges = (
      r.data!.orders as {
        edges: { node: { orderId: string; user: { name: string }; product: { name: string } } }[];
      }
    ).edges;
    expect(
      edges.map((e) => [e.node.orderId, e.node.user.name, e.node.product.name]).sort(),
    ).toEqual([
      ['o-1001', 'Alice', 'Keyboard'],
      ['o-1002', 'Alice', 'Mouse'],
      ['o-1003', 'Bob', 'Monitor'],
    ]);
    // Users and products of every order: one BatchGetItem for both models.
    expect(requests.counts).toEqual({ ScanCommand: 1, BatchGetItemCommand: 1 });
  });

  it('stitches beside another schema; both answer in one request', async () => {
    const other = createSchema({
      typeDefs: 'type Query { weather(city: String!): String! }',
      resolvers: {
        Query: { weather: (_: unknown, { city }: { city: string }) => `Sunny in ${city}` },
      },
    });
    const gateway = createYoga({
      schema: stitchSchemas({ subschemas: [{ schema }, { schema: other }] }),
      plugins: [useTablegraph()],
      logging: false,
    });
    requests.reset();
    const r = await ask(
      gateway,
      `{ weather(city: "Oslo") user(id: "alice") { name todos(first: 2) { edges { node { title } } } } }`,
    );
    expect(r).toEqual({
      data: {
        weather: 'Sunny in Oslo',
        user: {
          name: 'Alice',
          todos: {
            edges: [
              { node: { title: 'Write the quarterly report' } },
              { node: { title: 'Book flights' } },
            ],
          },
        },
      },
    });
    expect(requests.counts).toEqual({ BatchGetItemCommand: 1, QueryCommand: 1 });
  });

  it('keeps ORM errors typed and unexpected errors masked in the host server', async () => {
    const yoga = createYoga({ schema, plugins: [useTablegraph()], logging: false });
    const dup = await ask(
      yoga,
      'mutation { createUser(input: { id: "alice", email: "a@b.c", name: "A" }) { id } }',
    );
    expect(dup.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'ALREADY_EXISTS' }) }),
    ]);
    const noContext = createYoga({ schema, logging: false });
    const masked = await ask(noContext, '{ user(id: "alice") { name } }');
    expect(masked.errors).toEqual([expect.objectContaining({ message: 'Unexpected error.' })]);
  });
});
