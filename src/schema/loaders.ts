import DataLoader from 'dataloader';
import {
  type AnyModelClass,
  batchGetMany,
  instanceKeyId,
  keyId,
  type ModelBase,
} from '../orm/index.js';

interface Lookup {
  readonly model: AnyModelClass;
  readonly key: object;
  readonly id: string;
  /** The fields this lookup needs; null: the whole item. */
  readonly select: readonly string[] | null;
}

interface Entry {
  readonly promise: Promise<ModelBase | null>;
  /** The fields the cached instance was asked for; null: the whole item. */
  readonly fields: ReadonlySet<string> | null;
}

const covers = (entry: Entry, select: readonly string[] | null) =>
  entry.fields === null || (select?.every((f) => entry.fields!.has(f)) ?? false);

/**
 * Per-request item loader. Every key lookup of one tick, across all fields and all models, goes to
 * the ORM's batchGetMany together: one BatchGetItem per 100 keys per backend. A lookup names the
 * fields it needs; one BatchGetItem carries one projection, so a batch fetches the union of its
 * lookups' fields (the whole item when one lookup needs it). The cache answers a later lookup of
 * the same item only when what it holds covers the fields asked; otherwise the item is read again
 * with the new fields. Never share one across requests: its cache is that request's view.
 */
export class ItemLoader {
  private readonly loader = new DataLoader<Lookup, ModelBase | null, string>(
    (lookups) => batchGetMany(lookups),
    // The cache is ours (below): it knows which fields each entry holds.
    { cache: false },
  );
  private readonly cache = new Map<string, Entry>();

  load<M extends AnyModelClass>(
    model: M,
    key: object,
    select: readonly string[] | null = null,
  ): Promise<InstanceType<M> | null> {
    const id = keyId(model, key);
    const cached = this.cache.get(id);
    if (cached && covers(cached, select)) return cached.promise as Promise<InstanceType<M> | null>;
    const promise = this.loader.load({ model, key, id, select });
    this.cache.set(id, { promise, fields: select === null ? null : new Set(select) });
    return promise as Promise<InstanceType<M> | null>;
  }

  /** Puts a freshly written instance in the cache (mutations), replacing what was there. */
  prime(instance: ModelBase): void {
    this.cache.set(instanceKeyId(instance), { promise: Promise.resolve(instance), fields: null });
  }

  /** Forgets an item (after a delete). */
  clear(instance: ModelBase): void {
    this.cache.delete(instanceKeyId(instance));
  }
}
