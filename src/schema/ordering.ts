// `orderBy` on connections: exactly the orders an index serves (its sort key, both directions), so a
// connection never sorts in memory. An index whose sort key reads no field (`PROFILE`) offers none.
import type { AnyModelClass, CompiledModel, IndexPlan, Query, Relation } from '../orm/index.js';
import { modelOf } from '../orm/index.js';
import type { TablegraphBuilder } from './builder.js';
import type { DynamicFields } from './dynamic.js';
import type { FieldNaming, ModelNames } from './names.js';
import { indexSuffix } from './names.js';

export type Direction = 'asc' | 'desc';

const constant = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

/** The fields an index's results are ordered by: its sort key's fields that its partition key leaves free. */
function orderFields(index: IndexPlan): readonly string[] {
  const partition = new Set(index.partition.reads);
  return (index.sort?.reads ?? []).filter((f) => !partition.has(f));
}

/**
 * Declares `<Type>OrderBy` (the table's sort key) and `<Type><Index>OrderBy` (each GSI's), each with
 * `<FIELDS>_ASC` and `<FIELDS>_DESC`; answers the enum type name per index (null: the table).
 */
export function declareOrders(
  builder: TablegraphBuilder,
  model: CompiledModel,
  names: ModelNames,
  naming: FieldNaming,
): ReadonlyMap<string | null, string> {
  const out = new Map<string | null, string>();
  const indexes: [string | null, IndexPlan][] = [[null, model.table], ...model.indexes];
  for (const [name, index] of indexes) {
    const fields = orderFields(index);
    if (fields.length === 0) continue;
    const enumName = `${names.type}${name === null ? '' : indexSuffix(name)}OrderBy`;
    const what = name === null ? 'the table' : `the ${name} index`;
    const list = fields.map((f) => naming.toGraphQL(f)).join(', then ');
    const stem = fields.map((f) => constant(naming.toGraphQL(f))).join('_');
    builder.enumType(enumName, {
      description: `Orders ${what} serves for ${names.plural} (its sort key: ${list}).`,
      values: {
        [`${stem}_ASC`]: {
          value: 'asc',
          description: `By ${list}, ascending (key order, the default).`,
        },
        [`${stem}_DESC`]: { value: 'desc', description: `By ${list}, descending.` },
      },
    });
    out.set(name, enumName);
  }
  return out;
}

/**
 * The index a hasMany relation's query reads: the table, else the first GSI, whose partition key the
 * relation's fields fix (the ORM planner's own choice). Undefined when none does (a Scan).
 */
export function relationIndex(relation: Relation): string | null | undefined {
  const target = modelOf(relation.target() as AnyModelClass);
  const fixed = new Set(Object.keys(relation.on));
  const fixes = (index: IndexPlan) => index.partition.reads.every((f) => fixed.has(f));
  if (fixes(target.table)) return null;
  for (const [name, index] of target.indexes) if (fixes(index)) return name;
  return undefined;
}

/** The query in the order asked for: descending reads the index backwards. */
export function ordered<M extends AnyModelClass>(
  query: Query<M>,
  orderBy: Direction | null | undefined,
): Query<M> {
  return orderBy === 'desc' ? query.reverse() : query;
}

/** `{ orderBy }` for a connection reading `index` (none when that index orders by no field). */
export function orderArg(
  f: DynamicFields,
  orders: ReadonlyMap<string | null, string>,
  index: string | null | undefined,
): Record<string, unknown> {
  const type = index === undefined ? undefined : orders.get(index);
  // No argument description: the enum says which index serves it (and SDL keeps one line per field).
  return type === undefined ? {} : { orderBy: f.arg({ type, required: false }) };
}
