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
  entry.fields === null ||
  (select !== null &&
    (sets.get(select) === entry.fields || select.every((f) => entry.fields!.has(f))));

// A frozen selection (one per field of an operation, selection.ts) keeps one Set for every lookup.
const sets = new WeakMap<readonly string[], ReadonlySet<string>>();
function setOf(select: readonly string[]): ReadonlySet<string> {
  if (!Object.isFrozen(select)) return new Set(select);
  let set = sets.get(select);
  if (!set) {
    set = new Set(select);
    sets.set(select, set);
  }
  return set;
}

/**
 * How long a batch waits for the request's relation reads to make progress: past it, the batch goes
 * out anyway (a bound, so a read that waited on a lookup could never stall the request).
 */
const MAX_IDLE_MS = 200;

/**
 * Per-request item loader. Every key lookup of one tick, across all fields and all models, goes to
 * the ORM's batchGetMany together: one BatchGetItem per 100 keys per backend. A lookup names the
 * fields it needs; one BatchGetItem carries one projection, so a batch fetches the union of its
 * lookups' fields (the whole item when one lookup needs it). The cache answers a later lookup of
 * the same item only when what it holds covers the fields asked; otherwise the item is read again
 * with the new fields. Lookups that arrive while relation reads of the same request are in flight
 * (the sibling Queries of one GraphQL level, resolving one by one) wait until those reads have
 * settled, so one level's lookups go out as one batch instead of one per tick. Never share one
 * across requests: its cache is that request's view.
 */
export class ItemLoader {
  /** Relation reads of this request in flight (see `track`). */
  private reading = 0;
  /** The pending batch's dispatch, while it waits for the reads. */
  private waiting: (() => void) | null = null;
  private idle: ReturnType<typeof setTimeout> | undefined;

  private readonly loader = new DataLoader<Lookup, ModelBase | null, string>(
    (lookups) => batchGetMany(lookups),
    // The cache is ours (below): it knows which fields each entry holds.
    { cache: false, batchScheduleFn: (dispatch) => this.schedule(dispatch) },
  );
  private readonly cache = new Map<string, Entry>();

  /**
   * Marks a relation read (a hasMany page) of this request as in flight until it settles: lookups
   * made meanwhile wait for it, and for every other read in flight, before they are sent.
   */
  track<T>(read: Promise<T>): Promise<T> {
    this.reading++;
    const settled = () => {
      this.reading--;
      this.progress();
    };
    return read.then(
      (value) => {
        settled();
        return value;
      },
      (error: unknown) => {
        settled();
        throw error;
      },
    );
  }

  private schedule(dispatch: () => void): void {
    if (this.reading === 0) {
      // DataLoader's own schedule: after the promise jobs of this tick.
      Promise.resolve().then(() => process.nextTick(dispatch));
      return;
    }
    this.waiting = dispatch;
    this.armIdle();
  }

  private armIdle(): void {
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.dispatch(), MAX_IDLE_MS);
  }

  private progress(): void {
    if (this.waiting === null) return;
    if (this.reading > 0) {
      this.armIdle();
      return;
    }
    // The last read settled: its results resolve their fields in the promise jobs that follow,
    // and their lookups join the batch; send it once those have run.
    const dispatch = this.waiting;
    setImmediate(() => {
      if (this.waiting === dispatch) this.dispatch();
    });
  }

  private dispatch(): void {
    const dispatch = this.waiting;
    this.waiting = null;
    clearTimeout(this.idle);
    dispatch?.();
  }

  load<M extends AnyModelClass>(
    model: M,
    key: object,
    select: readonly string[] | null = null,
  ): Promise<InstanceType<M> | null> {
    const id = keyId(model, key);
    const cached = this.cache.get(id);
    if (cached && covers(cached, select)) return cached.promise as Promise<InstanceType<M> | null>;
    const promise = this.loader.load({ model, key, id, select });
    this.cache.set(id, { promise, fields: select === null ? null : setOf(select) });
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
