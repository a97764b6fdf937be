import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createModels } from '../../examples/demo/models.js';
import { DynamoDBBackend } from '../../src/orm/index.js';
import { buildSchema, ItemLoader } from '../../src/schema/index.js';
import { createServer } from '../../src/server.js';
import { defineModels, type Models } from '../fixtures/models.js';
import { countRequests, type Engine, startDynalite, truncate } from '../helpers/engines.js';
import { serve } from './harness.js';

describe('request batching, counted on dynalite', () => {
  let engine: Engine;
  let backend: DynamoDBBackend;
  let m: Models;
  let requests: ReturnType<typeof countRequests>;
  let gql: ReturnType<typeof serve>['gql'];

  beforeAll(async () => {
    engine = await startDynalite();
    backend = new DynamoDBBackend({ tableName: 'batching', endpoint: engine.endpoint });
    m = defineModels(backend);
    await backend.createTable([m.User, m.TodoItem, m.Order, m.Product]);
    requests = countRequests(backend);
    gql = serve(m).gql;
  });
  afterAll(async () => {
    backend.close();
    await engine.close();
  });
  beforeEach(async () => {
    await truncate(backend);
    await m.User.batchCreate(
      Array.from({ length: 60 }, (_, i) => ({
        id: `u${i}`,
        email: `u${i}@x.io`,
        name: `User ${i}`,
      })),
    );
    await m.Order.batchCreate(
      Array.from({ length: 60 }, (_, i) => ({
        userId: `u${i}`,
        orderId: `o${i}`,
        total: i,
        placedAt: new Date(Date.UTC(2025, 0, 1 + (i % 28))),
      })),
    );
    requests.reset();
  });

  it('orders(first: 50) { user } costs one Scan page and one BatchGetItem', async () => {
    const r = await gql('{ orders(first: 50) { edges { node { orderId user { name } } } } }');
    expect(r.errors).toBeUndefined();
    const edges = (r.data!.orders as { edges: { node: { user: { name: string } } }[] }).edges;
    expect(edges).toHaveLength(50);
    expect(edges.every((e) => e.node.user.name.startsWith('User '))).toBe(true);
    expect(requests.counts).toEqual({ ScanCommand: 1, BatchGetItemCommand: 1 });
  });

  it('merges lookups of several fields and models in one tick into one BatchGetItem', async () => {
    await m.Product.create({ sku: 'p1', price: 1, stock: 1 });
    requests.reset();
    const r = await gql(
      '{ a: user(rowId: "u1") { name } b: user(rowId: "u2") { name } p: product(sku: "p1") { sku } again: user(rowId: "u1") { email } }',
    );
    expect(r.data).toEqual({
      a: { name: 'User 1' },
      b: { name: 'User 2' },
      p: { sku: 'p1' },
      again: { email: 'u1@x.io' },
    });
    expect(requests.counts).toEqual({ BatchGetItemCommand: 1 });
  });

  it("a user's orders inside a list of users cost one keyed Query per user, never a Scan", async () => {
    const r = await gql(
      '{ users(first: 10) { edges { node { rowId orders(first: 5) { edges { node { orderId } } } } } } }',
    );
    expect(r.errors).toBeUndefined();
    const users = (
      r.data!.users as {
        edges: { node: { rowId: string; orders: { edges: { node: { orderId: string } }[] } } }[];
      }
    ).edges;
    expect(
      users.every((u) => u.node.orders.edges[0]?.node.orderId === `o${u.node.rowId.slice(1)}`),
    ).toBe(true);
    expect(requests.counts).toEqual({ ScanCommand: 1, QueryCommand: 10 });
  });

  it('stops a filtered page at maxReadsPerPage and lets the client read on', async () => {
    const { gql: budgeted } = serve(m, { maxReadsPerPage: 1 });
    const q =
      'query($after: String) { orders(first: 5, after: $after, where: { total: { eq: 59 } }) { edges { node { orderId } } pageInfo { hasNextPage endCursor } } }';
    type Page = {
      edges: { node: { orderId: string } }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
    const first = (await budgeted(q)).data!.orders as Page;
    expect(requests.counts).toEqual({ ScanCommand: 1 });
    const found = first.edges.map((e) => e.node.orderId);
    let page = first;
    let pages = 1;
    while (page.pageInfo.hasNextPage) {
      expect(page.pageInfo.endCursor).toEqual(expect.any(String));
      page = (await budgeted(q, { after: page.pageInfo.endCursor })).data!.orders as Page;
      found.push(...page.edges.map((e) => e.node.orderId));
      pages++;
    }
    expect(found).toEqual(['o59']);
    expect(pages).toBe(requests.counts.ScanCommand);
  });

  it('never shares a loader between requests', async () => {
    await gql('{ user(rowId: "u1") { name } }');
    await m.User.get({ id: 'u1' }).then((u) => Object.assign(u!, { name: 'Renamed' }).save());
    const r = await gql('{ user(rowId: "u1") { name } }');
    expect(r.data).toEqual({ user: { name: 'Renamed' } });
  });
});

describe('lookups of one level wait for their sibling relation reads, counted on dynalite', () => {
  let engine: Engine;
  let backend: DynamoDBBackend;
  let requests: ReturnType<typeof countRequests>;
  let yoga: ReturnType<typeof createServer>;
  let models: ReturnType<typeof createModels>;

  beforeAll(async () => {
    engine = await startDynalite();
    backend = new DynamoDBBackend({ tableName: 'levels', endpoint: engine.endpoint });
    models = createModels(backend);
    const [User, , Order, Product] = models;
    await backend.createTable([...models]);
    // 20 users, 2 orders each, 10 products: 70 items, so one Scan page holds every user.
    await User.batchCreate(
      Array.from({ length: 20 }, (_, i) => ({ id: `u${i}`, email: `u${i}@x.io`, name: `U${i}` })),
    );
    await Product.batchCreate(
      Array.from({ length: 10 }, (_, i) => ({ sku: `p${i}`, name: `P${i}`, price: 1, stock: 1 })),
    );
    await Order.batchCreate(
      Array.from({ length: 40 }, (_, i) => ({
        userId: `u${i % 20}`,
        orderId: `o${i}`,
        total: i,
        sku: `p${i % 10}`,
      })),
    );
    requests = countRequests(backend);
    yoga = createServer({ schema: buildSchema({ models }), logging: false, graphiql: false });
  });
  afterAll(async () => {
    backend.close();
    await engine.close();
  });

  it('users(first: 20) { orders(first: 5) { product } } sends every product lookup in one BatchGetItem', async () => {
    requests.reset();
    const res = await yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query:
          '{ users(first: 20) { edges { node { orders(first: 5) { edges { node { product { name } } } } } } } }',
      }),
    });
    const body = (await res.json()) as {
      errors?: unknown;
      data: {
        users: {
          edges: { node: { orders: { edges: { node: { product: { name: string } } }[] } } }[];
        };
      };
    };
    expect(body.errors).toBeUndefined();
    const names = body.data.users.edges.flatMap((u) =>
      u.node.orders.edges.map((o) => o.node.product.name),
    );
    expect(names).toHaveLength(40);
    expect(new Set(names).size).toBe(10);
    // The physical minimum: one Scan page, one Query per user partition, one BatchGetItem.
    expect(requests.counts).toEqual({ ScanCommand: 1, QueryCommand: 20, BatchGetItemCommand: 1 });
  });

  it('a lookup made during a tracked read waits for it, and joins lookups of later ticks', async () => {
    const [User] = models;
    requests.reset();
    const loader = new ItemLoader();
    let finish = () => {};
    const read = loader.track(new Promise<void>((resolve) => (finish = resolve)));
    const a = loader.load(User, { id: 'u1' });
    await new Promise((resolve) => setImmediate(resolve));
    const b = loader.load(User, { id: 'u2' });
    expect(requests.counts).toEqual({});
    finish();
    await read;
    expect((await Promise.all([a, b])).map((u) => u?.name)).toEqual(['U1', 'U2']);
    expect(requests.counts).toEqual({ BatchGetItemCommand: 1 });
  });

  it('never waits forever: a read that does not settle lets the lookups go after a bound', async () => {
    const [User] = models;
    const loader = new ItemLoader();
    void loader.track(new Promise<never>(() => {}));
    expect((await loader.load(User, { id: 'u3' }))?.name).toBe('U3');
  });
});
