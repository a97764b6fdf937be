import {
  type AtomicChanges,
  ConditionFailed,
  type PageRequest,
  type PageResult,
  type WriteOp,
} from '../../backend.js';
import { BackendError } from '../../errors.js';
import {
  type AdapterOptions,
  type IndexAttributes,
  ItemAdapter,
  type ItemLayout,
  type StoredItem,
  type StoredKey,
} from '../../layout.js';
import { and } from '../../query/conditions.js';
import { matches } from '../../query/evaluate.js';
import { compareText } from '../../query/order.js';
import { type QueryPlan, type SortCondition, visibilityOf } from '../../query/plan.js';
import { type AnyModelClass, modelOf } from '../../registry.js';
import { BackendBase } from '../backend-base.js';
import { SortedChunks } from './sorted.js';

export interface InMemoryBackendOptions {
  /** Attribute names, as for DynamoDB (the items are laid out the same way). */
  readonly adapter?: ItemAdapter | AdapterOptions;
  /** Signs cursors. @default a fixed development secret */
  readonly cursorSecret?: string;
}

const clone = <T>(v: T): T => structuredClone(v);

// Private: DynamoDB's ADD, DELETE, list_append and REMOVE list[i] on a copy of the stored item.
function applyAtomic(item: StoredItem, atomic: AtomicChanges): void {
  for (const [attr, v] of Object.entries(atomic.add)) {
    const current = item[attr];
    if (v instanceof Set) item[attr] = new Set([...((current as Set<unknown>) ?? []), ...v]);
    else item[attr] = ((current as number | undefined) ?? 0) + (v as number);
  }
  for (const [attr, v] of Object.entries(atomic.deleteMembers)) {
    const current = item[attr];
    if (!(current instanceof Set)) continue;
    const next = new Set([...current].filter((x) => !(v as Set<unknown>).has(x)));
    if (next.size === 0) delete item[attr];
    else item[attr] = next;
  }
  for (const [attr, { values, atStart }] of Object.entries(atomic.append)) {
    const current = (item[attr] as unknown[] | undefined) ?? [];
    item[attr] = atStart ? [...clone(values), ...current] : [...current, ...clone(values)];
  }
  for (const [attr, positions] of Object.entries(atomic.removeAt)) {
    const current = item[attr];
    if (Array.isArray(current)) item[attr] = current.filter((_, i) => !positions.includes(i));
  }
}

/** DynamoDB ends a Query or Scan page after 1 MB of items read (before the filter). */
const PAGE_BYTES = 1024 * 1024;

// Private: about the size DynamoDB counts for an item (names and values as UTF-8 bytes, numbers by
// digits): enough to end pages where the engine would, so `for await` streams pages as it does there.
function sizeOf(v: unknown): number {
  switch (typeof v) {
    case 'string':
      return Buffer.byteLength(v);
    case 'number':
      return 1 + Math.ceil(String(v).length / 2);
    case 'boolean':
      return 1;
    case 'object': {
      if (v === null) return 1;
      let n = 3;
      if (v instanceof Set || Array.isArray(v)) for (const x of v) n += 1 + sizeOf(x);
      else if (ArrayBuffer.isView(v)) n += v.byteLength;
      else for (const [k, x] of Object.entries(v)) n += 1 + Buffer.byteLength(k) + sizeOf(x);
      return n;
    }
    default:
      return 0;
  }
}
const itemSize = (item: StoredItem): number => {
  let n = 0;
  for (const k in item) n += Buffer.byteLength(k) + sizeOf(item[k]);
  return n;
};

/**
 * The items of one index (the table's, or a GSI's), as the engine keeps them: partitions in key
 * order, each an ordered run sorted by the index's sort key (a GSI's ties broken by the table key),
 * so a page starts by binary search on its key, never by a walk of the store.
 */
class OrderedIndex {
  readonly partitions = new Map<string, SortedChunks<StoredItem>>();
  readonly keys = new SortedChunks<string>(compareText);
  /** Order inside one partition. */
  readonly compare: (a: StoredItem, b: StoredItem) => number;

  constructor(
    readonly attrs: { readonly partition: string; readonly sort: string | null },
    table: { readonly partition: string; readonly sort: string } | null,
  ) {
    const sort = attrs.sort;
    const bySort = sort
      ? (a: StoredItem, b: StoredItem) => compareText(a[sort] as string, b[sort] as string)
      : () => 0;
    this.compare = table
      ? (a, b) =>
          bySort(a, b) ||
          compareText(a[table.partition] as string, b[table.partition] as string) ||
          compareText(a[table.sort] as string, b[table.sort] as string)
      : bySort;
  }

  /** A GSI is sparse: an item is in it only with string values for its key attributes. */
  holds(item: StoredItem): boolean {
    const { partition, sort } = this.attrs;
    return typeof item[partition] === 'string' && (sort === null || typeof item[sort] === 'string');
  }

  add(item: StoredItem): void {
    const pk = item[this.attrs.partition] as string;
    let run = this.partitions.get(pk);
    if (!run) {
      run = new SortedChunks(this.compare);
      this.partitions.set(pk, run);
      this.keys.upsert(pk);
    }
    run.upsert(item);
  }

  remove(item: StoredItem): void {
    const pk = item[this.attrs.partition] as string;
    const run = this.partitions.get(pk);
    if (!run) return;
    run.delete(item);
    if (run.size === 0) {
      this.partitions.delete(pk);
      this.keys.delete(pk);
    }
  }
}

// Private: bounds of a sort-key condition, as predicates that hold for a prefix of the sort order
// (below the range) and for a suffix (above it), so the range is found by two binary searches.
function belowRange(c: SortCondition, v: string): boolean {
  switch (c.op) {
    case 'eq':
    case 'gte':
    case 'beginsWith':
      return compareText(v, c.value) < 0;
    case 'gt':
      return compareText(v, c.value) <= 0;
    case 'between':
      return compareText(v, c.value[0]) < 0;
    default:
      return false;
  }
}
function aboveRange(c: SortCondition, v: string): boolean {
  switch (c.op) {
    case 'eq':
    case 'lte':
      return compareText(v, c.value) > 0;
    case 'lt':
      return compareText(v, c.value) >= 0;
    case 'between':
      return compareText(v, c.value[1]) > 0;
    case 'beginsWith':
      // Every string starting with the prefix sorts right after it, as one run.
      return compareText(v, c.value) > 0 && !v.startsWith(c.value);
    default:
      return false;
  }
}

/**
 * A backend that keeps items in memory, laid out, ordered, paged and conditioned exactly as
 * DynamoDB does, so the one contract suite runs unchanged against both. Items are copied in and
 * out: no caller can change stored state through a reference.
 */
export class InMemoryBackend extends BackendBase {
  readonly name = 'memory';
  readonly adapter: ItemAdapter;
  readonly cursorSecret: string;
  private readonly byKey = new Map<string, StoredItem>();
  /** Items in table key order (partition, then sort key, as UTF-8 bytes). */
  private table: OrderedIndex;
  /** GSIs by key attribute names, built on their first query, then kept in step with every write. */
  private readonly gsis = new Map<string, OrderedIndex>();

  constructor(options: InMemoryBackendOptions = {}) {
    super();
    this.adapter =
      options.adapter instanceof ItemAdapter ? options.adapter : new ItemAdapter(options.adapter);
    this.cursorSecret = options.cursorSecret ?? 'tablegraph-development-cursor-secret';
    this.table = this.emptyTable();
  }

  private emptyTable(): OrderedIndex {
    return new OrderedIndex(
      { partition: this.adapter.pkAttribute, sort: this.adapter.skAttribute },
      null,
    );
  }

  /** Removes every item, or only the items of one model. */
  clear(model?: AnyModelClass): void {
    const entity = model ? modelOf(model).entity : null;
    const keep =
      entity === null
        ? []
        : [...this.byKey.values()].filter((i) => i[this.adapter.entityTypeAttribute] !== entity);
    this.byKey.clear();
    this.gsis.clear();
    this.table = this.emptyTable();
    for (const item of keep) this.insert(item);
  }

  /** How many items are stored (all entity types). */
  get size(): number {
    return this.byKey.size;
  }

  private id(key: StoredKey): string {
    return `${key[this.adapter.pkAttribute]}\u0000${key[this.adapter.skAttribute]}`;
  }

  private insert(item: StoredItem): void {
    const id = this.id(item as StoredKey);
    const existing = this.byKey.get(id);
    if (existing)
      for (const gsi of this.gsis.values()) if (gsi.holds(existing)) gsi.remove(existing);
    this.table.add(item);
    for (const gsi of this.gsis.values()) if (gsi.holds(item)) gsi.add(item);
    this.byKey.set(id, item);
  }

  private erase(key: StoredKey): void {
    const id = this.id(key);
    const existing = this.byKey.get(id);
    if (!existing) return;
    this.table.remove(existing);
    for (const gsi of this.gsis.values()) if (gsi.holds(existing)) gsi.remove(existing);
    this.byKey.delete(id);
  }

  private indexOf(attrs: IndexAttributes): OrderedIndex {
    if (attrs.index === null) return this.table;
    const name = `${attrs.partition}\u0000${attrs.sort ?? ''}`;
    let gsi = this.gsis.get(name);
    if (!gsi) {
      gsi = new OrderedIndex(attrs, {
        partition: this.adapter.pkAttribute,
        sort: this.adapter.skAttribute,
      });
      for (const item of this.byKey.values()) if (gsi.holds(item)) gsi.add(item);
      this.gsis.set(name, gsi);
    }
    return gsi;
  }

  async getItem(_layout: ItemLayout, key: StoredKey): Promise<StoredItem | null> {
    const item = this.byKey.get(this.id(key));
    return item ? clone(item) : null;
  }

  async write(_layout: ItemLayout, op: WriteOp): Promise<StoredItem | null> {
    this.check(op, 0);
    return this.apply(op);
  }

  // Private: throws ConditionFailed when the write's condition does not hold.
  private check(op: WriteOp, index: number): void {
    const existing = this.byKey.get(this.id(op.type === 'put' ? (op.item as StoredKey) : op.key));
    if (op.type === 'put') {
      if (op.ifNotExists && existing) throw new ConditionFailed(clone(existing), index);
      return;
    }
    if (op.ifExists && !existing) throw new ConditionFailed(null, index);
    if (
      op.type !== 'delete' &&
      op.ifVersion &&
      existing &&
      existing[op.ifVersion.attr] !== op.ifVersion.value
    )
      throw new ConditionFailed(clone(existing), index);
    if (op.type === 'update' && op.condition && !matches(op.condition, existing ?? {}))
      throw new ConditionFailed(existing ? clone(existing) : null, index);
  }

  private apply(op: WriteOp): StoredItem | null {
    switch (op.type) {
      case 'put':
        this.insert(clone(op.item));
        return null;
      case 'delete': {
        const existing = this.byKey.get(this.id(op.key));
        this.erase(op.key);
        return op.returnOld && existing ? existing : null;
      }
      case 'check':
        return null;
      case 'update': {
        const existing = this.byKey.get(this.id(op.key));
        const next: StoredItem = existing ? clone(existing) : { ...op.key };
        Object.assign(next, clone(op.set));
        for (const attr of op.remove) delete next[attr];
        for (const [attr, v] of Object.entries(op.setIfMissing))
          if (next[attr] === undefined) next[attr] = clone(v);
        if (op.increment)
          next[op.increment] = ((next[op.increment] as number | undefined) ?? 0) + 1;
        if (op.atomic) applyAtomic(next, op.atomic);
        this.insert(next);
        return op.returnNew ? clone(next) : null;
      }
    }
  }

  async queryPage(request: PageRequest): Promise<PageResult> {
    const { plan, layout, limit, startKey, countOnly, now } = request;
    const attrs = layout.attributesOf(plan.index);
    // As DynamoDB: the key condition selects what is read (and counts against Limit and the 1 MB
    // page), then the filter. The key range is the walk itself.
    const filter = and([
      visibilityOf(plan.entity, this.adapter.entityTypeAttribute, plan.ttlAttribute, now),
      plan.residual,
    ])!;
    const out: StoredItem[] = [];
    let count = 0;
    let evaluated = 0;
    let bytes = 0;
    let last: StoredItem | null = null;
    let more = false;
    const cap = limit ?? Number.POSITIVE_INFINITY;
    for (const item of this.walk(this.indexOf(attrs), plan, startKey)) {
      if (evaluated >= cap || bytes >= PAGE_BYTES) {
        more = true;
        break;
      }
      evaluated++;
      bytes += itemSize(item);
      last = item;
      if (!matches(filter, item)) continue;
      count++;
      if (!countOnly) out.push(clone(item));
    }
    const lastKey = more && last ? layout.positionOf(last, plan.index) : null;
    return { items: out, count, scanned: evaluated, lastKey };
  }

  // Private: the items a Query (its key range in one partition) or a Scan (every partition) reads,
  // in the engine's order, from just after `startKey` (which need not exist any more).
  private *walk(
    index: OrderedIndex,
    plan: QueryPlan,
    startKey: StoredKey | null,
  ): Generator<StoredItem> {
    const { compare } = index;
    if (plan.operation === 'scan') {
      const pk = index.attrs.partition;
      const from = startKey ? index.keys.seek((k) => compareText(k, startKey[pk]!) < 0) : undefined;
      for (const partition of index.keys.forward(from)) {
        const run = index.partitions.get(partition)!;
        const at =
          startKey && partition === startKey[pk]
            ? run.seek((x) => compare(x, startKey) <= 0)
            : undefined;
        yield* run.forward(at);
      }
      return;
    }
    const run = index.partitions.get(plan.partition!);
    if (!run) return;
    const sort = index.attrs.sort;
    const range = sort && plan.sort ? plan.sort : null;
    const below = (x: StoredItem) => range !== null && belowRange(range, x[sort!] as string);
    const above = (x: StoredItem) => range !== null && aboveRange(range, x[sort!] as string);
    if (plan.ascending) {
      const from = run.seek((x) => below(x) || (startKey !== null && compare(x, startKey) <= 0));
      for (const x of run.forward(from)) {
        if (above(x)) return;
        yield x;
      }
    } else {
      const to = run.seek((x) => !above(x) && (startKey === null || compare(x, startKey) < 0));
      for (const x of run.backward(to)) {
        if (below(x)) return;
        yield x;
      }
    }
  }

  async batchGetItems(
    _layout: ItemLayout,
    keys: readonly StoredKey[],
  ): Promise<(StoredItem | null)[]> {
    return keys.map((key) => {
      const item = this.byKey.get(this.id(key));
      return item ? clone(item) : null;
    });
  }

  async batchPutItems(_layout: ItemLayout, items: readonly StoredItem[]): Promise<void> {
    for (const item of items) this.insert(clone(item));
  }

  async batchDeleteItems(_layout: ItemLayout, keys: readonly StoredKey[]): Promise<void> {
    for (const key of keys) this.erase(key);
  }

  async collectionKeys(
    layout: ItemLayout,
    partition: string,
    startKey: StoredKey | null,
  ): Promise<{ keys: StoredKey[]; lastKey: StoredKey | null }> {
    const { partition: pk, sort: sk } = layout.table;
    const run = this.table.partitions.get(partition);
    const from = startKey
      ? run?.seek((i) => compareText(i[sk!] as string, startKey[sk!]!) <= 0)
      : undefined;
    const keys = [...(run?.forward(from) ?? [])].map((i) => ({
      [pk]: i[pk] as string,
      [sk!]: i[sk!] as string,
    }));
    return { keys, lastKey: null };
  }

  async transact(writes: readonly { layout: ItemLayout; op: WriteOp }[]): Promise<void> {
    const ids = writes.map(({ op }) =>
      this.id(op.type === 'put' ? (op.item as StoredKey) : op.key),
    );
    if (new Set(ids).size !== ids.length)
      throw new BackendError(
        'transaction',
        'a transaction cannot write the same item twice (DynamoDB rejects it)',
      );
    if (writes.length > 100)
      throw new BackendError(
        'transaction',
        `at most 100 writes per transaction, got ${writes.length}`,
      );
    for (const [i, { op }] of writes.entries()) this.check(op, i);
    for (const { op } of writes) this.apply(op);
  }
}
