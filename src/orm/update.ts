// Partial updates and deletes by key: one UpdateItem (or DeleteItem) whose condition travels in the same
// request, so concurrent writers of different fields, counters and conditional decrements lose nothing.
import { type AtomicChanges, ConditionFailed, type WriteOp } from './backend.js';
import { announce } from './changes.js';
import {
  ConflictError,
  describe,
  NotFoundError,
  ValidationError,
  type ValidationIssue,
} from './errors.js';
import type { AnyField } from './fields.js';
import {
  instantiate,
  isVisible,
  keyFieldsOf,
  runHooks,
  storedKeyOf,
  throwIfAny,
} from './instances.js';
import type { StoredItem, StoredKey } from './layout.js';
import {
  checkKeys,
  checkNumber,
  checkSize,
  checkValue,
  DYNAMODB_LIMITS,
  itemSize,
  storableSize,
  utf8Length,
} from './limits.js';
import type { CompiledModel, IndexPlan } from './model-meta.js';
import { and, type Condition, parseWhere } from './query/conditions.js';
import { matches } from './query/evaluate.js';
import { type AnyModelClass, contextOf, type ModelContext } from './registry.js';

type Values = Record<string, unknown>;

/** The options of `Model.update()`. */
export interface UpdateOptions {
  /** Conditions the stored item must meet (the ORM's `where` shape); else a `ConflictError`. */
  readonly if?: object;
  /** Versioned models: the version the stored item must still have. */
  readonly expectedVersion?: number;
}

/** How many times a write guarded by fields it read is retried when one of them changed meanwhile. */
const GUARD_ATTEMPTS = 5;

const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  !(v instanceof Set) &&
  !(v instanceof Date) &&
  (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

/** Atomic changes by kind, as the backend receives them (`WriteOp.atomic`). */
interface Atomic {
  add: Values;
  deleteMembers: Values;
  append: Record<string, { values: unknown[]; atStart: boolean }>;
  removeAt: Record<string, number[]>;
}

interface ParsedChanges {
  /** Fields given a new value (stored form) or null (removed). */
  readonly set: Map<string, unknown>;
  /** Field values as parsed (not stored form), for computing index keys. */
  readonly parsed: Map<string, unknown>;
  /** Null when the change has none (most: a value per field): no four empty records per call. */
  atomic: Atomic | null;
  /** Fields changed by an atomic operation (their result depends on the stored value). */
  readonly atomicFields: Set<string>;
  /** Bounds an atomic number change must keep (min/max on the result), checked by the engine. */
  readonly bounds: { readonly field: string; readonly condition: Condition }[];
}

const OPS_BY_KIND: Partial<Record<AnyField['kind'], readonly string[]>> = {
  int: ['add'],
  float: ['add'],
  list: ['append', 'prepend', 'removeAt'],
  stringSet: ['add', 'delete'],
  numberSet: ['add', 'delete'],
};

/** How a change of one field is taken: refused (key or managed field), or parsed by its definition. */
interface ChangePlan {
  readonly def: AnyField;
  /** The atomic operations its kind takes, if any. */
  readonly ops: readonly string[] | undefined;
  /** Why it cannot change at all (a key field, a managed field), with what is expected instead. */
  readonly refused: { readonly message: string; readonly expected: string } | null;
}

const changePlans = new WeakMap<CompiledModel, ReadonlyMap<string, ChangePlan>>();
// Private: every field's change plan, once per model (one lookup per changed field, not three).
function changePlansOf(model: CompiledModel): ReadonlyMap<string, ChangePlan> {
  let plans = changePlans.get(model);
  if (!plans) {
    const keyFields = keyFieldsOf(model);
    const managed = new Set([
      ...(model.config.timestamps ? ['createdAt', 'updatedAt'] : []),
      ...(model.config.version ? ['version'] : []),
    ]);
    const all = new Map<string, ChangePlan>();
    for (const [name, def] of model.fields)
      all.set(name, {
        def,
        ops: OPS_BY_KIND[def.kind],
        refused: keyFields.has(name)
          ? {
              message:
                'is part of the table key and cannot change: create the new item and delete the old one (in a transaction)',
              expected: 'a field outside the key',
            }
          : managed.has(name)
            ? { message: 'is maintained by the ORM', expected: 'a field that is not managed' }
            : null,
      });
    plans = all;
    changePlans.set(model, plans);
  }
  return plans;
}

function parseChanges(
  ctx: ModelContext,
  changes: object,
  issues: ValidationIssue[],
): ParsedChanges {
  const { model } = ctx;
  const out: ParsedChanges = {
    set: new Map(),
    parsed: new Map(),
    atomic: null,
    atomicFields: new Set(),
    bounds: [],
  };
  if (!isPlain(changes)) {
    issues.push({
      path: '',
      message: 'changes must be an object of field values',
      expected: 'object',
      received: describe(changes),
    });
    return out;
  }
  const plans = changePlansOf(model);
  for (const name of Object.keys(changes)) {
    const change = changes[name];
    if (change === undefined) continue;
    const plan = plans.get(name);
    if (!plan) {
      issues.push(
        changeIssue(name, change, 'is not a field of this model', model.fieldNames.join(' | ')),
      );
      continue;
    }
    if (plan.refused) {
      issues.push(changeIssue(name, change, plan.refused.message, plan.refused.expected));
      continue;
    }
    const { def, ops } = plan;
    if (ops && isPlain(change)) {
      parseAtomic(name, def, change, ops, out, issues);
      continue;
    }
    if (change === null) {
      if (!def.options.optional) issues.push(changeIssue(name, change, 'is required', def.kind));
      else {
        out.set.set(name, null);
        out.parsed.set(name, null);
      }
      continue;
    }
    const before = issues.length;
    const value = def.parse(change, name, issues);
    if (issues.length > before) continue;
    out.parsed.set(name, value);
    out.set.set(name, def.encode(value));
  }
  return out;
}

const changeIssue = (
  path: string,
  change: unknown,
  message: string,
  expected: string,
): ValidationIssue => ({ path, message, expected, received: describe(change) });

function parseAtomic(
  name: string,
  def: AnyField,
  change: Record<string, unknown>,
  ops: readonly string[],
  out: ParsedChanges,
  issues: ValidationIssue[],
): void {
  const entries = Object.entries(change).filter(([, v]) => v !== undefined);
  if (entries.length !== 1 || !ops.includes(entries[0]![0])) {
    issues.push({
      path: name,
      message: `takes a value or exactly one of ${ops.map((o) => `{ ${o} }`).join(', ')}`,
      expected: ops.join(' | '),
      received: describe(change),
    });
    return;
  }
  const [op, operand] = entries[0]!;
  const path = `${name}.${op}`;
  const bad = (message: string, expected: string) =>
    issues.push({ path, message, expected, received: describe(operand) });
  out.atomicFields.add(name);
  if (def.kind === 'int' || def.kind === 'float') {
    if (
      typeof operand !== 'number' ||
      !Number.isFinite(operand) ||
      (def.kind === 'int' && !Number.isSafeInteger(operand))
    )
      return void bad('adds a number', def.kind === 'int' ? 'integer' : 'finite number');
    atomicOf(out).add[name] = operand;
    // min/max hold on the result: the engine checks the stored value before adding.
    const { min, max } = def.options as { min?: number; max?: number };
    const within = (x: number) =>
      (min === undefined || x >= min) && (max === undefined || x <= max);
    const stored: Condition[] = [];
    if (min !== undefined && operand < 0) stored.push(compare(name, 'gte', min - operand));
    if (max !== undefined && operand > 0) stored.push(compare(name, 'lte', max - operand));
    if (stored.length > 0) {
      const present = and(stored)!;
      // An absent number counts as 0.
      const condition: Condition = within(operand)
        ? { type: 'or', of: [compare(name, 'exists', false), present] }
        : present;
      out.bounds.push({ field: name, condition });
    }
    return;
  }
  if (def.kind === 'list') {
    if (op === 'removeAt') {
      if (
        !Array.isArray(operand) ||
        operand.length === 0 ||
        !operand.every((i) => Number.isSafeInteger(i) && i >= 0)
      )
        return void bad('removes list elements by position', 'non-empty array of indexes >= 0');
      atomicOf(out).removeAt[name] = [...new Set(operand as number[])];
      return;
    }
    if (!Array.isArray(operand) || operand.length === 0)
      return void bad(`${op} takes a non-empty array`, 'array');
    const before = issues.length;
    const values = operand.map((v, i) => (def.of ? def.of.parse(v, `${path}[${i}]`, issues) : v));
    if (issues.length > before) return;
    atomicOf(out).append[name] = {
      values: def.of ? values.map((v) => def.of!.encode(v)) : values,
      atStart: op === 'prepend',
    };
    return;
  }
  // stringSet / numberSet
  const members =
    operand instanceof Set ? operand : Array.isArray(operand) ? new Set(operand) : null;
  if (!members || members.size === 0)
    return void bad(`${op} takes a non-empty array of members`, 'array');
  const before = issues.length;
  const parsed = def.parse(members, path, issues);
  if (issues.length > before) return;
  const atomic = atomicOf(out);
  (op === 'add' ? atomic.add : atomic.deleteMembers)[name] = def.encode(parsed);
}

// Private: the atomic changes of a parse, made on the first one.
const atomicOf = (out: ParsedChanges): Atomic =>
  (out.atomic ??= { add: {}, deleteMembers: {}, append: {}, removeAt: {} });

const compare = (
  field: string,
  op: 'gte' | 'lte' | 'eq' | 'exists',
  value: unknown,
): Condition => ({
  type: 'compare',
  field,
  op,
  value,
  raw: value,
});

/** The fields an index's key methods read. */
const readsOf = (index: IndexPlan) => [...index.partition.reads, ...(index.sort?.reads ?? [])];

/**
 * Updates one item by key in ONE UpdateItem: SETs the given fields, REMOVEs those set to null,
 * applies atomic changes (`{ stock: { add: -1 } }`, `{ tags: { add: ['x'] } }`,
 * `{ colors: { append: ['red'] } }`), maintains `updatedAt` and `version`, and answers the item as
 * stored after the write. `options.if` and `expectedVersion` are conditions in the same request.
 *
 * Index keys are never stale: a GSI key whose methods read a changed field is recomputed in the same
 * request. When such a method also reads fields the change lacks, those fields are read first and the
 * update is guarded by a condition that they still hold what was read (retried if they changed).
 */
export async function update<M extends AnyModelClass>(
  cls: M,
  key: object,
  changes: object,
  options: UpdateOptions = {},
): Promise<InstanceType<M>> {
  const ctx = contextOf(cls);
  const { model, layout } = ctx;
  const issues: ValidationIssue[] = [];
  const stored = storedKeyOf(ctx, key, issues);
  const parsed = parseChanges(ctx, changes, issues);
  const userCondition =
    options.if === undefined ? null : parseWhere(model.fields, options.if, issues);
  if (options.expectedVersion !== undefined) {
    if (!model.config.version)
      issues.push({
        path: 'expectedVersion',
        message: `${model.entity} is not versioned`,
        expected: 'no expectedVersion',
        received: describe(options.expectedVersion),
      });
    else if (!Number.isSafeInteger(options.expectedVersion) || options.expectedVersion < 1)
      issues.push({
        path: 'expectedVersion',
        message: 'must be a positive integer',
        expected: 'integer >= 1',
        received: describe(options.expectedVersion),
      });
  }
  if (stored) checkChanges(ctx, stored, parsed, issues);
  throwIfAny(model, issues);
  const keyValues = key as Values;
  // Indexes whose key depends on the change, and the fields their methods read that the change lacks.
  const affected = model.indexes.size === 0 ? NO_INDEXES : affectedIndexes(model, parsed);
  const missing = affected.length === 0 ? NO_FIELDS : new Set<string>();
  for (const ix of affected)
    for (const f of readsOf(ix))
      if ((!parsed.parsed.has(f) && !(f in keyValues)) || parsed.atomicFields.has(f))
        missing.add(f);
  const bounds = parsed.bounds.length === 0 ? NO_CONDITIONS : parsed.bounds.map((b) => b.condition);

  for (let attempt = 1; ; attempt++) {
    let guard: Condition | null = null;
    // The values index keys are computed from (only when the change touches an index).
    let view: Values | null = null;
    if (missing.size > 0) {
      const current = await ctx.backend.getItem(layout, stored!);
      if (!isVisible(ctx, current, 0)) throw new NotFoundError(model.entity, stored!);
      view = afterChange(ctx, layout.fromItem(current), parsed);
      guard = and(
        [...missing].map((f) =>
          current[f] === undefined || current[f] === null
            ? compare(f, 'exists', false)
            : compare(f, 'eq', current[f]),
        ),
      );
    } else if (affected.length > 0) {
      view = {};
      for (const f of model.fieldNames) view[f] = parsed.parsed.get(f) ?? keyValues[f] ?? null;
    }
    // Never another entity type's item under the same key.
    const ofEntity = ofEntityOf(ctx);
    const condition =
      userCondition === null && guard === null && bounds.length === 0
        ? ofEntity
        : and([ofEntity, userCondition, guard, ...bounds]);
    const op = updateOf(ctx, stored!, parsed, affected, view, condition, options.expectedVersion);
    // Recomputed index keys within DynamoDB's key sizes (the other attributes set are fields).
    if (affected.length > 0 && op.type === 'update') checkKeys(layout, op.set, '', issues);
    throwIfAny(model, issues);
    try {
      const item = await ctx.backend.write(layout, op);
      announce(ctx, 'updated', item!);
      const instance = instantiate<InstanceType<M>>(ctx, item!);
      const hooks = runHooks(model, 'afterSave', instance as object);
      if (hooks) await hooks;
      return instance;
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      const current = error.current;
      if (current === null || !isVisible(ctx, current, 0))
        throw new NotFoundError(model.entity, stored!);
      if (guard && !matches(guard, current) && attempt < GUARD_ATTEMPTS) continue;
      throw conflict(ctx, stored!, current, parsed, userCondition, options.expectedVersion);
    }
  }
}

const NO_INDEXES: readonly IndexPlan[] = Object.freeze([]);
// Shared by every change that touches no index: nothing is ever added to it.
const NO_FIELDS: Set<string> = new Set();
const NO_CONDITIONS: readonly Condition[] = Object.freeze([]);

// Private: the indexes whose key methods read a field the change gives.
function affectedIndexes(model: CompiledModel, parsed: ParsedChanges): readonly IndexPlan[] {
  const changed = new Set([...parsed.set.keys(), ...parsed.atomicFields]);
  return [...model.indexes.values()].filter((ix) => readsOf(ix).some((f) => changed.has(f)));
}

const ofEntityConditions = new WeakMap<ModelContext, Condition>();
// Private: the condition that the item is of the model's entity type, once per model and backend.
function ofEntityOf(ctx: ModelContext): Condition {
  let condition = ofEntityConditions.get(ctx);
  if (!condition) {
    condition = compare(ctx.layout.adapter.entityTypeAttribute, 'eq', ctx.model.entity);
    ofEntityConditions.set(ctx, condition);
  }
  return condition;
}

// Private: DynamoDB's limits on what the change gives (numbers, sets), and on the item size the
// result has at least (the key, the values set, the members added and elements appended). The size of
// the whole result depends on the stored item: the engine refuses it (the in-memory backend as well).
function checkChanges(
  ctx: ModelContext,
  key: StoredKey,
  parsed: ParsedChanges,
  issues: ValidationIssue[],
): void {
  if (parsed.atomic === null && leastWithinLimits(ctx, key, parsed)) return;
  const { add, deleteMembers, append } = parsed.atomic ?? NO_ATOMIC;
  const least: StoredItem = { ...key, [ctx.layout.adapter.entityTypeAttribute]: ctx.model.entity };
  for (const [f, v] of parsed.set)
    if (v !== null) {
      checkValue(v, f, issues);
      least[f] = v;
    }
  for (const [f, v] of Object.entries(add))
    if (typeof v === 'number') checkNumber(v, `${f}.add`, issues);
    else {
      checkValue(v, `${f}.add`, issues);
      least[f] = v;
    }
  for (const [f, v] of Object.entries(deleteMembers)) checkValue(v, `${f}.delete`, issues);
  for (const [f, { values, atStart }] of Object.entries(append)) {
    checkValue(values, `${f}.${atStart ? 'prepend' : 'append'}`, issues);
    least[f] = values;
  }
  checkSize(least, itemSize(least), '', issues, 'the updated item');
}

// Private: true when checkChanges finds nothing, proved without building the least item: values
// only (no atomic change), each storable, and the least item within the size limit.
function leastWithinLimits(ctx: ModelContext, key: StoredKey, parsed: ParsedChanges): boolean {
  const entityAttr = ctx.layout.adapter.entityTypeAttribute;
  let size = utf8Length(entityAttr) + utf8Length(ctx.model.entity);
  for (const k in key) size += utf8Length(k) + utf8Length(key[k]!);
  for (const [f, v] of parsed.set)
    if (v !== null) {
      const bytes = storableSize(v);
      if (bytes < 0) return false;
      size += utf8Length(f) + bytes;
    }
  return size <= DYNAMODB_LIMITS.itemBytes;
}

const NO_ATOMIC: Atomic = Object.freeze({
  add: Object.freeze({}),
  deleteMembers: Object.freeze({}),
  append: Object.freeze({}),
  removeAt: Object.freeze({}),
});
const NO_VALUES: StoredItem = Object.freeze({});

// Private: the values after the change, for index keys computed from an item that was read.
function afterChange(ctx: ModelContext, values: Values, parsed: ParsedChanges): Values {
  const view: Values = { ...values };
  for (const [f, v] of parsed.parsed) view[f] = v;
  const { add, deleteMembers, append, removeAt } = parsed.atomic ?? NO_ATOMIC;
  for (const [f, v] of Object.entries(add))
    view[f] =
      v instanceof Set
        ? new Set([
            ...((view[f] as Set<unknown>) ?? []),
            ...(ctx.model.fields.get(f)!.decode(v) as Set<unknown>),
          ])
        : ((view[f] as number) ?? 0) + (v as number);
  for (const [f, v] of Object.entries(deleteMembers)) {
    const gone = ctx.model.fields.get(f)!.decode(v) as Set<unknown>;
    view[f] = new Set([...((view[f] as Set<unknown>) ?? [])].filter((x) => !gone.has(x)));
  }
  for (const [f, { values, atStart }] of Object.entries(append)) {
    const decoded = values.map((x) => ctx.model.fields.get(f)!.of?.decode(x) ?? x);
    const list = (view[f] as unknown[]) ?? [];
    view[f] = atStart ? [...decoded, ...list] : [...list, ...decoded];
  }
  for (const [f, positions] of Object.entries(removeAt))
    view[f] = ((view[f] as unknown[]) ?? []).filter((_, i) => !positions.includes(i));
  return view;
}

function updateOf(
  ctx: ModelContext,
  key: StoredKey,
  parsed: ParsedChanges,
  affected: readonly IndexPlan[],
  values: Values | null,
  condition: Condition | null,
  expectedVersion: number | undefined,
): WriteOp {
  const { model, layout } = ctx;
  const set: StoredItem = {};
  const remove: string[] = [];
  for (const [f, v] of parsed.set)
    if (v === null) remove.push(f);
    else set[f] = v;
  if (model.config.timestamps) set.updatedAt = new Date().toISOString();
  // Recompute the keys of the indexes the change touches (a null key leaves the index: sparse).
  const view = affected.length === 0 ? null : (Object.create(model.proto) as Values);
  if (view) Object.assign(view, values);
  for (const ix of affected) {
    const attrs = layout.indexes.get(ix.name)!;
    const pk = ix.partition.compute(view!);
    const sk = ix.sort ? ix.sort.compute(view!) : null;
    if (pk === null || pk === '' || (ix.sort && (sk === null || sk === ''))) {
      remove.push(attrs.partition);
      if (attrs.sort) remove.push(attrs.sort);
    } else {
      set[attrs.partition] = pk;
      if (attrs.sort) set[attrs.sort] = sk;
    }
  }
  // Absent when the change has none (as on whole-item writes): the backend skips them.
  const atomic: AtomicChanges | undefined = parsed.atomic ?? undefined;
  return {
    type: 'update',
    key,
    set,
    remove,
    setIfMissing: NO_VALUES,
    increment: model.config.version ? 'version' : null,
    ifExists: true,
    ifVersion: expectedVersion === undefined ? null : { attr: 'version', value: expectedVersion },
    returnNew: true,
    atomic,
    condition,
  };
}

// Private: which condition failed, told from the stored item the engine returned.
function conflict(
  ctx: ModelContext,
  key: StoredKey,
  current: StoredItem,
  parsed: ParsedChanges,
  userCondition: Condition | null,
  expectedVersion: number | undefined,
): Error {
  const { model } = ctx;
  const readable = JSON.stringify(key);
  const instance = instantiate(ctx, current);
  if (expectedVersion !== undefined && current.version !== expectedVersion)
    return new ConflictError(
      `${model.entity} with key ${readable} is at version ${String(current.version)}, not ${expectedVersion}`,
      instance,
    );
  const broken = parsed.bounds.find((b) => !matches(b.condition, current));
  if (broken && (!userCondition || matches(userCondition, current))) {
    const { min, max } = model.fields.get(broken.field)!.options as { min?: number; max?: number };
    return new ValidationError(model.entity, [
      {
        path: broken.field,
        message: `adding ${String(parsed.atomic?.add[broken.field])} would take it out of its bounds`,
        expected: `a result within ${min ?? '-inf'}..${max ?? 'inf'}`,
        received: describe(current[broken.field]),
      },
    ]);
  }
  return new ConflictError(
    `${model.entity} with key ${readable} does not meet the update's condition`,
    instance,
  );
}

/** The options of `Model.delete()`. */
export interface DeleteOptions {
  /**
   * Also delete every other item in the item's table partition (its item collection, every entity
   * type: a user's orders and todo items in `USER#<id>`): one Query page of keys at a time, deleted by
   * BatchWriteItem in chunks of 25, retried; a failure lists the keys left.
   */
  readonly collection?: boolean;
  /**
   * Conditions the stored item must meet (the `where` shape), checked in the same DeleteItem; else a
   * `ConflictError` with the current item, and nothing is deleted.
   */
  readonly if?: object;
}

/**
 * Deletes one item by key in ONE DeleteItem; answers the deleted item, or null when there was none.
 * With `collection`, then deletes the rest of its partition (pages of keys, batches of 25).
 */
export async function removeByKey<M extends AnyModelClass>(
  cls: M,
  key: object,
  options: DeleteOptions = {},
): Promise<InstanceType<M> | null> {
  const ctx = contextOf(cls);
  const issues: ValidationIssue[] = [];
  const stored = storedKeyOf(ctx, key, issues);
  const condition =
    options.if === undefined ? null : parseWhere(ctx.model.fields, options.if, issues);
  throwIfAny(ctx.model, issues);
  let old: StoredItem | null = null;
  try {
    old = await ctx.backend.write(ctx.layout, {
      type: 'delete',
      key: stored!,
      ifExists: true,
      returnOld: true,
      condition,
    });
  } catch (error) {
    if (!(error instanceof ConditionFailed)) throw error;
    // Present but not meeting `if`: nothing was deleted (and the collection is left alone).
    if (condition && error.current !== null && isVisible(ctx, error.current, 0))
      throw new ConflictError(
        `${ctx.model.entity} with key ${JSON.stringify(stored)} does not meet the delete's condition`,
        instantiate(ctx, error.current),
      );
  }
  if (old && isVisible(ctx, old, 0)) announce(ctx, 'deleted', old);
  if (options.collection) {
    const partition = stored![ctx.layout.table.partition]!;
    let start: StoredKey | null = null;
    do {
      const page = await ctx.backend.collectionKeys(ctx.layout, partition, start);
      if (page.keys.length > 0) await ctx.backend.batchDeleteItems(ctx.layout, page.keys);
      start = page.lastKey;
    } while (start);
  }
  return old && isVisible(ctx, old, 0) ? instantiate<InstanceType<M>>(ctx, old) : null;
}
