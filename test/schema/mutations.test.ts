import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDBBackend } from '../../src/orm/index.js';
import { defineModels, type Models } from '../fixtures/models.js';
import { countRequests, type Engine, startDynalite, truncate } from '../helpers/engines.js';
import { serve } from './harness.js';

// Mutations at the physical minimum, counted on dynalite: one UpdateItem per update (its condition
// inside), one DeleteItem per delete; NOT_FOUND and CONFLICT come from the condition's failure.

describe('mutations, counted on dynalite', () => {
  let engine: Engine;
  let backend: DynamoDBBackend;
  let m: Models;
  let requests: ReturnType<typeof countRequests>;
  let gql: ReturnType<typeof serve>['gql'];

  beforeAll(async () => {
    engine = await startDynalite();
    backend = new DynamoDBBackend({ tableName: 'mutations', endpoint: engine.endpoint });
    m = defineModels(backend);
    await backend.createTable([m.User, m.TodoItem, m.Order, m.Product, m.Document]);
    requests = countRequests(backend);
    gql = serve(m).gql;
  });
  afterAll(async () => {
    backend.close();
    await engine.close();
  });
  beforeEach(async () => {
    await truncate(backend);
    await m.User.create({ id: 'alice', email: 'a@x.io', name: 'Alice', tenantId: 'acme' });
    await m.Product.create({ sku: 'p1', price: 5, stock: 20, colors: ['red'] });
    await m.Document.create({ id: 'd1', body: 'one' });
    requests.reset();
  });

  it('updateUser is one UpdateItem and answers the stored item', async () => {
    const res = await gql(
      'mutation { updateUser(rowId: "alice", input: { name: "Al", age: 41 }) { name age tenantId } }',
    );
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ updateUser: { name: 'Al', age: 41, tenantId: 'acme' } });
    expect(requests.counts).toEqual({ UpdateItemCommand: 1 });
    const update = requests.log[0]!.input;
    expect(update.UpdateExpression).not.toMatch(/email/); // only what changed (and updatedAt/GSI keys)
  });

  it('a versioned update is one UpdateItem with the version as its condition', async () => {
    const ok = await gql(
      'mutation { updateDocument(rowId: "d1", input: { body: "two", expectedVersion: 1 }) { body version } }',
    );
    expect(ok.data).toEqual({ updateDocument: { body: 'two', version: 2 } });
    expect(requests.counts).toEqual({ UpdateItemCommand: 1 });
    requests.reset();
    const stale = await gql(
      'mutation { updateDocument(rowId: "d1", input: { body: "three", expectedVersion: 1 }) { body } }',
    );
    expect(stale.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      current: { body: 'two', version: 2 },
    });
    expect(requests.counts.UpdateItemCommand).toBe(1);
    expect(requests.counts.GetItemCommand ?? 0).toBeLessThanOrEqual(1); // dynalite returns no item with the failure: one read names it
  });

  it('NOT_FOUND comes from the update condition, not from a read before', async () => {
    const res = await gql(
      'mutation { updateUser(rowId: "nobody", input: { name: "X" }) { name } }',
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(requests.counts.UpdateItemCommand).toBe(1);
  });

  it('deleteUser is one DeleteItem: true, then false', async () => {
    expect((await gql('mutation { deleteUser(rowId: "alice") }')).data).toEqual({
      deleteUser: true,
    });
    expect(requests.counts).toEqual({ DeleteItemCommand: 1 });
    expect((await gql('mutation { deleteUser(rowId: "alice") }')).data).toEqual({
      deleteUser: false,
    });
    expect(requests.counts).toEqual({ DeleteItemCommand: 2 });
  });

  it('deleteUser(collection: true) deletes the user with its orders and todo items', async () => {
    await m.Order.create({ userId: 'alice', orderId: 'o1', total: 1, placedAt: new Date() });
    await m.TodoItem.create({ userId: 'alice', todoId: 't1', title: 'x' });
    await m.User.create({ id: 'bob', email: 'b@x.io', name: 'Bob' });
    await m.TodoItem.create({ userId: 'bob', todoId: 't1', title: 'x' });
    requests.reset();
    const res = await gql('mutation { deleteUser(rowId: "alice", collection: true) }');
    expect(res.data).toEqual({ deleteUser: true });
    expect(requests.counts).toEqual({
      DeleteItemCommand: 1,
      QueryCommand: 1,
      BatchWriteItemCommand: 1,
    });
    expect(await m.TodoItem.where({ userId: 'alice' }).all()).toEqual([]);
    expect(await m.Order.where({ userId: 'alice' }).all()).toEqual([]);
    expect((await m.TodoItem.where({ userId: 'bob' }).all()).length).toBe(1);
  });

  it('applies atomic operations and an `if` condition in the same request', async () => {
    const res = await gql(
      'mutation { updateProduct(sku: "p1", input: { add: { stock: -3, tags: ["new"] }, append: { colors: ["blue"] } }, if: { stock: { gte: 3 } }) { stock tags colors } }',
    );
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      updateProduct: { stock: 17, tags: ['new'], colors: ['red', 'blue'] },
    });
    expect(requests.counts).toEqual({ UpdateItemCommand: 1 });
    const refused = await gql(
      'mutation { updateProduct(sku: "p1", input: { add: { stock: -1 } }, if: { stock: { gte: 100 } }) { stock } }',
    );
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      current: { stock: 17 },
    });
  });

  it('refuses a field changed both by value and by an operation, before any request', async () => {
    const res = await gql(
      'mutation { updateProduct(sku: "p1", input: { stock: 1, add: { stock: 1 } }) { stock } }',
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(requests.counts).toEqual({});
  });

  it('50 concurrent conditional decrements of a stock of 20: 20 successes, 30 CONFLICT, stock 0', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        gql(
          'mutation { updateProduct(sku: "p1", input: { add: { stock: -1 } }, if: { stock: { gte: 1 } }) { stock } }',
        ),
      ),
    );
    const codes = results.map((r) => (r.errors ? r.errors[0]!.extensions?.code : 'OK'));
    expect(codes.filter((c) => c === 'OK').length).toBe(20);
    expect(codes.filter((c) => c === 'CONFLICT').length).toBe(30);
    expect((await m.Product.get({ sku: 'p1' }))?.stock).toBe(0);
  });

  const productInputs = (n: number, from = 0) =>
    Array.from(
      { length: n },
      (_, i) => `{ sku: "b${i + from}", price: ${i + 1}, stock: ${i} }`,
    ).join(', ');

  it('createProducts of 60 inputs is 3 BatchWriteItem, every input validated first', async () => {
    const res = await gql(`mutation { createProducts(inputs: [${productInputs(60)}]) { sku } }`);
    expect(res.errors).toBeUndefined();
    expect((res.data as { createProducts: unknown[] }).createProducts.length).toBe(60);
    expect(requests.counts).toEqual({ BatchWriteItemCommand: 3 });
    requests.reset();
    const todos = Array.from(
      { length: 30 },
      (_, i) => `{ userId: "alice", todoId: "t${i}", title: "${i === 29 ? '' : 'ok'}" }`,
    );
    const bad = await gql(`mutation { createTodoItems(inputs: [${todos.join(', ')}]) { todoId } }`);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(requests.counts).toEqual({});
  });

  it('createProducts answers BATCH_INCOMPLETE with the positions written and not written', async () => {
    const failing = new DynamoDBBackend({
      tableName: 'mutations',
      endpoint: engine.endpoint,
      retry: { baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 2 },
    });
    // The engine never processes the items whose sku ends in 7 (the backend's requests carry wire values).
    failing.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'BatchWriteItemCommand') return next(args);
        const items = (
          args.input as {
            RequestItems: Record<string, { PutRequest: { Item: { sku: { S: string } } } }[]>;
          }
        ).RequestItems.mutations!;
        const held = items.filter((r) => r.PutRequest.Item.sku.S.endsWith('7'));
        (args.input as { RequestItems: Record<string, unknown> }).RequestItems.mutations =
          items.filter((r) => !held.includes(r));
        const out = await next(args);
        (out.output as Record<string, unknown>).UnprocessedItems =
          held.length > 0 ? { mutations: held } : {};
        return out;
      },
      { step: 'initialize', name: 'neverSevens' },
    );
    const fm = defineModels(failing);
    const { gql: failingGql } = serve(fm);
    const res = await failingGql(
      `mutation { createProducts(inputs: [${productInputs(30)}]) { sku } }`,
    );
    failing.close();
    expect(res.errors?.[0]?.extensions).toMatchObject({
      code: 'BATCH_INCOMPLETE',
      unwritten: [7, 17, 27],
    });
    expect((res.errors![0]!.extensions!.written as number[]).length).toBe(27);
    const stored = await m.Product.batchGet(
      Array.from({ length: 30 }, (_, i) => ({ sku: `b${i}` })),
    );
    expect(stored.map((p, i) => (p ? null : i)).filter((i) => i !== null)).toEqual([7, 17, 27]);
  });
});
