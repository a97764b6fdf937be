import type { Consumed } from '../capacity.js';
import { nowSeconds } from '../instances.js';
import type { StoredItem, StoredKey } from '../layout.js';
import type { CompiledModel } from '../model-meta.js';
import type { ModelContext } from '../registry.js';
import type { Condition } from './conditions.js';
import { type PlanInput, planQuery, type QueryPlan } from './plan.js';

// Reading a plan: the plan cache, and page filling over DynamoDB's Limit-before-filter reads.

const planCache = new WeakMap<CompiledModel, Map<string, QueryPlan>>();
const PLAN_CACHE_SIZE = 256;

/**
 * Plans are pure values of (model, conditions, order, index, direction), so the same query shape
 * reuses one plan (and the request parameters backends cache per plan) instead of planning again.
 */
export function cachedPlan(model: CompiledModel, input: PlanInput): QueryPlan {
  let cache = planCache.get(model);
  if (!cache) {
    cache = new Map();
    planCache.set(model, cache);
  }
  const key = planKey(input);
  let plan = cache.get(key);
  if (!plan) {
    plan = Object.freeze(planQuery(model, input));
    if (cache.size >= PLAN_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(key, plan);
  }
  return plan;
}

// Private: the cache key of a plan input, one pass over the conditions (a JSON.stringify with a
// replacer cost more than planning small queries). Conditions by field, operator and the caller's
// value (`raw`: the stored `value` is derived from it); the index: any (undefined), the table (null)
// or one by name.
function planKey(input: PlanInput): string {
  let key = conditionKey(input.filter);
  key += '\u0001';
  for (const o of input.order) key += `${o.field}${o.descending ? '-' : '+'},`;
  key +=
    input.index === undefined
      ? '\u0001*'
      : input.index === null
        ? '\u0001-'
        : `\u0001=${input.index}`;
  return input.reverse ? `${key}\u0001r` : key;
}

function conditionKey(c: Condition | null): string {
  if (c === null) return '';
  switch (c.type) {
    case 'compare':
      return `(${c.field}\u0000${c.op}\u0000${valueKey(c.raw)})`;
    case 'not':
      return `!${conditionKey(c.of)}`;
    default: {
      let key = c.type === 'and' ? '&[' : '|[';
      for (const x of c.of) key += `${conditionKey(x)},`;
      return `${key}]`;
    }
  }
}

function valueKey(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
    case 'boolean':
      return String(v);
    case 'object':
      if (v === null) return 'null';
      if (v instanceof Date) return `D${v.getTime()}`;
      if (v instanceof Set) return `S${valueKey([...v])}`;
      if (Array.isArray(v)) return `[${v.map(valueKey).join(',')}]`;
      return `O${JSON.stringify(v)}`;
    default:
      return typeof v;
  }
}

/** How far past the page a filtered read looks ahead before it knows the filter's selectivity. */
const FIRST_READ_AHEAD = 4;
const MAX_READ = 1000;

/**
 * How many items to ask the engine to evaluate for `want` more matches. DynamoDB applies Limit before
 * the filter, so a filtered read (a Scan always is: entity type) asks for more, by the selectivity
 * seen so far (4x before any is seen); an unfiltered keyed Query asks for exactly what it needs.
 */
function readSize(plan: QueryPlan, want: number, matched: number, scanned: number): number {
  const filtered =
    plan.operation === 'scan' ||
    plan.residual !== null ||
    plan.ttlAttribute !== null ||
    plan.members?.some((m) => m.residual !== null || m.ttlAttribute !== null) === true;
  const ratio =
    scanned > 0 ? Math.max(matched / scanned, 0.02) : filtered ? 1 / FIRST_READ_AHEAD : 1;
  return Math.min(MAX_READ, Math.max(want, Math.ceil(want / ratio)));
}

/**
 * Reads until `limit` matches are found, plus one to know whether more exist (so the last page never
 * carries a cursor to an empty page), continuing past engine pages the filter emptied. The cursor
 * points at the last item returned, so reading ahead never skips an item. `limit` null returns the
 * first non-empty engine page. `next` is where the following page starts.
 *
 * `maxReads` bounds the engine requests of one page: when it runs out first, the page is shorter
 * and `next` is where the engine stopped, so the caller pays a known cost and can read on.
 */
export async function readMatches(
  ctx: ModelContext,
  plan: QueryPlan,
  limit: number | null,
  start: StoredKey | null,
  maxReads = Number.POSITIVE_INFINITY,
  projection: readonly string[] | null = null,
): Promise<{ items: StoredItem[]; next: StoredKey | null; consumed: Consumed }> {
  const items: StoredItem[] = [];
  const now = nowSeconds();
  let startKey = start;
  let scanned = 0;
  let read = 0;
  for (let reads = 1; ; reads++) {
    const consumed = () => ({ requests: reads, read, write: 0 });
    const want =
      limit === null ? null : readSize(plan, limit + 1 - items.length, items.length, scanned);
    const page = await ctx.backend.queryPage({
      layout: ctx.layout,
      plan,
      limit: want,
      startKey,
      countOnly: false,
      now,
      projection,
    });
    scanned += page.scanned;
    read += page.readUnits;
    // The backend applied the plan's visibility (entity type, TTL) with its filter.
    for (const item of page.items) items.push(item);
    startKey = page.lastKey;
    if (limit !== null && items.length > limit) {
      items.length = limit;
      return {
        items,
        next: ctx.layout.positionOf(items[limit - 1]!, plan.index),
        consumed: consumed(),
      };
    }
    if (startKey === null) return { items, next: null, consumed: consumed() };
    if ((limit === null && items.length > 0) || reads >= maxReads)
      return { items, next: startKey, consumed: consumed() };
  }
}
