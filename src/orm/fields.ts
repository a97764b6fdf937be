import { BackendError, describe, type ValidationIssue } from './errors.js';

/** The storable kinds of field; each maps to one DynamoDB type and one GraphQL type. */
export type FieldKind =
  | 'string'
  | 'int'
  | 'float'
  | 'boolean'
  | 'datetime'
  | 'date'
  | 'enum'
  | 'json'
  | 'list'
  | 'stringSet'
  | 'numberSet';

export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

interface CommonOptions<T> {
  /** Part of the fallback key `<Entity>#<primary key>` and of the GraphQL lookup arguments. */
  readonly primaryKey?: boolean;
  /** May be absent (`null`); optional in `create()` input. */
  readonly optional?: boolean;
  /** A value, or a function called for each new instance; makes the field optional in `create()`. */
  readonly default?: T | (() => T);
  /** Shown in GraphQL. */
  readonly description?: string;
  /** `false` hides the field from the generated GraphQL types. @default true */
  readonly graphql?: boolean;
}
export interface StringOptions extends CommonOptions<string> {
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: RegExp;
}
export interface NumberOptions extends CommonOptions<number> {
  readonly min?: number;
  readonly max?: number;
}
export interface ListOptions<T> extends CommonOptions<T[]> {
  readonly minLength?: number;
  readonly maxLength?: number;
}
export type FieldOptions = CommonOptions<unknown> &
  Omit<StringOptions, keyof CommonOptions<string>> &
  Omit<NumberOptions, keyof CommonOptions<number>>;

/**
 * A field definition. `TValue` is the value type, `TOptions` the literal options (they decide whether
 * the field is optional in input and nullable on the instance). Definitions are frozen once built.
 */
export interface FieldDef<TValue = unknown, TOptions = unknown> {
  readonly kind: FieldKind;
  readonly options: FieldOptions;
  /** Enum members. */
  readonly values?: readonly string[];
  /** Element definition of a list. */
  readonly of?: AnyField;
  /**
   * Checks and normalises one non-null value (ISO text becomes a Date, arrays become Sets), pushing an
   * issue and returning `undefined` when it is wrong.
   */
  readonly parse: (value: unknown, path: string, issues: ValidationIssue[]) => unknown;
  /** Instance value -> stored value (`undefined` means: store no attribute). */
  readonly encode: (value: unknown) => unknown;
  /** Stored value -> instance value. */
  readonly decode: (stored: unknown) => unknown;
  /** Phantom members carrying the types; never set at run time. */
  readonly $value?: TValue;
  readonly $options?: TOptions;
}
// biome-ignore lint/suspicious/noExplicitAny: the widest field, used only as a constraint
export type AnyField = FieldDef<any, any>;
export type FieldMap = Readonly<Record<string, AnyField>>;

type IsOptionalInput<O> = O extends { optional: true }
  ? true
  : O extends { default: unknown }
    ? true
    : false;
/** The value a field holds on an instance. */
export type FieldValue<D> =
  D extends FieldDef<infer T, infer O> ? (O extends { optional: true } ? T | null : T) : never;
/** Names of the fields that `create()` requires. */
export type RequiredInputKeys<F extends FieldMap> = {
  [K in keyof F]: F[K] extends FieldDef<unknown, infer O>
    ? IsOptionalInput<O> extends true
      ? never
      : K
    : never;
}[keyof F];

/** The codec of a value stored as it is: `encode === storedAsIs` lets writes skip the call. */
export const storedAsIs = (v: unknown): unknown => v;
const identity = storedAsIs;

// Private: the shared skeleton of every builder.
function define<T, O>(
  kind: FieldKind,
  options: FieldOptions | undefined,
  check: (value: unknown, path: string, issues: ValidationIssue[]) => unknown,
  codec: { encode?: (v: unknown) => unknown; decode?: (v: unknown) => unknown } = {},
  extra: { values?: readonly string[]; of?: AnyField } = {},
): FieldDef<T, O> {
  const opts = Object.freeze({ ...options });
  return Object.freeze({
    kind,
    options: opts,
    ...extra,
    parse: check,
    encode: codec.encode ?? identity,
    decode: codec.decode ?? identity,
  });
}

function issue(
  issues: ValidationIssue[],
  path: string,
  message: string,
  expected: string,
  value: unknown,
): undefined {
  issues.push({ path, message, expected, received: describe(value) });
  return undefined;
}

function checkRange(
  value: number,
  o: FieldOptions,
  path: string,
  issues: ValidationIssue[],
): number | undefined {
  if (o.min !== undefined && value < o.min)
    return issue(issues, path, `must be at least ${o.min}`, `>= ${o.min}`, value);
  if (o.max !== undefined && value > o.max)
    return issue(issues, path, `must be at most ${o.max}`, `<= ${o.max}`, value);
  return value;
}

function checkLength(
  length: number,
  o: FieldOptions,
  path: string,
  issues: ValidationIssue[],
  value: unknown,
) {
  if (o.minLength !== undefined && length < o.minLength)
    return issue(
      issues,
      path,
      `must have length at least ${o.minLength}`,
      `length >= ${o.minLength}`,
      value,
    );
  if (o.maxLength !== undefined && length > o.maxLength)
    return issue(
      issues,
      path,
      `must have length at most ${o.maxLength}`,
      `length <= ${o.maxLength}`,
      value,
    );
  return value;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function isCalendarDate(text: string): boolean {
  const m = ISO_DATE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return (
    d.getUTCFullYear() === Number(m[1]) &&
    d.getUTCMonth() === Number(m[2]) - 1 &&
    d.getUTCDate() === Number(m[3])
  );
}

// Loops, not every() over Object.values: a JSON field is checked on every write of its item.
function isJson(value: unknown, depth = 0): boolean {
  if (depth > 32) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      // A hole is skipped, as every() skips it.
      if (!isJson(v, depth + 1) && (v !== undefined || i in value)) return false;
    }
    return true;
  }
  if (typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++)
    if (!isJson((value as Record<string, unknown>)[keys[i]!], depth + 1)) return false;
  return true;
}

// Private: a non-global copy, so `test()` never carries lastIndex state from one call to the next.
function stable(pattern: RegExp | undefined): RegExp | undefined {
  return pattern && (pattern.global || pattern.sticky)
    ? new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''))
    : pattern;
}

// The SDK turns stored numbers beyond ±(2^53-1) into BigInt; refuse them rather than round them.
function decodeNumber(v: unknown): unknown {
  if (typeof v === 'number') return v;
  throw new BackendError(
    'decode',
    `stored number ${String(v)} is outside JavaScript's safe integer range and cannot be read without losing precision`,
  );
}
const numbers = { decode: decodeNumber };

const sets = {
  encode: (v: unknown) => ((v as Set<unknown>).size === 0 ? undefined : new Set(v as Set<unknown>)),
  decode: (v: unknown) => (v instanceof Set ? new Set(v) : new Set(Array.isArray(v) ? v : [])),
};

// Private: a Set field (a Set or an array is accepted); empty sets are stored as no attribute.
function setField<T, O>(
  kind: 'stringSet' | 'numberSet',
  options: O | undefined,
  what: string,
  accepts: (x: unknown) => boolean,
): FieldDef<Set<T>, O> {
  const expected = kind === 'stringSet' ? 'Set<string>' : 'Set<number>';
  return define(
    kind,
    options as FieldOptions,
    (v, path, issues) => {
      const items = v instanceof Set ? [...v] : Array.isArray(v) ? v : undefined;
      if (!items?.every(accepts))
        return issue(issues, path, `must be a Set (or array) of ${what}`, expected, v);
      return new Set(items);
    },
    sets,
  );
}

/** Field builders. Each returns a frozen definition whose type carries the literal options. */
export const field = {
  string<const O extends StringOptions = {}>(options?: O): FieldDef<string, NoInfer<O>> {
    const o = (options ?? {}) as FieldOptions;
    const pattern = stable(o.pattern);
    return define('string', { ...o, pattern }, (v, path, issues) => {
      if (typeof v !== 'string') return issue(issues, path, 'must be a string', 'string', v);
      if (checkLength(v.length, o, path, issues, v) === undefined) return undefined;
      if (pattern && !pattern.test(v))
        return issue(issues, path, `must match ${pattern}`, `string matching ${pattern}`, v);
      return v;
    });
  },
  int<const O extends NumberOptions = {}>(options?: O): FieldDef<number, NoInfer<O>> {
    const o = (options ?? {}) as FieldOptions;
    return define(
      'int',
      o,
      (v, path, issues) => {
        if (typeof v !== 'number' || !Number.isSafeInteger(v))
          return issue(issues, path, 'must be an integer within ±(2^53-1)', 'safe integer', v);
        return checkRange(v, o, path, issues);
      },
      numbers,
    );
  },
  float<const O extends NumberOptions = {}>(options?: O): FieldDef<number, NoInfer<O>> {
    const o = (options ?? {}) as FieldOptions;
    return define(
      'float',
      o,
      (v, path, issues) => {
        if (typeof v !== 'number' || !Number.isFinite(v))
          return issue(issues, path, 'must be a finite number', 'finite number', v);
        return checkRange(v, o, path, issues);
      },
      numbers,
    );
  },
  boolean<const O extends CommonOptions<boolean> = {}>(options?: O): FieldDef<boolean, NoInfer<O>> {
    return define('boolean', options as FieldOptions, (v, path, issues) =>
      typeof v === 'boolean' ? v : issue(issues, path, 'must be a boolean', 'boolean', v),
    );
  },
  /** A `Date`, stored as ISO-8601 UTC text (so it sorts); ISO text is accepted as input. */
  datetime<const O extends CommonOptions<Date> = {}>(options?: O): FieldDef<Date, NoInfer<O>> {
    return define(
      'datetime',
      options as FieldOptions,
      (v, path, issues) => {
        const d =
          v instanceof Date
            ? v
            : typeof v === 'string' && ISO_DATETIME.test(v)
              ? new Date(v)
              : undefined;
        if (!d || Number.isNaN(d.getTime()))
          return issue(issues, path, 'must be a valid Date or ISO-8601 date-time', 'Date', v);
        return d;
      },
      {
        encode: (v) => (v as Date).toISOString(),
        decode: (v) => (typeof v === 'number' ? new Date(v * 1000) : new Date(v as string)),
      },
    );
  },
  /** A calendar date as `YYYY-MM-DD` text. */
  date<const O extends CommonOptions<string> = {}>(options?: O): FieldDef<string, NoInfer<O>> {
    return define('date', options as FieldOptions, (v, path, issues) =>
      typeof v === 'string' && isCalendarDate(v)
        ? v
        : issue(issues, path, 'must be a calendar date YYYY-MM-DD', 'YYYY-MM-DD', v),
    );
  },
  enum<
    const V extends readonly [string, ...string[]],
    const O extends CommonOptions<V[number]> = {},
  >(values: V, options?: O): FieldDef<V[number], NoInfer<O>> {
    const allowed = new Set<string>(values);
    const expected = values.map((x) => JSON.stringify(x)).join(' | ');
    return define(
      'enum',
      options as FieldOptions,
      (v, path, issues) =>
        typeof v === 'string' && allowed.has(v)
          ? v
          : issue(issues, path, `must be one of ${expected}`, expected, v),
      {},
      { values: Object.freeze([...values]) },
    );
  },
  /** Any JSON value (maps and lists), stored as a DynamoDB map/list. */
  json<const O extends CommonOptions<JsonValue> = {}>(
    options?: O,
  ): FieldDef<JsonValue, NoInfer<O>> {
    return define(
      'json',
      options as FieldOptions,
      (v, path, issues) =>
        isJson(v)
          ? v
          : issue(issues, path, 'must be JSON (plain objects, arrays, finite numbers)', 'JSON', v),
      { decode: (v) => v ?? null },
    );
  },
  list<D extends AnyField, const O extends ListOptions<NonNullable<FieldValue<D>>> = {}>(
    of: D,
    options?: O,
  ): FieldDef<NonNullable<FieldValue<D>>[], NoInfer<O>> {
    const o = (options ?? {}) as FieldOptions;
    return define(
      'list',
      o,
      (v, path, issues) => {
        if (!Array.isArray(v)) return issue(issues, path, 'must be an array', 'array', v);
        if (checkLength(v.length, o, path, issues, v) === undefined) return undefined;
        const before = issues.length;
        const out = v.map((x, i) =>
          x === null || x === undefined
            ? issue(issues, `${path}[${i}]`, 'must not be null', 'value', x)
            : of.parse(x, `${path}[${i}]`, issues),
        );
        return issues.length === before ? out : undefined;
      },
      {
        encode: (v) => (v as unknown[]).map(of.encode),
        decode: (v) => (Array.isArray(v) ? v.map(of.decode) : []),
      },
      { of },
    );
  },
  stringSet<const O extends CommonOptions<Set<string>> = {}>(
    options?: O,
  ): FieldDef<Set<string>, NoInfer<O>> {
    return setField('stringSet', options, 'strings', (x) => typeof x === 'string');
  },
  numberSet<const O extends CommonOptions<Set<number>> = {}>(
    options?: O,
  ): FieldDef<Set<number>, NoInfer<O>> {
    return setField(
      'numberSet',
      options,
      'finite numbers',
      (x) => typeof x === 'number' && Number.isFinite(x),
    );
  },
};

/** The default of a field for a new instance (`null` when it has none). */
export function defaultOf(def: AnyField): unknown {
  const d = def.options.default;
  if (d === undefined)
    return def.kind === 'stringSet' || def.kind === 'numberSet'
      ? def.options.optional
        ? null
        : new Set()
      : null;
  if (typeof d === 'function') return (d as () => unknown)();
  // Copy mutable defaults, so two instances never share one array or Set.
  if (d instanceof Set) return new Set(d);
  if (Array.isArray(d) || (typeof d === 'object' && d !== null)) return structuredClone(d);
  return d;
}
