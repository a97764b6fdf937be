import type { StoredItem } from '../layout.js';
import type { Condition } from './conditions.js';
import { compareStored } from './order.js';

// The in-process interpreter of conditions, with DynamoDB's semantics: the in-memory backend's engine,
// and the visibility check of key reads (GetItem has no filter).

/** DynamoDB's equality: same type and value; sets, lists and maps compared by content. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Set && b instanceof Set)
    return a.size === b.size && [...a].every((x) => b.has(x));
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (
    a &&
    b &&
    typeof a === 'object' &&
    typeof b === 'object' &&
    !(a instanceof Set) &&
    !(b instanceof Set) &&
    !Array.isArray(a) &&
    !Array.isArray(b)
  ) {
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length &&
      ka.every((k) => sameValue((a as StoredItem)[k], (b as StoredItem)[k]))
    );
  }
  return false;
}

// Private: ordered comparison exists only between two strings or two numbers, as in DynamoDB.
function ordered(a: unknown, b: unknown): number | null {
  if (
    (typeof a === 'string' && typeof b === 'string') ||
    (typeof a === 'number' && typeof b === 'number')
  )
    return compareStored(a, b);
  return null;
}

/** Evaluates a condition against a stored item with DynamoDB's semantics (absent attributes included). */
export function matches(c: Condition, item: StoredItem): boolean {
  switch (c.type) {
    case 'and':
      return c.of.every((x) => matches(x, item));
    case 'or':
      return c.of.some((x) => matches(x, item));
    case 'not':
      return !matches(c.of, item);
    default: {
      const v = item[c.field];
      const x = c.value;
      switch (c.op) {
        case 'eq':
          return sameValue(v, x);
        case 'ne':
          return !sameValue(v, x);
        case 'gt':
          return (ordered(v, x) ?? 0) > 0 && ordered(v, x) !== null;
        case 'gte':
          return ordered(v, x) !== null && ordered(v, x)! >= 0;
        case 'lt':
          return ordered(v, x) !== null && ordered(v, x)! < 0;
        case 'lte':
          return ordered(v, x) !== null && ordered(v, x)! <= 0;
        case 'between': {
          const [lo, hi] = x as [unknown, unknown];
          const a = ordered(v, lo);
          const b = ordered(v, hi);
          return a !== null && b !== null && a >= 0 && b <= 0;
        }
        case 'in':
          return (x as unknown[]).some((y) => sameValue(v, y));
        case 'beginsWith':
          return typeof v === 'string' && v.startsWith(x as string);
        case 'contains':
          if (typeof v === 'string') return typeof x === 'string' && v.includes(x);
          if (v instanceof Set) return v.has(x);
          if (Array.isArray(v)) return v.some((y) => sameValue(y, x));
          return false;
        case 'exists':
          return (v !== undefined && v !== null) === x;
      }
    }
  }
}
