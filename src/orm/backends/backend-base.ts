import { randomBytes } from 'node:crypto';
import type { Backend, PageRequest, PageResult, WriteOp } from '../backend.js';
import { ConfigurationError } from '../errors.js';
import type { ItemAdapter, ItemLayout, StoredItem, StoredKey } from '../layout.js';
import { Query } from '../query/query.js';
import { batchGet } from '../reads.js';
import { type AnyModelClass, backendOf, type InputFor, type KeyFor } from '../registry.js';
import { batchCreate } from '../writes.js';

let processSecret: string | undefined;

/**
 * The cursor secret of a backend given none. In development, `fallback` (derived from public facts,
 * so anyone can sign cursors with it: fine on a laptop). With NODE_ENV=production, a random secret
 * of this process, said once on stderr: its cursors stop verifying after a restart and on other
 * instances, so production should set `cursorSecret` (TABLEGRAPH_CURSOR_SECRET).
 */
export function defaultCursorSecret(fallback: string): string {
  if (process.env.NODE_ENV !== 'production') return fallback;
  if (processSecret === undefined) {
    processSecret = randomBytes(32).toString('base64url');
    console.warn(
      'tablegraph: no cursorSecret with NODE_ENV=production: cursors are signed with a random secret of this process (they stop verifying after a restart and on other instances); set cursorSecret or TABLEGRAPH_CURSOR_SECRET',
    );
  }
  return processSecret;
}

/**
 * What every backend offers its users by model (`backend.batchGet(User, keys)`, as the seed did),
 * on top of the storage contract it implements. The model must be bound to this backend.
 */
export abstract class BackendBase implements Backend {
  abstract readonly name: string;
  abstract readonly adapter: ItemAdapter;
  abstract readonly cursorSecret: string;
  abstract getItem(layout: ItemLayout, key: StoredKey): Promise<StoredItem | null>;
  abstract write(layout: ItemLayout, op: WriteOp): Promise<StoredItem | null>;
  abstract queryPage(request: PageRequest): Promise<PageResult>;
  abstract batchGetItems(
    layout: ItemLayout,
    keys: readonly StoredKey[],
  ): Promise<(StoredItem | null)[]>;
  abstract batchPutItems(layout: ItemLayout, items: readonly StoredItem[]): Promise<void>;
  abstract batchDeleteItems(layout: ItemLayout, keys: readonly StoredKey[]): Promise<void>;
  abstract collectionKeys(
    layout: ItemLayout,
    partition: string,
    startKey: StoredKey | null,
  ): Promise<{ keys: StoredKey[]; lastKey: StoredKey | null }>;
  abstract transact(writes: readonly { layout: ItemLayout; op: WriteOp }[]): Promise<void>;

  private own<M extends AnyModelClass>(model: M): M {
    if (backendOf(model) !== this)
      throw new ConfigurationError(
        `${model.name} is bound to another backend (its static meta.backend)`,
      );
    return model;
  }

  /** `Model.batchCreate(items)`: validated first, written in batches of 25. */
  batchCreate<M extends AnyModelClass>(
    model: M,
    items: readonly InputFor<M>[],
  ): Promise<InstanceType<M>[]> {
    return batchCreate(this.own(model), items as readonly object[]);
  }

  /** `Model.batchGet(keys)`: in key order, null for a missing key. */
  batchGet<M extends AnyModelClass>(
    model: M,
    keys: readonly KeyFor<M>[],
  ): Promise<(InstanceType<M> | null)[]> {
    return batchGet(this.own(model), keys as readonly object[]);
  }

  /** Every item of the model's entity type (a Scan filtered to it), never another's. */
  scan<M extends AnyModelClass>(model: M): Promise<InstanceType<M>[]> {
    return Query.of(this.own(model)).all();
  }
}
