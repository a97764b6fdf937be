import { GraphQLError } from 'graphql';
import {
  type AnyField,
  type AnyModelClass,
  type CompiledModel,
  loadBelongsTo,
  type ModelBase,
  modelOf,
  queryHasMany,
  type Relation,
  relationKey,
  relationsOf,
} from '../orm/index.js';
import type { TablegraphBuilder } from './builder.js';
import { type ConnectionArgs, type PageLimits, resolveConnection } from './connections.js';
import type { TablegraphContext } from './context.js';
import { guard } from './errors.js';
import { indexSuffix, type ModelNames, namesOf, upperFirst } from './names.js';
import { FilterInputs, scalarOf } from './where.js';

export interface ModelSchemaOptions extends Partial<PageLimits> {
  /** The models to expose; relations may only point at models in this list. */
  readonly models: readonly AnyModelClass[];
  /** Generate create/update/delete mutations. @default true */
  readonly mutations?: boolean;
}

type Ref = ReturnType<TablegraphBuilder['objectRef']>;
type Values = Record<string, unknown>;
type Args = Record<string, unknown>;

interface Generated {
  readonly cls: AnyModelClass;
  readonly model: CompiledModel;
  readonly names: ModelNames;
  readonly ref: Ref;
  readonly enums: Map<string, string>;
  readonly where: ReturnType<TablegraphBuilder['inputRef']>;
  readonly connection: ReturnType<TablegraphBuilder['connectionObject']>;
}

const visible = (def: AnyField) => def.options.graphql !== false;
const MANAGED = new Set(['createdAt', 'updatedAt', 'version']);

function managedField(model: CompiledModel, name: string): boolean {
  return (
    MANAGED.has(name) &&
    ((name === 'version' && model.config.version) ||
      (name !== 'version' && model.config.timestamps))
  );
}

/** The fields a lookup of the table key takes, in field order; `required` when the key needs them. */
function keyFields(
  model: CompiledModel,
  plans: readonly ({ reads: readonly string[]; requires: readonly string[] } | null)[],
) {
  const reads = new Set(plans.flatMap((p) => p?.reads ?? []));
  const requires = new Set(plans.flatMap((p) => p?.requires ?? []));
  return model.fieldNames
    .filter((f) => reads.has(f))
    .map((f) => ({ name: f, required: requires.has(f) }));
}

function toGraphQLValue(v: unknown): unknown {
  return v instanceof Set ? [...v] : v;
}

/** Drops arguments the client did not send (GraphQL gives `undefined`), keeping explicit nulls. */
function given(args: Args | null | undefined): Values {
  const out: Values = {};
  for (const [k, v] of Object.entries(args ?? {})) if (v !== undefined) out[k] = v;
  return out;
}

/**
 * Adds every model's types to a builder whose Query (and Mutation) types the caller defines: an
 * object type per model, a lookup by key, a list connection, a connection per GSI, per table
 * partition and per hasMany relation, create/update/delete mutations, all from model metadata.
 */
export function addModelTypes(builder: TablegraphBuilder, options: ModelSchemaOptions): void {
  const limits: PageLimits = {
    maxPageSize: options.maxPageSize ?? 100,
    defaultPageSize: options.defaultPageSize ?? 20,
    maxTotalCount: options.maxTotalCount ?? 1000,
  };
  const filters = new FilterInputs(builder);
  const generated = new Map<AnyModelClass, Generated>();

  // 1. Refs first, so relations can point at any model.
  for (const cls of options.models) {
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
    const where = builder.inputRef(`${names.type}Where`);
    const connection = builder.connectionObject(
      {
        type: ref,
        name: `${names.type}Connection`,
        fields: (t) => totalCountField(t as never) as never,
      },
      { name: `${names.type}Edge` },
    );
    generated.set(cls, { cls, model, names, ref, enums, where, connection });
  }
  const targetOf = (owner: CompiledModel, name: string, r: Relation) => {
    const g = generated.get(r.target());
    if (!g)
      throw new GraphQLError(
        `${owner.entity}.relations.${name} points at a model missing from buildSchema({ models })`,
      );
    return g;
  };

  // 2. Object types, where inputs, root fields.
  for (const g of generated.values()) {
    const { cls, model, names, ref, enums } = g;
    const relations = relationsOf(cls);
    const tableKey = keyFields(model, [model.table.partition, model.table.sort]);

    builder.node(ref, {
      description: `${names.type} (entity type "${model.entity}").`,
      isTypeOf: (value) =>
        value instanceof (cls as unknown as abstract new (...a: never[]) => unknown),
      id: {
        resolve: (item) =>
          JSON.stringify(tableKey.map((k) => toKeyText((item as unknown as Values)[k.name]))),
      },
      loadOne: guard(async (id: string, ctx: TablegraphContext) => {
        let parts: unknown;
        try {
          parts = JSON.parse(id);
        } catch {
          return null;
        }
        if (!Array.isArray(parts) || parts.length !== tableKey.length) return null;
        const key = Object.fromEntries(
          tableKey.map((k, i) => [k.name, fromKeyText(model.fields.get(k.name)!, parts[i])]),
        );
        return ctx.tablegraph.loader.load(cls, key);
      }),
      fields: (t) => {
        const out: Record<string, unknown> = {};
        for (const [name, def] of model.fields) {
          if (!visible(def)) continue;
          const scalar = scalarOf(def, enums.get(name) ?? null);
          const list = def.kind === 'list' || def.kind === 'stringSet' || def.kind === 'numberSet';
          out[name] = t.field({
            type: (list ? [scalar] : scalar) as never,
            nullable: def.options.optional === true,
            description: def.options.description,
            resolve: (item) => toGraphQLValue((item as unknown as Values)[name]) as never,
          });
        }
        for (const [name, relation] of Object.entries(relations)) {
          const target = targetOf(model, name, relation);
          if (relation.kind === 'belongsTo')
            out[name] = t.field({
              type: target.ref,
              nullable: true,
              description:
                relation.description ?? `The ${target.names.type} this ${names.type} belongs to.`,
              resolve: guard((item: ModelBase, _args: Args, ctx: TablegraphContext) => {
                const key = relationKey(relation, item);
                return key === null ? null : ctx.tablegraph.loader.load(target.cls, key);
              }) as never,
            });
          else
            out[name] = t.connection(
              {
                type: target.ref,
                description: relation.description ?? `This ${names.type}'s ${target.names.plural}.`,
                args: { where: t.arg({ type: target.where, required: false }) },
                resolve: guard(
                  (item: ModelBase, args: ConnectionArgs & { where?: Values | null }) =>
                    resolveConnection(
                      withWhere(queryHasMany(item, relation), args.where),
                      args,
                      limits,
                    ),
                ) as never,
              } as never,
              target.connection as never,
            );
        }
        return out as never;
      },
    });

    g.where.implement({
      description: `Conditions on ${names.plural}: every given field must match; AND / OR / NOT nest.`,
      fields: (t) => {
        const out: Record<string, unknown> = {};
        for (const [name, def] of model.fields)
          if (visible(def))
            out[name] = t.field({ type: filters.forField(def, enums.get(name) ?? null) });
        out.AND = t.field({ type: [g.where] });
        out.OR = t.field({ type: [g.where] });
        out.NOT = t.field({ type: g.where });
        return out as never;
      },
    });

    const keyArgs = (
      t: Parameters<Parameters<TablegraphBuilder['queryFields']>[0]>[0],
      fields: { name: string; required: boolean }[],
    ) =>
      Object.fromEntries(
        fields.map((k) => {
          const def = model.fields.get(k.name)!;
          return [
            k.name,
            t.arg({
              type: scalarOf(def, enums.get(k.name) ?? null) as never,
              required: k.required,
            }),
          ];
        }),
      );

    builder.queryFields((t) => {
      const fields: Record<string, unknown> = {
        [names.single]: t.field({
          type: ref,
          nullable: true,
          description: `One ${names.type} by its key, or null.`,
          args: keyArgs(t, tableKey) as never,
          resolve: guard((_root: unknown, args: Args, ctx: TablegraphContext) =>
            ctx.tablegraph.loader.load(cls, given(args)),
          ) as never,
        }),
        [names.plural]: t.connection(
          {
            type: ref,
            description: `Every ${names.type} matching \`where\` (a keyed Query when it fixes a partition key, else a Scan).`,
            args: { where: t.arg({ type: g.where, required: false }) },
            resolve: guard((_root: unknown, args: ConnectionArgs & { where?: Values | null }) =>
              resolveConnection(withWhere(cls_where(cls, {}), args.where), args, limits),
            ) as never,
          } as never,
          g.connection as never,
        ),
      };
      // A partition of the table that holds several items (e.g. a user's todo items).
      const partition = keyFields(model, [model.table.partition]);
      if (partition.length > 0 && partition.length < tableKey.length) {
        const name = `${names.plural}By${partition.map((k) => upperFirst(k.name)).join('And')}`;
        fields[name] = partitionConnection(
          t,
          partition,
          `${names.plural} in one partition of the table, in sort-key order.`,
          null,
        );
      }
      for (const [index, plan] of model.indexes) {
        const partitionFields = keyFields(model, [plan.partition]);
        fields[`${names.plural}By${indexSuffix(index)}`] = partitionConnection(
          t,
          partitionFields,
          `${names.plural} in one partition of the ${index} index, in its sort-key order.`,
          index,
        );
      }
      return fields as never;

      function partitionConnection(
        tt: typeof t,
        pk: { name: string; required: boolean }[],
        description: string,
        index: string | null,
      ) {
        return tt.connection(
          {
            type: ref,
            description,
            args: {
              ...keyArgs(
                tt,
                pk.map((k) => ({ ...k, required: true })),
              ),
              where: tt.arg({ type: g.where, required: false }),
            },
            resolve: guard(
              (_root: unknown, args: ConnectionArgs & Args & { where?: Values | null }) => {
                const fixed = Object.fromEntries(pk.map((k) => [k.name, args[k.name]]));
                return resolveConnection(
                  withWhere(cls_where(cls, fixed).usingIndex(index), args.where),
                  args,
                  limits,
                );
              },
            ),
          } as never,
          g.connection as never,
        );
      }
    });

    if (options.mutations !== false) addMutations(builder, g, tableKey, keyArgs);
  }
}

function cls_where(cls: AnyModelClass, conditions: object) {
  return (cls as unknown as { where: (c: object) => ReturnType<typeof queryHasMany> }).where(
    conditions,
  );
}

function withWhere<Q extends ReturnType<typeof queryHasMany>>(
  query: Q,
  where: Values | null | undefined,
): Q {
  return (where ? query.and(where as never) : query) as Q;
}

function totalCountField(t: { int: (options: object) => unknown }) {
  return {
    totalCount: t.int({
      description:
        'How many items match, counted up to the server\'s cap (at the cap it means "at least"). Costs reads: ask only when needed.',
      resolve: guard((connection: unknown) =>
        (connection as { totalCount: () => Promise<number> }).totalCount(),
      ),
    }),
  };
}

/** Key values travel inside global IDs as text: Dates as ISO strings. */
function toKeyText(v: unknown): unknown {
  return v instanceof Date ? v.toISOString() : v;
}
function fromKeyText(def: AnyField, v: unknown): unknown {
  return def.kind === 'datetime' && typeof v === 'string' ? new Date(v) : v;
}

function addMutations(
  builder: TablegraphBuilder,
  g: Generated,
  tableKey: { name: string; required: boolean }[],
  keyArgs: (t: never, fields: { name: string; required: boolean }[]) => Record<string, unknown>,
): void {
  const { cls, model, names, ref, enums } = g;
  const keyNames = new Set(tableKey.map((k) => k.name));
  const inputType = (name: string, partial: boolean) =>
    builder.inputType(name, {
      fields: (t) => {
        const out: Record<string, unknown> = {};
        for (const [field, def] of model.fields) {
          if (!visible(def) || managedField(model, field) || (partial && keyNames.has(field)))
            continue;
          const scalar = scalarOf(def, enums.get(field) ?? null);
          const list = def.kind === 'list' || def.kind === 'stringSet' || def.kind === 'numberSet';
          const required = !partial && !def.options.optional && def.options.default === undefined;
          out[field] = t.field({
            type: (list ? [scalar] : scalar) as never,
            required,
            description: def.options.description,
          });
        }
        if (partial && model.config.version)
          out.expectedVersion = t.int({
            description: 'Fail with CONFLICT unless the stored version is this one.',
          });
        return out as never;
      },
    });
  const createInput = inputType(`Create${names.type}Input`, false);
  const updateInput = inputType(`Update${names.type}Input`, true);
  const Model = cls as unknown as {
    create: (d: object) => Promise<ModelBase>;
    get: (k: object) => Promise<ModelBase | null>;
  };
  const notFound = (args: Args) =>
    new GraphQLError(`${names.type} ${JSON.stringify(given(args))} was not found`, {
      extensions: { code: 'NOT_FOUND' },
    });

  builder.mutationFields((t) => ({
    [`create${names.type}`]: t.field({
      type: ref,
      description: `Creates a ${names.type}; ALREADY_EXISTS when its key is taken.`,
      args: { input: t.arg({ type: createInput, required: true }) },
      resolve: guard(async (_root: unknown, args: { input: Values }, ctx: TablegraphContext) => {
        const item = await Model.create(given(args.input));
        ctx.tablegraph.loader.prime(item);
        return item;
      }) as never,
    }),
    [`update${names.type}`]: t.field({
      type: ref,
      description: `Changes the given fields of a ${names.type} (others stay); NOT_FOUND, or CONFLICT on a stale version.`,
      args: {
        ...(keyArgs(t as never, tableKey) as object),
        input: t.arg({ type: updateInput, required: true }),
      } as never,
      resolve: guard(
        async (_root: unknown, args: Args & { input: Values }, ctx: TablegraphContext) => {
          const { input, ...key } = args;
          const item = await Model.get(given(key));
          if (!item) throw notFound(key);
          const { expectedVersion, ...changes } = given(input);
          if (expectedVersion != null && (item as unknown as Values).version !== expectedVersion)
            throw new GraphQLError(
              `${names.type} is at version ${(item as unknown as Values).version}, not ${expectedVersion}`,
              {
                extensions: { code: 'CONFLICT', current: item.toJSON() },
              },
            );
          Object.assign(item, changes);
          await item.save();
          ctx.tablegraph.loader.prime(item);
          return item;
        },
      ) as never,
    }),
    [`delete${names.type}`]: t.boolean({
      description: `Deletes a ${names.type}: true if it existed.`,
      args: keyArgs(t as never, tableKey) as never,
      resolve: guard(async (_root: unknown, args: Args, ctx: TablegraphContext) => {
        const item = await Model.get(given(args));
        if (!item) return false;
        const deleted = await item.delete();
        ctx.tablegraph.loader.clear(item);
        return deleted;
      }) as never,
    }),
  }));
}

export { loadBelongsTo };
