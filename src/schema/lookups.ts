// Reads by key, planned from the selection set (selection-plan.ts) and executed here: a parent with
// relations in its partition is one item collection read; the relation resolvers then find their
// pages ready. Every other lookup goes through the request's loader (one BatchGetItem per tick).
import type { GraphQLResolveInfo } from 'graphql';
import {
  type AnyModelClass,
  Collection,
  type ModelBase,
  modelOf,
  readCollectionHeads,
} from '../orm/index.js';
import { accessIn } from './auth.js';
import { type ConnectionResult, connectionFromItems, type PageLimits } from './connections.js';
import { loaderFor } from './context.js';
import type { Values } from './model-types.js';
import { namesOf } from './names.js';
import { selectionOf } from './selection.js';
import { planLookup, relationSignature } from './selection-plan.js';

// Pages read with their parent, by parent instance, then by relation signature.
const planned = new WeakMap<object, Map<string, ConnectionResult>>();

/**
 * The root lookup by key (`user(rowId:)`): when selected hasMany relations live in the parent's
 * partition, one collection read answers the parent and their first pages; else the loader. Only
 * a relation the caller may list whole (its `list` rules decide `all` on the relation's key) is
 * read with the parent: one an owner or tenant rule narrows or hides resolves with its own,
 * authorized Query, so the collection never shows an item a rule hides. The parent itself is
 * decided by the caller (`readable`), as for any lookup.
 */
export async function resolveLookup(
  cls: AnyModelClass,
  typeName: string,
  key: Values,
  context: unknown,
  info: GraphQLResolveInfo,
  limits: PageLimits,
): Promise<ModelBase | null> {
  const plan = planLookup(
    cls,
    typeName,
    key,
    info,
    limits,
    (target, fixed) =>
      (accessIn(info.schema, namesOf(modelOf(target)).type)?.decide('list', context, fixed).kind ??
        'all') === 'all',
  );
  if (plan === null)
    return loaderFor(context, info).load(
      cls,
      key,
      selectionOf(cls, info),
    ) as Promise<ModelBase | null>;
  const collection = Collection.fromQueries(plan.members.map((m) => m.query));
  const heads = await readCollectionHeads(
    collection,
    new Map(plan.members.map((m) => [m.query.model, m.need])),
    limits.maxReadsPerPage,
  );
  const parent = (heads.get(cls)?.[0] ?? null) as ModelBase | null;
  if (parent === null) return null;
  loaderFor(context, info).prime(parent);
  const pages = new Map<string, ConnectionResult>();
  for (const r of plan.relations) {
    const items = (heads.get(r.query.model) ?? []).slice(0, r.size + 1) as ModelBase[];
    pages.set(r.signature, connectionFromItems(r.query, items, r.size, limits));
  }
  planned.set(parent, pages);
  return parent;
}

/** The page a relation's resolver finds ready (read with its parent), or undefined. */
export function plannedPage(
  parent: object,
  relation: string,
  args: Values,
): ConnectionResult | undefined {
  return planned.get(parent)?.get(relationSignature(relation, args));
}
