import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Backend, DynamoDBBackend, InMemoryBackend } from '../../src/orm/index.js';
import { defineModels } from '../fixtures/models.js';
import {
  countRequests,
  dynamoDBLocalUnavailable,
  type Engine,
  startDynamoDBLocal,
  truncate,
} from '../helpers/engines.js';
import { serve } from './harness.js';

// Writes that go together: createProducts(allOrNothing: true) and a user created with its first todo
// items and orders, each one TransactWriteItems. On memory, and counted on DynamoDB Local (dynalite
// has no transactions).

function transactionalWrites(
  name: string,
  setup: () => Promise<{
    backend: Backend;
    reset: () => Promise<void>;
    sent: () => Record<string, number> | null;
  }>,
) {
  describe(`writes that go together: ${name}`, () => {
    let s: Awaited<ReturnType<typeof setup>>;
    let m: ReturnType<typeof defineModels>;
    let gql: ReturnType<typeof serve>['gql'];
    beforeAll(async () => {
      s = await setup();
      m = defineModels(s.backend);
      gql = serve(m).gql;
    }, 120_000);
    beforeEach(() => s.reset());
    const expectSent = (expected: Record<string, number>) => {
      const sent = s.sent();
      if (sent) expect(sent).toEqual(expected);
    };

    it('createProducts(allOrNothing) writes every item in one transaction, or none when one key is taken', async () => {
      const ok = await gql(
        'mutation { createProducts(allOrNothing: true, inputs: [{ sku: "a", price: 1, stock: 1 }, { sku: "b", price: 2, stock: 2 }]) { sku } }',
      );
      expect(ok.data).toEqual({ createProducts: [{ sku: 'a' }, { sku: 'b' }] });
      expectSent({ TransactWriteItemsCommand: 1 });
      const taken = await gql(
        'mutation { createProducts(allOrNothing: true, inputs: [{ sku: "c", price: 1, stock: 1 }, { sku: "a", price: 9, stock: 9 }]) { sku } }',
      );
      expect(taken.errors?.[0]?.extensions?.code).toBe('ALREADY_EXISTS');
      expect(await m.Product.get({ sku: 'c' })).toBeNull();
      expect((await m.Product.get({ sku: 'a' }))?.price).toBe(1);
    });

    it('refuses more than 100 inputs before any write', async () => {
      const inputs = Array.from(
        { length: 101 },
        (_, i) => `{ sku: "x${i}", price: 1, stock: 1 }`,
      ).join(', ');
      const res = await gql(
        `mutation { createProducts(allOrNothing: true, inputs: [${inputs}]) { sku } }`,
      );
      expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expectSent({});
    });

    it('creates a user with its first todo items and orders in one TransactWriteItems', async () => {
      const res = await gql(`mutation {
        createUser(
          input: { rowId: "ann", email: "ann@x.io", name: "Ann" }
          todos: [{ todoId: "t1", title: "first" }, { todoId: "t2", title: "second" }]
          orders: [{ orderId: "o1", total: 5, placedAt: "2026-01-01T00:00:00Z" }]
        ) { rowId todos(first: 5) { edges { node { todoId userId } } } }
      }`);
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({
        createUser: {
          rowId: 'ann',
          todos: {
            edges: [
              { node: { todoId: 't1', userId: 'ann' } },
              { node: { todoId: 't2', userId: 'ann' } },
            ],
          },
        },
      });
      expect(s.sent()?.TransactWriteItemsCommand ?? 1).toBe(1);
      expect((await m.Order.where({ userId: 'ann' }).all()).map((o) => o.total)).toEqual([5]);
    });

    it('creates none of them when one fails', async () => {
      await m.TodoItem.create({ userId: 'ann', todoId: 't2', title: 'taken' });
      const res = await gql(`mutation {
        createUser(input: { rowId: "ann", email: "ann@x.io", name: "Ann" }, todos: [{ todoId: "t1", title: "a" }, { todoId: "t2", title: "b" }]) { rowId }
      }`);
      expect(res.errors?.[0]?.extensions?.code).toBe('ALREADY_EXISTS');
      expect(await m.User.get({ id: 'ann' })).toBeNull();
      expect(await m.TodoItem.get({ userId: 'ann', todoId: 't1' })).toBeNull();
    });
  });
}

transactionalWrites('memory', async () => {
  const backend = new InMemoryBackend();
  return { backend, reset: async () => backend.clear(), sent: () => null };
});

const unavailable = dynamoDBLocalUnavailable();
let engine: Engine | undefined;
let local: DynamoDBBackend | undefined;
afterAll(async () => {
  local?.close();
  await engine?.close();
});
if (unavailable)
  describe.skip(`writes that go together: DynamoDB Local (${unavailable})`, () => {});
else
  transactionalWrites('DynamoDB Local', async () => {
    engine = await startDynamoDBLocal();
    const backend = new DynamoDBBackend({ tableName: 'together', endpoint: engine.endpoint });
    local = backend;
    const m = defineModels(backend);
    await backend.createTable(Object.values(m).filter((x) => typeof x === 'function'));
    const counter = countRequests(backend);
    return {
      backend,
      reset: async () => {
        await truncate(backend);
        counter.reset();
      },
      sent: () => ({ ...counter.counts }),
    };
  });
