import { type ExecutionResult, parse, subscribe } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  type Change,
  changeMatcher,
  DynamoDBBackend,
  fromWire,
  InMemoryBackend,
  onChange,
  toWire,
  transaction,
} from '../../src/orm/index.js';
import {
  type AuthOptions,
  allow,
  buildSchema,
  CONNECTION,
  changeHubOf,
  rules,
} from '../../src/schema/index.js';
import { defineModels } from '../fixtures/models.js';
import { countRequests, startDynalite } from '../helpers/engines.js';
import { serve } from './harness.js';

function setup(auth?: (m: ReturnType<typeof defineModels>) => AuthOptions) {
  const backend = new InMemoryBackend();
  const m = defineModels(backend);
  const schema = buildSchema({ models: [m.User, m.TodoItem, m.Order, m.Product], auth: auth?.(m) });
  return { backend, m, schema, hub: changeHubOf(schema)! };
}

/** Subscribes through graphql-js itself (what every transport calls) and collects results. */
async function open(
  schema: ReturnType<typeof buildSchema>,
  query: string,
  context: object = {},
): Promise<{
  results: ExecutionResult[];
  next(n: number): Promise<ExecutionResult[]>;
  stop(): void;
}> {
  const stream = await subscribe({ schema, document: parse(query), contextValue: context });
  if (!(Symbol.asyncIterator in stream)) return Promise.reject(stream);
  const it = stream as AsyncGenerator<ExecutionResult>;
  const results: ExecutionResult[] = [];
  return {
    results,
    async next(n) {
      const got: ExecutionResult[] = [];
      for (let i = 0; i < n; i++) {
        const r = await it.next();
        if (r.done) break;
        got.push(r.value);
        results.push(r.value);
      }
      return got;
    },
    stop: () => void it.return?.(undefined),
  };
}

describe('the ORM change feed', () => {
  it('announces every successful write, in order, and nothing for failed or rolled-back ones', async () => {
    const { backend, m } = setup();
    const seen: string[] = [];
    const stop = onChange(backend, (c: Change) => seen.push(`${c.kind}:${JSON.stringify(c.key)}`));
    const log = () => seen.splice(0);
    const alice = await m.User.create({ id: 'alice', email: 'a@x', name: 'Alice' });
    await expect(m.User.create({ id: 'alice', email: 'a@x', name: 'Again' })).rejects.toThrow();
    await expect(
      m.User.create({ id: 'bad', email: 'a@x', name: 'x'.repeat(101) }),
    ).rejects.toThrow();
    alice.name = 'Al';
    await alice.save();
    await m.User.update({ id: 'alice' }, { age: { add: 1 } });
    await expect(m.User.update({ id: 'nobody' }, { age: 3 })).rejects.toThrow();
    // Upsert: a version proves a new item; without one it is announced as an update.
    await m.Document.upsert({ id: 'd1', body: 'new' });
    await m.Document.upsert({ id: 'd1', body: 'again' });
    await m.TodoItem.upsert({ userId: 'alice', todoId: 't1', title: 'new' });
    await m.User.batchCreate([
      { id: 'b1', email: 'b@x', name: 'B1' },
      { id: 'b2', email: 'b@x', name: 'B2' },
    ]);
    expect(log()).toEqual([
      'created:{"pk":"USER#alice","sk":"PROFILE"}',
      'updated:{"pk":"USER#alice","sk":"PROFILE"}',
      'updated:{"pk":"USER#alice","sk":"PROFILE"}',
      'created:{"pk":"Document#d1","sk":"METADATA"}',
      'updated:{"pk":"Document#d1","sk":"METADATA"}',
      'updated:{"pk":"USER#alice","sk":"TODO#t1"}',
      'created:{"pk":"USER#b1","sk":"PROFILE"}',
      'created:{"pk":"USER#b2","sk":"PROFILE"}',
    ]);
    // A transaction announces all of its writes after the commit, or none of them.
    const b1 = (await m.User.get({ id: 'b1' }))!;
    await expect(
      transaction((tx) => {
        tx.create(m.User, { id: 'c1', email: 'c@x', name: 'C' });
        tx.create(m.User, { id: 'alice', email: 'a@x', name: 'taken' });
      }),
    ).rejects.toThrow();
    expect(log()).toEqual([]);
    await transaction((tx) => {
      tx.create(m.User, { id: 'c1', email: 'c@x', name: 'C' });
      tx.delete(b1);
    });
    expect(log()).toEqual([
      'created:{"pk":"USER#c1","sk":"PROFILE"}',
      'deleted:{"pk":"USER#b1","sk":"PROFILE"}',
    ]);
    expect(await m.User.delete({ id: 'nobody' })).toBeNull();
    await m.User.delete({ id: 'b2' });
    expect(await alice.delete()).toBe(true);
    expect(log()).toEqual([
      'deleted:{"pk":"USER#b2","sk":"PROFILE"}',
      'deleted:{"pk":"USER#alice","sk":"PROFILE"}',
    ]);
    stop();
    await m.User.create({ id: 'quiet', email: 'q@x', name: 'Q' });
    expect(seen).toEqual([]);
  });

  it('matches where conditions on stored items, and survives the wire form (sets included)', async () => {
    const { backend, m } = setup();
    const changes: Change[] = [];
    onChange(backend, (c) => changes.push(c));
    await m.Product.create({ sku: 'p1', price: 5, stock: 2, tags: new Set(['a', 'b']) });
    const [change] = changes;
    const wire = JSON.parse(JSON.stringify(toWire(change!)));
    const back = fromWire(wire, new Map([['Product', m.Product]]))!;
    expect(back.item).toEqual(change!.item);
    expect(back.key).toEqual({ pk: 'Product#p1', sk: 'METADATA' });
    expect(changeMatcher(m.Product, { tags: { contains: 'a' }, price: { lt: 6 } })(back)).toBe(
      true,
    );
    expect(changeMatcher(m.Product, { stock: { gt: 2 } })(back)).toBe(false);
    expect(changeMatcher(m.User, null)(back)).toBe(false);
    expect(() => changeMatcher(m.Product, { nope: 1 })).toThrow(/nope/);
    expect(fromWire({ ...wire, entity: 'Elsewhere' }, new Map())).toBeNull();
    expect(() => fromWire({ entity: 'Product' }, new Map())).toThrow(/change message/);
  });
});

describe('generated subscriptions (graphql-js, in process)', () => {
  it('delivers created, updated and deleted items as the model type, relations resolved per event', async () => {
    const { m, schema } = setup();
    await m.User.create({ id: 'alice', email: 'a@x', name: 'Alice' });
    const sub = await open(
      schema,
      'subscription { orderChanged(userId: "alice", kinds: [CREATED]) { item { orderId total user { name } } } }',
    );
    const alice = await open(
      schema,
      'subscription { userChanged(rowId: "alice") { kind item { id name } } }',
    );
    const deletes = await open(
      schema,
      'subscription { userChanged(kinds: [DELETED]) { item { rowId name } } }',
    );
    // Relations resolve when the event is delivered, each event with its own loader.
    await m.Order.create({ userId: 'bob', orderId: 'o0', total: 1, placedAt: new Date() });
    await m.Order.create({ userId: 'alice', orderId: 'o1', total: 9.5, placedAt: new Date() });
    expect(await sub.next(1)).toEqual([
      { data: { orderChanged: { item: { orderId: 'o1', total: 9.5, user: { name: 'Alice' } } } } },
    ]);
    await m.User.update({ id: 'alice' }, { name: 'Alicia' });
    await m.Order.create({ userId: 'alice', orderId: 'o2', total: 3, placedAt: new Date() });
    // Not the first event's cached user: the renamed one.
    expect(await sub.next(1)).toEqual([
      { data: { orderChanged: { item: { orderId: 'o2', total: 3, user: { name: 'Alicia' } } } } },
    ]);
    await m.User.delete({ id: 'alice' });
    // One item's changes in one stream, in the order they were made.
    const lifecycle = await alice.next(2);
    expect(lifecycle.map((r) => (r.data!.userChanged as { kind: string }).kind)).toEqual([
      'UPDATED',
      'DELETED',
    ]);
    expect(lifecycle[0]!.data!.userChanged).toMatchObject({ item: { name: 'Alicia' } });
    expect(await deletes.next(1)).toEqual([
      { data: { userChanged: { item: { rowId: 'alice', name: 'Alicia' } } } },
    ]);
    sub.stop();
    alice.stop();
    deletes.stop();
  });

  it('filters with where and key arguments on the server; an item the read rules hide never arrives', async () => {
    // Users read themselves only (and no email): Sam's subscription sees no one else, whatever its
    // filter says, and the event's fields go through the type's field rules.
    const { m, schema, hub } = setup((models) => ({
      rules: [
        rules(models.User, {
          read: [allow.owner({ id: 'sub' })],
          fields: { email: { read: [allow.groups('admin')] } },
        }),
      ],
    }));
    const open1 = await open(
      schema,
      'subscription { todoItemChanged(userId: "alice", kinds: [UPDATED], where: { completed: { eq: true } }) { item { todoId } } }',
    );
    const secret = await open(
      schema,
      'subscription { userChanged(where: { name: { beginsWith: "S" } }) { item { name email } } }',
      { caller: { sub: 'sam' } },
    );
    for (const todoId of ['t1', 't2'])
      await m.TodoItem.create({ userId: 'alice', todoId, title: todoId });
    await m.TodoItem.create({ userId: 'bob', todoId: 't1', title: 'b' });
    await m.TodoItem.update({ userId: 'alice', todoId: 't1' }, { title: 'open still' });
    await m.TodoItem.update({ userId: 'bob', todoId: 't1' }, { completed: true });
    await m.TodoItem.update({ userId: 'alice', todoId: 't2' }, { completed: true });
    await m.User.create({ id: 's', email: 's@x', name: 'Secret' }); // matches the filter, not the rule
    await m.User.create({ id: 'o', email: 'o@x', name: 'Other' });
    await m.User.create({ id: 'sam', email: 's@x', name: 'Sam' });
    expect(await open1.next(1)).toEqual([
      { data: { todoItemChanged: { item: { todoId: 't2' } } } },
    ]);
    expect(await secret.next(1)).toEqual([
      { data: { userChanged: { item: { name: 'Sam', email: null } } } },
    ]);
    expect(hub.size).toBe(2);
    open1.stop();
    secret.stop();
    expect(hub.size).toBe(0);
    // A filter on a field the subscriber may not read is refused, as on connections.
    const probe = await subscribe({
      schema,
      document: parse(
        'subscription { userChanged(where: { email: { beginsWith: "s" } }) { kind } }',
      ),
      contextValue: { caller: { sub: 'sam' } },
    });
    expect((probe as ExecutionResult).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // A bad filter is refused when subscribing, with the ORM's typed error.
    const bad = await subscribe({
      schema,
      document: parse('subscription { userChanged(where: { age: { between: [1] } }) { kind } }'),
    });
    expect((bad as ExecutionResult).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('limits subscriptions per connection and per server, bounds slow consumers, ends on close', async () => {
    const { m, schema, hub } = setup();
    hub.limits = { maxPerConnection: 2, maxPerServer: 3, queueSize: 3 };
    const connA = { [CONNECTION]: {} };
    const q = 'subscription { userChanged { item { name } } }';
    const a1 = await open(schema, q, { ...connA });
    const a2 = await open(schema, q, { ...connA });
    const a3 = await subscribe({ schema, document: parse(q), contextValue: { ...connA } });
    expect((a3 as ExecutionResult).errors?.[0]?.extensions).toEqual({
      code: 'TOO_MANY_SUBSCRIPTIONS',
      limit: 'maxPerConnection',
      max: 2,
    });
    const b1 = await open(schema, q, { [CONNECTION]: {} });
    const b2 = await subscribe({ schema, document: parse(q), contextValue: { [CONNECTION]: {} } });
    expect((b2 as ExecutionResult).errors?.[0]?.extensions).toMatchObject({
      limit: 'maxPerServer',
    });
    // a1 reads along; a2 never reads: after 3 waiting events it ends with one error.
    const a1Reading = a1.next(4);
    for (let i = 0; i < 4; i++) await m.User.create({ id: `u${i}`, email: 'u@x', name: `U${i}` });
    expect(
      (await a1Reading).map(
        (r) => (r.data as { userChanged: { item: { name: string } } }).userChanged.item.name,
      ),
    ).toEqual(['U0', 'U1', 'U2', 'U3']);
    const late = await a2.next(5);
    expect(late).toHaveLength(1);
    expect(late[0]!.errors?.[0]?.extensions).toEqual({ code: 'SUBSCRIPTION_OVERFLOW', max: 3 });
    // b1 did not read either: its one error, then the end.
    expect((await b1.next(5)).map((r) => r.errors?.[0]?.extensions?.code)).toEqual([
      'SUBSCRIPTION_OVERFLOW',
    ]);
    expect(hub.size).toBe(1);
    // Shutdown: open subscriptions complete, new ones are refused.
    hub.close();
    expect(await a1.next(1)).toEqual([]);
    const refused = await subscribe({ schema, document: parse(q), contextValue: {} });
    expect((refused as ExecutionResult).errors?.[0]?.extensions?.code).toBe('SHUTTING_DOWN');
  });
});

describe('subscriptions cost no DynamoDB request (counted on dynalite)', () => {
  it('mutations with subscribers open stay at one request each; events come from the write itself', async () => {
    const engine = await startDynalite();
    const backend = new DynamoDBBackend({ tableName: 'subs', endpoint: engine.endpoint });
    try {
      const m = defineModels(backend);
      await backend.createTable([m.User, m.TodoItem, m.Order, m.Product, m.Document, m.Session]);
      const { schema, gql } = serve(m);
      const requests = countRequests(backend);
      const sub = await open(
        schema,
        'subscription { productChanged(sku: "p1") { kind item { sku stock } } }',
      );
      expect(
        (await gql('mutation { createProduct(input: { sku: "p1", price: 5, stock: 2 }) { sku } }'))
          .errors,
      ).toBeUndefined();
      expect(
        (await gql('mutation { updateProduct(sku: "p1", input: { add: { stock: 3 } }) { stock } }'))
          .errors,
      ).toBeUndefined();
      expect((await gql('mutation { deleteProduct(sku: "p1") }')).errors).toBeUndefined();
      expect(await sub.next(3)).toEqual([
        { data: { productChanged: { kind: 'CREATED', item: { sku: 'p1', stock: 2 } } } },
        { data: { productChanged: { kind: 'UPDATED', item: { sku: 'p1', stock: 5 } } } },
        { data: { productChanged: { kind: 'DELETED', item: { sku: 'p1', stock: 5 } } } },
      ]);
      expect(requests.counts).toEqual({
        PutItemCommand: 1,
        UpdateItemCommand: 1,
        DeleteItemCommand: 1,
      });
      sub.stop();
    } finally {
      backend.close();
      await engine.close();
    }
  });
});
