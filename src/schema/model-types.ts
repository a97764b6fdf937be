import {
  type AnyField,
  type AnyModelClass,
  type CompiledModel,
  type KeyPlan,
  type ModelBase,
  modelOf,
} from '../orm/index.js';
import type { ModelAccess } from './auth.js';
import type { TablegraphBuilder } from './builder.js';
import { type DynamicFields, dynamic, fieldMap } from './dynamic.js';
import { type FieldNaming, fieldNaming, type ModelNames, namesOf, upperFirst } from './names.js';
import { scalarOf } from './where.js';

/** A key field as a GraphQL argument: required when the key cannot be computed without it. */
export interface KeyField {
  /** The model's field name. */
  readonly name: string;
  readonly required: boolean;
}

/** Everything generated for one model, shared by the modules that add its types and fields. */
export interface GeneratedModel {
  readonly cls: AnyModelClass;
  readonly model: CompiledModel;
  readonly names: ModelNames;
  /** Field names in GraphQL (`id` is `rowId`) and back. */
  readonly naming: FieldNaming;
  readonly ref: ReturnType<TablegraphBuilder['objectRef']>;
  /** GraphQL enum type name per enum field. */
  readonly enums: ReadonlyMap<string, string>;
  readonly where: ReturnType<TablegraphBuilder['inputRef']>;
  readonly connection: ReturnType<TablegraphBuilder['connectionObject']>;
  /** The fields of the table key, in field order. */
  readonly tableKey: readonly KeyField[];
  /** Who may read and write it (auth.ts); open when the schema has no rules for the model. */
  readonly access: ModelAccess;
}

export type Values = Record<string, unknown>;

export const visible = (def: AnyField) => def.options.graphql !== false;

/** The fields some key plans read, in field order; `required` when a plan needs them. */
export function keyFields(model: CompiledModel, plans: readonly (KeyPlan | null)[]): KeyField[] {
  const reads = new Set(plans.flatMap((p) => p?.reads ?? []));
  const requires = new Set(plans.flatMap((p) => p?.requires ?? []));
  return model.fieldNames
    .filter((f) => reads.has(f))
    .map((f) => ({ name: f, required: requires.has(f) }));
}

/**
 * Arguments or input as the model reads them: drops what the client did not send (GraphQL gives
 * `undefined`), keeps explicit nulls, and renames GraphQL names to field names (`rowId` → `id`).
 */
export function given(g: GeneratedModel, args: Values | null | undefined): Values {
  const out: Values = {};
  for (const [k, v] of Object.entries(args ?? {}))
    if (v !== undefined) out[g.naming.toModel(k)] = v;
  return out;
}

/** A GraphQL `where` input as the ORM's condition (the same shape, with field names). */
export function whereOf(g: GeneratedModel, where: Values): Values {
  const out: Values = {};
  for (const [k, v] of Object.entries(where)) {
    if (v === undefined) continue;
    if (k === 'AND' || k === 'OR')
      out[k] = Array.isArray(v) ? v.map((w: Values) => whereOf(g, w)) : v;
    else if (k === 'NOT') out[k] = v === null ? v : whereOf(g, v as Values);
    else out[g.naming.toModel(k)] = v;
  }
  return out;
}

/** GraphQL arguments for key fields (under their GraphQL names), typed like the fields. */
export function keyArgs(
  t: DynamicFields,
  g: GeneratedModel,
  fields: readonly KeyField[],
): Record<string, unknown> {
  return Object.fromEntries(
    fields.map((k) => [
      g.naming.toGraphQL(k.name),
      t.arg({
        type: scalarOf(g.model.fields.get(k.name)!, g.enums.get(k.name) ?? null),
        required: k.required,
      }),
    ]),
  );
}

/** Declares a model's refs (object, where input, connection, enums) before any type is implemented, so relations can point at any model. */
export function declareModel(
  builder: TablegraphBuilder,
  cls: AnyModelClass,
  access: ModelAccess,
): GeneratedModel {
  const model = modelOf(cls);
  const names = namesOf(model);
  const naming = fieldNaming(model);
  const enums = new Map<string, string>();
  for (const [name, def] of model.fields) {
    const values =
      def.kind === 'enum'
        ? def.values
        : def.kind === 'list' && def.of?.kind === 'enum'
          ? def.of.values
          : undefined;
    if (!values || !visible(def)) continue;
    const enumName = `${names.type}${upperFirst(naming.toGraphQL(name))}`;
    builder.enumType(enumName, { values: values as readonly string[] });
    enums.set(name, enumName);
  }
  const ref = builder.objectRef<ModelBase>(names.type);
  return {
    cls,
    model,
    names,
    naming,
    ref,
    enums,
    where: builder.inputRef(`${names.type}Where`),
    connection: builder.connectionObject(
      {
        type: ref,
        name: `${names.type}Connection`,
        fields: (t) =>
          fieldMap({
            totalCount: dynamic(t).field({
              type: 'Int',
              description:
                'How many items match, counted up to the server cap (at the cap it means "at least"). Costs reads: ask only when needed.',
              resolve: (connection: { totalCount: () => Promise<number> }) =>
                connection.totalCount(),
            }),
          }),
      },
      { name: `${names.type}Edge` },
    ),
    tableKey: keyFields(model, [model.table.partition, model.table.sort]),
    access,
  };
}
