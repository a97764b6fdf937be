// The authorization matrix: every path to an item (lookup, node, nodes, list, partition and index
// connections, totalCount, relations both ways, filters, cursors, every mutation) x callers
// {anonymous, owner, other user of the tenant, other tenant, admin}, on the demo models and rules,
// served by the real Yoga server with verified bearer tokens, on memory and dynalite. Each denied
// case asserts that no value of another caller's items appears anywhere in the answer (data, counts,
// error messages) and that nothing was written.
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  authRules,
  createModels,
  type DemoModels,
  devCallers,
  seed,
} from '../../examples/demo/models.js';
import { type Backend, DynamoDBBackend, InMemoryBackend } from '../../src/orm/index.js';
import { buildSchema, encodeGlobalID } from '../../src/schema/index.js';
import { createServer, jwtIdentity, signToken } from '../../src/server.js';
import { countRequests, type Engine, startDynalite, truncate } from '../helpers/engines.js';

const SECRET = 'matrix-test-secret';
type Who = 'anonymous' | 'alice' | 'bob' | 'carol' | 'admin';
const CALLERS: readonly Who[] = ['anonymous', 'alice', 'bob', 'carol', 'admin'];

interface Result {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

// Values only the named owners' items hold: what must never reach anybody else.
const PRIVATE = {
  aliceEmail: 'alice@example.com',
  bobEmail: 'bob@example.com',
  carolEmail: 'carol@example.com',
  aliceTodo: 'Write the quarterly report',
  aliceTodo2: 'Book flights',
  bobTodo: 'Set up the new laptop',
  aliceOrder: 'o-1001',
  bobOrder: 'o-1003',
  alice: 'Alice',
  bob: 'Bob',
  carol: 'Carol',
};
type Secret = keyof typeof PRIVATE;

/** What each caller may see (admins everything; names are visible within a tenant). */
const SEES: Record<Who, readonly Secret[]> = {
  anonymous: [],
  alice: ['aliceEmail', 'aliceTodo', 'aliceTodo2', 'aliceOrder', 'alice', 'bob'],
  bob: ['bobEmail', 'bobTodo', 'bobOrder', 'alice', 'bob'],
  carol: ['carolEmail', 'carol'],
  admin: Object.keys(PRIVATE) as Secret[],
};

function expectNoLeak(who: Who, result: Result) {
  const text = JSON.stringify(result);
  for (const [name, value] of Object.entries(PRIVATE) as [Secret, string][])
    if (!SEES[who].includes(name)) expect(text, `${who} must not see ${name}`).not.toContain(value);
}

const todoId = (userId: string, id: string) =>
  encodeGlobalID('TodoItem', JSON.stringify([userId, id]));
const userId = (id: string) => encodeGlobalID('User', JSON.stringify([id]));
const orderId = (u: string, id: string) => encodeGlobalID('Order', JSON.stringify([u, id]));

function matrix(
  engineName: string,
  setup: () => Promise<{
    backend: Backend;
    reset: () => Promise<void>;
    close?: () => Promise<void>;
  }>,
) {
  describe(`authorization matrix (${engineName})`, () => {
    let models: DemoModels;
    let backend: Backend;
    let reset: () => Promise<void>;
    let close: (() => Promise<void>) | undefined;
    let http: Server;
    let url: string;
    const tokens: Partial<Record<Who, string>> = {};

    beforeAll(async () => {
      ({ backend, reset, close } = await setup());
      models = createModels(backend);
      if (backend instanceof DynamoDBBackend) await backend.createTable(models);
      const schema = buildSchema({ models, auth: { rules: authRules(models) } });
      const yoga = createServer({
        schema,
        logging: false,
        graphiql: false,
        identify: jwtIdentity({ secret: SECRET }),
      });
      http = createHttpServer(yoga);
      await new Promise<void>((ok) => http.listen(0, '127.0.0.1', ok));
      url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`;
      for (const who of CALLERS)
        if (who !== 'anonymous')
          tokens[who] = await signToken(SECRET, { ...devCallers[who] } as Record<string, unknown>);
    });
    afterAll(async () => {
      await new Promise((ok) => http?.close(ok));
      await close?.();
    });
    beforeEach(async () => {
      await reset();
      await seed(models);
    });

    const gql = async (who: Who, query: string, variables?: Record<string, unknown>) => {
      const token = tokens[who];
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      const result = (await res.json()) as Result;
      expectNoLeak(who, result);
      return result;
    };
    const codes = (r: Result) => (r.errors ?? []).map((e) => e.extensions?.code);
    const deniedCode = (who: Who) => (who === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN');

    it('lookups by key: a denied item is null, exactly like a missing one', async () => {
      const q =
        '{ a: user(rowId: "alice") { name email } c: user(rowId: "carol") { name } nobody: user(rowId: "zed") { name } }';
      const r = Object.fromEntries(
        await Promise.all(CALLERS.map(async (w) => [w, await gql(w, q)])),
      );
      expect(r.anonymous.data).toEqual({ a: null, c: null, nobody: null });
      expect(r.alice.data).toEqual({
        a: { name: 'Alice', email: PRIVATE.aliceEmail },
        c: null,
        nobody: null,
      });
      // bob shares alice's tenant: her name, not her email (a field rule).
      expect(r.bob.data).toEqual({ a: { name: 'Alice', email: null }, c: null, nobody: null });
      expect(r.carol.data).toEqual({ a: null, c: { name: 'Carol' }, nobody: null });
      expect(r.admin.data).toMatchObject({
        a: { email: PRIVATE.aliceEmail },
        c: { name: 'Carol' },
      });
      for (const who of CALLERS) expect(r[who].errors, who).toBeUndefined();
      const todo =
        '{ todoItem(userId: "alice", todoId: "t1") { title } order(userId: "bob", orderId: "o-1003") { total } }';
      expect((await gql('alice', todo)).data).toEqual({
        todoItem: { title: PRIVATE.aliceTodo },
        order: null,
      });
      expect((await gql('bob', todo)).data).toEqual({ todoItem: null, order: { total: 229 } });
      expect((await gql('anonymous', todo)).data).toEqual({ todoItem: null, order: null });
    });

    it('node and nodes: the same rules per item, public products for everybody', async () => {
      const ids = [
        userId('alice'),
        todoId('alice', 't1'),
        orderId('bob', 'o-1003'),
        encodeGlobalID('Product', JSON.stringify(['KB-1'])),
      ];
      const q = `query($ids: [ID!]!) { nodes(ids: $ids) { __typename ... on User { name } ... on TodoItem { title } ... on Order { orderId } ... on Product { name } } one: node(id: "${todoId('alice', 't2')}") { ... on TodoItem { title } } }`;
      const shape = async (who: Who) => {
        const r = await gql(who, q, { ids });
        expect(r.errors, who).toBeUndefined();
        return r.data;
      };
      expect(await shape('anonymous')).toEqual({
        nodes: [null, null, null, { __typename: 'Product', name: 'Keyboard' }],
        one: null,
      });
      expect(await shape('alice')).toEqual({
        nodes: [
          { __typename: 'User', name: 'Alice' },
          { __typename: 'TodoItem', title: PRIVATE.aliceTodo },
          null,
          { __typename: 'Product', name: 'Keyboard' },
        ],
        one: { title: PRIVATE.aliceTodo2 },
      });
      expect(await shape('bob')).toEqual({
        nodes: [
          { __typename: 'User', name: 'Alice' },
          null,
          { __typename: 'Order', orderId: PRIVATE.bobOrder },
          { __typename: 'Product', name: 'Keyboard' },
        ],
        one: null,
      });
      expect((await shape('carol'))?.nodes).toEqual([
        null,
        null,
        null,
        { __typename: 'Product', name: 'Keyboard' },
      ]);
      expect((await shape('admin'))?.nodes).toHaveLength(4);
    });

    it('lists, partition and index connections and their counts hold only what the caller may read', async () => {
      const q = `{
        users { totalCount edges { node { rowId name } } }
        todoItems { totalCount edges { node { title } } }
        orders { totalCount edges { node { orderId } } }
        a: todoItemsByUserId(userId: "alice") { totalCount edges { node { title } } }
        b: ordersByUserId(userId: "bob") { totalCount edges { node { orderId } } }
        acme: usersByTenantIndex(tenantId: "acme") { totalCount edges { node { rowId } } }
        globex: usersByTenantIndex(tenantId: "globex") { totalCount edges { node { rowId } } }
        products { totalCount }
      }`;
      const ids = (c: unknown) =>
        (c as { edges: { node: Record<string, unknown> }[] }).edges.map(
          (e) => Object.values(e.node)[0],
        );
      for (const who of CALLERS) {
        const r = await gql(who, q);
        expect(r.errors, who).toBeUndefined();
        const d = r.data as Record<string, { totalCount: number }>;
        expect(d.products!.totalCount).toBe(3);
        const expected: Record<Who, Record<string, unknown[]>> = {
          anonymous: { users: [], todoItems: [], orders: [], a: [], b: [], acme: [], globex: [] },
          alice: {
            users: ['alice', 'bob'],
            todoItems: [PRIVATE.aliceTodo, PRIVATE.aliceTodo2, 'Review pull requests'],
            orders: ['o-1001', 'o-1002'],
            a: [PRIVATE.aliceTodo, PRIVATE.aliceTodo2, 'Review pull requests'],
            b: [],
            acme: ['alice', 'bob'],
            globex: [],
          },
          bob: {
            users: ['alice', 'bob'],
            todoItems: [PRIVATE.bobTodo],
            orders: ['o-1003'],
            a: [],
            b: ['o-1003'],
            acme: ['alice', 'bob'],
            globex: [],
          },
          carol: {
            users: ['carol'],
            todoItems: [],
            orders: [],
            a: [],
            b: [],
            acme: [],
            globex: ['carol'],
          },
          admin: {
            users: ['alice', 'bob', 'carol'],
            todoItems: [
              PRIVATE.aliceTodo,
              PRIVATE.aliceTodo2,
              'Review pull requests',
              PRIVATE.bobTodo,
            ],
            orders: ['o-1001', 'o-1002', 'o-1003'],
            a: [PRIVATE.aliceTodo, PRIVATE.aliceTodo2, 'Review pull requests'],
            b: ['o-1003'],
            acme: ['alice', 'bob'],
            globex: ['carol'],
          },
        };
        for (const [field, want] of Object.entries(expected[who])) {
          expect(new Set(ids(d[field])), `${who} ${field}`).toEqual(new Set(want));
          expect(d[field]!.totalCount, `${who} ${field} totalCount`).toBe(want.length);
        }
      }
    });

    it("relations in both directions obey the target model's rules", async () => {
      const q = `{
        user(rowId: "alice") { name todos { totalCount edges { node { title } } } orders { edges { node { orderId product { name } } } } }
        order(userId: "alice", orderId: "o-1001") { user { name email } product { name } }
        todoItem(userId: "bob", todoId: "t1") { user { name } }
      }`;
      const alice = await gql('alice', q);
      expect(alice.data).toEqual({
        user: {
          name: 'Alice',
          todos: { totalCount: 3, edges: expect.any(Array) },
          orders: {
            edges: [
              { node: { orderId: 'o-1001', product: { name: 'Keyboard' } } },
              { node: { orderId: 'o-1002', product: { name: 'Mouse' } } },
            ],
          },
        },
        order: {
          user: { name: 'Alice', email: PRIVATE.aliceEmail },
          product: { name: 'Keyboard' },
        },
        todoItem: null,
      });
      // bob sees alice (same tenant) but none of her todo items or orders through her.
      const bob = await gql('bob', q);
      expect(bob.data).toEqual({
        user: { name: 'Alice', todos: { totalCount: 0, edges: [] }, orders: { edges: [] } },
        order: null,
        todoItem: { user: { name: 'Bob' } },
      });
      expect((await gql('carol', q)).data).toEqual({ user: null, order: null, todoItem: null });
      expect((await gql('anonymous', q)).data).toEqual({ user: null, order: null, todoItem: null });
    });

    it('a filter on a field the caller may not read is refused (it would tell values apart)', async () => {
      const q = '{ users(where: { email: { beginsWith: "alice" } }) { edges { node { rowId } } } }';
      for (const who of ['alice', 'bob', 'carol'] as const) {
        const r = await gql(who, q);
        expect(codes(r), who).toEqual([deniedCode(who)]);
      }
      // Anonymous callers may list no user at all: an empty page, before any filter is looked at.
      expect((await gql('anonymous', q)).data).toEqual({ users: { edges: [] } });
      expect((await gql('admin', q)).data).toEqual({
        users: { edges: [{ node: { rowId: 'alice' } }] },
      });
    });

    it("a cursor issued to one caller does not open another caller's partition", async () => {
      const page = await gql('alice', '{ todoItems(first: 1) { pageInfo { endCursor } } }');
      const cursor = (page.data as { todoItems: { pageInfo: { endCursor: string } } }).todoItems
        .pageInfo.endCursor;
      expect(cursor).toBeTruthy();
      const next = '{ todoItems(first: 5, after: $c) { edges { node { title } } } }'.replace(
        '$c',
        JSON.stringify(cursor),
      );
      expect((await gql('alice', next)).data).toMatchObject({
        todoItems: { edges: [{ node: { title: PRIVATE.aliceTodo2 } }, {}] },
      });
      for (const who of ['bob', 'carol'] as const) {
        const r = await gql(who, next);
        expect(codes(r), who).toEqual(['BAD_USER_INPUT']);
      }
    });

    it('mutations: each refused for those the rules exclude, in the request itself, writing nothing', async () => {
      const { User, TodoItem, Order } = { User: models[0], TodoItem: models[1], Order: models[2] };
      const cases: {
        name: string;
        query: string;
        allowed: readonly Who[];
        unchanged: () => Promise<unknown>;
      }[] = [
        {
          name: 'updateUser',
          query: 'mutation { updateUser(rowId: "alice", input: { name: "Mallory" }) { name } }',
          allowed: ['alice', 'admin'],
          unchanged: async () => (await User.get({ id: 'alice' }))?.name === 'Alice',
        },
        {
          name: 'updateUser moving the tenant (an admin-only field)',
          query: 'mutation { updateUser(rowId: "alice", input: { tenantId: "globex" }) { name } }',
          allowed: ['admin'],
          unchanged: async () => (await User.get({ id: 'alice' }))?.tenantId === 'acme',
        },
        {
          name: 'deleteUser',
          query: 'mutation { deleteUser(rowId: "bob") }',
          allowed: ['admin'],
          unchanged: async () => (await User.get({ id: 'bob' })) !== null,
        },
        {
          name: 'deleteUser with its collection',
          query: 'mutation { deleteUser(rowId: "alice", collection: true) }',
          allowed: ['admin'],
          unchanged: async () => (await TodoItem.get({ userId: 'alice', todoId: 't1' })) !== null,
        },
        {
          name: 'createTodoItem for alice',
          query:
            'mutation { createTodoItem(input: { userId: "alice", todoId: "t9", title: "Injected" }) { title } }',
          allowed: ['alice', 'admin'],
          unchanged: async () => (await TodoItem.get({ userId: 'alice', todoId: 't9' })) === null,
        },
        {
          name: 'createTodoItems, one of them for alice',
          query:
            'mutation { createTodoItems(inputs: [{ userId: "bob", todoId: "t8", title: "Mine" }, { userId: "alice", todoId: "t8", title: "Injected" }]) { title } }',
          allowed: ['admin'],
          unchanged: async () => (await TodoItem.get({ userId: 'bob', todoId: 't8' })) === null,
        },
        {
          name: 'updateTodoItem of alice',
          query:
            'mutation { updateTodoItem(userId: "alice", todoId: "t1", input: { completed: true }) { completed } }',
          allowed: ['alice', 'admin'],
          unchanged: async () =>
            (await TodoItem.get({ userId: 'alice', todoId: 't1' }))?.completed === false,
        },
        {
          name: 'deleteTodoItem of alice',
          query: 'mutation { deleteTodoItem(userId: "alice", todoId: "t2") }',
          allowed: ['alice', 'admin'],
          unchanged: async () => (await TodoItem.get({ userId: 'alice', todoId: 't2' })) !== null,
        },
        {
          name: 'createOrder for alice',
          query:
            'mutation { createOrder(input: { userId: "alice", orderId: "o-9", total: 1 }) { orderId } }',
          allowed: ['alice', 'admin'],
          unchanged: async () => (await Order.get({ userId: 'alice', orderId: 'o-9' })) === null,
        },
        {
          name: 'updateOrder (admins only)',
          query:
            'mutation { updateOrder(userId: "alice", orderId: "o-1001", input: { total: 0 }) { total } }',
          allowed: ['admin'],
          unchanged: async () =>
            (await Order.get({ userId: 'alice', orderId: 'o-1001' }))?.total === 49.9,
        },
        {
          name: 'createUser as somebody else',
          query:
            'mutation { createUser(input: { rowId: "mallory", email: "m@example.com", name: "M" }) { name } }',
          allowed: ['admin'],
          unchanged: async () => (await User.get({ id: 'mallory' })) === null,
        },
        {
          name: 'updateProduct (admins only; products are public to read)',
          query: 'mutation { updateProduct(sku: "KB-1", input: { price: 0 }) { price } }',
          allowed: ['admin'],
          unchanged: async () => (await models[3].get({ sku: 'KB-1' }))?.price === 49.9,
        },
      ];
      for (const c of cases)
        for (const who of CALLERS) {
          if (c.allowed.includes(who)) continue;
          // Denied writes write nothing (asserted), so the seed stays as it is between them.
          const r = await gql(who, c.query);
          expect(codes(r), `${c.name} as ${who}`).toEqual([deniedCode(who)]);
          expect(await c.unchanged(), `${c.name} as ${who} wrote`).toBe(true);
        }
      for (const c of cases)
        for (const who of c.allowed) {
          await reset();
          await seed(models);
          const r = await gql(who, c.query);
          expect(r.errors, `${c.name} as ${who}`).toBeUndefined();
          expect(await c.unchanged(), `${c.name} as ${who} did not write`).toBe(false);
        }
    });

    it("a failed `if` shows the caller's own item, without fields it may not read", async () => {
      const r = await gql(
        'alice',
        'mutation { updateUser(rowId: "alice", input: { name: "A" }, if: { age: { eq: 1 } }) { name } }',
      );
      expect(codes(r)).toEqual(['CONFLICT']);
      expect(r.errors?.[0]?.extensions?.current).toMatchObject({
        id: 'alice',
        email: PRIVATE.aliceEmail,
      });
    });

    if (engineName === 'dynalite')
      it("owner and tenant rules are key conditions: the caller's partition is read, nobody else's", async () => {
        const counter = countRequests(backend as DynamoDBBackend);
        await gql('alice', '{ todoItems { edges { node { title } } } }');
        expect(counter.counts).toEqual({ QueryCommand: 1 });
        expect(JSON.stringify(counter.log[0]!.input)).toContain('USER#alice');
        expect(counter.log[0]!.input.FilterExpression ?? '').not.toContain('userId');
        counter.reset();
        await gql('alice', '{ users { edges { node { rowId } } } }');
        expect(counter.counts).toEqual({ QueryCommand: 1 });
        expect(counter.log[0]!.input.IndexName).toBe('TenantIndex');
        counter.reset();
        // Decided on the key alone: no request at all.
        await gql('anonymous', '{ user(rowId: "alice") { name } todoItems { edges { cursor } } }');
        await gql('bob', '{ todoItem(userId: "alice", todoId: "t1") { title } }');
        await gql('bob', 'mutation { deleteTodoItem(userId: "alice", todoId: "t1") }');
        expect(counter.counts).toEqual({});
      });
  });
}

matrix('memory', async () => {
  const backend = new InMemoryBackend();
  return { backend, reset: async () => backend.clear() };
});

let engine: Engine | undefined;
matrix('dynalite', async () => {
  engine = await startDynalite();
  const backend = new DynamoDBBackend({ tableName: 'authz', endpoint: engine.endpoint });
  return {
    backend,
    reset: () => truncate(backend),
    close: async () => {
      backend.close();
      await engine?.close();
    },
  };
});
