import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidCursorError } from '../errors.js';
import type { StoredKey } from '../layout.js';
import type { QueryPlan } from './plan.js';

const VERSION = 'c1';

// Private: canonical JSON of the parts of a plan a cursor belongs to (Sets as sorted arrays).
function canonical(value: unknown): unknown {
  if (value instanceof Set) return { $set: [...value].map(canonical).sort() };
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== 'raw')
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, canonical(v)]),
    );
  return value;
}

const bindings = new WeakMap<QueryPlan, string>();

/**
 * What a cursor is bound to: model, index, operation, partition, sort condition, filter, direction.
 * Computed once per plan (plans are cached per query shape).
 */
export function bindingOf(plan: QueryPlan): string {
  let binding = bindings.get(plan);
  if (binding === undefined) {
    const { entity, index, operation, partition, sort, filter, ascending, members } = plan;
    binding = JSON.stringify(
      canonical({ entity, index, operation, partition, sort, filter, ascending, members }),
    );
    bindings.set(plan, binding);
  }
  return binding;
}

function sign(secret: string, binding: string, payload: string): Buffer {
  return createHmac('sha256', secret)
    .update(binding)
    .update('\n')
    .update(payload)
    .digest()
    .subarray(0, 16);
}

/** An opaque, signed cursor: `c1.<key as base64url JSON>.<signature>`. */
export function encodeCursor(secret: string, plan: QueryPlan, key: StoredKey): string {
  const payload = Buffer.from(JSON.stringify(key)).toString('base64url');
  return `${VERSION}.${payload}.${sign(secret, bindingOf(plan), payload).toString('base64url')}`;
}

/** Decodes a cursor made by `encodeCursor` for the same plan; anything else is InvalidCursorError. */
export function decodeCursor(secret: string, plan: QueryPlan, cursor: string): StoredKey {
  if (typeof cursor !== 'string')
    throw new InvalidCursorError(`expected a string, got ${typeof cursor}`);
  const parts = cursor.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION)
    throw new InvalidCursorError('not a cursor of this API');
  const [, payload, signature] = parts as [string, string, string];
  const expected = sign(secret, bindingOf(plan), payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new InvalidCursorError(
      'it was altered, or belongs to another model, index, filter or direction',
    );
  try {
    const key = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    if (!key || typeof key !== 'object' || Object.values(key).some((v) => typeof v !== 'string'))
      throw new Error();
    return key as StoredKey;
  } catch {
    throw new InvalidCursorError('malformed payload');
  }
}
