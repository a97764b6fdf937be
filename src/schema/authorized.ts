import type { GraphQLResolveInfo } from 'graphql';
import type { AnyModelClass, ModelBase, Query } from '../orm/index.js';
import { type Decision, fieldsOf, fixedBy, refusal, same } from './auth.js';
import {
  type ConnectionArgs,
  type ConnectionResult,
  type PageLimits,
  parseConnectionArgs,
  resolveConnection,
} from './connections.js';
import { type GeneratedModel, type Values, whereOf } from './model-types.js';

// The generated resolvers' one way to reach items: every path (lookup, node, relation, list,
// count, mutation) goes through these, so a rule holds on all of them.

/**
 * A lookup by key as the caller may see it: a key the rules exclude is null without a request; a
 * loaded item the rules exclude is null as well — a denied item looks exactly like a missing one.
 */
export function readable(
  g: GeneratedModel,
  context: unknown,
  key: Values,
  load: () => Promise<ModelBase | null>,
): Promise<ModelBase | null> | null {
  const decision = g.access.decide('read', context, key);
  if (decision.kind === 'none') return null;
  if (decision.kind === 'all') return load();
  return load().then((item) => (item && g.access.canRead(context, item) ? item : null));
}

/** An empty page: what a caller the rules let see nothing gets, at no request. */
function emptyConnection(args: ConnectionArgs, limits: PageLimits): ConnectionResult {
  parseConnectionArgs(args, limits);
  return {
    edges: [],
    pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    totalCount: async () => 0,
  };
}

/**
 * A connection over `query` as the caller may see it. `fixed` holds the field values the query
 * already fixes (a partition's arguments, a relation's key). An owner or tenant rule the request
 * leaves open becomes a key condition of the query (the caller's partition), so its cursors are
 * bound to it: a cursor of one caller does not verify for another. Filtering on a field the
 * caller may not read is refused (it would tell the values apart).
 */
export function authorizedConnection<M extends AnyModelClass>(
  g: GeneratedModel,
  context: unknown,
  query: Query<M>,
  fixed: Values,
  where: Values | null | undefined,
  args: ConnectionArgs,
  limits: PageLimits,
  /** The resolver's info: the page fetches only what `edges { node }` selects. */
  info?: GraphQLResolveInfo,
  /** A page already read with its parent (one item collection read), used when the caller may see all of it. */
  preread?: () => ConnectionResult | undefined,
): Promise<ConnectionResult> | ConnectionResult {
  const condition = where ? whereOf(g, where) : null;
  const known = { ...fixedBy(condition), ...fixed };
  const decision = g.access.decide('list', context, known);
  if (decision.kind === 'none') return emptyConnection(args, limits);
  const ready = decision.kind === 'all' && !condition ? preread?.() : undefined;
  if (ready) return ready;
  const scope = decision.kind === 'where' ? decision.values : {};
  checkFilterFields(g, context, condition, { ...known, ...scope });
  let scoped = condition ? query.and(condition as Parameters<Query<M>['and']>[0]) : query;
  if (decision.kind === 'where') scoped = scoped.and(scope as Parameters<Query<M>['and']>[0]);
  return resolveConnection(scoped, args, limits, info);
}

/** Refuses a filter on a field the caller may not read (it would tell the field's values apart). */
export function checkFilterFields(
  g: GeneratedModel,
  context: unknown,
  condition: Values | null,
  known: Values,
): void {
  if (!condition) return;
  for (const field of fieldsOf(condition))
    if (g.access.readRestricted(field) && !g.access.canReadField(context, field, known))
      throw refusal(
        g.access.caller(context),
        `filter ${g.names.plural} by ${g.naming.toGraphQL(field)}`,
      );
}

/** Refuses a write the caller may not make; a `where` decision is returned as the write's condition. */
function writeDecision(
  g: GeneratedModel,
  context: unknown,
  operation: 'create' | 'update' | 'delete',
  known: Values,
  fields: readonly string[],
): Values | null {
  const what = `${operation} this ${g.names.type}`;
  const caller = g.access.caller(context);
  const decisions: Decision[] = [g.access.decide(operation, context, known)];
  for (const field of fields) decisions.push(g.access.decideFieldWrite(context, field, known));
  let condition: Values | null = null;
  for (const d of decisions) {
    if (d.kind === 'none') throw refusal(caller, what);
    if (d.kind === 'where') condition = { ...(condition ?? {}), ...d.values };
  }
  // A create has every field it will store in `known`: an open match means a field is missing.
  if (condition && operation === 'create') throw refusal(caller, what);
  return condition;
}

/** Refuses a create the rules do not allow (decided on the input, before any request). */
export function authorizeCreate(g: GeneratedModel, context: unknown, data: Values): void {
  writeDecision(g, context, 'create', data, Object.keys(data));
}

/**
 * The condition an update or delete must carry for the caller (null: none needed), or a refusal.
 * An update may not move an item out of the caller's reach (change an owner field to another value).
 */
export function authorizeChange(
  g: GeneratedModel,
  context: unknown,
  operation: 'update' | 'delete',
  key: Values,
  changes: Values = {},
): Values | null {
  const condition = writeDecision(g, context, operation, key, Object.keys(changes));
  for (const [field, v] of Object.entries(condition ?? {}))
    if (field in changes && !same(changes[field], v))
      throw refusal(g.access.caller(context), `move this ${g.names.type} to another owner`);
  return condition;
}

/** Whether a stored item meets a write's authorization condition. */
export function meets(item: object | null | undefined, condition: Values): boolean {
  if (!item) return false;
  return Object.entries(condition).every(([f, v]) => same((item as Values)[f], v));
}

/** An item's JSON with the fields the caller may not read left out (a CONFLICT's `current`). */
export function redacted(g: GeneratedModel, context: unknown, item: object): Values {
  const json =
    typeof (item as { toJSON?: () => Values }).toJSON === 'function'
      ? (item as { toJSON: () => Values }).toJSON()
      : { ...(item as Values) };
  for (const field of Object.keys(json))
    if (g.access.readRestricted(field) && !g.access.canReadField(context, field, item))
      delete json[field];
  return json;
}
