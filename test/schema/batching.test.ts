import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDBBackend } from '../../src/orm/index.js';
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
