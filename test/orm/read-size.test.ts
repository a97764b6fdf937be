import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBBackend, field, Model, partitionKey, sortKey } from '../../src/orm/index.js';
import { defineModels, type Models } from '../fixtures/models.js';
import { countRequests, type Engine, startDynalite } from '../helpers/engines.js';
import { serve } from '../schema/harness.js';

// Reading no more than a page needs: conditions the key condition already enforces leave the filter,
// so an unfiltered keyed page asks the engine for exactly n + 1 items (n, and one to know whether
// more follow). Asserted on the commands sent to dynalite.

describe('keyed pages read n + 1 items', () => {
  let engine: Engine;
  let backend: DynamoDBBackend;
  let m: Models;
  let requests: ReturnType<typeof countRequests>;

  class Folded extends Model('Folded', { owner: field.string(), n: field.string() }) {
    static meta = { backend: undefined as unknown as DynamoDBBackend };
    // A transformed key: 'Bob' and 'bob' share a partition, so the equality must stay a filter.
    @partitionKey pk() {
      return `OWNER#${this.owner.toLowerCase()}`;
    }
    @sortKey sk() {
      return `N#${this.n}`;
    }
  }

  beforeAll(async () => {
    engine = await startDynalite();
    backend = new DynamoDBBackend({ tableName: 'readsize', endpoint: engine.endpoint });
    m = defineModels(backend);
    Folded.meta = { backend };
    await backend.createTable([m.User, m.TodoItem, m.Order, m.Product, Folded]);
    await m.User.create({ id: 'alice', email: 'a@x.io', name: 'Alice' });
    await m.Order.batchCreate(
      Array.from({ length: 30 }, (_, i) => ({
        userId: 'alice',
        orderId: `o${String(i).padStart(2, '0')}`,
        total: i,
        placedAt: new Date(Date.UTC(2026, 0, 1 + i)),
      })),
    );
    await Folded.batchCreate([
      { owner: 'Bob', n: '1' },
      { owner: 'bob', n: '2' },
    ]);
    requests = countRequests(backend);
  });
  afterAll(async () => {
    backend.close();
    await engine.close();
  });

  const queries = () =>
    requests.log.filter((r) => r.command === 'QueryCommand').map((r) => r.input);

  it('an unfiltered keyed page of 5 asks for Limit 6 and filters only the entity type', async () => {
    requests.reset();
    const page = await m.Order.where({ userId: 'alice' }).limit(5).paginate();
    expect(page.items).toHaveLength(5);
    expect(page.cursor).not.toBeNull();
    expect(queries()).toEqual([
      expect.objectContaining({ Limit: 6, FilterExpression: '#n0 = :v0' }),
    ]);
    expect(queries()[0]!.ExpressionAttributeNames).toEqual({
      '#n0': 'entity_type',
      '#n1': 'pk',
      '#n2': 'sk',
    });
  });

  it('a walk over 30 items in pages of 10 reads 33 items in 3 Queries', async () => {
    requests.reset();
    let q = m.Order.where({ userId: 'alice' }).limit(10);
    let seen = 0;
    for (;;) {
      const page = await q.paginate();
      seen += page.items.length;
      if (!page.cursor) break;
      q = q.cursor(page.cursor);
    }
    expect(seen).toBe(30);
    expect(queries().map((i) => i.Limit)).toEqual([11, 11, 11]);
  });

  it('a filtered keyed page still reads ahead, and a transformed key keeps its equality as a filter', async () => {
    requests.reset();
    await m.Order.where({ userId: 'alice', total: { gte: 25 } })
      .limit(2)
      .paginate();
    expect(queries()[0]!.Limit).toBeGreaterThan(3);
    requests.reset();
    const bobs = await Folded.where({ owner: 'Bob' }).all();
    expect(bobs.map((f) => f.owner)).toEqual(['Bob']);
    expect(queries()[0]!.FilterExpression).toMatch(/AND/);
  });

  it('a hasMany page in GraphQL asks for first + 1', async () => {
    const { gql } = serve(m);
    requests.reset();
    const res = await gql(
      '{ users(first: 1) { edges { node { orders(first: 5) { edges { node { orderId } } } } } } }',
    );
    expect(res.errors).toBeUndefined();
    expect(queries().map((i) => i.Limit)).toEqual([6]);
    // Read by key, the user and its first page are a collection read asking for 1 + (5 + 1) items;
    // alice's 30 orders sort before PROFILE, so a second Query reads just the range left (PROFILE).
    requests.reset();
    const byKey = await gql(
      '{ user(rowId: "alice") { orders(first: 5) { edges { node { orderId } } } } }',
    );
    expect(byKey.errors).toBeUndefined();
    expect(queries().map((i) => i.Limit)).toEqual([7, 2]);
    expect(Object.values(queries()[1]!.ExpressionAttributeValues as object)).toEqual([
      'User',
      'USER#alice',
      'PROFILE',
    ]);
  });
});
