import {
  HOOKS,
  type HookDeclarations,
  KEYS,
  type KeyDeclarations,
  readMetadata,
} from './decorators.js';
import { ConfigurationError, type ValidationIssue } from './errors.js';
import type { AnyField } from './fields.js';

/** How one key (partition or sort, table or GSI) is computed, and which fields it needs. */
export interface KeyPlan {
  /** The decorated method, or null for the fallback rule. */
  readonly method: string | null;
  /** Every field the computation reads. */
  readonly reads: readonly string[];
  /** The non-optional fields among `reads`: a lookup must supply them. */
  readonly requires: readonly string[];
  /** Computes the key from an object holding field values (an instance or a key view). */
  readonly compute: (view: object) => string | null;
}

export interface IndexPlan {
  readonly name: string;
  readonly partition: KeyPlan;
  readonly sort: KeyPlan | null;
}

export interface ModelConfig {
  readonly timestamps: boolean;
  readonly ttl: string | null;
  readonly version: boolean;
  readonly plural: string | null;
}

/**
 * Everything the ORM derives from one model class, computed once per class on first use: field
 * list, key plans, hooks. Adapter-specific item layout is derived from this (layout.ts).
 */
export interface CompiledModel {
  readonly cls: object;
  readonly entity: string;
  readonly proto: object;
  readonly fields: ReadonlyMap<string, AnyField>;
  readonly fieldNames: readonly string[];
  /** The definitions of `fieldNames`, position by position (hot loops index both, no Map walk). */
  readonly fieldDefs: readonly AnyField[];
  readonly primaryKey: readonly string[];
  readonly table: IndexPlan;
  readonly indexes: ReadonlyMap<string, IndexPlan>;
  readonly hooks: Readonly<HookDeclarations>;
  readonly config: ModelConfig;
}

/** Names that instances or the ORM use themselves; a field cannot take them. */
export const RESERVED_NAMES = new Set(['save', 'delete', 'toJSON', 'constructor', 'isPersisted']);

function sampleValue(def: AnyField): unknown {
  switch (def.kind) {
    case 'int':
    case 'float':
      return 1;
    case 'boolean':
      return true;
    case 'datetime':
      return new Date(0);
    case 'date':
      return '2000-01-01';
    case 'enum':
      return def.values?.[0];
    case 'json':
      return {};
    case 'list':
      return [];
    case 'stringSet':
    case 'numberSet':
      return new Set();
    default:
      return 'x';
  }
}

// Private: runs a key method on a recording proxy to learn which fields it reads.
function recordReads(
  proto: object,
  fields: ReadonlyMap<string, AnyField>,
  method: string,
): string[] {
  const reads = new Set<string>();
  const target = Object.create(proto) as object;
  const view = new Proxy(target, {
    get(t, prop, receiver) {
      if (typeof prop === 'string' && fields.has(prop)) {
        reads.add(prop);
        return sampleValue(fields.get(prop)!);
      }
      return Reflect.get(t, prop, receiver);
    },
  });
  try {
    (proto as Record<string, () => unknown>)[method]!.call(view);
  } catch {
    // A method that fails on sample values still told us what it read before failing.
  }
  return [...reads];
}

function methodPlan(
  proto: object,
  fields: ReadonlyMap<string, AnyField>,
  method: string,
  entity: string,
): KeyPlan {
  const fn = (proto as Record<string, unknown>)[method];
  if (typeof fn !== 'function')
    throw new ConfigurationError(`${entity}: key method ${method} is not a method`);
  const reads = recordReads(proto, fields, method);
  return {
    method,
    reads,
    requires: reads.filter((r) => !fields.get(r)!.options.optional),
    compute: (view) => {
      const key = (fn as (this: object) => unknown).call(view);
      if (key === null || key === undefined) return null;
      if (typeof key !== 'string')
        throw new ConfigurationError(
          `${entity}.${method}() must return a string, got ${typeof key}`,
        );
      return key;
    },
  };
}

function compileHooks(declared: HookDeclarations | undefined): HookDeclarations {
  const unique = (names: string[] | undefined) => [...new Set(names ?? [])];
  return {
    beforeSave: unique(declared?.beforeSave),
    afterSave: unique(declared?.afterSave),
    afterLoad: unique(declared?.afterLoad),
  };
}

export function compileModel(
  cls: object & { prototype: object },
  entity: string,
  fields: ReadonlyMap<string, AnyField>,
  config: ModelConfig,
): CompiledModel {
  const proto = cls.prototype;
  const meta = readMetadata(cls);
  const keys = meta?.[KEYS] as KeyDeclarations | undefined;
  const primaryKey = [...fields].filter(([, d]) => d.options.primaryKey).map(([n]) => n);

  let partition: KeyPlan;
  if (keys?.partitionKey) partition = methodPlan(proto, fields, keys.partitionKey, entity);
  else if (primaryKey.length > 0)
    partition = {
      method: null,
      reads: primaryKey,
      requires: primaryKey,
      compute: (view) =>
        `${entity}#${primaryKey.map((f) => String((view as Record<string, unknown>)[f])).join('#')}`,
    };
  else
    throw new ConfigurationError(
      `${entity} has no @partitionKey method and no primaryKey field: one of them is needed to build its key`,
    );
  const sort: KeyPlan = keys?.sortKey
    ? methodPlan(proto, fields, keys.sortKey, entity)
    : { method: null, reads: [], requires: [], compute: () => 'METADATA' };

  const indexes = new Map<string, IndexPlan>();
  for (const [name, decl] of Object.entries(keys?.gsi ?? {})) {
    if (!decl.partitionKey)
      throw new ConfigurationError(
        `${entity}: index ${name} has @gsiSortKey but no @gsiPartitionKey`,
      );
    indexes.set(name, {
      name,
      partition: methodPlan(proto, fields, decl.partitionKey, entity),
      sort: decl.sortKey ? methodPlan(proto, fields, decl.sortKey, entity) : null,
    });
  }
  return Object.freeze({
    cls,
    entity,
    proto,
    fields,
    fieldNames: [...fields.keys()],
    fieldDefs: [...fields.values()],
    primaryKey,
    table: { name: '', partition, sort },
    indexes,
    hooks: compileHooks(meta?.[HOOKS] as HookDeclarations | undefined),
    config,
  });
}

/**
 * Builds a key view from the values of a lookup (`get`, `batchGet`, key conditions) and checks that it
 * holds every field the given key plans need; missing fields become issues naming the key method.
 */
export function keyView(
  model: CompiledModel,
  values: Readonly<Record<string, unknown>>,
  plans: readonly KeyPlan[],
  issues: ValidationIssue[],
): object {
  // Fields not given read null from the shared prototype: only the given values are set per call.
  const view = Object.create(nullViewOf(model)) as Record<string, unknown>;
  for (const name in values) {
    const v = values[name];
    if (v !== undefined && v !== null) view[name] = v;
  }
  let seen: Set<string> | null = null;
  for (const plan of plans)
    for (const name of plan.requires)
      if ((values[name] === undefined || values[name] === null) && !seen?.has(name)) {
        seen ??= new Set();
        seen.add(name);
        issues.push({
          path: name,
          message: `is required to compute the key (${plan.method ? `${plan.method}()` : 'primary key'})`,
          expected: model.fields.get(name)!.kind,
          received: 'undefined',
        });
      }
  return view;
}

const nullViews = new WeakMap<CompiledModel, object>();
// Private: the model's prototype with every field null, the base of key views.
function nullViewOf(model: CompiledModel): object {
  let base = nullViews.get(model);
  if (!base) {
    const fields = Object.create(model.proto) as Record<string, unknown>;
    for (const name of model.fieldNames) fields[name] = null;
    base = fields;
    nullViews.set(model, base);
  }
  return base;
}
