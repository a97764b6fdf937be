// The schema in other GraphQL servers, as they are: no tablegraph plugin, no context setup. Each
// server is reached over real HTTP (or Yoga's fetch), and batching is counted in SDK commands.
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { stitchSchemas } from '@graphql-tools/stitch';
import { createHandler } from 'graphql-http/lib/use/http';
import { createSchema, createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModels, seed } from '../../examples/demo/models.js';
import { DynamoDBBackend } from '../../src/orm/index.js';
import { buildSchema, useTablegraph } from '../../src/schema/index.js';
import { countRequests, type Engine, startDynalite } from '../helpers/engines.js';

const QUERY = '{ orders { edges { node { orderId user { name } product { name } } } } }';
const ORDERS = [
  ['o-1001', 'Alice', 'Keyboard'],
  ['o-1002', 'Alice', 'Mouse'],
  ['o-1003', 'Bob', 'Monitor'],
];
type Result = { data?: Record<string, unknown> | null; errors?: Record<string, unknown>[] };
type Ask = (query: string) => Promise<Result>;

const fetchAsk =
  (fetchFn: (url: string, init: RequestInit) => Response | Promise<Response>, url: string): Ask =>
  async (query) => {
    const res = await fetchFn(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query }),
    });
    return (await res.json()) as Result;
  };

const listen = async (server: Server) => {
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
};

describe('the schema in other GraphQL servers, with no setup', () => {
  let engine: Engine;
  let backend: DynamoDBBackend;
  let models: ReturnType<typeof createModels>;
  let requests: ReturnType<typeof countRequests>;
  let schema: ReturnType<typeof buildSchema>;
  const closers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    engine = await startDynalite();
    backend = new DynamoDBBackend({ tableName: 'embedded', endpoint: engine.endpoint });
    models = createModels(backend);
    await backend.createTable(models);
    await seed(models);
    schema = buildSchema({ models });
    requests = countRequests(backend);
  });
  afterAll(async () => {
    for (const close of closers) await close();
    backend.close();
    await engine.close();
  });

  const servers: Record<string, () => Promise<Ask>> = {
    'plain Yoga (createYoga({ schema }), no plugin)': async () => {
      const yoga = createYoga({ schema, logging: false });
      return fetchAsk(yoga.fetch, 'http://yoga/graphql');
    },
    'graphql-http on node:http (no context option)': async () => {
      const http = createHttpServer(createHandler({ schema }));
      closers.push(() => new Promise((ok) => http.close(ok)));
      return fetchAsk(fetch, await listen(http));
    },
    'Apollo Server (startStandaloneServer, default context)': async () => {
      const apollo = new ApolloServer({ schema });
      const { url } = await startStandaloneServer(apollo, { listen: { port: 0 } });
      closers.push(() => apollo.stop());
      return fetchAsk(fetch, url);
    },
  };

  for (const [name, start] of Object.entries(servers))
    describe(name, () => {
      let ask: Ask;
      beforeAll(async () => {
        ask = await start();
      });

      it('answers a list with two relations: one Scan, then one BatchGetItem for users and products', async () => {
        requests.reset();
        const r = await ask(QUERY);
        expect(r.errors).toBeUndefined();
        const edges = (
          r.data!.orders as {
            edges: {
              node: { orderId: string; user: { name: string }; product: { name: string } };
            }[];
          }
        ).edges;
        expect(
          edges.map((e) => [e.node.orderId, e.node.user.name, e.node.product.name]).sort(),
        ).toEqual(ORDERS);
        expect(requests.counts).toEqual({ ScanCommand: 1, BatchGetItemCommand: 1 });
      });

      it('merges the key lookups of one request into one BatchGetItem, and node(id:) joins them', async () => {
        const id = ((await ask('{ product(sku: "KB-1") { id } }')).data!.product as { id: string })
          .id;
        requests.reset();
        const r = await ask(
          `{ a: user(rowId: "alice") { name } b: user(rowId: "bob") { name } n: node(id: "${id}") { ... on Product { name } } }`,
        );
        expect(r).toEqual({
          data: { a: { name: 'Alice' }, b: { name: 'Bob' }, n: { name: 'Keyboard' } },
        });
        expect(requests.counts).toEqual({ BatchGetItemCommand: 1 });
      });

      it('never shares a loader between requests', async () => {
        const [User] = models;
        expect((await ask('{ user(rowId: "carol") { age } }')).data).toEqual({ user: { age: 45 } });
        const carol = (await User.get({ id: 'carol' }))!;
        carol.age = 46;
        await carol.save();
        expect((await ask('{ user(rowId: "carol") { age } }')).data).toEqual({ user: { age: 46 } });
        carol.age = 45;
        await carol.save();
      });

      it('keeps ORM errors typed', async () => {
        const dup = await ask(
          'mutation { createUser(input: { rowId: "alice", email: "a@b.c", name: "A" }) { id } }',
        );
        expect(dup.errors).toEqual([
          expect.objectContaining({
            extensions: expect.objectContaining({ code: 'ALREADY_EXISTS' }),
          }),
        ]);
      });
    });

  it('useTablegraph() stays an optional convenience: the loader in the context is the one used', async () => {
    const yoga = createYoga({ schema, plugins: [useTablegraph()], logging: false });
    requests.reset();
    const r = await fetchAsk(yoga.fetch, 'http://yoga/graphql')(QUERY);
    expect(r.errors).toBeUndefined();
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
      logging: false,
    });
    requests.reset();
    const r = await fetchAsk(
      gateway.fetch,
      'http://gateway/graphql',
    )(
      `{ weather(city: "Oslo") user(rowId: "alice") { name todos(first: 2) { edges { node { title } } } } }`,
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
    // The user and its todo items share a partition: one item collection Query.
    expect(requests.counts).toEqual({ QueryCommand: 1 });
  });

  it('masks unexpected errors in the host server (Yoga) and gives them a code', async () => {
    const broken = new DynamoDBBackend({ tableName: 'missing-table', endpoint: engine.endpoint });
    const yoga = createYoga({
      schema: buildSchema({ models: createModels(broken) }),
      logging: false,
    });
    const r = await fetchAsk(
      yoga.fetch,
      'http://yoga/graphql',
    )('{ user(rowId: "alice") { name } }');
    expect(r.errors).toEqual([
      expect.objectContaining({
        message: 'Unexpected error.',
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      }),
    ]);
    broken.close();
  });
});
