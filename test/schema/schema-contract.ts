import { printSchema } from 'graphql';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/orm/index.js';
import { defineModels, type Models } from '../fixtures/models.js';
import { type GraphQLResult, serve } from './harness.js';

export interface SchemaHarness {
  readonly backend: Backend;
  reset(): Promise<void>;
}

const placedAt = (day: number) => new Date(Date.UTC(2025, 0, day));

/** The generated GraphQL API, checked through a Yoga instance against one backend. */
export function schemaContract(name: string, setup: () => Promise<SchemaHarness>): void {
  describe(`generated GraphQL API: ${name}`, () => {
    let h: SchemaHarness;
    let m: Models;
    let gql: (q: string, v?: Record<string, unknown>) => Promise<GraphQLResult>;
    beforeAll(async () => {
      h = await setup();
      m = defineModels(h.backend);
      gql = serve(m, { maxPageSize: 50, maxTotalCount: 5 }).gql;
    });
    beforeEach(async () => {
      await h.reset();
      await m.User.create({
        id: 'alice',
        email: 'alice@x.io',
        name: 'Alice',
        tenantId: 'acme',
        age: 30,
      });
      await m.User.create({ id: 'bob', email: 'bob@x.io', name: 'Bob', tenantId: 'acme', age: 40 });
      await m.User.create({ id: 'carol', email: 'carol@x.io', name: 'Carol', age: 50 });
      for (let i = 1; i <= 3; i++)
        await m.Order.create({
          userId: 'alice',
          orderId: `a${i}`,
          total: i * 10,
          placedAt: placedAt(i),
        });
      await m.Order.create({ userId: 'bob', orderId: 'b1', total: 5, placedAt: placedAt(9) });
      for (let i = 0; i < 4; i++)
        await m.TodoItem.create({
          userId: 'alice',
          todoId: `t${i}`,
          title: `Task ${i}`,
          completed: i % 2 === 0,
        });
    });

    // biome-ignore lint/suspicious/noExplicitAny: response shapes vary per query; assertions check them
    type Data = Record<string, any>;
    const ok = (r: GraphQLResult): Data => {
      expect(r.errors).toBeUndefined();
      return r.data as Data;
    };
    const ids = (conn: { edges: { node: Record<string, string> }[] }, field: string) =>
      conn.edges.map((e) => e.node[field]);

    it('looks an item up by its key fields', async () => {
      const d = ok(
        await gql(
          '{ user(rowId: "alice") { rowId email name tenantId age } nobody: user(rowId: "zed") { id } }',
        ),
      );
      expect(d.user).toEqual({
        rowId: 'alice',
        email: 'alice@x.io',
        name: 'Alice',
        tenantId: 'acme',
        age: 30,
      });
      expect(d.nobody).toBeNull();
      const t = ok(
        await gql('{ todoItem(userId: "alice", todoId: "t1") { title completed createdAt } }'),
      );
      expect(t.todoItem).toMatchObject({
        title: 'Task 1',
        completed: false,
        createdAt: expect.stringMatching(/Z$/),
      });
    });

    it('lists with a where input built from the field kinds', async () => {
      const d = ok(
        await gql('{ users(where: { age: { gte: 35 } }) { edges { node { rowId } } } }'),
      );
      expect(ids(d.users, 'rowId').sort()).toEqual(['bob', 'carol']);
      const nested = ok(
        await gql(
          '{ users(where: { OR: [{ age: { eq: 30 } }, { name: { beginsWith: "Ca" } }] }) { edges { node { rowId } } } }',
        ),
      );
      expect(ids(nested.users, 'rowId').sort()).toEqual(['alice', 'carol']);
      const none = ok(
        await gql('{ users(where: { tenantId: { exists: false } }) { edges { node { rowId } } } }'),
      );
      expect(ids(none.users, 'rowId')).toEqual(['carol']);
    });

    it('serves a connection per table partition and per GSI, in sort-key order', async () => {
      const d = ok(
        await gql(`{
          todoItemsByUserId(userId: "alice", where: { completed: { eq: true } }) { edges { node { todoId } } }
          usersByTenantIndex(tenantId: "acme") { edges { node { rowId } } }
        }`),
      );
      expect(ids(d.todoItemsByUserId, 'todoId')).toEqual(['t0', 't2']);
      expect(ids(d.usersByTenantIndex, 'rowId')).toEqual(['alice', 'bob']);
    });

    it('resolves belongsTo and hasMany relations', async () => {
      const d = ok(
        await gql(`{
          user(rowId: "alice") { orders(first: 2) { edges { node { orderId user { name } } } pageInfo { hasNextPage } } }
          orders(first: 10) { edges { node { orderId user { rowId } } } }
        }`),
      );
      expect(d.user).toEqual({
        orders: {
          edges: [
            { node: { orderId: 'a1', user: { name: 'Alice' } } },
            { node: { orderId: 'a2', user: { name: 'Alice' } } },
          ],
          pageInfo: { hasNextPage: true },
        },
      });
      const owners = (
        d.orders as { edges: { node: { orderId: string; user: { rowId: string } } }[] }
      ).edges.map((e) => [e.node.orderId, e.node.user.rowId]);
      expect(owners.sort()).toEqual([
        ['a1', 'alice'],
        ['a2', 'alice'],
        ['a3', 'alice'],
        ['b1', 'bob'],
      ]);
    });

    it('pages forward with first/after and ends with hasNextPage false (no empty extra page)', async () => {
      const q =
        'query($after: String) { ordersByUserId(userId: "alice", first: 2, after: $after) { edges { node { orderId } } pageInfo { hasNextPage hasPreviousPage endCursor } } }';
      const p1 = ok(await gql(q)).ordersByUserId as {
        edges: { node: { orderId: string } }[];
        pageInfo: Record<string, unknown>;
      };
      expect(ids(p1, 'orderId')).toEqual(['a1', 'a2']);
      expect(p1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
      const p2 = ok(await gql(q, { after: p1.pageInfo.endCursor })).ordersByUserId as typeof p1;
      expect(ids(p2, 'orderId')).toEqual(['a3']);
      expect(p2.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    });

    it('pages backward with last/before over the sort key', async () => {
      const last = ok(
        await gql(
          '{ ordersByUserId(userId: "alice", last: 2) { edges { cursor node { orderId } } pageInfo { hasPreviousPage hasNextPage startCursor } } }',
        ),
      ).ordersByUserId as {
        edges: { cursor: string; node: { orderId: string } }[];
        pageInfo: Record<string, unknown>;
      };
      expect(ids(last, 'orderId')).toEqual(['a2', 'a3']);
      expect(last.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
      const before = ok(
        await gql(
          'query($b: String) { ordersByUserId(userId: "alice", last: 5, before: $b) { edges { node { orderId } } pageInfo { hasPreviousPage } } }',
          { b: last.pageInfo.startCursor },
        ),
      ).ordersByUserId as typeof last;
      expect(ids(before, 'orderId')).toEqual(['a1']);
      expect(before.pageInfo.hasPreviousPage).toBe(false);
      // Cursors of backward pages work going forward too.
      const after = ok(
        await gql(
          'query($a: String) { ordersByUserId(userId: "alice", first: 5, after: $a) { edges { node { orderId } } } }',
          { a: last.edges[0]!.cursor },
        ),
      ).ordersByUserId as typeof last;
      expect(ids(after, 'orderId')).toEqual(['a3']);
    });

    it('caps first, and counts totalCount only up to its cap', async () => {
      const r = await gql('{ users(first: 51) { edges { node { rowId } } } }');
      expect(r.errors?.[0]).toMatchObject({
        message: expect.stringContaining('between 0 and 50'),
        extensions: { code: 'BAD_USER_INPUT' },
      });
      const counted = ok(
        await gql(
          '{ users(first: 1) { totalCount } todoItemsByUserId(userId: "alice", first: 1) { totalCount } }',
        ),
      );
      expect(counted).toEqual({ users: { totalCount: 3 }, todoItemsByUserId: { totalCount: 4 } });
      await m.Product.batchCreate(
        Array.from({ length: 8 }, (_, i) => ({ sku: `p${i}`, price: i, stock: i })),
      );
      expect(ok(await gql('{ products { totalCount } }'))).toEqual({ products: { totalCount: 5 } });
    });

    it('refuses a tampered cursor as BAD_USER_INPUT', async () => {
      const r = await gql(
        '{ users(after: "c1.e30.AAAAAAAAAAAAAAAAAAAAAA") { edges { node { rowId } } } }',
      );
      expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('refetches any item through node(id:) and keeps the model id field', async () => {
      const d = ok(
        await gql(
          '{ user(rowId: "bob") { id rowId } order: ordersByUserId(userId: "alice", first: 1) { edges { node { id } } } }',
        ),
      );
      const userNode = ok(
        await gql('query($id: ID!) { node(id: $id) { ... on User { rowId name } } }', {
          id: (d.user as { id: string }).id,
        }),
      );
      expect(userNode.node).toEqual({ rowId: 'bob', name: 'Bob' });
      const orderId = (d.order as { edges: { node: { id: string } }[] }).edges[0]!.node.id;
      const orderNode = ok(
        await gql('query($id: ID!) { node(id: $id) { ... on Order { orderId placedAt } } }', {
          id: orderId,
        }),
      );
      expect(orderNode.node).toEqual({ orderId: 'a1', placedAt: '2025-01-01T00:00:00.000Z' });
    });

    it('creates, updates part of, and deletes an item', async () => {
      const created = ok(
        await gql(
          'mutation { createProduct(input: { sku: "P-1", price: 9.5, stock: 3, tags: ["a", "b"], attributes: { size: "L" } }) { sku price stock tags attributes colors } }',
        ),
      );
      expect(created.createProduct).toEqual({
        sku: 'P-1',
        price: 9.5,
        stock: 3,
        tags: ['a', 'b'],
        attributes: { size: 'L' },
        colors: [],
      });
      const updated = ok(
        await gql(
          'mutation { updateProduct(sku: "P-1", input: { stock: 7 }) { sku price stock } }',
        ),
      );
      expect(updated.updateProduct).toEqual({ sku: 'P-1', price: 9.5, stock: 7 });
      expect((await m.Product.get({ sku: 'P-1' }))?.stock).toBe(7);
      expect(ok(await gql('mutation { deleteProduct(sku: "P-1") }')).deleteProduct).toBe(true);
      expect(ok(await gql('mutation { deleteProduct(sku: "P-1") }')).deleteProduct).toBe(false);
    });

    it('maps ORM errors to codes: ALREADY_EXISTS, NOT_FOUND, BAD_USER_INPUT with issues', async () => {
      const dup = await gql(
        'mutation { createUser(input: { rowId: "alice", email: "x", name: "x" }) { id } }',
      );
      expect(dup.errors?.[0]?.extensions?.code).toBe('ALREADY_EXISTS');
      const missing = await gql(
        'mutation { updateUser(rowId: "zed", input: { name: "Z" }) { id } }',
      );
      expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const invalid = await gql(
        'mutation { createUser(input: { rowId: "dan", email: "d", name: "d", age: 200 }) { id } }',
      );
      expect(invalid.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        issues: [{ path: 'age', expected: '<= 150', received: 'number 200' }],
      });
      expect(await m.User.get({ id: 'dan' })).toBeNull();
    });

    it('answers a stale version with CONFLICT carrying the current item', async () => {
      ok(await gql('mutation { createDocument(input: { rowId: "d", body: "v1" }) { version } }'));
      ok(
        await gql(
          'mutation { updateDocument(rowId: "d", input: { body: "v2", expectedVersion: 1 }) { version } }',
        ),
      );
      const stale = await gql(
        'mutation { updateDocument(rowId: "d", input: { body: "v3", expectedVersion: 1 }) { version } }',
      );
      expect(stale.errors?.[0]?.extensions).toMatchObject({
        code: 'CONFLICT',
        current: { body: 'v2', version: 2 },
      });
    });

    it('prints the generated SDL', () => {
      expect(printSchema(serve(m).schema)).toMatchSnapshot();
    });
  });
}
