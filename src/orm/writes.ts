// Writes: create, upsert, save, delete, batchCreate. Items are prepared by the write pipeline
// (validation and hooks before any request); conditions travel in the same request as the write.
import { ConditionFailed, type WriteOp } from './backend.js';
import { announce, announceDeleted, listened, upsertKind } from './changes.js';
import {
  BackendError,
  BatchWriteError,
  ConflictError,
  DuplicateKeyError,
  describe,
  NotFoundError,
  ValidationError,
  type ValidationIssue,
} from './errors.js';
import { assertWhole, instantiate, isVisible, throwIfAny } from './instances.js';
import type { ItemLayout, StoredItem, StoredKey } from './layout.js';
import {
  type AnyModelClass,
  contextOf,
  type ModelContext,
  type ModelInstance,
  STATE,
} from './registry.js';
import {
  markDeleted,
  markWritten,
  type PreparedWrite,
  prepareWrite,
  restore,
  settle,
  type WritableInstance,
} from './write-pipeline.js';

const construct = (cls: AnyModelClass, data: object) =>
  new (cls as unknown as new (d: object) => WritableInstance)(data);

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
  return (await persistNew(contextOf(cls), construct(cls, data), false)) as InstanceType<M>;
}

async function persistNew(
  ctx: ModelContext,
  instance: WritableInstance,
  restorable: boolean,
): Promise<WritableInstance> {
  const prepared = await prepareWrite(ctx, instance, 'create', { restorable });
  try {
    await ctx.backend.write(ctx.layout, { type: 'put', item: prepared.item, ifNotExists: true });
  } catch (error) {
    restore(prepared);
    translate(ctx, error, prepared.key, 'create');
  }
  announce(ctx, 'created', prepared.item);
  await settle(prepared);
  return instance;
}

/** The update that writes a prepared item over the stored one, recomputing GSI attributes. */
export function updateOp(
  prepared: PreparedWrite,
  options: { ifExists: boolean; upsert: boolean },
): WriteOp {
  const { ctx, item, key, expectedVersion } = prepared;
  const { layout, model } = ctx;
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
    ifVersion: expectedVersion === null ? null : { attr: 'version', value: expectedVersion },
    returnNew: options.upsert,
  };
}

export async function upsert<M extends AnyModelClass>(
  cls: M,
  data: object,
): Promise<InstanceType<M>> {
  const ctx = contextOf(cls);
  const instance = construct(cls, data);
  const prepared = await prepareWrite(ctx, instance, 'replace');
  const { timestamps, version } = ctx.model.config;
  if (timestamps || version) {
    // createdAt must survive an overwrite and version must count on: an update with if_not_exists.
    const stored = await ctx.backend.write(
      ctx.layout,
      updateOp(prepared, { ifExists: false, upsert: true }),
    );
    if (stored) Object.assign(instance, ctx.layout.fromItem(stored));
    announce(ctx, upsertKind(ctx, stored ?? prepared.item), stored ?? prepared.item);
  } else {
    await ctx.backend.write(ctx.layout, { type: 'put', item: prepared.item, ifNotExists: false });
    announce(ctx, 'updated', prepared.item);
  }
  await settle(prepared);
  return instance as InstanceType<M>;
}

export async function save<T extends ModelInstance>(cls: AnyModelClass, instance: T): Promise<T> {
  const ctx = contextOf(cls);
  const target = instance as unknown as WritableInstance;
  assertWhole(ctx.model, instance);
  if (!target[STATE].persisted) return (await persistNew(ctx, target, true)) as unknown as T;
  const prepared = await prepareWrite(ctx, target, 'update', { restorable: true });
  try {
    await ctx.backend.write(ctx.layout, updateOp(prepared, { ifExists: true, upsert: false }));
  } catch (error) {
    restore(prepared);
    translate(ctx, error, prepared.key, 'update');
  }
  announce(ctx, 'updated', prepared.item);
  await settle(prepared);
  return instance;
}

export async function remove(cls: AnyModelClass, instance: ModelInstance): Promise<boolean> {
  const ctx = contextOf(cls);
  const key = instance[STATE].key ?? ctx.layout.keyOf(instance);
  try {
    await ctx.backend.write(ctx.layout, { type: 'delete', key, ifExists: true });
  } catch (error) {
    if (error instanceof ConditionFailed) return false;
    throw error;
  }
  announceDeleted(ctx, instance);
  markDeleted(instance);
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
  const issues: ValidationIssue[] = [];
  const prepared: PreparedWrite[] = [];
  const positions = new KeyPositions(layout);
  for (let i = 0; i < inputs.length; i++) {
    let p = prepareWrite(ctx, construct(cls, inputs[i]!), 'create', { issues, position: i });
    if (p instanceof Promise) p = await p; // beforeSave hooks
    if (p === null || issues.length > 0) continue;
    if (!positions.add(p.key, i)) issues.push(duplicateIssue(layout, prepared, p.key, i));
    prepared.push(p);
  }
  throwIfAny(model, issues);
  const items: StoredItem[] = new Array(prepared.length);
  for (let i = 0; i < prepared.length; i++) items[i] = prepared[i]!.item;
  try {
    await ctx.backend.batchPutItems(layout, items);
  } catch (error) {
    throw incomplete(ctx, error, prepared, positions);
  }
  if (listened(ctx)) for (const p of prepared) announce(ctx, 'created', p.item);
  const instances: InstanceType<M>[] = new Array(prepared.length);
  for (let i = 0; i < prepared.length; i++) {
    const hooks = settle(prepared[i]!);
    if (hooks) await hooks;
    instances[i] = prepared[i]!.instance as InstanceType<M>;
  }
  return instances;
}

// Private: the issue of a batch item whose key an earlier item has. Every item before it was prepared
// (no issue yet): the last one with its key is the earlier item.
function duplicateIssue(
  layout: ItemLayout,
  prepared: readonly PreparedWrite[],
  key: StoredKey,
  position: number,
): ValidationIssue {
  const { partition, sort } = layout.table;
  let first = prepared.length - 1;
  while (
    prepared[first]!.key[partition] !== key[partition] ||
    prepared[first]!.key[sort!] !== key[sort!]
  )
    first--;
  return {
    path: `[${position}]`,
    message: `has the same key as item [${first}]`,
    expected: 'unique keys',
    received: JSON.stringify(key),
  };
}

/**
 * Batch positions by table key, partition then sort (two lookups of the key's own strings: no id
 * string per item). Tells duplicates apart and maps what the engine left unwritten back to positions.
 */
class KeyPositions {
  private readonly byPartition = new Map<string, Map<string, number>>();
  private readonly partition: string;
  private readonly sort: string;
  constructor(layout: ItemLayout) {
    this.partition = layout.table.partition;
    this.sort = layout.table.sort!;
  }
  /** Records the position of a key; false when the key had one already (now replaced). */
  add(key: StoredKey, position: number): boolean {
    const partition = key[this.partition]!;
    let bySort = this.byPartition.get(partition);
    if (!bySort) {
      bySort = new Map();
      this.byPartition.set(partition, bySort);
    }
    // One hash lookup: a new key grows the map.
    const size = bySort.size;
    bySort.set(key[this.sort]!, position);
    return bySort.size > size;
  }
  get(key: StoredKey | StoredItem): number | undefined {
    return this.byPartition.get(key[this.partition] as string)?.get(key[this.sort] as string);
  }
}

// Private: a batch that failed part-way, told by the positions of the items the engine never wrote.
function incomplete(
  ctx: ModelContext,
  error: unknown,
  prepared: readonly PreparedWrite[],
  positions: KeyPositions,
): unknown {
  if (!(error instanceof BackendError) || error.unprocessed.length === 0) return error;
  const unwritten = new Set(error.unprocessed.map((item) => positions.get(item as StoredItem)));
  if (unwritten.has(undefined)) return error;
  const all = prepared.map((p) => positions.get(p.key)!);
  const written = all.filter((i) => !unwritten.has(i));
  for (const p of prepared)
    if (!unwritten.has(positions.get(p.key))) {
      markWritten(p);
      announce(ctx, 'created', p.item);
    }
  return new BatchWriteError(
    `${ctx.model.entity}: ${written.length} of ${all.length} items written before the batch failed (${error.message}); retry the unwritten ones`,
    written,
    [...unwritten] as number[],
    error,
  );
}
