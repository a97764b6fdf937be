import { GraphQLError } from 'graphql';
import {
  type AnyField,
  type ModelBase,
  queryHasMany,
  type Relation,
  relationKey,
  relationsOf,
} from '../orm/index.js';
import type { TablegraphBuilder } from './builder.js';
import { type ConnectionArgs, type PageLimits, resolveConnection } from './connections.js';
import type { TablegraphContext } from './context.js';
import { guard } from './errors.js';
import { type GeneratedModel, type Values, visible, withWhere } from './model-types.js';
import { type FilterInputs, scalarOf } from './where.js';

const isList = (def: AnyField) =>
  def.kind === 'list' || def.kind === 'stringSet' || def.kind === 'numberSet';

/** Key values travel inside global IDs as JSON text: Dates as ISO strings. */
function toKeyText(v: unknown): unknown {
  return v instanceof Date ? v.toISOString() : v;
}
function fromKeyText(def: AnyField, v: unknown): unknown {
  return def.kind === 'datetime' && typeof v === 'string' ? new Date(v) : v;
}

/**
 * The model's object type, implementing Node: its fields (Sets as lists), a belongsTo field per
 * relation (through the request's loader) and a connection per hasMany relation (a keyed Query).
 */
export function addObjectType(
  builder: TablegraphBuilder,
  g: GeneratedModel,
  all: ReadonlyMap<unknown, GeneratedModel>,
  limits: PageLimits,
): void {
  const { cls, model, names, enums, tableKey } = g;
  const targetOf = (name: string, r: Relation) => {
    const target = all.get(r.target());
    if (!target)
      throw new GraphQLError(
        `${model.entity}.relations.${name} points at a model missing from buildSchema({ models })`,
      );
    return target;
  };
  builder.node(g.ref, {
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
        out[name] = t.field({
          type: (isList(def) ? [scalar] : scalar) as never,
          nullable: def.options.optional === true,
          description: def.options.description,
          resolve: (item) => {
            const v = (item as unknown as Values)[name];
            return (v instanceof Set ? [...v] : v) as never;
          },
        });
      }
      for (const [name, relation] of Object.entries(relationsOf(cls))) {
        const target = targetOf(name, relation);
        out[name] =
          relation.kind === 'belongsTo'
            ? t.field({
                type: target.ref,
                nullable: true,
                description:
                  relation.description ?? `The ${target.names.type} this ${names.type} belongs to.`,
                resolve: guard((item: ModelBase, _args: Values, ctx: TablegraphContext) => {
                  const key = relationKey(relation, item);
                  return key === null ? null : ctx.tablegraph.loader.load(target.cls, key);
                }) as never,
              })
            : t.connection(
                {
                  type: target.ref,
                  description:
                    relation.description ?? `This ${names.type}'s ${target.names.plural}.`,
                  args: { where: t.arg({ type: target.where, required: false }) },
                  resolve: guard(
                    (item: ModelBase, args: ConnectionArgs & { where?: Values | null }) =>
                      resolveConnection(
                        withWhere(queryHasMany(item, relation), args.where),
                        args,
                        limits,
                      ),
                  ),
                } as never,
                target.connection as never,
              );
      }
      return out as never;
    },
  });
}

/** `<Model>Where`: a filter input per field (the ORM's operators), plus AND / OR / NOT. */
export function addWhereInput(g: GeneratedModel, filters: FilterInputs): void {
  g.where.implement({
    description: `Conditions on ${g.names.plural}: every given field must match; AND / OR / NOT nest.`,
    fields: (t) => {
      const out: Record<string, unknown> = {};
      for (const [name, def] of g.model.fields)
        if (visible(def))
          out[name] = t.field({ type: filters.forField(def, g.enums.get(name) ?? null) });
      out.AND = t.field({ type: [g.where] });
      out.OR = t.field({ type: [g.where] });
      out.NOT = t.field({ type: g.where });
      return out as never;
    },
  });
}
