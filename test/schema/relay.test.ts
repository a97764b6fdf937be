// Relay conformance details of the generated schema, served by plain Yoga (no plugin): Node's
// field is `id`; `first: 0` follows the spec's algorithm; every error carries extensions.code.
// Request counts are SDK commands on dynalite.
import { createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModels, seed } from '../../examples/demo/models.js';
import { DynamoDBBackend, field, InMemoryBackend, Model } from '../../src/orm/index.js';
import { buildSchema } from '../../src/schema/index.js';
import { countRequests, type Engine, startDynalite } from '../helpers/engines.js';

type Result = {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
};

describe('Relay details, on plain Yoga over dynalite', () => {
  let engine: Engine;
  let backend: DynamoDBBackend;
  let requests: ReturnType<typeof countRequests>;
  let gql: (query: string, variables?: Record<string, unknown>) => Promise<Result>;

  beforeAll(async () => {
    engine = await startDynalite();
    backend = new DynamoDBBackend({ tableName: 'relay', endpoint: engine.endpoint });
    const models = createModels(backend);
    await backend.createTable(models);
    await seed(models);
    const yoga = createYoga({ schema: buildSchema({ models }), logging: false });
    gql = async (query, variables) =>
      (await (
        await yoga.fetch('http://yoga/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query, variables }),
        })
      ).json()) as Result;
    requests = countRequests(backend);
  });
  afterAll(async () => {
    backend.close();
    await engine.close();
  });

  it('first: 0 answers no edges and hasNextPage true when items follow (one read, only when asked)', async () => {
    requests.reset();
    expect(
      await gql(
        '{ a: todoItemsByUserId(userId: "alice", first: 0) { edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }',
      ),
    ).toEqual({
      data: {
        a: {
          edges: [],
          pageInfo: {
            hasNextPage: true,
            hasPreviousPage: false,
            startCursor: null,
            endCursor: null,
          },
        },
      },
    });
    expect(requests.counts).toEqual({ QueryCommand: 1 });
    requests.reset();
    expect(
      await gql('{ todoItemsByUserId(userId: "alice", first: 0) { edges { cursor } } }'),
    ).toEqual({
      data: { todoItemsByUserId: { edges: [] } },
    });
    expect(requests.counts).toEqual({});
    const empty = await gql(
      '{ todoItemsByUserId(userId: "nobody", first: 0) { pageInfo { hasNextPage } } }',
    );
    expect(empty.data).toEqual({ todoItemsByUserId: { pageInfo: { hasNextPage: false } } });
  });

  it('first: 0 after the last edge answers hasNextPage false; last: 0 answers hasPreviousPage', async () => {
    const all = (await gql('{ todoItemsByUserId(userId: "alice") { edges { cursor } } }')) as {
      data: { todoItemsByUserId: { edges: { cursor: string }[] } };
    };
    const edges = all.data.todoItemsByUserId.edges;
    const q =
      'query($after: String, $before: String) { f: todoItemsByUserId(userId: "alice", first: 0, after: $after) { pageInfo { hasNextPage hasPreviousPage } } l: todoItemsByUserId(userId: "alice", last: 0, before: $before) { pageInfo { hasNextPage hasPreviousPage } } }';
    expect((await gql(q, { after: edges.at(-1)!.cursor, before: edges[0]!.cursor })).data).toEqual({
      f: { pageInfo: { hasNextPage: false, hasPreviousPage: true } },
      l: { pageInfo: { hasNextPage: true, hasPreviousPage: false } },
    });
    expect((await gql(q, { after: edges[0]!.cursor, before: edges.at(-1)!.cursor })).data).toEqual({
      f: { pageInfo: { hasNextPage: true, hasPreviousPage: true } },
      l: { pageInfo: { hasNextPage: true, hasPreviousPage: true } },
    });
  });

  it('node(id:) and nodes(ids:) batch into one BatchGetItem; an absent item is null', async () => {
    const ids = (await gql(
      '{ u: user(rowId: "alice") { id } t: todoItem(userId: "alice", todoId: "t2") { id } p: product(sku: "KB-1") { id } }',
    )) as { data: Record<string, { id: string }> };
    const absent = Buffer.from('User:["nobody"]').toString('base64');
    requests.reset();
    const r = await gql(
      `{ nodes(ids: ["${ids.data.u!.id}", "${ids.data.t!.id}", "${absent}"]) { __typename id } n: node(id: "${ids.data.p!.id}") { ... on Product { name } } }`,
    );
    expect(r).toEqual({
      data: {
        nodes: [
          { __typename: 'User', id: ids.data.u!.id },
          { __typename: 'TodoItem', id: ids.data.t!.id },
          null,
        ],
        n: { name: 'Keyboard' },
      },
    });
    expect(requests.counts).toEqual({ BatchGetItemCommand: 1 });
  });

  it('gives every error an extensions.code', async () => {
    const codes = async (query: string) =>
      ((await gql(query)).errors ?? []).map((e) => e.extensions?.code ?? `none: ${e.message}`);
    const wrongType = Buffer.from('User:["a","b"]').toString('base64');
    expect(await codes('{ node(id: "not-a-global-id!") { id } }')).toEqual(['BAD_USER_INPUT']);
    expect(await codes(`{ node(id: "${wrongType}") { id } }`)).toEqual(['BAD_USER_INPUT']);
    expect(await codes('{ nodes(ids: ["", "x"]) { id } }')).toEqual(['BAD_USER_INPUT']);
    expect(await codes('{ users(first: 101) { edges { cursor } } }')).toEqual(['BAD_USER_INPUT']);
    expect(await codes('{ users(after: "nope") { edges { cursor } } }')).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(await codes('{ orders(last: 1) { edges { cursor } } }')).toEqual(['BAD_USER_INPUT']);
    expect(await codes('{ user(rowId: "alice") { nope } }')).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(await codes('{ user(')).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(
      await codes('mutation { updateUser(rowId: "zed", input: { name: "Z" }) { id } }'),
    ).toEqual(['NOT_FOUND']);
    expect(
      await codes(
        'mutation { createUser(input: { rowId: "alice", email: "a@b.c", name: "A" }) { id } }',
      ),
    ).toEqual(['ALREADY_EXISTS']);
    expect(
      await codes(
        'mutation { updateTodoItem(userId: "alice", todoId: "t1", input: { expectedVersion: 99 }) { id } }',
      ),
    ).toEqual(['CONFLICT']);
  });
});

describe("a model's own field named id", () => {
  it('is rowId everywhere in GraphQL; a model with both id and rowId is refused at build time', () => {
    const backend = new InMemoryBackend();
    class Both extends Model('Both', {
      id: field.string({ primaryKey: true }),
      rowId: field.string(),
    }) {
      static meta = { backend };
    }
    expect(() => buildSchema({ models: [Both] })).toThrow(/has fields `id` and `rowId`/);
  });
});
