import { createRequire } from 'node:module';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ValidationIssue } from '../../src/orm/errors.js';
import {
  type Backend,
  DynamoDBBackend,
  field,
  gsiPartitionKey,
  InMemoryBackend,
  Model,
  partitionKey,
  sortKey,
  transaction,
  ValidationError,
} from '../../src/orm/index.js';
import {
  checkItem,
  checkKeys,
  checkSize,
  checkValue,
  itemSize,
  numberSize,
  utf8Length,
} from '../../src/orm/limits.js';
import { contextOf } from '../../src/orm/registry.js';
import {
  countRequests,
  dynamoDBLocalUnavailable,
  type Engine,
  startDynalite,
  startDynamoDBLocal,
  truncate,
} from '../helpers/engines.js';

// DynamoDB's own limits, checked by the ORM before any request and the same on every backend: item size
// (400 KB), key sizes (2048 / 1024 bytes), number range and exactness, empty sets. The size of an item
// an update leaves is refused by the engine: the in-memory backend computes it, the DynamoDB backend maps
// DynamoDB's ValidationException; both answer the same ValidationError.

const dynaliteDb = createRequire(import.meta.url)('dynalite/db/index.js') as {
  itemSize: (item: unknown) => number;
};

describe('DynamoDB sizing rules', () => {
  it('counts UTF-8 bytes', () => {
    expect(['a', 'é', '€', '😀', 'a😀b'].map(utf8Length)).toEqual([1, 2, 3, 4, 6]);
    expect(utf8Length('\ud800x')).toBe(Buffer.byteLength('\ud800x'));
  });

  it('sizes numbers, sets, lists and maps as dynalite (measured against DynamoDB) does, for ASCII text', () => {
    const numbers = [
      0,
      1,
      -1,
      12,
      123,
      1.5,
      -99.1,
      100,
      0.001,
      1e-7,
      123456789,
      2 ** 53 - 1,
      1e125,
    ];
    for (const n of numbers)
      expect(numberSize(n), String(n)).toBe(dynaliteDb.itemSize({ n: { N: String(n) } }) - 1);
    const item = {
      pk: 'USER#1',
      sk: 'PROFILE',
      n: 42.5,
      b: true,
      tags: new Set(['a', 'bb', 'ccc']),
      scores: new Set([1, 22, 333]),
      list: [1, 'two', [3], { four: 4 }],
      map: { a: 1, nested: { b: 'x', c: [true, null] } },
    };
    expect(itemSize(item)).toBe(dynaliteDb.itemSize(marshall(item)));
  });

  it('sizes safe integers (by arithmetic) as their decimal text says', () => {
    const ints = [7, -7, 10, 90, 1000, 1001, 120000, -98765, 10 ** 15, 2 ** 53 - 1, -(2 ** 53 - 1)];
    for (const n of ints)
      expect(numberSize(n), String(n)).toBe(dynaliteDb.itemSize({ n: { N: String(n) } }) - 1);
  });

  it('answers, in one pass for items that meet every limit, what the per-value checks answer', () => {
    const { Doc } = defineModels(new InMemoryBackend());
    const { layout } = contextOf(Doc);
    // The checks one by one: what checkItem answered before it proved most items in one pass.
    const oneByOne = (item: Record<string, unknown>) => {
      const issues: ValidationIssue[] = [];
      for (const [name, value] of Object.entries(item)) checkValue(value, `[3].${name}`, issues);
      checkKeys(layout, item, '[3].', issues);
      checkSize(item, itemSize(item), '[3].', issues);
      return issues;
    };
    const key = { pk: 'Doc#1', sk: 'METADATA', entity_type: 'Doc' };
    const values: unknown[] = [
      'text',
      'é😀',
      0,
      -0,
      1e-130,
      9.99e-131,
      -1e-130,
      2 ** 53 - 1,
      2 ** 53,
      -(2 ** 53),
      1e126,
      1.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      true,
      null,
      undefined,
      new Set(['a', 'b']),
      new Set(),
      new Set([1, 2 ** 60]),
      [1, 'two', [3], { four: 4 }],
      [1, undefined],
      { a: { b: [1e200] } },
      { a: null, b: new Uint8Array(3) },
      new Uint8Array(0),
      'y'.repeat(400 * 1024 - 40),
      'y'.repeat(400 * 1024),
    ];
    let refusedItems = 0;
    for (const value of values) {
      const item = { ...key, data: value };
      const issues: ValidationIssue[] = [];
      checkItem(layout, item, '[3].', issues);
      expect(issues, String(value).slice(0, 20)).toEqual(oneByOne(item));
      if (issues.length > 0) refusedItems++;
    }
    expect(refusedItems).toBe(12);
    for (const [attr, text] of [
      ['pk', 'p'.repeat(2048)],
      ['pk', 'p'.repeat(2049)],
      ['pk', '€'.repeat(682)],
      ['pk', '€'.repeat(683)],
      ['sk', 's'.repeat(1024)],
      ['sk', 's'.repeat(1025)],
      ['gsi_pk_ByGroup', `GROUP#${'g'.repeat(2048)}`],
    ] as const) {
      const item = { ...key, [attr]: text };
      const issues: ValidationIssue[] = [];
      checkItem(layout, item, '[3].', issues);
      expect(issues, `${attr} of ${text.length}`).toEqual(oneByOne(item));
    }
  });
});

function defineModels(backend: Backend) {
  class Doc extends Model('Doc', {
    id: field.string({ primaryKey: true }),
    body: field.string({ optional: true }),
    notes: field.string({ optional: true }),
    price: field.float({ optional: true }),
    tags: field.stringSet({ optional: true }),
    scores: field.numberSet({ optional: true }),
    data: field.json({ optional: true }),
    group: field.string({ optional: true }),
  }) {
    static meta = { backend };
    @gsiPartitionKey('ByGroup') groupPk() {
      return this.group ? `GROUP#${this.group}` : null;
    }
  }
  class Line extends Model('Line', { doc: field.string(), line: field.string() }) {
    static meta = { backend };
    @partitionKey pk() {
      return `DOC#${this.doc}`;
    }
    @sortKey sk() {
      return this.line;
    }
  }
  return { Doc, Line };
}

interface Setup {
  readonly m: ReturnType<typeof defineModels>;
  readonly reset: () => Promise<void>;
  readonly commands: (() => Record<string, number>) | null;
  /** Sends an item straight to the engine, bypassing the ORM's checks (null in memory). */
  readonly raw: ((item: Record<string, unknown>) => Promise<unknown>) | null;
  readonly transactions: boolean;
}

const KB = 1024;
const refused = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ValidationError);
  return err as ValidationError;
};

function limitsContract(name: string, setup: () => Promise<Setup>) {
  describe(`DynamoDB limits before any request: ${name}`, () => {
    let s: Setup;
    beforeAll(async () => {
      s = await setup();
    }, 120_000);
    beforeEach(async () => {
      await s.reset();
    });
    const expectSent = (expected: Record<string, number>) => {
      const c = s.commands?.();
      if (c) expect(c).toEqual(expected);
    };

    it('refuses an item over 400 KB, naming the limit and the largest attribute', async () => {
      const err = await refused(s.m.Doc.create({ id: 'big', body: 'x'.repeat(401 * KB) }));
      expect(err.issues).toEqual([
        expect.objectContaining({
          path: 'body',
          expected: 'item size <= 409600 bytes',
          message: expect.stringContaining('400 KB'),
        }),
      ]);
      await refused(s.m.Doc.upsert({ id: 'big', body: 'x'.repeat(401 * KB) }));
      const doc = await s.m.Doc.create({ id: 'small' });
      doc.body = 'é'.repeat(205 * KB); // 410 KB in UTF-8, 205 K characters
      await refused(doc.save());
      expectSent({ PutItemCommand: 1 });
      expect((await s.m.Doc.get({ id: 'small' }))?.body).toBeNull();
    });

    it('stores an item of exactly 400 KB by its sizing rules, and DynamoDB refuses one byte more', async () => {
      const probe = { pk: 'Doc#edge', sk: 'METADATA', entity_type: 'Doc', id: 'edge', body: '' };
      const body = 'y'.repeat(400 * KB - itemSize(probe));
      const doc = await s.m.Doc.create({ id: 'edge', body });
      expect((await s.m.Doc.get({ id: 'edge' }))?.body).toHaveLength(body.length);
      expect(doc.body).toBe(body);
      await refused(s.m.Doc.upsert({ id: 'edge', body: `${body}y` }));
      if (s.raw) {
        const err = await s.raw({ ...probe, body: `${body}y` }).catch((e) => e);
        expect(err).toMatchObject({ name: 'ValidationException' });
      }
    });

    it('refuses 20,000 set members whose total is over 400 KB', async () => {
      const tags = Array.from({ length: 20_000 }, (_, i) => `tag-${String(i).padStart(20, '0')}`);
      const err = await refused(s.m.Doc.create({ id: 'set', tags: new Set(tags) }));
      expect(err.issues[0]).toMatchObject({ path: 'tags', expected: 'item size <= 409600 bytes' });
      await refused(s.m.Doc.update({ id: 'set' }, { tags: { add: tags } }));
      expectSent({});
    });

    it('refuses key values over 2048 (partition) and 1024 (sort) bytes, table and GSI, in writes and lookups', async () => {
      const long = 'k'.repeat(3 * KB);
      const err = await refused(s.m.Doc.create({ id: long }));
      expect(err.issues[0]).toMatchObject({
        path: 'id',
        expected: 'partition key <= 2048 bytes (UTF-8)',
        received: `${3 * KB + 'Doc#'.length} bytes`,
      });
      const sort = await refused(s.m.Line.create({ doc: 'd', line: 'l'.repeat(1100) }));
      expect(sort.issues.map((i) => i.expected)).toContain('sort key <= 1024 bytes (UTF-8)');
      const gsi = await refused(s.m.Doc.create({ id: 'g', group: long }));
      expect(gsi.issues[0]).toMatchObject({ path: 'group' });
      expect(gsi.issues[0]!.message).toContain('index ByGroup');
      await refused(s.m.Doc.get({ id: long }));
      await refused(s.m.Doc.update({ id: long }, { body: 'b' }));
      await refused(s.m.Doc.delete({ id: long }));
      await refused(s.m.Doc.batchGet([{ id: 'a' }, { id: long }]));
      await s.m.Doc.create({ id: 'g' });
      expectSent({ PutItemCommand: 1 });
      await refused(s.m.Doc.update({ id: 'g' }, { group: long }));
      expectSent({ PutItemCommand: 1 });
    });

    it('refuses numbers DynamoDB cannot store or the SDK cannot send exactly: 1e308, 1e-200, floats >= 2^53', async () => {
      for (const [price, expected] of [
        [1e308, 'magnitude <= 9.99E+125 (and within ±9007199254740991)'],
        [-1e200, 'magnitude <= 9.99E+125 (and within ±9007199254740991)'],
        [1e-200, 'magnitude >= 1E-130, or 0'],
        [2 ** 53, 'within ±9007199254740991'],
        [1e20, 'within ±9007199254740991'],
      ] as const) {
        const err = await refused(s.m.Doc.create({ id: 'n', price }));
        expect(err.issues).toEqual([expect.objectContaining({ path: 'price', expected })]);
      }
      await refused(s.m.Doc.create({ id: 'n', scores: new Set([1, 1e-131]) }));
      await refused(s.m.Doc.create({ id: 'n', data: { deep: [{ x: 1e300 }] } }));
      await s.m.Doc.create({
        id: 'n',
        price: 2 ** 53 - 1,
        scores: new Set([1e-130, 9.5e125 / 1e120]),
      });
      expectSent({ PutItemCommand: 1 });
      await refused(s.m.Doc.update({ id: 'n' }, { price: 1e308 }));
      await refused(s.m.Doc.update({ id: 'n' }, { price: { add: 1e-200 } }));
      await refused(s.m.Doc.update({ id: 'n' }, { scores: { add: [2 ** 60] } }));
      expectSent({ PutItemCommand: 1 });
      expect((await s.m.Doc.get({ id: 'n' }))?.price).toBe(2 ** 53 - 1);
    });

    it('batchCreate and transactions refuse before any request, naming the item', async () => {
      const err = await refused(
        s.m.Doc.batchCreate([{ id: 'a' }, { id: 'b', price: 1e308 }, { id: 'c' }]),
      );
      expect(err.issues).toEqual([expect.objectContaining({ path: '[1].price' })]);
      await refused(
        transaction((tx) => {
          tx.create(s.m.Doc, { id: 't1' });
          tx.create(s.m.Doc, { id: 't2', body: 'z'.repeat(401 * KB) });
        }),
      );
      expectSent({});
    });

    it('an update whose result would be over 400 KB is refused by the engine with the same ValidationError', async () => {
      await s.m.Doc.create({ id: 'grow', body: 'b'.repeat(300 * KB) });
      await refused(s.m.Doc.update({ id: 'grow' }, { notes: 'n'.repeat(401 * KB) }));
      expectSent({ PutItemCommand: 1 });
      const err = await refused(s.m.Doc.update({ id: 'grow' }, { notes: 'n'.repeat(150 * KB) }));
      expect(err.issues[0]).toMatchObject({ expected: 'item size <= 409600 bytes' });
      expectSent({ PutItemCommand: 1, UpdateItemCommand: 1 });
      const stored = await s.m.Doc.get({ id: 'grow' });
      expect([stored?.body?.length, stored?.notes]).toEqual([300 * KB, null]);
      // A smaller change still goes through.
      await s.m.Doc.update({ id: 'grow' }, { notes: 'n'.repeat(50 * KB) });
    });

    if (name !== 'dynalite')
      it('a transaction whose item is too large for an update is refused alike', async () => {
        if (!s.transactions) return;
        const doc = await s.m.Doc.create({ id: 'tx' });
        doc.body = 'q'.repeat(401 * KB);
        await refused(transaction((tx) => tx.update(doc)));
        expect((await s.m.Doc.get({ id: 'tx' }))?.body).toBeNull();
      });
  });
}

limitsContract('memory', async () => {
  const backend = new InMemoryBackend();
  return {
    m: defineModels(backend),
    reset: async () => backend.clear(),
    commands: null,
    raw: null,
    transactions: true,
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
  await backend.createTable([m.Doc, m.Line]);
  const counter = countRequests(backend);
  return {
    m,
    reset: async () => {
      await truncate(backend);
      counter.reset();
    },
    commands: () => ({ ...counter.counts }),
    raw: (Item) => backend.client.send(new PutCommand({ TableName: table, Item })),
    transactions: engine.name !== 'dynalite',
  };
}

limitsContract('dynalite', () => onEngine(startDynalite, 'limits'));
const unavailable = dynamoDBLocalUnavailable();
if (unavailable) describe.skip(`DynamoDB limits: DynamoDB Local (${unavailable})`, () => {});
else limitsContract('DynamoDB Local', () => onEngine(startDynamoDBLocal, 'limits'));
