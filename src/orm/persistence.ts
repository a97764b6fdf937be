import { ConditionFailed, type WriteOp } from './backends/backend.js';
import {
  ConflictError,
  DuplicateKeyError,
  describe,
  NotFoundError,
  ValidationError,
  type ValidationIssue,
} from './errors.js';
import type { ItemLayout, StoredItem, StoredKey } from './layout.js';
import {
  type AnyModelClass,
  contextOf,
  type ModelBase,
  type ModelContext,
  NO_UNKNOWN,
  STATE,
} from './model.js';
import { type CompiledModel, keyView } from './model-meta.js';

type Values = Record<string, unknown>;

// ---- instances ------------------------------------------------------------------------------

/** Builds a persisted instance from a stored item (no validation: the table is trusted). */
export function instantiate<T>(ctx: ModelContext, item: StoredItem): T {
  const instance = Object.create(ctx.model.proto) as ModelBase & Values;
  ctx.layout.fromItem(item, instance);
  instance[STATE] = { persisted: true, key: keyFromItem(ctx.layout, item), unknown: NO_UNKNOWN };
  return instance as T;
}

export function keyFromItem(layout: ItemLayout, item: StoredItem): StoredKey {
  const { partition, sort } = layout.table;
  return { [partition]: item[partition] as string, [sort!]: item[sort!] as string };
}

/** Runs the hooks of one kind, parent-first in definition order. */
export async function runHooks(
  model: CompiledModel,
  kind: 'beforeSave' | 'afterSave' | 'afterLoad',
  instance: object,
): Promise<void> {
  for (const name of model.hooks[kind]) await (instance as Record<string, () => unknown>)[name]!();
}

export async function loaded<T>(ctx: ModelContext, item: StoredItem): Promise<T> {
  const instance = instantiate<T>(ctx, item);
  if (ctx.model.hooks.afterLoad.length > 0)
    await runHooks(ctx.model, 'afterLoad', instance as object);
  return instance;
}

/** True when the stored item is of this model and not expired. */
export function isVisible(
  ctx: ModelContext,
  item: StoredItem | null,
  now: number,
): item is StoredItem {
  if (!item || item[ctx.layout.adapter.entityTypeAttribute] !== ctx.model.entity) return false;
  const ttl = ctx.model.config.ttl;
  if (ttl === null) return true;
  const expires = item[ttl];
  return typeof expires !== 'number' || expires > now;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

// ---- validation -----------------------------------------------------------------------------

/** Checks every field of an instance at once and returns the normalised values. */
export function validateValues(
  model: CompiledModel,
  instance: Values,
  unknown: readonly (readonly [string, unknown])[],
  prefix = '',
  issues: ValidationIssue[] = [],
): Values {
  for (const [name, value] of unknown)
    issues.push({
      path: prefix + name,
      message: 'is not a field of this model',
      expected: model.fieldNames.join(' | '),
      received: describe(value),
    });
  const values: Values = {};
  for (const [name, def] of model.fields) {
    const v = instance[name];
    if (v === null || v === undefined) {
      if (!def.options.optional)
        issues.push({
          path: prefix + name,
          message: 'is required',
          expected: def.kind,
          received: describe(v),
        });
      values[name] = null;
    } else values[name] = def.parse(v, prefix + name, issues);
  }
  return values;
}

function throwIfAny(model: CompiledModel, issues: ValidationIssue[]): void {
  if (issues.length > 0) throw new ValidationError(model.entity, issues);
}

/** Parses a lookup key: known key fields only, each valid; returns the stored key. */
export function storedKeyOf(
  ctx: ModelContext,
  key: object,
  issues: ValidationIssue[],
  prefix = '',
): StoredKey | null {
  const { model } = ctx;
  const allowed = new Set([...model.table.partition.reads, ...(model.table.sort?.reads ?? [])]);
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
  for (const [name, v] of Object.entries(key)) {
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
  const view = keyView(model, values, [model.table.partition, model.table.sort!], issues);
  return issues.length > before ? null : ctx.layout.keyOf(view);
}

// ---- writes ---------------------------------------------------------------------------------

/** Hooks, managed fields and validation: everything before an item may be written. */
export async function prepare(
  ctx: ModelContext,
  instance: ModelBase & Values,
  isNew: boolean,
): Promise<StoredItem> {
  const { model } = ctx;
  const { timestamps, version } = model.config;
  if (timestamps) {
    const now = new Date();
    if (isNew && !instance[STATE].persisted && instance.createdAt === null)
      instance.createdAt = now;
    instance.updatedAt = now;
  }
  if (version && isNew) instance.version = 1;
  await runHooks(model, 'beforeSave', instance);
  const issues: ValidationIssue[] = [];
  const values = validateValues(model, instance, instance[STATE].unknown, '', issues);
  throwIfAny(model, issues);
  Object.assign(instance, values);
  return ctx.layout.toItem(values, instance);
}

export function translate(
  ctx: ModelContext,
  error: unknown,
  key: StoredKey,
  kind: 'create' | 'update',
): never {
  if (!(error instanceof ConditionFailed)) throw error;
  const readable = Object.fromEntries(Object.entries(key));
  if (kind === 'create') throw new DuplicateKeyError(ctx.model.entity, readable);
  if (error.current === null) throw new NotFoundError(ctx.model.entity, readable);
  const current = isVisible(ctx, error.current, 0) ? instantiate(ctx, error.current) : null;
  throw new ConflictError(
    `${ctx.model.entity} with key ${JSON.stringify(readable)} changed since it was read (stale version)`,
    current,
  );
}

export async function create<M extends AnyModelClass>(
  cls: M,
  data: object,
): Promise<InstanceType<M>> {
  const instance = new (cls as unknown as new (d: object) => InstanceType<M>)(data);
  return persistNew(contextOf(cls), instance as ModelBase & Values) as Promise<InstanceType<M>>;
}

async function persistNew(
  ctx: ModelContext,
  instance: ModelBase & Values,
): Promise<ModelBase & Values> {
  const item = await prepare(ctx, instance, true);
  const key = keyFromItem(ctx.layout, item);
  try {
    await ctx.backend.write(ctx.layout, { type: 'put', item, ifNotExists: true });
  } catch (error) {
    translate(ctx, error, key, 'create');
  }
  instance[STATE].persisted = true;
  instance[STATE].key = key;
  instance[STATE].unknown = NO_UNKNOWN;
  await runHooks(ctx.model, 'afterSave', instance);
  return instance;
}

/** The update that writes an instance's item over the stored one, recomputing GSI attributes. */
export function updateOp(
  ctx: ModelContext,
  item: StoredItem,
  options: { ifExists: boolean; ifVersion: number | null; upsert: boolean },
): WriteOp {
  const { layout, model } = ctx;
  const key = keyFromItem(layout, item);
  const set: StoredItem = {};
  for (const [attr, v] of Object.entries(item)) if (!(attr in key)) set[attr] = v;
  const remove: string[] = model.fieldNames.filter((f) => !(f in item));
  for (const attrs of layout.indexes.values()) {
    if (!(attrs.partition in item)) remove.push(attrs.partition);
    if (attrs.sort && !(attrs.sort in item)) remove.push(attrs.sort);
  }
  const setIfMissing: StoredItem = {};
  if (options.upsert && model.config.timestamps) {
    setIfMissing.createdAt = set.createdAt;
    delete set.createdAt;
  }
  let increment: string | null = null;
  if (options.upsert && model.config.version) {
    increment = 'version';
    delete set.version;
  }
  return {
    type: 'update',
    key,
    set,
    remove,
    setIfMissing,
    increment,
    ifExists: options.ifExists,
    ifVersion: options.ifVersion === null ? null : { attr: 'version', value: options.ifVersion },
    returnNew: options.upsert,
  };
}

export async function upsert<M extends AnyModelClass>(
  cls: M,
  data: object,
): Promise<InstanceType<M>> {
  const ctx = contextOf(cls);
  const instance = new (cls as unknown as new (d: object) => ModelBase & Values)(data);
  const item = await prepare(ctx, instance, false);
  const { timestamps, version } = ctx.model.config;
  if (timestamps || version) {
    // createdAt must survive an overwrite and version must count on: an update with if_not_exists.
    const stored = await ctx.backend.write(
      ctx.layout,
      updateOp(ctx, item, { ifExists: false, ifVersion: null, upsert: true }),
    );
    if (stored) Object.assign(instance, ctx.layout.fromItem(stored));
  } else await ctx.backend.write(ctx.layout, { type: 'put', item, ifNotExists: false });
  instance[STATE].persisted = true;
  instance[STATE].key = keyFromItem(ctx.layout, item);
  instance[STATE].unknown = NO_UNKNOWN;
  await runHooks(ctx.model, 'afterSave', instance);
  return instance as InstanceType<M>;
}

export async function save<T extends ModelBase>(cls: AnyModelClass, instance: T): Promise<T> {
  const ctx = contextOf(cls);
  const target = instance as unknown as ModelBase & Values;
  if (!target[STATE].persisted) return (await persistNew(ctx, target)) as unknown as T;
  const previousVersion = ctx.model.config.version ? (target.version as number) : null;
  if (previousVersion !== null) target.version = previousVersion + 1;
  let item: StoredItem;
  try {
    item = await prepare(ctx, target, false);
  } catch (error) {
    if (previousVersion !== null) target.version = previousVersion;
    throw error;
  }
  const key = keyFromItem(ctx.layout, item);
  const original = target[STATE].key!;
  if (Object.entries(original).some(([k, v]) => key[k] !== v)) {
    if (previousVersion !== null) target.version = previousVersion;
    const fields = [...ctx.model.table.partition.reads, ...(ctx.model.table.sort?.reads ?? [])];
    throw new ValidationError(ctx.model.entity, [
      {
        path: fields.join(', '),
        message: `changes the item's key (${JSON.stringify(original)} -> ${JSON.stringify(key)}); keys cannot change on save: create the new item and delete the old one (in a transaction)`,
        expected: JSON.stringify(original),
        received: JSON.stringify(key),
      },
    ]);
  }
  try {
    await ctx.backend.write(
      ctx.layout,
      updateOp(ctx, item, { ifExists: true, ifVersion: previousVersion, upsert: false }),
    );
  } catch (error) {
    if (previousVersion !== null) target.version = previousVersion;
    translate(ctx, error, key, 'update');
  }
  await runHooks(ctx.model, 'afterSave', target);
  return instance;
}

export async function remove(cls: AnyModelClass, instance: ModelBase): Promise<boolean> {
  const ctx = contextOf(cls);
  const key = instance[STATE].key ?? ctx.layout.keyOf(instance);
  try {
    await ctx.backend.write(ctx.layout, { type: 'delete', key, ifExists: true });
  } catch (error) {
    if (error instanceof ConditionFailed) return false;
    throw error;
  }
  instance[STATE].persisted = false;
  instance[STATE].key = null;
  return true;
}

// ---- reads ----------------------------------------------------------------------------------

export async function get<M extends AnyModelClass>(
  cls: M,
  key: object,
): Promise<InstanceType<M> | null> {
  const ctx = contextOf(cls);
  const issues: ValidationIssue[] = [];
  const stored = storedKeyOf(ctx, key, issues);
  throwIfAny(ctx.model, issues);
  const item = await ctx.backend.getItem(ctx.layout, stored!);
  return isVisible(ctx, item, nowSeconds()) ? loaded(ctx, item) : null;
}

export async function batchGet<M extends AnyModelClass>(
  cls: M,
  keys: readonly object[],
): Promise<(InstanceType<M> | null)[]> {
  const ctx = contextOf(cls);
  if (!Array.isArray(keys))
    throw new ValidationError(ctx.model.entity, [
      {
        path: '',
        message: 'batchGet takes an array of keys',
        expected: 'array',
        received: describe(keys),
      },
    ]);
  const issues: ValidationIssue[] = [];
  const stored = keys.map((k, i) => storedKeyOf(ctx, k, issues, `[${i}].`));
  throwIfAny(ctx.model, issues);
  if (stored.length === 0) return [];
  const items = await ctx.backend.batchGetItems(ctx.layout, stored as StoredKey[]);
  const now = nowSeconds();
  return Promise.all(
    items.map((item) => (isVisible(ctx, item, now) ? loaded<InstanceType<M>>(ctx, item) : null)),
  );
}

export async function batchCreate<M extends AnyModelClass>(
  cls: M,
  inputs: readonly object[],
): Promise<InstanceType<M>[]> {
  const ctx = contextOf(cls);
  const { model, layout } = ctx;
  if (!Array.isArray(inputs))
    throw new ValidationError(model.entity, [
      {
        path: '',
        message: 'batchCreate takes an array',
        expected: 'array',
        received: describe(inputs),
      },
    ]);
  const Ctor = cls as unknown as new (d: object) => ModelBase & Values;
  const instances = inputs.map((data) => new Ctor(data));
  const issues: ValidationIssue[] = [];
  const items: StoredItem[] = [];
  const seen = new Map<string, number>();
  for (const [i, instance] of instances.entries()) {
    if (model.config.timestamps) instance.createdAt = instance.updatedAt = new Date();
    if (model.config.version) instance.version = 1;
    await runHooks(model, 'beforeSave', instance);
    const values = validateValues(model, instance, instance[STATE].unknown, `[${i}].`, issues);
    if (issues.length > 0) continue;
    Object.assign(instance, values);
    const item = layout.toItem(values, instance);
    const id = JSON.stringify(keyFromItem(layout, item));
    const first = seen.get(id);
    if (first !== undefined)
      issues.push({
        path: `[${i}]`,
        message: `has the same key as item [${first}]`,
        expected: 'unique keys',
        received: id,
      });
    seen.set(id, i);
    items.push(item);
  }
  throwIfAny(model, issues);
  await ctx.backend.batchPutItems(layout, items);
  for (const [i, instance] of instances.entries()) {
    instance[STATE].persisted = true;
    instance[STATE].key = keyFromItem(layout, items[i]!);
    instance[STATE].unknown = NO_UNKNOWN;
    await runHooks(model, 'afterSave', instance);
  }
  return instances as InstanceType<M>[];
}

/**
 * Reads keys of several models in one go: one BatchGetItem per 100 keys per backend, whatever mix of
 * models asked (the GraphQL loaders send every lookup of a tick here). Answers in request order.
 */
export async function batchGetMany(
  requests: readonly { readonly model: AnyModelClass; readonly key: object }[],
): Promise<(ModelBase | null)[]> {
  const resolved = requests.map(({ model, key }) => {
    const ctx = contextOf(model);
    const issues: ValidationIssue[] = [];
    const stored = storedKeyOf(ctx, key, issues);
    throwIfAny(ctx.model, issues);
    return { ctx, stored: stored! };
  });
  const byBackend = new Map<ModelContext['backend'], number[]>();
  for (const [i, r] of resolved.entries()) {
    const list = byBackend.get(r.ctx.backend) ?? [];
    list.push(i);
    byBackend.set(r.ctx.backend, list);
  }
  const out: (ModelBase | null)[] = new Array(requests.length).fill(null);
  const now = nowSeconds();
  await Promise.all(
    [...byBackend].map(async ([backend, indexes]) => {
      const items = await backend.batchGetItems(
        resolved[indexes[0]!]!.ctx.layout,
        indexes.map((i) => resolved[i]!.stored),
      );
      await Promise.all(
        indexes.map(async (i, j) => {
          const { ctx } = resolved[i]!;
          const item = items[j] ?? null;
          out[i] = isVisible(ctx, item, now) ? await loaded<ModelBase>(ctx, item) : null;
        }),
      );
    }),
  );
  return out;
}

/** A stable string naming the item a key selects (entity, partition key, sort key): loader cache keys. */
export function keyId(model: AnyModelClass, key: object): string {
  const ctx = contextOf(model);
  const issues: ValidationIssue[] = [];
  const stored = storedKeyOf(ctx, key, issues);
  throwIfAny(ctx.model, issues);
  return idOf(ctx, stored!);
}

/** The same string for a loaded or saved instance. */
export function instanceKeyId(instance: ModelBase): string {
  const ctx = contextOf(instance.constructor as AnyModelClass);
  return idOf(ctx, instance[STATE].key ?? ctx.layout.keyOf(instance));
}

function idOf(ctx: ModelContext, key: StoredKey): string {
  const { partition, sort } = ctx.layout.table;
  return `${ctx.model.entity}\u0000${key[partition]}\u0000${key[sort!]}`;
}
