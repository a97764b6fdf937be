// Projections: from the fields a caller selects to the stored attributes a read fetches, plus what
// correctness needs. Pure: no I/O.
import { describe, ValidationError } from './errors.js';
import type { ModelContext } from './registry.js';

/** What a read with a selection fetches: the stored attributes, and the fields an instance then holds. */
export interface Projection {
  /** Stored attribute names (DynamoDB ProjectionExpression). */
  readonly attributes: readonly string[];
  /** The model's fields the instances hold (the others read as empty). */
  readonly fields: readonly string[];
}

const cache = new WeakMap<ModelContext, Map<string, Projection | null>>();

/**
 * The projection of a selection, or null to read whole items: when nothing is selected, when the
 * selection is every field, or when the model has `afterLoad` hooks (they may read any field). Added
 * to the selection: the fields the table key methods read (an instance knows its key), `version`
 * and the TTL field (locking, expiry), and the stored keys, entity type and the read index's key
 * attributes (cursors). An unknown field is a ValidationError.
 */
export function projectionFor(
  ctx: ModelContext,
  select: readonly string[] | null | undefined,
  index: string | null = null,
): Projection | null {
  if (!select) return null;
  // A frozen selection (the GraphQL layer's, one per field of an operation) is looked up by identity:
  // no validation, sort or key string per read.
  if (!Object.isFrozen(select)) return computed(ctx, select, index);
  let bySelect = frozenCache.get(ctx);
  if (!bySelect) {
    bySelect = new WeakMap();
    frozenCache.set(ctx, bySelect);
  }
  let byIndex = bySelect.get(select);
  if (!byIndex) {
    byIndex = new Map();
    bySelect.set(select, byIndex);
  }
  let projection = byIndex.get(index);
  if (projection === undefined) {
    projection = computed(ctx, select, index);
    byIndex.set(index, projection);
  }
  return projection;
}

const frozenCache = new WeakMap<
  ModelContext,
  WeakMap<readonly string[], Map<string | null, Projection | null>>
>();

function computed(
  ctx: ModelContext,
  select: readonly string[],
  index: string | null,
): Projection | null {
  const { model, layout } = ctx;
  const unknown = select.filter((f) => !model.fields.has(f));
  if (unknown.length > 0)
    throw new ValidationError(
      model.entity,
      unknown.map((f) => ({
        path: 'select',
        message: 'is not a field of this model',
        expected: model.fieldNames.join(' | '),
        received: describe(f),
      })),
    );
  if (model.hooks.afterLoad.length > 0) return null;
  const id = `${index ?? ''}\u0000${[...select].sort().join('\u0000')}`;
  let byId = cache.get(ctx);
  if (!byId) {
    byId = new Map();
    cache.set(ctx, byId);
  }
  if (byId.has(id)) return byId.get(id)!;
  const wanted = new Set([
    ...select,
    ...model.table.partition.reads,
    ...(model.table.sort?.reads ?? []),
    ...(model.config.version ? ['version'] : []),
    ...(model.config.ttl ? [model.config.ttl] : []),
  ]);
  let projection: Projection | null = null;
  if (model.fieldNames.some((f) => !wanted.has(f))) {
    const fields = model.fieldNames.filter((f) => wanted.has(f));
    const { partition, sort } = layout.table;
    const attributes = new Set([partition, sort!, layout.adapter.entityTypeAttribute, ...fields]);
    if (index !== null) {
      const attrs = layout.attributesOf(index);
      attributes.add(attrs.partition);
      if (attrs.sort) attributes.add(attrs.sort);
    }
    projection = Object.freeze({
      attributes: Object.freeze([...attributes]),
      fields: Object.freeze(fields),
    });
  }
  if (byId.size > 256) byId.clear();
  byId.set(id, projection);
  return projection;
}

/** The union of several projections over one table (one BatchGetItem carries one); null if any reads whole items. */
export function unionOf(projections: readonly (Projection | null)[]): readonly string[] | null {
  const out = new Set<string>();
  for (const p of projections) {
    if (p === null) return null;
    for (const a of p.attributes) out.add(a);
  }
  return [...out];
}
