import type { GraphQLResolveInfo } from 'graphql';
import type { AnyModelClass, ModelBase, Query } from '../orm/index.js';
import { badInput } from './errors.js';
import { connectionSelectionOf } from './selection.js';

export interface ConnectionArgs {
  readonly first?: number | null;
  readonly last?: number | null;
  readonly after?: string | null;
  readonly before?: string | null;
}

export interface PageLimits {
  /** Largest `first`/`last`. @default 100 */
  readonly maxPageSize: number;
  /** Page size when neither `first` nor `last` is given. @default 20 */
  readonly defaultPageSize: number;
  /** Largest `totalCount` counted; at the cap it reads "at least this many". @default 1000 */
  readonly maxTotalCount: number;
  /**
   * Engine requests one page may cost; past it a selective filter returns a shorter page whose
   * cursor continues the read (hasNextPage stays true). @default 25
   */
  readonly maxReadsPerPage: number;
  /** `false` refuses connections that would Scan the table (no partition key fixed). @default true */
  readonly allowScans: boolean;
}

export interface ConnectionResult {
  edges: { cursor: string; node: ModelBase }[];
  pageInfo: {
    readonly hasNextPage: boolean | Promise<boolean>;
    readonly hasPreviousPage: boolean | Promise<boolean>;
    startCursor: string | null;
    endCursor: string | null;
  };
  totalCount: () => Promise<number>;
}

/** Validates Relay arguments (pure): which direction, how many. */
export function parseConnectionArgs(
  args: ConnectionArgs,
  limits: PageLimits,
): { size: number; backward: boolean } {
  const { first, last, after, before } = args;
  if (first != null && last != null) throw badInput('Pass `first` or `last`, not both');
  const size = first ?? last ?? limits.defaultPageSize;
  if (!Number.isInteger(size) || size < 0 || size > limits.maxPageSize)
    throw badInput(
      `\`${first != null ? 'first' : 'last'}\` must be between 0 and ${limits.maxPageSize}, got ${size}`,
    );
  const backward = last != null || (before != null && after == null);
  if (after != null && before != null) throw badInput('Pass `after` or `before`, not both');
  return { size, backward };
}

/**
 * Runs one Relay page over a query. Every cursor is accepted as `after` or `before` (the ORM checks
 * it belongs to this query, in either direction). `first/after` read forward; `last/before` read the
 * sort key backwards (ScanIndexForward false) and give the items back in forward order. When the
 * read budget ends a page early, the cursor on the reading side is where the engine stopped, so the
 * next page reads on from there, even past a page with no edges.
 */
export async function resolveConnection<M extends AnyModelClass>(
  query: Query<M>,
  args: ConnectionArgs,
  limits: PageLimits,
  info?: GraphQLResolveInfo,
): Promise<ConnectionResult> {
  const { size, backward } = parseConnectionArgs(args, limits);
  // Only the fields `edges { node { ... } }` selects are fetched (a ProjectionExpression).
  const selected = info ? query.select(connectionSelectionOf(query.model, info) as never) : query;
  const base = selected.maxReads(limits.maxReadsPerPage);
  const plan = base.plan();
  if (!limits.allowScans && plan.operation === 'scan')
    throw badInput(
      'This query would scan the whole table: add conditions that fix a partition key (or use a connection by key or index)',
    );
  if (backward && plan.operation === 'scan')
    throw badInput(
      '`last`/`before` read the sort key backwards, which needs a connection whose partition is fixed',
    );
  const totalCount = () => base.limit(limits.maxTotalCount).count();
  const from = backward ? args.before : args.after;
  const reading = (backward ? base.reverse() : base).cursor(from ?? null, {
    eitherDirection: true,
  });
  if (size === 0) {
    // The Relay algorithm: with `first: 0`, hasNextPage says whether any edge follows. That costs
    // one read, made only when the client selects it (totalCount alone reads nothing more).
    let probe: Promise<boolean> | undefined;
    const more = () => {
      probe ??= reading
        .limit(1)
        .paginate()
        .then((p) => p.items.length > 0 || p.hasMore);
      return probe;
    };
    return {
      edges: [],
      pageInfo: {
        get hasNextPage() {
          return backward ? Promise.resolve(args.before != null) : more();
        },
        get hasPreviousPage() {
          return backward ? more() : Promise.resolve(args.after != null);
        },
        startCursor: null,
        endCursor: null,
      },
      totalCount,
    };
  }

  const page = await reading.limit(size).paginate();
  // Cursors are signed (an HMAC each): built only when a client selects them, on first read.
  const edges = page.items.map((node, i) => ({
    get cursor() {
      return page.cursorAt(i);
    },
    node: node as ModelBase,
  }));
  if (backward) edges.reverse();
  const more = page.hasMore;
  return {
    edges,
    pageInfo: {
      hasNextPage: backward ? args.before != null : more,
      hasPreviousPage: backward ? more : args.after != null,
      get startCursor() {
        return (backward ? page.cursor : null) ?? edges[0]?.cursor ?? null;
      },
      get endCursor() {
        return (backward ? null : page.cursor) ?? edges.at(-1)?.cursor ?? null;
      },
    },
    totalCount,
  };
}

/**
 * A forward first page built from items already read (`first + 1` of them at most, in the query's
 * order: the extra one says a next page exists). Its cursors are the query's own, so `after` on the
 * relation's connection reads on from any edge.
 */
export function connectionFromItems<M extends AnyModelClass>(
  query: Query<M>,
  items: readonly ModelBase[],
  size: number,
  limits: PageLimits,
): ConnectionResult {
  const base = query.maxReads(limits.maxReadsPerPage);
  const shown = items.slice(0, size);
  const edges = shown.map((node) => ({
    get cursor() {
      return base.cursorFor(node as InstanceType<M>);
    },
    node,
  }));
  return {
    edges,
    pageInfo: {
      hasNextPage: items.length > size,
      hasPreviousPage: false,
      get startCursor() {
        return edges[0]?.cursor ?? null;
      },
      get endCursor() {
        return edges.at(-1)?.cursor ?? null;
      },
    },
    totalCount: () => base.limit(limits.maxTotalCount).count(),
  };
}
