import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BackendBase,
  type Consumed,
  DynamoDBBackend,
  InMemoryBackend,
  itemSize,
  measure,
  transaction,
} from '../../src/orm/index.js';
import { defineModels } from '../fixtures/models.js';
import {
  countRequests,
  dynamoDBLocalUnavailable,
  type Engine,
  startDynalite,
  startDynamoDBLocal,
} from '../helpers/engines.js';

// Capacity: the in-memory backend charges what DynamoDB would, checked step by step against
// DynamoDB Local's ConsumedCapacity; projections are asserted on the commands sent.

const placedAt = new Date(Date.UTC(2025, 0, 1));

// One DynamoDB Local (slow to start) and one dynalite for the whole file, each table its own name.
const started = new Map<() => Promise<Engine>, Promise<Engine>>();
const shared = (start: () => Promise<Engine>) => () => {
  if (!started.has(start)) started.set(start, start());
  return started.get(start)!;
};
afterAll(async () => {
  for (const e of started.values()) await (await e).close();
});

/** One scenario, step by step: what each step cost. */
async function scenario(backend: BackendBase): Promise<Record<string, Consumed>> {
  const m = defineModels(backend);
  const out: Record<string, Consumed> = {};
  const step = async (name: string, work: () => Promise<unknown>) => {
    out[name] = (await measure(work)).consumed.snapshot();
  };
  await step('create with a GSI entry', () =>
    m.User.create({ id: 'u1', email: 'a@x.io', name: 'A', age: 30, tenantId: 't1' }),
  );
  await step('create without', () =>
    m.User.create({ id: 'u2', email: 'b@x.io', name: 'B', age: 40 }),
  );
  await step('create a 9 KB item', () => m.Document.create({ id: 'big', body: 'b'.repeat(9000) }));
  await step('get a 9 KB item', () => m.Document.get({ id: 'big' }));
  await step('batchCreate 30 (2 requests, items of 0.5 and 1.3 KB)', () =>
    m.TodoItem.batchCreate(
      Array.from({ length: 30 }, (_, i) => ({
        userId: 'u1',
        todoId: `t${String(i).padStart(2, '0')}`,
        title: 'x'.repeat(150),
        description: 'd'.repeat(i % 2 ? 300 : 1000),
      })),
    ),
  );
  await step('get', () => m.User.get({ id: 'u1' }));
  await step('get missing', () => m.User.get({ id: 'nobody' }));
  await step('get projected (charged whole)', () => m.User.get({ id: 'u1' }, { select: ['name'] }));
  await step('batchGet 3 found, 1 missing', () =>
    m.TodoItem.batchGet([
      { userId: 'u1', todoId: 't00' },
      { userId: 'u1', todoId: 't01' },
      { userId: 'u1', todoId: 't02' },
      { userId: 'u1', todoId: 'zz' },
    ]),
  );
  await step('query page of 10 (11 read)', () =>
    m.TodoItem.where({ userId: 'u1' }).limit(10).paginate(),
  );
  await step('query page, projected', () =>
    m.TodoItem.where({ userId: 'u1' }).select(['title']).limit(10).paginate(),
  );
  await step('count (Select COUNT)', () => m.TodoItem.where({ userId: 'u1' }).count());
  await step('query of an empty partition', () => m.TodoItem.where({ userId: 'nobody' }).all());
  await step('GSI query', () => m.User.where({ tenantId: 't1' }).all());
  await step('scan of every item', () => m.User.where().all());
  await step('update moving the GSI key', () => m.User.update({ id: 'u1' }, { tenantId: 't2' }));
  await step('update leaving the GSI', () => m.User.update({ id: 'u1' }, { tenantId: null }));
  await step('update of a big item', () =>
    m.TodoItem.update({ userId: 'u1', todoId: 't00' }, { completed: true }),
  );
  await step('delete', () => m.TodoItem.delete({ userId: 'u1', todoId: 't01' }));
  await step('delete missing', () => m.Order.delete({ userId: 'u1', orderId: 'nope', placedAt }));
  await step('delete a collection (1 + keys Query + batches)', () =>
    m.User.delete({ id: 'u1' }, { collection: true }),
  );
  return out;
}

async function transactionScenario(backend: BackendBase): Promise<Record<string, Consumed>> {
  const m = defineModels(backend);
  const out: Record<string, Consumed> = {};
  out.transaction = (
    await measure(() =>
      transaction((tx) => {
        tx.create(m.User, { id: 'tx1', email: 'a@x.io', name: 'A', tenantId: 't' });
        tx.create(m.Order, { userId: 'tx1', orderId: 'o1', total: 5, placedAt });
      }),
    )
  ).consumed.snapshot();
  const doc = await m.Document.create({ id: 'd', body: 'b'.repeat(3000) });
  out['transaction with a check'] = (
    await measure(() =>
      transaction((tx) => {
        tx.check(doc);
        tx.create(m.Product, { sku: 'p', price: 1, stock: 1 });
      }),
    )
  ).consumed.snapshot();
  return out;
}

describe('item sizes as DynamoDB counts them', () => {
  it('adds names and values: UTF-8 strings, numbers by digits, lists and maps with overhead', () => {
    expect(itemSize({ pk: 'e', sk: '1' })).toBe(6);
    expect(itemSize({ s: 'é' })).toBe(3);
    expect(itemSize({ n: 12345 })).toBe(1 + 4);
    expect(itemSize({ n: 1000 })).toBe(1 + 2);
    expect(itemSize({ n: 0.5 })).toBe(1 + 2);
    expect(itemSize({ b: true, z: null })).toBe(4);
    expect(itemSize({ l: ['a', 'b'] })).toBe(1 + 3 + 2 + 2);
    expect(itemSize({ m: { a: 1 } })).toBe(1 + 3 + 1 + 1 + 2);
    expect(itemSize({ s: new Set(['a', 'bc']) })).toBe(1 + 3);
  });
});

describe('capacity: the in-memory backend charges what DynamoDB Local reports', () => {
  const unavailable = dynamoDBLocalUnavailable();
  let engine: Engine;
  let local: DynamoDBBackend | undefined;
  let dyna: Engine;
  let dynaBackend: DynamoDBBackend | undefined;
  afterAll(() => {
    local?.close();
    dynaBackend?.close();
  });

  it.skipIf(unavailable !== null)(
    'step by step, reads, writes, GSIs, batches and transactions',
    async () => {
      engine = await startDynamoDBLocal();
      local = new DynamoDBBackend({ tableName: 'cost', endpoint: engine.endpoint });
      const models = defineModels(local);
      await local.createTable(Object.values(models).filter((x) => typeof x === 'function'));
      const expected = await scenario(local);
      const memory = await scenario(new InMemoryBackend());
      expect(memory).toEqual(expected);
      // Spot checks of the figures both agree on (DynamoDB's rules, by hand).
      expect(expected['create with a GSI entry']).toEqual({ requests: 1, read: 0, write: 2 });
      expect(expected['get missing']).toEqual({ requests: 1, read: 0.5, write: 0 });
      expect(expected['get projected (charged whole)']).toEqual(expected.get);
      expect(expected['query page, projected']).toEqual(expected['query page of 10 (11 read)']);
      expect(expected['query of an empty partition']).toEqual({ requests: 1, read: 0, write: 0 });
      expect(expected['update moving the GSI key']!.write).toBe(3);
      const tx = await transactionScenario(local);
      expect(await transactionScenario(new InMemoryBackend())).toEqual(tx);
      expect(tx.transaction).toEqual({ requests: 1, read: 0, write: 6 });
    },
    120_000,
  );

  it('dynalite reports capacity too (its own rules: no GSI writes, half a unit per missing batch key)', async () => {
    dyna = await shared(startDynalite)();
    dynaBackend = new DynamoDBBackend({ tableName: 'cost', endpoint: dyna.endpoint });
    const models = defineModels(dynaBackend);
    await dynaBackend.createTable(Object.values(models).filter((x) => typeof x === 'function'));
    const got = await scenario(dynaBackend);
    const memory = await scenario(new InMemoryBackend());
    expect(Object.values(got).map((c) => c.requests)).toEqual(
      Object.values(memory).map((c) => c.requests),
    );
    expect(got.get).toEqual(memory.get);
    expect(got['create with a GSI entry']).toEqual({ requests: 1, read: 0, write: 1 });
  });
});

describe.each([
  ['dynalite', startDynalite, null],
  ['DynamoDB Local', startDynamoDBLocal, dynamoDBLocalUnavailable()],
] as const)('projections on the commands: %s', (_name, start, unavailable) => {
  let engine: Engine;
  let backend: DynamoDBBackend;
  let m: ReturnType<typeof defineModels>;
  let requests: ReturnType<typeof countRequests>;
  beforeAll(async () => {
    if (unavailable) return;
    engine = await shared(start)();
    backend = new DynamoDBBackend({ tableName: 'projections', endpoint: engine.endpoint });
    m = defineModels(backend);
    await backend.createTable(Object.values(m).filter((x) => typeof x === 'function'));
    await m.User.create({ id: 'u1', email: 'a@x.io', name: 'A', age: 3, tenantId: 't' });
    await m.Order.create({ userId: 'u1', orderId: 'o1', total: 2, placedAt });
    requests = countRequests(backend);
  }, 120_000);
  afterAll(() => backend?.close());
  const names = (input: Record<string, unknown>, expression = input.ProjectionExpression) =>
    String(expression)
      .split(', ')
      .map((p) => (input.ExpressionAttributeNames as Record<string, string>)[p])
      .sort();

  it.skipIf(unavailable !== null)(
    'GetItem, BatchGetItem, Query and Scan carry a ProjectionExpression; counts carry Select COUNT',
    async () => {
      requests.reset();
      const user = await m.User.get({ id: 'u1' }, { select: ['name'] });
      expect(user?.name).toBe('A');
      expect(user?.email).toBeNull();
      const get = requests.log[0]!.input;
      expect(get.ReturnConsumedCapacity).toBe('TOTAL');
      expect(names(get)).toEqual(['entity_type', 'id', 'name', 'pk', 'sk']);

      await m.Order.batchGet([{ userId: 'u1', orderId: 'o1', placedAt }], { select: ['total'] });
      const batch = requests.log[1]!.input as {
        RequestItems: Record<string, Record<string, unknown>>;
      };
      const entry = batch.RequestItems.projections!;
      expect(names(entry)).toEqual([
        'entity_type',
        'orderId',
        'pk',
        'placedAt',
        'sk',
        'total',
        'userId',
      ]);

      const page = await m.User.where({ tenantId: 't' }).select(['age']).paginate();
      expect(page.items[0]?.age).toBe(3);
      const query = requests.log[2]!.input;
      expect(query.IndexName).toBe('TenantIndex');
      expect(names(query)).toEqual([
        'age',
        'entity_type',
        'gsi_pk_TenantIndex',
        'gsi_sk_TenantIndex',
        'id',
        'pk',
        'sk',
      ]);

      await m.User.where().select(['email']).all();
      expect(requests.log[3]!.command).toBe('ScanCommand');
      expect(names(requests.log[3]!.input)).toEqual(['email', 'entity_type', 'id', 'pk', 'sk']);

      expect(await m.Order.where({ userId: 'u1' }).count()).toBe(1);
      expect(requests.log[4]!.input).toMatchObject({ Select: 'COUNT' });
      expect(requests.log[4]!.input.ProjectionExpression).toBeUndefined();
      // Every request asked for its cost.
      expect(
        requests.log.every((r) =>
          JSON.stringify(r.input).includes('"ReturnConsumedCapacity":"TOTAL"'),
        ),
      ).toBe(true);
    },
  );
});
