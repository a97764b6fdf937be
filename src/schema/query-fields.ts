import type { GraphQLResolveInfo } from 'graphql';
import { Query } from '../orm/index.js';
import { authorizedConnection, readable } from './authorized.js';
import type { TablegraphBuilder } from './builder.js';
import type { ConnectionArgs, PageLimits } from './connections.js';
import { dynamic, fieldMap } from './dynamic.js';
import { guard } from './errors.js';
import { resolveLookup } from './lookups.js';
import {
  type GeneratedModel,
  given,
  type KeyField,
  keyArgs,
  keyFields,
  type Values,
} from './model-types.js';
import { indexSuffix, upperFirst } from './names.js';
import { type Direction, orderArg, ordered } from './ordering.js';

/**
 * Root query fields of one model: the lookup by key, the list connection, a connection per table
 * partition (when the partition key needs fewer fields than the key) and one per GSI.
 */
export function addQueryFields(
  builder: TablegraphBuilder,
  g: GeneratedModel,
  limits: PageLimits,
): void {
  const { cls, model, names, ref, naming } = g;
  builder.queryFields((t) => {
    const f = dynamic(t);
    const partitionConnection = (
      pk: readonly KeyField[],
      description: string,
      index: string | null,
    ) =>
      f.connection(
        {
          type: ref,
          description,
          args: {
            ...keyArgs(
              f,
              g,
              pk.map((k) => ({ ...k, required: true })),
            ),
            where: f.arg({ type: g.where, required: false }),
            ...orderArg(f, g.orders, index),
          },
          resolve: guard(
            (
              _root: unknown,
              args: ConnectionArgs & Values & { where?: Values | null; orderBy?: Direction | null },
              ctx: unknown,
              info: GraphQLResolveInfo,
            ) => {
              const fixed = Object.fromEntries(
                pk.map((k) => [k.name, args[naming.toGraphQL(k.name)]]),
              );
              return authorizedConnection(
                g,
                ctx,
                ordered(Query.of(cls, fixed).usingIndex(index), args.orderBy),
                fixed,
                args.where,
                args,
                limits,
                info,
              );
            },
          ),
        },
        g.connection,
      );

    const fields: Record<string, unknown> = {
      [names.single]: f.field({
        type: ref,
        nullable: true,
        description: `One ${names.type} by its key, or null.`,
        args: keyArgs(f, g, g.tableKey),
        resolve: guard((_root: unknown, args: Values, ctx: unknown, info: GraphQLResolveInfo) => {
          const key = given(g, args);
          // The rules decide on the parent as for any lookup; lookups.ts reads its relations with it
          // only where they let the caller list them.
          return readable(g, ctx, key, () =>
            resolveLookup(cls, names.type, key, ctx, info, limits),
          );
        }),
      }),
      [names.plural]: f.connection(
        {
          type: ref,
          description: `Every ${names.type} matching \`where\` (a keyed Query when it fixes a partition key, else a Scan).`,
          args: { where: f.arg({ type: g.where, required: false }) },
          resolve: guard(
            (
              _root: unknown,
              args: ConnectionArgs & { where?: Values | null },
              ctx: unknown,
              info: GraphQLResolveInfo,
            ) => authorizedConnection(g, ctx, Query.of(cls), {}, args.where, args, limits, info),
          ),
        },
        g.connection,
      ),
    };
    const partition = keyFields(model, [model.table.partition]);
    if (partition.length > 0 && partition.length < g.tableKey.length)
      fields[
        `${names.plural}By${partition.map((k) => upperFirst(naming.toGraphQL(k.name))).join('And')}`
      ] = partitionConnection(
        partition,
        `${names.plural} in one partition of the table, in sort-key order.`,
        null,
      );
    for (const [index, plan] of model.indexes)
      fields[`${names.plural}By${indexSuffix(index)}`] = partitionConnection(
        keyFields(model, [plan.partition]),
        `${names.plural} in one partition of the ${index} index, in its sort-key order.`,
        index,
      );
    return fieldMap(fields);
  });
}
