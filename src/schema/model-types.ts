import {
  type AnyField,
  type AnyModelClass,
  type CompiledModel,
  type KeyPlan,
  type ModelBase,
  modelOf,
  type Query,
} from '../orm/index.js';
import type { TablegraphBuilder } from './builder.js';
import { type ModelNames, namesOf, upperFirst } from './names.js';
import { scalarOf } from './where.js';

/** A key field as a GraphQL argument: required when the key cannot be computed without it. */
export interface KeyField {
  readonly name: string;
  readonly required: boolean;
}

/** Everything generated for one model, shared by the modules that add its types and fields. */
export interface GeneratedModel {
  readonly cls: AnyModelClass;
  readonly model: CompiledModel;
  readonly names: ModelNames;
  readonly ref: ReturnType<TablegraphBuilder['objectRef']>;
  /** GraphQL enum type name per enum field. */
  readonly enums: ReadonlyMap<string, string>;
  readonly where: ReturnType<TablegraphBuilder['inputRef']>;
  readonly connection: ReturnType<TablegraphBuilder['connectionObject']>;
  /** The fields of the table key, in field order. */
  readonly tableKey: readonly KeyField[];
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

/** Drops arguments the client did not send (GraphQL gives `undefined`), keeping explicit nulls. */
export function given(args: Values | null | undefined): Values {
  const out: Values = {};
  for (const [k, v] of Object.entries(args ?? {})) if (v !== undefined) out[k] = v;
  return out;
}

/** Narrows a query by a GraphQL `where` input (the ORM takes the same shape). */
export function withWhere<M extends AnyModelClass>(
  query: Query<M>,
  where: Values | null | undefined,
): Query<M> {
  return where ? query.and(where as never) : query;
}

type ArgBuilder = { arg: (options: { type: never; required: boolean }) => unknown };

/** GraphQL arguments for key fields, typed like the fields. */
export function keyArgs(
  t: ArgBuilder,
  g: GeneratedModel,
  fields: readonly KeyField[],
): Record<string, unknown> {
  return Object.fromEntries(
    fields.map((k) => [
      k.name,
      t.arg({
        type: scalarOf(g.model.fields.get(k.name)!, g.enums.get(k.name) ?? null) as never,
        required: k.required,
      }),
    ]),
  );
}

function totalCountField(t: { int: (options: object) => unknown }) {
  return {
    totalCount: t.int({
      description:
        'How many items match, counted up to the server cap (at the cap it means "at least"). Costs reads: ask only when needed.',
      resolve: (connection: unknown) =>
        (connection as { totalCount: () => Promise<number> }).totalCount(),
    }),
  };
}

/** Declares a model's refs (object, where input, connection, enums) before any type is implemented, so relations can point at any model. */
export function declareModel(builder: TablegraphBuilder, cls: AnyModelClass): GeneratedModel {
  const model = modelOf(cls);
  const names = namesOf(model);
  const enums = new Map<string, string>();
  for (const [name, def] of model.fields) {
    const values =
      def.kind === 'enum'
        ? def.values
        : def.kind === 'list' && def.of?.kind === 'enum'
          ? def.of.values
          : undefined;
    if (!values || !visible(def)) continue;
    const enumName = `${names.type}${upperFirst(name)}`;
    builder.enumType(enumName, { values: values as readonly string[] });
    enums.set(name, enumName);
  }
  const ref = builder.objectRef<ModelBase>(names.type);
  return {
    cls,
    model,
    names,
    ref,
    enums,
    where: builder.inputRef(`${names.type}Where`),
    connection: builder.connectionObject(
      {
        type: ref,
        name: `${names.type}Connection`,
        fields: (t) => totalCountField(t as never) as never,
      },
      { name: `${names.type}Edge` },
    ),
    tableKey: keyFields(model, [model.table.partition, model.table.sort]),
  };
}
