import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type Backend,
  ConflictError,
  DynamoDBBackend,
  field,
  gsiPartitionKey,
  gsiSortKey,
  InMemoryBackend,
  Model,
  NotFoundError,
  partitionKey,
  sortKey,
  ValidationError,
} from '../../src/orm/index.js';
import {
  countRequests,
  dynamoDBLocalUnavailable,
  type Engine,
  startDynalite,
  startDynamoDBLocal,
  truncate,
} from '../helpers/engines.js';

// Partial updates and deletes by key: one request each, conditions in the same request, index keys
// recomputed, nothing lost under concurrency. Run on memory, dynalite and DynamoDB Local.

function defineModels(backend: Backend) {
  class Item extends Model(
    'Item',
    {
      id: field.string({ primaryKey: true }),
      name: field.string({ maxLength: 50 }),
      age: field.int({ optional: true }),
      stock: field.int({ min: 0, default: 0 }),
      status: field.enum(['open', 'closed'], { default: 'open' }),
      day: field.date({ optional: true }),
      owner: field.string({ optional: true }),
      tags: field.stringSet({ optional: true }),
      colors: field.list(field.string(), { default: () => [] }),
    },
    { timestamps: true },
  ) {
    static meta = { backend };
    // Sparse: only items with an owner are in ByOwner.
    @gsiPartitionKey('ByOwner') ownerPk() {
      return this.owner ? `OWNER#${this.owner}` : null;
    }
    @gsiSortKey('ByOwner') ownerSk() {
      return `ITEM#${this.id}`;
    }
    // Composite: the sort key reads two fields.
    @gsiPartitionKey('ByStatus') statusPk() {
      return `STATUS#${this.status}`;
    }
    @gsiSortKey('ByStatus') statusSk() {
      return `${this.day ?? 'none'}#${this.name}`;
    }
  }
  class Doc extends Model(
    'Doc',
    {
      id: field.string({ primaryKey: true }),
      body: field.string(),
      count: field.int({ default: 0 }),
    },
    { version: true },
  ) {
    static meta = { backend };
  }
  // Lives in its Item's partition (`Item#<id>`, the fallback key): the Item's item collection.
  class Part extends Model('Part', { itemId: field.string(), partId: field.string() }) {
    static meta = { backend };
    @partitionKey pk() {
      return `Item#${this.itemId}`;
    }
    @sortKey sk() {
      return `PART#${this.partId}`;
    }
  }
  return { Item, Doc, Part };
}

interface Setup {
  readonly m: ReturnType<typeof defineModels>;
  readonly reset: () => Promise<void>;
  /** SDK commands sent since the last reset (null on the in-memory backend). */
  readonly commands: (() => Record<string, number>) | null;
  readonly resetCount: () => void;
}

function updateContract(name: string, setup: () => Promise<Setup>) {
  describe(`partial updates and deletes by key: ${name}`, () => {
    let s: Setup;
    beforeAll(async () => {
      s = await setup();
    }, 120_000);
    beforeEach(async () => {
      await s.reset();
    });
    const sent = () => s.commands?.() ?? null;
    const expectSent = (expected: Record<string, number>) => {
      const c = sent();
      if (c) expect(c).toEqual(expected);
    };
    const make = (id: string, extra: object = {}) =>
      s.m.Item.create({ id, name: `n-${id}`, ...extra });

    it('SETs the given fields in one UpdateItem and answers the stored item', async () => {
      const created = await make('a', { age: 3 });
      s.resetCount();
      const updated = await s.m.Item.update({ id: 'a' }, { age: 4 });
      expectSent({ UpdateItemCommand: 1 });
      expect(updated).toBeInstanceOf(s.m.Item);
      expect(updated).toMatchObject({ id: 'a', name: 'n-a', age: 4, stock: 0 });
      expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(created.updatedAt.getTime());
      expect(updated.createdAt).toEqual(created.createdAt);
      expect((await s.m.Item.get({ id: 'a' }))?.age).toBe(4);
    });

    it('REMOVEs optional fields set to null and refuses null for a required one, before any request', async () => {
      await make('a', { age: 3 });
      expect((await s.m.Item.update({ id: 'a' }, { age: null })).age).toBeNull();
      s.resetCount();
      const err = await s.m.Item.update({ id: 'a' }, { name: null } as never).catch((e) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect(err.issues).toEqual([
        expect.objectContaining({ path: 'name', message: 'is required' }),
      ]);
      expectSent({});
    });

    it('validates only what it writes, and refuses key fields, managed fields and unknown fields', async () => {
      s.resetCount();
      const err = await s.m.Item.update({ id: 'a' }, {
        name: 'x'.repeat(51),
        id: 'b',
        updatedAt: new Date(),
        nope: 1,
      } as never).catch((e) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect(err.issues.map((i: { path: string }) => i.path).sort()).toEqual([
        'id',
        'name',
        'nope',
        'updatedAt',
      ]);
      expectSent({});
    });

    it('answers NotFoundError for a missing item, in one request', async () => {
      s.resetCount();
      await expect(s.m.Item.update({ id: 'ghost' }, { age: 1 })).rejects.toBeInstanceOf(
        NotFoundError,
      );
      expect(await s.m.Item.get({ id: 'ghost' })).toBeNull();
    });

    it('adds to a number atomically and keeps min/max as a condition in the same request', async () => {
      await make('a', { stock: 2 });
      expect((await s.m.Item.update({ id: 'a' }, { stock: { add: -2 } })).stock).toBe(0);
      s.resetCount();
      const err = await s.m.Item.update({ id: 'a' }, { stock: { add: -1 } }).catch((e) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect(err.issues[0]).toMatchObject({ path: 'stock', expected: 'a result within 0..inf' });
      expect(sent()?.UpdateItemCommand ?? 1).toBe(1);
      expect((await s.m.Item.get({ id: 'a' }))?.stock).toBe(0);
    });

    it('puts an `if` condition in the same request; a failure is a ConflictError with the current item', async () => {
      await make('a', { stock: 1 });
      const ok = await s.m.Item.update(
        { id: 'a' },
        { stock: { add: -1 } },
        { if: { stock: { gte: 1 } } },
      );
      expect(ok.stock).toBe(0);
      const err = await s.m.Item.update(
        { id: 'a' },
        { stock: { add: -1 } },
        { if: { stock: { gte: 1 } } },
      ).catch((e) => e);
      expect(err).toBeInstanceOf(ConflictError);
      expect(err.current).toMatchObject({ id: 'a', stock: 0 });
    });

    it('adds to and deletes from sets, appends, prepends and removes list elements', async () => {
      await make('a', { tags: new Set(['x']), colors: ['red'] });
      let item = await s.m.Item.update(
        { id: 'a' },
        { tags: { add: ['y', 'z'] }, colors: { append: ['blue'] } },
      );
      expect(item.tags).toEqual(new Set(['x', 'y', 'z']));
      expect(item.colors).toEqual(['red', 'blue']);
      item = await s.m.Item.update(
        { id: 'a' },
        { tags: { delete: ['x'] }, colors: { prepend: ['green'] } },
      );
      expect(item.tags).toEqual(new Set(['y', 'z']));
      expect(item.colors).toEqual(['green', 'red', 'blue']);
      item = await s.m.Item.update(
        { id: 'a' },
        { colors: { removeAt: [1] }, tags: { delete: ['y', 'z'] } },
      );
      expect(item.colors).toEqual(['green', 'blue']);
      expect(item.tags).toBeNull(); // an emptied set is removed
      const err = await s.m.Item.update({ id: 'a' }, { colors: { append: [1] } } as never).catch(
        (e) => e,
      );
      expect(err).toBeInstanceOf(ValidationError);
    });

    it('recomputes a sparse index key in the same request (joins and leaves the index)', async () => {
      await make('a');
      s.resetCount();
      await s.m.Item.update({ id: 'a' }, { owner: 'bob' });
      expectSent({ UpdateItemCommand: 1 });
      expect((await s.m.Item.where({ owner: 'bob' }).all()).map((i) => i.id)).toEqual(['a']);
      await s.m.Item.update({ id: 'a' }, { owner: null });
      expect(await s.m.Item.where({ owner: 'bob' }).all()).toEqual([]);
      expect((await s.m.Item.get({ id: 'a' }))?.owner).toBeNull();
    });

    it('reads the fields a composite index key lacks, then guards the update on them', async () => {
      await make('a', { day: '2026-01-02' });
      s.resetCount();
      const updated = await s.m.Item.update({ id: 'a' }, { name: 'renamed' });
      expectSent({ GetItemCommand: 1, UpdateItemCommand: 1 });
      expect(updated.name).toBe('renamed');
      const open = await s.m.Item.where({ status: 'open' }).usingIndex('ByStatus').all();
      expect(open.map((i) => [i.id, i.name])).toEqual([['a', 'renamed']]);
      // The index key really moved: a range on the new sort key finds it.
      await s.m.Item.update({ id: 'a' }, { status: 'closed' });
      expect(await s.m.Item.where({ status: 'open' }).all()).toEqual([]);
      expect((await s.m.Item.where({ status: 'closed' }).all()).map((i) => i.name)).toEqual([
        'renamed',
      ]);
    });

    it('maintains the version, and an expectedVersion is a condition in the same request', async () => {
      await s.m.Doc.create({ id: 'd', body: 'one' });
      s.resetCount();
      const v2 = await s.m.Doc.update({ id: 'd' }, { body: 'two' }, { expectedVersion: 1 });
      expectSent({ UpdateItemCommand: 1 });
      expect(v2.version).toBe(2);
      const err = await s.m.Doc.update(
        { id: 'd' },
        { body: 'three' },
        { expectedVersion: 1 },
      ).catch((e) => e);
      expect(err).toBeInstanceOf(ConflictError);
      expect(err.current).toMatchObject({ body: 'two', version: 2 });
      expect((await s.m.Doc.update({ id: 'd' }, { count: { add: 1 } })).version).toBe(3);
    });

    it('deletes by key in one DeleteItem and answers the deleted item, then null', async () => {
      await make('a', { age: 9 });
      s.resetCount();
      const gone = await s.m.Item.delete({ id: 'a' });
      expectSent({ DeleteItemCommand: 1 });
      expect(gone).toMatchObject({ id: 'a', age: 9 });
      expect(await s.m.Item.delete({ id: 'a' })).toBeNull();
      expect(await s.m.Item.get({ id: 'a' })).toBeNull();
    });

    it('deletes an item with its whole item collection in batches of 25, and nothing else', async () => {
      await make('a');
      await make('b');
      const parts = (itemId: string, n: number) =>
        Array.from({ length: n }, (_, i) => ({ itemId, partId: `p${String(i).padStart(2, '0')}` }));
      await s.m.Part.batchCreate([...parts('a', 60), ...parts('b', 3)]);
      s.resetCount();
      const gone = await s.m.Item.delete({ id: 'a' }, { collection: true });
      expect(gone?.id).toBe('a');
      expectSent({ DeleteItemCommand: 1, QueryCommand: 1, BatchWriteItemCommand: 3 });
      expect(await s.m.Part.where({ itemId: 'a' }).all()).toEqual([]);
      expect((await s.m.Part.where({ itemId: 'b' }).all()).length).toBe(3);
      expect(await s.m.Item.get({ id: 'b' })).not.toBeNull();
    });

    it('batchCreate of 60 items is 3 BatchWriteItem', async () => {
      s.resetCount();
      await s.m.Item.batchCreate(
        Array.from({ length: 60 }, (_, i) => ({ id: `x${i}`, name: 'x' })),
      );
      expectSent({ BatchWriteItemCommand: 3 });
    });

    it('loses no change when 200 pairs of partial updates of different fields race', async () => {
      const ids = Array.from({ length: 200 }, (_, i) => `r${i}`);
      await s.m.Item.batchCreate(ids.map((id) => ({ id, name: 'start' })));
      await Promise.all(
        ids.flatMap((id, i) => [
          s.m.Item.update({ id }, { age: i }),
          s.m.Item.update({ id }, { owner: `o${i}` }),
        ]),
      );
      const items = await s.m.Item.batchGet(ids.map((id) => ({ id })));
      const lost = items.filter((it, i) => it?.age !== i || it?.owner !== `o${i}`);
      expect(lost).toEqual([]);
    });

    it('gives exactly 20 successes to 50 concurrent conditional decrements of a stock of 20', async () => {
      await make('s', { stock: 20 });
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, () =>
          s.m.Item.update({ id: 's' }, { stock: { add: -1 } }, { if: { stock: { gte: 1 } } }),
        ),
      );
      const ok = results.filter((r) => r.status === 'fulfilled').length;
      const conflicts = results.filter(
        (r) => r.status === 'rejected' && r.reason instanceof ConflictError,
      ).length;
      expect([ok, conflicts]).toEqual([20, 30]);
      expect((await s.m.Item.get({ id: 's' }))?.stock).toBe(0);
    });

    it('counts every successful write of 20 versioned writers retrying on conflict', async () => {
      await s.m.Doc.create({ id: 'c', body: 'x' });
      let successes = 0;
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          for (;;) {
            const doc = (await s.m.Doc.get({ id: 'c' }))!;
            try {
              await s.m.Doc.update(
                { id: 'c' },
                { count: doc.count + 1 },
                { expectedVersion: doc.version },
              );
              successes++;
              return;
            } catch (error) {
              if (!(error instanceof ConflictError)) throw error;
            }
          }
        }),
      );
      const final = (await s.m.Doc.get({ id: 'c' }))!;
      expect([successes, final.count, final.version]).toEqual([20, 20, 21]);
    });
  });
}

updateContract('memory', async () => {
  const backend = new InMemoryBackend();
  return {
    m: defineModels(backend),
    reset: async () => backend.clear(),
    commands: null,
    resetCount: () => {},
  };
});

const engines: Engine[] = [];
const backends: DynamoDBBackend[] = [];
afterAll(async () => {
  for (const b of backends) b.close();
  for (const e of engines) await e.close();
});

async function onEngine(start: () => Promise<Engine>, table: string): Promise<Setup> {
  const engine = await start();
  engines.push(engine);
  const backend = new DynamoDBBackend({ tableName: table, endpoint: engine.endpoint });
  backends.push(backend);
  const m = defineModels(backend);
  await backend.createTable([m.Item, m.Doc, m.Part]);
  const counter = countRequests(backend);
  return {
    m,
    reset: async () => {
      await truncate(backend);
      counter.reset();
    },
    commands: () => ({ ...counter.counts }),
    resetCount: () => counter.reset(),
  };
}

updateContract('dynalite', () => onEngine(startDynalite, 'updates'));
const unavailable = dynamoDBLocalUnavailable();
if (unavailable) describe.skip(`partial updates: DynamoDB Local (${unavailable})`, () => {});
else updateContract('DynamoDB Local', () => onEngine(startDynamoDBLocal, 'updates'));
