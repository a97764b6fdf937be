// Writes: create, upsert, save, delete, batchCreate — validation and hooks before any request.
import { ConditionFailed, type WriteOp } from './backends/backend.js';
import {
  ConflictError,
  DuplicateKeyError,
  describe,
  NotFoundError,
  ValidationError,
  type ValidationIssue,
} from './errors.js';
import {
  instantiate,
  isVisible,
  keyFromItem,
  runHooks,
  throwIfAny,
  validateValues,
} from './instances.js';
import type { StoredItem, StoredKey } from './layout.js';
import {
  type AnyModelClass,
  contextOf,
  type ModelBase,
  type ModelContext,
  NO_UNKNOWN,
  STATE,
} from './model.js';

type Values = Record<string, unknown>;

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
    // Both from one clock reading; createdAt only when not set yet (given, or loaded).
    const now = new Date();
    instance.createdAt ??= now;
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
    if (model.config.timestamps) {
      instance.updatedAt = new Date();
      instance.createdAt ??= instance.updatedAt;
    }
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
