import { ConfigurationError } from './errors.js';
import { storedAsIs } from './fields.js';
import type { CompiledModel, IndexPlan } from './model-meta.js';

/** A record as the table stores it: fields as top-level attributes, key attributes, entity type. */
export type StoredItem = Record<string, unknown>;
/** The key attributes of one item (table key, plus the index key when read from an index). */
export type StoredKey = Record<string, string>;

export interface AdapterOptions {
  /** @default 'pk' */
  readonly pkAttribute?: string;
  /** @default 'sk' */
  readonly skAttribute?: string;
  /** @default 'entity_type' */
  readonly entityTypeAttribute?: string;
}

/**
 * Names the attributes the ORM writes next to the fields: the table key, the entity type, and for
 * each GSI `gsi_pk_<Index>` / `gsi_sk_<Index>`. Every backend lays items out through one of these.
 */
export class ItemAdapter {
  readonly pkAttribute: string;
  readonly skAttribute: string;
  readonly entityTypeAttribute: string;
  constructor(options: AdapterOptions = {}) {
    this.pkAttribute = options.pkAttribute ?? 'pk';
    this.skAttribute = options.skAttribute ?? 'sk';
    this.entityTypeAttribute = options.entityTypeAttribute ?? 'entity_type';
  }
  gsiPartitionAttribute(index: string): string {
    return `gsi_pk_${index}`;
  }
  gsiSortAttribute(index: string): string {
    return `gsi_sk_${index}`;
  }
}

/** Attribute names of one index's key (the table's when `index` is null). */
export interface IndexAttributes {
  readonly index: string | null;
  readonly partition: string;
  readonly sort: string | null;
}

/**
 * The adapter-specific half of a compiled model: how its values become a stored item and back.
 * Built once per (model, adapter) pair and cached.
 */
export interface ItemLayout {
  readonly model: CompiledModel;
  readonly adapter: ItemAdapter;
  readonly table: IndexAttributes;
  readonly indexes: ReadonlyMap<string, IndexAttributes>;
  /** Field values (already validated) -> stored item, with computed keys and GSI attributes. */
  toItem(values: Record<string, unknown>, view: object): StoredItem;
  /** The table key of an object holding field values. */
  keyOf(view: object): StoredKey;
  /** Stored item -> decoded field values, written into `target` (a new object by default). */
  fromItem(item: StoredItem, target?: Record<string, unknown>): Record<string, unknown>;
  /** The key attributes of a stored item as seen from `index` (for cursors / ExclusiveStartKey). */
  positionOf(item: StoredItem, index: string | null): StoredKey;
  attributesOf(index: string | null): IndexAttributes;
}

const cache = new WeakMap<CompiledModel, Map<ItemAdapter, ItemLayout>>();

export function layoutFor(model: CompiledModel, adapter: ItemAdapter): ItemLayout {
  let byAdapter = cache.get(model);
  if (!byAdapter) {
    byAdapter = new Map();
    cache.set(model, byAdapter);
  }
  let layout = byAdapter.get(adapter);
  if (!layout) {
    layout = buildLayout(model, adapter);
    byAdapter.set(adapter, layout);
  }
  return layout;
}

function keyOrThrow(model: CompiledModel, what: string, value: string | null): string {
  if (value === null || value === '')
    throw new ConfigurationError(
      `${model.entity}: ${what} computed an empty key; DynamoDB keys must be non-empty strings`,
    );
  return value;
}

// Field kinds whose decode is the identity (JSON's maps null to null, which fromItem does first).
const PLAIN_KINDS: ReadonlySet<string> = new Set(['string', 'boolean', 'enum', 'date', 'json']);
const READ_PLAIN = 0;
const READ_NUMBER = 1;
const READ_PLAIN_LIST = 2;
const READ_DECODE = 3;

function buildLayout(model: CompiledModel, adapter: ItemAdapter): ItemLayout {
  const table: IndexAttributes = {
    index: null,
    partition: adapter.pkAttribute,
    sort: adapter.skAttribute,
  };
  const indexes = new Map<string, IndexAttributes>();
  for (const [name, plan] of model.indexes)
    indexes.set(name, {
      index: name,
      partition: adapter.gsiPartitionAttribute(name),
      sort: plan.sort ? adapter.gsiSortAttribute(name) : null,
    });
  const taken = new Set([table.partition, table.sort, adapter.entityTypeAttribute]);
  for (const attrs of indexes.values()) {
    taken.add(attrs.partition);
    if (attrs.sort) taken.add(attrs.sort);
  }
  for (const name of model.fieldNames)
    if (taken.has(name))
      throw new ConfigurationError(
        `${model.entity}: field "${name}" collides with an attribute the adapter writes; rename the field or configure the adapter`,
      );

  const entries = [...model.fields].map(([name, def]) => {
    const empty =
      def.options.optional === true
        ? () => null
        : def.kind === 'list' || def.kind === 'stringSet' || def.kind === 'numberSet'
          ? () => def.decode(undefined)
          : () => null;
    // How fromItem reads each kind without a decode call where it can: kinds stored as they are
    // (strings, booleans, enums, dates as text, JSON) as they come; numbers checked inline (decode
    // only for what it refuses: BigInt); lists of such kinds copied with slice.
    const read = PLAIN_KINDS.has(def.kind)
      ? READ_PLAIN
      : def.kind === 'int' || def.kind === 'float'
        ? READ_NUMBER
        : def.kind === 'list' && def.of && PLAIN_KINDS.has(def.of.kind)
          ? READ_PLAIN_LIST
          : READ_DECODE;
    // null: stored as it is (no encode call per value written).
    const encode = def.encode === storedAsIs ? null : def.encode;
    return { name, encode, decode: def.decode, empty, read };
  });
  const gsiEntries = [...model.indexes.values()].map((plan: IndexPlan) => ({
    plan,
    attrs: indexes.get(plan.name)!,
  }));
  const { partition, sort } = model.table;
  const pkName = table.partition;
  const skName = table.sort!;

  return {
    model,
    adapter,
    table,
    indexes,
    toItem(values, view) {
      const item: StoredItem = {
        [pkName]: keyOrThrow(model, 'the partition key', partition.compute(view)),
        [skName]: keyOrThrow(model, 'the sort key', sort!.compute(view)),
        [adapter.entityTypeAttribute]: model.entity,
      };
      for (const e of entries) {
        const v = values[e.name];
        if (v === null || v === undefined) continue;
        if (e.encode === null) item[e.name] = v;
        else {
          const stored = e.encode(v);
          if (stored !== undefined) item[e.name] = stored;
        }
      }
      // Sparse indexes: a GSI key method returning null leaves the item out of that index.
      for (const { plan, attrs } of gsiEntries) {
        const gpk = plan.partition.compute(view);
        const gsk = plan.sort ? plan.sort.compute(view) : null;
        if (gpk === null || gpk === '' || (plan.sort && (gsk === null || gsk === ''))) continue;
        item[attrs.partition] = gpk;
        if (attrs.sort) item[attrs.sort] = gsk;
      }
      return item;
    },
    keyOf(view) {
      return {
        [pkName]: keyOrThrow(model, 'the partition key', partition.compute(view)),
        [skName]: keyOrThrow(model, 'the sort key', sort!.compute(view)),
      };
    },
    fromItem(item, values = {}) {
      for (const e of entries) {
        const v = item[e.name];
        values[e.name] =
          v === undefined || v === null
            ? e.empty()
            : e.read === READ_PLAIN
              ? v
              : e.read === READ_NUMBER
                ? typeof v === 'number'
                  ? v
                  : e.decode(v)
                : e.read === READ_PLAIN_LIST
                  ? Array.isArray(v)
                    ? v.slice()
                    : []
                  : e.decode(v);
      }
      return values;
    },
    positionOf(item, index) {
      const pos: StoredKey = { [pkName]: item[pkName] as string, [skName]: item[skName] as string };
      if (index !== null) {
        const attrs = indexes.get(index)!;
        pos[attrs.partition] = item[attrs.partition] as string;
        if (attrs.sort) pos[attrs.sort] = item[attrs.sort] as string;
      }
      return pos;
    },
    attributesOf(index) {
      if (index === null) return table;
      const attrs = indexes.get(index);
      if (!attrs) throw new ConfigurationError(`${model.entity} has no index ${index}`);
      return attrs;
    },
  };
}
