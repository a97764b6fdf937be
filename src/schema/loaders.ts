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
}

/**
 * Per-request item loader. Every key lookup of one tick, across all fields and all models, goes to
 * the ORM's batchGetMany together: one BatchGetItem per 100 keys per backend. Never share one across
 * requests: its cache is that request's view.
 */
export class ItemLoader {
  private readonly loader = new DataLoader<Lookup, ModelBase | null, string>(
    (lookups) => batchGetMany(lookups),
    {
      cacheKeyFn: (lookup) => lookup.id,
    },
  );

  load<M extends AnyModelClass>(model: M, key: object): Promise<InstanceType<M> | null> {
    return this.loader.load({
      model,
      key,
      id: keyId(model, key),
    }) as Promise<InstanceType<M> | null>;
  }

  /** Puts a freshly written instance in the cache (mutations), replacing what was there. */
  prime(instance: ModelBase): void {
    const id = instanceKeyId(instance);
    const lookup = { model: instance.constructor as AnyModelClass, key: {}, id };
    this.loader.clear(lookup).prime(lookup, instance);
  }

  /** Forgets an item (after a delete). */
  clear(instance: ModelBase): void {
    this.loader.clear({
      model: instance.constructor as AnyModelClass,
      key: {},
      id: instanceKeyId(instance),
    });
  }
}
