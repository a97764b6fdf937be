import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  carriesUpdate,
  mayHaveApplied,
  retryableError,
  sameValue,
} from '../../src/orm/backends/dynamodb/attempts.js';
import {
  BackendError,
  ConfigurationError,
  DynamoDBAdapter,
  DynamoDBBackend,
  field,
  gsiPartitionKey,
  gsiSortKey,
  InvalidCursorError,
  Model,
  partitionKey,
  sortKey,
  transaction,
} from '../../src/orm/index.js';
import { defineModels, type Models } from '../fixtures/models.js';
import { countRequests, type Engine, startDynalite, truncate } from '../helpers/engines.js';

let engine: Engine;
beforeAll(async () => {
  engine = await startDynalite();
});
afterAll(async () => {
  await engine.close();
});

describe('DynamoDBBackend on dynalite', () => {
  let backend: DynamoDBBackend;
  let m: Models;
  let requests: ReturnType<typeof countRequests>;
  beforeAll(async () => {
    backend = new DynamoDBBackend({ tableName: 'specific', endpoint: engine.endpoint });
    m = defineModels(backend);
    await backend.createTable([m.User, m.TodoItem, m.Order, m.Product, m.Session, m.Document]);
    requests = countRequests(backend);
  });
  beforeEach(async () => {
    await truncate(backend);
    requests.reset();
  });

  it('connects lazily', () => {
    const lazy = new DynamoDBBackend({ tableName: 'my-table', region: 'us-west-2' });
    expect(lazy.connected).toBe(false);
    expect(lazy.tableName).toBe('my-table');
  });

  it('stores the seed layout: key attributes, entity type, fields and GSI attributes', async () => {
    await m.User.create({
      id: 'user-123',
      email: 'alice@example.com',
      name: 'Alice',
      tenantId: 'acme',
    });
    const raw = await backend.client.send(
      new GetCommand({ TableName: 'specific', Key: { pk: 'USER#user-123', sk: 'PROFILE' } }),
    );
    expect(raw.Item).toEqual({
      pk: 'USER#user-123',
      sk: 'PROFILE',
      entity_type: 'User',
      id: 'user-123',
      email: 'alice@example.com',
      name: 'Alice',
      tenantId: 'acme',
      age: 0,
      gsi_pk_TenantIndex: 'TENANT#acme',
      gsi_sk_TenantIndex: 'USER#user-123',
    });
  });

  it('sends a Query, never a Scan, when the conditions fix the partition key', async () => {
    await m.TodoItem.create({ userId: 'alice', todoId: '1', title: 'x' });
    await m.TodoItem.where({ userId: 'alice' }).all();
    expect(requests.counts).toMatchObject({ QueryCommand: 1 });
    expect(requests.counts.ScanCommand).toBeUndefined();
    const query = requests.log.find((r) => r.command === 'QueryCommand')!.input;
    expect(query.KeyConditionExpression).toMatch(/^#n\d+ = :v\d+ AND begins_with\(#n\d+, :v\d+\)$/);
    expect(Object.values(query.ExpressionAttributeValues as object)).toEqual(
      expect.arrayContaining(['USER#alice', 'TODO#', 'TodoItem']),
    );
    requests.reset();
    await m.User.where({ tenantId: 'acme' }).all();
    expect(requests.log[0]).toMatchObject({
      command: 'QueryCommand',
      input: { IndexName: 'TenantIndex' },
    });
    requests.reset();
    await m.User.where({ age: 3 }).all();
    expect(requests.log[0]).toMatchObject({
      command: 'ScanCommand',
      input: { FilterExpression: expect.stringContaining('#n0 = :v0') },
    });
  });

  it('counts with Select COUNT', async () => {
    await m.TodoItem.create({ userId: 'alice', todoId: '1', title: 'x' });
    expect(await m.TodoItem.where({ userId: 'alice' }).count()).toBe(1);
    expect(requests.log.at(-1)?.input.Select).toBe('COUNT');
  });

  it('reads 250 keys with exactly 3 BatchGetItem calls and writes 60 items with 3 BatchWriteItem calls', async () => {
    await m.Product.batchCreate(
      Array.from({ length: 60 }, (_, i) => ({ sku: `p${i}`, price: i, stock: i })),
    );
    expect(requests.counts.BatchWriteItemCommand).toBe(3);
    requests.reset();
    const keys = Array.from({ length: 250 }, (_, i) => ({ sku: `p${i}` }));
    const got = await m.Product.batchGet(keys);
    expect(requests.counts.BatchGetItemCommand).toBe(3);
    expect(got.filter(Boolean)).toHaveLength(60);
    expect(got[59]?.sku).toBe('p59');
    expect(got[60]).toBeNull();
  });

  it('refuses a bad cursor before sending any request', async () => {
    await expect(m.User.where().cursor('c1.e30.AAAA').paginate()).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
    expect(requests.log).toHaveLength(0);
  });

  it('explains that dynalite has no transactions', async () => {
    const err = await transaction((tx) => {
      tx.create(m.User, { id: 'x', email: 'x', name: 'x' });
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as Error).message).toMatch(/does not support transactions/);
    expect(await m.User.get({ id: 'x' })).toBeNull();
  });

  it('wraps AWS failures in BackendError with the operation and cause', async () => {
    const missing = new DynamoDBBackend({ tableName: 'no-such-table', endpoint: engine.endpoint });
    class Thing extends Model('Thing', { id: field.string({ primaryKey: true }) }) {
      static meta = { backend: missing };
    }
    const err = await Thing.get({ id: '1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect(err).toMatchObject({
      operation: 'GetItem',
      cause: expect.objectContaining({ name: 'ResourceNotFoundException' }),
    });
    missing.close();
  });

  it('refuses a stored number beyond the safe integer range instead of rounding it', async () => {
    await backend.client.send(
      new PutItemCommand({
        TableName: 'specific',
        Item: {
          pk: { S: 'Product#big' },
          sk: { S: 'METADATA' },
          entity_type: { S: 'Product' },
          sku: { S: 'big' },
          price: { N: '1' },
          stock: { N: '90071992547409930' },
        },
      }) as never,
    );
    await expect(m.Product.get({ sku: 'big' })).rejects.toThrow(/MAX_SAFE_INTEGER|safe/i);
  });

  /**
   * Throttling as DynamoDB does under load: the first call of `command` is sent with only part of its
   * requests; the rest come back as unprocessed. Returns a backend on the same engine, and its counter.
   */
  function throttledOnce(command: 'BatchGetItemCommand' | 'BatchWriteItemCommand', keep: number) {
    const throttled = new DynamoDBBackend({
      tableName: 'specific',
      endpoint: engine.endpoint,
      retry: { baseDelayMs: 1 },
    });
    const counter = countRequests(throttled);
    let calls = 0;
    throttled.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== command || calls++ > 0) return next(args);
        const items = (args.input as { RequestItems: Record<string, unknown> }).RequestItems;
        const all = (
          command === 'BatchGetItemCommand'
            ? (items.specific as { Keys: unknown[] }).Keys
            : items.specific
        ) as unknown[];
        const held = all.slice(keep);
        if (command === 'BatchGetItemCommand')
          (items.specific as { Keys: unknown[] }).Keys = all.slice(0, keep);
        else items.specific = all.slice(0, keep);
        const out = await next(args);
        const output = out.output as Record<string, unknown>;
        if (command === 'BatchGetItemCommand')
          output.UnprocessedKeys = { specific: { Keys: held } };
        else output.UnprocessedItems = { specific: held };
        return out;
      },
      { step: 'initialize', name: 'throttleOnce' },
    );
    return { throttled, counter };
  }

  it('retries UnprocessedKeys with backoff until nothing is left', async () => {
    await m.Product.batchCreate(
      Array.from({ length: 30 }, (_, i) => ({ sku: `p${i}`, price: i, stock: i })),
    );
    const { throttled, counter } = throttledOnce('BatchGetItemCommand', 15);
    const got = await defineModels(throttled).Product.batchGet(
      Array.from({ length: 30 }, (_, i) => ({ sku: `p${i}` })),
    );
    expect(got.map((p) => p?.sku)).toEqual(Array.from({ length: 30 }, (_, i) => `p${i}`));
    expect(counter.counts.BatchGetItemCommand).toBe(2);
    throttled.close();
  });

  it('retries UnprocessedItems of a batch write until every item is written', async () => {
    const { throttled, counter } = throttledOnce('BatchWriteItemCommand', 10);
    await defineModels(throttled).Product.batchCreate(
      Array.from({ length: 25 }, (_, i) => ({ sku: `w${i}`, price: i, stock: i })),
    );
    expect(counter.counts.BatchWriteItemCommand).toBe(2);
    expect(
      (await m.Product.batchGet(Array.from({ length: 25 }, (_, i) => ({ sku: `w${i}` })))).every(
        Boolean,
      ),
    ).toBe(true);
    throttled.close();
  });

  it('names every unprocessed key when the retry budget runs out', async () => {
    const throttled = new DynamoDBBackend({
      tableName: 'specific',
      endpoint: engine.endpoint,
      retry: { baseDelayMs: 1, maxAttempts: 3 },
    });
    throttled.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'BatchGetItemCommand') return next(args);
        const input = args.input as { RequestItems: Record<string, { Keys: unknown[] }> };
        return {
          output: { Responses: { specific: [] }, UnprocessedKeys: input.RequestItems },
          response: {},
        } as never;
      },
      { step: 'initialize', name: 'alwaysThrottle' },
    );
    const P = defineModels(throttled).Product;
    const err = await P.batchGet([{ sku: 'a' }, { sku: 'b' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as BackendError).unprocessed).toEqual([
      { pk: 'Product#a', sk: 'METADATA' },
      { pk: 'Product#b', sk: 'METADATA' },
    ]);
    expect((err as Error).message).toMatch(/2 request\(s\) still unprocessed after 3 attempts/);
    expect((err as BackendError).processed).toEqual([]);
    throttled.close();
  });
});

describe('a write whose response was lost', () => {
  /** The first PutItem reaches the engine, then `meddle` runs, then the connection resets. */
  function losingFirstPut(meddle: (backend: DynamoDBBackend) => Promise<void>) {
    const b = new DynamoDBBackend({ tableName: 'specific', endpoint: engine.endpoint });
    let first = true;
    b.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'PutItemCommand' || !first) return next(args);
        first = false;
        await next(args);
        await meddle(b);
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      },
      { step: 'deserialize', priority: 'high', name: 'loseFirstPut' },
    );
    return b;
  }
  let plain: DynamoDBBackend;
  beforeAll(() => {
    plain = new DynamoDBBackend({ tableName: 'specific', endpoint: engine.endpoint });
  });
  afterAll(() => plain.close());

  it('succeeds when the retry meets its own item', async () => {
    const b = losingFirstPut(async () => {});
    const m = defineModels(b);
    await m.TodoItem.create({ userId: 'lost', todoId: 'own', title: 'mine' });
    expect((await defineModels(plain).TodoItem.get({ userId: 'lost', todoId: 'own' }))?.title).toBe(
      'mine',
    );
    b.close();
  });

  it("still reports DuplicateKeyError when the item found is another writer's", async () => {
    const b = losingFirstPut(async () => {
      // between the lost response and the retry, someone else replaces the item
      await defineModels(plain).TodoItem.upsert({
        userId: 'lost',
        todoId: 'theirs',
        title: 'theirs',
      });
    });
    const err = await defineModels(b)
      .TodoItem.create({ userId: 'lost', todoId: 'theirs', title: 'mine' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'orm.duplicateKey' });
    b.close();
  });
});

describe('attempt classification and item comparison', () => {
  it('tells attempts that may have been applied from those that surely were not', () => {
    expect(mayHaveApplied(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(true);
    expect(mayHaveApplied(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(
      mayHaveApplied({ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }),
    ).toBe(false);
    expect(
      mayHaveApplied({ name: 'InternalServerError', $metadata: { httpStatusCode: 500 } }),
    ).toBe(true);
    expect(retryableError({ name: 'ProvisionedThroughputExceededException' })).toBe(true);
    expect(
      retryableError({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } }),
    ).toBe(false);
    expect(retryableError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(true);
  });

  it('compares stored values as the document client reads them', () => {
    expect(
      sameValue(
        { a: new Set(['x', 'y']), b: [1, { c: 2 }] },
        { b: [1, { c: 2 }], a: new Set(['y', 'x']) },
      ),
    ).toBe(true);
    expect(sameValue({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameValue({ a: new Uint8Array([1, 2]) }, { a: new Uint8Array([1, 2]) })).toBe(true);
    const op = {
      set: { name: 'n', version: 3 },
      remove: ['gone'],
      setIfMissing: { createdAt: 't0' },
      increment: null,
    };
    expect(carriesUpdate({ name: 'n', version: 3, createdAt: 'old' }, op)).toBe(true);
    expect(carriesUpdate({ name: 'n', version: 2, createdAt: 'old' }, op)).toBe(false);
    expect(carriesUpdate({ name: 'n', version: 3, createdAt: 'old', gone: 1 }, op)).toBe(false);
    expect(carriesUpdate(null, op)).toBe(false);
  });
});

describe('custom attribute names', () => {
  it('lays items out with the adapter names on a real table', async () => {
    const adapter = new DynamoDBAdapter({
      pkAttribute: 'hash_key',
      skAttribute: 'range_key',
      entityTypeAttribute: 'type',
    });
    const backend = new DynamoDBBackend({
      tableName: 'custom-names',
      endpoint: engine.endpoint,
      adapter,
    });
    class Order extends Model('Order', {
      userId: field.string(),
      orderId: field.string(),
      total: field.float(),
    }) {
      static meta = { backend };
      @partitionKey pk() {
        return `USER#${this.userId}`;
      }
      @sortKey sk() {
        return `ORDER#${this.orderId}`;
      }
      @gsiPartitionKey('by-total') byTotal() {
        return 'ORDERS';
      }
      @gsiSortKey('by-total') byTotalSk() {
        return this.total.toFixed(2).padStart(12, '0');
      }
    }
    expect(adapter.pkAttribute).toBe('hash_key');
    await backend.createTable([Order]);
    await Order.create({ userId: 'u1', orderId: 'o1', total: 99.99 });
    await Order.create({ userId: 'u1', orderId: 'o2', total: 5 });
    const raw = await backend.client.send(
      new GetCommand({
        TableName: 'custom-names',
        Key: { hash_key: 'USER#u1', range_key: 'ORDER#o1' },
      }),
    );
    expect(raw.Item).toMatchObject({ type: 'Order', total: 99.99, 'gsi_pk_by-total': 'ORDERS' });
    const o = (await Order.get({ userId: 'u1', orderId: 'o1' }))!;
    o.total = 1;
    await o.save();
    expect((await Order.where().usingIndex('by-total').all()).map((x) => x.orderId)).toEqual([
      'o1',
      'o2',
    ]);
    expect(await o.delete()).toBe(true);
    backend.close();
  });

  it('round-trips a field named like a GSI attribute of an index the model does not have', async () => {
    const backend = new DynamoDBBackend({ tableName: 'gsi-like', endpoint: engine.endpoint });
    class Odd extends Model('Odd', {
      id: field.string({ primaryKey: true }),
      gsi_pk_Other: field.string(),
    }) {
      static meta = { backend };
    }
    await backend.createTable([Odd]);
    await Odd.create({ id: '1', gsi_pk_Other: 'kept' });
    expect((await Odd.get({ id: '1' }))?.gsi_pk_Other).toBe('kept');
    backend.close();
  });

  it('refuses a field that collides with an attribute the adapter writes', async () => {
    const backend = new DynamoDBBackend({ tableName: 'collide', endpoint: engine.endpoint });
    class Bad extends Model('Bad', { id: field.string({ primaryKey: true }), pk: field.string() }) {
      static meta = { backend };
    }
    await expect(Bad.create({ id: '1', pk: 'x' })).rejects.toBeInstanceOf(ConfigurationError);
  });
});
