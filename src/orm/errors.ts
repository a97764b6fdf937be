/**
 * Every error the ORM raises is an `OrmError` with a typed `code`, so callers (and the GraphQL edge)
 * can branch on `err.code` instead of parsing messages.
 */
export type OrmErrorCode =
  | 'orm.validation'
  | 'orm.duplicateKey'
  | 'orm.notFound'
  | 'orm.conflict'
  | 'orm.multipleResults'
  | 'orm.invalidCursor'
  | 'orm.configuration'
  | 'orm.backend'
  | 'orm.batchIncomplete';

export class OrmError extends Error {
  readonly code: OrmErrorCode;
  constructor(code: OrmErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** One violated rule: where, what was wrong, what was expected and what was received. */
export interface ValidationIssue {
  path: string;
  message: string;
  expected?: string;
  received?: string;
}

export class ValidationError extends OrmError {
  readonly issues: readonly ValidationIssue[];
  constructor(entity: string, issues: readonly ValidationIssue[]) {
    const list = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    super('orm.validation', `Invalid ${entity}: ${list}`);
    this.issues = issues;
  }
}

export class DuplicateKeyError extends OrmError {
  readonly key: Readonly<Record<string, string>>;
  constructor(entity: string, key: Record<string, string>) {
    super('orm.duplicateKey', `${entity} with key ${formatKey(key)} already exists`);
    this.key = key;
  }
}

export class NotFoundError extends OrmError {
  readonly key: Readonly<Record<string, string>>;
  constructor(entity: string, key: Record<string, string>) {
    super('orm.notFound', `${entity} with key ${formatKey(key)} was not found`);
    this.key = key;
  }
}

/** A failed condition (stale version, concurrent change). `current` is the stored item when known. */
export class ConflictError extends OrmError {
  readonly current: unknown;
  constructor(message: string, current?: unknown) {
    super('orm.conflict', message);
    this.current = current ?? null;
  }
}

export class MultipleResultsError extends OrmError {
  constructor(entity: string, count: number) {
    super('orm.multipleResults', `Expected at most 1 ${entity}, got ${count}`);
  }
}

export class InvalidCursorError extends OrmError {
  constructor(reason: string) {
    super('orm.invalidCursor', `Invalid cursor: ${reason}`);
  }
}

export class ConfigurationError extends OrmError {
  constructor(message: string) {
    super('orm.configuration', message);
  }
}

/** A failure of the storage engine, wrapped with the operation that failed; `cause` is the original. */
export class BackendError extends OrmError {
  readonly operation: string;
  /** Keys or items the engine never processed (batch operations), so nothing is lost silently. */
  readonly unprocessed: readonly unknown[];
  /** What a failed batch did process: the items written (batch writes) or found (batch reads). */
  readonly processed: readonly unknown[];
  constructor(
    operation: string,
    message: string,
    cause?: unknown,
    unprocessed: unknown[] = [],
    processed: unknown[] = [],
  ) {
    super('orm.backend', `${operation} failed: ${message}`, { cause });
    this.operation = operation;
    this.unprocessed = unprocessed;
    this.processed = processed;
  }
}

/**
 * A batch write that stopped part-way after its retries: which of the given items (by position in
 * the list the caller passed) were written and which were not. Retrying the unwritten ones completes it.
 */
export class BatchWriteError extends OrmError {
  constructor(
    message: string,
    /** Positions of the items that were written. */
    readonly written: readonly number[],
    /** Positions of the items that were not. */
    readonly unwritten: readonly number[],
    /** The engine's failure (a BackendError with the stored items). */
    cause: unknown,
  ) {
    super('orm.batchIncomplete', message, { cause });
  }
}

export function isOrmError(value: unknown): value is OrmError {
  return value instanceof OrmError;
}

function formatKey(key: Record<string, string>): string {
  return Object.entries(key)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ');
}

/** Describes a received value for messages: its type and a short rendering. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? 'Invalid Date' : `Date ${value.toISOString()}`;
  if (Array.isArray(value)) return `array(${value.length})`;
  if (value instanceof Set) return `Set(${value.size})`;
  if (typeof value === 'string')
    return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'object';
  return `${typeof value} ${String(value)}`;
}
