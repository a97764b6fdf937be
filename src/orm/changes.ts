// The change feed: every write the ORM makes, announced per backend after the engine accepted it
// (never for a write that failed or a transaction that was rolled back). Subscriptions (GraphQL) and
// multi-instance buses listen here; the ORM itself never waits on a listener.
import type { Backend } from './backend.js';
import { ValidationError, type ValidationIssue } from './errors.js';
import { instantiate, isVisible, keyFromItem, nowSeconds, throwIfAny } from './instances.js';
import type { StoredItem, StoredKey } from './layout.js';
import { parseWhere } from './query/conditions.js';
import { matches } from './query/evaluate.js';
import {
  type AnyModelClass,
  contextOf,
  type ModelContext,
  type ModelInstance,
} from './registry.js';

export type ChangeKind = 'created' | 'updated' | 'deleted';

/** One successful write of one item. */
export interface Change {
  readonly model: AnyModelClass;
  readonly kind: ChangeKind;
  /** The table key (`pk`/`sk` attributes). */
  readonly key: StoredKey;
  /**
   * The item as stored after the write; for `deleted`, as it was last stored (the engine's old item
   * for `Model.delete(key)`, the instance's values for `instance.delete()` and transactions).
   */
  readonly item: StoredItem;
}

export type ChangeListener = (change: Change) => void;

interface Feed {
  readonly listeners: Set<ChangeListener>;
}
const feeds = new WeakMap<Backend, Feed>();

/**
 * Listens to every successful write made through `backend` (all models bound to it): creates,
 * upserts, saves, updates, deletes, batch creates and transactions. Listeners run synchronously
 * after the write, before the caller's promise resolves, and must not throw (an error is reported
 * on `console.error` and never fails the write). Returns the function that stops listening.
 */
export function onChange(backend: Backend, listener: ChangeListener): () => void {
  let feed = feeds.get(backend);
  if (!feed) {
    feed = { listeners: new Set() };
    feeds.set(backend, feed);
  }
  // A wrapper per call, so the same function may listen twice and stop once per call.
  const own: ChangeListener = (c) => listener(c);
  feed.listeners.add(own);
  return () => {
    feed.listeners.delete(own);
  };
}

/** True when someone listens to the backend (writes skip building changes otherwise). @internal */
export function listened(ctx: ModelContext): boolean {
  return (feeds.get(ctx.backend)?.listeners.size ?? 0) > 0;
}

/** Announces a successful write of a stored item. @internal */
export function announce(ctx: ModelContext, kind: ChangeKind, item: StoredItem): void {
  const feed = feeds.get(ctx.backend);
  if (!feed || feed.listeners.size === 0) return;
  const change: Change = { model: ctx.cls, kind, key: keyFromItem(ctx.layout, item), item };
  for (const listener of feed.listeners)
    try {
      listener(change);
    } catch (error) {
      console.error('tablegraph: a change listener threw (the write succeeded):', error);
    }
}

/** Announces the delete of a loaded instance, from its values (the engine was not asked for them). @internal */
export function announceDeleted(ctx: ModelContext, instance: ModelInstance): void {
  if (!listened(ctx)) return;
  const values: Record<string, unknown> = {};
  for (const name of ctx.model.fieldNames) values[name] = (instance as never)[name];
  let item: StoredItem;
  try {
    item = ctx.layout.toItem(values, instance);
  } catch {
    return; // an instance whose key cannot be computed was never stored
  }
  announce(ctx, 'deleted', item);
}

/**
 * Upsert tells `created` from `updated` only where the engine's answer proves it: a versioned
 * model's version counts from 0 in the same request, so 1 means new. Otherwise it is `updated`
 * (the write does not say whether the item existed; timestamps cannot tell two writes of one
 * millisecond apart). @internal
 */
export function upsertKind(ctx: ModelContext, item: StoredItem): ChangeKind {
  return ctx.model.config.version && item.version === 1 ? 'created' : 'updated';
}

/** The changed item as an instance of its model (no afterLoad hooks: the item was just written). */
export function changedInstance<M extends AnyModelClass>(change: Change): InstanceType<M> {
  return instantiate<InstanceType<M>>(contextOf(change.model), change.item);
}

/**
 * A predicate over changes of one model, from a `where` condition in the query shape
 * (`{ userId: 'alice', completed: { eq: false } }`), evaluated in process with DynamoDB's semantics
 * (the in-memory engine's evaluator) on the stored item. Expired TTL items never match. A bad
 * condition is a `ValidationError`, thrown here, before any change arrives.
 */
export function changeMatcher(
  model: AnyModelClass,
  where: object | null | undefined,
): (change: Change) => boolean {
  const ctx = contextOf(model);
  const issues: ValidationIssue[] = [];
  const condition = where ? parseWhere(ctx.model.fields, where, issues) : null;
  throwIfAny(ctx.model, issues);
  return (change) =>
    change.model === model &&
    isVisible(ctx, change.item, nowSeconds()) &&
    (condition === null || matches(condition, change.item));
}

// ---- the wire form (multi-instance buses) ----------------------------------------------------

/** A change as JSON-safe data: the entity name instead of the class, sets as arrays (named). */
export interface WireChange {
  readonly entity: string;
  readonly kind: ChangeKind;
  readonly item: Record<string, unknown>;
  /** Top-level attributes that were sets (stringSet / numberSet fields). */
  readonly sets: readonly string[];
}

export function toWire(change: Change): WireChange {
  const item: Record<string, unknown> = {};
  const sets: string[] = [];
  for (const [k, v] of Object.entries(change.item))
    if (v instanceof Set) {
      item[k] = [...v];
      sets.push(k);
    } else item[k] = v;
  return { entity: contextOf(change.model).model.entity, kind: change.kind, item, sets };
}

/** A change received from a bus, for one of `models`; a `ValidationError` for anything malformed. */
export function fromWire(wire: unknown, models: ReadonlyMap<string, AnyModelClass>): Change | null {
  const w = wire as Partial<WireChange> | null;
  const kinds: readonly unknown[] = ['created', 'updated', 'deleted'];
  if (
    !w ||
    typeof w.entity !== 'string' ||
    !kinds.includes(w.kind) ||
    !w.item ||
    typeof w.item !== 'object' ||
    !Array.isArray(w.sets)
  )
    throw new ValidationError('Change', [
      {
        path: '',
        message: 'is not a change message',
        expected: '{ entity, kind, item, sets }',
        received: typeof wire,
      },
    ]);
  const model = models.get(w.entity);
  if (!model) return null; // a model this server does not serve
  const item: StoredItem = { ...w.item };
  for (const k of w.sets) if (Array.isArray(item[k])) item[k] = new Set(item[k] as unknown[]);
  const ctx = contextOf(model);
  return { model, kind: w.kind as ChangeKind, key: keyFromItem(ctx.layout, item), item };
}
