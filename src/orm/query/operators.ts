import type { FieldKind } from '../fields.js';

// The one table of condition operators: which field kinds accept each, and what its operand is. The
// ORM's condition parser (conditions.ts) and the GraphQL filter inputs are both generated from it.

export const OPERATORS = [
  'eq',
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
  'in',
  'beginsWith',
  'contains',
  'exists',
] as const;
export type Operator = (typeof OPERATORS)[number];

/**
 * What an operator takes: `value` a value of the field, `pair` `[low, high]`, `values` a list of
 * 1..100 values, `text` a string prefix, `element` a substring (string fields) or one member (sets
 * and lists), `flag` a boolean.
 */
export type Operand = 'value' | 'pair' | 'values' | 'text' | 'element' | 'flag';

export interface OperatorSpec {
  readonly operand: Operand;
  readonly kinds: readonly FieldKind[];
  /** What the operator means, shown in GraphQL. */
  readonly description: string;
}

const SCALARS: readonly FieldKind[] = [
  'string',
  'int',
  'float',
  'boolean',
  'datetime',
  'date',
  'enum',
];
/** Kinds whose stored order means something (enums are left out: their text order is not theirs). */
const ORDERED: readonly FieldKind[] = ['string', 'int', 'float', 'datetime', 'date'];
const ALL: readonly FieldKind[] = [...SCALARS, 'json', 'list', 'stringSet', 'numberSet'];

export const OPERATOR_TABLE: Readonly<Record<Operator, OperatorSpec>> = Object.freeze({
  eq: { operand: 'value', kinds: SCALARS, description: 'Equal to (null: the field has no value).' },
  ne: {
    operand: 'value',
    kinds: SCALARS,
    description: 'Not equal to (null: the field has a value).',
  },
  gt: { operand: 'value', kinds: ORDERED, description: 'Greater than.' },
  gte: { operand: 'value', kinds: ORDERED, description: 'Greater than or equal to.' },
  lt: { operand: 'value', kinds: ORDERED, description: 'Less than.' },
  lte: { operand: 'value', kinds: ORDERED, description: 'Less than or equal to.' },
  between: { operand: 'pair', kinds: ORDERED, description: '[low, high], both included.' },
  in: {
    operand: 'values',
    kinds: ['string', 'int', 'float', 'datetime', 'date', 'enum'],
    description: 'One of these values (at most 100).',
  },
  beginsWith: {
    operand: 'text',
    kinds: ['string', 'datetime', 'date'],
    description: 'Starts with this text.',
  },
  contains: {
    operand: 'element',
    kinds: ['string', 'list', 'stringSet', 'numberSet'],
    description: 'Contains this text (strings) or this member (sets and lists).',
  },
  exists: {
    operand: 'flag',
    kinds: ALL,
    description: 'true: the field has a value; false: it is null.',
  },
});

const byKind = new Map<FieldKind, readonly Operator[]>(
  ALL.map((kind) => [kind, OPERATORS.filter((op) => OPERATOR_TABLE[op].kinds.includes(kind))]),
);

/** The operators a field kind accepts, in table order. */
export function operatorsFor(kind: FieldKind): readonly Operator[] {
  return byKind.get(kind) ?? [];
}

/** True when `op` is an operator and applies to `kind`. */
export function accepts(kind: FieldKind, op: string): op is Operator {
  return (
    (OPERATOR_TABLE as Record<string, OperatorSpec | undefined>)[op]?.kinds.includes(kind) === true
  );
}
