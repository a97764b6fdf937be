import type { ItemAdapter, ItemLayout, StoredItem, StoredKey } from './layout.js';
import type { Condition } from './query/conditions.js';
import type { QueryPlan } from './query/plan.js';

/** One write, described as data so every backend (and a transaction) executes the same thing. */
export type WriteOp =
  | { readonly type: 'put'; readonly item: StoredItem; readonly ifNotExists: boolean }
  | {
      readonly type: 'update';
      readonly key: StoredKey;
      /** Attributes to set (fields, computed keys, entity type). */
      readonly set: StoredItem;
      /** Attributes to remove (null fields, GSI keys that became null). */
      readonly remove: readonly string[];
      /** Attributes set only when the item does not have them yet (createdAt on upsert). */
      readonly setIfMissing: StoredItem;
      /** An attribute incremented by one, starting from 0 (version on upsert). */
      readonly increment: string | null;
      readonly ifExists: boolean;
      /** Optimistic locking: the update applies only while `attr` still equals `value`. */
      readonly ifVersion: { readonly attr: string; readonly value: number } | null;
      readonly returnNew: boolean;
      /** Atomic changes (partial updates); absent on whole-item writes. */
      readonly atomic?: AtomicChanges;
      /** A further condition on the stored item, checked by the engine in the same request. */
      readonly condition?: Condition | null;
    }
  | {
      readonly type: 'delete';
      readonly key: StoredKey;
      readonly ifExists: boolean;
      /** Answer the item as it was before the delete (DynamoDB `ReturnValues: ALL_OLD`). */
      readonly returnOld?: boolean;
      /** A further condition on the stored item, checked by the engine in the same request. */
      readonly condition?: Condition | null;
    }
  | {
      readonly type: 'check';
      readonly key: StoredKey;
      readonly ifExists: boolean;
      readonly ifVersion: { readonly attr: string; readonly value: number } | null;
    };

/** Changes an engine applies to the stored value itself, so concurrent writers never lose one. */
export interface AtomicChanges {
  /** Numbers added to number attributes (absent counts as 0); members added to set attributes. */
  readonly add: StoredItem;
  /** Members removed from set attributes (an emptied set is removed, as DynamoDB does). */
  readonly deleteMembers: StoredItem;
  /** Elements added at the end (or the start) of list attributes (absent counts as empty). */
  readonly append: Readonly<
    Record<string, { readonly values: readonly unknown[]; readonly atStart: boolean }>
  >;
  /** List elements removed by position. */
  readonly removeAt: Readonly<Record<string, readonly number[]>>;
}

/** Thrown by a backend when a write's condition fails; the ORM turns it into a typed error. */
export class ConditionFailed extends Error {
  constructor(
    /** The item as stored when the condition failed, where the engine returns it. */
    readonly current: StoredItem | null,
    /** Position of the failing write inside a transaction. */
    readonly index = 0,
  ) {
    super('condition failed');
  }
}

export interface PageRequest {
  readonly layout: ItemLayout;
  readonly plan: QueryPlan;
  /** Like DynamoDB's Limit: how many items to evaluate before the filter; null reads a whole page. */
  readonly limit: number | null;
  readonly startKey: StoredKey | null;
  /** Count matches instead of returning them (DynamoDB `Select: COUNT`). */
  readonly countOnly: boolean;
  /** Epoch seconds: items whose TTL attribute is at or before this are hidden. */
  readonly now: number;
}

export interface PageResult {
  readonly items: StoredItem[];
  readonly count: number;
  /** Items the engine evaluated before the filter (DynamoDB ScannedCount). */
  readonly scanned: number;
  /** Where the next page starts; null when the read reached the end. */
  readonly lastKey: StoredKey | null;
}

/**
 * The contract between the ORM and a storage engine. Everything semantic (validation, keys, hooks,
 * cursors, page filling) happens above it, once, for every backend.
 */
export interface Backend {
  readonly name: string;
  readonly adapter: ItemAdapter;
  /** Signs cursors, so a tampered cursor is refused before it reaches the engine. */
  readonly cursorSecret: string;
  getItem(layout: ItemLayout, key: StoredKey): Promise<StoredItem | null>;
  write(layout: ItemLayout, op: WriteOp): Promise<StoredItem | null>;
  queryPage(request: PageRequest): Promise<PageResult>;
  /** Answers in the order of `keys`, null for a missing key. */
  batchGetItems(layout: ItemLayout, keys: readonly StoredKey[]): Promise<(StoredItem | null)[]>;
  batchPutItems(layout: ItemLayout, items: readonly StoredItem[]): Promise<void>;
  /** Deletes by key in batches (BatchWriteItem DeleteRequests); a delete of a missing key is a no-op. */
  batchDeleteItems(layout: ItemLayout, keys: readonly StoredKey[]): Promise<void>;
  /**
   * One page of the keys of every item in a table partition (its item collection, all entity types),
   * in key order; `lastKey` null at the end.
   */
  collectionKeys(
    layout: ItemLayout,
    partition: string,
    startKey: StoredKey | null,
  ): Promise<{ keys: StoredKey[]; lastKey: StoredKey | null }>;
  /** All or nothing; a failed condition throws ConditionFailed with the write's index. */
  transact(writes: readonly { layout: ItemLayout; op: WriteOp }[]): Promise<void>;
}
