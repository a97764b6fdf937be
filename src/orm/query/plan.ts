import type { IndexAttributes } from '../layout.js';
import type { CompiledModel, IndexPlan, KeyPlan } from '../model-meta.js';
import { and, type Condition, conjuncts, fixedValues } from './conditions.js';
import type { Operator } from './operators.js';
import { compareText } from './order.js';

/** A key condition on the sort key of the table or index being queried (DynamoDB's own operators). */
export type SortCondition =
  | { readonly op: 'eq' | 'beginsWith' | 'gt' | 'gte' | 'lt' | 'lte'; readonly value: string }
  | { readonly op: 'between'; readonly value: readonly [string, string] };

export interface OrderSpec {
  readonly field: string;
  readonly descending: boolean;
}

/**
 * What a query will do, as a plain value: a keyed Query (partition fixed) or a Scan, on the table or
 * a GSI, with which sort-key condition, filter and order. Backends execute plans; tests inspect them.
 */
export interface QueryPlan {
  readonly entity: string;
  readonly index: string | null;
  readonly operation: 'query' | 'scan';
  /** The partition key value, for a keyed query. */
  readonly partition: string | null;
  readonly sort: SortCondition | null;
  /** The caller's whole condition; the entity type and TTL are added by the backend. */
  readonly filter: Condition | null;
  /**
   * What the engine must still filter: `filter` without the equalities the key condition already
   * enforces (a keyed `{ userId }` is the partition `USER#<userId>` itself). Null: nothing to filter,
   * so a page of n needs exactly n + 1 items read.
   */
  readonly residual: Condition | null;
  /** Key order; Scans have no order of their own. */
  readonly ascending: boolean;
  /** Present when the order asked for is not key order: results are sorted after reading them all. */
  readonly clientOrder: readonly OrderSpec[] | null;
  /** The TTL attribute whose expired items are hidden, if the model has one. */
  readonly ttlAttribute: string | null;
  /**
   * An item collection read (several models of one partition): the entity types it returns, each with
   * its TTL and what the engine must still filter for it. `entity` then names the collection.
   */
  readonly members?: readonly CollectionMember[];
}

/** One model's share of an item collection read. */
export interface CollectionMember {
  readonly entity: string;
  readonly ttlAttribute: string | null;
  readonly residual: Condition | null;
}

export interface PlanInput {
  readonly filter: Condition | null;
  readonly order: readonly OrderSpec[];
  readonly index: string | null | undefined;
  readonly reverse: boolean;
}

/** The highest code point: `prefix + MAX` sorts after every string starting with `prefix`. */
const MAX = String.fromCodePoint(0x10ffff);

// Private: computes a key from fixed values, or null when a required field is not fixed.
function tryKey(
  model: CompiledModel,
  plan: KeyPlan,
  fixed: Map<string, unknown>,
  overrides?: Map<string, unknown>,
): string | null {
  if (!plan.requires.every((f) => fixed.has(f) || overrides?.has(f))) return null;
  const view = Object.create(model.proto) as Record<string, unknown>;
  for (const name of model.fieldNames) view[name] = overrides?.get(name) ?? fixed.get(name) ?? null;
  try {
    return plan.compute(view);
  } catch {
    return null;
  }
}

const sentinel = (i: number) => `\u0001tg${i}\u0001`;
function sentinelDate(text: string): Date {
  const d = new Date(0);
  const asText = () => text;
  for (const key of ['toISOString', 'toJSON', 'toString', Symbol.toPrimitive])
    Object.defineProperty(d, key, { value: asText });
  return d;
}

/**
 * Derives a sort-key condition when some fields of the sort key are not fixed: run the key method with
 * markers in place of the unfixed text fields; the text before the first marker is a prefix every
 * matching item shares, and a range on the field right after it narrows further. The derived
 * condition only ever selects a superset of the matches; the filter still applies exactly.
 */
function deriveSortCondition(
  model: CompiledModel,
  plan: KeyPlan,
  filter: Condition | null,
  fixed: Map<string, unknown>,
): SortCondition | null {
  const full = tryKey(model, plan, fixed);
  if (full !== null && plan.reads.every((f) => fixed.has(f))) return { op: 'eq', value: full };
  const unfixed = plan.reads.filter((f) => !fixed.has(f));
  // Optional fields may take another branch of the key method when null; markers cannot speak for that.
  if (unfixed.some((f) => model.fields.get(f)!.options.optional)) return null;
  const markers = new Map<string, unknown>();
  for (const [i, f] of unfixed.entries()) {
    const kind = model.fields.get(f)!.kind;
    if (kind === 'string' || kind === 'enum' || kind === 'date') markers.set(f, sentinel(i));
    else if (kind === 'datetime') markers.set(f, sentinelDate(sentinel(i)));
    else return null;
  }
  const marked = tryKey(model, plan, fixed, markers);
  if (marked === null) return null;
  let first = -1;
  let firstField: string | null = null;
  for (const [i, f] of unfixed.entries()) {
    const at = marked.indexOf(sentinel(i));
    if (at < 0) return null; // the value was transformed, so its position is unknown
    if (first < 0 || at < first) [first, firstField] = [at, f];
  }
  const prefix = marked.slice(0, first);
  const range = firstField === null ? null : rangeOn(model, firstField, filter, prefix);
  if (range) return range;
  return prefix === '' ? null : { op: 'beginsWith', value: prefix };
}

function rangeOn(
  model: CompiledModel,
  field: string,
  filter: Condition | null,
  prefix: string,
): SortCondition | null {
  const kind = model.fields.get(field)!.kind;
  for (const c of conjuncts(filter)) {
    if (c.type !== 'compare' || c.field !== field) continue;
    const text = (v: unknown) => (kind === 'datetime' ? (v as Date).toISOString() : String(v));
    switch (c.op) {
      case 'beginsWith':
        return { op: 'beginsWith', value: prefix + String(c.raw) };
      case 'gt':
      case 'gte':
        return { op: 'between', value: [prefix + text(c.raw), prefix + MAX] };
      case 'between':
        return { op: 'between', value: [prefix + text((c.raw as unknown[])[0]), prefix + MAX] };
      default:
    }
  }
  return null;
}

/**
 * True when a key method of one text field embeds it verbatim between constant text
 * (`USER#${this.userId}`): then equal keys mean equal values, and the key condition enforces the
 * field's equality. Transformed values (`toLowerCase()`, hashes) keep their filter.
 */
function verbatim(model: CompiledModel, plan: KeyPlan, fixed: Map<string, unknown>): boolean {
  const field = plan.reads[0]!;
  const kind = model.fields.get(field)!.kind;
  if ((kind !== 'string' && kind !== 'enum') || !fixed.has(field)) return false;
  const marker = sentinel(0);
  const marked = tryKey(model, plan, new Map([[field, marker]]));
  const other = tryKey(model, plan, new Map([[field, `${marker}${marker}`]]));
  const at = marked?.indexOf(marker) ?? -1;
  if (marked === null || other === null || at < 0) return false;
  const [before, after] = [marked.slice(0, at), marked.slice(at + marker.length)];
  return (
    other === `${before}${marker}${marker}${after}` &&
    tryKey(model, plan, fixed) === `${before}${String(fixed.get(field))}${after}`
  );
}

/** The field a keyed query's results are ordered by, when the sort key leads with one field. */
function leadingSortField(
  _model: CompiledModel,
  plan: KeyPlan | null,
  fixed: Map<string, unknown>,
): string | null {
  if (!plan) return null;
  const unfixed = plan.reads.filter((f) => !fixed.has(f));
  return unfixed.length === 1 ? unfixed[0]! : null;
}

function keyedOn(
  model: CompiledModel,
  index: IndexPlan,
  fixed: Map<string, unknown>,
  input: PlanInput,
  name: string | null,
): QueryPlan | null {
  const partition = tryKey(model, index.partition, fixed);
  if (partition === null || !index.partition.reads.every((f) => fixed.has(f))) return null;
  const sort = index.sort ? deriveSortCondition(model, index.sort, input.filter, fixed) : null;
  const enforced = new Set<string>();
  const single = (plan: KeyPlan) => plan.reads.length === 1 && verbatim(model, plan, fixed);
  if (single(index.partition)) enforced.add(index.partition.reads[0]!);
  if (index.sort && sort?.op === 'eq' && single(index.sort)) enforced.add(index.sort.reads[0]!);
  const residual = and(
    conjuncts(input.filter).filter(
      (c) => !(c.type === 'compare' && c.op === 'eq' && enforced.has(c.field)),
    ),
  );
  const lead = leadingSortField(model, index.sort, fixed);
  let ascending = !input.reverse;
  let clientOrder: OrderSpec[] | null = null;
  if (input.order.length === 1 && input.order[0]!.field === lead) {
    ascending = input.order[0]!.descending === input.reverse;
  } else if (input.order.length > 0) clientOrder = [...input.order];
  return {
    entity: model.entity,
    index: name,
    operation: 'query',
    partition,
    sort,
    filter: input.filter,
    residual,
    ascending,
    clientOrder,
    ttlAttribute: model.config.ttl,
  };
}

/**
 * Plans a query: a keyed Query on the table when the conditions fix its partition key, else on the
 * first GSI whose partition key they fix (or the index asked for), else a Scan.
 */
export function planQuery(model: CompiledModel, input: PlanInput): QueryPlan {
  const fixed = fixedValues(input.filter);
  const candidates: [IndexPlan, string | null][] =
    input.index === undefined
      ? [[model.table, null], ...[...model.indexes].map(([n, p]): [IndexPlan, string] => [p, n])]
      : input.index === null
        ? [[model.table, null]]
        : [[model.indexes.get(input.index)!, input.index]];
  for (const [plan, name] of candidates) {
    const keyed = keyedOn(model, plan, fixed, input, name);
    if (keyed) return keyed;
  }
  return {
    entity: model.entity,
    index: input.index ?? null,
    operation: 'scan',
    partition: null,
    sort: null,
    filter: input.filter,
    residual: input.filter,
    ascending: true,
    clientOrder: input.order.length > 0 ? [...input.order] : null,
    ttlAttribute: model.config.ttl,
  };
}

// ---- conditions every backend applies, stated once --------------------------------------------

const onAttribute = (field: string, op: Operator, value: unknown): Condition => ({
  type: 'compare',
  field,
  op,
  value,
  raw: value,
});

/**
 * A keyed plan's key condition (partition equality, and the sort-key condition) as a condition on the
 * key attributes of `attrs`: DynamoDB sends it as the KeyConditionExpression, the in-memory engine
 * evaluates it like any other condition. Null for a Scan.
 */
export function keyConditionOf(plan: QueryPlan, attrs: IndexAttributes): Condition | null {
  if (plan.operation !== 'query') return null;
  const sort =
    plan.sort && attrs.sort ? onAttribute(attrs.sort, plan.sort.op, plan.sort.value) : null;
  return and([onAttribute(attrs.partition, 'eq', plan.partition), sort]);
}

/**
 * Which stored items a read of `entity` may return: items of that entity type that have not expired
 * (a TTL attribute at or before `now`, epoch seconds, is expired, as DynamoDB may not have deleted it
 * yet). Queries send it as a filter; key reads check it on what they got back.
 */
export function visibilityOf(
  entity: string,
  entityAttribute: string,
  ttlAttribute: string | null,
  now: number,
): Condition {
  const type = onAttribute(entityAttribute, 'eq', entity);
  if (ttlAttribute === null) return type;
  const live: Condition = {
    type: 'or',
    of: [onAttribute(ttlAttribute, 'exists', false), onAttribute(ttlAttribute, 'gt', now)],
  };
  return { type: 'and', of: [type, live] };
}

/**
 * What a read of `plan` may return: `visibilityOf` its entity, or for an item collection, any of its
 * members' entity types (each with its own TTL and residual filter). Backends filter with this.
 */
export function planVisibility(plan: QueryPlan, entityAttribute: string, now: number): Condition {
  const { members } = plan;
  if (!members) return visibilityOf(plan.entity, entityAttribute, plan.ttlAttribute, now);
  if (members.every((m) => m.ttlAttribute === null && m.residual === null))
    return members.length === 1
      ? onAttribute(entityAttribute, 'eq', members[0]!.entity)
      : onAttribute(
          entityAttribute,
          'in',
          members.map((m) => m.entity),
        );
  return {
    type: 'or',
    of: members.map(
      (m) =>
        and([
          visibilityOf(m.entity, entityAttribute, m.ttlAttribute, now),
          m.residual,
        ]) as Condition,
    ),
  };
}

// ---- item collections -----------------------------------------------------------------------

/** The inclusive sort-key range a condition selects; null bounds are open. */
export function sortRange(sort: SortCondition | null): readonly [string | null, string | null] {
  if (sort === null) return [null, null];
  switch (sort.op) {
    case 'eq':
      return [sort.value, sort.value];
    case 'beginsWith':
      return [sort.value, sort.value + MAX];
    case 'between':
      return sort.value;
    case 'gt':
    case 'gte':
      return [sort.value, null];
    case 'lt':
    case 'lte':
      return [null, sort.value];
  }
}

/** The lower of two bounds (null: unbounded below). */
const lower = (a: string | null, b: string | null) =>
  a === null || b === null ? null : compareText(a, b) <= 0 ? a : b;
const upper = (a: string | null, b: string | null) =>
  a === null || b === null ? null : compareText(a, b) >= 0 ? a : b;

/**
 * The narrowest single sort-key condition covering every range: the models' ranges derived from their
 * key methods (`ORDER#…`, `PROFILE`, `TODO#…`) become one `BETWEEN lowest AND highest`. Items of other
 * entity types inside it are read and filtered out; null when some range is unbounded on both sides.
 */
export function hullOf(
  ranges: readonly (readonly [string | null, string | null])[],
): SortCondition | null {
  let [lo, hi] = ranges[0] ?? [null, null];
  for (const [l, h] of ranges.slice(1)) [lo, hi] = [lower(lo, l), upper(hi, h)];
  if (lo !== null && hi !== null)
    return lo === hi ? { op: 'eq', value: lo } : { op: 'between', value: [lo, hi] };
  if (lo !== null) return { op: 'gte', value: lo };
  if (hi !== null) return { op: 'lte', value: hi };
  return null;
}

/**
 * The plan of one read over an item collection: the members' own keyed table plans (same partition)
 * merged into one Query over the hull of their sort-key ranges, filtered to their entity types.
 */
export function planCollection(
  members: readonly QueryPlan[],
  ascending: boolean,
  sort: SortCondition | null = members.length === 1
    ? members[0]!.sort
    : hullOf(members.map((m) => sortRange(m.sort))),
): QueryPlan {
  const first = members[0]!;
  return {
    entity: members.map((m) => m.entity).join('|'),
    index: null,
    operation: 'query',
    partition: first.partition,
    sort,
    filter: null,
    residual: null,
    ascending,
    clientOrder: null,
    ttlAttribute: null,
    members: members.map((m) => ({
      entity: m.entity,
      ttlAttribute: m.ttlAttribute,
      residual: m.residual,
    })),
  };
}
