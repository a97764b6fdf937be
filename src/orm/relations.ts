import { ConfigurationError } from './errors.js';
import { Query } from './query/query.js';
import { get } from './reads.js';
import { type AnyModelClass, type ModelInstance, modelOf } from './registry.js';

/**
 * A relation between two models. `on` maps a field of the target to a field of the source:
 * `belongsTo(() => User, { id: 'userId' })` reads `User.get({ id: order.userId })`;
 * `hasMany(() => Order, { userId: 'id' })` queries `Order.where({ userId: user.id })`, which runs
 * as a keyed Query whenever those fields fix the target's partition key (table or GSI).
 */
export interface Relation<TTarget extends AnyModelClass = AnyModelClass> {
  readonly kind: 'belongsTo' | 'hasMany';
  readonly target: () => TTarget;
  readonly on: Readonly<Record<string, string>>;
  readonly description?: string;
}

export function belongsTo<T extends AnyModelClass>(
  target: () => T,
  on: Record<string, string>,
  options: { description?: string } = {},
): Relation<T> {
  return Object.freeze({ kind: 'belongsTo', target, on: Object.freeze({ ...on }), ...options });
}

export function hasMany<T extends AnyModelClass>(
  target: () => T,
  on: Record<string, string>,
  options: { description?: string } = {},
): Relation<T> {
  return Object.freeze({ kind: 'hasMany', target, on: Object.freeze({ ...on }), ...options });
}

const checked = new WeakSet<object>();

/** The relations declared by `static relations = { ... }`, checked once against both models' fields. */
export function relationsOf(cls: AnyModelClass): Readonly<Record<string, Relation>> {
  const relations = (cls as { relations?: Record<string, Relation> }).relations ?? {};
  if (!checked.has(cls)) {
    const source = modelOf(cls);
    for (const [name, r] of Object.entries(relations)) {
      const target = modelOf(r.target());
      for (const [targetField, sourceField] of Object.entries(r.on)) {
        if (!target.fields.has(targetField))
          throw new ConfigurationError(
            `${source.entity}.relations.${name}: ${target.entity} has no field "${targetField}"`,
          );
        if (!source.fields.has(sourceField))
          throw new ConfigurationError(
            `${source.entity}.relations.${name}: ${source.entity} has no field "${sourceField}"`,
          );
      }
      if (source.fields.has(name))
        throw new ConfigurationError(
          `${source.entity}.relations.${name}: a field already has that name`,
        );
    }
    checked.add(cls);
  }
  return relations;
}

/** The target values a relation selects for one source instance (null when a source field is null). */
export function relationKey(
  relation: Relation,
  instance: ModelInstance,
): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  for (const [targetField, sourceField] of Object.entries(relation.on)) {
    const v = (instance as unknown as Record<string, unknown>)[sourceField];
    if (v === null || v === undefined) return null;
    out[targetField] = v;
  }
  return out;
}

/** Follows a belongsTo relation: the related instance, or null. */
export async function loadBelongsTo<T extends AnyModelClass>(
  instance: ModelInstance,
  relation: Relation<T>,
): Promise<InstanceType<T> | null> {
  const key = relationKey(relation, instance);
  return key === null ? null : get(relation.target(), key);
}

/** Follows a hasMany relation: a query over the related items (page it, count it, filter it further). */
export function queryHasMany<T extends AnyModelClass>(
  instance: ModelInstance,
  relation: Relation<T>,
): Query<T> {
  const key = relationKey(relation, instance);
  // A null source field relates to nothing: a condition no item can meet.
  return Query.of(relation.target(), key ?? { [Object.keys(relation.on)[0]!]: { in: ['\u0000'] } });
}
