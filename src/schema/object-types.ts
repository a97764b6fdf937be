import type { GraphQLResolveInfo } from 'graphql';
import {
  type AnyField,
  ConfigurationError,
  type ModelBase,
  queryHasMany,
  type Relation,
  relationKey,
  relationsOf,
} from '../orm/index.js';
import { ACCESS_EXTENSION } from './auth.js';
import { authorizedConnection, readable } from './authorized.js';
import type { TablegraphBuilder } from './builder.js';
import type { ConnectionArgs, PageLimits } from './connections.js';
import { loaderFor } from './context.js';
import { dynamic, fieldMap } from './dynamic.js';
import { guard } from './errors.js';
import { plannedPage } from './lookups.js';
import { type GeneratedModel, type Values, visible } from './model-types.js';
import { nodeKey } from './node.js';
import { type Direction, orderArg, ordered, relationIndex } from './ordering.js';
import { selectionOf } from './selection.js';
import { type FilterInputs, scalarOf } from './where.js';

const isList = (def: AnyField) =>
  def.kind === 'list' || def.kind === 'stringSet' || def.kind === 'numberSet';

// Private: a relation page being read (a promise) is tracked by the request's loader, so lookups
// below it wait for the sibling reads; a page that is ready (planned, empty) is not.
function trackRead<T>(
  ctx: unknown,
  info: GraphQLResolveInfo,
  read: () => T | Promise<T>,
): T | Promise<T> {
  const result = read();
  return result instanceof Promise ? loaderFor(ctx, info).track(result) : result;
}

/**
 * The model's object type, implementing Node (`id`: the global ID): its fields (a field `id` as
 * `rowId`, Sets as lists), a belongsTo field per relation (through the request's loader) and a
 * connection per hasMany relation (a keyed Query).
 */
export function addObjectType(
  builder: TablegraphBuilder,
  g: GeneratedModel,
  all: ReadonlyMap<unknown, GeneratedModel>,
  limits: PageLimits,
): void {
  const { cls, model, names, enums, naming } = g;
  const targetOf = (name: string, r: Relation) => {
    const target = all.get(r.target());
    if (!target)
      throw new ConfigurationError(
        `${model.entity}.relations.${name} points at a model missing from buildSchema({ models })`,
      );
    return target;
  };
  builder.node(g.ref, {
    description: `${names.type} (entity type "${model.entity}").`,
    // The rules travel with the type (auth.ts accessIn): scoped to the schema the type is in.
    extensions: { [ACCESS_EXTENSION]: g.access },
    isTypeOf: (value) =>
      value instanceof (cls as unknown as abstract new (...a: never[]) => unknown),
    id: { resolve: (item) => nodeKey(g, item as ModelBase) },
    fields: (t) => {
      const f = dynamic(t);
      const out: Record<string, unknown> = {};
      for (const [name, def] of model.fields) {
        if (!visible(def)) continue;
        const scalar = scalarOf(def, enums.get(name) ?? null);
        const value = (item: ModelBase) => {
          const v = (item as unknown as Values)[name];
          return v instanceof Set ? [...v] : v;
        };
        // A field with read rules is nullable: null for a caller who may not read it.
        const restricted = g.access.readRestricted(name);
        out[naming.toGraphQL(name)] = f.field({
          type: isList(def) ? [scalar] : scalar,
          nullable: def.options.optional === true || restricted,
          description: def.options.description,
          resolve: restricted
            ? (item: ModelBase, _args: Values, ctx: unknown) =>
                g.access.canReadField(ctx, name, item) ? value(item) : null
            : value,
        });
      }
      for (const [name, relation] of Object.entries(relationsOf(cls))) {
        const target = targetOf(name, relation);
        out[name] =
          relation.kind === 'belongsTo'
            ? f.field({
                type: target.ref,
                nullable: true,
                description:
                  relation.description ?? `The ${target.names.type} this ${names.type} belongs to.`,
                resolve: guard(
                  (item: ModelBase, _args: Values, ctx: unknown, info: GraphQLResolveInfo) => {
                    const key = relationKey(relation, item);
                    return key === null
                      ? null
                      : readable(target, ctx, key, () =>
                          loaderFor(ctx, info).load(target.cls, key, selectionOf(target.cls, info)),
                        );
                  },
                ),
              })
            : f.connection(
                {
                  type: target.ref,
                  description:
                    relation.description ?? `This ${names.type}'s ${target.names.plural}.`,
                  args: {
                    where: f.arg({ type: target.where, required: false }),
                    ...orderArg(f, target.orders, relationIndex(relation)),
                  },
                  // Tracked by the request's loader: lookups below this level wait for the
                  // sibling reads, then go out as one batch.
                  resolve: guard(
                    (
                      item: ModelBase,
                      args: ConnectionArgs & { where?: Values | null; orderBy?: Direction | null },
                      ctx: unknown,
                      info: GraphQLResolveInfo,
                    ) =>
                      trackRead(ctx, info, () =>
                        authorizedConnection(
                          target,
                          ctx,
                          ordered(queryHasMany(item, relation), args.orderBy),
                          relationKey(relation, item) ?? {},
                          args.where,
                          args,
                          limits,
                          info,
                          () => plannedPage(item, name, args as Values),
                        ),
                      ),
                  ),
                },
                target.connection,
              );
      }
      return fieldMap(out);
    },
  });
}

/** `<Model>Where`: a filter input per field (the ORM's operators), plus AND / OR / NOT. */
export function addWhereInput(g: GeneratedModel, filters: FilterInputs): void {
  g.where.implement({
    description: `Conditions on ${g.names.plural}: every given field must match; AND / OR / NOT nest.`,
    fields: (t) => {
      const f = dynamic(t);
      const out: Record<string, unknown> = {};
      for (const [name, def] of g.model.fields)
        if (visible(def))
          out[g.naming.toGraphQL(name)] = f.field({
            type: filters.forField(def, g.enums.get(name) ?? null),
          });
      out.AND = f.field({ type: [g.where] });
      out.OR = f.field({ type: [g.where] });
      out.NOT = f.field({ type: g.where });
      return fieldMap(out);
    },
  });
}
