import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { convertToAttr, convertToNative } from '@aws-sdk/util-dynamodb';
import type { StoredItem, StoredKey } from '../../layout.js';

// DynamoDB JSON both ways, for the low-level client: one walk per value, the types the ORM writes
// (strings, numbers, booleans, lists, maps) inline, everything else (sets, binary, big numbers,
// null) through util-dynamodb's own converters with the options the document client used, so the
// wire format and its errors are the document client's. Pure: no I/O.

/** An item, key or expression values as the wire carries them. */
export type Wire = Record<string, AttributeValue>;

const MARSHALL = { convertEmptyValues: false } as const;
const MAX = Number.MAX_SAFE_INTEGER;
const MIN = Number.MIN_SAFE_INTEGER;

/** One value as an AttributeValue. */
export function toAttr(v: unknown): AttributeValue {
  switch (typeof v) {
    case 'string':
      return { S: v };
    case 'number':
      // Out-of-range and special numbers: util-dynamodb's checks and messages.
      return v <= MAX && v >= MIN ? { N: String(v) } : convertToAttr(v, MARSHALL);
    case 'boolean':
      return { BOOL: v };
  }
  if (Array.isArray(v)) {
    const L: AttributeValue[] = [];
    for (const x of v) if (typeof x !== 'function') L.push(toAttr(x));
    return { L };
  }
  if (v !== null && typeof v === 'object' && v.constructor === Object)
    return { M: toWire(v as Record<string, unknown>) };
  return convertToAttr(v, MARSHALL);
}

/** A record (item, key, expression values) as a wire map. */
export function toWire(record: Readonly<Record<string, unknown>>): Wire {
  const out: Wire = {};
  for (const k in record) {
    const v = record[k];
    if (typeof v !== 'function') out[k] = toAttr(v);
  }
  return out;
}

/** One AttributeValue as a value (numbers beyond 2^53 as util-dynamodb reads them). */
export function fromAttr(av: AttributeValue): unknown {
  const a = av as {
    S?: string;
    N?: string;
    BOOL?: boolean;
    L?: AttributeValue[];
    M?: Wire;
    NULL?: boolean;
  };
  if (a.S !== undefined) return a.S;
  if (a.N !== undefined) {
    const n = Number(a.N);
    return n <= MAX && n >= MIN ? n : convertToNative(av);
  }
  if (a.BOOL !== undefined) return a.BOOL;
  if (a.L !== undefined) return a.L.map(fromAttr);
  if (a.M !== undefined) return fromWire(a.M);
  if (a.NULL !== undefined) return null;
  return convertToNative(av);
}

/** A wire map as a record. */
export function fromWire(wire: Wire): StoredItem {
  const out: StoredItem = {};
  for (const k in wire) out[k] = fromAttr(wire[k]!);
  return out;
}

export const keyFromWire = fromWire as (wire: Wire) => StoredKey;

type Input = Record<string, unknown>;

/**
 * A request built by params.ts (values as values) with its value-bearing members on the wire: Key,
 * Item, ExclusiveStartKey and ExpressionAttributeValues. The other members are shared, not copied.
 */
export function wireInput(input: Input): Input {
  const out: Input = { ...input };
  if (input.Key) out.Key = toWire(input.Key as Input);
  if (input.Item) out.Item = toWire(input.Item as Input);
  if (input.ExclusiveStartKey) out.ExclusiveStartKey = toWire(input.ExclusiveStartKey as Input);
  if (input.ExpressionAttributeValues)
    out.ExpressionAttributeValues = toWire(input.ExpressionAttributeValues as Input);
  return out;
}

/** Decodes a list of wire maps (Items, Responses), or none. */
export function fromWireList(list: readonly Wire[] | undefined): StoredItem[] {
  if (!list) return [];
  const out = new Array<StoredItem>(list.length);
  for (let i = 0; i < list.length; i++) out[i] = fromWire(list[i]!);
  return out;
}
