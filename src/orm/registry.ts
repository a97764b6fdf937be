// The low layer every operation reads: a model class's definition and compiled metadata, its backend,
// and the ORM's per-instance state. It imports nothing above it (no operations, no facade).
import type { Backend } from './backend.js';
import { ConfigurationError } from './errors.js';
import type { AnyField } from './fields.js';
import { type ItemLayout, layoutFor, type StoredKey } from './layout.js';
import { type CompiledModel, compileModel, type ModelConfig } from './model-meta.js';

/** The definition `Model(...)` attaches to the class it returns. */
export interface ModelDefinition {
  readonly entity: string;
  readonly fields: ReadonlyMap<string, AnyField>;
  /** The names and definitions of `fields`, position by position (what constructors loop over). */
  readonly fieldNames: readonly string[];
  readonly fieldDefs: readonly AnyField[];
  readonly config: ModelConfig;
}

export const DEFINITION = Symbol('tablegraph.definition');
/** Per-instance ORM state, under a symbol so it never mixes with fields. */
export const STATE = Symbol('tablegraph.state');
/** Shared by every instance without unknown input (all loaded ones): one array, not one each. */
export const NO_UNKNOWN: readonly (readonly [string, unknown])[] = Object.freeze([]);

export interface InstanceState {
  persisted: boolean;
  /** The table key the item was loaded or saved under (to detect key changes). */
  key: StoredKey | null;
  /** Input entries that are not fields, reported at save time. */
  unknown: readonly (readonly [string, unknown])[];
  /** Loaded with a selection: the fields it holds (the others read as empty); it cannot be saved. */
  partial?: readonly string[];
}

/** What every model instance offers (implemented by `ModelBase`, the facade's class). */
export interface ModelInstance {
  [STATE]: InstanceState;
  /** True once the instance was saved or loaded (and not deleted since). */
  readonly isPersisted: boolean;
  save(): Promise<this>;
  delete(): Promise<boolean>;
  toJSON(): Record<string, unknown>;
}

/** Type carrier of a model class: lets every static derive its types from the definition. */
export interface ModelTypes<TValues, TInput> {
  readonly values: TValues;
  readonly input: TInput;
}

/** Any model class (a subclass of what `Model(...)` returns). */
export interface AnyModelClass {
  new (...args: never[]): ModelInstance;
  readonly prototype: ModelInstance;
  readonly $types?: ModelTypes<object, object>;
  readonly entityName: string;
}
export type ValuesFor<M extends AnyModelClass> = NonNullable<M['$types']>['values'];
export type InputFor<M extends AnyModelClass> = NonNullable<M['$types']>['input'];
/** A lookup key: the fields the key methods read (checked at run time, which names any missing one). */
export type KeyFor<M extends AnyModelClass> = Partial<ValuesFor<M>>;
export type InstanceOf<M extends AnyModelClass> = InstanceType<M>;

/**
 * Set while the ORM constructs an instance for a stored item: the base constructor then skips input
 * handling (the stored values are assigned after), while the subclass's field initializers still run.
 */
export const construction = { loading: false };

const compiled = new WeakMap<object, CompiledModel>();

/** The compiled metadata of a model class (computed on first use, then cached). @internal */
export function modelOf(cls: AnyModelClass): CompiledModel {
  let c = compiled.get(cls);
  if (!c) {
    const def = (cls as unknown as Record<symbol, ModelDefinition | undefined>)[DEFINITION];
    if (!def)
      throw new ConfigurationError(`${cls.name} is not a model: extend Model(entityName, fields)`);
    c = compileModel(cls, def.entity, def.fields, def.config);
    compiled.set(cls, c);
  }
  return c;
}

/** The definition a model class was made from (fields with managed ones, options). */
export function definitionOf(cls: object): ModelDefinition {
  return (cls as Record<symbol, ModelDefinition>)[DEFINITION]!;
}

/** The backend configured by `static meta = { backend }`. */
export function backendOf(cls: AnyModelClass): Backend {
  const backend = (cls as { meta?: { backend?: Backend } }).meta?.backend;
  if (!backend)
    throw new ConfigurationError(
      `No backend configured for ${cls.name}: add \`static meta = { backend }\` to the class`,
    );
  return backend;
}

/** Everything an operation needs about a model class. */
export interface ModelContext {
  readonly cls: AnyModelClass;
  readonly model: CompiledModel;
  readonly backend: Backend;
  readonly layout: ItemLayout;
}

const contexts = new WeakMap<AnyModelClass, ModelContext>();

/** The context of a model class, built once per (class, backend) and reused by every call. */
export function contextOf(cls: AnyModelClass): ModelContext {
  const backend = backendOf(cls);
  let ctx = contexts.get(cls);
  if (ctx?.backend !== backend) {
    const model = modelOf(cls);
    ctx = Object.freeze({ cls, model, backend, layout: layoutFor(model, backend.adapter) });
    contexts.set(cls, ctx);
  }
  return ctx;
}
