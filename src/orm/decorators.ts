import { ConfigurationError } from './errors.js';

/**
 * TC39 standard method decorators. They only record metadata on `context.metadata`; the model
 * compiler (model-meta.ts) reads it once per class.
 */

// Node 20 has no Symbol.metadata; without it, decorator metadata is silently dropped. This must run
// before any decorated class is evaluated, which importing this module guarantees.
(Symbol as { metadata?: symbol }).metadata ??= Symbol.for('Symbol.metadata');

export const KEYS = Symbol('tablegraph.keys');
export const HOOKS = Symbol('tablegraph.hooks');

export type HookKind = 'beforeSave' | 'afterSave' | 'afterLoad';

/** What one class's own decorators declared (parents' declarations live on the prototype chain). */
export interface KeyDeclarations {
  partitionKey?: string;
  sortKey?: string;
  gsi: Record<string, { partitionKey?: string; sortKey?: string }>;
}
export type HookDeclarations = Record<HookKind, string[]>;

type KeyMethod = (this: never) => string | null | undefined;
type Metadata = Record<PropertyKey, unknown>;

function own<T>(metadata: Metadata, key: symbol, init: (inherited: T | undefined) => T): T {
  if (!Object.hasOwn(metadata, key)) metadata[key] = init(metadata[key] as T | undefined);
  return metadata[key] as T;
}

function keysOf(context: ClassMethodDecoratorContext): KeyDeclarations {
  if (context.static || context.private || typeof context.name !== 'string')
    throw new ConfigurationError(
      `key decorators apply to public instance methods, not ${String(context.name)}`,
    );
  return own<KeyDeclarations>(context.metadata as Metadata, KEYS, (inherited) => ({
    partitionKey: inherited?.partitionKey,
    sortKey: inherited?.sortKey,
    gsi: structuredClone(inherited?.gsi ?? {}),
  }));
}

/** Marks the method that computes the table's partition key. */
export function partitionKey(_method: KeyMethod, context: ClassMethodDecoratorContext): void {
  keysOf(context).partitionKey = context.name as string;
}

/** Marks the method that computes the table's sort key. */
export function sortKey(_method: KeyMethod, context: ClassMethodDecoratorContext): void {
  keysOf(context).sortKey = context.name as string;
}

/** Marks the method that computes the partition key of the global secondary index `index`. */
export function gsiPartitionKey(index: string) {
  return (_method: KeyMethod, context: ClassMethodDecoratorContext): void => {
    const gsi = keysOf(context).gsi;
    gsi[index] = { ...gsi[index], partitionKey: context.name as string };
  };
}

/** Marks the method that computes the sort key of the global secondary index `index`. */
export function gsiSortKey(index: string) {
  return (_method: KeyMethod, context: ClassMethodDecoratorContext): void => {
    const gsi = keysOf(context).gsi;
    gsi[index] = { ...gsi[index], sortKey: context.name as string };
  };
}

function hook(kind: HookKind) {
  return (_method: (this: never) => unknown, context: ClassMethodDecoratorContext): void => {
    if (context.static || context.private || typeof context.name !== 'string')
      throw new ConfigurationError(
        `@${kind} applies to public instance methods, not ${String(context.name)}`,
      );
    // Parent hooks first, then this class's in definition order (decorators run in source order).
    const hooks = own<HookDeclarations>(context.metadata as Metadata, HOOKS, (inherited) => ({
      beforeSave: [...(inherited?.beforeSave ?? [])],
      afterSave: [...(inherited?.afterSave ?? [])],
      afterLoad: [...(inherited?.afterLoad ?? [])],
    }));
    hooks[kind].push(context.name);
  };
}

/** Runs before every write (create, upsert, save); changes it makes are persisted; a throw writes nothing. */
export const beforeSave = hook('beforeSave');
/** Runs after every successful write. */
export const afterSave = hook('afterSave');
/** Runs on every instance read from the backend (get, queries, batchGet). */
export const afterLoad = hook('afterLoad');

export function readMetadata(cls: object): Metadata | undefined {
  return (cls as Record<symbol, Metadata | undefined>)[Symbol.metadata as symbol];
}
