import { GraphQLError } from 'graphql';
import { isOrmError, type OrmError, type OrmErrorCode } from '../orm/index.js';

/** The `extensions.code` each expected ORM error becomes; the others stay masked ("Unexpected error."). */
const CODES: Partial<Record<OrmErrorCode, string>> = {
  'orm.validation': 'BAD_USER_INPUT',
  'orm.invalidCursor': 'BAD_USER_INPUT',
  'orm.duplicateKey': 'ALREADY_EXISTS',
  'orm.notFound': 'NOT_FOUND',
  'orm.conflict': 'CONFLICT',
  'orm.multipleResults': 'BAD_USER_INPUT',
  'orm.batchIncomplete': 'BATCH_INCOMPLETE',
};

function extensionsOf(error: OrmError): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  if ('issues' in error) extra.issues = error.issues;
  if ('written' in error && 'unwritten' in error) {
    extra.written = error.written;
    extra.unwritten = error.unwritten;
  }
  if ('current' in error && error.current) {
    const current = error.current as { toJSON?: () => unknown };
    extra.current = typeof current.toJSON === 'function' ? current.toJSON() : current;
  }
  return extra;
}

/**
 * The one place ORM errors become GraphQL errors. An unexpected error is returned unchanged, so Yoga
 * masks it and logs it server-side.
 */
export function toGraphQLError(error: unknown): unknown {
  if (error instanceof GraphQLError || !isOrmError(error)) return error;
  const code = CODES[error.code];
  if (!code) return error;
  // No originalError: Yoga masks any GraphQLError whose original error is not itself a GraphQLError.
  return new GraphQLError(error.message, { extensions: { code, ...extensionsOf(error) } });
}

/** A GraphQL error for bad arguments that never reached the ORM. */
export function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/**
 * Wraps a resolver so ORM errors leave it as GraphQL errors with a code. A resolver that answers
 * synchronously stays synchronous (no promise per field on the hot path).
 */
export function guard<A extends unknown[], R>(
  resolve: (...args: A) => Promise<R> | R,
): (...args: A) => Promise<R> | R {
  return (...args: A) => {
    try {
      const result = resolve(...args);
      return result instanceof Promise
        ? result.catch((error: unknown) => {
            throw toGraphQLError(error);
          })
        : result;
    } catch (error) {
      throw toGraphQLError(error);
    }
  };
}
