import {
  type AtomicChanges,
  ConditionFailed,
  type PageRequest,
  type PageResult,
  type ReadOptions,
  type WriteOp,
} from '../../backend.js';
import { type RequestEvent, readUnits, writeUnits } from '../../capacity.js';
import { BackendError, ValidationError, type ValidationIssue } from '../../errors.js';
import {
  type AdapterOptions,
  type IndexAttributes,
  ItemAdapter,
  type ItemLayout,
  type StoredItem,
  type StoredKey,
} from '../../layout.js';
import { checkSize, itemSize } from '../../limits.js';
import { and } from '../../query/conditions.js';
import { matches } from '../../query/evaluate.js';
import { compareText } from '../../query/order.js';
import { planVisibility, type QueryPlan, type SortCondition } from '../../query/plan.js';
import { type AnyModelClass, modelOf } from '../../registry.js';
import { BackendBase, defaultCursorSecret } from '../backend-base.js';
import { SortedChunks } from './sorted.js';

export interface InMemoryBackendOptions {
  /** Attribute names, as for DynamoDB (the items are laid out the same way). */
  readonly adapter?: ItemAdapter | AdapterOptions;
  /** Signs cursors. @default a fixed development secret */
  readonly cursorSecret?: string;
  /** Called after every request with what DynamoDB would have charged for it (metrics, logging). */
  readonly onRequest?: (event: RequestEvent) => void;
}

const clone = <T>(v: T): T => structuredClone(v);

// Private: a copy of the attributes a read asked for (DynamoDB's ProjectionExpression).
function project(item: StoredItem, projection: readonly string[] | null | undefined): StoredItem {
  if (!projection) return clone(item);
  const out: StoredItem = {};
  for (const a of projection) if (item[a] !== undefined) out[a] = clone(item[a]);
  return out;
}

// Private: DynamoDB's write units for one write, GSI writes included: the larger of the item before
// and after on the table; per index, a put of the new entry and a delete of the old one, or one
// update when the item stays under the same index key.
function writeCost(
  layout: ItemLayout,
  before: StoredItem | undefined,
  after: StoredItem | undefined,
): number {
  const old = before ? itemSize(before) : 0;
  const next = after ? itemSize(after) : 0;
  let units = writeUnits(Math.max(old, next));
  for (const attrs of layout.indexes.values()) {
    const keyIn = (i: StoredItem | undefined) =>
      i &&
      typeof i[attrs.partition] === 'string' &&
      (!attrs.sort || typeof i[attrs.sort] === 'string')
        ? `${i[attrs.partition]}\u0000${attrs.sort ? i[attrs.sort] : ''}`
        : null;
    const was = keyIn(before);
    const is = keyIn(after);
    if (was !== null && was === is) units += writeUnits(next);
    else {
      if (was !== null) units += writeUnits(old);
      if (is !== null) units += writeUnits(next);
    }
  }
  return units;
}

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
    this.cursorSecret =
      options.cursorSecret ?? defaultCursorSecret('tablegraph-development-cursor-secret');
    this.onRequest = options.onRequest;
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

  async getItem(
    _layout: ItemLayout,
    key: StoredKey,
    options: ReadOptions = {},
  ): Promise<StoredItem | null> {
    const item = this.byKey.get(this.id(key));
    // A missing item costs what a small one does (DynamoDB charges at least one 4 KB unit).
    this.report(
      'GetItem',
      readUnits(Math.max(1, item ? itemSize(item) : 0), !!options.consistent),
      0,
    );
    return item ? project(item, options.projection) : null;
  }

  async write(layout: ItemLayout, op: WriteOp): Promise<StoredItem | null> {
    const operation =
      op.type === 'put' ? 'PutItem' : op.type === 'update' ? 'UpdateItem' : 'DeleteItem';
    const id = this.id(op.type === 'put' ? (op.item as StoredKey) : op.key);
    const before = this.byKey.get(id);
    try {
      this.check(layout, op, 0);
    } catch (error) {
      // A refused write is a request whose cost DynamoDB's error does not report: counted, 0 units.
      this.report(operation, 0, 0);
      throw error;
    }
    const out = this.apply(op);
    this.report(operation, 0, writeCost(layout, before, this.byKey.get(id)));
    return out;
  }

  // Private: throws ConditionFailed when the write's condition does not hold, and, as DynamoDB, a
  // ValidationError when an update would make the item larger than 400 KB.
  private check(layout: ItemLayout, op: WriteOp, index: number): void {
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
    if (
      (op.type === 'update' || op.type === 'delete') &&
      op.condition &&
      !matches(op.condition, existing ?? {})
    )
      throw new ConditionFailed(existing ? clone(existing) : null, index);
    if (op.type === 'update') {
      const next = this.updated(existing, op);
      const issues: ValidationIssue[] = [];
      checkSize(next, itemSize(next), '', issues, 'the updated item');
      if (issues.length > 0) throw new ValidationError(layout.model.entity, issues);
    }
  }

  // Private: the item an update leaves (the stored one, or its key, with the changes applied).
  private updated(
    existing: StoredItem | undefined,
    op: Extract<WriteOp, { type: 'update' }>,
  ): StoredItem {
    const next: StoredItem = existing ? clone(existing) : { ...op.key };
    Object.assign(next, clone(op.set));
    for (const attr of op.remove) delete next[attr];
    for (const [attr, v] of Object.entries(op.setIfMissing))
      if (next[attr] === undefined) next[attr] = clone(v);
    if (op.increment) next[op.increment] = ((next[op.increment] as number | undefined) ?? 0) + 1;
    if (op.atomic) applyAtomic(next, op.atomic);
    return next;
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
        const next = this.updated(this.byKey.get(this.id(op.key)), op);
        this.insert(next);
        return op.returnNew ? clone(next) : null;
      }
    }
  }

  async queryPage(request: PageRequest): Promise<PageResult> {
    const { plan, layout, limit, startKey, countOnly, now, projection } = request;
    const attrs = layout.attributesOf(plan.index);
    // As DynamoDB: the key condition selects what is read (and counts against Limit and the 1 MB
    // page), then the filter. The key range is the walk itself.
    const filter = and([
      planVisibility(plan, this.adapter.entityTypeAttribute, now),
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
      // DynamoDB charges every item read, before the filter and whatever the projection.
      bytes += itemSize(item);
      last = item;
      if (!matches(filter, item)) continue;
      count++;
      if (!countOnly) out.push(project(item, projection));
    }
    const lastKey = more && last ? layout.positionOf(last, plan.index) : null;
    // A Query or Scan adds up the sizes of the items it read, then rounds to 4 KB (eventually consistent).
    const units = readUnits(bytes, false);
    this.report(plan.operation === 'query' ? 'Query' : 'Scan', units, 0);
    return { items: out, count, scanned: evaluated, lastKey, readUnits: units };
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
    options: ReadOptions = {},
  ): Promise<(StoredItem | null)[]> {
    // As the DynamoDB backend sends them: each key once, 100 keys per BatchGetItem; each item
    // found rounded up to 4 KB on its own, a missing one free.
    const unique = [...new Set(keys.map((k) => this.id(k)))];
    for (let i = 0; i < unique.length; i += 100) {
      let units = 0;
      for (const id of unique.slice(i, i + 100)) {
        const item = this.byKey.get(id);
        if (item) units += readUnits(itemSize(item), !!options.consistent);
      }
      this.report('BatchGetItem', units, 0);
    }
    return keys.map((key) => {
      const item = this.byKey.get(this.id(key));
      return item ? project(item, options.projection) : null;
    });
  }

  async batchPutItems(layout: ItemLayout, items: readonly StoredItem[]): Promise<void> {
    for (let i = 0; i < items.length; i += 25) {
      let units = 0;
      for (const item of items.slice(i, i + 25)) {
        const before = this.byKey.get(this.id(item as StoredKey));
        this.insert(clone(item));
        units += writeCost(layout, before, item);
      }
      this.report('BatchWriteItem', 0, units);
    }
  }

  async batchDeleteItems(layout: ItemLayout, keys: readonly StoredKey[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 25) {
      let units = 0;
      for (const key of keys.slice(i, i + 25)) {
        units += writeCost(layout, this.byKey.get(this.id(key)), undefined);
        this.erase(key);
      }
      this.report('BatchWriteItem', 0, units);
    }
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
    const page = [...(run?.forward(from) ?? [])];
    // A consistent Query: the sizes of the items read (whole items: projections do not lower it).
    this.report(
      'Query',
      readUnits(
        page.reduce((n, i) => n + itemSize(i), 0),
        true,
      ),
      0,
    );
    const keys = page.map((i) => ({
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
    const before = writes.map((_, i) => this.byKey.get(ids[i]!));
    try {
      for (const [i, { layout, op }] of writes.entries()) this.check(layout, op, i);
    } catch (error) {
      this.report('TransactWriteItems', 0, 0);
      throw error;
    }
    for (const { op } of writes) this.apply(op);
    // Transactional writes cost twice; condition checks are not charged as writes (DynamoDB Local).
    let units = 0;
    for (const [i, { layout, op }] of writes.entries())
      if (op.type !== 'check') units += 2 * writeCost(layout, before[i], this.byKey.get(ids[i]!));
    this.report('TransactWriteItems', 0, units);
  }
}
