import type { Consumed } from '../capacity.js';
import {
  describe,
  MultipleResultsError,
  ValidationError,
  type ValidationIssue,
} from '../errors.js';
import { instantiate, loaded, nowSeconds } from '../instances.js';
import type { StoredItem, StoredKey } from '../layout.js';
import { projectionFor } from '../projection.js';
import {
  type AnyModelClass,
  contextOf,
  type ModelContext,
  modelOf,
  type ValuesFor,
} from '../registry.js';
import { and, type Condition, not, or, parseWhere, type Where } from './conditions.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { compareStored } from './order.js';
import type { OrderSpec, QueryPlan } from './plan.js';
import { cachedPlan, readMatches } from './read.js';

interface QueryState {
  readonly filter: Condition | null;
  readonly order: readonly OrderSpec[];
  readonly limit: number | null;
  readonly cursor: string | null;
  /** The cursor came from this query read in the other direction (Relay `before` after paging forward). */
  readonly cursorEitherDirection: boolean;
  readonly index: string | null | undefined;
  readonly reverse: boolean;
  readonly maxReads: number;
  readonly select: readonly string[] | null;
}

/** State that changes how a plan is paged, not the plan. */
const PAGING = new Set<string>(['limit', 'cursor', 'cursorEitherDirection', 'maxReads', 'select']);

export interface Page<T> {
  readonly items: T[];
  /** Pass to `.cursor()` for the next page; null on the last page. Signed on first read. */
  readonly cursor: string | null;
  /** Whether a next page exists (`cursor !== null`), without signing the cursor. */
  readonly hasMore: boolean;
  /** What reading the page cost: engine requests and read capacity units. */
  readonly consumed: Consumed;
  /** The cursor that resumes right after `items[i]` (Relay edge cursors); computed on demand. */
  cursorAt(i: number): string;
}

/**
 * An immutable query: every method returns a new query. Nothing is read until a terminal method
 * (`all`, `first`, `last`, `count`, `exists`, `get`, `paginate`, or `for await`).
 */
export class Query<M extends AnyModelClass> {
  /** The plan, computed on first use; kept by copies that only change paging (limit, cursor, budget). */
  #plan: QueryPlan | undefined;

  private constructor(
    readonly model: M,
    private readonly state: QueryState,
    plan?: QueryPlan,
  ) {
    this.#plan = plan;
  }

  static of<M extends AnyModelClass>(model: M, conditions?: object): Query<M> {
    const q = new Query(model, {
      filter: null,
      order: [],
      limit: null,
      cursor: null,
      cursorEitherDirection: false,
      index: undefined,
      reverse: false,
      maxReads: Number.POSITIVE_INFINITY,
      select: null,
    });
    return conditions === undefined ? q : q.and(conditions as Where<ValuesFor<M>>);
  }

  private with(patch: Partial<QueryState>): Query<M> {
    let samePlan = true;
    for (const k in patch) if (!PAGING.has(k)) samePlan = false;
    return new Query(this.model, { ...this.state, ...patch }, samePlan ? this.#plan : undefined);
  }

  private parse(conditions: object): Condition | null {
    const model = modelOf(this.model);
    const issues: ValidationIssue[] = [];
    const c = parseWhere(model.fields, conditions, issues);
    if (issues.length > 0) throw new ValidationError(model.entity, issues);
    return c;
  }

  /** Adds conditions, ANDed with the current ones. */
  and(conditions: Where<ValuesFor<M>>): Query<M> {
    return this.with({ filter: and([this.state.filter, this.parse(conditions)]) });
  }
  where(conditions: Where<ValuesFor<M>>): Query<M> {
    return this.and(conditions);
  }
  /** (current conditions) OR (these). */
  or(conditions: Where<ValuesFor<M>>): Query<M> {
    return this.with({ filter: or(this.state.filter, this.parse(conditions)) });
  }
  /** Current conditions AND NOT (these). */
  not(conditions: Where<ValuesFor<M>>): Query<M> {
    const c = this.parse(conditions);
    return this.with({ filter: and([this.state.filter, c && not(c)]) });
  }
  /** Orders by a field; key order (the sort key's leading field) is served by DynamoDB, others after reading all. */
  orderBy(fieldName: keyof ValuesFor<M> & string, direction: 'asc' | 'desc' = 'asc'): Query<M> {
    const model = modelOf(this.model);
    if (!model.fields.has(fieldName) || (direction !== 'asc' && direction !== 'desc'))
      throw new ValidationError(model.entity, [
        {
          path: 'orderBy',
          message: `cannot order by ${JSON.stringify(fieldName)} ${JSON.stringify(direction)}`,
          expected: `${model.fieldNames.join(' | ')} with 'asc' | 'desc'`,
          received: describe(fieldName),
        },
      ]);
    return this.with({
      order: [...this.state.order, { field: fieldName, descending: direction === 'desc' }],
    });
  }
  /** Reverses key order (a keyed query read from the end of its partition). */
  reverse(): Query<M> {
    return this.with({ reverse: !this.state.reverse });
  }
  limit(n: number | null): Query<M> {
    if (n !== null && (!Number.isSafeInteger(n) || n < 1))
      throw new ValidationError(modelOf(this.model).entity, [
        {
          path: 'limit',
          message: 'must be a positive integer',
          expected: 'integer >= 1',
          received: describe(n),
        },
      ]);
    return this.with({ limit: n });
  }
  /**
   * Resumes after the item a cursor points at. A cursor is bound to its query and direction;
   * `eitherDirection` also accepts one this same query issued reading the other way (Relay clients
   * pass any cursor as `after` or `before`).
   */
  cursor(cursor: string | null | undefined, options: { eitherDirection?: boolean } = {}): Query<M> {
    return this.with({
      cursor: cursor ?? null,
      cursorEitherDirection: options.eitherDirection === true,
    });
  }
  /**
   * Caps the engine requests one page may send (a read budget): a selective filter then returns a
   * shorter page with a cursor instead of reading on. Unlimited by default.
   */
  maxReads(n: number): Query<M> {
    if (!Number.isSafeInteger(n) || n < 1)
      throw new ValidationError(modelOf(this.model).entity, [
        {
          path: 'maxReads',
          message: 'must be a positive integer',
          expected: 'integer >= 1',
          received: describe(n),
        },
      ]);
    return this.with({ maxReads: n });
  }

  /**
   * Fetches only these fields (DynamoDB ProjectionExpression), plus what the ORM needs: the key
   * fields, `version`, the TTL field, and the stored keys cursors point at. Instances hold only
   * those (the others read as empty) and cannot be saved; a model with `afterLoad` hooks is always
   * read whole. `null` selects every field again.
   */
  select(fields: readonly (keyof ValuesFor<M> & string)[] | null): Query<M> {
    if (fields !== null) projectionFor(contextOf(this.model), fields); // an unknown field throws now
    // A frozen list cannot change under the query: kept as is (projections cache it by identity).
    return this.with({
      select: fields === null ? null : Object.isFrozen(fields) ? fields : [...fields],
    });
  }

  /** Queries a GSI by name (`null`: the table). Without it, the planner picks the table or a GSI whose key the conditions fix. */
  usingIndex(index: string | null): Query<M> {
    const model = modelOf(this.model);
    if (index !== null && !model.indexes.has(index))
      throw new ValidationError(model.entity, [
        {
          path: 'usingIndex',
          message: 'unknown index',
          expected: [...model.indexes.keys()].join(' | ') || 'no indexes',
          received: describe(index),
        },
      ]);
    return this.with({ index });
  }

  /** The plan this query runs (pure: no I/O). */
  plan(): QueryPlan {
    if (this.#plan === undefined) {
      const { filter, order, index, reverse } = this.state;
      this.#plan = cachedPlan(modelOf(this.model), { filter, order, index, reverse });
    }
    return this.#plan;
  }

  /** One page of at most `limit` items, filled even when the filter drops items, and the next cursor. */
  async paginate(): Promise<Page<InstanceType<M>>> {
    const ctx = contextOf(this.model);
    const plan = this.plan();
    if (plan.clientOrder) return this.sortedPage(ctx, plan);
    const start = this.startKey(ctx, plan);
    const projection = projectionFor(ctx, this.state.select, plan.index);
    const { items, next, consumed } = await readMatches(
      ctx,
      plan,
      this.state.limit,
      start,
      this.state.maxReads,
      projection?.attributes ?? null,
    );
    const secret = ctx.backend.cursorSecret;
    const loadedItems = this.load(ctx, items, projection?.fields);
    // Cursors are signed (an HMAC each): the next page's only when it is read (a GraphQL page
    // whose client selects no cursor signs none).
    let cursor: string | null | undefined;
    return {
      items: Array.isArray(loadedItems) ? loadedItems : await loadedItems,
      get cursor() {
        if (cursor === undefined) cursor = next ? encodeCursor(secret, plan, next) : null;
        return cursor;
      },
      hasMore: next !== null,
      cursorAt: (i: number) =>
        encodeCursor(secret, plan, ctx.layout.positionOf(items[i]!, plan.index)),
      consumed,
    };
  }

  /** The cursor that resumes this query right after `instance` (which must match the query). */
  cursorFor(instance: InstanceType<M>): string {
    const ctx = contextOf(this.model);
    const plan = this.plan();
    const values = instance as unknown as Record<string, unknown>;
    const item = ctx.layout.toItem(values, instance as object);
    return encodeCursor(ctx.backend.cursorSecret, plan, ctx.layout.positionOf(item, plan.index));
  }

  private startKey(ctx: ModelContext, plan: QueryPlan): StoredKey | null {
    if (this.state.cursor === null) return null;
    const secret = ctx.backend.cursorSecret;
    if (!this.state.cursorEitherDirection) return decodeCursor(secret, plan, this.state.cursor);
    try {
      return decodeCursor(secret, plan, this.state.cursor);
    } catch {
      return decodeCursor(secret, { ...plan, ascending: !plan.ascending }, this.state.cursor);
    }
  }

  // Private: an order DynamoDB cannot serve: read every match, sort, then page by offset.
  private async sortedPage(ctx: ModelContext, plan: QueryPlan): Promise<Page<InstanceType<M>>> {
    if (this.state.cursor !== null)
      throw new ValidationError(ctx.model.entity, [
        {
          path: 'cursor',
          message: `cursors follow key order; orderBy(${plan.clientOrder!.map((o) => o.field).join(', ')}) is sorted after reading every match, so it cannot resume`,
          expected: 'no cursor, or key order',
          received: 'cursor',
        },
      ]);
    const order = plan.clientOrder!;
    // The sort reads its order fields: they join the selection.
    const select = this.state.select && [...this.state.select, ...order.map((o) => o.field)];
    const projection = projectionFor(ctx, select, plan.index);
    const { items, consumed } = await readMatches(
      ctx,
      plan,
      null,
      null,
      Number.POSITIVE_INFINITY,
      projection?.attributes ?? null,
    );
    items.sort((a, b) => {
      for (const o of order) {
        const c = compareStored(a[o.field], b[o.field]);
        if (c !== 0) return o.descending !== this.state.reverse ? -c : c;
      }
      return 0;
    });
    const limit = this.state.limit;
    const cursorAt = (): string => {
      throw new ValidationError(ctx.model.entity, [
        {
          path: 'cursor',
          message: 'a client-sorted query has no cursors',
          expected: 'key order',
          received: 'orderBy',
        },
      ]);
    };
    return {
      items: await this.load(
        ctx,
        limit === null ? items : items.slice(0, limit),
        projection?.fields,
      ),
      cursor: null,
      hasMore: false,
      cursorAt,
      consumed,
    };
  }

  private load(
    ctx: ModelContext,
    items: StoredItem[],
    partial?: readonly string[],
  ): InstanceType<M>[] | Promise<InstanceType<M>[]> {
    // No afterLoad hooks: no promise per item, nor one for the page, on the hot path.
    if (ctx.model.hooks.afterLoad.length === 0)
      return items.map((item) => instantiate<InstanceType<M>>(ctx, item, partial));
    return Promise.all(items.map((item) => loaded<InstanceType<M>>(ctx, item, partial)));
  }

  /** Every match (up to `limit`). */
  async all(): Promise<InstanceType<M>[]> {
    if (this.state.limit !== null) return (await this.paginate()).items;
    const out: InstanceType<M>[] = [];
    for await (const page of this.pages()) out.push(...page);
    return out;
  }

  async first(): Promise<InstanceType<M> | null> {
    return (await this.limit(1).paginate()).items[0] ?? null;
  }

  /** The last match in the query's order. */
  async last(): Promise<InstanceType<M> | null> {
    const plan = this.plan();
    if (plan.operation === 'query' || plan.clientOrder) return this.reverse().first();
    const all = await this.limit(null).all();
    return all[all.length - 1] ?? null;
  }

  /**
   * The number of matches (DynamoDB `Select: COUNT`: no item is transferred; at most `limit` when
   * one is set). With a limit, no page evaluates more items than are still needed, and `maxReads`
   * bounds the requests: past it the count is a lower bound.
   */
  async count(): Promise<number> {
    const ctx = contextOf(this.model);
    const plan = this.plan();
    let start = this.startKey(ctx, plan);
    let total = 0;
    const now = nowSeconds();
    const { limit, maxReads } = this.state;
    let reads = 0;
    do {
      const page = await ctx.backend.queryPage({
        layout: ctx.layout,
        plan,
        limit: limit === null ? null : limit - total,
        startKey: start,
        countOnly: true,
        now,
      });
      total += page.count;
      start = page.lastKey;
    } while (start && (limit === null || total < limit) && ++reads < maxReads);
    return this.state.limit === null ? total : Math.min(total, this.state.limit);
  }

  async exists(): Promise<boolean> {
    return (await this.first()) !== null;
  }

  /** The single match, or null; `MultipleResultsError` when more than one item matches. */
  async get(conditions?: Where<ValuesFor<M>>): Promise<InstanceType<M> | null> {
    const q = conditions ? this.and(conditions) : this;
    const { items } = await q.limit(2).paginate();
    if (items.length > 1) throw new MultipleResultsError(modelOf(this.model).entity, items.length);
    return items[0] ?? null;
  }

  /** Streams every page (of `limit` items, or DynamoDB's own page size). */
  async *pages(): AsyncGenerator<InstanceType<M>[]> {
    let q: Query<M> = this;
    for (;;) {
      const page = await q.paginate();
      if (page.items.length > 0) yield page.items;
      if (!page.hasMore) return;
      q = q.cursor(page.cursor);
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<InstanceType<M>> {
    for await (const page of this.pages()) yield* page;
  }
}
