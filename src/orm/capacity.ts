// Capacity: what each engine request cost (DynamoDB's ConsumedCapacity), reported by every backend
// to its `onRequest` hook and to the meters of the calls it serves (`measure`), and the item sizes
// and rounding rules by which the in-memory backend charges what DynamoDB would.
import { AsyncLocalStorage } from 'node:async_hooks';
import { itemSize } from './limits.js';

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

/** An item's size as DynamoDB counts it (limits.ts: names plus values by DynamoDB's sizing rules). */
export { itemSize };

/** Read units for `bytes` read as one unit of rounding: 4 KB per unit, half for an eventually consistent read. */
export function readUnits(bytes: number, consistent: boolean): number {
  return Math.ceil(bytes / 4096) * (consistent ? 1 : 0.5);
}

/** Write units for an item of `bytes`: 1 KB per unit, at least one. */
export function writeUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 1024));
}
