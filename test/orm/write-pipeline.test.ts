import { beforeEach, describe, expect, it } from 'vitest';
import {
  afterSave,
  ConflictError,
  DuplicateKeyError,
  field,
  InMemoryBackend,
  Model,
  NotFoundError,
  partitionKey,
  transaction,
} from '../../src/orm/index.js';
import { defineModels } from '../fixtures/models.js';

// The write pipeline's settling: what an instance looks like after a write failed or succeeded, and
// how loaded instances are built (through their class). Backend-independent, so on memory.

const backend = new InMemoryBackend();
const m = defineModels(backend);
beforeEach(() => backend.clear());

const fieldsOf = (instance: object) => JSON.parse(JSON.stringify(instance));

describe('a failed write leaves the instance as it was', () => {
  it('a failed transaction puts back the version and timestamps of every instance in it', async () => {
    await m.Document.create({ id: 'd1', body: 'one' });
    await m.Document.create({ id: 'taken', body: 'one' });
    await m.TodoItem.create({ userId: 'u1', todoId: 't1', title: 'first' });
    const doc = (await m.Document.get({ id: 'd1' }))!;
    const todo = (await m.TodoItem.get({ userId: 'u1', todoId: 't1' }))!;
    doc.body = 'changed';
    todo.title = 'changed';
    const before = [fieldsOf(doc), fieldsOf(todo)];

    const fresh = new m.Document({ id: 'd2', body: 'new' });
    const err = await transaction((tx) => {
      tx.update(doc);
      tx.update(todo);
      tx.create(m.Document, { id: 'taken', body: 'duplicate' }); // fails: the key is taken
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DuplicateKeyError);
    expect([fieldsOf(doc), fieldsOf(todo)]).toEqual(before);
    expect(doc.version).toBe(1);
    expect(doc.isPersisted && todo.isPersisted && !fresh.isPersisted).toBe(true);
    expect((await m.Document.get({ id: 'd1' }))?.body).toBe('one');
  });

  it('a transaction whose item fails validation writes nothing and restores the others', async () => {
    await m.Document.create({ id: 'd1', body: 'one' });
    const doc = (await m.Document.get({ id: 'd1' }))!;
    const err = await transaction((tx) => {
      tx.update(doc);
      tx.create(m.TodoItem, { userId: 'u1', todoId: 't1', title: '' });
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'orm.validation' });
    expect(doc.version).toBe(1);
    expect((await m.Document.get({ id: 'd1' }))?.version).toBe(1);
  });

  it('a stale save keeps the version it had and its changes', async () => {
    await m.Document.create({ id: 'd1', body: 'one' });
    const a = (await m.Document.get({ id: 'd1' }))!;
    const b = (await m.Document.get({ id: 'd1' }))!;
    b.body = 'two';
    await b.save();
    a.body = 'mine';
    await expect(a.save()).rejects.toBeInstanceOf(ConflictError);
    expect(a.version).toBe(1);
    expect(a.body).toBe('mine');
  });

  it('a save of a deleted item restores updatedAt', async () => {
    const todo = await m.TodoItem.create({ userId: 'u1', todoId: 't1', title: 'first' });
    const updatedAt = todo.updatedAt;
    await m.TodoItem.get({ userId: 'u1', todoId: 't1' }).then((t) => t!.delete());
    todo.title = 'again';
    await expect(todo.save()).rejects.toBeInstanceOf(NotFoundError);
    expect(todo.updatedAt).toBe(updatedAt);
  });
});

describe('loaded instances are instances of their class', () => {
  class Counter extends Model('Counter', { id: field.string({ primaryKey: true }) }) {
    static meta = { backend };
    afterSaveCalls = 0;
    readonly tags: string[] = [];
    @partitionKey pk() {
      return `C#${this.id}`;
    }
    @afterSave counted() {
      this.afterSaveCalls++;
    }
  }

  it('runs class field initializers for get, queries and batchGet', async () => {
    const created = await Counter.create({ id: 'c1' });
    expect(created.afterSaveCalls).toBe(1);
    const got = (await Counter.get({ id: 'c1' }))!;
    const [batched] = await Counter.batchGet([{ id: 'c1' }]);
    const [queried] = await Counter.all();
    for (const c of [got, batched!, queried!]) {
      expect(c).toBeInstanceOf(Counter);
      expect(c.afterSaveCalls).toBe(0);
      expect(c.tags).toEqual([]);
      expect(c.id).toBe('c1');
    }
    expect(got.tags).not.toBe(queried!.tags);
    await got.save();
    expect(got.afterSaveCalls).toBe(1);
  });
});
