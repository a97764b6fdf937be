// Fault injection on dynalite through SDK middleware: throttling, connection resets, unprocessed
// batch items and lost responses. Batches must either complete with every item exactly once or fail
// with an exact `unprocessed` list and no request after the failure; single writes must never report
// a false failure when their response was lost after the engine applied them.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BackendError,
  ConflictError,
  DuplicateKeyError,
  DynamoDBBackend,
  modelOf,
  type StoredItem,
  type StoredKey,
} from '../../src/orm/index.js';
import { layoutFor } from '../../src/orm/layout.js';
import { defineModels, type Models } from '../fixtures/models.js';
import {
  dynamoDBLocalUnavailable,
  type Engine,
  startDynalite,
  startDynamoDBLocal,
  truncate,
} from '../helpers/engines.js';
import { type FaultMix, injectFaults } from '../helpers/faults.js';

let engine: Engine;
let clean: DynamoDBBackend;
let cm: Models;
const opened: DynamoDBBackend[] = [];
beforeAll(async () => {
  engine = await startDynalite();
  clean = new DynamoDBBackend({ tableName: 'faults', endpoint: engine.endpoint });
  cm = defineModels(clean);
  await clean.createTable([cm.Product, cm.TodoItem, cm.Document]);
});
afterAll(async () => {
  for (const b of opened) b.close();
  clean.close();
  await engine.close();
});
beforeEach(async () => {
  await truncate(clean);
});

/** A backend on the same table whose client suffers `mix`. */
function faulty(
  mix: FaultMix,
  options: Partial<ConstructorParameters<typeof DynamoDBBackend>[0]> = {},
) {
  const backend = new DynamoDBBackend({
    tableName: 'faults',
    endpoint: engine.endpoint,
    retry: { baseDelayMs: 2, maxDelayMs: 40 },
    ...options,
  });
  opened.push(backend);
  const faults = injectFaults(backend, mix);
  return { backend, faults, m: defineModels(backend) };
}

const keyId = (k: StoredKey | StoredItem) => `${k.pk}|${k.sk}`;

/**
 * The engine-level BackendError of a failed batch: thrown as is by the backend, or the cause of the
 * ORM's own error for batchCreate (which adds the positions of the items written and not written).
 */
function engineError(e: unknown): BackendError {
  if (e instanceof BackendError) return e;
  const cause = (e as { cause?: unknown } | null)?.cause;
  expect(cause).toBeInstanceOf(BackendError);
  return cause as BackendError;
}

/** Every stored item's key, read without faults. */
async function storedKeys(): Promise<string[]> {
  const all = await cm.Product.where().all();
  return all.map((p) => `Product#${p.sku}|METADATA`);
}

const products = (n: number, run: number) =>
  Array.from({ length: n }, (_, i) => ({ sku: `r${run}-${i}`, price: i, stock: run }));

const MIX = { unprocessed: 0.3, throttle: 0.2, reset: 0.02 } as const;

describe('batches under faults (30% unprocessed, 20% throttled, 2% resets)', () => {
  const N = 1000;
  const outcomes: string[] = [];
  afterAll(() => {
    console.log(`batch fault runs (${N} items each):\n  ${outcomes.join('\n  ')}`);
  });

  for (const [run, maxAttempts] of [
    [1, 6],
    [2, 16],
  ] as const)
    it(`batchCreate then batchGet, run ${run} (maxAttempts ${maxAttempts}): complete, or an exact unprocessed list and silence after the failure`, async () => {
      const { backend, faults, m } = faulty(
        { ...MIX, seed: run * 7919 },
        { retry: { baseDelayMs: 2, maxDelayMs: 40, maxAttempts } },
      );
      const input = products(N, run);
      const all = input.map((p) => `Product#${p.sku}|METADATA`);

      // ---- batchCreate
      let failedAt = 0;
      let error: BackendError | null = null;
      try {
        await m.Product.batchCreate(input);
      } catch (e) {
        failedAt = performance.now();
        error = engineError(e);
        const positions = (e as { unwritten?: number[] }).unwritten;
        if (positions)
          expect(positions.map((i) => `Product#${input[i]!.sku}|METADATA`).sort()).toEqual(
            (error.unprocessed as StoredItem[]).map(keyId).sort(),
          );
      }
      await new Promise((r) => setTimeout(r, 100)); // anything still on its way would now be logged
      const writes = faults.count('BatchWriteItemCommand');
      if (error === null) {
        const stored = await storedKeys();
        expect(stored.sort()).toEqual([...all].sort());
        outcomes.push(
          `run ${run} batchCreate: ok, ${writes} BatchWriteItem requests, injected ${JSON.stringify(faults.injected)}`,
        );
      } else {
        expect(error).toBeInstanceOf(BackendError);
        const after = faults.count('BatchWriteItemCommand', failedAt);
        expect(after).toBe(0);
        const unprocessed = (error.unprocessed as StoredItem[]).map(keyId);
        const processed = (error.processed as StoredItem[]).map(keyId);
        const stored = new Set(await storedKeys());
        expect(unprocessed.length).toBeGreaterThan(0);
        // exact: every item is stored xor listed as unprocessed, and processed lists the stored ones
        expect(unprocessed.filter((k) => stored.has(k))).toEqual([]);
        expect(all.filter((k) => !stored.has(k)).sort()).toEqual([...unprocessed].sort());
        expect([...processed].sort()).toEqual([...stored].sort());
        outcomes.push(
          `run ${run} batchCreate: failed (${error.message.slice(0, 90)}…), ${unprocessed.length} unprocessed = ${unprocessed.length} missing, ${writes} requests, ${after} after the failure, injected ${JSON.stringify(faults.injected)}`,
        );
        // Retrying with the unprocessed list (on the same faulty backend) completes the batch.
        const layout = layoutFor(modelOf(m.Product), backend.adapter);
        let left = error.unprocessed as StoredItem[];
        let retries = 0;
        while (left.length > 0) {
          retries++;
          try {
            await backend.batchPutItems(layout, left);
            left = [];
          } catch (e) {
            left = engineError(e).unprocessed as StoredItem[];
          }
        }
        expect((await storedKeys()).sort()).toEqual([...all].sort());
        outcomes.push(
          `run ${run} batchCreate: completed by ${retries} retry call(s) with the unprocessed list`,
        );
      }

      // ---- batchGet: every stored item, plus 20 keys that do not exist
      const keys = [
        ...input.map((p) => ({ sku: p.sku })),
        ...Array.from({ length: 20 }, (_, i) => ({ sku: `missing-${i}` })),
      ];
      const reads = faults.count('BatchGetItemCommand');
      let got: ({ sku: string } | null)[] | null = null;
      let readError: BackendError | null = null;
      try {
        got = await m.Product.batchGet(keys);
      } catch (e) {
        failedAt = performance.now();
        readError = engineError(e);
      }
      await new Promise((r) => setTimeout(r, 100));
      const readRequests = faults.count('BatchGetItemCommand') - reads;
      if (readError === null) {
        expect(got!.map((p) => p?.sku ?? null)).toEqual(
          keys.map((k) => (k.sku.startsWith('missing') ? null : k.sku)),
        );
        outcomes.push(
          `run ${run} batchGet: ok, ${keys.length} keys, every item once, ${readRequests} BatchGetItem requests`,
        );
      } else {
        expect(readError).toBeInstanceOf(BackendError);
        expect(faults.count('BatchGetItemCommand', failedAt)).toBe(0);
        const unread = (readError.unprocessed as StoredKey[]).map(keyId);
        const found = (readError.processed as StoredItem[]).map(keyId);
        expect(new Set(found).size).toBe(found.length);
        expect(found.filter((k) => unread.includes(k))).toEqual([]);
        // every existing item is found or unread; no missing key is found
        expect([...found, ...unread.filter((k) => !k.includes('missing'))].sort()).toEqual(
          [...all].sort(),
        );
        outcomes.push(
          `run ${run} batchGet: failed, ${found.length} found items carried, ${unread.length} keys unread, ${readRequests} requests, 0 after the failure`,
        );
      }
    }, 30_000);
});

describe('a failed batch stops sending', () => {
  it('sends no chunk after one gives up, and lists the never-sent chunks as unprocessed', async () => {
    // Every BatchWriteItem throttled: the first chunks to give up end the batch.
    const { faults, m } = faulty(
      { throttle: 1, seed: 3 },
      { retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 3 } },
    );
    const input = products(500, 9);
    const err = engineError(await m.Product.batchCreate(input).catch((e: unknown) => e));
    const failedAt = performance.now();
    await new Promise((r) => setTimeout(r, 100));
    expect(err).toBeInstanceOf(BackendError);
    expect(err.message).toMatch(
      /still failing after 3 attempts \(last: ProvisionedThroughputExceededException/,
    );
    expect(err.unprocessed).toHaveLength(500);
    expect(err.processed).toHaveLength(0);
    // 4 chunks in flight, 3 attempts each at most; the other 16 chunks never start
    expect(faults.count('BatchWriteItemCommand')).toBeLessThanOrEqual(12);
    expect(faults.count('BatchWriteItemCommand', failedAt)).toBe(0);
  });

  it('reads back what requests with lost responses carried: complete when all of it is stored', async () => {
    // Every BatchWriteItem is applied, then its connection resets: the retries give up, but a
    // consistent read shows every item stored as written, so the batch has succeeded.
    const lost = faulty(
      { reset: 1, resetAfter: 1, seed: 12, commands: ['BatchWriteItemCommand'] },
      { retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 2 } },
    );
    await lost.m.Product.batchCreate(products(60, 12));
    expect(await cm.Product.where().count()).toBe(60);
    expect(lost.faults.count('BatchGetItemCommand')).toBe(1);

    // Half the resets before the engine sees the request: exactly the items never stored are listed.
    await truncate(clean);
    const half = faulty(
      { reset: 1, resetAfter: 0.5, seed: 13, commands: ['BatchWriteItemCommand'] },
      { retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 1, concurrency: 1 } },
    );
    const err = engineError(
      await half.m.Product.batchCreate(products(100, 13)).catch((e: unknown) => e),
    );
    const stored = new Set(await storedKeys());
    expect((err.unprocessed as StoredItem[]).map(keyId).filter((k) => stored.has(k))).toEqual([]);
    expect((err.processed as StoredItem[]).map(keyId).sort()).toEqual([...stored].sort());
    expect(err.unprocessed.length + err.processed.length).toBe(100);
  });

  it('a batchGet that gives up carries every item it found', async () => {
    await cm.Product.batchCreate(products(300, 10));
    const { m } = faulty(
      { unprocessed: 0.5, seed: 11 },
      { retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 2 } },
    );
    const err = (await m.Product.batchGet(products(300, 10).map((p) => ({ sku: p.sku }))).catch(
      (e: unknown) => e,
    )) as BackendError;
    expect(err).toBeInstanceOf(BackendError);
    expect(err.processed.length + err.unprocessed.length).toBe(300);
    expect(err.processed.length).toBeGreaterThan(200);
  });
});

describe('single operations: retry policy', () => {
  async function deleteAll(m: Models, skus: string[], concurrency: number) {
    const loaded = await m.Product.batchGet(skus.map((sku) => ({ sku })));
    const results: (boolean | string)[] = [];
    for (let i = 0; i < loaded.length; i += concurrency)
      results.push(
        ...(await Promise.all(
          loaded.slice(i, i + concurrency).map((p) => p!.delete().catch((e: Error) => e.name)),
        )),
      );
    return results;
  }

  it('600 deletes under 20% throttling all succeed (8 attempts; standard mode, for speed)', async () => {
    await cm.Product.batchCreate(products(600, 20));
    const { faults, m } = faulty(
      { throttle: 0.2, seed: 21, commands: ['DeleteItemCommand'] },
      { operationRetry: { mode: 'standard' } },
    );
    const started = performance.now();
    const results = await deleteAll(
      m,
      products(600, 20).map((p) => p.sku),
      50,
    );
    expect(results.filter((r) => r !== true)).toEqual([]);
    expect(faults.injected.throttle).toBeGreaterThan(100);
    console.log(
      `600 deletes, 20% throttled (standard): ${results.filter((r) => r === true).length} true, ${faults.injected.throttle} throttles injected, ${faults.count('DeleteItemCommand')} attempts, ${Math.round(performance.now() - started)} ms`,
    );
  }, 20_000);

  it('is adaptive by default (the SDK rate limiter; README has its measured cost)', async () => {
    const { backend, m } = faulty({});
    const strategy = await (
      backend.client.config as unknown as {
        retryStrategy: () => Promise<{ mode: string }>;
      }
    ).retryStrategy();
    expect(strategy.mode).toBe('adaptive');
    expect(await m.Product.get({ sku: 'none' })).toBeNull();
  });

  it('gives up after the attempts it is given, or when its time budget is spent', async () => {
    const { faults, m } = faulty(
      { throttle: 1, seed: 5, commands: ['GetItemCommand'] },
      { operationRetry: { attempts: 3, mode: 'standard' } },
    );
    const err = await m.Product.get({ sku: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect(faults.count('GetItemCommand')).toBe(3);

    const budgeted = faulty(
      { throttle: 1, seed: 6, commands: ['GetItemCommand'] },
      { operationRetry: { attempts: 1000, budgetMs: 300, mode: 'standard' } },
    );
    const started = performance.now();
    const late = await budgeted.m.Product.get({ sku: 'x' }).catch((e: unknown) => e);
    const took = performance.now() - started;
    expect(late).toBeInstanceOf(BackendError);
    expect(took).toBeLessThan(400);
    expect(budgeted.faults.count('GetItemCommand')).toBeGreaterThan(2);
    expect(budgeted.faults.count('GetItemCommand')).toBeLessThan(1000);
  });
});

describe('lost responses (the engine applied the write, the SDK retries)', () => {
  const figures: string[] = [];
  afterAll(() => {
    console.log(`lost-response runs (10% of write responses lost):\n  ${figures.join('\n  ')}`);
  });
  const LOST = { lostResponse: 0.1 } as const;

  it('300 creates: no DuplicateKeyError for their own item', async () => {
    const { faults, m } = faulty({ ...LOST, seed: 31 });
    const errors: string[] = [];
    for (let i = 0; i < 300; i++)
      await m.TodoItem.create({ userId: 'u', todoId: `t${i}`, title: `T${i}` }).catch((e: Error) =>
        errors.push(e.name),
      );
    expect(errors).toEqual([]);
    expect(await cm.TodoItem.where({ userId: 'u' }).count()).toBe(300);
    expect(faults.injected.lostResponse).toBeGreaterThan(10);
    // a real duplicate is still refused
    await expect(
      m.TodoItem.create({ userId: 'u', todoId: 't0', title: 'again' }),
    ).rejects.toBeInstanceOf(DuplicateKeyError);
    figures.push(
      `300 creates: ${faults.injected.lostResponse} lost responses, 0 DuplicateKeyError, 300 stored`,
    );
  }, 20_000);

  it('300 versioned saves: no ConflictError although their version was stored', async () => {
    await cm.Document.batchCreate(
      Array.from({ length: 100 }, (_, i) => ({ id: `d${i}`, body: 'v1' })),
    );
    const { faults, m } = faulty({ ...LOST, seed: 32 });
    const docs = await m.Document.batchGet(
      Array.from({ length: 100 }, (_, i) => ({ id: `d${i}` })),
    );
    const errors: string[] = [];
    for (let round = 2; round <= 4; round++)
      for (const d of docs) {
        d!.body = `v${round}`;
        await d!.save().catch((e: Error) => errors.push(e.name));
      }
    expect(errors).toEqual([]);
    const stored = await cm.Document.batchGet(docs.map((d) => ({ id: d!.id })));
    expect(stored.map((d) => [d?.version, d?.body])).toEqual(docs.map(() => [4, 'v4']));
    expect(docs.every((d) => d!.version === 4)).toBe(true);
    // a really stale version is still a conflict
    const stale = (await cm.Document.get({ id: 'd0' }))!;
    stale.version = 2;
    stale.body = 'stale';
    await expect(stale.save()).rejects.toBeInstanceOf(ConflictError);
    figures.push(
      `300 versioned saves: ${faults.injected.lostResponse} lost responses, 0 ConflictError, every version 4`,
    );
  }, 20_000);

  it('300 deletes: true although the first attempt deleted', async () => {
    await cm.Product.batchCreate(products(300, 40));
    const { faults, m } = faulty({ ...LOST, seed: 33 });
    const loaded = await m.Product.batchGet(products(300, 40).map((p) => ({ sku: p.sku })));
    const answers: (boolean | string)[] = [];
    for (const p of loaded) answers.push(await p!.delete().catch((e: Error) => e.name));
    expect(answers.filter((a) => a !== true)).toEqual([]);
    expect(await cm.Product.where().count()).toBe(0);
    figures.push(`300 deletes: ${faults.injected.lostResponse} lost responses, 300 true, 0 false`);
  }, 20_000);

  it('300 versioned upserts: the version counts each upsert once', async () => {
    const { faults, m } = faulty({ ...LOST, seed: 34 });
    const errors: string[] = [];
    for (let round = 1; round <= 3; round++)
      for (let i = 0; i < 100; i++)
        await m.Document.upsert({ id: `u${i}`, body: `r${round}` }).catch((e: Error) =>
          errors.push(e.name),
        );
    expect(errors).toEqual([]);
    const stored = await cm.Document.batchGet(
      Array.from({ length: 100 }, (_, i) => ({ id: `u${i}` })),
    );
    const versions = stored.map((d) => d?.version);
    expect(versions.filter((v) => v !== 3)).toEqual([]);
    figures.push(
      `300 versioned upserts: ${faults.injected.lostResponse} lost responses, every version 3 (no double bump)`,
    );
  }, 20_000);
});

const localUnavailable = dynamoDBLocalUnavailable();
describe('lost responses on DynamoDB Local: recognised by the item returned with the failed condition', () => {
  if (localUnavailable) {
    it.skip(`skipped: ${localUnavailable}`, () => {});
    return;
  }
  let local: Engine;
  let backend: DynamoDBBackend;
  beforeAll(async () => {
    local = await startDynamoDBLocal();
    const setup = new DynamoDBBackend({ tableName: 'lost', endpoint: local.endpoint });
    const models = defineModels(setup);
    await setup.createTable([models.TodoItem, models.Document]);
    setup.close();
    backend = new DynamoDBBackend({ tableName: 'lost', endpoint: local.endpoint });
  }, 60_000);
  afterAll(async () => {
    backend?.close();
    await local?.close();
  });

  it('100 creates and 100 versioned saves at 15% lost responses: no false error, no extra read', async () => {
    const faults = injectFaults(backend, { lostResponse: 0.15, seed: 51 });
    const m = defineModels(backend);
    const errors: string[] = [];
    for (let i = 0; i < 100; i++)
      await m.TodoItem.create({ userId: 'u', todoId: `t${i}`, title: 'x' }).catch((e: Error) =>
        errors.push(e.name),
      );
    const doc = await m.Document.create({ id: 'd', body: 'v1' });
    for (let i = 2; i <= 101; i++) {
      doc.body = `v${i}`;
      await doc.save().catch((e: Error) => errors.push(e.name));
    }
    expect(errors).toEqual([]);
    expect((await m.Document.get({ id: 'd' }))?.version).toBe(101);
    expect(faults.injected.lostResponse).toBeGreaterThan(15);
    expect(faults.count('GetItemCommand')).toBe(1); // only the get above
  }, 30_000);
});
