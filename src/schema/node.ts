import type { GraphQLResolveInfo } from 'graphql';
import type { AnyField, ModelBase } from '../orm/index.js';
import { readable } from './authorized.js';
import type { TablegraphBuilder } from './builder.js';
import { loaderFor } from './context.js';
import { dynamic, fieldMap } from './dynamic.js';
import { badInput, guard } from './errors.js';
import { decodeGlobalID } from './global-id.js';
import type { GeneratedModel, Values } from './model-types.js';

/** Key values travel inside global IDs as JSON text: Dates as ISO strings. */
function toKeyText(v: unknown): unknown {
  return v instanceof Date ? v.toISOString() : v;
}
function fromKeyText(def: AnyField, v: unknown): unknown {
  return def.kind === 'datetime' && typeof v === 'string' ? new Date(v) : v;
}

/** The key part of an item's global ID. */
export function nodeKey(g: GeneratedModel, item: ModelBase): string {
  return JSON.stringify(g.tableKey.map((k) => toKeyText((item as unknown as Values)[k.name])));
}

/**
 * `node(id:)` and `nodes(ids:)` over every model's type, through the request's item loader (so
 * every lookup of one tick is one BatchGetItem). A well-formed ID of an absent item is null; a
 * malformed one is BAD_USER_INPUT.
 */
export function addNodeFields(
  builder: TablegraphBuilder,
  models: ReadonlyMap<unknown, GeneratedModel>,
): void {
  const byType = new Map([...models.values()].map((g) => [g.names.type, g]));
  const load = (globalID: string, ctx: unknown, info: GraphQLResolveInfo) => {
    const { typename, id } = decodeGlobalID(globalID);
    const g = byType.get(typename);
    if (!g) return null;
    let parts: unknown;
    try {
      parts = JSON.parse(id);
    } catch {
      parts = null;
    }
    if (!Array.isArray(parts) || parts.length !== g.tableKey.length)
      throw badInput(`${JSON.stringify(globalID)} is not a global ID of a ${typename}`);
    const key = Object.fromEntries(
      g.tableKey.map((k, i) => [k.name, fromKeyText(g.model.fields.get(k.name)!, parts[i])]),
    );
    return readable(g, ctx, key, () => loaderFor(ctx, info).load(g.cls, key));
  };
  const node = builder.nodeInterfaceRef();
  builder.queryFields((t) => {
    const f = dynamic(t);
    return fieldMap({
      node: f.field({
        type: node,
        nullable: true,
        description: 'Any item by its global ID, or null.',
        args: { id: f.arg({ type: 'ID', required: true }) },
        resolve: guard(
          (_root: unknown, args: { id: string }, ctx: unknown, info: GraphQLResolveInfo) =>
            load(args.id, ctx, info),
        ),
      }),
      nodes: f.field({
        type: [node],
        nullable: { list: false, items: true },
        description: 'Items by their global IDs, in order; null for an absent one.',
        args: { ids: f.arg({ type: ['ID'], required: true }) },
        resolve: guard(
          (_root: unknown, args: { ids: string[] }, ctx: unknown, info: GraphQLResolveInfo) =>
            Promise.all(args.ids.map((id) => load(id, ctx, info))),
        ),
      }),
    });
  });
}
