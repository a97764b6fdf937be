import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collection, DynamoDBBackend } from '../../src/orm/index.js';
import { defineModels, type Models } from '../fixtures/models.js';
import {
  countRequests,
  dynamoDBLocalUnavailable,
  type Engine,
  startDynalite,
  startDynamoDBLocal,
  truncate,
} from '../helpers/engines.js';
import { serve } from './harness.js';

// GraphQL reads planned from the selection set, counted in SDK commands: a user read by key with
// relations in its partition is one item collection Query; lists keep one Query per partition.

// biome-ignore lint/suspicious/noExplicitAny: response shapes vary per query; assertions check them
type Data = Record<string, any>;

function collectionCounts(name: string, start: () => Promise<Engine>) {
  describe(`reads planned from the selection: ${name}`, () => {
    let engine: Engine;
    let backend: DynamoDBBackend;
    let m: Models;
    let requests: ReturnType<typeof countRequests>;
    let gql: ReturnType<typeof serve>['gql'];
    const ok = async (q: string, v?: Record<string, unknown>): Promise<Data> => {
      const r = await gql(q, v);
      expect(r.errors).toBeUndefined();
      return r.data as Data;
    };
    const queries = () =>
      requests.log.filter((r) => r.command === 'QueryCommand').map((r) => r.input);

    // An expression with its placeholders filled in, to assert on what DynamoDB evaluates.
    const expand = (input: Record<string, unknown>, member: string) => {
      const names = input.ExpressionAttributeNames as Record<string, string>;
      const values = input.ExpressionAttributeValues as Record<string, unknown>;
      return (input[member] as string)
        .replace(/#n\d+/g, (n) => names[n]!)
        .replace(/:v\d+/g, (v) => String(values[v]));
    };
    const keyCondition = (input: Record<string, unknown>) =>
      expand(input, 'KeyConditionExpression');
    const filter = (input: Record<string, unknown>) => expand(input, 'FilterExpression');

    beforeAll(async () => {
      engine = await start();
      backend = new DynamoDBBackend({ tableName: 'collections', endpoint: engine.endpoint });
      m = defineModels(backend);
      await backend.createTable([m.User, m.TodoItem, m.Order, m.Product, m.Reminder]);
      requests = countRequests(backend);
      gql = serve(m).gql;
    }, 90_000);
    afterAll(async () => {
      backend?.close();
      await engine?.close();
    });
    beforeEach(async () => {
      await truncate(backend);
    });

    async function alice(orders: number, todos: number) {
      await m.User.create({ id: 'alice', email: 'a@x.io', name: 'Alice' });
      await m.Order.batchCreate(
        Array.from({ length: orders }, (_, i) => ({
          userId: 'alice',
          orderId: `o${String(i).padStart(2, '0')}`,
          total: i,
          placedAt: new Date(Date.UTC(2025, 0, 1 + i)),
        })),
      );
      await m.TodoItem.batchCreate(
        Array.from({ length: todos }, (_, i) => ({
          userId: 'alice',
          todoId: `t${i}`,
          title: `Task ${i}`,
        })),
      );
      // Another entity type inside the range the Query reads: filtered out, never shown.
      await m.Reminder.create({ userId: 'alice', reminderId: 'r1', note: 'x' });
      requests.reset();
    }

    const USER = `query($first: Int) { user(rowId: "alice") { name
      orders(first: $first) { edges { cursor node { orderId } } pageInfo { hasNextPage endCursor } }
      todos(first: $first) { edges { node { todoId } } pageInfo { hasNextPage } } } }`;

    it('user(id) { name orders todos } over a small collection is 1 Query', async () => {
      await alice(3, 4);
      const data = await ok(USER, { first: 10 });
      expect(requests.counts).toEqual({ QueryCommand: 1 });
      expect(keyCondition(queries()[0]!)).toBe(
        'pk = USER#alice AND sk BETWEEN ORDER# AND TODO#\u{10ffff}',
      );
      expect(filter(queries()[0]!)).toBe('entity_type IN (User, Order, TodoItem)');
      expect(queries()[0]!.Limit).toBe(1 + 11 + 11);
      expect(data.user.name).toBe('Alice');
      expect(data.user.orders.edges.map((e: Data) => e.node.orderId)).toEqual([
        'o00',
        'o01',
        'o02',
      ]);
      expect(data.user.orders.pageInfo.hasNextPage).toBe(false);
      expect(data.user.todos.edges.map((e: Data) => e.node.todoId)).toEqual([
        't0',
        't1',
        't2',
        't3',
      ]);
      expect(data.user.todos.pageInfo.hasNextPage).toBe(false);
      // The same answer as the per-relation reads (a `where` opts every relation out of the plan).
      requests.reset();
      const plain = await ok(
        `{ user(rowId: "alice") { name
          orders(first: 10, where: {}) { edges { cursor node { orderId } } pageInfo { hasNextPage endCursor } }
          todos(first: 10, where: {}) { edges { node { todoId } } pageInfo { hasNextPage } } } }`,
      );
      expect(plain).toEqual(data);
      expect(requests.counts).toEqual({ BatchGetItemCommand: 1, QueryCommand: 2 });
    });

    it('with 30 orders, orders(first: 10) and todos(first: 10) take 2 Queries, exact pages and cursors', async () => {
      await alice(30, 4);
      const data = await ok(USER, { first: 10 });
      expect(requests.counts).toEqual({ QueryCommand: 2 });
      // The second Query covers only what is still short: PROFILE .. TODO#, not the orders.
      expect(keyCondition(queries()[1]!)).toBe(
        'pk = USER#alice AND sk BETWEEN PROFILE AND TODO#\u{10ffff}',
      );
      expect(filter(queries()[1]!)).toBe('entity_type IN (User, TodoItem)');
      expect(queries()[1]!.ExclusiveStartKey).toBeUndefined();
      const orders = data.user.orders;
      expect(orders.edges.map((e: Data) => e.node.orderId)).toEqual(
        Array.from({ length: 10 }, (_, i) => `o${String(i).padStart(2, '0')}`),
      );
      expect(orders.pageInfo.hasNextPage).toBe(true);
      expect(data.user.todos.edges).toHaveLength(4);
      expect(data.user.todos.pageInfo.hasNextPage).toBe(false);
      // The edge cursors are the relation's own: `after` reads on through the relation connection.
      const next = await ok(
        'query($after: String) { user(rowId: "alice") { orders(first: 10, after: $after) { edges { node { orderId } } pageInfo { hasNextPage } } } }',
        { after: orders.pageInfo.endCursor },
      );
      expect(next.user.orders.edges[0].node.orderId).toBe('o10');
      expect(next.user.orders.pageInfo.hasNextPage).toBe(true);
      const fromEdge = await ok(
        'query($after: String) { user(rowId: "alice") { orders(first: 2, after: $after) { edges { node { orderId } } } } }',
        { after: orders.edges[4].cursor },
      );
      expect(fromEdge.user.orders.edges.map((e: Data) => e.node.orderId)).toEqual(['o05', 'o06']);
    });

    it('one entity type never starves another: 30 orders, todos(first: 3)', async () => {
      await alice(30, 5);
      const data = await ok(
        '{ user(rowId: "alice") { orders(first: 1) { edges { node { orderId } } pageInfo { hasNextPage } } todos(first: 3) { edges { node { todoId } } pageInfo { hasNextPage } } } }',
      );
      expect(requests.counts).toEqual({ QueryCommand: 2 });
      expect(data.user.orders.pageInfo.hasNextPage).toBe(true);
      expect(data.user.todos.edges.map((e: Data) => e.node.todoId)).toEqual(['t0', 't1', 't2']);
      expect(data.user.todos.pageInfo.hasNextPage).toBe(true);
    });

    it('a relation the collection cannot serve (a where filter) reads with its own Query', async () => {
      await alice(5, 2);
      const data = await ok(
        '{ user(rowId: "alice") { name orders(first: 2, where: { total: { gte: 3 } }) { edges { node { orderId } } } todos(first: 5) { edges { node { todoId } } } } }',
      );
      expect(requests.counts).toEqual({ QueryCommand: 2 });
      expect(data.user.orders.edges.map((e: Data) => e.node.orderId)).toEqual(['o03', 'o04']);
      expect(data.user.todos.edges).toHaveLength(2);
    });

    it('an absent user is null after its one Query', async () => {
      await alice(2, 2);
      const data = await ok(
        '{ user(rowId: "nobody") { name orders(first: 5) { edges { node { orderId } } } } }',
      );
      expect(data.user).toBeNull();
      expect(requests.counts).toEqual({ QueryCommand: 1 });
    });

    it('users(first: 20) { orders(first: 5) } stays 1 list read + 20 Queries', async () => {
      await m.User.batchCreate(
        Array.from({ length: 20 }, (_, i) => ({ id: `u${i}`, email: `u${i}@x.io`, name: `U${i}` })),
      );
      await m.Order.batchCreate(
        Array.from({ length: 40 }, (_, i) => ({
          userId: `u${i % 20}`,
          orderId: `o${i}`,
          total: i,
          placedAt: new Date(Date.UTC(2025, 0, 1 + (i % 28))),
        })),
      );
      requests.reset();
      const data = await ok(
        '{ users(first: 20) { edges { node { rowId orders(first: 5) { edges { node { orderId } } } } } } }',
      );
      expect(data.users.edges).toHaveLength(20);
      expect(data.users.edges.every((e: Data) => e.node.orders.edges.length === 2)).toBe(true);
      expect(requests.counts).toEqual({ ScanCommand: 1, QueryCommand: 20 });
    });

    it('ORM: collection().paginate() is one Query per page over the narrowed range', async () => {
      await alice(3, 2);
      const c = collection(m.User, { id: 'alice' }, [m.User, m.Order]).limit(2);
      const first = await c.paginate();
      expect(first.items.map((x) => x.constructor.name)).toEqual(['Order', 'Order']);
      const second = await c.cursor(first.cursor).paginate();
      expect(second.items.map((x) => x.constructor.name)).toEqual(['Order', 'User']);
      expect(second.cursor).toBeNull();
      expect(requests.counts).toEqual({ QueryCommand: 2 });
      expect(queries().map(keyCondition)).toEqual([
        'pk = USER#alice AND sk BETWEEN ORDER# AND PROFILE',
        'pk = USER#alice AND sk BETWEEN ORDER# AND PROFILE',
      ]);
      expect(queries().map((i) => i.Limit)).toEqual([3, 3]);
      expect(filter(queries()[0]!)).toBe('entity_type IN (User, Order)');
      requests.reset();
      const withTtl = await collection(m.User, { id: 'alice' }, [m.User, m.Reminder]).all();
      expect(withTtl.map((x) => x.constructor.name)).toEqual(['User', 'Reminder']);
      expect(filter(queries()[0]!)).toMatch(
        /^\(entity_type = User OR \(entity_type = Reminder AND \(attribute_not_exists\(expiresAt\) OR expiresAt > \d+\)\)\)$/,
      );
    });

    it('orderBy offers the orders an index serves: DESC reads the sort key backwards', async () => {
      await alice(5, 5);
      const q = `query($after: String) { user(rowId: "alice") {
        todos(first: 2, after: $after, orderBy: TODO_ID_DESC) { edges { node { todoId } } pageInfo { hasNextPage endCursor } } } }`;
      const first = await ok(q);
      expect(first.user.todos.edges.map((e: Data) => e.node.todoId)).toEqual(['t4', 't3']);
      expect(first.user.todos.pageInfo.hasNextPage).toBe(true);
      expect(queries().map((i) => i.ScanIndexForward)).toEqual([false]);
      const second = await ok(q, { after: first.user.todos.pageInfo.endCursor });
      expect(second.user.todos.edges.map((e: Data) => e.node.todoId)).toEqual(['t2', 't1']);
      const asc = await ok(
        '{ todoItemsByUserId(userId: "alice", first: 2, orderBy: TODO_ID_ASC) { edges { node { todoId } } } }',
      );
      expect(asc.todoItemsByUserId.edges.map((e: Data) => e.node.todoId)).toEqual(['t0', 't1']);
      await m.User.create({ id: 'bob', email: 'b@x.io', name: 'B', tenantId: 'acme' });
      await m.User.create({ id: 'carol', email: 'c@x.io', name: 'C', tenantId: 'acme' });
      requests.reset();
      const tenant = await ok(
        '{ usersByTenantIndex(tenantId: "acme", orderBy: ROW_ID_DESC) { edges { node { rowId } } } }',
      );
      expect(tenant.usersByTenantIndex.edges.map((e: Data) => e.node.rowId)).toEqual([
        'carol',
        'bob',
      ]);
      expect(queries()).toEqual([
        expect.objectContaining({ IndexName: 'TenantIndex', ScanIndexForward: false }),
      ]);
      // Orders no index serves are not in the schema: no `orderBy` on a list that may Scan.
      const bad = await gql('{ orders(first: 2, orderBy: ORDER_ID_ASC) { edges { cursor } } }');
      expect(bad.errors?.[0]?.message).toMatch(/Unknown argument "orderBy"/);
    });

    it('nodes(ids:) over 20 ids of mixed models is 1 BatchGetItem', async () => {
      await m.User.batchCreate(
        Array.from({ length: 5 }, (_, i) => ({ id: `u${i}`, email: `u${i}@x.io`, name: `U${i}` })),
      );
      await m.Order.batchCreate(
        Array.from({ length: 5 }, (_, i) => ({
          userId: 'u0',
          orderId: `o${i}`,
          total: i,
          placedAt: new Date(Date.UTC(2025, 0, 1 + i)),
        })),
      );
      await m.TodoItem.batchCreate(
        Array.from({ length: 5 }, (_, i) => ({ userId: 'u1', todoId: `t${i}`, title: 'x' })),
      );
      await m.Product.batchCreate(
        Array.from({ length: 5 }, (_, i) => ({ sku: `p${i}`, price: 1, stock: 1 })),
      );
      const ids = [
        ...(await ok('{ users(first: 5) { edges { node { id } } } }')).users.edges,
        ...(await ok('{ orders(first: 5) { edges { node { id } } } }')).orders.edges,
        ...(await ok('{ todoItems(first: 5) { edges { node { id } } } }')).todoItems.edges,
        ...(await ok('{ products(first: 5) { edges { node { id } } } }')).products.edges,
      ].map((e: Data) => e.node.id as string);
      expect(ids).toHaveLength(20);
      requests.reset();
      const data = await ok('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids });
      expect(data.nodes.map((n: Data) => n.id)).toEqual(ids);
      expect(requests.counts).toEqual({ BatchGetItemCommand: 1 });
    });
  });
}

collectionCounts('dynalite', startDynalite);
const unavailable = dynamoDBLocalUnavailable();
if (unavailable)
  describe('reads planned from the selection: DynamoDB Local', () => {
    it.skip(`skipped: ${unavailable}`, () => {});
  });
else collectionCounts('DynamoDB Local', startDynamoDBLocal);
