// Item collections: one Query over a table partition that returns several models at once, each item
// read by its own model (entity type picks it; hooks, type conversion and TTL apply as for its own reads).
import { ConfigurationError, describe, ValidationError } from './errors.js';
import { loaded, nowSeconds } from './instances.js';
import type { StoredItem, StoredKey } from './layout.js';
import { decodeCursor, encodeCursor } from './query/cursor.js';
import { compareText } from './query/order.js';
import { planCollection, type QueryPlan, sortRange } from './query/plan.js';
import { Query } from './query/query.js';
import { readMatches } from './query/read.js';
import { type AnyModelClass, contextOf, type KeyFor, type ModelContext } from './registry.js';
import { relationsOf } from './relations.js';

/** One model of a collection: its own keyed table query over the collection's partition. */
interface Member {
  readonly ctx: ModelContext;
  readonly query: Query<AnyModelClass>;
  readonly plan: QueryPlan;
}

interface CollectionState {
  readonly limit: number | null;
  readonly cursor: string | null;
  readonly reverse: boolean;
  readonly maxReads: number;
}

/** A page of a collection: every member's items, in sort-key order, under one cursor. */
export interface CollectionPage<M extends AnyModelClass> {
  readonly items: InstanceType<M>[];
  /** Pass to `.cursor()` for the next page; null on the last page. */
  readonly cursor: string | null;
  /** The cursor that resumes right after `items[i]`. */
  cursorAt(i: number): string;
  /** The items of one model, in key order. */
  of<T extends M>(model: T): InstanceType<T>[];
}

/** The first items of one member, read with the others (see `Collection.heads`). */
export interface Head<M extends AnyModelClass> {
  readonly items: InstanceType<M>[];
  /** True when the member has more items than `items` (exact: the read looked one past). */
  readonly hasMore: boolean;
  /** A cursor of the member's own query (`query`) after the last item; null when none follow. */
  readonly cursor: string | null;
  /** The member's own query (`Order.where({ userId })`): resume it with `cursor`. */
  readonly query: Query<M>;
}

export interface CollectionHeads<M extends AnyModelClass> {
  of<T extends M>(model: T): Head<T>;
}

const badMember = (entity: string, path: string, message: string, received: unknown) =>
  new ValidationError(entity, [
    {
      path,
      message,
      expected: 'a model stored in the same table partition',
      received: describe(received),
    },
  ]);

/**
 * An immutable read of one item collection. Nothing is read until `paginate`, `all`, `heads` or
 * `for await`.
 */
export class Collection<M extends AnyModelClass> {
  readonly #members: readonly Member[];
  readonly #byEntity: ReadonlyMap<string, Member>;
  readonly #state: CollectionState;
  #plan: QueryPlan | undefined;

  private constructor(members: readonly Member[], state: CollectionState) {
    this.#members = members;
    this.#byEntity = new Map(members.map((m) => [m.ctx.model.entity, m]));
    this.#state = state;
  }

  /**
   * A collection from the members' own queries (each a keyed table Query on one partition, the same
   * for all). What `collection()` builds from models; the GraphQL layer builds it from relations.
   * @internal
   */
  static fromQueries<Q extends Query<AnyModelClass>>(
    queries: readonly Q[],
    partition?: string | null,
  ): Collection<Q['model']> {
    const members: Member[] = [];
    for (const [i, query] of queries.entries()) {
      const ctx = contextOf(query.model);
      const plan = query.plan();
      const first = members[0];
      if (plan.operation !== 'query' || plan.index !== null || plan.clientOrder !== null)
        throw badMember(
          ctx.model.entity,
          `models[${i}]`,
          'its conditions do not fix its table partition key, so it is not part of one item collection',
          ctx.model.entity,
        );
      if (partition != null && plan.partition !== partition)
        throw badMember(
          ctx.model.entity,
          `models[${i}]`,
          `lives in partition ${JSON.stringify(plan.partition)}, not ${JSON.stringify(partition)} (relate it to the owner with hasMany, or give it fields named like the key)`,
          ctx.model.entity,
        );
      if (first && plan.partition !== first.plan.partition)
        throw badMember(
          ctx.model.entity,
          `models[${i}]`,
          `lives in partition ${JSON.stringify(plan.partition)}, not ${JSON.stringify(first.plan.partition)}`,
          ctx.model.entity,
        );
      if (
        first &&
        (ctx.backend !== first.ctx.backend || ctx.layout.adapter !== first.ctx.layout.adapter)
      )
        throw new ConfigurationError(
          `${ctx.model.entity} and ${first.ctx.model.entity} are bound to different backends: one collection reads one table`,
        );
      if (members.some((m) => m.ctx.model.entity === ctx.model.entity))
        throw badMember(ctx.model.entity, `models[${i}]`, 'is listed twice', ctx.model.entity);
      members.push({ ctx, query, plan });
    }
    if (members.length === 0)
      throw new ValidationError('collection', [
        { path: 'models', message: 'needs at least one model', expected: 'models', received: '[]' },
      ]);
    return new Collection(members, {
      limit: null,
      cursor: null,
      reverse: false,
      maxReads: Infinity,
    });
  }

  private with(patch: Partial<CollectionState>): Collection<M> {
    const next = new Collection<M>(this.#members, { ...this.#state, ...patch });
    if (patch.reverse === undefined) next.#plan = this.#plan;
    return next;
  }

  limit(n: number | null): Collection<M> {
    if (n !== null && (!Number.isSafeInteger(n) || n < 1))
      throw new ValidationError(this.plan().entity, [
        {
          path: 'limit',
          message: 'must be a positive integer',
          expected: 'integer >= 1',
          received: describe(n),
        },
      ]);
    return this.with({ limit: n });
  }
  /** Resumes after the item a cursor of this same collection (members, partition, direction) points at. */
  cursor(cursor: string | null | undefined): Collection<M> {
    return this.with({ cursor: cursor ?? null });
  }
  /** Reads the partition from the end of its sort-key range. */
  reverse(): Collection<M> {
    return this.with({ reverse: !this.#state.reverse });
  }
  /** Caps the engine requests one page may send (see `Query.maxReads`). */
  maxReads(n: number): Collection<M> {
    if (!Number.isSafeInteger(n) || n < 1)
      throw new ValidationError(this.plan().entity, [
        {
          path: 'maxReads',
          message: 'must be a positive integer',
          expected: 'integer >= 1',
          received: describe(n),
        },
      ]);
    return this.with({ maxReads: n });
  }

  /** The member's own query (`Order.where({ userId })` for a user's collection). */
  queryOf<T extends M>(model: T): Query<T> {
    return this.member(model).query as unknown as Query<T>;
  }

  /**
   * The plan (pure): one Query on the partition, narrowed to the hull of the members' sort-key
   * ranges (each derived from its key method: `ORDER#…`, `PROFILE`, `TODO#…`), filtered to their
   * entity types.
   */
  plan(): QueryPlan {
    this.#plan ??= Object.freeze(
      planCollection(
        this.#members.map((m) => m.plan),
        !this.#state.reverse,
      ),
    );
    return this.#plan;
  }

  private member(model: AnyModelClass): Member {
    const m = this.#byEntity.get(contextOf(model).model.entity);
    if (!m || m.ctx.cls !== model)
      throw badMember(this.plan().entity, 'model', 'is not a model of this collection', model.name);
    return m;
  }

  private get ctx(): ModelContext {
    return this.#members[0]!.ctx;
  }

  private load(items: readonly StoredItem[]): Promise<InstanceType<M>[]> {
    const attr = this.ctx.layout.adapter.entityTypeAttribute;
    return Promise.all(
      items.map((item) =>
        loaded<InstanceType<M>>(this.#byEntity.get(item[attr] as string)!.ctx, item),
      ),
    );
  }

  /** One page of at most `limit` items of every member, in sort-key order, and the next cursor. */
  async paginate(): Promise<CollectionPage<M>> {
    const { ctx } = this;
    const plan = this.plan();
    const secret = ctx.backend.cursorSecret;
    const start =
      this.#state.cursor === null ? null : decodeCursor(secret, plan, this.#state.cursor);
    const { items, next } = await readMatches(
      ctx,
      plan,
      this.#state.limit,
      start,
      this.#state.maxReads,
    );
    const instances = await this.load(items);
    return {
      items: instances,
      cursor: next ? encodeCursor(secret, plan, next) : null,
      cursorAt: (i) => encodeCursor(secret, plan, ctx.layout.positionOf(items[i]!, null)),
      of: <T extends M>(model: T) => {
        const cls = this.member(model).ctx.cls;
        return instances.filter((x) => x.constructor === cls) as InstanceType<T>[];
      },
    };
  }

  /** Every item of every member (up to `limit`), in sort-key order. */
  async all(): Promise<InstanceType<M>[]> {
    if (this.#state.limit !== null) return (await this.paginate()).items;
    const out: InstanceType<M>[] = [];
    for await (const page of this.pages()) out.push(...page);
    return out;
  }

  async *pages(): AsyncGenerator<InstanceType<M>[]> {
    let c: Collection<M> = this;
    for (;;) {
      const page = await c.paginate();
      if (page.items.length > 0) yield page.items;
      if (page.cursor === null) return;
      c = c.cursor(page.cursor);
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<InstanceType<M>> {
    for await (const page of this.pages()) yield* page;
  }

  /**
   * The first `size` items of each member, read together: one Query while the collection is small,
   * and never one member starved by another's many items. After each read, members whose page is
   * full (or whose range was passed) drop out and the next Query covers only the range the others
   * occupy, so a user with 1,000 orders costs 2 Queries for 10 orders and 10 todo items. Each head
   * carries exact `hasMore` and a cursor of the member's own query.
   */
  async heads(size: number | ((model: M) => number)): Promise<CollectionHeads<M>> {
    const sizeOf = typeof size === 'number' ? () => size : size;
    const sizes = new Map(this.#members.map((m) => [m, sizeOf(m.ctx.cls as M)]));
    for (const [m, n] of sizes)
      if (!Number.isSafeInteger(n) || n < 0)
        throw new ValidationError(m.ctx.model.entity, [
          {
            path: 'size',
            message: 'must be a non-negative integer',
            expected: 'integer >= 0',
            received: describe(n),
          },
        ]);
    const budget = this.#state.maxReads;
    const read = await readCollectionHeads(
      this,
      new Map([...sizes].map(([m, n]) => [m.ctx.cls, n + 1])),
      Number.isFinite(budget) ? budget : undefined,
    );
    return {
      of: <T extends M>(model: T): Head<T> => {
        const m = this.member(model);
        const n = sizes.get(m)!;
        const items = (read.get(m.ctx.cls) ?? []) as InstanceType<T>[];
        const hasMore = items.length > n;
        const query = m.query as unknown as Query<T>;
        const shown = items.slice(0, n);
        return {
          items: shown,
          hasMore,
          cursor: hasMore && n > 0 ? query.cursorFor(shown[n - 1]!) : null,
          query,
        };
      },
    };
  }

  /** @internal */
  get members(): readonly Member[] {
    return this.#members;
  }
}

/**
 * Reads up to `needs.get(model)` items of each member in sort-key order (exact counts: fewer only
 * when the member has fewer). The loop of `heads`; the GraphQL planner calls it with `first + 1` per
 * relation and 1 for the parent. A member still short when `maxReads` runs out reads on with its
 * own Query from its last item. @internal
 */
export async function readCollectionHeads<M extends AnyModelClass>(
  collection: Collection<M>,
  needs: ReadonlyMap<AnyModelClass, number>,
  maxReads = 25,
): Promise<Map<AnyModelClass, InstanceType<M>[]>> {
  const members = collection.members;
  const ctx = members[0]!.ctx;
  const { sort } = ctx.layout.table;
  const attr = ctx.layout.adapter.entityTypeAttribute;
  const state = members
    .filter((m) => (needs.get(m.ctx.cls) ?? 0) > 0)
    .map((m) => ({
      member: m,
      need: needs.get(m.ctx.cls)!,
      items: [] as StoredItem[],
      passed: false,
      high: sortRange(m.plan.sort)[1],
    }));
  const byEntity = new Map(state.map((s) => [s.member.ctx.model.entity, s]));
  const now = nowSeconds();
  let position: StoredKey | null = null;
  for (let reads = 0; reads < maxReads; reads++) {
    const active = state.filter((s) => !s.passed && s.items.length < s.need);
    if (active.length === 0) break;
    // Only the range the members still short occupy; resume after the last position inside it.
    const plan = planCollection(
      active.map((s) => s.member.plan),
      true,
    );
    const [low] = sortRange(plan.sort);
    const inside = position !== null && (low === null || compareText(position[sort!]!, low) >= 0);
    // The first read asks for exactly what the pages need; a follow-up (the collection is bigger
    // than the pages) adds a quarter for items of other types inside the range: a few more items
    // read cost next to nothing in capacity, another request costs a round trip.
    const short = active.reduce((n, s) => n + s.need - s.items.length, 0);
    const limit = Math.min(1000, reads === 0 ? short : short + Math.ceil(short / 4));
    const page = await ctx.backend.queryPage({
      layout: ctx.layout,
      plan,
      limit,
      startKey: inside ? position : null,
      countOnly: false,
      now,
    });
    for (const item of page.items) {
      const s = byEntity.get(item[attr] as string);
      if (s && s.items.length < s.need) s.items.push(item);
    }
    position = page.lastKey;
    if (position === null) {
      for (const s of active) s.passed = true;
      break;
    }
    for (const s of active)
      if (s.high !== null && compareText(position[sort!]!, s.high) >= 0) s.passed = true;
  }
  const out = new Map<AnyModelClass, InstanceType<M>[]>();
  await Promise.all(
    state.map(async (s) => {
      if (!s.passed && s.items.length < s.need) {
        // The read budget ran out with this member short: its own Query reads on from its last item.
        const { ctx: mctx, plan } = s.member;
        const last = s.items.at(-1);
        const more = await readMatches(
          mctx,
          plan,
          s.need - s.items.length,
          last ? mctx.layout.positionOf(last, null) : null,
        );
        s.items.push(...more.items);
      }
      const { ctx: mctx } = s.member;
      out.set(
        mctx.cls,
        await Promise.all(s.items.map((item) => loaded<InstanceType<M>>(mctx, item))),
      );
    }),
  );
  return out;
}

/**
 * The item collection of one partition: `collection(User, { id: 'alice' }, [User, Order, TodoItem])`
 * reads the user, their orders and their todo items with one Query per page. `key` holds the owner's
 * partition-key fields; each other model's fields come from the owner's `hasMany` relation to it
 * (`{ userId: 'id' }`), or else from its fields of the same names. A model whose partition key those
 * values do not make equal to the owner's is a `ValidationError`.
 */
export function collection<O extends AnyModelClass, const Ms extends readonly AnyModelClass[]>(
  owner: O,
  key: KeyFor<O>,
  models: Ms,
): Collection<Ms[number]> {
  const ownerCtx = contextOf(owner);
  const given = key as Record<string, unknown>;
  if (typeof key !== 'object' || key === null)
    throw new ValidationError(ownerCtx.model.entity, [
      {
        path: 'key',
        message: 'a key must be an object',
        expected: ownerCtx.model.table.partition.reads.join(', '),
        received: describe(key),
      },
    ]);
  const partitionFields = ownerCtx.model.table.partition.reads;
  const missing = partitionFields.filter((f) => given[f] === undefined || given[f] === null);
  if (missing.length > 0)
    throw new ValidationError(
      ownerCtx.model.entity,
      missing.map((f) => ({
        path: f,
        message: 'is required to compute the partition key of the collection',
        expected: ownerCtx.model.fields.get(f)!.kind,
        received: 'undefined',
      })),
    );
  const ownKey = Object.fromEntries(partitionFields.map((f) => [f, given[f]]));
  const relations = Object.values(relationsOf(owner));
  const queries = models.map((model) => {
    if (model === (owner as AnyModelClass)) return Query.of(model, ownKey);
    const relation = relations.find(
      (r) =>
        r.kind === 'hasMany' &&
        r.target() === model &&
        Object.values(r.on).every((source) => ownKey[source] !== undefined),
    );
    const target = contextOf(model).model;
    const named = Object.fromEntries(Object.entries(ownKey).filter(([f]) => target.fields.has(f)));
    const reads = target.table.partition.reads;
    // One field each side (`USER#${this.id}` / `USER#${this.userId}`): the owner's value is the member's.
    const single =
      reads.length === 1 && partitionFields.length === 1 && !reads.every((f) => f in named)
        ? { [reads[0]!]: ownKey[partitionFields[0]!] }
        : null;
    const fixed = relation
      ? Object.fromEntries(Object.entries(relation.on).map(([t, s]) => [t, ownKey[s]]))
      : (single ?? named);
    return Query.of(model, fixed);
  });
  return Collection.fromQueries(
    queries as Query<AnyModelClass>[],
    Query.of(owner, ownKey).plan().partition,
  ) as Collection<Ms[number]>;
}
