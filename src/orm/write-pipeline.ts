// The one write pipeline: everything between "write this instance" and the request (managed fields,
// beforeSave hooks, validation, version handling, the key check), and settling the instance after the
// request: marked persisted and afterSave run on success, put back as it was on failure. create, upsert,
// save, batchCreate and transactions all prepare their items here, DynamoDB's limits checked last.
import { ValidationError, type ValidationIssue } from './errors.js';
import { keyFromItem, prefixPaths, runHooks, throwIfAny, validateValues } from './instances.js';
import type { StoredItem, StoredKey } from './layout.js';
import { checkItem } from './limits.js';
import { type ModelContext, type ModelInstance, NO_UNKNOWN, STATE } from './registry.js';

type Values = Record<string, unknown>;
export type WritableInstance = ModelInstance & Values;

/**
 * `create`: a new item (version 1). `replace`: an unconditional overwrite (upsert: the version is
 * counted on by the engine). `update`: a loaded instance written back, conditional on the version read.
 */
export type WriteKind = 'create' | 'replace' | 'update';

export interface PreparedWrite {
  readonly ctx: ModelContext;
  readonly instance: WritableInstance;
  readonly item: StoredItem;
  readonly key: StoredKey;
  /** For a versioned update: the version the stored item must still have. */
  readonly expectedVersion: number | null;
  /** The instance's field values before preparing, when the caller can see the instance afterwards. */
  readonly snapshot: Values | null;
}

export interface PrepareOptions {
  /** Keep what is needed to put the instance back if the write fails (the caller holds it). */
  readonly restorable?: boolean;
  /** Collect validation issues here and answer null, instead of throwing: batches. */
  readonly issues?: ValidationIssue[];
  /** The item's position in a batch: its issue paths start with `[position].`. */
  readonly position?: number;
}

function snapshotOf(ctx: ModelContext, instance: WritableInstance): Values {
  const out: Values = {};
  for (const name of ctx.model.fieldNames) out[name] = instance[name];
  return out;
}

function putBack(instance: WritableInstance, snapshot: Values | null): void {
  if (snapshot) Object.assign(instance, snapshot);
}

/**
 * Prepares an instance for its write: managed fields, beforeSave hooks, validation, the item and its
 * key. Synchronous (no promise) when the model has no beforeSave hooks, so a batch of 10,000 pays no
 * await per item; `await` it either way.
 */
export function prepareWrite(
  ctx: ModelContext,
  instance: WritableInstance,
  kind: WriteKind,
  options: PrepareOptions & { issues: ValidationIssue[] },
): PreparedWrite | null | Promise<PreparedWrite | null>;
export function prepareWrite(
  ctx: ModelContext,
  instance: WritableInstance,
  kind: WriteKind,
  options?: PrepareOptions,
): PreparedWrite | Promise<PreparedWrite>;
export function prepareWrite(
  ctx: ModelContext,
  instance: WritableInstance,
  kind: WriteKind,
  options: PrepareOptions = {},
): PreparedWrite | null | Promise<PreparedWrite | null> {
  const { model } = ctx;
  const snapshot = options.restorable ? snapshotOf(ctx, instance) : null;
  try {
    if (model.config.timestamps) {
      // Both from one clock reading; createdAt only when not set yet (given, or loaded).
      const now = new Date();
      instance.createdAt ??= now;
      instance.updatedAt = now;
    }
    let expectedVersion: number | null = null;
    if (model.config.version) {
      if (kind === 'create') instance.version = 1;
      else if (kind === 'update') {
        expectedVersion = instance.version as number;
        instance.version = expectedVersion + 1;
      }
    }
    const hooks = runHooks(model, 'beforeSave', instance);
    if (hooks === undefined)
      return finishPrepare(ctx, instance, kind, options, snapshot, expectedVersion);
    return hooks
      .then(() => finishPrepare(ctx, instance, kind, options, snapshot, expectedVersion))
      .catch((error: unknown) => failPrepare(instance, snapshot, error));
  } catch (error) {
    return failPrepare(instance, snapshot, error);
  }
}

function failPrepare(instance: WritableInstance, snapshot: Values | null, error: unknown): never {
  putBack(instance, snapshot);
  throw error;
}

// Private: validation, the item and its key, once the hooks have run (throws with the instance
// not yet put back: the caller does that).
function finishPrepare(
  ctx: ModelContext,
  instance: WritableInstance,
  kind: WriteKind,
  options: PrepareOptions,
  snapshot: Values | null,
  expectedVersion: number | null,
): PreparedWrite | null {
  const { model, layout } = ctx;
  const issues = options.issues ?? [];
  const before = issues.length;
  const values = validateValues(model, instance, instance[STATE].unknown, '', issues);
  if (issues.length > before) return refuse(ctx, instance, options, snapshot, issues, before);
  Object.assign(instance, values);
  const item = layout.toItem(values, instance);
  // DynamoDB's own limits (item size, key sizes, numbers, sets), the same on every backend.
  checkItem(layout, item, '', issues);
  if (issues.length > before) return refuse(ctx, instance, options, snapshot, issues, before);
  const key = keyFromItem(layout, item);
  if (kind === 'update') refuseKeyChange(ctx, instance[STATE].key!, key);
  return { ctx, instance, item, key, expectedVersion, snapshot };
}

// Private: an instance with issues is put back; they are thrown, or collected (a batch: null), with
// the item's position before their paths.
function refuse(
  ctx: ModelContext,
  instance: WritableInstance,
  options: PrepareOptions,
  snapshot: Values | null,
  issues: ValidationIssue[],
  before: number,
): null {
  putBack(instance, snapshot);
  if (options.position !== undefined) prefixPaths(issues, before, `[${options.position}].`);
  if (options.issues) return null;
  throwIfAny(ctx.model, issues);
  return null;
}

// Private: a loaded instance keeps its key; moving an item is a create and a delete.
function refuseKeyChange(ctx: ModelContext, original: StoredKey, key: StoredKey): void {
  let moved = false;
  for (const k in original) if (key[k] !== original[k]) moved = true;
  if (!moved) return;
  const { model } = ctx;
  const fields = [...model.table.partition.reads, ...(model.table.sort?.reads ?? [])];
  throw new ValidationError(model.entity, [
    {
      path: fields.join(', '),
      message: `changes the item's key (${JSON.stringify(original)} -> ${JSON.stringify(key)}); keys cannot change on save: create the new item and delete the old one (in a transaction)`,
      expected: JSON.stringify(original),
      received: JSON.stringify(key),
    },
  ]);
}

/** The instance is persisted under its key (its item was written). */
export function markWritten(prepared: PreparedWrite): void {
  const state = prepared.instance[STATE];
  state.persisted = true;
  state.key = prepared.key;
  state.unknown = NO_UNKNOWN;
}

/**
 * After a successful write: the instance is persisted under its key, then afterSave hooks run
 * (undefined, nothing to wait for, when the model has none).
 */
export function settle(prepared: PreparedWrite): Promise<void> | undefined {
  markWritten(prepared);
  return runHooks(prepared.ctx.model, 'afterSave', prepared.instance);
}

/** After a failed write: the instance is put back as it was before it was prepared. */
export function restore(prepared: PreparedWrite): void {
  putBack(prepared.instance, prepared.snapshot);
}

/** After a successful delete: the instance is no longer persisted. */
export function markDeleted(instance: ModelInstance): void {
  instance[STATE].persisted = false;
  instance[STATE].key = null;
}
