import type { AnyModelClass, ModelBase, Query } from '../orm/index.js';
import { badInput } from './errors.js';

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
}

export interface ConnectionResult {
  edges: { cursor: string; node: ModelBase }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
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
 * Runs one Relay page over a query. Cursors handed out are always the forward query's, so a client
 * can pass any of them as `after` or `before`. `first/after` read forward; `last/before` read the
 * sort key backwards (ScanIndexForward false) and give the items back in forward order.
 */
export async function resolveConnection<M extends AnyModelClass>(
  base: Query<M>,
  args: ConnectionArgs,
  limits: PageLimits,
): Promise<ConnectionResult> {
  const { size, backward } = parseConnectionArgs(args, limits);
  const totalCount = () => base.limit(limits.maxTotalCount).count();
  if (size === 0)
    return {
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
      totalCount,
    };
  if (!backward) {
    const page = await base
      .limit(size)
      .cursor(args.after ?? null)
      .paginate();
    const edges = page.items.map((node, i) => ({
      cursor: page.cursorAt(i),
      node: node as ModelBase,
    }));
    return {
      edges,
      pageInfo: {
        hasNextPage: page.cursor !== null,
        hasPreviousPage: args.after != null,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
      totalCount,
    };
  }
  if (base.plan().operation === 'scan')
    throw badInput(
      '`last`/`before` read the sort key backwards, which needs a connection whose partition is fixed',
    );
  const page = await base
    .reverse()
    .limit(size)
    .cursor(args.before ?? null, { fromOppositeDirection: true })
    .paginate();
  const nodes = [...page.items].reverse() as ModelBase[];
  const edges = nodes.map((node) => ({ cursor: base.cursorFor(node as InstanceType<M>), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: args.before != null,
      hasPreviousPage: page.cursor !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount,
  };
}
