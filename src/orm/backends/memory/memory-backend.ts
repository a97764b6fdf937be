import {
  type AtomicChanges,
  ConditionFailed,
  type PageRequest,
  type PageResult,
  type WriteOp,
} from '../../backend.js';
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
import { keyConditionOf, visibilityOf } from '../../query/plan.js';
import { type AnyModelClass, modelOf } from '../../registry.js';
import { BackendBase, defaultCursorSecret } from '../backend-base.js';

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

/**
 * A backend that keeps items in memory, laid out, ordered, paged and conditioned exactly as
 * DynamoDB does, so the one contract suite runs unchanged against both. Items are copied in and
 * out: no caller can change stored state through a reference.
 */
export class InMemoryBackend extends BackendBase {
  readonly name = 'memory';
  readonly adapter: ItemAdapter;
  readonly cursorSecret: string;
  /** Items in table key order (partition, then sort key, as UTF-8 bytes). */
  private readonly items: StoredItem[] = [];
  private readonly byKey = new Map<string, StoredItem>();

  constructor(options: InMemoryBackendOptions = {}) {
    super();
    this.adapter =
      options.adapter instanceof ItemAdapter ? options.adapter : new ItemAdapter(options.adapter);
    this.cursorSecret =
      options.cursorSecret ?? defaultCursorSecret('tablegraph-development-cursor-secret');
  }

  /** Removes every item, or only the items of one model. */
  clear(model?: AnyModelClass): void {
    if (!model) {
      this.items.length = 0;
      this.byKey.clear();
      return;
    }
    const entity = modelOf(model).entity;
    const keep = this.items.filter((i) => i[this.adapter.entityTypeAttribute] !== entity);
    this.items.length = 0;
    this.byKey.clear();
    for (const item of keep) this.insert(item);
  }

  /** How many items are stored (all entity types). */
  get size(): number {
    return this.items.length;
  }

  private id(key: StoredKey): string {
    return `${key[this.adapter.pkAttribute]}\u0000${key[this.adapter.skAttribute]}`;
  }

  private compareTable(a: StoredItem, b: StoredItem): number {
    const { pkAttribute: pk, skAttribute: sk } = this.adapter;
    return (
      compareText(a[pk] as string, b[pk] as string) || compareText(a[sk] as string, b[sk] as string)
    );
  }

  private insert(item: StoredItem): void {
    const id = this.id(item as StoredKey);
    const existing = this.byKey.get(id);
    if (existing) this.items[this.items.indexOf(existing)] = item;
    else {
      let lo = 0;
      let hi = this.items.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.compareTable(this.items[mid]!, item) < 0) lo = mid + 1;
        else hi = mid;
      }
      this.items.splice(lo, 0, item);
    }
    this.byKey.set(id, item);
  }

  private erase(key: StoredKey): void {
    const id = this.id(key);
    const existing = this.byKey.get(id);
    if (!existing) return;
    this.items.splice(this.items.indexOf(existing), 1);
    this.byKey.delete(id);
  }

  async getItem(_layout: ItemLayout, key: StoredKey): Promise<StoredItem | null> {
    const item = this.byKey.get(this.id(key));
    return item ? clone(item) : null;
  }

  async write(layout: ItemLayout, op: WriteOp): Promise<StoredItem | null> {
    this.check(layout, op, 0);
    return this.apply(op);
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
    const { plan, layout, limit, startKey, countOnly, now } = request;
    const attrs = layout.attributesOf(plan.index);
    const candidates = this.candidates(
      plan.operation === 'query' ? plan.partition : null,
      attrs,
      plan.index !== null,
    );
    if (plan.operation === 'query' && !plan.ascending) candidates.reverse();
    let i = 0;
    if (startKey) {
      const position = this.positionIndex(
        candidates,
        startKey,
        layout,
        plan.index,
        plan.operation === 'scan' || plan.ascending,
      );
      i = position + 1;
    }
    const out: StoredItem[] = [];
    let count = 0;
    let evaluated = 0;
    // As DynamoDB: the key condition selects what is read (and counts against Limit), then the filter.
    const key = keyConditionOf(plan, attrs);
    const filter = and([
      visibilityOf(plan.entity, this.adapter.entityTypeAttribute, plan.ttlAttribute, now),
      plan.residual,
    ])!;
    for (; i < candidates.length && (limit === null || evaluated < limit); i++) {
      const item = candidates[i]!;
      if (key && !matches(key, item)) continue;
      evaluated++;
      if (!matches(filter, item)) continue;
      count++;
      if (!countOnly) out.push(clone(item));
    }
    const lastKey =
      i < candidates.length && evaluated > 0
        ? layout.positionOf(candidates[i - 1]!, plan.index)
        : null;
    return { items: out, count, scanned: evaluated, lastKey };
  }

  // Private: the items a Query (one partition) or Scan walks, in the engine's order.
  private candidates(
    partition: string | null,
    attrs: IndexAttributes,
    isIndex: boolean,
  ): StoredItem[] {
    if (!isIndex)
      return partition === null
        ? this.items
        : this.items.filter((i) => i[attrs.partition] === partition);
    const inIndex = this.items.filter(
      (i) =>
        typeof i[attrs.partition] === 'string' &&
        (attrs.sort === null || typeof i[attrs.sort] === 'string'),
    );
    const selected =
      partition === null ? inIndex : inIndex.filter((i) => i[attrs.partition] === partition);
    return selected.sort(
      (a, b) =>
        compareText(a[attrs.partition] as string, b[attrs.partition] as string) ||
        (attrs.sort ? compareText(a[attrs.sort] as string, b[attrs.sort] as string) : 0) ||
        this.compareTable(a, b),
    );
  }

  // Private: the index of the item a cursor points at (the engine resumes after it, even if it was deleted).
  private positionIndex(
    candidates: StoredItem[],
    startKey: StoredKey,
    layout: ItemLayout,
    index: string | null,
    ascending: boolean,
  ): number {
    const id = JSON.stringify(startKey);
    for (let i = 0; i < candidates.length; i++)
      if (JSON.stringify(layout.positionOf(candidates[i]!, index)) === id) return i;
    // The item is gone: resume at the first item after its position.
    const probe = { ...startKey } as StoredItem;
    const sign = ascending ? 1 : -1;
    const after = candidates.findIndex(
      (c) => sign * this.comparePosition(c, probe, layout, index) > 0,
    );
    return after < 0 ? candidates.length - 1 : after - 1;
  }

  private comparePosition(
    a: StoredItem,
    b: StoredItem,
    layout: ItemLayout,
    index: string | null,
  ): number {
    const attrs = layout.attributesOf(index);
    const c =
      compareText(a[attrs.partition] as string, b[attrs.partition] as string) ||
      (attrs.sort ? compareText(a[attrs.sort] as string, b[attrs.sort] as string) : 0);
    return c || (index ? this.compareTable(a, b) : 0);
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
    const all = this.items.filter((i) => i[pk] === partition);
    const from = startKey
      ? all.findIndex((i) => compareText(i[sk!] as string, startKey[sk!]!) > 0)
      : 0;
    const keys = (from < 0 ? [] : all.slice(from)).map((i) => ({
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
    for (const [i, { layout, op }] of writes.entries()) this.check(layout, op, i);
    for (const { op } of writes) this.apply(op);
  }
}
