// Capacity: what each engine request cost (DynamoDB's ConsumedCapacity), reported by every backend
// to its `onRequest` hook and to the meters of the calls it serves (`measure`), and the item sizes
// and rounding rules by which the in-memory backend charges what DynamoDB would.
import { AsyncLocalStorage } from 'node:async_hooks';

/** What one engine request cost: the request and its read and write capacity units. */
export interface RequestEvent {
  /** The DynamoDB operation (GetItem, Query, BatchWriteItem, ...). */
  readonly operation: string;
  /** Read capacity units (RCU) consumed. */
  readonly read: number;
  /** Write capacity units (WCU) consumed, GSI writes included. */
  readonly write: number;
}

/** What a call cost in total: engine requests and capacity units. */
export interface Consumed {
  readonly requests: number;
  readonly read: number;
  readonly write: number;
}

export const NOTHING_CONSUMED: Consumed = Object.freeze({ requests: 0, read: 0, write: 0 });

/** Adds up request events (a GraphQL request, an ORM call, a test). */
export class Meter implements Consumed {
  requests = 0;
  read = 0;
  write = 0;
  /** Requests per operation name. */
  readonly operations: Record<string, number> = {};
  add(event: RequestEvent): void {
    this.requests++;
    this.read += event.read;
    this.write += event.write;
    this.operations[event.operation] = (this.operations[event.operation] ?? 0) + 1;
  }
  /** A plain copy of the totals. */
  snapshot(): Consumed {
    return { requests: this.requests, read: this.read, write: this.write };
  }
}

// The meters of the calls in progress: an async context, so concurrent calls (GraphQL requests)
// each count their own requests. Node enables its promise hooks only once a meter is in use.
const active = new AsyncLocalStorage<readonly Meter[]>();

/** Reports one request to the backend's hook and to every meter of the current call. */
export function reportRequest(
  hook: ((event: RequestEvent) => void) | undefined,
  event: RequestEvent,
): void {
  hook?.(event);
  const meters = active.getStore();
  if (meters) for (const m of meters) m.add(event);
}

/**
 * Runs `work` and counts the engine requests it causes, with their capacity units, on `meter`
 * (nested measures all count). Every backend reports, so `measure(() => User.get(k))` says what
 * that get cost on DynamoDB, or what it would cost, on the in-memory backend.
 */
export async function measure<T>(
  work: () => Promise<T> | T,
  meter: Meter = new Meter(),
): Promise<{ result: T; consumed: Meter }> {
  const outer = active.getStore() ?? [];
  const result = await active.run([...outer, meter], work);
  return { result, consumed: meter };
}

/** Runs `work` with `meter` counting its requests; answers what `work` answers. */
export function metered<T>(meter: Meter, work: () => T): T {
  return active.run([...(active.getStore() ?? []), meter], work);
}

// ---- DynamoDB's arithmetic -------------------------------------------------------------------

const encoder = new TextEncoder();
function utf8Length(s: string): number {
  // ASCII fast path: one byte per UTF-16 unit.
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return encoder.encode(s).length;
  return s.length;
}

function numberSize(n: number | bigint | string): number {
  // 1 byte per two significant digits, plus one; leading and trailing zeroes do not count.
  const digits = String(n)
    .replace(/^-/, '')
    .replace(/e.*$/i, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

function valueSize(v: unknown): number {
  if (v === null || v === undefined || typeof v === 'boolean') return 1;
  if (typeof v === 'string') return utf8Length(v);
  if (typeof v === 'number' || typeof v === 'bigint') return numberSize(v);
  if (v instanceof Uint8Array) return v.byteLength;
  if (v instanceof Set) {
    let size = 0;
    for (const x of v) size += valueSize(x);
    return size;
  }
  if (Array.isArray(v)) {
    let size = 3;
    for (const x of v) size += 1 + valueSize(x);
    return size;
  }
  if (typeof v === 'object') {
    let size = 3;
    for (const [k, x] of Object.entries(v as Record<string, unknown>))
      if (x !== undefined) size += 1 + utf8Length(k) + valueSize(x);
    return size;
  }
  return utf8Length(String(v));
}

/** An item's size as DynamoDB counts it: attribute names plus values (UTF-8 bytes, numbers by digits, 3 bytes per list or map, 1 per element). */
export function itemSize(item: Record<string, unknown>): number {
  let size = 0;
  for (const [name, v] of Object.entries(item))
    if (v !== undefined) size += utf8Length(name) + valueSize(v);
  return size;
}

/** Read units for `bytes` read as one unit of rounding: 4 KB per unit, half for an eventually consistent read. */
export function readUnits(bytes: number, consistent: boolean): number {
  return Math.ceil(bytes / 4096) * (consistent ? 1 : 0.5);
}

/** Write units for an item of `bytes`: 1 KB per unit, at least one. */
export function writeUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 1024));
}
