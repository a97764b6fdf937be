import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type BackendBase,
  DynamoDBBackend,
  InMemoryBackend,
  type RequestEvent,
} from '../../src/orm/index.js';
import { buildSchema, ItemLoader, type RequestCost } from '../../src/schema/index.js';
import { createServer, type ServerOptions } from '../../src/server.js';
import { defineModels, type Models } from '../fixtures/models.js';
import {
  countRequests,
  dynamoDBLocalUnavailable,
  type Engine,
  startDynalite,
  startDynamoDBLocal,
  truncate,
} from '../helpers/engines.js';

// GraphQL reads fetch what the selection needs (ProjectionExpression on the commands), every answer
// says what it cost (extensions.cost, onCost), and an operation over the read budget is refused
// before any request. Counted on dynalite; costs checked against DynamoDB Local.

interface Answer {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  extensions?: { cost?: RequestCost };
}

const placedAt = new Date(Date.UTC(2025, 0, 1));

function server(m: Models, options: Partial<ServerOptions> = {}) {
  const schema = buildSchema({ models: [m.User, m.TodoItem, m.Order, m.Product] });
  const yoga = createServer({
    schema,
    logging: false,
    graphiql: false,
    ...options,
    cost: options.cost === false ? false : { extensions: true, ...options.cost },
  });
  return async (query: string, variables?: Record<string, unknown>) => {
    const res = await yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as Answer;
  };
}

async function seed(m: Models) {
  await m.User.batchCreate(
    Array.from({ length: 3 }, (_, i) => ({
      id: `u${i}`,
      email: `u${i}@x.io`,
      name: `User ${i}`,
      age: 20 + i,
      tenantId: 't',
    })),
  );
  await m.Order.batchCreate(
    Array.from({ length: 6 }, (_, i) => ({
      userId: `u${i % 3}`,
      orderId: `o${i}`,
      total: i,
      placedAt,
    })),
  );
}

const namesOf = (input: Record<string, unknown>) =>
  input.ProjectionExpression === undefined
    ? null
    : String(input.ProjectionExpression)
        .split(', ')
        .map((p) => (input.ExpressionAttributeNames as Record<string, string>)[p])
        .sort();

describe('GraphQL projections and cost, counted on dynalite', () => {
  let engine: Engine;
  let backend: DynamoDBBackend;
  let m: Models;
  let requests: ReturnType<typeof countRequests>;
  let gql: ReturnType<typeof server>;

  beforeAll(async () => {
    engine = await startDynalite();
    backend = new DynamoDBBackend({ tableName: 'cost', endpoint: engine.endpoint });
    m = defineModels(backend);
    await backend.createTable([m.User, m.TodoItem, m.Order, m.Product]);
    requests = countRequests(backend);
    gql = server(m);
  });
  afterAll(async () => {
    backend.close();
    await engine.close();
  });
  beforeEach(async () => {
    await truncate(backend);
    await seed(m);
    requests.reset();
  });

  it('a lookup fetches the selected fields, through aliases and fragments', async () => {
    const r = await gql(
      `query { u: user(rowId: "u1") { id displayName: name ...Mail ... on User { __typename } } }
       fragment Mail on User { email }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.u).toMatchObject({ displayName: 'User 1', email: 'u1@x.io' });
    expect(requests.counts).toEqual({ BatchGetItemCommand: 1 });
    const entry = (requests.log[0]!.input.RequestItems as Record<string, Record<string, unknown>>)
      .cost!;
    expect(namesOf(entry)).toEqual(['email', 'entity_type', 'id', 'name', 'pk', 'sk']);
  });

  it('a connection fetches what edges.node selects, plus the source fields of selected relations', async () => {
    const r = await gql(
      '{ ordersByUserId(userId: "u0", first: 5) { edges { cursor node { total user { name } } } } }',
    );
    expect(r.errors).toBeUndefined();
    expect(requests.counts).toEqual({ QueryCommand: 1, BatchGetItemCommand: 1 });
    const query = requests.log.find((l) => l.command === 'QueryCommand')!.input;
    expect(namesOf(query)).toEqual([
      'entity_type',
      'orderId',
      'pk',
      'placedAt',
      'sk',
      'total',
      'userId',
    ]);
    const batch = requests.log.find((l) => l.command === 'BatchGetItemCommand')!.input;
    const entry = (batch.RequestItems as Record<string, Record<string, unknown>>).cost!;
    expect(namesOf(entry)).toEqual(['entity_type', 'id', 'name', 'pk', 'sk']);
  });

  it('one batch carries the union of its lookups’ fields; a later lookup needing more reads again', async () => {
    const r = await gql(
      '{ a: user(rowId: "u1") { name } b: user(rowId: "u2") { email } c: user(rowId: "u1") { name } }',
    );
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({
      a: { name: 'User 1' },
      b: { email: 'u2@x.io' },
      c: { name: 'User 1' },
    });
    expect(requests.counts).toEqual({ BatchGetItemCommand: 1 });
    const entry = (requests.log[0]!.input.RequestItems as Record<string, Record<string, unknown>>)
      .cost!;
    expect(entry.Keys).toHaveLength(2);
    expect(namesOf(entry)).toEqual(['email', 'entity_type', 'id', 'name', 'pk', 'sk']);
  });

  it('the loader answers from its cache only what the cached instance holds', async () => {
    const loader = new ItemLoader();
    const a = await loader.load(m.User, { id: 'u1' }, ['name']);
    expect(a?.name).toBe('User 1');
    const b = await loader.load(m.User, { id: 'u1' }, ['email']);
    expect(b?.email).toBe('u1@x.io');
    expect(await loader.load(m.User, { id: 'u1' }, ['email'])).toBe(b);
    expect(requests.counts).toEqual({ BatchGetItemCommand: 2 });
    const whole = await loader.load(m.User, { id: 'u1' });
    expect(await loader.load(m.User, { id: 'u1' }, ['age'])).toBe(whole);
    expect(
      requests.log.map((l) =>
        namesOf((l.input.RequestItems as Record<string, Record<string, unknown>>).cost!),
      ),
    ).toEqual([
      ['entity_type', 'id', 'name', 'pk', 'sk'],
      ['email', 'entity_type', 'id', 'pk', 'sk'],
      null,
    ]);
  });

  it('totalCount counts with Select COUNT (no item transferred)', async () => {
    const r = await gql('{ ordersByUserId(userId: "u0") { totalCount } }');
    expect(r.errors).toBeUndefined();
    expect((r.data!.ordersByUserId as { totalCount: number }).totalCount).toBe(2);
    const counts = requests.log.filter((l) => l.input.Select === 'COUNT');
    expect(counts).toHaveLength(1);
    expect(counts[0]!.input.ProjectionExpression).toBeUndefined();
    // Within the budget: the count never evaluates more than the cap (maxTotalCount).
    expect(counts[0]!.input.Limit).toBe(1000);
  });

  it('puts the requests and capacity units of every answer in extensions.cost', async () => {
    const r = await gql(
      '{ users(first: 2) { edges { node { name orders(first: 2) { edges { node { total } } } } } } }',
    );
    expect(r.errors).toBeUndefined();
    const cost = r.extensions!.cost!;
    expect(cost.requests).toBe(requests.log.length);
    expect(cost.operations).toEqual({ Scan: 1, Query: 2 });
    expect(cost.read).toBeGreaterThan(0);
    expect(cost.write).toBe(0);
    expect(cost.estimate).toBe(3 + 2 * 3);
    const w = await gql(
      'mutation { createProduct(input: { sku: "p1", price: 1, stock: 1 }) { sku } }',
    );
    expect(w.extensions!.cost).toMatchObject({ requests: 1, read: 0, write: 1 });
  });

  it('refuses an operation over the read budget before any request, naming the estimate and the limit', async () => {
    const q = `query ($n: Int) { users(first: $n) { totalCount edges { node { orders(first: 100) { totalCount } } } } }`;
    const r = await gql(q, { n: 100 });
    expect(r.data ?? null).toBeNull();
    expect(r.errors![0]!.extensions).toEqual({
      code: 'QUERY_TOO_COSTLY',
      estimate: 101 + 1000 + 100 * (101 + 1000),
      limit: 5000,
    });
    expect(r.errors![0]!.message).toMatch(/may read up to 111201 items, over the limit of 5000/);
    expect(requests.log).toHaveLength(0);
    // The same document with a small page fits.
    const ok = await gql(q.replaceAll('totalCount', '__typename'), { n: 2 });
    expect(ok.errors).toBeUndefined();
  });

  it('takes the budget, extensions and a hook from createServer({ cost })', async () => {
    const seen: RequestCost[] = [];
    const quiet = server(m, {
      cost: { maxReads: 10, extensions: false, onCost: (c) => seen.push(c) },
    });
    const r = await quiet('{ user(rowId: "u1") { name } }');
    expect(r.extensions).toBeUndefined();
    expect(seen).toEqual([
      { requests: 1, read: 0.5, write: 0, operations: { BatchGetItem: 1 }, estimate: 1 },
    ]);
    const refused = await quiet('{ users(first: 10) { edges { node { name } } } }');
    expect(refused.errors![0]!.extensions).toMatchObject({
      code: 'QUERY_TOO_COSTLY',
      estimate: 11,
      limit: 10,
    });
    const off = server(m, { cost: false });
    expect((await off('{ users(first: 100) { totalCount } }')).errors).toBeUndefined();
  });

  it('counts every Node type a fragment may select, and nodes(ids:) per id', async () => {
    const r = await gql(
      `{ nodes(ids: ["VXNlcjpbInUxIl0=", "VXNlcjpbInUyIl0="]) { ... on User { orders(first: 3) { edges { node { total } } } } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.extensions!.cost!.estimate).toBe(2 + 2 * 4);
  });
});

describe('extensions.cost against DynamoDB Local’s ConsumedCapacity', () => {
  const unavailable = dynamoDBLocalUnavailable();
  let engine: Engine | undefined;
  let backend: DynamoDBBackend | undefined;
  afterAll(async () => {
    backend?.close();
    await engine?.close();
  });

  it.skipIf(unavailable !== null)(
    'the same answer costs the same on memory and on DynamoDB Local',
    async () => {
      engine = await startDynamoDBLocal();
      backend = new DynamoDBBackend({ tableName: 'cost', endpoint: engine.endpoint });
      const query =
        '{ users(first: 3) { edges { node { name orders(first: 5) { totalCount edges { node { total } } } } } } a: user(rowId: "u1") { email } b: user(rowId: "u2") { name } }';
      const run = async (b: BackendBase, events?: RequestEvent[]) => {
        const m = defineModels(b);
        await seed(m);
        if (events) b.onRequest = (e) => events.push(e);
        const r = await server(m)(query);
        b.onRequest = undefined;
        expect(r.errors).toBeUndefined();
        return r.extensions!.cost!;
      };
      const m = defineModels(backend);
      await backend.createTable([m.User, m.TodoItem, m.Order, m.Product]);
      // What DynamoDB Local reported, request by request (its ConsumedCapacity), is what the answer says.
      const events: RequestEvent[] = [];
      const local = await run(backend, events);
      expect(local.requests).toBe(events.length);
      expect(local.read).toBe(events.reduce((n, e) => n + e.read, 0));
      expect(local.operations).toEqual({ Scan: 1, Query: 6, BatchGetItem: 1 });
      // And the in-memory backend charges the same.
      expect(await run(new InMemoryBackend())).toEqual(local);
    },
    120_000,
  );
});
