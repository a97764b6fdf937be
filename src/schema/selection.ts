// From a GraphQL selection set to the model fields a read must fetch (its projection). Pure.
import {
  type FieldNode,
  type GraphQLResolveInfo,
  isAbstractType,
  isObjectType,
  Kind,
  type SelectionSetNode,
} from 'graphql';
import { type AnyModelClass, modelOf, relationsOf } from '../orm/index.js';
import { accessIn } from './auth.js';
import { fieldNaming, namesOf } from './names.js';

type Fragments = GraphQLResolveInfo['fragments'];

// Private: does a fragment with this type condition apply to objects of `typeName`?
function applies(info: GraphQLResolveInfo, condition: string | undefined, typeName: string) {
  if (condition === undefined || condition === typeName) return true;
  const abstract = info.schema.getType(condition);
  const object = info.schema.getType(typeName);
  return (
    abstract !== undefined &&
    isAbstractType(abstract) &&
    isObjectType(object) &&
    info.schema.isSubType(abstract, object)
  );
}

/**
 * The fields selected on objects of `typeName`, through inline fragments and fragment spreads whose
 * type condition applies (an alias selects its field; @skip/@include are ignored: a superset).
 */
function fieldsSelected(
  info: GraphQLResolveInfo,
  sets: readonly (SelectionSetNode | undefined)[],
  typeName: string | null,
  fragments: Fragments = info.fragments,
  out: FieldNode[] = [],
  seen = new Set<string>(),
): FieldNode[] {
  for (const set of sets)
    for (const s of set?.selections ?? []) {
      if (s.kind === Kind.FIELD) out.push(s);
      else if (s.kind === Kind.INLINE_FRAGMENT) {
        if (typeName === null || applies(info, s.typeCondition?.name.value, typeName))
          fieldsSelected(info, [s.selectionSet], typeName, fragments, out, seen);
      } else {
        const name = s.name.value;
        const fragment = fragments[name];
        if (!fragment || seen.has(name)) continue;
        seen.add(name);
        if (typeName === null || applies(info, fragment.typeCondition.name.value, typeName))
          fieldsSelected(info, [fragment.selectionSet], typeName, fragments, out, seen);
      }
    }
  return out;
}

const OWN = new Set(['__typename', 'id']);

/**
 * The model fields a selection over the model's object type reads, or null when it needs the
 * whole item (a field the model does not know, such as one added to its type by hand). A relation
 * reads its source fields; `id` (the global ID) reads the key fields, which every read fetches.
 */
export function modelFieldsOf(
  cls: AnyModelClass,
  info: GraphQLResolveInfo,
  sets: readonly (SelectionSetNode | undefined)[],
): string[] | null {
  const model = modelOf(cls);
  const naming = fieldNaming(model);
  const relations = relationsOf(cls);
  const out = new Set<string>();
  for (const node of fieldsSelected(info, sets, namesOf(model).type)) {
    const name = node.name.value;
    if (OWN.has(name)) continue;
    const relation = relations[name];
    if (relation) {
      for (const source of Object.values(relation.on)) out.add(source);
      continue;
    }
    const field = naming.toModel(name);
    const def = model.fields.get(field);
    if (!def || def.options.graphql === false) return null;
    out.add(field);
  }
  // What the caller's read rules compare is read too (a rule must not decide on a missing field).
  for (const field of accessIn(info.schema, namesOf(model).type)?.ruleFields ?? []) out.add(field);
  return [...out];
}

// Selections are pure values of (schema, model, field nodes): Yoga caches parsed documents, so an
// operation brings the same FieldNode objects on every request, and every item of a list brings
// the same field nodes. Computed once per field of an operation, not once per resolver call.
interface Memo {
  readonly schema: GraphQLResolveInfo['schema'];
  readonly cls: AnyModelClass;
  readonly connection: boolean;
  readonly nodes: readonly FieldNode[];
  readonly fields: readonly string[] | null;
}
const memo = new WeakMap<FieldNode, Memo[]>();

function memoized(
  cls: AnyModelClass,
  info: GraphQLResolveInfo,
  connection: boolean,
  compute: () => string[] | null,
): readonly string[] | null {
  const nodes = info.fieldNodes;
  let entries = memo.get(nodes[0]!);
  for (const e of entries ?? [])
    if (
      e.cls === cls &&
      e.connection === connection &&
      e.schema === info.schema &&
      (e.nodes === nodes ||
        (e.nodes.length === nodes.length && e.nodes.every((n, i) => n === nodes[i])))
    )
      return e.fields;
  const computed = compute();
  const fields = computed && Object.freeze(computed);
  if (!entries) {
    entries = [];
    memo.set(nodes[0]!, entries);
  }
  entries.push({ schema: info.schema, cls, connection, nodes, fields });
  return fields;
}

/** The fields a resolver returning one item of `cls` must fetch (lookups, belongsTo). */
export function selectionOf(
  cls: AnyModelClass,
  info: GraphQLResolveInfo,
): readonly string[] | null {
  return memoized(cls, info, false, () =>
    modelFieldsOf(
      cls,
      info,
      info.fieldNodes.map((n) => n.selectionSet),
    ),
  );
}

/** The fields a connection of `cls` must fetch: what `edges { node { ... } }` selects. */
export function connectionSelectionOf(
  cls: AnyModelClass,
  info: GraphQLResolveInfo,
): readonly string[] | null {
  return memoized(cls, info, true, () => {
    const child = (sets: readonly (SelectionSetNode | undefined)[], field: string) =>
      fieldsSelected(info, sets, null)
        .filter((n) => n.name.value === field)
        .map((n) => n.selectionSet);
    const nodes = child(
      child(
        info.fieldNodes.map((n) => n.selectionSet),
        'edges',
      ),
      'node',
    );
    return modelFieldsOf(cls, info, nodes);
  });
}
