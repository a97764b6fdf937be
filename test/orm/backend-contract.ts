import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type BackendBase,
  batchGetMany,
  Collection,
  ConflictError,
  collection,
  DuplicateKeyError,
  InvalidCursorError,
  loadBelongsTo,
  Meter,
  MultipleResultsError,
  measure,
  NotFoundError,
  queryHasMany,
  relationsOf,
  transaction,
  ValidationError,
} from '../../src/orm/index.js';
import { defineModels, type Models } from '../fixtures/models.js';

/** What a backend under test offers the contract suite. */
export interface Harness {
  readonly backend: BackendBase;
  /** Removes every item. */
  reset(): Promise<void>;
  /** Why transactions cannot run on this engine, or null when they can. */
  readonly noTransactions: string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The behaviours every backend must show, run unchanged against each of them: the original's 143
 * tests (CRUD, upsert, queries, hooks, timestamps, expiry, pagination, batches, types) plus the
 * corrections this port makes (entity isolation, keyed queries, filled pages, safe cursors).
 */
export function backendContract(name: string, setup: () => Promise<Harness>): void {
  describe(`backend contract: ${name}`, () => {
    let h: Harness;
    let m: Models;
    beforeAll(async () => {
      h = await setup();
      m = defineModels(h.backend);
    });
    beforeEach(async () => {
      await h.reset();
      m.calls.length = 0;
    });

    const alice = { id: 'user-1', email: 'alice@example.com', name: 'Alice', age: 30 };
    async function threeUsers() {
      await m.User.create({ id: 'u1', email: 'a@x.io', name: 'A', age: 25, tenantId: 't1' });
      await m.User.create({ id: 'u2', email: 'b@x.io', name: 'B', age: 30, tenantId: 't1' });
      await m.User.create({ id: 'u3', email: 'c@x.io', name: 'C', age: 35, tenantId: 't2' });
    }
    async function todos(n: number, userId = 'alice') {
      return m.TodoItem.batchCreate(
        Array.from({ length: n }, (_, i) => ({
          userId,
          todoId: `todo-${String(i).padStart(2, '0')}`,
          title: `Task ${i}`,
          priority: (i % 5) + 1,
          completed: i % 2 === 1,
        })),
      );
    }

    describe('create, get, update, delete', () => {
      it('creates an item and reads every field back', async () => {
        const user = await m.User.create(alice);
        expect(user.isPersisted).toBe(true);
        const got = await m.User.get({ id: 'user-1' });
        expect(got?.toJSON()).toEqual({ ...alice, tenantId: null });
        expect(got?.isPersisted).toBe(true);
      });

      it('applies defaults', async () => {
        const todo = await m.TodoItem.create({ userId: 'a', todoId: 't', title: 'x' });
        expect(todo.completed).toBe(false);
        expect(todo.priority).toBe(3);
        expect(todo.description).toBeNull();
      });

      it('refuses a second create of the same key with DuplicateKeyError and keeps the first item', async () => {
        await m.User.create(alice);
        await expect(m.User.create({ ...alice, name: 'Mallory' })).rejects.toBeInstanceOf(
          DuplicateKeyError,
        );
        expect((await m.User.get({ id: 'user-1' }))?.name).toBe('Alice');
      });

      it('answers null for a missing key', async () => {
        expect(await m.User.get({ id: 'nobody' })).toBeNull();
      });

      it('names the key field a lookup is missing', async () => {
        const err = await m.TodoItem.get({ userId: 'a' }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ValidationError);
        expect((err as ValidationError).issues).toEqual([
          expect.objectContaining({ path: 'todoId', message: expect.stringContaining('sk()') }),
        ]);
      });

      it('refuses a non-key field in a lookup', async () => {
        await expect(m.User.get({ id: 'u1', name: 'A' })).rejects.toThrow(
          /name: is not part of the key/,
        );
      });

      it('saves changes of a loaded instance', async () => {
        await m.User.create(alice);
        const user = (await m.User.get({ id: 'user-1' }))!;
        user.age = 31;
        user.name = 'Alice Smith';
        await user.save();
        expect(user.age).toBe(31);
        const again = await m.User.get({ id: 'user-1' });
        expect(again?.age).toBe(31);
        expect(again?.name).toBe('Alice Smith');
      });

      it('refuses to update an item that no longer exists with NotFoundError', async () => {
        const user = await m.User.create(alice);
        await user.delete();
        Object.assign(user, { name: 'Ghost' });
        // A loaded copy whose item is deleted behind its back.
        await m.User.create(alice);
        const loaded = (await m.User.get({ id: 'user-1' }))!;
        await m.User.get({ id: 'user-1' }).then((u) => u!.delete());
        loaded.name = 'Ghost';
        await expect(loaded.save()).rejects.toBeInstanceOf(NotFoundError);
        expect(await m.User.get({ id: 'user-1' })).toBeNull();
      });

      it('validates assignments at save time and writes nothing', async () => {
        const user = await m.User.create(alice);
        (user as { age: unknown }).age = 200;
        await expect(user.save()).rejects.toThrow(/age: must be at most 150/);
        expect((await m.User.get({ id: 'user-1' }))?.age).toBe(30);
      });

      it('refuses to change key fields on save, leaving both keys untouched', async () => {
        await m.User.create(alice);
        await m.User.create({ ...alice, id: 'user-2', name: 'Bob' });
        const user = (await m.User.get({ id: 'user-1' }))!;
        user.id = 'user-2';
        await expect(user.save()).rejects.toThrow(/keys cannot change/);
        expect((await m.User.get({ id: 'user-2' }))?.name).toBe('Bob');
        expect((await m.User.get({ id: 'user-1' }))?.name).toBe('Alice');
      });

      it('deletes: true when the item existed, then false', async () => {
        const user = await m.User.create(alice);
        expect(await user.delete()).toBe(true);
        expect(await m.User.get({ id: 'user-1' })).toBeNull();
        expect(await user.delete()).toBe(false);
      });

      it('deletes a never-saved instance as false', async () => {
        expect(await new m.User(alice).delete()).toBe(false);
      });

      it('saves a new instance made with new', async () => {
        const user = new m.User(alice);
        expect(user.isPersisted).toBe(false);
        await user.save();
        expect(user.isPersisted).toBe(true);
        expect((await m.User.get({ id: 'user-1' }))?.email).toBe(alice.email);
      });

      it('upserts a new item, then overwrites it without DuplicateKeyError', async () => {
        const first = await m.User.upsert(alice);
        expect(first.isPersisted).toBe(true);
        await m.User.upsert({ ...alice, email: 'new@example.com', name: 'Alicia', age: 41 });
        const got = await m.User.get({ id: 'user-1' });
        expect([got?.email, got?.name, got?.age]).toEqual(['new@example.com', 'Alicia', 41]);
        expect(await m.User.where().count()).toBe(1);
      });

      it('upserts a todo twice, leaving one item with the latest title', async () => {
        await m.TodoItem.upsert({ userId: 'alice', todoId: 'todo-1', title: 'First' });
        await m.TodoItem.upsert({ userId: 'alice', todoId: 'todo-1', title: 'Second' });
        const items = await m.TodoItem.where({ userId: 'alice' }).all();
        expect(items.map((t) => t.title)).toEqual(['Second']);
      });

      it('upsert removes optional fields the new data leaves out', async () => {
        await m.User.upsert({ ...alice, tenantId: 't1' });
        await m.User.upsert(alice);
        expect((await m.User.get({ id: 'user-1' }))?.tenantId).toBeNull();
        expect(await m.User.where({ tenantId: 't1' }).count()).toBe(0);
      });

      it('reports every violated rule at once and writes nothing', async () => {
        const err = await m.User.create({
          id: 'x',
          email: 5,
          name: 'n'.repeat(101),
          age: -1,
          nickname: 'z',
        } as never).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ValidationError);
        const issues = (err as ValidationError).issues;
        expect(issues.map((i) => i.path).sort()).toEqual(['age', 'email', 'name', 'nickname']);
        expect(issues.find((i) => i.path === 'email')).toMatchObject({
          expected: 'string',
          received: 'number 5',
        });
        expect(await m.User.where().count()).toBe(0);
      });

      it('refuses a missing required field', async () => {
        await expect(m.User.create({ id: 'x', name: 'n' } as never)).rejects.toThrow(
          /email: is required/,
        );
      });

      it('keeps stored state apart from returned objects', async () => {
        await m.Product.create({ sku: 'p1', price: 1, stock: 1, colors: ['red'] });
        const a = (await m.Product.get({ sku: 'p1' }))!;
        a.colors.push('blue');
        expect((await m.Product.get({ sku: 'p1' }))?.colors).toEqual(['red']);
      });
    });

    describe('single-table isolation and keys', () => {
      it('never returns another entity type stored in the same partition', async () => {
        await m.User.create({ id: 'alice', email: 'a@x.io', name: 'Alice' });
        await m.TodoItem.create({ userId: 'alice', todoId: 't1', title: 'Todo' });
        await m.Order.create({
          userId: 'alice',
          orderId: 'o1',
          total: 5,
          placedAt: new Date('2025-01-01T00:00:00Z'),
        });
        expect((await m.User.all()).map((u) => u.id)).toEqual(['alice']);
        expect(await m.TodoItem.where({ userId: 'alice' }).count()).toBe(1);
        expect(await m.Order.where().count()).toBe(1);
        expect(await m.User.where().count()).toBe(1);
      });

      it('stores primary-key-only models under <Entity>#<id> / METADATA and updates and deletes them', async () => {
        const p = await m.Product.create({ sku: 'ABC123', price: 19.99, stock: 100 });
        p.stock = 99;
        await p.save();
        expect((await m.Product.get({ sku: 'ABC123' }))?.stock).toBe(99);
        expect(await p.delete()).toBe(true);
        expect(await m.Product.get({ sku: 'ABC123' })).toBeNull();
      });

      it('plans a keyed Query when the conditions fix the partition key, else a Scan', () => {
        expect(m.TodoItem.where({ userId: 'alice' }).plan()).toMatchObject({
          operation: 'query',
          partition: 'USER#alice',
          sort: { op: 'beginsWith', value: 'TODO#' },
        });
        expect(m.TodoItem.where({ completed: true }).plan()).toMatchObject({ operation: 'scan' });
        expect(m.User.where({ tenantId: 't1' }).plan()).toMatchObject({
          operation: 'query',
          index: 'TenantIndex',
          partition: 'TENANT#t1',
        });
      });

      it('narrows a keyed Query by a range on the sort key field', async () => {
        await todos(10);
        const q = m.TodoItem.where({ userId: 'alice', todoId: { gte: 'todo-07' } });
        expect(q.plan().sort).toEqual({
          op: 'between',
          value: ['TODO#todo-07', `TODO#${String.fromCodePoint(0x10ffff)}`],
        });
        expect((await q.all()).map((t) => t.todoId)).toEqual(['todo-07', 'todo-08', 'todo-09']);
        const prefixed = await m.TodoItem.where({
          userId: 'alice',
          todoId: { beginsWith: 'todo-0' },
        }).count();
        expect(prefixed).toBe(10);
      });

      it('queries a GSI and keeps its attributes in step with updates', async () => {
        await threeUsers();
        expect((await m.User.where({ tenantId: 't1' }).all()).map((u) => u.id)).toEqual([
          'u1',
          'u2',
        ]);
        const u2 = (await m.User.get({ id: 'u2' }))!;
        u2.tenantId = 't2';
        await u2.save();
        expect((await m.User.where({ tenantId: 't1' }).all()).map((u) => u.id)).toEqual(['u1']);
        expect((await m.User.where({ tenantId: 't2' }).all()).map((u) => u.id)).toEqual([
          'u2',
          'u3',
        ]);
        u2.tenantId = null;
        await u2.save();
        expect(await m.User.where().usingIndex('TenantIndex').count()).toBe(2);
      });

      it('orders a keyed query by its sort key field, both ways', async () => {
        await todos(5);
        const asc = await m.TodoItem.where({ userId: 'alice' }).orderBy('todoId').all();
        const desc = await m.TodoItem.where({ userId: 'alice' }).orderBy('todoId', 'desc').all();
        expect(asc.map((t) => t.todoId)).toEqual([
          'todo-00',
          'todo-01',
          'todo-02',
          'todo-03',
          'todo-04',
        ]);
        expect(desc.map((t) => t.todoId)).toEqual([
          'todo-04',
          'todo-03',
          'todo-02',
          'todo-01',
          'todo-00',
        ]);
        expect(
          m.TodoItem.where({ userId: 'alice' }).orderBy('todoId', 'desc').plan(),
        ).toMatchObject({ ascending: false, clientOrder: null });
      });
    });

    describe('queries', () => {
      it('lists every item of the model', async () => {
        await threeUsers();
        const all = await m.User.all();
        expect(all).toHaveLength(3);
        expect(all.every((u) => u.isPersisted)).toBe(true);
      });

      it('filters with operators', async () => {
        await threeUsers();
        const ids = async (q: Promise<{ id: string }[]>) => (await q).map((u) => u.id).sort();
        expect(await ids(m.User.where({ age: { gte: 30 } }).all())).toEqual(['u2', 'u3']);
        expect(
          await ids(
            m.User.where()
              .and({ age: { gte: 30 } })
              .all(),
          ),
        ).toEqual(['u2', 'u3']);
        expect(await ids(m.User.where({ age: { gt: 25, lt: 35 } }).all())).toEqual(['u2']);
        expect(await ids(m.User.where({ age: { between: [26, 35] } }).all())).toEqual(['u2', 'u3']);
        expect(await ids(m.User.where({ age: { in: [25, 35] } }).all())).toEqual(['u1', 'u3']);
        expect(await ids(m.User.where({ age: { ne: 30 } }).all())).toEqual(['u1', 'u3']);
        expect(await ids(m.User.where({ email: { beginsWith: 'b@' } }).all())).toEqual(['u2']);
        expect(await ids(m.User.where({ email: { contains: 'c@x' } }).all())).toEqual(['u3']);
        expect(await ids(m.User.where({ age: { lte: 25 } }).all())).toEqual(['u1']);
      });

      it('groups and / or / not as boolean logic', async () => {
        await threeUsers();
        const ids = async (q: Promise<{ id: string }[]>) => (await q).map((u) => u.id).sort();
        expect(await ids(m.User.where().not({ age: 30 }).all())).toEqual(['u1', 'u3']);
        expect(await ids(m.User.where({ age: 25 }).or({ age: 35 }).all())).toEqual(['u1', 'u3']);
        expect(
          await ids(m.User.where({ tenantId: 't1' }).and({ age: 30 }).or({ id: 'u3' }).all()),
        ).toEqual(['u2', 'u3']);
        expect(
          await ids(
            m.User.where({ age: { gte: 25 } })
              .not({ age: 30 })
              .not({ age: 35 })
              .all(),
          ),
        ).toEqual(['u1']);
      });

      it('nests AND / OR / NOT groups', async () => {
        await threeUsers();
        const ids = async (q: Promise<{ id: string }[]>) => (await q).map((u) => u.id).sort();
        expect(
          await ids(
            m.User.where({
              OR: [{ age: 25 }, { AND: [{ tenantId: 't2' }, { age: { gte: 30 } }] }],
            }).all(),
          ),
        ).toEqual(['u1', 'u3']);
        expect(await ids(m.User.where({ NOT: { OR: [{ age: 25 }, { age: 35 }] } }).all())).toEqual([
          'u2',
        ]);
        expect(() => m.User.where({ OR: { age: 1 } } as never)).toThrow(/OR takes an array/);
      });

      it('matches absent optional fields with null and exists', async () => {
        await threeUsers();
        await m.User.create({ id: 'u4', email: 'd@x.io', name: 'D' });
        expect((await m.User.where({ tenantId: null }).all()).map((u) => u.id)).toEqual(['u4']);
        expect(await m.User.where({ tenantId: { exists: true } }).count()).toBe(3);
      });

      it('refuses unknown fields, unknown operators and ill-typed values', () => {
        expect(() => m.User.where({ nope: 1 } as never)).toThrow(/nope: unknown field/);
        expect(() => m.User.where({ age: { near: 3 } } as never)).toThrow(
          /unknown operator "near"/,
        );
        expect(() => m.User.where({ age: 'old' } as never)).toThrow(ValidationError);
        expect(() => m.User.where({ age: { between: [1] } } as never)).toThrow(
          /between takes \[low, high\]/,
        );
        expect(() => m.User.where().orderBy('nope' as never)).toThrow(ValidationError);
      });

      it('first, last, exists, findBy and get', async () => {
        expect(await m.User.where().first()).toBeNull();
        expect(await m.User.where().orderBy('age').last()).toBeNull();
        await threeUsers();
        expect(['u1', 'u2', 'u3']).toContain((await m.User.where().first())?.id);
        expect((await m.User.where().orderBy('age').last())?.age).toBe(35);
        expect((await m.User.where().orderBy('age', 'desc').last())?.age).toBe(25);
        expect((await m.User.where().orderBy('age').first())?.age).toBe(25);
        expect(await m.User.where({ email: 'b@x.io' }).exists()).toBe(true);
        expect(await m.User.where({ email: 'z@x.io' }).exists()).toBe(false);
        expect((await m.User.findBy({ email: 'c@x.io' }))?.id).toBe('u3');
        expect(await m.User.findBy({ email: 'z@x.io' })).toBeNull();
        expect((await m.User.where().get({ email: 'a@x.io' }))?.id).toBe('u1');
        await expect(m.User.where().get({ age: { gte: 30 } })).rejects.toBeInstanceOf(
          MultipleResultsError,
        );
      });

      it('leaves the query it was called on unchanged (immutable builders)', async () => {
        await threeUsers();
        const q = m.User.where({ age: { gte: 25 } });
        await q.first();
        await q.exists();
        expect(await q.all()).toHaveLength(3);
      });

      it('counts, with and without filters and limits', async () => {
        await threeUsers();
        expect(await m.User.where().count()).toBe(3);
        expect(await m.User.where({ age: 30 }).count()).toBe(1);
        expect(await m.User.where().limit(2).count()).toBe(2);
      });

      it('limits results', async () => {
        for (let i = 0; i < 10; i++)
          await m.User.create({ id: `u${i}`, email: `${i}@x.io`, name: `N${i}`, age: 20 + i });
        expect(await m.User.where().limit(3).all()).toHaveLength(3);
        expect(() => m.User.where().limit(0)).toThrow(/limit: must be a positive integer/);
      });

      it('orders by any field, nulls first ascending', async () => {
        await threeUsers();
        await m.User.create({ id: 'u0', email: 'z@x.io', name: 'Z', age: 40 });
        expect((await m.User.where().orderBy('age').all()).map((u) => u.age)).toEqual([
          25, 30, 35, 40,
        ]);
        expect((await m.User.where().orderBy('age', 'desc').all()).map((u) => u.age)).toEqual([
          40, 35, 30, 25,
        ]);
        expect(
          (await m.User.where().orderBy('tenantId').orderBy('age', 'desc').all()).map((u) => u.id),
        ).toEqual(['u0', 'u2', 'u1', 'u3']);
      });

      it('filters on two fields at once', async () => {
        await todos(5);
        expect(await m.TodoItem.where({ completed: false, priority: { gte: 3 } }).count()).toBe(2);
        expect(await m.TodoItem.where({ completed: false }).count()).toBe(3);
        expect(await m.TodoItem.where({ completed: true }).count()).toBe(2);
      });

      it('streams every item with for await', async () => {
        await todos(7);
        const seen: string[] = [];
        for await (const t of m.TodoItem.where({ userId: 'alice' }).limit(3)) seen.push(t.todoId);
        expect(seen).toHaveLength(7);
        expect(new Set(seen).size).toBe(7);
      });
    });

    describe('pagination', () => {
      it('pages through disjoint pages and ends with a null cursor', async () => {
        for (let i = 0; i < 5; i++)
          await m.User.create({ id: `u${i}`, email: `${i}@x.io`, name: `N${i}` });
        const first = await m.User.where().limit(3).paginate();
        expect(first.items).toHaveLength(3);
        expect(first.cursor).toEqual(expect.any(String));
        const second = await m.User.where().limit(3).cursor(first.cursor).paginate();
        expect(second.items).toHaveLength(2);
        expect(second.cursor).toBeNull();
        const ids = [...first.items, ...second.items].map((u) => u.id);
        expect(new Set(ids).size).toBe(5);
      });

      it('has no cursor when the last page is exactly full', async () => {
        await todos(6);
        const first = await m.TodoItem.where({ userId: 'alice' }).limit(3).paginate();
        const second = await m.TodoItem.where({ userId: 'alice' })
          .limit(3)
          .cursor(first.cursor)
          .paginate();
        expect(second.items).toHaveLength(3);
        expect(second.cursor).toBeNull();
        // hasMore says the same as the cursor, without signing one.
        expect([first.hasMore, second.hasMore]).toEqual([true, false]);
      });

      it('answers an empty first page with no cursor', async () => {
        await threeUsers();
        expect(
          await m.User.where({ age: { gte: 100 } })
            .limit(10)
            .paginate(),
        ).toMatchObject({ items: [], cursor: null });
      });

      it('walks 15 items in pages of 4, each exactly once', async () => {
        await todos(15);
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const page: { items: { todoId: string }[]; cursor: string | null } =
            await m.TodoItem.where({ userId: 'alice' }).limit(4).cursor(cursor).paginate();
          seen.push(...page.items.map((t) => t.todoId));
          cursor = page.cursor;
          pages++;
        } while (cursor);
        expect(pages).toBe(4);
        expect(seen).toEqual([...seen].sort());
        expect(new Set(seen).size).toBe(15);
      });

      it('orders sort keys by UTF-8 bytes and pages through keys beyond the BMP and full-width ones', async () => {
        // UTF-16 code units and UTF-8 bytes disagree for U+10000.. (surrogates 0xD800..) against
        // U+E000..U+FFFF: DynamoDB orders by UTF-8 bytes, so '😀' sorts after 'ａ' and '\uffff'.
        const ids = ['ａ', '😀', 'b', 'ｚ', '𝄞', '\ue000', 'é', '\uffff', 'a', '中', '🚀x', 'ａ😀'];
        await m.TodoItem.batchCreate(ids.map((todoId) => ({ userId: 'u', todoId, title: 't' })));
        const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
        const expected = [...ids].sort(byBytes);
        expect(expected.indexOf('😀')).toBeGreaterThan(expected.indexOf('ａ'));
        const all = await m.TodoItem.where({ userId: 'u' }).all();
        expect(all.map((t) => t.todoId)).toEqual(expected);
        const above = expected.filter((id) => byBytes(id, 'a') > 0);
        for (const size of [1, 2, 3]) {
          const seen: string[] = [];
          let cursor: string | null = null;
          do {
            const page: { items: { todoId: string }[]; cursor: string | null } =
              await m.TodoItem.where({ userId: 'u', todoId: { gt: 'a' } })
                .limit(size)
                .cursor(cursor)
                .paginate();
            seen.push(...page.items.map((t) => t.todoId));
            cursor = page.cursor;
          } while (cursor);
          expect(seen).toEqual(above);
        }
        const back: string[] = [];
        let cursor: string | null = null;
        do {
          const page: { items: { todoId: string }[]; cursor: string | null } =
            await m.TodoItem.where({ userId: 'u', todoId: { lt: '\u{10ffff}' } })
              .reverse()
              .limit(2)
              .cursor(cursor)
              .paginate();
          back.push(...page.items.map((t) => t.todoId));
          cursor = page.cursor;
        } while (cursor);
        expect(back).toEqual([...expected].reverse());
      });

      it('fills pages up to the limit even when the filter drops most items', async () => {
        await todos(20);
        const page = await m.TodoItem.where({ userId: 'alice', priority: 5 }).limit(3).paginate();
        expect(page.items.map((t) => t.todoId)).toEqual(['todo-04', 'todo-09', 'todo-14']);
        const rest = await m.TodoItem.where({ userId: 'alice', priority: 5 })
          .limit(3)
          .cursor(page.cursor)
          .paginate();
        expect(rest).toMatchObject({
          items: [expect.objectContaining({ todoId: 'todo-19' })],
          cursor: null,
        });
      });

      it('stops a page at its read budget with a cursor that reads on', async () => {
        await todos(20);
        const query = m.TodoItem.where({ userId: 'alice', title: 'Task 19' }).limit(1).maxReads(1);
        const first = await query.paginate();
        expect(first.items).toEqual([]);
        expect(first.cursor).toEqual(expect.any(String));
        const found: string[] = [];
        let cursor: string | null = first.cursor;
        let pages = 1;
        while (cursor) {
          const page: { items: { todoId: string }[]; cursor: string | null } = await query
            .cursor(cursor)
            .paginate();
          found.push(...page.items.map((t) => t.todoId));
          cursor = page.cursor;
          pages++;
        }
        expect(found).toEqual(['todo-19']);
        expect(pages).toBeGreaterThan(2);
        expect(() => m.TodoItem.where().maxReads(0)).toThrow(
          /maxReads: must be a positive integer/,
        );
      });

      it('pages backwards with reverse()', async () => {
        await todos(5);
        const page = await m.TodoItem.where({ userId: 'alice' }).reverse().limit(2).paginate();
        expect(page.items.map((t) => t.todoId)).toEqual(['todo-04', 'todo-03']);
        const next = await m.TodoItem.where({ userId: 'alice' })
          .reverse()
          .limit(2)
          .cursor(page.cursor)
          .paginate();
        expect(next.items.map((t) => t.todoId)).toEqual(['todo-02', 'todo-01']);
      });

      it('reads backwards from a forward cursor when asked (Relay before), and computes item cursors', async () => {
        await todos(5);
        const forward = await m.TodoItem.where({ userId: 'alice' }).limit(3).paginate();
        const before = await m.TodoItem.where({ userId: 'alice' })
          .reverse()
          .cursor(forward.cursorAt(2), { eitherDirection: true })
          .limit(5)
          .paginate();
        expect(before.items.map((t) => t.todoId)).toEqual(['todo-01', 'todo-00']);
        expect(m.TodoItem.where({ userId: 'alice' }).cursorFor(forward.items[2]!)).toBe(
          forward.cursorAt(2),
        );
        await expect(
          m.TodoItem.where({ userId: 'alice' }).reverse().cursor(forward.cursor).paginate(),
        ).rejects.toBeInstanceOf(InvalidCursorError);
      });

      it('refuses a tampered cursor, and a cursor of another query, with InvalidCursorError', async () => {
        await todos(5);
        const { cursor } = await m.TodoItem.where({ userId: 'alice' }).limit(2).paginate();
        const tampered = `${cursor!.slice(0, 10)}X${cursor!.slice(11)}`;
        await expect(
          m.TodoItem.where({ userId: 'alice' }).limit(2).cursor(tampered).paginate(),
        ).rejects.toBeInstanceOf(InvalidCursorError);
        await expect(
          m.TodoItem.where({ userId: 'alice', completed: true }).cursor(cursor).paginate(),
        ).rejects.toBeInstanceOf(InvalidCursorError);
        await expect(m.User.where().cursor(cursor).paginate()).rejects.toBeInstanceOf(
          InvalidCursorError,
        );
        await expect(m.TodoItem.where().cursor('garbage').paginate()).rejects.toBeInstanceOf(
          InvalidCursorError,
        );
      });
    });

    describe('relations', () => {
      it('follows belongsTo by key and hasMany as a keyed Query', async () => {
        const user = await m.User.create({ id: 'alice', email: 'a@x.io', name: 'Alice' });
        await m.User.create({ id: 'bob', email: 'b@x.io', name: 'Bob' });
        const placedAt = new Date('2025-03-01T00:00:00Z');
        const order = await m.Order.create({ userId: 'alice', orderId: 'o1', total: 3, placedAt });
        await m.Order.create({ userId: 'bob', orderId: 'o2', total: 4, placedAt });
        expect((await loadBelongsTo(order, relationsOf(m.Order).user!))?.name).toBe('Alice');
        const orders = queryHasMany(user, relationsOf(m.User).orders!);
        expect(orders.plan()).toMatchObject({ operation: 'query', partition: 'USER#alice' });
        expect((await orders.all()).map((o) => o.orderId)).toEqual(['o1']);
      });

      it('reads keys of several models in one call, in request order', async () => {
        await m.User.create({ id: 'alice', email: 'a@x.io', name: 'Alice' });
        await m.Product.create({ sku: 'p1', price: 1, stock: 1 });
        const got = await batchGetMany([
          { model: m.Product, key: { sku: 'p1' } },
          { model: m.User, key: { id: 'nobody' } },
          { model: m.User, key: { id: 'alice' } },
          { model: m.Product, key: { sku: 'alice' } },
        ]);
        expect(got.map((x) => (x ? x.constructor : null))).toEqual([m.Product, null, m.User, null]);
      });
    });

    describe('item collections', () => {
      async function alicePartition(orders: number) {
        await m.User.create({ id: 'alice', email: 'a@x.io', name: 'Alice' });
        await m.User.create({ id: 'bob', email: 'b@x.io', name: 'Bob' });
        await m.Order.batchCreate(
          Array.from({ length: orders }, (_, i) => ({
            userId: 'alice',
            orderId: `o${String(i).padStart(2, '0')}`,
            total: i,
            placedAt: new Date(Date.UTC(2025, 0, 1 + i)),
          })),
        );
        await m.Order.create({ userId: 'bob', orderId: 'b1', total: 1, placedAt: new Date(0) });
        await todos(3, 'alice');
        await m.Reminder.create({ userId: 'alice', reminderId: 'r1', note: 'call' });
      }

      it('reads several models of one partition, each by its own model, in sort-key order', async () => {
        await alicePartition(2);
        const c = collection(m.User, { id: 'alice' }, [m.User, m.Order, m.TodoItem]);
        const items = await c.all();
        // ORDER# < PROFILE < (REMINDER#, not asked for) < TODO#
        expect(items.map((x) => x.constructor.name)).toEqual([
          'Order',
          'Order',
          'User',
          'TodoItem',
          'TodoItem',
          'TodoItem',
        ]);
        const page = await c.paginate();
        const orders = page.of(m.Order);
        expect(orders.map((o) => o.orderId)).toEqual(['o00', 'o01']);
        expect(orders[0]!.placedAt).toBeInstanceOf(Date);
        expect(page.of(m.User)[0]!.name).toBe('Alice');
        expect(page.of(m.TodoItem).map((t) => t.todoId)).toEqual(['todo-00', 'todo-01', 'todo-02']);
        expect(page.cursor).toBeNull();
        expect(m.calls).toEqual([]);
      });

      it('narrows the Query to the sort-key range of the models asked for', () => {
        const c = collection(m.User, { id: 'alice' }, [m.Order, m.User]);
        expect(c.plan()).toMatchObject({
          operation: 'query',
          partition: 'USER#alice',
          sort: { op: 'between', value: ['ORDER#', 'PROFILE'] },
        });
        expect(collection(m.User, { id: 'alice' }, [m.TodoItem]).plan().sort).toEqual({
          op: 'beginsWith',
          value: 'TODO#',
        });
      });

      it('pages with one signed cursor bound to the collection', async () => {
        await alicePartition(5);
        const c = collection(m.User, { id: 'alice' }, [m.User, m.Order, m.TodoItem]).limit(4);
        const seen: string[] = [];
        let page = await c.paginate();
        let pages = 1;
        for (;;) {
          seen.push(...page.items.map((x) => x.constructor.name));
          if (!page.cursor) break;
          page = await c.cursor(page.cursor).paginate();
          pages++;
        }
        expect(seen).toHaveLength(9);
        expect(pages).toBe(3);
        const first = await c.paginate();
        await expect(
          collection(m.User, { id: 'alice' }, [m.User, m.Order]).cursor(first.cursor).paginate(),
        ).rejects.toBeInstanceOf(InvalidCursorError);
        await expect(
          m.Order.where({ userId: 'alice' }).cursor(first.cursor).paginate(),
        ).rejects.toBeInstanceOf(InvalidCursorError);
        await expect(
          collection(m.User, { id: 'bob' }, [m.User, m.Order, m.TodoItem])
            .cursor(first.cursor)
            .paginate(),
        ).rejects.toBeInstanceOf(InvalidCursorError);
        expect((await c.cursor(first.cursorAt(3)).paginate()).items[0]).toEqual(
          (await c.cursor(first.cursor).paginate()).items[0],
        );
      });

      it('applies TTL visibility and afterLoad hooks per model', async () => {
        await alicePartition(1);
        await m.Reminder.create({
          userId: 'alice',
          reminderId: 'r0',
          note: 'gone',
          expiresAt: new Date(Date.now() - 60_000),
        });
        m.calls.length = 0;
        const items = await collection(m.User, { id: 'alice' }, [m.User, m.Reminder]).all();
        expect(items.map((x) => x.constructor.name)).toEqual(['User', 'Reminder']);
        expect(m.calls).toEqual(['reminder:r1']);
      });

      it('heads: each model gets its own page, exact hasMore, and a cursor of its own query', async () => {
        await alicePartition(30);
        const c = collection(m.User, { id: 'alice' }, [m.User, m.Order, m.TodoItem]);
        const heads = await c.heads((model) => (model === m.User ? 1 : 10));
        const orders = heads.of(m.Order);
        expect(orders.items.map((o) => o.orderId)).toEqual(
          Array.from({ length: 10 }, (_, i) => `o${String(i).padStart(2, '0')}`),
        );
        expect(orders.hasMore).toBe(true);
        const todosHead = heads.of(m.TodoItem);
        expect(todosHead.items).toHaveLength(3);
        expect(todosHead.hasMore).toBe(false);
        expect(todosHead.cursor).toBeNull();
        expect(heads.of(m.User).items[0]!.name).toBe('Alice');
        const next = await m.Order.where({ userId: 'alice' })
          .cursor(orders.cursor)
          .limit(10)
          .paginate();
        expect(next.items[0]!.orderId).toBe('o10');
        const exact = await c.heads(3);
        expect(exact.of(m.TodoItem)).toMatchObject({ hasMore: false });
        expect(exact.of(m.TodoItem).items).toHaveLength(3);
      });

      it('refuses a model that does not live in the partition', () => {
        expect(() => collection(m.User, { id: 'alice' }, [m.User, m.Product])).toThrow(
          ValidationError,
        );
        expect(() => collection(m.User, {}, [m.User])).toThrow(ValidationError);
        expect(() =>
          Collection.fromQueries([
            m.Order.where({ userId: 'a' }),
            m.TodoItem.where({ userId: 'b' }),
          ]),
        ).toThrow(/lives in partition/);
      });
    });

    describe('batches', () => {
      it('creates 30 items in batches and reads them back', async () => {
        const created = await todos(30);
        expect(created).toHaveLength(30);
        expect(created.every((t) => t.isPersisted)).toBe(true);
        expect(await m.TodoItem.where({ userId: 'alice' }).count()).toBe(30);
      });

      it('validates every item before writing any', async () => {
        const err = await m.TodoItem.batchCreate([
          { userId: 'a', todoId: '1', title: 'ok' },
          { userId: 'a', todoId: '2', title: '' },
        ]).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ValidationError);
        expect((err as ValidationError).issues[0]?.path).toBe('[1].title');
        expect(await m.TodoItem.where().count()).toBe(0);
      });

      it('offers the seed backend calls: batchCreate(Model, list), batchGet(Model, keys), scan(Model)', async () => {
        const backend = h.backend;
        const todosData = Array.from({ length: 10 }, (_, i) => ({
          userId: 'alice',
          todoId: `todo-${i}`,
          title: `Task ${i}`,
        }));
        expect(await backend.batchCreate(m.TodoItem, todosData)).toHaveLength(10);
        const keys = Array.from({ length: 5 }, (_, i) => ({
          userId: 'alice',
          todoId: `todo-${i}`,
        }));
        expect((await backend.batchGet(m.TodoItem, keys)).map((t) => t?.title)).toEqual([
          'Task 0',
          'Task 1',
          'Task 2',
          'Task 3',
          'Task 4',
        ]);
        await m.User.create(alice);
        expect((await backend.scan(m.User)).map((u) => u.id)).toEqual(['user-1']);
      });

      it('refuses two items with one key in a batch', async () => {
        await expect(m.User.batchCreate([alice, alice])).rejects.toThrow(/same key as item \[0\]/);
      });

      it('answers batchGet in key order with null for a missing key', async () => {
        for (let i = 0; i < 5; i++)
          await m.User.create({ id: `user-${i}`, email: `user${i}@x.io`, name: `U${i}` });
        const got = await m.User.batchGet([
          { id: 'user-4' },
          { id: 'missing' },
          { id: 'user-0' },
          { id: 'user-4' },
        ]);
        expect(got.map((u) => u?.email ?? null)).toEqual([
          'user4@x.io',
          null,
          'user0@x.io',
          'user4@x.io',
        ]);
        expect(await m.User.batchGet([])).toEqual([]);
      });

      it('batchGet never returns another entity stored under the key', async () => {
        await m.User.create({ id: 'x', email: 'x@x.io', name: 'X' });
        expect(await m.Product.batchGet([{ sku: 'x' }])).toEqual([null]);
      });

      it('reads 250 keys (more than one BatchGetItem)', async () => {
        await m.Product.batchCreate(
          Array.from({ length: 250 }, (_, i) => ({ sku: `p${i}`, price: i, stock: i })),
        );
        const got = await m.Product.batchGet(
          Array.from({ length: 250 }, (_, i) => ({ sku: `p${249 - i}` })),
        );
        expect(got.map((p) => p?.stock)).toEqual(Array.from({ length: 250 }, (_, i) => 249 - i));
      });
    });

    describe('types round-trip', () => {
      it('keeps floats and ints as numbers', async () => {
        await m.Product.create({ sku: 'ABC123', price: 19.99, stock: 100 });
        const p = (await m.Product.get({ sku: 'ABC123' }))!;
        expect(p.price).toBe(19.99);
        expect(p.stock).toBe(100);
        expect(Number.isInteger(p.stock)).toBe(true);
      });

      it('round-trips sets, json, lists, dates and datetimes', async () => {
        const attributes = { weight: 1.5, dims: [1, 2, 3], nested: { ok: true, none: null } };
        await m.Product.create({
          sku: 'p',
          price: 0,
          stock: 0,
          tags: new Set(['a', 'b']),
          sizes: new Set([38, 39.5]),
          attributes,
          colors: ['red', 'green'],
          releasedOn: '2024-02-29',
        });
        const p = (await m.Product.get({ sku: 'p' }))!;
        expect(p.tags).toEqual(new Set(['a', 'b']));
        expect(p.sizes).toEqual(new Set([38, 39.5]));
        expect(p.attributes).toEqual(attributes);
        expect(p.colors).toEqual(['red', 'green']);
        expect(p.releasedOn).toBe('2024-02-29');
        const placedAt = new Date('2025-01-15T10:30:00.123Z');
        await m.Order.create({ userId: 'u', orderId: 'o', total: 9.5, placedAt });
        const o = (await m.Order.where({ userId: 'u' }).first())!;
        expect(o.placedAt).toEqual(placedAt);
        expect(o.status).toBe('open');
      });

      it('refuses bad dates, non-finite and unsafe numbers', async () => {
        await expect(m.Product.create({ sku: 'p', price: Number.NaN, stock: 0 })).rejects.toThrow(
          /price: must be a finite number/,
        );
        await expect(m.Product.create({ sku: 'p', price: 1, stock: 2 ** 60 })).rejects.toThrow(
          /stock: must be an integer/,
        );
        await expect(
          m.Product.create({ sku: 'p', price: 1, stock: 1, releasedOn: '2023-02-30' }),
        ).rejects.toThrow(/releasedOn/);
        await expect(
          m.Order.create({ userId: 'u', orderId: 'o', total: 1, placedAt: new Date('nope') }),
        ).rejects.toThrow(/placedAt/);
        await expect(
          m.Order.create({
            userId: 'u',
            orderId: 'o',
            total: 1,
            placedAt: new Date(),
            status: 'lost' as never,
          }),
        ).rejects.toThrow(/status: must be one of/);
      });

      it('keeps quotes, plus signs and unicode intact', async () => {
        await m.User.create({ id: 'ü-1', email: 'alice+test@example.com', name: "O'Brien 🚀" });
        const u = (await m.User.get({ id: 'ü-1' }))!;
        expect([u.email, u.name]).toEqual(['alice+test@example.com', "O'Brien 🚀"]);
        expect((await m.User.findBy({ name: "O'Brien 🚀" }))?.id).toBe('ü-1');
      });

      it('filters on datetimes with Date values', async () => {
        for (const [i, day] of ['01', '02', '03'].entries())
          await m.Order.create({
            userId: 'u',
            orderId: `o${i}`,
            total: i,
            placedAt: new Date(`2025-01-${day}T00:00:00Z`),
          });
        const since = await m.Order.where({
          userId: 'u',
          placedAt: { gte: new Date('2025-01-02T00:00:00Z') },
        }).all();
        expect(since.map((o) => o.orderId)).toEqual(['o1', 'o2']);
        expect(
          m.Order.where({ userId: 'u', placedAt: { gte: new Date('2025-01-02T00:00:00Z') } }).plan()
            .sort?.op,
        ).toBe('between');
      });
    });

    describe('hooks', () => {
      it('runs beforeSave then afterSave, in definition order, on create', async () => {
        const a = await m.Audited.create({ id: '1', name: 'x' });
        expect(m.calls).toEqual(['before_1', 'before_2', 'after_1', 'after_2']);
        expect(a.saves).toBe(1);
      });

      it('persists changes made in beforeSave, and runs again on update', async () => {
        const a = await m.Audited.create({ id: '1', name: 'x' });
        a.name = 'y';
        await a.save();
        expect(a.saves).toBe(2);
        expect((await m.Audited.get({ id: '1' }))?.saves).toBe(2);
      });

      it('writes nothing when a beforeSave hook throws', async () => {
        await expect(m.Audited.create({ id: '1', name: 'explode' })).rejects.toThrow(
          'refused by hook',
        );
        expect(await m.Audited.get({ id: '1' })).toBeNull();
        expect(m.calls).not.toContain('after_1');
      });

      it('runs hooks on upsert', async () => {
        await m.Audited.upsert({ id: '1', name: 'x' });
        expect(m.calls).toEqual(['before_1', 'before_2', 'after_1', 'after_2']);
      });

      it('runs afterLoad on get and on query results', async () => {
        await m.Audited.create({ id: '1', name: 'x' });
        m.calls.length = 0;
        await m.Audited.get({ id: '1' });
        await m.Audited.all();
        expect(m.calls).toEqual(['afterLoad', 'afterLoad']);
      });

      it('runs parent hooks before a subclass hook', async () => {
        await m.AuditedChild.create({ id: '2', name: 'c' });
        expect(m.calls.slice(0, 3)).toEqual(['before_1', 'before_2', 'child_before']);
      });
    });

    describe('timestamps, expiry and versions', () => {
      it('sets createdAt and updatedAt in UTC on create, and moves only updatedAt on save', async () => {
        const before = Date.now();
        const t = await m.TodoItem.create({ userId: 'a', todoId: '1', title: 'x' });
        expect(t.createdAt.getTime()).toBeGreaterThanOrEqual(before);
        expect(t.updatedAt.getTime()).toBe(t.createdAt.getTime());
        const created = t.createdAt.getTime();
        await sleep(5);
        t.title = 'y';
        await t.save();
        expect(t.updatedAt.getTime()).toBeGreaterThan(created);
        const again = (await m.TodoItem.get({ userId: 'a', todoId: '1' }))!;
        expect(again.createdAt.getTime()).toBe(created);
        expect(again.updatedAt).toEqual(t.updatedAt);
      });

      it('keeps an existing createdAt on upsert', async () => {
        const first = await m.TodoItem.upsert({ userId: 'a', todoId: '1', title: 'x' });
        await sleep(5);
        const second = await m.TodoItem.upsert({ userId: 'a', todoId: '1', title: 'y' });
        expect(second.createdAt).toEqual(first.createdAt);
        expect(second.updatedAt.getTime()).toBeGreaterThan(first.updatedAt.getTime());
        expect((await m.TodoItem.get({ userId: 'a', todoId: '1' }))?.createdAt).toEqual(
          first.createdAt,
        );
      });

      it('hides expired items from get, queries and counts', async () => {
        await m.Session.create({
          sessionId: 's1',
          userId: 'u',
          expiresAt: new Date(Date.now() + 60_000),
        });
        await m.Session.create({
          sessionId: 's2',
          userId: 'u',
          expiresAt: new Date(Date.now() - 60_000),
        });
        await m.Session.create({ sessionId: 's3', userId: 'u' });
        expect(await m.Session.get({ sessionId: 's2' })).toBeNull();
        expect((await m.Session.get({ sessionId: 's1' }))?.expiresAt).toBeInstanceOf(Date);
        expect((await m.Session.all()).map((s) => s.sessionId).sort()).toEqual(['s1', 's3']);
        expect(await m.Session.where({ userId: 'u' }).count()).toBe(2);
        expect(await m.Session.where().limit(1).first()).not.toBeNull();
      });

      it('refuses a stale version with ConflictError carrying the current item', async () => {
        await m.Document.create({ id: 'd', body: 'v1' });
        const a = (await m.Document.get({ id: 'd' }))!;
        const b = (await m.Document.get({ id: 'd' }))!;
        expect(a.version).toBe(1);
        a.body = 'from a';
        await a.save();
        expect(a.version).toBe(2);
        b.body = 'from b';
        const err = await b.save().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ConflictError);
        expect(b.version).toBe(1);
        const current = (err as ConflictError).current as { body: string; version: number } | null;
        if (current) expect(current).toMatchObject({ body: 'from a', version: 2 });
        expect((await m.Document.get({ id: 'd' }))?.body).toBe('from a');
      });

      it('counts versions on upsert', async () => {
        expect((await m.Document.upsert({ id: 'd', body: '1' })).version).toBe(1);
        expect((await m.Document.upsert({ id: 'd', body: '2' })).version).toBe(2);
      });
    });

    describe('projections (select) and capacity', () => {
      it('get, batchGet and queries fetch the selected fields plus keys; the rest reads as empty', async () => {
        await m.User.create({ ...alice, tenantId: 't1' });
        const got = (await m.User.get({ id: 'user-1' }, { select: ['name'] }))!;
        expect(got.toJSON()).toEqual({
          id: 'user-1',
          name: 'Alice',
          email: null,
          age: null,
          tenantId: null,
        });
        const [batch] = await m.User.batchGet([{ id: 'user-1' }], { select: ['email'] });
        expect(batch?.email).toBe('alice@example.com');
        expect(batch?.name).toBeNull();
        const page = await m.User.where({ tenantId: 't1' }).select(['age']).limit(5).paginate();
        expect(page.items.map((u) => u.toJSON())).toEqual([
          { id: 'user-1', age: 30, name: null, email: null, tenantId: null },
        ]);
        // Cursors of a projected page still resume (the index keys are fetched).
        await m.User.create({ id: 'user-2', email: 'b@x.io', name: 'B', age: 40, tenantId: 't1' });
        const first = await m.User.where({ tenantId: 't1' }).select(['age']).limit(1).paginate();
        const next = await m.User.where({ tenantId: 't1' })
          .select(['age'])
          .limit(1)
          .cursor(first.cursor)
          .paginate();
        expect(next.items.map((u) => u.id)).toEqual(['user-2']);
        // Filters see whole items; a client-side order reads its field even when not selected.
        const sorted = await m.User.where({ tenantId: 't1' })
          .select(['name'])
          .orderBy('age', 'desc')
          .all();
        expect(sorted.map((u) => u.name)).toEqual(['B', 'Alice']);
      });

      it('refuses to save a partially loaded instance, in a save and in a transaction', async () => {
        await m.User.create(alice);
        const partial = (await m.User.get({ id: 'user-1' }, { select: ['name'] }))!;
        partial.name = 'Changed';
        const err = await partial.save().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ValidationError);
        expect((err as ValidationError).issues[0]).toMatchObject({
          received: 'an instance loaded with select(id, name)',
        });
        expect((await m.User.get({ id: 'user-1' }))?.toJSON()).toEqual({
          ...alice,
          tenantId: null,
        });
        if (!h.noTransactions)
          await expect(transaction((tx) => tx.update(partial))).rejects.toBeInstanceOf(
            ValidationError,
          );
        // A selection that covers every field loads a whole instance, which saves.
        const all = (await m.User.get(
          { id: 'user-1' },
          { select: ['id', 'email', 'name', 'tenantId', 'age'] },
        ))!;
        all.age = 31;
        await all.save();
        expect((await m.User.get({ id: 'user-1' }))?.age).toBe(31);
      });

      it('refuses an unknown field in a selection, before any request', async () => {
        await expect(m.User.get({ id: 'x' }, { select: ['nope' as never] })).rejects.toBeInstanceOf(
          ValidationError,
        );
        expect(() => m.User.where().select(['nope' as never])).toThrow(ValidationError);
      });

      it('reads models with afterLoad hooks whole (the hooks may read any field)', async () => {
        await m.Audited.create({ id: 'a', name: 'N' });
        const got = (await m.Audited.get({ id: 'a' }, { select: ['name'] }))!;
        expect(got.saves).toBe(1);
        got.name = 'M';
        await got.save(); // whole: it saves
      });

      it('puts the cost of a page on the page and reports every request to measure() and onRequest', async () => {
        await todos(5);
        const events: string[] = [];
        const before = h.backend.onRequest;
        h.backend.onRequest = (e) => events.push(e.operation);
        try {
          const { result: page, consumed } = await measure(() =>
            m.TodoItem.where({ userId: 'alice' }).limit(2).paginate(),
          );
          expect(page.consumed.requests).toBe(1);
          expect(page.consumed.read).toBe(0.5);
          expect(consumed.snapshot()).toEqual({ requests: 1, read: 0.5, write: 0 });
          expect(events).toEqual(['Query']);
          const outer = new Meter();
          const { consumed: inner } = await measure(async () => {
            await measure(() => m.User.get({ id: 'nobody' }));
            await m.TodoItem.create({ userId: 'bob', todoId: 't', title: 'x' });
          }, outer);
          expect(inner).toBe(outer);
          expect(outer.operations).toEqual({ GetItem: 1, PutItem: 1 });
          expect(outer.read).toBe(0.5); // a missing item still costs half a unit
          expect(outer.write).toBe(1);
        } finally {
          h.backend.onRequest = before;
        }
      });
    });

    describe('transactions', () => {
      const skip = () => (h.noTransactions ? `skipped: ${h.noTransactions}` : null);

      it('commits writes together', async (ctx) => {
        if (skip()) return ctx.skip(skip()!);
        const doc = await m.Document.create({ id: 'd', body: 'v1' });
        const todo = await m.TodoItem.create({ userId: 'u', todoId: '1', title: 'x' });
        doc.body = 'v2';
        await transaction((tx) => {
          tx.create(m.User, alice);
          tx.update(doc);
          tx.delete(todo);
        });
        expect(await m.User.get({ id: 'user-1' })).not.toBeNull();
        expect((await m.Document.get({ id: 'd' }))?.version).toBe(2);
        expect(await m.TodoItem.get({ userId: 'u', todoId: '1' })).toBeNull();
      });

      it('fails with ConflictError when a checked item changed, and writes nothing', async (ctx) => {
        if (skip()) return ctx.skip(skip()!);
        await m.Document.create({ id: 'd', body: 'v1' });
        const stale = (await m.Document.get({ id: 'd' }))!;
        const fresh = (await m.Document.get({ id: 'd' }))!;
        fresh.body = 'v2';
        await fresh.save();
        const err = await transaction((tx) => {
          tx.check(stale);
          tx.create(m.User, alice);
        }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ConflictError);
        expect(await m.User.get({ id: 'user-1' })).toBeNull();
      });

      it('writes nothing when one condition fails, and names the failure', async (ctx) => {
        if (skip()) return ctx.skip(skip()!);
        await m.User.create(alice);
        const err = await transaction((tx) => {
          tx.create(m.Product, { sku: 'p', price: 1, stock: 1 });
          tx.create(m.User, alice);
        }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DuplicateKeyError);
        expect(await m.Product.get({ sku: 'p' })).toBeNull();
      });
    });
  });
}
