// The planner of reads by key (pure: selection set in, plan out; no I/O). A parent read by key whose
// selected hasMany relations live in its own table partition is one item collection read: the parent
// and a page of each relation from one Query (more only for a relation that Query did not fill).
import {
  type FieldNode,
  type GraphQLField,
  type GraphQLResolveInfo,
  getArgumentValues,
  isObjectType,
  Kind,
  type SelectionSetNode,
} from 'graphql';
import { type AnyModelClass, Query, type Relation, relationsOf } from '../orm/index.js';
import type { PageLimits } from './connections.js';
import type { Values } from './model-types.js';

/** One relation field of the selection that the collection read serves. */
export interface CollectedRelation {
  /** What the relation resolver looks its page up by: relation name and its coerced arguments. */
  readonly signature: string;
  /** The relation's own query (the one its cursors belong to, `after` continues). */
  readonly query: Query<AnyModelClass>;
  /** Items on the page (`first`). */
  readonly size: number;
}

export interface LookupPlan {
  /** The parent's own query: its key, as a collection member. */
  readonly parent: Query<AnyModelClass>;
  /** Distinct member queries (one per entity type) and how many items each must read. */
  readonly members: readonly { readonly query: Query<AnyModelClass>; readonly need: number }[];
  readonly relations: readonly CollectedRelation[];
}

/** The key the relation resolver finds a planned page under. */
export function relationSignature(name: string, args: Values): string {
  return `${name}\u0000${JSON.stringify(args)}`;
}

/** The field nodes of a selection set on `typeName` (fragments flattened); directives opt out. */
function selectedFields(
  info: GraphQLResolveInfo,
  typeName: string,
  sets: readonly (SelectionSetNode | undefined)[],
): FieldNode[] {
  const out: FieldNode[] = [];
  const onType = (name: string | undefined) => {
    if (name === undefined || name === typeName) return true;
    const type = info.schema.getType(typeName);
    return isObjectType(type) && type.getInterfaces().some((i) => i.name === name);
  };
  const visit = (set: SelectionSetNode | undefined) => {
    for (const s of set?.selections ?? []) {
      // @include / @skip depend on variables: such a field resolves on its own.
      if (s.directives && s.directives.length > 0) continue;
      if (s.kind === Kind.FIELD) out.push(s);
      else if (s.kind === Kind.INLINE_FRAGMENT) {
        if (onType(s.typeCondition?.name.value)) visit(s.selectionSet);
      } else {
        const fragment = info.fragments[s.name.value];
        if (fragment && onType(fragment.typeCondition.name.value)) visit(fragment.selectionSet);
      }
    }
  };
  for (const set of sets) visit(set);
  return out;
}

/**
 * Which relations of a parent read by `key` the collection read serves: hasMany relations whose
 * source fields the key holds, read forward from their start (`first`, no `after`/`last`/`before`),
 * with no `where` and the default order, whose own query is a keyed table Query of the parent's
 * partition with nothing left to filter. Null when there is none: the parent is a plain key lookup.
 * `serves(target, fixed)` false keeps a relation out (a read rule that would filter its items).
 */
export function planLookup(
  cls: AnyModelClass,
  typeName: string,
  key: Values,
  info: GraphQLResolveInfo,
  limits: PageLimits,
  serves: (target: AnyModelClass, fixed: Values) => boolean = () => true,
): LookupPlan | null {
  const relations = relationsOf(cls);
  // The hot path: a model without hasMany relations is a plain key lookup.
  if (!Object.values(relations).some((r) => r.kind === 'hasMany')) return null;
  const type = info.schema.getType(typeName);
  if (!isObjectType(type)) return null;
  // No hasMany relation selected (the usual lookup): no parent query to plan.
  const nodes = selectedFields(
    info,
    typeName,
    info.fieldNodes.map((n) => n.selectionSet),
  ).filter((node) => relations[node.name.value]?.kind === 'hasMany');
  if (nodes.length === 0) return null;
  const parent = Query.of(cls, key) as Query<AnyModelClass>;
  const partition = parent.plan().partition;
  if (parent.plan().operation !== 'query' || parent.plan().index !== null) return null;
  const byEntity = new Map<string, { query: Query<AnyModelClass>; need: number }>([
    [parent.plan().entity, { query: parent, need: 1 }],
  ]);
  const collected: CollectedRelation[] = [];
  const fields = type.getFields();
  for (const node of nodes) {
    const name = node.name.value;
    const relation: Relation = relations[name]!;
    const def = fields[name] as GraphQLField<unknown, unknown> | undefined;
    if (!def) continue;
    let args: Values;
    try {
      args = getArgumentValues(def, node, info.variableValues);
    } catch {
      continue; // the field's own resolver reports bad arguments
    }
    if (args.after != null || args.before != null || args.last != null || args.where != null)
      continue;
    if (args.orderBy === 'desc') continue;
    const size = (args.first as number | null | undefined) ?? limits.defaultPageSize;
    if (!Number.isInteger(size) || size < 1 || size > limits.maxPageSize) continue;
    const on = Object.entries(relation.on);
    if (!on.every(([, source]) => key[source] != null)) continue;
    const fixed = Object.fromEntries(on.map(([target, source]) => [target, key[source]]));
    if (!serves(relation.target(), fixed)) continue;
    const query = Query.of(relation.target(), fixed) as Query<AnyModelClass>;
    const plan = query.plan();
    if (
      plan.operation !== 'query' ||
      plan.index !== null ||
      plan.partition !== partition ||
      plan.residual !== null ||
      plan.clientOrder !== null
    )
      continue;
    const member = byEntity.get(plan.entity);
    // One query per entity type in a collection; another relation to the same model reads alone.
    if (member && member.query.plan() !== plan) continue;
    if (member) member.need = Math.max(member.need, size + 1);
    else byEntity.set(plan.entity, { query, need: size + 1 });
    collected.push({ signature: relationSignature(name, args), query, size });
  }
  if (collected.length === 0) return null;
  return { parent, members: [...byEntity.values()], relations: collected };
}
