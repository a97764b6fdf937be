// Instances and their keys: building them from stored items, validating their values, naming items.
import { describe, ValidationError, type ValidationIssue } from './errors.js';
import type { ItemLayout, StoredItem, StoredKey } from './layout.js';
import { checkKeys } from './limits.js';
import { type CompiledModel, type KeyPlan, keyView } from './model-meta.js';
import type { Condition } from './query/conditions.js';
import { matches } from './query/evaluate.js';
import { visibilityOf } from './query/plan.js';
import {
  type AnyModelClass,
  construction,
  contextOf,
  type ModelContext,
  type ModelInstance,
  NO_UNKNOWN,
  STATE,
} from './registry.js';

type Values = Record<string, unknown>;

// ---- instances ------------------------------------------------------------------------------

/**
 * Builds a persisted instance from a stored item (no validation: the table is trusted). It is a real
 * instance of the class: constructed with no input, so class field initializers run, then given the
 * stored values.
 */
export function instantiate<T>(
  ctx: ModelContext,
  item: StoredItem,
  partial?: readonly string[] | null,
): T {
  construction.loading = true;
  let instance: ModelInstance & Values;
  try {
    instance = new (ctx.cls as unknown as new () => ModelInstance & Values)();
  } finally {
    construction.loading = false;
  }
  ctx.layout.fromItem(item, instance);
  instance[STATE] = partial
    ? { persisted: true, key: keyFromItem(ctx.layout, item), unknown: NO_UNKNOWN, partial }
    : { persisted: true, key: keyFromItem(ctx.layout, item), unknown: NO_UNKNOWN };
  return instance as T;
}

/**
 * Refuses to write an instance loaded with a selection: a whole-item write would erase the fields
 * it never read. `Model.update(key, changes)` writes only the given fields.
 */
export function assertWhole(model: CompiledModel, instance: ModelInstance): void {
  const partial = instance[STATE].partial;
  if (partial)
    throw new ValidationError(model.entity, [
      {
        path: '',
        message:
          'was loaded with a selection, so saving it would erase the fields it did not read: load it whole, or write the changed fields with update(key, changes)',
        expected: 'an instance loaded with every field',
        received: `an instance loaded with select(${partial.join(', ')})`,
      },
    ]);
}

export function keyFromItem(layout: ItemLayout, item: StoredItem): StoredKey {
  const { partition, sort } = layout.table;
  return { [partition]: item[partition] as string, [sort!]: item[sort!] as string };
}

/**
 * Runs the hooks of one kind, parent-first in definition order. Nothing to wait for (undefined,
 * not a promise) when the model has none: the hot paths skip an async call per item.
 */
export function runHooks(
  model: CompiledModel,
  kind: 'beforeSave' | 'afterSave' | 'afterLoad',
  instance: object,
): Promise<void> | undefined {
  const names = model.hooks[kind];
  return names.length === 0 ? undefined : runEach(names, instance);
}

async function runEach(names: readonly string[], instance: object): Promise<void> {
  for (const name of names) await (instance as Record<string, () => unknown>)[name]!();
}

/** An instance for a stored item, after its afterLoad hooks (synchronous when the model has none). */
export function loaded<T>(
  ctx: ModelContext,
  item: StoredItem,
  partial?: readonly string[] | null,
): T | Promise<T> {
  const instance = instantiate<T>(ctx, item, partial);
  if (ctx.model.hooks.afterLoad.length === 0) return instance;
  return runHooks(ctx.model, 'afterLoad', instance as object)!.then(() => instance);
}

// The visibility condition of the last `now` per layout: key reads of one second share one.
const visibility = new WeakMap<ItemLayout, { now: number; condition: Condition }>();

/** True when the stored item is of this model and not expired (the condition queries send as a filter). */
export function isVisible(
  ctx: ModelContext,
  item: StoredItem | null,
  now: number,
): item is StoredItem {
  if (!item) return false;
  let v = visibility.get(ctx.layout);
  if (v?.now !== now) {
    const { model, layout } = ctx;
    v = {
      now,
      condition: visibilityOf(
        model.entity,
        layout.adapter.entityTypeAttribute,
        model.config.ttl,
        now,
      ),
    };
    visibility.set(ctx.layout, v);
  }
  return matches(v.condition, item);
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

// ---- validation -----------------------------------------------------------------------------

/**
 * Checks every field of an instance at once and returns the normalised values. Issue paths start with
 * `prefix` (built only for an issue: a valid item of a batch builds no path).
 */
export function validateValues(
  model: CompiledModel,
  instance: Values,
  unknown: readonly (readonly [string, unknown])[],
  prefix = '',
  issues: ValidationIssue[] = [],
): Values {
  const before = issues.length;
  for (const [name, value] of unknown)
    issues.push({
      path: name,
      message: 'is not a field of this model',
      expected: model.fieldNames.join(' | '),
      received: describe(value),
    });
  const values: Values = {};
  const { fieldNames, fieldDefs } = model;
  for (let i = 0; i < fieldNames.length; i++) {
    const name = fieldNames[i]!;
    const def = fieldDefs[i]!;
    const v = instance[name];
    if (v === null || v === undefined) {
      if (!def.options.optional)
        issues.push({
          path: name,
          message: 'is required',
          expected: def.kind,
          received: describe(v),
        });
      values[name] = null;
    } else values[name] = def.parse(v, name, issues);
  }
  if (prefix !== '') prefixPaths(issues, before, prefix);
  return values;
}

/** Puts `prefix` before the paths of the issues from position `from` on (a batch item's `[i].`). */
export function prefixPaths(issues: ValidationIssue[], from: number, prefix: string): void {
  for (let i = from; i < issues.length; i++) issues[i]!.path = prefix + issues[i]!.path;
}

export function throwIfAny(model: CompiledModel, issues: ValidationIssue[]): void {
  if (issues.length > 0) throw new ValidationError(model.entity, issues);
}

const keyFields = new WeakMap<CompiledModel, ReadonlySet<string>>();
/** The fields the table key methods read (what a lookup key holds). */
export function keyFieldsOf(model: CompiledModel): ReadonlySet<string> {
  let set = keyFields.get(model);
  if (!set) {
    set = new Set([...model.table.partition.reads, ...(model.table.sort?.reads ?? [])]);
    keyFields.set(model, set);
  }
  return set;
}

const tablePlans = new WeakMap<CompiledModel, readonly KeyPlan[]>();
function tableKeyPlans(model: CompiledModel): readonly KeyPlan[] {
  let plans = tablePlans.get(model);
  if (!plans) {
    plans = [model.table.partition, model.table.sort!];
    tablePlans.set(model, plans);
  }
  return plans;
}

/** Parses a lookup key: known key fields only, each valid; returns the stored key. */
export function storedKeyOf(
  ctx: ModelContext,
  key: object,
  issues: ValidationIssue[],
  prefix = '',
): StoredKey | null {
  const { model } = ctx;
  const allowed = keyFieldsOf(model);
  const values: Values = {};
  const before = issues.length;
  if (typeof key !== 'object' || key === null) {
    issues.push({
      path: prefix,
      message: 'a key must be an object',
      expected: [...allowed].join(', '),
      received: describe(key),
    });
    return null;
  }
  for (const name of Object.keys(key)) {
    const v = (key as Values)[name];
    if (v === undefined) continue;
    if (!allowed.has(name)) {
      const message = model.fields.has(name)
        ? 'is not part of the key; use findBy() to filter on it'
        : 'is not a field of this model';
      issues.push({
        path: prefix + name,
        message,
        expected: [...allowed].join(' | '),
        received: describe(v),
      });
    } else
      values[name] = v === null ? null : model.fields.get(name)!.parse(v, prefix + name, issues);
  }
  const view = keyView(model, values, tableKeyPlans(model), issues);
  if (issues.length > before) return null;
  // DynamoDB refuses a lookup by a key longer than any key it can store.
  const stored = ctx.layout.keyOf(view);
  checkKeys(ctx.layout, stored, prefix, issues);
  return issues.length > before ? null : stored;
}

/** The loader cache key of a lookup key (entity, table key). @internal */
export function keyId(model: AnyModelClass, key: object): string {
  const ctx = contextOf(model);
  const issues: ValidationIssue[] = [];
  const stored = storedKeyOf(ctx, key, issues);
  throwIfAny(ctx.model, issues);
  return idOf(ctx, stored!);
}

/** The loader cache key of a loaded or saved instance (the same string as keyId). @internal */
export function instanceKeyId(instance: ModelInstance): string {
  const ctx = contextOf(instance.constructor as AnyModelClass);
  return idOf(ctx, instance[STATE].key ?? ctx.layout.keyOf(instance));
}

function idOf(ctx: ModelContext, key: StoredKey): string {
  const { partition, sort } = ctx.layout.table;
  return `${ctx.model.entity}\u0000${key[partition]}\u0000${key[sort!]}`;
}
