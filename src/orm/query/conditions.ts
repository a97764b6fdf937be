import { describe, type ValidationIssue } from '../errors.js';
import type { AnyField } from '../fields.js';
import { accepts, OPERATOR_TABLE, OPERATORS, type Operator, operatorsFor } from './operators.js';
import { compareText } from './order.js';

const OPERATOR_SET = new Set<string>(OPERATORS);
/**
 * A parsed, validated condition tree. `value` is in stored form (Dates as ISO text, sets as Sets),
 * so backends compare exactly what the table holds; `raw` keeps the caller's value for key planning.
 */
export type Condition =
  | {
      readonly type: 'compare';
      readonly field: string;
      readonly op: Operator;
      readonly value: unknown;
      readonly raw: unknown;
    }
  | { readonly type: 'and' | 'or'; readonly of: readonly Condition[] }
  | { readonly type: 'not'; readonly of: Condition };

type Element<T> =
  T extends Set<infer E>
    ? E
    : T extends readonly (infer E)[]
      ? E
      : T extends string
        ? string
        : never;
/** The operators a field of value type `T` accepts. */
export type Operators<T> = {
  eq?: T | null;
  ne?: T | null;
  gt?: T;
  gte?: T;
  lt?: T;
  lte?: T;
  between?: readonly [T, T];
  in?: readonly T[];
  beginsWith?: string;
  contains?: Element<T>;
  exists?: boolean;
};
/**
 * `{ age: 30 }`, `{ age: { gte: 30 } }`: every key a field, every value a value or operators; entries
 * are ANDed. `AND`, `OR` and `NOT` nest conditions: `{ OR: [{ age: 30 }, { name: 'Bo' }] }`.
 */
export type Where<TValues> = {
  [K in keyof TValues]?: TValues[K] | null | Operators<NonNullable<TValues[K]>>;
} & {
  AND?: readonly Where<TValues>[];
  OR?: readonly Where<TValues>[];
  NOT?: Where<TValues>;
};
const GROUPS = new Set(['AND', 'OR', 'NOT']);

// GraphQL hands input objects over with a null prototype; both kinds are plain.
function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

// Private: a plain object is an operator object, except on json fields, where it must use operator keys only.
function isOperatorObject(def: AnyField, value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || !isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return def.kind !== 'json' || (keys.length > 0 && keys.every((k) => OPERATOR_SET.has(k)));
}

function encodeValue(
  def: AnyField,
  value: unknown,
  path: string,
  issues: ValidationIssue[],
): { value: unknown; raw: unknown } | undefined {
  const before = issues.length;
  const parsed = def.parse(value, path, issues);
  if (issues.length > before) return undefined;
  return { value: def.encode(parsed), raw: parsed };
}

// Private: one comparison, checked against the operator table, its operand parsed as the field's kind.
function compare(
  field: string,
  def: AnyField,
  op: string,
  operand: unknown,
  issues: ValidationIssue[],
): Condition | undefined {
  const path = `${field}.${op}`;
  const bad = (message: string, expected: string) => {
    issues.push({ path, message, expected, received: describe(operand) });
    return undefined;
  };
  if (!OPERATOR_SET.has(op)) return bad(`unknown operator "${op}"`, OPERATORS.join(' | '));
  // eq null / ne null, on any kind: the field has no value / has one.
  if ((op === 'eq' || op === 'ne') && (operand === null || operand === undefined))
    return { type: 'compare', field, op: 'exists', value: op === 'ne', raw: op === 'ne' };
  if (!accepts(def.kind, op))
    return bad(
      `${op} does not apply to ${field} (a ${def.kind} field)`,
      operatorsFor(def.kind).join(' | '),
    );
  const make = (value: unknown, raw: unknown): Condition => ({
    type: 'compare',
    field,
    op: op as Operator,
    value,
    raw,
  });
  switch (OPERATOR_TABLE[op as Operator].operand) {
    case 'value': {
      const v = encodeValue(def, operand, path, issues);
      return v && make(v.value, v.raw);
    }
    case 'pair': {
      if (!Array.isArray(operand) || operand.length !== 2)
        return bad(`${op} takes [low, high]`, '[low, high]');
      const lo = encodeValue(def, operand[0], `${path}[0]`, issues);
      const hi = encodeValue(def, operand[1], `${path}[1]`, issues);
      if (!lo || !hi) return undefined;
      // DynamoDB refuses a reversed range (ValidationException) where an engine could answer nothing.
      const reversed =
        typeof lo.value === 'string' && typeof hi.value === 'string'
          ? compareText(lo.value, hi.value) > 0
          : typeof lo.value === 'number' && typeof hi.value === 'number' && lo.value > hi.value;
      if (reversed)
        return bad(
          `${op} takes [low, high] with low <= high (DynamoDB refuses a reversed range)`,
          'low <= high',
        );
      return make([lo.value, hi.value], [lo.raw, hi.raw]);
    }
    case 'values': {
      if (!Array.isArray(operand) || operand.length === 0 || operand.length > 100)
        return bad(`${op} takes a non-empty array of at most 100 values`, 'array (1..100)');
      const vs = operand.map((x, i) => encodeValue(def, x, `${path}[${i}]`, issues));
      if (vs.some((x) => x === undefined)) return undefined;
      return make(
        vs.map((x) => x!.value),
        vs.map((x) => x!.raw),
      );
    }
    case 'text':
      if (typeof operand !== 'string') return bad(`${op} takes a string`, 'string');
      return make(operand, operand);
    case 'element': {
      if (def.kind === 'list' && def.of) {
        const v = encodeValue(def.of, operand, path, issues);
        return v && make(v.value, v.raw);
      }
      const expected = def.kind === 'numberSet' ? 'number' : 'string';
      if (typeof operand !== expected)
        return bad(`${op} on ${field} takes a ${expected}`, expected);
      return make(operand, operand);
    }
    case 'flag':
      if (typeof operand !== 'boolean') return bad(`${op} takes true or false`, 'boolean');
      return make(operand, operand);
  }
}

/**
 * Parses a `where` object into a condition tree (entries ANDed), pushing an issue for every unknown
 * field, unknown operator and ill-typed value.
 */
export function parseWhere(
  fields: ReadonlyMap<string, AnyField>,
  where: object,
  issues: ValidationIssue[],
): Condition | null {
  if (typeof where !== 'object' || where === null || Array.isArray(where)) {
    issues.push({
      path: '',
      message: 'conditions must be an object of field conditions',
      expected: 'object',
      received: describe(where),
    });
    return null;
  }
  const parts: Condition[] = [];
  for (const [name, spec] of Object.entries(where)) {
    if (spec === undefined) continue;
    if (GROUPS.has(name) && !fields.has(name)) {
      if (spec === null) continue;
      const group = parseGroup(fields, name as 'AND' | 'OR' | 'NOT', spec, issues);
      if (group) parts.push(group);
      continue;
    }
    const def = fields.get(name);
    if (!def) {
      issues.push({
        path: name,
        message: 'unknown field',
        expected: [...fields.keys()].join(' | '),
        received: JSON.stringify(name),
      });
      continue;
    }
    if (isOperatorObject(def, spec)) {
      for (const [op, operand] of Object.entries(spec)) {
        if (operand === undefined) continue;
        const c = compare(name, def, op, operand, issues);
        if (c) parts.push(c);
      }
    } else {
      const c = compare(name, def, 'eq', spec, issues);
      if (c) parts.push(c);
    }
  }
  return and(parts);
}

function parseGroup(
  fields: ReadonlyMap<string, AnyField>,
  name: 'AND' | 'OR' | 'NOT',
  spec: unknown,
  issues: ValidationIssue[],
): Condition | null {
  if (name === 'NOT') {
    const inner = parseWhere(fields, spec as object, issues);
    return inner && not(inner);
  }
  if (!Array.isArray(spec)) {
    issues.push({
      path: name,
      message: `${name} takes an array of conditions`,
      expected: 'array',
      received: describe(spec),
    });
    return null;
  }
  const members = spec.map((w) => parseWhere(fields, w as object, issues));
  if (name === 'AND') return and(members);
  // An empty member matches everything, and so does the disjunction.
  if (members.length === 0) return null;
  return members.reduce<Condition | null>(
    (acc, c, i) => (i === 0 ? c : or(acc, c)),
    members[0] ?? null,
  );
}

export function and(parts: readonly (Condition | null)[]): Condition | null {
  const flat: Condition[] = [];
  for (const p of parts) if (p) flat.push(...(p.type === 'and' ? p.of : [p]));
  return flat.length === 0 ? null : flat.length === 1 ? flat[0]! : { type: 'and', of: flat };
}

export function or(a: Condition | null, b: Condition | null): Condition | null {
  // An empty side matches everything, and so does the disjunction.
  if (!a || !b) return null;
  const of = [...(a.type === 'or' ? a.of : [a]), ...(b.type === 'or' ? b.of : [b])];
  return { type: 'or', of };
}

export function not(c: Condition): Condition {
  return c.type === 'not' ? c.of : { type: 'not', of: c };
}

/** The top-level conjuncts of a condition (what a key condition may use). */
export function conjuncts(c: Condition | null): readonly Condition[] {
  return c === null ? [] : c.type === 'and' ? c.of : [c];
}

/** Fields whose value the condition fixes with a top-level `eq`, with the caller's value. */
export function fixedValues(c: Condition | null): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const part of conjuncts(c))
    if (part.type === 'compare' && part.op === 'eq') out.set(part.field, part.raw);
  return out;
}
