// The facade: `Model(...)` and the base class whose statics and methods are the ORM's public calls.
// It sits on top of the operations (reads, writes, queries) and the registry below them.
import { ConfigurationError } from './errors.js';
import {
  type AnyField,
  defaultOf,
  type FieldMap,
  type FieldValue,
  field,
  type RequiredInputKeys,
} from './fields.js';
import { RESERVED_NAMES } from './model-meta.js';
import type { Where } from './query/conditions.js';
import { Query } from './query/query.js';
import { batchGet, type GetOptions, get } from './reads.js';
import {
  type AnyModelClass,
  construction,
  DEFINITION,
  definitionOf,
  type InputFor,
  type InstanceState,
  type KeyFor,
  type ModelDefinition,
  type ModelInstance,
  type ModelTypes,
  modelOf,
  NO_UNKNOWN,
  STATE,
  type ValuesFor,
} from './registry.js';
import { type DeleteOptions, removeByKey, update } from './update.js';
import { batchCreate, create, remove, save, upsert } from './writes.js';

/** The third argument of `Model(...)`. */
export interface ModelOptions {
  /** Adds `createdAt` / `updatedAt` (UTC Dates), maintained on every write. @default false */
  readonly timestamps?: boolean;
  /** Names a `datetime` field stored as epoch seconds for DynamoDB TTL; expired items are hidden. */
  readonly ttl?: string;
  /** Adds `version`: every update is conditional on the version read, and bumps it. @default false */
  readonly version?: boolean;
  /** The plural used by the GraphQL layer (`users`). @default entity name + "s", camelCased */
  readonly plural?: string;
}

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type ManagedValues<O> = (O extends { timestamps: true }
  ? { createdAt: Date; updatedAt: Date }
  : {}) &
  (O extends { version: true } ? { version: number } : {});
type InputValue<D> = NonNullable<FieldValue<D>>;

/** The field values of an instance. */
export type ValuesOf<F extends FieldMap, O> = Simplify<
  { -readonly [K in keyof F]: FieldValue<F[K]> } & ManagedValues<O>
>;
/** What `create()` and `new Model()` take: required fields, then optional ones. */
export type InputOf<F extends FieldMap, O> = Simplify<
  { [K in RequiredInputKeys<F>]: InputValue<F[K]> } & {
    [K in Exclude<keyof F, RequiredInputKeys<F>>]?: InputValue<F[K]> | null;
  } & Partial<ManagedValues<O>>
>;

/** One field's change in `Model.update()`: a new value, null (removed), or an atomic operation. */
export type FieldChange<T> =
  | T
  | null
  | (T extends number
      ? { add: number }
      : T extends readonly (infer E)[]
        ? { append: readonly E[] } | { prepend: readonly E[] } | { removeAt: readonly number[] }
        : T extends Set<infer E>
          ? { add: Iterable<E> } | { delete: Iterable<E> }
          : never);
/** What `Model.update()` takes: some fields (not key fields, not managed ones), each a change. */
export type ChangesFor<M extends AnyModelClass> = {
  [K in keyof ValuesFor<M>]?: FieldChange<NonNullable<ValuesFor<M>[K]>>;
};
/** The options of `Model.update()`: a condition in the same request, and the version expected. */
export interface UpdateOptionsFor<M extends AnyModelClass> {
  readonly if?: Where<ValuesFor<M>>;
  readonly expectedVersion?: number;
}

/** The base of every model class; statics derive their types from the subclass they are called on. */
export class ModelBase implements ModelInstance {
  declare [STATE]: InstanceState;

  constructor(data: object = {}) {
    // An instance for a stored item: the ORM assigns the stored values and state next.
    if (construction.loading) return;
    const { fields, fieldNames, fieldDefs } = definitionOf(new.target);
    const input = data as Record<string, unknown>;
    const self = this as Record<string, unknown>;
    for (let i = 0; i < fieldNames.length; i++) {
      const name = fieldNames[i]!;
      const v = input[name];
      self[name] = v === undefined || v === null ? defaultOf(fieldDefs[i]!) : v;
    }
    // Keys that are not fields: collected only when there are any (no array per instance).
    let extra: [string, unknown][] | null = null;
    const keys = Object.keys(input);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      if (fields.has(k)) continue;
      extra ??= [];
      extra.push([k, input[k]]);
    }
    this[STATE] = { persisted: false, key: null, unknown: extra ?? NO_UNKNOWN };
  }

  get isPersisted(): boolean {
    return this[STATE].persisted;
  }

  /** Creates the item (new instance) or updates it (loaded instance). */
  save(): Promise<this> {
    return save(this.constructor as AnyModelClass, this);
  }

  /** Deletes the item; `true` if it existed. */
  delete(): Promise<boolean> {
    return remove(this.constructor as AnyModelClass, this);
  }

  /** Field values as JSON-ready data (Dates as ISO text, Sets as arrays). */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const name of modelOf(this.constructor as AnyModelClass).fieldNames) {
      const v = (this as Record<string, unknown>)[name];
      out[name] = v instanceof Set ? [...v] : v;
    }
    return out;
  }

  /** Validates and creates a new item; `DuplicateKeyError` if the key exists. */
  static create<M extends AnyModelClass>(this: M, data: InputFor<M>): Promise<InstanceType<M>> {
    return create(this, data as object);
  }
  /** Validates and writes the item, replacing any item with the same key. */
  static upsert<M extends AnyModelClass>(this: M, data: InputFor<M>): Promise<InstanceType<M>> {
    return upsert(this, data as object);
  }
  /**
   * Updates the item with this key in one UpdateItem: the given fields (null removes an optional one),
   * atomic changes (`{ stock: { add: -1 } }`), `if` conditions and the expected version all in the
   * same request. Answers the item as stored after the write; `NotFoundError` when there is none,
   * `ConflictError` (with the current item) when a condition fails.
   */
  static update<M extends AnyModelClass>(
    this: M,
    key: KeyFor<M>,
    changes: ChangesFor<M>,
    options?: UpdateOptionsFor<M>,
  ): Promise<InstanceType<M>> {
    return update(this, key as object, changes as object, options);
  }
  /**
   * Deletes the item with this key in one DeleteItem; answers the deleted item, or null. With
   * `{ collection: true }` also every item in its partition (its item collection), in batches.
   */
  static delete<M extends AnyModelClass>(
    this: M,
    key: KeyFor<M>,
    options?: DeleteOptions,
  ): Promise<InstanceType<M> | null> {
    return removeByKey(this, key as object, options);
  }
  /** The item with this key, or null. */
  static get<M extends AnyModelClass>(
    this: M,
    key: KeyFor<M>,
    options?: GetOptions<keyof ValuesFor<M> & string>,
  ): Promise<InstanceType<M> | null> {
    return get(this, key as object, options);
  }
  static where<M extends AnyModelClass>(this: M, conditions?: Where<ValuesFor<M>>): Query<M> {
    return Query.of(this, conditions as object | undefined);
  }
  static findBy<M extends AnyModelClass>(
    this: M,
    conditions: Where<ValuesFor<M>>,
  ): Promise<InstanceType<M> | null> {
    return Query.of(this, conditions as object).first();
  }
  static all<M extends AnyModelClass>(this: M): Promise<InstanceType<M>[]> {
    return Query.of(this).all();
  }
  /** Validates every item first (nothing is written if one is invalid), then writes in batches of 25. */
  static batchCreate<M extends AnyModelClass>(
    this: M,
    items: readonly InputFor<M>[],
  ): Promise<InstanceType<M>[]> {
    return batchCreate(this, items as readonly object[]);
  }
  /** Answers in the order of `keys`, null for a missing item. */
  static batchGet<M extends AnyModelClass>(
    this: M,
    keys: readonly KeyFor<M>[],
    options?: GetOptions<keyof ValuesFor<M> & string>,
  ): Promise<(InstanceType<M> | null)[]> {
    return batchGet(this, keys as readonly object[], options);
  }
}

/** The class `Model(...)` returns: construct it with input, extend it with key methods and hooks. */
export type ModelClass<F extends FieldMap, O> = {
  new (data: InputOf<F, O>): ModelBase & ValuesOf<F, O>;
  readonly prototype: ModelBase & ValuesOf<F, O>;
  readonly $types?: ModelTypes<ValuesOf<F, O>, InputOf<F, O>>;
  readonly entityName: string;
  readonly fields: F;
} & Omit<typeof ModelBase, 'prototype'>;

/**
 * Defines a model: `class User extends Model('User', { id: field.string({ primaryKey: true }) }) {}`.
 * The entity name is what the `entity_type` attribute stores.
 */
export function Model<const F extends FieldMap, const O extends ModelOptions = {}>(
  entityName: string,
  fields: F,
  options?: O,
): ModelClass<F, O> {
  if (typeof entityName !== 'string' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(entityName))
    throw new ConfigurationError(
      `Model() needs an entity name like "User", got ${JSON.stringify(entityName)}`,
    );
  const opts: ModelOptions = options ?? {};
  const all = new Map<string, AnyField>(Object.entries(fields));
  for (const name of all.keys())
    if (RESERVED_NAMES.has(name))
      throw new ConfigurationError(
        `${entityName}: "${name}" is reserved and cannot be a field name`,
      );
  if (opts.timestamps) {
    all.set(
      'createdAt',
      // No default: set from the clock of the first write (null on an unsaved instance).
      field.datetime({ description: 'When the item was created (UTC).' }),
    );
    all.set('updatedAt', field.datetime({ description: 'When the item was last written (UTC).' }));
  }
  if (opts.version)
    all.set(
      'version',
      field.int({ default: 0, min: 0, description: 'Optimistic-locking version.' }),
    );
  if (opts.ttl !== undefined) {
    const ttl = all.get(opts.ttl);
    if (ttl?.kind !== 'datetime')
      throw new ConfigurationError(
        `${entityName}: ttl must name a datetime field, got ${JSON.stringify(opts.ttl)}`,
      );
    // DynamoDB TTL reads epoch seconds.
    all.set(
      opts.ttl,
      Object.freeze({ ...ttl, encode: (d: unknown) => Math.floor((d as Date).getTime() / 1000) }),
    );
  }
  const definition: ModelDefinition = {
    entity: entityName,
    fields: all,
    fieldNames: [...all.keys()],
    fieldDefs: [...all.values()],
    config: {
      timestamps: opts.timestamps === true,
      ttl: opts.ttl ?? null,
      version: opts.version === true,
      plural: opts.plural ?? null,
    },
  };
  const base = class extends ModelBase {
    static readonly [DEFINITION] = definition;
    static readonly entityName = entityName;
    static readonly fields = fields;
  };
  Object.defineProperty(base, 'name', { value: `${entityName}Model` });
  return base as unknown as ModelClass<F, O>;
}
